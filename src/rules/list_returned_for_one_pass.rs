#![doc = include_str!("../../rules/MEM307.md")]

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::common::for_each_statement;
use super::elements::elements;
use super::{Finding, Rule, RuleMeta};
use crate::checker::{iterations_of, loop_factors};
use crate::model::{Container, Elements, Iterations, Producer, Scenario, Severity};
use crate::project::Uses;
use crate::project::facts::FunctionCandidate;
use crate::semantic::{BindingKind, LoopNode, ScopeId, ScopeNode, SemanticModel, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM307",
    name: "list-returned-for-one-pass",
    summary: "a function builds and returns a list that every caller only iterates once",
    documentation: include_str!("../../rules/MEM307.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// The list a function returns: how it is built, its items, and how many (the trip counts of
/// the loops that build it, as far as the source shows them; the loops are placed on their
/// lines, as the function's source is gone when the finding is made).
#[derive(Clone, Debug)]
pub struct BuiltList {
    pub producer: Producer,
    pub elements: Elements,
    pub items: Iterations,
}

/// How a function builds the list it returns, when every `return` hands back a list it built:
/// a list comprehension, or a local filled by `.append()`/`.extend()` in a loop (an empty
/// `return []` is allowed beside either). `None` for anything else, for generators, coroutines
/// and decorated functions (a decorator may change what a call returns).
pub fn candidate(
    model: &SemanticModel,
    source: &str,
    def: &ast::StmtFunctionDef,
    line_of: impl Fn(TextSize) -> usize,
) -> Option<BuiltList> {
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
    let mut built = None;
    for ret in returns {
        match ret.value.as_deref() {
            Some(Expr::ListComp(comprehension)) => {
                built = Some(comprehended(model, source, comprehension));
            }
            Some(Expr::List(list)) if list.elts.is_empty() => {}
            Some(Expr::Name(name)) => {
                built = Some(filled_in_a_loop(model, source, scope, &name.id, &returned)?);
            }
            _ => return None,
        }
    }
    built.map(|mut built| {
        built.items = built.items.placed(line_of);
        built
    })
}

/// The items of a returned list comprehension; exact for one clause without filters.
fn comprehended(
    model: &SemanticModel,
    source: &str,
    comprehension: &ast::ExprListComp,
) -> BuiltList {
    let innermost = comprehension
        .generators
        .last()
        .and_then(|clause| model.loop_id(LoopNode::Comprehension(clause)));
    let mut factors = loop_factors(model, source, innermost, comprehension.elt.range());
    factors.truncate(comprehension.generators.len());
    let items = iterations_of(&factors);
    let elements = match comprehension.generators.as_slice() {
        [clause] if clause.ifs.is_empty() => elements(
            model,
            &comprehension.elt,
            model.loop_id(LoopNode::Comprehension(clause)),
        ),
        _ => Elements::Unknown,
    };
    BuiltList {
        producer: Producer::Comprehension,
        elements,
        items,
    }
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
    source: &str,
    scope: ScopeId,
    name: &str,
    returned: &[TextRange],
) -> Option<BuiltList> {
    let function = model.scope(scope);
    let [binding] = function.bindings_of(name) else {
        return None;
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
        return None;
    }
    let mut fills = Vec::new();
    for reference in function.references().iter().filter(|r| r.name == name) {
        match reference.usage {
            Usage::Attribute {
                attribute,
                call: Some(call),
                statement: true,
            } if matches!(attribute.attr.as_str(), "append" | "extend") => {
                fills.push((attribute.attr.as_str(), call, reference.loop_id));
            }
            _ if returned.contains(&reference.range) => {}
            _ => return None,
        }
    }
    let (_, first_call, first_loop) = fills.iter().find(|(_, _, loop_id)| loop_id.is_some())?;
    // Loops around the list's creation build it afresh; those between count its items.
    let factors: Vec<_> = loop_factors(model, source, *first_loop, first_call.range())
        .into_iter()
        .take_while(|factor| Some(factor.loop_id) != binding.loop_id)
        .collect();
    // A filling loop that can raise or return is a validation pass: every item is checked
    // before the caller sees any, which a generator would not do.
    let filling = model.loop_(factors.last()?.loop_id).node;
    let mut exits = false;
    for_each_statement(filling.body(), &mut |statement| {
        exits |= matches!(statement, Stmt::Raise(_) | Stmt::Return(_));
    });
    if exits {
        return None;
    }
    let items = iterations_of(&factors);
    // Only a single append tells what every item is.
    let elements = match fills.as_slice() {
        [("append", call, loop_id)] => match call.arguments.args.as_ref() {
            [item] if !item.is_starred_expr() => elements(model, item, *loop_id),
            _ => Elements::Unknown,
        },
        _ => Elements::Unknown,
    };
    Some(BuiltList {
        producer: Producer::AppendLoop,
        elements,
        items,
    })
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
pub fn judge(function: &FunctionCandidate, uses: &Uses) -> Option<Finding> {
    let calls: u32 = uses.calls.iter().map(|call| call.fact.calls).sum();
    let one_pass: u32 = uses.calls.iter().map(|call| call.fact.one_pass).sum();
    if uses.escapes || calls == 0 || one_pass < calls {
        return None;
    }
    let sites = match calls {
        1 => "its one call site in the checked files only iterates".to_string(),
        2 => "both its call sites in the checked files only iterate".to_string(),
        n => format!("all {n} of its call sites in the checked files only iterate"),
    };
    let what = match function.built.producer {
        // A function's list is never only counted; `Count` is MEM301's `len([...])`.
        Producer::Comprehension | Producer::Count => "a list comprehension",
        Producer::AppendLoop => "a list it fills in a loop",
    };
    Some(Finding {
        rule: Rule::ListReturnedForOnePass,
        range: function.range,
        message: format!("`{}` returns {what}, and {sites} it once", function.name),
        help: "Make it a generator: `yield` the items (or return a generator expression), so \
               no caller holds them all at once"
            .to_string(),
        scenario: Scenario::MaterialisedList {
            producer: function.built.producer,
            container: Container::List,
            elements: function.built.elements,
            kept: false,
        },
        iterations: function.built.items.clone(),
    })
}
