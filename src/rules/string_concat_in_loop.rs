#![doc = include_str!("../../rules/MEM201.md")]

use ruff_python_ast::{Expr, Stmt};

use super::common::{Accumulation, Folding, Side, ValueKind};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{self, Scenario, Sequence, Severity};
use crate::semantic::Context;

pub const META: RuleMeta = RuleMeta {
    code: "MEM201",
    name: "string-concat-in-loop",
    summary: "a str or bytes grown by `+=` across loop iterations",
    documentation: include_str!("../../rules/MEM201.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// What the evidence says is being grown, if it is a str or bytes. Mixed evidence (a list
/// initialised, a str added) means we cannot tell. A bytes literal added is not enough on its
/// own: `buffer += b"..."` is also how a `bytearray` is (rightly) built.
fn string_kind(initial: &[ValueKind], pieces: &[ValueKind]) -> Option<Sequence> {
    let all = || initial.iter().chain(pieces);
    let first = all().next()?;
    if all().any(|kind| kind != first) {
        return None;
    }
    match first {
        ValueKind::Str => Some(Sequence::Str),
        ValueKind::Bytes if !initial.is_empty() => Some(Sequence::Bytes),
        _ => None,
    }
}

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, statement: &'a Stmt) {
    let Some(accumulation) = Accumulation::of(context, statement) else {
        return;
    };
    let Some(sequence) = string_kind(
        &accumulation.initial_kinds(checker, context),
        &accumulation.piece_kinds(checker, context),
    ) else {
        return;
    };
    if accumulation.ends_the_loop(context) {
        return;
    }
    let Some(growth) = accumulation.growth(checker, context) else {
        return;
    };
    let store = accumulation.store(checker, context);
    let piece = accumulation.piece_length(|piece| match piece {
        Expr::BytesLiteral(literal) => Some(literal.value.len() as u64),
        _ => Folding::of(piece).length(piece),
    });
    let target = accumulation.target;
    let (what, empty) = match sequence {
        Sequence::Bytes => ("bytes", "b''"),
        _ => ("str", "''"),
    };
    let help = match (accumulation.side(), sequence) {
        (Side::End, Sequence::Bytes) => "Use a `bytearray` (its `+=` is amortised) or collect the pieces and `b''.join()` them once".to_string(),
        (Side::End, _) => format!(
            "Collect the pieces in a list (`parts.append(...)`) and build `{target}` once with `''.join(parts)` after the loop"
        ),
        (Side::Front, _) => format!(
            "Collect the pieces in a list (`parts.append(...)`) and build `{target}` once with `{empty}.join(reversed(parts))` after the loop: the last piece goes first"
        ),
        (Side::Both, _) => format!(
            "Collect what goes before and after in two lists and build `{target}` once after the loop: `{empty}.join(reversed(before)) + {target} + {empty}.join(after)`"
        ),
    };
    checker.report(
        Rule::StringConcatInLoop,
        accumulation.range(),
        format!(
            "`{target}` is a {what} grown by concatenation in a loop{}",
            growth.statements()
        ),
        help,
        Scenario::Accumulation(model::Accumulation {
            resizable: accumulation.resizable,
            aliased: accumulation.aliased(checker, &growth),
            kind: accumulation.str_kind(checker, context),
            fresh_pieces: accumulation.fresh_pieces(),
            namespace_names: accumulation.namespace_names(checker, context, &growth),
            ..model::Accumulation::new(sequence, store, piece)
        }),
        growth.iterations,
    );
}
