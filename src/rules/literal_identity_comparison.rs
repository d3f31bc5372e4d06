#![doc = include_str!("../../rules/MEM103.md")]

use ruff_python_ast::{self as ast, CmpOp, Expr};

use super::common::{comparison_pairs, pair_range};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Scenario, Severity};
use crate::semantic::Context;

pub const META: RuleMeta = RuleMeta {
    code: "MEM103",
    name: "literal-identity-comparison",
    summary: "`is` / `is not` against a literal, whose identity depends on interning",
    documentation: include_str!("../../rules/MEM103.md"),
    severity_floor: Severity::Warning,
    same_as: &["F632"],
};

/// Describes `expr` if it is a literal value whose identity is not guaranteed.
fn literal_kind(expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::StringLiteral(_) => Some("a str literal"),
        Expr::FString(_) => Some("an f-string"),
        Expr::BytesLiteral(_) => Some("a bytes literal"),
        Expr::NumberLiteral(_) => Some("a number literal"),
        Expr::Tuple(_) => Some("a tuple"),
        Expr::List(_) | Expr::ListComp(_) => Some("a list"),
        Expr::Dict(_) | Expr::DictComp(_) => Some("a dict"),
        Expr::Set(_) | Expr::SetComp(_) => Some("a set"),
        Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) if is_constant(operand) => {
            Some("a constant expression")
        }
        Expr::BinOp(ast::ExprBinOp { left, right, .. })
            if is_constant(left) && is_constant(right) =>
        {
            Some("a constant expression")
        }
        _ => None,
    }
}

/// True for expressions made only of str, bytes and number literals and operators on them,
/// which CPython folds into a constant at compile time.
fn is_constant(expr: &Expr) -> bool {
    let mut pending = vec![expr];
    while let Some(next) = pending.pop() {
        match next {
            Expr::StringLiteral(_) | Expr::BytesLiteral(_) | Expr::NumberLiteral(_) => {}
            Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) => pending.push(operand),
            Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
                pending.push(left);
                pending.push(right);
            }
            _ => return false,
        }
    }
    true
}

pub fn check(checker: &mut Checker, context: &Context, compare: &ast::ExprCompare) {
    for (left, op, right) in comparison_pairs(compare) {
        if !matches!(op, CmpOp::Is | CmpOp::IsNot) {
            continue;
        }
        let Some(kind) = literal_kind(right).or_else(|| literal_kind(left)) else {
            continue;
        };
        let (identity, equality) = if op == CmpOp::Is {
            ("is", "==")
        } else {
            ("is not", "!=")
        };
        checker.report(
            Rule::LiteralIdentityComparison,
            pair_range(left, right),
            format!("`{identity}` comparison with {kind}"),
            format!(
                "Use `{equality}` to compare values; whether equal values are the same object depends on CPython's caches"
            ),
            Scenario::IdentityOfValue,
            checker.iterations(context.loop_id(), compare.range),
        );
    }
}
