//! The dataset files are the published ones: each still has the SHA-256 listed in
//! datasets/README.md (copied from the provenance record), on disk and as embedded.

use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_dataset_has_its_published_sha256() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let listed: Vec<(&str, &str)> = readme
        .lines()
        .filter_map(|l| {
            let (sum, file) = l.split_once("  ")?;
            (sum.len() == 64 && file.ends_with(".csv")).then_some((sum, file.trim()))
        })
        .collect();
    assert_eq!(listed.len(), 5, "README lists five checksums");
    let embedded = [
        ("iris.csv", amber_data::datasets::IRIS_CSV),
        ("breast_cancer.csv", amber_data::datasets::BREAST_CANCER_CSV),
        ("penguins.csv", amber_data::datasets::PENGUINS_CSV),
        ("telco_churn.csv", amber_data::datasets::TELCO_CHURN_CSV),
        ("california_housing.csv", amber_data::datasets::CALIFORNIA_HOUSING_CSV),
    ];
    for (sum, file) in listed {
        let on_disk = std::fs::read(root.join(file)).unwrap();
        assert_eq!(hex(&on_disk), sum, "{file} on disk");
        let text = embedded.iter().find(|(f, _)| *f == file).unwrap().1;
        assert_eq!(hex(text.as_bytes()), sum, "{file} embedded");
    }
}

/// Where the project's shared datasets are checked out beside the repository (a developer's
/// machine and CI), every shipped file is byte for byte the shared one, and the README lists the
/// same checksums as the shared provenance record.
#[test]
fn shipped_datasets_are_the_shared_ones() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../../../shared/datasets");
    if !shared.is_dir() {
        eprintln!("skipped: no shared/datasets beside the repository to compare with");
        return;
    }
    let sums = |text: &str| -> Vec<String> {
        text.lines().filter(|l| l.len() > 66 && l.ends_with(".csv")).map(str::to_string).collect()
    };
    let ours = std::fs::read_to_string(root.join("datasets/README.md")).unwrap();
    let theirs = std::fs::read_to_string(shared.join("README.md")).unwrap();
    assert_eq!(sums(&ours), sums(&theirs), "checksum lines");
    for line in sums(&theirs) {
        let file = line.split_once("  ").unwrap().1.trim();
        let a = std::fs::read(root.join("datasets").join(file)).unwrap();
        let b = std::fs::read(shared.join(file)).unwrap();
        assert!(a == b, "{file} differs from the shared copy");
    }
}

/// The churn file has one row per customer (the earlier file repeated 2,113 rows whole), IBM's
/// class counts and its 11 blank `totalcharges`; housing has its 207 missing `total_bedrooms`.
#[test]
fn churn_has_distinct_customers_and_housing_its_missing_values() {
    use amber_data::datasets;
    let churn = datasets::telco_churn().unwrap().table;
    let rows: std::collections::HashSet<&str> = datasets::TELCO_CHURN_CSV.lines().skip(1).collect();
    assert_eq!(rows.len(), 7043, "distinct rows");
    let ids: std::collections::HashSet<&str> =
        datasets::TELCO_CHURN_CSV.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    assert_eq!(ids.len(), 7043, "distinct customer ids");
    let (_, target) = churn.split_target("churn").unwrap();
    let counts: Vec<usize> =
        (0..target.labels.len()).map(|k| target.indices.iter().filter(|&&c| c == k).count()).collect();
    assert_eq!(target.labels.labels(), ["No", "Yes"]);
    assert_eq!(counts, [5174, 1869]);
    let total = churn.column("totalcharges").unwrap();
    assert_eq!(total.n_missing(), 11);

    let housing = amber_data::Table::from_csv_reader(
        datasets::CALIFORNIA_HOUSING_CSV.as_bytes(),
        std::path::Path::new("california_housing.csv"),
        &amber_data::CsvOptions::default(),
    )
    .unwrap();
    assert_eq!((housing.n_rows(), housing.n_cols()), (20640, 10));
    assert_eq!(housing.column("total_bedrooms").unwrap().n_missing(), 207);
}
