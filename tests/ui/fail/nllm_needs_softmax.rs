// The chapter's table: NLLM goes with a softmax last layer, not a linear one.
use constnet::prelude::*;
use rand::SeedableRng;

type Net = (Linear<4, 8>, ReLU, Linear<8, 3>);

fn main() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(0);
    let mut net = Net::init(&mut rng);
    let mut sgd = Sgd::new(0.1f32);
    let x = vec![[0.0f32; 4]; 4];
    let y = vec![[1.0f32, 0.0, 0.0]; 4];
    let _ = Trainer::new(Nllm, &mut sgd).fit(&mut net, &x, &y, &mut rng);
}
