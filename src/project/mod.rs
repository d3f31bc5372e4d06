//! The repository-wide pass: the rules that need every file of the run at once.
//!
//! While each file is checked (in parallel, in its one walk), it leaves [`facts`] behind: the
//! functions and classes a repository-wide rule may report, and the calls that reach them. Once
//! every file is checked, [`finish`] names each file's module from its path and the packages
//! around it (`a/b/c.py` is `a.b.c` when `a/__init__.py` and `a/b/__init__.py` are in the run),
//! resolves every call to the definition it reaches, lets the rules judge each candidate on all
//! of its calls, and adds their findings to the defining file's report, priced and placed like
//! any other. The run's files are the repository: with one file (or standard input), that file.

pub mod facts;

use std::ffi::OsStr;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::FileReport;
use crate::rules::{Finding, list_returned_for_one_pass, missing_slots};
use facts::{CallFact, Callee, FileFacts, Placement};

/// How far a name may be re-exported (`from .impl import f` in a package's `__init__`) before
/// the pass stops following it.
const MAX_REEXPORT_HOPS: usize = 4;

/// Everything the calls of one candidate tell.
#[derive(Debug, Default)]
pub struct Uses<'f> {
    pub calls: Vec<Call<'f>>,
    /// Passed around as a value somewhere.
    pub escapes: bool,
}

/// One call of a candidate, and where it is.
#[derive(Debug)]
pub struct Call<'f> {
    pub fact: &'f CallFact,
    pub path: &'f Path,
    /// The calling module imports `weakref`.
    pub weakref_module: bool,
}

/// A checked file and what it left for this pass.
pub struct Checked {
    pub report: FileReport,
    pub facts: Option<FileFacts>,
}

/// Joins the facts of every file, adds the repository-wide findings to the reports of the
/// files that define what they flag, and returns the reports. `place` prices a finding for
/// its file and puts it where its candidate was placed, or drops it when it is not worth
/// reporting.
pub fn finish(
    checked: Vec<Checked>,
    place: impl Fn(&FileFacts, Finding, Placement) -> Option<crate::diagnostic::Diagnostic>,
) -> Vec<FileReport> {
    // The last names calls may end in to reach a candidate: its own, or a re-exported alias.
    // Most calls end in another name and are dismissed before building any qualified name.
    let mut wanted: FxHashSet<&str> = checked
        .iter()
        .filter_map(|checked| checked.facts.as_ref())
        .flat_map(|facts| {
            let functions = facts
                .functions
                .iter()
                .map(|function| function.name.as_str());
            functions.chain(facts.classes.iter().map(|class| class.name.as_str()))
        })
        .collect();
    for facts in checked.iter().filter_map(|checked| checked.facts.as_ref()) {
        for (bound, callee) in &facts.reexports {
            if wanted.contains(callee.last_name()) {
                wanted.insert(bound);
            }
        }
    }
    let modules = module_names(checked.iter().map(|file| file.report.path.as_path()));
    let mut definitions: FxHashMap<String, Definition> = FxHashMap::default();
    let mut reexports: FxHashMap<String, String> = FxHashMap::default();
    for (file, (checked, module)) in checked.iter().zip(&modules).enumerate() {
        let Some(facts) = &checked.facts else {
            continue;
        };
        for (index, function) in facts.functions.iter().enumerate() {
            let key = format!("{}.{}", module.name, function.name);
            definitions.insert(key, Definition::Function { file, index });
        }
        for (index, class) in facts.classes.iter().enumerate() {
            let key = format!("{}.{}", module.name, class.name);
            definitions.insert(key, Definition::Class { file, index });
        }
        for (bound, callee) in &facts.reexports {
            if wanted.contains(bound.as_str())
                && let Some(target) = module.qualify(callee)
            {
                reexports.insert(format!("{}.{bound}", module.name), target);
            }
        }
    }
    let mut uses: FxHashMap<Definition, Uses> = FxHashMap::default();
    if !definitions.is_empty() {
        let files: Vec<(&Checked, &Module)> = checked.iter().zip(&modules).collect();
        let found = per_file(files, |(checked, module)| {
            resolve_uses(checked, module, &wanted, &definitions, &reexports)
        });
        for (definition, found) in found.into_iter().flatten() {
            let entry = uses.entry(definition).or_default();
            match found {
                Some(call) => entry.calls.push(call),
                None => entry.escapes = true,
            }
        }
    }
    let mut found: Vec<(usize, Finding, Placement)> = Vec::new();
    for (definition, uses) in &uses {
        match *definition {
            Definition::Function { file, index } => {
                let Some(facts) = &checked[file].facts else {
                    continue;
                };
                let function = &facts.functions[index];
                if let Some(finding) = list_returned_for_one_pass::judge(function, uses) {
                    found.push((file, finding, function.place));
                }
            }
            Definition::Class { file, index } => {
                let Some(facts) = &checked[file].facts else {
                    continue;
                };
                let class = &facts.classes[index];
                if let Some(finding) = missing_slots::judge(class, uses) {
                    found.push((file, finding, class.place));
                }
            }
        }
    }
    let additions = found
        .into_iter()
        .filter_map(|(file, finding, placement)| {
            let facts = checked[file].facts.as_ref()?;
            Some((file, place(facts, finding, placement)?))
        })
        .collect::<Vec<_>>();
    // Each file's facts are dropped here, on the thread that takes the file: dropping them
    // all on one thread showed as a serial tail on large runs.
    let mut reports: Vec<(FileReport, Option<bool>)> = per_file(checked, |checked| {
        let retain = checked.facts.map(|facts| facts.retain_source);
        (checked.report, retain)
    });
    for (file, diagnostic) in additions {
        let report = &mut reports[file].0;
        report.diagnostics.push(diagnostic);
        report
            .diagnostics
            .sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.rule));
    }
    reports
        .into_iter()
        .map(|(mut report, retain)| {
            // A file with candidates kept its text in case this pass found something to draw.
            if retain.is_some_and(|retain| !retain || report.diagnostics.is_empty()) {
                report.source = None;
            }
            report
        })
        .collect()
}

/// The definitions one file's calls and escapes reach: `Some(call)` for a call, `None` for
/// an escape.
fn resolve_uses<'f>(
    checked: &'f Checked,
    module: &Module,
    wanted: &FxHashSet<&str>,
    definitions: &FxHashMap<String, Definition>,
    reexports: &FxHashMap<String, String>,
) -> Vec<(Definition, Option<Call<'f>>)> {
    let Some(facts) = &checked.facts else {
        return Vec::new();
    };
    let find = |callee: &Callee| {
        if !wanted.contains(callee.last_name()) {
            return None;
        }
        let path = module.qualify(callee)?;
        lookup(definitions, reexports, path)
    };
    let path = checked.report.path.as_path();
    let calls = facts.calls.iter().filter_map(|call| {
        let found = Call {
            fact: call,
            path,
            weakref_module: facts.weakref_module,
        };
        Some((find(&call.callee)?, Some(found)))
    });
    let escapes = facts
        .escapes
        .iter()
        .filter_map(|escape| Some((find(escape)?, None)));
    calls.chain(escapes).collect()
}

/// Runs below this many files stay on one thread: spreading them costs more than it saves.
const PARALLEL_FILES: usize = 64;

/// `work` applied to every file's item, in order: in parallel when called on a thread pool
/// (the checking pool) and there are enough files for it to pay, else on this thread, so
/// that joining one file never starts a pool.
fn per_file<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    if items.len() >= PARALLEL_FILES && rayon::current_thread_index().is_some() {
        items.into_par_iter().map(work).collect()
    } else {
        items.into_iter().map(work).collect()
    }
}

/// The top-level packages (and modules) of the run's files: an absolute import of anything
/// else cannot reach a definition the pass may report, so its calls need no facts.
#[derive(Debug, Default)]
pub struct Packages(FxHashSet<String>);

impl Packages {
    pub fn of<'p>(paths: impl Iterator<Item = &'p Path> + Clone) -> Packages {
        Packages(
            module_names(paths)
                .into_iter()
                .filter_map(|module| module.name.split('.').next().map(str::to_string))
                .collect(),
        )
    }

    /// Whether `dotted` (`pkg.mod.f`) starts with one of the run's top-level names.
    pub fn may_hold(&self, dotted: &str) -> bool {
        let top = dotted.split('.').next().unwrap_or(dotted);
        self.0.contains(top)
    }
}

/// What a qualified name defines, by where its facts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Definition {
    Function { file: usize, index: usize },
    Class { file: usize, index: usize },
}

/// The definition a qualified name reaches, following re-exports from package to module.
fn lookup(
    definitions: &FxHashMap<String, Definition>,
    reexports: &FxHashMap<String, String>,
    mut path: String,
) -> Option<Definition> {
    for _ in 0..=MAX_REEXPORT_HOPS {
        if let Some(definition) = definitions.get(&path) {
            return Some(*definition);
        }
        // The longest prefix that a module re-exports: `pkg.f` -> `pkg.impl.f`.
        let redirected = path
            .match_indices('.')
            .map(|(at, _)| at)
            .chain([path.len()])
            .rev()
            .find_map(|at| {
                let target = reexports.get(&path[..at])?;
                Some(format!("{target}{}", &path[at..]))
            })?;
        path = redirected;
    }
    None
}

/// A file's module: its dotted name, and whether it is a package's `__init__`.
#[derive(Debug, PartialEq, Eq)]
struct Module {
    name: String,
    package: bool,
}

impl Module {
    /// The qualified name `callee` refers to from this module; `None` for a relative import
    /// that climbs above the top package.
    fn qualify(&self, callee: &Callee) -> Option<String> {
        match callee {
            Callee::Local(name) => Some(format!("{}.{name}", self.name)),
            Callee::Imported {
                level,
                module,
                path,
            } => {
                let mut base: Vec<&str> = if *level == 0 {
                    Vec::new()
                } else {
                    let mut parts: Vec<&str> = self.name.split('.').collect();
                    // `from . import x` in `a/b/c.py` is relative to `a.b`; in
                    // `a/b/__init__.py`, to `a.b` itself.
                    let climb = *level as usize - usize::from(self.package);
                    if climb > parts.len() {
                        return None;
                    }
                    parts.truncate(parts.len() - climb);
                    parts
                };
                base.extend(module.split('.').filter(|part| !part.is_empty()));
                base.push(path);
                Some(base.join("."))
            }
        }
    }
}

/// Names every file's module by the packages around it: a directory is a package when its
/// `__init__.py` is among the files.
fn module_names<'p>(paths: impl Iterator<Item = &'p Path> + Clone) -> Vec<Module> {
    // Discovered paths are spelled one way (see `discover::normalise`), so their bytes can be
    // compared: hashing a `Path` parses its components, and this runs on one thread.
    let packages: FxHashSet<&OsStr> = paths
        .clone()
        .filter(|path| is_init(path))
        .filter_map(|path| path.parent().map(Path::as_os_str))
        .collect();
    paths
        .map(|path| {
            let package = is_init(path);
            let mut parts = Vec::new();
            if !package {
                parts.push(stem(path));
            }
            let mut directory = path.parent();
            while let Some(dir) = directory.filter(|dir| packages.contains(dir.as_os_str())) {
                parts.push(
                    dir.file_name()
                        .map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
                );
                directory = dir.parent();
            }
            parts.reverse();
            Module {
                name: parts.join("."),
                package,
            }
        })
        .collect()
}

fn is_init(path: &Path) -> bool {
    path.file_stem().is_some_and(|stem| stem == "__init__")
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[&str]) -> Vec<String> {
        module_names(paths.iter().map(Path::new))
            .into_iter()
            .map(|module| module.name)
            .collect()
    }

    #[test]
    fn modules_are_named_by_their_packages() {
        let found = names(&[
            "root/a/__init__.py",
            "root/a/b/__init__.py",
            "root/a/b/c.py",
            "root/a/d.py",
            "root/script.py",
            "root/loose/e.py",
        ]);
        assert_eq!(found, ["a", "a.b", "a.b.c", "a.d", "script", "e"]);
    }

    #[test]
    fn relative_imports_climb_from_the_module_or_the_package() {
        let module = Module {
            name: "a.b.c".to_string(),
            package: false,
        };
        let imported = |level, module: &str, path: &str| Callee::Imported {
            level,
            module: module.to_string(),
            path: path.to_string(),
        };
        assert_eq!(
            module.qualify(&imported(1, "", "f")).as_deref(),
            Some("a.b.f")
        );
        assert_eq!(
            module.qualify(&imported(2, "x", "f")).as_deref(),
            Some("a.x.f")
        );
        assert_eq!(module.qualify(&imported(4, "", "f")), None);
        assert_eq!(
            module.qualify(&imported(0, "p.q", "f")).as_deref(),
            Some("p.q.f")
        );
        let package = Module {
            name: "a.b".to_string(),
            package: true,
        };
        assert_eq!(
            package.qualify(&imported(1, "c", "f")).as_deref(),
            Some("a.b.c.f")
        );
    }

    #[test]
    fn per_file_work_keeps_the_files_order_on_a_pool_and_off_it() {
        let items: Vec<usize> = (0..PARALLEL_FILES * 4).collect();
        let expected: Vec<usize> = items.iter().map(|item| item * 2).collect();
        assert_eq!(per_file(items.clone(), |item| item * 2), expected);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build();
        let on_pool = pool.map(|pool| pool.install(|| per_file(items, |item| item * 2)));
        assert_eq!(on_pool.ok(), Some(expected));
    }

    #[test]
    fn packages_are_the_top_level_names_of_the_run() {
        let packages = Packages::of(
            ["root/a/__init__.py", "root/a/b.py", "root/script.py"]
                .iter()
                .map(Path::new),
        );
        assert!(packages.may_hold("a.b.f"));
        assert!(packages.may_hold("script"));
        assert!(!packages.may_hold("os.path"));
    }

    #[test]
    fn reexports_lead_to_the_defining_module() {
        let mut definitions = FxHashMap::default();
        let function = Definition::Function { file: 0, index: 0 };
        definitions.insert("a.impl.f".to_string(), function);
        let mut reexports = FxHashMap::default();
        reexports.insert("a.f".to_string(), "a.impl.f".to_string());
        reexports.insert("b.g".to_string(), "a.f".to_string());
        assert_eq!(
            lookup(&definitions, &reexports, "b.g".to_string()),
            Some(function)
        );
        assert_eq!(lookup(&definitions, &reexports, "a.h".to_string()), None);
    }
}
