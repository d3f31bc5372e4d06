//! Finding the Python files to check.
//!
//! Directories are walked for `*.py` and `*.pyi`, skipping what a repository never wants linted:
//! hidden directories, caches, virtual environments, installed packages, build output and
//! whatever its `.gitignore` files exclude, and what the configuration governing each directory
//! excludes (`exclude`, `extend-exclude`, `respect-gitignore`; see [`crate::resolve`]). A file
//! named on the command line is always checked, whatever its name, unless `--force-exclude`
//! asks for the exclusions to apply to it too (pre-commit passes exactly the files it wants
//! checked, with that flag).
//!
//! The walk reads each directory once and learns from that one listing everything it needs to
//! know about the directory (its `.gitignore`, whether it is a repository root, a virtual
//! environment, or may hold a configuration file), so it asks the file system about no file
//! the listing shows is not there. Directories are read in parallel on the rayon pool
//! [`discover`] is called on; the result does not depend on the order they are read in.

use std::ffi::{OsStr, OsString};
use std::fs::{DirEntry, FileType};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::resolve::{ConfigError, Resolved, Resolver, is_config_file_name};

/// Directory names that are never walked into.
const SKIPPED_DIRECTORIES: &[&str] = &[
    "__pycache__",
    "node_modules",
    "site-packages",
    "venv",
    "build",
    "dist",
];

/// The file whose presence makes a directory a virtual environment.
const VIRTUAL_ENVIRONMENT_MARKER: &str = "pyvenv.cfg";

/// A directory's ignore file, and what makes it a repository root; the root's own excludes
/// are [`REPOSITORY_EXCLUDE`] below it.
const GITIGNORE: &str = ".gitignore";
const GIT_DIRECTORY: &str = ".git";
const REPOSITORY_EXCLUDE: &str = ".git/info/exclude";

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
///
/// Called on a thread of a rayon pool, it reads directories in parallel on that pool;
/// elsewhere, one after the other on the calling thread (rayon's global pool is never started
/// for it: a caller that could not start its own pool could not start that one either).
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

/// Walks the directory `root`, adding what it finds to `found`. The walk root itself is never
/// excluded: naming a directory on the command line asks for it to be checked.
fn walk(root: &Path, resolver: &Resolver, found: &mut Discovered) -> Result<(), ConfigError> {
    let walk = Walk {
        resolver,
        found: Mutex::new(Discovered::default()),
        config_errors: Mutex::new(Vec::new()),
    };
    let absolute = resolver.absolute(root);
    let top = Directory {
        ignores: IgnoreChain::of_ancestors(&absolute),
        path: root.to_path_buf(),
        absolute,
        parent: None,
    };
    if rayon::current_thread_index().is_some() {
        rayon::scope(|scope| walk.in_parallel(scope, top));
    } else {
        walk.in_turn(top);
    }
    let (walked, config_errors) = walk.into_results();
    // Of several unusable configurations, the one a walk in order meets first: that of the
    // directory first in path order (depth first with names sorted is the order of paths).
    if let Some((_, error)) = config_errors.into_iter().min_by(|a, b| a.0.cmp(&b.0)) {
        return Err(error);
    }
    let mut errors = walked.errors;
    // In the order a walk in order meets them, whichever thread read what.
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    found.files.extend(walked.files);
    found.errors.extend(errors);
    Ok(())
}

/// One walk's shared state: what the directories read so far yielded.
struct Walk<'r> {
    resolver: &'r Resolver,
    found: Mutex<Discovered>,
    /// Each with the directory whose configuration could not be used.
    config_errors: Mutex<Vec<(PathBuf, ConfigError)>>,
}

/// A directory the walk has decided to read.
struct Directory {
    /// As reported: the walk root as spelled, then the names below it.
    path: PathBuf,
    /// Absolute and normal, as exclusion globs and `.gitignore` matchers want it.
    absolute: PathBuf,
    /// The configuration governing the directory it is in; `None` for the walk root.
    parent: Option<Arc<Resolved>>,
    /// The `.gitignore` matchers in force in the directory it is in.
    ignores: Option<Arc<IgnoreChain>>,
}

impl Directory {
    /// The reported path of the entry `name`. Walking `.` yields `src/a.py`, as ruff reports
    /// it, not `./src/a.py`.
    fn child(&self, name: &OsStr) -> PathBuf {
        if self.path.as_os_str() == "." {
            PathBuf::from(name)
        } else {
            self.path.join(name)
        }
    }

    /// A virtual environment is only known from its own listing, so the directory it is in
    /// leaves this to be decided once it is read.
    fn is_excluded_virtual_environment(&self, listing: &Listing) -> bool {
        listing.is_virtual_environment
            && self
                .parent
                .as_ref()
                .is_some_and(|parent| parent.excludes_virtual_environments())
    }
}

impl<'r> Walk<'r> {
    /// Reads `top` and what it leads to on the current rayon pool. Each directory's
    /// subdirectories are spawned as jobs of their own, all but one, which the same job reads
    /// next: the stack stays flat however deep the tree.
    fn in_parallel<'s>(&'s self, scope: &rayon::Scope<'s>, top: Directory) {
        let mut next = Some(top);
        while let Some(directory) = next.take() {
            let mut subdirectories = self.visit(directory);
            next = subdirectories.pop();
            for subdirectory in subdirectories {
                scope.spawn(move |scope| self.in_parallel(scope, subdirectory));
            }
        }
    }

    /// Reads `top` and what it leads to on this thread.
    fn in_turn(&self, top: Directory) {
        let mut pending = vec![top];
        while let Some(directory) = pending.pop() {
            pending.extend(self.visit(directory));
        }
    }

    /// Reads one directory, keeps the Python files it admits, and returns the subdirectories
    /// to read.
    fn visit(&self, directory: Directory) -> Vec<Directory> {
        let listing = match Listing::read(&directory) {
            Ok(listing) => listing,
            Err(error) => {
                let reason = walk_error_reason(&error, &directory.path);
                self.record(Vec::new(), vec![(directory.path, reason)]);
                return Vec::new();
            }
        };
        if directory.is_excluded_virtual_environment(&listing) {
            return Vec::new();
        }
        let resolved = match self.resolve(&directory, &listing) {
            Ok(resolved) => resolved,
            Err(error) => {
                (self
                    .config_errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner))
                .push((directory.path, error));
                return Vec::new();
            }
        };
        let inside = Inside {
            ignores: IgnoreChain::entering(directory.ignores.clone(), &directory, &listing),
            directory,
            resolved,
        };
        let files = (listing.python_files.iter())
            .filter(|name| inside.admits(name, false).is_some())
            .map(|name| (inside.directory.child(name), inside.resolved.clone()))
            .collect();
        let subdirectories = (listing.directories.iter())
            .filter_map(|name| inside.subdirectory(name))
            .collect();
        self.record(files, listing.errors);
        subdirectories
    }

    /// The configuration governing what is inside `directory`. Below the walk root, a
    /// directory whose listing holds no configuration file's name needs no look on disk.
    fn resolve(
        &self,
        directory: &Directory,
        listing: &Listing,
    ) -> Result<Arc<Resolved>, ConfigError> {
        match &directory.parent {
            Some(parent) => self.resolver.for_listed_directory(
                &directory.absolute,
                parent,
                listing.holds_config_file_name,
            ),
            None => self.resolver.for_directory(&directory.absolute),
        }
    }

    /// Adds one directory's files and errors to the walk's, under one lock.
    fn record(&self, files: Vec<(PathBuf, Arc<Resolved>)>, errors: Vec<(PathBuf, String)>) {
        if files.is_empty() && errors.is_empty() {
            return;
        }
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        found.files.extend(files);
        found.errors.extend(errors);
    }

    fn into_results(self) -> (Discovered, Vec<(PathBuf, ConfigError)>) {
        (
            self.found
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            (self.config_errors.into_inner()).unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// What decides which of a directory's entries the walk keeps.
struct Inside {
    directory: Directory,
    /// The configuration governing the directory's entries.
    resolved: Arc<Resolved>,
    /// The `.gitignore` matchers in force for them, the directory's own included.
    ignores: Option<Arc<IgnoreChain>>,
}

impl Inside {
    /// The absolute path of the entry `name` unless `.gitignore` or the configuration
    /// excludes it.
    fn admits(&self, name: &OsStr, is_dir: bool) -> Option<PathBuf> {
        let absolute = self.directory.absolute.join(name);
        let ignored = self.resolved.respect_gitignore
            && IgnoreChain::ignores(&self.ignores, &absolute, is_dir);
        (!ignored && !self.resolved.excludes_entry(&absolute, is_dir)).then_some(absolute)
    }

    /// The subdirectory `name`, to read unless it is excluded.
    fn subdirectory(&self, name: &OsStr) -> Option<Directory> {
        let absolute = self.admits(name, true)?;
        Some(Directory {
            path: self.directory.child(name),
            absolute,
            parent: Some(self.resolved.clone()),
            ignores: self.ignores.clone(),
        })
    }
}

/// What one read of a directory tells the walk.
#[derive(Default)]
struct Listing {
    /// Names of regular files named `*.py` or `*.pyi`. Symbolic links are not followed,
    /// and FIFOs, sockets and devices are never opened.
    python_files: Vec<OsString>,
    /// Names of subdirectories, symbolic links to directories not included.
    directories: Vec<OsString>,
    /// Entries that could not be looked at.
    errors: Vec<(PathBuf, String)>,
    /// It has a `.gitignore` file.
    has_gitignore: bool,
    /// It has a `.git`: a repository root, whose `.git/info/exclude` applies.
    is_repository_root: bool,
    /// It has a `pyvenv.cfg` file.
    is_virtual_environment: bool,
    /// One of its names is a configuration file's.
    holds_config_file_name: bool,
}

impl Listing {
    fn read(directory: &Directory) -> std::io::Result<Listing> {
        let mut listing = Listing::default();
        for entry in std::fs::read_dir(&directory.path)? {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    listing.add_error(directory.path.clone(), &error);
                    continue;
                }
            };
            // On Linux the type comes with the name; only a file system that does not say
            // costs a look, which can fail.
            match entry.file_type() {
                Ok(kind) => listing.add(&entry, kind),
                Err(error) => listing.add_error(directory.child(&entry.file_name()), &error),
            }
        }
        Ok(listing)
    }

    fn add_error(&mut self, path: PathBuf, error: &std::io::Error) {
        let reason = walk_error_reason(error, &path);
        self.errors.push((path, reason));
    }

    fn add(&mut self, entry: &DirEntry, kind: FileType) {
        let name = entry.file_name();
        if name == GITIGNORE {
            self.has_gitignore = is_file(entry, kind);
        } else if name == GIT_DIRECTORY {
            self.is_repository_root = true;
        } else if name == VIRTUAL_ENVIRONMENT_MARKER {
            self.is_virtual_environment = is_file(entry, kind);
        }
        self.holds_config_file_name |= is_config_file_name(&name);
        if kind.is_dir() {
            self.directories.push(name);
        } else if kind.is_file() && is_python_file(Path::new(&name)) {
            self.python_files.push(name);
        }
    }
}

/// Whether the entry is a file or a symbolic link to one, as [`Path::is_file`] decides; only
/// a link costs a look on disk.
fn is_file(entry: &DirEntry, kind: FileType) -> bool {
    kind.is_file() || (kind.is_symlink() && entry.path().is_file())
}

/// Why the walk could not look at `path`; the report shows the path itself.
fn walk_error_reason(error: &std::io::Error, path: &Path) -> String {
    if path.is_dir() {
        format!("could not read directory: {error}")
    } else {
        error.to_string()
    }
}

fn is_python_file(path: &Path) -> bool {
    matches!(path.extension().and_then(OsStr::to_str), Some("py" | "pyi"))
}

/// Whether a directory's name alone keeps it out of a walk: hidden, a cache, installed
/// packages, build output.
pub(crate) fn has_skipped_name(path: &Path) -> bool {
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or_default();
    name.starts_with('.') || SKIPPED_DIRECTORIES.contains(&name)
}

/// Whether `path`, relative to the project root, is test code by the names pytest and
/// unittest discover: `test_*.py`, `*_test.py`, `tests.py`, `conftest.py`, or any file under a
/// `test`, `tests` or `testing` directory.
pub(crate) fn is_test_code(relative: &Path) -> bool {
    let name = relative
        .file_stem()
        .and_then(OsStr::to_str)
        .unwrap_or_default();
    let test_file = name.starts_with("test_")
        || name.ends_with("_test")
        || matches!(name, "test" | "tests" | "conftest");
    let in_test_directory = relative.parent().is_some_and(|parent| {
        parent.components().any(|component| {
            matches!(
                component.as_os_str().to_str(),
                Some("test" | "tests" | "testing")
            )
        })
    });
    test_file || in_test_directory
}

/// Whether the directory `path` is a virtual environment. The walk knows it from the
/// directory's listing instead.
pub(crate) fn is_virtual_environment(path: &Path) -> bool {
    path.join(VIRTUAL_ENVIRONMENT_MARKER).is_file()
}

/// The `.gitignore` matchers in force in a directory, innermost first: one per directory
/// entered that has one, then those of the walk root's ancestors up to the repository root.
/// Shared by every directory below, so a parallel walk never copies it. Matchers are rooted at
/// absolute directories and asked about absolute paths, so a pattern anchored in an ancestor's
/// `.gitignore` matches however the walk root was spelled.
struct IgnoreChain {
    matcher: Gitignore,
    outer: Option<Arc<IgnoreChain>>,
}

impl IgnoreChain {
    /// The matchers of the walk root's ancestors, which apply only inside one repository.
    fn of_ancestors(absolute_root: &Path) -> Option<Arc<IgnoreChain>> {
        let ancestors: Vec<&Path> = absolute_root.ancestors().skip(1).collect();
        let repository = ancestors
            .iter()
            .position(|dir| dir.join(GIT_DIRECTORY).exists())?;
        ancestors[..=repository]
            .iter()
            .rev()
            .fold(None, |outer, dir| {
                let gitignore = dir.join(GITIGNORE);
                let exclude = dir.join(REPOSITORY_EXCLUDE);
                let files = [gitignore, exclude].into_iter().filter(|f| f.is_file());
                IgnoreChain::around(outer, load_gitignore(dir, files))
            })
    }

    /// The matchers in force inside `directory`, given those of the directory it is in.
    fn entering(
        outer: Option<Arc<IgnoreChain>>,
        directory: &Directory,
        listing: &Listing,
    ) -> Option<Arc<IgnoreChain>> {
        let dir = &directory.absolute;
        let gitignore = listing.has_gitignore.then(|| dir.join(GITIGNORE));
        // Only a repository root can have one, so only there is it looked for.
        let exclude = (listing.is_repository_root)
            .then(|| dir.join(REPOSITORY_EXCLUDE))
            .filter(|exclude| exclude.is_file());
        IgnoreChain::around(
            outer,
            load_gitignore(dir, gitignore.into_iter().chain(exclude)),
        )
    }

    fn around(
        outer: Option<Arc<IgnoreChain>>,
        matcher: Option<Gitignore>,
    ) -> Option<Arc<IgnoreChain>> {
        match matcher {
            Some(matcher) => Some(Arc::new(IgnoreChain { matcher, outer })),
            None => outer,
        }
    }

    /// The innermost `.gitignore` with an opinion decides, so a nested `!pattern` can
    /// re-include.
    fn ignores(chain: &Option<Arc<IgnoreChain>>, path: &Path, is_dir: bool) -> bool {
        let mut link = chain.as_deref();
        while let Some(IgnoreChain { matcher, outer }) = link {
            match matcher.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => link = outer.as_deref(),
            }
        }
        false
    }
}

/// The patterns of `files`, ignore files of the directory `dir`; `None` when there are none.
fn load_gitignore(dir: &Path, files: impl Iterator<Item = PathBuf>) -> Option<Gitignore> {
    // Most directories have none; building an empty matcher for each would cost allocations.
    let mut files = files.peekable();
    files.peek()?;
    let mut builder = GitignoreBuilder::new(dir);
    for file in files {
        // A malformed line must not stop the run; the file's other patterns still apply.
        let _ = builder.add(file);
    }
    builder.build().ok().filter(|matcher| !matcher.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, contents: &str) {
        let path = root.join(path);
        let parent = path.parent().expect("parent");
        std::fs::create_dir_all(parent).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    fn paths(discovered: &Discovered) -> Vec<&Path> {
        discovered
            .files
            .iter()
            .map(|(path, _)| path.as_path())
            .collect()
    }

    #[test]
    fn test_code_by_pytest_s_and_unittest_s_names() {
        for test in [
            "test_views.py",
            "pkg/views_test.py",
            "app/tests.py",
            "conftest.py",
            "tests/helpers.py",
            "src/pkg/testing/fixtures.py",
            "pkg/test/x.pyi",
        ] {
            assert!(is_test_code(Path::new(test)), "{test}");
        }
        for library in [
            "pkg/views.py",
            "pkg/testimony.py",
            "pkg/latest_tests_runner.py",
            "pkg/attestation.py",
            "pkg/contest.py",
        ] {
            assert!(!is_test_code(Path::new(library)), "{library}");
        }
    }

    #[test]
    fn a_walk_on_a_pool_finds_what_a_walk_in_turn_finds() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let root = dir.path();
        for top in ["a", "b", "c.py", "d"] {
            for below in [
                "x.py", "y/z.pyi", "y/gen.py", "y/w/v.py", "env/e.py", ".h/h.py",
            ] {
                write(root, &format!("{top}/{below}"), "x = 1\n");
            }
            write(root, &format!("{top}/env/pyvenv.cfg"), "home = /usr\n");
        }
        write(root, ".gitignore", "gen.py\n");
        write(root, "b/y/.gitignore", "!gen.py\n");
        write(root, "d/heaplint.toml", "extend-exclude = [\"w\"]\n");
        let resolver = Resolver::new(crate::resolve::ConfigSource::Nearest, Default::default())
            .expect("resolver");
        let paths_in = [root.to_path_buf()];
        let in_turn = discover(&paths_in, &resolver, false).expect("discovers");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("pool");
        for _ in 0..10 {
            let on_pool = pool
                .install(|| discover(&paths_in, &resolver, false))
                .expect("discovers");
            assert_eq!(paths(&on_pool), paths(&in_turn));
        }
        let found: Vec<PathBuf> = paths(&in_turn)
            .iter()
            .map(|path| path.strip_prefix(root).expect("below").to_path_buf())
            .collect();
        let expected = [
            "a/x.py",
            "a/y/w/v.py",
            "a/y/z.pyi",
            "b/x.py",
            "b/y/gen.py",
            "b/y/w/v.py",
            "b/y/z.pyi",
            "c.py/x.py",
            "c.py/y/w/v.py",
            "c.py/y/z.pyi",
            "d/x.py",
            "d/y/z.pyi",
        ];
        assert_eq!(found, expected.map(PathBuf::from));
    }

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
