//! Column statistics and standardization of a batch, for batch normalization.

use crate::Scalar;

/// Per-column mean and biased standard deviation of a batch of `K` rows:
/// `mu_i = (1/K) sum_j z_ji`, `sigma_i = sqrt((1/K) sum_j (z_ji - mu_i)^2)`, computed in `T`
/// (batch normalization's statistics).
#[inline(always)]
pub fn column_mean_sigma<T: Scalar, const K: usize, const N: usize>(
    z: &[[T; N]; K],
) -> ([T; N], [T; N]) {
    column_mean_sigma_in::<T, T, N>(z)
}

/// Per-column mean and biased standard deviation of any number of rows, computed in `A`
/// (`f64` for a data set's standardization, whatever its scalar type). Two passes (mean first,
/// then squared deviations), so a column with a large offset and a small spread keeps its
/// precision: the one-pass `E[x^2] - mu^2` loses it (for 1e9 + {0, 1, 2, 3} it gives a
/// deviation of 1 instead of 1.118). No rows give zeros.
#[inline(always)]
pub fn column_mean_sigma_in<T: Scalar, A: Scalar, const N: usize>(
    rows: &[[T; N]],
) -> ([A; N], [A; N]) {
    let widen = |v: T| A::from_f64(v.as_f64());
    let inv_n = A::one() / A::from_usize(rows.len().max(1));
    let mut mu = [A::zero(); N];
    for row in rows {
        for (m, &v) in mu.iter_mut().zip(row) {
            *m = *m + widen(v);
        }
    }
    for m in mu.iter_mut() {
        *m = *m * inv_n;
    }
    let mut var = [A::zero(); N];
    for row in rows {
        for ((s, &v), &m) in var.iter_mut().zip(row).zip(&mu) {
            let d = widen(v) - m;
            *s = *s + d * d;
        }
    }
    (mu, var.map(|s| crate::math::sqrt(s * inv_n)))
}

/// `out_ji = g_i (z_ji - shift_i) * inv_scale_i + b_i`, row by row; also returns the
/// standardized `(z_ji - shift_i) * inv_scale_i` when `standardized` is given.
#[inline(always)]
pub fn standardize_rows<T: Scalar, const K: usize, const N: usize>(
    z: &[[T; N]; K],
    shift: &[T; N],
    inv_scale: &[T; N],
    g: &[T; N],
    b: &[T; N],
    mut standardized: Option<&mut [[T; N]; K]>,
) -> [[T; N]; K] {
    let mut out = *z;
    for (k, row) in out.iter_mut().enumerate() {
        for i in 0..N {
            let zbar = (row[i] - shift[i]) * inv_scale[i];
            if let Some(s) = standardized.as_deref_mut() {
                s[k][i] = zbar;
            }
            row[i] = g[i] * zbar + b[i];
        }
    }
    out
}

/// `sum_j d_ji` and `sum_j d_ji zbar_ji` for every column `i`.
#[inline(always)]
pub fn column_sums_and_moments<T: Scalar, const K: usize, const N: usize>(
    d: &[[T; N]; K],
    zbar: &[[T; N]; K],
) -> ([T; N], [T; N]) {
    let mut sums = [T::zero(); N];
    let mut moments = [T::zero(); N];
    for (drow, zrow) in d.iter().zip(zbar) {
        for i in 0..N {
            sums[i] = sums[i] + drow[i];
            moments[i] = moments[i] + drow[i] * zrow[i];
        }
    }
    (sums, moments)
}

/// The batch-normalization backward pass, per column `i` and row `j`:
/// `dL/dZ_ji = scale_i (d_ji - sums_i / K - zbar_ji * ratio_i * moments_i / K)`, where the caller
/// passes `(sums, moments)` from [`column_sums_and_moments`], `scale_i = G_i / (sigma_i + eps)`
/// and `ratio_i = (sigma_i + eps) / sigma_i` (0 when `sigma_i = 0`).
#[inline(always)]
pub fn batch_norm_backward<T: Scalar, const K: usize, const N: usize>(
    d: &[[T; N]; K],
    zbar: &[[T; N]; K],
    (sums, moments): (&[T; N], &[T; N]),
    scale: &[T; N],
    ratio: &[T; N],
) -> [[T; N]; K] {
    let inv_k = T::one() / T::from_usize(K);
    let mean = sums.map(|s| s * inv_k);
    let mut centre_weight = [T::zero(); N];
    for i in 0..N {
        centre_weight[i] = ratio[i] * moments[i] * inv_k;
    }
    let mut out = *d;
    for (row, zrow) in out.iter_mut().zip(zbar) {
        for i in 0..N {
            row[i] = scale[i] * (row[i] - mean[i] - zrow[i] * centre_weight[i]);
        }
    }
    out
}
