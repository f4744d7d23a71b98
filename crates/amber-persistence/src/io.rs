//! `save`, `load`, `inspect`, `verify`: files on disk, written atomically, checked on every read.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use amber_data::Table;

use crate::error::{io_error, PersistError};
use crate::format::{self, FORMAT_MAJOR, FORMAT_MINOR};
use crate::header::{Cell, Compression, DatasetInfo, Header, Verification, Versions};
use crate::persist::Persist;

/// The largest decompressed payload accepted, in bytes.
pub const PAYLOAD_CAP: u64 = 4 << 30;

/// What to write besides the model. Built with its setters; the defaults verify after saving,
/// write the JSON sidecar and do not compress.
///
/// ```
/// use amber_persistence::SaveOptions;
///
/// let options = SaveOptions::default().compress(3).metric("test_accuracy", 1.0).tag("owner", "ml-team");
/// assert_eq!(options.compression, Some(3));
/// ```
#[derive(Debug, Clone)]
pub struct SaveOptions {
    /// zstd level (1–22), or `None` for plain CBOR.
    pub compression: Option<i32>,
    /// The training data.
    pub dataset: Option<DatasetInfo>,
    /// The hyperparameters, as JSON.
    pub hyperparameters: Option<serde_json::Value>,
    /// Metrics.
    pub metrics: BTreeMap<String, f64>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Description.
    pub description: String,
    /// Rows to verify with; `None` uses rows built from the model itself (its schema or widths).
    pub sample: Option<Table>,
    /// Re-load the file after writing it and check the verification sample (default `true`).
    pub verify_after_save: bool,
    /// Write `<file>.json` with the header in readable form (default `true`).
    pub sidecar: bool,
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            compression: None,
            dataset: None,
            hyperparameters: None,
            metrics: BTreeMap::new(),
            tags: BTreeMap::new(),
            description: String::new(),
            sample: None,
            verify_after_save: true,
            sidecar: true,
        }
    }
}

impl SaveOptions {
    /// Compresses the payload with zstd at `level`.
    pub fn compress(mut self, level: i32) -> Self {
        self.compression = Some(level);
        self
    }
    /// Records the training table under `name` (its fingerprint and row count).
    pub fn dataset(mut self, name: &str, table: &Table) -> Self {
        self.dataset = Some(DatasetInfo {
            name: name.to_string(),
            fingerprint: table.fingerprint().to_hex(),
            rows: table.n_rows(),
        });
        self
    }
    /// Records a metric.
    pub fn metric(mut self, name: &str, value: f64) -> Self {
        self.metrics.insert(name.to_string(), value);
        self
    }
    /// Records a tag.
    pub fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.insert(key.to_string(), value.to_string());
        self
    }
    /// Sets the description.
    pub fn description(mut self, text: &str) -> Self {
        self.description = text.to_string();
        self
    }
    /// Records the hyperparameters (any serde value, e.g. the unfitted `Pipeline`).
    pub fn hyperparameters<T: serde::Serialize>(mut self, params: &T) -> Self {
        self.hyperparameters = serde_json::to_value(params).ok();
        self
    }
    /// Sets the verification rows.
    pub fn sample(mut self, rows: Table) -> Self {
        self.sample = Some(rows);
        self
    }
}

fn cbor<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The versions this build writes into headers.
pub fn current_versions() -> Versions {
    Versions {
        amber: env!("CARGO_PKG_VERSION").to_string(),
        linfa: env!("AMBER_LINFA_VERSION").to_string(),
        rustc: env!("AMBER_RUSTC_VERSION").to_string(),
        target: env!("AMBER_TARGET").to_string(),
    }
}

/// The current time as RFC 3339 UTC, to the second.
pub(crate) fn now_utc() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to disk,
/// renamed over `path`, then the directory flushed. Readers see the old file or the new one,
/// never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PersistError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp =
        dir.join(format!(".{name}.tmp.{}.{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(io_error(&tmp, "create temporary file"))?;
        f.write_all(bytes).map_err(io_error(&tmp, "write"))?;
        f.sync_all().map_err(io_error(&tmp, "flush to disk"))?;
        std::fs::rename(&tmp, path).map_err(io_error(path, "rename into place"))?;
        // Flush the directory entry; not every platform can open a directory, which is not an error.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Saves `obj` to `path` (creating the parent directory), with the header and verification
/// sample of `options`; by default writes `<path>.json` and re-loads and verifies the file.
/// Returns the header written.
///
/// ```
/// use amber_estimators::{ClassifierParams, LogisticRegression};
/// use amber_persistence::{inspect, load, save, SaveOptions};
///
/// let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
/// let model = LogisticRegression::params().max_iter(200).fit(x.to_array2()?.view(), &y.indices)?;
/// let dir = std::env::temp_dir().join(format!("amber-doc-{}", std::process::id()));
/// let path = dir.join("iris.amber");
/// save(&model, &path, &SaveOptions::default().metric("train_accuracy", 0.975))?;
/// assert_eq!(inspect(&path)?.kind, "logistic_regression");
/// let back: LogisticRegression = load(&path)?; // verified against its stored sample
/// assert_eq!(back, model);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save<T: Persist>(
    obj: &T,
    path: impl AsRef<Path>,
    options: &SaveOptions,
) -> Result<Header, PersistError> {
    let path = path.as_ref();
    let invalid = |reason: String| PersistError::InvalidModel { file: path.to_path_buf(), reason };
    obj.check().map_err(invalid)?;
    let verification = match options.sample.clone().or_else(|| obj.default_sample()) {
        Some(input) => {
            let output = obj
                .outputs(&input)
                .map_err(|reason| PersistError::VerificationError { file: path.to_path_buf(), reason })?;
            Some(Verification { input, output })
        }
        None => None,
    };
    let plain = cbor(obj).map_err(invalid)?;
    let (compression, payload) = match options.compression {
        None => (Compression::none(), plain.clone()),
        Some(level) if (1..=22).contains(&level) => {
            let packed = zstd::bulk::compress(&plain, level).map_err(io_error(path, "compress"))?;
            (Compression::zstd(level), packed)
        }
        Some(level) => {
            return Err(PersistError::InvalidOption {
                name: "compression",
                reason: format!("zstd level {level} is not in 1..=22"),
            })
        }
    };
    let header = Header {
        format_version: format!("{FORMAT_MAJOR}.{FORMAT_MINOR}"),
        kind: T::KIND.to_string(),
        versions: current_versions(),
        created: now_utc(),
        compression,
        payload_size: plain.len() as u64,
        dataset: options.dataset.clone(),
        schema: obj.schema(),
        labels: obj.labels(),
        hyperparameters: options.hyperparameters.clone(),
        metrics: options.metrics.clone(),
        tags: options.tags.clone(),
        description: options.description.clone(),
        verification,
    };
    let header_bytes = cbor(&header).map_err(invalid)?;
    if header_bytes.len() as u64 > format::HEADER_CAP {
        return Err(PersistError::HeaderTooLarge {
            file: path.to_path_buf(),
            length: header_bytes.len() as u64,
            cap: format::HEADER_CAP,
        });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_error(dir, "create directory"))?;
    }
    write_atomic(path, &format::encode(&header_bytes, &payload))?;
    if options.sidecar {
        let json = serde_json::to_vec_pretty(&header).map_err(|e| invalid(e.to_string()))?;
        write_atomic(&sidecar_path(path), &json)?;
    }
    if options.verify_after_save {
        load::<T>(path)?;
    }
    Ok(header)
}

/// `<path>.json`.
pub fn sidecar_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

fn read(path: &Path) -> Result<Vec<u8>, PersistError> {
    std::fs::read(path).map_err(io_error(path, "read"))
}

/// The header of a checked frame.
fn decode_header(frame: &format::Frame<'_>, path: &Path) -> Result<Header, PersistError> {
    ciborium::from_reader(frame.header).map_err(|e| PersistError::Decode {
        file: path.to_path_buf(),
        part: "header",
        message: e.to_string(),
    })
}

/// The payload of a checked frame, decompressed as the header says, and exactly as long as it says.
fn decode_payload(frame: &format::Frame<'_>, header: &Header, path: &Path) -> Result<Vec<u8>, PersistError> {
    let too_big =
        |message: String| PersistError::Decode { file: path.to_path_buf(), part: "payload", message };
    if header.payload_size > PAYLOAD_CAP {
        return Err(too_big(format!(
            "declared size {} is over the {PAYLOAD_CAP}-byte cap",
            header.payload_size
        )));
    }
    let payload = match header.compression.method.as_str() {
        "none" => frame.payload.to_vec(),
        "zstd" => {
            let decoder = zstd::stream::read::Decoder::with_buffer(frame.payload)
                .map_err(io_error(path, "decompress"))?;
            let mut out = Vec::new();
            // Never more than the declared size (plus one byte to notice a lie): a decompression
            // bomb stops here.
            decoder
                .take(header.payload_size + 1)
                .read_to_end(&mut out)
                .map_err(|e| too_big(format!("zstd: {e}")))?;
            out
        }
        other => {
            return Err(PersistError::UnknownCompression {
                file: path.to_path_buf(),
                name: other.to_string(),
            })
        }
    };
    if payload.len() as u64 != header.payload_size {
        return Err(too_big(format!(
            "{} bytes, but the header declares {}",
            payload.len(),
            header.payload_size
        )));
    }
    Ok(payload)
}

/// Reads only the header (after checking the file's framing and checksum).
pub fn inspect(path: impl AsRef<Path>) -> Result<Header, PersistError> {
    let path = path.as_ref();
    inspect_bytes(&read(path)?, path)
}

/// [`inspect`] on bytes in memory; `path` is only used in errors.
pub fn inspect_bytes(bytes: &[u8], path: &Path) -> Result<Header, PersistError> {
    decode_header(&format::decode(bytes, path)?, path)
}

/// Loads an object of type `T` from `path`: checks framing and checksum, that the file holds a
/// `T`, decodes, validates, and re-runs the verification sample. Returns the object only if all
/// of that holds.
pub fn load<T: Persist>(path: impl AsRef<Path>) -> Result<T, PersistError> {
    load_with_header(path).map(|(obj, _)| obj)
}

/// [`load`], also returning the header.
pub fn load_with_header<T: Persist>(path: impl AsRef<Path>) -> Result<(T, Header), PersistError> {
    let path = path.as_ref();
    let bytes = read(path)?;
    load_bytes(&bytes, path)
}

/// [`load`] from bytes in memory; `path` is only used in errors.
pub fn load_bytes<T: Persist>(bytes: &[u8], path: &Path) -> Result<(T, Header), PersistError> {
    let frame = format::decode(bytes, path)?;
    let header = decode_header(&frame, path)?;
    load_frame(&frame, header, path)
}

/// The rest of [`load_bytes`], once the frame and header are decoded: kind, payload, validation,
/// verification sample.
fn load_frame<T: Persist>(
    frame: &format::Frame<'_>,
    header: Header,
    path: &Path,
) -> Result<(T, Header), PersistError> {
    if header.kind != T::KIND {
        return Err(PersistError::WrongKind {
            file: path.to_path_buf(),
            expected: T::KIND,
            found: header.kind,
        });
    }
    let payload = decode_payload(frame, &header, path)?;
    let obj: T = ciborium::from_reader(payload.as_slice()).map_err(|e| PersistError::Decode {
        file: path.to_path_buf(),
        part: "payload",
        message: e.to_string(),
    })?;
    obj.check().map_err(|reason| PersistError::InvalidModel { file: path.to_path_buf(), reason })?;
    if let Some(v) = &header.verification {
        check_sample(&obj, v, path)?;
    }
    Ok((obj, header))
}

fn show(row: Option<&Vec<Cell>>) -> String {
    match row {
        None => "no row".into(),
        Some(cells) => {
            let parts: Vec<String> = cells
                .iter()
                .map(|c| match c {
                    Cell::Number(v) => format!("{v:?}"),
                    Cell::Text(Some(t)) => format!("{t:?}"),
                    Cell::Text(None) => "missing".into(),
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// Verification's notion of equal: labels exactly; numbers to 1e-12 relative (so a last-ulp
/// difference in `exp` between two C libraries does not fail a file), NaN equal to NaN.
fn rows_match(a: Option<&Vec<Cell>>, b: Option<&Vec<Cell>>) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return false };
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Cell::Number(x), Cell::Number(y)) => {
                (x.is_nan() && y.is_nan()) || x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0)
            }
            _ => x == y,
        })
}

fn check_sample<T: Persist>(obj: &T, v: &Verification, path: &Path) -> Result<(), PersistError> {
    let found = obj
        .outputs(&v.input)
        .map_err(|reason| PersistError::VerificationError { file: path.to_path_buf(), reason })?;
    let rows = found.len().max(v.output.len());
    match (0..rows).find(|&r| !rows_match(found.get(r), v.output.get(r))) {
        None => Ok(()),
        Some(row) => Err(PersistError::VerificationFailed {
            file: path.to_path_buf(),
            row,
            expected: show(v.output.get(row)),
            found: show(found.get(row)),
        }),
    }
}

/// Loads the file as whatever amber type its header names, from the closed set amber knows, and
/// checks its verification sample. Returns the header.
///
/// The kind only selects among amber's own data types, each decoded and validated like [`load`];
/// nothing in the file is executed.
pub fn verify(path: impl AsRef<Path>) -> Result<Header, PersistError> {
    use amber_estimators::*;
    let path = path.as_ref();
    let bytes = read(path)?;
    // Framing and checksum are checked once; the header's kind then picks the type.
    let frame = format::decode(&bytes, path)?;
    let header = decode_header(&frame, path)?;
    let kind = header.kind.clone();
    macro_rules! by_kind {
        ($($t:ty),*) => {
            $(if kind == <$t as Persist>::KIND {
                return load_frame::<$t>(&frame, header, path).map(|(_, h)| h);
            })*
        };
    }
    by_kind!(
        amber_pipeline::FittedPipeline,
        amber_pipeline::FittedClassifier,
        LogisticRegression,
        DecisionTreeClassifier,
        RandomForestClassifier,
        SVC,
        StandardScaler,
        MinMaxScaler,
        SimpleImputer,
        OneHotEncoder
    );
    Err(PersistError::Decode {
        file: path.to_path_buf(),
        part: "header",
        message: format!("unknown kind {kind:?}"),
    })
}
