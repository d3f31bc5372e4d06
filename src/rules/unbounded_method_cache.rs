#![doc = include_str!("../../rules/MEM502.md")]

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::common::imported_name;
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Iterations, Scenario, Severity, Unshown};
use crate::semantic::{Context, Resolution, ScopeClass, ScopeId, ScopeNode};

pub const META: RuleMeta = RuleMeta {
    code: "MEM502",
    name: "unbounded-method-cache",
    summary: "`functools.cache` or `lru_cache` on a method: the cache keeps `self` alive",
    documentation: include_str!("../../rules/MEM502.md"),
    severity_floor: Severity::Info,
    same_as: &["B019"],
};

/// First-parameter names that conventionally hold a class, not an instance.
const CLASS_PARAMETERS: &[&str] = &["cls", "mcs", "mcls", "metacls"];

/// `lru_cache`'s default `maxsize`.
const DEFAULT_MAXSIZE: u64 = 128;

/// How big a cache decorator lets its cache grow.
enum Bound {
    Unbounded,
    /// `maxsize` entries, when the source shows the number.
    Bounded(Option<u64>),
}

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    method: &'a ast::StmtFunctionDef,
) {
    if context.scope_class() != ScopeClass::Class {
        return;
    }
    let scope = context.scope();
    // A static method has no `self`; a class method holds the class, which lives as long as
    // the class anyway: the cache keeps only arguments, as on a plain function.
    let binds_no_instance = method.decorator_list.iter().any(|decorator| {
        matches!(&decorator.expression, Expr::Name(name)
            if matches!(name.id.as_str(), "staticmethod" | "classmethod")
                && checker.model.resolve(scope, name.id.as_str()) == Resolution::Builtin)
    });
    // A first parameter holding a class (`__new__`, `__init_subclass__`, a method turned into
    // a class method by another descriptor, named `cls` by convention) is no instance either.
    let first = method
        .parameters
        .posonlyargs
        .first()
        .or_else(|| method.parameters.args.first())
        .map(|parameter| parameter.parameter.name.as_str());
    let takes_class = first.is_none_or(|name| CLASS_PARAMETERS.contains(&name))
        || matches!(
            method.name.as_str(),
            "__new__" | "__init_subclass__" | "__class_getitem__"
        );
    if binds_no_instance || takes_class {
        return;
    }
    for decorator in &method.decorator_list {
        let Some((decorator_name, bound)) = cache_decorator(checker, scope, &decorator.expression)
        else {
            continue;
        };
        // Looked at only for a cached method: it goes through the whole class body.
        if is_value_class(checker.model.scope(scope).node) {
            return;
        }
        let name = method.name.as_str();
        let (message, scenario) = match bound {
            Bound::Unbounded => (
                format!(
                    "`{decorator_name}` on the method `{name}` keeps every instance it is called on, and every argument, alive for as long as the class exists"
                ),
                Scenario::MethodCache { maxsize: None },
            ),
            Bound::Bounded(maxsize) => (
                format!(
                    "`{decorator_name}` on the method `{name}` keeps up to {} instances it was called on alive until their entries are evicted",
                    maxsize.map_or_else(|| "`maxsize`".to_string(), |size| size.to_string())
                ),
                Scenario::MethodCache {
                    maxsize: Some(maxsize.unwrap_or(DEFAULT_MAXSIZE)),
                },
            ),
        };
        checker.report(
            Rule::UnboundedMethodCache,
            decorator.range(),
            message,
            "Cache per instance instead (`functools.cached_property`, or a dict stored on `self`), or move the cached work to a module-level function of the values it needs".to_string(),
            scenario,
            Iterations::unshown(Unshown::at(
                format!("the distinct calls of `{name}`"),
                method.name.range(),
            )),
        );
    }
}

/// True for a class whose instances are values: a `NamedTuple` or `tuple`, a frozen dataclass,
/// or a class defining `__hash__` (hashing by value) or `__slots__`. Equal instances share one
/// entry, so the cache holds one per distinct value, not per instance made; and the help's
/// alternative, a cache stored on the instance, has nowhere to go.
fn is_value_class(node: ScopeNode) -> bool {
    let ScopeNode::Class(class) = node else {
        return false;
    };
    let named = |expr: &Expr, names: &[&str]| match expr {
        Expr::Name(name) => names.contains(&name.id.as_str()),
        Expr::Attribute(attribute) => names.contains(&attribute.attr.as_str()),
        _ => false,
    };
    let tuple_base = class
        .bases()
        .iter()
        .any(|base| named(base, &["NamedTuple", "tuple"]));
    let frozen = class.decorator_list.iter().any(|decorator| {
        matches!(&decorator.expression, Expr::Call(call)
            if named(&call.func, &["dataclass"])
                && call.arguments.keywords.iter().any(|keyword| {
                    keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == "frozen")
                        && matches!(keyword.value, Expr::BooleanLiteral(ast::ExprBooleanLiteral { value: true, .. }))
                }))
    });
    let defines = |wanted: &str| {
        class.body.iter().any(|statement| match statement {
            Stmt::FunctionDef(def) => def.name.as_str() == wanted,
            Stmt::Assign(ast::StmtAssign { targets, .. }) => targets
                .iter()
                .any(|target| matches!(target, Expr::Name(name) if name.id.as_str() == wanted)),
            _ => false,
        })
    };
    tuple_base || frozen || defines("__hash__") || defines("__slots__")
}

/// The decorator's name and bound, if it is `functools.cache` or `functools.lru_cache`.
fn cache_decorator(
    checker: &Checker,
    scope: ScopeId,
    decorator: &Expr,
) -> Option<(&'static str, Bound)> {
    let (callee, call) = match decorator {
        Expr::Call(call) => (call.func.as_ref(), Some(call)),
        other => (other, None),
    };
    match (imported_name(checker, scope, callee)?, call) {
        (("functools", "cache"), None) => Some(("cache", Bound::Unbounded)),
        (("functools", "lru_cache"), None) => {
            Some(("lru_cache", Bound::Bounded(Some(DEFAULT_MAXSIZE))))
        }
        (("functools", "lru_cache"), Some(call)) => {
            // As a decorator, `@lru_cache(x)` is always given a size, never the function.
            let maxsize = call.arguments.find_argument_value("maxsize", 0);
            let bound = match maxsize {
                None => Bound::Bounded(Some(DEFAULT_MAXSIZE)),
                Some(Expr::NoneLiteral(_)) => Bound::Unbounded,
                Some(Expr::NumberLiteral(ast::ExprNumberLiteral {
                    value: ast::Number::Int(size),
                    ..
                })) => match size.as_u64() {
                    // No caching at all.
                    Some(0) => return None,
                    size => Bound::Bounded(size),
                },
                Some(_) => Bound::Bounded(None),
            };
            Some(("lru_cache", bound))
        }
        _ => None,
    }
}
