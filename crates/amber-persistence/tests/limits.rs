//! Every documented limit, exactly at its boundary: the largest accepted value loads (or fails
//! for another, named reason), one more is refused with the limit's own error and figures.
//! Expected sizes come from FORMAT.md's framing, not from the code under test.

mod common;

use std::path::Path;

use amber_data::{Column, Table};
use amber_estimators::*;
use amber_persistence::*;
use common::*;
use ndarray::Array2;

/// Bytes before the header: magic, major, minor, header length.
const PREFIX: usize = 8 + 2 + 2 + 4;

fn no_sidecar() -> SaveOptions {
    SaveOptions { sidecar: false, ..SaveOptions::default() }
}

/// The iris logistic regression saved in `tmp`: its path and bytes.
fn saved_logistic(tmp: &tempfile::TempDir) -> (std::path::PathBuf, Vec<u8>) {
    let path = tmp.path().join("lr.amber");
    save(&logistic(), &path, &no_sidecar()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

/// A logistic regression over `n_features` columns `x0…`, fitted on 60 seeded rows.
fn wide_logistic(n_features: usize) -> LogisticRegression {
    let mut state = 12345u64;
    let x = Array2::from_shape_fn((60, n_features), |_| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    });
    let y: Vec<usize> = (0..60).map(|i| i % 2).collect();
    LogisticRegression::params().max_iter(5).fit(x.view(), &y).unwrap()
}

fn sample(rows: usize, columns: usize) -> Table {
    Table::new((0..columns).map(|j| (format!("x{j}"), Column::Numeric(vec![0.5; rows]))).collect()).unwrap()
}

/// A verification sample of exactly 256 rows, or of exactly 65,536 cells, is saved and loaded;
/// 257 rows, or 256 rows of 257 columns, is `SampleTooLarge` when saving.
#[test]
fn verification_samples_up_to_the_documented_size_are_accepted() {
    assert_eq!((MAX_SAMPLE_ROWS, MAX_SAMPLE_CELLS), (256, 65_536));
    let tmp = scratch();
    let narrow = wide_logistic(2);
    let path = tmp.path().join("rows.amber");
    save(&narrow, &path, &no_sidecar().sample(sample(256, 2))).unwrap();
    let (_, header) = load_with::<LogisticRegression>(&path, &LoadOptions::default()).unwrap();
    assert_eq!(header.verification.unwrap().input.n_rows(), 256);
    let e = save(&narrow, &path, &no_sidecar().sample(sample(257, 2))).unwrap_err();
    assert!(matches!(e, PersistError::SampleTooLarge { rows: 257, .. }), "{e}");

    let square = wide_logistic(256);
    let path = tmp.path().join("cells.amber");
    save(&square, &path, &no_sidecar().sample(sample(256, 256))).unwrap();
    load::<LogisticRegression>(&path).unwrap();
    let wider = wide_logistic(257);
    let e = save(&wider, &path, &no_sidecar().sample(sample(256, 257))).unwrap_err();
    assert!(matches!(e, PersistError::SampleTooLarge { rows: 256, columns: 257, .. }), "{e}");
}

/// A payload of exactly `max_payload_size` decoded bytes loads; one byte less allowed is
/// `TooLarge` naming the declared payload.
#[test]
fn a_payload_of_exactly_the_allowed_size_loads() {
    let tmp = scratch();
    let path = tmp.path().join("lr.amber");
    let header = save(&logistic(), &path, &no_sidecar()).unwrap();
    let size = header.payload_size;
    load_with::<LogisticRegression>(&path, &LoadOptions::default().max_payload_size(size)).unwrap();
    let e = load_with::<LogisticRegression>(&path, &LoadOptions::default().max_payload_size(size - 1))
        .unwrap_err();
    assert!(
        matches!(e, PersistError::TooLarge { what: "declared payload", size: s, limit, .. } if s == size && limit == size - 1),
        "{e}"
    );
}

/// The header may take exactly `HEADER_CAP` bytes: such a file is saved and loads. One byte
/// more is refused when saving and, in a forged file, when loading.
#[test]
fn a_header_of_exactly_the_cap_is_written_and_read() {
    let tmp = scratch();
    let path = tmp.path().join("big-header.amber");
    let header_len = |bytes: &[u8]| u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as u64;
    // A long description, then lengthened by exactly what is missing to the cap (CBOR's length
    // prefix of a text over 64 KiB is 5 bytes either way).
    let text = "x".repeat(900_000);
    save(&logistic(), &path, &no_sidecar().description(&text)).unwrap();
    let missing = HEADER_CAP - header_len(&std::fs::read(&path).unwrap());
    let exact = "x".repeat(900_000 + missing as usize);
    save(&logistic(), &path, &no_sidecar().description(&exact)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(header_len(&bytes), HEADER_CAP);
    let (_, h) = load_with::<LogisticRegression>(&path, &LoadOptions::default()).unwrap();
    assert_eq!(h.description.len(), exact.len());

    let over = format!("{exact}x");
    let e = save(&logistic(), tmp.path().join("over.amber"), &no_sidecar().description(&over)).unwrap_err();
    assert!(
        matches!(e, PersistError::HeaderTooLarge { length, cap: HEADER_CAP, .. } if length == HEADER_CAP + 1),
        "{e}"
    );
    // The same header one byte longer, framed by hand.
    let (mut header, payload) = parts(&bytes);
    header.push(0);
    let e = load_bytes::<LogisticRegression>(&format::encode(&header, &payload), Path::new("over.amber"))
        .unwrap_err();
    assert!(matches!(e, PersistError::HeaderTooLarge { length, .. } if length == HEADER_CAP + 1), "{e}");
}

/// A truncated file reports the bytes that were really there.
#[test]
fn truncation_reports_what_is_available() {
    let tmp = scratch();
    let (_, bytes) = saved_logistic(&tmp);
    let (header, _) = parts(&bytes);
    // Cut in the middle of the header: the header needs its declared length, 10 bytes are left.
    let cut = &bytes[..PREFIX + 10];
    let e = load_bytes::<LogisticRegression>(cut, Path::new("cut.amber")).unwrap_err();
    assert!(
        matches!(e, PersistError::Truncated { part: "header", offset: 16, needed, available: 10, .. } if needed == header.len() as u64),
        "{e}"
    );
}

/// Files are refused by their size, before they are read, above
/// `56 + HEADER_CAP + P + P / 64 + 4096` bytes for `P = max_payload_size` (FORMAT.md, "Loading").
/// A file of exactly that size is read (and then refused for its trailing bytes, counted exactly).
#[test]
fn files_are_read_up_to_exactly_the_documented_size() {
    let tmp = scratch();
    let (path, valid) = saved_logistic(&tmp);
    let p = 1_000u64;
    let limit = 56 + HEADER_CAP + p + p / 64 + 4096;
    let options = LoadOptions::default().max_payload_size(p);

    let mut padded = valid.clone();
    padded.resize(limit as usize, 0);
    std::fs::write(&path, &padded).unwrap();
    let e = load_with::<LogisticRegression>(&path, &options).unwrap_err();
    let extra = limit - valid.len() as u64;
    assert!(matches!(e, PersistError::TrailingBytes { count, .. } if count == extra), "{e}");

    padded.push(0);
    std::fs::write(&path, &padded).unwrap();
    let e = load_with::<LogisticRegression>(&path, &options).unwrap_err();
    assert!(
        matches!(e, PersistError::TooLarge { what: "file", size, limit: l, .. } if size == limit + 1 && l == limit),
        "{e}"
    );
}

/// A compressed payload that decompresses to more than its declared size is refused, even when
/// its first `payload_size` bytes are the model (the stream must end there).
#[cfg(feature = "zstd")]
#[test]
fn a_compressed_payload_longer_than_declared_is_refused() {
    let tmp = scratch();
    let path = tmp.path().join("lr.amber");
    save(&logistic(), &path, &no_sidecar().compress(3)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (header, payload) = parts(&bytes);
    let mut plain = zstd::decode_all(payload.as_slice()).unwrap();
    // Unchanged, re-framed: it loads (the re-framing is right).
    let again = zstd::encode_all(plain.as_slice(), 3).unwrap();
    load_bytes::<LogisticRegression>(&format::encode(&header, &again), Path::new("same.amber")).unwrap();
    for extra in [1usize, 2, 4096] {
        plain.extend(std::iter::repeat_n(0u8, extra));
        let longer = zstd::encode_all(plain.as_slice(), 3).unwrap();
        let e = load_bytes::<LogisticRegression>(&format::encode(&header, &longer), Path::new("long.amber"))
            .unwrap_err();
        assert!(matches!(e, PersistError::Decode { part: "payload", .. }), "{extra} extra bytes: {e}");
    }
}

/// Without the `zstd` feature, asking for compression is a named error, not a silent plain file
/// (`.ci/run` runs this file with `--no-default-features`).
#[cfg(not(feature = "zstd"))]
#[test]
fn without_zstd_compression_is_a_named_error() {
    let tmp = scratch();
    let e = save(&logistic(), tmp.path().join("lr.amber"), &no_sidecar().compress(3)).unwrap_err();
    assert!(matches!(e, PersistError::InvalidOption { name: "compression", .. }), "{e}");
    assert!(!tmp.path().join("lr.amber").exists());
}

/// The payload's item budget is FORMAT.md's resource contract, `(32 MiB + 3 × payload bytes) /
/// 48` items: an array of 740,000 one-byte integers (within the budget of its 740,005 bytes) is
/// scanned and then refused as the wrong type; 750,000 is over budget and refused by its count.
#[test]
fn the_payload_item_budget_is_the_documented_one() {
    let (_, bytes) = saved_logistic(&scratch());
    let (header, _) = parts(&bytes);
    let header: Header = ciborium::from_reader(header.as_slice()).unwrap();
    let array = |n: usize| {
        let mut p = vec![0x9a]; // an array with a 4-byte length
        p.extend((n as u32).to_be_bytes());
        p.resize(5 + n, 0x01);
        p
    };
    let budget = |size: u64| (BASE_BUDGET + 3 * size) / 48;
    assert!(740_001 <= budget(740_005) && 750_001 > budget(750_005));
    let e =
        load_bytes::<LogisticRegression>(&forge(&header, &array(740_000)), Path::new("a.amber")).unwrap_err();
    assert!(matches!(e, PersistError::Decode { part: "payload", .. }), "{e}");
    let e =
        load_bytes::<LogisticRegression>(&forge(&header, &array(750_000)), Path::new("b.amber")).unwrap_err();
    assert!(matches!(e, PersistError::TooComplex { part: "payload", .. }), "{e}");
}
