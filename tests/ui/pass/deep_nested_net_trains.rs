// A nested network of 12 flat modules builds, runs and trains: forces a full build, so
// monomorphization-time checks run too.
use constnet::prelude::*;
use rand::SeedableRng;

type Block = (Linear<8, 8>, Tanh);
type Net = (
    Linear<4, 8>, ReLU, Block, Block, Linear<8, 8>, Sigmoid,
    Linear<8, 8>, ReLU, Linear<8, 8>, Tanh, Linear<8, 3>, Softmax,
);

fn main() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
    let mut net = Net::init(&mut rng);
    let p = net.forward(&[0.1, 0.2, 0.3, 0.4]);
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    let x = vec![[0.1f32, 0.2, 0.3, 0.4]; 8];
    let y = vec![[0.0f32, 1.0, 0.0]; 8];
    let mut sgd = Sgd::new(0.05f32);
    let report = Trainer::new(Nllm, &mut sgd).batch_size::<4>().epochs(20).fit(&mut net, &x, &y, &mut rng).unwrap();
    assert!(report.last().unwrap().train.loss < report.epochs[0].train.loss);
}
