#!/usr/bin/env bash
# Fills the corpus of the `check` fuzz target (default fuzz/corpus/check, or $1) with seeds:
# the repository's Python fixtures, the Python examples of the rule pages and docs, a few
# small modules of the standard library of whatever python3 is on the PATH (two of them with
# PEP 263 latin-1 and koi8-r declarations), and a handful of odd inputs written here.
# Existing corpus files are kept; running it twice adds nothing new.
set -euo pipefail

fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
corpus=${1:-$fuzz/corpus/check}
mkdir -p "$corpus"

for fixture in "$root"/tests/fixtures/*.py; do
    cp "$fixture" "$corpus/fixture-$(basename "$fixture")"
done

# Every fenced ```python / ```py block of the rule pages and the docs, one seed each.
for page in "$root"/rules/*.md "$root"/docs/*.md; do
    awk -v out="$corpus/md-$(basename "$page" .md)" '
        /^```(python|py)([[:space:]].*)?$/ { inside = 1; n++; file = out "-" n ".py"; printf "" > file; next }
        /^```/ { if (inside) close(file); inside = 0; next }
        inside { print > file }
    ' "$page"
done

if command -v python3 > /dev/null; then
    stdlib=$(python3 -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
    for module in bisect.py colorsys.py heapq.py textwrap.py string.py shlex.py fnmatch.py \
        reprlib.py sched.py _weakrefset.py test/encoded_modules/module_iso_8859_1.py \
        test/encoded_modules/module_koi8_r.py; do
        if [ -f "$stdlib/$module" ]; then
            cp "$stdlib/$module" "$corpus/stdlib-${module//\//-}"
        fi
    done
fi

# Decoding and line-ending corner cases.
printf '\xef\xbb\xbfx = [] == None\n' > "$corpus/odd-bom.py"
printf 'x = 1\r\nif x == None:\r\n    y = list(range(10))\r\n' > "$corpus/odd-crlf.py"
printf 'x = 1\rif x == None:\r    pass\r' > "$corpus/odd-cr.py"
printf '# -*- coding: latin-1 -*-\ns = "\xe9t\xe9"\nfor c in s:\n    s += c\n' > "$corpus/odd-latin1.py"
printf '#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\nx = "\xc1\xc2" + "y"\n' \
    > "$corpus/odd-koi8r.py"
printf 'x = 1\x00\ny = 2\n' > "$corpus/odd-nul.py"
printf 'def f(a=[]):\n    return a  # noqa: MEM101\n' > "$corpus/odd-noqa.py"
printf 'x = ("a"\n     "b" \\\n     + y) == None  # noqa\n' > "$corpus/odd-continuation.py"
printf 'x = %s1%s\n' "$(printf '(%.0s' {1..200})" "$(printf ')%.0s' {1..200})" \
    > "$corpus/odd-nested.py"

echo "$(find "$corpus" -type f | wc -l) seeds in $corpus"
