#!/usr/bin/env bash
# Build allocount and run every scenario on each pyenv CPython 3.8 .. 3.13.
#
#   tools/measure/run_all.sh                 # all six versions
#   tools/measure/run_all.sh 3.11 3.12       # just these
#   QUICK=1 tools/measure/run_all.sh         # n <= 1000 only (seconds instead of minutes)
#
# Writes tools/measure/results/<major.minor>.json, then results/summary.md
# (tables made by summarize.py).  Takes about 30 s per version on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${PYENV_ROOT:-$(pyenv root)}"
versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=(3.8 3.9 3.10 3.11 3.12 3.13)
extra=()
[[ -z "${QUICK:-}" ]] || extra+=(--quick)

mkdir -p "$here/results"
py=""
for v in "${versions[@]}"; do
    dir="$(ls -d "$root"/versions/"$v".* 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$dir" ]]; then
        echo "run_all.sh: no pyenv CPython $v.*, skipped" >&2
        continue
    fi
    py="$dir/bin/python"
    "$here/build.sh" "$py" >/dev/null
    echo "== $v ($py)" >&2
    "$py" "$here/scenarios.py" "${extra[@]}" > "$here/results/$v.json.tmp"
    mv "$here/results/$v.json.tmp" "$here/results/$v.json"
done

# any of the interpreters can run the summariser (stdlib only)
[[ -n "$py" ]] || py="$(command -v python3)"
"$py" "$here/summarize.py" "$here"/results/3.*.json > "$here/results/summary.md"
echo "wrote $here/results/summary.md" >&2
