#![doc = include_str!("../../rules/MEM304.md")]

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::common::{ValueKind, value_kind};
use super::iterable::{self, ARRAY_LIBRARIES, IteratedBy, Source};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{IterationCopy, Iterations, Scenario, Severity};
use crate::semantic::{BindingKind, Context, ScopeId};

pub const META: RuleMeta = RuleMeta {
    code: "MEM304",
    name: "slice-copy-in-iteration",
    summary: "`for x in seq[1:]`: a slice copied only to be iterated once",
    documentation: include_str!("../../rules/MEM304.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    expr: &'a Expr,
    iterator: IteratedBy<'a>,
) {
    let Expr::Subscript(ast::ExprSubscript { value, slice, .. }) = expr else {
        return;
    };
    let Expr::Slice(bounds) = slice.as_ref() else {
        return;
    };
    let scope = context.scope();
    if !is_copied_by_slicing(checker, scope, value)
        || is_query(checker, scope, value)
        || checker.model.imports_any(ARRAY_LIBRARIES)
    {
        return;
    }
    // `seq[:]` is the explicit way to take a snapshot: whoever wrote it meant the copy.
    if bounds.lower.is_none() && bounds.upper.is_none() && bounds.step.is_none() {
        return;
    }
    let step = bounds.step.as_deref().map(int_literal);
    let help = match step {
        None | Some(Some(1..)) => match bounds_sign(checker, scope, bounds) {
            Sign::NonNegative => {
                "Iterate the items in place with `itertools.islice(seq, start, stop)`, or over an index `range`"
            }
            Sign::Negative => {
                "Iterate the items in place over an index range, `range(len(seq))[start:stop]`, which takes negative bounds as the slice does (`itertools.islice` refuses them)"
            }
            Sign::Unknown => {
                "Iterate the items in place: `itertools.islice(seq, start, stop)` if the bounds are never negative, else an index range, `range(len(seq))[start:stop]`, which takes negative bounds as the slice does"
            }
        },
        Some(Some(-1)) if bounds.lower.is_none() && bounds.upper.is_none() => {
            "Iterate backwards in place with `reversed(seq)`"
        }
        // Other negative or computed steps have no copy-free spelling as plain.
        _ => return,
    };
    // The loop changes the sequence it runs over: the copy is what makes that safe.
    let sources: Vec<Source> = Source::of(value).into_iter().collect();
    if iterable::copy_may_protect(checker, context, iterator, &sources) {
        return;
    }
    let items = match literal_length(bounds) {
        Some(items) => Iterations::shown(items),
        None => checker.items_of(scope, value),
    };
    let message = match checker.short_text(value) {
        Some(sequence) => format!("The slice copies `{sequence}` only to iterate it once"),
        None => "The slice copies the sequence only to iterate it once".to_string(),
    };
    checker.report(
        Rule::SliceCopyInIteration,
        expr.range(),
        message,
        help.to_string(),
        Scenario::IterationCopy(IterationCopy::Slice),
        iterable::copy_iterations(checker, context, expr, items),
    );
}

/// False for values whose slices copy no items or are strings: a `str` or `bytes`, a
/// `memoryview` (a view), a `range` (`range(10)[1:]` is another `range`), or a name bound to
/// one of those.
fn is_copied_by_slicing(checker: &Checker, scope: ScopeId, value: &Expr) -> bool {
    let is_view = |scope: ScopeId, expr: &Expr| {
        matches!(expr, Expr::Call(call)
            if checker.model.is_builtin_call(scope, call, "memoryview")
                || checker.model.is_builtin_call(scope, call, "range"))
    };
    if is_view(scope, value) {
        return false;
    }
    if matches!(
        value_kind(checker, scope, value),
        ValueKind::Str | ValueKind::Bytes | ValueKind::ByteArray
    ) {
        return false;
    }
    let Expr::Name(name) = value else {
        return true;
    };
    let (owner, bindings) = checker.model.visible_bindings(scope, name.id.as_str());
    !bindings.iter().any(|binding| match binding.kind {
        BindingKind::Assignment(bound) => {
            is_view(owner, bound)
                || matches!(
                    value_kind(checker, owner, bound),
                    ValueKind::Str | ValueKind::Bytes | ValueKind::ByteArray
                )
        }
        _ => false,
    })
}

/// Methods of ORM query sets (Django, SQLAlchemy, peewee) that return another lazy query:
/// slicing one adds a `LIMIT` to the query, it copies nothing.
const QUERY_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "values",
    "values_list",
    "only",
    "defer",
    "select_related",
    "prefetch_related",
    "annotate",
    "distinct",
    "using",
    "query",
    "filter_by",
    "where",
    "select",
];

/// True for what is evidently a lazy ORM query: a call of a query method, anything reached
/// through a model's `objects` manager, a name like `queryset` or `qs`, or a name only ever
/// assigned one of those.
fn is_query(checker: &Checker, scope: ScopeId, value: &Expr) -> bool {
    match value {
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(method) => {
                QUERY_METHODS.contains(&method.attr.as_str())
                    || is_query(checker, scope, &method.value)
            }
            _ => false,
        },
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "objects" || is_query(checker, scope, &attribute.value)
        }
        Expr::Name(name) => {
            let id = name.id.as_str();
            if id.contains("queryset") || id == "qs" || id.ends_with("_qs") {
                return true;
            }
            let (owner, bindings) = checker.model.visible_bindings(scope, id);
            !bindings.is_empty()
                && bindings.iter().all(|binding| {
                    matches!(binding.kind, BindingKind::Assignment(bound) if is_query(checker, owner, bound))
                })
        }
        _ => false,
    }
}

/// Whether a slice's bounds may be negative, which `itertools.islice` refuses.
enum Sign {
    NonNegative,
    Negative,
    Unknown,
}

/// The sign of `seq[start:stop]`'s bounds: non-negative when each is absent, a value the
/// source fixes at zero or more, or a `len()`; negative when one is fixed below zero.
fn bounds_sign(checker: &Checker, scope: ScopeId, bounds: &ast::ExprSlice) -> Sign {
    let mut sign = Sign::NonNegative;
    for bound in [bounds.lower.as_deref(), bounds.upper.as_deref()]
        .into_iter()
        .flatten()
    {
        match checker.model.int_value(scope, bound) {
            Some(value) if value < 0 => return Sign::Negative,
            Some(_) => {}
            None if matches!(bound, Expr::Call(call) if checker.model.is_builtin_call(scope, call, "len")) =>
                {}
            None => sign = Sign::Unknown,
        }
    }
    sign
}

/// How many items `seq[start:stop]` has at most when both bounds are non-negative literals.
fn literal_length(bounds: &ast::ExprSlice) -> Option<u64> {
    if bounds.step.is_some() {
        return None;
    }
    let start = match bounds.lower.as_deref() {
        None => 0,
        Some(lower) => int_literal(lower)?,
    };
    let stop = int_literal(bounds.upper.as_deref()?)?;
    (start >= 0 && stop >= 0).then(|| u64::try_from(stop.saturating_sub(start).max(0)).ok())?
}

fn int_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(value),
            ..
        }) => value.as_i64(),
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: ast::UnaryOp::USub,
            operand,
            ..
        }) => int_literal(operand).map(|value| -value),
        _ => None,
    }
}
