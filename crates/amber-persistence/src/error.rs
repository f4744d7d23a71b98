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
