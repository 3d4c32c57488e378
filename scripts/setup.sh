#!/usr/bin/env bash
# One-time (and idempotent) project set-up, run by `npm install` as the postinstall step:
#   0. Node >= 20.15 (zlib.crc32) and Python >= 3.11 (the pinned ipykernel), or a clear error
#   1. Python venv .venv with JupyterLab, jupyter_client, nbformat, plotly (pinned in requirements.txt)
#   2. the tslab kernelspec inside .venv (not global), starting the project's own tslab in the root
#   3. CIFAR-10 linked or fetched into datasets/ (datasets/get_datasets.sh)
#   4. system packages for the browser test and grader sandbox (chromium, bubblewrap) when root
# The native TensorFlow addon is built by native/tfjs-node/install.js (an npm dependency's install step).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
say() { echo "[setup] $*" >&2; }

# 0. Versions the pinned packages need.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 15) ? 0 : 1)' \
  || { say "ERROR: Node.js >= 20.15 is needed (found $(node --version)). Install a current Node 20 or 22 and re-run npm install."; exit 1; }
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ] && command -v "$PY" >/dev/null && ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "ERROR: Python >= 3.11 is needed for the pinned ipykernel (found $("$PY" --version 2>&1)). Install python3.11+ and re-run npm install, or set PYTHON=/path/to/python3.11."
  exit 1
fi

# 1. Python venv, re-installed only when requirements.txt changes.
want="$(sha256sum requirements.txt | cut -c1-16)"
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.requirements-stamp 2>/dev/null)" != "$want" ]; then
  command -v "$PY" >/dev/null || { say "ERROR: python3 (3.9+) is needed for JupyterLab. Install it and re-run npm install."; exit 1; }
  say "creating .venv with JupyterLab (pinned in requirements.txt)"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > .venv/.requirements-stamp
else
  say ".venv up to date (cached)"
fi

# 2. tslab kernelspec in the venv's prefix. The kernel starts in the project root so that every
#    notebook imports the library as "./lib/index" (SPEC section 1).
KDIR=.venv/share/jupyter/kernels/tslab
mkdir -p "$KDIR"
cat > "$KDIR/kernel.json" <<JSON
{
  "argv": ["sh", "-c", "cd \"\$1\" && exec \"\$1/node_modules/.bin/tslab\" kernel --config-path \"\$0\"", "{connection_file}", "$ROOT"],
  "display_name": "TypeScript (cs231n-ts)",
  "language": "typescript",
  "env": {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "1"}
}
JSON
say "kernelspec tslab -> $ROOT (in .venv)"

# 3. CIFAR-10.
bash datasets/get_datasets.sh || say "WARNING: CIFAR-10 is not available yet; see datasets/README.md"

# 4. System packages (Debian) for the browser test and the grader sandbox.
if [ "${CS231N_SKIP_APT:-}" != "1" ] && { ! command -v chromium >/dev/null || ! command -v bwrap >/dev/null; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing chromium and bubblewrap with apt-get (set CS231N_SKIP_APT=1 to skip)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium bubblewrap >/dev/null) \
      || say "WARNING: apt-get install chromium bubblewrap failed; the browser test and sandboxed grading need them"
  else
    say "NOTE: install the Debian packages chromium and bubblewrap (sudo apt-get install chromium bubblewrap) for the browser test and sandboxed grading"
  fi
fi
say "done"
