//! Whether `==` against `None`, `True` or `False` may be meant, for the comparison rules
//! (MEM101, MEM102): their advice, `is`, is right only where the operand cannot have an
//! `__eq__` of its own.
//!
//! Libraries overload `==` to build something other than a `bool`: an SQL expression
//! (SQLAlchemy's `column("q") == None` is `q IS NULL`), a symbolic relation (sympy's
//! `Eq(a, b) == True` tests structurally, and `if eq:` raises), an element-wise array. There
//! `is` is never true and the advice breaks working code. The evidence is local: where the
//! comparison sits (a query method's argument, an index, a lambda handed to a library), what
//! the operand is (a value from such a library, an instance of a class of this module that
//! defines `__eq__`), and whether `==` itself is under test (`assert 1 == True`,
//! `is_false(conn == None)`).

use ruff_python_ast::{self as ast, Expr, Operator, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::common::first_parameter;
use crate::checker::Checker;
use crate::semantic::{BindingKind, Context, Node, ScopeId, ScopeNode};

/// Top-level packages whose objects overload `==` to build something other than a `bool`:
/// SQL expression and ORM libraries, symbolic mathematics, arrays and data frames, solvers.
const OVERLOADING_LIBRARIES: &[&str] = &[
    "sqlalchemy",
    "sqlmodel",
    "peewee",
    "pony",
    "sympy",
    "symengine",
    "numpy",
    "pandas",
    "polars",
    "torch",
    "tensorflow",
    "jax",
    "xarray",
    "dask",
    "cupy",
    "pyspark",
    "z3",
    "cvxpy",
    "pyomo",
    "casadi",
    "astropy",
    "pint",
];

/// Method and function names whose arguments are query or element-wise expressions in
/// SQLAlchemy, pandas, NumPy, Django and PySpark, where `==` is overloaded to build an
/// expression and `is` would silently break the query; `has` and `any` are SQLAlchemy's
/// relationship comparators (`User.addresses.any(Address.email == None)`).
const QUERY_CALLS: &[&str] = &[
    "filter",
    "filter_by",
    "where",
    "having",
    "query",
    "exclude",
    "when",
    "join",
    "outerjoin",
    "and_",
    "or_",
    "not_",
    "case",
    "has",
    "any",
    "select",
    "with_loader_criteria",
];

/// Libraries whose comparisons build expressions that are passed around as values (a query
/// condition, a symbolic equation), not tested for truth: in a module using one, a comparison
/// handed to a call, assigned or returned is such an expression.
const EXPRESSION_LIBRARIES: &[&str] = &[
    "sqlalchemy",
    "sqlmodel",
    "peewee",
    "pony",
    "sympy",
    "symengine",
    "pandas",
    "polars",
    "pyspark",
    "z3",
    "cvxpy",
    "pyomo",
];

/// Libraries of symbolic logic, whose truth values (`S.true`, an unevaluated relation) are
/// objects of their own: in a module using one, `x == True` tests for such an object, and
/// neither `is True` nor `if x:` is the same. Their assumptions (`x.is_positive`) are plain
/// fuzzy booleans.
const SYMBOLIC_LOGIC_LIBRARIES: &[&str] = &["sympy", "symengine", "z3"];

/// Builtins that call a function they are handed on plain values.
const CALLING_BUILTINS: &[&str] = &["filter", "map", "sorted", "min", "max", "any", "all"];

/// True when `other == singleton`, the link `compare` makes at `link`, may be meant as
/// written: it builds a query or element-wise expression, `other` may have an `__eq__` of its
/// own, or `==` itself is being tested.
pub fn may_be_meant(
    checker: &Checker,
    context: &Context,
    compare: &ast::ExprCompare,
    link: (&Expr, &Expr),
    other: &Expr,
) -> bool {
    builds_query(context, compare.range)
        || in_library_lambda(checker, context, compare.range)
        || (checker.model.imports_any(EXPRESSION_LIBRARIES) && used_as_a_value(context))
        || tests_equality(checker, context, link, compare.range)
        || may_overload(checker, context.scope(), other, 0)
}

/// True for `x == True` or `x == False` in a module using a library of symbolic logic, unless
/// `x` is one of its fuzzy-boolean assumptions (`expr.is_zero`), for which `is` is right.
pub fn symbolic_truth(checker: &Checker, other: &Expr) -> bool {
    let assumption = matches!(other, Expr::Attribute(attribute)
        if attribute.attr.as_str().starts_with("is_"));
    !assumption && checker.model.imports_any(SYMBOLIC_LOGIC_LIBRARIES)
}

/// True when the comparison being visited is a value handed on (an argument, an assigned,
/// returned or yielded value, an item of a display) rather than a condition tested for
/// truth: `stmt = select(t).where(...)` style code passes `t.c.x == None` around.
fn used_as_a_value(context: &Context) -> bool {
    match context.parents().last() {
        Some(Node::Expr(parent)) => matches!(
            parent,
            Expr::Call(_)
                | Expr::List(_)
                | Expr::Tuple(_)
                | Expr::Set(_)
                | Expr::Dict(_)
                | Expr::Yield(_)
                | Expr::Named(_)
        ),
        Some(Node::Stmt(statement)) => matches!(
            statement,
            Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::Return(_) | Stmt::Expr(_)
        ),
        None => false,
    }
}

/// True when the comparison being visited builds an element-wise or query expression: it sits
/// (through parentheses, tuples and `&`, `|`, `^`, `~`) in a subscript index (`df[df.a == None]`),
/// in the arguments of a query-style call (`.filter(User.name == None)`), or is combined with
/// bitwise operators, which on plain booleans nobody writes.
fn builds_query(context: &Context, comparison: TextRange) -> bool {
    let mut child = comparison;
    for node in context.parents().iter().rev() {
        let Node::Expr(expr) = node else {
            return false;
        };
        let from = std::mem::replace(&mut child, expr.range());
        match expr {
            Expr::BinOp(ast::ExprBinOp {
                op: Operator::BitAnd | Operator::BitOr | Operator::BitXor,
                ..
            })
            | Expr::UnaryOp(ast::ExprUnaryOp {
                op: ast::UnaryOp::Invert,
                ..
            }) => return true,
            Expr::Tuple(_) | Expr::List(_) => {}
            Expr::Subscript(subscript) => return subscript.slice.range().contains_range(from),
            Expr::Call(call) => {
                return call.arguments.range.contains_range(from) && is_query_call(call);
            }
            _ => return false,
        }
    }
    false
}

fn is_query_call(call: &ast::ExprCall) -> bool {
    let name = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    QUERY_CALLS.contains(&name)
}

/// True when the comparison is the body of a `lambda` handed to a call that is not a builtin
/// calling it on plain values, in a module using a library that overloads `==`: SQLAlchemy's
/// `lambda_stmt(lambda: select(t).where(...))`, `with_loader_criteria(A, lambda cls:
/// cls.deleted == False)`, a test helper resolving `lambda: t.c.x == None`.
fn in_library_lambda(checker: &Checker, context: &Context, comparison: TextRange) -> bool {
    if !checker.model.imports_any(OVERLOADING_LIBRARIES) {
        return false;
    }
    let mut parents = context.parents().iter().rev();
    let Some(Node::Expr(Expr::Lambda(lambda))) = parents.next() else {
        return false;
    };
    if lambda.body.range() != comparison {
        return false;
    }
    match parents.next() {
        Some(Node::Expr(Expr::Call(call))) => !checker
            .model
            .builtin_callee(context.scope(), call)
            .is_some_and(|builtin| CALLING_BUILTINS.contains(&builtin)),
        _ => true,
    }
}

/// True when `==` itself is what the code tests: both operands are constants (`assert 1 ==
/// True`), the comparison is handed whole to an assertion helper (`is_false(conn == None)`,
/// `self.assertTrue(x == None)`), or it sits in a test of equality (`def test_eq...`).
fn tests_equality(
    checker: &Checker,
    context: &Context,
    (left, right): (&Expr, &Expr),
    comparison: TextRange,
) -> bool {
    let constant = |expr: &Expr| expr.is_literal_expr() || expr.is_none_literal_expr();
    if constant(left) && constant(right) {
        return true;
    }
    let handed_to_helper = matches!(context.parents().last(), Some(Node::Expr(Expr::Call(call)))
        if call.arguments.args.iter().any(|argument| argument.range() == comparison)
            && is_assertion_helper(call));
    handed_to_helper || in_test_of_equality(checker, context)
}

/// `assert_...`, `assertTrue`, `is_false`, `eq_`, `ok_`, `expect`, `check`: the names test
/// suites give the functions that check a value.
fn is_assertion_helper(call: &ast::ExprCall) -> bool {
    let name = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    lower.starts_with("assert")
        || lower.starts_with("is_")
        || lower.starts_with("expect")
        || lower.starts_with("check")
        || matches!(lower.as_str(), "eq_" | "ne_" | "ok_" | "is" | "isnot")
}

/// True inside a test function about equality (`test_eq`, `test_bool_eq`,
/// `test_none_comparison`): what `==` does is its subject.
fn in_test_of_equality(checker: &Checker, context: &Context) -> bool {
    context.scopes().iter().rev().any(|(scope, _)| {
        let ScopeNode::Function(function) = checker.model.scope(*scope).node else {
            return false;
        };
        let name = function.name.as_str().to_ascii_lowercase();
        name.starts_with("test") && (name.contains("eq") || name.contains("compar"))
    })
}

/// How far names are followed to their values.
const MAX_DEPTH: u8 = 4;

/// True when `operand`, evaluated in `scope`, may be an object with its own `__eq__`: a
/// comparison or value rooted in a library that overloads `==` (`(a < b)` in a module using
/// one, `np.isnan(x)`, `column("q")`, `User.name` of a class derived from one), a name every
/// binding of which is such a value (`eq = Eq(a, b)`), or an instance of a class of this
/// module that defines `__eq__` or `__ne__` (`self` in its methods, a call of it).
fn may_overload(checker: &Checker, scope: ScopeId, operand: &Expr, depth: u8) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let model = checker.model;
    match operand {
        Expr::Compare(_) | Expr::BoolOp(_) => model.imports_any(OVERLOADING_LIBRARIES),
        Expr::Call(call) => {
            may_overload(checker, scope, &call.func, depth + 1)
                || defines_equality(checker, scope, &call.func)
        }
        Expr::Attribute(ast::ExprAttribute { value, .. })
        | Expr::Subscript(ast::ExprSubscript { value, .. }) => {
            may_overload(checker, scope, value, depth + 1)
        }
        Expr::Name(name) => name_may_overload(checker, scope, name.id.as_str(), depth),
        _ => false,
    }
}

fn name_may_overload(checker: &Checker, scope: ScopeId, name: &str, depth: u8) -> bool {
    let model = checker.model;
    let Some(owner) = model.owner(scope, name) else {
        return false;
    };
    if is_instance_with_equality(checker, owner, name) {
        return true;
    }
    let bindings = model.scope(owner).bindings_of(name);
    !bindings.is_empty()
        && bindings.iter().any(|binding| match binding.kind {
            BindingKind::Import { module } => overloading_package(module),
            BindingKind::FromImport => match binding.statement {
                Some(Stmt::ImportFrom(import)) if import.level == 0 => import
                    .module
                    .as_ref()
                    .is_some_and(|module| overloading_package(module.as_str())),
                _ => false,
            },
            BindingKind::Assignment(value) | BindingKind::NamedExpr(value) => {
                may_overload(checker, owner, value, depth + 1)
            }
            BindingKind::ClassDef => match binding.statement {
                Some(Stmt::ClassDef(class)) => class
                    .bases()
                    .iter()
                    .any(|base| may_overload(checker, owner, base, depth + 1)),
                _ => false,
            },
            _ => false,
        })
}

/// True when `module` is, or is inside, a package of [`OVERLOADING_LIBRARIES`].
fn overloading_package(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    OVERLOADING_LIBRARIES.contains(&top)
}

/// True for the first parameter of a method (`self`), or a method's other operand of
/// `__eq__`, in a class of this module that defines `__eq__` or `__ne__`.
fn is_instance_with_equality(checker: &Checker, scope: ScopeId, name: &str) -> bool {
    let model = checker.model;
    let ScopeNode::Function(method) = model.scope(scope).node else {
        return false;
    };
    let Some(ScopeNode::Class(class)) = model.scope(scope).parent.map(|id| model.scope(id).node)
    else {
        return false;
    };
    let is_operand = first_parameter(method) == Some(name)
        || (matches!(method.name.as_str(), "__eq__" | "__ne__")
            && method
                .parameters
                .args
                .get(1)
                .map(|p| p.parameter.name.as_str())
                == Some(name));
    is_operand && class_defines_equality(class)
}

/// True when `callee`, evaluated in `scope`, is a class of this module that defines `__eq__`
/// or `__ne__`: calling it makes an instance with its own `==`.
fn defines_equality(checker: &Checker, scope: ScopeId, callee: &Expr) -> bool {
    let Expr::Name(name) = callee else {
        return false;
    };
    let model = checker.model;
    let Some(owner) = model.owner(scope, name.id.as_str()) else {
        return false;
    };
    model
        .scope(owner)
        .bindings_of(name.id.as_str())
        .iter()
        .any(|binding| matches!(binding.statement, Some(Stmt::ClassDef(class)) if class_defines_equality(class)))
}

fn class_defines_equality(class: &ast::StmtClassDef) -> bool {
    class.body.iter().any(|statement| {
        matches!(statement, Stmt::FunctionDef(def) if matches!(def.name.as_str(), "__eq__" | "__ne__"))
    })
}

/// `subject` as it must be written before `is`: a comparison, `not`, `and`/`or`, a
/// conditional, a `lambda` or a walrus binds less tightly than `is`, so `abs(x) <= 1 is True`
/// would be a chained comparison; such an operand keeps its parentheses.
pub fn before_is(subject: &str, operand: &Expr) -> String {
    let loose = matches!(
        operand,
        Expr::Compare(_)
            | Expr::BoolOp(_)
            | Expr::If(_)
            | Expr::Lambda(_)
            | Expr::Named(_)
            | Expr::UnaryOp(ast::ExprUnaryOp {
                op: ast::UnaryOp::Not,
                ..
            })
    );
    if loose {
        format!("({subject})")
    } else {
        subject.to_string()
    }
}

/// `subject` as it must be written after `not`: `and`/`or`, a conditional, a `lambda` or a
/// walrus binds less tightly than `not`, and keeps its parentheses.
pub fn before_not(subject: &str, operand: &Expr) -> String {
    if matches!(
        operand,
        Expr::BoolOp(_) | Expr::If(_) | Expr::Lambda(_) | Expr::Named(_)
    ) {
        format!("({subject})")
    } else {
        subject.to_string()
    }
}
