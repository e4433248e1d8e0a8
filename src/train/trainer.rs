//! The training loop: MINI-BATCH-SGD (chapter section 7.1) over const-size batches.

use core::ops::ControlFlow;

use rand::Rng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Normal};

use super::{EpochStats, Evaluation, StepBuffers, TrainError, check_lengths};
use crate::loss::BatchScore;
use crate::loss::Objective;
use crate::optim::Optimizer;
use crate::{Footprint, Module, Network, Params, Scalar};

/// How a mini-batch's per-sample gradients are combined before the update.
///
/// ```
/// use constnet::prelude::*;
/// let mut sgd = Sgd::new(0.1f32);
/// // PyTorch's convention: the step size does not depend on the batch size.
/// let trainer = Trainer::new(Squared, &mut sgd).batch_size::<32>().reduction(Reduction::Mean);
/// # let _ = trainer;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// Their sum, as the chapter writes mini-batch SGD (section 7.1). The step size must shrink
    /// as the batch grows.
    #[default]
    Sum,
    /// Their mean (PyTorch's default): the step size does not depend on the batch size.
    Mean,
}

/// Trains a network with a loss and an optimizer, over mini-batches of `K` samples.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::rng::SeedableRng;
///
/// // XOR: the smallest problem a single layer cannot learn.
/// let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let y = [[0.0], [1.0], [1.0], [0.0]];
/// let mut rng = constnet::rng::Pcg64Mcg::seed_from_u64(3);
/// let mut net = <(Linear<2, 8, f64>, Tanh, Linear<8, 1, f64>, Sigmoid)>::init(&mut rng);
/// let mut sgd = Sgd::new(0.5);
/// let report = Trainer::new(Nll, &mut sgd).batch_size::<4>().epochs(2000)
///     .fit(&mut net, &x, &y, &mut rng)?;
/// assert_eq!(report.last().unwrap().train.accuracy, Some(1.0));
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Debug)]
pub struct Trainer<'o, L, O, const K: usize, H = NoHook> {
    loss: L,
    optimizer: &'o mut O,
    on_epoch: H,
    pub(super) epochs: usize,
    reduction: Reduction,
    full_batch: bool,
    drop_partial_batch: bool,
    input_noise: Option<f64>,
    stack_limit: usize,
    threads: usize,
}

/// The stack a trainer lets one mini-batch take by default, by [`Footprint`]'s `batch` figure:
/// 1 MiB. A spawned thread has 2 MiB of stack and the main thread usually 8 MiB; a training
/// step takes about twice `batch` at its deepest.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::{DEFAULT_STACK_LIMIT, TrainError};
/// // Batches of 256 samples of 784 pixels: beyond the default limit, an error before anything runs.
/// type Big = (Linear<784, 128>, ReLU, Linear<128, 10>, Softmax);
/// let mut net = Big::init_boxed(&mut Pcg64Mcg::seed_from_u64(1));
/// let x = vec![[0.0f32; 784]; 4];
/// let y = vec![[0.1f32; 10]; 4];
/// let mut sgd = Sgd::new(0.1f32);
/// let error = Trainer::new(Nllm, &mut sgd).batch_size::<256>()
///     .fit(&mut *net, &x, &y, &mut Pcg64Mcg::seed_from_u64(0)).unwrap_err();
/// assert!(matches!(error, TrainError::BatchTooLarge { limit: DEFAULT_STACK_LIMIT, .. }));
/// ```
pub const DEFAULT_STACK_LIMIT: usize = 1 << 20;

impl<'o, L, O> Trainer<'o, L, O, 1> {
    /// A trainer for `loss` and `optimizer`: one sample per step (stochastic gradient descent),
    /// one epoch, summed gradients. Change these with the builder methods.
    pub fn new(loss: L, optimizer: &'o mut O) -> Self {
        Self {
            loss,
            optimizer,
            on_epoch: NoHook,
            epochs: 1,
            reduction: Reduction::Sum,
            full_batch: false,
            drop_partial_batch: false,
            input_noise: None,
            stack_limit: DEFAULT_STACK_LIMIT,
            threads: 1,
        }
    }
}

impl<'o, L, O, const K: usize, H> Trainer<'o, L, O, K, H> {
    /// Mini-batches of `B` samples, processed as one `[[T; IN]; B]` array on the stack.
    ///
    /// `B` is a constant of the program: `.batch_size::<bs>()` with a `bs` read at run time
    /// does not compile (E0435, "attempt to use a non-constant value in a constant"). To
    /// choose at run time, match the value onto the few sizes the program supports; each arm
    /// compiles its own training loop:
    ///
    /// ```
    /// use constnet::prelude::*;
    /// use constnet::train::{TrainError, TrainReport};
    ///
    /// type Net = (Linear<2, 8>, Tanh, Linear<8, 1>, Sigmoid);
    ///
    /// fn train(batch: usize, net: &mut Net, x: &[[f32; 2]], y: &[[f32; 1]])
    ///     -> Result<TrainReport<f32>, TrainError> {
    ///     let mut sgd = Sgd::new(0.5);
    ///     let mut rng = Pcg64Mcg::seed_from_u64(1);
    ///     let mut trainer = Trainer::new(Nll, &mut sgd).epochs(10);
    ///     match batch {
    ///         1 => trainer.fit(net, x, y, &mut rng),
    ///         8 => trainer.batch_size::<8>().fit(net, x, y, &mut rng),
    ///         32 => trainer.batch_size::<32>().fit(net, x, y, &mut rng),
    ///         _ => trainer.batch_size::<64>().fit(net, x, y, &mut rng),
    ///     }
    /// }
    ///
    /// let batch: usize = "8".parse().unwrap(); // from a command line, say
    /// let mut net = Net::init(&mut Pcg64Mcg::seed_from_u64(0));
    /// let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    /// let y = [[0.0], [1.0], [1.0], [0.0]];
    /// assert_eq!(train(batch, &mut net, &x, &y)?.epochs.len(), 10);
    /// # Ok::<(), TrainError>(())
    /// ```
    ///
    /// A batch of zero samples is rejected when the program is built:
    ///
    /// ```compile_fail,E0080
    /// use constnet::prelude::*;
    /// let mut sgd = Sgd::new(0.1f32);
    /// let mut net = <(Linear<2, 1>,)>::init(&mut constnet::rng::Pcg64Mcg::new(1));
    /// let trainer = Trainer::new(Squared, &mut sgd).batch_size::<0>();
    /// # let _ = trainer;
    /// ```
    pub fn batch_size<const B: usize>(self) -> Trainer<'o, L, O, B, H> {
        const { assert!(B > 0, "the batch size must be at least 1") };
        self.rebuild(|hook| hook)
    }

    /// The same trainer with another batch size and the hook `hook` makes of this one's: the
    /// one place that moves every setting, for the builder methods that change the type.
    fn rebuild<const B: usize, G>(self, hook: impl FnOnce(H) -> G) -> Trainer<'o, L, O, B, G> {
        Trainer {
            loss: self.loss,
            optimizer: self.optimizer,
            on_epoch: hook(self.on_epoch),
            epochs: self.epochs,
            reduction: self.reduction,
            full_batch: self.full_batch,
            drop_partial_batch: self.drop_partial_batch,
            input_noise: self.input_noise,
            stack_limit: self.stack_limit,
            threads: self.threads,
        }
    }

    /// The most stack one mini-batch may take, by [`Footprint::of`]'s `batch` figure (inputs,
    /// targets, tape and output gradients), [`DEFAULT_STACK_LIMIT`] unless set here. A batch
    /// above it is [`TrainError::BatchTooLarge`] before anything runs, instead of a stack
    /// overflow that aborts the process. Raise it for a thread with a larger stack.
    pub fn stack_limit(mut self, bytes: usize) -> Self {
        self.stack_limit = bytes;
        self
    }

    /// Shares the large batched products of training among `threads` threads (the calling
    /// one and `threads - 1` helpers); 1, the default, trains on the calling thread alone.
    ///
    /// Each product is split by the rows or columns of its output, and each output is summed by
    /// one thread in the one fixed order, so the trained weights are the same bits with any
    /// number of threads. The helpers start when a `fit` method starts and stop when it
    /// returns; for a loop of [`step`](Self::step) calls, run the loop inside
    /// [`with_threads`](crate::with_threads) so that they start once (a `step` outside it starts
    /// and stops them on every call). Only products of about 2^18 multiply-adds or more are
    /// split (784-128-64-10 in batches of 64: its first two layers), and only on x86_64, where
    /// the products take run-time widths; elsewhere the setting does nothing.
    ///
    /// ```
    /// use constnet::prelude::*;
    /// let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    /// let y = [[0.0], [1.0], [1.0], [0.0]];
    /// let train = |threads| {
    ///     let mut net = <(Linear<2, 8>, Tanh, Linear<8, 1>, Sigmoid)>::init(&mut Pcg64Mcg::seed_from_u64(3));
    ///     let mut sgd = Sgd::new(0.5);
    ///     Trainer::new(Nll, &mut sgd).batch_size::<4>().epochs(100).threads(threads)
    ///         .fit(&mut net, &x, &y, &mut Pcg64Mcg::seed_from_u64(4)).unwrap();
    ///     net
    /// };
    /// assert_eq!(train(2).0.w, train(1).0.w);
    /// ```
    #[cfg(feature = "std")]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Number of passes over the training data.
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }

    /// How per-sample gradients are combined ([`Reduction::Sum`] by default, as the chapter).
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    /// Batch gradient descent: one update per epoch, from the gradient over the whole data set
    /// (still computed `K` samples at a time).
    pub fn full_batch(mut self) -> Self {
        self.full_batch = true;
        self
    }

    /// Leaves out the last, partial mini-batch of each epoch (when `K` does not divide the
    /// number of samples) instead of padding it with repeats of its own samples. The samples
    /// left out differ from epoch to epoch, as the order is shuffled. Useful with
    /// [`BatchNorm`](crate::BatchNorm), whose batch statistics would count the repeats.
    pub fn drop_partial_batch(mut self) -> Self {
        self.drop_partial_batch = true;
        self
    }

    /// Input noise (chapter section 8.1): adds zero-mean Gaussian noise of standard deviation
    /// `std` to every input of every mini-batch before its gradient is computed, drawn from
    /// the caller's generator. The data set itself is not changed. A negative, infinite or NaN `std`
    /// makes training fail with [`TrainError::InvalidNoise`].
    pub fn input_noise(mut self, std: f64) -> Self {
        self.input_noise = Some(std);
        self
    }

    /// Calls `hook` after every epoch, with its number, mean training loss and accuracy, in
    /// every `fit` method (early stopping too); return [`ControlFlow::Break`] from it to stop
    /// training there (the report then ends with that epoch). Progress bars, logs and custom
    /// stopping rules go here.
    ///
    /// ```
    /// use core::ops::ControlFlow;
    /// use constnet::prelude::*;
    /// use constnet::train::EpochStats;
    ///
    /// let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    /// let y = [[0.0], [1.0], [1.0], [0.0]];
    /// let mut rng = Pcg64Mcg::seed_from_u64(3);
    /// let mut net = <(Linear<2, 8, f64>, Tanh, Linear<8, 1, f64>, Sigmoid)>::init(&mut rng);
    /// let mut sgd = Sgd::new(0.5);
    /// let report = Trainer::new(Nll, &mut sgd)
    ///     .batch_size::<4>()
    ///     .epochs(5000)
    ///     .on_epoch(|stats: &EpochStats<f64>| {
    ///         if stats.epoch % 1000 == 0 {
    ///             println!("epoch {}: loss {:.4}", stats.epoch, stats.train.loss);
    ///         }
    ///         // Stop as soon as every sample is right.
    ///         if stats.train.accuracy == Some(1.0) {
    ///             ControlFlow::Break(())
    ///         } else {
    ///             ControlFlow::Continue(())
    ///         }
    ///     })
    ///     .fit(&mut net, &x, &y, &mut rng)?;
    /// assert!(report.epochs.len() < 5000);
    /// assert_eq!(report.last().unwrap().train.accuracy, Some(1.0));
    /// # Ok::<(), constnet::train::TrainError>(())
    /// ```
    pub fn on_epoch<G>(self, hook: G) -> Trainer<'o, L, O, K, G> {
        self.rebuild(|_| hook)
    }

    /// The loss this trainer minimizes.
    pub fn loss(&self) -> &L {
        &self.loss
    }

    /// Trains `net` on inputs `x` and targets `y`, calling `on_epoch` after each epoch (return
    /// [`ControlFlow::Break`] to stop early). Needs no heap: `order` is scratch space for the
    /// shuffled sample order, at least as long as the data set.
    ///
    /// On [`TrainError::Diverged`] the network keeps the last weights that were all finite.
    pub fn fit_with<Net, R, T, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        x: &[[T; IN]],
        y: &[[T; OUT]],
        rng: &mut R,
        order: &mut [usize],
        mut on_epoch: impl FnMut(&EpochStats<T>, &Net) -> ControlFlow<()>,
    ) -> Result<(), TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
        H: OnEpoch<T>,
    {
        self.run(net, x, y, rng, order, |step, net, _| {
            match &step.epoch_stats {
                Some(stats) => on_epoch(stats, net),
                None => ControlFlow::Continue(()),
            }
        })
    }

    /// The training loop shared by every `fit` method: shuffles every epoch, forms the
    /// mini-batches, back-propagates, updates, and calls `on_step` after every update with
    /// the step, the network and the loss.
    pub(super) fn run<Net, R, T, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        x: &[[T; IN]],
        y: &[[T; OUT]],
        rng: &mut R,
        order: &mut [usize],
        on_step: impl FnMut(&Step<T>, &Net, &L) -> ControlFlow<()>,
    ) -> Result<(), TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
        H: OnEpoch<T>,
    {
        check_lengths(x.len(), y.len())?;
        let n = x.len();
        if self.drop_partial_batch && n < K {
            return Err(TrainError::NoFullBatch {
                samples: n,
                batch: K,
            });
        }
        let noise = self.noise()?;
        let len = order.len();
        let order = order
            .get_mut(..n)
            .ok_or(TrainError::OrderBufferTooShort { len, needed: n })?;
        for (i, slot) in order.iter_mut().enumerate() {
            *slot = i;
        }
        self.check_stack::<Net, T, IN>()?;
        with_helpers(self.threads, || {
            self.epochs_loop(net, x, y, rng, order, noise.as_ref(), on_step)
        })
    }

    /// The input noise asked for, as a distribution; an error for a negative or non-finite
    /// standard deviation.
    fn noise(&self) -> Result<Option<Normal<f64>>, TrainError> {
        match self.input_noise {
            None => Ok(None),
            Some(std) if std >= 0.0 && std.is_finite() => Normal::new(0.0, std)
                .map(Some)
                .map_err(|_| TrainError::InvalidNoise),
            Some(_) => Err(TrainError::InvalidNoise),
        }
    }

    /// An error when a mini-batch of `K` samples would take more stack than the limit.
    fn check_stack<Net: Module<[T; IN]>, T, const IN: usize>(&self) -> Result<(), TrainError> {
        let needed = Footprint::of::<Net, [T; IN], K>().batch;
        if needed > self.stack_limit {
            return Err(TrainError::BatchTooLarge {
                needed,
                limit: self.stack_limit,
            });
        }
        Ok(())
    }

    /// The loop of [`run`](Self::run), out of line: its frame holds the mini-batch and the
    /// tapes, so it is entered only after `run` checked that they fit the stack limit.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn epochs_loop<Net, R, T, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        x: &[[T; IN]],
        y: &[[T; OUT]],
        rng: &mut R,
        order: &mut [usize],
        noise: Option<&Normal<f64>>,
        mut on_step: impl FnMut(&Step<T>, &Net, &L) -> ControlFlow<()>,
    ) -> Result<(), TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
        H: OnEpoch<T>,
    {
        let mut buffers = StepBuffers::<Net>::new();

        for epoch in 1..=self.epochs {
            order.shuffle(rng);
            let mut chunks = order.chunks(K).peekable();
            let mut pending = BatchScore::default();
            let mut epoch_total = BatchScore::default();
            let mut steps = 0;
            // `grad` is zero here: every epoch ends with an update, which clears it.
            while let Some(chunk) = chunks.next() {
                let ends_epoch = chunks.peek().is_none_or(|next| self.skips(next));
                if self.skips(chunk) {
                    break;
                }
                let (mut xb, yb) = gather::<T, IN, OUT, K>(x, y, chunk);
                if let Some(noise) = noise {
                    for v in xb.as_flattened_mut() {
                        *v = *v + T::from_f64(noise.sample(rng));
                    }
                }
                let score =
                    self.backprop_batch(net, &mut buffers, &xb, &yb, chunk.len(), rng, epoch)?;
                pending.merge(&score);
                if self.full_batch && !ends_epoch {
                    continue;
                }
                self.update(net, &mut buffers, pending.samples, epoch)?;
                epoch_total.merge(&pending);
                steps += 1;
                let epoch_stats = ends_epoch.then(|| EpochStats {
                    epoch,
                    steps,
                    train: Evaluation::of(&epoch_total, L::CLASSIFIES),
                });
                let step = Step {
                    epoch,
                    step: self.optimizer.steps(),
                    batch: core::mem::take(&mut pending),
                    epoch_stats,
                };
                if on_step(&step, net, &self.loss).is_break() {
                    return Ok(());
                }
                if let Some(stats) = &step.epoch_stats
                    && self.on_epoch.on_epoch(stats).is_break()
                {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// `true` for a partial batch that [`Trainer::drop_partial_batch`] leaves out.
    fn skips(&self, chunk: &[usize]) -> bool {
        self.drop_partial_batch && chunk.len() < K
    }

    /// Trains `net` on inputs `x` and targets `y` and returns the per-epoch record.
    ///
    /// On [`TrainError::Diverged`] the network keeps the last weights that were all finite.
    #[cfg(feature = "alloc")]
    pub fn fit<Net, R, T, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        x: &[[T; IN]],
        y: &[[T; OUT]],
        rng: &mut R,
    ) -> Result<super::TrainReport<T>, TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
        H: OnEpoch<T>,
    {
        let mut order = alloc::vec![0; x.len()];
        let mut report = super::TrainReport::default();
        self.fit_with(net, x, y, rng, &mut order, |stats, _| {
            report.epochs.push(*stats);
            ControlFlow::Continue(())
        })?;
        Ok(report)
    }

    /// One optimizer step on the mini-batch `x`, `y`, with the gradient and backup kept in
    /// `buffers` between calls: the inner loop of [`fit`](Self::fit), for programs that hold
    /// their own batches and decide when to learn (see [`StepBuffers`] for an example).
    ///
    /// It runs the forward pass, back-propagates the loss of all `K` samples, and updates the
    /// weights, with the trainer's loss, optimizer, reduction and input noise. It returns the
    /// batch's loss (and accuracy, for a classification loss) before the update. The epoch
    /// count and the batch-forming settings (`epochs`, `full_batch`, `drop_partial_batch`) do
    /// not apply.
    ///
    /// On [`TrainError::Diverged`] (reported with `epoch` 0) the network keeps the last
    /// weights that were all finite and the buffers are ready for the next step; the
    /// optimizer's state is reset when its update was not finite.
    pub fn step<Net, R, T, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        buffers: &mut StepBuffers<Net>,
        x: &[[T; IN]; K],
        y: &[[T; OUT]; K],
        rng: &mut R,
    ) -> Result<Evaluation<T>, TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
    {
        let noise = self.noise()?;
        self.check_stack::<Net, T, IN>()?;
        with_helpers(self.threads, || {
            self.step_in_line(net, buffers, x, y, rng, noise.as_ref())
        })
    }

    /// The body of [`step`](Self::step), out of line for the same reason as
    /// [`epochs_loop`](Self::epochs_loop).
    #[inline(never)]
    fn step_in_line<Net, R, T, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        buffers: &mut StepBuffers<Net>,
        x: &[[T; IN]; K],
        y: &[[T; OUT]; K],
        rng: &mut R,
        noise: Option<&Normal<f64>>,
    ) -> Result<Evaluation<T>, TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
    {
        let score = match noise {
            None => self.backprop_batch(net, buffers, x, y, K, rng, 0)?,
            Some(noise) => {
                let mut noisy = *x;
                for v in noisy.as_flattened_mut() {
                    *v = *v + T::from_f64(noise.sample(rng));
                }
                self.backprop_batch(net, buffers, &noisy, y, K, rng, 0)?
            }
        };
        self.update(net, buffers, K, 0)?;
        Ok(Evaluation::of(&score, L::CLASSIFIES))
    }

    /// The forward pass and back-propagation of a batch whose first `samples` samples count,
    /// the gradient added to `buffers.grad`. A loss that is not finite is divergence; the
    /// gradient is then cleared, so that the buffers can be used again.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn backprop_batch<Net, R, T, const IN: usize, const OUT: usize>(
        &self,
        net: &mut Net,
        buffers: &mut StepBuffers<Net>,
        x: &[[T; IN]; K],
        y: &[[T; OUT]; K],
        samples: usize,
        rng: &mut R,
        epoch: usize,
    ) -> Result<BatchScore<T>, TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
    {
        let (out, tape) = net.forward_train_batch(x, rng);
        let score = self
            .loss
            .backprop(net, x, &out, &tape, y, samples, &mut buffers.grad);
        if !score.loss.is_finite() {
            buffers.grad.zero_params();
            let step = self.optimizer.steps() + 1;
            return Err(TrainError::Diverged { epoch, step });
        }
        Ok(score)
    }

    /// Applies one optimizer step with the gradient of `samples` samples and clears the
    /// gradient, undoing the step if it leaves a weight that is not finite.
    fn update<Net, T>(
        &mut self,
        net: &mut Net,
        buffers: &mut StepBuffers<Net>,
        samples: usize,
        epoch: usize,
    ) -> Result<(), TrainError>
    where
        T: Scalar,
        Net: Params<T>,
        O: Optimizer<T, Net>,
    {
        let result = self.update_with(
            net,
            &mut buffers.grad,
            &mut buffers.last_good,
            samples,
            epoch,
        );
        // Cleared on every path, so that the buffers start the next step at zero.
        buffers.grad.zero_params();
        result
    }

    /// [`update`](Self::update) on the gradient and backup themselves.
    fn update_with<Net, T>(
        &mut self,
        net: &mut Net,
        grad: &mut Net,
        last_good: &mut Net,
        samples: usize,
        epoch: usize,
    ) -> Result<(), TrainError>
    where
        T: Scalar,
        Net: Params<T>,
        O: Optimizer<T, Net>,
    {
        // The gradient is checked here, once per update, scaled to a mean in the same pass:
        // a sum with a NaN or an infinity in it stays non-finite, so checking each batch of a
        // full-batch epoch would find nothing more.
        let mut finite = true;
        if self.reduction == Reduction::Mean {
            let scale = T::one() / T::from_usize(samples);
            Net::walk([grad], &mut |tensor: [&mut [T]; 1]| {
                finite &= crate::kernels::in_runs(tensor, &|[g]| {
                    crate::kernels::scale_all_finite(g, scale)
                })
            });
        } else {
            finite = grad.params_finite();
        }
        if !finite {
            return Err(TrainError::Diverged {
                epoch,
                step: self.optimizer.steps() + 1,
            });
        }
        Net::walk([last_good, net], &mut |tensors: [&mut [T]; 2]| {
            crate::kernels::in_runs(tensors, &|[saved, w]| {
                saved.copy_from_slice(w);
                true
            });
        });
        self.optimizer.step(net, grad);
        // A state that overflowed (Adam's second moment of a huge gradient) freezes weights
        // without making them non-finite: it is divergence too.
        if !net.params_finite() || !self.optimizer.state_finite() {
            Net::walk([net, last_good], &mut |[w, saved]: [&mut [T]; 2]| {
                w.copy_from_slice(saved)
            });
            let step = self.optimizer.steps();
            // The state the step left would poison the next `fit`: start it afresh.
            self.optimizer.reset();
            return Err(TrainError::Diverged { epoch, step });
        }
        Ok(())
    }
}

/// What happened in one optimizer step, as the training loop reports it.
pub(super) struct Step<T> {
    /// Epoch, from 1.
    pub epoch: usize,
    /// Optimizer steps so far, this one included.
    pub step: usize,
    /// Loss and right guesses of the samples behind this step's gradient.
    pub batch: BatchScore<T>,
    /// For the epoch's last step, the epoch's figures.
    pub epoch_stats: Option<EpochStats<T>>,
}

impl<T> Step<T> {
    /// `true` for the epoch's last step.
    pub fn ends_epoch(&self) -> bool {
        self.epoch_stats.is_some()
    }
}

/// What a trainer calls after every epoch ([`Trainer::on_epoch`]): any
/// `FnMut(&EpochStats<T>) -> ControlFlow<()>`, or [`NoHook`].
///
/// ```
/// use core::ops::ControlFlow;
/// use constnet::train::{EpochStats, OnEpoch};
/// // A hook as a type of its own: stops when the loss is below a target.
/// struct StopBelow(f32);
/// impl OnEpoch<f32> for StopBelow {
///     fn on_epoch(&mut self, stats: &EpochStats<f32>) -> ControlFlow<()> {
///         if stats.train.loss < self.0 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
///     }
/// }
/// # use constnet::prelude::*;
/// # let mut sgd = Sgd::new(0.1f32);
/// let trainer = Trainer::new(Squared, &mut sgd).on_epoch(StopBelow(1e-3));
/// # let _ = trainer;
/// ```
pub trait OnEpoch<T> {
    /// Sees the epoch's figures; [`ControlFlow::Break`] stops training after this epoch.
    fn on_epoch(&mut self, stats: &EpochStats<T>) -> ControlFlow<()>;
}

/// No per-epoch hook: a trainer's default.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::NoHook;
/// let mut sgd = Sgd::new(0.1f32);
/// let _trainer: Trainer<'_, Squared, Sgd<f32>, 1, NoHook> = Trainer::new(Squared, &mut sgd);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHook;

impl<T> OnEpoch<T> for NoHook {
    fn on_epoch(&mut self, _: &EpochStats<T>) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

impl<T, F: FnMut(&EpochStats<T>) -> ControlFlow<()>> OnEpoch<T> for F {
    fn on_epoch(&mut self, stats: &EpochStats<T>) -> ControlFlow<()> {
        self(stats)
    }
}

/// Copies the samples named by `chunk` into a batch; a short chunk (the last, partial batch) is
/// padded by repeating its own samples, whose loss the objective then ignores.
fn gather<T: Scalar, const IN: usize, const OUT: usize, const K: usize>(
    x: &[[T; IN]],
    y: &[[T; OUT]],
    chunk: &[usize],
) -> ([[T; IN]; K], [[T; OUT]; K]) {
    // Built in place, without zeroing first: a batch of 64 digits of 784 pixels is 200 KB.
    let sample = |k: usize| chunk[k % chunk.len()];
    (
        core::array::from_fn(|k| x[sample(k)]),
        core::array::from_fn(|k| y[sample(k)]),
    )
}

/// Runs `f` with the helper threads a trainer's [`threads`](Trainer::threads) asks for, unless
/// the calling thread already has as many (inside [`with_threads`](crate::with_threads)).
fn with_helpers<R>(threads: usize, f: impl FnOnce() -> R) -> R {
    #[cfg(feature = "std")]
    if threads > crate::kernels::threads() {
        return crate::kernels::with_threads(threads, f);
    }
    #[cfg(not(feature = "std"))]
    let _ = threads;
    f()
}
