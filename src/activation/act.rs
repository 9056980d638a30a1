//! [`Act`]: an activation chosen at run time, generated from the one table
//! of activations below.

use super::{Activation, FromOutput};

/// **The table of activations**: the only list of them in the crate. Each
/// row gives the `Act` variant (with its parameter and that parameter's
/// default, if any), the file (module) that holds it, the kernel value, the one-byte blob code, the name
/// used by the CLI, the C API and reports, whether φ' can be computed from
/// the output (`y`) or needs the input (`x`), and the variant's doc line.
/// [`Act::ALL`], [`Act::code`], [`Act::from_code`], [`Act::name`],
/// [`Act::from_name`] and the dispatch all come from it; tests, fingerprints,
/// the harness, the firmware and the FFI iterate `Act::ALL`.
///
/// The module column declares the kernel files and re-exports their public
/// items (`activation/mod.rs`), and each kernel's accuracy rows
/// ([`Contract`](super::accuracy::Contract)) are gathered into
/// [`ACCURACY`](super::ACCURACY) from it.
///
/// Adding an activation: write its kernel file (see `hard_swish.rs`: kernel,
/// flat functions, accuracy rows), add one row here with the next free code,
/// and its tests. ARCHITECTURE.md has the recipe.
///
/// Exported (hidden, not part of the API) for the harness crate, which
/// builds its cost table's typed slice functions from it.
#[doc(hidden)]
#[macro_export]
macro_rules! activation_table {
    ($callback:ident, $d:tt) => {
        $callback! { ($d)
            Identity() in identity = $crate::activation::Identity, 0, "identity", y, "φ(x) = x: linear output layers.";
            Sigmoid() in sigmoid = $crate::activation::Sigmoid, 1, "sigmoid", y, "The logistic sigmoid 1/(1 + e^−x).";
            Tanh() in tanh = $crate::activation::Tanh, 2, "tanh", y, "The hyperbolic tangent.";
            Relu() in relu = $crate::activation::Relu, 3, "relu", y, "max(x, 0).";
            LeakyRelu(alpha = 0.01) in leaky_relu = $crate::activation::LeakyRelu::new(alpha), 4, "leaky_relu", y,
                "x for x ≥ 0, α·x below (from the output only for α ≥ 0).";
            Silu() in silu = $crate::activation::Silu, 5, "silu", x, "SiLU / swish x·σ(x).";
            Gelu() in gelu = $crate::activation::Gelu, 6, "gelu", x, "GELU x·Φ(x) with the exact normal CDF.";
            GeluTanh() in gelu_tanh = $crate::activation::GeluTanh, 7, "gelu_tanh", x, "GELU's tanh approximation.";
            Elu(alpha = 1.0) in elu = $crate::activation::Elu::new(alpha), 8, "elu", x, "x for x > 0, α·(e^x − 1) below.";
            Softplus() in softplus = $crate::activation::Softplus, 9, "softplus", x, "log(1 + e^x).";
            HardSigmoid() in hard_sigmoid = $crate::activation::HardSigmoid, 10, "hard_sigmoid", x, "ReLU6(x + 3)/6.";
            HardSwish() in hard_swish = $crate::activation::HardSwish, 11, "hard_swish", x, "x·ReLU6(x + 3)/6.";
            Relu6() in relu6 = $crate::activation::Relu6, 12, "relu6", y, "min(max(x, 0), 6): MobileNet's, and TensorFlow Lite's fused RELU6.";
        }
    };
}

macro_rules! define_act {
    (($d:tt) $(
        $v:ident ( $($p:ident = $pd:literal)? ) in $m:ident = $k:expr, $code:literal, $name:literal,
        $fo:ident, $doc:literal;
    )*) => {
        /// An activation chosen at run time: what a dense layer stores.
        ///
        /// Each method matches once and then runs the chosen kernel over the
        /// whole slice, so the dispatch costs one branch per call, not per
        /// element. New activations are added as new variants, hence
        /// `#[non_exhaustive]`.
        ///
        /// ```
        /// use neurokern::activation::{Act, Activation};
        ///
        /// let mut y = [0.0f32; 3];
        /// for act in [Act::Relu, Act::LeakyRelu(0.1), Act::Tanh, Act::Gelu] {
        ///     act.forward(&[-1.0, 0.0, 1.0], &mut y);
        ///     assert_eq!(y[1].abs(), 0.0);
        /// }
        /// assert_eq!(Act::LeakyRelu(0.1).forward_scalar(-1.0), -0.1);
        /// assert_eq!(Act::ALL[Act::Tanh.code() as usize], Act::Tanh);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
        #[non_exhaustive]
        pub enum Act {
            $(
                #[doc = $doc]
                $(#[doc = concat!("\n\nThe field is ", stringify!($p), " (default ", stringify!($pd), ").")])?
                $v $( (define_act!(@ty $p)) )?,
            )*
        }

        impl Act {
            /// Every activation, in code order, with default parameters
            /// (leaky ReLU α = 0.01, ELU α = 1).
            pub const ALL: [Act; define_act!(@count $($v)*)] = [
                $( Act::$v $( (define_act!(@val $p $pd)) )? ),*
            ];

            /// A short lower-case name, one per row of the table:
            #[doc = concat!($("`", $name, "` "),*)]
            ///
            /// ```
            /// assert_eq!(neurokern::activation::Act::LeakyRelu(0.01).name(), "leaky_relu");
            /// ```
            pub const fn name(&self) -> &'static str {
                match self {
                    $( Act::$v $( (define_act!(@pat $p)) )? => $name, )*
                }
            }

            /// The one-byte code used by the weight blob format and the C
            /// API: the row's code in the table (0 identity, 1 sigmoid, …,
            /// the index in [`Act::ALL`]).
            ///
            /// ```
            /// use neurokern::activation::Act;
            /// assert_eq!(Act::from_code(Act::Tanh.code(), 0.0), Some(Act::Tanh));
            /// ```
            pub const fn code(&self) -> u8 {
                match self {
                    $( Act::$v $( (define_act!(@pat $p)) )? => $code, )*
                }
            }

            /// The activation for a code from [`Act::code`] (`param` is used
            /// by leaky ReLU and ELU only); `None` for an unknown code.
            ///
            /// ```
            /// use neurokern::activation::Act;
            /// assert_eq!(Act::from_code(4, 0.2), Some(Act::LeakyRelu(0.2)));
            /// assert_eq!(Act::from_code(200, 0.0), None);
            /// ```
            #[allow(unused_variables)]
            pub const fn from_code(code: u8, param: f32) -> Option<Act> {
                Some(match code {
                    $( $code => Act::$v $( (define_act!(@use $p param)) )?, )*
                    _ => return None,
                })
            }

            /// The activation with this [`name`](Act::name) (`param` as in
            /// [`Act::from_code`]); `None` for an unknown name.
            ///
            /// ```
            /// use neurokern::activation::Act;
            /// assert_eq!(Act::from_name("elu", 0.5), Some(Act::Elu(0.5)));
            /// assert_eq!(Act::from_name("swish", 0.0), None);
            /// ```
            #[allow(unused_variables)]
            pub fn from_name(name: &str, param: f32) -> Option<Act> {
                Some(match name {
                    $( $name => Act::$v $( (define_act!(@use $p param)) )?, )*
                    _ => return None,
                })
            }

            /// Whether the activation has a parameter (leaky ReLU's and
            /// ELU's α).
            ///
            /// ```
            /// use neurokern::activation::Act;
            /// assert!(Act::Elu(1.0).has_param() && !Act::Silu.has_param());
            /// ```
            pub const fn has_param(&self) -> bool {
                match self {
                    $( Act::$v $( (define_act!(@pat $p)) )? => define_act!(@has $($p)?), )*
                }
            }

            /// The parameter (leaky ReLU's and ELU's α; 0 for the others).
            ///
            /// ```
            /// assert_eq!(neurokern::activation::Act::LeakyRelu(0.3).alpha(), 0.3);
            /// ```
            pub const fn alpha(&self) -> f32 {
                match *self {
                    $( Act::$v $( ($p) )? => define_act!(@get $($p)?), )*
                }
            }

            /// Whether φ' can be computed from the output y = φ(x), so that
            /// back-propagation needs only y: σ, tanh, identity, ReLU, and
            /// leaky ReLU with α ≥ 0. The others (SiLU, GELU, ELU, softplus,
            /// the hard variants, leaky ReLU with α < 0) need the input x,
            /// which a [`Dense`](crate::nn::Dense) layer then keeps.
            ///
            /// ```
            /// use neurokern::activation::Act;
            /// assert!(Act::Tanh.has_derivative_from_output());
            /// assert!(!Act::Silu.has_derivative_from_output());
            /// assert!(!Act::LeakyRelu(-0.5).has_derivative_from_output());
            /// ```
            // `!(α < 0)`: a NaN α (refused elsewhere) is not "negative" here
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            pub const fn has_derivative_from_output(&self) -> bool {
                let row = match self {
                    $( Act::$v $( (define_act!(@pat $p)) )? => define_act!(@fo $fo), )*
                };
                // a negative slope makes y > 0 for x < 0
                row && !(self.alpha() < 0.0)
            }

            /// `d = φ'(x)` computed from the cached output `y = φ(x)`.
            ///
            /// # Panics
            ///
            /// When [`Act::has_derivative_from_output`] is false, or when the
            /// lengths differ.
            ///
            /// ```
            /// let mut d = [0.0f32; 1];
            /// neurokern::activation::Act::Sigmoid.derivative_from_output(&[0.5], &mut d);
            /// assert_eq!(d, [0.25]);
            /// ```
            #[track_caller]
            #[allow(unused_variables)]
            pub fn derivative_from_output(&self, y: &[f32], d: &mut [f32]) {
                self.assert_from_output();
                match *self {
                    $( Act::$v $( ($p) )? => define_act!(@call_fo $fo, $k, derivative_from_output(y, d)), )*
                }
            }

            /// φ' from one cached output value.
            ///
            /// # Panics
            ///
            /// When [`Act::has_derivative_from_output`] is false.
            #[track_caller]
            #[allow(unused_variables)]
            #[inline]
            pub fn derivative_from_output_scalar(&self, y: f32) -> f32 {
                self.assert_from_output();
                match *self {
                    $( Act::$v $( ($p) )? => define_act!(@call_fo $fo, $k, derivative_from_output_scalar(y)), )*
                }
            }

            /// `dx = dy ⊙ φ'` with φ' from the cached output `y`.
            ///
            /// # Panics
            ///
            /// When [`Act::has_derivative_from_output`] is false, or when the
            /// lengths differ.
            #[track_caller]
            #[allow(unused_variables)]
            pub fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]) {
                self.assert_from_output();
                match *self {
                    $( Act::$v $( ($p) )? => define_act!(@call_fo $fo, $k, backward_from_output(y, dy, dx)), )*
                }
            }

            /// `grad = grad ⊙ φ'` with φ' from the cached output `y`.
            ///
            /// # Panics
            ///
            /// When [`Act::has_derivative_from_output`] is false, or when the
            /// lengths differ.
            #[track_caller]
            #[allow(unused_variables)]
            pub fn backward_from_output_in_place(&self, y: &[f32], grad: &mut [f32]) {
                self.assert_from_output();
                match *self {
                    $( Act::$v $( ($p) )? => define_act!(@call_fo $fo, $k, backward_from_output_in_place(y, grad)), )*
                }
            }
        }

        /// Runs `$e` with `$k` bound to the kernel value of `$self`.
        macro_rules! dispatch {
            ($d self_:expr, $d kk:ident => $d e:expr) => {
                match *$d self_ {
                    $( $crate::activation::Act::$v $( ($p) )? => { let $d kk = $k; $d e } )*
                }
            };
        }
    };
    (@ty $p:ident) => { f32 };
    (@val $p:ident $pd:literal) => { $pd };
    (@pat $p:ident) => { _ };
    (@use $p:ident $param:ident) => { $param };
    (@has) => { false };
    (@has $p:ident) => { true };
    (@get) => { 0.0 };
    (@get $p:ident) => { $p };
    (@fo y) => { true };
    (@fo x) => { false };
    (@call_fo y, $k:expr, $m:ident ( $($a:expr),* )) => { FromOutput::$m(&$k, $($a),*) };
    (@call_fo x, $k:expr, $m:ident ( $($a:expr),* )) => { unreachable!() };
    (@count) => { 0 };
    (@count $h:ident $($t:ident)*) => { 1 + define_act!(@count $($t)*) };
}

activation_table!(define_act, $);

impl Default for Act {
    /// [`Act::Identity`].
    fn default() -> Self {
        Act::Identity
    }
}

impl Act {
    #[track_caller]
    fn assert_from_output(&self) {
        if !self.has_derivative_from_output() {
            from_output_missing(*self)
        }
    }
}

#[cold]
#[track_caller]
fn from_output_missing(act: Act) -> ! {
    if act.has_param() {
        panic!(
            "neurokern: {} with α = {} has no derivative from its output; use the input x \
             (Activation::backward)",
            act.name(),
            act.alpha()
        )
    }
    panic!(
        "neurokern: {} has no derivative from its output; use the input x (Activation::backward)",
        act.name()
    )
}

impl Activation for Act {
    #[track_caller]
    fn forward(&self, x: &[f32], y: &mut [f32]) {
        dispatch!(self, k => k.forward(x, y))
    }
    fn forward_in_place(&self, xy: &mut [f32]) {
        dispatch!(self, k => k.forward_in_place(xy))
    }
    fn forward_array<const N: usize>(&self, x: [f32; N]) -> [f32; N] {
        dispatch!(self, k => k.forward_array(x))
    }
    #[inline]
    fn forward_scalar(&self, x: f32) -> f32 {
        dispatch!(self, k => k.forward_scalar(x))
    }
    #[track_caller]
    fn derivative(&self, x: &[f32], d: &mut [f32]) {
        dispatch!(self, k => k.derivative(x, d))
    }
    #[inline]
    fn derivative_scalar(&self, x: f32) -> f32 {
        dispatch!(self, k => k.derivative_scalar(x))
    }
    #[track_caller]
    fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) {
        dispatch!(self, k => k.backward(x, dy, dx))
    }
    #[track_caller]
    fn backward_in_place(&self, x: &[f32], grad: &mut [f32]) {
        dispatch!(self, k => k.backward_in_place(x, grad))
    }
}
