// Blocks nest; the mismatch is between the two inner blocks.
use constnet::prelude::*;
use rand::SeedableRng;

type Block1 = (Linear<4, 8>, Tanh);
type Block2 = (Linear<7, 3>, Softmax);
type Broken = (Block1, Block2);

fn main() {
    let _net = Broken::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
}
