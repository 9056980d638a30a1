//! The accuracy contract, as data: the same figures as the crate-level table.

/// One row of the accuracy contract.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The flat function the row is about.
    pub function: &'static str,
    /// Maximum error in ULP of the exact result (fractional: a correctly
    /// rounded function has 0.5).
    pub max_ulp: f32,
    /// Where the bound holds.
    pub domain: &'static str,
    /// For a derivative that crosses zero (SiLU', GELU'), where a relative
    /// bound means nothing: the maximum absolute error for x in
    /// `abs_within` (the ULP bound holds everywhere else). 0 for the other
    /// rows.
    pub max_abs: f32,
    /// The x interval where `max_abs` replaces `max_ulp` (`[0, 0]`: none).
    pub abs_within: [f32; 2],
}

/// Maximum error of each function against the exact value f(x), in
/// fractional ULP: |y − f(x)| / 2^(e−23) with 2^e ≤ |f(x)| < 2^(e+1), floor
/// 2^−149 — the measure libm and CORE-MATH report (a correctly rounded
/// function scores 0.5, an exact one 0).
///
/// `tests/accuracy.rs` measures every row on a strided sweep of all f32 bit
/// patterns (all 2^32 with `NEUROKERN_EXHAUSTIVE=1`) and fails if a measured
/// error exceeds its bound, or if this table and the crate docs disagree.
///
/// ```
/// let row = neurokern::activation::ACCURACY.iter().find(|b| b.function == "sigmoid").unwrap();
/// assert_eq!(row.max_ulp, 2.5);
/// ```
pub const ACCURACY: &[Bound] = &[
    Bound {
        function: "sigmoid",
        max_ulp: 2.5,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "tanh",
        max_ulp: 2.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "sigmoid_derivative",
        max_ulp: 3.0,
        domain: "result ≥ 2^−126",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "tanh_derivative",
        max_ulp: 3.0,
        domain: "result ≥ 2^−126",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "sigmoid_derivative_from_output",
        max_ulp: 2.0,
        domain: "y in [0, 1], against y(1−y)",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "tanh_derivative_from_output",
        max_ulp: 2.0,
        domain: "y in [−1, 1], against 1−y²",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "relu",
        max_ulp: 0.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "leaky_relu",
        max_ulp: 0.5,
        domain: "all f32 (α·x correctly rounded)",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "relu_derivative",
        max_ulp: 0.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "leaky_relu_derivative",
        max_ulp: 0.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "silu",
        max_ulp: 3.0,
        domain: "|result| ≥ 2^−126",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "silu_derivative",
        max_ulp: 5.0,
        domain: "|result| ≥ 2^−126, x outside [−2.5, −0.5]; there |error| ≤ 1e−7",
        max_abs: 1.0e-7,
        abs_within: [-2.5, -0.5],
    },
    Bound {
        function: "gelu",
        max_ulp: 4.0,
        domain: "|result| ≥ 2^−126",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "gelu_derivative",
        max_ulp: 5.0,
        domain: "|result| ≥ 2^−126, x outside [−2.5, −0.5]; there |error| ≤ 1e−7",
        max_abs: 1.0e-7,
        abs_within: [-2.5, -0.5],
    },
    Bound {
        function: "gelu_tanh",
        max_ulp: 3.0,
        domain: "|result| ≥ 2^−126, against its own formula",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "gelu_tanh_derivative",
        max_ulp: 6.0,
        domain: "|result| ≥ 2^−126, x outside [−2.5, −0.5]; there |error| ≤ 1e−7",
        max_abs: 1.0e-7,
        abs_within: [-2.5, -0.5],
    },
    Bound {
        function: "elu",
        max_ulp: 2.0,
        domain: "all f32, α = 1",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "elu_derivative",
        max_ulp: 2.0,
        domain: "result ≥ 2^−126, α = 1",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "softplus",
        max_ulp: 2.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "softplus_derivative",
        max_ulp: 2.5,
        domain: "all f32 (it is σ)",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "hard_sigmoid",
        max_ulp: 1.5,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "hard_sigmoid_derivative",
        max_ulp: 0.5,
        domain: "all f32 (1/6 rounded to f32 inside (−3, 3))",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "hard_swish",
        max_ulp: 2.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
    Bound {
        function: "hard_swish_derivative",
        max_ulp: 1.0,
        domain: "all f32",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    },
];
