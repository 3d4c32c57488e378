#!/usr/bin/env bash
# Makes datasets/cifar-10-batches-bin available (binary CIFAR-10: data_batch_1..5.bin, test_batch.bin).
# In order of preference:
#   1. it is already there (a folder or a link) and has the six files of the right size;
#   2. link an existing copy: $CIFAR10_DIR, else ../shared/datasets/cifar-10-batches-bin (CI);
#   3. download the official binary tarball (needs internet) and unpack it here.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="$HERE/cifar-10-batches-bin"
FILES="data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin"
SIZE=30730000
URL="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
say() { echo "[datasets] $*" >&2; }

complete() {  # $1: folder; true when all six files exist with the exact size
  local f
  for f in $FILES; do
    [ -f "$1/$f" ] && [ "$(stat -L -c %s "$1/$f")" = "$SIZE" ] || return 1
  done
}

if complete "$DEST"; then say "CIFAR-10 ready at $DEST"; exit 0; fi
if [ -e "$DEST" ] || [ -L "$DEST" ]; then
  say "ERROR: $DEST exists but is incomplete or truncated (each of: $FILES must be $SIZE bytes)."
  say "Fix: remove it (rm -rf '$DEST') and run: bash datasets/get_datasets.sh"
  exit 1
fi
for cand in "${CIFAR10_DIR:-}" "$HERE/../../shared/datasets/cifar-10-batches-bin"; do
  if [ -n "$cand" ] && complete "$cand"; then
    ln -s "$(cd "$cand" && pwd)" "$DEST"
    say "linked $DEST -> $(cd "$cand" && pwd)"
    exit 0
  fi
done
say "downloading $URL (about 170 MB)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if curl -fL --connect-timeout 15 -o "$tmp/cifar.tgz" "$URL" && tar -xzf "$tmp/cifar.tgz" -C "$tmp"; then
  complete "$tmp/cifar-10-batches-bin" || { say "ERROR: the downloaded archive is incomplete"; exit 1; }
  mv "$tmp/cifar-10-batches-bin" "$DEST"
  say "CIFAR-10 ready at $DEST"
else
  say "ERROR: could not download CIFAR-10. Either set CIFAR10_DIR to a folder holding $FILES"
  say "       and re-run 'bash datasets/get_datasets.sh', or copy that folder to $DEST."
  exit 1
fi
