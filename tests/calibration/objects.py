"""Measure the object sizes, interpreter behaviours and lookup timings that
heaplint's data file (src/model/cpython.toml) claims, on the interpreter that runs
this script, and print them as JSON.

    python tests/calibration/objects.py > tests/calibration/objects/3.12.json

Standard library only; runs on CPython 3.8 and later (64-bit, default build).

Keys under "measured" are the entries of cpython.toml (`section.entry`); the Rust
test in src/model/data_tests.rs compares them with the file. "cases" holds
(input, result) pairs the test feeds to the Runtime helpers.

How sizes are measured: tracemalloc (traceback depth 1) is on; a snapshot is taken
before and after a factory function runs, and the blocks that are new afterwards and
were allocated by a line of this file outside the harness are the object's requested
bytes. Free lists that would hide an allocation (float, tuple, list, dict, dict keys)
are drained right before each measurement by allocating and keeping objects of that
kind. Warm-up calls run first so that 3.11+ code is quickened and 3.8-3.10 frames are
cached (co_zombieframe).
"""

import dis
import gc
import json
import platform
import re
import subprocess
import sys
import timeit
import tracemalloc
import types
from collections import Counter

HERE = __file__
KEEP = []  # everything measured or drained stays alive until the end
HARNESS = set()  # line numbers of the harness functions: their allocations are not counted


def harness(fn):
    code = fn.__code__
    lines = [line for _, line in dis.findlinestarts(code) if line is not None]
    HARNESS.update(range(code.co_firstlineno, max(lines) + 1))
    return fn


@harness
def blocks():
    """Live traced blocks allocated by non-harness lines of this file: Counter of (size, line)."""
    snapshot = tracemalloc.take_snapshot()
    found = Counter()
    for trace in snapshot.traces:
        frame = trace.traceback[0]
        if frame.filename == HERE and frame.lineno not in HARNESS:
            found[(trace.size, frame.lineno)] += 1
    return found


@harness
def drain(floats=300, lists=100, dicts=100, tuples=60):
    """Empty the free lists that could serve the next allocation without malloc."""
    a = 1.5
    KEEP.append([a + i for i in range(floats)])
    KEEP.append([[] for _ in range(lists)])
    KEEP.append([{} for _ in range(dicts)])
    # dicts with a small keys table take one from the keys free list
    KEEP.append([{"k": None} for _ in range(dicts)])
    KEEP.append([{i: None} for i in range(1000, 1000 + dicts)])
    sources = [list(range(n)) for n in range(1, 21)]
    KEEP.append([tuple(src) for src in sources for _ in range(tuples)])


@harness
def new_blocks(make, warm=3, drained=True):
    """Sizes of the blocks that `make()` allocates and keeps alive.

    With drained=False the free lists are left as they are: no drain and no
    gc.collect(), which empties them."""
    # traces restart here: only what is allocated from now on is seen, which keeps
    # snapshots small; warm-ups are not traced
    tracemalloc.stop()
    for _ in range(warm):
        KEEP.append(make())
    if drained:
        gc.collect()
    tracemalloc.start(1)
    before = blocks()
    if drained:  # after the snapshot, which frees objects to the free lists
        drain()
    result = make()
    after = blocks()
    KEEP.append(result)
    new = after - before
    return sorted(size for (size, _), count in new.items() for _ in range(count)), result


@harness
def requested(make, **kwargs):
    sizes, _ = new_blocks(make, **kwargs)
    return sum(sizes)


@harness
def free_list_hits(make, n, size):
    """How many of the n objects of `size` bytes that make() creates come from a free
    list, right after n such objects were freed."""
    tracemalloc.stop()
    drain()
    batch = make()
    del batch  # to the free list, up to its length
    sizes, _ = new_blocks(make, warm=0, drained=False)
    return n - sizes.count(size)


# --- factories: every allocation on these lines is counted -------------------------

N = 50
ASCII, LATIN1, UCS2, UCS4 = "a", "\xe9", "\u03b1", "\U0001f600"


def make_str(ch, n):
    return lambda: ch * n


def make_bytes(n):
    b = b"x"
    return lambda: b * n


def make_product(a, b):
    return lambda: a * b


def make_float():
    x, y = 1.25, 2.5
    return lambda: x + y


def make_floats(n):
    x = 0.5

    def floats():
        out = [None] * n
        for i in range(n):
            out[i] = x + i
        return out

    return floats


def make_ints(n):
    base = 10**6

    def ints():
        out = [None] * n
        for i in range(n):
            out[i] = base + i
        return out

    return ints


def make_tuples(length, n):
    src = list(range(length))

    def tuples():
        out = [None] * n
        for i in range(n):
            out[i] = tuple(src)
        return out

    return tuples


def make_tuple(length):
    src = list(range(length))
    return lambda: tuple(src)


def make_empty_list():
    return lambda: []


def make_repeat_list(n):
    item = [None]
    return lambda: item * n


def make_list_iterator():
    xs = [1, 2, 3]
    return lambda: iter(xs)


def make_empty_dict():
    return lambda: {}


def make_filled_dict(keys):
    def fill():
        d = {}
        for k in keys:
            d[k] = None
        return d

    return fill


def make_empty_set():
    return lambda: set()


def make_set_iterator():
    items = {1, 2, 3}
    return lambda: iter(items)


def make_set(n):
    items = [object() for _ in range(n)]
    return lambda: set(items)


def make_genexpr():
    xs = [1, 2, 3]
    return lambda: (x for x in xs)


def make_function():
    return lambda: (lambda: None)


def make_class(k, slots):
    names = ["a%d" % i for i in range(k)]
    body = "".join("        self.%s = None\n" % name for name in names)
    source = "class C:\n"
    if slots:
        source += "    __slots__ = %r\n" % (tuple(names),)
    source += "    def __init__(self):\n" + (body or "        pass\n")
    namespace = {}
    # compiled with this file's name so that the __init__ lines count as factory
    # lines; the line numbers are past the end of the file and never in HARNESS
    exec(compile("\n" * 10000 + source, HERE, "exec"), namespace)
    return namespace["C"]


def make_instance(cls):
    return lambda: cls()


# --- measurements -------------------------------------------------------------------


def string_sizes():
    out = {}
    cases = []
    for key, ch, width in (
        ("ascii", ASCII, 1),
        ("latin1", LATIN1, 1),
        ("ucs2", UCS2, 2),
        ("ucs4", UCS4, 4),
    ):
        bases = set()
        for n in (N, 1000):
            size = requested(make_str(ch, n))
            cases.append([key, n, size])
            bases.add(size - n * width)
            obj = ch * n
            assert sys.getsizeof(obj) == size, (key, n, sys.getsizeof(obj), size)
        assert len(bases) == 1, (key, bases)
        out["str.%s_empty" % key] = bases.pop()
    assert sys.getsizeof("") == out["str.ascii_empty"]
    return out, cases


def int_measurements():
    cached = [i for i in range(-50, 1000) if int(str(i)) is int(str(i))]
    assert cached == list(range(cached[0], cached[-1] + 1)), "small ints not contiguous"
    out = {"int.small_min": cached[0], "int.small_max": cached[-1]}
    cases = []
    for a, b in (
        (1000, 7),  # 7000: one digit
        (-1000, 7),
        (40000, 40000),  # 1.6e9: two digits
        (2**40 + 1, 2**25 + 3),  # about 2**65: three digits
        (2**89 + 1, 2**29 + 1),  # about 2**118: four digits
    ):
        size = requested(make_product(a, b))
        cases.append([str(a * b), size])
    out["int.fresh_one_digit"] = cases[0][1]
    out["int.header"] = int.__basicsize__
    out["int.digit_bytes"] = int.__itemsize__
    out["int.digit_bits"] = sys.int_info.bits_per_digit
    # free list: free 500 fresh ints, then make 500 more and count the mallocs
    out["int.free_list"] = free_list_hits(make_ints(500), 500, out["int.fresh_one_digit"])
    return out, cases


def float_measurements():
    out = {"float.size": requested(make_float())}
    assert sys.getsizeof(1.5) == out["float.size"]
    out["float.free_list"] = free_list_hits(make_floats(1000), 1000, out["float.size"])
    return out


def tuple_measurements():
    # lengths past the free lists
    short, long_ = requested(make_tuple(25)), requested(make_tuple(40))
    item = (long_ - short) // 15
    out = {"tuple.item": item, "tuple.base": short - 25 * item}
    assert long_ == out["tuple.base"] + 40 * item
    longest = 0
    for length in range(1, 31):
        size = out["tuple.base"] + item * length
        if free_list_hits(make_tuples(length, 50), 50, size):
            longest = length
    out["tuple.free_list_max_len"] = longest
    assert sys.getsizeof(tuple(range(25))) == out["tuple.base"] + item * 25
    return out


def list_measurements():
    out = {"list.object": requested(make_empty_list())}
    assert sys.getsizeof([]) == out["list.object"]
    out["list.item"] = (requested(make_repeat_list(100)) - out["list.object"]) // 100
    xs = []
    capacities = []
    previous = sys.getsizeof(xs)
    for i in range(2000):
        xs.append(i)
        size = sys.getsizeof(xs)
        if size != previous:
            capacities.append((size - out["list.object"]) // out["list.item"])
            previous = size
    py38 = [0]
    py39 = [0]
    while len(py38) <= len(capacities):
        n = py38[-1] + 1
        py38.append(n + (n >> 3) + (3 if n < 9 else 6))
        n = py39[-1] + 1
        py39.append((n + (n >> 3) + 6) & ~3)
    if capacities == py38[1 : len(capacities) + 1]:
        out["list.growth"] = "py38"
    elif capacities == py39[1 : len(capacities) + 1]:
        out["list.growth"] = "py39"
    else:
        out["list.growth"] = "unknown"
    out["list.iterator"] = requested(make_list_iterator())
    return out, capacities


def dict_measurements():
    out = {"dict.empty": requested(make_empty_dict())}
    assert sys.getsizeof({}) == out["dict.empty"]
    sizes = [1, 5, 10]
    out["dict.sizes"] = sizes
    str_keys, other_keys = [], []
    for n in sizes:
        keys = ["key%d" % i for i in range(n)]
        for keys, sink in (
            (["key%d" % i for i in range(n)], str_keys),
            ([10**6 + i for i in range(n)], other_keys),
        ):
            # a resize puts the old keys table on the keys free list, where it stays
            # traced: take the live table's size from getsizeof, and check that it is
            # one of the requested blocks
            blocks_, d = new_blocks(make_filled_dict(keys))
            table = sys.getsizeof(d) - out["dict.empty"]
            assert table in blocks_, (n, table, blocks_)
            sink.append(table)
    out["dict.str_keys_table"] = str_keys
    out["dict.other_keys_table"] = other_keys
    return out


def set_measurements():
    out = {"set.empty": requested(make_empty_set())}
    assert sys.getsizeof(set()) == out["set.empty"]
    inline = 0
    for n in range(1, 20):
        if requested(make_set(n)) == out["set.empty"]:
            inline = n
    out["set.inline_items"] = inline
    out["set.table_5"] = requested(make_set(5)) - out["set.empty"]
    out["set.iterator"] = requested(make_set_iterator())
    return out


def instance_measurements(dict_empty):
    ks = [1, 3, 8]
    out = {"instance.attributes": ks}
    plain, slots = [], []
    for k in ks:
        plain.append(sum(steady_instance(k, slots=False)[0]))
        slots.append(sum(steady_instance(k, slots=True)[0]))
    out["instance.plain"] = plain
    out["instance.slots"] = slots
    # split-table (instance) dict values for 1, 5 and 10 attributes: what a plain
    # instance requests beyond its object (and, before 3.11, beyond its dict object)
    values = []
    for k in (1, 5, 10):
        sizes, obj = steady_instance(k, slots=False)
        rest = sum(sizes) - sys.getsizeof(obj)
        if sys.version_info < (3, 11):
            rest -= dict_empty  # the instance's own dict object
            assert len(sizes) == 3, sizes
        elif sys.version_info < (3, 13):
            assert len(sizes) == 2, sizes  # object + values
        else:
            assert len(sizes) == 1, sizes  # values inline in the object
        values.append(rest)
    out["dict.split_values"] = values
    return out


def steady_instance(k, slots):
    cls = make_class(k, slots)
    # 3.11+: the first ~30 instances of a class are bigger (shared keys start with
    # dk_usable = 30 and shrink by one per instance): measure after 40
    KEEP.append([cls() for _ in range(40)])
    return new_blocks(make_instance(cls))


class _Plain:
    def __init__(self):
        self.a = None


def header_measurements():
    plain = _Plain()
    gc_header = sys.getsizeof([]) - [].__sizeof__()
    return {
        "object.header": object().__sizeof__(),
        "object.var_header": int.__basicsize__,
        "object.gc_header": gc_header,
        "object.managed_pre_header": sys.getsizeof(plain) - plain.__sizeof__() - gc_header,
    }


def make_islice():
    import itertools

    xs = [1, 2, 3]
    return lambda: itertools.islice(xs, 1, None)


def make_chain():
    import itertools

    xs, ys = [1, 2], [3]
    return lambda: itertools.chain(xs, ys)


def other_objects():
    out = {"function.object": requested(make_function())}
    # The call's arguments tuple is drained from the free list here, not in warm code, so
    # it is taken out. islice(xs, ...) also takes xs's list_iterator; chain(a, b) an
    # iterator over its arguments tuple, which is part of what it costs.
    islice_call = requested(make_islice()) - sys.getsizeof((1, 2, 3))
    out["iterator.islice"] = islice_call - requested(make_list_iterator())
    out["iterator.chain"] = requested(make_chain()) - sys.getsizeof((1, 2))
    gen = make_genexpr()()
    out["generator.genexpr"] = sys.getsizeof(gen)
    sizes, _ = new_blocks(make_genexpr())
    assert out["generator.genexpr"] in sizes, (out["generator.genexpr"], sizes)
    return out


def pymalloc_measurements():
    err = subprocess.run(
        [sys.executable, "-c", "import sys; sys._debugmallocstats()"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        universal_newlines=True,
        check=True,
    ).stderr
    m = re.search(r"Small block threshold = (\d+), in (\d+) size classes", err)
    threshold, classes = int(m.group(1)), int(m.group(2))
    arena = int(re.search(r"\d+ arenas \* (\d+) bytes/arena", err).group(1))
    pool = int(re.search(r"\d+ unused pools \* (\d+) bytes", err).group(1))
    return {
        "pymalloc.small_request_threshold": threshold,
        "pymalloc.size_classes": classes,
        "pymalloc.alignment": threshold // classes,
        "pymalloc.pool_size": pool,
        "pymalloc.arena_size": arena,
    }


# --- behaviours: measured by peak traced memory ------------------------------------

BEHAVIOUR_SOURCE = '''
def local(n, piece):
    s = ""
    for _ in range(n):
        s += piece
    return s

def closure(n, piece):
    s = ""
    def inner():
        nonlocal s
        for _ in range(n):
            s += piece
    inner()
    return s

def global_(n, piece):
    global g
    g = ""
    for _ in range(n):
        g += piece
    return g

class Holder:
    def run(self, n, piece):
        self.s = ""
        for _ in range(n):
            self.s += piece
        return self.s

def attribute(n, piece):
    return Holder().run(n, piece)

def subscript(n, piece):
    d = {"s": ""}
    for _ in range(n):
        d["s"] += piece
    return d["s"]

MODULE_CODE = compile("s = ''\\nfor _ in range(n):\\n    s += piece\\n", "<module>", "exec")

def name(n, piece):
    ns = {"n": n, "piece": piece, "s": None, "_": None}
    exec(MODULE_CODE, ns)
    return ns["s"]

def chain(a, b, c):
    return a + b + c
'''


def peak_of(fn, *args):
    fn(*args)  # warm: quickened, specialised
    fn(*args)
    tracemalloc.stop()
    tracemalloc.start(1)
    result = fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start(1)
    return peak, result


def behaviours():
    ns = {}
    exec(BEHAVIOUR_SOURCE, ns)
    out = {}
    n, piece = 4000, "x" * 10
    for store in ("local", "closure", "name", "global", "attribute", "subscript"):
        fn = ns[store + "_" if store == "global" else store]
        peak, result = peak_of(fn, n, piece)
        # in place: the string is realloc'd, peak about its final size;
        # a copy per += holds the old and the new value: peak about twice it
        out["str_concat.%s" % store] = peak < 1.5 * sys.getsizeof(result)
    part = "y" * 20000
    peak, result = peak_of(ns["chain"], part, part, part)
    out["behaviour.chain_temporaries_in_place"] = peak < 1.3 * sys.getsizeof(result)
    code = compile("[x for x in y]", "<listcomp>", "exec")
    out["behaviour.comprehension_inlined"] = not any(
        isinstance(const, types.CodeType) for const in code.co_consts
    )
    out["behaviour.specialised_globals"] = specialised_globals()
    # b"".join: the Py_buffer array beyond NB_STATIC_BUFFERS
    extra = {}
    for parts in list(range(1, 21)) + [100]:
        items = [b"z" * 10 for _ in range(parts)]
        peak, result = peak_of(bytes.join, b"", items)
        extra[parts] = peak - sys.getsizeof(result)
    out["bytes_join.static_buffers"] = max(p for p in extra if extra[p] == 0)
    out["bytes_join.buffer_per_part"] = extra[100] // 100
    return out


def make_display(source):
    code = compile(source, "<display>", "eval")
    return lambda: eval(code)


def constants(n):
    return ", ".join(str(1000 + i) for i in range(n))


def display_measurements(list_object, set_empty):
    """How CPython builds list, set and dict displays of constants."""
    out = {}
    capacities = {}
    for n in range(1, 41):
        size = sys.getsizeof(make_display("[%s]" % constants(n))())
        capacities[n] = (size - list_object) // 8

    def py39(n):
        wanted = (n + (n >> 3) + 6) & ~3
        return (n + 3) & ~3 if n > wanted - n else wanted

    families = {
        "exact": lambda n: n,
        "py39": lambda n: n if n < 3 else py39(n),
        "even": lambda n: n if n < 3 else n + (n & 1),
    }
    out["display.list_capacity"] = next(
        (name for name, capacity in families.items()
         if all(capacities[n] == capacity(n) for n in capacities)),
        "unknown",
    )
    # merged from a constant frozenset: a table of the first power of two above 2n
    five = sys.getsizeof(make_display("{%s}" % constants(5))())
    out["display.set_from_frozenset"] = five == set_empty + 16 * 16
    presized = 0
    for n in range(1, 257):
        items = ", ".join("'k%d': %d" % (i, i) for i in range(n))
        ops = [i.opname for i in dis.get_instructions(compile("{%s}" % items, "<d>", "eval"))]
        built = ops.count("BUILD_CONST_KEY_MAP") + ops.count("BUILD_MAP")
        if built == 1 and "MAP_ADD" not in ops and "DICT_UPDATE" not in ops:
            presized = n
        else:
            break
    out["display.dict_presized_max"] = presized

    return out


def specialised_globals():
    ns = {"G": 1}
    exec("def f():\n    for _ in range(100):\n        G\n", ns)
    for _ in range(20):
        ns["f"]()
    try:
        instructions = dis.get_instructions(ns["f"], adaptive=True)
    except TypeError:  # no `adaptive` before 3.11: no specialisation either
        return False
    return any(i.opname == "LOAD_GLOBAL_MODULE" for i in instructions)


# --- lookup timings ---------------------------------------------------------------

LOOKUP_SOURCE = """
import math
g = 1
def empty(n):
    for _ in range(n):
        pass
def local(n):
    x = 1
    for _ in range(n):
        x; x; x; x; x; x; x; x; x; x
def global_(n):
    for _ in range(n):
        g; g; g; g; g; g; g; g; g; g
def builtin(n):
    for _ in range(n):
        len; len; len; len; len; len; len; len; len; len
def module_attribute(n):
    for _ in range(n):
        math.pi; math.pi; math.pi; math.pi; math.pi; math.pi; math.pi; math.pi; math.pi; math.pi
"""

LOOPS = 200000  # iterations per timed call; each body does 10 lookups
REPEAT = 31


def lookup_timings():
    ns = {}
    exec(LOOKUP_SOURCE, ns)
    best = {}
    for name in ("empty", "local", "global_", "builtin", "module_attribute"):
        fn = ns[name]
        fn(2000)  # warm: opcache (3.8-3.10) or specialisation (3.11+)
        times = timeit.repeat(lambda: fn(LOOPS), number=1, repeat=REPEAT)
        best[name.rstrip("_")] = min(times)
    return {
        "lookup_ns.%s" % name: round((best[name] - best["empty"]) / (10 * LOOPS) * 1e9, 2)
        for name in ("local", "global", "builtin", "module_attribute")
    }


def main():
    if sys.maxsize != 2**63 - 1:
        sys.exit("objects.py: needs a 64-bit CPython")
    gc.disable()
    measured = {}
    measured.update(lookup_timings())  # before tracemalloc, which slows allocation
    tracemalloc.start(1)
    measured.update(header_measurements())
    strings, str_cases = string_sizes()
    measured.update(strings)
    measured["bytes.empty"] = requested(make_bytes(N)) - N
    assert sys.getsizeof(b"") == measured["bytes.empty"]
    ints, int_cases = int_measurements()
    measured.update(ints)
    measured.update(float_measurements())
    measured.update(tuple_measurements())
    lists, capacities = list_measurements()
    measured.update(lists)
    measured.update(dict_measurements())
    measured.update(set_measurements())
    measured.update(other_objects())
    measured.update(instance_measurements(measured["dict.empty"]))
    measured.update(behaviours())
    measured.update(display_measurements(measured["list.object"], measured["set.empty"]))
    tracemalloc.stop()
    measured.update(pymalloc_measurements())
    report = {
        "python": platform.python_version(),
        "version": "%d.%d" % sys.version_info[:2],
        "implementation": platform.python_implementation(),
        "machine": "%s, %s" % (platform.machine(), platform.platform()),
        "measured": dict(sorted(measured.items())),
        "cases": {
            "str_size": str_cases,
            "fresh_int_size": int_cases,
            "list_capacities": capacities,
        },
    }
    json.dump(report, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
