//! The baseline of the compile-time benchmark (`benches/compile/run.sh`): `constnet-app`'s
//! program written as a user would without a library, on `Vec<f32>` and plain loops. The same
//! three parts: a sine regressor, an iris classifier, and a saved net loaded and used.

/// The literal the benchmark edits before the rebuild.
const EPOCHS: usize = 200;

#[derive(Clone, Copy, PartialEq)]
enum Act {
    Tanh,
    Relu,
    None,
}

/// A dense layer, `W` stored IN x OUT.
#[derive(Clone, PartialEq)]
struct Dense {
    inputs: usize,
    outputs: usize,
    w: Vec<f32>,
    b: Vec<f32>,
    act: Act,
}

/// A small permuted congruential generator, and Gaussian draws by Box-Muller.
struct Pcg(u64);

impl Pcg {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let x = (((self.0 >> 18) ^ self.0) >> 27) as u32;
        let rot = (self.0 >> 59) as u32;
        (x.rotate_right(rot) >> 8) as f32 / (1u32 << 24) as f32
    }
    fn gaussian(&mut self) -> f32 {
        let (u, v) = (self.next().max(1e-7), self.next());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

impl Dense {
    fn new(inputs: usize, outputs: usize, act: Act, rng: &mut Pcg) -> Self {
        let scale = 1.0 / (inputs as f32).sqrt();
        Self {
            inputs,
            outputs,
            w: (0..inputs * outputs).map(|_| rng.gaussian() * scale).collect(),
            b: (0..outputs).map(|_| rng.gaussian()).collect(),
            act,
        }
    }

    fn forward(&self, x: &[f32]) -> Vec<f32> {
        let mut z = self.b.clone();
        for i in 0..self.inputs {
            for j in 0..self.outputs {
                z[j] += x[i] * self.w[i * self.outputs + j];
            }
        }
        for v in &mut z {
            *v = match self.act {
                Act::Tanh => v.tanh(),
                Act::Relu => v.max(0.0),
                Act::None => *v,
            };
        }
        z
    }
}

/// A network: dense layers, then optionally a softmax.
#[derive(Clone, PartialEq)]
struct Mlp {
    layers: Vec<Dense>,
    softmax: bool,
}

fn softmax(z: &mut [f32]) {
    let max = z.iter().cloned().fold(f32::MIN, f32::max);
    let sum: f32 = z.iter_mut().map(|v| {
        *v = (*v - max).exp();
        *v
    }).sum();
    z.iter_mut().for_each(|v| *v /= sum);
}

impl Mlp {
    fn forward_all(&self, x: &[f32]) -> Vec<Vec<f32>> {
        let mut outs = vec![x.to_vec()];
        for layer in &self.layers {
            let next = layer.forward(outs.last().unwrap());
            outs.push(next);
        }
        if self.softmax {
            softmax(outs.last_mut().unwrap());
        }
        outs
    }

    fn forward(&self, x: &[f32]) -> Vec<f32> {
        self.forward_all(x).pop().unwrap()
    }

    /// Adds the gradient of one sample into `grad`; `dl_dout` is dL/dZ of the last layer.
    fn backward(&self, outs: &[Vec<f32>], mut d: Vec<f32>, grad: &mut Mlp) {
        for (l, layer) in self.layers.iter().enumerate().rev() {
            let (input, output) = (&outs[l], &outs[l + 1]);
            if !(self.softmax && l + 1 == self.layers.len()) {
                for (dj, &a) in d.iter_mut().zip(output) {
                    *dj *= match layer.act {
                        Act::Tanh => 1.0 - a * a,
                        Act::Relu => f32::from(a > 0.0),
                        Act::None => 1.0,
                    };
                }
            }
            let g = &mut grad.layers[l];
            let mut d_in = vec![0.0; layer.inputs];
            for i in 0..layer.inputs {
                for j in 0..layer.outputs {
                    g.w[i * layer.outputs + j] += input[i] * d[j];
                    d_in[i] += layer.w[i * layer.outputs + j] * d[j];
                }
            }
            for j in 0..layer.outputs {
                g.b[j] += d[j];
            }
            d = d_in;
        }
    }

    fn params(&mut self) -> impl Iterator<Item = &mut f32> {
        self.layers.iter_mut().flat_map(|l| l.w.iter_mut().chain(l.b.iter_mut()))
    }

    fn zeroed(&self) -> Mlp {
        let mut z = self.clone();
        z.params().for_each(|p| *p = 0.0);
        z
    }

    fn to_bytes(&mut self) -> Vec<u8> {
        let mut out = b"MLP1".to_vec();
        for p in self.params() {
            out.extend_from_slice(&p.to_le_bytes());
        }
        out
    }

    fn load(&mut self, bytes: &[u8]) -> Result<(), String> {
        let body = bytes.strip_prefix(b"MLP1").ok_or("not a net file")?;
        let count = self.params().count();
        if body.len() != 4 * count {
            return Err(format!("{} bytes, expected {}", body.len(), 4 * count));
        }
        for (p, raw) in self.params().zip(body.chunks_exact(4)) {
            *p = f32::from_le_bytes(raw.try_into().unwrap());
        }
        Ok(())
    }
}

enum Optimizer {
    Sgd(f32),
    Adam { eta: f32, t: i32, m: Vec<f32>, v: Vec<f32> },
}

impl Optimizer {
    fn step(&mut self, net: &mut Mlp, grad: &mut Mlp) {
        let g: Vec<f32> = grad.params().map(|g| *g).collect();
        match self {
            Optimizer::Sgd(eta) => net.params().zip(&g).for_each(|(w, g)| *w -= *eta * g),
            Optimizer::Adam { eta, t, m, v } => {
                if m.is_empty() {
                    *m = vec![0.0; g.len()];
                    *v = vec![0.0; g.len()];
                }
                *t += 1;
                let (c1, c2) = (1.0 - 0.9f32.powi(*t), 1.0 - 0.999f32.powi(*t));
                for (k, w) in net.params().enumerate() {
                    m[k] = 0.9 * m[k] + 0.1 * g[k];
                    v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
                    *w -= *eta * (m[k] / c1) / ((v[k] / c2) + 1e-8).sqrt();
                }
            }
        }
    }
}

/// Mini-batch training; returns the last epoch's mean loss. `nllm`: softmax + NLLM, else
/// squared loss.
fn train(net: &mut Mlp, opt: &mut Optimizer, x: &[Vec<f32>], y: &[Vec<f32>], batch: usize,
    epochs: usize, rng: &mut Pcg) -> f32 {
    let mut order: Vec<usize> = (0..x.len()).collect();
    let mut last = 0.0;
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() * (i + 1) as f32) as usize % (i + 1);
            order.swap(i, j);
        }
        let mut total = 0.0;
        for chunk in order.chunks(batch) {
            let mut grad = net.zeroed();
            for &k in chunk {
                let outs = net.forward_all(&x[k]);
                let a = outs.last().unwrap();
                let (loss, d): (f32, Vec<f32>) = if net.softmax {
                    (-y[k].iter().zip(a).map(|(y, a)| y * a.max(1e-12).ln()).sum::<f32>(),
                     a.iter().zip(&y[k]).map(|(a, y)| a - y).collect())
                } else {
                    (a.iter().zip(&y[k]).map(|(a, y)| (a - y) * (a - y)).sum(),
                     a.iter().zip(&y[k]).map(|(a, y)| 2.0 * (a - y)).collect())
                };
                total += loss;
                net.backward(&outs, d, &mut grad);
            }
            opt.step(net, &mut grad);
        }
        last = total / x.len() as f32;
    }
    last
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Pcg(1);

    // 1. A sine regressor: 1024 points of sin(x).
    let x: Vec<Vec<f32>> = (0..1024).map(|i| vec![i as f32 * std::f32::consts::TAU / 1024.0]).collect();
    let y: Vec<Vec<f32>> = x.iter().map(|x| vec![x[0].sin()]).collect();
    let mut sine = Mlp {
        layers: vec![
            Dense::new(1, 16, Act::Tanh, &mut rng),
            Dense::new(16, 16, Act::Tanh, &mut rng),
            Dense::new(16, 1, Act::None, &mut rng),
        ],
        softmax: false,
    };
    let mut adam = Optimizer::Adam { eta: 1e-2, t: 0, m: vec![], v: vec![] };
    let loss = train(&mut sine, &mut adam, &x, &y, 16, EPOCHS, &mut rng);
    println!("sine: loss {loss:.4}");

    // 2. An iris classifier.
    let text = include_str!("../../../../data/iris.csv");
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<f32> = line.split(',').map(|f| f.trim().parse()).collect::<Result<_, _>>()?;
        if fields.len() != 5 {
            return Err(format!("{} fields in {line:?}", fields.len()).into());
        }
        features.push(fields[..4].to_vec());
        labels.push(fields[4] as usize);
    }
    let n = features.len() as f32;
    let mean: Vec<f32> = (0..4).map(|j| features.iter().map(|f| f[j]).sum::<f32>() / n).collect();
    let std: Vec<f32> = (0..4)
        .map(|j| (features.iter().map(|f| (f[j] - mean[j]).powi(2)).sum::<f32>() / n).sqrt().max(1e-12))
        .collect();
    let standardize = |f: &[f32]| -> Vec<f32> { (0..4).map(|j| (f[j] - mean[j]) / std[j]).collect() };
    let xs: Vec<Vec<f32>> = features.iter().map(|f| standardize(f)).collect();
    let ys: Vec<Vec<f32>> = labels.iter().map(|&l| (0..3).map(|c| f32::from(c == l)).collect()).collect();
    let mut iris = Mlp {
        layers: vec![Dense::new(4, 16, Act::Relu, &mut rng), Dense::new(16, 3, Act::None, &mut rng)],
        softmax: true,
    };
    let mut sgd = Optimizer::Sgd(0.05);
    train(&mut iris, &mut sgd, &xs, &ys, 8, EPOCHS / 4, &mut rng);
    let right = xs.iter().zip(&labels).filter(|(x, l)| argmax(&iris.forward(x)) == **l).count();
    println!("iris: accuracy {:.3}", right as f32 / n);

    // 3. Save it, load it as another program would, and use it.
    let file = iris.to_bytes();
    let mut loaded = iris.zeroed();
    loaded.load(&file)?;
    let p = loaded.forward(&standardize(&[6.7, 3.0, 5.2, 2.3]));
    println!("loaded: class {} (p = {:.3})", argmax(&p), p[argmax(&p)]);
    Ok(())
}

fn argmax(v: &[f32]) -> usize {
    (0..v.len()).fold(0, |best, i| if v[i] > v[best] { i } else { best })
}
