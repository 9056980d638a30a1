//! [`Chain`]: two layers in sequence, the building block of deeper networks.

use super::{Layer, LayerRecord, LayerRecordMut, ParamSet, Vector};

/// `B ∘ A`: the output of `A` feeds `B`. Implements [`Layer`] only when
/// `B::Input == A::Output`, so mismatched shapes do not compile.
///
/// The parameters are the pair `(A::Params, B::Params)`, the cache the pair
/// of caches. Use [`mlp!`](crate::mlp) to nest several.
///
/// ```
/// use neurokern::{activation::Act, nn::{Chain, Dense, Layer, ParamSet}};
/// let net = Chain::new(Dense::<3, 4>::new(Act::Relu), Dense::<4, 2>::new(Act::Identity));
/// let params = <Chain<Dense<3, 4>, Dense<4, 2>> as Layer>::Params::ZERO;
/// let mut y = [9.0; 2];
/// net.forward(&params, &[1.0, 2.0, 3.0], &mut y);
/// assert_eq!(y, [0.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chain<A, B> {
    /// The first layer.
    pub first: A,
    /// The rest of the network.
    pub rest: B,
}

impl<A, B> Chain<A, B> {
    /// `b ∘ a`.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::{Chain, Dense}};
    /// const NET: Chain<Dense<2, 2>, Dense<2, 1>> =
    ///     Chain::new(Dense::new(Act::Tanh), Dense::new(Act::Sigmoid));
    /// # let _ = NET;
    /// ```
    pub const fn new(first: A, rest: B) -> Self {
        Self { first, rest }
    }
}

impl<P: ParamSet, Q: ParamSet> ParamSet for (P, Q) {
    const LEN: usize = P::LEN + Q::LEN;
    const ZERO: Self = (P::ZERO, Q::ZERO);

    const SEGMENTS: usize = P::SEGMENTS + Q::SEGMENTS;

    fn segment(&self, i: usize) -> &[f32] {
        if i < P::SEGMENTS {
            self.0.segment(i)
        } else {
            self.1.segment(i - P::SEGMENTS)
        }
    }
    fn segment_mut(&mut self, i: usize) -> &mut [f32] {
        if i < P::SEGMENTS {
            self.0.segment_mut(i)
        } else {
            self.1.segment_mut(i - P::SEGMENTS)
        }
    }
}

impl<A, B> Layer for Chain<A, B>
where
    A: Layer,
    B: Layer<Input = A::Output>,
{
    type Input = A::Input;
    type Output = B::Output;
    type Params = (A::Params, B::Params);
    type Cache = (A::Cache, B::Cache);
    const CACHE: Self::Cache = (A::CACHE, B::CACHE);

    const DEPTH: usize = A::DEPTH + B::DEPTH;
    const ACTIVATIONS: usize = A::ACTIVATIONS + B::ACTIVATIONS;
    const DEFAULT: Self = Self::new(A::DEFAULT, B::DEFAULT);

    fn forward(&self, p: &Self::Params, x: &Self::Input, y: &mut Self::Output) {
        let mut mid = A::Output::ZERO;
        self.first.forward(&p.0, x, &mut mid);
        self.rest.forward(&p.1, &mid, y);
    }

    fn forward_cached(&self, p: &Self::Params, x: &Self::Input, cache: &mut Self::Cache) {
        self.first.forward_cached(&p.0, x, &mut cache.0);
        self.rest
            .forward_cached(&p.1, A::output(&cache.0), &mut cache.1);
    }

    fn output(cache: &Self::Cache) -> &Self::Output {
        B::output(&cache.1)
    }

    fn backward(
        &self,
        p: &Self::Params,
        x: &Self::Input,
        cache: &Self::Cache,
        dy: &mut Self::Output,
        dx: Option<&mut Self::Input>,
        grads: &mut Self::Params,
    ) {
        let mut dmid = A::Output::ZERO;
        let mid = A::output(&cache.0);
        self.rest
            .backward(&p.1, mid, &cache.1, dy, Some(&mut dmid), &mut grads.1);
        self.first
            .backward(&p.0, x, &cache.0, &mut dmid, dx, &mut grads.0);
    }

    fn for_each_layer(&self, p: &Self::Params, f: &mut impl FnMut(LayerRecord<'_>)) {
        self.first.for_each_layer(&p.0, f);
        self.rest.for_each_layer(&p.1, f);
    }

    fn for_each_layer_mut(&mut self, p: &mut Self::Params, f: &mut impl FnMut(LayerRecordMut<'_>)) {
        self.first.for_each_layer_mut(&mut p.0, f);
        self.rest.for_each_layer_mut(&mut p.1, f);
    }
}
