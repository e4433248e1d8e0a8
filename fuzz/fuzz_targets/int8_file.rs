//! The int8 weight file and the field reader under it, on arbitrary bytes: a value or a typed
//! error, never a panic; a file it accepts saves back to the same bytes; and an int8 net with
//! any fields the reader accepts runs its forward pass without panicking.
#![no_main]

use constnet::persist::Int8WeightFile;
use constnet::schema::FieldReader;
use constnet::{Int8Linear, Int8Module, Int8Persist, Int8ReLU, Int8Sigmoid, Int8Softmax, Int8Tanh};
use libfuzzer_sys::fuzz_target;

type Net = (
    Int8Linear<3, 5>,
    Int8ReLU,
    Int8Linear<5, 4>,
    Int8Tanh,
    Int8Linear<4, 4>,
    Int8Sigmoid,
    Int8Linear<4, 2>,
    Int8Softmax,
);

fuzz_target!(|data: &[u8]| {
    if let Ok(net) = Net::from_bytes(data) {
        assert_eq!(net.to_byte_vec(), data);
    }
    // The fields alone, past the checksum that guards them in a file.
    let mut net = Net::blank();
    let mut reader = FieldReader::new(data);
    if net.read_fields(&mut reader).is_ok() {
        for x in [[0i8; 3], [127, -128, 5], [-128; 3]] {
            let _ = net.forward(&x);
        }
        let file = net.to_byte_vec();
        assert_eq!(Net::from_bytes(&file).as_ref(), Ok(&net));
    }
});
