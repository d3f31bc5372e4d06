//! Finding the Python files to check.
//!
//! Directories are walked for `*.py` and `*.pyi`, skipping what a repository never wants linted:
//! hidden directories, caches, virtual environments, installed packages, build output and
//! whatever its `.gitignore` files exclude, and what the configuration governing each directory
//! excludes (`exclude`, `extend-exclude`, `respect-gitignore`; see [`crate::resolve`]). A file
//! named on the command line is always checked, whatever its name, unless `--force-exclude`
//! asks for the exclusions to apply to it too (pre-commit passes exactly the files it wants
//! checked, with that flag).

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

use crate::resolve::{ConfigError, Resolved, Resolver};

/// Directory names that are never walked into.
const SKIPPED_DIRECTORIES: &[&str] = &[
    "__pycache__",
    "node_modules",
    "site-packages",
    "venv",
    "build",
    "dist",
];

/// What discovery found: files to check with the configuration governing each, and paths it
/// could not look at.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<(PathBuf, Arc<Resolved>)>,
    pub errors: Vec<(PathBuf, String)>,
}

/// Expands command-line paths into the sorted, de-duplicated list of files to check. Each
/// directory's entries are excluded by the configuration governing that directory. Paths named
/// on the command line are always checked unless `force_exclude`.
pub fn discover(
    paths: &[PathBuf],
    resolver: &Resolver,
    force_exclude: bool,
) -> Result<Discovered, ConfigError> {
    let mut found = Discovered::default();
    for path in paths {
        let path = normalise(path);
        if force_exclude && is_force_excluded(&path, resolver)? {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(metadata) if metadata.is_dir() => walk(&path, resolver, &mut found)?,
            Ok(metadata) if metadata.is_file() => {
                let resolved = resolver.for_path(&path)?;
                found.files.push((path, resolved));
            }
            // Reading a FIFO or a device could block forever.
            Ok(metadata) => {
                let kind = crate::source::kind_of(metadata.file_type());
                found
                    .errors
                    .push((path, format!("not a regular file or directory: {kind}")));
            }
            Err(error) => found.errors.push((path, error.to_string())),
        }
    }
    found.files.sort_by(|a, b| a.0.cmp(&b.0));
    found.files.dedup_by(|a, b| a.0 == b.0);
    Ok(found)
}

/// Whether `path` or a directory it is in, below the root of the configuration governing it,
/// is excluded, as ruff's `--force-exclude` decides.
pub fn is_force_excluded(path: &Path, resolver: &Resolver) -> Result<bool, ConfigError> {
    let absolute = resolver.absolute(path);
    for ancestor in absolute.ancestors() {
        let resolved = resolver.for_path(ancestor)?;
        if ancestor == resolved.root || !ancestor.starts_with(&resolved.root) {
            break;
        }
        if resolved.is_excluded(ancestor, ancestor.is_dir()) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn walk(root: &Path, resolver: &Resolver, found: &mut Discovered) -> Result<(), ConfigError> {
    let mut ignores = IgnoreStack::for_root(root);
    let mut config_error = None;
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let depth = entry.depth();
            ignores.leave_directories_deeper_than(depth);
            if depth == 0 {
                ignores.enter_directory(entry.path(), depth);
                return true;
            }
            let is_dir = entry.file_type().is_dir();
            let resolved = match resolver.for_path(entry.path()) {
                Ok(resolved) => resolved,
                Err(error) => {
                    config_error.get_or_insert(error);
                    return false;
                }
            };
            if resolved.respect_gitignore && ignores.is_ignored(entry.path(), is_dir) {
                return false;
            }
            if resolved.is_excluded(&resolver.absolute(entry.path()), is_dir) {
                return false;
            }
            if is_dir {
                ignores.enter_directory(entry.path(), depth);
            }
            true
        });
    for entry in walker.by_ref() {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_python_file(entry.path()) => {
                // Walking `.` yields `./src/a.py`; report it as `src/a.py`, as ruff does.
                let path = normalise(entry.path());
                let resolved = resolver.for_path(&path)?;
                found.files.push((path, resolved));
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let reason = walk_error_reason(&error, &path);
                found.errors.push((path, reason));
            }
        }
    }
    drop(walker);
    match config_error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Why the walk could not look at `path`. walkdir's own message repeats the path, which the
/// report shows anyway.
fn walk_error_reason(error: &walkdir::Error, path: &Path) -> String {
    match error.io_error() {
        Some(io) if path.is_dir() => format!("could not read directory: {io}"),
        Some(io) => io.to_string(),
        None => error.to_string(),
    }
}

fn is_python_file(path: &Path) -> bool {
    matches!(path.extension().and_then(OsStr::to_str), Some("py" | "pyi"))
}

pub(crate) fn is_skipped_directory(path: &Path) -> bool {
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or_default();
    name.starts_with('.')
        || SKIPPED_DIRECTORIES.contains(&name)
        || path.join("pyvenv.cfg").is_file()
}

/// `./a/../b.py` and `b.py` name the same file; de-duplication needs one spelling.
pub(crate) fn normalise(path: &Path) -> PathBuf {
    // Discovery normalises every path it meets several times, and almost all are normal
    // already: going through `components()` for those cost more than walking the tree.
    if is_normal(path) {
        return path.to_path_buf();
    }
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if normal.file_name().is_some() => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    if normal.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        normal
    }
}

/// True when `path` is spelled as [`normalise`] would spell it: no `.` or `..`, no empty
/// component, no trailing separator. Only judged on Unix, whose paths are bytes split at `/`.
fn is_normal(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let relative = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !relative.is_empty()
        && relative
            .split(|byte| *byte == b'/')
            .all(|segment| !matches!(segment, b"" | b"." | b".."))
}

/// The `.gitignore` matchers in force at the current point of a depth-first walk: those of the
/// walk root's ancestors up to the repository root, then one per directory entered. Matchers are
/// rooted at absolute directories and asked about absolute paths, so a pattern anchored in an
/// ancestor's `.gitignore` matches however the walk root was spelled.
struct IgnoreStack {
    root: PathBuf,
    absolute_root: PathBuf,
    /// `(walk depth + 1, matcher)` per directory entered; the ancestors' matchers sit at 0 and
    /// are never left.
    matchers: Vec<(usize, Gitignore)>,
}

impl IgnoreStack {
    fn for_root(root: &Path) -> IgnoreStack {
        let absolute_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let ancestors: Vec<&Path> = absolute_root.ancestors().skip(1).collect();
        let mut matchers = Vec::new();
        // Ancestors above the walk root apply too, but only inside one repository.
        if let Some(repository) = ancestors.iter().position(|dir| dir.join(".git").exists()) {
            for dir in ancestors[..=repository].iter().rev() {
                matchers.extend(load_gitignore(dir).map(|matcher| (0, matcher)));
            }
        }
        IgnoreStack {
            root: root.to_path_buf(),
            absolute_root,
            matchers,
        }
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(below) => self.absolute_root.join(below),
            Err(_) => path.to_path_buf(),
        }
    }

    fn leave_directories_deeper_than(&mut self, depth: usize) {
        while self
            .matchers
            .last()
            .is_some_and(|(entered, _)| *entered > depth)
        {
            self.matchers.pop();
        }
    }

    fn enter_directory(&mut self, dir: &Path, depth: usize) {
        if let Some(matcher) = load_gitignore(&self.absolute(dir)) {
            self.matchers.push((depth + 1, matcher));
        }
    }

    /// The innermost `.gitignore` with an opinion decides, so a nested `!pattern` can re-include.
    fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let path = self.absolute(path);
        for (_, matcher) in self.matchers.iter().rev() {
            match matcher.matched(&path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

/// Loads `dir/.gitignore`, plus `.git/info/exclude` where `dir` is a repository root.
fn load_gitignore(dir: &Path) -> Option<Gitignore> {
    let files = [dir.join(".gitignore"), dir.join(".git/info/exclude")];
    let files: Vec<&PathBuf> = files.iter().filter(|file| file.is_file()).collect();
    if files.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    for file in files {
        // A malformed line must not stop the run; the file's other patterns still apply.
        let _ = builder.add(file);
    }
    builder.build().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_drops_dots() {
        assert_eq!(normalise(Path::new("./a/./b.py")), PathBuf::from("a/b.py"));
        assert_eq!(normalise(Path::new("a/../b.py")), PathBuf::from("b.py"));
        assert_eq!(normalise(Path::new("./")), PathBuf::from("."));
        assert_eq!(normalise(Path::new("a//b/")), PathBuf::from("a/b"));
        assert_eq!(normalise(Path::new("/a/./b")), PathBuf::from("/a/b"));
        assert_eq!(normalise(Path::new("/")), PathBuf::from("/"));
    }

    #[test]
    fn normal_paths_are_kept_as_spelled() {
        for path in ["a", "a/b.py", "/a/b.py", "/", "a.b/c..d/.e", "..a/b"] {
            assert_eq!(normalise(Path::new(path)), PathBuf::from(path), "{path}");
        }
        for path in ["", ".", "./a", "a/.", "a/..", "a//b", "a/", "//a"] {
            assert!(!is_normal(Path::new(path)), "{path}");
        }
    }
}
