// Two linear layers whose widths do not meet: 8 outputs into 6 inputs.
use constnet::prelude::*;
use rand::SeedableRng;

type Broken = (Linear<4, 8>, Linear<6, 3>);

fn main() {
    let _net = Broken::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
}
