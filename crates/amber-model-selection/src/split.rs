//! Train/test splits and K-fold splitters that select exactly the rows scikit-learn selects.

use amber_data::random::RandomState;

/// A bad argument to a splitter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// `test_size` must be a fraction strictly between 0 and 1.
    #[error("parameter test_size = {value}: must be strictly between 0 and 1")]
    InvalidTestSize {
        /// The value given.
        value: f64,
    },
    /// There is nothing to split.
    #[error("cannot split 0 rows")]
    NoRows,
    /// The split would leave the training set empty.
    #[error("parameter test_size = {test_size} leaves no training rows out of {n_rows}")]
    EmptyTrainSet {
        /// Rows to split.
        n_rows: usize,
        /// The fraction given.
        test_size: f64,
    },
    /// `n_splits` must be at least 2.
    #[error("parameter n_splits = {n_splits}: must be at least 2")]
    TooFewSplits {
        /// The value given.
        n_splits: usize,
    },
    /// More folds than rows.
    #[error("parameter n_splits = {n_splits}: cannot be greater than the number of rows ({n_rows})")]
    MoreSplitsThanRows {
        /// The value given.
        n_splits: usize,
        /// Rows to split.
        n_rows: usize,
    },
    /// Stratification needs at least one class with `n_splits` members.
    #[error(
        "parameter n_splits = {n_splits}: cannot be greater than the number of members in every class \
         (the largest class has {largest_class})"
    )]
    ClassesTooSmall {
        /// The value given.
        n_splits: usize,
        /// Size of the largest class.
        largest_class: usize,
    },
}

/// Row indices of a train/test split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainTestSplit {
    /// Training rows, in scikit-learn's order.
    pub train: Vec<usize>,
    /// Test rows, in scikit-learn's order.
    pub test: Vec<usize>,
}

/// One fold of a cross-validation: rows to fit on, rows to score on (both ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// Training rows.
    pub train: Vec<usize>,
    /// Held-out rows.
    pub test: Vec<usize>,
}

/// Splits `0..n_rows` into train and test rows exactly as scikit-learn's
/// `train_test_split(..., test_size=test_size, random_state=seed)` does (shuffled, not stratified):
/// a numpy `RandomState(seed).permutation(n_rows)`, whose first `ceil(test_size · n_rows)` entries are
/// the test rows and the rest the training rows (scikit-learn's `n_train = n - n_test` when
/// `train_size` is not given — not `floor((1 - test_size) · n)`, which differs by one row when the
/// product rounds down, e.g. 0.67 · 1000).
///
/// ```
/// use amber_model_selection::train_test_split;
///
/// let split = train_test_split(150, 0.2, 42)?;
/// assert_eq!((split.train.len(), split.test.len()), (120, 30));
/// assert_eq!(split.test[..3], [73, 18, 118]); // scikit-learn's first three test rows of iris
/// # Ok::<(), amber_model_selection::SplitError>(())
/// ```
pub fn train_test_split(n_rows: usize, test_size: f64, seed: u32) -> Result<TrainTestSplit, SplitError> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(SplitError::InvalidTestSize { value: test_size });
    }
    if n_rows == 0 {
        return Err(SplitError::NoRows);
    }
    // test_size · n_rows is in (0, n_rows), so the cast back to usize is exact.
    let n_test = (test_size * n_rows as f64).ceil() as usize;
    if n_test >= n_rows {
        return Err(SplitError::EmptyTrainSet { n_rows, test_size });
    }
    let mut test = RandomState::new(seed).permutation(n_rows);
    let train = test.split_off(n_test);
    Ok(TrainTestSplit { train, test })
}

/// Anything that splits labelled rows into cross-validation folds.
pub trait CrossValidator {
    /// Number of folds.
    fn n_splits(&self) -> usize;
    /// The folds for rows with class indices `y` (one entry per row).
    fn folds(&self, y: &[usize]) -> Result<Vec<Fold>, SplitError>;
}

fn check_n_splits(n_splits: usize, n_rows: usize) -> Result<(), SplitError> {
    if n_splits < 2 {
        return Err(SplitError::TooFewSplits { n_splits });
    }
    if n_splits > n_rows {
        return Err(SplitError::MoreSplitsThanRows { n_splits, n_rows });
    }
    Ok(())
}

/// The folds for a fold number per row (`assignment[row]` = the fold that holds `row` out).
fn folds_from_assignment(assignment: &[usize], n_splits: usize) -> Vec<Fold> {
    (0..n_splits)
        .map(|k| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..assignment.len()).partition(|&r| assignment[r] == k);
            Fold { train, test }
        })
        .collect()
}

/// scikit-learn's `KFold`: consecutive blocks of rows (of a seeded shuffle of the rows when
/// `shuffle`), the first `n_rows % n_splits` folds one row larger.
///
/// ```
/// use amber_model_selection::KFold;
///
/// let folds = KFold::new(3).split(10)?;
/// assert_eq!(folds[0].test, [0, 1, 2, 3]);
/// assert_eq!(folds[2].train, [0, 1, 2, 3, 4, 5, 6]);
/// # Ok::<(), amber_model_selection::SplitError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// Shuffle the rows (with `seed`) before cutting them into blocks.
    pub shuffle: bool,
    /// The `random_state` used when `shuffle` is set.
    pub seed: u32,
}

impl KFold {
    /// `n_splits` folds, no shuffling.
    pub fn new(n_splits: usize) -> Self {
        KFold { n_splits, shuffle: false, seed: 0 }
    }

    /// The same folds as `KFold(n_splits, shuffle=True, random_state=seed)`.
    pub fn shuffled(self, seed: u32) -> Self {
        KFold { shuffle: true, seed, ..self }
    }

    /// The folds of `n_rows` rows.
    pub fn split(&self, n_rows: usize) -> Result<Vec<Fold>, SplitError> {
        check_n_splits(self.n_splits, n_rows)?;
        let mut order: Vec<usize> = (0..n_rows).collect();
        if self.shuffle {
            RandomState::new(self.seed).shuffle(&mut order);
        }
        let mut assignment = vec![0; n_rows];
        let (base, extra) = (n_rows / self.n_splits, n_rows % self.n_splits);
        let mut start = 0;
        for k in 0..self.n_splits {
            let size = base + usize::from(k < extra);
            for &row in order.iter().skip(start).take(size) {
                if let Some(slot) = assignment.get_mut(row) {
                    *slot = k;
                }
            }
            start += size;
        }
        Ok(folds_from_assignment(&assignment, self.n_splits))
    }
}

impl CrossValidator for KFold {
    fn n_splits(&self) -> usize {
        self.n_splits
    }
    fn folds(&self, y: &[usize]) -> Result<Vec<Fold>, SplitError> {
        self.split(y.len())
    }
}

/// scikit-learn's `StratifiedKFold`: every fold keeps the class proportions of the whole set.
///
/// Classes are taken in order of first appearance; the rows of each class are dealt to the folds in
/// blocks, sized round-robin over the sorted labels, and shuffled with one seeded generator when
/// `shuffle` is set — the same algorithm, and so the same folds, as scikit-learn ≥ 0.22.
///
/// ```
/// use amber_model_selection::StratifiedKFold;
///
/// let y = [0, 0, 0, 0, 1, 1, 1, 1];
/// let folds = StratifiedKFold::new(2).split(&y)?;
/// assert_eq!(folds[0].test, [0, 1, 4, 5]);
/// # Ok::<(), amber_model_selection::SplitError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StratifiedKFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// Shuffle each class's fold assignment (with `seed`).
    pub shuffle: bool,
    /// The `random_state` used when `shuffle` is set.
    pub seed: u32,
}

impl StratifiedKFold {
    /// `n_splits` folds, no shuffling.
    pub fn new(n_splits: usize) -> Self {
        StratifiedKFold { n_splits, shuffle: false, seed: 0 }
    }

    /// The same folds as `StratifiedKFold(n_splits, shuffle=True, random_state=seed)`.
    pub fn shuffled(self, seed: u32) -> Self {
        StratifiedKFold { shuffle: true, seed, ..self }
    }

    /// The folds for rows whose classes are `y`. A class smaller than `n_splits` is allowed (it
    /// is missing from some folds) as long as one class has at least `n_splits` rows.
    pub fn split(&self, y: &[usize]) -> Result<Vec<Fold>, SplitError> {
        let k = self.n_splits;
        check_n_splits(k, y.len())?;
        // Encode classes by order of first appearance.
        let mut first_seen: Vec<usize> = Vec::new();
        let encoded: Vec<usize> = y
            .iter()
            .map(|label| match first_seen.iter().position(|l| l == label) {
                Some(code) => code,
                None => {
                    first_seen.push(*label);
                    first_seen.len() - 1
                }
            })
            .collect();
        let n_classes = first_seen.len();
        let mut counts = vec![0usize; n_classes];
        for &c in &encoded {
            counts[c] += 1;
        }
        let largest_class = counts.iter().copied().max().unwrap_or(0);
        if largest_class < k {
            return Err(SplitError::ClassesTooSmall { n_splits: k, largest_class });
        }
        // per_class[c][f]: rows of class c in test fold f, dealt round-robin over the sorted labels.
        let mut sorted = encoded.clone();
        sorted.sort_unstable();
        let mut per_class = vec![vec![0usize; k]; n_classes];
        for (i, &c) in sorted.iter().enumerate() {
            per_class[c][i % k] += 1;
        }
        let mut rng = RandomState::new(self.seed);
        let mut assignment = vec![0usize; y.len()];
        for (class, fold_sizes) in per_class.iter().enumerate() {
            let mut folds_for_class: Vec<usize> =
                fold_sizes.iter().enumerate().flat_map(|(f, &n)| std::iter::repeat_n(f, n)).collect();
            if self.shuffle {
                rng.shuffle(&mut folds_for_class);
            }
            let rows = encoded.iter().enumerate().filter(|(_, &c)| c == class).map(|(r, _)| r);
            for (row, fold) in rows.zip(folds_for_class) {
                assignment[row] = fold;
            }
        }
        Ok(folds_from_assignment(&assignment, k))
    }
}

impl CrossValidator for StratifiedKFold {
    fn n_splits(&self) -> usize {
        self.n_splits
    }
    fn folds(&self, y: &[usize]) -> Result<Vec<Fold>, SplitError> {
        self.split(y)
    }
}
