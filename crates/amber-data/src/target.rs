//! Classification targets: class labels ↔ class indices.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::table::Column;

/// The class labels of a classifier, in class-index order: index `i` ↔ `labels()[i]`.
///
/// Built from data, the labels are sorted as scikit-learn's `np.unique` sorts them: strings by
/// code point, numbers by value (written in their shortest form, `1` not `1.0`). Predictions are
/// class indices and come back as labels through [`LabelMap::decode`].
///
/// ```
/// use amber_data::LabelMap;
///
/// let map = LabelMap::new(vec!["No".into(), "Yes".into()])?;
/// assert_eq!(map.index_of("Yes"), Some(1));
/// assert_eq!(map.decode(&[1, 0, 1])?, ["Yes", "No", "Yes"]);
/// # Ok::<(), amber_data::DataError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelMap {
    labels: Vec<String>,
}

impl LabelMap {
    /// A map with these labels in this order. They must be non-empty and unique.
    pub fn new(labels: Vec<String>) -> Result<Self, DataError> {
        let map = LabelMap { labels };
        map.validate()?;
        Ok(map)
    }

    /// Checks the invariants (at least one label, no repeats); used after deserializing.
    pub fn validate(&self) -> Result<(), DataError> {
        if self.labels.is_empty() {
            return Err(DataError::InvalidLabels { reason: "no labels".into() });
        }
        let mut seen: Vec<&String> = self.labels.iter().collect();
        seen.sort();
        if let Some(pair) = seen.windows(2).find(|w| w[0] == w[1]) {
            return Err(DataError::InvalidLabels { reason: format!("label {:?} appears twice", pair[0]) });
        }
        Ok(())
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// `true` if there are no classes (never, for a validated map).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels in class-index order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The label of class `index`.
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index).map(String::as_str)
    }

    /// The class index of `label`.
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// Class indices → labels.
    pub fn decode(&self, indices: &[usize]) -> Result<Vec<String>, DataError> {
        indices
            .iter()
            .map(|&index| {
                self.label(index)
                    .map(str::to_string)
                    .ok_or(DataError::UnknownClassIndex { index, n_classes: self.len() })
            })
            .collect()
    }
}

/// A target column turned into class indices, with its label map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Name of the column the target came from.
    pub name: String,
    /// Class index of each row.
    pub indices: Vec<usize>,
    /// Index ↔ label.
    pub labels: LabelMap,
}

/// Text of a numeric label: `1` for 1.0, `2.5` for 2.5.
fn numeric_label(x: f64) -> String {
    format!("{x}")
}

/// Total order on non-NaN floats, for use as a map key.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
struct Key(f64);
impl Eq for Key {}
#[allow(clippy::derive_ord_xor_partial_ord)]
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Target {
    /// Maps the cells of `column` to class indices, labels in sorted order. A missing cell is
    /// [`DataError::MissingTarget`].
    pub fn from_column(name: &str, column: &Column) -> Result<Target, DataError> {
        let missing = |row| DataError::MissingTarget { name: name.to_string(), row };
        let (labels, indices) = match column {
            Column::Numeric(v) => {
                let keys = v
                    .iter()
                    .enumerate()
                    .map(|(row, &x)| if x.is_nan() { Err(missing(row)) } else { Ok(Key(x + 0.0)) })
                    .collect::<Result<Vec<_>, _>>()?;
                let (classes, indices) = index_sorted(&keys);
                (classes.into_iter().map(|k| numeric_label(k.0)).collect(), indices)
            }
            Column::Categorical(v) => {
                let keys = v
                    .iter()
                    .enumerate()
                    .map(|(row, s)| s.as_deref().ok_or_else(|| missing(row)))
                    .collect::<Result<Vec<_>, _>>()?;
                let (classes, indices) = index_sorted(&keys);
                (classes.into_iter().map(str::to_string).collect(), indices)
            }
        };
        Ok(Target { name: name.to_string(), indices, labels: LabelMap::new(labels)? })
    }

    /// Maps the cells of `column` to the class indices of an existing `labels` map.
    pub fn encode_column(name: &str, column: &Column, labels: &LabelMap) -> Result<Vec<usize>, DataError> {
        let lookup = |row: usize, label: Option<String>| {
            let label = label.ok_or_else(|| DataError::MissingTarget { name: name.to_string(), row })?;
            labels.index_of(&label).ok_or_else(|| DataError::UnknownLabel {
                name: name.to_string(),
                row,
                label,
            })
        };
        match column {
            Column::Numeric(v) => v
                .iter()
                .enumerate()
                .map(|(row, &x)| lookup(row, (!x.is_nan()).then(|| numeric_label(x + 0.0))))
                .collect(),
            Column::Categorical(v) => v.iter().enumerate().map(|(row, s)| lookup(row, s.clone())).collect(),
        }
    }
}

/// The sorted distinct values of `keys` and the index of each key among them.
fn index_sorted<K: Ord + Copy>(keys: &[K]) -> (Vec<K>, Vec<usize>) {
    let mut classes: BTreeMap<K, usize> = keys.iter().map(|&k| (k, 0)).collect();
    for (i, slot) in classes.values_mut().enumerate() {
        *slot = i;
    }
    let indices = keys.iter().map(|k| classes.get(k).copied().unwrap_or(0)).collect();
    (classes.into_keys().collect(), indices)
}
