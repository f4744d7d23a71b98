//! `validate()` rejects impossible models; forests are bit-identical whatever the thread count;
//! encoder options behave as scikit-learn's.

use amber_data::{datasets, Column, Table};
use amber_estimators::*;
use ndarray::{array, Array2};

fn cbor<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).unwrap();
    out
}

fn iris() -> (Array2<f64>, Vec<usize>) {
    let (x, y) = datasets::iris().unwrap().features_and_target().unwrap();
    (x.to_array2().unwrap(), y.indices)
}

fn assert_invalid(what: &str, r: Result<(), EstimatorError>) {
    assert!(matches!(r, Err(EstimatorError::InvalidModel { .. })), "{what}: {r:?}");
}

#[test]
fn forest_is_identical_for_any_thread_count() {
    let (x, y) = iris();
    let params = RandomForestClassifier::params().n_estimators(24).random_state(42);
    let fit_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| cbor(&params.fit(x.view(), &y).unwrap()))
    };
    let one = fit_with(1);
    assert_eq!(one, fit_with(2));
    assert_eq!(one, fit_with(4));
    // A different seed gives a different forest (the seed is really used).
    assert_ne!(one, cbor(&params.clone().random_state(43).fit(x.view(), &y).unwrap()));
}

#[test]
fn corrupted_trees_are_rejected() {
    let (x, y) = iris();
    let good = DecisionTreeClassifier::params().fit(x.view(), &y).unwrap();
    good.validate().unwrap();
    assert!(good.tree.n_splits() > 2 && good.tree.n_leaves() == good.tree.n_splits() + 1);
    // Split 1 is the root's left child (depth-first, left first), split 0 the root.
    let mut m = good.clone();
    m.tree.left[1] = 0; // back to the root: a cycle
    assert_invalid("cycle", m.validate());
    let mut m = good.clone();
    m.tree.left[1] = 1; // itself
    assert_invalid("self loop", m.validate());
    let mut m = good.clone();
    m.tree.right[0] = m.tree.n_splits() as i32; // past the last split
    assert_invalid("split child out of range", m.validate());
    let mut m = good.clone();
    m.tree.right[0] = !(m.tree.n_leaves() as i32); // past the last leaf
    assert_invalid("leaf child out of range", m.validate());
    let mut m = good.clone();
    let leaf = (0..m.tree.n_splits()).map(|i| m.tree.left[i]).find(|c| *c < 0).unwrap();
    let other = (0..m.tree.n_splits()).find(|&i| m.tree.right[i] < 0 && m.tree.right[i] != leaf).unwrap();
    m.tree.right[other] = leaf; // one leaf, two parents
    assert_invalid("shared leaf", m.validate());
    let mut m = good.clone();
    m.tree.feature[0] = 4;
    assert_invalid("feature out of range", m.validate());
    let mut m = good.clone();
    m.tree.threshold[0] = f64::NAN;
    assert_invalid("NaN threshold", m.validate());
    let mut m = good.clone();
    m.tree.value[[0, 0]] = f64::INFINITY;
    assert_invalid("infinite distribution", m.validate());
    // Leaf distributions are probabilities: each sums to 1 and none is negative.
    let last = m.tree.n_leaves() - 1;
    let mut m = good.clone();
    m.tree.value.row_mut(last).mapv_inplace(|p| p * 0.9);
    assert_invalid("distribution summing to 0.9", m.validate());
    let mut m = good.clone();
    m.tree.value.row_mut(last).assign(&ndarray::array![1.5, -0.5, 0.0]);
    assert_invalid("negative probability summing to 1", m.validate());
    let mut m = good.clone();
    m.tree.value.row_mut(last).assign(&ndarray::array![0.25, 0.5, 0.25]);
    m.validate().unwrap();
    let mut m = good.clone();
    m.tree.feature.pop();
    assert_invalid("ragged arrays", m.validate());
    let mut m = good.clone();
    m.classes = vec![2, 1, 0];
    assert_invalid("unsorted classes", m.validate());
    let mut m = good.clone();
    m.tree.value = Array2::zeros((m.tree.n_leaves(), 2));
    assert_invalid("wrong class count", m.validate());
    // Feature importances: absent (files before format 1.2) is fine; otherwise one per feature,
    // in [0, 1], summing to 1.
    let mut m = good.clone();
    m.feature_importances.clear();
    m.validate().unwrap();
    for bad in [vec![1.0], vec![0.5, 0.5, 0.5, -0.5], vec![0.1; 4], vec![f64::NAN, 0.0, 0.0, 1.0]] {
        let mut m = good.clone();
        m.feature_importances = bad.clone();
        assert_invalid(&format!("importances {bad:?}"), m.validate());
    }
    let mut forest = RandomForestClassifier::params().n_estimators(3).fit(x.view(), &y).unwrap();
    forest.validate().unwrap();
    forest.feature_importances.push(0.0);
    assert_invalid("forest importances", forest.validate());
}

#[test]
fn corrupted_linear_svm_and_transformers_are_rejected() {
    let (x, y) = iris();
    let lr = LogisticRegression::params().max_iter(300).fit(x.view(), &y).unwrap();
    let mut m = lr.clone();
    m.intercept.pop();
    assert_invalid("intercept length", m.validate());
    let mut m = lr;
    m.coef[[1, 1]] = f64::NAN;
    assert_invalid("NaN coefficient", m.validate());

    let svc = SVC::params().probability(true).fit(x.view(), &y).unwrap();
    let mut m = svc.clone();
    m.pairs[0].support[0] = m.support_vectors.nrows() as u32;
    assert_invalid("support index", m.validate());
    let mut m = svc.clone();
    m.pairs.swap(0, 1);
    assert_invalid("pair order", m.validate());
    let mut m = svc.clone();
    m.pairs[2].platt = None;
    assert_invalid("partial calibration", m.validate());
    let mut m = svc.clone();
    m.kernel = FittedKernel::Rbf { gamma: -1.0 };
    assert_invalid("negative gamma", m.validate());
    let mut m = svc.clone();
    m.kernel = FittedKernel::Rbf { gamma: 0.0 };
    assert_invalid("zero gamma", m.validate());
    // Each non-finite number alone: an offset, one half of a calibration.
    let mut m = svc.clone();
    m.pairs[1].rho = f64::INFINITY;
    assert_invalid("infinite offset", m.validate());
    for (a, b) in [(f64::NAN, 1.0), (1.0, f64::NAN)] {
        let mut m = svc.clone();
        m.pairs[1].platt = Some(Platt { a, b });
        assert_invalid("non-finite calibration", m.validate());
    }
    svc.validate().unwrap();

    let table = datasets::iris().unwrap().table.select(&["sepal_length", "petal_width"]).unwrap();
    let mut s = StandardScaler::params().fit(&table).unwrap();
    s.scale[1] = 0.0;
    assert_invalid("zero scale", s.validate());
    let mut s = StandardScaler::params().fit(&table).unwrap();
    s.columns[1] = s.columns[0].clone();
    assert_invalid("duplicate columns", s.validate());
    let mut mm = MinMaxScaler::params().fit(&table).unwrap();
    mm.min.push(0.0);
    assert_invalid("length", mm.validate());
    let species = datasets::iris().unwrap().table.select(&["species"]).unwrap();
    let mut enc = OneHotEncoder::params().fit(&species).unwrap();
    enc.dropped[0] = Some(3);
    assert_invalid("dropped index", enc.validate());
    let mut enc = OneHotEncoder::params().fit(&species).unwrap();
    enc.categories[0].reverse();
    assert_invalid("unsorted categories", enc.validate());
    let mut imp = SimpleImputer::params().fit(&table).unwrap();
    imp.fill[0] = FillValue::Number(f64::NAN);
    assert_invalid("NaN fill", imp.validate());
}

fn cat(name: &str, values: &[&str]) -> Table {
    Table::new(vec![(name.into(), Column::Categorical(values.iter().map(|s| Some(s.to_string())).collect()))])
        .unwrap()
}

#[test]
fn one_hot_unknown_categories_and_drop() {
    let train = cat("contract", &["Two year", "Month-to-month", "One year"]);
    let test = cat("contract", &["One year", "Weekly"]);
    let enc = OneHotEncoder::params().fit(&train).unwrap();
    match enc.transform(&test) {
        Err(e @ EstimatorError::UnknownCategory { row: 1, .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("\"contract\"") && msg.contains("row 1") && msg.contains("\"Weekly\""),
                "{msg}"
            );
        }
        other => panic!("expected UnknownCategory, got {other:?}"),
    }
    let long = "W".repeat(100_000);
    match enc.transform(&cat("contract", &[long.as_str()])) {
        Err(EstimatorError::UnknownCategory { value, .. }) => {
            assert_eq!(value.chars().count(), 81, "80 and …")
        }
        other => panic!("expected UnknownCategory, got {other:?}"),
    }
    let enc = OneHotEncoder::params().handle_unknown(HandleUnknown::Ignore).fit(&train).unwrap();
    let out = enc.transform(&test).unwrap();
    let row1: Vec<f64> = out.columns().map(|(_, c)| c.as_numeric().unwrap()[1]).collect();
    assert_eq!(row1, [0.0, 0.0, 0.0], "an unknown category is all zeros");

    let binary = cat("partner", &["Yes", "No", "Yes"]);
    let enc = OneHotEncoder::params().drop(Drop::IfBinary).fit(&binary).unwrap();
    assert_eq!(enc.feature_names_out(), ["partner=Yes"]);
    let enc = OneHotEncoder::params().drop(Drop::IfBinary).fit(&train).unwrap();
    assert_eq!(enc.feature_names_out().len(), 3, "if_binary keeps every category of a 3-category column");

    let missing = Table::new(vec![("c".into(), Column::Categorical(vec![Some("a".into()), None]))]).unwrap();
    assert!(matches!(
        OneHotEncoder::params().fit(&missing),
        Err(EstimatorError::MissingValue { row: 1, .. })
    ));
}

#[test]
fn imputer_kinds_and_ties() {
    // Ties in most_frequent pick the smallest value, as scikit-learn does.
    let t = Table::new(vec![
        ("n".into(), Column::Numeric(vec![3.0, 1.0, 3.0, 1.0, f64::NAN])),
        (
            "c".into(),
            Column::Categorical(vec![
                Some("b".into()),
                Some("a".into()),
                Some("b".into()),
                Some("a".into()),
                None,
            ]),
        ),
    ])
    .unwrap();
    let imp = SimpleImputer::params().strategy(ImputeStrategy::MostFrequent).fit(&t).unwrap();
    assert_eq!(imp.fill, [FillValue::Number(1.0), FillValue::Text("a".into())]);
    let err = SimpleImputer::params().strategy(ImputeStrategy::Mean).fit(&t).unwrap_err();
    assert!(matches!(&err, EstimatorError::WrongColumnKind { name, .. } if name == "c"), "{err:?}");
    let imp = SimpleImputer::params().fill_number(-1.0).fit(&t).unwrap();
    assert_eq!(imp.transform(&t).unwrap().column("n").unwrap().as_numeric().unwrap()[4], -1.0);
    assert!(matches!(
        SimpleImputer::params().fill_number(f64::NAN).fit(&t),
        Err(EstimatorError::InvalidParameter { name: "fill_number", .. })
    ));
}

#[test]
fn svc_without_probability_says_so() {
    let (x, y) = iris();
    let m = SVC::params().fit(x.view(), &y).unwrap();
    let err = m.predict_proba(x.view()).unwrap_err();
    assert_eq!(err, EstimatorError::ProbabilityNotEnabled);
    assert!(err.to_string().contains("probability(true)"));
}

#[test]
fn a_tree_without_splits_is_one_leaf() {
    // Constant features: no split is possible, so the tree is a single leaf with the class mix.
    let x = ndarray::array![[1.0], [1.0], [1.0], [1.0]];
    let m = DecisionTreeClassifier::params().fit(x.view(), &[0, 1, 1, 1]).unwrap();
    m.validate().unwrap();
    assert_eq!((m.tree.n_splits(), m.tree.n_leaves()), (0, 1));
    assert_eq!(m.tree.value.row(0).to_vec(), [0.25, 0.75]);
    assert_eq!(m.predict(x.view()).unwrap(), [1, 1, 1, 1]);
}

#[test]
fn trees_compare_in_float32_and_name_values_beyond_it() {
    // 1e39 is finite in f64 but not representable in f32, where trees compare.
    let x = ndarray::array![[0.0], [1.0], [2.0], [1e39]];
    let err = DecisionTreeClassifier::params().fit(x.view(), &[0, 0, 1, 1]).unwrap_err();
    assert!(matches!(err, EstimatorError::OutOfFloat32Range { row: 3, column: 0, .. }), "{err:?}");
    assert!(err.to_string().contains("row 3"));
    let ok = ndarray::array![[0.0], [1.0], [2.0], [3.0]];
    let forest = RandomForestClassifier::params().n_estimators(3).fit(ok.view(), &[0, 0, 1, 1]).unwrap();
    assert!(matches!(forest.predict(x.view()), Err(EstimatorError::OutOfFloat32Range { row: 3, .. })));
    // Thresholds are midpoints of float32 values, as scikit-learn's: between 0.1 and 0.2 lies
    // (0.1f32 + 0.2f32) / 2, not 0.15.
    let x = ndarray::array![[0.1], [0.2]];
    let tree = DecisionTreeClassifier::params().fit(x.view(), &[0, 1]).unwrap();
    assert_eq!(tree.tree.threshold[0], f64::from(0.1f32) / 2.0 + f64::from(0.2f32) / 2.0);
}

/// The linfa version written into model headers is the one the workspace pins and links.
#[test]
fn linfa_version_constant_matches_the_dependency() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("linfa = \"={}\"", amber_estimators::LINFA_VERSION)),
        "the workspace pins linfa to {}",
        amber_estimators::LINFA_VERSION
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    let locked = lock.split("[[package]]").find(|p| p.contains("name = \"linfa\"\n")).unwrap();
    assert!(locked.contains(&format!("version = \"{}\"", amber_estimators::LINFA_VERSION)), "{locked}");
}

/// The SVC solver computes kernel columns in parallel and trains one-vs-one pairs in parallel:
/// the model is bit-identical whatever the thread count, and whatever the kernel cache's size (a
/// tiny cache evicts and recomputes columns all the time, and must change nothing but speed).
#[test]
fn svc_is_identical_for_any_thread_count_and_cache_size() {
    let fit_with = |threads: usize, params: &SVCParams, x: &Array2<f64>, y: &[usize]| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| cbor(&params.fit(x.view(), y).unwrap()))
    };
    // Enough rows that kernel columns are filled in parallel.
    let (x, y) = datasets::synthetic(1_800, 20, 2, 1).unwrap().features_and_target().unwrap();
    let x = x.to_array2().unwrap();
    let plain = SVC::params();
    assert_eq!(
        fit_with(1, &plain, &x, &y.indices),
        fit_with(2, &plain.clone().cache_size(0.01), &x, &y.indices)
    );
    // Three pairs trained in parallel, with Platt scaling's nested fits.
    let (x, y) = iris();
    let calibrated = SVC::params().probability(true).random_state(3);
    let one = fit_with(1, &calibrated, &x, &y);
    assert_eq!(one, fit_with(3, &calibrated.clone().cache_size(1e-4), &x, &y));
    assert_ne!(one, fit_with(1, &calibrated.clone().random_state(4), &x, &y), "the seed is used");
}

/// Bad weights are named parameter errors, for every estimator that takes them.
#[test]
fn weights_are_checked() {
    let (x, y) = iris();
    let param_error = |r: Result<(), EstimatorError>, name: &str| match r {
        Err(EstimatorError::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
        other => panic!("expected a {name} error, got {other:?}"),
    };
    let tree = DecisionTreeClassifier::params();
    let fit = |w: &[f64]| tree.fit_weighted(x.view(), &y, Some(w)).map(|_| ());
    param_error(fit(&[1.0; 3]), "sample_weight");
    param_error(fit(&vec![0.0; 150]), "sample_weight");
    let mut w = vec![1.0; 150];
    w[7] = f64::NAN;
    param_error(fit(&w), "sample_weight");
    w[7] = -1.0;
    param_error(fit(&w), "sample_weight");
    let explicit = |pairs: &[(usize, f64)]| Some(ClassWeight::Explicit(pairs.iter().copied().collect()));
    param_error(tree.clone().class_weight(explicit(&[(0, -2.0)])).validate(), "class_weight");
    param_error(
        tree.clone().class_weight(explicit(&[(5, 2.0)])).fit(x.view(), &y).map(|_| ()),
        "class_weight",
    );
    param_error(tree.clone().class_weight(Some(ClassWeight::BalancedSubsample)).validate(), "class_weight");
    param_error(SVC::params().class_weight(Some(ClassWeight::BalancedSubsample)).validate(), "class_weight");
    let lr = LogisticRegression::params();
    param_error(lr.fit_weighted(x.view(), &y, Some(&[1.0; 149])).map(|_| ()), "sample_weight");
    param_error(lr.clone().class_weight(Some(ClassWeight::BalancedSubsample)).validate(), "class_weight");
    // Its objective is C·Σ wᵢ·lossᵢ + ½‖W‖²: weights of 2 everywhere are C = 2, to the bit (every
    // scaling involved is by a power of two).
    let doubled = lr.fit_weighted(x.view(), &y, Some(&[2.0; 150])).unwrap();
    assert_eq!(cbor(&lr.clone().c(2.0).fit(x.view(), &y).unwrap()), cbor(&doubled));
    assert_ne!(cbor(&lr.fit(x.view(), &y).unwrap()), cbor(&doubled));
    // Weight 0 everywhere in one class leaves SVC nothing to separate: a named error too.
    let mut w = vec![1.0; 150];
    y.iter().zip(w.iter_mut()).filter(|(c, _)| **c == 2).for_each(|(_, w)| *w = 0.0);
    param_error(SVC::params().fit_weighted(x.view(), &y, Some(&w)).map(|_| ()), "sample_weight");
    // A tree is unchanged by weights that are all equal.
    let doubled = tree.fit_weighted(x.view(), &y, Some(&[2.0; 150])).unwrap();
    assert_eq!(cbor(&tree.fit(x.view(), &y).unwrap()), cbor(&doubled));
}

/// Batch prediction (trees repacked with float32 thresholds and walked eight rows at a time) is
/// the mean of each tree's leaf distribution at `Tree::leaf`, to the bit, on 1 and 2 threads,
/// including rows that sit exactly on, just above and just below the trees' thresholds.
#[test]
fn batch_prediction_is_the_mean_of_each_trees_leaf_bit_for_bit() {
    let data = datasets::synthetic(2_000, 6, 3, 5).unwrap();
    let (x, y) = data.features_and_target().unwrap();
    let x = x.to_array2().unwrap();
    let forest =
        RandomForestClassifier::params().n_estimators(20).random_state(3).fit(x.view(), &y.indices).unwrap();
    // Rows on the boundaries: each split's threshold, and its float32 neighbours, in its feature.
    let mut rows = x.clone();
    let tree = &forest.trees[0];
    for (r, mut row) in rows.rows_mut().into_iter().enumerate().take(3 * tree.n_splits().min(600)) {
        let t = tree.threshold[r / 3] as f32;
        row[tree.feature[r / 3] as usize] = f64::from([t, t.next_up(), t.next_down()][r % 3]);
    }
    let n = forest.trees.len() as f64;
    let mut expected = Array2::<f64>::zeros((rows.nrows(), 3));
    for (row, mut out) in rows.rows().into_iter().zip(expected.rows_mut()) {
        let mut sums = [0.0; 3];
        for tree in &forest.trees {
            let leaf = tree.value.row(tree.leaf(row));
            sums.iter_mut().zip(leaf).for_each(|(s, v)| *s += v);
        }
        out.iter_mut().zip(sums).for_each(|(o, s)| *o = s / n);
    }
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let batch = pool.install(|| forest.predict_proba(rows.view())).unwrap();
        assert_eq!(batch, expected, "{threads} thread(s)");
    }
    // And row by row (fewer rows than a block: the unpacked walk).
    for r in [0, 1, 2, 999, 1999] {
        let one = forest.predict_proba(rows.slice(ndarray::s![r..r + 1, ..])).unwrap();
        assert_eq!(one.row(0), expected.row(r), "row {r}");
    }
}

/// A scaler whose statistics are not finite (or whose scale is not usable) is not a model.
#[test]
fn scalers_with_impossible_statistics_are_rejected() {
    let x = amber_data::datasets::iris().unwrap().table.drop_columns(&["species"]).unwrap();
    let standard = StandardScaler::params().fit(&x).unwrap();
    standard.validate().unwrap();
    for (what, bad) in [("NaN mean", f64::NAN), ("infinite mean", f64::INFINITY)] {
        let mut m = standard.clone();
        m.mean[1] = bad;
        assert_invalid(what, m.validate());
    }
    for (what, bad) in [("NaN scale", f64::NAN), ("infinite scale", f64::INFINITY), ("zero scale", 0.0)] {
        let mut m = standard.clone();
        m.scale[2] = bad;
        assert_invalid(what, m.validate());
    }
    let min_max = MinMaxScaler::params().fit(&x).unwrap();
    min_max.validate().unwrap();
    for (what, bad) in [("NaN min", f64::NAN), ("infinite min", f64::NEG_INFINITY)] {
        let mut m = min_max.clone();
        m.min[0] = bad;
        assert_invalid(what, m.validate());
    }
    for (what, bad) in [("NaN scale", f64::NAN), ("zero scale", 0.0)] {
        let mut m = min_max.clone();
        m.scale[3] = bad;
        assert_invalid(what, m.validate());
    }
}

/// A decision value of exactly 0 votes for the pair's second class, as libsvm's `dec > 0` rule
/// does: one support vector at 1 with coefficient 1 and offset 0 gives `x · 1 − 0`.
#[test]
fn a_zero_decision_value_votes_for_the_second_class() {
    let svc = SVC {
        classes: vec![0, 1],
        kernel: FittedKernel::Linear,
        support_vectors: array![[1.0]],
        pairs: vec![SvcPair {
            first: 0,
            second: 1,
            support: vec![0],
            dual_coef: vec![1.0],
            rho: 0.0,
            platt: None,
        }],
    };
    svc.validate().unwrap();
    assert_eq!(
        svc.decision_function(array![[0.0], [0.5], [-0.5]].view()).unwrap(),
        array![[0.0], [0.5], [-0.5]]
    );
    assert_eq!(svc.predict(array![[0.0], [0.5], [-0.5]].view()).unwrap(), [1, 0, 1]);
}
