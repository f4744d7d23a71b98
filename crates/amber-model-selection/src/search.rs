//! Cross-validation, grid search and candidate comparison. Every (candidate × fold) fit runs in
//! one parallel pass (rayon) and results are collected in a fixed order, so scores, winners and
//! refitted models are the same whatever the number of threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use amber_data::{DataError, LabelMap, Table};
use amber_pipeline::{FittedPipeline, Pipeline, PipelineError};
use ndarray::ArrayView2;
#[cfg(feature = "rayon")]
use rayon::prelude::*;
use serde_json::Value;

use crate::metrics::{self, Average, MetricError};
use crate::split::{CrossValidator, SplitError};

/// What went wrong in model selection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The folds could not be made.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// A fit or prediction failed; `candidate` and `fold` say which.
    #[error("candidate {candidate:?}, fold {fold}: {source}")]
    Fit {
        /// The candidate's name or parameters.
        candidate: String,
        /// 0-based fold.
        fold: usize,
        /// What the pipeline said.
        #[source]
        source: Box<PipelineError>,
    },
    /// Refitting the winner failed.
    #[error("refitting {candidate:?}: {source}")]
    Refit {
        /// The candidate.
        candidate: String,
        /// What the pipeline said.
        #[source]
        source: Box<PipelineError>,
    },
    /// A score could not be computed.
    #[error("candidate {candidate:?}, fold {fold}: {source}")]
    Score {
        /// The candidate.
        candidate: String,
        /// 0-based fold.
        fold: usize,
        /// What the metric said.
        #[source]
        source: MetricError,
    },
    /// The table or target is unusable.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A grid parameter could not be set.
    #[error("grid: {0}")]
    Grid(Box<PipelineError>),
    /// The search would evaluate more combinations than [`MAX_CANDIDATES`].
    #[error("the grid has {count} combinations to evaluate; at most {max} are allowed (use GridSearch::randomized)")]
    TooManyCandidates {
        /// Combinations asked for (`usize::MAX` when the grid's size overflows).
        count: usize,
        /// [`MAX_CANDIDATES`].
        max: usize,
    },
    /// The sample weights do not give one weight per row of the table.
    #[error("sample_weight: {weights} weights for a table of {rows} rows")]
    SampleWeightLength {
        /// Weights given.
        weights: usize,
        /// Rows in the table.
        rows: usize,
    },
    /// Nothing to search.
    #[error("no candidates to evaluate")]
    NoCandidates,
}

/// How a fold is scored (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// Accuracy.
    Accuracy,
    /// Unweighted mean F1 over classes.
    F1Macro,
    /// Support-weighted mean F1.
    F1Weighted,
    /// ROC-AUC (binary, or one-vs-rest macro for more classes).
    RocAuc,
    /// Minus the log loss.
    NegLogLoss,
}

impl Scoring {
    /// scikit-learn's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Scoring::Accuracy => "accuracy",
            Scoring::F1Macro => "f1_macro",
            Scoring::F1Weighted => "f1_weighted",
            Scoring::RocAuc => "roc_auc",
            Scoring::NegLogLoss => "neg_log_loss",
        }
    }

    /// Whether the score needs probabilities (ROC-AUC, log loss) rather than labels.
    pub fn needs_proba(self) -> bool {
        matches!(self, Scoring::RocAuc | Scoring::NegLogLoss)
    }

    /// The score of predicted class indices (`k` classes); an error for the probability scorings.
    pub fn of_labels(self, y_true: &[usize], y_pred: &[usize], k: usize) -> Result<f64, MetricError> {
        match self {
            Scoring::Accuracy => metrics::accuracy(y_true, y_pred),
            Scoring::F1Macro => metrics::f1(y_true, y_pred, k, Average::Macro),
            Scoring::F1Weighted => metrics::f1(y_true, y_pred, k, Average::Weighted),
            Scoring::RocAuc | Scoring::NegLogLoss => Err(MetricError::Undefined {
                metric: self.name(),
                reason: "it scores probabilities, not labels",
            }),
        }
    }

    /// The score of class probabilities (one column per class, in class order); an error for
    /// the label scorings.
    pub fn of_proba(self, y_true: &[usize], proba: ArrayView2<f64>) -> Result<f64, MetricError> {
        match self {
            Scoring::RocAuc => metrics::roc_auc(y_true, proba),
            Scoring::NegLogLoss => Ok(-metrics::log_loss(y_true, proba)?),
            _ => Err(MetricError::Undefined {
                metric: self.name(),
                reason: "it scores labels, not probabilities",
            }),
        }
    }
}

/// Progress of a long computation: `done` of `total` fits finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Fits finished.
    pub done: usize,
    /// Fits in all.
    pub total: usize,
}

/// A progress callback, called from worker threads as fits finish.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Sync);

/// The result of one candidate's cross-validation.
#[derive(Debug, Clone, PartialEq)]
pub struct CvResult {
    /// Score of each fold.
    pub scores: Vec<f64>,
    /// Mean of the scores.
    pub mean: f64,
    /// Population standard deviation of the scores (as scikit-learn's `std_test_score`).
    pub std: f64,
    /// Fit time of each fold.
    pub fit_times: Vec<Duration>,
    /// Score time of each fold.
    pub score_times: Vec<Duration>,
}

impl CvResult {
    /// The result of fold scores computed without timing (fit and score times zero).
    pub fn from_scores(scores: Vec<f64>) -> Self {
        CvResult::new(scores.into_iter().map(|s| (s, Duration::ZERO, Duration::ZERO)).collect())
    }

    fn new(folds: Vec<(f64, Duration, Duration)>) -> Self {
        let scores: Vec<f64> = folds.iter().map(|f| f.0).collect();
        let n = scores.len().max(1) as f64;
        let mean = scores.iter().sum::<f64>() / n;
        let std = (scores.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / n).sqrt();
        CvResult {
            scores,
            mean,
            std,
            fit_times: folds.iter().map(|f| f.1).collect(),
            score_times: folds.iter().map(|f| f.2).collect(),
        }
    }
}

/// The labelled data shared by every fit: the table, its target and global label map, and the
/// rows' weights if any.
struct Data<'a> {
    table: &'a Table,
    target: &'a str,
    labels: LabelMap,
    y: Vec<usize>,
    sample_weight: Option<&'a [f64]>,
}

impl<'a> Data<'a> {
    fn new(table: &'a Table, target: &'a str, sample_weight: Option<&'a [f64]>) -> Result<Self, SearchError> {
        let t = amber_data::Target::from_column(target, table.column(target)?)?;
        if let Some(w) = sample_weight.filter(|w| w.len() != table.n_rows()) {
            return Err(SearchError::SampleWeightLength { weights: w.len(), rows: table.n_rows() });
        }
        Ok(Data { table, target, labels: t.labels, y: t.indices, sample_weight })
    }

    /// The weights of `rows` (scikit-learn slices `sample_weight` per fold the same way).
    fn weights_of(&self, rows: &[usize]) -> Option<Vec<f64>> {
        self.sample_weight.map(|w| rows.iter().filter_map(|&r| w.get(r).copied()).collect())
    }

    /// Fits `pipeline` on every row (the refit of a winner).
    fn refit(&self, name: &str, pipeline: &Pipeline) -> Result<FittedPipeline, SearchError> {
        pipeline
            .fit_weighted(self.table, self.target, self.sample_weight)
            .map_err(|source| SearchError::Refit { candidate: name.to_string(), source: Box::new(source) })
    }

    /// Fits `pipeline` on the fold's training rows and scores it on its test rows.
    fn fit_and_score(
        &self,
        name: &str,
        pipeline: &Pipeline,
        fold_index: usize,
        fold: &crate::split::Fold,
        scoring: Scoring,
    ) -> Result<(f64, Duration, Duration), SearchError> {
        let fit_error = |source| SearchError::Fit {
            candidate: name.to_string(),
            fold: fold_index,
            source: Box::new(source),
        };
        let t = Instant::now();
        let weights = self.weights_of(&fold.train);
        let fitted = pipeline
            .fit_weighted(&self.table.take_rows(&fold.train)?, self.target, weights.as_deref())
            .map_err(fit_error)?;
        let fit_time = t.elapsed();
        let t = Instant::now();
        let test = self.table.take_rows(&fold.test)?;
        let y_true: Vec<usize> = fold.test.iter().filter_map(|&r| self.y.get(r).copied()).collect();
        let score = self.score(&fitted, &test, &y_true, scoring).map_err(|e| match e {
            Scored::Pipeline(source) => fit_error(source),
            Scored::Metric(source) => {
                SearchError::Score { candidate: name.to_string(), fold: fold_index, source }
            }
        })?;
        Ok((score, fit_time, t.elapsed()))
    }

    fn score(
        &self,
        fitted: &FittedPipeline,
        test: &Table,
        y_true: &[usize],
        scoring: Scoring,
    ) -> Result<f64, Scored> {
        let k = self.labels.len();
        if !scoring.needs_proba() {
            let y_pred = self.global(&fitted.predict(test).map_err(Scored::Pipeline)?)?;
            return Ok(scoring.of_labels(y_true, &y_pred, k)?);
        }
        // Probability columns in global class order (a fold may lack a class).
        let proba = fitted.predict_proba(test).map_err(Scored::Pipeline)?;
        let columns = self.global(&fitted.proba_labels().map_err(Scored::Pipeline)?)?;
        let mut full = ndarray::Array2::zeros((proba.nrows(), k));
        for (j, &c) in columns.iter().enumerate() {
            full.column_mut(c).assign(&proba.column(j));
        }
        Ok(scoring.of_proba(y_true, full.view())?)
    }

    /// Labels → global class indices.
    fn global(&self, labels: &[String]) -> Result<Vec<usize>, Scored> {
        labels
            .iter()
            .enumerate()
            .map(|(position, l)| {
                self.labels.index_of(l).ok_or(Scored::Metric(MetricError::UnknownLabel {
                    label: usize::MAX,
                    position,
                    n_classes: self.labels.len(),
                }))
            })
            .collect()
    }
}

enum Scored {
    Pipeline(PipelineError),
    Metric(MetricError),
}

impl From<MetricError> for Scored {
    fn from(e: MetricError) -> Self {
        Scored::Metric(e)
    }
}

/// Cross-validates every candidate on the same folds, all fits in parallel; results in candidate
/// order.
fn evaluate(
    data: &Data<'_>,
    candidates: &[(String, Pipeline)],
    cv: &dyn CrossValidatorSync,
    scoring: Scoring,
    progress: Option<ProgressFn<'_>>,
) -> Result<Vec<CvResult>, SearchError> {
    let folds = cv.folds(&data.y)?;
    let jobs: Vec<(usize, usize)> =
        (0..candidates.len()).flat_map(|c| (0..folds.len()).map(move |f| (c, f))).collect();
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let job = |&(c, f): &(usize, usize)| {
        let (name, pipeline) = &candidates[c];
        let r = data.fit_and_score(name, pipeline, f, &folds[f], scoring);
        if let Some(report) = progress {
            report(Progress { done: done.fetch_add(1, Ordering::Relaxed) + 1, total });
        }
        r
    };
    // In parallel with the `rayon` feature; the results are collected in job order either way.
    #[cfg(feature = "rayon")]
    let results: Result<Vec<(f64, Duration, Duration)>, _> = jobs.par_iter().map(job).collect();
    #[cfg(not(feature = "rayon"))]
    let results: Result<Vec<(f64, Duration, Duration)>, _> = jobs.iter().map(job).collect();
    let results = results?;
    Ok(results.chunks(folds.len().max(1)).map(|chunk| CvResult::new(chunk.to_vec())).collect())
}

/// A [`CrossValidator`] usable from worker threads.
pub trait CrossValidatorSync: CrossValidator + Sync {}
impl<T: CrossValidator + Sync> CrossValidatorSync for T {}

/// Cross-validates one pipeline: per-fold scores, mean, std, fit and score times.
///
/// ```
/// use amber_data::datasets;
/// use amber_estimators::DecisionTreeClassifier;
/// use amber_model_selection::{cross_validate, Scoring, StratifiedKFold};
/// use amber_pipeline::Pipeline;
///
/// let iris = datasets::iris()?.table;
/// let tree = Pipeline::new().classifier("classifier", DecisionTreeClassifier::params().max_depth(Some(3)));
/// let cv = cross_validate(&tree, &iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy, None)?;
/// assert_eq!(cv.scores.len(), 5);
/// assert!(cv.mean > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cross_validate(
    pipeline: &Pipeline,
    table: &Table,
    target: &str,
    cv: &dyn CrossValidatorSync,
    scoring: Scoring,
    progress: Option<ProgressFn<'_>>,
) -> Result<CvResult, SearchError> {
    cross_validate_data(pipeline, &Data::new(table, target, None)?, cv, scoring, progress)
}

/// [`cross_validate`] with a weight per row of `table` for the classifier, sliced per fold:
/// scikit-learn's `cross_validate(pipeline, X, y, params={"classifier__sample_weight": w})`.
/// Scores are unweighted, as there.
///
/// ```
/// use amber_estimators::DecisionTreeClassifier;
/// use amber_model_selection::{cross_validate, cross_validate_weighted, Scoring, StratifiedKFold};
/// use amber_pipeline::Pipeline;
///
/// let iris = amber_data::datasets::iris()?.table;
/// let tree = Pipeline::new().classifier("classifier", DecisionTreeClassifier::params().max_depth(Some(2)));
/// let cv = StratifiedKFold::new(5);
/// // Equal weights change nothing for a tree; weights of 0 remove rows from every fit.
/// let plain = cross_validate(&tree, &iris, "species", &cv, Scoring::Accuracy, None)?;
/// let equal = cross_validate_weighted(&tree, &iris, "species", &[3.0; 150], &cv, Scoring::Accuracy, None)?;
/// assert_eq!(plain.scores, equal.scores);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cross_validate_weighted(
    pipeline: &Pipeline,
    table: &Table,
    target: &str,
    sample_weight: &[f64],
    cv: &dyn CrossValidatorSync,
    scoring: Scoring,
    progress: Option<ProgressFn<'_>>,
) -> Result<CvResult, SearchError> {
    cross_validate_data(pipeline, &Data::new(table, target, Some(sample_weight))?, cv, scoring, progress)
}

fn cross_validate_data(
    pipeline: &Pipeline,
    data: &Data<'_>,
    cv: &dyn CrossValidatorSync,
    scoring: Scoring,
    progress: Option<ProgressFn<'_>>,
) -> Result<CvResult, SearchError> {
    let mut results = evaluate(data, &[("pipeline".to_string(), pipeline.clone())], cv, scoring, progress)?;
    results.pop().ok_or(SearchError::NoCandidates)
}

/// One row of a [`Leaderboard`].
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The candidate's name.
    pub name: String,
    /// Its cross-validation.
    pub cv: CvResult,
}

/// Candidates ranked by mean CV score, highest first; ties go to the lower standard deviation,
/// then to the candidate given first. `best` is the winner refitted on all the rows given.
#[derive(Debug, Clone)]
pub struct Leaderboard {
    /// The ranking.
    pub entries: Vec<Entry>,
    /// The winner, refitted on the whole table.
    pub best: FittedPipeline,
}

fn rank(results: &[CvResult]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&a, &b| {
        results[b]
            .mean
            .total_cmp(&results[a].mean)
            .then(results[a].std.total_cmp(&results[b].std))
            .then(a.cmp(&b))
    });
    order
}

/// Cross-validates named candidate pipelines on the same folds and refits the best.
pub fn compare(
    candidates: &[(String, Pipeline)],
    table: &Table,
    target: &str,
    cv: &dyn CrossValidatorSync,
    scoring: Scoring,
    progress: Option<ProgressFn<'_>>,
) -> Result<Leaderboard, SearchError> {
    let data = Data::new(table, target, None)?;
    let results = evaluate(&data, candidates, cv, scoring, progress)?;
    let order = rank(&results);
    let first = *order.first().ok_or(SearchError::NoCandidates)?;
    let (name, pipeline) = &candidates[first];
    let best = data.refit(name, pipeline)?;
    let entries =
        order.into_iter().map(|i| Entry { name: candidates[i].0.clone(), cv: results[i].clone() }).collect();
    Ok(Leaderboard { entries, best })
}

/// The most parameter combinations one [`GridSearch`] evaluates.
pub const MAX_CANDIDATES: usize = 100_000;

/// A grid of hyperparameter values by path (`"classifier.max_depth"`), searched exhaustively or,
/// with [`GridSearch::randomized`], on a seeded sample of its combinations.
///
/// Combinations are enumerated as scikit-learn's `ParameterGrid`: paths in sorted order, the last
/// one varying fastest. The best is the highest mean score, the first in that order on ties
/// (scikit-learn's `rank_test_score` rule).
///
/// ```
/// use amber_data::datasets;
/// use amber_estimators::DecisionTreeClassifier;
/// use amber_model_selection::{GridSearch, KFold, Scoring};
/// use amber_pipeline::Pipeline;
/// use serde_json::json;
///
/// let iris = datasets::iris()?.table;
/// let search = GridSearch::new(Pipeline::new().classifier("classifier", DecisionTreeClassifier::params()))
///     .param("classifier.max_depth", vec![json!(1), json!(3), json!(null)]);
/// let result = search.fit(&iris, "species", &KFold::new(5).shuffled(0), Scoring::Accuracy, None)?;
/// assert_eq!(result.candidates.len(), 3);
/// assert!(result.best_score > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GridSearch {
    pipeline: Pipeline,
    grid: BTreeMap<String, Vec<Value>>,
    sample: Option<(usize, u32)>,
    sample_weight: Option<Vec<f64>>,
}

/// One evaluated parameter combination.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The values set, by path.
    pub params: BTreeMap<String, Value>,
    /// Its cross-validation.
    pub cv: CvResult,
    /// 1 = best (scikit-learn's `rank_test_score`, ties sharing the lower rank).
    pub rank: usize,
}

/// The outcome of a grid search.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// Every combination, in grid order (the results table).
    pub candidates: Vec<Candidate>,
    /// Index of the best in `candidates`.
    pub best_index: usize,
    /// The best combination.
    pub best_params: BTreeMap<String, Value>,
    /// Its mean score.
    pub best_score: f64,
    /// The best pipeline refitted on all rows.
    pub best: FittedPipeline,
    /// The unfitted best pipeline (hyperparameters set).
    pub best_pipeline: Pipeline,
}

impl GridSearch {
    /// A search over `pipeline` with an empty grid.
    pub fn new(pipeline: Pipeline) -> Self {
        GridSearch { pipeline, grid: BTreeMap::new(), sample: None, sample_weight: None }
    }

    /// Fits every candidate with a weight per row of the table it will be given, sliced per fold
    /// and used whole for the refit: scikit-learn's
    /// `GridSearchCV(pipeline).fit(X, y, classifier__sample_weight=w)`. Scores stay unweighted, as
    /// there (scikit-learn 1.9 also weights the scorer when given a bare `sample_weight`; amber
    /// does not). A grid of no parameters cross-validates the one pipeline with weights.
    ///
    /// ```
    /// use amber_estimators::LogisticRegression;
    /// use amber_model_selection::{GridSearch, Scoring, StratifiedKFold};
    /// use amber_pipeline::Pipeline;
    ///
    /// let iris = amber_data::datasets::iris()?.table;
    /// let weights: Vec<f64> = (0..150).map(|i| if i % 3 == 0 { 2.0 } else { 1.0 }).collect();
    /// let search = GridSearch::new(Pipeline::new().classifier("classifier", LogisticRegression::params().max_iter(500)))
    ///     .param("classifier.C", [0.1, 1.0])
    ///     .sample_weight(weights);
    /// let result = search.fit(&iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy, None)?;
    /// assert!(result.best_score > 0.9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sample_weight(mut self, weights: Vec<f64>) -> Self {
        self.sample_weight = Some(weights);
        self
    }

    /// Adds the values to try for the hyperparameter at `path`: anything that converts to a JSON
    /// value (`[2, 4, 8]`, `[Some(3), None]` for "no limit", `["sqrt", "log2"]`, `[0.1, 1.0]`), or
    /// `serde_json::Value`s.
    ///
    /// ```
    /// use amber_estimators::DecisionTreeClassifier;
    /// use amber_model_selection::GridSearch;
    /// use amber_pipeline::Pipeline;
    ///
    /// let search = GridSearch::new(Pipeline::new().classifier("classifier", DecisionTreeClassifier::params()))
    ///     .param("classifier.max_depth", [Some(2), Some(4), None])
    ///     .param("classifier.criterion", ["gini", "entropy"]);
    /// assert_eq!(search.grid_size(), Some(6));
    /// ```
    pub fn param<V: Into<Value>>(mut self, path: &str, values: impl IntoIterator<Item = V>) -> Self {
        self.grid.insert(path.to_string(), values.into_iter().map(Into::into).collect());
        self
    }

    /// Evaluates only `n` combinations drawn without replacement with `seed` (randomized search).
    pub fn randomized(mut self, n: usize, seed: u32) -> Self {
        self.sample = Some((n, seed));
        self
    }

    /// How many combinations the full grid has (`None` if that overflows `usize`).
    pub fn grid_size(&self) -> Option<usize> {
        self.grid.values().try_fold(1usize, |n, values| n.checked_mul(values.len()))
    }

    /// The combination at `index` of the full grid, in `ParameterGrid` order (the last path varies
    /// fastest).
    fn combination(&self, mut index: usize) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (path, values) in self.grid.iter().rev() {
            let n = values.len().max(1);
            if let Some(v) = values.get(index % n) {
                out.insert(path.clone(), v.clone());
            }
            index /= n;
        }
        out
    }

    /// The combinations to evaluate, in grid order: all of them, or the seeded sample of
    /// [`GridSearch::randomized`], drawn without enumerating the grid. More than
    /// [`MAX_CANDIDATES`] is an error, checked before anything is built.
    pub fn combinations(&self) -> Result<Vec<BTreeMap<String, Value>>, SearchError> {
        let size = self.grid_size();
        let wanted = match (self.sample, size) {
            (Some((n, _)), Some(size)) => n.min(size),
            (Some((n, _)), None) => n,
            (None, size) => size.unwrap_or(usize::MAX),
        };
        if wanted > MAX_CANDIDATES {
            return Err(SearchError::TooManyCandidates { count: wanted, max: MAX_CANDIDATES });
        }
        let indices: Vec<usize> = match (self.sample, size) {
            (Some((n, seed)), size) if size.is_none_or(|s| n < s) => {
                let mut rng = amber_data::random::RandomState::new(seed);
                match size {
                    // A small grid (under 2 × MAX_CANDIDATES): a shuffled prefix.
                    Some(size) if size <= 2 * MAX_CANDIDATES => {
                        let mut order = rng.permutation(size);
                        order.truncate(n);
                        order.sort_unstable();
                        order
                    }
                    // A large one: scikit-learn's tracking selection (fewer than 2n draws expected).
                    _ => {
                        let top = size.unwrap_or(usize::MAX) as u64 - 1;
                        let mut chosen = std::collections::BTreeSet::new();
                        while chosen.len() < n {
                            chosen.insert(rng.interval(top) as usize);
                        }
                        chosen.into_iter().collect()
                    }
                }
            }
            _ => (0..wanted).collect(),
        };
        Ok(indices.into_iter().map(|i| self.combination(i)).collect())
    }

    /// Runs the search and refits the best combination on all rows.
    pub fn fit(
        &self,
        table: &Table,
        target: &str,
        cv: &dyn CrossValidatorSync,
        scoring: Scoring,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<SearchResult, SearchError> {
        let combos = self.combinations()?;
        let candidates = combos
            .iter()
            .map(|params| {
                let mut p = self.pipeline.clone();
                for (path, value) in params {
                    p.set_param(path, value.clone()).map_err(|e| SearchError::Grid(Box::new(e)))?;
                }
                Ok((describe(params), p))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        let data = Data::new(table, target, self.sample_weight.as_deref())?;
        let results = evaluate(&data, &candidates, cv, scoring, progress)?;
        // Best: highest mean, first on ties.
        let best_index = (0..results.len())
            .fold(None, |best: Option<usize>, i| match best {
                Some(b) if results[b].mean >= results[i].mean => Some(b),
                _ => Some(i),
            })
            .ok_or(SearchError::NoCandidates)?;
        let ranks: Vec<usize> =
            results.iter().map(|r| 1 + results.iter().filter(|o| o.mean > r.mean).count()).collect();
        let (name, best_pipeline) = candidates[best_index].clone();
        let best = data.refit(&name, &best_pipeline)?;
        Ok(SearchResult {
            best_params: combos[best_index].clone(),
            best_score: results[best_index].mean,
            candidates: combos
                .into_iter()
                .zip(results)
                .zip(ranks)
                .map(|((params, cv), rank)| Candidate { params, cv, rank })
                .collect(),
            best_index,
            best,
            best_pipeline,
        })
    }
}

/// `path=value, …` for error messages and leaderboards.
pub fn describe(params: &BTreeMap<String, Value>) -> String {
    params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}
