#![doc = include_str!("../../rules/MEM102.md")]

use ruff_python_ast::{self as ast, CmpOp, Expr};

use super::common::{comparison_pairs, pair_range};
use super::equality;
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Scenario, Severity};
use crate::semantic::{Context, Resolution};

pub const META: RuleMeta = RuleMeta {
    code: "MEM102",
    name: "singleton-comparison",
    summary: "`==` or `!=` against `True`, `False`, `...` or `NotImplemented`",
    documentation: include_str!("../../rules/MEM102.md"),
    severity_floor: Severity::Info,
    same_as: &["E712"],
};

/// The singleton an operand names, spelled as in source.
fn singleton(checker: &Checker, context: &Context, expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: true, .. }) => Some("True"),
        Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: false, .. }) => Some("False"),
        Expr::EllipsisLiteral(_) => Some("..."),
        Expr::Name(name) => {
            let spelled = match name.id.as_str() {
                "NotImplemented" => "NotImplemented",
                "Ellipsis" => "Ellipsis",
                _ => return None,
            };
            (checker.model.resolve(context.scope(), spelled) == Resolution::Builtin)
                .then_some(spelled)
        }
        _ => None,
    }
}

pub fn check(checker: &mut Checker, context: &Context, compare: &ast::ExprCompare) {
    for (left, op, right) in comparison_pairs(compare) {
        if !matches!(op, CmpOp::Eq | CmpOp::NotEq) {
            continue;
        }
        let (value, other) = match (
            singleton(checker, context, left),
            singleton(checker, context, right),
        ) {
            (Some(value), _) => (value, right),
            (None, Some(value)) => (value, left),
            (None, None) => continue,
        };
        let truth = matches!(value, "True" | "False");
        if equality::may_be_meant(checker, context, compare, (left, right), other)
            || (truth && equality::symbolic_truth(checker, other))
        {
            continue;
        }
        let negated = op == CmpOp::NotEq;
        let text = checker.short_text(other).unwrap_or("x");
        let subject = equality::before_is(text, other);
        let identity = if negated { "is not" } else { "is" };
        let help = match (value, negated) {
            // Identity first: it is what `==` meant for a bool and keeps other values out;
            // a truth test also lets in `1`, `[0]` or any object.
            ("True", false) | ("False", true) => format!(
                "Use `{subject} {identity} {value}`, or `if {text}:` when it is always a bool"
            ),
            ("True", true) | ("False", false) => format!(
                "Use `{subject} {identity} {value}`, or `if not {}:` when it is always a bool",
                equality::before_not(text, other)
            ),
            _ => format!("Use `{subject} {identity} {value}`: `{value}` is a singleton"),
        };
        checker.report(
            Rule::SingletonComparison,
            pair_range(left, right),
            format!(
                "Comparison to `{value}` with `{}`",
                if negated { "!=" } else { "==" }
            ),
            help,
            Scenario::EqualityDispatch,
            checker.iterations(context.loop_id(), compare.range),
        );
    }
}
