#!/usr/bin/env bash
# fixtures.sh — builds the real before/after fixture images once (about 3-4 minutes,
# root needed) and caches them in $SIZEBUDGET_FIXTURES_WORK (default
# /tmp/sizebudget-fixtures); later runs find them and return at once.
set -euo pipefail
SHARED=${SIZEBUDGET_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
export WORK=${SIZEBUDGET_FIXTURES_WORK:-/tmp/sizebudget-fixtures}
if [ -s "$WORK/out/sizes.txt" ] && [ -f "$WORK/out/api-before.docker.tar" ] && [ -d "$WORK/out/api-after.oci" ]; then
  exit 0
fi
echo "building the fixture images under $WORK (once; about 3-4 minutes)" >&2
bash "$SHARED/fixtures/make-fixture-images.sh" >"$WORK.log" 2>&1 || { tail -30 "$WORK.log" >&2; exit 1; }
