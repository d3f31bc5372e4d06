//! Builds a [`SemanticModel`] in one pass over the module: scopes, loops, bindings and loads,
//! recorded as the [walk](super::walk) meets them.

use std::cell::{Cell, OnceCell, RefCell};

use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use super::walk::{self, Context, Declaration, Hooks, NewBinding, Node, Observer};
use super::{
    Binding, BindingKind, Bindings, Loop, LoopId, LoopNode, Reference, Scope, ScopeId, ScopeNode,
    SemanticModel, Usage,
};
use crate::compile_errors::{CompileChecker, CompileError};
use crate::config::TargetVersion;

/// Builds the model of `module`; with a `compile` checker, also finds the first compile error;
/// `observer` sees the same walk.
pub(super) fn build<'a, O: Observer<'a>>(
    module: &'a ast::ModModule,
    target: TargetVersion,
    compile: Option<CompileChecker<'a>>,
    observer: O,
) -> (SemanticModel<'a>, Option<CompileError>, O) {
    let model = SemanticModel {
        scopes: Vec::new(),
        loops: Vec::new(),
        loop_ids: FxHashMap::default(),
        trip_counts: Vec::new(),
        counting: Vec::new(),
        suspending: Vec::new(),
        size_changes: RefCell::default(),
        imported_packages: FxHashSet::default(),
        target,
    };
    let Builder {
        mut model,
        compile,
        observer,
    } = walk::walk_module(
        module,
        Builder {
            model,
            compile,
            observer,
        },
    );
    model.trip_counts = vec![OnceCell::new(); model.loops.len()];
    model.counting = vec![Cell::new(false); model.loops.len()];
    model.suspending = vec![OnceCell::new(); model.loops.len()];
    let error = compile.and_then(|compile| compile.finish(&model));
    (model, error, observer)
}

struct Builder<'a, O> {
    model: SemanticModel<'a>,
    /// Fed from this walk rather than walking the module again.
    compile: Option<CompileChecker<'a>>,
    observer: O,
}

impl<'a, O> Builder<'a, O> {
    fn scope_mut(&mut self, id: ScopeId) -> &mut Scope<'a> {
        &mut self.model.scopes[id.index()]
    }

    /// Kept out of line: `expr` runs at every node, and inlining this into it made every call
    /// pay for this one's stack frame.
    #[inline(never)]
    fn record_load(&mut self, context: &Context<'a>, expr: &'a Expr, name: &'a ast::ExprName) {
        let reference = Reference {
            name: name.id.as_str(),
            range: name.range,
            loop_id: context.loop_id(),
            usage: usage(expr, context.parents()),
        };
        self.push_reference(context.scope(), reference);
    }

    /// Scopes that load anything load several names, and starting their list with room for
    /// a few saves the first reallocations, which showed in profiles.
    fn push_reference(&mut self, scope: ScopeId, reference: Reference<'a>) {
        let references = &mut self.scope_mut(scope).references;
        if references.capacity() == 0 {
            references.reserve(FIRST_REFERENCES);
        }
        references.push(reference);
    }
}

/// Room for a scope's first loads: most functions load more than the four a `Vec` starts
/// with.
const FIRST_REFERENCES: usize = 16;

/// Room for a scope's first names, for the same reason: a function binds its parameters and
/// a few locals, more than the three a map starts with.
const FIRST_BINDINGS: usize = 7;

impl<'a, O: Observer<'a>> Hooks<'a> for Builder<'a, O> {
    fn enter_scope(&mut self, node: ScopeNode<'a>, parent: Option<ScopeId>) -> ScopeId {
        let id = ScopeId(u32::try_from(self.model.scopes.len()).unwrap_or(u32::MAX));
        self.model.scopes.push(Scope::new(node, parent));
        if let Some(parent) = parent {
            self.scope_mut(parent).children.push(id);
        }
        id
    }

    fn enter_loop(&mut self, node: LoopNode<'a>, context: &Context<'a>) -> Option<LoopId> {
        let id = LoopId(u32::try_from(self.model.loops.len()).unwrap_or(u32::MAX));
        self.model.loops.push(Loop {
            node,
            parent: context.loop_id(),
            scope: context.scope(),
        });
        self.model.loop_ids.insert(node.key(), id);
        Some(id)
    }

    fn bind(&mut self, context: &Context<'a>, binding: NewBinding<'a>) {
        if let Some(compile) = &mut self.compile {
            compile.bind(context, &binding);
        }
        if matches!(binding.kind, BindingKind::AugmentedAssignment { .. }) {
            // `s += x` reads `s` before it stores it.
            let reference = Reference {
                name: binding.name,
                range: binding.range,
                loop_id: context.loop_id(),
                usage: Usage::AugmentedAssignment,
            };
            self.push_reference(binding.scope, reference);
        }
        let entry = Binding {
            kind: binding.kind,
            range: binding.range,
            statement: context.statement(),
            loop_id: context.loop_id(),
        };
        let bindings = &mut self.scope_mut(binding.scope).bindings;
        if bindings.capacity() == 0 {
            bindings.reserve(FIRST_BINDINGS);
        }
        bindings
            .entry(binding.name)
            .and_modify(|bindings| bindings.push(entry))
            .or_insert(Bindings::One(entry));
    }

    fn declare(&mut self, context: &Context<'a>, declaration: Declaration<'a>) {
        if let Declaration::Imports(package) = declaration {
            self.model.imported_packages.insert(package);
            return;
        }
        let scope = self.scope_mut(context.scope());
        match declaration {
            Declaration::Global(name) => {
                scope.declared_global.insert(name);
            }
            Declaration::Nonlocal(name) => {
                scope.declared_nonlocal.insert(name);
            }
            Declaration::StarImport => scope.star_import = true,
            Declaration::Imports(_) => {}
        }
    }

    fn stmt(&mut self, context: &Context<'a>, stmt: &'a Stmt) {
        if let Some(compile) = &mut self.compile {
            compile.stmt(context, &self.model, stmt);
        }
        self.observer.stmt(context, stmt);
    }

    fn expr(&mut self, context: &Context<'a>, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.ctx == ExprContext::Load
        {
            self.record_load(context, expr, name);
        } else if let Some(compile) = &mut self.compile {
            compile.expr(context, &self.model, expr);
        }
        self.observer.expr(context, &self.model, expr);
    }

    fn leave_scope(&mut self, context: &Context<'a>) {
        self.observer.leave_scope(context);
    }
}

/// Classifies a load by the expressions around it.
fn usage<'a>(expr: &'a Expr, parents: &[Node<'a>]) -> Usage<'a> {
    let mut ancestors = parents.iter().rev();
    match ancestors.next() {
        Some(Node::Expr(Expr::Attribute(attribute))) => {
            let call = match ancestors.next() {
                Some(Node::Expr(Expr::Call(call))) if is_same(&call.func, attribute) => Some(call),
                _ => None,
            };
            let statement =
                call.is_some() && matches!(ancestors.next(), Some(Node::Stmt(Stmt::Expr(_))));
            Usage::Attribute {
                attribute,
                call,
                statement,
            }
        }
        Some(Node::Expr(Expr::Call(call))) => call
            .arguments
            .args
            .iter()
            .position(|argument| std::ptr::eq(argument, expr))
            .map_or(Usage::Other, |index| Usage::Argument { call, index }),
        Some(Node::Stmt(Stmt::For(for_stmt))) if std::ptr::eq(for_stmt.iter.as_ref(), expr) => {
            Usage::ForIterable(for_stmt)
        }
        Some(Node::Expr(Expr::Subscript(subscript)))
            if subscript.ctx != ExprContext::Load
                && std::ptr::eq(subscript.value.as_ref(), expr) =>
        {
            Usage::ItemAssignment
        }
        Some(Node::Expr(
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }),
        )) if generators
            .first()
            .is_some_and(|first| std::ptr::eq(&first.iter, expr)) =>
        {
            Usage::ComprehensionIterable
        }
        _ => Usage::Other,
    }
}

fn is_same(func: &Expr, attribute: &ast::ExprAttribute) -> bool {
    matches!(func, Expr::Attribute(inner) if inner.range() == attribute.range())
}
