// Targets of 3 classes for a net with 10 outputs.
use constnet::prelude::*;
use rand::SeedableRng;

type Net = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

fn main() {
    let net = Net::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
    let x = vec![[0.0f32; 64]; 4];
    let y = vec![[0.0f32; 3]; 4];
    let _ = evaluate(&net, &Nllm, &x, &y);
}
