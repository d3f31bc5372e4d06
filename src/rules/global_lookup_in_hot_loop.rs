#![doc = include_str!("../../rules/MEM401.md")]

use ruff_python_ast::{self as ast, Expr};

use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Scenario, Severity};
use crate::semantic::{Context, LoopId, Resolution, ScopeClass};

pub const META: RuleMeta = RuleMeta {
    code: "MEM401",
    name: "global-lookup-in-hot-loop",
    summary: "a module global or builtin loaded on every iteration of a hot loop in a function",
    documentation: include_str!("../../rules/MEM401.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, name: &'a ast::ExprName) {
    if context.frame_class() != ScopeClass::Function || context.in_exit_path() {
        return;
    }
    let Some(loop_id) = context.loop_id() else {
        return;
    };
    // Most loops are not hot; that is the cheapest thing to rule out.
    let Some(hotness) = checker.hotness(Some(loop_id)) else {
        return;
    };
    let id = name.id.as_str();
    let builtin = match checker.model.resolve(context.scope(), id) {
        Resolution::Builtin => true,
        Resolution::Global { declared: false } => false,
        _ => return,
    };
    // `math` in `math.sqrt` is reported with its attribute chain by MEM402.
    let heads_module_chain = matches!(context.parent_expr(), Some(Expr::Attribute(_)))
        && checker.model.imported_module(id).is_some();
    if heads_module_chain || id == "__debug__" {
        return;
    }
    if !checker.first_hot_report(loop_id, id) {
        return;
    }
    let what = if builtin { "Builtin" } else { "Global" };
    checker.report(
        Rule::GlobalLookupInHotLoop,
        name.range,
        format!("{what} `{id}` is looked up on every iteration of {hotness}"),
        format!(
            "Bind it to a local before the outer loop (`local_{id} = {id}`) and use the local inside"
        ),
        Scenario::GlobalLookup {
            builtin,
            per_iteration: loads_in_loop(checker, context, loop_id, id),
        },
        checker.iterations(Some(loop_id), name.range),
    );
}

/// How many times `name` is loaded directly in `loop_id` on each of its iterations.
fn loads_in_loop(checker: &Checker, context: &Context, loop_id: LoopId, name: &str) -> u64 {
    let loads = checker
        .model
        .scope(context.scope())
        .references()
        .iter()
        .filter(|reference| reference.name == name && reference.loop_id == Some(loop_id))
        .count();
    (loads as u64).max(1)
}
