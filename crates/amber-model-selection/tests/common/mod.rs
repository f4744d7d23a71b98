pub mod telco_drift;
