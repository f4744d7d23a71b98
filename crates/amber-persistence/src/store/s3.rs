//! An S3-compatible object store through the `object_store` crate, driven from this crate's
//! blocking API by a small private tokio runtime.

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{
    GetOptions, GetResult, ObjectStore, ObjectStoreExt, PutMode, PutOptions, RetryConfig, UpdateVersion,
};

use super::{Tag, RECORD_CAP};
use crate::error::PersistError;

/// The longest store message quoted in an error (a server's error body can be anything).
const MAX_MESSAGE_CHARS: usize = 300;

/// How long a request is retried (connection errors, 5xx) before the registry gives up: long
/// enough for a store's brief hiccup, short enough that a wrong endpoint is an error in seconds,
/// not object_store's default three minutes.
const RETRY: RetryConfig = RetryConfig {
    backoff: object_store::BackoffConfig {
        init_backoff: std::time::Duration::from_millis(100),
        max_backoff: std::time::Duration::from_secs(2),
        base: 2.0,
    },
    max_retries: 3,
    retry_timeout: std::time::Duration::from_secs(10),
};

/// A runtime that is shut down without waiting when dropped, so that dropping a registry inside
/// another runtime (a server's task) never blocks or panics.
#[derive(Debug)]
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// A bucket and key prefix of an S3-compatible store.
#[derive(Debug, Clone)]
pub(crate) struct S3Store {
    store: Arc<AmazonS3>,
    bucket: String,
    prefix: String,
    runtime: Arc<Runtime>,
}

fn plain_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && s != "."
        && s != ".."
}

/// Splits `s3://bucket/some/prefix` into the bucket and the prefix (without slashes at its ends).
fn parse_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let prefix = prefix.trim_end_matches('/');
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    let prefix_ok = prefix.is_empty() || (prefix.len() <= 512 && prefix.split('/').all(plain_segment));
    (bucket_ok && prefix_ok).then(|| (bucket.to_string(), prefix.to_string()))
}

/// A store error for `location`, its message cut to [`MAX_MESSAGE_CHARS`].
fn store_error(location: String, action: &'static str, e: impl std::fmt::Display) -> PersistError {
    PersistError::Store { location, action, message: amber_data::cut_at(&e.to_string(), MAX_MESSAGE_CHARS) }
}

impl S3Store {
    /// Connects to `s3://bucket/prefix`, configured from the `AWS_*` environment variables and
    /// then `config` (object_store's `AmazonS3ConfigKey` names, e.g. `aws_endpoint`).
    pub(crate) fn connect(url: &str, config: &[(&str, &str)]) -> Result<S3Store, PersistError> {
        let shown: String = url.chars().take(120).collect();
        let (bucket, prefix) = parse_url(url).ok_or_else(|| PersistError::InvalidOption {
            name: "registry",
            reason: format!(
                "{shown:?} is not s3://BUCKET[/PREFIX] (a bucket of 3 to 63 lowercase letters, digits, \
                 '-' or '.'; prefix segments of letters, digits, '-', '_' or '.')"
            ),
        })?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&bucket).with_retry(RETRY);
        for (key, value) in config {
            let parsed: AmazonS3ConfigKey = key.parse().map_err(|_| PersistError::InvalidOption {
                name: "s3 config",
                reason: format!("unknown S3 option {:?}", key.chars().take(64).collect::<String>()),
            })?;
            builder = builder.with_config(parsed, *value);
        }
        let store = builder.build().map_err(|e| store_error(shown.clone(), "configure", e))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("amber-s3")
            .enable_all()
            .build()
            .map_err(|e| store_error(shown, "start the I/O runtime", e))?;
        Ok(S3Store { store: Arc::new(store), bucket, prefix, runtime: Arc::new(Runtime(Some(runtime))) })
    }

    fn block<F: std::future::Future>(&self, future: F) -> Result<F::Output, PersistError> {
        match &self.runtime.0 {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(store_error(self.url(""), "run", "the I/O runtime has stopped")),
        }
    }

    fn path(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    /// `s3://bucket/prefix/key`.
    pub(crate) fn url(&self, key: &str) -> String {
        match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => format!("s3://{}/{key}", self.bucket),
            (false, true) => format!("s3://{}/{}", self.bucket, self.prefix),
            (false, false) => format!("s3://{}/{}/{key}", self.bucket, self.prefix),
        }
    }

    pub(crate) fn list(&self, dir: &str) -> Result<Vec<String>, PersistError> {
        let path = self.path(dir);
        let listed = self
            .block(self.store.list_with_delimiter(Some(&path)))?
            .map_err(|e| store_error(self.url(dir), "list", e))?;
        let prefixes = listed.common_prefixes.iter().filter_map(|p| p.filename().map(str::to_string));
        let objects = listed.objects.iter().filter_map(|o| o.location.filename().map(str::to_string));
        Ok(prefixes.chain(objects).collect())
    }

    /// The object's bytes, refusing one larger than `limit` by its declared size and while
    /// reading (whatever the server declared).
    fn read_capped(&self, result: GetResult, key: &str, limit: u64) -> Result<(Vec<u8>, Tag), PersistError> {
        let too_large = |size: u64| PersistError::TooLarge {
            file: PathBuf::from(self.url(key)),
            what: "object",
            size,
            limit,
            option: "LoadOptions::max_payload_size",
        };
        if result.meta.size > limit {
            return Err(too_large(result.meta.size));
        }
        let tag = result.meta.e_tag.clone();
        let mut bytes = Vec::with_capacity(usize::try_from(result.meta.size).unwrap_or(0));
        let mut stream = result.into_stream();
        while let Some(chunk) = self.block(stream.next())? {
            let chunk = chunk.map_err(|e| store_error(self.url(key), "read", e))?;
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > limit {
                return Err(too_large(bytes.len() as u64));
            }
        }
        Ok((bytes, tag))
    }

    fn get(&self, key: &str) -> Result<Option<GetResult>, PersistError> {
        match self.block(self.store.get_opts(&self.path(key), GetOptions::default()))? {
            Ok(result) => Ok(Some(result)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_error(self.url(key), "read", e)),
        }
    }

    pub(crate) fn read_small(&self, key: &str) -> Result<Option<(Vec<u8>, Tag)>, PersistError> {
        let Some(result) = self.get(key)? else { return Ok(None) };
        match self.read_capped(result, key, RECORD_CAP) {
            Err(PersistError::TooLarge { size, .. }) => Err(super::unfit(
                PathBuf::from(self.url(key)),
                format!("not an object of at most {RECORD_CAP} bytes ({size} bytes)"),
            )),
            other => other.map(Some),
        }
    }

    pub(crate) fn read_model(&self, key: &str, limit: u64) -> Result<Vec<u8>, PersistError> {
        let result = self.get(key)?.ok_or_else(|| store_error(self.url(key), "read", "no such object"))?;
        Ok(self.read_capped(result, key, limit)?.0)
    }

    fn put_mode(&self, key: &str, bytes: &[u8], mode: PutMode) -> Result<bool, PersistError> {
        let payload = bytes.to_vec().into();
        match self.block(self.store.put_opts(&self.path(key), payload, PutOptions::from(mode)))? {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => {
                Ok(false)
            }
            Err(e) => Err(store_error(self.url(key), "write", e)),
        }
    }

    pub(crate) fn create(&self, key: &str, bytes: &[u8]) -> Result<bool, PersistError> {
        self.put_mode(key, bytes, PutMode::Create)
    }

    pub(crate) fn put(&self, key: &str, bytes: &[u8]) -> Result<(), PersistError> {
        self.put_mode(key, bytes, PutMode::Overwrite).map(|_| ())
    }

    pub(crate) fn replace(&self, key: &str, bytes: &[u8], seen: Option<&Tag>) -> Result<bool, PersistError> {
        match seen {
            None => self.put_mode(key, bytes, PutMode::Create),
            Some(Some(e_tag)) => self.put_mode(
                key,
                bytes,
                PutMode::Update(UpdateVersion { e_tag: Some(e_tag.clone()), version: None }),
            ),
            Some(None) => Err(store_error(self.url(key), "write", "the store gave the object no ETag")),
        }
    }

    pub(crate) fn delete(&self, key: &str) -> Result<(), PersistError> {
        match self.block(self.store.delete(&self.path(key)))? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_error(self.url(key), "delete", e)),
        }
    }

    pub(crate) fn exists(&self, key: &str) -> Result<bool, PersistError> {
        match self.block(self.store.head(&self.path(key)))? {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(store_error(self.url(key), "read", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_url, store_error, MAX_MESSAGE_CHARS};
    use crate::PersistError;

    /// A store's message is quoted whole up to 300 characters, cut with "…" beyond.
    #[test]
    fn store_messages_are_cut_at_300_characters() {
        let message = |text: &str| match store_error("s3://b/k".into(), "read", text) {
            PersistError::Store { message, .. } => message,
            other => other.to_string(),
        };
        let exact = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(message(&exact), exact);
        let long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(message(&long), format!("{exact}…"));
        assert_eq!(message("short"), "short");
    }

    #[test]
    fn urls_name_a_bucket_and_a_plain_prefix() {
        assert_eq!(parse_url("s3://models"), Some(("models".into(), String::new())));
        assert_eq!(parse_url("s3://models/"), Some(("models".into(), String::new())));
        assert_eq!(parse_url("s3://my-models/team/churn/"), Some(("my-models".into(), "team/churn".into())));
        for bad in [
            "models",
            "s3://",
            "s3://ab",
            "s3://Models",
            "s3://models//x",
            "s3://models/a/../b",
            "s3://models/a b",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }
}
