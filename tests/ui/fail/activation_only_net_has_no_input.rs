// A network of activations alone has no fixed input width, so there is nothing to init.
use constnet::prelude::*;
use rand::SeedableRng;

type Widthless = (ReLU, Softmax);

fn main() {
    let _net = Widthless::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
}
