//! A seeded random generator that reproduces numpy's legacy `RandomState`, so that amber draws the
//! same numbers as scikit-learn for the same seed.

use rand_mt::Mt;

/// numpy's `np.random.RandomState(seed)`: MT19937 seeded with `init_genrand(seed)`.
///
/// Only the draws amber needs are provided, each reproducing numpy's legacy algorithm bit for bit.
///
/// ```
/// use amber_data::random::RandomState;
///
/// // numpy: np.random.RandomState(0).permutation(5) == [2, 0, 1, 3, 4]
/// assert_eq!(RandomState::new(0).permutation(5), [2, 0, 1, 3, 4]);
/// ```
#[derive(Clone)]
pub struct RandomState(Mt);

impl RandomState {
    /// The generator numpy's `RandomState(seed)` is.
    pub fn new(seed: u32) -> Self {
        RandomState(Mt::new(seed))
    }

    /// The next raw 32-bit output of MT19937.
    pub fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    /// numpy's `random_sample()`: a uniform double in [0, 1) from two 32-bit draws (53 bits).
    pub fn random_sample(&mut self) -> f64 {
        let a = self.0.next_u32() >> 5;
        let b = self.0.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }

    /// A standard normal draw by the Box–Muller transform of two [`RandomState::random_sample`]s.
    /// (Deterministic for a seed, but not numpy's `standard_normal` stream.)
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.random_sample(); // in (0, 1]
        let v = self.random_sample();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// numpy's `random_interval(max)`: uniform in `0..=max` by masked rejection sampling, drawing
    /// 32-bit words while `max` fits in 32 bits and 64-bit words (high word first) beyond.
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = u64::MAX >> max.leading_zeros();
        loop {
            let value = if max <= u64::from(u32::MAX) {
                u64::from(self.0.next_u32()) & mask
            } else {
                self.0.next_u64() & mask
            };
            if value <= max {
                return value;
            }
        }
    }

    /// numpy's legacy `shuffle` of a 1-d array: Fisher–Yates from the last element down.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // `interval(i)` returns a value in 0..=i, so the cast back fits and the index is in range.
            let j = self.interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// numpy's legacy `choice(len(weights), size, replace=True, p=weights / weights.sum())`: the
    /// cumulative sum of `p` divided by its last value, searched (`side="right"`) for each of
    /// `size` [`RandomState::random_sample`] draws. `weights` are non-negative with a positive sum.
    ///
    /// ```
    /// use amber_data::random::RandomState;
    ///
    /// // numpy: np.random.RandomState(0).choice(3, 5, p=[0.5, 0.0, 0.5]) == [2, 2, 2, 2, 0]
    /// assert_eq!(RandomState::new(0).choice_weighted(&[1.0, 0.0, 1.0], 5), [2, 2, 2, 2, 0]);
    /// ```
    pub fn choice_weighted(&mut self, weights: &[f64], size: usize) -> Vec<usize> {
        let total = numpy_sum(weights);
        let mut cdf: Vec<f64> = Vec::with_capacity(weights.len());
        let mut running = 0.0;
        for w in weights {
            running += w / total;
            cdf.push(running);
        }
        let last = cdf.last().copied().unwrap_or(1.0);
        cdf.iter_mut().for_each(|c| *c /= last);
        let top = weights.len().saturating_sub(1);
        (0..size)
            .map(|_| {
                let u = self.random_sample();
                cdf.partition_point(|&c| c <= u).min(top)
            })
            .collect()
    }

    /// numpy's `permutation(n)`: `arange(n)`, shuffled.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}

/// numpy's `np.sum` of a float64 array: pairwise summation (8 accumulators up to 128 values,
/// halves beyond), so that sums of many values round as numpy's do.
///
/// ```
/// let v: Vec<f64> = (0..1000).map(|i| 0.1 * i as f64).collect();
/// assert_eq!(amber_data::random::numpy_sum(&v), 49950.0);
/// ```
pub fn numpy_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |s, x| s + x)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let blocks = n - n % 8;
        for chunk in a[8..blocks].chunks_exact(8) {
            r.iter_mut().zip(chunk).for_each(|(r, x)| *r += x);
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        a[blocks..].iter().fold(res, |s, x| s + x)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        numpy_sum(&a[..half]) + numpy_sum(&a[half..])
    }
}
