//! Measuring a network on held-out data.

use super::{Evaluation, TrainError, check_lengths};
use crate::loss::{BatchScore, Objective};
use crate::{Module, Scalar};

/// Mean loss and accuracy of `net` on samples `x` with targets `y`, in inference mode.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::evaluate;
/// let net = (Linear::<1, 2, f64> { w: [[1.0, -1.0]], w0: [0.0, 0.0] }, Softmax);
/// let x = [[2.0], [-2.0]];
/// let y = [[1.0, 0.0], [1.0, 0.0]];
/// let eval = evaluate(&net, &Nllm, &x, &y)?;
/// assert_eq!(eval.accuracy, Some(0.5));
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
pub fn evaluate<Net, L, T, const IN: usize, const OUT: usize>(
    net: &Net,
    loss: &L,
    x: &[[T; IN]],
    y: &[[T; OUT]],
) -> Result<Evaluation<T>, TrainError>
where
    T: Scalar,
    Net: Module<[T; IN], Output = [T; OUT]>,
    L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
{
    check_lengths(x.len(), y.len())?;
    let mut score = BatchScore::default();
    for (xi, yi) in x.iter().zip(y) {
        let (value, right) = loss.evaluate(net, xi, yi);
        score.add(value, right);
    }
    Ok(Evaluation::of(&score, L::CLASSIFIES))
}
