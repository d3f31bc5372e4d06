#!/usr/bin/env python3
"""Measure heaplint's calibration cases on real CPython interpreters.

For every case in tests/calibration/cases.toml, run the habit and the
alternative on each CPython 3.8+ found, and write what they allocate to
tests/calibration/results/<major>.<minor>.json.

    python3 tests/calibration/calibrate.py                  # every interpreter found
    python3 tests/calibration/calibrate.py --python python3 --output /tmp/x.json
    python3 tests/calibration/calibrate.py --only MEM201-    # cases whose name starts so
    python3 tests/calibration/calibrate.py --list            # cases and interpreters

Standard library only; the driver runs on any CPython 3.8+. It builds
allocount.c for each interpreter with gcc (cached under
target/calibration/<tag>/) and starts that interpreter as a worker, one
process per case and side (habit or alternative).

Figures per side:
  allocations      malloc + calloc + realloc calls (PYMEM_DOMAIN_OBJ and _MEM)
  allocated_bytes  bytes requested by malloc and calloc, plus realloc growth
                   (max(0, new size - old size) per realloc)
  peak_bytes       tracemalloc's peak above its level at the start, in a
                   separate run (tracemalloc started right before the measured
                   call and stopped right after it)
  peak_hook        the hook's own peak of live requested bytes, for comparison
  stable           every repeat gave the same figures
"""
from __future__ import print_function

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES_TOML = os.path.join(HERE, "cases.toml")
HOOK_SOURCE = os.path.join(HERE, "allocount.c")
RESULTS_DIR = os.path.join(HERE, "results")
DEFAULT_CACHE = os.path.join(ROOT, "target", "calibration")

MIN_VERSION = (3, 8)
CFLAGS = ["-O2", "-fPIC", "-shared", "-std=c99", "-Wall", "-Wextra",
          "-Wno-unused-parameter", "-Wno-missing-field-initializers",
          "-Wno-cast-function-type"]

# Measurement protocol (the worker's defaults; recorded in each results file).
PREWARM_CALLS = 1100      # past 3.8-3.10's opcache threshold (1024 runs) ...
PREWARM_SECONDS = 0.25    # ... unless that takes longer than this (then at
PREWARM_BELOW = 900       # most this many, to stay clear of the 1024th run);
STEADY = 4                # then on until this many calls in a row agree,
PREWARM_MAX_CALLS = 2000  # but no more calls than this
PREWARM_LIMIT_SECONDS = 30  # nor for longer than this
WARMUPS = 3               # calls with the exact inputs right before each measured call
REPEATS = 3               # measured calls; they must agree for `stable`
ATTEMPTS = 3              # sets of repeats tried before giving up on `stable`
WORKER_TIMEOUT = 600

NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
RULE_RE = re.compile(r"^MEM[0-9]{3}$")
DOC_REF_RE = re.compile(r"^(?P<path>[^#]+\.md)#(?P<tag>flagged|clean)-(?P<n>[1-9][0-9]*)$")


class Error(Exception):
    """A problem the user must fix; printed without a traceback."""


# ---------------------------------------------------------------------------
# cases.toml
#
# tomllib exists only from 3.11, so the driver carries a reader for the small
# part of TOML that cases.toml uses: comments, [[case]] headers, and
# `key = value` lines whose value is a string (basic, literal, or either
# multi-line form), an integer or a boolean.

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r",
            '"': '"', "\\": "\\"}


def _toml_basic(text, i, end_quote, where, multiline):
    out = []
    while True:
        if i >= len(text):
            raise Error("%s: unterminated string" % where)
        if text.startswith(end_quote, i):
            # a multi-line string may end with up to two extra quotes
            if multiline:
                while text.startswith(end_quote + '"', i):
                    out.append('"')
                    i += 1
            return "".join(out), i + len(end_quote)
        c = text[i]
        if c == "\\":
            nxt = text[i + 1:i + 2]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
            elif nxt in ("u", "U"):
                width = 4 if nxt == "u" else 8
                digits = text[i + 2:i + 2 + width]
                if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    raise Error("%s: bad \\%s escape" % (where, nxt))
                out.append(chr(int(digits, 16)))
                i += 2 + width
            elif multiline and nxt in (" ", "\t", "\n", "\r"):
                # line-ending backslash: drop it and the whitespace after it
                j = i + 1
                while j < len(text) and text[j] in " \t\r\n":
                    j += 1
                if "\n" not in text[i + 1:j]:
                    raise Error("%s: backslash followed by spaces, not a line end" % where)
                i = j
            else:
                raise Error("%s: unknown escape \\%s" % (where, nxt))
        elif c == "\n" and not multiline:
            raise Error("%s: newline in a one-line string" % where)
        else:
            out.append(c)
            i += 1


def _skip_first_newline(text, i):
    """TOML drops a newline right after the opening quotes of a multi-line string."""
    if text.startswith("\r\n", i):
        return i + 2
    if text.startswith("\n", i):
        return i + 1
    return i


def _toml_value(text, i, where):
    if text.startswith('"""', i):
        i = _skip_first_newline(text, i + 3)
        return _toml_basic(text, i, '"""', where, True)
    if text.startswith("'''", i):
        i = _skip_first_newline(text, i + 3)
        j = text.find("'''", i)
        if j < 0:
            raise Error("%s: unterminated string" % where)
        while text.startswith("''''", j):
            j += 1
        return text[i:j], j + 3
    if text.startswith('"', i):
        return _toml_basic(text, i + 1, '"', where, False)
    if text.startswith("'", i):
        j = text.find("'", i + 1)
        if j < 0 or "\n" in text[i + 1:j]:
            raise Error("%s: unterminated string" % where)
        return text[i + 1:j], j + 1
    m = re.compile(r"true|false|[+-]?[0-9][0-9_]*").match(text, i)
    if not m:
        raise Error("%s: unsupported value (strings, integers and booleans only)" % where)
    tok = m.group(0)
    if tok in ("true", "false"):
        return tok == "true", m.end()
    return int(tok.replace("_", "")), m.end()


def parse_toml(text, path):
    """The [[case]] tables of cases.toml, as a list of dicts."""
    cases = []
    current = None
    i, line = 0, 1
    ws = re.compile(r"[ \t]*")
    while i < len(text):
        i = ws.match(text, i).end()
        if i >= len(text):
            break
        where = "%s:%d" % (path, line)
        c = text[i]
        if c in "\r\n":
            line += 1
            i += 2 if text.startswith("\r\n", i) else 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
            continue
        if text.startswith("[[", i):
            j = text.find("]]", i)
            if j < 0:
                raise Error("%s: bad table header" % where)
            name = text[i + 2:j].strip()
            if name != "case":
                raise Error("%s: only [[case]] tables are allowed, not [[%s]]" % (where, name))
            current = {"_line": line}
            cases.append(current)
            i = j + 2
        elif c == "[":
            raise Error("%s: only [[case]] tables are allowed" % where)
        else:
            m = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*").match(text, i)
            if not m:
                raise Error("%s: expected `key = value`" % where)
            if current is None:
                raise Error("%s: key outside a [[case]] table" % where)
            key = m.group(1)
            if key in current:
                raise Error("%s: duplicate key %r" % (where, key))
            value, j = _toml_value(text, m.end(), where)
            current[key] = value
            line += text.count("\n", i, j)
            i = j
        # the rest of the line: spaces and an optional comment
        i = ws.match(text, i).end()
        if i < len(text) and text[i] == "#":
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
        if i < len(text) and text[i] not in "\r\n":
            raise Error("%s:%d: unexpected text after the value" % (path, line))
    return cases


def read_toml(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Error("%s: not UTF-8" % path)
    cases = parse_toml(text, os.path.relpath(path, ROOT))
    try:
        import tomllib  # 3.11+: check the reader above agrees with the real one
    except ImportError:
        return cases
    try:
        real = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Error("%s: %s" % (path, exc))
    stripped = [dict((k, v) for k, v in c.items() if k != "_line") for c in cases]
    if real != {"case": stripped} and not (not stripped and real == {}):
        raise Error("%s: uses TOML this script's reader does not understand "
                    "(keep to [[case]] tables of strings, integers, booleans)" % path)
    return cases


def code_blocks(markdown):
    """(info string, code) for each fenced block, as tests/rules.rs reads them."""
    blocks = []
    lines = markdown.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    it = iter(lines)
    for line in it:
        if not line.startswith("```") or line == "```":
            continue
        info = line[3:]
        body = []
        for inner in it:
            if inner.startswith("```"):
                break
            body.append(inner)
        blocks.append((info, "\n".join(body) + "\n"))
    return blocks


def load_source(ref, where):
    """Source text for `rules/X.md#flagged-N`, `#clean-N` or a .py path."""
    m = DOC_REF_RE.match(ref)
    if m:
        path = os.path.join(ROOT, m.group("path"))
        if not os.path.isfile(path):
            raise Error("%s: no file %s" % (where, m.group("path")))
        with open(path, encoding="utf-8") as f:
            blocks = [code for info, code in code_blocks(f.read())
                      if info.split()[:2] == ["python", m.group("tag")]]
        n = int(m.group("n"))
        if n > len(blocks):
            raise Error("%s: %s has %d ```python %s block(s), not %d"
                        % (where, m.group("path"), len(blocks), m.group("tag"), n))
        return blocks[n - 1]
    if ref.endswith(".py") and "#" not in ref:
        path = os.path.join(ROOT, ref)
        if not os.path.isfile(path):
            raise Error("%s: no file %s" % (where, ref))
        with open(path, encoding="utf-8") as f:
            return f.read()
    raise Error("%s: %r is neither <doc>.md#flagged-N / #clean-N nor a .py file"
                % (where, ref))


CASE_KEYS = {"name", "rule", "habit", "alternative", "setup", "call",
             "alternative_call", "assume_iterations"}


def load_cases(path=CASES_TOML):
    if not os.path.isfile(path):
        raise Error("no %s" % path)
    cases = []
    seen = set()
    for raw in read_toml(path):
        where = "%s:%d" % (os.path.relpath(path, ROOT), raw.pop("_line"))
        unknown = sorted(set(raw) - CASE_KEYS)
        if unknown:
            raise Error("%s: unknown key(s) %s" % (where, ", ".join(unknown)))
        for key in ("name", "rule", "habit", "alternative"):
            if not isinstance(raw.get(key), str):
                raise Error("%s: `%s` (a string) is required" % (where, key))
        for key in ("setup", "call", "alternative_call"):
            if key in raw and not isinstance(raw[key], str):
                raise Error("%s: `%s` must be a string" % (where, key))
        name = raw["name"]
        if not NAME_RE.match(name):
            raise Error("%s: name %r: use letters, digits, '_' and '-' only" % (where, name))
        if name in seen:
            raise Error("%s: duplicate case name %r" % (where, name))
        seen.add(name)
        if not RULE_RE.match(raw["rule"]):
            raise Error("%s: rule %r is not a MEMxxx code" % (where, raw["rule"]))
        iters = raw.get("assume_iterations", 100)
        if isinstance(iters, bool) or not isinstance(iters, int) or iters < 1:
            raise Error("%s: assume_iterations must be a positive integer" % where)
        call = raw.get("call")
        if call is None and "alternative_call" in raw:
            raise Error("%s: alternative_call without call" % where)
        for key in ("call", "alternative_call"):
            if key in raw:
                try:
                    compile(raw[key], key, "eval", dont_inherit=True)
                except SyntaxError as exc:
                    raise Error("%s: `%s` is not one expression: %s" % (where, key, exc))
        case = {
            "name": name,
            "rule": raw["rule"],
            "habit_ref": raw["habit"],
            "alternative_ref": raw["alternative"],
            "setup": raw.get("setup", ""),
            "call": call,
            "alternative_call": raw.get("alternative_call", call),
            "assume_iterations": iters,
            "habit_src": load_source(raw["habit"], where),
            "alternative_src": load_source(raw["alternative"], where),
        }
        for side in ("habit", "alternative"):
            src = case[side + "_src"]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")   # `x is "ok"` warns
                    compile(src, case[side + "_ref"], "exec", dont_inherit=True)
            except SyntaxError as exc:
                raise Error("%s: %s does not compile: %s" % (where, case[side + "_ref"], exc))
        digest = hashlib.sha256()
        for key in ("habit_src", "alternative_src", "setup", "call", "alternative_call"):
            digest.update(repr(case[key]).encode("utf-8"))
        case["digest"] = digest.hexdigest()[:16]
        cases.append(case)
    if not cases:
        raise Error("%s: no [[case]]" % path)
    return cases


# ---------------------------------------------------------------------------
# interpreters

PROBE = r"""
import json, os, platform, sys, sysconfig
print(json.dumps({
    "version": platform.python_version(),
    "version_info": list(sys.version_info[:2]),
    "implementation": platform.python_implementation(),
    "executable": os.path.realpath(sys.executable),
    "sys_version": sys.version,
    "include": sysconfig.get_paths()["include"],
    "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"),
    "cache_tag": sys.implementation.cache_tag,
    "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "debug": hasattr(sys, "gettotalrefcount"),
}))
"""


def clean_env():
    """The environment for the interpreters we run: no PYTHON* variable (they
    could switch allocators or tracing on), and a fixed hash seed so set and
    dict layouts are the same in every run."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("PYTHON"))
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def probe(python):
    exe = python
    if os.sep not in python:
        exe = shutil.which(python)
        if exe is None:
            raise Error("no %s on PATH" % python)
    if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
        raise Error("%s is not an executable file" % python)
    try:
        out = subprocess.run([exe, "-S", "-c", PROBE], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=clean_env(), timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Error("cannot run %s: %s" % (python, exc))
    if out.returncode != 0:
        raise Error("cannot run %s: %s" % (python, out.stderr.decode("utf-8", "replace").strip()))
    info = json.loads(out.stdout.decode("utf-8"))
    info["command"] = exe
    return info


def pyenv_root():
    root = os.environ.get("PYENV_ROOT")
    if root:
        return root
    if shutil.which("pyenv"):
        try:
            out = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=30)
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.decode().strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    return os.path.expanduser("~/.pyenv")


def _version_key(name):
    return [int(p) if p.isdigit() else -1 for p in re.split(r"[.]", name)]


def discover():
    """One CPython 3.8+ per minor version: pyenv's newest patch release of
    each, then python3.X on PATH for the minor versions pyenv lacks."""
    chosen = {}

    def consider(exe):
        try:
            info = probe(exe)
        except Error as exc:
            print("calibrate: skipped %s (%s)" % (exe, str(exc).splitlines()[0]),
                  file=sys.stderr)
            return
        key = tuple(info["version_info"])
        if info["implementation"] == "CPython" and key >= MIN_VERSION \
                and not info["gil_disabled"]:
            chosen.setdefault(key, info)

    versions = os.path.join(pyenv_root(), "versions")
    if os.path.isdir(versions):
        for name in sorted(os.listdir(versions), key=_version_key, reverse=True):
            # plain CPython releases only (no pypy-..., no 3.13t, no virtualenvs)
            m = re.match(r"^3\.([0-9]+)\.[0-9]+$", name)
            if not m or (3, int(m.group(1))) < MIN_VERSION or (3, int(m.group(1))) in chosen:
                continue
            exe = os.path.join(versions, name, "bin", "python")
            if os.path.isfile(exe):
                consider(exe)
    for minor in range(MIN_VERSION[1], 30):
        if (3, minor) in chosen:
            continue
        exe = shutil.which("python3.%d" % minor)
        if exe:
            consider(exe)
    return [chosen[k] for k in sorted(chosen)]


# ---------------------------------------------------------------------------
# building the hook

def build_hook(info, cache_dir):
    """Compile allocount.c for one interpreter, unless the cached build is
    current. Returns the directory to put on the worker's sys.path."""
    if info["gil_disabled"]:
        raise Error("%s is a free-threaded build; allocount needs the GIL build"
                    % info["command"])
    if not os.path.isfile(os.path.join(info["include"], "Python.h")):
        raise Error("no Python.h in %s: install the headers of %s (the -dev package, "
                    "or a pyenv build)" % (info["include"], info["command"]))
    cc = os.environ.get("CC", "gcc")
    cc_path = shutil.which(cc)
    if cc_path is None:
        raise Error("no C compiler %r on PATH: calibrate.py compiles allocount.c "
                    "with gcc (or $CC)" % cc)
    with open(HOOK_SOURCE, "rb") as f:
        source = f.read()
    stamp = hashlib.sha256()
    for part in (source, repr(CFLAGS).encode(), cc_path.encode(),
                 info["include"].encode(), info["sys_version"].encode()):
        stamp.update(part)
    stamp = stamp.hexdigest()
    tag = "%s-%s-%s" % (info["cache_tag"], info["version"],
                        hashlib.sha256(info["executable"].encode()).hexdigest()[:8])
    out_dir = os.path.join(cache_dir, tag)
    target = os.path.join(out_dir, "allocount" + info["ext_suffix"])
    stamp_file = os.path.join(out_dir, "stamp")
    if os.path.isfile(target) and os.path.isfile(stamp_file):
        with open(stamp_file) as f:
            if f.read().strip() == stamp:
                return out_dir
    os.makedirs(out_dir, exist_ok=True)
    tmp = target + ".tmp%d" % os.getpid()
    cmd = [cc_path] + CFLAGS + ["-I" + info["include"], HOOK_SOURCE, "-o", tmp]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if res.returncode != 0:
        raise Error("building allocount for %s failed:\n$ %s\n%s"
                    % (info["version"], " ".join(cmd), res.stdout.decode("utf-8", "replace")))
    os.replace(tmp, target)
    with open(stamp_file, "w") as f:
        f.write(stamp + "\n")
    return out_dir


# ---------------------------------------------------------------------------
# the worker: runs inside the interpreter being measured, one side of one case

HOOK_RUNNER = """
def __calibration_hook(__start, __stop):
    __start()
    __result = (%s)
    __stats = __stop()
    return __stats, __result


def __calibration_traced(__start, __traced, __stop):
    __start()
    __result = (%s)
    __memory = __traced()
    __stop()
    return __memory, __result
"""

HOOK_KEYS = ("malloc", "calloc", "realloc", "free", "bytes_malloc",
             "bytes_realloc_growth", "peak", "live_delta",
             "realloc_untracked", "free_untracked")


# The names every module's namespace holds (`PyModule_New`, then the import system).
MODULE_DUNDERS = ("__name__", "__doc__", "__package__", "__loader__", "__spec__",
                  "__file__", "__cached__", "__builtins__")


def worker_main():
    import builtins
    import gc
    import tracemalloc

    job = json.loads(sys.stdin.read())
    sys.path.insert(0, job["ext_dir"])
    import allocount

    gc.disable()
    warnings.simplefilter("ignore")   # e.g. SyntaxWarning for `x is "ok"`
    allocount.install()   # before anything the case allocates, so every block is tracked

    ns = {"__name__": "__calibration__", "__builtins__": builtins}
    exec(compile(job["setup"], "<setup>", "exec", dont_inherit=True), ns)
    code = compile(job["source"], job["filename"], "exec", dont_inherit=True)
    call = job["call"]
    if call is not None:
        exec(code, ns)
        exec(compile(HOOK_RUNNER % (call, call), "<calibration>", "exec",
                     dont_inherit=True), ns)
        hook_fn = ns["__calibration_hook"]
        traced_fn = ns["__calibration_traced"]

        def hooked():
            return hook_fn(allocount.start, allocount.stop)

        def traced():
            return traced_fn(tracemalloc.start, tracemalloc.get_traced_memory,
                             tracemalloc.stop)
    else:
        base = ns

        def module_namespace(base):
            # Built key by key in the order the import system fills a module's dict, so the
            # dict's table has the size and fill a real module's would (on 3.8 to 3.10
            # module-level `s += x` deletes and re-inserts `s`, and the table's spare room
            # decides how often it is rebuilt).
            scope = {}
            for key in MODULE_DUNDERS:
                scope[key] = base.get(key)
            for key, value in base.items():
                if key not in scope:
                    scope[key] = value
            return scope

        def run_module(start, stop, code, base):
            scope = module_namespace(base)   # fresh, built before start()
            start()
            exec(code, scope)
            stats = stop()
            return stats, scope

        def run_module_traced(start, traced, stop, code, base):
            scope = module_namespace(base)
            start()
            exec(code, scope)
            memory = traced()
            stop()
            return memory, scope

        def hooked():
            return run_module(allocount.start, allocount.stop, code, base)

        def traced():
            return run_module_traced(tracemalloc.start, tracemalloc.get_traced_memory,
                                     tracemalloc.stop, code, base)

    settings = job["settings"]
    warmups, repeats, attempts = settings["warmups"], settings["repeats"], settings["attempts"]

    def measure(fn, extract):
        """`repeats` measured calls, each right after `warmups` calls with the
        same inputs, so the free lists are in the same state every time. If
        the repeats disagree (a one-time event such as an opcache being
        created), try again up to `attempts` times."""
        seen = []
        for attempt in range(1, attempts + 1):
            runs = []
            for _ in range(repeats):
                for _ in range(warmups):
                    stats, keep = fn()
                    stats = keep = None
                stats, keep = fn()
                keep = None
                runs.append(extract(stats))
                stats = None
            seen.append(runs)
            if all(r == runs[0] for r in runs):
                return runs[0], True, attempt, None
        # not stable: report the most frequent record of the last attempt
        last = seen[-1]
        best = max(last, key=lambda r: (last.count(r), -last.index(r)))
        return best, False, attempts, seen

    # Pre-warm: quicken and specialise (3.11+), create the opcache (3.8-3.10,
    # after 1024 runs), and let caches that settle over many calls settle (on
    # 3.12 a class's instances shrink their inline values one slot per new
    # instance until they fit). Calls go on until at least `prewarm_calls`
    # calls (fewer if a call is slow) and the last `steady` calls agreed.
    hook_figures = lambda st: dict((k, st[k]) for k in HOOK_KEYS)
    t0 = time.perf_counter()
    stats, keep = hooked()
    keep = None
    first = time.perf_counter() - t0
    history = [hook_figures(stats)]
    stats = None
    wanted = settings["prewarm_calls"]
    if first > 0:
        wanted = min(wanted, int(settings["prewarm_seconds"] / first))
    if settings["prewarm_below"] < wanted < settings["prewarm_calls"]:
        # Short of the 1024th run, stop well before it: the measured calls
        # that follow must not be the one that creates the opcache.
        wanted = settings["prewarm_below"]
    wanted = max(wanted, settings["steady"])
    deadline = time.perf_counter() + settings["prewarm_limit_seconds"]
    calls = 1
    while calls < settings["prewarm_max_calls"] and time.perf_counter() < deadline:
        tail = history[-settings["steady"]:]
        if calls >= wanted and len(tail) == settings["steady"] \
                and all(r == tail[0] for r in tail):
            break
        stats, keep = hooked()
        keep = None
        history.append(hook_figures(stats))
        stats = None
        calls += 1
    del history[:-settings["steady"]]

    hook, hook_stable, hook_attempts, hook_seen = measure(hooked, hook_figures)

    allocount.uninstall()   # tracemalloc measures on its own
    tm, tm_stable, tm_attempts, tm_seen = measure(
        traced, lambda mem: {"peak": mem[1], "current": mem[0]})

    rec = {
        "allocations": hook["malloc"] + hook["calloc"] + hook["realloc"],
        "allocated_bytes": hook["bytes_malloc"] + hook["bytes_realloc_growth"],
        "peak_bytes": tm["peak"],
        "peak_hook": hook["peak"],
        "stable": hook_stable and tm_stable,
        "malloc": hook["malloc"],
        "calloc": hook["calloc"],
        "realloc": hook["realloc"],
        "free": hook["free"],
        "bytes_malloc": hook["bytes_malloc"],
        "bytes_realloc_growth": hook["bytes_realloc_growth"],
        "live_delta": hook["live_delta"],
        "traced_end": tm["current"],
    }
    if hook_attempts > 1 or tm_attempts > 1:
        rec["attempts"] = max(hook_attempts, tm_attempts)
    if hook["realloc_untracked"] or hook["free_untracked"]:
        rec["untracked"] = hook["realloc_untracked"] + hook["free_untracked"]
    if hook_seen is not None:
        rec["unstable_hook"] = hook_seen
    if tm_seen is not None:
        rec["unstable_tracemalloc"] = tm_seen
    json.dump(rec, sys.stdout)
    sys.stdout.write("\n")
    return 0


# ---------------------------------------------------------------------------
# the driver

def settings_dict():
    return {"prewarm_calls": PREWARM_CALLS, "prewarm_seconds": PREWARM_SECONDS,
            "prewarm_below": PREWARM_BELOW,
            "steady": STEADY, "prewarm_max_calls": PREWARM_MAX_CALLS,
            "prewarm_limit_seconds": PREWARM_LIMIT_SECONDS,
            "warmups": WARMUPS, "repeats": REPEATS, "attempts": ATTEMPTS}


def run_side(info, ext_dir, case, side):
    job = {
        "ext_dir": ext_dir,
        "setup": case["setup"],
        "source": case[side + "_src"],
        "filename": case[side + "_ref"],
        "call": case["call"] if side == "habit" else case["alternative_call"],
        "settings": settings_dict(),
    }
    cmd = [info["command"], "-S", os.path.abspath(__file__), "--worker"]
    try:
        res = subprocess.run(cmd, input=json.dumps(job).encode("utf-8"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=clean_env(), cwd=ROOT, timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Error("%s %s (%s): no result after %d s"
                    % (case["name"], side, info["version"], WORKER_TIMEOUT))
    if res.returncode != 0:
        raise Error("%s %s (%s) failed:\n%s" % (case["name"], side, info["version"],
                                                res.stderr.decode("utf-8", "replace").rstrip()))
    return json.loads(res.stdout.decode("utf-8"))


def run_interpreter(info, ext_dir, cases, jobs):
    from concurrent.futures import ThreadPoolExecutor
    tasks = [(case, side) for case in cases for side in ("habit", "alternative")]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_side, info, ext_dir, case, side) for case, side in tasks]
        results = [f.result() for f in futures]
    records = []
    for i, case in enumerate(cases):
        records.append({
            "name": case["name"],
            "rule": case["rule"],
            "digest": case["digest"],
            "habit": results[2 * i],
            "alternative": results[2 * i + 1],
        })
    return records


def dump_results(doc):
    """One case per line: compact, and diffs between runs stay readable."""
    cases = doc["cases"]
    head = dict((k, v) for k, v in doc.items() if k != "cases")
    text = json.dumps(head, indent=1)
    lines = [text[:-2] + ',\n "cases": [']
    lines.append(",\n".join("  " + json.dumps(c) for c in cases))
    lines.append(" ]\n}\n")
    return "\n".join(lines)


FIGURES = ("allocations", "allocated_bytes", "peak_bytes")


def print_table(version, records, out=sys.stderr):
    width = max([len(r["name"]) for r in records] + [4])
    head = "%-*s  %-7s %-29s %-29s %s" % (width, "case", "rule", "habit (alloc/bytes/peak)",
                                          "alternative", "excess")
    print("== CPython %s" % version, file=out)
    print(head, file=out)
    for r in records:
        h, a = r["habit"], r["alternative"]
        fmt = lambda d: "%d/%d/%d" % tuple(d[k] for k in FIGURES)
        ex = "%+d/%+d/%+d" % tuple(h[k] - a[k] for k in FIGURES)
        flag = "" if h["stable"] and a["stable"] else "  UNSTABLE"
        print("%-*s  %-7s %-29s %-29s %s%s" % (width, r["name"], r["rule"], fmt(h), fmt(a),
                                               ex, flag), file=out)


def lint(cases, heaplint, target_version):
    """Run heaplint on each habit and alternative; report the findings of the
    case's rule. Returns the number of cases not flagged as intended."""
    import tempfile
    exe = heaplint if os.sep in heaplint else (shutil.which(heaplint) or heaplint)
    if not os.path.isfile(exe):
        raise Error("no heaplint at %s (cargo build --release, or --lint PATH)" % heaplint)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            counts = {}
            costs = []
            for side in ("habit", "alternative"):
                path = os.path.join(tmp, "%s_%s.py" % (case["name"], side))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(case[side + "_src"])
                cmd = [exe, "check", "--exit-zero", "--output-format", "json",
                       "--select", case["rule"], "--target-version", target_version,
                       "--assume-iterations", str(case["assume_iterations"]), path]
                res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                if res.returncode != 0:
                    raise Error("%s failed:\n%s" % (" ".join(cmd),
                                                     res.stderr.decode("utf-8", "replace")))
                findings = json.loads(res.stdout.decode("utf-8"))
                counts[side] = len(findings)
                if side == "habit":
                    for d in findings:
                        c = d.get("cost") or {}
                        costs.append("%s/%s/%s %s" % (c.get("allocations"), c.get("allocated_bytes"),
                                                      c.get("peak_bytes"), c.get("growth")))
            ok = counts["habit"] > 0 and counts["alternative"] == 0
            bad += not ok
            print("%-28s %-7s habit %d, alternative %d  %s%s"
                  % (case["name"], case["rule"], counts["habit"], counts["alternative"],
                     "; ".join(costs), "" if ok else "  <- not as intended"))
    return bad


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--worker"]:
        return worker_main()
    ap = argparse.ArgumentParser(
        description="Measure heaplint's calibration cases on CPython 3.8+ "
                    "(habit and alternative: allocations, bytes, peak).")
    ap.add_argument("--python", action="append", metavar="PATH",
                    help="use this interpreter (a path or a name on PATH); repeatable. "
                         "Default: every pyenv CPython 3.8+ and python3.X on PATH, "
                         "one per minor version")
    ap.add_argument("--only", metavar="PREFIX",
                    help="only the cases whose name starts with PREFIX "
                         "(comma-separated prefixes); their results replace "
                         "those in the existing results file")
    ap.add_argument("--output", metavar="FILE",
                    help="write the JSON here instead of tests/calibration/results/"
                         "<major>.<minor>.json (one interpreter only; '-' for stdout)")
    ap.add_argument("--cases", default=CASES_TOML, metavar="FILE",
                    help="the cases file (default: tests/calibration/cases.toml)")
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE, metavar="DIR",
                    help="where to build allocount (default: target/calibration)")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="worker processes at a time (default: the number of CPUs)")
    ap.add_argument("--list", action="store_true",
                    help="list the cases and the interpreters, measure nothing")
    ap.add_argument("--quiet", "-q", action="store_true", help="no table on stderr")
    ap.add_argument("--lint", nargs="?", const=os.path.join(ROOT, "target", "release", "heaplint"),
                    metavar="HEAPLINT",
                    help="measure nothing: run heaplint (default: target/release/heaplint) "
                         "on every habit and alternative with the case's rule, and say "
                         "whether the habit is flagged and the alternative is not")
    ap.add_argument("--target-version", default="py312",
                    help="for --lint: the --target-version given to heaplint (default: py312)")
    opts = ap.parse_args(argv)

    try:
        cases = load_cases(os.path.abspath(opts.cases))
        if opts.only:
            prefixes = [p.strip() for p in opts.only.split(",") if p.strip()]
            cases = [c for c in cases if any(c["name"].startswith(p) for p in prefixes)]
            if not cases:
                raise Error("no case name starts with %s" % " or ".join(prefixes))
        if opts.lint:
            return 1 if lint(cases, opts.lint, opts.target_version) else 0
        if opts.python:
            interpreters = []
            for p in opts.python:
                info = probe(p)
                if info["implementation"] != "CPython" or tuple(info["version_info"]) < MIN_VERSION:
                    raise Error("%s is %s %s: calibration needs CPython 3.8+"
                                % (p, info["implementation"], info["version"]))
                interpreters.append(info)
        else:
            interpreters = discover()
        if not interpreters:
            raise Error("no CPython 3.8+ found (pyenv versions, python3.X on PATH); "
                        "use --python PATH")
        if opts.list:
            for c in cases:
                print("%-28s %-7s %s | %s" % (c["name"], c["rule"], c["habit_ref"],
                                              c["alternative_ref"]))
            for info in interpreters:
                print("python %s  %s" % (info["version"], info["command"]))
            return 0
        if opts.output and len(interpreters) != 1:
            raise Error("--output needs exactly one interpreter (use --python)")

        for info in interpreters:
            ext_dir = build_hook(info, os.path.abspath(opts.cache_dir))
            t0 = time.time()
            records = run_interpreter(info, ext_dir, cases, opts.jobs)
            elapsed = time.time() - t0
            mm = "%d.%d" % tuple(info["version_info"])
            doc = {
                "python": info["version"],
                "implementation": info["implementation"],
                "executable": info["executable"],
                "platform": sys.platform,
                "method": dict(settings_dict(), gc="disabled",
                               hook_domains=["PYMEM_DOMAIN_OBJ", "PYMEM_DOMAIN_MEM"],
                               peak_bytes="tracemalloc, separate run"),
                "cases": records,
            }
            path = opts.output or os.path.join(RESULTS_DIR, mm + ".json")
            if opts.only and path != "-" and os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    old = json.load(f)
                if old.get("python") != info["version"]:
                    raise Error("%s holds %s results, not %s: rerun without --only"
                                % (path, old.get("python"), info["version"]))
                order = [c["name"] for c in load_cases(os.path.abspath(opts.cases))]
                merged = dict((c["name"], c) for c in old.get("cases", []))
                merged.update((r["name"], r) for r in records)
                doc["cases"] = [merged[n] for n in order if n in merged]
            text = dump_results(doc)
            if path == "-":
                sys.stdout.write(text)
            else:
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                tmp = path + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, path)
            if not opts.quiet:
                print_table(info["version"], records)
            unstable = [r["name"] for r in records
                        if not (r["habit"]["stable"] and r["alternative"]["stable"])]
            print("calibrate: CPython %s: %d case%s in %.1f s%s -> %s"
                  % (info["version"], len(records), "" if len(records) == 1 else "s", elapsed,
                     ", unstable: " + ", ".join(unstable) if unstable else "",
                     "stdout" if path == "-" else os.path.relpath(path)),
                  file=sys.stderr)
    except Error as exc:
        print("calibrate: error: %s" % exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
