//! The module API and its generic machinery: the floor every layer stands on.
//!
//! - `api`: [`Module`], the chapter's forward / backward / weight-grad interface (section 4);
//! - `schema`: the one walk over a layer's tensors ([`Persist`](schema::Persist)), declared once
//!   per layer with [`layer!`](crate::layer) (`declare`), and the starting values it draws
//!   (`init`, section 5);
//! - `params`: [`Params`], the learned part of that walk, for gradients and optimizers;
//! - `named`: that walk for users, tensor by tensor with names ([`for_each_tensor`]);
//! - `layers`: what a network is as a type ([`Layers`], [`Network`]);
//! - `ends_with`: [`EndsWith`], for losses fused with the last activation (section 5);
//! - `tuples`: networks as tuples of modules (section 2.2);
//! - `stored`, `footprint`: where the trainer's copies live, and what they all cost;
//! - `quantize`: int8 networks ([`Int8Module`]) and post-training quantization ([`Quantize`]);
//! - `int8_import`: int8 networks built from a quantized file's operators ([`Int8Import`]).
//!
//! Nothing here knows a particular layer: layers (`crate::layers`) import this floor, never
//! the other way round.

mod api;
mod declare;
mod ends_with;
mod footprint;
mod init;
pub(crate) mod int8_import;
mod layers;
mod named;
mod params;
pub(crate) mod quantize;
pub(crate) mod schema;
mod stored;
mod tuples;

pub use api::Module;
pub use ends_with::EndsWith;
pub use footprint::Footprint;
pub use init::randomize_tensors;
pub use int8_import::{Int8Import, Int8ImportError, Int8Op, Int8OpKind, Int8Ops};
pub use layers::{AnyWidth, InputWidth, Layers, LinesUp, Network};
pub use named::{NamedTensor, for_each_tensor};
pub use params::Params;
pub use quantize::{
    Calibrated, FieldError, FieldReader, FieldWriter, Int8Module, Int8Net, Int8Persist, Int8Source,
    Quantize,
};
pub(crate) use stored::Stored;
pub use tuples::NestTuplesForMoreThan16Layers;
