#!/usr/bin/env bash
# Times heaplint against ruff and against a parse-only pass with the same parser, on two real
# corpora, in one run; prints a table per corpus and writes them to bench/results/latest.md.
#
#   bench/run.sh
#
# Corpora: the standard library of ${PYTHON:-python3} (its site-packages excluded, as both
# linters exclude it by default), and Django, a pinned sdist from PyPI checked against a pinned
# sha256. ruff, a pinned version from PyPI, goes into a virtual environment; both are cached in
# bench/.cache. Knobs: RUNS and WARMUP (hyperfine, default 10 and 2), MEM_RUNS (runs of each
# tool under GNU time for its peak memory, default 5), PYTHON.
#
# Needs cargo, hyperfine (Debian: apt-get install hyperfine), GNU time (/usr/bin/time) and a
# Python with venv and pip.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/common.sh
source bench/common.sh

# The Python files ruff would check in $1 that heaplint would not, as ruff --extend-exclude
# options (ruff skips only some hidden directories, heaplint all of them). Fails if heaplint
# would check a file ruff would not: then ruff cannot be made to see the same files. Both list
# their files with --isolated, as they are timed.
ruff_excludes() {
    local tree=$1
    "$parse_only" --show-files --isolated "$tree" | sort >"$work/heaplint.files"
    "$ruff" check --isolated --show-files "$tree" | grep -E '\.pyi?$' | sort >"$work/ruff.files"
    if [[ -n $(comm -23 "$work/heaplint.files" "$work/ruff.files") ]]; then
        comm -23 "$work/heaplint.files" "$work/ruff.files" | head >&2
        fail "heaplint would check files in $tree that ruff would not (above)"
    fi
    comm -13 "$work/heaplint.files" "$work/ruff.files" | while read -r file; do
        printf -- '--extend-exclude %q ' "$file"
    done
}

# Median of $mem_runs peak resident set sizes (KiB) of the command in "$@".
peak_rss() {
    for _ in $(seq "$mem_runs"); do
        /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
        tail -n 1 "$work/rss"
    done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Times and measures the three tools on tree $2, named $1; leaves $work/$1.json and .rss. All
# three run with --isolated: no configuration file read, so they do the same discovery work.
measure() {
    local name=$1 tree=$2 excludes heaplint_cmd ruff_cmd parse_cmd
    excludes=$(ruff_excludes "$tree")
    heaplint_cmd="$(printf %q "$heaplint") check --isolated --output-format concise $(printf %q "$tree")"
    ruff_cmd="$(printf %q "$ruff") check --isolated --no-cache --select $RUFF_RULES"
    ruff_cmd+=" --output-format concise $excludes$(printf %q "$tree")"
    parse_cmd="$(printf %q "$parse_only") --isolated $(printf %q "$tree")"
    echo "bench: $name: $(wc -l <"$work/heaplint.files") files" >&2
    hyperfine --shell bash --runs "$runs" --warmup "$warmup" --ignore-failure --style basic \
        --export-json "$work/$name.json" \
        --command-name heaplint "$heaplint_cmd" \
        --command-name ruff "$ruff_cmd" \
        --command-name parse-only "$parse_cmd" >&2
    # The commands are quoted for a shell, as hyperfine wants them; eval undoes the quoting.
    for command in "$heaplint_cmd" "$ruff_cmd" "$parse_cmd"; do
        eval "peak_rss $command"
    done >"$work/$name.rss"
    wc -l <"$work/heaplint.files" >"$work/$name.files"
    echo "$tree" >"$work/$name.tree"
}

install_ruff
build
stdlib=$(stdlib_tree)
python_version=$("$python" -c "import platform; print(platform.python_version())")
django=$(django_tree)
measure stdlib "$stdlib"
measure django "$django"

mkdir -p "$RESULTS"
"$python" - "$work" "$runs" "$mem_runs" "$python_version" "$DJANGO_VERSION" \
    "$("$ruff" --version)" "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
    "$(nproc)" <<'PY' | tee "$RESULTS/latest.md"
import json, sys, time

work, runs, mem_runs, python_version, django_version, ruff_version, commit, cores = sys.argv[1:]
corpora = [("stdlib", f"CPython {python_version} standard library"),
           ("django", f"Django {django_version} (sdist from PyPI)")]

def table(name, title):
    results = {r["command"]: r for r in json.load(open(f"{work}/{name}.json"))["results"]}
    rss = dict(zip(["heaplint", "ruff", "parse-only"],
                   (int(line) / 1024 for line in open(f"{work}/{name}.rss"))))
    files = open(f"{work}/{name}.files").read().strip()
    tree = open(f"{work}/{name}.tree").read().strip()
    median = {tool: results[tool]["median"] for tool in rss}
    out = [f"### {title}", "", f"`{tree}`, {files} files.", "",
           "| | median wall time | stddev | peak RSS (median) |", "|---|---:|---:|---:|"]
    for tool in rss:
        out.append(f"| {tool} | {median[tool] * 1000:.0f} ms | {results[tool]['stddev'] * 1000:.0f} ms"
                   f" | {rss[tool]:.1f} MiB |")
    checks = [
        ("heaplint / ruff wall time", median["heaplint"] / median["ruff"], 1.0),
        ("heaplint / parse-only wall time", median["heaplint"] / median["parse-only"], 1.3),
        ("heaplint / ruff peak RSS", rss["heaplint"] / rss["ruff"], 1.0),
    ]
    out += ["", "| target | measured | limit | |", "|---|---:|---:|---|"]
    for label, ratio, limit in checks:
        verdict = "PASS" if ratio <= limit else "FAIL"
        out.append(f"| {label} | {ratio:.2f}× | ≤ {limit:.1f}× | {verdict} |")
    return "\n".join(out)

print("## heaplint benchmark\n")
print(f"{time.strftime('%Y-%m-%d %H:%M')}, heaplint {commit}, {ruff_version} "
      f"(`--select E711,E712,F632,C4,PERF,B006,B019 --no-cache`), {cores} cores; "
      f"wall time: median of {runs} hyperfine runs; memory: median of {mem_runs} runs "
      "under GNU time. Timings on a shared machine are noisy.\n")
print("\n\n".join(table(name, title) for name, title in corpora))
PY
