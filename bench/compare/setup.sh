#!/usr/bin/env bash
# Idempotent set-up of the Python peers of the side-by-side benchmark (issue 13):
#   .venv-bench/numpy  NumPy only            (bench/compare/requirements-numpy.txt)
#   .venv-bench/tf     tensorflow-cpu + NumPy (bench/compare/requirements-tf.txt)
# Each venv is (re-)installed only when its requirements file changes (a stamp file inside the venv
# holds the file's hash). tensorflow-cpu is installed from the wheel the project's npm install caches in
# .cache/wheels/ when it is there, otherwise from PyPI. Set PYTHON=/path/to/python3.11 to choose the
# interpreter (TF 2.18's cached wheel is cp311).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
HERE=bench/compare
VENVS=.venv-bench
TF_WHEEL=.cache/wheels/tensorflow_cpu-2.18.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
say() { echo "[bench setup] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null || die "$PY not found. Install Python 3.11 (or set PYTHON=/path/to/python3.11) and re-run."
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python >= 3.11 is needed (found $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11."
"$PY" -c 'import venv, ensurepip' 2>/dev/null \
  || die "$PY has no venv/ensurepip module (pip). On Debian: apt-get install python3-venv python3-pip."

# A venv from an earlier layout (.venv-bench itself a venv) is removed.
if [ -e "$VENVS/pyvenv.cfg" ]; then
  say "removing the old single venv $VENVS (new layout: $VENVS/numpy, $VENVS/tf)"
  rm -rf "$VENVS"
fi
mkdir -p "$VENVS"

# ensure_venv NAME REQUIREMENTS [extra pip args...]
ensure_venv() {
  local name="$1" req="$2"; shift 2
  local dir="$VENVS/$name" want
  want="$(sha256sum "$req" | cut -c1-16)"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.requirements-stamp" 2>/dev/null)" = "$want" ]; then
    say "$dir up to date (cached)"
    return
  fi
  say "installing $dir from $req"
  [ -x "$dir/bin/python" ] || "$PY" -m venv "$dir"
  "$dir/bin/python" -m pip --version >/dev/null 2>&1 || die "pip is missing in $dir (python3-venv/ensurepip broken?)"
  rm -f "$dir/.requirements-stamp"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@" -r "$req" \
    || die "pip install into $dir failed"
  echo "$want" > "$dir/.requirements-stamp"
}

ensure_venv numpy "$HERE/requirements-numpy.txt"

if [ -f "$TF_WHEEL" ]; then
  say "tensorflow-cpu from the cached wheel $TF_WHEEL"
  ensure_venv tf "$HERE/requirements-tf.txt" "$TF_WHEEL"
else
  say "no cached wheel at $TF_WHEEL; tensorflow-cpu from PyPI"
  ensure_venv tf "$HERE/requirements-tf.txt"
fi

say "numpy peer: $("$VENVS/numpy/bin/python" -c 'import numpy; print("numpy", numpy.__version__)')"
say "tf peer:    $(TF_CPP_MIN_LOG_LEVEL=2 "$VENVS/tf/bin/python" -c 'import numpy, tensorflow as tf; print("tensorflow", tf.__version__, "numpy", numpy.__version__)' 2>/dev/null)"
say "done"
