//! Versioned file names and a model registry: a directory, or (feature `s3`) a bucket of an
//! S3-compatible store that several machines share.
//!
//! Files are named `<name>_<algorithm>_v<N>_<UTC time>.amber`, but a file name is only a label:
//! which model and version a file is comes from the registry's own records
//! (`.registry/<name>/v<N>.json`) and from the model name in the file's header, which must match
//! exactly. Version numbers are claimed by creating the record exclusively (`create_new` on a
//! directory, `If-None-Match: *` on an object store), so two processes saving at once always get
//! distinct versions. In a directory, registering, promoting and moving aliases hold an OS advisory
//! lock (`.registry/<name>/lock`), released by the OS when a process dies; in an object store,
//! [`Registry::promote_if_better`] replaces the alias only if it still has the ETag it was read
//! with (`If-Match`), and decides again when it does not, so no promotion is lost.
//!
//! Model names: 1 to 64 ASCII letters, digits, `-` or `_`, starting with a letter or digit.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{io_error, PersistError};
use crate::header::Header;
use crate::io::{encode, payload_digest, SaveOptions};
use crate::load::{inspect_bytes, load_bytes_with, LoadOptions};
use crate::persist::Persist;
use crate::store::{Store, Tag};

/// Longest model or alias name.
pub const MAX_NAME_LEN: usize = 64;
/// How many times [`Registry::promote_if_better`] reads and decides again when another writer
/// moved the alias between its read and its write.
const MAX_ATTEMPTS: u32 = 16;

fn registry_error(dir: &Path, reason: impl Into<String>) -> PersistError {
    PersistError::Registry { dir: dir.to_path_buf(), reason: reason.into() }
}

/// A name shown in an error: at most 80 characters, escaped.
fn shown(name: &str) -> String {
    format!("{:?}", name.chars().take(80).collect::<String>())
}

fn valid_name(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Model, alias and algorithm names become file names: see the module documentation.
fn check_name(dir: &Path, what: &str, name: &str) -> Result<(), PersistError> {
    if !valid_name(name) {
        return Err(registry_error(
            dir,
            format!(
                "{what} {} must be 1 to {MAX_NAME_LEN} letters, digits, '-' or '_', starting with a letter or digit",
                shown(name)
            ),
        ));
    }
    Ok(())
}

/// A saved model version, as listed by the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVersion {
    /// Model name.
    pub name: String,
    /// Algorithm (the file's kind, e.g. `random_forest_classifier`, or a pipeline's classifier's).
    pub algorithm: String,
    /// Version number, from 1.
    pub version: u32,
    /// The file; in an S3 registry, its object's `s3://bucket/prefix/key` (not a local path).
    pub path: PathBuf,
    /// Its header (claims until the file is loaded or verified).
    pub header: Header,
}

/// An entry of the registry that could not be listed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The record or file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

/// The versions of one model, and what was skipped while listing them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// The versions that are intact, oldest first.
    pub versions: Vec<ModelVersion>,
    /// Records or files that are damaged, foreign or incomplete; never fatal for the others.
    pub skipped: Vec<Skipped>,
}

/// The registry's record of one version (`.registry/<name>/v<N>.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    name: String,
    version: u32,
    algorithm: String,
    file: String,
    payload_sha256: Option<String>,
}

/// An alias's target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AliasRecord {
    version: u32,
    file: String,
    metric: Option<(String, f64)>,
}

/// What [`Registry::promote_if_better`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Promotion {
    /// The alias now points at the candidate (it pointed at `previous`, if anything).
    Promoted {
        /// The version it pointed at before.
        previous: Option<u32>,
    },
    /// The alias already pointed at the candidate.
    Unchanged,
    /// The candidate's metric is worse than the current target's; nothing moved.
    Refused {
        /// The version the alias keeps pointing at.
        current: u32,
        /// Its metric.
        current_metric: f64,
        /// The candidate's metric.
        candidate_metric: f64,
    },
    /// The two were not measured alike (other data, or another evaluation protocol), so their
    /// metrics say nothing about which is better; nothing moved.
    Incomparable {
        /// The version the alias keeps pointing at.
        current: u32,
        /// What differs.
        reason: String,
    },
}

/// Held while a model's records or aliases change in a directory; the OS releases it if the
/// process dies.
struct Lock(#[allow(dead_code)] std::fs::File);

fn record_key(name: &str, version: u32) -> String {
    format!(".registry/{name}/v{version}.json")
}

fn alias_key(name: &str, alias: &str) -> String {
    format!("aliases/{name}.{alias}.json")
}

/// A model registry: versioned `.amber` files, records and aliases, in a directory
/// ([`Registry::open`]) or an S3-compatible bucket ([`Registry::connect`], feature `s3`).
///
/// ```
/// use amber_estimators::{ClassifierParams, DecisionTreeClassifier};
/// use amber_persistence::{Promotion, Registry, SaveOptions};
///
/// let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
/// let tree = DecisionTreeClassifier::params().fit(x.to_array2()?.view(), &y.indices)?;
/// let dir = tempfile::tempdir()?;
/// let registry = Registry::open(dir.path())?;
/// let options = SaveOptions::default().metric("cv_accuracy", 0.95).evaluation("KFold(5)");
/// let v1 = registry.register("iris", &tree, &options)?;
/// assert_eq!(v1.version, 1);
/// // The identical model again is the same version, not a new one.
/// assert_eq!(registry.register("iris", &tree, &options)?.version, 1);
/// assert_eq!(registry.promote_if_better("iris", "champion", 1, "cv_accuracy")?, Promotion::Promoted { previous: None });
/// let champion = registry.alias("iris", "champion")?.ok_or("no champion")?;
/// let loaded: DecisionTreeClassifier = registry.load("iris", champion.version)?;
/// assert_eq!(loaded, tree);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registry {
    store: Store,
    /// The directory, or `s3://bucket/prefix`: where errors say the registry is.
    dir: PathBuf,
    load_options: LoadOptions,
}

impl Registry {
    /// Opens (creating if needed) the registry in the directory `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Registry, PersistError> {
        let dir = dir.as_ref().to_path_buf();
        for sub in ["aliases", ".registry"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(io_error(&dir, "create directory"))?;
        }
        Ok(Registry { store: Store::Local(dir.clone()), dir, load_options: LoadOptions::default() })
    }

    /// Opens the registry at `location`: `s3://BUCKET[/PREFIX]` (feature `s3`; configured from
    /// the `AWS_*` environment variables: `AWS_ENDPOINT`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ALLOW_HTTP`…) or else a directory, as
    /// [`Registry::open`].
    ///
    /// ```
    /// use amber_persistence::Registry;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let location = dir.path().join("models");
    /// let registry = Registry::connect(&location.to_string_lossy())?;
    /// assert_eq!(registry.dir(), location);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(location: &str) -> Result<Registry, PersistError> {
        if location.starts_with("s3://") {
            #[cfg(feature = "s3")]
            return Registry::connect_with(location, &[]);
            #[cfg(not(feature = "s3"))]
            return Err(PersistError::InvalidOption {
                name: "registry",
                reason: "this build of amber-persistence has no S3 support (feature `s3`)".into(),
            });
        }
        Registry::open(location)
    }

    /// Opens the registry in the bucket and prefix of `url` (`s3://BUCKET[/PREFIX]`) of an
    /// S3-compatible store, configured from the `AWS_*` environment variables and then `config`:
    /// pairs of object_store's `AmazonS3ConfigKey` names and values, e.g.
    /// `("aws_endpoint", "http://127.0.0.1:9000")`, `("aws_allow_http", "true")`. The store must
    /// support conditional writes (`If-None-Match`, `If-Match`): AWS S3, MinIO, R2, s3s-fs do.
    /// Nothing is contacted until the registry is used.
    ///
    /// ```
    /// use amber_persistence::{PersistError, Registry};
    ///
    /// let registry = Registry::connect_with("s3://models/churn", &[("aws_region", "eu-west-1")])?;
    /// assert_eq!(registry.dir().to_str(), Some("s3://models/churn"));
    /// let bad = Registry::connect_with("s3://models", &[("aws_no_such_option", "1")]);
    /// assert!(matches!(bad, Err(PersistError::InvalidOption { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "s3")]
    pub fn connect_with(url: &str, config: &[(&str, &str)]) -> Result<Registry, PersistError> {
        let store = crate::store::s3::S3Store::connect(url, config)?;
        let dir = PathBuf::from(store.url(""));
        Ok(Registry { store: Store::S3(store), dir, load_options: LoadOptions::default() })
    }

    /// Sets how this registry loads models: trusted keys, whether signatures are required
    /// (then [`Registry::register`] refuses unsigned models too), limits.
    pub fn with_load_options(mut self, options: LoadOptions) -> Self {
        self.load_options = options;
        self
    }

    /// The registry's directory, or its `s3://bucket/prefix`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Orders the writers of a directory registry; an object store's writers order themselves
    /// by conditional writes instead (`None`).
    fn lock(&self, name: &str) -> Result<Option<Lock>, PersistError> {
        let Some(root) = self.store.local_dir() else { return Ok(None) };
        let dir = root.join(".registry").join(name);
        std::fs::create_dir_all(&dir).map_err(io_error(&dir, "create directory"))?;
        let path = dir.join("lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path, "open lock"))?;
        fs4::FileExt::lock(&file).map_err(io_error(&path, "lock"))?;
        Ok(Some(Lock(file)))
    }

    /// The version numbers recorded for `name` (from the record file names `v<N>.json`), with
    /// the entries whose names are not such records.
    fn recorded(&self, name: &str) -> Result<(Vec<u32>, Vec<Skipped>), PersistError> {
        let dir = format!(".registry/{name}");
        let (mut numbers, mut skipped) = (Vec::new(), Vec::new());
        for file in self.store.list(&dir)? {
            if file == "lock" {
                continue;
            }
            match file.strip_prefix('v').and_then(|f| f.strip_suffix(".json")).map(str::parse::<u32>) {
                Some(Ok(n)) if n >= 1 => numbers.push(n),
                _ => skipped.push(Skipped {
                    path: self.store.location(&format!("{dir}/{file}")),
                    reason: "not a version record".into(),
                }),
            }
        }
        numbers.sort_unstable();
        Ok((numbers, skipped))
    }

    /// Claims the next free version number of `name`.
    fn claim(&self, name: &str) -> Result<(u32, String), PersistError> {
        let (numbers, _) = self.recorded(name)?;
        self.claim_after(name, numbers.last().copied().unwrap_or(0))
    }

    /// Claims the first free version after `last`, the highest a scan of the records saw. The
    /// claim is the exclusive creation of the record file, so a version that another process
    /// claimed after the scan is skipped, never shared. Returns the version and its record's key.
    fn claim_after(&self, name: &str, last: u32) -> Result<(u32, String), PersistError> {
        let next = |n: u32| {
            n.checked_add(1).ok_or_else(|| {
                registry_error(&self.dir, format!("{} has no version numbers left", shown(name)))
            })
        };
        let mut version = next(last)?;
        loop {
            let key = record_key(name, version);
            if self.store.create(&key, b"")? {
                return Ok((version, key));
            }
            version = next(version)?;
        }
    }

    /// Reads and checks version `version` of `name`: its record, its file's header, and that both
    /// name this model and this version.
    fn read_version(&self, name: &str, version: u32) -> Result<ModelVersion, String> {
        let (record, path) = self.read_record(name, version)?;
        let bytes =
            self.store.read_model(&record.file, &LoadOptions::default()).map_err(|e| e.to_string())?;
        let header = inspect_bytes(&bytes, &path).map_err(|e| e.to_string())?;
        check_file(name, &record, &header)?;
        Ok(ModelVersion { name: name.to_string(), algorithm: record.algorithm, version, path, header })
    }

    /// The record of version `version` of `name`, checked, and the location of its file.
    fn read_record(&self, name: &str, version: u32) -> Result<(Record, PathBuf), String> {
        let (bytes, _) =
            self.store.read_small(&record_key(name, version)).map_err(reason)?.ok_or("no such version")?;
        if bytes.is_empty() {
            return Err("incomplete: a save is in progress or was interrupted".into());
        }
        let record: Record = serde_json::from_slice(&bytes).map_err(|e| format!("damaged record: {e}"))?;
        if record.name != name || record.version != version {
            return Err("the record names another model or version".into());
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let stem = record.file.strip_suffix(".amber").unwrap_or_default();
        if stem.is_empty() || stem.len() > 200 || !stem.chars().all(plain) {
            return Err("the record's file name is not a plain .amber file name".into());
        }
        let path = self.store.location(&record.file);
        Ok((record, path))
    }

    /// Loads version `version` of `name` with the registry's load options, and returns it with
    /// its entry (header, path): what a service that reloads models needs. The file is read once.
    pub fn load_version<T: Persist>(
        &self,
        name: &str,
        version: u32,
    ) -> Result<(T, ModelVersion), PersistError> {
        check_name(&self.dir, "model name", name)?;
        let fail =
            |reason: String| registry_error(&self.dir, format!("{} v{version}: {reason}", shown(name)));
        let (record, path) = self.read_record(name, version).map_err(fail)?;
        let bytes = self.store.read_model(&record.file, &self.load_options)?;
        let (obj, header) = load_bytes_with::<T>(&bytes, &path, &self.load_options)?;
        check_file(name, &record, &header).map_err(fail)?;
        Ok((obj, ModelVersion { name: name.to_string(), algorithm: record.algorithm, version, path, header }))
    }

    /// Every intact version of `name`, oldest first, and every damaged, foreign or incomplete
    /// entry, each with its reason.
    pub fn listing(&self, name: &str) -> Result<Listing, PersistError> {
        check_name(&self.dir, "model name", name)?;
        let (numbers, mut skipped) = self.recorded(name)?;
        let mut versions = Vec::new();
        for n in numbers {
            match self.read_version(name, n) {
                Ok(v) => versions.push(v),
                Err(reason) => {
                    skipped.push(Skipped { path: self.store.location(&record_key(name, n)), reason })
                }
            }
        }
        Ok(Listing { versions, skipped })
    }

    /// Every intact version of `name`, oldest first, with its header (metrics, dates). Damaged
    /// entries are left out; [`Registry::listing`] reports them.
    pub fn versions(&self, name: &str) -> Result<Vec<ModelVersion>, PersistError> {
        Ok(self.listing(name)?.versions)
    }

    /// The names of all models in the registry, sorted.
    pub fn models(&self) -> Result<Vec<String>, PersistError> {
        let mut names: Vec<String> =
            self.store.list(".registry")?.into_iter().filter(|n| valid_name(n)).collect();
        names.sort();
        Ok(names)
    }

    /// Version `version` of `name` (its header read, not yet loaded).
    pub fn get(&self, name: &str, version: u32) -> Result<ModelVersion, PersistError> {
        check_name(&self.dir, "model name", name)?;
        self.read_version(name, version)
            .map_err(|reason| registry_error(&self.dir, format!("{} v{version}: {reason}", shown(name))))
    }

    /// Loads version `version` of `name` with the registry's load options (signatures, limits).
    pub fn load<T: Persist>(&self, name: &str, version: u32) -> Result<T, PersistError> {
        self.load_version(name, version).map(|(obj, _)| obj)
    }

    /// Saves `obj` as the next version of `name`, or returns the existing version whose payload
    /// is identical (a retrain that produced the same model is not a new version). The model name
    /// is written in the header; the file is named `<name>_<algorithm>_v<N>_<UTC time>.amber`.
    pub fn register<T: Persist>(
        &self,
        name: &str,
        obj: &T,
        options: &SaveOptions,
    ) -> Result<ModelVersion, PersistError> {
        check_name(&self.dir, "model name", name)?;
        let algorithm = obj.algorithm();
        check_name(&self.dir, "algorithm", &algorithm)?;
        if self.load_options.require_signature && options.signing_key.is_none() {
            return Err(registry_error(
                &self.dir,
                "this registry requires signed models (SaveOptions::sign)",
            ));
        }
        let _lock = self.lock(name)?;
        // The records hold the digests: only a matching version's file is read (and verified).
        let digest = payload_digest(obj)?;
        for n in self.recorded(name)?.0 {
            let same =
                self.read_record(name, n).is_ok_and(|(r, _)| r.payload_sha256.as_ref() == Some(&digest));
            if let Some((_, v)) = same.then(|| self.load_version::<T>(name, n).ok()).flatten() {
                return Ok(v);
            }
        }
        let (version, record_key) = self.claim(name)?;
        let stamp: String = crate::io::now_utc().chars().filter(|c| *c != '-' && *c != ':').collect();
        let file = format!("{name}_{algorithm}_v{version}_{stamp}.amber");
        let path = self.store.location(&file);
        let mut options = options.clone();
        options.model_name = Some(name.to_string());
        let header = match self.save_file(obj, &file, &path, &options) {
            Ok(h) => h,
            Err(e) => {
                let _ = self.store.delete(&record_key);
                return Err(e);
            }
        };
        let record = Record {
            name: name.to_string(),
            version,
            algorithm: algorithm.clone(),
            file,
            payload_sha256: header.payload_sha256.clone(),
        };
        let json =
            serde_json::to_vec_pretty(&record).map_err(|e| registry_error(&self.dir, e.to_string()))?;
        self.store.put(&record_key, &json)?;
        Ok(ModelVersion { name: name.to_string(), algorithm, version, path, header })
    }

    /// Writes `obj` as `file` (and its sidecar), then reads it back from the store and verifies
    /// it when the options ask (the default).
    fn save_file<T: Persist>(
        &self,
        obj: &T,
        file: &str,
        path: &Path,
        options: &SaveOptions,
    ) -> Result<Header, PersistError> {
        if self.store.exists(file)? {
            return Err(registry_error(&self.dir, format!("{} already exists", path.display())));
        }
        let encoded = encode(obj, path, options)?;
        self.store.put(file, &encoded.file)?;
        if let Some(json) = &encoded.sidecar {
            self.store.put(&format!("{file}.json"), json)?;
        }
        if options.verify_after_save {
            let check = encoded.check_options(options);
            load_bytes_with::<T>(&self.store.read_model(file, &check)?, path, &check)?;
        }
        Ok(encoded.header)
    }

    /// The alias's record and the tag it was read with; `None` when the alias is not set.
    fn alias_record(&self, name: &str, alias: &str) -> Result<Option<(AliasRecord, Tag)>, PersistError> {
        check_name(&self.dir, "model name", name)?;
        check_name(&self.dir, "alias", alias)?;
        let fail = |reason: String| registry_error(&self.dir, format!("alias {alias}: {reason}"));
        let read = match self.store.read_small(&alias_key(name, alias)) {
            Err(PersistError::Registry { reason, .. }) => return Err(fail(reason)),
            other => other?,
        };
        let Some((bytes, tag)) = read else { return Ok(None) };
        let record: AliasRecord = serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))?;
        Ok(Some((record, tag)))
    }

    /// The version the alias points at, if set.
    pub fn alias(&self, name: &str, alias: &str) -> Result<Option<ModelVersion>, PersistError> {
        match self.alias_record(name, alias)? {
            Some((record, _)) => self.get(name, record.version).map(Some),
            None => Ok(None),
        }
    }

    /// Points `alias` of `name` at `version` unconditionally (the last writer wins).
    pub fn set_alias(&self, name: &str, alias: &str, version: u32) -> Result<(), PersistError> {
        check_name(&self.dir, "alias", alias)?;
        let _lock = self.lock(name)?;
        let json = self.alias_json(&self.get(name, version)?, None)?;
        self.store.put(&alias_key(name, alias), &json)
    }

    /// Every alias of `name` that points at an intact version, sorted by alias name, as
    /// `(alias, version)`.
    pub fn aliases(&self, name: &str) -> Result<Vec<(String, u32)>, PersistError> {
        check_name(&self.dir, "model name", name)?;
        let prefix = format!("{name}.");
        let mut found = Vec::new();
        for file in self.store.list("aliases")? {
            let alias = file.strip_prefix(&prefix).and_then(|f| f.strip_suffix(".json"));
            if let Some(alias) = alias.filter(|a| valid_name(a)) {
                if let Ok(Some(v)) = self.alias(name, alias) {
                    found.push((alias.to_string(), v.version));
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// Deletes version `version` of `name`: its file, its JSON sidecar and its record. Refused
    /// while an alias points at it (move or remove the alias first), so a serving alias never
    /// dangles.
    pub fn remove(&self, name: &str, version: u32) -> Result<(), PersistError> {
        check_name(&self.dir, "model name", name)?;
        let _lock = self.lock(name)?;
        let fail =
            |reason: String| registry_error(&self.dir, format!("{} v{version}: {reason}", shown(name)));
        let (record, _) = self.read_record(name, version).map_err(fail)?;
        if let Some((alias, _)) = self.aliases(name)?.into_iter().find(|(_, v)| *v == version) {
            return Err(fail(format!("alias {alias:?} points at it; move the alias first")));
        }
        // The sidecar first: if it cannot go, the version is still whole.
        for key in [format!("{}.json", record.file), record.file, record_key(name, version)] {
            self.store.delete(&key)?;
        }
        Ok(())
    }

    fn alias_json(&self, v: &ModelVersion, metric: Option<(String, f64)>) -> Result<Vec<u8>, PersistError> {
        let file = v.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let record = AliasRecord { version: v.version, file, metric };
        serde_json::to_vec_pretty(&record).map_err(|e| registry_error(&self.dir, e.to_string()))
    }

    /// Moves `alias` to `version` only if its `metric` (higher is better) is at least the current
    /// alias target's, and only if the two were measured alike: the same training data (dataset
    /// fingerprint, which both must record) and the same evaluation protocol
    /// ([`SaveOptions::evaluation`]). Otherwise nothing moves and the reason is returned. A
    /// version without that metric is an error.
    pub fn promote_if_better(
        &self,
        name: &str,
        alias: &str,
        version: u32,
        metric: &str,
    ) -> Result<Promotion, PersistError> {
        self.promote_between(name, alias, version, metric, &mut || {})
    }

    /// [`Registry::promote_if_better`], calling `between` after each decision and before its
    /// write (where another writer may move the alias; the tests move it there).
    fn promote_between(
        &self,
        name: &str,
        alias: &str,
        version: u32,
        metric: &str,
        between: &mut dyn FnMut(),
    ) -> Result<Promotion, PersistError> {
        check_name(&self.dir, "alias", alias)?;
        let _lock = self.lock(name)?;
        let candidate = self.get(name, version)?;
        let value_of = |v: &ModelVersion| {
            v.header.metrics.get(metric).copied().filter(|m| m.is_finite()).ok_or_else(|| {
                registry_error(
                    &self.dir,
                    format!("{name} v{} has no finite metric {}", v.version, shown(metric)),
                )
            })
        };
        let new = value_of(&candidate)?;
        let json = self.alias_json(&candidate, Some((metric.to_string(), new)))?;
        for _ in 0..MAX_ATTEMPTS {
            let (current, seen) = match self.alias_record(name, alias)? {
                Some((record, tag)) => (Some(self.get(name, record.version)?), Some(tag)),
                None => (None, None),
            };
            if let Some(current) = &current {
                if current.version == version {
                    return Ok(Promotion::Unchanged);
                }
                let old = value_of(current)?;
                if let Some(reason) = unlike(&current.header, &candidate.header) {
                    return Ok(Promotion::Incomparable { current: current.version, reason });
                }
                if new < old {
                    return Ok(Promotion::Refused {
                        current: current.version,
                        current_metric: old,
                        candidate_metric: new,
                    });
                }
            }
            between();
            // Written only if the alias is still what was decided on; otherwise decide again.
            if self.store.replace(&alias_key(name, alias), &json, seen.as_ref())? {
                return Ok(Promotion::Promoted { previous: current.map(|c| c.version) });
            }
        }
        Err(registry_error(
            &self.dir,
            format!("alias {alias} of {} kept changing; {MAX_ATTEMPTS} attempts failed", shown(name)),
        ))
    }
}

/// Why an entry is skipped: a `Registry` error's reason alone, any other error whole.
fn reason(e: PersistError) -> String {
    match e {
        PersistError::Registry { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// A file must be the one its record names: same model name in its header, same payload digest.
fn check_file(name: &str, record: &Record, header: &Header) -> Result<(), String> {
    if header.model_name.as_deref() != Some(name) {
        return Err(format!("the file's header names another model ({:?})", header.model_name));
    }
    if record.payload_sha256.is_some() && header.payload_sha256 != record.payload_sha256 {
        return Err("the file is not the one recorded (payload digest differs)".into());
    }
    Ok(())
}

/// Why two models' metrics cannot be compared, if they cannot.
fn unlike(current: &Header, candidate: &Header) -> Option<String> {
    let fingerprint = |h: &Header| h.dataset.as_ref().map(|d| d.fingerprint.clone());
    match (fingerprint(current), fingerprint(candidate)) {
        (Some(a), Some(b)) if a == b => {}
        (Some(_), Some(_)) => {
            return Some("they were trained on different data (dataset fingerprints differ)".into())
        }
        _ => return Some("a dataset fingerprint is missing, so the training data cannot be compared".into()),
    }
    if current.evaluation != candidate.evaluation {
        return Some(format!(
            "they were evaluated differently ({:?} vs {:?})",
            current.evaluation.as_deref().map(|e| e.chars().take(80).collect::<String>()),
            candidate.evaluation.as_deref().map(|e| e.chars().take(80).collect::<String>())
        ));
    }
    None
}

/// Saves `obj` as the next version of `name` in the registry at `dir` (created if needed);
/// shorthand for [`Registry::open`] then [`Registry::register`]. Returns the path.
pub fn save_versioned<T: Persist>(
    dir: impl AsRef<Path>,
    name: &str,
    obj: &T,
    options: &SaveOptions,
) -> Result<PathBuf, PersistError> {
    Ok(Registry::open(dir)?.register(name, obj, options)?.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exclusive claim, deterministically: records another process claimed after this
    /// process's scan (here, a scan that saw none) are skipped, not overwritten. A claim by plain
    /// `create` would take v1 here.
    #[test]
    fn a_claim_made_after_the_scan_is_never_shared() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let registry = Registry::open(tmp.path())?;
        let dir = tmp.path().join(".registry/iris");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("v1.json"), b"claimed by another process")?;
        std::fs::write(dir.join("v2.json"), b"")?;
        let (version, key) = registry.claim_after("iris", 0)?;
        assert_eq!((version, key.as_str()), (3, ".registry/iris/v3.json"));
        assert_eq!(std::fs::read(dir.join("v1.json"))?, b"claimed by another process");
        // The claim itself is now taken: the next stale claimant skips it too.
        assert_eq!(registry.claim_after("iris", 0)?.0, 4);
        assert!(dir.join("v3.json").exists());
        Ok(())
    }

    /// A claim that fails for any reason but "already taken" is that error, at once (not a
    /// search for a free number).
    #[test]
    fn a_claim_that_cannot_be_written_is_an_error() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let registry = Registry::open(tmp.path())?;
        let dir = tmp.path().join(".registry/iris");
        std::fs::create_dir_all(dir.parent().ok_or("no parent")?)?;
        std::fs::write(&dir, b"a file where the model's directory should be")?;
        let result = registry.claim_after("iris", u32::MAX - 3);
        assert!(matches!(result, Err(PersistError::Io { .. })), "{result:?}");
        Ok(())
    }

    /// A foreign file already where the next version's file would go (same name, same UTC
    /// second) is never overwritten: the save is refused by name and its claim released. Files
    /// are placed for every second of the next minute, so the save cannot miss them.
    #[test]
    fn a_foreign_file_with_the_versions_name_is_not_overwritten() -> Result<(), Box<dyn std::error::Error>> {
        use amber_estimators::ClassifierParams;
        let tmp = tempfile::tempdir()?;
        let registry = Registry::open(tmp.path())?;
        let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
        let tree =
            amber_estimators::DecisionTreeClassifier::params().fit(x.to_array2()?.view(), &y.indices)?;
        let now = std::time::SystemTime::now();
        for s in 0..60 {
            let at = now + std::time::Duration::from_secs(s);
            let stamp: String = humantime::format_rfc3339_seconds(at)
                .to_string()
                .chars()
                .filter(|c| *c != '-' && *c != ':')
                .collect();
            std::fs::write(
                tmp.path().join(format!("iris_decision_tree_classifier_v1_{stamp}.amber")),
                b"foreign",
            )?;
        }
        let err = registry.register("iris", &tree, &SaveOptions::default()).unwrap_err();
        assert!(
            matches!(&err, PersistError::Registry { reason, .. } if reason.contains("already exists")),
            "{err}"
        );
        assert!(!tmp.path().join(".registry/iris/v1.json").exists(), "the claim is released");
        for entry in std::fs::read_dir(tmp.path())? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "amber") {
                assert_eq!(std::fs::read(&path)?, b"foreign");
            }
        }
        Ok(())
    }

    /// An alias that cannot be read for another reason than its absence (here its directory is a
    /// file) is that error, not "no alias".
    #[test]
    fn an_unreadable_alias_is_an_error_not_an_absence() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let registry = Registry::open(tmp.path())?;
        std::fs::remove_dir(tmp.path().join("aliases"))?;
        std::fs::write(tmp.path().join("aliases"), b"a file where the aliases should be")?;
        let result = registry.alias("iris", "champion");
        assert!(matches!(result, Err(PersistError::Io { .. })), "{result:?}");
        Ok(())
    }
}

/// The object store's conflict paths, deterministically: the store itself refuses (412) a
/// claim of a taken version and an alias write based on a stale ETag, and the registry moves to
/// the next version or decides again. Needs `s3s-fs` (see `tests/s3s/mod.rs`).
#[cfg(all(test, feature = "s3"))]
#[path = "../tests/s3s/mod.rs"]
mod s3s;

#[cfg(all(test, feature = "s3"))]
mod s3_tests {
    use super::s3s;
    use super::*;
    use amber_estimators::{ClassifierParams, DecisionTreeClassifier};

    type Result = std::result::Result<(), Box<dyn std::error::Error>>;

    fn tree(depth: usize) -> std::result::Result<DecisionTreeClassifier, Box<dyn std::error::Error>> {
        let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
        Ok(DecisionTreeClassifier::params().max_depth(Some(depth)).fit(x.to_array2()?.view(), &y.indices)?)
    }

    fn options(metric: f64) -> std::result::Result<SaveOptions, Box<dyn std::error::Error>> {
        let iris = amber_data::datasets::iris()?.table;
        Ok(SaveOptions::default().dataset("iris", &iris).evaluation("KFold(5)").metric("cv_accuracy", metric))
    }

    /// Another machine claimed v1 after this one's scan (which saw nothing): the conditional
    /// create is refused by the store, v1's claim is untouched, and this save takes v2.
    #[test]
    fn claiming_a_taken_version_takes_the_next() -> Result {
        let Some(server) = s3s::S3Server::start("claiming_a_taken_version_takes_the_next", "models")? else {
            return Ok(());
        };
        let registry = Registry::connect_with(&server.url("p"), &server.config())?;
        let claim = server.object_path("p/.registry/iris/v1.json");
        std::fs::create_dir_all(claim.parent().ok_or("no parent")?)?;
        std::fs::write(&claim, b"claimed by another machine")?;
        let (version, key) = registry.claim_after("iris", 0)?;
        assert_eq!((version, key.as_str()), (2, ".registry/iris/v2.json"));
        assert_eq!(std::fs::read(&claim)?, b"claimed by another machine");
        assert_eq!(std::fs::read(server.object_path("p/.registry/iris/v2.json"))?, b"");
        Ok(())
    }

    /// Between this writer's read of the alias and its write, another writer moves it. The
    /// write carries the stale ETag, the store refuses it, and the decision is made again on
    /// what the alias now is: refused against a better version (whose promotion is not lost),
    /// promoted over a worse one.
    #[test]
    fn a_stale_alias_is_read_again_not_overwritten() -> Result {
        let Some(server) = s3s::S3Server::start("a_stale_alias_is_read_again_not_overwritten", "models")?
        else {
            return Ok(());
        };
        let a = Registry::connect_with(&server.url(""), &server.config())?;
        let b = Registry::connect_with(&server.url(""), &server.config())?;
        for (depth, metric) in [(1, 0.90), (2, 0.95), (3, 0.97), (4, 0.91)] {
            a.register("iris", &tree(depth)?, &options(metric)?)?;
        }
        a.promote_if_better("iris", "champion", 1, "cv_accuracy")?;

        // B promotes v3 (0.97) while A is about to write v2 (0.95) over v1.
        let mut calls = 0;
        let promoted = a.promote_between("iris", "champion", 2, "cv_accuracy", &mut || {
            calls += 1;
            if calls == 1 {
                assert_eq!(
                    b.promote_if_better("iris", "champion", 3, "cv_accuracy").ok(),
                    Some(Promotion::Promoted { previous: Some(1) })
                );
            }
        })?;
        assert_eq!(calls, 1);
        assert_eq!(promoted, Promotion::Refused { current: 3, current_metric: 0.97, candidate_metric: 0.95 });
        assert_eq!(a.alias("iris", "champion")?.map(|v| v.version), Some(3));

        // Again from v1, but B moves the alias to v4 (0.91, still worse than v2) in between: A's
        // write is refused as stale, A decides again against v4, and writes.
        b.set_alias("iris", "champion", 1)?;
        let mut calls = 0;
        let promoted = a.promote_between("iris", "champion", 2, "cv_accuracy", &mut || {
            calls += 1;
            if calls == 1 {
                assert!(b.set_alias("iris", "champion", 4).is_ok());
            }
        })?;
        assert_eq!(calls, 2);
        assert_eq!(promoted, Promotion::Promoted { previous: Some(4) });
        assert_eq!(b.alias("iris", "champion")?.map(|v| v.version), Some(2));
        Ok(())
    }

    /// A registry dropped inside an async task (a server's) neither blocks nor panics: its
    /// private runtime is shut down in the background. No store is contacted.
    #[test]
    fn an_s3_registry_can_be_dropped_inside_a_runtime() -> Result {
        let registry = Registry::connect_with("s3://models", &[("aws_region", "us-east-1")])?;
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        runtime.block_on(async move { drop(registry) });
        Ok(())
    }
}
