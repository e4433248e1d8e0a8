// Weights must be f32 or f64.
use constnet::prelude::*;

fn main() {
    let _layer = Linear::<2, 2, i32>::zeros();
}
