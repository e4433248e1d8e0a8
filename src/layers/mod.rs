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
mod linear;

pub use batch_norm::{BatchNorm, BatchNormTape};
pub use dropout::Dropout;
pub use linear::Linear;
