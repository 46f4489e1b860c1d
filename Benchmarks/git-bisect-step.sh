#!/bin/sh
# git-bisect-step.sh LIMIT — the peer of `sizebudget bisect` for `git bisect run`:
# builds the checked-out commit with build.sh (the same build), and calls it bad when
# the image's compressed size is over LIMIT bytes.
set -eu
out=$(mktemp -d)/image
SIZEBUDGET_OUTPUT=$out SIZEBUDGET_COMMIT=$(git rev-parse HEAD) sh build.sh || exit 125
size=$(find "$out/blobs" -type f -printf '%s\n' | sort -n | tail -1)
rm -rf "$(dirname "$out")"
[ "$size" -le "$1" ]
