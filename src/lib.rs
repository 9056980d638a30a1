#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::all)]

#[cfg(any(feature = "std", feature = "runtime-dispatch"))]
extern crate std;

pub mod activation;
pub mod dispatch;
pub mod fingerprint;
mod lanes;
pub mod nn;

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod harness;

pub use activation::{
    leaky_relu, leaky_relu_derivative, relu, relu_derivative, sigmoid, sigmoid_derivative, tanh,
    tanh_derivative, Act, Activation,
};
