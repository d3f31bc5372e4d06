//! Name resolution against what CPython's compiler decides. Each test resolves the loads in a
//! small module and checks them; `symtable` on CPython agrees with every expectation here.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, ModModule};
use ruff_python_parser::parse_module;

use super::*;

/// Parses `source` and returns, for every load of `name` in source order, how it resolves.
fn resolutions(source: &str, name: &str) -> Vec<Resolution> {
    resolutions_for(source, name, TargetVersion::DEFAULT)
}

fn resolutions_for(source: &str, name: &str, target: TargetVersion) -> Vec<Resolution> {
    let parsed = parse_module(source).expect("test source parses");
    let module: &ModModule = parsed.syntax();
    let model = SemanticModel::build(module, target);
    let mut found: Vec<(TextRange, Resolution)> = Vec::new();
    for index in 0..model.scopes.len() {
        let scope = ScopeId(index as u32);
        for reference in model.scope(scope).references() {
            if reference.name == name && !matches!(reference.usage, Usage::AugmentedAssignment) {
                found.push((reference.range, model.resolve(scope, name)));
            }
        }
    }
    found.sort_by_key(|(range, _)| range.start());
    // Every load the parser saw must have been recorded exactly once.
    assert_eq!(
        found.len(),
        count_loads(module, name),
        "loads of {name} recorded"
    );
    found
        .into_iter()
        .map(|(_, resolution)| resolution)
        .collect()
}

fn count_loads(module: &ModModule, name: &str) -> usize {
    struct Counter<'n> {
        name: &'n str,
        count: usize,
    }
    impl<'a> Visitor<'a> for Counter<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(n) = expr
                && n.ctx == ExprContext::Load
                && n.id.as_str() == self.name
            {
                self.count += 1;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut counter = Counter { name, count: 0 };
    counter.visit_body(&module.body);
    counter.count
}

use Resolution::{Builtin, Local, Unresolved};
const GLOBAL: Resolution = Resolution::Global { declared: false };
const DECLARED: Resolution = Resolution::Global { declared: true };

#[test]
fn a_name_bound_anywhere_in_a_function_is_local_even_before_its_binding() {
    let source = "x = 1\ndef f():\n    print(x)\n    x = 2\n    return x\n";
    assert_eq!(resolutions(source, "x"), [Local, Local]);
}

#[test]
fn parameters_imports_and_deletions_bind_locals() {
    let source = "\
def f(a, *args, b=1, **kw):
    import os.path
    from sys import argv as av
    del z
    return a, args, b, kw, os, av, z
";
    for name in ["a", "args", "b", "kw", "os", "av", "z"] {
        assert_eq!(resolutions(source, name), [Local], "{name}");
    }
}

#[test]
fn module_loads_are_global_then_builtin_then_unresolved() {
    let source = "import math\nmath.pi\nlen([])\nundefined_name\n";
    assert_eq!(resolutions(source, "math"), [GLOBAL]);
    assert_eq!(resolutions(source, "len"), [Builtin]);
    assert_eq!(resolutions(source, "undefined_name"), [Unresolved]);
}

#[test]
fn shadowing_a_builtin_at_module_level_makes_it_global() {
    let source = "def len(x):\n    return 0\ndef f():\n    return len([])\n";
    assert_eq!(resolutions(source, "len"), [GLOBAL]);
}

#[test]
fn global_and_nonlocal_declarations_override_binding() {
    let source = "\
counter = 0
def outer():
    total = 0
    def inner():
        global counter
        nonlocal total
        counter = counter + 1
        total = total + 1
    return inner
";
    assert_eq!(resolutions(source, "counter"), [DECLARED]);
    assert_eq!(
        resolutions(source, "total"),
        [Resolution::Enclosing(ScopeId(1))]
    );
}

#[test]
fn closures_see_enclosing_function_locals() {
    let source = "def outer():\n    v = 1\n    def inner():\n        return v\n    return inner\n";
    assert_eq!(
        resolutions(source, "v"),
        [Resolution::Enclosing(ScopeId(1))]
    );
}

#[test]
fn methods_do_not_see_class_body_names() {
    let source = "\
size = 'global'
class C:
    size = 'class'
    here = size
    def method(self):
        return size
    squares = [size for _ in range(3)]
";
    // The class body sees its own name; the method and the comprehension skip the class.
    assert_eq!(resolutions(source, "size"), [Local, GLOBAL, GLOBAL]);
}

#[test]
fn a_comprehensions_first_iterable_runs_in_the_enclosing_scope() {
    let source = "\
class C:
    items = [1, 2]
    doubled = [x * 2 for x in items]
    nested = [y for x in items for y in items]
";
    // The first iterable is evaluated in the class body; the second clause runs inside the
    // comprehension, which cannot see the class, and the module has no `items`.
    assert_eq!(resolutions(source, "items"), [Local, Local, Unresolved]);
}

#[test]
fn comprehension_targets_are_local_to_the_comprehension() {
    let source = "def f(rows):\n    x = 0\n    return [x for x in rows], x\n";
    // Inside the comprehension `x` is its own target; after it, the function's local.
    assert_eq!(resolutions(source, "x"), [Local, Local]);
}

#[test]
fn a_walrus_in_a_comprehension_binds_in_the_enclosing_function() {
    let source = "\
def f(rows):
    if any((last := r) for r in rows):
        return last
def g():
    return last
";
    assert_eq!(resolutions(source, "last"), [Local, Unresolved]);
}

#[test]
fn lambdas_and_defaults() {
    let source = "\
def f(a):
    g = lambda b=a: a + b
    return g
";
    // The default runs in `f`; the body's `a` is a free variable of the lambda.
    assert_eq!(
        resolutions(source, "a"),
        [Local, Resolution::Enclosing(ScopeId(1))]
    );
    assert_eq!(resolutions(source, "b"), [Local]);
}

#[test]
fn except_with_match_and_type_params_bind() {
    let source = "\
def f(value):
    try:
        pass
    except ValueError as error:
        print(error)
    with open('x') as handle:
        print(handle)
    match value:
        case [first, *rest]:
            print(first, rest)
        case {'k': v, **others}:
            print(v, others)
def g[T](x: T) -> T:
    return x
";
    for name in ["error", "handle", "first", "rest", "v", "others", "x"] {
        assert_eq!(resolutions(source, name), [Local], "{name}");
    }
    // The annotations are evaluated in the annotation scope that binds the type parameter.
    assert_eq!(resolutions(source, "T"), [Local, Local]);
}

#[test]
fn star_imports_make_unknown_names_global() {
    let source = "from os.path import *\ndef f():\n    return join('a', 'b')\n";
    assert_eq!(resolutions(source, "join"), [GLOBAL]);
}

#[test]
fn builtins_follow_the_target_version() {
    let source = "def f(it):\n    return anext(it)\n";
    let py39 = "py39".parse().expect("version");
    let py310 = "py310".parse().expect("version");
    assert_eq!(resolutions_for(source, "anext", py39), [Unresolved]);
    assert_eq!(resolutions_for(source, "anext", py310), [Builtin]);
}

#[test]
fn module_dunders_are_globals() {
    assert_eq!(
        resolutions("def f():\n    return __file__\n", "__file__"),
        [GLOBAL]
    );
}

#[test]
fn imported_modules_are_recognised_only_when_every_binding_imports_them() {
    let parsed =
        parse_module("import os.path\nimport numpy as np\nimport re\nre = None\nfrom x import y\n")
            .expect("parses");
    let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
    assert_eq!(model.imported_module("os"), Some("os"));
    assert_eq!(model.imported_module("np"), Some("numpy"));
    assert_eq!(model.imported_module("re"), None);
    assert_eq!(model.imported_module("y"), None);
    assert!(model.imports_any(&["numpy"]));
    assert!(!model.imports_any(&["pandas"]));
}

#[test]
fn loops_nest_within_a_function_and_reset_in_nested_functions() {
    let source = "\
def f(rows):
    for row in rows:
        while row:
            total = [c for c in row]
            def g():
                for x in range(10):
                    pass
";
    let parsed = parse_module(source).expect("parses");
    let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
    let depth = |index: u32| model.loop_chain(Some(LoopId(index))).count();
    // for, while, the comprehension clause, then the loop inside `g`.
    assert_eq!([depth(0), depth(1), depth(2), depth(3)], [1, 2, 3, 1]);
    assert_eq!(model.trip_count(LoopId(3)), Some(10));
}

#[test]
fn trip_counts_come_from_range_literals_only() {
    let source = "\
def f(n, range2):
    for a in range(1000): pass
    for b in range(10, 0, -3): pass
    for c in range(5, 5): pass
    for d in range(n): pass
    for e in range(0, 10, 0): pass
def g(range):
    for x in range(10): pass
";
    let parsed = parse_module(source).expect("parses");
    let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
    let counts: Vec<Option<u64>> = (0..6).map(|i| model.trip_count(LoopId(i))).collect();
    assert_eq!(counts, [Some(1000), Some(4), Some(0), None, None, None]);
}

#[test]
fn read_after_sees_whether_a_value_is_still_used() {
    let source = "\
def f(rows):
    seen = 0
    last = None
    for row in rows:
        seen = seen + 1
        last = row
    last = None
    total = 0
    for row in rows:
        total = total + row
    total = str(total)
    for row in rows:
        pass
    return seen, last, total
";
    let parsed = parse_module(source).expect("parses");
    let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
    let loop_end = model.loop_(LoopId(0)).node.range().end();
    assert!(model.read_after(ScopeId(1), "seen", loop_end));
    assert!(!model.read_after(ScopeId(1), "last", loop_end));
    assert!(!model.read_after(ScopeId(1), "row", loop_end));
    // `total = str(total)` reads the old value before it binds the new one.
    let second_loop_end = model.loop_(LoopId(1)).node.range().end();
    assert!(model.read_after(ScopeId(1), "total", second_loop_end));
    // The third loop binds `row` before anything reads it.
    assert!(!model.read_after(ScopeId(1), "row", second_loop_end));
}

#[test]
fn usages_describe_how_a_load_is_used() {
    let source = "\
def f(xs, items):
    xs.append(1)
    for x in xs:
        pass
    total = sum(xs)
    first = [y for y in xs]
    xs[0] = 1
    xs += [2]
";
    let parsed = parse_module(source).expect("parses");
    let model = SemanticModel::build(parsed.syntax(), TargetVersion::DEFAULT);
    let function = ScopeId(1);
    let usages: Vec<&str> = model
        .scope(function)
        .references()
        .iter()
        .filter(|reference| reference.name == "xs")
        .map(|reference| match reference.usage {
            Usage::Attribute {
                statement: true, ..
            } => "method statement",
            Usage::Attribute { .. } => "attribute",
            Usage::Argument { index: 0, .. } => "first argument",
            Usage::Argument { .. } => "argument",
            Usage::ForIterable(_) => "for",
            Usage::ItemAssignment => "item assignment",
            Usage::ComprehensionIterable => "comprehension",
            Usage::AugmentedAssignment => "augmented",
            Usage::Other => "other",
        })
        .collect();
    assert_eq!(
        usages,
        [
            "method statement",
            "for",
            "first argument",
            "comprehension",
            "item assignment",
            "augmented"
        ]
    );
}
