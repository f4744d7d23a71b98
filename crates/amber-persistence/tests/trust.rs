//! What a file can and cannot make amber believe: forged but self-consistent files, headers that
//! lie about their payload, missing samples, and Ed25519 signatures.

mod common;

use std::path::Path;

use amber_estimators::*;
use amber_persistence::*;
use amber_pipeline::FittedPipeline;
use common::*;

fn saved<T: Persist>(obj: &T, options: &SaveOptions) -> (Header, Vec<u8>) {
    let tmp = scratch();
    let path = tmp.path().join("m.amber");
    let header = save(obj, &path, &SaveOptions { sidecar: false, ..options.clone() }).unwrap();
    (header, std::fs::read(path).unwrap())
}

fn load_pipeline(bytes: &[u8], options: &LoadOptions) -> Result<(FittedPipeline, Header), PersistError> {
    load_bytes_with(bytes, Path::new("forged.amber"), options)
}

fn iris_pipeline() -> FittedPipeline {
    use amber_pipeline::Pipeline;
    Pipeline::new()
        .transformer("scaler", StandardScaler::params())
        .classifier("classifier", LogisticRegression::params())
        .fit(&amber_data::datasets::iris().unwrap().table, "species")
        .unwrap()
}

/// The iris label map reversed: setosa ↔ virginica.
fn reversed(p: &FittedPipeline) -> FittedPipeline {
    let mut q = p.clone();
    let mut labels = q.labels.as_ref().unwrap().labels().to_vec();
    labels.reverse();
    q.labels = Some(amber_data::LabelMap::new(labels).unwrap());
    // The drift reference names the labels too: a consistent forgery renames them there as well.
    let renamed = q.proba_labels().unwrap();
    if let Some(p) = q.reference.as_mut().and_then(|r| r.prediction.as_mut()) {
        p.labels = renamed;
    }
    q
}

#[test]
fn a_reversed_label_map_is_caught_unless_every_part_is_forged_and_then_only_a_signature_catches_it() {
    let model = iris_pipeline();
    let key = SecretKey::from_seed([5; 32]);
    let (header, bytes) = saved(&model, &SaveOptions::default().sign(key.clone()));
    let trusted = LoadOptions::default().trust(key.public_key()).require_signature(true);
    load_pipeline(&bytes, &trusted).unwrap();
    let forged = reversed(&model);

    // Only the payload changed: the header's labels no longer match it.
    let mut h = header.clone();
    h.signature = None;
    let err = load_pipeline(&forge(&h, &cbor(&forged)), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, PersistError::HeaderMismatch { field: "labels", .. }), "{err:?}");

    // Payload and header labels changed: the stored sample's labels catch it.
    h.labels = Some(forged.labels.as_ref().unwrap().labels().to_vec());
    let err = load_pipeline(&forge(&h, &cbor(&forged)), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, PersistError::VerificationFailed { .. }), "{err:?}");

    // Everything forged consistently (sample outputs recomputed): a different, valid model. Without
    // a signature nothing can tell, and amber says so (SECURITY.md): it loads.
    let v = h.verification.as_mut().unwrap();
    v.output = forged.outputs(&v.input).unwrap();
    let input = v.input.clone();
    let file = forge(&h, &cbor(&forged));
    let (loaded, _) = load_pipeline(&file, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.predict(&input).unwrap()[0], "virginica", "setosa row, forged labels");
    // Signed by a trusted key, it is refused: unsigned now, and re-signed by another key.
    assert!(matches!(load_pipeline(&file, &trusted), Err(PersistError::SignatureRequired { .. })));
    let mut resigned = h.clone();
    resigned.signature = header.signature.clone();
    let err = load_pipeline(&forge(&resigned, &cbor(&forged)), &trusted).unwrap_err();
    assert!(matches!(err, PersistError::BadSignature { .. }), "{err:?}");
}

#[test]
fn signatures_hold_for_exactly_the_bytes_signed() {
    let model = logistic();
    let key = SecretKey::from_seed([11; 32]);
    let other = SecretKey::from_seed([12; 32]);
    for level in [None, Some(3)] {
        let options = SaveOptions { compression: level, ..SaveOptions::default() }.sign(key.clone());
        let (header, bytes) = saved(&model, &options);
        let info = header.signature.clone().unwrap();
        assert_eq!((info.algorithm.as_str(), info.key_id.clone()), ("ed25519", key.public_key().key_id()));
        let path = Path::new("signed.amber");
        let load = |b: &[u8], o: &LoadOptions| load_bytes_with::<LogisticRegression>(b, path, o);
        let right = LoadOptions::default().trust(key.public_key());
        let required = right.clone().require_signature(true);

        assert_eq!(load(&bytes, &required).unwrap().0, model);
        assert_eq!(
            load(&bytes, &LoadOptions::default()).unwrap().0,
            model,
            "integrity checked, no trust needed"
        );
        let err = load(&bytes, &LoadOptions::default().trust(other.public_key())).unwrap_err();
        assert!(
            matches!(&err, PersistError::UntrustedSigner { key_id, .. } if *key_id == info.key_id),
            "{err:?}"
        );
        let err = load(&bytes, &LoadOptions::default().require_signature(true)).unwrap_err();
        assert!(matches!(err, PersistError::UntrustedSigner { .. }), "required, but no key trusted: {err:?}");

        // Any changed byte of header or payload (each one in turn), checksum recomputed: never accepted.
        let (h, p) = parts(&bytes);
        for (in_header, len) in [(true, h.len()), (false, p.len())] {
            for i in 0..len {
                let (mut h2, mut p2) = (h.clone(), p.clone());
                let part = if in_header { &mut h2 } else { &mut p2 };
                part[i] ^= 0x01;
                let result = load(&format::encode(&h2, &p2), &required);
                let Err(e) = result else {
                    panic!(
                        "byte {i} of the {} changed and still loaded",
                        if in_header { "header" } else { "payload" }
                    )
                };
                // Refused by name: the signature no longer matches, the header no longer decodes,
                // or its signature field is gone and one is required.
                assert!(
                    matches!(
                        e,
                        PersistError::BadSignature { .. }
                            | PersistError::Decode { .. }
                            | PersistError::SignatureRequired { .. }
                    ),
                    "byte {i}: {e:?}"
                );
            }
        }
        // The signature's own bytes, specifically: BadSignature.
        let mut forged = header.clone();
        let mut sig = info.clone();
        sig.signature.replace_range(0..2, if &sig.signature[0..2] == "00" { "01" } else { "00" });
        forged.signature = Some(sig);
        let file = format::encode(&cbor(&forged), &p);
        assert!(matches!(load(&file, &required), Err(PersistError::BadSignature { .. })));
    }
    // An unsigned file where one is required.
    let (_, unsigned) = saved(&model, &SaveOptions::default());
    let required = LoadOptions::default().trust(key.public_key()).require_signature(true);
    assert!(matches!(
        load_bytes_with::<LogisticRegression>(&unsigned, Path::new("u.amber"), &required),
        Err(PersistError::SignatureRequired { .. })
    ));
}

#[test]
fn key_files_round_trip_and_bad_ones_are_named() {
    let tmp = scratch();
    let key = SecretKey::generate().unwrap();
    let (secret, public) = (tmp.path().join("key.pem"), tmp.path().join("key.pub.pem"));
    std::fs::write(&secret, key.to_pem().unwrap()).unwrap();
    std::fs::write(&public, key.public_key().to_pem().unwrap()).unwrap();
    assert!(std::fs::read_to_string(&public).unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(std::fs::read_to_string(&secret).unwrap().starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(SecretKey::read(&secret).unwrap().public_key(), key.public_key());
    assert_eq!(PublicKey::read(&public).unwrap(), key.public_key());
    assert!(!format!("{key:?}").contains(&key.to_pem().unwrap()[30..60]), "Debug never shows the secret");
    // A public key is not a secret key, garbage is not a key, a directory is not a key file.
    assert!(matches!(SecretKey::read(&public), Err(PersistError::Key { .. })));
    std::fs::write(tmp.path().join("junk.pem"), "hello").unwrap();
    assert!(matches!(PublicKey::read(tmp.path().join("junk.pem")), Err(PersistError::Key { .. })));
    assert!(matches!(PublicKey::read(tmp.path()), Err(PersistError::Key { .. })));
}

#[test]
fn a_header_that_lies_about_its_payload_is_refused_but_inspect_reports_it_as_a_claim() {
    let model = penguins_pipeline();
    let (header, _) = saved(&model, &SaveOptions::default());
    let payload = cbor(&model);
    type Lie = Box<dyn Fn(&mut Header)>;
    let lies: Vec<(&str, Lie)> = vec![
        ("labels", Box::new(|h: &mut Header| h.labels = Some(vec!["cat".into(), "dog".into()]))),
        ("schema", Box::new(|h: &mut Header| h.schema.as_mut().unwrap().columns.truncate(2))),
        ("n_features", Box::new(|h: &mut Header| h.n_features = Some(99))),
        ("steps", Box::new(|h: &mut Header| h.steps.as_mut().unwrap()[0].kind = "standard_scaler".into())),
        (
            "hyperparameters",
            Box::new(|h: &mut Header| h.hyperparameters.as_mut().unwrap()["classifier.C"] = 100.0.into()),
        ),
        ("hyperparameters", Box::new(|h: &mut Header| h.hyperparameters = None)),
    ];
    for (field, lie) in lies {
        let mut h = header.clone();
        lie(&mut h);
        let file = forge(&h, &payload);
        // inspect shows the claim as it is: it decodes no payload.
        let claimed = inspect_bytes(&file, Path::new("lie.amber")).unwrap();
        assert_eq!(cbor(&claimed.labels), cbor(&h.labels));
        match load_pipeline(&file, &LoadOptions::default()) {
            Err(PersistError::HeaderMismatch { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // The payload's digest must be the one declared.
    let mut h = header.clone();
    let file = {
        let mut f = forge(&h, &payload);
        h.payload_sha256 = Some("00".repeat(32));
        let (_, p) = parts(&f);
        f = format::encode(&cbor(&h), &p);
        f
    };
    assert!(matches!(
        load_pipeline(&file, &LoadOptions::default()),
        Err(PersistError::HeaderMismatch { field: "payload_sha256", .. })
    ));
}

#[test]
fn a_missing_sample_is_an_error_unless_allowed() {
    let model = tree();
    let (mut header, _) = saved(&model, &SaveOptions::default());
    header.verification = None;
    let file = forge(&header, &cbor(&model));
    let path = Path::new("nosample.amber");
    assert!(matches!(
        load_bytes::<DecisionTreeClassifier>(&file, path),
        Err(PersistError::MissingSample { .. })
    ));
    let lenient = LoadOptions::default().allow_missing_sample(true);
    assert_eq!(load_bytes_with::<DecisionTreeClassifier>(&file, path, &lenient).unwrap().0, model);
}

/// Paths that are not regular files are refused before they are opened for reading: a FIFO
/// would block forever, `/dev/zero` would grow without limit.
#[cfg(unix)]
#[test]
fn only_regular_files_are_read() {
    let tmp = scratch();
    let fifo = tmp.path().join("model.amber");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        assert!(matches!(load::<LogisticRegression>(&fifo), Err(PersistError::NotAFile { .. })));
        assert!(matches!(inspect(&fifo), Err(PersistError::NotAFile { .. })));
    } else {
        println!("skipped the FIFO case: mkfifo is not available");
    }
    for path in ["/dev/zero", "/dev/null"] {
        if Path::new(path).exists() {
            assert!(matches!(verify(path), Err(PersistError::NotAFile { .. })), "{path}");
        }
    }
    assert!(matches!(load::<LogisticRegression>(tmp.path()), Err(PersistError::NotAFile { .. })));
    // A file larger than the options allow is refused by its size, before it is read.
    let big = tmp.path().join("big.amber");
    std::fs::File::create(&big).unwrap().set_len(8 << 20).unwrap();
    let small = LoadOptions::default().max_payload_size(1 << 20);
    assert!(matches!(
        load_with::<LogisticRegression>(&big, &small),
        Err(PersistError::TooLarge { what: "file", .. })
    ));
}

/// A fitted pipeline records every hyperparameter in its payload (format 1.3); the header carries
/// them by path, automatically, and a caller cannot make the header say otherwise.
#[test]
fn a_pipelines_hyperparameters_travel_with_it() {
    let model = penguins_pipeline();
    let params = model.params();
    assert!(params.len() > 10, "{params:?}");
    assert_eq!(params["classifier.C"], 1.0);
    assert_eq!(params["pre.numeric.imputer.strategy"], "median");
    let (header, bytes) = saved(&model, &SaveOptions::default());
    assert_eq!(header.hyperparameters, Some(serde_json::to_value(&params).unwrap()));
    let (loaded, _) = load_pipeline(&bytes, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.params(), params);
    let tmp = scratch();
    let other = SaveOptions::default().hyperparameters(&serde_json::json!({"classifier.C": 5.0}));
    assert!(matches!(
        save(&model, tmp.path().join("x.amber"), &other),
        Err(PersistError::InvalidOption { name: "hyperparameters", .. })
    ));
    // The same ones may be passed.
    save(&model, tmp.path().join("y.amber"), &SaveOptions::default().hyperparameters(&params)).unwrap();
    // Recorded hyperparameters that describe other steps are an invalid pipeline.
    let mut forged = model.clone();
    forged.spec.as_mut().unwrap().classifier.as_mut().unwrap().name = "model".into();
    let mut h = header.clone();
    h.hyperparameters = Persist::hyperparameters(&forged);
    let err = load_pipeline(&forge(&h, &cbor(&forged)), &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(&err, PersistError::InvalidModel { reason, .. } if reason.contains("other steps")),
        "{err}"
    );
}
