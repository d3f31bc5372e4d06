//! The semantic model of one module: its scopes, what each binds, every load of a name and the
//! loops code runs in, so that rules can ask "is this load local, enclosing, global or
//! builtin?" and get CPython's answer.
//!
//! CPython decides at compile time: a function's locals are its parameters plus every name bound
//! anywhere in its body, even after a use; `global` and `nonlocal` override that; class bodies
//! are invisible to the functions nested in them. That needs the whole scope before any load can
//! be resolved, so the model is built by a pass of its own ([`builder`]) before rules run.

mod builder;
pub mod builtins;
mod sizes;
pub mod walk;

use std::cell::{Cell, OnceCell, RefCell};

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::{self as ast, Expr, Operator, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::compile_errors::{CompileChecker, CompileError};
use crate::config::TargetVersion;
pub use sizes::READING_METHODS;
pub use walk::{Context, Node, ScopeClass};

/// Index of a scope in its model. The module scope is always the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(u32);

impl ScopeId {
    pub const MODULE: ScopeId = ScopeId(0);

    fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a loop in its model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoopId(u32);

impl LoopId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// The syntax that opens a scope.
#[derive(Clone, Copy, Debug)]
pub enum ScopeNode<'a> {
    Module,
    Class(&'a ast::StmtClassDef),
    Function(&'a ast::StmtFunctionDef),
    Lambda(&'a ast::ExprLambda),
    /// A comprehension or generator expression.
    Comprehension(&'a Expr),
    TypeParams(&'a ast::TypeParams),
}

/// The syntax that opens a loop.
#[derive(Clone, Copy, Debug)]
pub enum LoopNode<'a> {
    For(&'a ast::StmtFor),
    While(&'a ast::StmtWhile),
    /// One `for` clause of a comprehension.
    Comprehension(&'a ast::Comprehension),
}

/// Identifies a node by address: the AST outlives the model and never moves, and two passes
/// over it see the same addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct NodeKey(usize);

impl NodeKey {
    fn of<T>(node: &T) -> NodeKey {
        NodeKey(std::ptr::from_ref(node) as usize)
    }
}

impl<'a> LoopNode<'a> {
    fn key(self) -> NodeKey {
        match self {
            LoopNode::For(node) => NodeKey::of(node),
            LoopNode::While(node) => NodeKey::of(node),
            LoopNode::Comprehension(node) => NodeKey::of(node),
        }
    }

    /// The iterable of a `for` loop or clause.
    /// What a `for` loop or clause binds on each iteration.
    pub fn target(self) -> Option<&'a Expr> {
        match self {
            LoopNode::For(node) => Some(&node.target),
            LoopNode::Comprehension(node) => Some(&node.target),
            LoopNode::While(_) => None,
        }
    }

    pub fn iterable(self) -> Option<&'a Expr> {
        match self {
            LoopNode::For(node) => Some(&node.iter),
            LoopNode::Comprehension(node) => Some(&node.iter),
            LoopNode::While(_) => None,
        }
    }

    /// The statements run on every iteration (none for a comprehension clause).
    pub fn body(self) -> &'a [Stmt] {
        match self {
            LoopNode::For(node) => &node.body,
            LoopNode::While(node) => &node.body,
            LoopNode::Comprehension(_) => &[],
        }
    }

    pub fn range(self) -> TextRange {
        match self {
            LoopNode::For(node) => node.range,
            LoopNode::While(node) => node.range,
            LoopNode::Comprehension(node) => node.range,
        }
    }
}

/// How a name came to be bound.
#[derive(Clone, Copy, Debug)]
pub enum BindingKind<'a> {
    /// `name = value` or `name: T = value`: the value is bound to exactly this name.
    Assignment(&'a Expr),
    /// `name op= value`.
    AugmentedAssignment {
        op: Operator,
        value: &'a Expr,
    },
    /// `(name := value)`.
    NamedExpr(&'a Expr),
    /// One name of a tuple, list or starred target.
    Unpacking,
    LoopTarget,
    WithTarget,
    Parameter,
    /// `import a.b` (binds `a`, module `a`) or `import a.b as c` (binds `c`, module `a.b`).
    Import {
        module: &'a str,
    },
    FromImport,
    FunctionDef,
    ClassDef,
    ExceptHandler,
    MatchCapture,
    TypeParam,
    TypeAlias,
    /// `name: T` with no value.
    Annotation,
    Deletion,
}

/// One binding of a name in a scope.
#[derive(Clone, Copy, Debug)]
pub struct Binding<'a> {
    pub kind: BindingKind<'a>,
    /// The bound name's own range.
    pub range: TextRange,
    /// The statement that binds it.
    pub statement: Option<&'a Stmt>,
    /// The innermost loop, in the same function, that the binding runs in.
    pub loop_id: Option<LoopId>,
}

impl Binding<'_> {
    /// Where the binding takes effect in evaluation order: an assignment binds after its value
    /// is computed (`x = f(x)` reads the old `x`), a `for` target after its iterable.
    pub fn takes_effect(&self) -> TextSize {
        let in_target = |target: &Expr| target.range().contains_range(self.range);
        match self.statement {
            Some(Stmt::Assign(assign)) if assign.targets.iter().any(in_target) => {
                assign.range.end()
            }
            Some(Stmt::AugAssign(assign)) if in_target(&assign.target) => assign.range.end(),
            Some(Stmt::AnnAssign(assign)) if in_target(&assign.target) => assign.range.end(),
            Some(Stmt::For(for_stmt)) if in_target(&for_stmt.target) => for_stmt.iter.range().end(),
            _ => self.range.start(),
        }
    }
}

/// How a loaded name is used, read off its parent expression.
#[derive(Clone, Copy, Debug)]
pub enum Usage<'a> {
    /// `name.attribute`; `call` is set when that attribute is called right away, and
    /// `statement` when the whole call is an expression statement (`name.append(x)`).
    Attribute {
        attribute: &'a ast::ExprAttribute,
        call: Option<&'a ast::ExprCall>,
        statement: bool,
    },
    /// The `index`-th positional argument of `call`.
    Argument {
        call: &'a ast::ExprCall,
        index: usize,
    },
    /// The iterable of this `for` statement.
    ForIterable(&'a ast::StmtFor),
    /// The object of an item assignment or deletion: `name[key] = value`, `del name[key]`.
    ItemAssignment,
    /// The first iterable of a comprehension (evaluated in the enclosing scope).
    ComprehensionIterable,
    /// The target of `name op= value`, which reads `name` before storing it.
    AugmentedAssignment,
    Other,
}

/// The bindings of one name in one scope. Most names are bound once, and keeping that one
/// inline saves an allocation per name.
#[derive(Debug)]
pub(crate) enum Bindings<'a> {
    One(Binding<'a>),
    Many(Vec<Binding<'a>>),
}

impl<'a> Bindings<'a> {
    pub(crate) fn push(&mut self, binding: Binding<'a>) {
        match self {
            Bindings::One(first) => *self = Bindings::Many(vec![*first, binding]),
            Bindings::Many(list) => list.push(binding),
        }
    }

    fn as_slice(&self) -> &[Binding<'a>] {
        match self {
            Bindings::One(binding) => std::slice::from_ref(binding),
            Bindings::Many(list) => list,
        }
    }
}

/// A load of a name.
#[derive(Clone, Copy, Debug)]
pub struct Reference<'a> {
    pub name: &'a str,
    pub range: TextRange,
    pub loop_id: Option<LoopId>,
    pub usage: Usage<'a>,
}

/// One scope: what it binds, what it declares, what it loads.
#[derive(Debug)]
pub struct Scope<'a> {
    pub node: ScopeNode<'a>,
    pub parent: Option<ScopeId>,
    children: Vec<ScopeId>,
    bindings: FxHashMap<&'a str, Bindings<'a>>,
    references: Vec<Reference<'a>>,
    declared_global: FxHashSet<&'a str>,
    declared_nonlocal: FxHashSet<&'a str>,
    star_import: bool,
}

impl<'a> Scope<'a> {
    fn new(node: ScopeNode<'a>, parent: Option<ScopeId>) -> Scope<'a> {
        Scope {
            node,
            parent,
            children: Vec::new(),
            bindings: FxHashMap::default(),
            references: Vec::new(),
            declared_global: FxHashSet::default(),
            declared_nonlocal: FxHashSet::default(),
            star_import: false,
        }
    }

    /// True if the scope binds `name` anywhere (the compile-time notion of "local").
    pub fn binds(&self, name: &str) -> bool {
        self.bindings.contains_key(name)
    }

    /// Every binding of `name` in this scope, in source order.
    pub fn bindings_of(&self, name: &str) -> &[Binding<'a>] {
        self.bindings.get(name).map_or(&[], Bindings::as_slice)
    }

    /// Every name bound here with its bindings, in no particular order.
    pub fn bindings(&self) -> impl Iterator<Item = (&'a str, &[Binding<'a>])> {
        self.bindings
            .iter()
            .map(|(name, list)| (*name, list.as_slice()))
    }

    /// Every load in this scope, in source order.
    pub fn references(&self) -> &[Reference<'a>] {
        &self.references
    }

    pub fn declares_global(&self, name: &str) -> bool {
        self.declared_global.contains(name)
    }

    pub fn declares_nonlocal(&self, name: &str) -> bool {
        self.declared_nonlocal.contains(name)
    }

    pub fn children(&self) -> &[ScopeId] {
        &self.children
    }

    pub fn is_function(&self) -> bool {
        matches!(self.node, ScopeNode::Function(_) | ScopeNode::Lambda(_))
    }

    /// Class bodies and modules bind with `STORE_NAME`/`STORE_GLOBAL`, functions with `STORE_FAST`.
    fn class(&self) -> ScopeClass {
        match self.node {
            ScopeNode::Module => ScopeClass::Module,
            ScopeNode::Class(_) => ScopeClass::Class,
            ScopeNode::Function(_) | ScopeNode::Lambda(_) => ScopeClass::Function,
            ScopeNode::Comprehension(_) => ScopeClass::Comprehension,
            ScopeNode::TypeParams(_) => ScopeClass::TypeParams,
        }
    }
}

/// One loop.
#[derive(Debug)]
pub struct Loop<'a> {
    pub node: LoopNode<'a>,
    /// The loop this one is nested in, within the same function.
    pub parent: Option<LoopId>,
    /// The scope the loop's iterable is resolved in.
    pub scope: ScopeId,
}

/// Where a load finds its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// A local of the scope itself (`LOAD_FAST`, or `LOAD_NAME` in a class body).
    Local,
    /// A variable of an enclosing function (`LOAD_DEREF`).
    Enclosing(ScopeId),
    /// A module global; `declared` when a `global` statement made it so.
    Global { declared: bool },
    /// A builtin of the target version.
    Builtin,
    /// Bound nowhere the compiler can see: a `NameError` or a dynamically created global.
    Unresolved,
}

/// Module attributes every module has without binding them.
const MODULE_GLOBALS: &[&str] = &[
    "__annotations__",
    "__builtins__",
    "__cached__",
    "__dict__",
    "__doc__",
    "__file__",
    "__loader__",
    "__name__",
    "__package__",
    "__path__",
    "__spec__",
];

/// The semantic model of one module.
#[derive(Debug)]
pub struct SemanticModel<'a> {
    scopes: Vec<Scope<'a>>,
    loops: Vec<Loop<'a>>,
    loop_ids: FxHashMap<NodeKey, LoopId>,
    /// [`SemanticModel::trip_count`] of each loop, by index, worked out when first asked.
    trip_counts: Vec<OnceCell<Option<u64>>>,
    /// The loops whose trip count is being worked out, by index.
    counting: Vec<Cell<bool>>,
    /// [`SemanticModel::suspends`] of each loop, by index, worked out when first asked.
    suspending: Vec<OnceCell<bool>>,
    /// Whether a name's loads may change the size of what it holds, by name, worked out
    /// when first asked (see `sizes`).
    size_changes: RefCell<FxHashMap<String, bool>>,
    /// The top-level package of every `import` and `from ... import` in the module.
    imported_packages: FxHashSet<&'a str>,
    target: TargetVersion,
}

impl<'a> SemanticModel<'a> {
    /// Builds the model of `module` as CPython `target` would compile it.
    pub fn build(module: &'a ast::ModModule, target: TargetVersion) -> SemanticModel<'a> {
        builder::build(module, target, None, ()).0
    }

    /// Builds the model and, in the same walk, finds the first error CPython `target` would
    /// raise compiling `module`, whose text is `source` ([`crate::compile_errors`]), and lets
    /// `observer` see the walk.
    pub fn build_checked<O: walk::Observer<'a>>(
        module: &'a ast::ModModule,
        source: &'a str,
        target: TargetVersion,
        observer: O,
    ) -> (SemanticModel<'a>, Option<CompileError>, O) {
        let compile = CompileChecker::new(source, target);
        builder::build(module, target, Some(compile), observer)
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id.index()]
    }

    pub fn loop_(&self, id: LoopId) -> &Loop<'a> {
        &self.loops[id.index()]
    }

    pub fn loop_id(&self, node: LoopNode<'a>) -> Option<LoopId> {
        self.loop_ids.get(&node.key()).copied()
    }

    /// `id` and the loops it is nested in, innermost first.
    pub fn loop_chain(&self, id: Option<LoopId>) -> impl Iterator<Item = LoopId> + '_ {
        std::iter::successors(id, move |id| self.loop_(*id).parent)
    }

    /// The outermost loop of the chain `id` belongs to.
    pub fn outermost_loop(&self, id: LoopId) -> LoopId {
        self.loop_chain(Some(id)).last().unwrap_or(id)
    }

    /// How many times a `for` loop or comprehension clause runs, when the source shows the
    /// size of what it iterates (see [`SemanticModel::size_of`]); `None` for a `while` loop.
    ///
    /// A count that depends on itself (a loop over a list the same loop appends to, through
    /// names bound in turn) is unknown: the loop being counted is marked while its count is
    /// worked out, and asking for it again then answers `None`.
    pub fn trip_count(&self, id: LoopId) -> Option<u64> {
        let cell = self.trip_counts.get(id.index())?;
        if let Some(known) = cell.get() {
            return *known;
        }
        let counting = self.counting.get(id.index())?;
        if counting.replace(true) {
            return None;
        }
        let loop_ = self.loop_(id);
        let count = loop_
            .node
            .iterable()
            .and_then(|iterable| self.size_of(loop_.scope, iterable));
        counting.set(false);
        *cell.get_or_init(|| count)
    }

    /// True when a `for` or `while` loop's body awaits or yields (outside functions nested
    /// in it): each pass hands control elsewhere, to I/O or to the consumer.
    pub fn suspends(&self, id: LoopId) -> bool {
        let Some(cell) = self.suspending.get(id.index()) else {
            return false;
        };
        *cell.get_or_init(|| match self.loop_(id).node {
            LoopNode::Comprehension(_) => false,
            node => any_over_body(node.body(), |expr| {
                matches!(expr, Expr::Await(_) | Expr::Yield(_) | Expr::YieldFrom(_))
            }),
        })
    }

    /// `(start, stop, step)` of a loop over the builtin `range` whose arguments the source
    /// fixes.
    pub fn loop_range(&self, id: LoopId) -> Option<(i128, i128, i128)> {
        let loop_ = self.loop_(id);
        let Expr::Call(call) = loop_.node.iterable()? else {
            return None;
        };
        self.range_bounds(loop_.scope, call)
    }

    /// True if `call` calls the builtin `name` (not shadowed in `scope`).
    pub fn is_builtin_call(&self, scope: ScopeId, call: &ast::ExprCall, name: &str) -> bool {
        matches!(call.func.as_ref(), Expr::Name(func) if func.id.as_str() == name)
            && self.resolve(scope, name) == Resolution::Builtin
    }

    /// The builtin a call's callee names, if it is an unshadowed builtin.
    pub fn builtin_callee<'e>(&self, scope: ScopeId, call: &'e ast::ExprCall) -> Option<&'e str> {
        match call.func.as_ref() {
            Expr::Name(func) if self.resolve(scope, func.id.as_str()) == Resolution::Builtin => {
                Some(func.id.as_str())
            }
            _ => None,
        }
    }

    /// Resolves a load of `name` in `scope` by CPython's rules.
    pub fn resolve(&self, scope: ScopeId, name: &str) -> Resolution {
        let current = self.scope(scope);
        if current.declares_global(name) {
            return Resolution::Global { declared: true };
        }
        if current.declares_nonlocal(name) {
            return self.resolve_free(current.parent, name);
        }
        if current.class() == ScopeClass::Module {
            return self.resolve_in_module(name);
        }
        if current.binds(name) {
            return Resolution::Local;
        }
        self.resolve_free(current.parent, name)
    }

    /// Resolves a name that is not local: enclosing functions first (class bodies are not
    /// visible from nested scopes), then the module, then builtins.
    fn resolve_free(&self, mut next: Option<ScopeId>, name: &str) -> Resolution {
        while let Some(id) = next {
            let scope = self.scope(id);
            match scope.class() {
                ScopeClass::Module => return self.resolve_in_module(name),
                ScopeClass::Class => {}
                ScopeClass::Function | ScopeClass::Comprehension | ScopeClass::TypeParams => {
                    if scope.declares_global(name) {
                        return Resolution::Global { declared: true };
                    }
                    if scope.binds(name) || scope.declares_nonlocal(name) {
                        return Resolution::Enclosing(id);
                    }
                }
            }
            next = scope.parent;
        }
        self.resolve_in_module(name)
    }

    fn resolve_in_module(&self, name: &str) -> Resolution {
        let module = self.scope(ScopeId::MODULE);
        if module.binds(name) || MODULE_GLOBALS.contains(&name) {
            Resolution::Global { declared: false }
        } else if builtins::is_builtin(name, self.target) {
            Resolution::Builtin
        } else if module.star_import {
            // `from x import *` may have bound it.
            Resolution::Global { declared: false }
        } else {
            Resolution::Unresolved
        }
    }

    /// The module an imported name refers to, when every module-level binding of `name` is an
    /// `import` of that same module (`import math`, `import os.path`, `import numpy as np`).
    pub fn imported_module(&self, name: &str) -> Option<&'a str> {
        let bindings = self.scope(ScopeId::MODULE).bindings_of(name);
        let mut modules = bindings.iter().map(|binding| match binding.kind {
            BindingKind::Import { module } => Some(module),
            _ => None,
        });
        let first = modules.next()??;
        modules.all(|module| module == Some(first)).then_some(first)
    }

    /// The scope whose bindings of `name` a load in `scope` finds: `scope` itself, an
    /// enclosing function, or the module; `None` for a builtin or a name bound nowhere.
    pub fn owner(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        match self.resolve(scope, name) {
            Resolution::Local => Some(scope),
            Resolution::Enclosing(owner) => Some(owner),
            Resolution::Global { .. } => Some(ScopeId::MODULE),
            Resolution::Builtin | Resolution::Unresolved => None,
        }
    }

    /// The bindings a load of `name` in `scope` sees, in the scope that owns it, with that
    /// scope: a comprehension or nested function sees its enclosing function's. Empty for a
    /// builtin or a name bound nowhere.
    pub fn visible_bindings(&self, scope: ScopeId, name: &str) -> (ScopeId, &[Binding<'a>]) {
        match self.owner(scope, name) {
            Some(owner) => (owner, self.scope(owner).bindings_of(name)),
            None => (scope, &[]),
        }
    }

    /// True when `name`, loaded in `scope`, is the `*args` or `**kwargs` parameter of the
    /// function that owns it, never rebound.
    pub fn is_variadic_parameter(&self, scope: ScopeId, name: &str) -> bool {
        let Some(owner) = self.owner(scope, name) else {
            return false;
        };
        let ScopeNode::Function(function) = self.scope(owner).node else {
            return false;
        };
        let parameters = &function.parameters;
        let variadic = [&parameters.vararg, &parameters.kwarg]
            .into_iter()
            .flatten()
            .any(|parameter| parameter.name.as_str() == name);
        variadic && self.scope(owner).bindings_of(name).len() == 1
    }

    /// True when `name`, loaded in `scope`, is the `bases` parameter of a metaclass's
    /// `__new__` or `__init__` (`def __new__(mcls, name, bases, namespace)`), never rebound:
    /// the base classes a `class` statement lists.
    pub fn is_metaclass_bases(&self, scope: ScopeId, name: &str) -> bool {
        let Some(owner) = self.owner(scope, name) else {
            return false;
        };
        let ScopeNode::Function(function) = self.scope(owner).node else {
            return false;
        };
        let parameters: Vec<&str> = function
            .parameters
            .posonlyargs
            .iter()
            .chain(&function.parameters.args)
            .map(|parameter| parameter.parameter.name.as_str())
            .collect();
        matches!(function.name.as_str(), "__new__" | "__init__")
            && matches!(
                parameters.as_slice(),
                [meta, _, bases, _, ..] if *bases == name && matches!(*meta, "mcs" | "mcls" | "metacls" | "meta" | "cls")
            )
            && self.scope(owner).bindings_of(name).len() == 1
    }

    /// True if the module imports any of `packages` (or a submodule of one), anywhere.
    pub fn imports_any(&self, packages: &[&str]) -> bool {
        self.imported_packages
            .iter()
            .any(|imported| packages.contains(imported))
    }

    /// True if a nested scope reads or rebinds `name` from `scope`, which makes it a cell
    /// variable (`STORE_DEREF` rather than `STORE_FAST`).
    pub fn is_captured(&self, scope: ScopeId, name: &str) -> bool {
        self.descendants(scope).into_iter().any(|nested| {
            let inner = self.scope(nested);
            let mentions = inner.declares_nonlocal(name)
                || inner
                    .references()
                    .iter()
                    .any(|reference| reference.name == name);
            mentions && self.resolve(nested, name) == Resolution::Enclosing(scope)
        })
    }

    /// True if, after `offset`, `name` is read in `scope` before it is bound again: whatever it
    /// held at `offset` is still used.
    pub fn read_after(&self, scope: ScopeId, name: &str, offset: TextSize) -> bool {
        let scope = self.scope(scope);
        let first_read = scope
            .references()
            .iter()
            .filter(|reference| reference.name == name && reference.range.start() > offset)
            .map(|reference| reference.range.start())
            .min();
        let first_binding = scope
            .bindings_of(name)
            .iter()
            .map(Binding::takes_effect)
            .filter(|effect| *effect > offset)
            .min();
        match (first_read, first_binding) {
            (Some(read), Some(binding)) => read < binding,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// True when `called`, loaded in `scope`, is a function defined inside another function
    /// whose body, nested scopes included, loads `name`: a call of it may reach what `name`
    /// holds in the enclosing function.
    pub fn local_function_loads(&self, scope: ScopeId, called: &str, name: &str) -> bool {
        let Some(owner) = self.owner(scope, called) else {
            return false;
        };
        if !self.scope(owner).is_function() {
            return false;
        }
        self.scope(owner).children().iter().any(|&child| {
            matches!(self.scope(child).node, ScopeNode::Function(function) if function.name.as_str() == called)
                && std::iter::once(child)
                    .chain(self.descendants(child))
                    .any(|inner| {
                        self.scope(inner)
                            .references()
                            .iter()
                            .any(|reference| reference.name == name)
                    })
        })
    }

    /// Every scope nested in `id`, at any depth.
    pub fn descendants(&self, id: ScopeId) -> Vec<ScopeId> {
        let mut found = Vec::new();
        let mut pending = self.scope(id).children.clone();
        while let Some(next) = pending.pop() {
            found.push(next);
            pending.extend_from_slice(&self.scope(next).children);
        }
        found
    }
}

/// The blocks of statements a compound statement holds directly.
pub fn blocks(statement: &Stmt) -> Vec<&[Stmt]> {
    match statement {
        Stmt::For(ast::StmtFor { body, orelse, .. })
        | Stmt::While(ast::StmtWhile { body, orelse, .. }) => vec![body, orelse],
        Stmt::If(ast::StmtIf {
            body,
            elif_else_clauses,
            ..
        }) => std::iter::once(body.as_slice())
            .chain(
                elif_else_clauses
                    .iter()
                    .map(|clause| clause.body.as_slice()),
            )
            .collect(),
        Stmt::With(ast::StmtWith { body, .. }) => vec![body],
        Stmt::Try(ast::StmtTry {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        }) => {
            let mut blocks = vec![body.as_slice(), orelse.as_slice(), finalbody.as_slice()];
            for handler in handlers {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                blocks.push(&handler.body);
            }
            blocks
        }
        Stmt::Match(ast::StmtMatch { cases, .. }) => {
            cases.iter().map(|case| case.body.as_slice()).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
