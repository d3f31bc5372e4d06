#![doc = include_str!("../../rules/MEM503.md")]

use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};

use super::common::first_parameter;
use super::{Finding, Rule, RuleMeta};
use crate::config::TargetVersion;
use crate::model::{Scenario, Severity};
use crate::project::Uses;
use crate::project::facts::ClassCandidate;
use crate::semantic::{BindingKind, ScopeId, ScopeNode, SemanticModel, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM503",
    name: "missing-slots",
    summary: "a class with a fixed set of attributes, instantiated in a loop, without `__slots__`",
    documentation: include_str!("../../rules/MEM503.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// The first minor version whose `@dataclass` takes `slots=True`.
const DATACLASS_SLOTS_MINOR: u8 = 10;

/// Names whose presence in a class means its instances need a `__dict__` (or already have
/// slots), or that customise attribute access or pickling in ways `__slots__` interferes with.
const DICT_DEPENDENT: &[&str] = &[
    "__slots__",
    "__dict__",
    "__weakref__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__getstate__",
    "__setstate__",
    "__reduce__",
    "__reduce_ex__",
    "__new__",
];

/// Builtins that reach an object's attributes by name or through its `__dict__`.
const DYNAMIC_ACCESS: &[&str] = &["setattr", "delattr", "vars"];

/// What a qualifying class stores on each instance.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Every attribute an instance gets, in the order first assigned.
    pub attributes: Vec<String>,
    /// A `@dataclass` (its fields are the attributes), to be given `slots=True`.
    pub dataclass: bool,
}

/// The attributes of a class whose instances could live without a `__dict__`: no base but
/// `object`, no metaclass, no decorator but a `@dataclass` without `slots` (on 3.10+), no
/// `__slots__` and nothing that reads or customises the instance dict; its attributes are
/// those `__init__` assigns to `self` (a dataclass's fields), and no method assigns others.
pub fn candidate(
    model: &SemanticModel,
    class: &ast::StmtClassDef,
    target: TargetVersion,
) -> Option<Shape> {
    if class.type_params.is_some() || !plain_bases(class) {
        return None;
    }
    let dataclass = match class.decorator_list.as_slice() {
        [] => false,
        [decorator]
            if target.minor() >= DATACLASS_SLOTS_MINOR
                && dataclass_without_slots(&decorator.expression) =>
        {
            true
        }
        _ => return None,
    };
    let scope = class_scope(model, class)?;
    let body = model.scope(scope);
    if DICT_DEPENDENT.iter().any(|name| body.binds(name)) {
        return None;
    }
    let fields = if dataclass {
        dataclass_fields(class)
    } else {
        init_attributes(model, scope)?
    };
    if fields.is_empty() {
        return None;
    }
    // A class attribute of an instance attribute's name (a default, a property) conflicts
    // with the slot `__slots__` would create; a dataclass's own defaults are handled by it.
    let conflicting = fields.iter().any(|field| {
        body.bindings_of(field).iter().any(|binding| {
            !dataclass
                || !matches!(
                    binding.kind,
                    BindingKind::Assignment(_) | BindingKind::Annotation
                )
        })
    });
    if conflicting || caches_on_instances(class) || !methods_keep_to(model, scope, &fields) {
        return None;
    }
    Some(Shape {
        attributes: fields,
        dataclass,
    })
}

/// A method decorated with `cached_property` (functools' or a framework's): it stores its
/// value in the instance `__dict__`, which `__slots__` takes away.
fn caches_on_instances(class: &ast::StmtClassDef) -> bool {
    class.body.iter().any(|statement| {
        let Stmt::FunctionDef(def) = statement else {
            return false;
        };
        def.decorator_list.iter().any(|decorator| {
            let name = match &decorator.expression {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attribute) => attribute.attr.as_str(),
                _ => "",
            };
            name == "cached_property"
        })
    })
}

fn plain_bases(class: &ast::StmtClassDef) -> bool {
    let Some(arguments) = &class.arguments else {
        return true;
    };
    arguments.keywords.is_empty()
        && arguments
            .args
            .iter()
            .all(|base| matches!(base, Expr::Name(name) if name.id.as_str() == "object"))
}

/// `@dataclass`, `@dataclasses.dataclass` or either called without a `slots` argument.
fn dataclass_without_slots(decorator: &Expr) -> bool {
    let (callee, keywords) = match decorator {
        Expr::Call(call) => {
            if !call.arguments.args.is_empty() {
                return false;
            }
            (call.func.as_ref(), call.arguments.keywords.as_ref())
        }
        other => (other, &[][..]),
    };
    let named = match callee {
        Expr::Name(name) => name.id.as_str() == "dataclass",
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "dataclass"
                && matches!(attribute.value.as_ref(), Expr::Name(module) if module.id.as_str() == "dataclasses")
        }
        _ => false,
    };
    named
        && keywords.iter().all(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() != "slots")
        })
}

fn class_scope(model: &SemanticModel, class: &ast::StmtClassDef) -> Option<ScopeId> {
    model
        .scope(ScopeId::MODULE)
        .children()
        .iter()
        .copied()
        .find(|id| matches!(model.scope(*id).node, ScopeNode::Class(node) if std::ptr::eq(node, class)))
}

/// The annotated names of a dataclass body, `ClassVar` and `InitVar` pseudo-fields left out.
fn dataclass_fields(class: &ast::StmtClassDef) -> Vec<String> {
    class
        .body
        .iter()
        .filter_map(|statement| match statement {
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target, annotation, ..
            }) if !pseudo_field(annotation) => match target.as_ref() {
                Expr::Name(name) => Some(name.id.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn pseudo_field(annotation: &Expr) -> bool {
    let head = match annotation {
        Expr::Subscript(subscript) => subscript.value.as_ref(),
        other => other,
    };
    let name = match head {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        Expr::StringLiteral(_) => return true,
        _ => return false,
    };
    matches!(name, "ClassVar" | "InitVar")
}

/// The attributes `__init__` assigns on its first parameter, when it is a plain method.
fn init_attributes(model: &SemanticModel, class_scope: ScopeId) -> Option<Vec<String>> {
    let (init, scope) =
        methods(model, class_scope).find(|(def, _)| def.name.as_str() == "__init__")?;
    if !init.decorator_list.is_empty() {
        return None;
    }
    let own = first_parameter(init)?;
    let mut attributes: Vec<String> = Vec::new();
    for (name, attribute) in attribute_stores(model, scope) {
        if name == own && !attributes.iter().any(|known| known == attribute) {
            attributes.push(attribute.to_string());
        }
    }
    Some(attributes)
}

/// The methods defined directly in the class body, with their scopes.
fn methods<'m, 'a>(
    model: &'m SemanticModel<'a>,
    class_scope: ScopeId,
) -> impl Iterator<Item = (&'a ast::StmtFunctionDef, ScopeId)> + 'm {
    model
        .scope(class_scope)
        .children()
        .iter()
        .filter_map(move |id| match model.scope(*id).node {
            ScopeNode::Function(def) => Some((def, *id)),
            _ => None,
        })
}

/// `(name, attribute)` of every `name.attribute = ...` (or `del`) in `scope`.
fn attribute_stores<'m, 'a>(
    model: &'m SemanticModel<'a>,
    scope: ScopeId,
) -> impl Iterator<Item = (&'a str, &'a str)> + 'm {
    model
        .scope(scope)
        .references()
        .iter()
        .filter_map(|reference| match reference.usage {
            Usage::Attribute { attribute, .. } if attribute.ctx != ExprContext::Load => {
                Some((reference.name, attribute.attr.as_str()))
            }
            _ => None,
        })
}

/// True when no method (nor code nested in one) stores an attribute outside `fields` on its
/// first parameter, reaches the instance dict, or sets attributes by name.
fn methods_keep_to(model: &SemanticModel, class_scope: ScopeId, fields: &[String]) -> bool {
    methods(model, class_scope).all(|(def, scope)| {
        let own = first_parameter(def).unwrap_or_default();
        let static_method = def.decorator_list.iter().any(|decorator| {
            matches!(&decorator.expression, Expr::Name(name)
                if matches!(name.id.as_str(), "staticmethod" | "classmethod"))
        });
        std::iter::once(scope)
            .chain(model.descendants(scope))
            .all(|inner| {
                let references = model.scope(inner).references();
                let dynamic = references.iter().any(|reference| {
                    DYNAMIC_ACCESS.contains(&reference.name)
                        || matches!(reference.usage, Usage::Attribute { attribute, .. }
                            if attribute.attr.as_str() == "__dict__")
                });
                let foreign = attribute_stores(model, inner).any(|(name, attribute)| {
                    name == own && (static_method || !fields.iter().any(|field| field == attribute))
                });
                !dynamic && !foreign
            })
    })
}

/// The finding for `class`, when some call site instantiates it in a loop and none adds
/// attributes to an instance.
pub fn judge(class: &ClassCandidate, uses: &Uses) -> Option<Finding> {
    let fields = &class.shape.attributes;
    let adds_attributes = uses.calls.iter().any(|call| {
        call.fact
            .stored_attributes
            .iter()
            .any(|attribute| !fields.contains(attribute))
    });
    let weakly_referenced = uses.calls.iter().any(|call| call.weakref_module);
    if adds_attributes || weakly_referenced {
        return None;
    }
    let kept_in_loops: u32 = uses.calls.iter().map(|call| call.fact.kept_in_loops).sum();
    let (iterations, row, path) = uses
        .calls
        .iter()
        .filter_map(|call| {
            let (iterations, row) = call.fact.costliest_loop.as_ref()?;
            Some((iterations, *row, call.path))
        })
        .max_by_key(|(iterations, _, _)| {
            (
                iterations.count.saturating_mul(iterations.runs),
                iterations.unshown_count.len(),
            )
        })?;
    let others = match kept_in_loops.saturating_sub(1) {
        0 => String::new(),
        1 => " and one other place".to_string(),
        n => format!(" and {n} other places"),
    };
    let k = fields.len();
    let (what, help) = if class.shape.dataclass {
        (
            "is a dataclass without `slots=True`",
            "Use `@dataclass(slots=True)`: the fields become slots and instances lose their `__dict__`".to_string(),
        )
    } else {
        (
            "has no `__slots__`",
            format!(
                "Declare `__slots__ = ({})` (add \"__weakref__\" if instances are weakly referenced)",
                fields
                    .iter()
                    .map(|field| format!("{field:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if k == 1 { "," } else { "" }
            ),
        )
    };
    Some(Finding {
        rule: Rule::MissingSlots,
        range: class.range,
        message: format!(
            "`{}` {what}: each instance keeps its {k} attribute{s} in a dict, and instances are made and kept in a loop at {}:{row}{others}",
            class.name,
            path.display(),
            s = if k == 1 { "" } else { "s" },
        ),
        help,
        scenario: Scenario::InstanceDict {
            attributes: k as u64,
        },
        iterations: iterations.clone().in_file(&path.display().to_string()),
    })
}
