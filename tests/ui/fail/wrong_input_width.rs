// A sample of 5 features fed to a net that takes 4.
use constnet::prelude::*;
use rand::SeedableRng;

type Net = (Linear<4, 8>, ReLU, Linear<8, 3>);

fn main() {
    let net = Net::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0));
    let _ = Module::forward(&net, &[0.0f32; 5]);
}
