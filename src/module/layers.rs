//! What a network is as a type: its input width, how it is built, and the bound that trainers,
//! optimizers and file formats take (chapter section 2.2, "Many layers"; section 5,
//! initialization).

use rand::Rng;

use super::api::Module;
use super::params::Params;
use crate::Scalar;

/// The input of a module that works for any width (activations): it takes its width from its
/// neighbours.
///
/// ```
/// use constnet::network::AnyWidth;
/// use constnet::prelude::*;
/// // An activation alone has no width: its input is `AnyWidth`.
/// fn input_of<N: Layers>(_: &N) -> &'static str { core::any::type_name::<N::Input>() }
/// assert!(input_of(&ReLU).ends_with("AnyWidth"));
/// assert_eq!(input_of(&<(ReLU, Linear<3, 1>)>::zeroed()), "[f32; 3]"); // from the first Linear
/// # let _ = AnyWidth;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnyWidth;

/// What a module takes as input, at the type level: an array `[T; N]`, or [`AnyWidth`].
///
/// Used to find a network's input type: the input of its first module with a fixed width.
///
/// ```
/// use constnet::prelude::*;
/// type Net = (Tanh, Linear<5, 2>, Softmax);
/// // The input type is found from the first layer with a fixed width.
/// let input: <Net as Layers>::Input = [0.0f32; 5];
/// let _ = Net::init(&mut Pcg64Mcg::seed_from_u64(1)).forward(&input);
/// ```
pub trait InputWidth {
    /// `Self` if it is a fixed width, `Next` if `Self` is [`AnyWidth`].
    type OrNext<Next: InputWidth>: InputWidth;
    /// An input to check that a network's widths line up with: `Self` for a fixed width; for
    /// [`AnyWidth`] (activations only, which fit every width) a width of 1.
    type Probe;
}

impl InputWidth for AnyWidth {
    type OrNext<Next: InputWidth> = Next;
    type Probe = [f32; 1];
}

impl<T, const N: usize> InputWidth for [T; N] {
    type OrNext<Next: InputWidth> = [T; N];
    type Probe = [T; N];
}

/// A network whose widths line up: every layer takes the width the layer before it gives. Every
/// constructor and loader asks for it ([`Layers::zeroed`], the weight file, the safetensors
/// import), so a network that could never run cannot be made, saved or loaded either. It holds
/// for every such type; there is nothing to implement.
///
/// ```compile_fail,E0277
/// use constnet::persist::WeightFile;
/// use constnet::prelude::*;
/// // 8 outputs into 6 inputs: no weight file, no init, no training for this type.
/// type Broken = (Linear<4, 8>, ReLU, Linear<6, 3>);
/// let _ = Broken::from_bytes(&[]);
/// ```
#[diagnostic::on_unimplemented(
    message = "the layer widths of `{Self}` do not line up",
    label = "a layer of this network gets an input of the wrong width",
    note = "each layer's input width must equal the output width of the layer before it"
)]
pub trait LinesUp: Layers {}

impl<N: Layers + Module<<N::Input as InputWidth>::Probe>> LinesUp for N {}

/// The structure of a module or network: its input type, and how to build one.
///
/// A network's value with every byte zero is its [`Layers::zeroed`] value
/// ([`Zeroable`](crate::Zeroable)), so that gradients and optimizer state can be made on the
/// heap in place. [`layer!`](crate::layer) implements it for a layer; tuples of layers have it.
///
/// ```
/// use constnet::prelude::*;
///
/// type Net = (Linear<4, 8>, ReLU, Linear<8, 2>);
/// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(3)); // the chapter's initialization
/// let zero = Net::zeroed();                              // a gradient accumulator
/// assert!(zero.0.w.iter().flatten().all(|&w| w == 0.0));
/// assert_ne!(net, zero);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a network",
    label = "not a layer, nor a tuple of layers",
    note = "a network is a layer or a tuple of 1 to 16 layers; for more, nest tuples: `((A, B, C), (D, E))` computes the same function as `(A, B, C, D, E)` and reads the same weight files"
)]
pub trait Layers: Sized + crate::Zeroable {
    /// The input of the first layer with a fixed width (`[T; IN]`), or [`AnyWidth`] for a
    /// sequence of activations only.
    type Input: InputWidth;

    /// Draws every weight as the chapter's initialization says (section 5), without checking
    /// that the layers fit together; prefer [`Layers::init`]. Each tensor starts as its
    /// [`Init`](crate::schema::Init) says.
    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self
    where
        Self: LinesUp,
    {
        let mut net = Self::zeroed();
        net.randomize(rng);
        net
    }

    /// A value of this type with every parameter and every piece of state zero: a gradient
    /// accumulator, or optimizer state. It is the value with every byte zero
    /// ([`Zeroable`](crate::Zeroable)). Like every constructor and loader, it compiles only
    /// for a network whose widths line up:
    ///
    /// ```compile_fail,E0277
    /// use constnet::prelude::*;
    /// type Broken = (Linear<4, 8>, ReLU, Linear<6, 3>);
    /// let _ = Broken::zeroed();
    /// ```
    fn zeroed() -> Self
    where
        Self: LinesUp,
    {
        crate::kernels::zeroed()
    }

    /// Builds the network with the chapter's initialization (section 5):
    /// `W^l_ij ~ Gaussian(0, 1/m^l)`, `W^l_0i ~ Gaussian(0, 1)`, from the caller's generator.
    ///
    /// Compiles only when the network's widths line up: this is where a mismatch is reported.
    ///
    /// ```
    /// use constnet::prelude::*;
    /// use constnet::rng::Pcg64Mcg;
    /// use constnet::rng::SeedableRng;
    ///
    /// type Net = (Linear<4, 8>, ReLU, Linear<8, 3>, Softmax);
    /// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(7));
    /// let p = net.forward(&[0.1, 0.2, 0.3, 0.4]);
    /// assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    /// ```
    ///
    /// ```compile_fail,E0277
    /// use constnet::prelude::*;
    /// type Broken = (Linear<4, 8>, ReLU, Linear<6, 3>);
    /// let net = Broken::init(&mut constnet::rng::Pcg64Mcg::new(7)); // 8 outputs into 6 inputs
    /// ```
    fn init<R: Rng + ?Sized>(rng: &mut R) -> Self
    where
        Self: Module<Self::Input>,
    {
        // `Self: Module<Self::Input>` is the check `random` asks for, in the form whose error
        // message names both widths.
        let mut net: Self = crate::kernels::zeroed();
        net.randomize(rng);
        net
    }

    /// Draws every tensor as its [`Init`](crate::schema::Init) says, in the walk's order,
    /// writing them in place: what [`Layers::random`] and [`Layers::init`] start from.
    fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R);

    /// [`Layers::init`], built on the heap in place: the network never passes through the
    /// stack, so a large one (784-128-64-10 is 437 KB) is safe to build on any thread, in
    /// unoptimized builds too. Gives the same weights as `init` from the same generator state.
    ///
    /// ```
    /// use constnet::prelude::*;
    /// use constnet::rng::SeedableRng;
    ///
    /// type Net = (Linear<784, 128>, ReLU, Linear<128, 10>, Softmax);
    /// let boxed = Net::init_boxed(&mut constnet::rng::Pcg64Mcg::seed_from_u64(7));
    /// assert_eq!(*boxed, Net::init(&mut constnet::rng::Pcg64Mcg::seed_from_u64(7)));
    /// ```
    #[cfg(feature = "alloc")]
    fn init_boxed<R: Rng + ?Sized>(rng: &mut R) -> alloc::boxed::Box<Self>
    where
        Self: Module<Self::Input>,
    {
        let mut net = crate::kernels::boxed_zeroed::<Self>();
        net.randomize(rng);
        net
    }
}

/// A network whose layers line up, from samples `[T; IN]` to outputs `[T; OUT]`: what trainers,
/// optimizers and serialization take. Implemented for every such type; there is nothing to
/// implement by hand.
///
/// Use it as the bound of code that takes any network:
///
/// ```
/// use constnet::prelude::*;
///
/// /// The share of samples whose largest output is the labelled class.
/// fn accuracy<N: Network<f32, 4, 3>>(net: &N, x: &[[f32; 4]], labels: &[usize]) -> f64 {
///     let right = x.iter().zip(labels)
///         .filter(|&(x, &label)| constnet::tensor::argmax(&net.forward(x)) == label)
///         .count();
///     right as f64 / x.len() as f64
/// }
///
/// let small = <(Linear<4, 3>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let deep = <(Linear<4, 16>, ReLU, Linear<16, 3>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let x = [[5.1, 3.5, 1.4, 0.2]];
/// assert!(accuracy(&small, &x, &[0]) <= 1.0);
/// assert!(accuracy(&deep, &x, &[0]) <= 1.0);
/// ```
pub trait Network<T: Scalar, const IN: usize, const OUT: usize>:
    Layers<Input = [T; IN]> + Module<[T; IN], Output = [T; OUT]> + Params<T> + Clone
{
}

impl<N, T: Scalar, const IN: usize, const OUT: usize> Network<T, IN, OUT> for N where
    N: Layers<Input = [T; IN]> + Module<[T; IN], Output = [T; OUT]> + Params<T> + Clone
{
}
