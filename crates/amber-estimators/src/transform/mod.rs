//! Transformers: fitted on a table's columns, mapping tables to tables.

mod imputer;
mod one_hot;
mod scalers;

pub use imputer::{FillValue, ImputeStrategy, SimpleImputer, SimpleImputerParams};
pub use one_hot::{Drop, HandleUnknown, OneHotEncoder, OneHotEncoderParams};
pub use scalers::{MinMaxScaler, MinMaxScalerParams, StandardScaler, StandardScalerParams};
