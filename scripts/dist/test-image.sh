#!/usr/bin/env bash
# test-image.sh — the sizebudget image (make image) run with buildah (chroot
# isolation) against a mounted copy of this repository, then measured by sizebudget
# itself and judged by `sizebudget check` against budgets.toml's [image.sizebudget]:
# the tool passes its own gate. Prints the sizes for the release note.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SizeBudgetKit/Version.swift)
work=${SIZEBUDGET_IMAGE_WORK:-/var/cache/sizebudget-dist/buildah}
B=(buildah --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs)
tmp=$(mktemp -d /tmp/sizebudget-test-image.XXXXXX)
c=""
cleanup() { [ -n "$c" ] && "${B[@]}" rm "$c" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
sb=.build/release/sizebudget
[ -x "$sb" ] || sb=.build/debug/sizebudget

# A repository the container did not make (another owner), with a budget and a
# measurement of the fixture image, mounted at /repo.
git clone -q --no-hardlinks . "$tmp/repo"
git -C "$tmp/repo" config user.email ci@example.com
git -C "$tmp/repo" config user.name ci
printf '[image.api]\nsource = "docker-archive:/fixtures/api-after.docker.tar"\nmax = "200 MB"\n' >"$tmp/repo/budgets.toml"
git -C "$tmp/repo" commit -q -am "image test budget"
chown -R 1234:1234 "$tmp/repo"
fixtures=${SIZEBUDGET_FIXTURES_WORK:-/tmp/sizebudget-fixtures}/out
c=$("${B[@]}" from --pull-never "localhost/sizebudget:$version")
run() { "${B[@]}" run --isolation chroot --volume "$tmp/repo:/repo" --volume "$fixtures:/fixtures:ro" "$c" -- "$@"; }
run sizebudget --version
run sizebudget validate >/dev/null
run sizebudget measure --image api
run sizebudget check
if "${B[@]}" run --isolation chroot --volume "$tmp/repo:/repo" "$c" -- sh -c 'command -v gcc cc swift' >/dev/null 2>&1; then
  echo "the image has a compiler" >&2; exit 1
fi

# The image measured by sizebudget itself against the project's own budget, in a
# throwaway clone (measure writes a git note on HEAD; this repository's notes stay).
# Checked out as main, as CI on main measures it: growth is then judged against
# main itself (the merge-base), as on every push to main.
git clone -q --no-hardlinks . "$tmp/self"
git -C "$tmp/self" checkout -q -B main
cp budgets.toml "$tmp/self/budgets.toml"
image=$PWD/dist/sizebudget-image.oci.tar
(cd "$tmp/self" && "$OLDPWD/$sb" measure "oci-archive:$image" --image sizebudget --store "$tmp/store.sqlite")
# Every rule must pass but growth, which a fresh clone cannot judge: it needs the
# image of the previous commit on main, measured (in CI, from the team's notes).
# check then exits 3 ("cannot judge"); anything else unjudged, or any failure, fails.
status=0
(cd "$tmp/self" && "$OLDPWD/$sb" check --image sizebudget --store "$tmp/store.sqlite") || status=$?
(cd "$tmp/self" && "$OLDPWD/$sb" check --image sizebudget --store "$tmp/store.sqlite" --format json) >"$tmp/check.json" || true
jq -e '[.images[].results[] | select(.status != "pass" and .status != "warn")] | all(.rule == "max_growth" and .status == "unknown")' \
  "$tmp/check.json" >/dev/null && jq -e '.images | length == 1' "$tmp/check.json" >/dev/null && { [ "$status" = 0 ] || [ "$status" = 3 ]; } ||
  { echo "sizebudget's image does not pass its own budget (check exited $status)" >&2; exit 1; }
jq -r '.images[] | "sizebudget image: \(.compressed_bytes) bytes compressed, \(.uncompressed_bytes) uncompressed; every rule but growth passes"' "$tmp/check.json"
