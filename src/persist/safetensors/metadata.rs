//! The preprocessing a safetensors file's `__metadata__` carries (with `alloc`): the keys
//! [`to_safetensors_with`](super::to_safetensors_with) writes, read back into a
//! [`Preprocessing`].

use alloc::string::String;
use alloc::vec::Vec;

use super::super::json::{self, Value};
use super::header::decode;
use super::{ImportError, Safetensors};
use crate::Scalar;
use crate::data::Standardizer;
use crate::persist::{ClassNames, Preprocessing};

/// The standardizer's means, comma-separated.
pub(super) const MEAN: &str = "constnet.standardizer.mean";
/// The standardizer's deviations, comma-separated.
pub(super) const STD: &str = "constnet.standardizer.std";
/// The class names, a JSON array of strings.
pub(super) const CLASS_NAMES: &str = "constnet.class_names";

impl Safetensors<'_> {
    /// The preprocessing in the file's `__metadata__`, for a standardizer of `N` inputs: the
    /// keys [`to_safetensors_with`](super::to_safetensors_with) writes (its documentation
    /// shows them). Empty when the file has none; a key that is present but malformed, or a
    /// standardizer of another width, is an error naming the key.
    pub fn preprocessing<T: Scalar, const N: usize>(
        &self,
    ) -> Result<Preprocessing<'static, T, N>, ImportError> {
        let (mut mean, mut std, mut names) = (None, None, None);
        // `parse` checked that `__metadata__` is a map of strings.
        let _ = json::for_each_entry(
            self.header.object,
            |key, value| {
                if let (true, Value::Object(map)) = (key.eq_str("__metadata__"), value) {
                    let _ = json::for_each_entry(
                        map,
                        |key, value| {
                            if let Value::Str(text) = value {
                                for (name, slot) in [
                                    (MEAN, &mut mean),
                                    (STD, &mut std),
                                    (CLASS_NAMES, &mut names),
                                ] {
                                    if key.eq_str(name) {
                                        *slot = Some(decode(text));
                                    }
                                }
                            }
                            Ok::<(), ()>(())
                        },
                        |_| (),
                    );
                }
                Ok::<(), ()>(())
            },
            |_| (),
        );
        let standardizer = match (mean, std) {
            (None, None) => None,
            (Some(mean), Some(std)) => Some(Standardizer {
                mean: numbers(&mean, MEAN)?,
                std: numbers(&std, STD)?,
            }),
            (None, Some(_)) => return Err(ImportError::BadPreprocessing { key: MEAN }),
            (Some(_), None) => return Err(ImportError::BadPreprocessing { key: STD }),
        };
        let class_names = match names {
            None => ClassNames::default(),
            Some(text) => ClassNames::owned(
                strings(&text).ok_or(ImportError::BadPreprocessing { key: CLASS_NAMES })?,
            ),
        };
        Ok(Preprocessing {
            standardizer,
            class_names,
        })
    }
}

/// `N` comma-separated numbers, each read directly in `T`'s precision.
fn numbers<T: Scalar, const N: usize>(
    text: &str,
    key: &'static str,
) -> Result<[T; N], ImportError> {
    let mut values = [T::zero(); N];
    let mut found = 0;
    for (i, part) in text.split(',').enumerate() {
        let part = part.trim();
        let value = if T::BYTES == 4 {
            part.parse::<f32>().map(f64::from)
        } else {
            part.parse::<f64>()
        };
        let value = value.map_err(|_| ImportError::BadPreprocessing { key })?;
        if let Some(slot) = values.get_mut(i) {
            *slot = T::from_f64(value);
        }
        found += 1;
    }
    if found != N {
        return Err(ImportError::PreprocessingWidth {
            key,
            expected: N,
            found,
        });
    }
    Ok(values)
}

/// A JSON array of strings.
fn strings(text: &str) -> Option<Vec<String>> {
    let Ok(Value::Array(array)) = json::parse(text.as_bytes()) else {
        return None;
    };
    let mut names = Vec::new();
    json::for_each_element(
        array,
        |value| match value {
            Value::Str(name) if name.chars().all(|c| c.is_some()) => {
                names.push(decode(name));
                Ok(())
            }
            _ => Err(()),
        },
        |_| (),
    )
    .ok()?;
    Some(names)
}
