//! [`Repeat`]: `D` dense layers of width `W`, the depth a const generic.

use super::{Dense, DenseCache, DenseParams, Layer, LayerRecord, LayerRecordMut, ParamSet};
use crate::activation::Act;

/// `D` dense layers `[f32; W] → [f32; W]` in sequence: a deep stack whose
/// depth is part of the type, for experiments over depth (the harness's
/// vanishing-gradient study) without writing `D` types by hand.
///
/// Its parameters are `[DenseParams<W, W>; D]`, its cache the `D` layers'
/// caches. Each layer runs exactly like a [`Dense`].
///
/// ```
/// use neurokern::{activation::Act, mlp};
/// use neurokern::nn::{Dense, Layer, Network, Repeat};
///
/// type Deep = mlp![Dense<2, 8>, Repeat<8, 10>, Dense<8, 1>];
/// assert_eq!(Deep::DEPTH, 12);
/// let net = Network::<Deep>::new(mlp![Dense::new(Act::Relu), Repeat::new(Act::Relu), Dense::new(Act::Identity)]);
/// let mut y = [1.0];
/// net.forward(&[0.5, 0.5], &mut y);
/// assert_eq!(y, [0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repeat<const W: usize, const D: usize> {
    /// The activation of each layer.
    pub acts: [Act; D],
}

impl<const W: usize, const D: usize> Repeat<W, D> {
    /// `D` layers, all with activation `act`.
    pub const fn new(act: Act) -> Self {
        Self { acts: [act; D] }
    }
}

impl<P: ParamSet, const D: usize> ParamSet for [P; D] {
    const LEN: usize = P::LEN * D;
    const ZERO: Self = [P::ZERO; D];

    const SEGMENTS: usize = P::SEGMENTS * D;

    fn segment(&self, i: usize) -> &[f32] {
        if i >= Self::SEGMENTS {
            super::dense::segment_out_of_range(i, Self::SEGMENTS);
        }
        self[i / P::SEGMENTS].segment(i % P::SEGMENTS)
    }
    fn segment_mut(&mut self, i: usize) -> &mut [f32] {
        if i >= Self::SEGMENTS {
            super::dense::segment_out_of_range(i, Self::SEGMENTS);
        }
        self[i / P::SEGMENTS].segment_mut(i % P::SEGMENTS)
    }
}

impl<const W: usize, const D: usize> Layer for Repeat<W, D> {
    type Input = [f32; W];
    type Output = [f32; W];
    type Params = [DenseParams<W, W>; D];
    type Cache = [DenseCache<W>; D];
    const CACHE: Self::Cache = [Dense::<W, W>::CACHE; D];
    const DEPTH: usize = D;
    const ACTIVATIONS: usize = W * D;
    const DEFAULT: Self = Self::new(Act::Identity);

    fn forward(&self, p: &Self::Params, x: &[f32; W], y: &mut [f32; W]) {
        *y = *x;
        for (act, pk) in self.acts.iter().zip(p) {
            let input = *y;
            Dense::<W, W>::new(*act).forward(pk, &input, y);
        }
    }

    fn forward_cached(&self, p: &Self::Params, x: &[f32; W], cache: &mut Self::Cache) {
        for k in 0..D {
            let input = if k == 0 { *x } else { cache[k - 1].y };
            Dense::<W, W>::new(self.acts[k]).forward_cached(&p[k], &input, &mut cache[k]);
        }
    }

    fn output(cache: &Self::Cache) -> &[f32; W] {
        const { assert!(D > 0, "a Repeat needs at least one layer") };
        &cache[D - 1].y
    }

    fn backward(
        &self,
        p: &Self::Params,
        x: &[f32; W],
        cache: &Self::Cache,
        dy: &mut [f32; W],
        dx: Option<&mut [f32; W]>,
        grads: &mut Self::Params,
    ) {
        let mut d = *dy;
        for k in (0..D).rev() {
            let input = if k == 0 { x } else { &cache[k - 1].y };
            let layer = Dense::<W, W>::new(self.acts[k]);
            let mut below = [0.0f32; W];
            let want_dx = k > 0 || dx.is_some();
            layer.backward(
                &p[k],
                input,
                &cache[k],
                &mut d,
                want_dx.then_some(&mut below),
                &mut grads[k],
            );
            d = below;
        }
        if let Some(dx) = dx {
            *dx = d;
        }
        *dy = d;
    }

    fn for_each_layer(&self, p: &Self::Params, f: &mut impl FnMut(LayerRecord<'_>)) {
        for (act, pk) in self.acts.iter().zip(p) {
            Dense::<W, W>::new(*act).for_each_layer(pk, f);
        }
    }

    fn for_each_layer_mut(&mut self, p: &mut Self::Params, f: &mut impl FnMut(LayerRecordMut<'_>)) {
        for (act, pk) in self.acts.iter_mut().zip(p.iter_mut()) {
            let mut layer = Dense::<W, W>::new(*act);
            layer.for_each_layer_mut(pk, f);
            *act = layer.act;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mlp;
    use crate::nn::init::{Init, SplitMix64};
    use crate::nn::loss::Loss;
    use crate::nn::optim::Sgd;
    use crate::nn::{Network, Trainer};

    /// A Repeat of 3 behaves exactly like three chained Dense layers.
    #[test]
    fn repeat_equals_the_chain_it_abbreviates() {
        type R = mlp![Dense<2, 4>, Repeat<4, 3>, Dense<4, 1>];
        type C = mlp![Dense<2, 4>, Dense<4, 4>, Dense<4, 4>, Dense<4, 4>, Dense<4, 1>];
        let mut r = Network::<R>::new(mlp![
            Dense::new(Act::Tanh),
            Repeat::new(Act::Sigmoid),
            Dense::new(Act::Identity)
        ]);
        r.init(Init::Auto, &mut SplitMix64::new(3));
        let mut c = Network::<C>::new(mlp![
            Dense::new(Act::Tanh),
            Dense::new(Act::Sigmoid),
            Dense::new(Act::Sigmoid),
            Dense::new(Act::Sigmoid),
            Dense::new(Act::Identity)
        ]);
        let mut flat = [0.0f32; R::PARAMS];
        r.params.copy_to(&mut flat);
        c.params.copy_from(&flat);
        let xs = [[0.3f32, -0.8], [1.0, 0.5]];
        let ts = [[1.0f32], [0.0]];
        let (mut yr, mut yc) = ([0.0f32], [0.0f32]);
        r.forward(&xs[0], &mut yr);
        c.forward(&xs[0], &mut yc);
        assert_eq!(yr[0].to_bits(), yc[0].to_bits());
        let mut tr = Trainer::<R, Sgd>::new(Sgd { lr: 0.1 }, Loss::BceWithLogits);
        let mut tc = Trainer::<C, Sgd>::new(Sgd { lr: 0.1 }, Loss::BceWithLogits);
        for _ in 0..5 {
            let a = tr.step(&mut r, &xs, &ts).unwrap();
            let b = tc.step(&mut c, &xs, &ts).unwrap();
            assert_eq!(a.to_bits(), b.to_bits());
        }
        let (mut fr, mut fc) = ([0.0f32; R::PARAMS], [0.0f32; R::PARAMS]);
        r.params.copy_to(&mut fr);
        c.params.copy_to(&mut fc);
        assert_eq!(fr.map(f32::to_bits), fc.map(f32::to_bits));
    }
}
