#!/usr/bin/env bash
# demo.sh — what `make demo` shows: sizebudget on real data, end to end, as a user
# sees it. Each step prints the command it runs.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH=$PWD/.build/release:$PATH
bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
run() { step "$*"; "$@"; echo "(exit $?)"; }

echo "sizebudget demo: budgets for the 'api' image in ./budgets.toml"

run sizebudget validate

# A budgets file with mistakes: every one is reported, with line and column.
BAD=$(mktemp -d)/budgets.toml
cat >"$BAD" <<'TOML'
[image.api]
max = 450
max_grwth = "+5%"
forbid = ["/usr/**gcc"]

[notify]
webhook = "https://hooks.example.com/x"
secret = "whsec_do-not-commit"
TOML
step "cat budgets.toml  # with four mistakes"; cat -n "$BAD"
run sizebudget validate --config "$BAD"
