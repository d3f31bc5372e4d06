"""Turn results/<version>.json files into Markdown tables.

    python tools/measure/summarize.py tools/measure/results/3.*.json > summary.md

Sections:
  1. per version, every scenario at n=1000, p=10 (p=None where no piece);
  2. growth n=1000 -> n=10000 (p=10) of bytes_malloc, bytes_realloc and peak,
     and the verdict per scenario and version;
  3. per-evaluation cost of chained concatenation vs f-strings (n=1);
  4. list capacity growth read off the realloc sizes (n=100).
"""
from __future__ import print_function

import json
import os
import sys


def load(paths):
    out = []
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        d["_mm"] = ".".join(d["python"].split(".")[:2])
        out.append(d)
    out.sort(key=lambda d: tuple(int(x) for x in d["_mm"].split(".")))
    return out


def pick(d, name, n, p):
    for r in d["scenarios"]:
        if r["name"] == name and r["n"] == n and r["piece"] == p:
            return r
    return None


def piece_for(d, name, p=10):
    for r in d["scenarios"]:
        if r["name"] == name:
            return p if r["piece"] is not None else None
    return None


def names(d):
    seen = []
    for r in d["scenarios"]:
        if r["name"] not in seen:
            seen.append(r["name"])
    return seen


def ratio(a, b):
    if not b:
        return None if a else 1.0
    return float(a) / b


def fmt_ratio(x):
    if x is None:
        return "-"
    if x >= 10:
        return "%.0fx" % x
    return "%.1fx" % x


def verdict(lo, hi):
    """Classify the n=1000 -> n=10000 step (10x more iterations)."""
    rm = ratio(hi["bytes_malloc"], lo["bytes_malloc"])
    rr = ratio(hi["bytes_realloc"], lo["bytes_realloc"])
    if rm is not None and rm > 40:
        return "QUADRATIC"            # fresh blocks of growing size: copies
    if rr is not None and rr > 40 and hi["bytes_realloc"] > hi["bytes_malloc"]:
        return "in-place"             # quadratic sum of realloc sizes, no copies
    return "linear"


def section_table(d):
    mm = d["_mm"]
    print("### %s (CPython %s), n=1000, p=10" % (mm, d["python"]))
    print()
    print("| scenario | malloc | calloc | realloc | free | bytes_malloc | bytes_realloc "
          "| bytes_rounded | peak | moved (bytes) | stable |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|")
    for name in names(d):
        if name == "empty":
            r = pick(d, name, 0, None)
        else:
            r = pick(d, name, 1000, piece_for(d, name))
        if r is None:
            continue
        print("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d (%d) | %s |" % (
            name, r["malloc"], r["calloc"], r["realloc"], r["free"], r["bytes_malloc"],
            r["bytes_realloc"], r["bytes_rounded"], r["peak"], r["realloc_moved"],
            r["bytes_moved"], "yes" if r["stable"] else "NO"))
    print()


def section_scaling(ds):
    print("### Growth from n=1000 to n=10000 (p=10)")
    print()
    print("Cell: verdict, then bytes_malloc ratio / bytes_realloc ratio / peak ratio. "
          "QUADRATIC = fresh allocations grow >40x (each step copies the whole "
          "value); in-place = only the sum of realloc sizes grows like n^2 "
          "(the block is resized, usually without a copy); linear otherwise.")
    print()
    print("| scenario | " + " | ".join(d["_mm"] for d in ds) + " |")
    print("|---|" + "---|" * len(ds))
    for name in names(ds[-1]):
        if name == "empty":
            continue
        cells = []
        for d in ds:
            p = piece_for(d, name)
            lo, hi = pick(d, name, 1000, p), pick(d, name, 10000, p)
            if lo is None or hi is None:
                cells.append("-")
                continue
            cells.append("%s %s/%s/%s" % (
                verdict(lo, hi),
                fmt_ratio(ratio(hi["bytes_malloc"], lo["bytes_malloc"])),
                fmt_ratio(ratio(hi["bytes_realloc"], lo["bytes_realloc"])),
                fmt_ratio(ratio(hi["peak"], lo["peak"]))))
        print("| %s | %s |" % (name, " | ".join(cells)))
    print()


def section_chain(ds):
    print("### One evaluation (n=1, p=10): malloc / bytes_malloc / realloc / peak")
    print()
    print("Counts include the loop's list iterator (1 malloc of 48 bytes, "
          "freed) and the result, which stays alive.")
    print()
    print("| expression | " + " | ".join(d["_mm"] for d in ds) + " |")
    print("|---|" + "---|" * len(ds))
    for k in (3, 4, 5):
        for base in ("chained_concat_%d" % k, "fstring_%d" % k):
            cells = []
            for d in ds:
                r = pick(d, base, 1, 10)
                cells.append("-" if r is None else "%d / %d / %d / %d" % (
                    r["malloc"], r["bytes_malloc"], r["realloc"], r["peak"]))
            print("| %s | %s |" % (base, " | ".join(cells)))
    print()


def section_growth(ds):
    print("### List capacity after each resize (append x100), and getsizeof at n=1000")
    print()
    for d in ds:
        r = pick(d, "list_append_growth", 100, None)
        r2 = pick(d, "list_append_growth", 1000, None)
        if r is None:
            continue
        print("- %s: %s; getsizeof(1000 appends) = %s" % (
            d["_mm"], ", ".join(str(c) for c in r.get("capacities", [])),
            r2.get("getsizeof") if r2 else "-"))
    print()


def main(argv):
    paths = argv[1:]
    if not paths:
        here = os.path.dirname(os.path.abspath(__file__))
        rd = os.path.join(here, "results")
        paths = [os.path.join(rd, f) for f in sorted(os.listdir(rd)) if f.endswith(".json")]
    ds = load(paths)
    print("# allocount results")
    print()
    print("Interpreters: " + ", ".join(d["python"] for d in ds) + ".")
    print()
    section_scaling(ds)
    section_chain(ds)
    section_growth(ds)
    for d in ds:
        section_table(d)
    unstable = [(d["_mm"], r["name"], r["n"], r["piece"]) for d in ds
                for r in d["scenarios"] if not r["stable"]]
    print("### Unstable measurements (repeats disagreed)")
    print()
    if unstable:
        for u in unstable:
            print("- %s %s n=%s p=%s" % u)
    else:
        print("None: every repeat gave identical counts.")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
