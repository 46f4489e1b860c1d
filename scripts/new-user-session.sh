#!/usr/bin/env bash
# new-user-session.sh — a new user's first session with sizebudget in a fresh repository
# of their own: init → measure → check → hook → push → bisect → report, each command
# with its output and exit status, as Markdown on standard output
# (`make new-user-session` writes it to docs/new-user-session.md). Every command's exit
# status is checked: the script exits 1 when one is not what a user should see, so
# `make test` runs it (Tests/IntegrationTests/NewUserSessionTests.swift).
#
# No docker here: scripts/build-oci.sh stands in for `docker build && docker save`
# (it packs app/ into a one-layer OCI layout), so the session runs anywhere.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SB=${SIZEBUDGET:-$ROOT/.build/debug/sizebudget}
[ -x "$SB" ] || { echo "new-user-session.sh: no sizebudget at $SB (swift build, or set SIZEBUDGET)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 COLUMNS=100
mkdir -p "$HOME" "$WORK/bin"
ln -s "$SB" "$WORK/bin/sizebudget"
export PATH=$WORK/bin:$PATH
git config --global user.name "New User"
git config --global user.email "new.user@example.com"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
# Fixed commit dates: the same commit ids in every run, so the transcript only changes
# when sizebudget's output does.
export GIT_AUTHOR_DATE=2026-11-02T10:00:00Z GIT_COMMITTER_DATE=2026-11-02T10:00:00Z
unset SIZEBUDGET_STORE GITHUB_ACTIONS GITLAB_CI GITEA_ACTIONS FORGEJO_ACTIONS GITHUB_EVENT_PATH

failures=0
# Deterministic incompressible bytes (a model file, static assets).
bytes() { openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$2")" -iv 0 </dev/zero 2>/dev/null | head -c "$1"; }
step() { printf '\n## %s\n\n' "$1"; [ $# -gt 1 ] && printf '%s\n\n' "$2"; return 0; }
# run EXPECTED-STATUS COMMAND…: shows the command and its output; checks the status.
run() {
  local expected=$1 output status
  shift
  printf '```console\n$ %s\n' "$*"
  output=$(eval "$*" 2>&1)
  status=$?
  [ -n "$output" ] && printf '%s\n' "$output" | sed -e "s|$WORK|~|g" -e "s|$(basename "$WORK")|work|g" -e 's/[[:space:]]*$//'
  [ "$status" -ne 0 ] && printf '[exit %s]\n' "$status"
  printf '```\n'
  if [ "$status" -ne "$expected" ]; then
    echo "new-user-session.sh: \`$*\` exited $status, expected $expected" >&2
    failures=$((failures + 1))
  fi
}

cat <<'HEADER'
# A new user's first session

What a new user sees in a repository of their own, from `sizebudget init` to a push
refused over budget, the bisect that names the commit, and the report. Written by
`make new-user-session` (scripts/new-user-session.sh); `make test` runs the same
session and fails when any exit status differs from the one shown. Commit dates are
fixed, so commit ids are the same in every run; build times are not. `sh build.sh` stands in for
`docker build … && docker save … -o "$SIZEBUDGET_OUTPUT"`.
HEADER

cd "$WORK"
git init -q --bare origin.git
git clone -q origin.git shop 2>/dev/null
cd shop
mkdir -p app/static .github/workflows
printf 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n' >app/Dockerfile
printf 'print("shop")\n' >app/main.py
bytes 200000 1 >app/static/logo.bin
cp "$ROOT/scripts/build-oci.sh" build.sh
printf 'name: ci\non: push\njobs: {}\n' >.github/workflows/ci.yml
printf 'build/\n' >.gitignore
git add -A && git commit -q -m "The shop service" && git push -q origin main 2>/dev/null

step "1. Build the image and let init write budgets.toml" \
  "init finds app/Dockerfile and the GitHub workflow, measures the image given with --from, and sets max to that plus 10 %."
run 0 'SIZEBUDGET_OUTPUT=build/shop.oci sh build.sh'
run 0 'sizebudget init --from oci:build/shop.oci'
run 0 'cat budgets.toml'
run 2 'sizebudget init'

step "2. Tell it how to build, validate, commit" \
  "bisect builds commits it has no measurement of with \`build\`; here the stand-in for docker."
run 0 "sed -i 's|^# build = .*|build = \"sh build.sh\"|' budgets.toml"
run 0 'sizebudget validate'
run 0 'git add budgets.toml && git commit -q -m "Size budgets" && git push -q origin main'

step "3. Measure and check" "The image is measured against HEAD and shared through git notes (--sync)."
run 0 'SIZEBUDGET_OUTPUT=build/shop.oci sh build.sh && sizebudget measure oci:build/shop.oci --sync'
run 0 'sizebudget check'
run 2 'sizebudget measure oci:build/shop.oci --image shop'
run 2 'sizebudget chek'

step "4. The pre-push hook" "A branch grows the image past its budget; the hook refuses the push."
run 0 'sizebudget hook install'
git checkout -q -b catalogue
printf '# Shop\n' >README.md && git add -A && git commit -q -m "README"
printf 'print("shop")\nprint("catalogue")\n' >app/main.py && git add -A && git commit -q -m "Catalogue page"
bytes 3000000 2 >app/static/model.bin && git add -A && git commit -q -m "Recommendations model"
printf 'docs\n' >>README.md && git add -A && git commit -q -m "Docs"
run 0 'git log --oneline main..catalogue'
run 0 'rm -rf build/shop.oci && SIZEBUDGET_OUTPUT=build/shop.oci sh build.sh && sizebudget measure oci:build/shop.oci'
run 1 'sizebudget check'
run 1 'git push origin catalogue'

step "5. Which commit did it" \
  "bisect builds only commits that touch the image's context (app/), and exits 0 with the culprit."
run 0 'sizebudget bisect main..catalogue'
run 0 'sizebudget diff main catalogue --limit 5'

step "6. The report" "Sizes on main over the days of this session, from the store alone."
run 0 'sizebudget report --since 2026-11-01 --until 2026-11-03'

if [ "$failures" -ne 0 ]; then
  echo "new-user-session.sh: $failures command(s) ended with an unexpected status" >&2
  exit 1
fi
