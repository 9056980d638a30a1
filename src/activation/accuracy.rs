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
pub const ACCURACY: &[Bound] = &ROWS;

/// The accuracy rows of one kernel, written in its file beside the kernel.
pub(crate) trait Contract {
    /// The kernel's rows: its function, derivative(s), derivative from the
    /// output where it exists.
    const BOUNDS: &'static [Bound];
}

const fn bounds_of<K: Contract>(_: &K) -> &'static [Bound] {
    K::BOUNDS
}

// every kernel's rows, in the order of the table of activations
macro_rules! gather_bounds {
    (($d:tt) $(
        $v:ident ( $($p:ident = $pd:literal)? ) in $m:ident = $k:expr, $code:literal, $name:literal,
        $fo:ident, $doc:literal;
    )*) => {
        const PARTS: &[&[Bound]] = &[ $( { $(let $p: f32 = $pd;)? bounds_of(&$k) } ),* ];
    };
}
activation_table!(gather_bounds, $);

const LEN: usize = {
    let (mut n, mut i) = (0, 0);
    while i < PARTS.len() {
        n += PARTS[i].len();
        i += 1;
    }
    n
};

const ROWS: [Bound; LEN] = {
    let mut out = [Bound {
        function: "",
        max_ulp: 0.0,
        domain: "",
        max_abs: 0.0,
        abs_within: [0.0, 0.0],
    }; LEN];
    let (mut k, mut i) = (0, 0);
    while i < PARTS.len() {
        let mut j = 0;
        while j < PARTS[i].len() {
            out[k] = PARTS[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
};
