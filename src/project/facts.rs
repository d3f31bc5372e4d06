//! What one file tells the repository-wide pass, gathered after its walk from the semantic
//! model and the calls the checker's recorder kept: the functions and classes the
//! repository-wide rules may report, the calls that may reach another module's functions or
//! classes and what happens to their results, and the loads that let a function escape.
//!
//! Facts own their data (the file's syntax tree is gone by the time they are joined), and
//! hold only candidates: calls of names bound by `def`, `class` or an import at the top of
//! the module, not every call.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use super::Packages;
use crate::checker::{RecordedCall, iterations_of, loop_factors};
use crate::config::{Settings, TargetVersion};
use crate::model::Iterations;
use crate::rules::{Rule, common, list_returned_for_one_pass, missing_slots};
use crate::semantic::{BindingKind, Node, Resolution, ScopeId, SemanticModel, Usage};
use crate::source::{Location, SourceFile};

/// How code names a function or class defined at the top of some module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// Defined by `def` or `class` at the top of this module.
    Local(String),
    /// Reached through an import: `from <level dots><module> import <path>`, or
    /// `import <path>` (an empty module, level 0), followed by the attributes after it.
    Imported {
        level: u32,
        module: String,
        path: String,
    },
}

impl Callee {
    /// The name the path ends in: the function or class it reaches, if any.
    pub fn last_name(&self) -> &str {
        let path = match self {
            Callee::Local(name) => name,
            Callee::Imported { path, .. } => path,
        };
        let start = path
            .as_bytes()
            .iter()
            .rposition(|byte| *byte == b'.')
            .map_or(0, |dot| dot + 1);
        path.get(start..).unwrap_or(path)
    }

    /// Whether what this names may be defined in one of the run's files: always for this
    /// module and relative imports, for an absolute import when its top-level package is.
    fn may_be_in(&self, packages: &Packages) -> bool {
        match self {
            Callee::Local(_) | Callee::Imported { level: 1.., .. } => true,
            Callee::Imported { module, path, .. } if module.is_empty() => packages.may_hold(path),
            Callee::Imported { module, .. } => packages.may_hold(module),
        }
    }

    /// Whether the last name is in CapWords, as class names are.
    fn names_a_class(&self) -> bool {
        self.last_name()
            .trim_start_matches('_')
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }
}

/// What the caller does with a call's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultUse {
    /// Iterated once and let go: a `for` loop's or comprehension's iterable, `yield from`, or
    /// the argument of a builtin that consumes an iterable in one pass.
    OnePass,
    /// Anything else: stored, indexed, measured, returned, discarded.
    Other,
}

/// The calls a module makes of one candidate name, taken together: a module calls the same
/// names again and again, and one entry per name keeps the facts small.
#[derive(Debug)]
pub struct CallFact {
    pub callee: Callee,
    /// How many calls of it the module makes, and how many of them only iterate the result
    /// once.
    pub calls: u32,
    pub one_pass: u32,
    /// How many run in a loop or comprehension and keep the result beyond the iteration (a
    /// comprehension's element, appended or added to a container directly or through a local
    /// name, stored under a key, yielded), and of those the one run most often: how often,
    /// and on which row.
    pub kept_in_loops: u32,
    pub costliest_loop: Option<(Iterations, usize)>,
    /// Attributes callers store on the result, when they keep it in a local name
    /// (`p = Point(); p.label = ...`).
    pub stored_attributes: Vec<String>,
}

impl CallFact {
    fn new(callee: Callee) -> CallFact {
        CallFact {
            callee,
            calls: 0,
            one_pass: 0,
            kept_in_loops: 0,
            costliest_loop: None,
            stored_attributes: Vec::new(),
        }
    }
}

/// Where a candidate's finding would be shown, worked out while its file's text is at hand,
/// so that the text need not be kept for the join.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub location: Location,
    pub end_location: Location,
    /// The row a `# noqa` must be on to silence the finding.
    pub noqa_row: usize,
}

impl Placement {
    /// Before [`FileFacts::place`] runs.
    const UNPLACED: Placement = Placement {
        location: Location { row: 1, column: 1 },
        end_location: Location { row: 1, column: 1 },
        noqa_row: 1,
    };
}

/// A module-level function that builds a list and returns it.
#[derive(Debug)]
pub struct FunctionCandidate {
    pub name: String,
    pub range: TextRange,
    pub built: list_returned_for_one_pass::BuiltList,
    pub place: Placement,
}

/// A module-level class whose instances could do without a `__dict__`.
#[derive(Debug)]
pub struct ClassCandidate {
    pub name: String,
    pub range: TextRange,
    pub shape: missing_slots::Shape,
    pub place: Placement,
}

/// Everything one file contributes to the repository-wide pass.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub functions: Vec<FunctionCandidate>,
    pub classes: Vec<ClassCandidate>,
    pub calls: Vec<CallFact>,
    /// Loads of candidate names other than calls: the function is passed around, so its
    /// callers cannot all be seen.
    pub escapes: Vec<Callee>,
    /// Names the module binds by importing them, which other modules may import from it.
    pub reexports: Vec<(String, Callee)>,
    /// The module imports `weakref`: objects it makes may be weakly referenced, which
    /// `__slots__` without `__weakref__` would forbid.
    pub weakref_module: bool,
    pub target: TargetVersion,
    pub assume_iterations: u64,
    pub retain_source: bool,
    pub test_code: bool,
}

impl FileFacts {
    pub fn has_candidates(&self) -> bool {
        !self.functions.is_empty() || !self.classes.is_empty()
    }

    /// Places the candidates in `source` and drops those a `# noqa` silences;
    /// `row_unless_suppressed` gives the `noqa` row of a finding of `rule` starting at an
    /// offset, or `None` when it is silenced there.
    pub fn place(
        &mut self,
        source: &SourceFile,
        mut row_unless_suppressed: impl FnMut(TextSize, Rule) -> Option<usize>,
    ) {
        let mut placed = |range: TextRange, rule: Rule, place: &mut Placement| {
            let Some(noqa_row) = row_unless_suppressed(range.start(), rule) else {
                return false;
            };
            *place = Placement {
                location: source.location(range.start()),
                end_location: source.location(range.end()),
                noqa_row,
            };
            true
        };
        self.functions.retain_mut(|function| {
            placed(
                function.range,
                Rule::ListReturnedForOnePass,
                &mut function.place,
            )
        });
        self.classes
            .retain_mut(|class| placed(class.range, Rule::MissingSlots, &mut class.place));
    }
}

/// Whether a callee could name something defined in some module: a plain name, or an
/// attribute chain on one that is not `self` or `cls`. Checked during the walk, so it is
/// kept to a few comparisons.
pub fn may_resolve(func: &Expr) -> bool {
    let mut current = func;
    loop {
        match current {
            Expr::Name(name) => {
                return std::ptr::eq(current, func) || !matches!(name.id.as_str(), "self" | "cls");
            }
            Expr::Attribute(attribute) => current = &attribute.value,
            _ => return false,
        }
    }
}

/// Gathers the facts of one checked module; `None` when neither repository-wide rule is
/// enabled for it. `row_of` turns an offset into its row.
pub fn collect<'a>(
    model: &SemanticModel<'a>,
    source: &'a str,
    calls: &[RecordedCall<'a>],
    settings: &Settings,
    packages: &Packages,
    row_of: impl Fn(TextSize) -> usize,
) -> Option<FileFacts> {
    let functions_enabled = settings.rules.is_enabled(Rule::ListReturnedForOnePass);
    let classes_enabled = settings.rules.is_enabled(Rule::MissingSlots);
    if !functions_enabled && !classes_enabled {
        return None;
    }
    let module = model.scope(ScopeId::MODULE);
    let weakref_module = model.imports_any(&["weakref", "_weakref"]);
    let mut facts = FileFacts {
        target: settings.target,
        assume_iterations: settings.assume_iterations,
        weakref_module,
        retain_source: settings.retain_sources,
        test_code: settings.test_code,
        ..FileFacts::default()
    };
    // The names a call or load can reach another module's definitions through.
    let mut reachable = Reachable::default();
    // The names a function may escape through: the module's candidates and what it imports
    // by name from other modules.
    let mut escapable = Reachable::default();
    for (name, bindings) in module.bindings() {
        let [binding] = bindings else {
            continue;
        };
        match (binding.kind, binding.statement) {
            (BindingKind::FunctionDef, Some(Stmt::FunctionDef(def))) => {
                reachable.insert(name, Callee::Local(name.to_string()));
                if functions_enabled
                    && !list_returned_for_one_pass::is_exported(model, name)
                    && let Some(built) =
                        list_returned_for_one_pass::candidate(model, source, def, &row_of)
                {
                    escapable.insert(name, Callee::Local(name.to_string()));
                    facts.functions.push(FunctionCandidate {
                        name: name.to_string(),
                        range: def.name.range(),
                        built,
                        place: Placement::UNPLACED,
                    });
                }
            }
            (BindingKind::ClassDef, Some(Stmt::ClassDef(class))) => {
                reachable.insert(name, Callee::Local(name.to_string()));
                if classes_enabled
                    && !weakref_module
                    && let Some(shape) = missing_slots::candidate(model, class, settings.target)
                {
                    facts.classes.push(ClassCandidate {
                        name: name.to_string(),
                        range: class.name.range(),
                        shape,
                        place: Placement::UNPLACED,
                    });
                }
            }
            (BindingKind::FromImport, Some(Stmt::ImportFrom(import))) => {
                if let Some(callee) = from_import(import, name)
                    && callee.may_be_in(packages)
                {
                    facts.reexports.push((name.to_string(), callee.clone()));
                    escapable.insert(name, callee.clone());
                    reachable.insert(name, callee);
                }
            }
            (BindingKind::Import { .. }, Some(Stmt::Import(import))) => {
                if let Some(callee) = plain_import(import, name)
                    && callee.may_be_in(packages)
                {
                    reachable.insert(name, callee);
                }
            }
            _ => {}
        }
    }
    if reachable.is_empty() {
        return Some(facts);
    }
    let mut callee_starts = FxHashSet::default();
    let mut stores = LocalStores::default();
    // What each callee's text was found to be: its entry and whether it names a class, or
    // `None` for one of this module's definitions that is no candidate. Most calls repeat a
    // callee already seen, and then nothing is built for them.
    let mut entries: FxHashMap<&str, Option<(usize, bool)>> = FxHashMap::default();
    for recorded in calls {
        let Some((head, base)) = reachable_head(model, &reachable, recorded) else {
            continue;
        };
        let func = recorded.call.func.as_ref();
        // `Class.method(...)` or an attribute of a function: not a call of the definition.
        if matches!(base, Callee::Local(_)) && !matches!(func, Expr::Name(_)) {
            continue;
        }
        callee_starts.insert(head);
        let text = source.get(func.range().to_std_range()).unwrap_or_default();
        let entry = *entries.entry(text).or_insert_with(|| {
            let callee = callee_of(base, func);
            // A call of this module's own definition matters only if that is a candidate.
            if let Callee::Local(name) = &callee
                && !facts
                    .functions
                    .iter()
                    .any(|function| function.name == *name)
                && !facts.classes.iter().any(|class| class.name == *name)
            {
                return None;
            }
            let names_a_class = callee.names_a_class();
            facts.calls.push(CallFact::new(callee));
            Some((facts.calls.len() - 1, names_a_class))
        });
        let Some((index, names_a_class)) = entry else {
            continue;
        };
        // Only an instance's callers store attributes on what they get or keep it by name;
        // classes are named in CapWords, and looking at other calls would cost every scope
        // that assigns a call's result a pass over its loads.
        let (stored_attributes, kept_by_name) = if names_a_class {
            stores.of(model, recorded)
        } else {
            (Vec::new(), false)
        };
        let kept_in_loop = recorded
            .loop_id
            .filter(|_| kept_by_name || kept_in_place(recorded))
            .map(|loop_id| {
                iterations_of(&loop_factors(
                    model,
                    source,
                    Some(loop_id),
                    recorded.call.range(),
                ))
                .placed(&row_of)
            });
        let entry = &mut facts.calls[index];
        entry.calls += 1;
        entry.one_pass += u32::from(result_use(model, recorded) == ResultUse::OnePass);
        for attribute in stored_attributes {
            if !entry.stored_attributes.contains(&attribute) {
                entry.stored_attributes.push(attribute);
            }
        }
        if let Some(iterations) = kept_in_loop {
            entry.kept_in_loops += 1;
            let weight = |iterations: &Iterations| {
                iterations
                    .priced_count(settings.assume_iterations)
                    .saturating_mul(iterations.runs)
            };
            if entry
                .costliest_loop
                .as_ref()
                .is_none_or(|(best, _)| weight(best) < weight(&iterations))
            {
                entry.costliest_loop = Some((iterations, row_of(recorded.call.start())));
            }
        }
    }
    if !escapable.is_empty() {
        facts.escapes = escapes(model, &escapable, &callee_starts);
    }
    Some(facts)
}

/// The module-level names calls and loads may reach definitions through. Every call and
/// almost every load of the module is looked up here, and almost none is found: a one-word
/// filter on the name's length and ends turns most away before the name is hashed.
#[derive(Default)]
struct Reachable<'a> {
    names: FxHashMap<&'a str, Callee>,
    filter: u128,
}

impl<'a> Reachable<'a> {
    fn insert(&mut self, name: &'a str, callee: Callee) {
        self.filter |= Self::bit(name);
        self.names.insert(name, callee);
    }

    fn get(&self, name: &str) -> Option<&Callee> {
        if self.filter & Self::bit(name) == 0 {
            return None;
        }
        self.names.get(name)
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn bit(name: &str) -> u128 {
        let bytes = name.as_bytes();
        let first = bytes.first().copied().unwrap_or_default();
        let last = bytes.last().copied().unwrap_or_default();
        let mixed = usize::from(first).wrapping_mul(31) ^ usize::from(last) ^ (bytes.len() << 2);
        1u128 << (mixed % 128)
    }
}

/// What `from module import name` binds `bound` to.
fn from_import(import: &ast::StmtImportFrom, bound: &str) -> Option<Callee> {
    let alias = import
        .names
        .iter()
        .find(|alias| alias.asname.as_ref().unwrap_or(&alias.name).as_str() == bound)?;
    Some(Callee::Imported {
        level: import.level,
        module: import
            .module
            .as_ref()
            .map_or_else(String::new, |module| module.to_string()),
        path: alias.name.to_string(),
    })
}

/// What `import a.b` (binding `a`) or `import a.b as c` (binding `c`) binds `bound` to.
fn plain_import(import: &ast::StmtImport, bound: &str) -> Option<Callee> {
    import.names.iter().find_map(|alias| {
        let path = match &alias.asname {
            Some(asname) if asname.as_str() == bound => alias.name.to_string(),
            None if alias.name.split('.').next() == Some(bound) => bound.to_string(),
            _ => return None,
        };
        Some(Callee::Imported {
            level: 0,
            module: String::new(),
            path,
        })
    })
}

/// The head name of a recorded call's callee and what it is bound to, when that is a
/// module-level binding in `reachable` seen from the call's scope; with the head's offset.
fn reachable_head<'r>(
    model: &SemanticModel,
    reachable: &'r Reachable,
    recorded: &RecordedCall,
) -> Option<(TextSize, &'r Callee)> {
    let mut current = recorded.call.func.as_ref();
    let head = loop {
        match current {
            Expr::Name(name) => break name,
            Expr::Attribute(attribute) => current = &attribute.value,
            _ => return None,
        }
    };
    let base = reachable.get(head.id.as_str())?;
    if !matches!(
        model.resolve(recorded.scope, head.id.as_str()),
        Resolution::Global { .. }
    ) {
        return None;
    }
    Some((head.range.start(), base))
}

/// What `func`, an attribute chain on a name bound to `base`, calls: `base` itself, or for an
/// import the imported path followed by the attributes.
fn callee_of(base: &Callee, func: &Expr) -> Callee {
    let Callee::Imported {
        level,
        module,
        path,
    } = base
    else {
        return base.clone();
    };
    // The attributes after the head, outermost first.
    let mut attributes = Vec::new();
    let mut current = func;
    while let Expr::Attribute(attribute) = current {
        attributes.push(attribute.attr.as_str());
        current = &attribute.value;
    }
    let mut path = path.clone();
    for attribute in attributes.iter().rev() {
        path.push('.');
        path.push_str(attribute);
    }
    Callee::Imported {
        level: *level,
        module: module.clone(),
        path,
    }
}

/// Builtins that wrap an iterable lazily: one pass when they are themselves iterated.
const LAZY_WRAPPERS: &[&str] = &["enumerate", "zip"];

fn result_use(model: &SemanticModel, recorded: &RecordedCall) -> ResultUse {
    let call = recorded.call;
    let is_call = |expr: &Expr| matches!(expr, Expr::Call(inner) if std::ptr::eq(inner, call));
    if iterates(recorded.parent, &is_call) {
        return ResultUse::OnePass;
    }
    let Some(Node::Expr(Expr::Call(outer))) = recorded.parent else {
        return ResultUse::Other;
    };
    let arguments = &outer.arguments.args;
    if arguments.iter().any(Expr::is_starred_expr) {
        return ResultUse::Other;
    }
    let Some(builtin) = model.builtin_callee(recorded.scope, outer) else {
        return ResultUse::Other;
    };
    let first = arguments.first().is_some_and(is_call);
    let max_positional = if builtin == "sum" { 2 } else { 1 };
    let consumed =
        common::ONE_PASS_CONSUMERS.contains(&builtin) && first && arguments.len() <= max_positional;
    let is_outer = |expr: &Expr| matches!(expr, Expr::Call(inner) if std::ptr::eq(inner, outer));
    let wrapped = LAZY_WRAPPERS.contains(&builtin)
        && arguments.iter().any(is_call)
        && iterates(recorded.grandparent, &is_outer);
    if consumed || wrapped {
        ResultUse::OnePass
    } else {
        ResultUse::Other
    }
}

/// True when `node` iterates the child `is_value` picks out: a `for` loop's iterable, a
/// comprehension's, or the operand of `yield from`.
fn iterates(node: Option<Node>, is_value: &dyn Fn(&Expr) -> bool) -> bool {
    match node {
        Some(Node::Stmt(Stmt::For(for_stmt))) => is_value(&for_stmt.iter),
        Some(Node::Expr(
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }),
        )) => generators.iter().any(|generator| is_value(&generator.iter)),
        Some(Node::Expr(Expr::YieldFrom(yield_from))) => is_value(&yield_from.value),
        _ => false,
    }
}

/// Methods that store their argument in the container they are called on.
const STORING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "put",
    "put_nowait",
    "setdefault",
];

/// True when the node holding a call's result keeps it: a comprehension's element (or a
/// dict comprehension's value), the argument of a storing method, the value of an item
/// assignment, a `yield`; a tuple or list display holding it counts as its holder does.
fn kept_in_place(recorded: &RecordedCall) -> bool {
    let call = recorded.call;
    if let Some(Node::Expr(display @ (Expr::Tuple(_) | Expr::List(_)))) = recorded.parent {
        return keeps(recorded.grandparent, &|expr: &Expr| {
            std::ptr::eq(expr, display)
        });
    }
    keeps(
        recorded.parent,
        &|expr: &Expr| matches!(expr, Expr::Call(inner) if std::ptr::eq(inner, call)),
    )
}

fn keeps(holder: Option<Node>, is_value: &dyn Fn(&Expr) -> bool) -> bool {
    match holder {
        Some(Node::Expr(Expr::ListComp(ast::ExprListComp { elt, .. })))
        | Some(Node::Expr(Expr::SetComp(ast::ExprSetComp { elt, .. })))
        | Some(Node::Expr(Expr::Generator(ast::ExprGenerator { elt, .. }))) => is_value(elt),
        Some(Node::Expr(Expr::DictComp(ast::ExprDictComp { value, .. }))) => is_value(value),
        Some(Node::Expr(Expr::Yield(_))) => true,
        Some(Node::Expr(Expr::Call(outer))) => {
            matches!(outer.func.as_ref(), Expr::Attribute(method)
                if STORING_METHODS.contains(&method.attr.as_str()))
                && outer.arguments.args.iter().any(is_value)
        }
        Some(Node::Stmt(Stmt::Assign(assign))) => {
            is_value(&assign.value)
                && assign
                    .targets
                    .iter()
                    .any(|target| matches!(target, Expr::Subscript(_)))
        }
        _ => false,
    }
}

/// What a scope does with its local names, gathered the first time a call's result is found
/// assigned to one: the attributes stored on each, and whether each is put in a container.
#[derive(Default)]
struct LocalStores<'a> {
    by_scope: FxHashMap<ScopeId, FxHashMap<&'a str, NameStores<'a>>>,
}

#[derive(Default)]
struct NameStores<'a> {
    attributes: Vec<&'a str>,
    put_in_container: bool,
}

impl<'a> LocalStores<'a> {
    /// For a call whose result is assigned to a name (`p = Point()`): the attributes stored on
    /// that name, and whether it is put in a container (`points.append(p)`).
    fn of(
        &mut self,
        model: &SemanticModel<'a>,
        recorded: &RecordedCall<'a>,
    ) -> (Vec<String>, bool) {
        let Some(Node::Stmt(Stmt::Assign(assign))) = recorded.parent else {
            return (Vec::new(), false);
        };
        let [Expr::Name(target)] = assign.targets.as_slice() else {
            return (Vec::new(), false);
        };
        let names = self.by_scope.entry(recorded.scope).or_insert_with(|| {
            let mut names: FxHashMap<&'a str, NameStores<'a>> = FxHashMap::default();
            for reference in model.scope(recorded.scope).references() {
                match reference.usage {
                    Usage::Attribute { attribute, .. }
                        if attribute.ctx != ast::ExprContext::Load =>
                    {
                        names
                            .entry(reference.name)
                            .or_default()
                            .attributes
                            .push(attribute.attr.as_str());
                    }
                    Usage::Argument { call, .. }
                        if matches!(call.func.as_ref(), Expr::Attribute(method)
                            if STORING_METHODS.contains(&method.attr.as_str())) =>
                    {
                        names.entry(reference.name).or_default().put_in_container = true;
                    }
                    _ => {}
                }
            }
            names
        });
        names
            .get(target.id.as_str())
            .map_or((Vec::new(), false), |stores| {
                (
                    stores.attributes.iter().map(ToString::to_string).collect(),
                    stores.put_in_container,
                )
            })
    }
}

/// Loads of `escapable` names other than as the callee of a recorded call: `map(f, items)`,
/// `handler = f`, `callback=f`.
fn escapes(
    model: &SemanticModel,
    escapable: &Reachable,
    callee_starts: &FxHashSet<TextSize>,
) -> Vec<Callee> {
    // Each escaping name once, however often it is loaded.
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut found = Vec::new();
    let scopes = std::iter::once(ScopeId::MODULE).chain(model.descendants(ScopeId::MODULE));
    for scope in scopes {
        for reference in model.scope(scope).references() {
            // `name.attribute` uses what the name holds without passing it on.
            if matches!(reference.usage, Usage::Attribute { .. }) {
                continue;
            }
            let Some(callee) = escapable.get(reference.name) else {
                continue;
            };
            if callee_starts.contains(&reference.range.start())
                || seen.contains(reference.name)
                || !matches!(
                    model.resolve(scope, reference.name),
                    Resolution::Global { .. }
                )
            {
                continue;
            }
            seen.insert(reference.name);
            found.push(callee.clone());
        }
    }
    found
}
