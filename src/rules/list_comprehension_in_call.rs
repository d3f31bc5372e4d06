#![doc = include_str!("../../rules/MEM301.md")]

use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::common::{KEEPING_CONSUMERS, ONE_PASS_CONSUMERS};
use super::elements::elements;
use super::{Rule, RuleMeta};
use crate::checker::{Checker, iterations_of};
use crate::model::{Container, Elements, Iterations, Producer, Scenario, Severity};
use crate::semantic::{Context, LoopNode};

pub const META: RuleMeta = RuleMeta {
    code: "MEM301",
    name: "list-comprehension-in-call",
    summary: "a list comprehension passed to a builtin that only iterates or counts it",
    documentation: include_str!("../../rules/MEM301.md"),
    severity_floor: Severity::Info,
    same_as: &["C419"],
};

/// Builtins whose result a set comprehension's de-duplication cannot change.
const SET_CONSUMERS: &[&str] = &["any", "all", "min", "max"];

pub fn check<'a>(checker: &mut Checker<'a>, context: &Context<'a>, expr: &'a Expr) {
    let (generators, kind, consumers) = match expr {
        Expr::ListComp(ast::ExprListComp { generators, .. }) => {
            (generators, "List", ONE_PASS_CONSUMERS)
        }
        Expr::SetComp(ast::ExprSetComp { generators, .. }) => (generators, "Set", SET_CONSUMERS),
        _ => return,
    };
    let Some(Expr::Call(call)) = context.parent_expr() else {
        return;
    };
    let arguments = &call.arguments;
    let is_first_argument = arguments
        .args
        .first()
        .is_some_and(|first| std::ptr::eq(first, expr));
    if !is_first_argument
        || arguments
            .args
            .iter()
            .any(|argument| argument.is_starred_expr())
        || arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
    {
        return;
    }
    let Some(builtin) = checker.model.builtin_callee(context.scope(), call) else {
        return;
    };
    // `len([... for ...])` builds the list only to count it; `len` of a set comprehension
    // counts distinct items, which no generator does.
    let counts = builtin == "len" && expr.is_list_comp_expr();
    // `sum(items, start)` takes a second positional argument; `max(a, b)` compares its
    // arguments themselves, so a second positional changes the meaning for the others.
    let max_positional = if builtin == "sum" { 2 } else { 1 };
    if !(consumers.contains(&builtin) || counts)
        || arguments.args.len() > max_positional
        || (counts && !arguments.keywords.is_empty())
    {
        return;
    }
    // A generator expression with `await` or `async for` would be an async generator.
    if generators.iter().any(|generator| generator.is_async)
        || any_over_expr(expr, |inner| inner.is_await_expr())
    {
        return;
    }
    let iterations = element_count(checker, expr)
        .repeated_by(checker.iterations(context.loop_id(), expr.range()));
    let (message, help) = if counts {
        (
            "List comprehension built only to be counted by `len()`".to_string(),
            "Count without building a list: `sum(1 for ... in ... if ...)` keeps no item"
                .to_string(),
        )
    } else {
        let saved = if KEEPING_CONSUMERS.contains(&builtin) {
            format!("the {} handed over is not built", kind.to_ascii_lowercase())
        } else {
            format!("no {} is built", kind.to_ascii_lowercase())
        };
        (
            format!("{kind} comprehension passed to `{builtin}()`"),
            format!(
                "Pass a generator expression: drop the brackets, `{builtin}(... for ... in ...)`, and {saved}"
            ),
        )
    };
    checker.report(
        Rule::ListComprehensionInCall,
        expr.range(),
        message,
        help,
        Scenario::MaterialisedList {
            producer: if counts {
                Producer::Count
            } else {
                Producer::Comprehension
            },
            container: if expr.is_set_comp_expr() {
                Container::Set
            } else {
                Container::List
            },
            elements: comprehension_elements(checker, expr, generators),
            kept: KEEPING_CONSUMERS.contains(&builtin),
        },
        iterations,
    );
}

/// The items of a one-clause comprehension, from its element expression.
fn comprehension_elements(
    checker: &Checker,
    comprehension: &Expr,
    generators: &[ast::Comprehension],
) -> Elements {
    let element = match comprehension {
        Expr::ListComp(list) => &list.elt,
        Expr::SetComp(set) => &set.elt,
        _ => return Elements::Unknown,
    };
    match generators {
        [clause] if clause.ifs.is_empty() => elements(
            checker.model,
            element,
            checker.model.loop_id(LoopNode::Comprehension(clause)),
        ),
        // Filters and nested clauses make the values hard to enumerate; bools stay bools.
        _ => match elements(checker.model, element, None) {
            Elements::Existing => Elements::Existing,
            _ => Elements::Unknown,
        },
    }
}

/// How many items the comprehension produces, as far as the source shows: the product of its
/// clauses' trip counts, half of them kept by each `if`.
pub fn element_count(checker: &Checker, comprehension: &Expr) -> Iterations {
    let (generators, element) = match comprehension {
        Expr::ListComp(ast::ExprListComp {
            generators, elt, ..
        })
        | Expr::SetComp(ast::ExprSetComp {
            generators, elt, ..
        })
        | Expr::Generator(ast::ExprGenerator {
            generators, elt, ..
        }) => (generators, elt.range()),
        Expr::DictComp(ast::ExprDictComp {
            generators, value, ..
        }) => (generators, value.range()),
        _ => return Iterations::SINGLE,
    };
    let innermost = generators
        .last()
        .and_then(|clause| checker.model.loop_id(LoopNode::Comprehension(clause)));
    let mut factors = checker.loop_factors(innermost, element);
    factors.truncate(generators.len());
    iterations_of(&factors)
}
