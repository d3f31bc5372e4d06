//! Which settings apply to each file, as ruff decides it: the nearest configuration file above
//! the file (`.heaplint.toml`, `heaplint.toml`, or a `pyproject.toml` with `[tool.heaplint]`,
//! in that order within one directory) unless `--config` names one for every file or
//! `--isolated` ignores them all; the command line's flags then override the file's.
//!
//! A [`Resolver`] loads each configuration file once and remembers, per directory, which one
//! governs it. A walk asks once per directory, and it looks on disk only in a directory whose
//! listing holds a configuration file's name ([`Resolver::for_listed_directory`]). Relative
//! globs and paths resolve against the configuration file's directory (the current directory
//! without one).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::config::{
    HotLoop, Options, RuleSelection, Settings, TargetVersion, Thresholds, minimum_poetry_python,
    minimum_python, rules_matching,
};
use crate::discover::{has_skipped_name, is_test_code, is_virtual_environment, normalise};
use crate::model::Severity;
use crate::rules::Rule;

/// Configuration file names looked for in each directory, the first found winning.
const CONFIG_FILES: [&str; 3] = [".heaplint.toml", "heaplint.toml", "pyproject.toml"];

/// Whether a file named `name` may be a configuration file: a walk that has listed a
/// directory and met no such name knows it governs nothing (see
/// [`Resolver::for_listed_directory`]).
pub fn is_config_file_name(name: &std::ffi::OsStr) -> bool {
    CONFIG_FILES.iter().any(|config| name == *config)
}

/// What the command line says about configuration files.
#[derive(Clone, Debug, Default)]
pub enum ConfigSource {
    /// The nearest configuration file above each file.
    #[default]
    Nearest,
    /// `--config PATH`: this file for every file.
    File(PathBuf),
    /// `--isolated`: no configuration file at all.
    Isolated,
}

/// Settings the command line gives; `None` and empty leave the configuration file's.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--select`: replaces the file's `select`.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: adds.
    pub extend_select: Vec<String>,
    /// `--ignore`: adds.
    pub ignore: Vec<String>,
    pub target_version: Option<TargetVersion>,
    pub assume_iterations: Option<u64>,
    pub min_severity: Option<Severity>,
    pub fail_on: Option<Severity>,
    pub retain_sources: bool,
}

/// A configuration file that cannot be used: unreadable, not TOML, an unknown key or rule code.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Globs as ruff matches them: against the absolute path with the glob made absolute from the
/// configuration file's directory, or, for any glob, against the file name alone (so a glob
/// without `/` matches that name anywhere).
#[derive(Clone, Debug)]
struct PathGlobs {
    set: GlobSet,
}

impl PathGlobs {
    fn new<'a>(root: &Path, globs: impl IntoIterator<Item = &'a String>) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        let escaped_root = globset::escape(&root.to_string_lossy());
        for glob in globs {
            let invalid = |error: globset::Error| format!("invalid glob `{glob}`: {error}");
            builder.add(Glob::new(glob).map_err(invalid)?);
            let absolute = if Path::new(glob).is_absolute() {
                glob.clone()
            } else {
                format!("{}/{}", escaped_root.trim_end_matches('/'), glob)
            };
            builder.add(Glob::new(&absolute).map_err(invalid)?);
        }
        let set = builder.build().map_err(|error| error.to_string())?;
        Ok(PathGlobs { set })
    }

    /// `path` must be absolute and normalised.
    fn matches(&self, path: &Path) -> bool {
        !self.set.is_empty()
            && (self.set.is_match(path)
                || path
                    .file_name()
                    .is_some_and(|name| self.set.is_match(Path::new(name))))
    }
}

/// The settings one configuration file (or none) gives, with the command line's overrides.
#[derive(Debug)]
pub struct Resolved {
    /// The settings before `per-file-ignores`.
    pub settings: Settings,
    /// The configuration file, if any.
    pub config: Option<PathBuf>,
    /// The absolute directory relative globs are resolved against.
    pub root: PathBuf,
    pub respect_gitignore: bool,
    per_file_ignores: Vec<(PathGlobs, Vec<Rule>)>,
    /// Whether heaplint's default exclusions (hidden directories, caches, virtual environments,
    /// build output) apply: `exclude` replaces them.
    default_excludes: bool,
    excludes: PathGlobs,
    /// `test-code`: the files that are test code, or `None` for pytest's naming.
    test_code: Option<PathGlobs>,
}

impl Resolved {
    /// The settings for one file: those of its configuration minus its `per-file-ignores`.
    /// `path` must be absolute and normalised.
    pub fn settings_for(&self, path: &Path) -> Settings {
        let ignored: Vec<Rule> = self
            .per_file_ignores
            .iter()
            .filter(|(globs, _)| globs.matches(path))
            .flat_map(|(_, rules)| rules.iter().copied())
            .collect();
        let mut settings = self.settings.clone();
        if !ignored.is_empty() {
            settings.rules = settings.rules.without(&ignored);
        }
        settings.test_code = match &self.test_code {
            Some(globs) => globs.matches(path),
            None => is_test_code(path.strip_prefix(&self.root).unwrap_or(path)),
        };
        settings
    }

    /// Whether `exclude`/`extend-exclude` (or the defaults) exclude `path`, absolute and
    /// normalised.
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        self.excludes_entry(path, is_dir)
            || (is_dir && self.excludes_virtual_environments() && is_virtual_environment(path))
    }

    /// [`Resolved::is_excluded`] without looking inside a directory: a walk learns whether a
    /// directory is a virtual environment from its listing, and asks
    /// [`Resolved::excludes_virtual_environments`] then.
    pub fn excludes_entry(&self, path: &Path, is_dir: bool) -> bool {
        (self.default_excludes && is_dir && has_skipped_name(path)) || self.excludes.matches(path)
    }

    /// Whether directories holding a `pyvenv.cfg` are excluded.
    pub fn excludes_virtual_environments(&self) -> bool {
        self.default_excludes
    }
}

/// Finds, loads and caches the configuration governing each directory.
#[derive(Debug)]
pub struct Resolver {
    source: ConfigSource,
    overrides: Overrides,
    cwd: PathBuf,
    /// The settings without a configuration file (or of `--config`'s).
    fallback: Arc<Resolved>,
    /// Absolute directory to the configuration governing it.
    by_directory: Mutex<HashMap<PathBuf, Arc<Resolved>>>,
}

impl Resolver {
    pub fn new(source: ConfigSource, overrides: Overrides) -> Result<Resolver, ConfigError> {
        let cwd = std::env::current_dir().map_err(|error| ConfigError {
            path: PathBuf::from("."),
            message: format!("cannot read the current directory: {error}"),
        })?;
        let fallback = match &source {
            ConfigSource::File(path) => {
                let path = normalise(&cwd.join(path));
                // An explicit file always loads as a configuration, its defaults at least.
                let Found::Config(loaded) = load(&path, true)? else {
                    return Err(ConfigError {
                        path,
                        message: "not a configuration file".to_string(),
                    });
                };
                resolve(*loaded, &overrides)?
            }
            _ => resolve(Loaded::none(cwd.clone()), &overrides)?,
        };
        Ok(Resolver {
            source,
            overrides,
            cwd,
            fallback: Arc::new(fallback),
            by_directory: Mutex::new(HashMap::new()),
        })
    }

    /// `path` made absolute against the current directory, without `.` and `..`.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        normalise(&self.cwd.join(path))
    }

    /// The configuration governing the file or directory `path`: that of its directory.
    pub fn for_path(&self, path: &Path) -> Result<Arc<Resolved>, ConfigError> {
        let absolute = self.absolute(path);
        match absolute.parent() {
            Some(parent) => self.for_directory(parent),
            None => Ok(self.fallback.clone()),
        }
    }

    /// The configuration governing what is inside `dir`: the nearest configuration file in it
    /// or above it; without one, the defaults with the `requires-python` of the nearest
    /// `pyproject.toml` that has one, as ruff reads it.
    pub fn for_directory(&self, dir: &Path) -> Result<Arc<Resolved>, ConfigError> {
        if !matches!(self.source, ConfigSource::Nearest) {
            return Ok(self.fallback.clone());
        }
        let dir = self.absolute(dir);
        let mut cache = self.by_directory.lock().unwrap_or_else(|e| e.into_inner());
        let mut unresolved = Vec::new();
        let mut found = None;
        // The nearest `requires-python`, and how many of `unresolved` are at or below it.
        let mut required: Option<(Arc<Resolved>, usize)> = None;
        for ancestor in dir.ancestors() {
            if let Some(resolved) = cache.get(ancestor) {
                found = Some(resolved.clone());
                break;
            }
            match find_config(ancestor)? {
                Found::Config(loaded) => {
                    let resolved = Arc::new(resolve(*loaded, &self.overrides)?);
                    cache.insert(ancestor.to_path_buf(), resolved.clone());
                    found = Some(resolved);
                    break;
                }
                Found::RequiresPython(pyproject, stated) if required.is_none() => {
                    let resolved = self.requiring(pyproject, stated)?;
                    required = Some((resolved, unresolved.len() + 1));
                }
                Found::RequiresPython(..) | Found::Nothing => {}
            }
            unresolved.push(ancestor.to_path_buf());
        }
        // A configuration file above decides, as it would without the `pyproject.toml`.
        let found = match (found, required) {
            (Some(found), Some((required, below))) if found.config.is_none() => {
                for dir in unresolved.drain(..below) {
                    cache.insert(dir, required.clone());
                }
                found
            }
            (Some(found), _) => found,
            (None, Some((required, below))) => {
                for dir in unresolved.drain(..below) {
                    cache.insert(dir, required.clone());
                }
                self.fallback.clone()
            }
            (None, None) => self.fallback.clone(),
        };
        for dir in unresolved {
            cache.insert(dir, found.clone());
        }
        Ok(cache.get(dir.as_path()).cloned().unwrap_or(found))
    }

    /// The defaults, for the target the versions `pyproject` states give.
    fn requiring(
        &self,
        pyproject: PathBuf,
        required: Required,
    ) -> Result<Arc<Resolved>, ConfigError> {
        let root = pyproject.parent().unwrap_or(Path::new("/")).to_path_buf();
        let loaded = Loaded {
            requires_python: Some((pyproject, required)),
            ..Loaded::none(root)
        };
        Ok(Arc::new(resolve(loaded, &self.overrides)?))
    }

    /// The configuration governing what is inside `dir` (absolute and normalised), for a walk
    /// that has listed `dir` and knows `parent`, the configuration governing the directory
    /// `dir` is in. Unless one of `dir`'s names is a configuration file's
    /// ([`is_config_file_name`]), `dir` is governed as its parent is, and nothing is looked up
    /// on disk: a walk asks this for every directory it reads.
    pub fn for_listed_directory(
        &self,
        dir: &Path,
        parent: &Arc<Resolved>,
        lists_config_file_name: bool,
    ) -> Result<Arc<Resolved>, ConfigError> {
        if !lists_config_file_name || !matches!(self.source, ConfigSource::Nearest) {
            return Ok(parent.clone());
        }
        let mut cache = self.by_directory.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(resolved) = cache.get(dir) {
            return Ok(resolved.clone());
        }
        let resolved = match find_config(dir)? {
            Found::Config(loaded) => Arc::new(resolve(*loaded, &self.overrides)?),
            // Only where no configuration file governs the parent.
            Found::RequiresPython(pyproject, stated) if parent.config.is_none() => {
                self.requiring(pyproject, stated)?
            }
            // A `pyproject.toml` without `[tool.heaplint]`, or a directory of that name.
            Found::RequiresPython(..) | Found::Nothing => parent.clone(),
        };
        cache.insert(dir.to_path_buf(), resolved.clone());
        Ok(resolved)
    }
}

/// A configuration file's options, where it is, and its project's `requires-python` with the
/// `pyproject.toml` that gives it.
struct Loaded {
    path: Option<PathBuf>,
    root: PathBuf,
    options: Options,
    requires_python: Option<(PathBuf, Required)>,
}

/// What a directory holds for configuring the files under it.
enum Found {
    /// A configuration file.
    Config(Box<Loaded>),
    /// No configuration file, but a `pyproject.toml` that names the versions its project
    /// supports.
    RequiresPython(PathBuf, Required),
    Nothing,
}

impl Loaded {
    fn none(root: PathBuf) -> Loaded {
        Loaded {
            path: None,
            root,
            options: Options::default(),
            requires_python: None,
        }
    }
}

/// The parts of `pyproject.toml` heaplint reads; everything else in it is someone else's.
#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tools>,
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Tools {
    heaplint: Option<Options>,
    poetry: Option<Poetry>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
}

/// `[tool.poetry.dependencies] python = "^3.9"` (or `{ version = "^3.9" }`), where Poetry
/// projects state the versions they support.
#[derive(Deserialize)]
struct Poetry {
    dependencies: Option<PoetryDependencies>,
}

/// `python` is kept as any TOML value: a shape heaplint does not read (a list of constraints
/// by platform) is left alone rather than failing the whole file.
#[derive(Deserialize)]
struct PoetryDependencies {
    python: Option<toml::Value>,
}

/// Where a project states the Python versions it supports, and what it says.
#[derive(Clone, Debug)]
enum Required {
    /// `[project] requires-python`, a PEP 440 specifier.
    RequiresPython(String),
    /// `[tool.poetry.dependencies] python`, a Poetry constraint.
    Poetry(String),
}

impl Required {
    /// The versions `pyproject` states, `requires-python` first.
    fn of(pyproject: Pyproject) -> Option<Required> {
        let poetry = pyproject
            .tool
            .and_then(|tool| tool.poetry)
            .and_then(|poetry| poetry.dependencies)
            .and_then(|dependencies| dependencies.python)
            .and_then(|constraint| match constraint {
                toml::Value::String(version) => Some(version),
                toml::Value::Table(mut table) => match table.remove("version") {
                    Some(toml::Value::String(version)) => Some(version),
                    _ => None,
                },
                _ => None,
            });
        pyproject
            .project
            .and_then(|project| project.requires_python)
            .map(Required::RequiresPython)
            .or(poetry.map(Required::Poetry))
    }

    /// The lowest supported version it allows, or what is wrong with it.
    fn minimum(&self) -> Result<TargetVersion, String> {
        match self {
            Required::RequiresPython(specifier) => minimum_python(specifier)
                .map_err(|message| format!("invalid `requires-python` `{specifier}`: {message}")),
            Required::Poetry(constraint) => minimum_poetry_python(constraint).map_err(|message| {
                format!("invalid `tool.poetry.dependencies.python` `{constraint}`: {message}")
            }),
        }
    }
}

/// The configuration file of `dir`, or failing that the `requires-python` of its
/// `pyproject.toml`.
fn find_config(dir: &Path) -> Result<Found, ConfigError> {
    let mut requires_python = None;
    for name in CONFIG_FILES {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        match load(&path, false)? {
            Found::Nothing => {}
            Found::RequiresPython(path, stated) => {
                requires_python = Some(Found::RequiresPython(path, stated));
            }
            config @ Found::Config(_) => return Ok(config),
        }
    }
    Ok(requires_python.unwrap_or(Found::Nothing))
}

/// Loads a configuration file. A `pyproject.toml` without `[tool.heaplint]` is no
/// configuration, only perhaps a `requires-python`, unless `explicit`, when its defaults apply.
fn load(path: &Path, explicit: bool) -> Result<Found, ConfigError> {
    let error = |message: String| ConfigError {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| error(format!("cannot read the configuration file: {e}")))?;
    let root = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let is_pyproject = path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml");
    // The full message: where in the file, and the key or value at fault.
    let invalid = |e: toml::de::Error| {
        error(format!(
            "invalid configuration: {}",
            e.to_string().trim_end()
        ))
    };
    let (options, requires_python) = if is_pyproject {
        let mut pyproject: Pyproject = toml::from_str(&text).map_err(invalid)?;
        let heaplint = pyproject
            .tool
            .as_mut()
            .and_then(|tool| tool.heaplint.take());
        let requires_python =
            Required::of(pyproject).map(|required| (path.to_path_buf(), required));
        match (heaplint, requires_python) {
            (Some(options), requires_python) => (options, requires_python),
            (None, requires_python) if explicit => (Options::default(), requires_python),
            (None, Some((path, required))) => return Ok(Found::RequiresPython(path, required)),
            (None, None) => return Ok(Found::Nothing),
        }
    } else {
        let options: Options = toml::from_str(&text).map_err(invalid)?;
        // ruff reads `requires-python` from a `pyproject.toml` beside a `ruff.toml` too.
        let beside = root.join("pyproject.toml");
        let requires_python = std::fs::read_to_string(&beside)
            .ok()
            .and_then(|text| toml::from_str::<Pyproject>(&text).ok())
            .and_then(Required::of)
            .map(|required| (beside, required));
        (options, requires_python)
    };
    Ok(Found::Config(Box::new(Loaded {
        path: Some(path.to_path_buf()),
        root,
        options,
        requires_python,
    })))
}

/// A configuration's settings with the command line's overrides.
fn resolve(loaded: Loaded, overrides: &Overrides) -> Result<Resolved, ConfigError> {
    let Loaded {
        path,
        root,
        options,
        requires_python,
    } = loaded;
    let error = |message: String| ConfigError {
        path: path.clone().unwrap_or_else(|| root.clone()),
        message,
    };
    let empty = Vec::new();
    for (key, values) in [
        ("select", &options.select),
        ("extend-select", &options.extend_select),
        ("ignore", &options.ignore),
    ] {
        rules_matching(values.as_ref().unwrap_or(&empty))
            .map_err(|unknown| error(format!("`{key}`: {unknown}")))?;
    }
    let rules = RuleSelection::all()
        .with_layer(
            options.select.as_deref(),
            options.extend_select.as_deref().unwrap_or_default(),
            options.ignore.as_deref().unwrap_or_default(),
        )
        .map_err(|unknown| error(unknown.to_string()))?
        .with_layer(
            overrides.select.as_deref(),
            &overrides.extend_select,
            &overrides.ignore,
        )
        .map_err(|unknown| error(unknown.to_string()))?;
    let mut per_file_ignores = Vec::new();
    for (glob, codes) in options.per_file_ignores.iter().flatten() {
        let rules = rules_matching(codes)
            .map_err(|unknown| error(format!("`per-file-ignores` `{glob}`: {unknown}")))?;
        let globs = PathGlobs::new(&root, [glob])
            .map_err(|message| error(format!("`per-file-ignores`: {message}")))?;
        per_file_ignores.push((globs, rules));
    }
    let exclude_globs: Vec<&String> = options
        .exclude
        .iter()
        .flatten()
        .chain(options.extend_exclude.iter().flatten())
        .collect();
    let excludes = PathGlobs::new(&root, exclude_globs)
        .map_err(|message| error(format!("`exclude`: {message}")))?;
    let test_code = options
        .test_code
        .as_ref()
        .map(|globs| PathGlobs::new(&root, globs))
        .transpose()
        .map_err(|message| error(format!("`test-code`: {message}")))?;
    if options.assume_iterations == Some(0) {
        return Err(error("`assume-iterations` must be at least 1".to_string()));
    }
    let required = match &requires_python {
        Some((pyproject, required)) => Some(required.minimum().map_err(|message| ConfigError {
            path: pyproject.clone(),
            message,
        })?),
        None => None,
    };
    let target = overrides
        .target_version
        .or(options.target_version)
        .or(required)
        .unwrap_or_default();
    let settings = Settings {
        rules,
        target,
        assume_iterations: overrides
            .assume_iterations
            .or(options.assume_iterations)
            .unwrap_or(Settings::default().assume_iterations),
        hot_loop: HotLoop::default().with(options.hot_loop.unwrap_or_default()),
        retain_sources: overrides.retain_sources,
        thresholds: Thresholds {
            show: overrides
                .min_severity
                .or(options.min_severity)
                .unwrap_or(Thresholds::DEFAULT.show),
            fail: overrides
                .fail_on
                .or(options.fail_on)
                .unwrap_or(Thresholds::DEFAULT.fail),
        },
        // Decided per file, by `settings_for`.
        test_code: false,
    };
    Ok(Resolved {
        settings,
        config: path,
        root,
        respect_gitignore: options.respect_gitignore.unwrap_or(true),
        per_file_ignores,
        default_excludes: options.exclude.is_none(),
        excludes,
        test_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_ruff() {
        let root = Path::new("/project");
        let globs = PathGlobs::new(
            root,
            [&"tests/*.py".to_string(), &"conftest.py".to_string()],
        )
        .unwrap();
        assert!(globs.matches(Path::new("/project/tests/a.py")));
        assert!(!globs.matches(Path::new("/elsewhere/tests/a.py")));
        assert!(globs.matches(Path::new("/project/deep/down/conftest.py")));
        assert!(!globs.matches(Path::new("/project/src/a.py")));
    }
}
