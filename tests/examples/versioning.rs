//! Tutorial `versioning` (TUTORIALS.md B): a retrain never overwrites a good model. Files get
//! versioned, timestamped names with a JSON sidecar; a registry records the versions; the
//! `champion` alias moves only to a model that is at least as good on the same data and protocol,
//! so a worse retrain is kept but refused.
//!
//! Run: `cargo run -p amber-tests --example versioning [DIR]`.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use amber_data::datasets;
use amber_estimators::{DecisionTreeClassifier, LogisticRegression};
use amber_model_selection::{cross_validate, train_test_split, Scoring, StratifiedKFold};
use amber_persistence::{sidecar_path, Promotion, Registry, SaveOptions};
use amber_pipeline::{ClassifierSpec, Pipeline};

/// What the tutorial found.
pub struct Findings {
    /// The file of each version, in order.
    pub files: Vec<PathBuf>,
    /// What promoting each version did.
    pub promotions: Vec<Promotion>,
    /// The champion at the end.
    pub champion: u32,
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    let iris = datasets::iris()?;
    let split = train_test_split(iris.table.n_rows(), 0.2, 42)?;
    let train = iris.table.take_rows(&split.train)?;
    let registry = Registry::open(dir.join("models"))?;
    let cv = StratifiedKFold::new(5);

    let retrains: [(&str, ClassifierSpec); 3] = [
        ("a depth-2 tree", DecisionTreeClassifier::params().max_depth(Some(2)).into()),
        ("logistic regression", LogisticRegression::params().max_iter(200).into()),
        ("a depth-1 tree (worse)", DecisionTreeClassifier::params().max_depth(Some(1)).into()),
    ];
    let (mut files, mut promotions) = (Vec::new(), Vec::new());
    for (what, spec) in retrains {
        let pipeline = Pipeline::new().classifier("classifier", spec);
        let score = cross_validate(&pipeline, &train, "species", &cv, Scoring::Accuracy, None)?;
        let fitted = pipeline.fit(&train, "species")?;
        let options = SaveOptions::default()
            .dataset("iris train split (test_size=0.2, seed=42)", &train)
            .evaluation("StratifiedKFold(5) accuracy")
            .metric("cv_accuracy", score.mean); // the hyperparameters come with the fitted pipeline
        let saved = registry.register("iris", &fitted, &options)?;
        let name = saved.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        writeln!(
            out,
            "{what}: CV accuracy {:.3} → {name} (+ {})",
            score.mean,
            sidecar_path(Path::new(&name)).display()
        )?;
        let promotion = registry.promote_if_better("iris", "champion", saved.version, "cv_accuracy")?;
        match &promotion {
            Promotion::Promoted { previous } => {
                writeln!(out, "  champion → v{} (was {previous:?})", saved.version)?
            }
            Promotion::Refused { current, current_metric, candidate_metric } => writeln!(
                out,
                "  refused: champion v{current} scores {current_metric:.3}, this one {candidate_metric:.3}; kept as v{} only",
                saved.version
            )?,
            other => writeln!(out, "  {other:?}")?,
        }
        files.push(saved.path);
        promotions.push(promotion);
    }
    let champion = registry.alias("iris", "champion")?.ok_or("no champion")?.version;
    writeln!(out, "versions: {}; champion: v{champion}", registry.versions("iris")?.len())?;
    Ok(Findings { files, promotions, champion })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
