//! The registry in an S3-compatible store (feature `s3`), against a real server on loopback
//! (`s3s-fs`; see `s3s/mod.rs` for what happens without it): the same promises as a directory's
//! registry, versions claimed by conditional creation, bounded reads of what the store returns,
//! and store failures as named errors.

mod common;
mod s3s;

use amber_estimators::{DecisionTreeClassifier, LogisticRegression};
use amber_persistence::*;
use common::*;
use s3s::S3Server;

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn fingerprinted(metric: f64) -> SaveOptions {
    SaveOptions::default()
        .dataset("iris", &iris_features())
        .evaluation("KFold(5)")
        .metric("cv_accuracy", metric)
}

fn connect(server: &S3Server, prefix: &str) -> std::result::Result<Registry, PersistError> {
    Registry::connect_with(&server.url(prefix), &server.config())
}

#[test]
fn a_bucket_is_a_registry_like_a_directory() -> Result {
    let Some(server) = S3Server::start("a_bucket_is_a_registry_like_a_directory", "models")? else {
        return Ok(());
    };
    let registry = connect(&server, "team/iris")?;
    assert_eq!(registry.dir().to_str(), Some("s3://models/team/iris"));
    assert!(registry.models()?.is_empty());

    let v1 = registry.register("iris", &tree(), &fingerprinted(0.95))?;
    let v2 = registry.register("iris", &logistic(), &fingerprinted(0.97))?;
    assert_eq!((v1.version, v2.version), (1, 2));
    // The identical model again is v1, not a new version.
    assert_eq!(registry.register("iris", &tree(), &fingerprinted(0.95))?.version, 1);
    let file = v2.path.file_name().ok_or("no file name")?.to_string_lossy().into_owned();
    assert!(file.starts_with("iris_logistic_regression_v2_"), "{file}");
    assert_eq!(v2.path.to_str(), Some(format!("s3://models/team/iris/{file}").as_str()));
    // The objects are where the layout says, under the prefix, with the JSON sidecar.
    for key in [file.clone(), format!("{file}.json"), ".registry/iris/v2.json".to_string()] {
        assert!(server.object_path(&format!("team/iris/{key}")).is_file(), "{key}");
    }

    assert_eq!(registry.models()?, ["iris"]);
    let versions: Vec<u32> = registry.versions("iris")?.iter().map(|v| v.version).collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(registry.get("iris", 2)?.header.metrics.get("cv_accuracy"), Some(&0.97));

    assert_eq!(
        registry.promote_if_better("iris", "champion", 1, "cv_accuracy")?,
        Promotion::Promoted { previous: None }
    );
    assert_eq!(
        registry.promote_if_better("iris", "champion", 2, "cv_accuracy")?,
        Promotion::Promoted { previous: Some(1) }
    );
    assert!(matches!(
        registry.promote_if_better("iris", "champion", 1, "cv_accuracy")?,
        Promotion::Refused { current: 2, .. }
    ));
    assert_eq!(registry.promote_if_better("iris", "champion", 2, "cv_accuracy")?, Promotion::Unchanged);
    let champion = registry.alias("iris", "champion")?.ok_or("no champion")?;
    assert_eq!(champion.version, 2);
    let (loaded, entry) = registry.load_version::<LogisticRegression>("iris", 2)?;
    assert_eq!((loaded, entry.version), (logistic(), 2));
    // The caller names the type: v2 is not a tree.
    assert!(matches!(
        registry.load::<DecisionTreeClassifier>("iris", 2),
        Err(PersistError::WrongKind { .. })
    ));

    // A second client (another machine) sees the same registry.
    let other = connect(&server, "team/iris/")?;
    assert_eq!(other.alias("iris", "champion")?.map(|v| v.version), Some(2));
    registry.set_alias("iris", "baseline", 1)?;
    assert_eq!(other.aliases("iris")?, [("baseline".to_string(), 1), ("champion".to_string(), 2)]);

    // An aliased version cannot be removed; an unaliased one goes with its sidecar and record.
    assert!(
        matches!(other.remove("iris", 2), Err(PersistError::Registry { reason, .. }) if reason.contains("champion"))
    );
    registry.set_alias("iris", "baseline", 2)?;
    other.remove("iris", 1)?;
    assert!(!server
        .object_path(&format!("team/iris/{}", v1.path.file_name().ok_or("no name")?.to_string_lossy()))
        .exists());
    assert_eq!(registry.versions("iris")?.iter().map(|v| v.version).collect::<Vec<_>>(), [2]);
    assert!(registry.listing("iris")?.skipped.is_empty());
    // Another prefix of the same bucket is another registry.
    assert!(connect(&server, "team/penguins")?.models()?.is_empty());
    Ok(())
}

/// A version another machine claimed (its record exists, maybe still empty) is never taken
/// again: the next save claims the next number, and the claim is listed as incomplete.
#[test]
fn a_claimed_version_is_skipped_and_reported() -> Result {
    let Some(server) = S3Server::start("a_claimed_version_is_skipped_and_reported", "models")? else {
        return Ok(());
    };
    let claim = server.object_path(".registry/iris/v1.json");
    std::fs::create_dir_all(claim.parent().ok_or("no parent")?)?;
    std::fs::write(&claim, b"")?;
    let registry = connect(&server, "")?;
    assert_eq!(registry.register("iris", &tree(), &SaveOptions::default())?.version, 2);
    assert_eq!(std::fs::read(&claim)?, b"");
    let listing = registry.listing("iris")?;
    assert_eq!(listing.versions.iter().map(|v| v.version).collect::<Vec<_>>(), [2]);
    assert_eq!(listing.skipped.len(), 1);
    assert_eq!(listing.skipped[0].path.to_str(), Some("s3://models/.registry/iris/v1.json"));
    assert!(listing.skipped[0].reason.contains("incomplete"), "{:?}", listing.skipped);
    Ok(())
}

/// What the store returns is bounded like a file: a record over 64 KiB is skipped without being
/// read whole, a model over the load limit is refused by size, and a record naming another
/// model's file is skipped.
#[test]
fn objects_from_the_store_are_bounded_and_checked() -> Result {
    let Some(server) = S3Server::start("objects_from_the_store_are_bounded_and_checked", "models")? else {
        return Ok(());
    };
    let registry = connect(&server, "")?;
    registry.register("iris", &tree(), &SaveOptions::default())?;
    let big = registry.register("big", &tree(), &SaveOptions::default())?;
    let file = server.object_path(&big.path.file_name().ok_or("no name")?.to_string_lossy());
    // The file grown (sparse) past what a 1-byte payload limit allows: refused by its declared
    // size, before its body is read.
    let limit = 56 + HEADER_CAP + 1 + 4096;
    let grown = limit + (8 << 20);
    std::fs::OpenOptions::new().write(true).open(&file)?.set_len(grown)?;
    let small = registry.clone().with_load_options(LoadOptions::default().max_payload_size(1));
    let err = small.load::<DecisionTreeClassifier>("big", 1).unwrap_err();
    // The whole declared size in the error: refused before reading (a refusal while reading
    // would name the bytes read so far).
    assert!(
        matches!(&err, PersistError::TooLarge { what: "object", size, limit: l, .. } if *size == grown && *l == limit),
        "{err}"
    );
    // With the default limit it is read, and refused for what it is: not the file recorded.
    assert!(matches!(
        registry.load::<DecisionTreeClassifier>("big", 1),
        Err(PersistError::TrailingBytes { .. } | PersistError::ChecksumMismatch { .. })
    ));

    std::fs::write(server.object_path(".registry/iris/v2.json"), vec![b' '; (64 << 10) + 1])?;
    let record = serde_json::json!({"name": "other", "version": 3, "algorithm": "x", "file": "x.amber", "payload_sha256": null});
    std::fs::write(server.object_path(".registry/iris/v3.json"), serde_json::to_vec(&record)?)?;
    // Exactly 64 KiB (v1's record renumbered, padded with JSON whitespace): read, a version.
    let mut exact: serde_json::Value =
        serde_json::from_slice(&std::fs::read(server.object_path(".registry/iris/v1.json"))?)?;
    exact["version"] = 4.into();
    let mut exact = serde_json::to_vec(&exact)?;
    exact.resize(64 << 10, b' ');
    std::fs::write(server.object_path(".registry/iris/v4.json"), &exact)?;
    let listing = registry.listing("iris")?;
    assert_eq!(listing.versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 4]);
    let reasons: Vec<&str> = listing.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("at most 65536"), "{reasons:?}");
    assert!(reasons[1].contains("another model or version"), "{reasons:?}");
    Ok(())
}

#[test]
fn a_registry_in_a_bucket_can_require_signatures() -> Result {
    let Some(server) = S3Server::start("a_registry_in_a_bucket_can_require_signatures", "models")? else {
        return Ok(());
    };
    let key = SecretKey::from_seed([5; 32]);
    let strict = LoadOptions::default().trust(key.public_key()).require_signature(true);
    let unsigned = connect(&server, "")?.register("iris", &tree(), &SaveOptions::default())?;
    let registry = connect(&server, "")?.with_load_options(strict);
    assert!(matches!(
        registry.load::<DecisionTreeClassifier>("iris", unsigned.version),
        Err(PersistError::SignatureRequired { .. })
    ));
    let signed = registry.register("iris", &logistic(), &SaveOptions::default().sign(key))?;
    assert_eq!(registry.load::<LogisticRegression>("iris", signed.version)?, logistic());
    Ok(())
}

/// A store that is not there, refuses the credentials or has no such bucket is a `Store` error
/// naming the location, in seconds (not object_store's default three minutes of retries).
#[test]
fn store_failures_are_named_errors() -> Result {
    let Some(server) = S3Server::start("store_failures_are_named_errors", "models")? else {
        return Ok(());
    };
    let mut wrong_secret = server.config();
    wrong_secret.retain(|(k, _)| *k != "aws_secret_access_key");
    wrong_secret.push(("aws_secret_access_key", "not-the-secret"));
    let refused = Registry::connect_with(&server.url(""), &wrong_secret)?.models().unwrap_err();
    assert!(
        matches!(&refused, PersistError::Store { location, action: "list", .. } if location == "s3://models/.registry"),
        "{refused}"
    );

    let no_bucket = Registry::connect_with("s3://no-such-bucket", &server.config())?;
    let err = no_bucket.register("iris", &tree(), &SaveOptions::default()).unwrap_err();
    assert!(matches!(&err, PersistError::Store { .. }), "{err}");

    // Port 1 (tcpmux): nothing listens there, and no test server can take it (ports from 1024).
    let endpoint = "http://127.0.0.1:1".to_string();
    let mut down = server.config();
    down.retain(|(k, _)| *k != "aws_endpoint");
    down.push(("aws_endpoint", &endpoint));
    let started = std::time::Instant::now();
    let err = Registry::connect_with(&server.url(""), &down)?.alias("iris", "champion").unwrap_err();
    assert!(
        matches!(&err, PersistError::Store { location, action: "read", .. } if location == "s3://models/aliases/iris.champion.json"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());

    for bad in ["s3://", "s3://UPPER", "s3://models/../x", "s3://models/a b"] {
        assert!(
            matches!(
                Registry::connect_with(bad, &[]),
                Err(PersistError::InvalidOption { name: "registry", .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        Registry::connect_with("s3://models", &[("no_such_option", "1")]),
        Err(PersistError::InvalidOption { .. })
    ));
    Ok(())
}

/// A foreign object already where the next version's file would go (same name, same UTC second)
/// is never overwritten: the save is refused by name and its claim released. Objects are placed
/// for every second of the next minute, so the save cannot miss them.
#[test]
fn a_foreign_object_with_the_versions_name_is_not_overwritten() -> Result {
    let Some(server) =
        S3Server::start("a_foreign_object_with_the_versions_name_is_not_overwritten", "models")?
    else {
        return Ok(());
    };
    let registry = connect(&server, "")?;
    let now = std::time::SystemTime::now();
    let stamps: Vec<String> = (0..60)
        .map(|s| {
            let at = now + std::time::Duration::from_secs(s);
            humantime::format_rfc3339_seconds(at)
                .to_string()
                .chars()
                .filter(|c| *c != '-' && *c != ':')
                .collect()
        })
        .collect();
    for stamp in &stamps {
        std::fs::write(
            server.object_path(&format!("iris_decision_tree_classifier_v1_{stamp}.amber")),
            b"foreign",
        )?;
    }
    let err = registry.register("iris", &tree(), &SaveOptions::default()).unwrap_err();
    assert!(
        matches!(&err, PersistError::Registry { reason, .. } if reason.contains("already exists")),
        "{err}"
    );
    assert!(!server.object_path(".registry/iris/v1.json").exists(), "the claim is released");
    for stamp in &stamps {
        let path = server.object_path(&format!("iris_decision_tree_classifier_v1_{stamp}.amber"));
        assert_eq!(std::fs::read(path)?, b"foreign");
    }
    Ok(())
}
