//! What the items of a materialised list are, read from the expression that produces them,
//! so the cost model can say what keeping all of them alive at once costs.
//!
//! Only what the source makes certain is inferred: comparisons give `True`/`False`; int
//! arithmetic over a `range` with literal bounds is evaluated item by item (which of the
//! results are cached small ints decides what they cost); float arithmetic gives one float per
//! item. Anything else is [`Elements::Unknown`], and only the list's pointers are priced.

use ruff_python_ast::{self as ast, Expr, Operator, UnaryOp};

use crate::model::{Elements, IntValues};
use crate::semantic::{LoopId, SemanticModel};

/// Items evaluated one by one at most; a longer range is sampled evenly and scaled. The cap
/// keeps a file full of `range(10**9)` comprehensions as fast to lint as any other.
const MAX_EVALUATED: i128 = 16_384;

/// The items `element` produces once per iteration of `loop_id`, the loop that binds its
/// variable (a comprehension clause or a `for` statement).
pub fn elements(model: &SemanticModel, element: &Expr, loop_id: Option<LoopId>) -> Elements {
    if is_bool_or_none(element) {
        return Elements::Existing;
    }
    let variable = loop_id.and_then(|id| match model.loop_(id).node.target() {
        Some(Expr::Name(name)) => Some(name.id.as_str()),
        _ => None,
    });
    let Some(variable) = variable else {
        return Elements::Unknown;
    };
    if is_float_arithmetic(element, variable) {
        return Elements::Floats;
    }
    let Some(range) = loop_id.and_then(|id| model.loop_range(id)) else {
        return Elements::Unknown;
    };
    int_values(element, variable, range).map_or(Elements::Unknown, Elements::Ints)
}

/// Comparisons, `not`, `and`/`or` of those, and the singletons themselves.
fn is_bool_or_none(expr: &Expr) -> bool {
    match expr {
        Expr::Compare(_) | Expr::BooleanLiteral(_) | Expr::NoneLiteral(_) => true,
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: UnaryOp::Not, ..
        }) => true,
        Expr::BoolOp(ast::ExprBoolOp { values, .. }) => values.iter().all(is_bool_or_none),
        _ => false,
    }
}

/// Arithmetic of the loop variable and numeric literals that makes a float: a float literal
/// among the operands, or a true division.
fn is_float_arithmetic(expr: &Expr, variable: &str) -> bool {
    let mut makes_float = false;
    numeric(expr, variable, &mut makes_float) && makes_float
}

/// True if `expr` is arithmetic of `variable` and number literals only; sets `makes_float`
/// when some part of it gives a float.
fn numeric(expr: &Expr, variable: &str, makes_float: &mut bool) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == variable,
        Expr::NumberLiteral(ast::ExprNumberLiteral { value, .. }) => match value {
            ast::Number::Int(_) => true,
            ast::Number::Float(_) => {
                *makes_float = true;
                true
            }
            ast::Number::Complex { .. } => false,
        },
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: UnaryOp::USub | UnaryOp::UAdd,
            operand,
            ..
        }) => numeric(operand, variable, makes_float),
        Expr::BinOp(ast::ExprBinOp {
            left, op, right, ..
        }) => {
            let arithmetic = matches!(
                op,
                Operator::Add
                    | Operator::Sub
                    | Operator::Mult
                    | Operator::Div
                    | Operator::FloorDiv
                    | Operator::Mod
            );
            if *op == Operator::Div {
                *makes_float = true;
            }
            arithmetic
                && numeric(left, variable, makes_float)
                && numeric(right, variable, makes_float)
        }
        _ => false,
    }
}

/// The ints `element` gives for each value of `range(start, stop, step)`, when it is int
/// arithmetic of the variable and literals that never fails.
fn int_values(
    element: &Expr,
    variable: &str,
    (start, stop, step): (i128, i128, i128),
) -> Option<IntValues> {
    let count = if step > 0 {
        (stop - start + step - 1).div_euclid(step)
    } else {
        (start - stop - step - 1).div_euclid(-step)
    }
    .max(0);
    let evaluated = count.min(MAX_EVALUATED);
    let mut values = IntValues::default();
    for sample in 0..evaluated {
        // Evenly spread over the range, so a sample of a long range is not biased to its start.
        let index = sample * count / evaluated;
        values.add(evaluate(element, variable, start + index * step)?);
    }
    if evaluated < count {
        values = values.scaled(count as f64 / evaluated as f64);
    }
    Some(values)
}

/// `expr` with `variable` bound to `value`, in Python's integer semantics; `None` for
/// anything else, a division by zero, or an overflow.
fn evaluate(expr: &Expr, variable: &str, value: i128) -> Option<i128> {
    match expr {
        Expr::Name(name) if name.id.as_str() == variable => Some(value),
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(literal),
            ..
        }) => literal.as_i64().map(i128::from),
        Expr::UnaryOp(ast::ExprUnaryOp { op, operand, .. }) => {
            let operand = evaluate(operand, variable, value)?;
            match op {
                UnaryOp::USub => operand.checked_neg(),
                UnaryOp::UAdd => Some(operand),
                _ => None,
            }
        }
        Expr::BinOp(ast::ExprBinOp {
            left, op, right, ..
        }) => {
            let left = evaluate(left, variable, value)?;
            let right = evaluate(right, variable, value)?;
            match op {
                Operator::Add => left.checked_add(right),
                Operator::Sub => left.checked_sub(right),
                Operator::Mult => left.checked_mul(right),
                // Python floors towards negative infinity, and `%` takes the divisor's sign.
                Operator::FloorDiv if right != 0 => {
                    let quotient = left.checked_div(right)?;
                    let inexact = left.checked_rem(right)? != 0;
                    Some(if inexact && ((left < 0) != (right < 0)) {
                        quotient - 1
                    } else {
                        quotient
                    })
                }
                Operator::Mod if right != 0 => {
                    let remainder = left.checked_rem(right)?;
                    Some(if remainder != 0 && ((remainder < 0) != (right < 0)) {
                        remainder + right
                    } else {
                        remainder
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TargetVersion;
    use ruff_python_parser::parse_module;

    /// The elements of the first comprehension in `source`.
    fn first_comprehension(source: &str) -> Elements {
        let parsed = parse_module(source).expect("parses");
        let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
        let ast::Stmt::Expr(statement) = &parsed.syntax().body[0] else {
            panic!("an expression statement");
        };
        let Expr::ListComp(comprehension) = statement.value.as_ref() else {
            panic!("a list comprehension");
        };
        let clause = &comprehension.generators[0];
        let loop_id = model.loop_id(crate::semantic::LoopNode::Comprehension(clause));
        elements(&model, &comprehension.elt, loop_id)
    }

    #[test]
    fn ints_over_a_range_are_counted_by_size() {
        let Elements::Ints(values) = first_comprehension("[i * 2 for i in range(1000)]") else {
            panic!("ints");
        };
        // 0, 2, ..., 256 are cached: 129 of them.
        assert_eq!(values.cached, 129);
        assert_eq!(values.fresh_by_digits, [871, 0, 0, 0]);
    }

    #[test]
    fn ranges_up_to_the_cap_are_exact_and_longer_ones_sampled() {
        let Elements::Ints(values) = first_comprehension("[i for i in range(-5, 16379)]") else {
            panic!("ints");
        };
        // -5 to 256 are cached.
        assert_eq!((values.cached, values.fresh()), (262, 16_384 - 262));
        let Elements::Ints(values) = first_comprehension("[i for i in range(-5, 3999995)]") else {
            panic!("ints");
        };
        assert_eq!(values.cached + values.fresh(), 4_000_000);
        // One sample stands for 4,000,000 / 16,384 = 244 items.
        assert!(values.cached.abs_diff(262) <= 244, "{values:?}");
    }

    #[test]
    fn python_integer_semantics() {
        let parse = |text: &str| {
            let parsed = ruff_python_parser::parse_expression(text).expect("parses");
            evaluate(parsed.expr(), "i", -7)
        };
        assert_eq!(parse("i // 2"), Some(-4));
        assert_eq!(parse("i % 3"), Some(2));
        assert_eq!(parse("i % -3"), Some(-1));
        assert_eq!(parse("i // 0"), None);
        assert_eq!(parse("-i * 3 + 1"), Some(22));
    }

    #[test]
    fn other_elements() {
        assert_eq!(
            first_comprehension("[i > 0 for i in range(10)]"),
            Elements::Existing
        );
        assert_eq!(
            first_comprehension("[i * 0.5 for i in data]"),
            Elements::Floats
        );
        assert_eq!(
            first_comprehension("[i / 3 for i in range(10)]"),
            Elements::Floats
        );
        assert_eq!(first_comprehension("[i for i in data]"), Elements::Unknown);
        assert_eq!(
            first_comprehension("[f(i) for i in range(10)]"),
            Elements::Unknown
        );
        assert_eq!(
            first_comprehension("[i * 2**40 for i in range(10)]"),
            Elements::Unknown
        );
    }
}
