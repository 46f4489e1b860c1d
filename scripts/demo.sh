#!/usr/bin/env bash
# demo.sh — what `make demo` shows: sizebudget on real data, end to end, as a user
# sees it. A scratch repository of an "api" service goes from a single-stage image
# (gcc, pip cache, pytest, tests, __pycache__ left in) to a multi-stage one; each
# commit's image (the real fixture images) is measured into the store.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$ROOT/.build/release:$PATH
F=${SIZEBUDGET_FIXTURES:-/tmp/sizebudget-fixtures/out}
bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
say() { printf '\n%s%s%s\n' "$bold" "$*" "$plain"; }
run() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; echo "(exit $?)"; }
git_() { git -c user.name="Dana Developer" -c user.email=dana@example.com "$@"; }

DEMO=$(mktemp -d /tmp/sizebudget-demo.XXXXXX)/api-service
mkdir -p "$DEMO/api" "$DEMO/docker" "$DEMO/build"
cd "$DEMO"
git init -q -b main
cp "$ROOT/budgets.toml" budgets.toml
printf 'fastapi==0.115.12\nuvicorn==0.34.2\n' > requirements.txt
printf 'FROM python:3.11-slim\nRUN apt-get install -y gcc\nCOPY . /srv\nRUN pip install -r requirements-dev.txt\n' > docker/api.Dockerfile
echo 'app = "inventory-api"' > api/main.py
git_ add -A && git_ commit -q -m "api: first image (single stage)"

say "A repository with budgets.toml at its root ($DEMO):"
run sizebudget validate

say "CI builds the image (here: the real 'before' fixture) and measures it:"
ln -sf "$F/api-before.docker.tar" build/api.tar
run sizebudget measure --image api

say "A later commit moves to a multi-stage build; CI pipes docker save straight in:"
printf 'FROM python:3.11-slim AS build\nRUN pip install --no-cache-dir -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\n' > docker/api.Dockerfile
git_ commit -q -am "api: multi-stage build, runtime dependencies only"
printf '\n%s$ docker save api | sizebudget measure - --image api%s   (docker save replaced by cat of the saved image)\n' "$bold" "$plain"
cat "$F/api-after.docker.tar" | sizebudget measure - --image api
echo "(exit $?)"

say "The same image from an OCI layout: exact compressed sizes from the manifest"
run sizebudget measure "oci:$F/api-after.oci" --image api --format json --path-depth 2 | head -n 12
echo "  …"

say "A budgets file with mistakes: every one is reported, with line and column"
BAD=$DEMO/bad-budgets.toml
cat >"$BAD" <<'TOML'
[image.api]
max = 450
max_grwth = "+5%"
forbid = ["/usr/**gcc"]

[notify]
webhook = "https://hooks.example.com/x"
secret = "whsec_do-not-commit"
TOML
cat -n "$BAD"
run sizebudget validate --config "$BAD"
echo
echo "The demo repository stays in $DEMO (its store is $DEMO/.git/sizebudget.sqlite)."
