//! Numbers that cannot go silently wrong, and counts that cannot allocate without bound.
//! Expected values come from the math of each statistic, not from amber.

use amber_data::{Column, Table};
use amber_estimators::*;
use ndarray::array;

fn column(values: Vec<f64>) -> Table {
    Table::new(vec![("a".into(), Column::Numeric(values))]).unwrap()
}

fn transformed(t: &dyn Transformer, x: &Table) -> Vec<f64> {
    t.transform(x).unwrap().column("a").unwrap().as_numeric().unwrap().to_vec()
}

#[test]
fn standard_scaler_near_the_limits_of_f64() {
    // Mean 0 and population std 1e308 (the naive sum of squares overflows).
    let x = column(vec![1e308, -1e308, 1e308, -1e308]);
    let s = StandardScaler::params().fit(&x).unwrap();
    assert_eq!((s.mean[0], s.scale[0]), (0.0, 1e308));
    assert_eq!(transformed(&s, &x), [1.0, -1.0, 1.0, -1.0]);
    s.validate().unwrap();
    // A constant column at f64::MAX: mean MAX, std 0, so scale 1 (scikit-learn's rule).
    let x = column(vec![f64::MAX, f64::MAX]);
    let s = StandardScaler::params().fit(&x).unwrap();
    assert_eq!((s.mean[0], s.scale[0]), (f64::MAX, 1.0));
    assert_eq!(transformed(&s, &x), [0.0, 0.0]);
    // Ordinary data keeps scikit-learn's formula exactly: [1, 3] → mean 2, std 1.
    let s = StandardScaler::params().fit(&column(vec![1.0, 3.0])).unwrap();
    assert_eq!((s.mean[0], s.scale[0]), (2.0, 1.0));
}

#[test]
fn min_max_scaler_near_the_limits_of_f64() {
    // max - min = 2e308 overflows; the map is still [-1e308, 1e308] → [0, 1].
    let x = column(vec![1e308, -1e308, 0.0]);
    let m = MinMaxScaler::params().fit(&x).unwrap();
    assert!(m.scale[0] > 0.0 && m.scale[0].is_finite());
    // Within a few ulps of the exact map (the scale 0.5 / 1e308 is not a binary fraction).
    for (got, want) in transformed(&m, &x).iter().zip([1.0, 0.0, 0.5]) {
        assert!((got - want).abs() <= 4.0 * f64::EPSILON, "{got} vs {want}");
    }
    m.validate().unwrap();
    // A zero scale is not a model.
    let mut broken = m.clone();
    broken.scale[0] = 0.0;
    assert!(matches!(broken.validate(), Err(EstimatorError::InvalidModel { .. })));
}

#[test]
fn logistic_probabilities_never_nan() {
    // Plain data: P(class 1) = sigmoid(2x).
    let binary = LogisticRegression {
        classes: vec![0, 1],
        coef: array![[2.0]],
        intercept: vec![0.0],
        convergence: None,
    };
    binary.validate().unwrap();
    // Scores of about ±1e300: probabilities exactly 0 and 1 (stable sigmoid), never NaN.
    let far = array![[1e300], [-1e300], [0.0]];
    let p = binary.predict_proba(far.view()).unwrap();
    assert_eq!((p[[0, 1]], p[[1, 1]], p[[2, 1]]), (1.0, 0.0, 0.5));
    assert!(p.iter().all(|v| v.is_finite()));
    // A score that overflows is a named error naming the row.
    let overflow = array![[1.0], [f64::MAX]];
    match binary.predict_proba(overflow.view()) {
        Err(EstimatorError::NonFiniteOutput { row: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
    let (table, y) = amber_data::datasets::iris().unwrap().features_and_target().unwrap();
    let multi = LogisticRegression::params()
        .max_iter(300)
        .fit(table.to_array2().unwrap().view(), &y.indices)
        .unwrap();
    let rows = array![[5.0, 3.4, 1.5, 0.2], [7e307, -7e307, 7e307, -7e307]];
    assert!(matches!(multi.predict_proba(rows.view()), Err(EstimatorError::NonFiniteOutput { row: 1, .. })));
    assert!(matches!(multi.predict(rows.view()), Err(EstimatorError::NonFiniteOutput { row: 1, .. })));
}

#[test]
fn counts_have_upper_bounds_checked_before_allocation() {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    for n in [usize::MAX, 1_000_000_000, MAX_ESTIMATORS + 1, 0] {
        match RandomForestClassifier::params().n_estimators(n).fit(x.view(), &[0, 0, 1, 1]) {
            Err(EstimatorError::InvalidParameter { name: "n_estimators", .. }) => {}
            other => panic!("n_estimators = {n}: {other:?}"),
        }
    }
    assert!(RandomForestClassifier::params().n_estimators(3).fit(x.view(), &[0, 0, 1, 1]).is_ok());
}

#[test]
fn svc_validation_costs_nothing_for_a_file_claiming_many_classes() {
    let x = array![[0.0, 0.0], [0.2, 0.1], [1.0, 1.0], [0.9, 1.1]];
    let mut model = SVC::params().fit(x.view(), &[0, 0, 1, 1]).unwrap();
    model.classes = (0..1_000_000).collect();
    let started = std::time::Instant::now();
    match model.validate() {
        Err(e @ EstimatorError::InvalidModel { .. }) => assert!(e.to_string().len() < 300, "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 2);
    // A pair out of order is named by its position.
    let mut three = SVC::params().fit(array![[0.0], [1.0], [2.0], [3.0]].view(), &[0, 1, 2, 2]).unwrap();
    three.pairs.swap(0, 1);
    assert!(
        matches!(three.validate(), Err(EstimatorError::InvalidModel { reason, .. }) if reason.contains("pair 0"))
    );
}

/// The imputer hands on a column without missing cells as it is (shared, not copied), and fills
/// the others.
#[test]
fn imputer_shares_complete_columns_and_fills_the_others() {
    use std::sync::Arc;
    let x = Table::new(vec![
        ("full".into(), Column::Categorical(vec![Some("a".into()), Some("b".into()), Some("b".into())])),
        ("gaps".into(), Column::Categorical(vec![Some("a".into()), None, Some("a".into())])),
        ("n".into(), Column::Numeric(vec![1.0, f64::NAN, 3.0])),
        ("m".into(), Column::Numeric(vec![1.0, 2.0, 4.0])),
    ])
    .unwrap();
    let imputer = SimpleImputer::params().strategy(ImputeStrategy::MostFrequent).fit(&x).unwrap();
    let z = imputer.transform(&x).unwrap();
    for shared in ["full", "m"] {
        assert!(
            Arc::ptr_eq(&x.shared_column(shared).unwrap(), &z.shared_column(shared).unwrap()),
            "{shared}"
        );
    }
    let a = Some("a".to_string());
    assert_eq!(z.column("gaps").unwrap().as_categorical().unwrap(), [a.clone(), a.clone(), a]);
    assert_eq!(z.column("n").unwrap().as_numeric().unwrap(), [1.0, 1.0, 3.0]);
}

/// scikit-learn's `_handle_zeros_in_scale`: a scale *below* 10 ε becomes 1; exactly 10 ε stays.
/// [0, 20 ε] has mean 10 ε and population std 10 ε, all exact in binary.
#[test]
fn a_scale_of_exactly_ten_epsilon_is_kept() {
    let ten_eps = 10.0 * f64::EPSILON;
    let s = StandardScaler::params().fit(&column(vec![0.0, 2.0 * ten_eps])).unwrap();
    assert_eq!((s.mean[0], s.scale[0]), (ten_eps, ten_eps));
    let s = StandardScaler::params().fit(&column(vec![0.0, 1.5 * ten_eps])).unwrap();
    assert_eq!(s.scale[0], 1.0, "0.75 × 10 ε is below the threshold");
}

/// The median imputer's fill, from the definition: the middle value of an odd count, the mean of
/// the two middle values of an even one (missing cells left out).
#[test]
fn median_imputation_is_the_textbook_median() {
    let nan = f64::NAN;
    for (values, median) in [
        (vec![3.0, nan, 1.0, 2.0], 2.0),
        (vec![4.0, 1.0, nan, 3.0, 2.0], 2.5),
        (vec![5.0, 1.0, 4.0, 2.0, 3.0, nan], 3.0),
        (vec![7.0], 7.0),
        (vec![7.0, 1.0], 4.0),
    ] {
        let imputer =
            SimpleImputer::params().strategy(ImputeStrategy::Median).fit(&column(values.clone())).unwrap();
        assert_eq!(imputer.fill, [FillValue::Number(median)], "{values:?}");
    }
}

/// Min-max scaling at the edges: an empty feature range is refused (as scikit-learn does); a
/// range of the data that overflows still maps onto any feature range; a scale that underflows
/// to 0 is a named overflow, not a model that maps everything to one value.
#[test]
fn min_max_scaler_at_the_edges_of_its_range() {
    assert!(matches!(
        MinMaxScaler::params().feature_range(1.0, 1.0).fit(&column(vec![0.0, 1.0])),
        Err(EstimatorError::InvalidParameter { name: "feature_range", .. })
    ));
    let s =
        MinMaxScaler::params().feature_range(-1.0, 1.0).fit(&column(vec![-f64::MAX, f64::MAX, 0.0])).unwrap();
    let out = transformed(&s, &column(vec![-f64::MAX, f64::MAX, 0.0]));
    // Within rounding of the halved range (a few ulps of 1).
    for (got, want) in out.iter().zip([-1.0, 1.0, 0.0]) {
        assert!((got - want).abs() < 1e-15, "{out:?}");
    }
    let tiny = MinMaxScaler::params().feature_range(0.0, 1e-300).fit(&column(vec![-1e300, 1e300]));
    assert!(matches!(tiny, Err(EstimatorError::Overflow { .. })), "{tiny:?}");
}

/// Multinomial probabilities stay exact where the scores overflow `exp`: the softmax shifts by the
/// row's largest score (math: `exp(800 − 800) / (1 + e^-800 + e^-1600)` is 1 to the last bit).
#[test]
fn softmax_of_scores_beyond_exp_range_is_exact() {
    let model = LogisticRegression {
        classes: vec![0, 1, 2],
        coef: array![[400.0], [0.0], [-400.0]],
        intercept: vec![0.0, 0.0, 0.0],
        convergence: None,
    };
    model.validate().unwrap();
    let p = model.predict_proba(array![[2.0], [-2.0]].view()).unwrap();
    assert_eq!(p, array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]);
    assert_eq!(model.predict(array![[2.0], [-2.0]].view()).unwrap(), [0, 2]);
}

/// SVC's `gamma`: scikit-learn's definitions, `auto` = 1 / n_features and `scale` =
/// 1 / (n_features · Var(X)), or 1 where the variance is 0; and its kernel cache defaults to
/// scikit-learn's 200 MB, in new and in deserialized hyperparameters (the cache is not saved).
#[test]
fn svc_gamma_rules_and_cache_default_are_sklearns() {
    let x = array![[0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 0.0, 2.0], [2.0, 0.0, 1.0, 1.0], [3.0, 2.0, 2.0, 0.0]];
    let y = [0, 0, 1, 1];
    let gamma = |g: Gamma, x: ndarray::ArrayView2<f64>| match SVC::params()
        .kernel(Kernel::Rbf { gamma: g })
        .fit(x, &y)
    {
        Ok(SVC { kernel: FittedKernel::Rbf { gamma }, .. }) => gamma,
        other => panic!("an RBF SVC, got {other:?}"),
    };
    assert_eq!(gamma(Gamma::Auto, x.view()), 0.25);
    let var = x.var(0.0);
    assert_eq!(gamma(Gamma::Scale, x.view()), 1.0 / (4.0 * var));
    assert_eq!(gamma(Gamma::Scale, ndarray::Array2::from_elem((4, 4), 3.0).view()), 1.0);

    assert_eq!(SVC::params().cache_size, 200.0);
    let json = serde_json::to_string(&SVC::params().cache_size(50.0)).unwrap();
    let back: SVCParams = serde_json::from_str(&json).unwrap();
    assert_eq!(back.cache_size, 200.0);
}
