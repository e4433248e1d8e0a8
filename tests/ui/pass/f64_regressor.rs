// An f64 regressor with squared loss, and a width-generic activation reused at two widths.
use constnet::prelude::*;
use rand::SeedableRng;

type Net = (Linear<3, 5, f64>, Tanh, Linear<5, 2, f64>, Tanh, Linear<2, 1, f64>);

fn main() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(2);
    let mut net = Net::init(&mut rng);
    let x: Vec<[f64; 3]> = (0..16).map(|i| [i as f64 / 16.0, 0.5, -0.25]).collect();
    let y: Vec<[f64; 1]> = x.iter().map(|r| [r[0] * 2.0 - 0.5]).collect();
    let before = evaluate(&net, &Squared, &x, &y).unwrap().loss;
    let mut sgd = Sgd::new(0.02);
    Trainer::new(Squared, &mut sgd).batch_size::<4>().epochs(200).fit(&mut net, &x, &y, &mut rng).unwrap();
    let after = evaluate(&net, &Squared, &x, &y).unwrap().loss;
    assert!(after < before / 10.0, "{before} -> {after}");
}
