#![doc = include_str!("../../rules/MEM302.md")]

use ruff_python_ast::helpers::{any_over_body, any_over_expr};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;

use super::common::{KEEPING_CONSUMERS, for_each_statement, in_finally, statement_after};

use super::elements::elements;
use super::{Rule, RuleMeta};
use crate::checker::{Checker, iterations_of};
use crate::model::{Container, Elements, Producer, Scenario, Severity};
use crate::semantic::{
    Binding, BindingKind, LoopId, LoopNode, Reference, ScopeId, ScopeNode, Usage,
};

pub const META: RuleMeta = RuleMeta {
    code: "MEM302",
    name: "list-built-for-one-pass",
    summary: "a list filled by `.append()` in a loop, then iterated exactly once",
    documentation: include_str!("../../rules/MEM302.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// Builtins that iterate their argument once and keep nothing of it.
const ONE_PASS_CONSUMERS: &[&str] = &["sum", "any", "all", "min", "max", "sorted", "set", "tuple"];

/// Runs when the walk leaves the function `scope`: by then every use of its locals is known.
pub fn check(checker: &mut Checker, scope: ScopeId) {
    let model = checker.model;
    let function = model.scope(scope);
    let mut found = Vec::new();
    for (name, bindings) in function.bindings() {
        let [creation] = bindings else {
            continue;
        };
        if !creates_empty_list(checker, scope, creation)
            || function.declares_global(name)
            || function.declares_nonlocal(name)
            || model.is_captured(scope, name)
        {
            continue;
        }
        let uses: Vec<&Reference> = function
            .references()
            .iter()
            .filter(|reference| reference.name == name)
            .collect();
        let Some(fill) = built_then_iterated_once(checker, scope, creation, &uses) else {
            continue;
        };
        if !has_observable_effects(checker, scope, name, fill.outer_loop, fill.consumer) {
            // One item per pass of the loops around the first append, up to the list's own
            // loop; loops around the list build it afresh each time.
            let at = fill.appended.map_or(creation.range, Ranged::range);
            let factors: Vec<_> = checker
                .loop_factors(fill.append_loop, at)
                .into_iter()
                .take_while(|factor| Some(factor.loop_id) != creation.loop_id)
                .collect();
            let items = iterations_of(&factors);
            // Only a single append tells what every item is.
            let elements = match (fill.appended, appends_in(&uses)) {
                (Some(appended), 1) => elements(model, appended, fill.append_loop),
                _ => Elements::Unknown,
            };
            let kept = matches!(fill.consumer.usage, Usage::Argument { call, .. }
                if model.builtin_callee(scope, call).is_some_and(|builtin| KEEPING_CONSUMERS.contains(&builtin)));
            found.push((
                name,
                creation,
                items.repeated_by(checker.iterations(creation.loop_id, creation.range)),
                elements,
                kept,
            ));
        }
    }
    found.sort_by_key(|(_, creation, _, _, _)| creation.range.start());
    for (name, creation, iterations, elements, kept) in found {
        let Some(statement) = creation.statement else {
            continue;
        };
        checker.report(
            Rule::ListBuiltForOnePass,
            statement.range(),
            format!("`{name}` is filled by `.append()` in a loop and then iterated only once"),
            "Produce the items lazily instead: a generator function that `yield`s them, or a generator expression".to_string(),
            Scenario::MaterialisedList {
                producer: Producer::AppendLoop,
                container: Container::List,
                elements,
                kept,
            },
            iterations,
        );
    }
}

/// `name = []` or `name = list()` as a statement of its own.
fn creates_empty_list(checker: &Checker, scope: ScopeId, binding: &Binding) -> bool {
    let BindingKind::Assignment(value) = binding.kind else {
        return false;
    };
    let single_target = matches!(
        binding.statement,
        Some(Stmt::Assign(ast::StmtAssign { targets, .. })) if targets.len() == 1
    );
    let empty = match value {
        Expr::List(list) => list.elts.is_empty(),
        Expr::Call(call) => {
            call.arguments.is_empty() && checker.model.is_builtin_call(scope, call, "list")
        }
        _ => false,
    };
    single_target && empty
}

/// The loop that fills the list and the use that consumes it, if every use is an
/// `.append(item)` statement in a loop entered after the list is created, except one later use
/// that iterates it once.
/// How a list is filled and then consumed.
struct Fill<'r, 'a> {
    /// The outermost loop entered after the list is created that appends to it.
    outer_loop: LoopId,
    /// The innermost loop of the first append.
    append_loop: Option<LoopId>,
    /// What the first append adds.
    appended: Option<&'a Expr>,
    /// The one use of the list that is not an append.
    consumer: &'r Reference<'a>,
}

fn built_then_iterated_once<'r, 'a>(
    checker: &Checker,
    scope: ScopeId,
    creation: &Binding,
    uses: &[&'r Reference<'a>],
) -> Option<Fill<'r, 'a>> {
    let (appends, others): (Vec<&Reference>, Vec<&Reference>) =
        uses.iter().partition(|reference| is_append(reference));
    let [consumer] = others.as_slice() else {
        return None;
    };
    let mut fill_loop = None;
    let append_loop = appends.first().and_then(|append| append.loop_id);
    let appended = appends.first().and_then(|append| match append.usage {
        Usage::Attribute {
            call: Some(call), ..
        } => call.arguments.args.first(),
        _ => None,
    });
    for append in appends {
        let start = append.range.start();
        if start <= creation.range.start() || start >= consumer.range.start() {
            return None;
        }
        // The outermost loop around the append that the creation is not itself inside.
        let entered_after_creation = checker
            .model
            .loop_chain(append.loop_id)
            .take_while(|id| Some(*id) != creation.loop_id)
            .last()?;
        fill_loop.get_or_insert(entered_after_creation);
    }
    let fill_loop = fill_loop?;
    // The consumer must run once per creation, not once per iteration of some loop.
    let runs_once = consumer.loop_id == creation.loop_id;
    (runs_once && iterates_once(checker, scope, consumer)).then_some(Fill {
        outer_loop: fill_loop,
        append_loop,
        appended,
        consumer,
    })
}

fn appends_in(uses: &[&Reference]) -> usize {
    uses.iter().filter(|reference| is_append(reference)).count()
}

fn is_append(reference: &Reference) -> bool {
    matches!(
        reference.usage,
        Usage::Attribute { attribute, call: Some(call), statement: true }
            if attribute.attr.as_str() == "append"
                && call.arguments.args.len() == 1
                && call.arguments.keywords.is_empty()
                && !call.arguments.args[0].is_starred_expr()
    )
}

/// A `for` loop or comprehension over the list, or the first argument of a builtin that
/// iterates it once.
fn iterates_once(checker: &Checker, scope: ScopeId, reference: &Reference) -> bool {
    match reference.usage {
        Usage::ForIterable(_) | Usage::ComprehensionIterable => true,
        Usage::Argument { call, index: 0 } => {
            let Some(builtin) = checker.model.builtin_callee(scope, call) else {
                return false;
            };
            let max_positional = if builtin == "sum" { 2 } else { 1 };
            ONE_PASS_CONSUMERS.contains(&builtin)
                && call.arguments.args.len() <= max_positional
                && !call.arguments.args.iter().any(Expr::is_starred_expr)
        }
        _ => false,
    }
}

/// Methods that change the object they are called on.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "remove",
    "discard",
    "clear",
    "write",
];

/// Calls that end an item's life: all items had to exist before the first of these ran
/// (threads started then joined, files opened then closed, children copied then removed).
const FINISHING_METHODS: &[&str] = &[
    "join",
    "close",
    "destroy",
    "terminate",
    "kill",
    "cancel",
    "release",
    "wait",
    "shutdown",
    "stop",
    "remove",
    "removeChild",
    "unlink",
];

/// True when producing the items lazily would change what the program does, so the list is
/// not just a stand-in for a generator:
/// - the filling loop can return, raise, yield or await: a validation pass that must finish
///   before anything is consumed, or a producer of its own;
/// - the filling loop leaves other state behind that the code after it reads (a counter, a
///   dict filled alongside, a second list): a two-pass algorithm;
/// - the consuming loop finishes each item (joins a thread, closes a file, removes a child),
///   so every item had to exist, started or copied, before the first was finished;
/// - the filling loop does other work for its effects, and something could see the order
///   change (see [`orders_side_effects`]).
fn has_observable_effects(
    checker: &Checker,
    scope: ScopeId,
    list: &str,
    fill_loop: LoopId,
    consumer: &Reference,
) -> bool {
    let loop_node = checker.model.loop_(fill_loop).node;
    exits_or_suspends(loop_node.body())
        || leaves_state_behind(checker, scope, list, fill_loop)
        || finishes_items(consumer)
        || orders_side_effects(checker, scope, list, loop_node, consumer)
}

/// True when the filling loop does something besides appending, for its effects: calls a
/// function or method as a statement (`graph.remove_node(n)`, `print(...)`), stores into an
/// attribute or item, deletes, or appends the result of a mutating call (`stack.pop()`,
/// `sys.modules.pop(m)`) or only when an exception is caught; and something could see its
/// effects move once the items are produced lazily, in step with the consumer: code between
/// the loop and the consumer, a consuming loop of its own, or a consumer in a `finally:` that
/// puts back what the loop took. A builtin consuming the list right after the loop sees
/// every effect happen first either way.
fn orders_side_effects(
    checker: &Checker,
    scope: ScopeId,
    list: &str,
    fill_loop: LoopNode,
    consumer: &Reference,
) -> bool {
    let appends_to_list = |expr: &Expr| {
        matches!(expr, Expr::Call(call) if matches!(call.func.as_ref(),
            Expr::Attribute(method) if method.attr.as_str() == "append"
                && matches!(method.value.as_ref(), Expr::Name(name) if name.id.as_str() == list)))
    };
    let mutating_call = |expr: &Expr| {
        any_over_expr(expr, &|inner: &Expr| {
            matches!(inner, Expr::Call(call) if matches!(call.func.as_ref(),
                Expr::Attribute(method) if MUTATING_METHODS.contains(&method.attr.as_str())))
        })
    };
    let stores = |target: &Expr| matches!(target, Expr::Attribute(_) | Expr::Subscript(_));
    let mut effects = false;
    for_each_statement(fill_loop.body(), &mut |statement| {
        effects |= match statement {
            Stmt::Expr(ast::StmtExpr { value, .. }) => match value.as_ref() {
                Expr::Call(call) if appends_to_list(value) => {
                    call.arguments.args.iter().any(mutating_call)
                }
                _ => true,
            },
            Stmt::Assign(ast::StmtAssign { targets, .. }) => targets.iter().any(stores),
            Stmt::AugAssign(ast::StmtAugAssign { target, .. })
            | Stmt::AnnAssign(ast::StmtAnnAssign { target, .. }) => stores(target),
            Stmt::Delete(_) => true,
            Stmt::Try(ast::StmtTry { handlers, .. }) => handlers.iter().any(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                any_over_body(&handler.body, appends_to_list)
            }),
            _ => false,
        };
    });
    if !effects {
        return false;
    }
    let ScopeNode::Function(function) = checker.model.scope(scope).node else {
        return true;
    };
    let next = statement_after(&function.body, fill_loop.range());
    let consumed_right_after = matches!(consumer.usage, Usage::Argument { .. })
        && next.is_some_and(|next| next.range().contains_range(consumer.range));
    !consumed_right_after
        || in_finally(&function.body, consumer.range)
        || short_circuits(checker, scope, consumer)
}

/// True when the consumer is `any()` or `all()`, which stop at the first item that decides:
/// fed lazily, they would skip the effects of producing the rest.
fn short_circuits(checker: &Checker, scope: ScopeId, consumer: &Reference) -> bool {
    let Usage::Argument { call, .. } = consumer.usage else {
        return false;
    };
    matches!(
        checker.model.builtin_callee(scope, call),
        Some("any" | "all")
    )
}

fn exits_or_suspends(body: &[Stmt]) -> bool {
    let mut exits = false;
    for_each_statement(body, &mut |statement| {
        exits |= matches!(
            statement,
            Stmt::Return(_) | Stmt::Raise(_) | Stmt::Assert(_)
        );
    });
    exits
        || any_over_body(body, |expr| {
            matches!(expr, Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Await(_))
        })
}

/// True if `fill_loop` binds or mutates anything other than `list` that is still read after
/// it, or in a loop around it (`while line: ... while line: items.append(line); line =
/// next_line()`).
fn leaves_state_behind(checker: &Checker, scope: ScopeId, list: &str, fill_loop: LoopId) -> bool {
    let model = checker.model;
    let function = model.scope(scope);
    let loop_range = model.loop_(fill_loop).node.range();
    let after = loop_range.end();
    // A loop around this one runs its code again after this loop ends, before as well.
    let outer = model
        .loop_chain(Some(fill_loop))
        .nth(1)
        .map(|id| model.loop_(id).node.range());
    let read_later = |name: &str| {
        model.read_after(scope, name, after)
            || outer.is_some_and(|outer| {
                function.references().iter().any(|reference| {
                    reference.name == name
                        && outer.contains_range(reference.range)
                        && !loop_range.contains_range(reference.range)
                })
            })
    };
    let bound_inside = function.bindings().any(|(name, bindings)| {
        name != list
            && bindings
                .iter()
                .any(|binding| loop_range.contains_range(binding.range))
            && read_later(name)
    });
    bound_inside
        || function.references().iter().any(|reference| {
            reference.name != list
                && loop_range.contains_range(reference.range)
                && mutates(reference)
                && read_later(reference.name)
        })
}

fn mutates(reference: &Reference) -> bool {
    match reference.usage {
        Usage::ItemAssignment | Usage::AugmentedAssignment => true,
        Usage::Attribute {
            attribute, call, ..
        } => {
            attribute.ctx != ExprContext::Load
                || (call.is_some() && MUTATING_METHODS.contains(&attribute.attr.as_str()))
        }
        _ => false,
    }
}

fn finishes_items(consumer: &Reference) -> bool {
    let Usage::ForIterable(for_stmt) = consumer.usage else {
        return false;
    };
    any_over_body(&for_stmt.body, |expr| {
        let Expr::Call(call) = expr else {
            return false;
        };
        matches!(call.func.as_ref(), Expr::Attribute(method)
            if FINISHING_METHODS.contains(&method.attr.as_str()))
    })
}
