#![doc = include_str!("../../rules/MEM501.md")]

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::common::{for_each_statement, imported_name};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Iterations, Scenario, Severity};
use crate::semantic::{BindingKind, ScopeId, ScopeNode, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM501",
    name: "mutable-default-argument",
    summary: "a mutable default argument that the function mutates, returns or stores",
    documentation: include_str!("../../rules/MEM501.md"),
    // One object shared by every call: a behaviour bug as much as a memory one.
    severity_floor: Severity::Warning,
};

/// Builtins whose call makes a new mutable container.
const MUTABLE_BUILTINS: &[&str] = &["list", "dict", "set", "bytearray"];

/// `collections` classes whose instances are mutable containers.
const MUTABLE_COLLECTIONS: &[&str] = &["defaultdict", "OrderedDict", "Counter", "deque"];

/// Methods that change the container they are called on.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "extendleft",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popleft",
    "popitem",
    "remove",
    "discard",
    "clear",
    "sort",
    "reverse",
    "rotate",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
];

/// Runs when the walk leaves the function `scope`: by then every use of its parameters is known.
pub fn check(checker: &mut Checker, scope: ScopeId) {
    let model = checker.model;
    let ScopeNode::Function(function) = model.scope(scope).node else {
        return;
    };
    // Defaults are evaluated where the `def` runs.
    let Some(defining) = model.scope(scope).parent else {
        return;
    };
    for parameter in function.parameters.iter_non_variadic_params() {
        let Some(default) = parameter.default() else {
            continue;
        };
        let Some(kind) = mutable_kind(checker, defining, default) else {
            continue;
        };
        let name = parameter.parameter.name.as_str();
        let Some(change) = shared_use(checker, scope, function, name) else {
            continue;
        };
        checker.report(
            Rule::MutableDefaultArgument,
            default.range(),
            format!(
                "The default of `{name}` is one {kind} shared by every call, and the function {change}"
            ),
            format!(
                "Default to `None` and create the {kind} in the body: `if {name} is None: {name} = ...`"
            ),
            Scenario::SharedMutableDefault,
            Iterations::SINGLE,
        );
    }
}

/// What kind of mutable container `default` makes, if it does.
fn mutable_kind(checker: &Checker, scope: ScopeId, default: &Expr) -> Option<&'static str> {
    match default {
        Expr::List(_) | Expr::ListComp(_) => Some("list"),
        Expr::Dict(_) | Expr::DictComp(_) => Some("dict"),
        Expr::Set(_) | Expr::SetComp(_) => Some("set"),
        Expr::Call(call) => {
            if let Some(builtin) = checker.model.builtin_callee(scope, call) {
                return MUTABLE_BUILTINS
                    .iter()
                    .find(|name| **name == builtin)
                    .copied();
            }
            match imported_name(checker, scope, &call.func)? {
                ("collections", class) => MUTABLE_COLLECTIONS
                    .iter()
                    .find(|name| **name == class)
                    .copied(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// How the body lets the shared default change or escape: mutates it, returns or yields it,
/// or stores it in an attribute or item. `None` when it only reads it, or rebinds the name
/// (then what it changes may be another object).
fn shared_use(
    checker: &Checker,
    scope: ScopeId,
    function: &ast::StmtFunctionDef,
    name: &str,
) -> Option<&'static str> {
    let body = checker.model.scope(scope);
    let rebound = body.bindings_of(name).iter().any(|binding| {
        !matches!(
            binding.kind,
            BindingKind::Parameter | BindingKind::AugmentedAssignment { .. }
        )
    });
    if rebound || body.declares_global(name) || body.declares_nonlocal(name) {
        return None;
    }
    let mutated = body
        .references()
        .iter()
        .filter(|reference| reference.name == name)
        .any(|reference| match reference.usage {
            Usage::ItemAssignment | Usage::AugmentedAssignment => true,
            Usage::Attribute {
                attribute,
                call: Some(_),
                ..
            } => MUTATING_METHODS.contains(&attribute.attr.as_str()),
            _ => false,
        });
    if mutated {
        return Some("mutates it");
    }
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(load) if load.id.as_str() == name);
    let mut stored = false;
    let mut returned = false;
    for_each_statement(&function.body, &mut |statement| match statement {
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => returned |= is_name(value),
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
            stored |= is_name(value)
                && targets
                    .iter()
                    .any(|target| matches!(target, Expr::Attribute(_) | Expr::Subscript(_)));
        }
        _ => {}
    });
    let yielded = any_over_body(&function.body, |expr| {
        matches!(expr, Expr::Yield(ast::ExprYield { value: Some(value), .. }) if is_name(value))
    });
    if returned || yielded {
        Some("returns it to the caller")
    } else if stored {
        Some("stores it where later code can change it")
    } else {
        None
    }
}
