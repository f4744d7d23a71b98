//! `load`, `inspect`, `verify`: every read is bounded (FORMAT.md, "Resource contract") and checked
//! in order from cheapest to dearest: file type and size, framing and checksum, header structure,
//! signature, kind, sample size, payload structure, payload, validation, header ↔ payload
//! agreement, and last the verification sample.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cbor;
use crate::error::{io_error, PersistError};
use crate::format::{self, HEADER_CAP};
use crate::header::{Cell, Header, Verification};
use crate::persist::Persist;
use crate::sign::{self, sha256_hex, PublicKey};
use amber_data::Table;

/// The format's cap on a decoded payload, in bytes: no reader accepts more, whatever its options.
pub const PAYLOAD_CAP: u64 = 4 << 30;
/// The default of [`LoadOptions::max_payload_size`]: 2 GiB (a 1,000-tree forest grown on 160,000
/// rows is about 0.5 GB).
pub const DEFAULT_MAX_PAYLOAD: u64 = 2 << 30;
/// Most rows a verification sample may have.
pub const MAX_SAMPLE_ROWS: usize = 256;
/// Most input cells (rows × columns) a verification sample may have.
pub const MAX_SAMPLE_CELLS: usize = 65_536;
/// Most CBOR data items a header may hold (each decodes into at most 64 bytes: 16 MiB at most).
pub const MAX_HEADER_ITEMS: u64 = 1 << 18;
/// The memory every load may take besides what the payload's size allows (the contract's constant).
pub const BASE_BUDGET: u64 = 32 << 20;
/// What one decoded CBOR item may cost at most, in bytes (a 24-byte `String` or `Vec` header, twice
/// over while its parent vector grows).
const ITEM_COST: u64 = 48;
/// The largest zstd window accepted (2^24 = 16 MiB); amber writes at most that.
#[cfg(feature = "zstd")]
pub(crate) const ZSTD_WINDOW_LOG: u32 = 24;

/// How a file is read: resource limits, trusted keys, and what may be missing. The default
/// trusts no key, requires no signature, requires a verification sample and decodes at most
/// 2 GiB.
///
/// ```
/// use amber_persistence::{LoadOptions, SecretKey};
///
/// let publisher = SecretKey::from_seed([7; 32]).public_key();
/// let options = LoadOptions::default().trust(publisher).require_signature(true);
/// assert!(options.require_signature && options.trusted_keys.len() == 1);
/// ```
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The largest decoded payload accepted (default [`DEFAULT_MAX_PAYLOAD`]; never more than
    /// [`PAYLOAD_CAP`]). The file itself may be at most `56 + HEADER_CAP + P + P / 64 + 4096`
    /// bytes for `P` this size: framing, the header cap, the payload and zstd's expansion.
    pub max_payload_size: u64,
    /// Public keys whose signatures are trusted. When not empty, a signed file must be signed by
    /// one of them.
    pub trusted_keys: Vec<PublicKey>,
    /// Refuse files that are not signed by a trusted key.
    pub require_signature: bool,
    /// Accept a file without a verification sample (default `false`).
    pub allow_missing_sample: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_payload_size: DEFAULT_MAX_PAYLOAD,
            trusted_keys: Vec::new(),
            require_signature: false,
            allow_missing_sample: false,
        }
    }
}

impl LoadOptions {
    /// Sets [`LoadOptions::max_payload_size`].
    pub fn max_payload_size(mut self, bytes: u64) -> Self {
        self.max_payload_size = bytes;
        self
    }
    /// Adds a trusted public key.
    pub fn trust(mut self, key: PublicKey) -> Self {
        self.trusted_keys.push(key);
        self
    }
    /// Sets [`LoadOptions::require_signature`].
    pub fn require_signature(mut self, on: bool) -> Self {
        self.require_signature = on;
        self
    }
    /// Sets [`LoadOptions::allow_missing_sample`].
    pub fn allow_missing_sample(mut self, on: bool) -> Self {
        self.allow_missing_sample = on;
        self
    }

    fn payload_limit(&self) -> u64 {
        self.max_payload_size.min(PAYLOAD_CAP)
    }

    /// The largest file that can hold an acceptable payload: framing, header cap, and the
    /// payload (zstd never expands data by more than a small fraction).
    pub(crate) fn file_limit(&self) -> u64 {
        let payload = self.payload_limit();
        56 + HEADER_CAP + payload + payload / 64 + 4096
    }
}

/// Reads a whole model file, refusing anything that is not a regular file or is larger than the
/// options allow, before reading it (a FIFO or `/dev/zero` is never opened for reading).
pub(crate) fn read_file(path: &Path, options: &LoadOptions) -> Result<Vec<u8>, PersistError> {
    let limit = options.file_limit();
    let check = |meta: std::fs::Metadata| {
        if !meta.is_file() {
            return Err(PersistError::NotAFile { file: path.to_path_buf() });
        }
        if meta.len() > limit {
            return Err(PersistError::TooLarge {
                file: path.to_path_buf(),
                what: "file",
                size: meta.len(),
                limit,
                option: "LoadOptions::max_payload_size",
            });
        }
        Ok(meta.len())
    };
    check(std::fs::metadata(path).map_err(io_error(path, "read"))?)?;
    let file = std::fs::File::open(path).map_err(io_error(path, "open"))?;
    // The same checks on the opened file, in case the path was swapped in between.
    let len = check(file.metadata().map_err(io_error(path, "read"))?)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io_error(path, "read"))?;
    if bytes.len() as u64 > limit {
        return Err(PersistError::TooLarge {
            file: path.to_path_buf(),
            what: "file",
            size: bytes.len() as u64,
            limit,
            option: "LoadOptions::max_payload_size",
        });
    }
    Ok(bytes)
}

/// A structural scan's refusal as the error a caller sees.
fn scan_error(e: cbor::ScanError, path: &Path, part: &'static str) -> PersistError {
    match e {
        cbor::ScanError::Malformed(message) => {
            PersistError::Decode { file: path.to_path_buf(), part, message }
        }
        cbor::ScanError::OverLimit(reason) => {
            PersistError::TooComplex { file: path.to_path_buf(), part, reason }
        }
    }
}

/// The header of a checked frame: its structure is scanned (item count, depth, lengths) before
/// serde decodes it.
fn decode_header(frame: &format::Frame<'_>, path: &Path) -> Result<Header, PersistError> {
    let len = frame.header.len() as u64;
    let scan = cbor::scan(frame.header, len, MAX_HEADER_ITEMS).map_err(|e| scan_error(e, path, "header"))?;
    if scan.bytes != len {
        return Err(PersistError::Decode {
            file: path.to_path_buf(),
            part: "header",
            message: format!("{} bytes after the header's map", len - scan.bytes),
        });
    }
    ciborium::from_reader(frame.header).map_err(|e| PersistError::Decode {
        file: path.to_path_buf(),
        part: "header",
        message: e.to_string(),
    })
}

/// A reader of the decoded payload, after checking its declared size against the limits.
/// Where the decoded payload comes from.
enum Source<'a> {
    /// Stored as is.
    Plain(&'a [u8]),
    /// A zstd stream, its window capped.
    #[cfg(feature = "zstd")]
    Zstd(zstd::stream::read::Decoder<'a, &'a [u8]>),
}

fn payload_source<'a>(
    frame: &format::Frame<'a>,
    header: &Header,
    path: &Path,
    options: &LoadOptions,
) -> Result<Source<'a>, PersistError> {
    let limit = options.payload_limit();
    if header.payload_size > limit {
        return Err(PersistError::TooLarge {
            file: path.to_path_buf(),
            what: "declared payload",
            size: header.payload_size,
            limit,
            option: "LoadOptions::max_payload_size",
        });
    }
    match header.compression.method.as_str() {
        "none" => {
            if frame.payload.len() as u64 != header.payload_size {
                return Err(PersistError::Decode {
                    file: path.to_path_buf(),
                    part: "payload",
                    message: format!(
                        "{} bytes, but the header declares {}",
                        frame.payload.len(),
                        header.payload_size
                    ),
                });
            }
            Ok(Source::Plain(frame.payload))
        }
        #[cfg(not(feature = "zstd"))]
        "zstd" => Err(PersistError::Decode {
            file: path.to_path_buf(),
            part: "payload",
            message: "zstd-compressed, but this build has no zstd support (cargo feature `zstd`)".into(),
        }),
        #[cfg(feature = "zstd")]
        "zstd" => {
            let mut decoder = zstd::stream::read::Decoder::with_buffer(frame.payload)
                .map_err(io_error(path, "decompress"))?;
            decoder.window_log_max(ZSTD_WINDOW_LOG).map_err(io_error(path, "decompress"))?;
            Ok(Source::Zstd(decoder))
        }
        other => Err(PersistError::UnknownCompression {
            file: path.to_path_buf(),
            name: other.chars().take(32).collect(),
        }),
    }
}

/// Keeps a copy of what is read through it, growing with what actually arrives and never past
/// `cap` bytes of capacity (the declared size): a header that lies cannot make it allocate.
#[cfg(feature = "zstd")]
struct Tee<R> {
    inner: R,
    copy: Vec<u8>,
    cap: usize,
}

#[cfg(feature = "zstd")]
impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let data = buf.get(..n).unwrap_or_default();
        let needed = self.copy.len() + n;
        if needed > self.copy.capacity() {
            let target = (2 * self.copy.capacity()).max(needed).min(self.cap.max(needed));
            self.copy.reserve_exact(target - self.copy.len());
        }
        self.copy.extend_from_slice(data);
        Ok(n)
    }
}

/// Decodes the payload as a `T`. A structural scan first bounds what decoding may allocate (a
/// compressed payload is decompressed once, during the scan, and only as far as it is valid);
/// the decoded bytes must be exactly the declared size and hash to the declared digest.
fn decode_payload<T: Persist>(
    frame: &format::Frame<'_>,
    header: &Header,
    path: &Path,
    options: &LoadOptions,
) -> Result<T, PersistError> {
    let size = header.payload_size;
    let decode_error =
        |message: String| PersistError::Decode { file: path.to_path_buf(), part: "payload", message };
    // The contract: decoded structures may take 3 × the payload (its bytes are the fourth) plus
    // the base budget, at ITEM_COST per item.
    let max_items = (BASE_BUDGET + 3 * size) / ITEM_COST;
    let scanned = |bytes: u64| {
        if bytes == size {
            Ok(())
        } else {
            Err(decode_error(format!("the model ends at byte {bytes}, but the header declares {size}")))
        }
    };
    #[cfg_attr(not(feature = "zstd"), allow(unused_variables))]
    let decompressed: Vec<u8>;
    let plain: &[u8] = match payload_source(frame, header, path, options)? {
        Source::Plain(bytes) => {
            scanned(cbor::scan(bytes, size, max_items).map_err(|e| scan_error(e, path, "payload"))?.bytes)?;
            bytes
        }
        #[cfg(feature = "zstd")]
        Source::Zstd(decoder) => {
            let cap = usize::try_from(size).unwrap_or(usize::MAX);
            let mut tee = Tee { inner: decoder, copy: Vec::new(), cap };
            let scan = cbor::scan(std::io::BufReader::new(&mut tee), size, max_items)
                .map_err(|e| scan_error(e, path, "payload"))?;
            scanned(scan.bytes)?;
            // What the scan's buffer read ahead is in the copy; the stream must end at `size`.
            let rest = size + 1 - (tee.copy.len() as u64).min(size + 1);
            std::io::copy(&mut (&mut tee).take(rest), &mut std::io::sink())
                .map_err(|e| decode_error(format!("zstd: {e}")))?;
            if tee.copy.len() as u64 != size {
                return Err(decode_error(format!(
                    "{} bytes or more, but the header declares {size}",
                    tee.copy.len()
                )));
            }
            decompressed = tee.copy;
            &decompressed
        }
    };
    if let Some(expected) = &header.payload_sha256 {
        if *expected != sha256_hex(plain) {
            return Err(PersistError::HeaderMismatch { file: path.to_path_buf(), field: "payload_sha256" });
        }
    }
    ciborium::from_reader(plain).map_err(|e| decode_error(e.to_string()))
}

/// Reads only the header, after checking the file's framing and checksum. Everything it returns
/// is what the file **claims**: nothing in it has been compared with the model (use [`verify`]).
pub fn inspect(path: impl AsRef<Path>) -> Result<Header, PersistError> {
    let path = path.as_ref();
    inspect_bytes(&read_file(path, &LoadOptions::default())?, path)
}

/// [`inspect`] on bytes in memory; `path` is only used in errors.
pub fn inspect_bytes(bytes: &[u8], path: &Path) -> Result<Header, PersistError> {
    decode_header(&format::decode(bytes, path)?, path)
}

/// Loads an object of type `T` from `path` with the default [`LoadOptions`]: checks the file,
/// that it holds a `T`, decodes, validates, checks the header against the model, and re-runs the
/// verification sample. Returns the object only if all of that holds.
pub fn load<T: Persist>(path: impl AsRef<Path>) -> Result<T, PersistError> {
    load_with(path, &LoadOptions::default()).map(|(obj, _)| obj)
}

/// [`load`], also returning the header.
pub fn load_with_header<T: Persist>(path: impl AsRef<Path>) -> Result<(T, Header), PersistError> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with explicit options (limits, trusted keys); returns the object and its header.
///
/// ```
/// use amber_estimators::{ClassifierParams, LogisticRegression};
/// use amber_persistence::{load_with, save, LoadOptions, PersistError, SaveOptions, SecretKey};
///
/// let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
/// let model = LogisticRegression::params().max_iter(200).fit(x.to_array2()?.view(), &y.indices)?;
/// let dir = tempfile::tempdir()?;
/// let key = SecretKey::from_seed([1; 32]);
/// save(&model, dir.path().join("signed.amber"), &SaveOptions::default().sign(key.clone()))?;
/// save(&model, dir.path().join("unsigned.amber"), &SaveOptions::default())?;
///
/// let strict = LoadOptions::default().trust(key.public_key()).require_signature(true);
/// let (back, header) = load_with::<LogisticRegression>(dir.path().join("signed.amber"), &strict)?;
/// assert_eq!(back, model);
/// assert_eq!(header.signature.map(|s| s.key_id), Some(key.public_key().key_id()));
/// let refused = load_with::<LogisticRegression>(dir.path().join("unsigned.amber"), &strict);
/// assert!(matches!(refused, Err(PersistError::SignatureRequired { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_with<T: Persist>(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<(T, Header), PersistError> {
    let path = path.as_ref();
    let bytes = read_file(path, options)?;
    load_bytes_with(&bytes, path, options)
}

/// [`load`] from bytes in memory; `path` is only used in errors.
pub fn load_bytes<T: Persist>(bytes: &[u8], path: &Path) -> Result<(T, Header), PersistError> {
    load_bytes_with(bytes, path, &LoadOptions::default())
}

/// [`load_with`] from bytes in memory; `path` is only used in errors.
pub fn load_bytes_with<T: Persist>(
    bytes: &[u8],
    path: &Path,
    options: &LoadOptions,
) -> Result<(T, Header), PersistError> {
    let frame = format::decode(bytes, path)?;
    let header = decode_header(&frame, path)?;
    load_frame(&frame, header, path, options)
}

/// Checks the signature (or its absence) against the options.
fn check_signature(
    frame: &format::Frame<'_>,
    header: &Header,
    path: &Path,
    options: &LoadOptions,
) -> Result<(), PersistError> {
    match &header.signature {
        None if options.require_signature => {
            Err(PersistError::SignatureRequired { file: path.to_path_buf() })
        }
        None => Ok(()),
        Some(info) => {
            if options.require_signature && options.trusted_keys.is_empty() {
                return Err(PersistError::UntrustedSigner {
                    file: path.to_path_buf(),
                    key_id: info.key_id.chars().take(16).collect(),
                });
            }
            let unsigned = cbor::without_last_entry(frame.header, "signature");
            sign::check(path, info, unsigned.as_deref(), frame.payload, &options.trusted_keys)
        }
    }
}

/// The verification sample's size against its documented maximum.
pub(crate) fn check_sample_size(input: &Table, output_rows: usize, path: &Path) -> Result<(), PersistError> {
    let (rows, columns) = (input.n_rows(), input.n_cols());
    if rows > MAX_SAMPLE_ROWS
        || rows.saturating_mul(columns) > MAX_SAMPLE_CELLS
        || output_rows > MAX_SAMPLE_ROWS
    {
        return Err(PersistError::SampleTooLarge {
            file: path.to_path_buf(),
            rows: rows.max(output_rows),
            columns,
            max_rows: MAX_SAMPLE_ROWS,
            max_cells: MAX_SAMPLE_CELLS,
        });
    }
    Ok(())
}

/// CBOR bytes of a value, for comparisons that must treat NaN as equal to itself.
fn same<T: serde::Serialize>(a: &T, b: &T) -> bool {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    ciborium::into_writer(a, &mut x).is_ok() && ciborium::into_writer(b, &mut y).is_ok() && x == y
}

/// Every header field that the payload determines must say what the payload says.
fn check_header_matches<T: Persist>(obj: &T, header: &Header, path: &Path) -> Result<(), PersistError> {
    let mismatch = |field| Err(PersistError::HeaderMismatch { file: path.to_path_buf(), field });
    if !same(&header.labels, &obj.labels()) {
        return mismatch("labels");
    }
    if !same(&header.schema, &obj.schema()) {
        return mismatch("schema");
    }
    if header.n_features.is_some_and(|n| Some(n) != obj.n_features()) {
        return mismatch("n_features");
    }
    if header.steps.as_ref().is_some_and(|s| Some(s) != obj.steps().as_ref()) {
        return mismatch("steps");
    }
    if let Some(own) = obj.hyperparameters() {
        if header.hyperparameters.as_ref() != Some(&own) {
            return mismatch("hyperparameters");
        }
    }
    Ok(())
}

/// The rest of [`load_bytes_with`], once the frame and header are decoded.
fn load_frame<T: Persist>(
    frame: &format::Frame<'_>,
    header: Header,
    path: &Path,
    options: &LoadOptions,
) -> Result<(T, Header), PersistError> {
    check_signature(frame, &header, path, options)?;
    if header.kind != T::KIND {
        return Err(PersistError::WrongKind {
            file: path.to_path_buf(),
            expected: T::KIND,
            found: header.kind.chars().take(64).collect(),
        });
    }
    match &header.verification {
        Some(v) => check_sample_size(&v.input, v.output.len(), path)?,
        None if options.allow_missing_sample => {}
        None => return Err(PersistError::MissingSample { file: path.to_path_buf() }),
    }
    let obj: T = decode_payload(frame, &header, path, options)?;
    obj.check().map_err(|reason| PersistError::InvalidModel { file: path.to_path_buf(), reason })?;
    check_header_matches(&obj, &header, path)?;
    if let Some(v) = &header.verification {
        check_sample(&obj, v, path)?;
    }
    Ok((obj, header))
}

/// A row of cells for an error message, cut to a readable length.
fn show(row: Option<&Vec<Cell>>) -> String {
    const MAX_CELLS: usize = 8;
    match row {
        None => "no row".into(),
        Some(cells) => {
            let mut parts: Vec<String> = cells
                .iter()
                .take(MAX_CELLS)
                .map(|c| match c {
                    Cell::Number(v) => format!("{v:?}"),
                    Cell::Text(Some(t)) => format!("{:?}", t.chars().take(40).collect::<String>()),
                    Cell::Text(None) => "missing".into(),
                })
                .collect();
            if cells.len() > MAX_CELLS {
                parts.push(format!("… {} more", cells.len() - MAX_CELLS));
            }
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

/// Runs the model on the sample's input and compares with the stored outputs, row by row.
pub(crate) fn check_sample<T: Persist>(obj: &T, v: &Verification, path: &Path) -> Result<(), PersistError> {
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

/// Loads the file as whatever amber type its header names, from the closed set amber knows, with
/// the default options, and checks it fully (header against payload, sample). Returns the header.
///
/// The kind only selects among amber's own data types, each decoded and validated like [`load`];
/// nothing in the file is executed.
pub fn verify(path: impl AsRef<Path>) -> Result<Header, PersistError> {
    verify_with(path, &LoadOptions::default())
}

/// [`verify`] with explicit options (trusted keys, limits).
pub fn verify_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Header, PersistError> {
    use amber_estimators::*;
    let path = path.as_ref();
    let bytes = read_file(path, options)?;
    // Framing and checksum are checked once; the header's kind then picks the type.
    let frame = format::decode(&bytes, path)?;
    let header = decode_header(&frame, path)?;
    let kind = header.kind.clone();
    macro_rules! by_kind {
        ($($t:ty),*) => {
            $(if kind == <$t as Persist>::KIND {
                return load_frame::<$t>(&frame, header, path, options).map(|(_, h)| h);
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
        message: format!("unknown kind {:?}", kind.chars().take(64).collect::<String>()),
    })
}

/// `<path>.json`.
pub fn sidecar_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row in an error message shows at most 8 cells and 40 characters of each text, and says
    /// how many cells it left out.
    #[test]
    fn rows_in_error_messages_are_cut_to_a_readable_length() {
        let cells = |n: usize| (0..n).map(|i| Cell::Number(i as f64)).collect::<Vec<_>>();
        assert_eq!(show(None), "no row");
        assert_eq!(show(Some(&cells(8))), "[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]");
        assert_eq!(show(Some(&cells(9))), "[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, … 1 more]");
        let long = vec![Cell::Text(Some("y".repeat(1000))), Cell::Text(None)];
        assert_eq!(show(Some(&long)), format!("[{:?}, missing]", "y".repeat(40)));
    }

    /// Verification's equality: labels exactly, numbers within 1e-12 relative (absolute below
    /// 1), NaN equal to NaN only, rows of equal length only.
    #[test]
    fn verification_compares_numbers_to_one_part_in_a_trillion() {
        let n = |v: f64| Cell::Number(v);
        let same = |a: Vec<Cell>, b: Vec<Cell>| rows_match(Some(&a), Some(&b));
        assert!(same(vec![n(1e6)], vec![n(1e6 * (1.0 + 0.9e-12))]));
        assert!(!same(vec![n(1e6)], vec![n(1e6 * (1.0 + 1.1e-12))]));
        assert!(same(vec![n(-1e6)], vec![n(-1e6 * (1.0 + 0.9e-12))]));
        assert!(same(vec![n(0.0)], vec![n(0.9e-12)]));
        assert!(!same(vec![n(0.0)], vec![n(1.1e-12)]));
        assert!(!same(vec![n(0.5)], vec![n(0.5 + 1.1e-12)]));
        assert!(same(vec![n(f64::NAN)], vec![n(f64::NAN)]));
        assert!(!same(vec![n(f64::NAN)], vec![n(0.0)]));
        assert!(!same(vec![n(0.0)], vec![n(f64::NAN)]));
        assert!(same(vec![n(f64::INFINITY)], vec![n(f64::INFINITY)]));
        assert!(!same(vec![n(1.0), n(2.0)], vec![n(1.0), n(2.5)]));
        assert!(!same(vec![n(1.0)], vec![n(1.0), n(1.0)]));
        assert!(!same(vec![n(1.0)], vec![Cell::Text(Some("1".into()))]));
        assert!(same(vec![Cell::Text(None)], vec![Cell::Text(None)]));
        assert!(!rows_match(None, Some(&vec![n(1.0)])));
    }

    /// A reader that hands out `chunk` bytes per call.
    #[cfg(feature = "zstd")]
    struct Chunks<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    #[cfg(feature = "zstd")]
    impl Read for Chunks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            let (head, rest) = self.data.split_at(n);
            buf.get_mut(..n).unwrap_or_default().copy_from_slice(head);
            self.data = rest;
            Ok(n)
        }
    }

    /// The copy grows with what arrives, never past the declared size while the data stays
    /// within it (a header that lies about a small size cannot make it reserve more), and only
    /// as far as the data when it goes beyond.
    #[cfg(feature = "zstd")]
    #[test]
    fn the_copy_never_reserves_past_the_declared_size() -> std::io::Result<()> {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for (cap, chunk) in [(100usize, 7usize), (1000, 7), (1000, 64), (300, 1000), (5000, 33)] {
            let mut tee = Tee { inner: Chunks { data: &data, chunk }, copy: Vec::new(), cap };
            let mut buf = [0u8; 1024];
            loop {
                let n = tee.read(&mut buf)?;
                let bound = cap.max(tee.copy.len());
                assert!(
                    tee.copy.capacity() <= bound,
                    "cap {cap}, chunk {chunk}: {} > {bound}",
                    tee.copy.capacity()
                );
                if n == 0 {
                    break;
                }
            }
            assert_eq!(tee.copy, data, "cap {cap}, chunk {chunk}");
        }
        Ok(())
    }
}
