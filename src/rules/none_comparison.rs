#![doc = include_str!("../../rules/MEM101.md")]

use ruff_python_ast::{self as ast, CmpOp, Expr};

use super::common::{comparison_pairs, pair_range};
use super::equality;
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Scenario, Severity};
use crate::semantic::Context;

pub const META: RuleMeta = RuleMeta {
    code: "MEM101",
    name: "none-comparison",
    summary: "`==` or `!=` against `None` where `is` / `is not` compares identity",
    documentation: include_str!("../../rules/MEM101.md"),
    severity_floor: Severity::Info,
    same_as: &["E711"],
};

pub fn check(checker: &mut Checker, context: &Context, compare: &ast::ExprCompare) {
    for (left, op, right) in comparison_pairs(compare) {
        let (other, negated) = match (op, left, right) {
            (CmpOp::Eq | CmpOp::NotEq, Expr::NoneLiteral(_), other)
            | (CmpOp::Eq | CmpOp::NotEq, other, Expr::NoneLiteral(_)) => {
                (other, op == CmpOp::NotEq)
            }
            _ => continue,
        };
        if equality::may_be_meant(checker, context, compare, (left, right), other) {
            continue;
        }
        let (operator, identity) = if negated {
            ("!=", "is not")
        } else {
            ("==", "is")
        };
        let subject = equality::before_is(checker.short_text(other).unwrap_or("x"), other);
        checker.report(
            Rule::NoneComparison,
            pair_range(left, right),
            format!("Comparison to `None` with `{operator}`"),
            format!("Use `{subject} {identity} None`: `None` is a singleton"),
            Scenario::EqualityDispatch,
            checker.iterations(context.loop_id(), compare.range),
        );
    }
}
