#!/usr/bin/env bash
# Splits heaplint's wall time over the parse-only floor into the stages that add to it, on the
# same two corpora as bench/run.sh; prints a table per corpus and writes them to
# bench/results/stages.md.
#
#   bench/stages.sh
#
# Each stage is a real run that does everything the one before it does and more:
#   parse-only            find, read, decode and parse every file (the floor of bench/run.sh)
#   + bare walk           parse-only --walk: also visit every node once, doing nothing there
#   + semantic model      heaplint --select MEM101: the walk builds the scopes, bindings, loads
#                         and loops, runs CPython's compile-time checks, and one cheap rule
#   + per-file rules      heaplint --ignore MEM307,MEM503: every rule but the two that need
#                         the repository-wide pass
#   + repository pass     heaplint: everything, as bench/run.sh times it
# so that the target of bench/run.sh (heaplint within 1.3× of parse-only) can be read against
# what each part of the work costs. Same knobs and needs as bench/run.sh, without ruff's run
# (its pip still fetches the Django sdist the first time).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh

readonly STAGES=("parse-only" "+ bare walk" "+ semantic model" "+ per-file rules" "+ repository pass")

# Times the stages on tree $2, named $1; leaves $work/$1.json.
measure_stages() {
    local name=$1 tree=$2 quoted parse heaplint_cmd
    quoted=$(printf %q "$tree")
    parse="$(printf %q "$parse_only") --isolated"
    heaplint_cmd="$(printf %q "$heaplint") check --isolated --output-format concise --exit-zero"
    echo "bench: $name: $tree" >&2
    hyperfine --shell bash --runs "$runs" --warmup "$warmup" --style basic \
        --export-json "$work/$name.json" \
        --command-name "${STAGES[0]}" "$parse $quoted" \
        --command-name "${STAGES[1]}" "$parse --walk $quoted" \
        --command-name "${STAGES[2]}" "$heaplint_cmd --select MEM101 $quoted" \
        --command-name "${STAGES[3]}" "$heaplint_cmd --ignore MEM307,MEM503 $quoted" \
        --command-name "${STAGES[4]}" "$heaplint_cmd $quoted" >&2
    echo "$tree" >"$work/$name.tree"
}

install_ruff
build
python_version=$("$python" -c "import platform; print(platform.python_version())")
measure_stages stdlib "$(stdlib_tree)"
measure_stages django "$(django_tree)"

mkdir -p "$RESULTS"
"$python" - "$work" "$runs" "$python_version" "$DJANGO_VERSION" \
    "$(git describe --always --dirty 2>/dev/null || echo unknown)" "$(nproc)" "${STAGES[@]}" \
    <<'PY' | tee "$RESULTS/stages.md"
import json, sys, time

work, runs, python_version, django_version, commit, cores, *stages = sys.argv[1:]
corpora = [("stdlib", f"CPython {python_version} standard library"),
           ("django", f"Django {django_version} (sdist from PyPI)")]

def table(name, title):
    results = {r["command"]: r for r in json.load(open(f"{work}/{name}.json"))["results"]}
    median = [results[stage]["median"] for stage in stages]
    floor = median[0]
    tree = open(f"{work}/{name}.tree").read().strip()
    out = [f"### {title}", "", f"`{tree}`", "",
           "| stage | median wall time | stddev | / parse-only | this stage adds |",
           "|---|---:|---:|---:|---:|"]
    for index, stage in enumerate(stages):
        added = "" if index == 0 else f"{(median[index] - median[index - 1]) * 1000:+.1f} ms"
        out.append(f"| {stage} | {median[index] * 1000:.1f} ms "
                   f"| {results[stage]['stddev'] * 1000:.1f} ms "
                   f"| {median[index] / floor:.2f}× | {added} |")
    return "\n".join(out)

print("## Where heaplint's time over a parse goes\n")
print(f"{time.strftime('%Y-%m-%d %H:%M')}, heaplint {commit}, {cores} cores; median of {runs} "
      "hyperfine runs. Each stage does all the work of the stage above it and more; bench/run.sh's "
      "target is the last line at most 1.30×. Timings on a shared machine are noisy.\n")
print("\n\n".join(table(name, title) for name, title in corpora))
PY
