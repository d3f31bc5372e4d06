#![doc = include_str!("../../rules/MEM202.md")]

use ruff_python_ast::{self as ast, Expr, Operator};
use ruff_text_size::Ranged;

use super::common::{Folding, add_operands_except};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Length, Scenario, Severity};
use crate::semantic::Context;

pub const META: RuleMeta = RuleMeta {
    code: "MEM202",
    name: "chained-string-concat",
    summary: "a `+` chain of three or more strings where an f-string builds the result once",
    documentation: include_str!("../../rules/MEM202.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// Libraries whose columns and arrays overload `+` to concatenate strings element-wise.
const ARRAY_LIBRARIES: &[&str] = &[
    "pandas", "numpy", "polars", "pyspark", "dask", "modin", "cudf",
];

/// Suggestions longer than this are left out of the help; the advice stands without them.
const MAX_SUGGESTION: usize = 60;

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, expr: &'a Expr) {
    // Only the top of a chain: `a + b + c` is `(a + b) + c`, and the inner `+` is part of it.
    if let Some(Expr::BinOp(ast::ExprBinOp {
        op: Operator::Add, ..
    })) = context.parent_expr()
    {
        return;
    }
    let folding = Folding::of(expr);
    // As the compiler sees them: constant sub-expressions (`'-' * 10`) are one operand each.
    let operands = add_operands_except(expr, |node| folding.is_constant(node));
    if operands.len() < 3 {
        return;
    }
    let is_literal = |operand: &&Expr| folding.is_constant(operand);
    let has_string = operands
        .iter()
        .any(|operand| is_literal(operand) || operand.is_f_string_expr());
    // A chain of constants only is folded into one constant by the compiler.
    if !has_string || operands.iter().all(is_literal) {
        return;
    }
    // `"id_" + df["a"] + "_" + df["b"]` concatenates whole columns element-wise; an f-string
    // would format the column's repr instead.
    if operands.iter().any(|operand| builds_an_object(operand)) {
        return;
    }
    let has_subscript = operands.iter().any(|operand| operand.is_subscript_expr());
    if has_subscript && checker.model.imports_any(ARRAY_LIBRARIES) {
        return;
    }
    let lengths = operands
        .iter()
        .map(|operand| {
            folding
                .length(operand)
                .map_or(Length::UNKNOWN, Length::known)
        })
        .collect();
    let help = match fstring_suggestion(checker, context, &operands) {
        Some(suggestion) => format!("Build the string once with an f-string: `{suggestion}`"),
        None => "Build the string once with an f-string or `str.join`".to_string(),
    };
    checker.report(
        Rule::ChainedStringConcat,
        expr.range(),
        format!(
            "String built from {} operands with `+`: each `+` allocates an intermediate string",
            operands.len()
        ),
        help,
        Scenario::ConcatChain { operands: lengths },
        checker.iterations(context.loop_id(), expr.range()),
    );
}

/// True for a call of something named like a class, or of a method on one (`Text("a")`,
/// `Content.styled(...)`, `Markup(...)`): it may make an object whose `__add__` does more than
/// join text (rich's `Text` keeps styles, markupsafe's `Markup` escapes the other operand),
/// which an f-string would silently drop.
fn builds_an_object(operand: &Expr) -> bool {
    let Expr::Call(call) = operand else {
        return false;
    };
    let class_like = |name: &str| name.starts_with(|c: char| c.is_ascii_uppercase());
    match call.func.as_ref() {
        Expr::Name(name) => class_like(name.id.as_str()),
        Expr::Attribute(method) => {
            class_like(method.attr.as_str())
                || matches!(method.value.as_ref(), Expr::Name(owner) if class_like(owner.id.as_str()))
        }
        _ => false,
    }
}

/// `f"Hello, {first} {last}"` for `"Hello, " + first + " " + last`, when every piece can be
/// written into an f-string without escaping.
fn fstring_suggestion(checker: &Checker, context: &Context, operands: &[&Expr]) -> Option<String> {
    let mut suggestion = String::from("f\"");
    for operand in operands {
        match operand {
            Expr::StringLiteral(literal) => {
                let text = literal.value.to_str();
                if text.contains(['{', '}', '"', '\\', '\n', '\r']) {
                    return None;
                }
                suggestion.push_str(text);
            }
            Expr::FString(_) => return None,
            other => {
                let shown = str_call_argument(checker, context, other).unwrap_or(other);
                let text = checker.short_text(shown)?;
                if text.contains(['{', '}', '"', '\\', '!', ':', '\'']) {
                    return None;
                }
                suggestion.push('{');
                suggestion.push_str(text);
                suggestion.push('}');
            }
        }
    }
    suggestion.push('"');
    (suggestion.len() <= MAX_SUGGESTION).then_some(suggestion)
}

/// `x` for `str(x)`: an f-string formats it the same way.
fn str_call_argument<'e>(checker: &Checker, context: &Context, expr: &'e Expr) -> Option<&'e Expr> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let [argument] = &*call.arguments.args else {
        return None;
    };
    (call.arguments.keywords.is_empty()
        && checker.model.is_builtin_call(context.scope(), call, "str"))
    .then_some(argument)
}
