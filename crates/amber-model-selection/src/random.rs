//! The part of numpy's legacy `RandomState` that scikit-learn's splitters use.

use rand_mt::Mt;

/// numpy's `np.random.RandomState(seed)`: MT19937 seeded with `init_genrand(seed)`.
///
/// Only the draws that scikit-learn's splitters make are provided, each reproducing numpy's
/// legacy algorithm bit for bit, so that amber selects exactly the rows scikit-learn selects.
pub(crate) struct NumpyRandomState(Mt);

impl NumpyRandomState {
    pub(crate) fn new(seed: u32) -> Self {
        NumpyRandomState(Mt::new(seed))
    }

    /// numpy's `random_interval(max)`: uniform in `0..=max` by masked rejection sampling, drawing
    /// 32-bit words while `max` fits in 32 bits and 64-bit words (high word first) beyond.
    fn interval(&mut self, max: u64) -> u64 {
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
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // `interval(i)` returns a value in 0..=i, so the cast back fits and the index is in range.
            let j = self.interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// numpy's `permutation(n)`: `arange(n)`, shuffled.
    pub(crate) fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}
