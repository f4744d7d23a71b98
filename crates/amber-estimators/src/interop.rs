//! linfa interop (feature `linfa`): every amber classifier's hyperparameters implement linfa's
//! [`Fit`] over a numeric `DatasetBase` (records `f64`, one `usize` class per row; linfa's sample
//! weights, when the dataset has them, become `sample_weight`), and every fitted classifier
//! implements [`PredictInplace`], so code written against linfa's traits can train, save and select
//! amber's models unchanged.
//!
//! linfa's `PredictInplace` has no error path, and amber never answers bad input with a panic or a
//! silent default: the predicted target is therefore `Result<Array1<usize>, EstimatorError>`.
//!
//! ```
//! use amber_estimators::{EstimatorError, RandomForestClassifier};
//! use linfa::prelude::*;
//! use ndarray::{array, Array1};
//!
//! let data = Dataset::new(array![[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]], array![0usize, 1, 0, 1]);
//! let model = RandomForestClassifier::params().n_estimators(5).fit(&data)?;
//! let predicted: Result<Array1<usize>, EstimatorError> = model.predict(data.records());
//! assert_eq!(predicted?, array![0, 1, 0, 1]);
//! # Ok::<(), EstimatorError>(())
//! ```

use linfa::dataset::AsTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::DatasetBase;
use ndarray::{Array1, ArrayBase, Data, Ix1, Ix2};

use crate::contract::{Classifier, ClassifierParams};
use crate::error::EstimatorError;
use crate::{
    DecisionTreeClassifier, DecisionTreeClassifierParams, LogisticRegression, LogisticRegressionParams,
    RandomForestClassifier, RandomForestClassifierParams, SVCParams, SVC,
};

impl From<linfa::Error> for EstimatorError {
    fn from(e: linfa::Error) -> Self {
        EstimatorError::Training { estimator: "linfa", message: e.to_string() }
    }
}

macro_rules! linfa_traits {
    ($($params:ty => $model:ty),* $(,)?) => {$(
        impl<D, T> Fit<ArrayBase<D, Ix2>, T, EstimatorError> for $params
        where
            D: Data<Elem = f64>,
            T: AsTargets<Elem = usize, Ix = Ix1>,
        {
            type Object = $model;

            fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<$model, EstimatorError> {
                let y = dataset.as_targets().to_vec();
                let weights: Option<Vec<f64>> = dataset.weights().map(|w| w.iter().map(|&v| f64::from(v)).collect());
                self.fit_weighted(dataset.records().view(), &y, weights.as_deref())
            }
        }

        impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Result<Array1<usize>, EstimatorError>> for $model {
            fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Result<Array1<usize>, EstimatorError>) {
                *y = Classifier::predict(self, x.view()).map(Array1::from);
            }

            fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Result<Array1<usize>, EstimatorError> {
                Ok(Array1::zeros(x.nrows()))
            }
        }
    )*};
}

linfa_traits! {
    LogisticRegressionParams => LogisticRegression,
    DecisionTreeClassifierParams => DecisionTreeClassifier,
    RandomForestClassifierParams => RandomForestClassifier,
    SVCParams => SVC,
}
