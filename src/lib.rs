//! Neural-network arithmetic for microcontrollers, in `no_std` Rust: SIMD
//! activation kernels with an accuracy contract in ULP and the same bits on
//! every target, and a static-allocation MLP that infers and trains with no
//! heap.
//!
//! # Activation kernels
//!
//! [`activation`] holds every activation of the [table](activation::Act):
//! sigmoid, tanh, ReLU and leaky ReLU, and the ones that came after (SiLU,
//! GELU exact and tanh, ELU, softplus, hard-sigmoid, hard-swish, ReLU6), each
//! as slice, in-place, scalar and derivative functions, as a unit type
//! implementing [`Activation`], and as an [`Act`] variant chosen at run time.
//! Each kernel is written once over IEEE basic operations (no FMA, no
//! approximate reciprocal), so its AVX-512, AVX2, SSE2, NEON and scalar bodies
//! — the x86-64 one chosen at run time, see [`dispatch`] — and every Cortex-M
//! and RISC-V build return identical bits. [`activation::ACCURACY`] states each
//! function's bound in ULP, measured over all 2^32 inputs.
//!
//! ```
//! use neurokern::activation::{self, Act, Activation};
//!
//! let x = [-2.0f32, 0.0, 2.0];
//! let mut y = [0.0f32; 3];
//! activation::sigmoid(&x, &mut y);
//! assert_eq!(y[1], 0.5);
//! Act::Gelu.forward(&x, &mut y);
//! assert_eq!(y[1], 0.0);
//! ```
//!
//! # A static-allocation MLP
//!
//! [`nn`]: dense layers with const-generic shapes (a mismatched network does
//! not compile), forward and backward passes, SGD, momentum and Adam, every
//! byte known at compile time; weights in and out as a checked blob
//! ([`nn::io`]), decoded by the compiler into a `static` in flash
//! ([`nn::flash`]), or as safetensors (feature `safetensors`).
//!
//! ```
//! use neurokern::{activation::Act, mlp};
//! use neurokern::nn::{Chain, Dense, DenseParams, Network};
//!
//! type Xor = mlp![Dense<2, 2>, Dense<2, 1>];
//! // XOR from two ReLUs, in flash: y = relu(a + b) − 2·relu(a + b − 1)
//! static NET: Network<Xor> = Network::with_params(
//!     Chain::new(Dense::new(Act::Relu), Dense::new(Act::Identity)),
//!     (
//!         DenseParams { w: [[1.0, 1.0], [1.0, 1.0]], b: [0.0, -1.0] },
//!         DenseParams { w: [[1.0], [-2.0]], b: [0.0] },
//!     ),
//! );
//! let mut y = [0.0f32];
//! NET.forward(&[1.0, 0.0], &mut y);
//! assert_eq!(y, [1.0]);
//! ```
//!
//! # On a microcontroller
//!
//! The crate has no default features: on a Cortex-M or RISC-V core it is
//! `no_std`, heap-free and runs the scalar body of every kernel (integer
//! compares on the bit patterns where the core has no FPU). The repository's
//! `firmware/README.md` goes from an empty directory to a network running on a
//! Cortex-M4F under QEMU, and its README reports flash, stack and
//! instructions per element on the Cortex-M0, M4F, M33 and RISC-V cores.
//!
//! # Features
//!
//! * `std`: `std::error::Error` for the error types. The SIMD body is
//!   chosen at run time without it: on x86-64 every build, `no_std`
//!   included, asks the CPU (CPUID, from `core::arch`) and runs AVX-512,
//!   AVX2 or SSE2 ([`dispatch`]).
//! * `safetensors`: import and export of safetensors files
//!   ([`nn::safetensors`]); implies `std`.
//! * `defmt`: [`defmt::Format`](https://docs.rs/defmt) for [`activation::Act`]
//!   and every public error and enum (`BlobError`, `TrainError`,
//!   `PredictError`, `Init`, `Loss`, `LayerKind`, `Isa`, …), so firmware logs
//!   them without `core::fmt`'s float formatting. The impls exist on
//!   bare-metal targets (`target_os = "none"`), where a defmt global logger
//!   lives; on a hosted target the feature adds nothing.
//!
//! The measurement harness behind `cargo harness` is its own crate
//! (`neurokern-harness`, in the repository's `harness/`); it, the accuracy
//! table, the peers comparison and the C API (`neurokern-ffi`) are described
//! in the repository's README.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::all)]

#[cfg(feature = "std")]
extern crate std;

/// The README's examples, compiled and run as doctests (the crate docs above
/// are written for docs.rs; the README, with its relative links and
/// figures, is for the repository).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod activation;
pub mod dispatch;
pub mod fingerprint;
pub mod int8;
mod lanes;
pub mod nn;

pub use activation::{
    leaky_relu, leaky_relu_derivative, relu, relu_derivative, sigmoid, sigmoid_derivative, tanh,
    tanh_derivative, Act, Activation,
};
