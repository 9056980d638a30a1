//! The identity activation, for linear output layers.

use super::kernel::{Kernel, KernelFromOutput};
use super::accuracy::{Bound, Contract};
use super::{impl_activation, impl_from_output};
use crate::lanes::Lane;

/// φ(x) = x, φ' = 1 (NaN for NaN), as an [`Activation`](super::Activation):
/// the activation of a linear (logit or regression) output layer.
///
/// ```
/// use neurokern::activation::{Activation, Identity};
/// assert_eq!(Identity.forward_array([-2.0, 3.0]), [-2.0, 3.0]);
/// assert_eq!(Identity.derivative_scalar(-2.0), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

impl Kernel for Identity {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        x
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        L::select(x.is_nan(), x, L::splat(1.0))
    }
}

impl KernelFromOutput for Identity {
    #[inline(always)]
    fn df_from_output<L: Lane>(&self, y: L) -> L {
        self.df(y)
    }
}

impl_activation!(Identity, "Identity");
impl_from_output!(Identity, "Identity");

impl Contract for Identity {
    // exact by construction: φ(x) = x
    const BOUNDS: &'static [Bound] = &[];
}
