//! Files that are damaged, truncated, forged or from the future: each gets its own named error,
//! never a panic, and no allocation grows past a bound.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell as StdCell;
use std::path::Path;
use std::sync::atomic::Ordering;

use amber_estimators::*;
use amber_persistence::*;
use amber_pipeline::FittedPipeline;
use common::*;
use proptest::prelude::*;

/// Records, per thread, the largest single allocation request, to show that lengths read from a
/// file never become allocations by themselves.
struct Tracking;
thread_local!(static LARGEST_HERE: StdCell<usize> = const { StdCell::new(0) });
fn note(size: usize) {
    let _ = LARGEST_HERE.try_with(|l| l.set(l.get().max(size)));
}
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The per-thread record, as `LARGEST.store(0)` / `LARGEST.load()`.
struct Largest;
impl Largest {
    fn store(&self, v: usize, _: Ordering) {
        LARGEST_HERE.with(|l| l.set(v));
    }
    fn load(&self, _: Ordering) -> usize {
        LARGEST_HERE.with(StdCell::get)
    }
}
static LARGEST: Largest = Largest;
#[global_allocator]
static GLOBAL: Tracking = Tracking;

const P: &str = "model.amber";

fn saved<T: Persist>(obj: &T, level: Option<i32>) -> Vec<u8> {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let path = dir.join(P);
    save(obj, &path, &SaveOptions { compression: level, sidecar: false, ..SaveOptions::default() }).unwrap();
    std::fs::read(path).unwrap()
}

fn load_lr(bytes: &[u8]) -> Result<(LogisticRegression, Header), PersistError> {
    load_bytes(bytes, Path::new(P))
}

#[test]
fn framing_errors_are_named() {
    let good = saved(&logistic(), None);
    load_lr(&good).unwrap();

    let mut bad = good.clone();
    bad[1] = b'X';
    assert!(matches!(load_lr(&bad), Err(PersistError::BadMagic { .. })));
    assert!(matches!(load_lr(b"PK\x03\x04 a zip file"), Err(PersistError::BadMagic { .. })));

    // Every truncation is Truncated (or BadMagic for nothing at all matching), naming the part.
    for len in 0..good.len() {
        match load_lr(&good[..len]) {
            Err(PersistError::Truncated { part, .. }) => assert!(!part.is_empty()),
            other => panic!("truncated to {len}: {other:?}"),
        }
    }

    let mut bad = good.clone();
    bad.extend_from_slice(b"extra");
    assert!(matches!(load_lr(&bad), Err(PersistError::TrailingBytes { count: 5, .. })));

    let mut bad = good.clone();
    bad[8..10].copy_from_slice(&(FORMAT_MAJOR + 1).to_le_bytes());
    match load_lr(&bad) {
        Err(e @ PersistError::UnsupportedFormat { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("{}.{FORMAT_MINOR}", FORMAT_MAJOR + 1))
                    && msg.contains(&format!("{FORMAT_MAJOR}.")),
                "{msg}"
            );
        }
        other => panic!("expected UnsupportedFormat, got {other:?}"),
    }

    let mut bad = good.clone();
    bad[12..16].copy_from_slice(&(HEADER_CAP as u32 + 1).to_le_bytes());
    assert!(matches!(load_lr(&bad), Err(PersistError::HeaderTooLarge { .. })));

    // A flipped bit anywhere after the magic and lengths: the checksum catches it.
    let h = parts(&good).0.len();
    for i in [16, 16 + h / 2, 16 + h + 8, good.len() - 40, good.len() - 1] {
        let mut bad = good.clone();
        bad[i] ^= 0x10;
        assert!(matches!(load_lr(&bad), Err(PersistError::ChecksumMismatch { .. })), "bit flip at {i}");
    }
}

#[test]
fn forged_files_with_valid_checksums_are_still_checked() {
    let good = saved(&logistic(), None);
    let (header_bytes, payload) = parts(&good);
    let header: Header = ciborium::from_reader(header_bytes.as_slice()).unwrap();

    // Unknown compression.
    let mut h = header.clone();
    h.compression = Compression { method: "lz4".into(), level: 1 };
    let err = load_lr(&format::encode(&cbor(&h), &payload)).unwrap_err();
    assert!(matches!(&err, PersistError::UnknownCompression { name, .. } if name == "lz4"), "{err:?}");

    // An impossible model: coefficient rows that do not fit the classes.
    let mut model = logistic();
    model.intercept.pop();
    let err = load_lr(&forge(&header, &cbor(&model))).unwrap_err();
    assert!(matches!(err, PersistError::InvalidModel { .. }), "{err:?}");

    // A tree with a cycle.
    let t = saved(&tree(), None);
    let (th, _) = parts(&t);
    let th: Header = ciborium::from_reader(th.as_slice()).unwrap();
    let mut cyclic = tree();
    cyclic.tree.right[1] = 0; // split 1 points back at the root
    let err = load_bytes::<DecisionTreeClassifier>(&forge(&th, &cbor(&cyclic)), Path::new(P)).unwrap_err();
    assert!(matches!(err, PersistError::InvalidModel { .. }), "{err:?}");

    // A valid model that is not the one whose predictions were stored: verification names the row.
    let other = LogisticRegression::params().c(0.01).fit(iris_xy().0.view(), &iris_xy().1).unwrap();
    match load_lr(&forge(&header, &cbor(&other))) {
        Err(e @ PersistError::VerificationFailed { row: 0, .. }) => {
            assert!(e.to_string().contains("sample row 0"), "{e}")
        }
        other => panic!("expected VerificationFailed, got {other:?}"),
    }
    // Stored outputs changed at row 2 only: the first differing row is 2.
    let mut h = header.clone();
    let v = h.verification.as_mut().unwrap();
    v.output[2][0] = Cell::Number(-1.0);
    let err = load_lr(&format::encode(&cbor(&h), &payload)).unwrap_err();
    assert!(matches!(err, PersistError::VerificationFailed { row: 2, .. }), "{err:?}");

    // Payload size that lies.
    let mut h = header.clone();
    h.payload_size += 1;
    assert!(matches!(
        load_lr(&format::encode(&cbor(&h), &payload)),
        Err(PersistError::Decode { part: "payload", .. })
    ));

    // Garbage where the header should be.
    assert!(matches!(
        load_lr(&format::encode(b"\xff\x00garbage", &payload)),
        Err(PersistError::Decode { part: "header", .. })
    ));
}

#[test]
fn zstd_bomb_stops_at_the_declared_size() {
    let good = saved(&logistic(), Some(3));
    let (header_bytes, _) = parts(&good);
    let mut header: Header = ciborium::from_reader(header_bytes.as_slice()).unwrap();
    // 256 MiB of zeros compresses to a few KiB; the header claims 1 KiB.
    LARGEST.store(0, Ordering::Relaxed);
    let bomb = zstd::bulk::compress(&vec![0u8; 256 << 20], 19).unwrap();
    header.payload_size = 1024;
    assert!(LARGEST.load(Ordering::Relaxed) >= 256 << 20, "the tracker saw the 256 MiB buffer");
    LARGEST.store(0, Ordering::Relaxed);
    let err = load_lr(&format::encode(&cbor(&header), &bomb)).unwrap_err();
    assert!(matches!(err, PersistError::Decode { part: "payload", .. }), "{err:?}");
    assert!(
        LARGEST.load(Ordering::Relaxed) < 16 << 20,
        "allocated {} bytes",
        LARGEST.load(Ordering::Relaxed)
    );
    // A declared size over the cap is refused before decompressing.
    header.payload_size = PAYLOAD_CAP + 1;
    assert!(matches!(load_lr(&format::encode(&cbor(&header), &bomb)), Err(PersistError::TooLarge { .. })));
}

/// A mutation of a real file.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    FlipBit(usize, u8),
    SetByte(usize, u8),
    /// Overwrite 8 bytes with a little-endian length (lengths are where allocations come from).
    Length(usize, u64),
    /// Mutate the header or payload, then fix the checksum so decoding itself is exercised.
    Reframe {
        in_header: bool,
        at: usize,
        byte: u8,
        truncate: Option<usize>,
    },
}

fn apply(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let n = bytes.len();
    let mut b = bytes.to_vec();
    match *m {
        Mutation::Truncate(len) => b.truncate(len % (n + 1)),
        Mutation::FlipBit(i, bit) => b[i % n] ^= 1 << (bit % 8),
        Mutation::SetByte(i, v) => b[i % n] = v,
        Mutation::Length(i, v) => {
            let i = i % (n - 8);
            b[i..i + 8].copy_from_slice(&v.to_le_bytes());
        }
        Mutation::Reframe { in_header, at, byte, truncate } => {
            let (mut h, mut p) = parts(bytes);
            let part = if in_header { &mut h } else { &mut p };
            if !part.is_empty() {
                let i = at % part.len();
                part[i] = byte;
            }
            if let Some(t) = truncate {
                part.truncate(t % (part.len() + 1));
            }
            b = format::encode(&h, &p);
        }
    }
    b
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, v)| Mutation::SetByte(i, v)),
        (any::<usize>(), prop_oneof![Just(u64::MAX), Just(1 << 40), 0u64..100_000])
            .prop_map(|(i, v)| Mutation::Length(i, v)),
        (any::<bool>(), any::<usize>(), any::<u8>(), proptest::option::of(any::<usize>()))
            .prop_map(|(in_header, at, byte, truncate)| Mutation::Reframe { in_header, at, byte, truncate }),
    ]
}

/// Loading a mutated file: Ok with a model that validates and reproduces its sample, or a named
/// error. Never a panic; no single allocation larger than the bound.
fn check<T: Persist>(bytes: &[u8]) -> Result<(), TestCaseError> {
    LARGEST.store(0, Ordering::Relaxed);
    let result =
        std::panic::catch_unwind(|| load_bytes::<T>(bytes, Path::new(P)).map(|(obj, _)| obj.check()));
    let largest = LARGEST.load(Ordering::Relaxed);
    prop_assert!(result.is_ok(), "load panicked");
    if let Ok(Ok(checked)) = result {
        prop_assert!(checked.is_ok(), "a loaded model failed validation");
    }
    prop_assert!(largest <= 16 << 20, "an allocation of {largest} bytes");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_logistic_files(m in mutation(), compressed: bool) {
        thread_local!(static BASES: [Vec<u8>; 2] = [saved(&logistic(), None), saved(&logistic(), Some(3))]);
        BASES.with(|b| check::<LogisticRegression>(&apply(&b[usize::from(compressed)], &m)))?;
    }

    #[test]
    fn mutated_tree_files(m in mutation()) {
        thread_local!(static BASE: Vec<u8> = saved(&tree(), None));
        BASE.with(|base| check::<DecisionTreeClassifier>(&apply(base, &m)))?;
    }

    #[test]
    fn mutated_pipeline_files(m in mutation()) {
        thread_local!(static BASE: Vec<u8> = saved(&penguins_pipeline(), Some(1)));
        BASE.with(|base| check::<FittedPipeline>(&apply(base, &m)))?;
    }
}

/// Forgeries: a payload byte changed (or a cut), with size, digest and checksum recomputed as a
/// forger would. Loading either fails with a named error, or returns a model whose header agrees
/// with its payload and whose predictions on the stored sample equal the recorded ones.
fn check_forgery<T: Persist>(
    base: &[u8],
    at: usize,
    byte: u8,
    cut: Option<usize>,
) -> Result<(), TestCaseError> {
    let (header_bytes, stored) = parts(base);
    let header: Header = ciborium::from_reader(header_bytes.as_slice()).unwrap();
    // The plain payload (files may be compressed).
    let mut plain = match header.compression.method.as_str() {
        "zstd" => zstd::bulk::decompress(&stored, header.payload_size as usize).unwrap(),
        _ => stored,
    };
    let i = at % plain.len();
    plain[i] = byte;
    if let Some(c) = cut {
        plain.truncate(c % (plain.len() + 1));
    }
    let mut h = header.clone();
    h.compression = Compression::none();
    h.payload_size = plain.len() as u64;
    h.payload_sha256 = Some(sha256_hex(&plain));
    let file = format::encode(&cbor(&h), &plain);
    let result = std::panic::catch_unwind(|| load_bytes::<T>(&file, Path::new(P)));
    prop_assert!(result.is_ok(), "load panicked");
    if let Ok(Ok((obj, loaded))) = result {
        prop_assert_eq!(cbor(&loaded.labels), cbor(&obj.labels()), "labels");
        prop_assert_eq!(cbor(&loaded.schema), cbor(&obj.schema()), "schema");
        prop_assert_eq!(loaded.n_features, obj.n_features(), "n_features");
        let v = loaded.verification.as_ref().unwrap();
        let outputs = obj.outputs(&v.input).unwrap();
        prop_assert_eq!(outputs.len(), v.output.len());
        for (row, (a, b)) in outputs.iter().zip(&v.output).enumerate() {
            prop_assert_eq!(a.len(), b.len(), "row {}", row);
            for (x, y) in a.iter().zip(b) {
                let same = match (x, y) {
                    (Cell::Number(x), Cell::Number(y)) => {
                        (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0)
                    }
                    _ => x == y,
                };
                prop_assert!(same, "row {}: {:?} vs {:?}", row, x, y);
            }
        }
    }
    Ok(())
}

macro_rules! forgery_tests {
    ($($name:ident: $ty:ty = $make:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]
            $(
                #[test]
                fn $name(at in any::<usize>(), byte in any::<u8>(), cut in proptest::option::weighted(0.1, any::<usize>())) {
                    thread_local!(static BASE: Vec<u8> = saved(&$make, Some(1)));
                    BASE.with(|base| check_forgery::<$ty>(base, at, byte, cut))?;
                }
            )*
        }
    };
}

forgery_tests! {
    forged_logistic: LogisticRegression = logistic();
    forged_tree: DecisionTreeClassifier = tree();
    forged_forest: RandomForestClassifier = forest(3);
    forged_svc: SVC = svc();
    forged_classifier: amber_pipeline::FittedClassifier = amber_pipeline::FittedClassifier::DecisionTreeClassifier(tree());
    forged_standard_scaler: StandardScaler = StandardScaler::params().fit(&iris_features()).unwrap();
    forged_min_max_scaler: MinMaxScaler = MinMaxScaler::params().fit(&iris_features()).unwrap();
    forged_imputer: SimpleImputer = SimpleImputer::params()
        .strategy(ImputeStrategy::MostFrequent)
        .fit(&amber_data::datasets::penguins().unwrap().table)
        .unwrap();
    forged_one_hot: OneHotEncoder = OneHotEncoder::params()
        .fit(&amber_data::datasets::penguins().unwrap().table.select(&["island", "species"]).unwrap())
        .unwrap();
    forged_pipeline: FittedPipeline = penguins_pipeline();
}

/// FORMAT.md's compatibility promises, each of which a plausible bug would break: any minor
/// version of this major loads; the checksum covers the version fields too; unknown header fields
/// are ignored; `save` re-loads what it wrote by default; `verify` on a kind it does not know is a
/// named header error.
#[test]
fn format_compatibility_promises_hold() {
    use sha2::Digest;
    let good = saved(&logistic(), None);
    let reframed = |minor: u16| {
        let mut bytes = good.clone();
        bytes[10..12].copy_from_slice(&minor.to_le_bytes());
        let end = bytes.len() - 32;
        let sum = sha2::Sha256::digest(&bytes[..end]);
        bytes[end..].copy_from_slice(&sum);
        bytes
    };
    // "format minor: any value loads", below and above this reader's.
    for minor in [0, FORMAT_MINOR + 1, u16::MAX] {
        load_lr(&reframed(minor)).unwrap_or_else(|e| panic!("minor {minor}: {e}"));
    }
    // The checksum covers bytes 0..16 too: a changed minor version without a new checksum is caught.
    let mut bad = good.clone();
    bad[10] ^= 1;
    assert!(matches!(load_lr(&bad), Err(PersistError::ChecksumMismatch { .. })));

    // "unknown fields are ignored": a header from a newer minor version with a field this reader
    // has never heard of.
    let (header_bytes, payload) = parts(&good);
    let mut value: ciborium::Value = ciborium::from_reader(header_bytes.as_slice()).unwrap();
    let ciborium::Value::Map(entries) = &mut value else { panic!("the header is a map") };
    entries.push((ciborium::Value::Text("added_in_1_9".into()), ciborium::Value::Integer(7.into())));
    let (model, header) = load_lr(&format::encode(&cbor(&value), &payload)).unwrap();
    assert_eq!(model, logistic());
    assert_eq!(header.kind, "logistic_regression");

    // "by default re-loads the file it wrote".
    assert!(SaveOptions::default().verify_after_save);

    // A kind no reader knows: `verify` names the header, and the kind, bounded.
    let header: Header = ciborium::from_reader(header_bytes.as_slice()).unwrap();
    let mut alien = header.clone();
    alien.kind = format!("alien_{}", "x".repeat(500));
    let tmp = scratch();
    let path = tmp.path().join("alien.amber");
    std::fs::write(&path, forge(&alien, &payload)).unwrap();
    match verify(&path) {
        Err(e @ PersistError::Decode { part: "header", .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("unknown kind \"alien_") && msg.len() < 400, "{msg}");
        }
        other => panic!("expected a header error, got {other:?}"),
    }
    // Asking for a type is a wrong-kind error naming both.
    match load_bytes::<DecisionTreeClassifier>(&forge(&header, &payload), Path::new(P)) {
        Err(PersistError::WrongKind { expected, found, .. }) => {
            assert_eq!((expected, found.as_str()), ("decision_tree_classifier", "logistic_regression"));
        }
        other => panic!("expected WrongKind, got {other:?}"),
    }
}
