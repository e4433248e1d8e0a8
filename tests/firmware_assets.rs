//! The files the Cortex-M firmware embeds (`examples/firmware/assets/`, written by the
//! `firmware_assets` example) agree with each other and with this host: the weight file and
//! the `const` source hold the same net, and it computes the recorded outputs. With the `libm`
//! feature (as CI runs this test) the host's math is the firmware's, so every bit must match;
//! the firmware then checks the same bits on the emulated cores.

use constnet::persist::WeightFile;
use constnet::prelude::*;

type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

mod cases {
    include!("../examples/firmware/assets/digits_cases.rs");
}

mod weights {
    include!("../examples/firmware/assets/digits_net.rs");
}

#[test]
fn the_embedded_net_computes_the_recorded_outputs() {
    let net =
        Digits::from_bytes(include_bytes!("../examples/firmware/assets/digits.cnet")).unwrap();
    assert_eq!(
        net,
        weights::DIGITS,
        "the weight file and the const source differ"
    );
    let mut right = 0;
    for ((x, bits), &label) in cases::INPUTS
        .iter()
        .zip(&cases::OUTPUT_BITS)
        .zip(&cases::LABELS)
    {
        let out = net.forward(x);
        let recorded = bits.map(f32::from_bits);
        if cfg!(feature = "libm") {
            assert_eq!(
                out.map(f32::to_bits),
                *bits,
                "bit-exact with the libm feature"
            );
        } else {
            for (a, b) in out.iter().zip(&recorded) {
                assert!((a - b).abs() <= 1e-6, "{a} vs {b}");
            }
        }
        assert_eq!(
            constnet::tensor::argmax(&out),
            constnet::tensor::argmax(&recorded)
        );
        right += usize::from(constnet::tensor::argmax(&out) == usize::from(label));
    }
    assert!(right >= 22, "{right} of 24 held-out digits right");
}

mod int8_cases {
    include!("../examples/firmware/assets/digits_int8_cases.rs");
}

mod int8_weights {
    include!("../examples/firmware/assets/digits_int8_net.rs");
}

#[test]
fn the_embedded_int8_net_computes_the_recorded_bytes() {
    use constnet::persist::Int8WeightFile;
    type DigitsInt8 = <Digits as Quantize<[f32; 64]>>::Int8;
    let net = DigitsInt8::from_bytes(include_bytes!(
        "../examples/firmware/assets/digits_int8.cnq8"
    ))
    .unwrap();
    assert_eq!(
        net,
        int8_weights::DIGITS_INT8,
        "the int8 file and the const source differ"
    );
    for ((x, recorded), x_f32) in int8_cases::INPUTS
        .iter()
        .zip(&int8_cases::OUTPUTS)
        .zip(&cases::INPUTS)
    {
        assert_eq!(net.quantize_input(x_f32).as_ref(), Some(x));
        assert_eq!(net.forward(x), *recorded);
    }
}
