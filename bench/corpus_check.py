#!/usr/bin/env python3
"""Checks that heaplint agrees with CPython about which files of a corpus are valid Python.

    bench/corpus_check.py [--python PY] [--heaplint BIN] TREE...

Every `.py` file under TREE (except in `site-packages` and `__pycache__`) is compiled by the
interpreter PY (default `python3`) the way CPython compiles a module: from its bytes, so a PEP
263 coding cookie applies. heaplint then checks the same files, named one by one so that its
directory exclusions cannot hide any, with `--target-version` set to PY's version. A file CPython
cannot compile must be reported by heaplint as a syntax or decoding error (a diagnostic whose
`code` is null); a file CPython compiles must not be, and must not make heaplint fail
internally. Files declaring a non-UTF-8 encoding (PEP 263) are listed, and must be linted.

Prints a summary per run and every mismatch; exits 1 if there is any, 2 on a usage error.
"""

import argparse
import json
import os
import subprocess
import sys

# Runs inside the interpreter under test, which may be as old as 3.8: reads paths, one per line,
# and prints one JSON object per file.
COMPILE_SCRIPT = r"""
import json, sys, tokenize, warnings
warnings.simplefilter("ignore")
for line in sys.stdin:
    path = line.rstrip("\n")
    with open(path, "rb") as file:
        source = file.read()
    try:
        with open(path, "rb") as file:
            encoding = tokenize.detect_encoding(file.readline)[0]
    except SyntaxError:
        encoding = None
    try:
        compile(source, path, "exec", dont_inherit=True)
        error = None
    except Exception as exc:
        error = "%s: %s" % (type(exc).__name__, exc)
    print(json.dumps({"path": path, "encoding": encoding, "error": error}))
"""

# Paths per heaplint run: well under the kernel's limit on the length of a command line.
CHUNK = 500


def python_files(tree):
    """The `.py` files under `tree` (or `tree` itself), sorted."""
    if os.path.isfile(tree):
        return [os.path.abspath(tree)]
    found = []
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        found.extend(os.path.abspath(os.path.join(root, f)) for f in files if f.endswith(".py"))
    return sorted(found)


def compile_all(python, paths):
    """What CPython says of each file: `{path: {"encoding": ..., "error": ...}}`."""
    result = subprocess.run(
        [python, "-I", "-c", COMPILE_SCRIPT],
        input="\n".join(paths) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    verdicts = (json.loads(line) for line in result.stdout.splitlines())
    return {verdict["path"]: verdict for verdict in verdicts}


def interpreter_version(python):
    code = "import sys; print('%d.%d' % sys.version_info[:2])"
    return subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def heaplint_errors(heaplint, target, paths):
    """heaplint's file-level problems (`code` null): `{path: message}`."""
    errors = {}
    for start in range(0, len(paths), CHUNK):
        command = [heaplint, "check", "--isolated", "--output-format", "json",
                   "--target-version", target, *paths[start:start + CHUNK]]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode not in (0, 1):
            sys.exit(f"corpus_check: heaplint exited with {result.returncode}: {result.stderr}")
        for diagnostic in json.loads(result.stdout):
            if diagnostic["code"] is None:
                errors[os.path.abspath(diagnostic["filename"])] = diagnostic
    return errors


def is_pep263(encoding):
    return encoding is not None and encoding not in ("utf-8", "utf-8-sig")


def where(diagnostic):
    return "%d:%d: %s" % (diagnostic["location"]["row"], diagnostic["location"]["column"],
                          diagnostic["message"])


def mismatches(verdicts, errors):
    """One line per file on which heaplint and CPython disagree."""
    problems = []
    for path, verdict in sorted(verdicts.items()):
        error = errors.get(path)
        if verdict["error"] and not error:
            problems.append(f"{path}: CPython: {verdict['error']}; heaplint: no error")
        elif error and not verdict["error"]:
            problems.append(f"{path}: CPython compiles it; heaplint: {where(error)}")
        elif error and not error["message"].startswith("SyntaxError"):
            problems.append(f"{path}: CPython: {verdict['error']}; heaplint: {where(error)}")
    return problems


def check_tree(tree, python, heaplint, verbose):
    paths = python_files(tree)
    if not paths:
        sys.exit(f"corpus_check: no .py files under {tree}")
    version = interpreter_version(python)
    verdicts = compile_all(python, paths)
    errors = heaplint_errors(heaplint, version, paths)
    failing = [path for path, verdict in verdicts.items() if verdict["error"]]
    matched = [path for path in failing if path in errors]
    pep263 = sorted(path for path, verdict in verdicts.items() if is_pep263(verdict["encoding"]))
    linted = [path for path in pep263 if path not in errors]
    print(f"## Python {version} ({python}) on {tree}")
    print(f"{len(paths)} files; CPython cannot compile {len(failing)}, heaplint reports "
          f"{len(matched)} of them; heaplint reports {len(errors)} in all; "
          f"{len(pep263)} PEP 263 files, {len(linted)} linted")
    for path in pep263:
        print(f"  PEP 263 ({verdicts[path]['encoding']}): {path}")
    if verbose:
        for path in sorted(failing):
            print(f"  CPython: {path}: {verdicts[path]['error']}")
    problems = mismatches(verdicts, errors)
    for problem in problems:
        print(f"  MISMATCH {problem}")
    return len(problems)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", metavar="TREE")
    parser.add_argument("--python", default="python3", help="the CPython to compile with")
    parser.add_argument("--heaplint", default="target/release/heaplint")
    parser.add_argument("--verbose", action="store_true", help="list CPython's compile errors")
    args = parser.parse_args()
    problems = sum(check_tree(tree, args.python, args.heaplint, args.verbose) for tree in args.trees)
    print(f"{problems} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
