//! Every arithmetic loop of the crate lives here (DESIGN point 5).
//!
//! The kernels take fixed-size arrays, so each call is monomorphized for its widths and the
//! compiler sees exact trip counts. They are shaped for auto-vectorization:
//! - with `W` stored `IN x OUT`, an affine map `z = W^T x + W0` is a sweep of `axpy` updates
//!   over the rows of `W`: every lane works on a different output, so no floating-point
//!   reassociation is needed to vectorize it;
//! - reductions (`dot`, `sum`) keep several independent accumulators so they pipeline.
//!
//! Layers and the [`tensor`](crate::tensor) module call these; nothing else loops over numbers.

mod elementwise;
mod linear_algebra;
mod reduce;

pub use elementwise::*;
pub use linear_algebra::*;
pub use reduce::*;
