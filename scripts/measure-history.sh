#!/usr/bin/env bash
# measure-history.sh IMAGE EVERY — builds (with the repository's build.sh) and measures
# every EVERY-th commit of the current branch's first-parent history, oldest first,
# as CI would have done over time. For the demo and the report tests.
set -euo pipefail
image=$1 every=$2
scratch=$(mktemp -d)
trap 'git worktree remove --force "$scratch/tree" 2>/dev/null || true; rm -rf "$scratch"' EXIT
i=0
for commit in $(git rev-list --first-parent --reverse HEAD); do
  i=$((i + 1))
  [ $((i % every)) -eq 0 ] || [ "$commit" = "$(git rev-parse HEAD)" ] || continue
  git worktree add -q --detach "$scratch/tree" "$commit"
  (cd "$scratch/tree" && SIZEBUDGET_OUTPUT="$scratch/out" SIZEBUDGET_COMMIT=$commit sh build.sh)
  git worktree remove --force "$scratch/tree"
  sizebudget measure "oci:$scratch/out" --image "$image" --commit "$commit" >/dev/null
  rm -rf "$scratch/out"
done
