//! The resource contract of FORMAT.md, measured: for `load`, `inspect` and `verify`, the peak of
//! live heap bytes (all threads) stays within 32 MiB + 4 × the payload bytes decoded, whatever the
//! file says. Each case reproduces a hostile file that once cost gigabytes.
//!
//! This binary has a single `#[test]` that runs every case in turn, so that no other test shares
//! the counting allocator.
//! zstd's own C allocations are not counted; its window is capped at 16 MiB by the reader.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use amber_estimators::*;
use amber_persistence::*;
use common::*;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Both blocks may be live while the data is copied.
        let now = LIVE.fetch_add(new_size, Ordering::SeqCst) + new_size;
        PEAK.fetch_max(now, Ordering::SeqCst);
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MIB: usize = 1 << 20;

/// Runs `f` and returns its result with the peak of bytes live during it, above those live before.
fn measured<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let r = f();
    (r, PEAK.load(Ordering::SeqCst).saturating_sub(before))
}

/// A real file's header, and the file rebuilt with a forged plain payload (size and digest
/// recomputed, as a forger would).
fn header_of<T: Persist>(obj: &T, dir: &Path) -> Header {
    let path = dir.join(format!("{}.amber", T::KIND));
    save(obj, &path, &SaveOptions { sidecar: false, ..SaveOptions::default() }).unwrap();
    inspect(&path).unwrap()
}

/// The contract's bound for a payload of `decoded` bytes.
fn bound(decoded: usize) -> usize {
    32 * MIB + 4 * decoded
}

fn check<T: Persist + std::fmt::Debug>(
    name: &str,
    bytes: &[u8],
    decoded: usize,
    expect: impl Fn(&PersistError) -> bool,
) {
    let (result, peak) = measured(|| load_bytes::<T>(bytes, Path::new("hostile.amber")).map(|_| ()));
    let err = result.expect_err(name);
    assert!(expect(&err), "{name}: unexpected error {err:?}");
    assert!(peak <= bound(decoded), "{name}: peak {peak} bytes over the contract {}", bound(decoded));
    assert!(err.to_string().len() < 2_000, "{name}: the message is bounded: {} bytes", err.to_string().len());
    println!("{name}: {} KiB peak, {err}", peak / 1024);
}

#[test]
fn hostile_files_stay_within_the_resource_contract() {
    let tmp = scratch();
    let dir = tmp.path();

    // 1. An SVC claiming thousands of classes (27 KB once took 1.26 GB; 183 KB aborted): all
    //    class pairs used to be built and formatted before being compared with the stored ones.
    let mut svc_model = svc();
    let svc_header = header_of(&svc_model, dir);
    svc_model.classes = (0..20_000).collect();
    let payload = cbor(&svc_model);
    check::<SVC>("svc with 20,000 classes", &forge(&svc_header, &payload), payload.len(), |e| {
        matches!(e, PersistError::InvalidModel { .. })
    });

    // 2. A verification sample of 100,000 rows (a 2 MB file once took 8.8 GB and 67 s): its size
    //    is checked before anything else runs.
    let lr = logistic();
    let mut h = header_of(&lr, dir);
    let v = h.verification.as_mut().unwrap();
    let rows: Vec<usize> = (0..100_000).map(|i| i % 4).collect();
    v.input = v.input.take_rows(&rows).unwrap();
    let forged = forge(&h, &cbor(&lr));
    check::<LogisticRegression>("sample of 100,000 rows", &forged, 0, |e| {
        matches!(
            e,
            PersistError::HeaderTooLarge { .. }
                | PersistError::TooComplex { part: "header", .. }
                | PersistError::SampleTooLarge { .. }
        )
    });
    // Under the item limit, the size rule names it.
    let mut h = header_of(&lr, dir);
    let v = h.verification.as_mut().unwrap();
    v.input = v.input.take_rows(&(0..1000).map(|i| i % 4).collect::<Vec<_>>()).unwrap();
    check::<LogisticRegression>("sample of 1,000 rows", &forge(&h, &cbor(&lr)), 0, |e| {
        matches!(e, PersistError::SampleTooLarge { rows: 1000, max_rows: MAX_SAMPLE_ROWS, .. })
    });

    // 3. A header of 1 MiB of nulls (once peaked at 80 MiB): refused by its item count.
    let mut h = header_of(&lr, dir);
    h.hyperparameters = Some(serde_json::Value::Array(vec![serde_json::Value::Null; 1_040_000]));
    check::<LogisticRegression>("header of a million nulls", &forge(&h, &cbor(&lr)), 0, |e| {
        matches!(e, PersistError::TooComplex { part: "header", .. })
    });

    // 4. A sample 40,000 columns wide (60,000 once took 8.5 s): decoded fast, refused by size.
    let mut h = header_of(&lr, dir);
    let wide = amber_data::Table::new(
        (0..40_000).map(|j| (format!("c{j}"), amber_data::Column::Numeric(vec![0.0]))).collect(),
    )
    .unwrap();
    h.verification.as_mut().unwrap().input = wide;
    let started = std::time::Instant::now();
    check::<LogisticRegression>("sample 40,000 columns wide", &forge(&h, &cbor(&lr)), 0, |e| {
        // 40,000 cells are within the sample limit: the model refuses the width, by name.
        matches!(e, PersistError::VerificationError { reason, .. } if reason.contains("40000 columns"))
    });
    assert!(started.elapsed().as_secs() < 5, "linear work: {:?}", started.elapsed());

    // 5. A 33 KB zstd payload that honestly inflates to 2 GiB of zeros (once a 2 GiB allocation):
    //    decoding streams, so the first byte already fails.
    let mut h = header_of(&lr, dir);
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let zeros = vec![0u8; MIB];
    for _ in 0..2047 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    h.compression = Compression::zstd(1);
    h.payload_size = 2047 * MIB as u64;
    h.payload_sha256 = None;
    let file = format::encode(&cbor(&h), &bomb);
    println!("zstd bomb: {} bytes on disk", file.len());
    check::<LogisticRegression>("zstd bomb of 2 GiB", &file, 1, |e| {
        matches!(e, PersistError::Decode { part: "payload", .. })
    });
    // A declared size over the caller's limit is refused before decompressing, naming the option.
    let small = LoadOptions::default().max_payload_size(1 << 20);
    match load_bytes_with::<LogisticRegression>(&file, Path::new("bomb.amber"), &small) {
        Err(e @ PersistError::TooLarge { .. }) => {
            assert!(e.to_string().contains("LoadOptions::max_payload_size"), "{e}")
        }
        other => panic!("{other:?}"),
    }

    // 6. A payload of a million empty category lists: within the contract, or refused by its
    //    item count before decoding.
    let enc = OneHotEncoder::params()
        .fit(&amber_data::datasets::penguins().unwrap().table.select(&["island"]).unwrap())
        .unwrap();
    let enc_header = header_of(&enc, dir);
    let mut lists = enc.clone();
    lists.categories = vec![Vec::new(); 1_000_000];
    let payload = cbor(&lists);
    check::<OneHotEncoder>("a million empty lists", &forge(&enc_header, &payload), payload.len(), |e| {
        matches!(e, PersistError::TooComplex { part: "payload", .. } | PersistError::InvalidModel { .. })
    });

    // 7. A zstd frame that asks for a 128 MiB window (zstd's own allocation, not counted above):
    //    refused; amber writes windows of at most 16 MiB, even at level 22.
    let plain = cbor(&lr);
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    encoder.set_parameter(zstd::stream::raw::CParameter::WindowLog(27)).unwrap();
    encoder.write_all(&plain).unwrap();
    let wide_window = encoder.finish().unwrap();
    let mut h = header_of(&lr, dir);
    h.compression = Compression::zstd(3);
    h.payload_size = plain.len() as u64;
    h.payload_sha256 = Some(sha256_hex(&plain));
    check::<LogisticRegression>(
        "zstd window of 128 MiB",
        &format::encode(&cbor(&h), &wide_window),
        plain.len(),
        |e| matches!(e, PersistError::Decode { part: "payload", message, .. } if message.contains("memory")),
    );
    let path = dir.join("level22.amber");
    save(&forest(20), &path, &SaveOptions::default().compress(22)).unwrap();
    assert_eq!(load::<RandomForestClassifier>(&path).unwrap(), forest(20));

    // 8. Honest files: a 100-tree forest loads within the contract too.
    let f = forest(100);
    let path = dir.join("forest.amber");
    save(&f, &path, &SaveOptions::default().compress(3)).unwrap();
    let decoded = inspect(&path).unwrap().payload_size as usize;
    let (loaded, peak) = measured(|| load::<RandomForestClassifier>(&path).unwrap());
    assert_eq!(loaded, f);
    assert!(peak <= bound(decoded), "forest: peak {peak} over {}", bound(decoded));
    let (_, peak) = measured(|| inspect(&path).unwrap());
    assert!(peak <= bound(0) + 2 * std::fs::metadata(&path).unwrap().len() as usize, "inspect: {peak}");
}
