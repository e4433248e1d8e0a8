//! The safetensors importer against the official `safetensors` crate on the same bytes: both
//! accept a file or both refuse it. The one difference allowed is by design: two tensors of one
//! name, which the official reader resolves silently (it keeps the last) and this one refuses.
#![no_main]

use constnet::persist::{ImportError, Safetensors};
use constnet::{Linear, Sigmoid};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let official = safetensors::SafeTensors::deserialize(data);
    let ours = Safetensors::parse(data);
    match (&ours, &official) {
        (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
        (Err(ImportError::DuplicateTensor { .. }), Ok(_)) => {}
        _ => panic!(
            "the readers disagree: ours {:?}, official {:?}",
            ours.err(),
            official.err()
        ),
    }
    // Loading what both accept never panics, whatever it holds.
    if let Ok(file) = ours {
        let _ = file.load::<f32, (Linear<2, 1>, Sigmoid)>();
    }
});
