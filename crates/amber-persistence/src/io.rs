//! `save`: a model file written atomically, optionally signed, and read back before it counts.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use amber_data::Table;

use crate::error::{io_error, PersistError};
use crate::format::{self, FORMAT_MAJOR, FORMAT_MINOR};
use crate::header::{Compression, DatasetInfo, Header, Verification, Versions};
use crate::load::{check_sample_size, load_with, LoadOptions};
use crate::persist::Persist;
use crate::sign::{self, sha256_hex, SecretKey};

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
    /// The model's registry name, written in the header (set by the registry).
    pub model_name: Option<String>,
    /// How the metrics were measured (folds, seed, split); a registry promotes only between
    /// models evaluated the same way on the same data.
    pub evaluation: Option<String>,
    /// Sign the file with this key (format 1.1 signature).
    pub signing_key: Option<SecretKey>,
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
            model_name: None,
            evaluation: None,
            signing_key: None,
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
    /// Records the hyperparameters (any serde value) of an object that does not record its own. A
    /// fitted pipeline (format 1.3) records them itself, and its header always carries those.
    pub fn hyperparameters<T: serde::Serialize>(mut self, params: &T) -> Self {
        self.hyperparameters = serde_json::to_value(params).ok();
        self
    }
    /// Sets the verification rows (at most [`MAX_SAMPLE_ROWS`](crate::MAX_SAMPLE_ROWS) rows and
    /// [`MAX_SAMPLE_CELLS`](crate::MAX_SAMPLE_CELLS) cells).
    pub fn sample(mut self, rows: Table) -> Self {
        self.sample = Some(rows);
        self
    }
    /// Describes how the metrics were measured (`"StratifiedKFold(5), seed 42"`).
    pub fn evaluation(mut self, protocol: &str) -> Self {
        self.evaluation = Some(protocol.to_string());
        self
    }
    /// Signs the file with `key`.
    pub fn sign(mut self, key: SecretKey) -> Self {
        self.signing_key = Some(key);
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
        linfa: amber_estimators::LINFA_VERSION.to_string(),
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
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("iris.amber");
/// save(&model, &path, &SaveOptions::default().metric("train_accuracy", 0.975))?;
/// assert_eq!(inspect(&path)?.kind, "logistic_regression");
/// let back: LogisticRegression = load(&path)?; // verified against its stored sample
/// assert_eq!(back, model);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save<T: Persist>(
    obj: &T,
    path: impl AsRef<Path>,
    options: &SaveOptions,
) -> Result<Header, PersistError> {
    let path = path.as_ref();
    let encoded = encode(obj, path, options)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_error(dir, "create directory"))?;
    }
    write_atomic(path, &encoded.file)?;
    if let Some(json) = &encoded.sidecar {
        write_atomic(&crate::load::sidecar_path(path), json)?;
    }
    if options.verify_after_save {
        load_with::<T>(path, &encoded.check_options(options))?;
    }
    Ok(encoded.header)
}

/// A model file's bytes before they are written, with its header and JSON sidecar.
pub(crate) struct Encoded {
    /// The header written.
    pub(crate) header: Header,
    /// The whole file.
    pub(crate) file: Vec<u8>,
    /// The sidecar's JSON, when the options ask for one.
    pub(crate) sidecar: Option<Vec<u8>>,
}

impl Encoded {
    /// The options that re-load this file to verify it after saving.
    pub(crate) fn check_options(&self, options: &SaveOptions) -> LoadOptions {
        let mut check = LoadOptions::default().allow_missing_sample(self.header.verification.is_none());
        if let Some(key) = &options.signing_key {
            check = check.trust(key.public_key());
        }
        check
    }
}

/// Everything [`save`] does before writing: checks, verification sample, payload, header,
/// signature. `path` only names the file in errors.
pub(crate) fn encode<T: Persist>(
    obj: &T,
    path: &Path,
    options: &SaveOptions,
) -> Result<Encoded, PersistError> {
    let invalid = |reason: String| PersistError::InvalidModel { file: path.to_path_buf(), reason };
    obj.check().map_err(invalid)?;
    let verification = match options.sample.clone().or_else(|| obj.default_sample()) {
        Some(input) => {
            check_sample_size(&input, 0, path)?;
            let output = obj
                .outputs(&input)
                .map_err(|reason| PersistError::VerificationError { file: path.to_path_buf(), reason })?;
            Some(Verification { input, output })
        }
        None => None,
    };
    let hyperparameters = match (obj.hyperparameters(), &options.hyperparameters) {
        (Some(own), Some(given)) if own != *given => {
            return Err(PersistError::InvalidOption {
                name: "hyperparameters",
                reason: "this object records its own hyperparameters, and the header carries those; \
                         pass none (or the same)"
                    .into(),
            })
        }
        (Some(own), _) => Some(own),
        (None, given) => given.clone(),
    };
    let plain = cbor(obj).map_err(invalid)?;
    let (compression, payload) = match options.compression {
        None => (Compression::none(), plain.clone()),
        Some(level) if (1..=22).contains(&level) => {
            (Compression::zstd(level), compress(&plain, level, path)?)
        }
        Some(level) => {
            return Err(PersistError::InvalidOption {
                name: "compression",
                reason: format!("zstd level {level} is not in 1..=22"),
            })
        }
    };
    let mut header = Header {
        format_version: format!("{FORMAT_MAJOR}.{FORMAT_MINOR}"),
        kind: T::KIND.to_string(),
        versions: current_versions(),
        created: now_utc(),
        compression,
        payload_size: plain.len() as u64,
        dataset: options.dataset.clone(),
        schema: obj.schema(),
        labels: obj.labels(),
        hyperparameters,
        metrics: options.metrics.clone(),
        tags: options.tags.clone(),
        description: options.description.clone(),
        verification,
        model_name: options.model_name.clone(),
        n_features: obj.n_features(),
        steps: obj.steps(),
        evaluation: options.evaluation.clone(),
        payload_sha256: Some(sha256_hex(&plain)),
        signature: None,
    };
    let mut header_bytes = cbor(&header).map_err(invalid)?;
    if let Some(key) = &options.signing_key {
        header.signature = Some(sign::sign(key, &header_bytes, &payload));
        let signed = cbor(&header).map_err(invalid)?;
        // The reader finds the signed bytes by removing the last entry: check that it will.
        if crate::cbor::without_last_entry(&signed, "signature").as_deref() != Some(header_bytes.as_slice()) {
            return Err(invalid("the signed header does not end with its signature".into()));
        }
        header_bytes = signed;
    }
    if header_bytes.len() as u64 > format::HEADER_CAP {
        return Err(PersistError::HeaderTooLarge {
            file: path.to_path_buf(),
            length: header_bytes.len() as u64,
            cap: format::HEADER_CAP,
        });
    }
    let sidecar = match options.sidecar {
        true => Some(serde_json::to_vec_pretty(&header).map_err(|e| invalid(e.to_string()))?),
        false => None,
    };
    Ok(Encoded { file: format::encode(&header_bytes, &payload), header, sidecar })
}

/// zstd at `level`, with the window capped at what every reader accepts (levels 20 to 22 would
/// use up to 2^27 bytes; levels up to 19 stay within 2^23 on their own).
#[cfg(feature = "zstd")]
fn compress(plain: &[u8], level: i32, path: &Path) -> Result<Vec<u8>, PersistError> {
    let mut compressor = zstd::bulk::Compressor::new(level).map_err(io_error(path, "compress"))?;
    if level > 19 {
        compressor
            .set_parameter(zstd::stream::raw::CParameter::WindowLog(crate::load::ZSTD_WINDOW_LOG))
            .map_err(io_error(path, "compress"))?;
    }
    compressor.compress(plain).map_err(io_error(path, "compress"))
}

/// Without the `zstd` feature, compression is a named error.
#[cfg(not(feature = "zstd"))]
fn compress(_: &[u8], _: i32, _: &Path) -> Result<Vec<u8>, PersistError> {
    Err(PersistError::InvalidOption {
        name: "compression",
        reason: "this build of amber-persistence has no zstd support (cargo feature `zstd`)".into(),
    })
}

/// The SHA-256 of `obj`'s encoded payload, as a 1.1 header's `payload_sha256` holds it: two
/// objects with the same digest are the same model.
pub fn payload_digest<T: Persist>(obj: &T) -> Result<String, PersistError> {
    let plain = cbor(obj).map_err(|reason| PersistError::InvalidModel { file: PathBuf::new(), reason })?;
    Ok(sha256_hex(&plain))
}

#[cfg(all(test, feature = "zstd"))]
mod tests {
    use std::io::Read;

    /// Levels above 19 would use windows of up to 2^27 bytes on a large payload; amber caps
    /// them at what every reader accepts (2^24), and level 19 stays within it on its own. A
    /// 20 MiB payload needs a window past 2^24 without the cap.
    #[test]
    fn compressed_payloads_never_need_a_window_over_the_readers_cap() -> Result<(), Box<dyn std::error::Error>>
    {
        let plain = vec![0u8; 20 << 20];
        for level in [19, 20, 22] {
            let packed = super::compress(&plain, level, std::path::Path::new("big.amber"))?;
            let mut decoder = zstd::stream::Decoder::new(packed.as_slice())?;
            decoder.window_log_max(crate::load::ZSTD_WINDOW_LOG)?;
            let mut out = Vec::new();
            decoder.read_to_end(&mut out)?;
            assert_eq!(out.len(), plain.len(), "level {level}");
        }
        Ok(())
    }
}
