#!/usr/bin/env bash
# Build the allocount extension for one interpreter, out of tree.
#
#   tools/measure/build.sh PYTHON          e.g. build.sh "$(pyenv root)/versions/3.12.1/bin/python"
#   tools/measure/build.sh 3.12            (looked up under $(pyenv root)/versions/3.12.*)
#
# Output: tools/measure/build/<major.minor>/allocount<EXT_SUFFIX>
# Needs only gcc and the interpreter's own headers (no network, no pip).
# The source is the one hook shared with the calibration harness:
# tests/calibration/allocount.c.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/../../tests/calibration/allocount.c"

py="${1:?usage: build.sh PYTHON|MAJOR.MINOR}"
if [[ "$py" =~ ^[0-9]+\.[0-9]+$ ]]; then
    root="${PYENV_ROOT:-$(pyenv root)}"
    # newest installed patch release of that minor version
    dir="$(ls -d "$root"/versions/"$py".* 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$dir" ]] || { echo "build.sh: no pyenv version $py.*" >&2; exit 1; }
    py="$dir/bin/python"
fi
[[ -x "$py" ]] || { echo "build.sh: $py is not executable" >&2; exit 1; }

read -r ver inc suffix < <("$py" -c '
import sys, sysconfig
print("%d.%d" % sys.version_info[:2],
      sysconfig.get_paths()["include"],
      sysconfig.get_config_var("EXT_SUFFIX"))')

out="$here/build/$ver"
mkdir -p "$out"
${CC:-gcc} -O2 -g -fPIC -shared -std=c99 -Wall -Wextra -Wno-unused-parameter \
    -Wno-missing-field-initializers -Wno-cast-function-type \
    -I"$inc" "$src" -o "$out/allocount$suffix"
echo "$out/allocount$suffix"
