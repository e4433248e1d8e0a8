// The chapter's table: NLL goes with a sigmoid last layer; tanh is not one.
use constnet::prelude::*;
use rand::SeedableRng;

type Net = (Linear<2, 4>, ReLU, Linear<4, 1>, Tanh);

fn main() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(0);
    let mut net = Net::init(&mut rng);
    let mut sgd = Sgd::new(0.1f32);
    let x = vec![[0.0f32; 2]; 4];
    let y = vec![[1.0f32]; 4];
    let _ = Trainer::new(Nll, &mut sgd).fit(&mut net, &x, &y, &mut rng);
}
