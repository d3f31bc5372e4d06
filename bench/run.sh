#!/usr/bin/env bash
# Times heaplint against ruff on the same Python tree in the same run, and reports the ratios.
#
#   bench/run.sh [TREE]        TREE defaults to the standard library of `python3`
#
# Needs hyperfine (Debian: `apt-get install hyperfine`) and ruff (`pip install ruff`).
# ruff runs twice: with the rules heaplint shares with it (E711, E712, F632, C419), and with its
# default rule set. Peak memory is each tool's maximum resident set size from GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

tree=${1:-$(python3 -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")}
for tool in hyperfine ruff; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
cargo build --release --locked --quiet
heaplint="$PWD/target/release/heaplint"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

files=$(find "$tree" -name '*.py' -not -path '*/site-packages/*' | wc -l)
echo "tree: $tree ($files .py files); $(nproc) cores"
echo "heaplint $("$heaplint" --version | cut -d' ' -f2), $(ruff --version)"

commands=(
    "$heaplint check --output-format concise $tree"
    "ruff check --no-cache --isolated --output-format concise --select E711,E712,F632,C419 $tree"
    "ruff check --no-cache --isolated --output-format concise $tree"
)
names=(heaplint "ruff (shared rules)" "ruff (default rules)")

hyperfine --warmup 2 --runs "${RUNS:-10}" --ignore-failure --style basic \
    --export-json "$results/times.json" \
    --command-name "${names[0]}" "${commands[0]}" \
    --command-name "${names[1]}" "${commands[1]}" \
    --command-name "${names[2]}" "${commands[2]}" >/dev/null

for i in "${!commands[@]}"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%M" -o "$results/rss.$i" ${commands[$i]} >/dev/null 2>&1 || true
done

python3 - "$results" "${names[@]}" <<'PY'
import json, sys
results, names = sys.argv[1], sys.argv[2:]
times = json.load(open(f"{results}/times.json"))["results"]
rss = [int(open(f"{results}/rss.{i}").read().split()[-1]) for i in range(len(names))]
base_time, base_rss = times[0]["mean"], rss[0]
print(f"{'':22} {'mean':>9} {'stddev':>8} {'peak RSS':>10} {'time vs heaplint':>17} {'memory vs heaplint':>19}")
for name, t, m in zip(names, times, rss):
    print(f"{name:22} {t['mean']*1000:7.1f}ms {t['stddev']*1000:6.1f}ms {m/1024:8.1f}MB"
          f" {t['mean']/base_time:16.2f}x {m/base_rss:18.2f}x")
PY
