//! safetensors import and export (feature `std`), with PyTorch `nn.Linear`
//! conventions: `<layer>.weight` of shape `[out, in]` and `<layer>.bias` of
//! shape `[out]`, both `F32`.
//!
//! safetensors holds tensors, not code: activations are not stored, so
//! [`load`] keeps the network's own. A PyTorch
//! `nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))` names its
//! layers `"0"` and `"2"`; pass those names.
//!
//! ```
//! use neurokern::{activation::Act, mlp};
//! use neurokern::nn::{init::{Init, SplitMix64}, safetensors, Dense, Network};
//!
//! type Net = mlp![Dense<2, 4>, Dense<4, 1>];
//! let mut net = Network::<Net>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
//! net.init(Init::Auto, &mut SplitMix64::new(1));
//! let bytes = safetensors::save(&net, &["0", "2"]).unwrap();
//!
//! let mut back = Network::<Net>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
//! safetensors::load(&mut back, &bytes, &["0", "2"]).unwrap();
//! assert_eq!(back, net);
//! ```

use super::{Layer, Network};
use std::string::{String, ToString};
use std::vec::Vec;
use std::{fmt, format};

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

/// Why a safetensors file could not be written or read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SafetensorsError {
    /// The number of layer names differs from the network's depth.
    LayerNames {
        /// Dense layers in the network.
        expected: usize,
        /// Names given.
        got: usize,
    },
    /// A tensor the network needs is absent.
    Missing {
        /// Its name.
        name: String,
    },
    /// A tensor has another shape than the network's layer.
    Shape {
        /// Its name.
        name: String,
        /// The shape the network needs.
        expected: Vec<usize>,
        /// The shape in the file.
        found: Vec<usize>,
    },
    /// A tensor is not `F32`.
    Dtype {
        /// Its name.
        name: String,
        /// The dtype in the file.
        found: String,
    },
    /// A tensor holds NaN or infinity.
    NonFinite {
        /// Its name.
        name: String,
    },
    /// The file holds a tensor the network has no place for (like PyTorch's
    /// `load_state_dict(strict=True)`; [`load_lenient`] ignores it).
    Unexpected {
        /// Its name.
        name: String,
    },
    /// The bytes are not a valid safetensors file (the parser's message).
    Format(String),
}

impl fmt::Display for SafetensorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LayerNames { expected, got } => {
                write!(
                    f,
                    "{got} layer names given; the network has {expected} dense layers"
                )
            }
            Self::Missing { name } => write!(f, "tensor {name:?} is missing"),
            Self::Shape {
                name,
                expected,
                found,
            } => {
                write!(
                    f,
                    "tensor {name:?} has shape {found:?}; the network needs {expected:?}"
                )
            }
            Self::Dtype { name, found } => {
                write!(f, "tensor {name:?} is {found}; only F32 is supported")
            }
            Self::NonFinite { name } => write!(f, "tensor {name:?} holds NaN or infinity"),
            Self::Unexpected { name } => write!(
                f,
                "tensor {name:?} has no place in the network (strict loading; load_lenient ignores it)"
            ),
            Self::Format(m) => write!(f, "not a safetensors file: {m}"),
        }
    }
}

impl std::error::Error for SafetensorsError {}

fn check_names<L: Layer>(names: &[&str]) -> Result<(), SafetensorsError> {
    if names.len() != L::DEPTH {
        return Err(SafetensorsError::LayerNames {
            expected: L::DEPTH,
            got: names.len(),
        });
    }
    Ok(())
}

/// Serialises the network's weights as `<name>.weight` (`[out, in]`) and
/// `<name>.bias` (`[out]`), one name per dense layer, in order.
///
/// # Errors
///
/// [`SafetensorsError::LayerNames`] when `names.len()` is not the depth;
/// [`SafetensorsError::Format`] if serialisation fails.
pub fn save<L: Layer>(net: &Network<L>, names: &[&str]) -> Result<Vec<u8>, SafetensorsError> {
    check_names::<L>(names)?;
    // bytes of every tensor, PyTorch layout
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    let mut k = 0;
    net.layers.for_each_layer(&net.params, &mut |r| {
        let (fi, fo) = (r.fan_in, r.fan_out);
        let mut w = Vec::with_capacity(4 * fi * fo);
        for o in 0..fo {
            for i in 0..fi {
                w.extend_from_slice(&r.weights[i * fo + o].to_le_bytes());
            }
        }
        tensors.push((format!("{}.weight", names[k]), std::vec![fo, fi], w));
        let b: Vec<u8> = r.bias.iter().flat_map(|v| v.to_le_bytes()).collect();
        tensors.push((format!("{}.bias", names[k]), std::vec![fo], b));
        k += 1;
    });
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(n, s, d)| {
            TensorView::new(Dtype::F32, s.clone(), d)
                .map(|v| (n.clone(), v))
                .map_err(|e| SafetensorsError::Format(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    safetensors::serialize(views, None).map_err(|e| SafetensorsError::Format(e.to_string()))
}

/// Loads weights saved with PyTorch conventions into `net` (its activations
/// are kept), strictly: every tensor in the file must be one the network
/// reads, like PyTorch's `load_state_dict(strict=True)`. On error `net` is
/// unchanged.
///
/// # Errors
///
/// Any [`SafetensorsError`]: wrong number of names, a missing tensor, then
/// an unexpected one ([`SafetensorsError::Unexpected`], the first in name
/// order), a wrong shape or dtype, non-finite values, or malformed bytes.
pub fn load<L: Layer>(
    net: &mut Network<L>,
    bytes: &[u8],
    names: &[&str],
) -> Result<(), SafetensorsError> {
    load_with(net, bytes, names, true)
}

/// [`load`] without the strict check: tensors the network does not read
/// are ignored (`load_state_dict(strict=False)`, except that a missing
/// tensor is still an error).
///
/// # Errors
///
/// As [`load`], but never [`SafetensorsError::Unexpected`].
pub fn load_lenient<L: Layer>(
    net: &mut Network<L>,
    bytes: &[u8],
    names: &[&str],
) -> Result<(), SafetensorsError> {
    load_with(net, bytes, names, false)
}

fn load_with<L: Layer>(
    net: &mut Network<L>,
    bytes: &[u8],
    names: &[&str],
    strict: bool,
) -> Result<(), SafetensorsError> {
    check_names::<L>(names)?;
    let st =
        SafeTensors::deserialize(bytes).map_err(|e| SafetensorsError::Format(e.to_string()))?;
    let fetch = |name: String, shape: Vec<usize>| -> Result<Vec<f32>, SafetensorsError> {
        let t = st
            .tensor(&name)
            .map_err(|_| SafetensorsError::Missing { name: name.clone() })?;
        if t.dtype() != Dtype::F32 {
            return Err(SafetensorsError::Dtype {
                name,
                found: format!("{:?}", t.dtype()),
            });
        }
        if t.shape() != shape.as_slice() {
            return Err(SafetensorsError::Shape {
                name,
                expected: shape,
                found: t.shape().to_vec(),
            });
        }
        let v: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(SafetensorsError::NonFinite { name });
        }
        Ok(v)
    };
    // read and check everything first, then write: `net` changes only on success
    let mut loaded: Vec<(Vec<f32>, Vec<f32>)> = Vec::new();
    let mut shapes = Vec::new();
    net.layers
        .for_each_layer(&net.params, &mut |r| shapes.push((r.fan_in, r.fan_out)));
    for (name, &(fi, fo)) in names.iter().zip(&shapes) {
        let w = fetch(format!("{name}.weight"), std::vec![fo, fi])?;
        let b = fetch(format!("{name}.bias"), std::vec![fo])?;
        loaded.push((w, b));
    }
    // strict: after every missing tensor is reported, like PyTorch
    if strict {
        let wanted: Vec<String> = names
            .iter()
            .flat_map(|n| [format!("{n}.weight"), format!("{n}.bias")])
            .collect();
        let mut present: Vec<String> = st.names().into_iter().map(String::from).collect();
        present.sort();
        if let Some(extra) = present.into_iter().find(|p| !wanted.contains(p)) {
            return Err(SafetensorsError::Unexpected { name: extra });
        }
    }
    let mut k = 0;
    net.layers.for_each_layer_mut(&mut net.params, &mut |r| {
        let (w, b) = &loaded[k];
        let fo = r.fan_out;
        for i in 0..r.fan_in {
            for o in 0..fo {
                r.weights[i * fo + o] = w[o * r.fan_in + i];
            }
        }
        r.bias.copy_from_slice(b);
        k += 1;
    });
    Ok(())
}
