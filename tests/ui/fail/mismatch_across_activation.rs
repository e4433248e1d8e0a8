// The activation keeps the width (32), which the next layer does not take (16).
use constnet::prelude::*;
use rand::SeedableRng;

type Broken = (Linear<64, 32>, ReLU, Linear<16, 10>, Softmax);

fn main() {
    let _net = Broken::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
}
