//! Compile-time memory budgets.

/// True when `bytes` fits in `budget`; `const`, for build-time assertions
/// with [`assert_fits!`](crate::assert_fits).
///
/// ```
/// assert!(neurokern::nn::fits(1024, 2048));
/// ```
pub const fn fits(bytes: usize, budget: usize) -> bool {
    bytes <= budget
}

/// Fails the **build** when `bytes` exceeds `budget`.
///
/// ```
/// use neurokern::{activation::Act, assert_fits, mlp, nn::{Dense, Network}};
/// type Net = mlp![Dense<2, 8>, Dense<8, 1>];
/// assert_fits!(Network::<Net>::INFERENCE_BYTES, 1024);
/// ```
///
/// ```compile_fail
/// use neurokern::{assert_fits, mlp, nn::{Dense, Network}};
/// type Big = mlp![Dense<64, 64>, Dense<64, 10>];
/// assert_fits!(Network::<Big>::INFERENCE_BYTES, 1024); // 19 KB does not fit in 1 KB
/// ```
#[macro_export]
macro_rules! assert_fits {
    ($bytes:expr, $budget:expr) => {
        const _: () = ::core::assert!(
            $crate::nn::fits($bytes, $budget),
            "neurokern: memory budget exceeded"
        );
    };
}
