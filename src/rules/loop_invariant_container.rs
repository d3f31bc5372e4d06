#![doc = include_str!("../../rules/MEM403.md")]

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, CmpOp, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;

use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{ConstantDisplay, DisplayKind, Scenario, Severity};
use crate::semantic::{Context, LoopNode, Node, READING_METHODS, ScopeClass, ScopeId, ScopeNode};

pub const META: RuleMeta = RuleMeta {
    code: "MEM403",
    name: "loop-invariant-container",
    summary: "a list, dict or set of constants rebuilt on every loop iteration and only read",
    documentation: include_str!("../../rules/MEM403.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// Builtins that read their argument and keep nothing of it (the containers they return are
/// new objects).
const READING_BUILTINS: &[&str] = &[
    "len",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "sorted",
    "tuple",
    "frozenset",
    "set",
    "list",
];

/// Whether `display` is made only of constants, the displays this rule looks at: the recorder
/// keeps only those.
pub fn may_report(display: &Expr) -> bool {
    constant_display(display).is_some()
}

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, display: &'a Expr) {
    let Some(loop_id) = context.loop_id() else {
        return;
    };
    let Some(shape) = constant_display(display) else {
        return;
    };
    // A `return` or `raise` runs once per entry of the loop around it, but a comprehension
    // inside it loops on the spot.
    let comprehension = matches!(
        checker.model.loop_(loop_id).node,
        LoopNode::Comprehension(_)
    );
    if context.in_exit_path() && !comprehension {
        return;
    }
    // A comprehension in a class body cannot see the class's names: there is no "before the
    // loop" to build it in but the module, and the class body runs once anyway.
    if comprehension && context.frame_class() == ScopeClass::Class {
        return;
    }
    let scope = context.scope();
    let how = match context.parent_expr() {
        Some(parent) => {
            let called = called_method(context);
            if !read_where_it_stands(checker, scope, shape.kind, display, parent, called) {
                return;
            }
            "read where it stands".to_string()
        }
        None => match assigned_name(context, display) {
            Some(name) if only_read(checker, context, name) => format!("assigned to `{name}`"),
            _ if iterated_by_for(context, display) && shape.kind == DisplayKind::Dict => {
                "iterated".to_string()
            }
            _ => return,
        },
    };
    let (what, fix) = match shape.kind {
        DisplayKind::List => ("list", "a tuple"),
        DisplayKind::Set => ("set", "a frozenset built once before the loop"),
        DisplayKind::Dict => ("dict", "a dict built once before the loop"),
    };
    checker.report(
        Rule::LoopInvariantContainer,
        display.range(),
        format!("A {what} of constants is built on every iteration of the loop ({how}) and never changed"),
        format!("Build it once before the loop, or use {fix}"),
        Scenario::ConstantDisplay(shape),
        checker.iterations(Some(loop_id), display.range()),
    );
}

/// The display's kind and size, if it is a non-empty display made only of constants.
fn constant_display(expr: &Expr) -> Option<ConstantDisplay> {
    let (kind, items, str_keys) = match expr {
        Expr::List(ast::ExprList { elts, .. }) => {
            (DisplayKind::List, all_constant(elts.iter())?, false)
        }
        Expr::Set(ast::ExprSet { elts, .. }) => {
            (DisplayKind::Set, all_constant(elts.iter())?, false)
        }
        Expr::Dict(dict) => {
            let mut keys = Vec::with_capacity(dict.items.len());
            for item in &dict.items {
                // `**other` has no key.
                keys.push(item.key.as_ref()?);
            }
            all_constant(dict.items.iter().map(|item| &item.value))?;
            let items = all_constant(keys.iter().copied())?;
            let str_keys = keys.iter().all(|key| key.is_string_literal_expr());
            (DisplayKind::Dict, items, str_keys)
        }
        _ => return None,
    };
    (items > 0).then_some(ConstantDisplay {
        kind,
        items,
        str_keys,
    })
}

/// How many expressions there are, if every one is a constant the compiler folds.
fn all_constant<'e>(exprs: impl Iterator<Item = &'e Expr>) -> Option<u64> {
    let mut count = 0;
    for expr in exprs {
        if !is_constant(expr) {
            return None;
        }
        count += 1;
    }
    Some(count)
}

fn is_constant(expr: &Expr) -> bool {
    match expr {
        _ if expr.is_literal_expr() => true,
        Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) => {
            matches!(operand.as_ref(), Expr::NumberLiteral(_))
        }
        Expr::Tuple(ast::ExprTuple { elts, .. }) => elts.iter().all(is_constant),
        _ => false,
    }
}

/// True when the display is used right where it is written only to be read: the container of
/// a subscript, the receiver of a reading method, the argument of a reading builtin, or (for a
/// dict, which the compiler does not fold) the right operand of `in`.
fn read_where_it_stands(
    checker: &Checker,
    scope: ScopeId,
    kind: DisplayKind,
    display: &Expr,
    parent: &Expr,
    called: bool,
) -> bool {
    let is_display = |expr: &Expr| expr.range() == display.range();
    match parent {
        // CPython folds `x in [..]` and `x in {..}` into a constant tuple or frozenset.
        Expr::Compare(compare) => {
            kind == DisplayKind::Dict
                && compare
                    .ops
                    .iter()
                    .zip(&compare.comparators)
                    .any(|(op, right)| matches!(op, CmpOp::In | CmpOp::NotIn) && is_display(right))
        }
        Expr::Subscript(subscript) => {
            subscript.ctx == ExprContext::Load && is_display(&subscript.value)
        }
        Expr::Attribute(attribute) => called && READING_METHODS.contains(&attribute.attr.as_str()),
        Expr::Call(call) => {
            call.arguments.keywords.is_empty()
                && call.arguments.args.len() == 1
                && is_display(&call.arguments.args[0])
                && checker
                    .model
                    .builtin_callee(scope, call)
                    .is_some_and(|builtin| READING_BUILTINS.contains(&builtin))
        }
        _ => false,
    }
}

/// True when the display's parent is an attribute that is called right away
/// (`{...}.get(key)`), not kept as a bound method.
fn called_method(context: &Context) -> bool {
    let parents = context.parents();
    match parents {
        [
            ..,
            Node::Expr(Expr::Call(call)),
            Node::Expr(attribute @ Expr::Attribute(_)),
        ] => call.func.range() == attribute.range(),
        _ => false,
    }
}

/// `name = display` as a statement of its own.
fn assigned_name<'a>(context: &Context<'a>, display: &Expr) -> Option<&'a str> {
    match context.statement()? {
        Stmt::Assign(ast::StmtAssign { targets, value, .. })
            if value.range() == display.range() =>
        {
            match targets.as_slice() {
                [Expr::Name(name)] => Some(name.id.as_str()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn iterated_by_for(context: &Context, display: &Expr) -> bool {
    matches!(context.statement(), Some(Stmt::For(for_stmt)) if for_stmt.iter.range() == display.range())
}

/// True when `name`, a local of a function bound only by this assignment, is only ever read:
/// no use stores it elsewhere, returns it, mutates it or hands it to code that might.
fn only_read(checker: &Checker, context: &Context, name: &str) -> bool {
    if context.frame_class() != ScopeClass::Function
        || context.scope_class() != ScopeClass::Function
    {
        return false;
    }
    let scope = context.scope();
    let model = checker.model;
    let function = model.scope(scope);
    if function.bindings_of(name).len() != 1
        || function.declares_global(name)
        || function.declares_nonlocal(name)
    {
        return false;
    }
    // A nested function or class could keep it; comprehensions run on the spot.
    let kept_by_nested = model.descendants(scope).into_iter().any(|nested| {
        let inner = model.scope(nested);
        !matches!(inner.node, ScopeNode::Comprehension(_))
            && inner
                .references()
                .iter()
                .any(|reference| reference.name == name)
    });
    if kept_by_nested {
        return false;
    }
    let ScopeNode::Function(def) = function.node else {
        return false;
    };
    let mut uses = Uses {
        checker,
        scope,
        name,
        parents: Vec::new(),
        statement: None,
        all_reads: true,
    };
    uses.visit_body(&def.body);
    uses.all_reads
}

/// Walks a function body and checks every load of one name.
struct Uses<'c, 'a> {
    checker: &'c Checker<'a>,
    scope: ScopeId,
    name: &'c str,
    parents: Vec<&'a Expr>,
    statement: Option<&'a Stmt>,
    all_reads: bool,
}

impl<'a> Visitor<'a> for Uses<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let outer = self.statement.replace(stmt);
        visitor::walk_stmt(self, stmt);
        self.statement = outer;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(load) = expr
            && load.id.as_str() == self.name
            && load.ctx == ExprContext::Load
        {
            self.all_reads &= self.is_read(expr);
        }
        self.parents.push(expr);
        visitor::walk_expr(self, expr);
        self.parents.pop();
    }
}

impl Uses<'_, '_> {
    /// True if this load of the name only reads the container.
    fn is_read(&self, load: &Expr) -> bool {
        let is_load = |expr: &Expr| expr.range() == load.range();
        let Some(parent) = self.parents.last() else {
            return match self.statement {
                Some(Stmt::For(for_stmt)) => is_load(&for_stmt.iter),
                Some(Stmt::If(_) | Stmt::While(_) | Stmt::Assert(_)) => true,
                _ => false,
            };
        };
        match parent {
            Expr::Compare(_) | Expr::Starred(_) | Expr::FString(_) => true,
            Expr::UnaryOp(ast::ExprUnaryOp {
                op: ast::UnaryOp::Not,
                ..
            }) => true,
            Expr::If(ast::ExprIf { test, .. }) => is_load(test),
            Expr::Subscript(subscript) => {
                subscript.ctx == ExprContext::Load && is_load(&subscript.value)
                    || is_load(&subscript.slice)
            }
            Expr::Attribute(attribute) => {
                READING_METHODS.contains(&attribute.attr.as_str())
                    && self.parents.len() >= 2
                    && matches!(self.parents[self.parents.len() - 2], Expr::Call(call)
                        if call.func.range() == attribute.range())
            }
            Expr::Call(call) => {
                !is_load(&call.func)
                    && self
                        .checker
                        .model
                        .builtin_callee(self.scope, call)
                        .is_some_and(|builtin| READING_BUILTINS.contains(&builtin))
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                // Only as the iterable of a clause; an element would be stored.
                let clauses = match parent {
                    Expr::ListComp(c) => &c.generators,
                    Expr::SetComp(c) => &c.generators,
                    Expr::DictComp(c) => &c.generators,
                    Expr::Generator(c) => &c.generators,
                    _ => return false,
                };
                clauses.iter().any(|clause| is_load(&clause.iter))
            }
            _ => false,
        }
    }
}
