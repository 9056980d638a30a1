//! The figures beyond each section's own: ULP error against x (the accuracy
//! contract made visible), cost against buffer size, per-layer gradient
//! norms at a fixed depth, and the Cortex-M instruction counts of
//! `cargo xtask mcu`.

use crate::cost::{Cost, SIZES};
use crate::plot::{self, Series};
use crate::vanishing::Vanish;
use std::path::Path;

/// A tract-style rational approximation of σ and tanh: an odd polynomial
/// over an even one on a clamped range, evaluated in `f32` with Horner's
/// scheme. The coefficients are the ones tract-linalg publishes for its
/// generic `ssigmoid` and `stanh` kernels (`tract-linalg/src/generic/
/// sigmoid.rs`, `tanh.rs`); the evaluation here is this crate's own.
#[allow(clippy::excessive_precision)] // the published digits, as published
pub mod rational {
    /// σ(x) ≈ p(x)/q(x) + 1/2 on [−18, 18].
    pub fn sigmoid(x: f32) -> f32 {
        const A: [f32; 5] = [
            2.482_879_5e-1,
            8.513_771e-3,
            6.085_749e-5,
            1.156_273_2e-7,
            4.370_310_1e-11,
        ];
        const B: [f32; 6] = [
            9.931_519e-1,
            1.168_176_6e-1,
            1.701_988_2e-3,
            6.291_068e-6,
            5.761_021_4e-9,
            6.102_474e-13,
        ];
        let x = x.clamp(-18.0, 18.0);
        let x2 = x * x;
        let p = A.iter().rev().fold(0.0f32, |acc, &a| acc * x2 + a) * x;
        let q = B.iter().rev().fold(0.0f32, |acc, &b| acc * x2 + b);
        p / q + 0.5
    }

    /// tanh(x) ≈ p(x)/q(x) on [−9, 9].
    pub fn tanh(x: f32) -> f32 {
        const A: [f32; 7] = [
            4.893_524_6e-3,
            6.372_619_3e-4,
            1.485_722_4e-5,
            5.122_297e-8,
            -8.604_671_5e-11,
            2.000_188e-13,
            -2.760_768_5e-16,
        ];
        const B: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347e-4, 1.198_258_4e-6];
        let x = x.clamp(-9.0, 9.0);
        let x2 = x * x;
        let p = A.iter().rev().fold(0.0f32, |acc, &a| acc * x2 + a) * x;
        let q = B.iter().rev().fold(0.0f32, |acc, &b| acc * x2 + b);
        p / q
    }
}

/// |y − r| in units of the `f32` spacing at the exact value r (subnormal
/// spacing 2^−149 near zero), as libm and CORE-MATH measure ULP error.
pub fn ulp_error(y: f32, r: f64) -> f64 {
    let a = r.abs().max(f64::from(f32::MIN_POSITIVE));
    let ulp = 2f64.powi(a.log2().floor() as i32 - 23);
    (f64::from(y) - r).abs() / ulp
}

/// A labelled one-element implementation.
pub type Named = (&'static str, fn(f32) -> f32);

/// Bins over [−12, 12] and points per bin of the ULP figures.
const BINS: usize = 120;
const PER_BIN: usize = 400;
/// A zero error is drawn at this floor (a log axis has no 0).
pub const ZERO_FLOOR: f64 = 1e-2;

/// The maximum ULP error per bin of x for each implementation, against an
/// `f64` reference.
pub fn ulp_series(impls: &[Named], reference: fn(f64) -> f64) -> Vec<Series> {
    impls
        .iter()
        .map(|&(label, f)| {
            let points = (0..BINS)
                .map(|b| {
                    let lo = -12.0 + 24.0 * b as f64 / BINS as f64;
                    let width = 24.0 / BINS as f64;
                    let worst = (0..PER_BIN)
                        .map(|i| {
                            let x = (lo + width * i as f64 / PER_BIN as f64) as f32;
                            ulp_error(f(x), reference(f64::from(x)))
                        })
                        .fold(0.0f64, f64::max);
                    (lo + width / 2.0, worst.max(ZERO_FLOOR))
                })
                .collect();
            Series {
                label: label.to_string(),
                points,
                dashed: false,
                color: None,
            }
        })
        .collect()
}

fn sig_libm(x: f32) -> f32 {
    1.0 / (1.0 + libm::expf(-x))
}
fn sig_std(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}
fn sig_ref(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `ulp_sigmoid.svg` and `ulp_tanh.svg` into `dir`.
///
/// # Errors
///
/// A message naming the figure that cannot be written.
pub fn ulp_figures(dir: &Path) -> Result<(), String> {
    let sigmoid: [Named; 4] = [
        ("neurokern", neurokern::activation::sigmoid_scalar),
        ("libm 1/(1+expf(-x))", sig_libm),
        ("std 1/(1+(-x).exp())", sig_std),
        ("tract-style rational", rational::sigmoid),
    ];
    let tanh: [Named; 4] = [
        ("neurokern", neurokern::activation::tanh_scalar),
        ("libm tanhf", libm::tanhf),
        ("std f32::tanh", f32::tanh),
        ("tract-style rational", rational::tanh),
    ];
    for (file, name, impls, reference) in [
        (
            "ulp_sigmoid.svg",
            "sigmoid",
            &sigmoid,
            sig_ref as fn(f64) -> f64,
        ),
        ("ulp_tanh.svg", "tanh", &tanh, f64::tanh as fn(f64) -> f64),
    ] {
        plot::lines(
            &dir.join(file),
            &format!("{name}: max ULP error per bin of x (against f64; 0 drawn at 1e-2)"),
            ("x", "ULP error"),
            &ulp_series(impls, reference),
            true,
        )?;
    }
    Ok(())
}

/// `cost_by_buffer.svg`: ns/element of every φ's SIMD kernel at the L1, L2
/// and DRAM buffers (x = log2 of the elements per buffer).
///
/// # Errors
///
/// A message naming the figure that cannot be written.
pub fn cost_by_buffer(dir: &Path, c: &Cost) -> Result<(), String> {
    let mut series = Vec::new();
    for act in neurokern::activation::Act::ALL {
        let name = act.name();
        let points: Vec<(f64, f64)> = SIZES
            .iter()
            .filter_map(|&(size, n)| {
                c.cells
                    .iter()
                    .find(|x| x.function == name && x.variant == "simd" && x.size == size)
                    .map(|x| ((n as f64).log2(), x.stats.median))
            })
            .collect();
        if !points.is_empty() {
            series.push(Series {
                label: name.to_string(),
                points,
                dashed: false,
                color: plot::color_of(name),
            });
        }
    }
    plot::lines(
        &dir.join("cost_by_buffer.svg"),
        "ns per element of each SIMD kernel by buffer: L1 (2^11), L2 (2^15), DRAM (2^23 elements)",
        ("log2(elements per buffer)", "ns / element"),
        &series,
        true,
    )
}

/// `layer_norms.svg`: the weight-gradient norm of every layer of the deepest
/// width-32 networks, first layer at the left.
///
/// # Errors
///
/// A message naming the figure that cannot be written.
pub fn layer_norms(dir: &Path, v: &Vanish) -> Result<(), String> {
    let depth = v.deep.iter().map(|d| d.hidden).max().unwrap_or(0);
    let series: Vec<Series> = v
        .deep
        .iter()
        .filter(|d| d.hidden == depth)
        .map(|d| Series {
            label: format!("{} {}", d.act, d.init),
            points: d
                .norms
                .iter()
                .enumerate()
                .map(|(i, &n)| ((i + 1) as f64, n))
                .collect(),
            dashed: d.init == "he",
            color: plot::color_of(d.act),
        })
        .collect();
    plot::lines(
        &dir.join("layer_norms.svg"),
        &format!(
            "weight-gradient norm per layer, {depth} hidden layers of width 32 (xavier solid, he dashed)"
        ),
        ("layer (input at left)", "‖∂L/∂W‖"),
        &series,
        true,
    )
}

/// A function's name short enough for a bar group's label (`sigmoid'`,
/// `h-swish`, `leaky i8`): neighbouring labels must not touch.
pub fn short_name(name: &str) -> String {
    name.replace("_derivative", "'")
        .replace("leaky_relu", "leaky")
        .replace("hard_sigmoid", "h-sig")
        .replace("hard_swish", "h-swish")
        .replace("gelu_tanh", "gelu_t")
        .replace("softplus", "softpl")
        .replace("_int8", " i8")
}

/// A model's name on the figure's axis: `sine`, `ad01`.
fn model_label(name: &str) -> String {
    name.replace("_int8", "")
}

/// `mcu_cost.svg` from `cargo xtask mcu`'s report (read with
/// [`mcu::read`](crate::mcu::read)): instructions per element of every φ,
/// and of the int8 σ, tanh, ReLU and leaky ReLU, on each core; then the
/// whole int8 models of `models` (int8 `sine`, MLPerf Tiny's anomaly
/// detector), instructions per multiply-accumulate of an inference.
///
/// # Errors
///
/// A message when the figure cannot be written.
pub fn mcu_cost(
    dir: &Path,
    cores: &[crate::mcu::CoreCosts],
    models: &[crate::models::ModelRow],
) -> Result<(), String> {
    let groups: Vec<String> = neurokern::activation::Act::ALL
        .iter()
        .map(|a| a.name().to_string())
        .chain(
            crate::mcu::INT8_FUNCTIONS
                .iter()
                .map(|f| format!("{f}_int8")),
        )
        .collect();
    let mut labels: Vec<String> = groups.iter().map(|g| short_name(g)).collect();
    labels.extend(
        models
            .iter()
            .map(|m| format!("{}/MAC", model_label(m.name))),
    );
    let members: Vec<String> = cores.iter().map(|c| c.core.clone()).collect();
    let values: Vec<Vec<f64>> = cores
        .iter()
        .map(|c| {
            let per_model = models.iter().map(|m| {
                m.cores
                    .iter()
                    .find(|(core, _)| *core == c.core)
                    .map_or(f64::NAN, |(_, v)| v / m.macs)
            });
            groups
                .iter()
                .map(|g| c.costs.get(g).copied().unwrap_or(f64::NAN))
                .chain(per_model)
                .collect()
        })
        .collect();
    plot::bars(
        &dir.join("mcu_cost.svg"),
        "instructions per element on microcontroller cores, per MAC for whole int8 models (cargo xtask mcu, QEMU; log scale)",
        "instructions / element",
        &labels,
        &members,
        &values,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulp_error_counts_the_f32_spacing_at_the_exact_value() {
        assert_eq!(ulp_error(1.0, 1.0), 0.0);
        // one spacing above 1 is 2^-23
        assert_eq!(ulp_error(1.0 + f32::EPSILON, 1.0), 1.0);
        // half a spacing below 1 (where the spacing is 2^-24)
        assert_eq!(ulp_error(1.0, 1.0 - 2f64.powi(-25)), 0.5);
        assert!(ulp_error(0.5, 0.25) > 1e6);
    }

    #[test]
    fn the_rational_approximations_are_close_but_not_exact() {
        // tract-style: within a few ULP in the middle, a known loss elsewhere
        let mut worst_s = 0.0f64;
        let mut worst_t = 0.0f64;
        for i in -800..=800 {
            let x = i as f32 / 100.0;
            worst_s = worst_s.max(ulp_error(rational::sigmoid(x), sig_ref(f64::from(x))));
            worst_t = worst_t.max(ulp_error(rational::tanh(x), f64::from(x).tanh()));
        }
        assert!(worst_s > 0.5 && worst_s < 1e5, "sigmoid {worst_s}");
        assert!(worst_t > 0.5 && worst_t < 1e5, "tanh {worst_t}");
        assert!((rational::sigmoid(0.0) - 0.5).abs() < 1e-7);
        assert!(rational::tanh(0.0) == 0.0 && rational::tanh(20.0) > 0.999);
    }

    #[test]
    fn the_mcu_figure_has_one_series_per_core() {
        let dir = std::env::temp_dir().join(format!("neurokern-mcu-fig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let core = |name: &str, costs: &[(&str, f64)]| crate::mcu::CoreCosts {
            core: name.into(),
            costs: costs.iter().map(|&(k, v)| (k.into(), v)).collect(),
        };
        let cores = [
            core("Cortex-M4F", &[("relu", 4.6), ("sigmoid", 34.1)]),
            core("Cortex-M0", &[("relu", 6.1), ("sigmoid_int8", 7.0)]),
        ];
        let ad01 = crate::models::ModelRow {
            name: "ad01_int8",
            macs: 264_192.0,
            host_us: None,
            litert: None,
            litert_note: String::new(),
            cores: vec![("Cortex-M4F".into(), 411_400.0)],
        };
        mcu_cost(&dir, &cores, &[]).unwrap();
        let svg = std::fs::read_to_string(dir.join("mcu_cost.svg")).unwrap();
        let legend = |core: &str| svg.lines().filter(|l| l.trim() == core).count();
        assert_eq!((legend("Cortex-M4F"), legend("Cortex-M0")), (1, 1), "{svg}");
        assert!(svg.contains("sigmoid i8"), "{svg}");
        assert!(!svg.contains("ad01/MAC"), "{svg}");
        let bars = |svg: &str| svg.matches("<rect").count();
        let without = bars(&svg);
        // the model's group and its one bar (the M0 has no figure for it)
        mcu_cost(&dir, &cores, &[ad01]).unwrap();
        let svg = std::fs::read_to_string(dir.join("mcu_cost.svg")).unwrap();
        assert!(svg.contains("ad01/MAC"), "{svg}");
        assert_eq!(bars(&svg), without + 1, "{svg}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
