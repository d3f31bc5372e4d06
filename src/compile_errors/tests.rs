//! Every case below was compiled with `compile()` by CPython 3.8 to 3.13: heaplint reports a
//! syntax error exactly when CPython of the target version raises one. Messages are CPython
//! 3.12's where the checker's differ; positions are heaplint's (CPython's columns move between
//! versions). A case holds from its version up to the next case with the same source.

use crate::config::Settings;
use crate::source::SourceFile;

/// Checks each `(source, target version, expected "row:column: message")`, reporting every
/// case that fails at once.
fn check(cases: &[(&str, &str, Option<&str>)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(source, target, expected)| {
            let found = compile_error(source, target);
            (found.as_deref() != expected)
                .then(|| format!("{source:?} on {target}: expected {expected:?}, found {found:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `row:column: message` of the syntax error heaplint reports for `source`, if any.
fn compile_error(source: &str, target: &str) -> Option<String> {
    let settings = Settings {
        target: target.parse().expect("a supported target version"),
        ..Settings::default()
    };
    let file = SourceFile::new("case.py".into(), source.to_string());
    let report = crate::check_source(file, &settings);
    let diagnostic = report.diagnostics.iter().find(|d| d.rule.is_none())?;
    let message = &diagnostic.message;
    let message = message.strip_prefix("SyntaxError: ").unwrap_or(message);
    let location = diagnostic.location;
    Some(format!("{}:{}: {message}", location.row, location.column))
}

/// `return`, `yield` and `await` where CPython's compiler allows them.
#[test]
#[rustfmt::skip]
fn functions() {
    check(&[
        ("return 1\n", "3.12", Some("1:1: 'return' outside function")),
        ("class C:\n    return\n", "3.12", Some("2:5: 'return' outside function")),
        ("yield 1\n", "3.12", Some("1:1: 'yield' outside function")),
        ("def f():\n    [(yield x) for x in y]\n", "3.12", Some("2:7: 'yield' inside list comprehension")),
        ("def f():\n    ((yield x) for x in y)\n", "3.12", Some("2:7: 'yield' inside generator expression")),
        ("lambda: (yield)\n", "3.12", None),
        ("await x\n", "3.12", Some("1:1: 'await' outside function")),
        ("def f():\n    await x\n", "3.12", Some("2:5: 'await' outside async function")),
        ("async def f():\n    lambda: await x\n", "3.12", Some("2:13: 'await' outside async function")),
        ("def f():\n    [await x for x in y]\n", "3.12", Some("2:6: 'await' outside async function")),
        ("async def f():\n    [await x for x in y]\n", "3.12", None),
        ("def f():\n    (await x for x in y)\n", "3.12", None),
        ("(await x for x in y)\n", "3.12", None),
        ("[x async for x in y]\n", "3.12", Some("1:4: asynchronous comprehension outside of an asynchronous function")),
        ("(x async for x in y)\n", "3.12", None),
        ("def f():\n    async for x in y: pass\n", "3.12", Some("2:5: 'async for' outside async function")),
        ("def f():\n    async with x: pass\n", "3.12", Some("2:5: 'async with' outside async function")),
        ("async def f():\n    class C:\n        await x\n", "3.12", Some("3:9: 'await' outside function")),
        ("async def f():\n    return [[x async for x in g(n)] for n in range(3)]\n", "3.8", Some("2:16: asynchronous comprehension outside of an asynchronous function")),
        ("async def f():\n    return [[x async for x in g(n)] for n in range(3)]\n", "3.11", None),
        ("def f():\n    ([await z for z in x] for x in y)\n", "3.8", Some("2:7: 'await' outside async function")),
        ("def f():\n    ([await z for z in x] for x in y)\n", "3.11", None),
        ("async def f():\n    yield from x\n", "3.12", Some("2:5: 'yield from' inside async function")),
        ("async def f():\n    yield 1\n    return 2\n", "3.12", Some("3:5: 'return' with value in async generator")),
        ("async def f():\n    yield 1\n    return\n", "3.12", None),
        ("async def f():\n    [x async for x in y]\n", "3.12", None),
        ("async def f():\n    def g(x=await y): pass\n", "3.12", None),
        ("def f():\n    def g(x=(yield)): pass\n", "3.12", None),
        ("class C:\n    def g(x=(yield)): pass\n", "3.12", Some("2:14: 'yield' outside function")),
        ("async def f():\n    @(await d)\n    def g(): pass\n", "3.8", Some("2:7: Cannot use `await` expression outside function call arguments in a decorator on Python 3.8 (syntax was added in Python 3.9)")),
        ("async def f():\n    @(await d)\n    def g(): pass\n", "3.9", None),
        ("class C:\n    x = lambda: (yield)\n", "3.12", None),
        ("async def f():\n    class C:\n        x = [await y for y in z]\n", "3.12", Some("3:14: 'await' outside function")),
        ("class C:\n    (await x for x in y)\n", "3.12", None),
        ("def f():\n    [(await x for x in y) for z in w]\n", "3.12", None),
        ("def f():\n    [[await z for z in x] for x in y]\n", "3.12", Some("2:7: 'await' outside async function")),
        ("def f():\n    (x async for x in y)\n", "3.12", None),
        ("def f():\n    ([x async for x in y] for z in w)\n", "3.8", Some("2:9: asynchronous comprehension outside of an asynchronous function")),
        ("def f():\n    ([x async for x in y] for z in w)\n", "3.11", None),
        ("def f():\n    class C:\n        yield 1\n", "3.12", Some("3:9: 'yield' outside function")),
        ("def f():\n    [(yield from x) for x in y]\n", "3.12", Some("2:7: 'yield' inside list comprehension")),
        ("def f():\n    {(yield x) for x in y}\n", "3.12", Some("2:7: 'yield' inside set comprehension")),
        ("def f():\n    {x: (yield x) for x in y}\n", "3.12", Some("2:10: 'yield' inside dict comprehension")),
        ("def f():\n    [x for x in (yield)]\n", "3.12", None),
        ("async def f():\n    yield 1\n    def g():\n        return 1\n", "3.12", None),
        ("async def f():\n    return 1\n", "3.12", None),
        ("async def f():\n    lambda: (yield)\n    return 1\n", "3.12", None),
        ("def f():\n    class C:\n        return 1\n", "3.12", Some("3:9: 'return' outside function")),
        ("async def f():\n    class C:\n        (await x for x in y)\n", "3.12", None),
        ("class C:\n    @(await x)\n    def f(): pass\n", "3.8", Some("2:7: Cannot use `await` expression outside function call arguments in a decorator on Python 3.8 (syntax was added in Python 3.9)")),
        ("class C:\n    @(await x)\n    def f(): pass\n", "3.9", Some("2:7: 'await' outside function")),
        ("def f():\n    def g(a=await x): pass\n", "3.12", Some("2:13: 'await' outside async function")),
        ("def f():\n    f'{await x}'\n", "3.12", Some("2:8: 'await' outside async function")),
        ("f'{(yield)}'\n", "3.12", Some("1:5: 'yield' outside function")),
        ("async def f():\n    lambda a=await x: 0\n", "3.12", None),
        ("lambda a=(yield): 0\n", "3.12", Some("1:11: 'yield' outside function")),
        ("async def f():\n    (yield x for x in y)\n    return 1\n", "3.12", Some("2:6: 'yield' inside generator expression")),
        ("async def f():\n    [x async for x in y]\n", "3.12", None),
        ("async def f():\n    lambda: [x async for x in y]\n", "3.12", Some("2:16: asynchronous comprehension outside of an asynchronous function")),
        ("async def f():\n    def g():\n        await x\n", "3.12", Some("3:9: 'await' outside async function")),
    ]);
}

/// `break` and `continue` only in a loop of the same function.
#[test]
#[rustfmt::skip]
fn loops() {
    check(&[
        ("break\n", "3.12", Some("1:1: 'break' outside loop")),
        ("continue\n", "3.12", Some("1:1: 'continue' not properly in loop")),
        ("for x in y:\n    class C:\n        break\n", "3.12", Some("3:9: 'break' outside loop")),
        ("while x:\n    pass\nelse:\n    break\n", "3.12", Some("4:5: 'break' outside loop")),
        ("for a in b:\n    for x in y:\n        pass\n    else:\n        break\n", "3.12", None),
        ("for x in y:\n    try:\n        pass\n    finally:\n        continue\n", "3.12", None),
        ("for x in y:\n    try:\n        break\n    finally:\n        pass\n", "3.12", None),
        ("while 1:\n    try:\n        pass\n    except:\n        break\n", "3.12", None),
        ("for x in y:\n    def f():\n        continue\n", "3.12", Some("3:9: 'continue' not properly in loop")),
        ("while 1:\n    for x in y:\n        pass\n    else:\n        break\n", "3.12", None),
    ]);
}

/// What `global` and `nonlocal` may follow and refer to.
#[test]
#[rustfmt::skip]
fn declarations() {
    check(&[
        ("nonlocal x\n", "3.12", Some("1:1: nonlocal declaration not allowed at module level")),
        ("def f():\n    nonlocal x\n", "3.12", Some("2:5: no binding for nonlocal 'x' found")),
        ("def f():\n    def g():\n        nonlocal x\n        x = 2\n    x = 1\n", "3.12", None),
        ("class C:\n    nonlocal x\n", "3.12", Some("2:5: no binding for nonlocal 'x' found")),
        ("def f():\n    x = 1\n    class C:\n        def g():\n            nonlocal x\n", "3.12", None),
        ("class C:\n    x = 1\n    def g():\n        nonlocal x\n", "3.12", Some("4:9: no binding for nonlocal 'x' found")),
        ("def f():\n    x = 1\n    def g():\n        global x\n        def h():\n            nonlocal x\n", "3.12", Some("6:13: no binding for nonlocal 'x' found")),
        ("def f():\n    x = 1\n    def g():\n        nonlocal x\n        def h():\n            nonlocal x\n", "3.12", None),
        ("def f(x):\n    nonlocal x\n", "3.12", Some("2:5: no binding for nonlocal 'x' found")),
        ("def f(x):\n    def g():\n        nonlocal x\n", "3.12", None),
        ("def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n", "3.12", Some("5:9: name 'x' is nonlocal and global")),
        ("def f():\n    x = 1\n    def g():\n        print(x)\n        nonlocal x\n", "3.12", Some("5:9: name 'x' is used prior to nonlocal declaration")),
        ("def f(x):\n    global x\n", "3.12", Some("2:12: name 'x' is parameter and global")),
        ("def f():\n    print(x)\n    global x\n", "3.12", Some("3:5: name 'x' is used prior to global declaration")),
        ("def f():\n    x = 1\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    x += 1\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    x: int\n    global x\n", "3.12", Some("3:5: annotated name 'x' can't be global")),
        ("def f():\n    global x\n    x: int\n", "3.12", Some("3:5: annotated name 'x' can't be global")),
        ("global x\nx: int = 1\n", "3.12", None),
        ("x = 1\nglobal x\n", "3.12", Some("2:1: name 'x' is assigned to before global declaration")),
        ("print(x)\nglobal x\n", "3.12", Some("2:1: name 'x' is used prior to global declaration")),
        ("def f():\n    def g():\n        return x\n    global x\n", "3.12", None),
        ("def f():\n    del x\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    import x\n    global x\n", "3.12", None),
        ("def f():\n    [x for _ in y]\n    global x\n", "3.12", None),
        ("def f():\n    global x\n    global x\n", "3.12", None),
        ("def f():\n    [lambda: x for x in y]\n", "3.12", None),
        ("class C:\n    y = x\n    global x\n", "3.12", Some("3:5: name 'x' is used prior to global declaration")),
        ("def f[T]():\n    def g():\n        nonlocal T\n", "3.8", Some("1:6: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f[T]():\n    def g():\n        nonlocal T\n", "3.9", Some("1:6: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f[T]():\n    def g():\n        nonlocal T\n", "3.10", Some("1:6: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f[T]():\n    def g():\n        nonlocal T\n", "3.11", Some("1:6: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f[T]():\n    def g():\n        nonlocal T\n", "3.12", Some("3:9: nonlocal binding not allowed for type parameter 'T'")),
        ("def f():\n    for x in y: pass\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    def x(): pass\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    class x: pass\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    with a as x: pass\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    try: pass\n    except E as x: pass\n    global x\n", "3.12", Some("4:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    (x := 1)\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    [(x := 1) for y in z]\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    from a import x\n    global x\n", "3.12", None),
        ("def f():\n    import a as x\n    global x\n", "3.12", None),
        ("def f():\n    match a:\n        case x: pass\n    global x\n", "3.8", Some("2:5: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("def f():\n    match a:\n        case x: pass\n    global x\n", "3.9", Some("2:5: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("def f():\n    match a:\n        case x: pass\n    global x\n", "3.10", Some("4:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    def g(a=x): pass\n    global x\n", "3.12", Some("3:5: name 'x' is used prior to global declaration")),
        ("def f():\n    @x\n    def g(): pass\n    global x\n", "3.12", Some("4:5: name 'x' is used prior to global declaration")),
        ("def f():\n    [a for a in x]\n    global x\n", "3.12", Some("3:5: name 'x' is used prior to global declaration")),
        ("def f():\n    x: int = 1\n    global x\n", "3.12", Some("3:5: annotated name 'x' can't be global")),
        ("def f():\n    a: int = (x := 1)\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    del x.a\n    global x\n", "3.12", Some("3:5: name 'x' is used prior to global declaration")),
        ("def f():\n    x.a += 1\n    global x\n", "3.12", Some("3:5: name 'x' is used prior to global declaration")),
        ("def f():\n    type x = int\n    global x\n", "3.8", Some("2:5: Cannot use `type` alias statement on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f():\n    type x = int\n    global x\n", "3.9", Some("2:5: Cannot use `type` alias statement on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f():\n    type x = int\n    global x\n", "3.10", Some("2:5: Cannot use `type` alias statement on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f():\n    type x = int\n    global x\n", "3.11", Some("2:5: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f():\n    type x = int\n    global x\n", "3.12", Some("3:5: name 'x' is assigned to before global declaration")),
        ("def f():\n    x = 1\n    def g():\n        x = 2\n        nonlocal x\n", "3.12", Some("5:9: name 'x' is assigned to before nonlocal declaration")),
        ("def f():\n    x = 1\n    lambda x: 0\n", "3.12", None),
        ("def f():\n    [x for x in y]\n    def g():\n        nonlocal x\n", "3.12", Some("4:9: no binding for nonlocal 'x' found")),
        ("def f():\n    x = 1\n    class C:\n        nonlocal x\n", "3.12", None),
        ("def f():\n    class C:\n        x = 1\n        def g():\n            nonlocal x\n", "3.12", Some("5:13: no binding for nonlocal 'x' found")),
        ("x = 1\ndef f():\n    nonlocal x\n", "3.12", Some("3:5: no binding for nonlocal 'x' found")),
        ("def f():\n    import x\n    def g():\n        nonlocal x\n", "3.12", None),
        ("def f():\n    del x\n    def g():\n        nonlocal x\n", "3.12", None),
        ("def f():\n    x: int\n    def g():\n        nonlocal x\n", "3.12", None),
        ("def f():\n    global x\n    def g():\n        nonlocal x\n", "3.12", Some("4:9: no binding for nonlocal 'x' found")),
        ("def f():\n    x = 1\n    def g(a=lambda: x):\n        nonlocal x\n", "3.12", None),
        ("x: int\nglobal x\n", "3.12", Some("2:1: annotated name 'x' can't be global")),
        ("def f():\n    x = 1\n    def g():\n        nonlocal x\n        x: int\n", "3.12", Some("5:9: annotated name 'x' can't be nonlocal")),
        ("def f():\n    class C:\n        from os import *\n", "3.12", Some("3:9: import * only allowed at module level")),
        ("class C[T]:\n    def g(self):\n        nonlocal T\n", "3.8", Some("1:8: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("class C[T]:\n    def g(self):\n        nonlocal T\n", "3.9", Some("1:8: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("class C[T]:\n    def g(self):\n        nonlocal T\n", "3.10", Some("1:8: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("class C[T]:\n    def g(self):\n        nonlocal T\n", "3.11", Some("1:8: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("class C[T]:\n    def g(self):\n        nonlocal T\n", "3.12", Some("3:9: nonlocal binding not allowed for type parameter 'T'")),
        ("def f(x):\n    lambda: 0\n    global y\n", "3.12", None),
    ]);
}

/// `from __future__` imports: first in the module, known features.
#[test]
#[rustfmt::skip]
fn future() {
    check(&[
        ("import os\nfrom __future__ import annotations\n", "3.12", Some("2:1: from __future__ imports must occur at the beginning of the file")),
        ("'''doc'''\nfrom __future__ import annotations\n", "3.12", None),
        ("b'''doc'''\nfrom __future__ import annotations\n", "3.12", Some("2:1: from __future__ imports must occur at the beginning of the file")),
        ("from __future__ import rested_snopes\n", "3.12", Some("1:24: future feature rested_snopes is not defined")),
        ("from __future__ import braces\n", "3.12", Some("1:24: not a chance")),
        ("from __future__ import *\n", "3.12", Some("1:24: future feature * is not defined")),
        ("def f():\n    from __future__ import annotations\n", "3.12", Some("2:5: from __future__ imports must occur at the beginning of the file")),
        ("from __future__ import annotations\nfrom __future__ import division\n", "3.12", None),
        ("'''doc'''\nfrom __future__ import annotations\nfrom __future__ import division\n", "3.12", None),
        ("'''doc'''\n'''doc2'''\nfrom __future__ import annotations\n", "3.12", Some("3:1: from __future__ imports must occur at the beginning of the file")),
        ("f'''doc'''\nfrom __future__ import annotations\n", "3.12", Some("2:1: from __future__ imports must occur at the beginning of the file")),
        ("from __future__ import (annotations,\n    division)\nimport os\n", "3.12", None),
        ("from __future__ import barry_as_FLUFL\n", "3.12", None),
        ("from __future__ import barry_as_FLUFL\n1 <> 2\n", "3.12", Some("2:4: Expected an expression")),
        ("if x:\n    from __future__ import annotations\n", "3.12", Some("2:5: from __future__ imports must occur at the beginning of the file")),
        ("from __future__ import annotations as a\n", "3.12", None),
        ("1 <> 2\n", "3.12", Some("1:4: Expected an expression")),
    ]);
}

/// `__debug__` cannot be bound, by any kind of binding, nor deleted since 3.10.
#[test]
#[rustfmt::skip]
fn debug() {
    check(&[
        ("__debug__ = 1\n", "3.12", Some("1:1: cannot assign to __debug__")),
        ("del __debug__\n", "3.8", None),
        ("del __debug__\n", "3.10", Some("1:5: cannot delete __debug__")),
        ("def f(__debug__): pass\n", "3.12", Some("1:7: cannot assign to __debug__")),
        ("f(__debug__=1)\n", "3.12", Some("1:3: cannot assign to __debug__")),
        ("x.__debug__ = 1\n", "3.12", Some("1:3: cannot assign to __debug__")),
        ("x.__debug__\n", "3.12", None),
        ("import __debug__\n", "3.12", Some("1:8: cannot assign to __debug__")),
        ("for __debug__ in x: pass\n", "3.12", Some("1:5: cannot assign to __debug__")),
        ("def f(*, __debug__): pass\n", "3.12", Some("1:10: cannot assign to __debug__")),
        ("match x:\n    case __debug__:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case __debug__:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case __debug__:\n        pass\n", "3.10", Some("2:10: cannot assign to __debug__")),
        ("class __debug__: pass\n", "3.12", Some("1:7: cannot assign to __debug__")),
        ("(__debug__ := 1)\n", "3.12", Some("1:2: cannot assign to __debug__")),
        ("__debug__ += 1\n", "3.12", Some("1:1: cannot assign to __debug__")),
        ("with a as __debug__: pass\n", "3.12", Some("1:11: cannot assign to __debug__")),
        ("try:\n    pass\nexcept E as __debug__:\n    pass\n", "3.12", Some("3:13: cannot assign to __debug__")),
        ("lambda *, __debug__: 0\n", "3.12", Some("1:11: cannot assign to __debug__")),
        ("class C(__debug__=1): pass\n", "3.12", Some("1:9: cannot assign to __debug__")),
        ("a, *__debug__ = b\n", "3.12", Some("1:5: cannot assign to __debug__")),
        ("from a import b as __debug__\n", "3.12", Some("1:20: cannot assign to __debug__")),
        ("def f():\n    global __debug__\n", "3.12", None),
        ("def f():\n    __debug__\n    def g():\n        nonlocal __debug__\n", "3.12", Some("4:9: no binding for nonlocal '__debug__' found")),
        ("def f[__debug__](): pass\n", "3.8", Some("1:6: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f[__debug__](): pass\n", "3.9", Some("1:6: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f[__debug__](): pass\n", "3.10", Some("1:6: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f[__debug__](): pass\n", "3.11", Some("1:6: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f[__debug__](): pass\n", "3.12", Some("1:7: cannot assign to __debug__")),
        ("x[__debug__] = 1\n", "3.12", None),
        ("__debug__: int\n", "3.12", Some("1:1: cannot assign to __debug__")),
        ("__debug__: int = 1\n", "3.12", Some("1:1: cannot assign to __debug__")),
        ("del x.__debug__\n", "3.12", None),
        ("f(**{'__debug__': 1})\n", "3.12", None),
        ("import __debug__ as x\n", "3.12", None),
        ("from x import __debug__\n", "3.12", Some("1:15: cannot assign to __debug__")),
        ("[1 for __debug__ in x]\n", "3.12", Some("1:8: cannot assign to __debug__")),
        ("match x:\n    case 1 as __debug__:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1 as __debug__:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1 as __debug__:\n        pass\n", "3.10", Some("2:15: cannot assign to __debug__")),
        ("match x:\n    case [*__debug__]:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [*__debug__]:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [*__debug__]:\n        pass\n", "3.10", Some("2:12: cannot assign to __debug__")),
        ("match x:\n    case {**__debug__}:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case {**__debug__}:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case {**__debug__}:\n        pass\n", "3.10", Some("2:13: cannot assign to __debug__")),
        ("type __debug__ = int\n", "3.8", Some("1:1: Cannot use `type` alias statement on Python 3.8 (syntax was added in Python 3.12)")),
        ("type __debug__ = int\n", "3.9", Some("1:1: Cannot use `type` alias statement on Python 3.9 (syntax was added in Python 3.12)")),
        ("type __debug__ = int\n", "3.10", Some("1:1: Cannot use `type` alias statement on Python 3.10 (syntax was added in Python 3.12)")),
        ("type __debug__ = int\n", "3.11", Some("1:1: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)")),
        ("type __debug__ = int\n", "3.12", Some("1:6: cannot assign to __debug__")),
        ("def f(*__debug__): pass\n", "3.12", Some("1:8: cannot assign to __debug__")),
        ("def f(**__debug__): pass\n", "3.12", Some("1:9: cannot assign to __debug__")),
        ("del (a, __debug__)\n", "3.8", None),
        ("del (a, __debug__)\n", "3.10", Some("1:9: cannot delete __debug__")),
        ("type A[__debug__] = int\n", "3.8", Some("1:1: Cannot use `type` alias statement on Python 3.8 (syntax was added in Python 3.12)")),
        ("type A[__debug__] = int\n", "3.9", Some("1:1: Cannot use `type` alias statement on Python 3.9 (syntax was added in Python 3.12)")),
        ("type A[__debug__] = int\n", "3.10", Some("1:1: Cannot use `type` alias statement on Python 3.10 (syntax was added in Python 3.12)")),
        ("type A[__debug__] = int\n", "3.11", Some("1:1: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)")),
        ("type A[__debug__] = int\n", "3.12", Some("1:8: cannot assign to __debug__")),
        ("del __debug__, a\n", "3.8", None),
        ("del __debug__, a\n", "3.10", Some("1:5: cannot delete __debug__")),
    ]);
}

/// Where `*expression` may stand.
#[test]
#[rustfmt::skip]
fn starred() {
    check(&[
        ("def f():\n    from os import *\n", "3.12", Some("2:5: import * only allowed at module level")),
        ("class C:\n    from os import *\n", "3.12", Some("2:5: import * only allowed at module level")),
        ("a, *b, *c = d\n", "3.12", Some("1:1: multiple starred expressions in assignment")),
        ("*a = b\n", "3.12", Some("1:1: starred assignment target must be in a list or tuple")),
        ("def f():\n    return *a\n", "3.12", Some("2:12: can't use starred expression here")),
        ("x = *a\n", "3.12", Some("1:5: can't use starred expression here")),
        ("for x in *a: pass\n", "3.12", Some("1:10: can't use starred expression here")),
        ("*a\n", "3.12", Some("1:1: can't use starred expression here")),
        ("a[*b]\n", "3.8", Some("1:3: Cannot use star expression in index on Python 3.8 (syntax was added in Python 3.11)")),
        ("a[*b]\n", "3.9", Some("1:3: Cannot use star expression in index on Python 3.9 (syntax was added in Python 3.11)")),
        ("a[*b]\n", "3.10", Some("1:3: Cannot use star expression in index on Python 3.10 (syntax was added in Python 3.11)")),
        ("a[*b]\n", "3.11", None),
        ("x = (*a)\n", "3.12", Some("1:6: Starred expression cannot be used here")),
        ("del *a\n", "3.12", Some("1:5: Invalid delete target")),
        ("del (*a,)\n", "3.12", Some("1:6: Invalid delete target")),
        ("*a += 1\n", "3.12", Some("1:1: Invalid augmented assignment target")),
        ("with x as *a: pass\n", "3.12", Some("1:11: starred assignment target must be in a list or tuple")),
        ("with x as (*a, b): pass\n", "3.12", None),
        ("print(*a if b else c)\n", "3.12", None),
        ("x: *a = 1\n", "3.12", Some("1:4: Starred expression cannot be used here")),
        ("lambda: *a\n", "3.12", Some("1:9: Starred expression cannot be used here")),
        ("async def f():\n    await *a\n", "3.12", Some("2:11: Starred expression cannot be used here")),
        ("a[*b] = 1\n", "3.8", Some("1:3: Cannot use star expression in index on Python 3.8 (syntax was added in Python 3.11)")),
        ("a[*b] = 1\n", "3.9", Some("1:3: Cannot use star expression in index on Python 3.9 (syntax was added in Python 3.11)")),
        ("a[*b] = 1\n", "3.10", Some("1:3: Cannot use star expression in index on Python 3.10 (syntax was added in Python 3.11)")),
        ("a[*b] = 1\n", "3.11", None),
        ("[*a] = b\n", "3.12", None),
        ("*a, = b\n", "3.12", None),
        ("def f():\n    return *a, *b\n", "3.12", None),
        ("def f():\n    yield *a\n", "3.12", Some("2:11: can't use starred expression here")),
        ("def f():\n    yield *a, b\n", "3.12", None),
        ("if *a: pass\n", "3.12", Some("1:4: Starred expression cannot be used here")),
        ("while *a: pass\n", "3.12", Some("1:7: Starred expression cannot be used here")),
        ("assert *a\n", "3.12", Some("1:8: Starred expression cannot be used here")),
        ("raise *a\n", "3.12", Some("1:7: Starred expression cannot be used here")),
        ("{1: *a}\n", "3.12", Some("1:5: Starred expression cannot be used here")),
        ("a[*b, c]\n", "3.8", Some("1:3: Cannot use star expression in index on Python 3.8 (syntax was added in Python 3.11)")),
        ("a[*b, c]\n", "3.9", Some("1:3: Cannot use star expression in index on Python 3.9 (syntax was added in Python 3.11)")),
        ("a[*b, c]\n", "3.10", Some("1:3: Cannot use star expression in index on Python 3.10 (syntax was added in Python 3.11)")),
        ("a[*b, c]\n", "3.11", None),
        ("f(x=*a)\n", "3.12", Some("1:5: Starred expression cannot be used here")),
        ("(x := *a)\n", "3.12", Some("1:7: Starred expression cannot be used here")),
        ("*a < b\n", "3.12", Some("1:2: Comparison expression cannot be used here")),
        ("a[*b:c]\n", "3.12", Some("1:3: Starred expression cannot be used here")),
        ("for (*a, b) in c: pass\n", "3.12", None),
        ("[x for *a in b]\n", "3.12", Some("1:8: can't use starred expression here")),
        ("[x for a in *b]\n", "3.12", Some("1:13: Starred expression cannot be used here")),
        ("{*a}\n", "3.12", None),
        ("f'{*a}'\n", "3.12", Some("1:4: can't use starred expression here")),
        ("f'{*a,}'\n", "3.12", None),
        ("print(*a)\n", "3.12", None),
        ("a[*b]\n", "3.8", Some("1:3: Cannot use star expression in index on Python 3.8 (syntax was added in Python 3.11)")),
        ("a[*b]\n", "3.9", Some("1:3: Cannot use star expression in index on Python 3.9 (syntax was added in Python 3.11)")),
        ("a[*b]\n", "3.10", Some("1:3: Cannot use star expression in index on Python 3.10 (syntax was added in Python 3.11)")),
        ("a[*b]\n", "3.11", None),
    ]);
}

/// Assignment expressions in comprehensions.
#[test]
#[rustfmt::skip]
fn comprehensions() {
    check(&[
        ("[x for x in (y := [1])]\n", "3.12", Some("1:14: assignment expression cannot be used in a comprehension iterable expression")),
        ("class C:\n    [(y := x) for x in z]\n", "3.12", Some("2:7: assignment expression within a comprehension cannot be used in a class body")),
        ("[(x := 1) for x in y]\n", "3.12", Some("1:3: assignment expression cannot rebind comprehension iteration variable 'x'")),
        ("[x for x in [(y := 1) for z in w]]\n", "3.12", Some("1:15: assignment expression cannot be used in a comprehension iterable expression")),
        ("[x for x in y if (x := 1)]\n", "3.12", Some("1:19: assignment expression cannot rebind comprehension iteration variable 'x'")),
        ("[i for i in range(5) if (j := 0) for j in range(5)]\n", "3.12", Some("1:26: assignment expression cannot rebind comprehension iteration variable 'j'")),
        ("[lambda: (x := 1) for x in y]\n", "3.12", None),
        ("class C:\n    [lambda: (y := x) for x in z]\n", "3.12", None),
    ]);
}

/// `match` statements and their patterns.
#[test]
#[rustfmt::skip]
fn patterns() {
    check(&[
        ("match x:\n    case y:\n        pass\n    case 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case y:\n        pass\n    case 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case y:\n        pass\n    case 1:\n        pass\n", "3.10", Some("2:10: name capture 'y' makes remaining patterns unreachable")),
        ("match x:\n    case _:\n        pass\n    case 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case _:\n        pass\n    case 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case _:\n        pass\n    case 1:\n        pass\n", "3.10", Some("2:10: wildcard makes remaining patterns unreachable")),
        ("match x:\n    case [a, a]:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [a, a]:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [a, a]:\n        pass\n", "3.10", Some("2:14: multiple assignments to name 'a' in pattern")),
        ("match x:\n    case [a] | [b]:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [a] | [b]:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [a] | [b]:\n        pass\n", "3.10", Some("2:10: alternative patterns bind different names")),
        ("match x:\n    case {'a': 1, 'a': 2}:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case {'a': 1, 'a': 2}:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case {'a': 1, 'a': 2}:\n        pass\n", "3.10", Some("2:19: mapping pattern checks duplicate key ('a')")),
        ("match x:\n    case C(a=1, a=2):\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case C(a=1, a=2):\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case C(a=1, a=2):\n        pass\n", "3.10", Some("2:17: attribute name repeated in class pattern: a")),
        ("match x:\n    case [*a, *b]:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [*a, *b]:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [*a, *b]:\n        pass\n", "3.10", Some("2:15: multiple starred names in sequence pattern")),
        ("match x:\n    case {1: a, 1.0: b}:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case {1: a, 1.0: b}:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case {1: a, 1.0: b}:\n        pass\n", "3.10", Some("2:17: mapping pattern checks duplicate key (1.0)")),
        ("match x:\n    case {True: a, 1: b}:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case {True: a, 1: b}:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case {True: a, 1: b}:\n        pass\n", "3.10", Some("2:20: mapping pattern checks duplicate key (1)")),
        ("match x:\n    case [a] | [a]:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [a] | [a]:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [a] | [a]:\n        pass\n", "3.10", None),
        ("match x:\n    case y if y:\n        pass\n    case 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case y if y:\n        pass\n    case 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case y if y:\n        pass\n    case 1:\n        pass\n", "3.10", None),
        ("match x:\n    case 1 | y:\n        pass\n    case 2:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1 | y:\n        pass\n    case 2:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1 | y:\n        pass\n    case 2:\n        pass\n", "3.10", Some("2:10: alternative patterns bind different names")),
        ("match x:\n    case y | 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case y | 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case y | 1:\n        pass\n", "3.10", Some("2:10: alternative patterns bind different names")),
        ("match x:\n    case (y as z):\n        pass\n    case 2:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case (y as z):\n        pass\n    case 2:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case (y as z):\n        pass\n    case 2:\n        pass\n", "3.10", Some("2:11: name capture 'y' makes remaining patterns unreachable")),
        ("match x:\n    case 1:\n        pass\n    case y:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1:\n        pass\n    case y:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1:\n        pass\n    case y:\n        pass\n", "3.10", None),
        ("match x:\n    case a.b:\n        pass\n    case 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case a.b:\n        pass\n    case 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case a.b:\n        pass\n    case 1:\n        pass\n", "3.10", None),
        ("match x:\n    case C(a, a):\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case C(a, a):\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case C(a, a):\n        pass\n", "3.10", Some("2:15: multiple assignments to name 'a' in pattern")),
        ("match x:\n    case [*_, *_]:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [*_, *_]:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [*_, *_]:\n        pass\n", "3.10", Some("2:15: multiple starred names in sequence pattern")),
        ("match x:\n    case {1: a, **a}:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case {1: a, **a}:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case {1: a, **a}:\n        pass\n", "3.10", Some("2:19: multiple assignments to name 'a' in pattern")),
        ("match x:\n    case [y]:\n        pass\n    case 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case [y]:\n        pass\n    case 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case [y]:\n        pass\n    case 1:\n        pass\n", "3.10", None),
    ]);
}

/// Repeated parameters and keyword arguments.
#[test]
#[rustfmt::skip]
fn parameters() {
    check(&[
        ("def f(a, a): pass\n", "3.12", Some("1:10: duplicate argument 'a' in function definition")),
        // Distinct names the filter cannot tell apart (same length and end bytes), and more
        // names than it holds.
        ("def f(abc, axc): pass\n", "3.12", None),
        ("def f(abc, x, abc): pass\n", "3.12", Some("1:15: duplicate argument 'abc' in function definition")),
        ("def f(a, b, c, d, e, g, h, i, j, k, l, m, n, o, p, q, a): pass\n", "3.12", Some("1:55: duplicate argument 'a' in function definition")),
        ("lambda a, a: 0\n", "3.12", Some("1:11: duplicate argument 'a' in function definition")),
        ("f(a=1, a=2)\n", "3.12", Some("1:8: keyword argument repeated: a")),
        ("class C(metaclass=A, metaclass=B): pass\n", "3.12", Some("1:22: keyword argument repeated: metaclass")),
        ("def f[T, T](): pass\n", "3.8", Some("1:6: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f[T, T](): pass\n", "3.9", Some("1:6: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f[T, T](): pass\n", "3.10", Some("1:6: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f[T, T](): pass\n", "3.11", Some("1:6: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f[T, T](): pass\n", "3.12", Some("1:10: duplicate type parameter")),
        ("def f(a, *, a): pass\n", "3.12", Some("1:13: duplicate argument 'a' in function definition")),
        ("def f(a, *a): pass\n", "3.12", Some("1:11: duplicate argument 'a' in function definition")),
        ("def f(a, /, a): pass\n", "3.12", Some("1:13: duplicate argument 'a' in function definition")),
        ("f(a=1, **b, a=2)\n", "3.12", Some("1:13: keyword argument repeated: a")),
        ("f(a=1, *b, a=2)\n", "3.12", Some("1:12: keyword argument repeated: a")),
        ("f(x for x in y, 1)\n", "3.12", Some("1:3: Unparenthesized generator expression cannot be used here")),
        ("class C(A, A): pass\n", "3.12", None),
    ]);
}

/// A bare `except:` must be the last handler.
#[test]
#[rustfmt::skip]
fn handlers() {
    check(&[
        ("try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n", "3.12", Some("3:1: default 'except:' must be last")),
        ("try:\n    pass\nexcept:\n    pass\nexcept* E:\n    pass\n", "3.12", Some("5:1: Cannot have both 'except' and 'except*' on the same 'try'")),
        ("try:\n    pass\nexcept E:\n    pass\nexcept:\n    pass\n", "3.12", None),
        ("try:\n    pass\nexcept:\n    pass\nexcept:\n    pass\n", "3.12", Some("3:1: default 'except:' must be last")),
    ]);
}

/// Syntax newer than the target version, and annotations the target evaluates.
#[test]
#[rustfmt::skip]
fn target_versions() {
    check(&[
        ("from __future__ import annotations\ndef f():\n    def g(x: (yield)): pass\n", "3.8", None),
        ("from __future__ import annotations\ndef f():\n    def g(x: (yield)): pass\n", "3.10", Some("3:15: yield expression cannot be used within an annotation")),
        ("from __future__ import annotations\ndef g(x: (y := 1)): pass\n", "3.8", None),
        ("from __future__ import annotations\ndef g(x: (y := 1)): pass\n", "3.10", Some("2:11: named expression cannot be used within an annotation")),
        ("def g(x: (y := 1)): pass\n", "3.12", None),
        ("def f():\n    x: (yield)\n", "3.12", None),
        ("lazy import os\n", "3.8", Some("1:1: Cannot use `lazy` import statement on Python 3.8 (syntax was added in Python 3.15)")),
        ("lazy import os\n", "3.9", Some("1:1: Cannot use `lazy` import statement on Python 3.9 (syntax was added in Python 3.15)")),
        ("lazy import os\n", "3.10", Some("1:1: Cannot use `lazy` import statement on Python 3.10 (syntax was added in Python 3.15)")),
        ("lazy import os\n", "3.11", Some("1:1: Cannot use `lazy` import statement on Python 3.11 (syntax was added in Python 3.15)")),
        ("lazy import os\n", "3.12", Some("1:1: Cannot use `lazy` import statement on Python 3.12 (syntax was added in Python 3.15)")),
        ("lazy import os\n", "3.13", Some("1:1: Cannot use `lazy` import statement on Python 3.13 (syntax was added in Python 3.15)")),
        ("[*x for x in y]\n", "3.8", Some("1:2: Cannot use iterable unpacking in a list comprehension on Python 3.8 (syntax was added in Python 3.15)")),
        ("[*x for x in y]\n", "3.9", Some("1:2: Cannot use iterable unpacking in a list comprehension on Python 3.9 (syntax was added in Python 3.15)")),
        ("[*x for x in y]\n", "3.10", Some("1:2: Cannot use iterable unpacking in a list comprehension on Python 3.10 (syntax was added in Python 3.15)")),
        ("[*x for x in y]\n", "3.11", Some("1:2: Cannot use iterable unpacking in a list comprehension on Python 3.11 (syntax was added in Python 3.15)")),
        ("[*x for x in y]\n", "3.12", Some("1:2: Cannot use iterable unpacking in a list comprehension on Python 3.12 (syntax was added in Python 3.15)")),
        ("[*x for x in y]\n", "3.13", Some("1:2: Cannot use iterable unpacking in a list comprehension on Python 3.13 (syntax was added in Python 3.15)")),
        ("t'hi'\n", "3.8", Some("1:1: Cannot use t-strings on Python 3.8 (syntax was added in Python 3.14)")),
        ("t'hi'\n", "3.9", Some("1:1: Cannot use t-strings on Python 3.9 (syntax was added in Python 3.14)")),
        ("t'hi'\n", "3.10", Some("1:1: Cannot use t-strings on Python 3.10 (syntax was added in Python 3.14)")),
        ("t'hi'\n", "3.11", Some("1:1: Cannot use t-strings on Python 3.11 (syntax was added in Python 3.14)")),
        ("t'hi'\n", "3.12", Some("1:1: Cannot use t-strings on Python 3.12 (syntax was added in Python 3.14)")),
        ("t'hi'\n", "3.13", Some("1:1: Cannot use t-strings on Python 3.13 (syntax was added in Python 3.14)")),
        ("try:\n    pass\nexcept A, B:\n    pass\n", "3.8", Some("3:8: Multiple exception types must be parenthesized on Python 3.8 (syntax was added in Python 3.14)")),
        ("try:\n    pass\nexcept A, B:\n    pass\n", "3.9", Some("3:8: Multiple exception types must be parenthesized on Python 3.9 (syntax was added in Python 3.14)")),
        ("try:\n    pass\nexcept A, B:\n    pass\n", "3.10", Some("3:8: Multiple exception types must be parenthesized on Python 3.10 (syntax was added in Python 3.14)")),
        ("try:\n    pass\nexcept A, B:\n    pass\n", "3.11", Some("3:8: Multiple exception types must be parenthesized on Python 3.11 (syntax was added in Python 3.14)")),
        ("try:\n    pass\nexcept A, B:\n    pass\n", "3.12", Some("3:8: Multiple exception types must be parenthesized on Python 3.12 (syntax was added in Python 3.14)")),
        ("try:\n    pass\nexcept A, B:\n    pass\n", "3.13", Some("3:8: Multiple exception types must be parenthesized on Python 3.13 (syntax was added in Python 3.14)")),
        ("match x:\n    case 1:\n        pass\n", "3.8", Some("1:1: Cannot use `match` statement on Python 3.8 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1:\n        pass\n", "3.9", Some("1:1: Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)")),
        ("match x:\n    case 1:\n        pass\n", "3.10", None),
        ("with (open(a) as b, open(c) as d):\n    pass\n", "3.8", Some("1:6: Cannot use parentheses within a `with` statement on Python 3.8 (syntax was added in Python 3.9)")),
        ("with (open(a) as b, open(c) as d):\n    pass\n", "3.9", None),
        ("type X = int\n", "3.8", Some("1:1: Cannot use `type` alias statement on Python 3.8 (syntax was added in Python 3.12)")),
        ("type X = int\n", "3.9", Some("1:1: Cannot use `type` alias statement on Python 3.9 (syntax was added in Python 3.12)")),
        ("type X = int\n", "3.10", Some("1:1: Cannot use `type` alias statement on Python 3.10 (syntax was added in Python 3.12)")),
        ("type X = int\n", "3.11", Some("1:1: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)")),
        ("type X = int\n", "3.12", None),
        ("def f[T](x: T): pass\n", "3.8", Some("1:6: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f[T](x: T): pass\n", "3.9", Some("1:6: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f[T](x: T): pass\n", "3.10", Some("1:6: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f[T](x: T): pass\n", "3.11", Some("1:6: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f[T](x: T): pass\n", "3.12", None),
        ("f'{'a'}'\n", "3.8", Some("1:4: Cannot reuse outer quote character in f-strings on Python 3.8 (syntax was added in Python 3.12)")),
        ("f'{'a'}'\n", "3.9", Some("1:4: Cannot reuse outer quote character in f-strings on Python 3.9 (syntax was added in Python 3.12)")),
        ("f'{'a'}'\n", "3.10", Some("1:4: Cannot reuse outer quote character in f-strings on Python 3.10 (syntax was added in Python 3.12)")),
        ("f'{'a'}'\n", "3.11", Some("1:4: Cannot reuse outer quote character in f-strings on Python 3.11 (syntax was added in Python 3.12)")),
        ("f'{'a'}'\n", "3.12", None),
        ("a[b := 1]\n", "3.8", Some("1:3: Cannot use unparenthesized assignment expression in a sequence index on Python 3.8 (syntax was added in Python 3.9)")),
        ("a[b := 1]\n", "3.9", Some("1:3: invalid syntax")),
        ("a[b := 1]\n", "3.10", None),
        ("@a[0].b\ndef f(): pass\n", "3.8", Some("1:2: Cannot use subscript expression outside function call arguments in a decorator on Python 3.8 (syntax was added in Python 3.9)")),
        ("@a[0].b\ndef f(): pass\n", "3.9", None),
        ("try:\n    pass\nexcept* E:\n    pass\n", "3.8", Some("3:7: Cannot use `except*` on Python 3.8 (syntax was added in Python 3.11)")),
        ("try:\n    pass\nexcept* E:\n    pass\n", "3.9", Some("3:7: Cannot use `except*` on Python 3.9 (syntax was added in Python 3.11)")),
        ("try:\n    pass\nexcept* E:\n    pass\n", "3.10", Some("3:7: Cannot use `except*` on Python 3.10 (syntax was added in Python 3.11)")),
        ("try:\n    pass\nexcept* E:\n    pass\n", "3.11", None),
        ("for x in *a, *b:\n    pass\n", "3.8", Some("1:10: Cannot use iterable unpacking in `for` statements on Python 3.8 (syntax was added in Python 3.9)")),
        ("for x in *a, *b:\n    pass\n", "3.9", None),
        ("def f[T=int, U](): pass\n", "3.8", Some("1:6: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f[T=int, U](): pass\n", "3.9", Some("1:6: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f[T=int, U](): pass\n", "3.10", Some("1:6: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f[T=int, U](): pass\n", "3.11", Some("1:6: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f[T=int, U](): pass\n", "3.12", Some("1:8: Cannot set default type for a type parameter on Python 3.12 (syntax was added in Python 3.13)")),
        ("def f[T=int, U](): pass\n", "3.13", Some("1:14: non-default type parameter 'U' follows default type parameter")),
        ("a[(b := 1)]\n", "3.12", None),
        ("a[b := 1, 2]\n", "3.8", Some("1:3: Cannot use unparenthesized assignment expression in a sequence index on Python 3.8 (syntax was added in Python 3.9)")),
        ("a[b := 1, 2]\n", "3.9", Some("1:3: invalid syntax")),
        ("a[b := 1, 2]\n", "3.10", None),
        ("{x := 1}\n", "3.8", Some("1:2: Cannot use unparenthesized assignment expression as an element in a set literal on Python 3.8 (syntax was added in Python 3.9)")),
        ("{x := 1}\n", "3.9", None),
        ("{(x := 1)}\n", "3.12", None),
        ("{x := 1 for y in z}\n", "3.8", Some("1:2: Cannot use unparenthesized assignment expression as an element in a set comprehension on Python 3.8 (syntax was added in Python 3.9)")),
        ("{x := 1 for y in z}\n", "3.9", None),
        ("type X = (y := 1)\n", "3.8", Some("1:1: Cannot use `type` alias statement on Python 3.8 (syntax was added in Python 3.12)")),
        ("type X = (y := 1)\n", "3.9", Some("1:1: Cannot use `type` alias statement on Python 3.9 (syntax was added in Python 3.12)")),
        ("type X = (y := 1)\n", "3.10", Some("1:1: Cannot use `type` alias statement on Python 3.10 (syntax was added in Python 3.12)")),
        ("type X = (y := 1)\n", "3.11", Some("1:1: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)")),
        ("type X = (y := 1)\n", "3.12", Some("1:11: named expression cannot be used within a type alias")),
        ("def f():\n    type X = (yield)\n", "3.8", Some("2:5: Cannot use `type` alias statement on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f():\n    type X = (yield)\n", "3.9", Some("2:5: Cannot use `type` alias statement on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f():\n    type X = (yield)\n", "3.10", Some("2:5: Cannot use `type` alias statement on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f():\n    type X = (yield)\n", "3.11", Some("2:5: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f():\n    type X = (yield)\n", "3.12", Some("2:15: yield expression cannot be used within a type alias")),
        ("class C[T]((y := list)): pass\n", "3.8", Some("1:8: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("class C[T]((y := list)): pass\n", "3.9", Some("1:8: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("class C[T]((y := list)): pass\n", "3.10", Some("1:8: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("class C[T]((y := list)): pass\n", "3.11", Some("1:8: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("class C[T]((y := list)): pass\n", "3.12", Some("1:13: named expression cannot be used within the definition of a generic")),
        ("def f[T: (y := 1)](): pass\n", "3.8", Some("1:6: Cannot use type parameter lists on Python 3.8 (syntax was added in Python 3.12)")),
        ("def f[T: (y := 1)](): pass\n", "3.9", Some("1:6: Cannot use type parameter lists on Python 3.9 (syntax was added in Python 3.12)")),
        ("def f[T: (y := 1)](): pass\n", "3.10", Some("1:6: Cannot use type parameter lists on Python 3.10 (syntax was added in Python 3.12)")),
        ("def f[T: (y := 1)](): pass\n", "3.11", Some("1:6: Cannot use type parameter lists on Python 3.11 (syntax was added in Python 3.12)")),
        ("def f[T: (y := 1)](): pass\n", "3.12", Some("1:11: named expression cannot be used within a TypeVar bound")),
        ("async def f():\n    def g(x: (await y)): pass\n", "3.12", None),
        ("def f():\n    def g(x: (yield)): pass\n", "3.12", None),
        ("x: (y := 1) = 2\n", "3.12", None),
        ("x: (yield)\n", "3.12", Some("1:5: 'yield' outside function")),
    ]);
}
