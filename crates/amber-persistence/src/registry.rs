//! Versioned file names and a local model registry (a directory).
//!
//! Files are named `<name>_<algorithm>_v<N>_<UTC time>.amber`, but a file name is only a label:
//! which model and version a file is comes from the registry's own records
//! (`.registry/<name>/v<N>.json`) and from the model name in the file's header, which must match
//! exactly. Version numbers are claimed by creating the record exclusively, so two processes
//! saving at once always get distinct versions. Registering, promoting and moving aliases hold an
//! OS advisory lock (`.registry/<name>/lock`), released by the OS when a process dies.
//!
//! Model names: 1 to 64 ASCII letters, digits, `-` or `_`, starting with a letter or digit.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{io_error, PersistError};
use crate::header::Header;
use crate::io::{payload_digest, save, write_atomic, SaveOptions};
use crate::load::{inspect, load_with, LoadOptions};
use crate::persist::Persist;

/// Largest registry record or alias file read, in bytes.
const RECORD_CAP: u64 = 64 << 10;
/// Longest model or alias name.
pub const MAX_NAME_LEN: usize = 64;

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
    /// The file.
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

/// Held while a model's records or aliases change; the OS releases it if the process dies.
struct Lock(#[allow(dead_code)] std::fs::File);

/// Reads a small registry file, refusing what is not a regular file of at most 64 KiB.
fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() || meta.len() > RECORD_CAP {
        return Err(format!("not a regular file of at most {RECORD_CAP} bytes"));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// A local model registry: a directory of versioned `.amber` files, records and aliases.
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
    dir: PathBuf,
    load_options: LoadOptions,
}

impl Registry {
    /// Opens (creating if needed) the registry in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Registry, PersistError> {
        let dir = dir.as_ref().to_path_buf();
        for sub in ["aliases", ".registry"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(io_error(&dir, "create directory"))?;
        }
        Ok(Registry { dir, load_options: LoadOptions::default() })
    }

    /// Sets how this registry loads models: trusted keys, whether signatures are required
    /// (then [`Registry::register`] refuses unsigned models too), limits.
    pub fn with_load_options(mut self, options: LoadOptions) -> Self {
        self.load_options = options;
        self
    }

    /// The registry's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn model_dir(&self, name: &str) -> PathBuf {
        self.dir.join(".registry").join(name)
    }

    fn lock(&self, name: &str) -> Result<Lock, PersistError> {
        let dir = self.model_dir(name);
        std::fs::create_dir_all(&dir).map_err(io_error(&dir, "create directory"))?;
        let path = dir.join("lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path, "open lock"))?;
        fs4::FileExt::lock(&file).map_err(io_error(&path, "lock"))?;
        Ok(Lock(file))
    }

    /// The version numbers recorded for `name` (from the record file names `v<N>.json`), with
    /// the entries whose names are not such records.
    fn recorded(&self, name: &str) -> Result<(Vec<u32>, Vec<Skipped>), PersistError> {
        let dir = self.model_dir(name);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(e) => return Err(io_error(&dir, "list")(e)),
        };
        let (mut numbers, mut skipped) = (Vec::new(), Vec::new());
        for entry in entries {
            let entry = entry.map_err(io_error(&dir, "list"))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if file == "lock" {
                continue;
            }
            match file.strip_prefix('v').and_then(|f| f.strip_suffix(".json")).map(str::parse::<u32>) {
                Some(Ok(n)) if n >= 1 => numbers.push(n),
                _ => skipped.push(Skipped { path: entry.path(), reason: "not a version record".into() }),
            }
        }
        numbers.sort_unstable();
        Ok((numbers, skipped))
    }

    /// Claims the next free version number of `name`.
    fn claim(&self, name: &str) -> Result<(u32, PathBuf), PersistError> {
        let (numbers, _) = self.recorded(name)?;
        self.claim_after(name, numbers.last().copied().unwrap_or(0))
    }

    /// Claims the first free version after `last`, the highest a scan of the records saw. The
    /// claim is the exclusive creation of the record file, so a version that another process
    /// claimed after the scan is skipped, never shared.
    fn claim_after(&self, name: &str, last: u32) -> Result<(u32, PathBuf), PersistError> {
        let next = |n: u32| {
            n.checked_add(1).ok_or_else(|| {
                registry_error(&self.dir, format!("{} has no version numbers left", shown(name)))
            })
        };
        let mut version = next(last)?;
        loop {
            let path = self.model_dir(name).join(format!("v{version}.json"));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok((version, path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => version = next(version)?,
                Err(e) => return Err(io_error(&path, "claim version")(e)),
            }
        }
    }

    /// Reads and checks version `version` of `name`: its record, its file's header, and that both
    /// name this model and this version.
    fn read_version(&self, name: &str, version: u32) -> Result<ModelVersion, String> {
        let (record, path) = self.read_record(name, version)?;
        let header = inspect(&path).map_err(|e| e.to_string())?;
        check_file(name, &record, &header)?;
        Ok(ModelVersion { name: name.to_string(), algorithm: record.algorithm, version, path, header })
    }

    /// The record of version `version` of `name`, checked, and the path of its file.
    fn read_record(&self, name: &str, version: u32) -> Result<(Record, PathBuf), String> {
        let record_path = self.model_dir(name).join(format!("v{version}.json"));
        let bytes = read_small(&record_path)?;
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
        let path = self.dir.join(&record.file);
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
        let (obj, header) = load_with::<T>(&path, &self.load_options)?;
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
                    skipped.push(Skipped { path: self.model_dir(name).join(format!("v{n}.json")), reason })
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
        let root = self.dir.join(".registry");
        let mut names: Vec<String> = std::fs::read_dir(&root)
            .map_err(io_error(&root, "list"))?
            .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string))
            .filter(|n| valid_name(n))
            .collect();
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
        let (version, record_path) = self.claim(name)?;
        let stamp: String = crate::io::now_utc().chars().filter(|c| *c != '-' && *c != ':').collect();
        let file = format!("{name}_{algorithm}_v{version}_{stamp}.amber");
        let path = self.dir.join(&file);
        let mut options = options.clone();
        options.model_name = Some(name.to_string());
        let saved = if path.exists() {
            Err(registry_error(&self.dir, format!("{} already exists", path.display())))
        } else {
            save(obj, &path, &options)
        };
        let header = match saved {
            Ok(h) => h,
            Err(e) => {
                let _ = std::fs::remove_file(&record_path);
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
        write_atomic(&record_path, &json)?;
        Ok(ModelVersion { name: name.to_string(), algorithm, version, path, header })
    }

    fn alias_path(&self, name: &str, alias: &str) -> PathBuf {
        self.dir.join("aliases").join(format!("{name}.{alias}.json"))
    }

    /// The version the alias points at, if set.
    pub fn alias(&self, name: &str, alias: &str) -> Result<Option<ModelVersion>, PersistError> {
        check_name(&self.dir, "model name", name)?;
        check_name(&self.dir, "alias", alias)?;
        let path = self.alias_path(name, alias);
        if !path.exists() {
            return Ok(None);
        }
        let text = read_small(&path)
            .map_err(|reason| registry_error(&self.dir, format!("alias {alias}: {reason}")))?;
        let record: AliasRecord = serde_json::from_slice(&text)
            .map_err(|e| registry_error(&self.dir, format!("alias {alias}: {e}")))?;
        self.get(name, record.version).map(Some)
    }

    /// Points `alias` of `name` at `version` unconditionally.
    pub fn set_alias(&self, name: &str, alias: &str, version: u32) -> Result<(), PersistError> {
        check_name(&self.dir, "alias", alias)?;
        let _lock = self.lock(name)?;
        self.write_alias(name, alias, &self.get(name, version)?, None)
    }

    /// Every alias of `name` that points at an intact version, sorted by alias name, as
    /// `(alias, version)`.
    pub fn aliases(&self, name: &str) -> Result<Vec<(String, u32)>, PersistError> {
        check_name(&self.dir, "model name", name)?;
        let root = self.dir.join("aliases");
        let prefix = format!("{name}.");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&root).map_err(io_error(&root, "list"))? {
            let entry = entry.map_err(io_error(&root, "list"))?;
            let file = entry.file_name().to_string_lossy().into_owned();
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
        let (_, path) = self.read_record(name, version).map_err(fail)?;
        if let Some((alias, _)) = self.aliases(name)?.into_iter().find(|(_, v)| *v == version) {
            return Err(fail(format!("alias {alias:?} points at it; move the alias first")));
        }
        // The sidecar first: if it cannot go, the version is still whole.
        for file in [crate::load::sidecar_path(&path), path.clone()] {
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(&file, "remove")(e)),
            }
        }
        let record = self.model_dir(name).join(format!("v{version}.json"));
        std::fs::remove_file(&record).map_err(io_error(&record, "remove"))
    }

    fn write_alias(
        &self,
        name: &str,
        alias: &str,
        v: &ModelVersion,
        metric: Option<(String, f64)>,
    ) -> Result<(), PersistError> {
        let file = v.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let record = AliasRecord { version: v.version, file, metric };
        let json =
            serde_json::to_vec_pretty(&record).map_err(|e| registry_error(&self.dir, e.to_string()))?;
        write_atomic(&self.alias_path(name, alias), &json)
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
        let current = self.alias(name, alias)?;
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
        self.write_alias(name, alias, &candidate, Some((metric.to_string(), new)))?;
        Ok(Promotion::Promoted { previous: current.map(|c| c.version) })
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
        let dir = registry.model_dir("iris");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("v1.json"), b"claimed by another process")?;
        std::fs::write(dir.join("v2.json"), b"")?;
        let (version, path) = registry.claim_after("iris", 0)?;
        assert_eq!((version, path.clone()), (3, dir.join("v3.json")));
        assert_eq!(std::fs::read(dir.join("v1.json"))?, b"claimed by another process");
        // The claim itself is now taken: the next stale claimant skips it too.
        assert_eq!(registry.claim_after("iris", 0)?.0, 4);
        assert!(path.exists());
        Ok(())
    }

    /// A claim that fails for any reason but "already taken" is that error, at once (not a
    /// search for a free number).
    #[test]
    fn a_claim_that_cannot_be_written_is_an_error() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let registry = Registry::open(tmp.path())?;
        let dir = registry.model_dir("iris");
        std::fs::create_dir_all(dir.parent().ok_or("no parent")?)?;
        std::fs::write(&dir, b"a file where the model's directory should be")?;
        let result = registry.claim_after("iris", u32::MAX - 3);
        assert!(matches!(result, Err(PersistError::Io { .. })), "{result:?}");
        Ok(())
    }
}
