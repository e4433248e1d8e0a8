//! [`layer!`](crate::layer): a layer's tensors, declared once (chapter section 2.1: a layer is its
//! weights; section 5: how they start; section 8.3: state kept beside them).

/// Declares a layer's tensors once, and from that list implements
/// [`Persist`](crate::schema::Persist) (so [`Params`](crate::Params), the weight file, the
/// Rust-source export and the safetensors import all work), [`Layers`](crate::Layers)
/// (initialization and zeroed copies) and [`Zeroable`](crate::Zeroable) (checked: every field
/// must be listed and zeroable).
///
/// The layer's [`Module`](crate::Module) impl, its forward and backward passes, is written by
/// hand beside it. A custom layer is one file: the struct, `layer!`, and `impl Module`.
///
/// ```
/// use constnet::{Module, Scalar, layer};
///
/// /// `v = s * u + t`, unit by unit, with a learned scale `s` and shift `t`.
/// #[derive(Clone, Debug, PartialEq)]
/// pub struct ScaleShift<const N: usize, T: Scalar = f32> {
///     pub s: [T; N],
///     pub t: [T; N],
/// }
///
/// layer! {
///     impl[const N: usize, T: Scalar] ScaleShift<N, T> {
///         path: "crate::ScaleShift",  // how generated Rust source names the type
///         args: [N],                  // its const arguments, in order
///         scalar: T,                  // it takes the scalar type after them
///         input: [T; N],
///         tensors: |_layer| {
///             // name: type => role, how it starts, where PyTorch keeps it;
///             s: [T; N] => Learned, Init::Constant(1.0), Torch::Same("weight");
///             t: [T; N] => Learned, Init::Constant(0.0), Torch::Same("bias");
///         }
///     }
/// }
/// # fn main() {}
/// ```
///
/// The parts, in this order:
/// - `impl[generics] Type`: the generics of the impl, then the type;
/// - `path`: the type's path for generated source (`"constnet::Linear"`); its last segment
///   is the kind the weight file's shape signature records;
/// - `args`: the const arguments of the type, in order (`[IN, OUT]`), any integer type;
/// - `scalar: T` (optional): the scalar type parameter, for layers that hold numbers; without
///   it the layer has no tensors and works for every scalar type (an activation);
/// - `input`: what the layer takes, `[T; N]`, or
///   [`AnyWidth`](crate::network::AnyWidth) for a layer of any width;
/// - `torch_ignores: ["..."]` (optional): names PyTorch saves for this layer that the import
///   skips;
/// - `onnx: OnnxOp::Node("...")` (optional): what the layer is in an ONNX graph, an
///   [`OnnxOp`](crate::schema::OnnxOp) (without it, the ONNX import refuses the layer by name);
/// - `tensors: |layer| { ... }`: every field of the struct, in storage order, as
///   `name: type => role, init, torch;` with a [`Role`](crate::schema::Role) variant, an
///   [`Init`](crate::schema::Init) and a [`Torch`](crate::schema::Torch) value, optionally
///   followed by `, domain` (a [`Domain`](crate::schema::Domain): the values loaders accept;
///   any by default). The three names are in scope there without an import. Those two expressions may read the layer's current value through the name given between the bars
///   (batch normalization gives its `eps` to the import that way).
#[macro_export]
macro_rules! layer {
    (
        impl[$($generics:tt)*] $ty:ty {
            path: $path:expr,
            args: [$($arg:expr),* $(,)?],
            scalar: $t:ident,
            input: $input:ty,
            $(torch_ignores: [$($ignore:expr),* $(,)?],)?
            $(onnx: $onnx:expr,)?
            tensors: |$this:ident| { $($field:ident : $fty:ty => $role:ident, $init:expr, $torch:expr $(, $domain:expr)?;)* } $(,)?
        }
    ) => {
        $crate::layer!(@persist [$($generics)*] $ty, $t, [Some(<$t as $crate::Scalar>::NAME)],
            $path, [$($arg),*], [$($($ignore),*)?], [$($onnx)?], $this, [$($field : $fty => $role, $init, $torch, [$($domain)?];)*]);
        $crate::layer!(@common [$($generics)*] $ty, $input, [$($field)*], {
            fn randomize<R: $crate::rand::Rng + ?Sized>(&mut self, rng: &mut R) {
                $crate::schema::randomize_tensors::<$t, Self, R>(self, rng);
            }
        });
    };
    (
        impl[$($generics:tt)*] $ty:ty {
            path: $path:expr,
            args: [$($arg:expr),* $(,)?],
            input: $input:ty,
            $(torch_ignores: [$($ignore:expr),* $(,)?],)?
            $(onnx: $onnx:expr,)?
            tensors: |$this:ident| {} $(,)?
        }
    ) => {
        $crate::layer!(@persist [__T: $crate::Scalar, $($generics)*] $ty, __T, [None],
            $path, [$($arg),*], [$($($ignore),*)?], [$($onnx)?], $this, []);
        $crate::layer!(@common [$($generics)*] $ty, $input, [], {
            fn randomize<R: $crate::rand::Rng + ?Sized>(&mut self, _rng: &mut R) {}
        });
    };
    (@common [$($generics:tt)*] $ty:ty, $input:ty, [$($field:ident)*], {$($randomize:tt)*}) => {
        $crate::zeroable!(impl[$($generics)*] $ty { $($field),* });

        impl<$($generics)*> $crate::Layers for $ty {
            type Input = $input;
            $($randomize)*
        }
    };
    (@domain) => { $crate::schema::Domain::Any };
    (@domain $domain:expr) => { $domain };
    (@onnx) => { $crate::schema::OnnxOp::Unsupported };
    (@onnx $onnx:expr) => { $onnx };
    (@info [$scalar:expr], $path:expr, [$($arg:expr),*], [$($ignore:expr),*], [$($onnx:expr)?]) => {
        $crate::schema::LayerInfo {
            path: $path,
            args: &[$($arg as usize),*],
            scalar: $scalar,
            torch_ignores: &[$($ignore),*],
            onnx: $crate::layer!(@onnx $($onnx)?),
        }
    };
    (
        @persist [$($generics:tt)*] $ty:ty, $t:ident, [$scalar:expr], $path:expr, [$($arg:expr),*],
        [$($ignore:expr),*], [$($onnx:expr)?], $this:ident,
        [$($field:ident : $fty:ty => $role:ident, $init:expr, $torch:expr, [$($domain:expr)?];)*]
    ) => {
        impl<$($generics)*> $crate::schema::Persist<$t> for $ty {
            const LEARNED: usize = 0 $(+ if matches!($crate::schema::Role::$role, $crate::schema::Role::Learned) {
                <$fty as $crate::kernels::Flat<$t>>::LEN
            } else {
                0
            })*;
            const STORED: usize = 0 $(+ <$fty as $crate::kernels::Flat<$t>>::LEN)*;
            const LAYERS: usize = 1;

            // Not `#[inline]`, nor the walks below: an inline generic function is compiled
            // again in every codegen unit of the user's crate that calls it, and the walks are
            // not on a per-sample path (one call per optimizer step). Measured on the compile
            // benchmark's app: rebuilds 12-18% faster, training instruction counts unchanged.
            #[allow(unused_variables, clippy::unnecessary_cast)]
            fn visit_items(&self, f: &mut dyn FnMut($crate::schema::Item<'_, &[$t]>)) {
                #[allow(unused_imports)]
                use $crate::schema::{Domain, Init, Torch};
                f($crate::schema::Item::Layer(
                    &$crate::layer!(@info [$scalar], $path, [$($arg),*], [$($ignore),*], [$($onnx)?]),
                ));
                let $this = self;
                $({
                    let dims = <$fty as $crate::kernels::Flat<$t>>::DIMS;
                    let info = $crate::schema::TensorInfo {
                        name: stringify!($field),
                        role: $crate::schema::Role::$role,
                        dims: &dims[..<$fty as $crate::kernels::Flat<$t>>::RANK],
                        init: $init,
                        torch: $torch,
                        domain: $crate::layer!(@domain $($domain)?),
                    };
                    f($crate::schema::Item::Tensor(
                        &info,
                        $crate::kernels::Flat::<$t>::flat(&self.$field),
                    ));
                })*
            }

            #[allow(unused_variables, unused_mut, clippy::unnecessary_cast)]
            fn walk_items<const M: usize>(
                mut values: [&mut Self; M],
                f: &mut dyn FnMut($crate::schema::Item<'_, [&mut [$t]; M]>),
            ) {
                #[allow(unused_imports)]
                use $crate::schema::{Domain, Init, Torch};
                f($crate::schema::Item::Layer(
                    &$crate::layer!(@info [$scalar], $path, [$($arg),*], [$($ignore),*], [$($onnx)?]),
                ));
                $({
                    let dims = <$fty as $crate::kernels::Flat<$t>>::DIMS;
                    let info = {
                        let Some(first) = values.first() else { return };
                        let $this: &Self = first;
                        $crate::schema::TensorInfo {
                            name: stringify!($field),
                            role: $crate::schema::Role::$role,
                            dims: &dims[..<$fty as $crate::kernels::Flat<$t>>::RANK],
                            init: $init,
                            torch: $torch,
                            domain: $crate::layer!(@domain $($domain)?),
                        }
                    };
                    f($crate::schema::Item::Tensor(
                        &info,
                        $crate::schema::project(&mut values, |v| {
                            $crate::kernels::Flat::<$t>::flat_mut(&mut v.$field)
                        }),
                    ));
                })*
            }
        }
    };
}
