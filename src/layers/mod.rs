//! The layers: each file owns one layer's struct, its [`layer!`](crate::layer) declaration (its
//! tensors, and the promise that zero bytes make a valid value) and its forward and backward
//! passes. A new layer kind is one new file here, and a line below.
//!
//! - `linear`: the fully connected layer (chapter section 2.1);
//! - `activation/`: the activation functions (section 3);
//! - `dropout`: dropout (section 8.2);
//! - `batch_norm`: batch normalization (section 8.3).

pub mod activation;
mod batch_norm;
mod dropout;
pub mod int8;
mod linear;

pub use batch_norm::{BatchNorm, BatchNormTape};
pub use dropout::Dropout;
pub use linear::Linear;

#[cfg(test)]
mod tests {
    //! The layers' `Zeroable` promises, made by `layer!` beside their fields, kept: Miri runs
    //! these.
    use crate::kernels::zeroed;
    use crate::{BatchNorm, Dropout, Layers, Linear, ReLU, Softmax};

    type Net = (
        Linear<3, 4, f64>,
        ReLU,
        BatchNorm<4, f64>,
        Dropout<20>,
        (Linear<4, 2, f64>, Softmax),
    );

    #[test]
    fn zeroed_layers_are_all_zero() {
        let net: Net = zeroed();
        assert_eq!(
            net.0,
            Linear {
                w: [[0.0; 4]; 3],
                w0: [0.0; 4]
            }
        );
        assert_eq!(
            (net.2.g, net.2.sigma, net.2.gamma, net.2.eps),
            ([0.0; 4], [0.0; 4], 0.0, 0.0)
        );
        assert_eq!(Net::zeroed(), net);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn zeroed_in_place_equals_zeroed_by_value() {
        assert_eq!(*crate::kernels::boxed_zeroed::<Net>(), Net::zeroed());
        assert_eq!(
            *crate::kernels::boxed_zeroed::<Linear<5, 7, f64>>(),
            Linear::zeroed()
        );
        assert_eq!(
            *crate::kernels::boxed_zeroed::<(ReLU, Softmax)>(),
            (ReLU, Softmax)
        );
        assert_eq!(
            *crate::kernels::boxed_zeroed::<Linear<0, 0>>(),
            Linear::zeroed()
        );
    }
}
