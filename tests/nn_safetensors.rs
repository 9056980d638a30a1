//! safetensors: round trip, a file written by Python's `safetensors` package
//! in PyTorch's layout, and clear errors.
#![cfg(feature = "safetensors")]

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::safetensors::{load, save, SafetensorsError};
use neurokern::nn::{Dense, Network};

type Net = mlp![Dense<2, 4>, Dense<4, 1>];

fn fresh() -> Network<Net> {
    Network::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)])
}

#[test]
fn round_trip() {
    let mut net = fresh();
    net.init(Init::XavierNormal, &mut SplitMix64::new(4));
    net.params.0.b = [0.1, 0.2, 0.3, 0.4];
    let bytes = save(&net, &["fc1", "fc2"]).unwrap();
    let mut back = fresh();
    load(&mut back, &bytes, &["fc1", "fc2"]).unwrap();
    assert_eq!(back, net);
}

#[test]
fn loads_a_file_written_by_python_in_pytorch_layout() {
    let bytes = include_bytes!("data/torch_2_4_1.safetensors");
    let mut net = fresh();
    load(&mut net, bytes, &["0", "2"]).unwrap();
    let expected = include_str!("data/torch_2_4_1.expected.txt");
    let mut n = 0;
    for line in expected.lines().filter(|l| !l.starts_with('#')) {
        let v: Vec<f64> = line
            .split_whitespace()
            .map(|s| s.parse().unwrap())
            .collect();
        let mut y = [0.0f32];
        net.forward(&[v[0] as f32, v[1] as f32], &mut y);
        assert!(
            (f64::from(y[0]) - v[2]).abs() < 1e-5,
            "x = {:?}: {} vs numpy {}",
            &v[..2],
            y[0],
            v[2]
        );
        n += 1;
    }
    assert_eq!(n, 4);
}

#[test]
fn errors_name_what_is_wrong() {
    let bytes = include_bytes!("data/torch_2_4_1.safetensors");
    let mut net = fresh();
    let before = net;
    assert_eq!(
        load(&mut net, bytes, &["0"]),
        Err(SafetensorsError::LayerNames {
            expected: 2,
            got: 1
        })
    );
    assert_eq!(
        load(&mut net, bytes, &["0", "1"]),
        Err(SafetensorsError::Missing {
            name: "1.weight".into()
        })
    );
    let mut wide = Network::<mlp![Dense<3, 4>, Dense<4, 1>]>::new(mlp![
        Dense::new(Act::Tanh),
        Dense::new(Act::Identity)
    ]);
    let e = load(&mut wide, bytes, &["0", "2"]).unwrap_err();
    assert_eq!(
        e,
        SafetensorsError::Shape {
            name: "0.weight".into(),
            expected: vec![4, 3],
            found: vec![4, 2]
        }
    );
    assert!(e.to_string().contains("0.weight"));
    assert!(matches!(
        load(&mut net, b"garbage", &["0", "2"]),
        Err(SafetensorsError::Format(_))
    ));
    assert_eq!(net, before, "a failed load must not change the network");
}

/// Like PyTorch's `load_state_dict(strict=True)`, a tensor the network has
/// no place for is an error naming it; `load_lenient` ignores it.
#[test]
fn an_unexpected_tensor_is_an_error_unless_lenient() {
    use neurokern::nn::safetensors::load_lenient;
    use safetensors::tensor::{Dtype, TensorView};
    let mut net = fresh();
    net.init(Init::XavierNormal, &mut SplitMix64::new(5));
    let good = save(&net, &["fc1", "fc2"]).unwrap();
    // the same tensors plus one more
    let st = safetensors::SafeTensors::deserialize(&good).unwrap();
    let extra = [0u8; 4];
    let mut views: Vec<(String, TensorView)> = st
        .tensors()
        .into_iter()
        .map(|(n, v)| {
            (
                n,
                TensorView::new(v.dtype(), v.shape().to_vec(), v.data()).unwrap(),
            )
        })
        .collect();
    views.push((
        "fc3.weight".into(),
        TensorView::new(Dtype::F32, vec![1], &extra).unwrap(),
    ));
    let bytes = safetensors::serialize(views, None).unwrap();
    let mut back = fresh();
    let before = back;
    let e = load(&mut back, &bytes, &["fc1", "fc2"]).unwrap_err();
    assert_eq!(
        e,
        SafetensorsError::Unexpected {
            name: "fc3.weight".into()
        }
    );
    assert!(e.to_string().contains("fc3.weight"));
    assert_eq!(back, before);
    load_lenient(&mut back, &bytes, &["fc1", "fc2"]).unwrap();
    assert_eq!(back, net);
}
