//! The int8 forms of the layers (chapter section 2's forward pass, in integers), one file
//! each, with the [`Quantize`](crate::Quantize) impl that builds each from its float layer.
//!
//! They compute exactly what TFLite's reference kernels compute for the same parameters, so
//! a network quantized here and the same network in a `.tflite` file give the same bytes.

mod linear;
mod relu;
mod softmax;
mod table;

pub use linear::Int8Linear;
pub use relu::Int8ReLU;
pub use softmax::Int8Softmax;
pub use table::{Int8Sigmoid, Int8Table, Int8Tanh};
