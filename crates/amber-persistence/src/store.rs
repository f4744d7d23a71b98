//! Where a registry keeps its bytes: a local directory, or (feature `s3`) an S3-compatible
//! object store. The registry speaks in keys (`.registry/iris/v3.json`, `aliases/iris.champion.json`,
//! `iris_pipeline_v3_….amber`); this module is the only place that turns them into files or objects.
//!
//! The two differ in how writers exclude each other. A directory has an OS lock and exclusive file
//! creation. An object store has conditional writes: a version record is created only if absent
//! (`If-None-Match: *`), and an alias is replaced only if it still has the ETag it was read with
//! (`If-Match`), so a writer that lost a race sees a conflict and retries instead of overwriting.

use std::path::{Path, PathBuf};

use crate::error::{io_error, PersistError};
use crate::io::write_atomic;
use crate::load::{read_file, LoadOptions};

#[cfg(feature = "s3")]
pub(crate) mod s3;

/// Largest registry record or alias read, in bytes.
pub(crate) const RECORD_CAP: u64 = 64 << 10;

/// A version of an object as the store saw it: the ETag of an object store's object; a
/// directory's files have none (the OS lock orders their writers instead).
pub(crate) type Tag = Option<String>;

/// The registry's storage.
#[derive(Debug, Clone)]
pub(crate) enum Store {
    /// A directory on this machine.
    Local(PathBuf),
    /// A bucket and prefix of an S3-compatible store.
    #[cfg(feature = "s3")]
    S3(s3::S3Store),
}

/// A record or alias that is not what one can be (a directory, too large): `Registry` names it
/// and why, so that a listing can report the reason alone.
pub(crate) fn unfit(location: PathBuf, reason: String) -> PersistError {
    PersistError::Registry { dir: location, reason }
}

/// Reads a small local file, refusing what is not a regular file of at most [`RECORD_CAP`] bytes.
fn read_small_file(path: &Path) -> Result<Option<Vec<u8>>, PersistError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path, "read")(e)),
    };
    if !meta.is_file() || meta.len() > RECORD_CAP {
        return Err(unfit(path.to_path_buf(), format!("not a regular file of at most {RECORD_CAP} bytes")));
    }
    std::fs::read(path).map(Some).map_err(io_error(path, "read"))
}

impl Store {
    /// Where `key` is, for messages and for [`crate::ModelVersion::path`]: a path for a
    /// directory, `s3://bucket/prefix/key` for an object store.
    pub(crate) fn location(&self, key: &str) -> PathBuf {
        match self {
            Store::Local(dir) => dir.join(key),
            #[cfg(feature = "s3")]
            Store::S3(s3) => PathBuf::from(s3.url(key)),
        }
    }

    /// The names directly under `dir` (a key ending without `/`): files and sub-directories.
    /// A directory that does not exist has none.
    pub(crate) fn list(&self, dir: &str) -> Result<Vec<String>, PersistError> {
        match self {
            Store::Local(root) => {
                let path = root.join(dir);
                let entries = match std::fs::read_dir(&path) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                    Err(e) => return Err(io_error(&path, "list")(e)),
                };
                let mut names = Vec::new();
                for entry in entries {
                    let entry = entry.map_err(io_error(&path, "list"))?;
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
                Ok(names)
            }
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.list(dir),
        }
    }

    /// A record or alias (at most [`RECORD_CAP`] bytes) and its tag; `None` when absent. One
    /// that cannot be a record is a `Registry` error saying why (see [`unfit`]).
    pub(crate) fn read_small(&self, key: &str) -> Result<Option<(Vec<u8>, Tag)>, PersistError> {
        match self {
            Store::Local(root) => Ok(read_small_file(&root.join(key))?.map(|b| (b, None))),
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.read_small(key),
        }
    }

    /// A model file, bounded by `options`' file size limit before it is read.
    pub(crate) fn read_model(&self, key: &str, options: &LoadOptions) -> Result<Vec<u8>, PersistError> {
        match self {
            Store::Local(root) => read_file(&root.join(key), options),
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.read_model(key, options.file_limit()),
        }
    }

    /// Creates `key` holding `bytes` only if nothing is there: `Ok(false)` when something is.
    pub(crate) fn create(&self, key: &str, bytes: &[u8]) -> Result<bool, PersistError> {
        match self {
            Store::Local(root) => {
                let path = root.join(key);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io_error(dir, "create directory"))?;
                }
                match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                    Ok(mut f) => {
                        std::io::Write::write_all(&mut f, bytes).map_err(io_error(&path, "write"))?;
                        Ok(true)
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                    Err(e) => Err(io_error(&path, "create")(e)),
                }
            }
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.create(key, bytes),
        }
    }

    /// Writes `key` whole (readers see the old bytes or the new, never a part).
    pub(crate) fn put(&self, key: &str, bytes: &[u8]) -> Result<(), PersistError> {
        match self {
            Store::Local(root) => {
                let path = root.join(key);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io_error(dir, "create directory"))?;
                }
                write_atomic(&path, bytes)
            }
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.put(key, bytes),
        }
    }

    /// Replaces `key` only if it is still as it was read (`seen`: its tag, or `None` for "it was
    /// absent"); `Ok(false)` when another writer changed it since. A directory's writers hold the
    /// registry lock, so there it always writes.
    #[cfg_attr(not(feature = "s3"), allow(unused_variables))]
    pub(crate) fn replace(&self, key: &str, bytes: &[u8], seen: Option<&Tag>) -> Result<bool, PersistError> {
        match self {
            Store::Local(_) => self.put(key, bytes).map(|()| true),
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.replace(key, bytes, seen),
        }
    }

    /// Deletes `key`; one that is already gone is not an error.
    pub(crate) fn delete(&self, key: &str) -> Result<(), PersistError> {
        match self {
            Store::Local(root) => {
                let path = root.join(key);
                match std::fs::remove_file(&path) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(io_error(&path, "remove")(e)),
                }
            }
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.delete(key),
        }
    }

    /// Whether `key` exists.
    pub(crate) fn exists(&self, key: &str) -> Result<bool, PersistError> {
        match self {
            Store::Local(root) => Ok(root.join(key).exists()),
            #[cfg(feature = "s3")]
            Store::S3(s3) => s3.exists(key),
        }
    }

    /// Whether writers must order themselves with an OS lock (a directory) rather than with
    /// conditional writes (an object store).
    pub(crate) fn local_dir(&self) -> Option<&Path> {
        match self {
            Store::Local(dir) => Some(dir),
            #[cfg(feature = "s3")]
            Store::S3(_) => None,
        }
    }
}
