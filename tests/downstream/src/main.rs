use amber::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let churn = datasets::telco_churn()?.table;
    let split = train_test_split(churn.n_rows(), 0.2, 42)?; // scikit-learn's rows for random_state=42
    let (train, test) = (churn.take_rows(&split.train)?, churn.take_rows(&split.test)?);
    let model = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard().drop(["customerid"])) // impute, scale, one-hot
        .classifier("classifier", LogisticRegression::params().max_iter(1000))
        .fit(&train, "churn")?;

    let dir = tempfile::tempdir()?; // any directory; this one is removed when dropped
    let path = dir.path().join("churn.amber");
    save(&model, &path, &SaveOptions::default().dataset("telco_churn", &train))?;
    let loaded: FittedPipeline = load(&path)?; // checksum, kind, validation and stored sample all checked
    assert_eq!(loaded.predict(&test)?, model.predict(&test)?); // "Yes" / "No"
    println!("saved and reloaded {}", path.display());
    Ok(())
}
