//! Code a library translates instead of running.
//!
//! Pony ORM reads the bytecode of the generator expressions and lambdas handed to its query
//! functions and turns them into SQL: in `select(p for p in Person if p.spouse == None)` the
//! `== None` is a SQL `IS NULL`, never evaluated by CPython, and `is None` there may not even
//! translate. No finding about how CPython would run that code applies to it.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

/// Packages whose query functions translate the code handed to them.
pub const TRANSLATING_LIBRARIES: &[&str] = &["pony"];

/// Pony's query functions and query methods that take a generator expression or a lambda to
/// translate: `select(... for ...)`, `Person.select(lambda p: ...)`, `query.filter(...)`.
const QUERY_FUNCTIONS: &[&str] = &[
    "select",
    "left_join",
    "get",
    "exists",
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "group_concat",
    "distinct",
    "delete",
    "filter",
    "where",
    "order_by",
    "sort_by",
];

/// The range of the generator expression or lambda `call` hands to a query function, in a
/// module that imports one of [`TRANSLATING_LIBRARIES`] (which the caller checks).
pub fn translated_region(call: &ast::ExprCall) -> Option<TextRange> {
    let callee = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(method) => method.attr.as_str(),
        _ => return None,
    };
    if !QUERY_FUNCTIONS.contains(&callee) {
        return None;
    }
    let first = call.arguments.args.first()?;
    matches!(first, Expr::Generator(_) | Expr::Lambda(_)).then(|| first.range())
}
