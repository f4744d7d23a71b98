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
    assert_eq!(listed.len(), 4, "README lists four checksums");
    let embedded = [
        ("iris.csv", amber_data::datasets::IRIS_CSV),
        ("breast_cancer.csv", amber_data::datasets::BREAST_CANCER_CSV),
        ("penguins.csv", amber_data::datasets::PENGUINS_CSV),
        ("telco_churn.csv", amber_data::datasets::TELCO_CHURN_CSV),
    ];
    for (sum, file) in listed {
        let on_disk = std::fs::read(root.join(file)).unwrap();
        assert_eq!(hex(&on_disk), sum, "{file} on disk");
        let text = embedded.iter().find(|(f, _)| *f == file).unwrap().1;
        assert_eq!(hex(text.as_bytes()), sum, "{file} embedded");
    }
}
