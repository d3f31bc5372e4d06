# shellcheck shell=bash disable=SC2034
# What bench/run.sh and bench/stages.sh share: the pinned versions, the knobs, the corpora and
# the build. Sourced from the repository's root, never run.
#
# Knobs: RUNS and WARMUP (hyperfine, default 10 and 2), MEM_RUNS (runs of each tool under GNU
# time for its peak memory, default 5), PYTHON (whose standard library is the first corpus).

readonly RUFF_VERSION=0.17.6
readonly RUFF_RULES=E711,E712,F632,C4,PERF,B006,B019
readonly DJANGO_VERSION=5.2.8
readonly DJANGO_SHA256=23254866a5bb9a2cfa6004e8b809ec6246eba4b58a7589bc2772f1bcc8456c7f
readonly CACHE=bench/.cache
readonly RESULTS=bench/results

python=${PYTHON:-python3}
runs=${RUNS:-10}
warmup=${WARMUP:-2}
mem_runs=${MEM_RUNS:-5}

fail() {
    echo "bench: $*" >&2
    exit 2
}

for tool in cargo hyperfine /usr/bin/time "$python"; do
    command -v "$tool" >/dev/null || fail "$tool not found"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ruff in a virtual environment of its own; its pip also fetches the Django sdist.
install_ruff() {
    venv=$CACHE/ruff-$RUFF_VERSION
    if [[ ! -x $venv/bin/ruff ]]; then
        echo "bench: installing ruff $RUFF_VERSION into $venv" >&2
        "$python" -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "ruff==$RUFF_VERSION"
    fi
    ruff=$PWD/$venv/bin/ruff
    pip=$venv/bin/pip
}

# Prints the path of the unpacked Django tree, downloading and checking it the first time.
django_tree() {
    local archive=$CACHE/django-$DJANGO_VERSION.tar.gz
    local tree=$CACHE/django-$DJANGO_VERSION
    if [[ ! -f $archive ]]; then
        echo "bench: downloading Django $DJANGO_VERSION" >&2
        echo "django==$DJANGO_VERSION --hash=sha256:$DJANGO_SHA256" >"$work/django.txt"
        "$pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
            --require-hashes --dest "$CACHE" -r "$work/django.txt" >&2
    fi
    # Checked on every run: the cache is only as good as what is in it.
    echo "$DJANGO_SHA256  $archive" | sha256sum --check --quiet >&2 ||
        fail "$archive does not have the pinned sha256"
    if [[ ! -d $tree ]]; then
        tar -xzf "$archive" -C "$CACHE"
    fi
    echo "$PWD/$tree"
}

build() {
    cargo build --release --locked --quiet
    cargo build --release --locked --quiet --example parse_only
    local target_dir=${CARGO_TARGET_DIR:-target}
    heaplint=$(realpath "$target_dir/release/heaplint")
    parse_only=$(realpath "$target_dir/release/examples/parse_only")
}

# The standard library of $python, whose site-packages both linters exclude by default.
stdlib_tree() {
    "$python" -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])"
}
