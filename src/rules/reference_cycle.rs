#![doc = include_str!("../../rules/MEM504.md")]

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::common::{first_parameter, for_each_statement};
use super::{Rule, RuleMeta};
use crate::checker::Checker;
use crate::model::{Iterations, Scenario, Severity};
use crate::semantic::{BindingKind, Context, Resolution, ScopeClass, ScopeId, ScopeNode, Usage};

pub const META: RuleMeta = RuleMeta {
    code: "MEM504",
    name: "reference-cycle",
    summary: "an object stores itself into an object it holds: a reference cycle without `weakref`",
    documentation: include_str!("../../rules/MEM504.md"),
    severity_floor: Severity::Info,
    same_as: &[],
};

/// Methods that store their arguments in the container they are called on.
const STORING_METHODS: &[&str] = &["append", "appendleft", "add", "insert", "setdefault"];

/// Methods that take items out of the container they are called on.
const EMPTYING_METHODS: &[&str] = &["pop", "popleft", "popitem", "remove", "discard", "clear"];

/// First-parameter names that conventionally hold a class, not an instance.
const CLASS_PARAMETERS: &[&str] = &["cls", "mcs", "mcls", "metacls"];

/// True for a call that evidently makes a weak container: `weakref.WeakSet()`, or any callee
/// whose name says so (`util.WeakSequence()`, a project's own `WeakList`). What it holds does
/// not keep it alive.
fn makes_weak_container(value: &Expr) -> bool {
    let Expr::Call(call) = value else {
        return false;
    };
    let name = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    name.contains("Weak") || name.contains("weak")
}

/// A name, or a chain of attributes on it, with or without a subscript at the end:
/// `child`, `child.parent`, `self.children`, `self.by_name[key]`.
struct Place<'a> {
    root: &'a str,
    /// The attributes after the root, outermost last.
    attributes: Vec<&'a str>,
}

impl<'a> Place<'a> {
    fn of(expr: &'a Expr) -> Option<Place<'a>> {
        let mut attributes = Vec::new();
        let mut current = expr;
        loop {
            match current {
                Expr::Name(name) => {
                    attributes.reverse();
                    return Some(Place {
                        root: name.id.as_str(),
                        attributes,
                    });
                }
                Expr::Attribute(attribute) => {
                    attributes.push(attribute.attr.as_str());
                    current = &attribute.value;
                }
                Expr::Subscript(subscript) => current = &subscript.value,
                _ => return None,
            }
        }
    }
}

/// One store seen in a method: `value` (a plain name) put into `into`.
struct Store<'a> {
    statement: &'a Stmt,
    into: Place<'a>,
    value: &'a str,
    /// `place.attribute = value`, rather than an item store or a storing method.
    attribute: bool,
    /// `place["key"] = value`: a named slot of a mapping, as a protocol registers an object
    /// (`environ["werkzeug.request"] = self`).
    string_key: bool,
}

/// How `this` holds the object it stores itself into.
enum Holds<'a> {
    /// Through a plain attribute (`self.parent = parent`): the other object is likely the
    /// owner, and `this` the part.
    Attribute(&'a str),
    /// In a container of its own (`self.children.append(child)`): `this` is the owner.
    Container,
}

pub fn check<'a>(
    checker: &mut Checker<'a>,
    context: &Context<'a>,
    method: &'a ast::StmtFunctionDef,
) {
    if context.scope_class() != ScopeClass::Class {
        return;
    }
    let class_scope = context.scope();
    let ScopeNode::Class(class) = checker.model.scope(class_scope).node else {
        return;
    };
    let not_bound = method.decorator_list.iter().any(|decorator| {
        matches!(&decorator.expression, Expr::Name(name)
            if matches!(name.id.as_str(), "staticmethod" | "classmethod")
                && checker.model.resolve(class_scope, name.id.as_str()) == Resolution::Builtin)
    });
    let Some(this) = first_parameter(method) else {
        return;
    };
    // Methods whose first parameter is a class (`__new__`, `__init_subclass__`, a metaclass's
    // methods): a class refers to itself through its own dict anyway.
    if not_bound || CLASS_PARAMETERS.contains(&this) {
        return;
    }
    if !hands_out(checker, class_scope, method, this) {
        return;
    }
    let mut stores = Vec::new();
    for_each_statement(&method.body, &mut |statement| {
        stores.extend(stores_in(statement))
    });
    // Most methods never store `self` anywhere; the class's fields, which take a look at every
    // method of the class, are needed only when one does.
    if !stores.iter().any(|store| store.value == this) {
        return;
    }
    let fields = instance_fields(checker, class_scope, class);
    for back in &stores {
        // `self.root = self`, `self.listeners.append(self)`: a one-object cycle written on
        // purpose. A slot of a mapping under a name (`environ["app.request"] = self`) is how a
        // protocol registers an object, and a dict cannot be held weakly.
        let self_loop = back.into.root == this && back.into.attributes.len() == 1;
        if back.value != this || self_loop || back.string_key {
            continue;
        }
        let Some(holds) = cycles_back(back, &stores, this, &fields) else {
            continue;
        };
        let holder = if back.into.root == this {
            format!(
                "`{}`",
                back.into.attributes.first().map_or(this, |first| first)
            )
        } else {
            format!("`{}`", back.into.root)
        };
        let help = match holds {
            Holds::Attribute(attribute) => format!(
                "{holder} likely owns `{this}`: hold it weakly instead (`{this}.{attribute} = weakref.ref(...)`, called to read it), or set `{this}.{attribute} = None` once they are done with each other"
            ),
            Holds::Container => format!(
                "Keep the back-reference weak: store `weakref.ref({this})`, called to read it, or hold the children in a `weakref.WeakSet`"
            ),
        };
        checker.report(
            Rule::ReferenceCycle,
            back.statement.range(),
            format!(
                "`{this}` stores itself into {holder}, which it also holds: a reference cycle only the cyclic garbage collector can free"
            ),
            help,
            Scenario::ReferenceCycle,
            Iterations::SINGLE,
        );
    }
}

/// False when the method's loads show that it only ever reads attributes of `this`
/// (`self.x`), so no statement can store `this` itself: most methods, told from the model
/// without going through their statements. True when unsure (a method behind type
/// parameters is not a child of the class's scope).
fn hands_out(
    checker: &Checker,
    class_scope: ScopeId,
    method: &ast::StmtFunctionDef,
    this: &str,
) -> bool {
    let model = checker.model;
    let method_scope = model.scope(class_scope).children().iter().find(|child| {
        matches!(model.scope(**child).node, ScopeNode::Function(def) if std::ptr::eq(def, method))
    });
    let Some(&method_scope) = method_scope else {
        return true;
    };
    model
        .scope(method_scope)
        .references()
        .iter()
        .any(|reference| {
            reference.name == this && !matches!(reference.usage, Usage::Attribute { .. })
        })
}

/// How `this` holds the object `back` stores `this` into, when it does: an attribute of `this`
/// itself (`self.parent.children.append(self)`), or a name that a strong store in the same
/// method puts into `this` (`self.children.append(child)` with `child.parent = self`). An
/// attribute counts when the class's methods assign it on the instance, and not a weak
/// container, a class (`self.mpf = RealElement; self.mpf.context = self` sets an attribute on
/// a class that lives forever anyway), or one some method lets go of (`self.parent = None` in
/// `close()`, `del self.children`, `self.children.clear()`): then the program frees the pair
/// itself, and the cyclic GC is not what frees it. A class-level registry (`instances = []` in
/// the class body) keeps instances alive forever rather than in a cycle.
fn cycles_back<'a>(
    back: &Store<'a>,
    stores: &[Store<'a>],
    this: &str,
    fields: &Fields,
) -> Option<Holds<'a>> {
    let held_attribute = |place: &Place<'a>| {
        let attribute = place.attributes.first()?;
        (place.root == this
            && fields.strong.contains(attribute)
            && !fields.weak.contains(attribute)
            && !fields.released.contains(attribute))
        .then_some(*attribute)
    };
    if back.into.root == this {
        if fields.emptied.contains(&back.into.attributes) {
            return None;
        }
        return held_attribute(&back.into).map(Holds::Attribute);
    }
    stores.iter().find_map(|forward| {
        if forward.value != back.into.root {
            return None;
        }
        let attribute = held_attribute(&forward.into)?;
        Some(if forward.attribute && forward.into.attributes.len() == 1 {
            Holds::Attribute(attribute)
        } else {
            Holds::Container
        })
    })
}

/// The stores of a plain name a statement makes: `place = name`, `place[key] = name`,
/// `place.append(name)` and the other storing methods.
fn stores_in(statement: &Stmt) -> Vec<Store<'_>> {
    let mut found = Vec::new();
    match statement {
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
            let Expr::Name(value) = value.as_ref() else {
                return found;
            };
            for target in targets {
                if matches!(target, Expr::Attribute(_) | Expr::Subscript(_))
                    && let Some(into) = Place::of(target)
                {
                    found.push(Store {
                        statement,
                        into,
                        value: value.id.as_str(),
                        attribute: target.is_attribute_expr(),
                        string_key: matches!(target, Expr::Subscript(subscript)
                            if subscript.slice.is_string_literal_expr()),
                    });
                }
            }
        }
        Stmt::Expr(ast::StmtExpr { value, .. }) => {
            let Expr::Call(call) = value.as_ref() else {
                return found;
            };
            let Expr::Attribute(method) = call.func.as_ref() else {
                return found;
            };
            if !STORING_METHODS.contains(&method.attr.as_str()) {
                return found;
            }
            let Some(into) = Place::of(&method.value) else {
                return found;
            };
            if let Some(Expr::Name(value)) = call.arguments.args.last() {
                found.push(Store {
                    statement,
                    into,
                    value: value.id.as_str(),
                    attribute: false,
                    string_key: false,
                });
            }
        }
        _ => {}
    }
    found
}

/// The attributes the class's methods assign on the instance (`self.name = ...`); those of
/// them assigned a weak container or a class; and those some method lets go of.
#[derive(Default)]
struct Fields<'a> {
    strong: Vec<&'a str>,
    weak: Vec<&'a str>,
    released: Vec<&'a str>,
    /// Containers reached from the instance that some method takes items out of
    /// (`self.db.stack.pop()` in `__exit__`): what `__enter__` pushed there is let go.
    emptied: Vec<Vec<&'a str>>,
}

fn instance_fields<'a>(
    checker: &Checker<'a>,
    class_scope: ScopeId,
    class: &'a ast::StmtClassDef,
) -> Fields<'a> {
    let mut fields = Fields::default();
    for statement in &class.body {
        let Stmt::FunctionDef(method) = statement else {
            continue;
        };
        let Some(this) = first_parameter(method) else {
            continue;
        };
        let own = |expr: &'a Expr| match expr {
            Expr::Attribute(ast::ExprAttribute { value, attr, .. }) if matches!(value.as_ref(), Expr::Name(base) if base.id.as_str() == this) => {
                Some(attr.as_str())
            }
            _ => None,
        };
        for_each_statement(&method.body, &mut |statement| {
            if let Some(released) = released_field(statement, &own) {
                fields.released.push(released);
            }
            if let Some(emptied) = emptied_container(statement, this) {
                fields.emptied.push(emptied);
            }
            let (targets, value) = match statement {
                Stmt::Assign(ast::StmtAssign { targets, value, .. }) => (targets.as_slice(), value),
                Stmt::AnnAssign(ast::StmtAnnAssign {
                    target,
                    value: Some(value),
                    ..
                }) => (std::slice::from_ref(target.as_ref()), value),
                _ => return,
            };
            let weak = makes_weak_container(value)
                || is_module_class(checker, class_scope, value)
                || makes_class(value);
            for attribute in targets.iter().filter_map(own) {
                fields.strong.push(attribute);
                if weak {
                    fields.weak.push(attribute);
                }
            }
        });
    }
    fields
}

/// The attributes from the instance to a container `statement` takes items out of:
/// `self.db.stack.pop()`, `self.registry.remove(self)`, `del self.owner.items[key]`.
fn emptied_container<'a>(statement: &'a Stmt, this: &str) -> Option<Vec<&'a str>> {
    let container = match statement {
        Stmt::Expr(ast::StmtExpr { value, .. }) => match value.as_ref() {
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(method) if EMPTYING_METHODS.contains(&method.attr.as_str()) => {
                    method.value.as_ref()
                }
                _ => return None,
            },
            _ => return None,
        },
        Stmt::Delete(ast::StmtDelete { targets, .. }) => match targets.as_slice() {
            [Expr::Subscript(subscript)] => subscript.value.as_ref(),
            _ => return None,
        },
        _ => return None,
    };
    let place = Place::of(container)?;
    (place.root == this && !place.attributes.is_empty()).then_some(place.attributes)
}

/// The attribute of the instance `statement` lets go of: `self.x = None`, `del self.x`,
/// `self.x.clear()`.
fn released_field<'a>(
    statement: &'a Stmt,
    own: &impl Fn(&'a Expr) -> Option<&'a str>,
) -> Option<&'a str> {
    match statement {
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) if value.is_none_literal_expr() => {
            targets.iter().find_map(own)
        }
        Stmt::Delete(ast::StmtDelete { targets, .. }) => targets.iter().find_map(own),
        Stmt::Expr(ast::StmtExpr { value, .. }) => match value.as_ref() {
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(method) if method.attr.as_str() == "clear" => own(&method.value),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// True for a call that makes a class at run time: `type(name, bases, namespace)`,
/// `type.__new__(Meta, ...)`, `Meta.__new__(Meta, ...)`, `types.new_class(...)`. A class is
/// in cycles of its own (its `__mro__`, its methods' globals), which only the cyclic garbage
/// collector frees, whatever refers back to it.
fn makes_class(value: &Expr) -> bool {
    let Expr::Call(call) = value else {
        return false;
    };
    match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str() == "type" && call.arguments.args.len() == 3,
        Expr::Attribute(method) => match method.attr.as_str() {
            "new_class" => true,
            "__new__" => matches!(method.value.as_ref(), Expr::Name(owner)
                if owner.id.as_str() == "type"
                    || owner.id.ends_with("Meta")
                    || owner.id.ends_with("Type")),
            _ => false,
        },
        _ => false,
    }
}

/// True for a name bound at module level by a `class` statement or an import: a class (or
/// module) object, which lives as long as the program does.
fn is_module_class(checker: &Checker, scope: ScopeId, value: &Expr) -> bool {
    let Expr::Name(name) = value else {
        return false;
    };
    let id = name.id.as_str();
    if !matches!(checker.model.resolve(scope, id), Resolution::Global { .. }) {
        return false;
    }
    let bindings = checker.model.scope(ScopeId::MODULE).bindings_of(id);
    !bindings.is_empty()
        && bindings.iter().all(|binding| {
            matches!(
                binding.kind,
                BindingKind::ClassDef | BindingKind::Import { .. } | BindingKind::FromImport
            )
        })
}
