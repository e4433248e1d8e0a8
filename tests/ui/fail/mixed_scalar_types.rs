// An f64 layer feeding an f32 layer: widths match, number types do not.
use constnet::prelude::*;
use rand::SeedableRng;

type Broken = (Linear<4, 3, f64>, Tanh, Linear<3, 2, f32>);

fn main() {
    let _net = Broken::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
}
