//! The iterable of a `for` loop or comprehension clause, for the rules about iterating a
//! materialised copy (MEM303 to MEM306): what iterates it, how often it is built, and whether
//! the loop could change the object the copy was taken of.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;

use super::common::first_parameter;
use crate::checker::Checker;
use crate::model::Iterations;
use crate::semantic::{BindingKind, Context, Node, Resolution, ScopeClass, ScopeNode};

/// What iterates an expression once per evaluation.
#[derive(Clone, Copy, Debug)]
pub enum IteratedBy<'a> {
    For(&'a ast::StmtFor),
    /// A comprehension clause, and the whole comprehension it belongs to.
    Comprehension {
        comprehension: &'a Expr,
        clause: &'a ast::Comprehension,
    },
}

impl IteratedBy<'_> {
    /// True if code the loop runs on each iteration (a `for` body, `else` excluded; for a
    /// comprehension everything but this clause's own iterable, which runs before it)
    /// satisfies `test` at some expression.
    fn any_expr(self, test: &dyn Fn(&Expr) -> bool) -> bool {
        match self {
            IteratedBy::For(for_stmt) => {
                let mut finder = ExprFinder { test, found: false };
                for statement in &for_stmt.body {
                    finder.visit_stmt(statement);
                }
                finder.found
            }
            IteratedBy::Comprehension {
                comprehension,
                clause,
            } => {
                let outside =
                    |expr: &Expr| !clause.iter.range().contains_range(expr.range()) && test(expr);
                let mut finder = ExprFinder {
                    test: &outside,
                    found: false,
                };
                visitor::walk_expr(&mut finder, comprehension);
                finder.found
            }
        }
    }
}

struct ExprFinder<'t> {
    test: &'t dyn Fn(&Expr) -> bool,
    found: bool,
}

impl<'a> Visitor<'a> for ExprFinder<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        if (self.test)(expr) {
            self.found = true;
            return;
        }
        visitor::walk_expr(self, expr);
    }
}

/// The loop or clause that iterates `expr` directly, or through the builtin `enumerate`
/// (`for i, x in enumerate(expr)`), which iterates it lazily. `context` is the walk's context
/// at `expr`.
pub fn iterated_by<'a>(
    checker: &Checker<'a>,
    context: &Context<'a>,
    expr: &Expr,
) -> Option<IteratedBy<'a>> {
    find_iterator(context.parents(), expr, |call| {
        checker
            .model
            .is_builtin_call(context.scope(), call, "enumerate")
    })
}

/// True when `expr` may be the iterable of a loop, judged by the syntax around it: a cheap
/// test for the recorder, before the model can tell whether `enumerate` is the builtin.
pub fn may_be_iterated(context: &Context, expr: &Expr) -> bool {
    find_iterator(
        context.parents(),
        expr,
        |call| matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "enumerate"),
    )
    .is_some()
}

/// The loop or clause iterating `expr`, whose ancestors are `parents`, directly or as the
/// first argument of a call `is_enumerate` accepts.
fn find_iterator<'a>(
    parents: &[Node<'a>],
    expr: &Expr,
    is_enumerate: impl Fn(&ast::ExprCall) -> bool,
) -> Option<IteratedBy<'a>> {
    let (parent, rest) = parents.split_last()?;
    if let Some(found) = iterating(parent, expr) {
        return Some(found);
    }
    let Node::Expr(call_expr @ Expr::Call(call)) = *parent else {
        return None;
    };
    let arguments = &call.arguments;
    let enumerated = is_enumerate(call)
        && arguments
            .args
            .first()
            .is_some_and(|first| std::ptr::eq(first, expr))
        && arguments.args.len() + arguments.keywords.len() <= 2;
    if !enumerated {
        return None;
    }
    iterating(rest.last()?, call_expr)
}

fn iterating<'a>(parent: &Node<'a>, expr: &Expr) -> Option<IteratedBy<'a>> {
    match *parent {
        Node::Stmt(Stmt::For(for_stmt)) if std::ptr::eq(for_stmt.iter.as_ref(), expr) => {
            Some(IteratedBy::For(for_stmt))
        }
        Node::Expr(
            comprehension @ (Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. })),
        ) => generators
            .iter()
            .find(|clause| std::ptr::eq(&clause.iter, expr))
            .map(|clause| IteratedBy::Comprehension {
                comprehension,
                clause,
            }),
        _ => None,
    }
}

/// How often a copy of `copied` (an iterable expression) is made and how many items it has:
/// `items` items, built once per run of the loops around the iterable.
pub fn copy_iterations(
    checker: &Checker,
    context: &Context,
    copied: &Expr,
    items: Iterations,
) -> Iterations {
    items.repeated_by(checker.iterations(context.loop_id(), copied.range()))
}

/// The name or attribute chain an expression reads from (`d` for `d.keys()`, `self.items`
/// for `self.items[1:]`), as the objects the loop must leave alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source<'a> {
    /// The plain name at the root: `self` for `self.items`.
    pub root: &'a str,
    /// The attributes after the root, outermost last: `["items"]` for `self.items`.
    pub attributes: Vec<&'a str>,
}

impl<'a> Source<'a> {
    /// The name or attribute chain `expr` is, if it is one.
    pub fn of(expr: &'a Expr) -> Option<Source<'a>> {
        let mut attributes = Vec::new();
        let mut current = expr;
        loop {
            match current {
                Expr::Name(name) => {
                    attributes.reverse();
                    return Some(Source {
                        root: name.id.as_str(),
                        attributes,
                    });
                }
                Expr::Attribute(attribute) => {
                    attributes.push(attribute.attr.as_str());
                    current = &attribute.value;
                }
                _ => return None,
            }
        }
    }

    fn is(&self, expr: &Expr) -> bool {
        Source::of(expr).as_ref() == Some(self)
    }

    /// True if `expr` is an object this attribute source belongs to: `self` or `self.a` for
    /// `self.a.items`.
    fn is_owned_by(&self, expr: &Expr) -> bool {
        Source::of(expr).is_some_and(|owner| {
            owner.root == self.root
                && owner.attributes.len() < self.attributes.len()
                && self.attributes.starts_with(&owner.attributes)
        })
    }

    /// True if `expr` is this source or an attribute or item of it.
    fn reaches(&self, expr: &Expr) -> bool {
        let mut current = expr;
        loop {
            if self.is(current) {
                return true;
            }
            current = match current {
                Expr::Attribute(attribute) => &attribute.value,
                Expr::Subscript(subscript) => &subscript.value,
                _ => return false,
            };
        }
    }
}

/// Methods that read an object without changing it: calling them on the source in the loop
/// does not make the copy necessary.
const READING_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "count",
    "index",
    "copy",
    "startswith",
    "endswith",
    "format",
    "lower",
    "upper",
    "strip",
    "split",
    "join",
    "find",
    "__contains__",
    "__getitem__",
    "__len__",
];

/// True when the loop may change one of `sources` while it runs, or rebind a root name, so
/// iterating the source directly would not be the same as iterating a copy taken first:
/// - a method other than a known reader called on a source or anything reached from it;
/// - a source, or an item or attribute of it, assigned, deleted or augmented (`seq += more`
///   extends in place), or an item of an object an attribute source belongs to (`del
///   tag[name]` for `tag.attrs`); a root name rebound;
/// - a source, or for an attribute source an object it belongs to, passed to a call (which
///   may mutate it);
/// - a method called on an object an attribute source belongs to (`self.reset()` may change
///   `self.items`, `logging.root.removeHandler(h)` changes `logging.root.handlers`).
///
/// When unsure, this says yes: the rules stay silent.
pub fn loop_may_change(iterator: IteratedBy, sources: &[Source]) -> bool {
    let touches = |expr: &Expr| {
        sources.iter().any(|source| match expr {
            Expr::Call(call) => {
                let method_on_source = matches!(call.func.as_ref(), Expr::Attribute(method)
                    if source.reaches(&method.value)
                        && !READING_METHODS.contains(&method.attr.as_str()));
                let method_on_owner = matches!(call.func.as_ref(), Expr::Attribute(method)
                    if source.is_owned_by(&method.value));
                let passed = call
                    .arguments
                    .args
                    .iter()
                    .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
                    .any(|argument| {
                        let argument = match argument {
                            Expr::Starred(starred) => starred.value.as_ref(),
                            other => other,
                        };
                        source.is(argument) || source.is_owned_by(argument)
                    });
                method_on_source || method_on_owner || passed
            }
            // `del tag[name]` while iterating `tag.attrs`: the owner's item protocol may
            // change the attribute it keeps them in.
            Expr::Subscript(ast::ExprSubscript { ctx, value, .. }) => {
                *ctx != ExprContext::Load && (source.reaches(expr) || source.is_owned_by(value))
            }
            Expr::Attribute(ast::ExprAttribute { ctx, .. }) => {
                *ctx != ExprContext::Load && source.reaches(expr)
            }
            Expr::Name(name) => name.ctx != ExprContext::Load && name.id.as_str() == source.root,
            _ => false,
        })
    };
    iterator.any_expr(&touches)
}

/// True in a method whose loop may change its own object (`self.append(x)`, `self[k] = v`, any
/// method of `self` that is not a known reader) while what is copied is another of its
/// parameters: that parameter may be `self` itself (`x += x`, `x.extend(x)`), and the copy is
/// what keeps the loop from seeing its own changes.
pub fn may_be_the_receiver(
    checker: &Checker,
    context: &Context,
    iterator: IteratedBy,
    sources: &[Source],
) -> bool {
    let model = checker.model;
    let scope = model.scope(context.scope());
    let ScopeNode::Function(method) = scope.node else {
        return false;
    };
    let in_class = scope
        .parent
        .is_some_and(|parent| matches!(model.scope(parent).node, ScopeNode::Class(_)));
    let Some(receiver) = first_parameter(method).filter(|_| in_class) else {
        return false;
    };
    let copies_a_parameter = sources.iter().any(|source| {
        source.attributes.is_empty()
            && source.root != receiver
            && scope
                .bindings_of(source.root)
                .iter()
                .any(|binding| matches!(binding.kind, BindingKind::Parameter))
    });
    let own = Source {
        root: receiver,
        attributes: Vec::new(),
    };
    copies_a_parameter && loop_may_change(iterator, &[own])
}

/// Methods the loop target may be finished with that take it out of the container it
/// came from (`child.remove()`, `widget.destroy()`): a copy of that container is then needed.
const DETACHING_METHODS: &[&str] = &[
    "destroy",
    "remove",
    "close",
    "delete",
    "unlink",
    "detach",
    "cancel",
    "kill",
    "terminate",
    "unregister",
    "discard",
    "clear",
    "pop",
    "join",
    "stop",
    "shutdown",
    "release",
    "replace",
];

/// True when the loop's items may change the container they came from while it runs: it
/// calls one of [`DETACHING_METHODS`] on its target (or an attribute of it), which usually
/// takes the item out of its container, or calls the target itself (`for callback in
/// pending[n:]: callback()`), and a callback may register more. When a source is not a plain
/// local of the function (an attribute of some object, a global), any method called on an
/// item, or any attribute set on one, counts too: `cls.__declare_first__()` may unregister
/// `cls` from the registry iterated, and `b.a = a2` moves `b` out of `a1.bs` through an ORM
/// back-reference; so does an item handed to any call but a builtin's. A target that is not a
/// name or a tuple of names counts too, and so does a call of a function nested in this one
/// that reaches a source (`expand(b)` removing `b` from
/// the dict iterated).
pub fn items_may_change_container(
    checker: &Checker,
    context: &Context,
    iterator: IteratedBy,
    sources: &[Source],
) -> bool {
    let target = match iterator {
        IteratedBy::For(for_stmt) => for_stmt.target.as_ref(),
        IteratedBy::Comprehension { clause, .. } => &clause.target,
    };
    let targets: Vec<&str> = match target {
        Expr::Name(name) => vec![name.id.as_str()],
        Expr::Tuple(ast::ExprTuple { elts, .. }) => elts
            .iter()
            .filter_map(|element| element.as_name_expr().map(|name| name.id.as_str()))
            .collect(),
        _ => return true,
    };
    let shared = sources.iter().any(|source| {
        !source.attributes.is_empty()
            || checker.model.resolve(context.scope(), source.root) != Resolution::Local
    });
    let on_item =
        |expr: &Expr| Source::of(expr).is_some_and(|source| targets.contains(&source.root));
    let scope = context.scope();
    // Handed to a function or method, an item of a container other code can reach may be
    // taken out of it there (`self.clean_node(doc, child)` extracting `child`).
    let hands_an_item_on = |call: &ast::ExprCall| {
        shared
            && checker.model.builtin_callee(scope, call).is_none()
            && call
                .arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
                .any(|argument| matches!(argument, Expr::Name(name) if targets.contains(&name.id.as_str())))
    };
    iterator.any_expr(&|expr: &Expr| match expr {
        Expr::Call(call) if hands_an_item_on(call) => true,
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Name(called) => {
                targets.contains(&called.id.as_str())
                    || sources.iter().any(|source| {
                        checker
                            .model
                            .local_function_loads(scope, called.id.as_str(), source.root)
                    })
            }
            Expr::Attribute(method) => {
                (shared || DETACHING_METHODS.contains(&method.attr.as_str()))
                    && on_item(&method.value)
            }
            _ => false,
        },
        Expr::Attribute(attribute) => {
            shared && attribute.ctx != ExprContext::Load && on_item(&attribute.value)
        }
        _ => false,
    })
}

/// True when a copy of `sources` taken to be iterated may be what keeps the loop correct: the
/// loop may change a source ([`loop_may_change`]), its items may leave the container they
/// came from ([`items_may_change_container`]), a source may be the method's own object
/// ([`may_be_the_receiver`]), other code runs while it iterates
/// ([`others_run_while_iterating`]), or another thread may change a source
/// ([`shared_state`]). The rules about copies made only to be iterated stay silent then.
pub fn copy_may_protect(
    checker: &Checker,
    context: &Context,
    iterator: IteratedBy,
    sources: &[Source],
) -> bool {
    loop_may_change(iterator, sources)
        || items_may_change_container(checker, context, iterator, sources)
        || may_be_the_receiver(checker, context, iterator, sources)
        || others_run_while_iterating(checker, context, iterator, sources)
        || sources
            .iter()
            .any(|source| shared_state(checker, context, source))
}

/// True when code outside the loop runs while it iterates and may change a source: a
/// generator expression consumed by a call that changes it (`seen.update((v, u) for u, v in
/// list(seen))`), or a loop that yields or awaits, handing control to code that may change any
/// source the function did not make itself.
pub fn others_run_while_iterating(
    checker: &Checker,
    context: &Context,
    iterator: IteratedBy,
    sources: &[Source],
) -> bool {
    match iterator {
        IteratedBy::Comprehension {
            comprehension: generator @ Expr::Generator(_),
            ..
        } => consumer_changes_a_source(context, generator, sources),
        IteratedBy::Comprehension { .. } => false,
        IteratedBy::For(_) => {
            let suspends = iterator.any_expr(&|expr: &Expr| {
                matches!(expr, Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Await(_))
            });
            suspends
                && !sources
                    .iter()
                    .all(|source| made_here(checker, context, source))
        }
    }
}

/// True when `source` is a local the function itself fills with a fresh display or
/// comprehension, which no other code can reach while it does not hand it out.
fn made_here(checker: &Checker, context: &Context, source: &Source) -> bool {
    let bindings = checker
        .model
        .scope(context.scope())
        .bindings_of(source.root);
    source.attributes.is_empty()
        && checker.model.resolve(context.scope(), source.root) == Resolution::Local
        && !bindings.is_empty()
        && bindings.iter().all(|binding| {
            matches!(
                binding.kind,
                BindingKind::Assignment(
                    Expr::List(_)
                        | Expr::Dict(_)
                        | Expr::Set(_)
                        | Expr::Tuple(_)
                        | Expr::ListComp(_)
                        | Expr::DictComp(_)
                        | Expr::SetComp(_)
                )
            )
        })
}

/// True when the call consuming `generator` is a method of a source that is not a known
/// reader, or is handed a source too.
fn consumer_changes_a_source(context: &Context, generator: &Expr, sources: &[Source]) -> bool {
    let mut parents = context.parents().iter().rev();
    let found = parents
        .by_ref()
        .any(|node| matches!(node, Node::Expr(expr) if std::ptr::eq(*expr, generator)));
    let Some(Node::Expr(Expr::Call(call))) = parents.next().filter(|_| found) else {
        return false;
    };
    sources.iter().any(|source| {
        let method_on_source = matches!(call.func.as_ref(), Expr::Attribute(method)
            if source.reaches(&method.value)
                && !READING_METHODS.contains(&method.attr.as_str()));
        let handed = call
            .arguments
            .args
            .iter()
            .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
            .any(|argument| source.is(argument));
        method_on_source || handed
    })
}

/// Modules whose presence means threads or processes may share state: a snapshot of an
/// attribute or a global (`list(self._threads.values())`) is then often taken so that
/// another thread changing it cannot break the loop.
const CONCURRENCY_MODULES: &[&str] = &[
    "threading",
    "_thread",
    "multiprocessing",
    "concurrent",
    "asyncio",
    "queue",
];

/// True when `source` may be changed by code the loop cannot see: an imported module's
/// state (`sys.modules`, `os.environ`), or in a module that uses threads, anything but a
/// plain local of the function.
pub fn shared_state(checker: &Checker, context: &Context, source: &Source) -> bool {
    let model = checker.model;
    if model.imported_module(source.root).is_some() {
        return true;
    }
    let local = source.attributes.is_empty()
        && context.frame_class() == ScopeClass::Function
        && model.resolve(context.scope(), source.root) == Resolution::Local;
    !local && model.imports_any(CONCURRENCY_MODULES)
}

/// Libraries whose arrays slice to views and add element-wise: in a module importing one,
/// `a[1:]` and `a + b` may not be copies of a list at all.
pub const ARRAY_LIBRARIES: &[&str] = &[
    "numpy",
    "pandas",
    "polars",
    "torch",
    "tensorflow",
    "jax",
    "scipy",
    "xarray",
    "dask",
    "cupy",
    "pyspark",
    "modin",
    "cudf",
];
