//! The one traversal order of a module, with CPython's evaluation contexts.
//!
//! Which scope and which loop a piece of code runs in is subtle: a function's defaults and
//! decorators run in the enclosing scope, a `for` loop's iterable runs once outside the loop
//! while a `while` test runs every iteration, a comprehension's first iterable runs outside the
//! comprehension, a walrus inside a comprehension binds in the enclosing function. That logic
//! lives here, once. The semantic builder walks through it, and the checker sees the same walk
//! through an [`Observer`], so the two cannot disagree about where a node is.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Comprehension, ExceptHandler, Expr, Identifier, Pattern, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::{BindingKind, LoopId, LoopNode, ScopeId, ScopeNode, SemanticModel};

/// Deeply nested code (a 10,000-operand `+` chain is a 10,000-deep tree) must not overflow the
/// stack: past a depth ordinary code never reaches, grow it on demand, as the parser does.
const STACK_RED_ZONE: usize = 128 * 1024;
const STACK_GROWTH: usize = 4 * 1024 * 1024;
const UNCHECKED_DEPTH: usize = 64;

/// A syntax node on the path from the module to the node being visited.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

/// The kinds of scope, as far as name resolution cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeClass {
    Module,
    Class,
    /// A `def` or a `lambda`.
    Function,
    /// A list, set or dict comprehension or a generator expression.
    Comprehension,
    /// A PEP 695 annotation scope holding type parameters.
    TypeParams,
}

/// Where the walk is: the scope stack, the innermost loop of the current frame, the ancestors of
/// the current node, and whether the code runs only on an error path or not at all.
pub struct Context<'a> {
    scopes: Vec<(ScopeId, ScopeClass)>,
    loop_id: Option<LoopId>,
    parents: Vec<Node<'a>>,
    in_annotation: bool,
    in_exit_path: bool,
    /// Where in `parents` the innermost statement is, kept so that finding it does not mean
    /// searching up through a deeply nested expression.
    statement_at: Option<usize>,
}

impl<'a> Context<'a> {
    fn empty() -> Self {
        Context {
            scopes: Vec::new(),
            loop_id: None,
            parents: Vec::new(),
            in_annotation: false,
            in_exit_path: false,
            statement_at: None,
        }
    }

    /// The scope the current node is evaluated in.
    pub fn scope(&self) -> ScopeId {
        self.scopes.last().map_or(ScopeId::MODULE, |(id, _)| *id)
    }

    /// The scopes around the current node with their kinds, innermost last.
    pub fn scopes(&self) -> &[(ScopeId, ScopeClass)] {
        &self.scopes
    }

    /// The kind of the nearest scope that is not a comprehension: the frame a comprehension's
    /// code belongs to for most purposes (PEP 709 inlines comprehensions into it on 3.12+).
    pub fn frame_class(&self) -> ScopeClass {
        self.scopes
            .iter()
            .rev()
            .map(|(_, class)| *class)
            .find(|class| *class != ScopeClass::Comprehension)
            .unwrap_or(ScopeClass::Module)
    }

    /// The kind of the scope the current node is evaluated in.
    pub fn scope_class(&self) -> ScopeClass {
        self.scopes
            .last()
            .map_or(ScopeClass::Module, |(_, class)| *class)
    }

    /// The innermost loop, within the current function, that the current node runs in.
    pub fn loop_id(&self) -> Option<LoopId> {
        self.loop_id
    }

    /// The ancestors of the current node, innermost last.
    pub fn parents(&self) -> &[Node<'a>] {
        &self.parents
    }

    /// The immediate parent expression, if the parent is an expression.
    pub fn parent_expr(&self) -> Option<&'a Expr> {
        match self.parents.last() {
            Some(Node::Expr(expr)) => Some(expr),
            _ => None,
        }
    }

    /// The innermost statement containing the current node.
    pub fn statement(&self) -> Option<&'a Stmt> {
        match self.parents.get(self.statement_at?) {
            Some(Node::Stmt(stmt)) => Some(*stmt),
            _ => None,
        }
    }

    /// True inside an annotation, which rules ignore: it is typing, not runtime work.
    pub fn in_annotation(&self) -> bool {
        self.in_annotation
    }

    /// True inside a `raise` or `return` statement or an `except` clause's exception type: code
    /// on the way out, which runs at most once per call or only when something went wrong.
    pub fn in_exit_path(&self) -> bool {
        self.in_exit_path
    }
}

/// Copies of the walk's context taken at chosen nodes, for code that looks at those nodes
/// after the walk. They are stored end to end, so that taking one allocates nothing of its own.
///
/// A copy keeps the ancestors rules look at: the innermost statement and the expressions
/// below it, at most [`SNAPSHOT_EXPRESSIONS`] of those (the nearest), not the statements
/// around it. Copying every ancestor would make a 50,000-operand `+` chain, a node per operand
/// each 50,000 deep, quadratic.
#[derive(Default)]
pub struct Snapshots<'a> {
    scopes: Vec<(ScopeId, ScopeClass)>,
    parents: Vec<Node<'a>>,
    marks: Vec<Mark>,
}

pub const SNAPSHOT_EXPRESSIONS: usize = 256;

/// Where one snapshot's scopes and parents end in the shared stores, and its other fields.
struct Mark {
    scopes_end: usize,
    parents_end: usize,
    loop_id: Option<LoopId>,
    in_annotation: bool,
    in_exit_path: bool,
    has_statement: bool,
}

impl<'a> Snapshots<'a> {
    pub fn take(&mut self, context: &Context<'a>) {
        self.scopes.extend_from_slice(&context.scopes);
        let parents = &context.parents;
        let statement = context
            .statement_at
            .and_then(|at| Some((at, *parents.get(at)?)));
        let expressions_from = match statement {
            Some((at, node)) => {
                self.parents.push(node);
                at + 1
            }
            None => 0,
        };
        let nearest = parents.len().saturating_sub(SNAPSHOT_EXPRESSIONS);
        self.parents
            .extend_from_slice(&parents[expressions_from.max(nearest)..]);
        self.marks.push(Mark {
            has_statement: statement.is_some(),
            scopes_end: self.scopes.len(),
            parents_end: self.parents.len(),
            loop_id: context.loop_id,
            in_annotation: context.in_annotation,
            in_exit_path: context.in_exit_path,
        });
    }

    /// Calls `visit` with the index and the restored context of each snapshot, in the order
    /// they were taken.
    pub fn replay(&self, mut visit: impl FnMut(usize, &Context<'a>)) {
        let mut context = Context::empty();
        let (mut scopes_start, mut parents_start) = (0, 0);
        for (index, mark) in self.marks.iter().enumerate() {
            context.scopes.clear();
            context
                .scopes
                .extend_from_slice(&self.scopes[scopes_start..mark.scopes_end]);
            context.parents.clear();
            context
                .parents
                .extend_from_slice(&self.parents[parents_start..mark.parents_end]);
            context.loop_id = mark.loop_id;
            context.in_annotation = mark.in_annotation;
            context.in_exit_path = mark.in_exit_path;
            context.statement_at = mark.has_statement.then_some(0);
            visit(index, &context);
            (scopes_start, parents_start) = (mark.scopes_end, mark.parents_end);
        }
    }
}

/// A binding the walk found: `name` becomes bound in `scope` by `kind`.
pub struct NewBinding<'a> {
    pub scope: ScopeId,
    pub name: &'a str,
    pub range: TextRange,
    pub kind: BindingKind<'a>,
}

/// Statements that change how names resolve or what the module depends on.
pub enum Declaration<'a> {
    Global(&'a str),
    Nonlocal(&'a str),
    StarImport,
    /// The top-level package of an `import` or `from ... import` (`os` for `import os.path`).
    Imports(&'a str),
}

/// What a pass over the module does at each point of the walk. Every method but the two that
/// name scopes and loops has an empty default.
pub trait Hooks<'a> {
    /// Names the scope `node` opens; `parent` is the scope it is nested in.
    fn enter_scope(&mut self, node: ScopeNode<'a>, parent: Option<ScopeId>) -> ScopeId;
    /// Names the loop `node` opens in the current context.
    fn enter_loop(&mut self, node: LoopNode<'a>, context: &Context<'a>) -> Option<LoopId>;
    /// Called when the walk is about to leave the current scope.
    fn leave_scope(&mut self, _context: &Context<'a>) {}
    fn bind(&mut self, _context: &Context<'a>, _binding: NewBinding<'a>) {}
    fn declare(&mut self, _context: &Context<'a>, _declaration: Declaration<'a>) {}
    /// Called on every statement before its children; `context.parents()` are its ancestors.
    fn stmt(&mut self, _context: &Context<'a>, _stmt: &'a Stmt) {}
    /// Called on every expression but a literal (a string, bytes, number, `True`, `False`,
    /// `None` or `...`), before its children.
    fn expr(&mut self, _context: &Context<'a>, _expr: &'a Expr) {}
}

/// A pass that rides along with the semantic builder's walk: it sees the same statements,
/// expressions and scope exits, in the same context, while the model is still being built.
/// The checker uses it to note what its rules must look at once the model is complete, so
/// that a module is walked once, not once to build the model and again to check it.
pub trait Observer<'a> {
    /// Called on every statement before its children.
    fn stmt(&mut self, _context: &Context<'a>, _stmt: &'a Stmt) {}
    /// Called on every expression but a literal, before its children, with the model as far
    /// as the walk has built it: what the code before this node binds and declares.
    fn expr(&mut self, _context: &Context<'a>, _model: &SemanticModel<'a>, _expr: &'a Expr) {}
    /// Called when the walk is about to leave the current scope.
    fn leave_scope(&mut self, _context: &Context<'a>) {}
}

/// No observer: the model alone.
impl Observer<'_> for () {}

/// Walks `module` through `hooks` and returns them.
pub fn walk_module<'a, H: Hooks<'a>>(module: &'a ast::ModModule, hooks: H) -> H {
    let mut walker = Walker {
        context: Context::empty(),
        hooks,
        depth: 0,
    };
    let module_scope = walker.hooks.enter_scope(ScopeNode::Module, None);
    walker
        .context
        .scopes
        .push((module_scope, ScopeClass::Module));
    walker.visit_body(&module.body);
    walker.hooks.leave_scope(&walker.context);
    walker.hooks
}

struct Walker<'a, H> {
    context: Context<'a>,
    hooks: H,
    /// Nodes on the current path, for deciding when to check the stack.
    depth: usize,
}

impl<'a, H: Hooks<'a>> Walker<'a, H> {
    /// Runs `visit` one level deeper, on a grown stack when the tree is unusually deep.
    fn deeper(&mut self, visit: impl FnOnce(&mut Self)) {
        self.depth += 1;
        if self.depth > UNCHECKED_DEPTH {
            stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || visit(self));
        } else {
            visit(self);
        }
        self.depth -= 1;
    }

    fn bind(&mut self, name: &'a str, range: TextRange, kind: BindingKind<'a>) {
        let scope = self.context.scope();
        self.bind_in(scope, name, range, kind);
    }

    fn bind_in(&mut self, scope: ScopeId, name: &'a str, range: TextRange, kind: BindingKind<'a>) {
        let binding = NewBinding {
            scope,
            name,
            range,
            kind,
        };
        self.hooks.bind(&self.context, binding);
    }

    fn bind_identifier(&mut self, identifier: &'a Identifier, kind: BindingKind<'a>) {
        self.bind(identifier.as_str(), identifier.range, kind);
    }

    /// Binds every name an assignment target stores to. A bare name gets `direct`; names inside
    /// a tuple, list or starred target are unpacked and get [`BindingKind::Unpacking`].
    fn bind_target(&mut self, target: &'a Expr, direct: BindingKind<'a>) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str(), name.range, direct),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind_target(element, BindingKind::Unpacking);
                }
            }
            Expr::Starred(ast::ExprStarred { value, .. }) => {
                self.bind_target(value, BindingKind::Unpacking);
            }
            _ => {}
        }
    }

    /// Runs `body` in a new scope opened by `node`, with no enclosing loop: a function body
    /// runs when it is called, not once per iteration of the loop that defines it.
    fn in_scope(&mut self, node: ScopeNode<'a>, class: ScopeClass, body: impl FnOnce(&mut Self)) {
        let scope = self.hooks.enter_scope(node, Some(self.context.scope()));
        self.context.scopes.push((scope, class));
        let outer_loop = if class == ScopeClass::Comprehension {
            self.context.loop_id
        } else {
            self.context.loop_id.take()
        };
        body(self);
        self.hooks.leave_scope(&self.context);
        self.context.loop_id = outer_loop;
        self.context.scopes.pop();
    }

    fn in_loop(&mut self, node: LoopNode<'a>, body: impl FnOnce(&mut Self)) {
        let inner = self.hooks.enter_loop(node, &self.context);
        let outer = self.context.loop_id;
        self.context.loop_id = inner.or(outer);
        body(self);
        self.context.loop_id = outer;
    }

    fn with_flag(&mut self, flag: Flag, body: impl FnOnce(&mut Self)) {
        let outer = (self.context.in_annotation, self.context.in_exit_path);
        match flag {
            Flag::Annotation => self.context.in_annotation = true,
            Flag::ExitPath => self.context.in_exit_path = true,
        }
        body(self);
        (self.context.in_annotation, self.context.in_exit_path) = outer;
    }

    /// Type parameters (`def f[T](...)`) live in an annotation scope between the definition's
    /// scope and the function or class body.
    fn with_type_params(
        &mut self,
        type_params: Option<&'a ast::TypeParams>,
        body: impl FnOnce(&mut Self),
    ) {
        let Some(type_params) = type_params else {
            body(self);
            return;
        };
        self.in_scope(
            ScopeNode::TypeParams(type_params),
            ScopeClass::TypeParams,
            |walker| {
                for type_param in &type_params.type_params {
                    let name = match type_param {
                        ast::TypeParam::TypeVar(p) => &p.name,
                        ast::TypeParam::TypeVarTuple(p) => &p.name,
                        ast::TypeParam::ParamSpec(p) => &p.name,
                    };
                    walker.bind_identifier(name, BindingKind::TypeParam);
                }
                walker.with_flag(Flag::Annotation, |walker| {
                    walker.visit_type_params(type_params);
                });
                body(walker);
            },
        );
    }

    fn function_def(&mut self, def: &'a ast::StmtFunctionDef) {
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        for parameter in def.parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
        }
        self.bind_identifier(&def.name, BindingKind::FunctionDef);
        self.with_type_params(def.type_params.as_deref(), |walker| {
            for parameter in def.parameters.iter() {
                if let Some(annotation) = parameter.annotation() {
                    walker.visit_annotation(annotation);
                }
            }
            if let Some(returns) = &def.returns {
                walker.visit_annotation(returns);
            }
            walker.in_scope(ScopeNode::Function(def), ScopeClass::Function, |walker| {
                for parameter in def.parameters.iter() {
                    walker.bind_identifier(parameter.name(), BindingKind::Parameter);
                }
                walker.visit_body(&def.body);
            });
        });
    }

    fn class_def(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        self.with_type_params(class.type_params.as_deref(), |walker| {
            if let Some(arguments) = &class.arguments {
                walker.visit_arguments(arguments);
            }
            walker.in_scope(ScopeNode::Class(class), ScopeClass::Class, |walker| {
                walker.visit_body(&class.body);
            });
        });
        self.bind_identifier(&class.name, BindingKind::ClassDef);
    }

    fn lambda(&mut self, lambda: &'a ast::ExprLambda) {
        if let Some(parameters) = &lambda.parameters {
            for parameter in parameters.iter() {
                if let Some(default) = parameter.default() {
                    self.visit_expr(default);
                }
            }
        }
        self.in_scope(ScopeNode::Lambda(lambda), ScopeClass::Function, |walker| {
            if let Some(parameters) = &lambda.parameters {
                for parameter in parameters.iter() {
                    walker.bind_identifier(parameter.name(), BindingKind::Parameter);
                }
            }
            walker.visit_expr(&lambda.body);
        });
    }

    /// The first iterable runs in the enclosing scope; everything else runs in the
    /// comprehension's scope, each `for` clause a loop nested in the previous one.
    fn comprehension(
        &mut self,
        expr: &'a Expr,
        generators: &'a [Comprehension],
        elements: &[&'a Expr],
    ) {
        let Some(first) = generators.first() else {
            return;
        };
        self.visit_expr(&first.iter);
        self.in_scope(
            ScopeNode::Comprehension(expr),
            ScopeClass::Comprehension,
            |walker| walker.comprehension_clauses(generators, elements),
        );
    }

    fn comprehension_clauses(&mut self, generators: &'a [Comprehension], elements: &[&'a Expr]) {
        let Some((generator, rest)) = generators.split_first() else {
            for element in elements {
                self.visit_expr(element);
            }
            return;
        };
        self.in_loop(LoopNode::Comprehension(generator), |walker| {
            walker.bind_target(&generator.target, BindingKind::LoopTarget);
            walker.visit_expr(&generator.target);
            for condition in &generator.ifs {
                walker.visit_expr(condition);
            }
            if let Some(next) = rest.first() {
                walker.visit_expr(&next.iter);
            }
            walker.comprehension_clauses(rest, elements);
        });
    }

    /// A walrus binds in the nearest enclosing scope that is not a comprehension.
    fn named_expr(&mut self, named: &'a ast::ExprNamed) {
        self.visit_expr(&named.value);
        let scope = self
            .context
            .scopes
            .iter()
            .rev()
            .find(|(_, class)| *class != ScopeClass::Comprehension)
            .map_or(ScopeId::MODULE, |(id, _)| *id);
        if let Expr::Name(name) = named.target.as_ref() {
            let kind = BindingKind::NamedExpr(&named.value);
            self.bind_in(scope, name.id.as_str(), name.range, kind);
        }
        self.visit_expr(&named.target);
    }

    fn import(&mut self, import: &'a ast::StmtImport) {
        for alias in &import.names {
            let module = alias.name.as_str();
            let package = module.split('.').next().unwrap_or(module);
            self.hooks
                .declare(&self.context, Declaration::Imports(package));
            match &alias.asname {
                Some(asname) => self.bind_identifier(asname, BindingKind::Import { module }),
                // `import os.path` binds `os`, the top-level package.
                None => {
                    let top = module.split('.').next().unwrap_or(module);
                    let kind = BindingKind::Import { module: top };
                    self.bind(top, alias.name.range, kind);
                }
            }
        }
    }

    fn import_from(&mut self, import: &'a ast::StmtImportFrom) {
        if let Some(module) = import.module.as_ref().filter(|_| import.level == 0) {
            let module = module.as_str();
            let package = module.split('.').next().unwrap_or(module);
            self.hooks
                .declare(&self.context, Declaration::Imports(package));
        }
        for alias in &import.names {
            if alias.name.as_str() == "*" {
                self.hooks.declare(&self.context, Declaration::StarImport);
            } else {
                let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                self.bind_identifier(bound, BindingKind::FromImport);
            }
        }
    }

    fn statement(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.function_def(def),
            Stmt::ClassDef(class) => self.class_def(class),
            Stmt::Global(ast::StmtGlobal { names, .. }) => {
                for name in names {
                    self.hooks
                        .declare(&self.context, Declaration::Global(name.as_str()));
                }
            }
            Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                for name in names {
                    self.hooks
                        .declare(&self.context, Declaration::Nonlocal(name.as_str()));
                }
            }
            Stmt::Import(import) => self.import(import),
            Stmt::ImportFrom(import) => self.import_from(import),
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                self.visit_expr(value);
                for target in targets {
                    self.bind_target(target, BindingKind::Assignment(value));
                    self.visit_expr(target);
                }
            }
            Stmt::AugAssign(ast::StmtAugAssign {
                target, op, value, ..
            }) => {
                self.visit_expr(value);
                let kind = BindingKind::AugmentedAssignment { op: *op, value };
                self.bind_target(target, kind);
                self.visit_expr(target);
            }
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                annotation,
                value,
                ..
            }) => {
                if let Some(value) = value {
                    self.visit_expr(value);
                }
                self.visit_annotation(annotation);
                let kind = value
                    .as_deref()
                    .map_or(BindingKind::Annotation, BindingKind::Assignment);
                self.bind_target(target, kind);
                self.visit_expr(target);
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.in_loop(LoopNode::For(for_stmt), |walker| {
                    walker.bind_target(&for_stmt.target, BindingKind::LoopTarget);
                    walker.visit_expr(&for_stmt.target);
                    walker.visit_body(&for_stmt.body);
                });
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.in_loop(LoopNode::While(while_stmt), |walker| {
                    walker.visit_expr(&while_stmt.test);
                    walker.visit_body(&while_stmt.body);
                });
                self.visit_body(&while_stmt.orelse);
            }
            Stmt::With(ast::StmtWith { items, body, .. }) => {
                for item in items {
                    self.visit_expr(&item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.bind_target(target, BindingKind::WithTarget);
                        self.visit_expr(target);
                    }
                }
                self.visit_body(body);
            }
            Stmt::Delete(ast::StmtDelete { targets, .. }) => {
                for target in targets {
                    self.bind_target(target, BindingKind::Deletion);
                    self.visit_expr(target);
                }
            }
            Stmt::TypeAlias(alias) => {
                if let Expr::Name(name) = alias.name.as_ref() {
                    self.bind(name.id.as_str(), name.range, BindingKind::TypeAlias);
                }
                self.with_type_params(alias.type_params.as_deref(), |walker| {
                    walker.visit_annotation(&alias.value);
                });
            }
            Stmt::Raise(_) | Stmt::Return(_) => {
                self.with_flag(Flag::ExitPath, |walker| {
                    visitor::walk_stmt(walker, stmt);
                });
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn expression(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(lambda) => self.lambda(lambda),
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.comprehension(expr, generators, &[elt]),
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => {
                let elements: Vec<&Expr> =
                    key.as_deref().into_iter().chain([value.as_ref()]).collect();
                self.comprehension(expr, generators, &elements);
            }
            Expr::Named(named) => self.named_expr(named),
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[derive(Clone, Copy)]
enum Flag {
    Annotation,
    ExitPath,
}

impl<'a, H: Hooks<'a>> Visitor<'a> for Walker<'a, H> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.deeper(|walker| {
            walker.hooks.stmt(&walker.context, stmt);
            let outer_statement = walker.context.statement_at;
            walker.context.statement_at = Some(walker.context.parents.len());
            walker.context.parents.push(Node::Stmt(stmt));
            walker.statement(stmt);
            walker.context.parents.pop();
            walker.context.statement_at = outer_statement;
        });
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        // A literal binds, loads and calls nothing, and no rule or compile check looks at one
        // by itself (they look at the displays and comparisons holding it): a fifth of a
        // module's expressions, skipped.
        if expr.is_literal_expr() {
            return;
        }
        // A name has no children: its hook is all there is to it. (A stored name is bound by
        // the statement that owns the target, with the right kind.)
        if expr.is_name_expr() {
            self.hooks.expr(&self.context, expr);
            return;
        }
        self.deeper(|walker| {
            walker.hooks.expr(&walker.context, expr);
            walker.context.parents.push(Node::Expr(expr));
            walker.expression(expr);
            walker.context.parents.pop();
        });
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        self.with_flag(Flag::Annotation, |walker| walker.visit_expr(expr));
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(handler) = handler;
        if let Some(exception_type) = &handler.type_ {
            self.with_flag(Flag::ExitPath, |walker| walker.visit_expr(exception_type));
        }
        if let Some(name) = &handler.name {
            self.bind_identifier(name, BindingKind::ExceptHandler);
        }
        self.visit_body(&handler.body);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        let captured = match pattern {
            Pattern::MatchAs(ast::PatternMatchAs { name, .. })
            | Pattern::MatchStar(ast::PatternMatchStar { name, .. }) => name.as_ref(),
            Pattern::MatchMapping(ast::PatternMatchMapping { rest, .. }) => rest.as_ref(),
            _ => None,
        };
        if let Some(name) = captured {
            self.bind_identifier(name, BindingKind::MatchCapture);
        }
        visitor::walk_pattern(self, pattern);
    }
}

impl Ranged for Node<'_> {
    fn range(&self) -> TextRange {
        match self {
            Node::Stmt(stmt) => stmt.range(),
            Node::Expr(expr) => expr.range(),
        }
    }
}
