//! Versioned file names and a local model registry (a directory).
//!
//! Files are named `<name>_<algorithm>_v<N>_<UTC time>.amber`. Version numbers are claimed with
//! create-new files (`.claims/<name>_v<N>`), so two processes saving at once always get distinct
//! versions and never overwrite each other. Aliases (`champion`) are small JSON files moved
//! atomically, under a lock file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{io_error, PersistError};
use crate::header::Header;
use crate::io::{inspect, save, write_atomic, SaveOptions};
use crate::persist::Persist;

fn registry_error(dir: &Path, reason: impl Into<String>) -> PersistError {
    PersistError::Registry { dir: dir.to_path_buf(), reason: reason.into() }
}

/// Model and algorithm names: letters, digits, `-` and `_` only — they become file names.
fn check_name(dir: &Path, what: &str, name: &str) -> Result<(), PersistError> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(registry_error(
            dir,
            format!("{what} {name:?} must be non-empty letters, digits, '-' or '_'"),
        ));
    }
    Ok(())
}

/// A saved model version, as listed by the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVersion {
    /// Model name.
    pub name: String,
    /// Algorithm (the file's kind, e.g. `random_forest_classifier`, or the one given).
    pub algorithm: String,
    /// Version number, from 1.
    pub version: u32,
    /// The file.
    pub path: PathBuf,
    /// Its header.
    pub header: Header,
}

/// Parses `<name>_<algorithm>_v<N>_<time>.amber` given the model name.
fn parse_file_name(file: &str, name: &str) -> Option<(String, u32)> {
    let rest = file.strip_suffix(".amber")?.strip_prefix(name)?.strip_prefix('_')?;
    let (before_time, _time) = rest.rsplit_once('_')?;
    let (algorithm, version) = before_time.rsplit_once("_v")?;
    Some((algorithm.to_string(), version.parse().ok()?))
}

/// Claims the next free version number of `name` in `dir`.
fn claim_version(dir: &Path, name: &str) -> Result<u32, PersistError> {
    let claims = dir.join(".claims");
    std::fs::create_dir_all(&claims).map_err(io_error(&claims, "create directory"))?;
    let mut version = 1 + std::fs::read_dir(&claims)
        .map_err(io_error(&claims, "list"))?
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_prefix(&format!("{name}_v"))?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    loop {
        let claim = claims.join(format!("{name}_v{version}"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&claim) {
            Ok(_) => return Ok(version),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => version += 1,
            Err(e) => return Err(io_error(&claim, "claim version")(e)),
        }
    }
}

/// Saves `obj` as the next version of `name` in `dir` (created if needed), as
/// `<name>_<algorithm>_v<N>_<YYYYmmddTHHMMSSZ>.amber`; never overwrites a file. The algorithm is
/// [`Persist::algorithm`]: the model's kind, or a pipeline's classifier's. Returns the path.
///
/// ```
/// use amber_estimators::{ClassifierParams, DecisionTreeClassifier};
/// use amber_persistence::{save_versioned, SaveOptions};
///
/// let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
/// let tree = DecisionTreeClassifier::params().fit(x.to_array2()?.view(), &y.indices)?;
/// let dir = std::env::temp_dir().join(format!("amber-doc-versioned-{}", std::process::id()));
/// let first = save_versioned(&dir, "iris", &tree, &SaveOptions::default())?;
/// let second = save_versioned(&dir, "iris", &tree, &SaveOptions::default())?;
/// let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
/// assert!(name(&first).starts_with("iris_decision_tree_classifier_v1_"));
/// assert!(name(&second).starts_with("iris_decision_tree_classifier_v2_"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save_versioned<T: Persist>(
    dir: impl AsRef<Path>,
    name: &str,
    obj: &T,
    options: &SaveOptions,
) -> Result<PathBuf, PersistError> {
    let dir = dir.as_ref();
    check_name(dir, "model name", name)?;
    std::fs::create_dir_all(dir).map_err(io_error(dir, "create directory"))?;
    let version = claim_version(dir, name)?;
    let stamp: String = crate::io::now_utc().chars().filter(|c| *c != '-' && *c != ':').collect();
    let path = dir.join(format!("{name}_{}_v{version}_{stamp}.amber", obj.algorithm()));
    if path.exists() {
        return Err(registry_error(dir, format!("{} already exists", path.display())));
    }
    save(obj, &path, options)?;
    Ok(path)
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
}

/// An alias's target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AliasRecord {
    version: u32,
    file: String,
    metric: Option<(String, f64)>,
}

/// A local model registry: a directory of versioned `.amber` files and aliases.
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
}

/// Held while an alias is read and moved; removed on drop.
struct Lock(PathBuf);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Registry {
    /// Opens (creating if needed) the registry in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Registry, PersistError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(dir.join("aliases")).map_err(io_error(&dir, "create directory"))?;
        Ok(Registry { dir })
    }

    /// The registry's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves `obj` as the next version of `name`; see [`save_versioned`].
    pub fn register<T: Persist>(
        &self,
        name: &str,
        obj: &T,
        options: &SaveOptions,
    ) -> Result<ModelVersion, PersistError> {
        let path = save_versioned(&self.dir, name, obj, options)?;
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default();
        let (algorithm, version) =
            parse_file_name(file, name).ok_or_else(|| registry_error(&self.dir, "unparsable file name"))?;
        Ok(ModelVersion { name: name.to_string(), algorithm, version, header: inspect(&path)?, path })
    }

    /// Every version of `name`, oldest first, with its header (metrics, dates).
    pub fn versions(&self, name: &str) -> Result<Vec<ModelVersion>, PersistError> {
        check_name(&self.dir, "model name", name)?;
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io_error(&self.dir, "list"))? {
            let entry = entry.map_err(io_error(&self.dir, "list"))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some((algorithm, version)) = parse_file_name(&file, name) {
                let path = entry.path();
                out.push(ModelVersion {
                    name: name.to_string(),
                    algorithm,
                    version,
                    header: inspect(&path)?,
                    path,
                });
            }
        }
        out.sort_by_key(|v| v.version);
        Ok(out)
    }

    /// The names of all models in the registry.
    pub fn models(&self) -> Result<Vec<String>, PersistError> {
        let claims = self.dir.join(".claims");
        let mut names: Vec<String> = match std::fs::read_dir(&claims) {
            Ok(entries) => entries
                .filter_map(|e| Some(e.ok()?.file_name().to_str()?.rsplit_once("_v")?.0.to_string()))
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Version `version` of `name`.
    pub fn get(&self, name: &str, version: u32) -> Result<ModelVersion, PersistError> {
        self.versions(name)?
            .into_iter()
            .find(|v| v.version == version)
            .ok_or_else(|| registry_error(&self.dir, format!("{name} has no version {version}")))
    }

    fn alias_path(&self, name: &str, alias: &str) -> PathBuf {
        self.dir.join("aliases").join(format!("{name}.{alias}.json"))
    }

    /// The version the alias points at, if set.
    pub fn alias(&self, name: &str, alias: &str) -> Result<Option<ModelVersion>, PersistError> {
        check_name(&self.dir, "alias", alias)?;
        let path = self.alias_path(name, alias);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path, "read alias")(e)),
        };
        let record: AliasRecord = serde_json::from_slice(&text)
            .map_err(|e| registry_error(&self.dir, format!("alias {alias}: {e}")))?;
        self.get(name, record.version).map(Some)
    }

    fn lock(&self, name: &str) -> Result<Lock, PersistError> {
        let path = self.dir.join(format!(".{name}.lock"));
        for _ in 0..2000 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(Lock(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                Err(e) => return Err(io_error(&path, "lock")(e)),
            }
        }
        Err(registry_error(
            &self.dir,
            format!("{} is locked (remove it if no process holds it)", path.display()),
        ))
    }

    /// Points `alias` of `name` at `version` unconditionally.
    pub fn set_alias(&self, name: &str, alias: &str, version: u32) -> Result<(), PersistError> {
        check_name(&self.dir, "alias", alias)?;
        let _lock = self.lock(name)?;
        self.write_alias(name, alias, &self.get(name, version)?, None)
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
    /// alias target's, so a good model is never replaced by a worse one. A version without that
    /// metric is an error.
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
                registry_error(&self.dir, format!("{name} v{} has no finite metric {metric:?}", v.version))
            })
        };
        let new = value_of(&candidate)?;
        let current = self.alias(name, alias)?;
        if let Some(current) = &current {
            if current.version == version {
                return Ok(Promotion::Unchanged);
            }
            let old = value_of(current)?;
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
