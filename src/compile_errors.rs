//! The errors CPython raises for source that parses but does not compile: `return` outside a
//! function, `break` outside a loop, a late or unknown `from __future__ import`, `nonlocal` with
//! nothing to bind to, `global` after a use, duplicate parameters, misplaced `*`, writes to
//! `__debug__`, and syntax newer than the target version. CPython rejects such a file before
//! running any of it, so heaplint reports it as a syntax error, like a parse error, and no
//! findings.
//!
//! Most of these checks are `ruff_python_parser`'s [`SemanticSyntaxChecker`], which needs to be
//! told where each node is ([`SemanticSyntaxContext`]: which scope, loop, async function). The
//! semantic model's builder already walks every node knowing that, so it feeds this module from
//! the same walk; a walk of its own cost 13% of a parse. Even so, the checker only sees the nodes
//! it has something to say about, and the checks of common statements (`return`, `break`,
//! `continue`, `*` in an assignment) are made here, so that most nodes cost one `match`.
//!
//! Also here are the checks the checker lacks or gets wrong for some version: what `global` and
//! `nonlocal` may follow and bind to (decided when the whole module is known, as CPython's
//! symbol table does), `__debug__` as any kind of target, `*` in a `with` target or an f-string,
//! and a bare `except:` before the last handler.

use std::cell::RefCell;
use std::fmt;

use ruff_python_ast::{
    self as ast, Expr, ExprContext, Identifier, IrrefutablePatternKind, PythonVersion, Stmt,
};
use ruff_python_parser::semantic_errors::{
    AwaitOutsideAsyncFunctionKind, InvalidExpressionPosition, LazyImportContext,
    SemanticSyntaxChecker, SemanticSyntaxContext, SemanticSyntaxError, SemanticSyntaxErrorKind,
    WriteToDebugKind, YieldOutsideFunctionKind,
};
use ruff_python_parser::{Mode, ParseOptions, Parsed};
use ruff_text_size::{Ranged, TextRange};

use crate::config::TargetVersion;
use crate::semantic::walk::{Context, NewBinding};
use crate::semantic::{BindingKind, Scope, ScopeClass, ScopeId, ScopeNode, SemanticModel, Usage};

#[cfg(test)]
mod tests;

/// Why CPython would refuse to compile a file, in its words, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub range: TextRange,
    pub message: String,
}

/// Parses `text` as CPython `target` would: syntax added after `target` (or removed before it)
/// is reported in [`Parsed::unsupported_syntax_errors`].
pub fn parse(text: &str, target: TargetVersion) -> Parsed<ast::ModModule> {
    let options = ParseOptions::from(Mode::Module).with_target_version(python_version(target));
    match ruff_python_parser::parse_unchecked(text, options).try_into_module() {
        Some(parsed) => parsed,
        // The parser's own `parse_unchecked_source` relies on this too.
        None => unreachable!("parsing in module mode gives a module"),
    }
}

/// The first error the parser found, else the first syntax the target version does not have
/// (which CPython's parser would reject too).
pub fn parse_error(parsed: &Parsed<ast::ModModule>) -> Option<CompileError> {
    if let Some(error) = parsed.errors().first() {
        return Some(CompileError {
            range: error.location,
            message: error.error.to_string(),
        });
    }
    let unsupported = parsed.unsupported_syntax_errors().iter();
    unsupported
        .min_by_key(|error| error.range.start())
        .map(|error| CompileError {
            range: error.range,
            message: error.to_string(),
        })
}

fn python_version(target: TargetVersion) -> PythonVersion {
    PythonVersion {
        major: 3,
        minor: target.minor(),
    }
}

/// Finds compile errors as the semantic model's builder walks a module: the builder calls
/// [`stmt`](Self::stmt), [`expr`](Self::expr) and [`bind`](Self::bind) at every node, then
/// [`finish`](Self::finish).
pub(crate) struct CompileChecker<'a> {
    checker: SemanticSyntaxChecker,
    state: State<'a>,
    /// `nonlocal` names with their statements, checked once every enclosing scope's bindings
    /// are known: a function's variable may be bound after the function declaring it `nonlocal`.
    nonlocals: Vec<(ScopeId, &'a str, TextRange)>,
    /// Whether a statement other than the docstring or a `from __future__` import has been
    /// seen: until then the checker must see every statement to know one.
    past_future_prologue: bool,
    seen_statement: bool,
}

struct State<'a> {
    source: &'a str,
    version: PythonVersion,
    /// `from __future__ import annotations` was seen: annotations are then compiled (3.10+)
    /// though not evaluated, and the checker looks into them.
    future_annotations: bool,
    /// Behind a `RefCell` because the checker reports through a shared reference.
    errors: RefCell<Vec<CompileError>>,
}

impl State<'_> {
    fn error(&self, range: TextRange, message: impl Into<String>) {
        let message = message.into();
        self.errors
            .borrow_mut()
            .push(CompileError { range, message });
    }
}

impl<'a> CompileChecker<'a> {
    pub(crate) fn new(source: &'a str, target: TargetVersion) -> CompileChecker<'a> {
        CompileChecker {
            checker: SemanticSyntaxChecker::new(),
            state: State {
                source,
                version: python_version(target),
                future_annotations: false,
                errors: RefCell::new(Vec::new()),
            },
            nonlocals: Vec::new(),
            past_future_prologue: false,
            seen_statement: false,
        }
    }

    /// Checks a statement, before its children, in the context it runs in. The few checks
    /// common statements need are done here; the checker sees only the statements it has
    /// something to say about, once it knows whether a `from __future__` import is late.
    pub(crate) fn stmt(
        &mut self,
        context: &Context<'a>,
        model: &SemanticModel<'a>,
        stmt: &'a Stmt,
    ) {
        let forward = match stmt {
            Stmt::Expr(ast::StmtExpr { value, .. }) => {
                self.not_starred(value);
                false
            }
            Stmt::Assign(assign) => {
                self.starred_assignment(assign);
                false
            }
            Stmt::Return(ast::StmtReturn { value, range, .. }) => {
                let scope = context.scopes().last().map(|(_, class)| *class);
                if scope != Some(ScopeClass::Function) {
                    self.state.error(*range, "'return' outside function");
                }
                value.as_deref().inspect(|value| self.not_starred(value));
                false
            }
            Stmt::Break(ast::StmtBreak { range, .. }) if context.loop_id().is_none() => {
                self.state.error(*range, "'break' outside loop");
                false
            }
            Stmt::Continue(ast::StmtContinue { range, .. }) if context.loop_id().is_none() => {
                self.state.error(*range, "'continue' not properly in loop");
                false
            }
            Stmt::FunctionDef(def) => self.function_needs_checker(def),
            Stmt::ClassDef(class) => self.class_needs_checker(class),
            Stmt::ImportFrom(import) => self.import_from_needs_checker(import),
            Stmt::For(for_stmt) => {
                let starred = for_stmt.target.is_starred_expr() || for_stmt.iter.is_starred_expr();
                for_stmt.is_async || starred
            }
            Stmt::With(with) => {
                self.starred_with_targets(with);
                with.is_async
            }
            Stmt::Try(try_stmt) => {
                self.default_except_last(try_stmt);
                false
            }
            Stmt::Global(_) | Stmt::Nonlocal(_) | Stmt::AnnAssign(_) => {
                self.declaration(context, model, stmt);
                true
            }
            Stmt::Match(_) | Stmt::TypeAlias(_) => true,
            _ => false,
        };
        if forward || !self.past_future_prologue {
            self.forward_stmt(context, model, stmt);
        }
    }

    #[inline(never)]
    fn forward_stmt(&mut self, context: &Context<'a>, model: &SemanticModel<'a>, stmt: &Stmt) {
        let site = Site {
            walk: context,
            model,
            state: &self.state,
        };
        self.checker.visit_stmt(stmt, &site);
        // The module's docstring and `from __future__` imports may come before a
        // `from __future__` import; any other statement ends that prologue.
        let docstring = !self.seen_statement
            && matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr());
        self.past_future_prologue |= !docstring && !is_future_import(stmt);
        self.seen_statement = true;
    }

    /// Checks an expression, before its children, in the context it runs in. This runs at
    /// every node of the walk, so it only tells by the expression's kind (and at most one
    /// field) whether there is anything to check; names never need it, as their checks are
    /// done elsewhere (writes to `__debug__` in [`bind`](Self::bind), uses before `global` at
    /// the declaration).
    #[inline]
    pub(crate) fn expr(&mut self, context: &Context<'a>, model: &SemanticModel<'a>, expr: &Expr) {
        let needs_check = match expr {
            Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_)
            | Expr::Yield(_)
            | Expr::YieldFrom(_)
            | Expr::Await(_)
            | Expr::Lambda(_)
            | Expr::Starred(_) => true,
            Expr::Tuple(ast::ExprTuple { ctx, .. }) | Expr::List(ast::ExprList { ctx, .. }) => {
                ctx.is_store()
            }
            Expr::Call(call) => !call.arguments.keywords.is_empty(),
            Expr::Attribute(attribute) => attribute.ctx == ExprContext::Store,
            Expr::Subscript(_) => self.state.version == PythonVersion::PY39,
            _ => false,
        };
        if needs_check {
            self.check_expr(context, model, expr);
        }
    }

    #[inline(never)]
    fn check_expr(&mut self, context: &Context<'a>, model: &SemanticModel<'a>, expr: &Expr) {
        let forward = match expr {
            Expr::Lambda(lambda) => lambda.parameters.as_deref().is_some_and(may_repeat_names),
            Expr::Call(call) => {
                self.debug_keywords(&call.arguments.keywords);
                call.arguments.keywords.len() > 1
            }
            // `x.__debug__ = 1` is an error, `x.__debug__ += 1` and `del x.__debug__` are not.
            Expr::Attribute(attribute) => {
                if !is_augmented_target(context, expr) {
                    self.debug_target(&attribute.attr, false);
                }
                false
            }
            Expr::Subscript(subscript) => {
                self.walrus_index(&subscript.slice);
                false
            }
            Expr::Starred(starred) => {
                if matches!(context.parent_expr(), Some(Expr::FString(_))) {
                    self.state
                        .error(starred.range, "can't use starred expression here");
                }
                false
            }
            _ => true,
        };
        if forward {
            self.forward_expr(context, model, expr);
        }
    }

    #[inline(never)]
    fn forward_expr(&mut self, context: &Context<'a>, model: &SemanticModel<'a>, expr: &Expr) {
        let site = Site {
            walk: context,
            model,
            state: &self.state,
        };
        self.checker.visit_expr(expr, &site);
    }

    /// Checks a name being bound: `__debug__` never can be, whatever binds it.
    pub(crate) fn bind(&mut self, context: &Context<'a>, binding: &NewBinding<'a>) {
        if binding.name == "__debug__" {
            // `del (a, __debug__)` unpacks, but deletes all the same.
            let deletion = matches!(binding.kind, BindingKind::Deletion)
                || matches!(context.statement(), Some(Stmt::Delete(_)));
            self.debug_write(binding.range, deletion);
        }
    }

    /// The first error in the module, once the walk is over and `model` complete.
    pub(crate) fn finish(self, model: &SemanticModel<'a>) -> Option<CompileError> {
        for &(scope, name, range) in &self.nonlocals {
            if let Some(message) = unbound_nonlocal(model, scope, name) {
                self.state.error(range, message);
            }
        }
        let errors = self.state.errors.into_inner();
        errors.into_iter().min_by_key(|error| error.range.start())
    }

    /// `global` and `nonlocal` must come before any use or assignment of the name in their
    /// scope, a name cannot be both, nor be annotated after `nonlocal` (CPython's
    /// `symtable.c`). Reported at the statement, as CPython does.
    #[inline(never)]
    fn declaration(&mut self, context: &Context<'a>, model: &SemanticModel<'a>, stmt: &'a Stmt) {
        let scope = model.scope(context.scope());
        let (names, declared) = match stmt {
            Stmt::Global(global) => (&global.names, Declared::Global),
            Stmt::Nonlocal(nonlocal) if context.scope() != ScopeId::MODULE => {
                let at = (context.scope(), nonlocal.range);
                let names = nonlocal
                    .names
                    .iter()
                    .map(|name| (at.0, name.as_str(), at.1));
                self.nonlocals.extend(names);
                (&nonlocal.names, Declared::Nonlocal)
            }
            Stmt::AnnAssign(assign) => return self.annotated_nonlocal(scope, assign),
            _ => return,
        };
        for name in names {
            if let Some(message) = declaration_problem(scope, name.as_str(), declared) {
                self.state.error(stmt.range(), message);
            }
        }
    }

    /// Whether the checker must see a `def`: for what only it checks (asynchronous functions,
    /// type parameters, annotations it evaluates) or for a parameter name that may repeat.
    fn function_needs_checker(&self, def: &ast::StmtFunctionDef) -> bool {
        let annotations =
            self.state.future_annotations || self.state.version > PythonVersion::PY313;
        def.is_async
            || def.type_params.is_some()
            || annotations
            || may_repeat_names(&def.parameters)
    }

    fn class_needs_checker(&self, class: &ast::StmtClassDef) -> bool {
        let keywords = class
            .arguments
            .as_deref()
            .map_or(&[][..], |a| &a.keywords[..]);
        self.debug_keywords(keywords);
        class.type_params.is_some() || keywords.len() > 1
    }

    fn import_from_needs_checker(&mut self, import: &ast::StmtImportFrom) -> bool {
        let imports = |name: &str| import.names.iter().any(|alias| alias.name.as_str() == name);
        if import.module.as_deref() == Some("__future__") {
            self.state.future_annotations |= imports("annotations");
            return true;
        }
        imports("*")
    }

    /// `*a` where only a starred item of a tuple, list or call may be.
    fn not_starred(&self, expr: &Expr) {
        if expr.is_starred_expr() {
            self.state
                .error(expr.range(), "can't use starred expression here");
        }
    }

    fn starred_assignment(&self, assign: &ast::StmtAssign) {
        if let [target @ Expr::Starred(_)] = assign.targets.as_slice() {
            self.state.error(target.range(), LONE_STARRED_TARGET);
        }
        self.not_starred(&assign.value);
    }

    /// `with x as *a:`; the parser allows it.
    fn starred_with_targets(&self, with: &ast::StmtWith) {
        let targets = with
            .items
            .iter()
            .filter_map(|item| item.optional_vars.as_deref());
        for target in targets.filter(|target| target.is_starred_expr()) {
            self.state.error(target.range(), LONE_STARRED_TARGET);
        }
    }

    /// `x: int` after `nonlocal x`; the checker knows only the `global` case.
    fn annotated_nonlocal(&self, scope: &Scope<'a>, assign: &ast::StmtAnnAssign) {
        if let Expr::Name(name) = assign.target.as_ref()
            && scope.declares_nonlocal(name.id.as_str())
        {
            let message = format!("annotated name '{}' can't be nonlocal", name.id);
            self.state.error(name.range, message);
        }
    }

    /// 3.9 parses `a[b := 1]` as an error, though the parser's table says 3.9 allows it; 3.10
    /// does allow it. A parenthesized `a[(b := 1)]` was always fine.
    fn walrus_index(&self, slice: &Expr) {
        let elements = match slice {
            Expr::Tuple(tuple) if !tuple.parenthesized => tuple.elts.as_slice(),
            other => std::slice::from_ref(other),
        };
        for element in elements {
            if element.is_named_expr() && !is_parenthesized(self.state.source, element.range()) {
                self.state.error(element.range(), "invalid syntax");
            }
        }
    }

    fn default_except_last(&self, try_stmt: &ast::StmtTry) {
        let Some((_, earlier)) = try_stmt.handlers.split_last() else {
            return;
        };
        for handler in earlier {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            if handler.type_.is_none() {
                self.state
                    .error(handler.range, "default 'except:' must be last");
            }
        }
    }

    fn debug_keywords(&self, keywords: &[ast::Keyword]) {
        for keyword in keywords {
            if let Some(name) = &keyword.arg {
                self.debug_target(name, false);
            }
        }
    }

    fn debug_target(&self, name: &Identifier, deletion: bool) {
        if name.as_str() == "__debug__" {
            self.debug_write(name.range, deletion);
        }
    }

    /// Deleting `__debug__` became an error in 3.10 (the checker says 3.9, which allows it).
    fn debug_write(&self, range: TextRange, deletion: bool) {
        if !deletion {
            self.state.error(range, "cannot assign to __debug__");
        } else if self.state.version >= PythonVersion::PY310 {
            self.state.error(range, "cannot delete __debug__");
        }
    }
}

const LONE_STARRED_TARGET: &str = "starred assignment target must be in a list or tuple";

fn is_future_import(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::ImportFrom(import) if import.module.as_deref() == Some("__future__"))
}

/// Whether two parameters may share a name. Every `def` is asked, so this is a Bloom filter
/// of the names' lengths and end bytes, without allocating; the checker's exact test (with a
/// hash set) runs only for the few signatures where two names fall on the same bit.
fn may_repeat_names(parameters: &ast::Parameters) -> bool {
    let mut seen = 0u64;
    let mut repeated = false;
    let mut add = |name: &Identifier| {
        let bit = name_bit(name.as_str());
        repeated |= seen & bit != 0;
        seen |= bit;
    };
    for list in [
        &parameters.posonlyargs,
        &parameters.args,
        &parameters.kwonlyargs,
    ] {
        for parameter in list {
            add(&parameter.parameter.name);
        }
    }
    for parameter in [&parameters.vararg, &parameters.kwarg]
        .into_iter()
        .flatten()
    {
        add(&parameter.name);
    }
    repeated
}

fn name_bit(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let first = usize::from(bytes.first().copied().unwrap_or_default());
    let last = usize::from(bytes.last().copied().unwrap_or_default());
    1 << ((bytes.len() ^ (first << 1) ^ (last << 3)) % 64)
}

/// True when `expr` is the target of the augmented assignment it is in.
fn is_augmented_target(context: &Context<'_>, expr: &Expr) -> bool {
    matches!(context.statement(), Some(Stmt::AugAssign(assign)) if std::ptr::eq(assign.target.as_ref(), expr))
}

/// True when the code before `range` (past any whitespace) opens a parenthesis.
fn is_parenthesized(source: &str, range: TextRange) -> bool {
    let before = source.get(..range.start().to_usize()).unwrap_or_default();
    before.trim_end().ends_with('(')
}

#[derive(Clone, Copy)]
enum Declared {
    Global,
    Nonlocal,
}

impl fmt::Display for Declared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Declared::Global => "global",
            Declared::Nonlocal => "nonlocal",
        })
    }
}

/// What is wrong with declaring `name` global or nonlocal at this point of `scope`, where only
/// what comes before the declaration has been recorded. A parameter is the checker's to report.
fn declaration_problem(scope: &Scope<'_>, name: &str, declared: Declared) -> Option<String> {
    let both = match declared {
        Declared::Global => scope.declares_nonlocal(name),
        Declared::Nonlocal => scope.declares_global(name),
    };
    if both {
        return Some(format!("name '{name}' is nonlocal and global"));
    }
    let bindings = scope.bindings_of(name);
    if bindings
        .iter()
        .any(|binding| matches!(binding.kind, BindingKind::Parameter))
    {
        return None;
    }
    // In CPython's order: a use, then an annotation, then an assignment. Imports are not
    // assignments to its symbol table.
    let used = scope.references().iter().any(|reference| {
        reference.name == name && !matches!(reference.usage, Usage::AugmentedAssignment)
    });
    let annotated = bindings.iter().any(|binding| {
        matches!(binding.statement, Some(Stmt::AnnAssign(assign)) if assign.target.range() == binding.range)
    });
    let assigned = bindings.iter().any(|binding| {
        !matches!(
            binding.kind,
            BindingKind::Import { .. } | BindingKind::FromImport
        )
    });
    if used {
        Some(format!(
            "name '{name}' is used prior to {declared} declaration"
        ))
    } else if annotated {
        Some(format!("annotated name '{name}' can't be {declared}"))
    } else if assigned {
        Some(format!(
            "name '{name}' is assigned to before {declared} declaration"
        ))
    } else {
        None
    }
}

/// Why `nonlocal name` in `scope` has nothing to refer to, if it has not: the nearest enclosing
/// function that binds the name, declares it nonlocal or declares it global decides. Class
/// bodies are skipped, as their names are not visible to nested functions, except the
/// `__class__` cell a class gives its methods (for `super()`).
fn unbound_nonlocal(model: &SemanticModel<'_>, scope: ScopeId, name: &str) -> Option<String> {
    let mut enclosing = model.scope(scope).parent;
    while let Some(id) = enclosing {
        let scope = model.scope(id);
        match scope.node {
            ScopeNode::Module => break,
            ScopeNode::Class(_) if name == "__class__" => return None,
            ScopeNode::Class(_) => {}
            ScopeNode::TypeParams(_) if scope.binds(name) => {
                return Some(format!(
                    "nonlocal binding not allowed for type parameter '{name}'"
                ));
            }
            _ if scope.declares_global(name) => break,
            _ if scope.binds(name) || scope.declares_nonlocal(name) => return None,
            _ => {}
        }
        enclosing = scope.parent;
    }
    Some(format!("no binding for nonlocal '{name}' found"))
}

/// Answers the checker's questions about the node being visited from the walk's context.
struct Site<'c, 'a> {
    walk: &'c Context<'a>,
    model: &'c SemanticModel<'a>,
    state: &'c State<'a>,
}

impl<'a> Site<'_, 'a> {
    fn innermost(&self) -> ScopeClass {
        self.walk
            .scopes()
            .last()
            .map_or(ScopeClass::Module, |(_, class)| *class)
    }

    /// The nearest scope that is not a comprehension, which a comprehension's code belongs to.
    fn frame(&self) -> (ScopeId, ScopeClass) {
        let scopes = self.walk.scopes().iter().rev();
        scopes
            .copied()
            .find(|(_, class)| *class != ScopeClass::Comprehension)
            .unwrap_or((ScopeId::MODULE, ScopeClass::Module))
    }

    /// The comprehensions the node is in, innermost first, up to the first other scope.
    fn comprehensions(&self) -> impl Iterator<Item = &'a Expr> + '_ {
        let scopes = self.walk.scopes().iter().rev();
        scopes.map_while(|(id, _)| match self.model.scope(*id).node {
            ScopeNode::Comprehension(expr) => Some(expr),
            _ => None,
        })
    }
}

impl SemanticSyntaxContext for Site<'_, '_> {
    /// Before 3.10, CPython did not look at annotations that `annotations` left unevaluated.
    fn future_annotations_or_stub(&self) -> bool {
        self.state.future_annotations && self.state.version >= PythonVersion::PY310
    }

    /// `lazy import` is 3.15 syntax, newer than any target: the parser already rejects it.
    fn lazy_import_context(&self) -> Option<LazyImportContext> {
        None
    }

    fn python_version(&self) -> PythonVersion {
        self.state.version
    }

    fn source(&self) -> &str {
        self.state.source
    }

    /// Only declarations already seen are known, and they all come before the current node,
    /// so the position given is the module's start. Uses before a later `global` are found
    /// at the declaration instead ([`declaration_problem`]).
    fn global(&self, name: &str) -> Option<TextRange> {
        let scope = self.model.scope(self.walk.scope());
        scope.declares_global(name).then(TextRange::default)
    }

    /// Decided when the module is complete ([`unbound_nonlocal`]).
    fn has_nonlocal_binding(&self, _name: &str) -> bool {
        true
    }

    fn in_async_context(&self) -> bool {
        let (id, class) = self.frame();
        class == ScopeClass::Function
            && matches!(self.model.scope(id).node, ScopeNode::Function(def) if def.is_async)
    }

    /// A generator expression with `await` is an asynchronous generator, allowed anywhere.
    fn in_await_allowed_context(&self) -> bool {
        self.frame().1 == ScopeClass::Function || self.in_generator_context()
    }

    /// Asked only outside a function's own scope, where `yield` never is allowed.
    fn in_yield_allowed_context(&self) -> bool {
        self.innermost() == ScopeClass::Function
    }

    fn in_sync_comprehension(&self) -> bool {
        self.comprehensions()
            .any(|expr| !is_async_comprehension(expr))
    }

    fn in_class_body_comprehension(&self) -> bool {
        self.frame().1 == ScopeClass::Class
    }

    fn in_module_scope(&self) -> bool {
        self.innermost() == ScopeClass::Module
    }

    fn in_function_scope(&self) -> bool {
        self.innermost() == ScopeClass::Function
    }

    /// Since 3.11 an asynchronous comprehension may be nested in any comprehension inside a
    /// generator expression; before, only directly in the generator expression.
    fn in_generator_context(&self) -> bool {
        let is_generator = |expr: &Expr| matches!(expr, Expr::Generator(_));
        if self.state.version >= PythonVersion::PY311 {
            self.comprehensions().any(is_generator)
        } else {
            self.comprehensions().next().is_some_and(is_generator)
        }
    }

    fn in_notebook(&self) -> bool {
        false
    }

    fn report_semantic_error(&self, error: SemanticSyntaxError) {
        let comprehension = self.comprehensions().next().map(comprehension_name);
        let message = cpython_message(&error, self.state.source, comprehension);
        self.state.error(error.range, message);
    }

    fn in_loop_context(&self) -> bool {
        self.walk.loop_id().is_some()
    }

    fn is_bound_parameter(&self, name: &str) -> bool {
        let scope = self.model.scope(self.walk.scope());
        let bindings = scope.bindings_of(name);
        bindings
            .iter()
            .any(|binding| matches!(binding.kind, BindingKind::Parameter))
    }
}

fn is_async_comprehension(expr: &Expr) -> bool {
    let generators = match expr {
        Expr::ListComp(comp) => &comp.generators,
        Expr::SetComp(comp) => &comp.generators,
        Expr::DictComp(comp) => &comp.generators,
        Expr::Generator(comp) => &comp.generators,
        _ => return false,
    };
    generators.iter().any(|generator| generator.is_async)
}

fn comprehension_name(expr: &Expr) -> &'static str {
    match expr {
        Expr::SetComp(_) => "set comprehension",
        Expr::DictComp(_) => "dict comprehension",
        Expr::Generator(_) => "generator expression",
        _ => "list comprehension",
    }
}

/// CPython's message (as of 3.12) for an error the checker found; the checker's own wording
/// where CPython has nothing closer. `comprehension` names the comprehension the error is in.
fn cpython_message(
    error: &SemanticSyntaxError,
    source: &str,
    comprehension: Option<&str>,
) -> String {
    use SemanticSyntaxErrorKind as Kind;
    match &error.kind {
        Kind::LateFutureImport => {
            "from __future__ imports must occur at the beginning of the file".into()
        }
        Kind::FutureFeatureNotDefined(name) if name == "braces" => "not a chance".into(),
        Kind::FutureFeatureNotDefined(name) => format!("future feature {name} is not defined"),
        Kind::ReturnOutsideFunction => "'return' outside function".into(),
        Kind::YieldOutsideFunction(YieldOutsideFunctionKind::Await) => {
            "'await' outside function".into()
        }
        Kind::YieldOutsideFunction(_) => match comprehension {
            Some(comprehension) => format!("'yield' inside {comprehension}"),
            None => "'yield' outside function".into(),
        },
        Kind::AwaitOutsideAsyncFunction(kind) => await_message(*kind),
        Kind::AsyncComprehensionInSyncComprehension(_) => {
            await_message(AwaitOutsideAsyncFunctionKind::AsyncComprehension)
        }
        Kind::YieldFromInAsyncFunction => "'yield from' inside async function".into(),
        Kind::ReturnInGenerator => "'return' with value in async generator".into(),
        Kind::BreakOutsideLoop => "'break' outside loop".into(),
        Kind::ContinueOutsideLoop => "'continue' not properly in loop".into(),
        Kind::NonlocalDeclarationAtModuleLevel => {
            "nonlocal declaration not allowed at module level".into()
        }
        Kind::GlobalParameter(name) => format!("name '{name}' is parameter and global"),
        Kind::NonlocalParameter(name) => format!("name '{name}' is parameter and nonlocal"),
        Kind::AnnotatedGlobal(name) => format!("annotated name '{name}' can't be global"),
        Kind::DuplicateParameter(name) => {
            format!("duplicate argument '{name}' in function definition")
        }
        Kind::DuplicateKeywordArgument(name) => format!("keyword argument repeated: {name}"),
        Kind::NonModuleImportStar(_) => "import * only allowed at module level".into(),
        Kind::MultipleStarredExpressions => "multiple starred expressions in assignment".into(),
        Kind::SingleStarredAssignment => LONE_STARRED_TARGET.into(),
        Kind::InvalidStarExpression => "can't use starred expression here".into(),
        Kind::WriteToDebug(WriteToDebugKind::Store) => "cannot assign to __debug__".into(),
        Kind::ReboundComprehensionVariable => format!(
            "assignment expression cannot rebind comprehension iteration variable '{}'",
            source.get(error.range.to_std_range()).unwrap_or_default()
        ),
        Kind::InvalidExpression(kind, position) => {
            format!("{kind} cannot be used within {}", position_name(*position))
        }
        Kind::TypeParameterDefaultOrder(name) => {
            format!("non-default type parameter '{name}' follows default type parameter")
        }
        Kind::IrrefutableCasePattern(IrrefutablePatternKind::Name(name)) => {
            format!("name capture '{name}' makes remaining patterns unreachable")
        }
        Kind::MultipleCaseAssignment(name) => {
            format!("multiple assignments to name '{name}' in pattern")
        }
        Kind::DuplicateMatchKey(key) => format!("mapping pattern checks duplicate key ({key})"),
        Kind::DuplicateMatchClassAttribute(name) => {
            format!("attribute name repeated in class pattern: {name}")
        }
        // The rest already read as CPython's, or CPython has no equivalent.
        _ => error.to_string(),
    }
}

fn await_message(kind: AwaitOutsideAsyncFunctionKind) -> String {
    match kind {
        AwaitOutsideAsyncFunctionKind::Await => "'await' outside async function",
        AwaitOutsideAsyncFunctionKind::AsyncFor => "'async for' outside async function",
        AwaitOutsideAsyncFunctionKind::AsyncWith => "'async with' outside async function",
        AwaitOutsideAsyncFunctionKind::AsyncComprehension => {
            "asynchronous comprehension outside of an asynchronous function"
        }
    }
    .to_string()
}

fn position_name(position: InvalidExpressionPosition) -> &'static str {
    match position {
        InvalidExpressionPosition::TypeVarBound => "a TypeVar bound",
        InvalidExpressionPosition::TypeVarDefault => "a TypeVar default",
        InvalidExpressionPosition::TypeVarTupleDefault => "a TypeVarTuple default",
        InvalidExpressionPosition::ParamSpecDefault => "a ParamSpec default",
        InvalidExpressionPosition::TypeAnnotation => "an annotation",
        InvalidExpressionPosition::GenericDefinition => "the definition of a generic",
        InvalidExpressionPosition::TypeAlias => "a type alias",
    }
}
