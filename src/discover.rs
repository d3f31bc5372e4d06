//! Finding the Python files to check.
//!
//! Directories are walked for `*.py` and `*.pyi`, skipping what a repository never wants linted:
//! hidden directories, caches, virtual environments, installed packages, build output and
//! whatever its `.gitignore` files exclude. A file named on the command line is always checked,
//! whatever its name, because pre-commit passes exactly the files it wants checked.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

/// Directory names that are never walked into.
const SKIPPED_DIRECTORIES: &[&str] = &[
    "__pycache__",
    "node_modules",
    "site-packages",
    "venv",
    "build",
    "dist",
];

/// What discovery found: files to check, and paths it could not look at.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, String)>,
}

/// Expands command-line paths into the sorted, de-duplicated list of files to check.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        let path = normalise(path);
        match std::fs::metadata(&path) {
            Ok(metadata) if metadata.is_dir() => walk(&path, &mut found),
            Ok(metadata) if metadata.is_file() => found.files.push(path),
            // Reading a FIFO or a device could block forever.
            Ok(_) => found
                .errors
                .push((path, "not a regular file or directory".to_string())),
            Err(error) => found.errors.push((path, error.to_string())),
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

fn walk(root: &Path, found: &mut Discovered) {
    let mut ignores = IgnoreStack::for_root(root);
    let walker = WalkDir::new(root)
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
            if ignores.is_ignored(entry.path(), is_dir) {
                return false;
            }
            if is_dir {
                if is_skipped_directory(entry.path()) {
                    return false;
                }
                ignores.enter_directory(entry.path(), depth);
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_python_file(entry.path()) => {
                // Walking `.` yields `./src/a.py`; report it as `src/a.py`, as ruff does.
                found.files.push(normalise(entry.path()));
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                found.errors.push((path, error.to_string()));
            }
        }
    }
}

fn is_python_file(path: &Path) -> bool {
    matches!(path.extension().and_then(OsStr::to_str), Some("py" | "pyi"))
}

fn is_skipped_directory(path: &Path) -> bool {
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or_default();
    name.starts_with('.')
        || SKIPPED_DIRECTORIES.contains(&name)
        || path.join("pyvenv.cfg").is_file()
}

/// `./a/../b.py` and `b.py` name the same file; de-duplication needs one spelling.
fn normalise(path: &Path) -> PathBuf {
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
    }
}
