//! Drives the library through its main paths — reading CSV, fitting every classifier (rayon
//! threads included) in pipelines, a logistic regression that does not converge, cross-validation
//! with a progress callback, a grid search, saving, signing, loading, verifying, the registry, and
//! inputs that fail — and exits 0. `tests/library_prints_nothing.rs` runs it and requires that it
//! wrote nothing at all: ARCHITECTURE.md's "the library prints nothing".

use amber_data::{datasets, Table};
use amber_estimators::{DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC};
use amber_model_selection::{cross_validate, GridSearch, Scoring, StratifiedKFold};
use amber_persistence::{inspect, load, save, verify, LoadOptions, Registry, SaveOptions, SecretKey};
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let penguins = datasets::penguins()?.table;
    let csv = dir.path().join("penguins.csv");
    penguins.write_csv(std::fs::File::create(&csv)?)?;
    let table = Table::from_csv_path(&csv)?;
    let pre = || ColumnTransformer::standard();
    let short =
        Pipeline::new().transformer("pre", pre()).classifier("c", LogisticRegression::params().max_iter(2));
    let fitted = short.fit(&table, "species")?;
    assert!(!fitted.warnings().is_empty(), "a warning to report, not to print");
    for pipeline in [
        Pipeline::new()
            .transformer("pre", pre())
            .classifier("c", RandomForestClassifier::params().n_estimators(20)),
        Pipeline::new().transformer("pre", pre()).classifier("c", SVC::params().probability(true)),
    ] {
        let progress = |_| {};
        cross_validate(
            &pipeline,
            &table,
            "species",
            &StratifiedKFold::new(3),
            Scoring::NegLogLoss,
            Some(&progress),
        )?;
    }
    let search = GridSearch::new(
        Pipeline::new().transformer("pre", pre()).classifier("c", DecisionTreeClassifier::params()),
    )
    .param("c.max_depth", [Some(2), None])
    .fit(&table, "species", &StratifiedKFold::new(3), Scoring::Accuracy, None)?;
    let key = SecretKey::from_seed([7; 32]);
    let path = dir.path().join("model.amber");
    save(
        &search.best,
        &path,
        &SaveOptions::default().dataset("penguins", &table).sign(key.clone()).compress(3),
    )?;
    verify(&path)?;
    inspect(&path)?;
    let _: (FittedPipeline, _) =
        amber_persistence::load_with(&path, &LoadOptions::default().trust(key.public_key()))?;
    let registry = Registry::open(dir.path().join("registry"))?;
    let v = registry.register("penguins", &search.best, &SaveOptions::default().metric("accuracy", 0.9))?;
    registry.promote_if_better("penguins", "champion", v.version, "accuracy")?;
    // Failures are values, not output.
    std::fs::write(dir.path().join("junk.amber"), b"not a model")?;
    assert!(load::<FittedPipeline>(dir.path().join("junk.amber")).is_err());
    assert!(search.best.predict(&table.drop_columns(&["island"])?).is_err());
    assert!(Table::from_csv_path(dir.path().join("missing.csv")).is_err());
    Ok(())
}
