#!/bin/sh
# The pre-commit framework's entry for the sizebudget hook (.pre-commit-hooks.yaml).
# pre-commit reads git's pre-push lines itself and passes one ref update in
# PRE_COMMIT_* variables: rebuild that line for `sizebudget hook pre-push`. A first
# push of a branch with its root commit has no FROM_REF (nor TO_REF): the zero id
# makes sizebudget judge the commits no remote-tracking branch has.
set -eu
if ! command -v sizebudget >/dev/null 2>&1; then
  echo "sizebudget: not found on PATH; install it (release archive, .deb or image) to check sizes" >&2
  exit 1
fi
zero=0000000000000000000000000000000000000000
local_ref=${PRE_COMMIT_LOCAL_BRANCH:?run by pre-commit as a pre-push hook}
to=${PRE_COMMIT_TO_REF:-$(git rev-parse "$local_ref")}
printf '%s %s %s %s\n' "$local_ref" "$to" "${PRE_COMMIT_REMOTE_BRANCH:-$local_ref}" "${PRE_COMMIT_FROM_REF:-$zero}" |
  exec sizebudget hook pre-push "${PRE_COMMIT_REMOTE_NAME:-origin}" "${PRE_COMMIT_REMOTE_URL:-}"
