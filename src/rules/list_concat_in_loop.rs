#![doc = include_str!("../../rules/MEM204.md")]

use ruff_python_ast::helpers::{any_over_body, any_over_expr};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;

use super::common::{
    Accumulation, GrowthLoops, Target, ValueKind, add_operands, for_each_statement,
};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{self, Length, Scenario, Sequence, Severity};
use crate::semantic::{Context, LoopNode};

pub const META: RuleMeta = RuleMeta {
    code: "MEM204",
    name: "list-concat-in-loop",
    summary: "a list rebuilt by `lst = lst + [...]` across loop iterations",
    documentation: include_str!("../../rules/MEM204.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, statement: &'a Stmt) {
    // `lst += piece` extends the list in place: only the spelled-out `+` copies it.
    let Stmt::Assign(ast::StmtAssign { value, .. }) = statement else {
        return;
    };
    let Some(accumulation) = Accumulation::of(context, statement) else {
        return;
    };
    // `lst = lst + a + b` copies twice per iteration; one piece is what the model prices.
    let [piece] = accumulation.pieces.as_slice() else {
        return;
    };
    let initial = accumulation.initial_kinds(checker, context);
    let pieces = accumulation.piece_kinds(checker, context);
    let mut evidence = initial.iter().chain(&pieces).peekable();
    if evidence.peek().is_none() || evidence.any(|kind| *kind != ValueKind::List) {
        return;
    }
    if accumulation.ends_the_loop(context) {
        return;
    }
    let Some(growth) = accumulation.growth(checker, context) else {
        return;
    };
    let target = accumulation.target;
    if consumed(checker, &growth, target) || replaced(checker, &growth, target) {
        return;
    }
    let display = display_length(piece);
    let prepends = add_operands(value)
        .first()
        .is_some_and(|first| !target.is(first));
    let help = match display {
        _ if prepends && read_while_growing(checker, &growth, target) => format!(
            "Use a `collections.deque` and `appendleft()` (`extendleft(reversed(...))` for several items): the loop reads `{target}` as it grows, so it cannot be built reversed"
        ),
        Some(1) if prepends => format!(
            "Append to `{target}` and reverse it once after the loop, or use a `collections.deque` and `appendleft()`"
        ),
        _ if prepends => format!(
            "Use a `collections.deque` and `extendleft(reversed(...))`, which puts the items at the front in their order without copying `{target}`"
        ),
        Some(1) => format!("Append in place: `{target}.append(...)` copies nothing"),
        _ => format!("Extend in place: `{target} += ...` or `{target}.extend(...)` copies nothing"),
    };
    checker.report(
        Rule::ListConcatInLoop,
        accumulation.range(),
        format!(
            "`{target}` is a list rebuilt by concatenation in a loop{}",
            growth.statements()
        ),
        help,
        Scenario::Accumulation(model::Accumulation {
            resizable: false,
            fresh_pieces: display.is_some(),
            ..model::Accumulation::new(
                Sequence::List,
                accumulation.store(checker, context),
                display.map_or(Length::UNKNOWN, Length::known),
            )
        }),
        growth.iterations,
    );
}

/// Methods that take items off a list.
const CONSUMING_METHODS: &[&str] = &["pop", "popleft", "remove", "clear"];

/// True when the loops also take items off the target (`parts.pop(0)`, `del parts[0]`) or
/// run while it has any (`while parts:`): a work list refilled as it is consumed, whose
/// length need not grow, rather than an accumulation.
fn consumed(checker: &Checker, growth: &GrowthLoops, target: Target) -> bool {
    let takes_from = |expr: &Expr| match expr {
        Expr::Call(ast::ExprCall { func, .. }) => matches!(func.as_ref(),
            Expr::Attribute(ast::ExprAttribute { value, attr, .. })
                if CONSUMING_METHODS.contains(&attr.as_str()) && target.is(value)),
        Expr::Subscript(ast::ExprSubscript { value, ctx, .. }) => {
            *ctx == ExprContext::Del && target.is(value)
        }
        _ => false,
    };
    let node = checker.model.loop_(growth.outermost).node;
    let tests_it = match node {
        LoopNode::While(ast::StmtWhile { test, .. }) => any_over_expr(test, |expr| target.is(expr)),
        _ => false,
    };
    tests_it || any_over_body(node.body(), takes_from)
}

/// True when the loops also give the target a value that is not a concatenation onto it
/// (`value = [v for v in value if keep(v)]`, `batch = []` after a flush): the list is rebuilt
/// or reset as the loop goes, and how far it grows is not what the loop count says.
fn replaced(checker: &Checker, growth: &GrowthLoops, target: Target) -> bool {
    let mut found = false;
    let body = checker.model.loop_(growth.outermost).node.body();
    for_each_statement(body, &mut |statement| {
        if let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = statement {
            found |= targets.iter().any(|each| target.is(each))
                && !add_operands(value).iter().any(|operand| target.is(operand));
        }
    });
    found
}

/// True when the loops read the target somewhere besides the concatenations themselves: what
/// it holds part-way is used, so it must be in order at every iteration.
fn read_while_growing(checker: &Checker, growth: &GrowthLoops, target: Target) -> bool {
    let body = checker.model.loop_(growth.outermost).node.body();
    any_over_body(body, |expr| {
        target.is(expr)
            && !growth
                .sites
                .iter()
                .any(|site| site.range().contains_range(expr.range()))
    })
}

/// The number of items of a list display without `*` unpacking.
fn display_length(piece: &Expr) -> Option<u64> {
    match piece {
        Expr::List(ast::ExprList { elts, .. })
            if !elts
                .iter()
                .any(|element| matches!(element, Expr::Starred(_))) =>
        {
            Some(elts.len() as u64)
        }
        _ => None,
    }
}
