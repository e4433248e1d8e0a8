//! Data sets as fixed-width samples: reading CSV text, labels, standardization, splits, and
//! the confusion matrix that judges a classifier.
//!
//! A data set is a slice of samples `&[[T; N]]` with a runtime length: the width is in the type,
//! the number of samples is not. The
//! helpers here turn text into such slices with typed errors, and prepare them as the chapter's
//! earlier chapters do (standardized features, one-hot labels for NLLM, a held-out part).
//! Everything returning a `Vec` needs the `alloc` feature.

mod confusion;
#[cfg(feature = "alloc")]
mod csv;
mod labels;
#[cfg(feature = "alloc")]
mod split;
mod standardize;

pub use confusion::ConfusionMatrix;
#[cfg(feature = "alloc")]
pub use csv::{CsvError, CsvErrorKind, Header, Labeled, parse_labeled_csv};
#[cfg(feature = "alloc")]
pub use labels::one_hot_all;
pub use labels::{LabelError, one_hot, to_class};
#[cfg(feature = "alloc")]
pub use split::{Split, SplitError, train_test_split};
pub use standardize::{StandardizeError, Standardizer};
