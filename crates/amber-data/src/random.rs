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

    /// numpy's `permutation(n)`: `arange(n)`, shuffled.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}
