#![doc = include_str!("../../rules/MEM307.md")]

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::common::for_each_statement;
use super::{Finding, Rule, RuleMeta};
use crate::model::{Container, Elements, Iterations, Producer, Scenario, Severity};
use crate::project::Uses;
use crate::project::facts::{FileFacts, FunctionCandidate, ResultUse};
use crate::semantic::{BindingKind, ScopeId, ScopeNode, SemanticModel, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM307",
    name: "list-returned-for-one-pass",
    summary: "a function builds and returns a list that every caller only iterates once",
    documentation: include_str!("../../rules/MEM307.md"),
    severity_floor: Severity::Info,
};

/// How a function builds the list it returns, when every `return` hands back a list it built:
/// a list comprehension, or a local filled by `.append()`/`.extend()` in a loop (an empty
/// `return []` is allowed beside either). `None` for anything else, for generators, coroutines
/// and decorated functions (a decorator may change what a call returns).
pub fn candidate(model: &SemanticModel, def: &ast::StmtFunctionDef) -> Option<Producer> {
    if def.is_async || !def.decorator_list.is_empty() {
        return None;
    }
    let mut returns = Vec::new();
    for_each_statement(&def.body, &mut |statement| {
        if let Stmt::Return(ret) = statement {
            returns.push(ret);
        }
    });
    if returns.is_empty()
        || any_over_body(&def.body, |expr| {
            matches!(expr, Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Await(_))
        })
    {
        return None;
    }
    let scope = function_scope(model, def)?;
    let returned: Vec<TextRange> = returns
        .iter()
        .filter_map(|ret| ret.value.as_deref().map(Ranged::range))
        .collect();
    let mut producer = None;
    for ret in returns {
        match ret.value.as_deref() {
            Some(Expr::ListComp(_)) => {
                producer.get_or_insert(Producer::Comprehension);
            }
            Some(Expr::List(list)) if list.elts.is_empty() => {}
            Some(Expr::Name(name)) if filled_in_a_loop(model, scope, &name.id, &returned) => {
                producer = Some(Producer::AppendLoop);
            }
            _ => return None,
        }
    }
    producer
}

fn function_scope(model: &SemanticModel, def: &ast::StmtFunctionDef) -> Option<ScopeId> {
    model
        .scope(ScopeId::MODULE)
        .children()
        .iter()
        .copied()
        .find(|id| matches!(model.scope(*id).node, ScopeNode::Function(node) if std::ptr::eq(node, def)))
}

/// `name = []` (or `list()`) once, then only `name.append(...)`/`name.extend(...)`
/// statements, at least one in a loop, and the `return`s in `returned`.
fn filled_in_a_loop(
    model: &SemanticModel,
    scope: ScopeId,
    name: &str,
    returned: &[TextRange],
) -> bool {
    let function = model.scope(scope);
    let [binding] = function.bindings_of(name) else {
        return false;
    };
    let empty_list = match binding.kind {
        BindingKind::Assignment(Expr::List(list)) => list.elts.is_empty(),
        BindingKind::Assignment(Expr::Call(call)) => {
            call.arguments.is_empty() && model.is_builtin_call(scope, call, "list")
        }
        _ => false,
    };
    if !empty_list
        || function.declares_global(name)
        || function.declares_nonlocal(name)
        || model.is_captured(scope, name)
    {
        return false;
    }
    let mut filled_in_loop = false;
    for reference in function.references().iter().filter(|r| r.name == name) {
        let fills = matches!(
            reference.usage,
            Usage::Attribute { attribute, call: Some(_), statement: true }
                if matches!(attribute.attr.as_str(), "append" | "extend")
        );
        if fills {
            filled_in_loop |= reference.loop_id.is_some();
        } else if !returned.contains(&reference.range) {
            return false;
        }
    }
    filled_in_loop
}

/// True when the module's `__all__` names `name`, or is not a literal list of names (then
/// every public name may be exported).
pub fn is_exported(model: &SemanticModel, name: &str) -> bool {
    let bindings = model.scope(ScopeId::MODULE).bindings_of("__all__");
    if bindings.is_empty() {
        return false;
    }
    let public = !name.starts_with('_');
    bindings.iter().any(|binding| {
        let value = match binding.kind {
            BindingKind::Assignment(value) => value,
            BindingKind::AugmentedAssignment { value, .. } => value,
            _ => return public,
        };
        let elements = match value {
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                elts
            }
            _ => return public,
        };
        elements.iter().any(|element| match element {
            Expr::StringLiteral(literal) => literal.value.to_str() == name,
            _ => public,
        })
    })
}

/// The finding for `function`, when it has call sites and every one iterates the result once.
pub fn judge(function: &FunctionCandidate, uses: &Uses, facts: &FileFacts) -> Option<Finding> {
    if uses.escapes
        || uses.calls.is_empty()
        || uses
            .calls
            .iter()
            .any(|(call, _)| call.result != ResultUse::OnePass)
    {
        return None;
    }
    let sites = match uses.calls.len() {
        1 => "its one call site in the checked files only iterates".to_string(),
        2 => "both its call sites in the checked files only iterate".to_string(),
        n => format!("all {n} of its call sites in the checked files only iterate"),
    };
    let what = match function.producer {
        Producer::Comprehension => "a list comprehension",
        Producer::AppendLoop => "a list it fills in a loop",
    };
    Some(Finding {
        rule: Rule::ListReturnedForOnePass,
        range: function.range,
        message: format!(
            "`{}` returns {what}, and {sites} it once",
            function.name
        ),
        help: "Make it a generator: `yield` the items (or return a generator expression), so \
               no caller holds them all at once"
            .to_string(),
        scenario: Scenario::MaterialisedList {
            producer: function.producer,
            container: Container::List,
            elements: Elements::Unknown,
        },
        iterations: Iterations::assumed(facts.assume_iterations),
    })
}
