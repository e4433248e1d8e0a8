//! The CSV reader on arbitrary text: a typed error, or samples whose every value is finite in
//! the scalar type (a value finite in f64 but not in f32 is an error, not an infinity).
#![no_main]

use constnet::data::{Header, parse_labeled_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    for header in [Header::Present, Header::Absent] {
        if let Ok(parsed) = parse_labeled_csv::<f32, 3>(text, header) {
            assert_eq!(parsed.features.len(), parsed.labels.len());
            assert!(parsed.features.iter().flatten().all(|v| v.is_finite()));
            assert!(parsed.labels.iter().all(|v| v.is_finite()));
        }
        if let Ok(parsed) = parse_labeled_csv::<f64, 1>(text, header) {
            assert!(parsed.features.iter().flatten().all(|v| v.is_finite()));
        }
    }
});
