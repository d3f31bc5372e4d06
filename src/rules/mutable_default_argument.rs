#![doc = include_str!("../../rules/MEM501.md")]

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::common::{first_parameter, for_each_statement, imported_name};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Iterations, Scenario, Severity};
use crate::semantic::{BindingKind, Scope, ScopeId, ScopeNode, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM501",
    name: "mutable-default-argument",
    summary: "a mutable default argument that the function mutates, returns or stores",
    documentation: include_str!("../../rules/MEM501.md"),
    // One object shared by every call: a behaviour bug as much as a memory one.
    severity_floor: Severity::Warning,
    same_as: &["B006"],
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
    if made_afresh(checker, defining, function) {
        return;
    }
    for parameter in function.parameters.iter_non_variadic_params() {
        let Some(default) = parameter.default() else {
            continue;
        };
        let Some(kind) = mutable_kind(checker, defining, default) else {
            continue;
        };
        let name = parameter.parameter.name.as_str();
        // `_seen=[]`: a parameter no caller is meant to pass, kept on purpose.
        if name.starts_with('_') || is_cell(default, checker.model.scope(scope), name) {
            continue;
        }
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

/// True when the function is defined afresh, and with it its defaults, each time its `def`
/// runs: in a loop, or inside another function. Each function object then keeps state of its
/// own, a closure's way, and no call of the next one sees what this one's calls left.
fn made_afresh(checker: &Checker, defining: ScopeId, function: &ast::StmtFunctionDef) -> bool {
    let model = checker.model;
    model.scope(defining).is_function()
        || model
            .scope(defining)
            .bindings_of(function.name.as_str())
            .iter()
            .any(|binding| {
                binding.loop_id.is_some()
                    && matches!(binding.statement, Some(Stmt::FunctionDef(def)) if std::ptr::eq(def, function))
            })
}

/// `state=[0]` changed only through `state[0]`: a one-item list used as a cell for state kept
/// across calls on purpose, the idiom from before `nonlocal`.
fn is_cell(default: &Expr, body: &Scope, name: &str) -> bool {
    let Expr::List(ast::ExprList { elts, .. }) = default else {
        return false;
    };
    elts.len() == 1
        && body
            .references()
            .iter()
            .filter(|reference| reference.name == name)
            .all(|reference| {
                !matches!(
                    reference.usage,
                    Usage::Attribute { call: Some(_), .. } | Usage::AugmentedAssignment
                )
            })
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
    if mutates(body, name) {
        return Some("mutates it");
    }
    if hands_to_a_mutator(checker, scope, name) {
        return Some("passes it to a function of this module that mutates it");
    }
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(load) if load.id.as_str() == name);
    let mut stored_attributes = Vec::new();
    let mut returned = false;
    for_each_statement(&function.body, &mut |statement| match statement {
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => returned |= is_name(value),
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) if is_name(value) => {
            stored_attributes.extend(targets.iter().filter_map(self_attribute(function)));
        }
        _ => {}
    });
    let stored = stored_attributes
        .iter()
        .any(|attribute| class_mutates(checker, scope, attribute));
    let yielded = any_over_body(
        &function.body,
        |expr| matches!(expr, Expr::Yield(ast::ExprYield { value: Some(value), .. }) if is_name(value)),
    );
    if returned || yielded {
        Some("returns it to the caller")
    } else if stored {
        Some("stores it on the instance, where a method changes it")
    } else {
        None
    }
}

/// True when the loads of `name` in `body` change what it holds: a mutating method, an item
/// assignment, `+=`.
fn mutates(body: &Scope, name: &str) -> bool {
    body.references()
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
        })
}

/// True when `name` is passed, positionally, to a function defined in this module whose body
/// mutates the parameter it arrives in: the default escapes into a call that writes into it.
/// Functions of other modules are not looked into.
fn hands_to_a_mutator(checker: &Checker, scope: ScopeId, name: &str) -> bool {
    let model = checker.model;
    model
        .scope(scope)
        .references()
        .iter()
        .filter(|reference| reference.name == name)
        .any(|reference| {
            let Usage::Argument { call, index } = reference.usage else {
                return false;
            };
            let Expr::Name(callee) = call.func.as_ref() else {
                return false;
            };
            let Some(callee_scope) = defined_function(checker, scope, callee.id.as_str()) else {
                return false;
            };
            let ScopeNode::Function(def) = model.scope(callee_scope).node else {
                return false;
            };
            let parameters = &def.parameters;
            let Some(parameter) = parameters
                .posonlyargs
                .iter()
                .chain(&parameters.args)
                .nth(index)
            else {
                return false;
            };
            let parameter = parameter.parameter.name.as_str();
            let callee_body = model.scope(callee_scope);
            // Rebinding the parameter first means what it mutates may be another object.
            let rebound = callee_body.bindings_of(parameter).iter().any(|binding| {
                !matches!(
                    binding.kind,
                    BindingKind::Parameter | BindingKind::AugmentedAssignment { .. }
                )
            });
            !rebound && mutates(callee_body, parameter)
        })
}

/// The scope of the function `name` names from `scope`, when its one binding is a `def` in
/// this module.
fn defined_function(checker: &Checker, scope: ScopeId, name: &str) -> Option<ScopeId> {
    let model = checker.model;
    let owner = model.owner(scope, name)?;
    let [binding] = model.scope(owner).bindings_of(name) else {
        return None;
    };
    let Some(Stmt::FunctionDef(def)) = binding.statement else {
        return None;
    };
    model.scope(owner).children().iter().copied().find(
        |child| matches!(model.scope(*child).node, ScopeNode::Function(node) if std::ptr::eq(node, def)),
    )
}

/// For a method, `self.attribute` targets: the attribute's name.
fn self_attribute<'a>(function: &'a ast::StmtFunctionDef) -> impl Fn(&'a Expr) -> Option<&'a str> {
    move |target| {
        let Expr::Attribute(ast::ExprAttribute { value, attr, .. }) = target else {
            return None;
        };
        matches!(value.as_ref(), Expr::Name(base) if Some(base.id.as_str()) == first_parameter(function))
            .then_some(attr.as_str())
    }
}

/// True when a method of the class that the method `scope` belongs to mutates
/// `self.attribute`: calls a mutating method on it, assigns or deletes an item of it, or
/// augments it.
fn class_mutates(checker: &Checker, scope: ScopeId, attribute: &str) -> bool {
    let model = checker.model;
    let Some(ScopeNode::Class(class)) = model.scope(scope).parent.map(|id| model.scope(id).node)
    else {
        return false;
    };
    let mut mutated = false;
    for statement in &class.body {
        let Stmt::FunctionDef(method) = statement else {
            continue;
        };
        let Some(this) = first_parameter(method) else {
            continue;
        };
        let is_field = |expr: &Expr| {
            matches!(expr, Expr::Attribute(ast::ExprAttribute { value, attr, .. })
                if attr.as_str() == attribute
                    && matches!(value.as_ref(), Expr::Name(base) if base.id.as_str() == this))
        };
        let item_of_field = |expr: &Expr| matches!(expr, Expr::Subscript(ast::ExprSubscript { value, .. }) if is_field(value));
        for_each_statement(&method.body, &mut |statement| {
            mutated |= match statement {
                Stmt::Assign(ast::StmtAssign { targets, .. }) => targets.iter().any(item_of_field),
                Stmt::Delete(ast::StmtDelete { targets, .. }) => targets.iter().any(item_of_field),
                Stmt::AugAssign(ast::StmtAugAssign { target, .. }) => {
                    is_field(target) || item_of_field(target)
                }
                _ => false,
            };
        });
        mutated |= any_over_body(&method.body, |expr| {
            matches!(expr, Expr::Call(call) if matches!(call.func.as_ref(),
                Expr::Attribute(method) if MUTATING_METHODS.contains(&method.attr.as_str())
                    && is_field(&method.value)))
        });
    }
    mutated
}
