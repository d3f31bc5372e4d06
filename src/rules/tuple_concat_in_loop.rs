#![doc = include_str!("../../rules/MEM203.md")]

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::common::{Accumulation, Side, ValueKind};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{self, Scenario, Sequence, Severity};
use crate::semantic::Context;

pub const META: RuleMeta = RuleMeta {
    code: "MEM203",
    name: "tuple-concat-in-loop",
    summary: "a tuple grown by `+=` across loop iterations",
    documentation: include_str!("../../rules/MEM203.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, statement: &'a Stmt) {
    let Some(accumulation) = Accumulation::of(context, statement) else {
        return;
    };
    let initial = accumulation.initial_kinds(checker, context);
    let pieces = accumulation.piece_kinds(checker, context);
    let mut evidence = initial.iter().chain(&pieces).peekable();
    if evidence.peek().is_none() || evidence.any(|kind| *kind != ValueKind::Tuple) {
        return;
    }
    if accumulation.ends_the_loop(context) {
        return;
    }
    let Some(growth) = accumulation.growth(checker, context) else {
        return;
    };
    let store = accumulation.store(checker, context);
    let piece = accumulation.piece_length(|piece| match piece {
        Expr::Tuple(ast::ExprTuple { elts, .. })
            if !elts
                .iter()
                .any(|element| matches!(element, Expr::Starred(_))) =>
        {
            Some(elts.len() as u64)
        }
        _ => None,
    });
    let target = accumulation.target;
    checker.report(
        Rule::TupleConcatInLoop,
        accumulation.range(),
        format!(
            "`{target}` is a tuple grown by concatenation in a loop{}",
            growth.statements()
        ),
        match accumulation.side() {
            Side::End => {
                "Append the items to a list and convert it once with `tuple()` after the loop"
                    .to_string()
            }
            Side::Front => format!(
                "Collect the pieces in a list and build `{target}` once after the loop, the last piece first: `tuple(item for piece in reversed(pieces) for item in piece)`"
            ),
            Side::Both => format!(
                "Collect what goes before and after in two lists and build `{target}` once after the loop: `(*reversed(before), *{target}, *after)`"
            ),
        },
        Scenario::Accumulation(model::Accumulation {
            resizable: accumulation.resizable,
            aliased: accumulation.aliased(checker, &growth),
            ..model::Accumulation::new(Sequence::Tuple, store, piece)
        }),
        growth.iterations,
    );
}
