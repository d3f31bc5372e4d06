#![doc = include_str!("../../rules/MEM302.md")]

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Producer, Scenario};
use crate::semantic::{Binding, BindingKind, LoopId, Reference, Resolution, ScopeId, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM302",
    name: "list-built-for-one-pass",
    summary: "a list filled by `.append()` in a loop, then iterated exactly once",
    documentation: include_str!("../../rules/MEM302.md"),
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
            || used_by_nested_scope(checker, scope, name)
        {
            continue;
        }
        let uses: Vec<&Reference> = function
            .references()
            .iter()
            .filter(|reference| reference.name == name)
            .collect();
        if let Some(fill_loop) = built_then_iterated_once(checker, scope, creation, &uses) {
            found.push((name, creation, fill_loop));
        }
    }
    found.sort_by_key(|(_, creation, _)| creation.range.start());
    for (name, creation, fill_loop) in found {
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
            },
            checker.iterations(Some(fill_loop)),
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

/// True if a nested scope (a closure, a lambda, a comprehension past its first iterable)
/// reads or writes `name` from `scope`.
fn used_by_nested_scope(checker: &Checker, scope: ScopeId, name: &str) -> bool {
    let model = checker.model;
    model.descendants(scope).into_iter().any(|nested| {
        let inner = model.scope(nested);
        let mentions = inner.declares_nonlocal(name)
            || inner.references().iter().any(|reference| reference.name == name);
        mentions && model.resolve(nested, name) == Resolution::Enclosing(scope)
    })
}

/// The loop that fills the list, if every use is an `.append(item)` statement in a loop
/// entered after the list is created, except one later use that iterates it once.
fn built_then_iterated_once(
    checker: &Checker,
    scope: ScopeId,
    creation: &Binding,
    uses: &[&Reference],
) -> Option<LoopId> {
    let (appends, others): (Vec<&Reference>, Vec<&Reference>) =
        uses.iter().partition(|reference| is_append(reference));
    let [consumer] = others.as_slice() else {
        return None;
    };
    let mut fill_loop = None;
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
    (runs_once && iterates_once(checker, scope, consumer)).then_some(fill_loop)
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
        Usage::ForIterable | Usage::ComprehensionIterable => true,
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
