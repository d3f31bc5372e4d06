"""Measure what CPython's allocator does for a set of Python idioms.

Run with any CPython 3.8 .. 3.13 after building the extension:

    tools/measure/build.sh 3.12
    "$(pyenv root)/versions/3.12.1/bin/python" tools/measure/scenarios.py > out.json

Every scenario is a small function compiled from source in its own namespace.
The function calls ``_start()`` (allocount.start) right before the code under
test and ``_stop()`` right after it, so only the loop / expression itself is
counted: inputs are built before the call, and whatever the code produced is
returned and released only after ``_stop()``.

Procedure per scenario (gc disabled throughout):
  * pre-warm once: PREWARM_CALLS calls with n=2, then PREWARM_LONG calls with
    n=2000, p=1.  This gets every code object past 3.8-3.10's opcache
    threshold (1024 runs), 3.11's quickening delay (8) and the adaptive
    counters of 3.11+, so no allocation made by the interpreter's own caches
    lands in a measurement;
  * for every (n, p): WARMUPS calls with the exact inputs, then REPEATS
    measured calls.  The first measured call is reported; ``stable`` says
    whether all repeats gave identical counts (realloc_moved/bytes_moved are
    excluded from that check: they depend on where the C allocator happens
    to put blocks).

Output: JSON on stdout, progress on stderr.
"""
from __future__ import print_function

import argparse
import builtins
import gc
import json
import os
import platform
import random
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VER = "%d.%d" % sys.version_info[:2]
sys.path.insert(0, os.path.join(HERE, "build", VER))
try:
    import allocount
except ImportError as exc:  # pragma: no cover
    sys.exit("scenarios.py: cannot import allocount for %s (%s); run build.sh %s first"
             % (VER, exc, VER))

PREWARM_CALLS = 1100
PREWARM_LONG = 2
WARMUPS = 3
REPEATS = 3

NS = [10, 100, 1000, 10000]
NS_EXPR = [1, 10, 100, 1000, 10000]   # chained_concat_k / fstring_k
PS = [1, 10, 100]

CORE = ["malloc", "calloc", "realloc", "free", "bytes_malloc", "bytes_realloc",
        "bytes_rounded", "peak"]
STABLE_KEYS = CORE + ["peak_rounded", "live_delta", "realloc_null", "free_null",
                      "realloc_untracked", "free_untracked", "failed"]
EXTRA = ["peak_rounded", "live_delta", "realloc_moved", "bytes_moved",
         "realloc_null", "free_null", "realloc_untracked", "free_untracked",
         "calls_obj", "calls_mem", "max_request"]


def compile_ns(src, **extra):
    ns = {"_start": allocount.start, "_stop": allocount.stop,
          "__builtins__": builtins, "__name__": "scenario"}
    ns.update(extra)
    exec(compile(textwrap.dedent(src), "<scenario>", "exec"), ns)
    return ns


# --------------------------------------------------------------------------
# inputs (all built before start())

def in_piece_str(n, p):
    return ([None] * n, "x" * p)


def in_piece_bytes(n, p):
    return ([None] * n, b"x" * p)


def shuffled(n):
    data = list(range(n))
    random.Random(12345).shuffle(data)
    return data


def in_data(n, p):
    return (shuffled(n),)


def in_falsy(n, p):
    return ([0] * n,)


def in_it(n, p):
    return ([None] * n,)


def in_chain(n, p):
    return ([None] * n, "a" * p, "b" * p)


# --------------------------------------------------------------------------
# scenarios: (name, builder -> callable(*inputs) -> (stats, keepalive),
#             input maker, uses_piece, ns list, extra info)

SCENARIOS = []


def scenario(name, inputs, uses_piece=True, ns=None, k=None, post=None):
    def deco(builder):
        SCENARIOS.append(dict(name=name, builder=builder, inputs=inputs,
                              uses_piece=uses_piece, ns=ns or NS, k=k, post=post))
        return builder
    return deco


def simple(name, src, inputs, **kw):
    scenario(name, inputs, **kw)(lambda: compile_ns(src)["run"])


simple("empty", """
def run(it):
    _start()
    st = _stop()
    return st, None
""", in_it, uses_piece=False, ns=[0])

simple("str_concat_local", """
def run(it, piece):
    _start()
    s = ''
    for _ in it:
        s += piece
    st = _stop()
    return st, s
""", in_piece_str)

simple("str_concat_local_plus", """
def run(it, piece):
    _start()
    s = ''
    for _ in it:
        s = s + piece
    st = _stop()
    return st, s
""", in_piece_str)

simple("str_concat_alias", """
def run(it, piece):
    _start()
    s = ''
    t = s
    for _ in it:
        t = s
        s += piece
    st = _stop()
    return st, (s, t)
""", in_piece_str)


@scenario("str_concat_attr", in_piece_str)
def _attr():
    ns = compile_ns("""
class Acc(object):
    def __init__(self):
        self.s = ''

    def run(self, it, piece):
        _start()
        self.s = ''
        for _ in it:
            self.s += piece
        st = _stop()
        r = self.s
        self.s = ''   # so the next call's `self.s = ''` frees nothing
        return st, r
""")
    obj = ns["Acc"]()
    return obj.run   # bound once, before any measurement


simple("str_concat_global", """
s = ''
def run(it, piece):
    global s
    _start()
    s = ''
    for _ in it:
        s += piece
    st = _stop()
    r = s
    s = ''
    return st, r
""", in_piece_str)


@scenario("str_concat_module", in_piece_str)
def _module():
    code = compile(textwrap.dedent("""
        _start()
        s = ''
        for _ in it:
            s += piece
        _res = _stop()
        """), "<module-scenario>", "exec")

    def run(it, piece):
        # every name the code stores is present beforehand, so STORE_NAME
        # never grows the dict during the measurement
        ns = {"__builtins__": builtins, "_start": allocount.start,
              "_stop": allocount.stop, "it": it, "piece": piece,
              "s": None, "_": None, "_res": None}
        exec(code, ns)
        return ns["_res"], ns["s"]
    return run


simple("str_concat_closure", """
def run(it, piece):
    s = ''
    def inner():
        nonlocal s
        _start()
        s = ''
        for _ in it:
            s += piece
        return _stop()
    st = inner()
    return st, s
""", in_piece_str)


@scenario("str_concat_local_cold", in_piece_str)
def _cold():
    # Same code as str_concat_local, but every call runs a brand-new code
    # object (compiled outside the measurement): no warm-up, no quickening,
    # no specialisation yet.  Shows what a loop pays before 3.11+ has
    # specialised its BINARY_OP (the harness warm-ups do not help here).
    src = textwrap.dedent("""
        def run(it, piece):
            _start()
            s = ''
            for _ in it:
                s += piece
            st = _stop()
            return st, s
        """)

    def run(it, piece):
        fresh = compile_ns(src)["run"]
        return fresh(it, piece)
    return run


simple("bytes_concat_local", """
def run(it, piece):
    _start()
    b = b''
    for _ in it:
        b += piece
    st = _stop()
    return st, b
""", in_piece_bytes)

simple("str_join", """
def run(it, piece):
    _start()
    parts = []
    for _ in it:
        parts.append(piece)
    s = ''.join(parts)
    del parts
    st = _stop()
    return st, s
""", in_piece_str)

simple("bytes_join", """
def run(it, piece):
    _start()
    parts = []
    for _ in it:
        parts.append(piece)
    s = b''.join(parts)
    del parts
    st = _stop()
    return st, s
""", in_piece_bytes)

simple("str_join_genexpr", """
def run(it, piece):
    _start()
    s = ''.join(piece for _ in it)
    st = _stop()
    return st, s
""", in_piece_str)

simple("tuple_concat_local", """
def run(data):
    _start()
    t = ()
    for x in data:
        t += (x,)
    st = _stop()
    return st, t
""", in_data, uses_piece=False)

simple("tuple_via_list", """
def run(data):
    _start()
    acc = []
    for x in data:
        acc.append(x)
    t = tuple(acc)
    del acc
    st = _stop()
    return st, t
""", in_data, uses_piece=False)

CHAIN = {
    3: ("'Hello, ' + a + '!'", "f'Hello, {a}!'"),
    4: ("'Hello, ' + a + ' ' + b", "f'Hello, {a} {b}'"),
    5: ("'Hello, ' + a + ' ' + b + '!'", "f'Hello, {a} {b}!'"),
}
for _k, (_plus, _fstr) in sorted(CHAIN.items()):
    for _name, _expr in (("chained_concat_%d" % _k, _plus), ("fstring_%d" % _k, _fstr)):
        simple(_name, """
def run(it, a, b):
    _start()
    for _ in it:
        r = %s
    st = _stop()
    return st, r
""" % _expr, in_chain, ns=NS_EXPR, k=_k)

for _fn in ("sum", "any", "sorted", "tuple", "set", "max"):
    _inputs = in_falsy if _fn == "any" else in_data
    simple("listcomp_into_%s" % _fn, """
def run(data):
    _start()
    r = %s([x for x in data])
    st = _stop()
    return st, r
""" % _fn, _inputs, uses_piece=False)
    simple("genexpr_into_%s" % _fn, """
def run(data):
    _start()
    r = %s(x for x in data)
    st = _stop()
    return st, r
""" % _fn, _inputs, uses_piece=False)

simple("list_built_then_iterated", """
def run(data):
    _start()
    xs = []
    for x in data:
        xs.append(x)
    for y in xs:
        pass
    del xs
    st = _stop()
    return st, None
""", in_data, uses_piece=False)

simple("generator_then_iterated", """
def gen(data):
    for x in data:
        yield x

def run(data):
    _start()
    for y in gen(data):
        pass
    st = _stop()
    return st, None
""", in_data, uses_piece=False)


def _growth_post(rec, st, size):
    rec["getsizeof"] = size
    caps = []
    for op, dom, size, old, moved in st.get("events", ()):
        if op == "r":
            caps.append(size // 8)
    rec["capacities"] = caps


simple("list_append_growth", """
def run(data):
    xs = []
    _start(4096)
    for x in data:
        xs.append(x)
    st = _stop()
    return st, xs
""", in_data, uses_piece=False, post=_growth_post)

simple("global_lookup_loop", """
def run(it):
    _start()
    for _ in it:
        len; len; len
    st = _stop()
    return st, None
""", in_it, uses_piece=False)


# --------------------------------------------------------------------------

def measure(sc, fn, n, p):
    args = sc["inputs"](n, p)
    # Everything the harness keeps is allocated up front, and each measured
    # call directly follows its warm-up calls, whose results are released
    # first: the free lists (tuple, list, dict, ...) are then in the same
    # state before every measured call, which is what makes repeats agree.
    runs = [None] * REPEATS
    sizes = [None] * REPEATS
    for i in range(REPEATS):
        for _ in range(WARMUPS):
            st, keep = fn(*args)
            st = keep = None
        st, keep = fn(*args)
        runs[i] = st
        sizes[i] = sys.getsizeof(keep)
        st = keep = None
    first = runs[0]
    rec = {"name": sc["name"], "n": n, "piece": p if sc["uses_piece"] else None}
    if sc["k"] is not None:
        rec["k"] = sc["k"]
    for key in CORE:
        rec[key] = first[key]
    for key in EXTRA:
        rec[key] = first[key]
    rec["stable"] = all(all(r[key] == first[key] for key in STABLE_KEYS) for r in runs)
    if not rec["stable"]:
        rec["unstable"] = dict((key, [r[key] for r in runs]) for key in STABLE_KEYS
                               if any(r[key] != first[key] for r in runs))
    rec["realloc_moved_range"] = [min(r["realloc_moved"] for r in runs),
                                  max(r["realloc_moved"] for r in runs)]
    if not first.get("tracking_ok", 1):
        rec["tracking_ok"] = False
    if sc["post"] is not None:
        sc["post"](rec, first, sizes[0])
    return rec


def prewarm(sc, fn):
    small = sc["inputs"](2, 1)
    for _ in range(PREWARM_CALLS):
        fn(*small)
    big = sc["inputs"](2000, 1)
    for _ in range(PREWARM_LONG):
        fn(*big)


def trace(name, n, p):
    scs = [s for s in SCENARIOS if s["name"] == name]
    if not scs:
        sys.exit("no scenario %r (see --list)" % name)
    sc = scs[0]
    fn = sc["builder"]()
    allocount.install()
    prewarm(sc, fn)
    args = sc["inputs"](n, p)
    for _ in range(WARMUPS):
        st, keep = fn(*args)
        st = keep = None
    allocount.set_trace(100000)
    st, keep = fn(*args)
    allocount.set_trace(0)
    keep = None
    allocount.uninstall()
    print("# %s %s n=%d p=%d: op domain size old_size moved" % (VER, name, n, p))
    for ev in st.pop("events"):
        print("%s %s %7d %7d %s" % (ev[0], ev[1], ev[2], ev[3], "moved" if ev[4] else ""))
    print("# " + json.dumps(st, sort_keys=True))
    return 0


def main(argv=None):
    global WARMUPS, REPEATS, NS, NS_EXPR, PS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated scenario names (prefix match)")
    ap.add_argument("--quick", action="store_true", help="n <= 1000 only")
    ap.add_argument("--warmups", type=int, default=WARMUPS)
    ap.add_argument("--repeats", type=int, default=REPEATS)
    ap.add_argument("--list", action="store_true", help="list scenario names")
    ap.add_argument("--trace", metavar="NAME",
                    help="print every allocator event of one measured call of "
                         "scenario NAME (exact name) instead of JSON")
    ap.add_argument("--n", type=int, default=10, help="n for --trace")
    ap.add_argument("--p", type=int, default=10, help="piece length for --trace")
    opts = ap.parse_args(argv)
    WARMUPS = opts.warmups
    REPEATS = max(1, opts.repeats)
    if opts.list:
        for sc in SCENARIOS:
            print(sc["name"])
        return 0

    gc.disable()
    if opts.trace:
        return trace(opts.trace, opts.n, opts.p)
    selected = SCENARIOS
    if opts.only:
        pref = [s.strip() for s in opts.only.split(",") if s.strip()]
        selected = [s for s in SCENARIOS if any(s["name"].startswith(x) for x in pref)]
    allocount.install()

    out = {
        "python": platform.python_version(),
        "version": sys.version,
        "executable": sys.executable,
        "method": {
            "prewarm_calls": PREWARM_CALLS, "prewarm_long_calls": PREWARM_LONG,
            "prewarm_long_n": 2000, "warmups": WARMUPS, "repeats": REPEATS,
            "gc": "disabled", "domains": ["PYMEM_DOMAIN_OBJ", "PYMEM_DOMAIN_MEM"],
        },
        "scenarios": [],
    }
    t0 = time.time()
    for sc in selected:
        fn = sc["builder"]()
        prewarm(sc, fn)
        ts = time.time()
        for n in sc["ns"]:
            if opts.quick and n > 1000:
                continue
            for p in (PS if sc["uses_piece"] or sc["k"] else [None]):
                out["scenarios"].append(measure(sc, fn, n, p))
        print("%s %-28s %6.1fs" % (VER, sc["name"], time.time() - ts), file=sys.stderr)
    print("%s total %.1fs" % (VER, time.time() - t0), file=sys.stderr)
    allocount.uninstall()
    # one scenario record per line: compact, and diffs between runs stay readable
    scen = out.pop("scenarios")
    head = json.dumps(out, indent=1)
    sys.stdout.write(head[:-2] + ',\n "scenarios": [\n')
    sys.stdout.write(",\n".join("  " + json.dumps(r) for r in scen))
    sys.stdout.write("\n ]\n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
