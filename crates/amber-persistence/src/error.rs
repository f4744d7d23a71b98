//! The one error type of this crate.

use std::path::{Path, PathBuf};

/// Everything that can go wrong saving, loading or verifying a model file. Each variant names the
/// file, and what in it is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// The operating system refused a read or write.
    #[error("{}: {action}: {source}", file.display())]
    Io {
        /// The file or directory.
        file: PathBuf,
        /// What was being done.
        action: &'static str,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file does not start with amber's magic bytes.
    #[error("{}: not an amber model file (bad magic bytes)", file.display())]
    BadMagic {
        /// The file.
        file: PathBuf,
    },
    /// The file ends before a part its lengths announce.
    #[error("{}: truncated: {part} needs {needed} bytes at offset {offset}, but the file has {available} left", file.display())]
    Truncated {
        /// The file.
        file: PathBuf,
        /// The part being read.
        part: &'static str,
        /// Where it starts.
        offset: u64,
        /// Bytes it needs.
        needed: u64,
        /// Bytes left in the file.
        available: u64,
    },
    /// A newer major format version than this build reads.
    #[error("{}: format version {file_version} is not supported (this amber reads {supported})", file.display())]
    UnsupportedFormat {
        /// The file.
        file: PathBuf,
        /// The file's version, `major.minor`.
        file_version: String,
        /// What this build reads.
        supported: String,
    },
    /// The header length is over the cap.
    #[error("{}: header of {length} bytes is over the {cap}-byte cap", file.display())]
    HeaderTooLarge {
        /// The file.
        file: PathBuf,
        /// Declared length.
        length: u64,
        /// The cap.
        cap: u64,
    },
    /// The checksum does not match the file's bytes.
    #[error("{}: checksum mismatch: the file is damaged or was altered", file.display())]
    ChecksumMismatch {
        /// The file.
        file: PathBuf,
    },
    /// Bytes after the checksum.
    #[error("{}: {count} unexpected bytes after the checksum", file.display())]
    TrailingBytes {
        /// The file.
        file: PathBuf,
        /// How many.
        count: u64,
    },
    /// A compression method this build does not know.
    #[error("{}: unknown compression {name:?}", file.display())]
    UnknownCompression {
        /// The file.
        file: PathBuf,
        /// The method named in the header.
        name: String,
    },
    /// The header or payload bytes do not decode.
    #[error("{}: the {part} does not decode: {message}", file.display())]
    Decode {
        /// The file.
        file: PathBuf,
        /// `header` or `payload`.
        part: &'static str,
        /// The decoder's message.
        message: String,
    },
    /// The file holds another kind of object than the caller asked for.
    #[error("{}: expected a {expected}, the file holds a {found}", file.display())]
    WrongKind {
        /// The file.
        file: PathBuf,
        /// The kind asked for.
        expected: &'static str,
        /// The kind in the header.
        found: String,
    },
    /// The decoded object is not a possible model.
    #[error("{}: the model is invalid: {reason}", file.display())]
    InvalidModel {
        /// The file.
        file: PathBuf,
        /// What `validate()` said.
        reason: String,
    },
    /// The model's predictions on its verification sample differ from those stored at save time.
    #[error("{}: verification failed at sample row {row}: stored {expected}, computed {found}", file.display())]
    VerificationFailed {
        /// The file.
        file: PathBuf,
        /// First differing row of the sample.
        row: usize,
        /// What was stored.
        expected: String,
        /// What the loaded model gives.
        found: String,
    },
    /// The model could not run on its verification sample.
    #[error("{}: the verification sample cannot be run: {reason}", file.display())]
    VerificationError {
        /// The file.
        file: PathBuf,
        /// Why.
        reason: String,
    },
    /// A bad save option (for example a compression level out of range).
    #[error("invalid save option {name}: {reason}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// What it must be.
        reason: String,
    },
    /// Not a regular file (a directory, a FIFO, a device): refused before it is opened for reading.
    #[error("{}: not a regular file", file.display())]
    NotAFile {
        /// The path.
        file: PathBuf,
    },
    /// A size over a limit of [`crate::LoadOptions`] or of the format, refused before reading or
    /// allocating it.
    #[error("{}: {what} of {size} bytes is over the limit of {limit} bytes ({option})", file.display())]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// What is too large (`file`, `decoded payload`).
        what: &'static str,
        /// Its size (declared or measured).
        size: u64,
        /// The limit.
        limit: u64,
        /// Where the limit comes from (`LoadOptions::max_payload_size`).
        option: &'static str,
    },
    /// The CBOR structure of the header or payload is over the resource contract (too many items,
    /// too deep, lengths longer than the data), refused before it is decoded.
    #[error("{}: the {part} is refused before decoding: {reason}", file.display())]
    TooComplex {
        /// The file.
        file: PathBuf,
        /// `header` or `payload`.
        part: &'static str,
        /// What the structural scan found.
        reason: String,
    },
    /// The file has no verification sample and the caller did not allow that.
    #[error("{}: the file has no verification sample (LoadOptions::allow_missing_sample to accept it)", file.display())]
    MissingSample {
        /// The file.
        file: PathBuf,
    },
    /// The verification sample is over its documented maximum.
    #[error("{}: the verification sample has {rows} rows × {columns} columns; at most {max_rows} rows and {max_cells} cells are allowed", file.display())]
    SampleTooLarge {
        /// The file.
        file: PathBuf,
        /// Rows.
        rows: usize,
        /// Columns.
        columns: usize,
        /// The row limit.
        max_rows: usize,
        /// The cell limit.
        max_cells: usize,
    },
    /// A header field disagrees with what the payload determines: the header is forged or damaged.
    #[error("{}: the header's {field} does not match the model in the payload", file.display())]
    HeaderMismatch {
        /// The file.
        file: PathBuf,
        /// `labels`, `schema`, `n_features`, `steps`, `payload_sha256`.
        field: &'static str,
    },
    /// The file's signature is malformed or does not match its contents.
    #[error("{}: bad signature: {reason}", file.display())]
    BadSignature {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file is signed by a key that is not among the trusted keys.
    #[error("{}: signed by key {key_id}, which is not a trusted key", file.display())]
    UntrustedSigner {
        /// The file.
        file: PathBuf,
        /// The signer's key id.
        key_id: String,
    },
    /// The file is not signed, and the caller requires a signature.
    #[error("{}: the file is not signed, and a signature is required", file.display())]
    SignatureRequired {
        /// The file.
        file: PathBuf,
    },
    /// A key file cannot be read or is not an Ed25519 key.
    #[error("key {}: {reason}", file.display())]
    Key {
        /// The key file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An object store (a registry's `s3://` bucket) failed or refused a request.
    #[error("{location}: {action}: {message}")]
    Store {
        /// The bucket, prefix and key, `s3://…`.
        location: String,
        /// What was being done.
        action: &'static str,
        /// What the store said (at most 300 characters).
        message: String,
    },
    /// A registry or versioned-save problem (bad name, unknown version or alias, worse metric).
    #[error("registry {}: {reason}", dir.display())]
    Registry {
        /// The registry directory.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Wraps an I/O error with the file and what was being done.
pub(crate) fn io_error<'a>(
    file: &'a Path,
    action: &'static str,
) -> impl FnOnce(std::io::Error) -> PersistError + 'a {
    move |source| PersistError::Io { file: file.to_path_buf(), action, source }
}
