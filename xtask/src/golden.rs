//! `cargo xtask golden`: writes one small model file of every kind into
//! `tests/fixtures/format-v<major>.<minor>/`. Run it (and commit the files) whenever the format
//! version changes; the test `golden_files` loads every file ever committed.

use std::error::Error;
use std::path::{Path, PathBuf};

use amber_data::datasets;
use amber_estimators::*;
use amber_persistence::{save, Persist, SaveOptions, SecretKey, FORMAT_MAJOR, FORMAT_MINOR};

/// The seed of the golden files' signing key: a published test key, never one to trust in
/// production. Its public key is written beside the files as `signing-key.pub.pem`.
pub const GOLDEN_KEY_SEED: [u8; 32] = [0x42; 32];
use amber_pipeline::{ColumnTransformer, FittedClassifier, Pipeline};

fn write<T: Persist>(dir: &Path, obj: &T, options: &SaveOptions) -> Result<(), Box<dyn Error>> {
    let signed = if options.signing_key.is_some() { ".signed" } else { "" };
    write_as(&dir.join(format!("{}{signed}.amber", T::KIND)), obj, options)
}

fn write_as<T: Persist>(path: &Path, obj: &T, options: &SaveOptions) -> Result<(), Box<dyn Error>> {
    save(obj, path, &SaveOptions { sidecar: false, ..options.clone() }.description("golden file"))?;
    println!("wrote {}", path.display());
    Ok(())
}

pub fn run() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(format!("format-v{FORMAT_MAJOR}.{FORMAT_MINOR}"));
    std::fs::create_dir_all(&dir)?;
    let iris = datasets::iris()?;
    let (x, y) = iris.features_and_target()?;
    let m = x.to_array2()?;
    let plain = SaveOptions::default().dataset("iris", &iris.table);
    let zstd = plain.clone().compress(3);
    write(&dir, &LogisticRegression::params().max_iter(300).fit(m.view(), &y.indices)?, &plain)?;
    write(&dir, &DecisionTreeClassifier::params().max_depth(Some(3)).fit(m.view(), &y.indices)?, &plain)?;
    write(&dir, &RandomForestClassifier::params().n_estimators(5).fit(m.view(), &y.indices)?, &zstd)?;
    write(&dir, &SVC::params().probability(true).fit(m.view(), &y.indices)?, &plain)?;
    write(
        &dir,
        &FittedClassifier::LogisticRegression(
            LogisticRegression::params().max_iter(300).fit(m.view(), &y.indices)?,
        ),
        &plain,
    )?;
    write(&dir, &StandardScaler::params().fit(&x)?, &plain)?;
    write(&dir, &MinMaxScaler::params().fit(&x)?, &plain)?;
    let penguins = datasets::penguins()?.table;
    let p = SaveOptions::default().dataset("penguins", &penguins);
    write(&dir, &SimpleImputer::params().strategy(ImputeStrategy::MostFrequent).fit(&penguins)?, &p)?;
    write(&dir, &OneHotEncoder::params().fit(&penguins.select(&["island", "species"])?)?, &p)?;
    let pipeline = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard())
        .classifier("classifier", LogisticRegression::params().max_iter(500));
    let fitted = pipeline.fit(&penguins, "species")?;
    write(&dir, &fitted, &p.clone().compress(3))?;
    // Class weights (format 1.4): a pipeline whose classifier has them, under its own name.
    let weighted = Pipeline::new().transformer("pre", ColumnTransformer::standard()).classifier(
        "classifier",
        RandomForestClassifier::params().n_estimators(5).class_weight(Some(ClassWeight::Balanced)),
    );
    write_as(
        &dir.join("class_weighted_pipeline.amber"),
        &weighted.fit(&penguins, "species")?,
        &p.clone().compress(3),
    )?;
    // Logistic regression's class weights and convergence report (format 1.5).
    let weighted = Pipeline::new().transformer("pre", ColumnTransformer::standard()).classifier(
        "classifier",
        LogisticRegression::params().class_weight(Some(ClassWeight::Explicit([(0, 2.0), (2, 0.5)].into()))),
    );
    let path = dir.join("class_weighted_logistic_pipeline.amber");
    write_as(&path, &weighted.fit(&penguins, "species")?, &p.clone().compress(3))?;
    // Signed files (format 1.1 on), with the public key beside them.
    let key = SecretKey::from_seed(GOLDEN_KEY_SEED);
    std::fs::write(dir.join("signing-key.pub.pem"), key.public_key().to_pem()?)?;
    write(&dir, &fitted, &p.clone().compress(3).sign(key.clone()))?;
    write(&dir, &LogisticRegression::params().max_iter(300).fit(m.view(), &y.indices)?, &plain.sign(key))?;
    Ok(())
}
