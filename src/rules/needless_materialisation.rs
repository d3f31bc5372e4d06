#![doc = include_str!("../../rules/MEM306.md")]

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::iterable::{self, IteratedBy, Source};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{IterationCopy, Scenario, Severity};
use crate::semantic::{Context, ScopeId};

pub const META: RuleMeta = RuleMeta {
    code: "MEM306",
    name: "needless-materialisation",
    summary: "`for x in list(it)` or `[*it]`: a list built only to be iterated once",
    documentation: include_str!("../../rules/MEM306.md"),
    severity_floor: Severity::Info,
    same_as: &["PERF101"],
};

/// Builtins whose result can be iterated as it is, each argument iterated lazily.
const LAZY_BUILTINS: &[&str] = &["range", "zip", "enumerate", "reversed"];

/// Dict views: iterating one directly is what `list()` of it does.
const DICT_VIEWS: &[&str] = &["keys", "values", "items"];

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    expr: &'a Expr,
    iterator: IteratedBy<'a>,
) {
    let scope = context.scope();
    let (argument, unpacked) = match expr {
        Expr::Call(call) if checker.model.is_builtin_call(scope, call, "list") => {
            let arguments = &call.arguments;
            match arguments.args.as_ref() {
                [argument] if arguments.keywords.is_empty() && !argument.is_starred_expr() => {
                    (argument, false)
                }
                _ => return,
            }
        }
        Expr::List(ast::ExprList { elts, .. }) => match elts.as_slice() {
            [Expr::Starred(starred)] => (starred.value.as_ref(), true),
            _ => return,
        },
        _ => return,
    };
    let Some(sources) = sources(checker, scope, argument) else {
        return;
    };
    if iterable::copy_may_protect(checker, context, iterator, &sources) {
        return;
    }
    let direct = checker
        .short_text(argument)
        .map(|text| {
            let text = text.strip_suffix(".keys()").unwrap_or(text);
            format!("`{text}`")
        })
        .unwrap_or_else(|| "the iterable".to_string());
    let (message, copy) = if unpacked {
        (
            format!("`[*...]` copies {direct} into a list only to iterate it once"),
            IterationCopy::Unpacked,
        )
    } else {
        (
            format!("`list()` copies {direct} only to iterate it once"),
            IterationCopy::ListCall,
        )
    };
    checker.report(
        Rule::NeedlessMaterialisation,
        expr.range(),
        message,
        format!("Iterate {direct} directly; the loop does not change it"),
        Scenario::IterationCopy(copy),
        iterable::copy_iterations(checker, context, expr, checker.items_of(scope, argument)),
    );
}

/// The objects the copy is taken of, which the loop must leave alone; `None` when the
/// argument is something whose lazy iteration might behave differently (a generator or an
/// arbitrary call, whose side effects would interleave with the loop's).
fn sources<'a>(
    checker: &Checker<'a>,
    scope: ScopeId,
    argument: &'a Expr,
) -> Option<Vec<Source<'a>>> {
    if let Some(source) = Source::of(argument) {
        return Some(vec![source]);
    }
    let Expr::Call(call) = argument else {
        return None;
    };
    match call.func.as_ref() {
        Expr::Attribute(method)
            if DICT_VIEWS.contains(&method.attr.as_str()) && call.arguments.is_empty() =>
        {
            Source::of(&method.value).map(|dict| vec![dict])
        }
        Expr::Name(_) => {
            let builtin = checker.model.builtin_callee(scope, call)?;
            if builtin == "sorted" {
                // `sorted()` returns a new list already: `list()` copies the copy.
                return Some(Vec::new());
            }
            if !LAZY_BUILTINS.contains(&builtin) {
                return None;
            }
            let mut found = Vec::new();
            for inner in call.arguments.args.iter() {
                match inner {
                    Expr::NumberLiteral(_) => {}
                    Expr::Call(_) if builtin == "range" => {}
                    _ => found.extend(sources(checker, scope, inner)?),
                }
            }
            Some(found)
        }
        _ => None,
    }
}
