// Seventeen layers in one flat tuple: one more than tuples take. The error says to nest.
use constnet::prelude::*;

type Deep = (
    Linear<2, 2>, ReLU, Linear<2, 2>, ReLU, Linear<2, 2>, ReLU, Linear<2, 2>, ReLU,
    Linear<2, 2>, ReLU, Linear<2, 2>, ReLU, Linear<2, 2>, ReLU, Linear<2, 2>, ReLU,
    Linear<2, 1>,
);

fn main() {
    let _net = Deep::init(&mut Pcg64Mcg::seed_from_u64(0));
}
