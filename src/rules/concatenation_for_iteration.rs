#![doc = include_str!("../../rules/MEM305.md")]

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::common::{ValueKind, add_operands, value_kind};
use super::iterable::{self, ARRAY_LIBRARIES, IteratedBy, Source};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{IterationCopy, Scenario, Severity};
use crate::semantic::{BindingKind, Context, ScopeId};

pub const META: RuleMeta = RuleMeta {
    code: "MEM305",
    name: "concatenation-for-iteration",
    summary: "`for x in a + b`: a list or tuple concatenated only to be iterated once",
    documentation: include_str!("../../rules/MEM305.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    expr: &'a Expr,
    iterator: IteratedBy<'a>,
) {
    let Expr::BinOp(ast::ExprBinOp {
        op: ast::Operator::Add,
        ..
    }) = expr
    else {
        return;
    };
    let scope = context.scope();
    let operands = add_operands(expr);
    let kinds: Vec<ValueKind> = operands
        .iter()
        .map(|operand| operand_kind(checker, scope, operand))
        .collect();
    // Only a concatenation evidently of lists or tuples: `a + b` of unknown operands may add
    // strings, numbers or arrays element-wise.
    let sequences = kinds.iter().all(|kind| {
        matches!(
            kind,
            ValueKind::List | ValueKind::Tuple | ValueKind::Unknown
        )
    }) && kinds
        .iter()
        .any(|kind| matches!(kind, ValueKind::List | ValueKind::Tuple));
    // All displays: one display would do, and tuples of constants (`(0, 1) + (None,) * 5`)
    // are folded into one constant by the compiler.
    let all_displays = operands.iter().all(|operand| {
        matches!(operand, Expr::List(_) | Expr::Tuple(_))
            || constant_tuple_length(operand).is_some()
    });
    if !sequences || all_displays || checker.model.imports_any(ARRAY_LIBRARIES) {
        return;
    }
    // An operand that is not a name or attribute (a call) is a fresh object the loop cannot
    // reach; a named one the loop may change makes the copy necessary.
    let named: Vec<Source> = operands
        .iter()
        .filter_map(|operand| Source::of(operand))
        .collect();
    if iterable::copy_may_protect(checker, context, iterator, &named) {
        return;
    }
    let count = operands.len() as u64;
    checker.report(
        Rule::ConcatenationForIteration,
        expr.range(),
        format!("{count} sequences are concatenated into a new one only to be iterated once"),
        "Iterate them in turn with `itertools.chain(a, b)`, which copies nothing".to_string(),
        Scenario::IterationCopy(IterationCopy::Concatenation { operands: count }),
        iterable::copy_iterations(
            checker,
            context,
            expr,
            checker.items_of(context.scope(), expr),
        ),
    );
}

/// The largest tuple CPython's AST optimiser makes by folding `tuple * int`
/// (`MAX_COLLECTION_SIZE` in `Python/ast_opt.c`, 3.8 to 3.13).
const MAX_FOLDED_TUPLE: u64 = 256;

/// The length of a tuple the compiler folds into a constant: a display of constants, such a
/// tuple repeated by an int literal (up to [`MAX_FOLDED_TUPLE`] items), or a sum of them.
fn constant_tuple_length(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            elts.iter().all(is_constant).then_some(elts.len() as u64)
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Mult,
            right,
            ..
        }) => {
            let (tuple, count) = match (left.as_ref(), right.as_ref()) {
                (tuple @ Expr::Tuple(_), Expr::NumberLiteral(number))
                | (Expr::NumberLiteral(number), tuple @ Expr::Tuple(_)) => (tuple, number),
                _ => return None,
            };
            let count = count.value.as_int()?.as_u64()?;
            let length = constant_tuple_length(tuple)?.checked_mul(count)?;
            (length <= MAX_FOLDED_TUPLE).then_some(length)
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            right,
            ..
        }) => constant_tuple_length(left)?.checked_add(constant_tuple_length(right)?),
        _ => None,
    }
}

fn is_constant(expr: &Expr) -> bool {
    match expr {
        _ if expr.is_literal_expr() => true,
        Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) => is_constant(operand),
        Expr::Tuple(_) => constant_tuple_length(expr).is_some(),
        _ => false,
    }
}

/// What an operand evidently is: from its syntax, or for a name from every value it is
/// assigned in the scope.
fn operand_kind(checker: &Checker, scope: ScopeId, operand: &Expr) -> ValueKind {
    if operand.is_f_string_expr() {
        return ValueKind::Str;
    }
    let kind = value_kind(checker, scope, operand);
    let Expr::Name(name) = operand else {
        return kind;
    };
    if kind != ValueKind::Unknown {
        return kind;
    }
    let (owner, bindings) = checker.model.visible_bindings(scope, name.id.as_str());
    let mut assigned = bindings.iter().map(|binding| match binding.kind {
        BindingKind::Assignment(value) => value_kind(checker, owner, value),
        _ => ValueKind::Unknown,
    });
    let Some(first) = assigned.next() else {
        return ValueKind::Unknown;
    };
    if assigned.all(|kind| kind == first) {
        first
    } else {
        ValueKind::Unknown
    }
}
