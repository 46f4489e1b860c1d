#!/usr/bin/env bash
# demo.sh — what `make demo` shows: sizebudget on real data, end to end, as a user
# sees it. A scratch repository of an "api" service; its images are the real
# fixture images of ../shared/fixtures ("after": multi-stage, 61 MB; "before":
# single stage with gcc, pip cache, pytest, tests and __pycache__ left in, 167 MB).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$ROOT/.build/release:$PATH
F=${SIZEBUDGET_FIXTURES:-/tmp/sizebudget-fixtures/out}
bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
run() { show "$*"; "$@"; echo "(exit $?)"; }
commit() { git -c user.name="Dana Developer" -c user.email=dana@example.com commit -q "$@"; }

WORK=$(mktemp -d /tmp/sizebudget-demo.XXXXXX)
# budgets.toml posts findings to a webhook on 127.0.0.1:8088; a real receiver there
# verifies each signature with the reference Standard Webhooks library.
export SIZEBUDGET_WEBHOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
python3 "$ROOT/scripts/webhook-receiver.py" "$WORK/received.jsonl" --secret "$SIZEBUDGET_WEBHOOK_SECRET" --port 8088 >/dev/null 2>&1 &
RECEIVER=$!
trap 'kill $RECEIVER 2>/dev/null' EXIT
DEMO=$WORK/api-service
mkdir -p "$DEMO/api" "$DEMO/docker" "$DEMO/build"
git init -q --bare "$WORK/origin.git"
cd "$DEMO"
git init -q -b main
git remote add origin "$WORK/origin.git"
# The repository's budgets without [image.sizebudget] (sizebudget's own image, gated
# by make test-dist): the demo is about the api image.
awk '/^\[/ { skip = ($0 ~ /^\[image\.sizebudget[].]/) } !skip' "$ROOT/budgets.toml" > budgets.toml
printf 'fastapi==0.115.12\nuvicorn==0.34.2\n' > requirements.txt
printf 'FROM python:3.11-slim AS build\nRUN pip install --no-cache-dir -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\n' > docker/api.Dockerfile
echo 'app = "inventory-api"' > api/main.py
git add -A && commit -m "api: multi-stage image, runtime dependencies only"

say "budgets.toml at the repository root says how big the api image may be"
run sizebudget validate

say "CI builds main's image and records it (docker save piped in: no temporary file)"
show "docker save api | sizebudget measure - --image api --sync    # here: cat of the saved image"
cat "$F/api-after.docker.tar" | sizebudget measure - --image api --sync | head -n 8
echo "  …"
run sizebudget check
run sizebudget hook install
git push -q -u origin main 2>&1 | sed 's/^/  (git push) /'

say "A branch builds single-stage, to run the tests in the image; CI measures it"
git checkout -q -b feature/tests-in-image
printf 'FROM python:3.11-slim\nRUN apt-get install -y gcc\nCOPY . /srv\nRUN pip install -r requirements-dev.txt && pytest\n' > docker/api.Dockerfile
git add -A && commit -m "api: run the test suite inside the image build"
ln -sf "$F/api-before.docker.tar" build/api.tar
show "sizebudget measure --image api     # the source comes from budgets.toml: docker-archive:build/api.tar"
sizebudget measure --image api | head -n 5
echo "  …"
run sizebudget check

say "The webhook receiver got the violation, signed; its comment field is the PR comment"
python3 - "$WORK/received.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    event = json.loads(r["body"])
    print(f"  {r['type']}  webhook-id {r['id']}  signature verified: {r['verified']}")
    print("  data.comment:")
    for text in event["data"]["comment"].splitlines()[:12]:
        print("  | " + text)
    print("  | …")
PY

say "What grew, layer by layer and path by path"
run sizebudget diff main HEAD --image api --limit 10

say "The pre-push hook refuses to send it"
show "git push origin feature/tests-in-image"
git push -q origin feature/tests-in-image 2>&1 | tail -n 4 | sed 's/^/  /'

say "The fix: back to a multi-stage build, measured from its OCI layout"
printf 'FROM python:3.11-slim AS build\nRUN pip install --no-cache-dir -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\n' > docker/api.Dockerfile
git add -A && commit -m "api: tests in a build stage, runtime image stays slim"
sizebudget measure "oci:$F/api-after.oci" --image api > /dev/null
run sizebudget check
show "git push origin feature/tests-in-image"
git push -q origin feature/tests-in-image 2>&1 | sed 's/^/  /'

say "A teammate's clone: CI's measurements arrive through git notes in the shared origin"
run sizebudget sync
git clone -q -b feature/tests-in-image "$WORK/origin.git" "$WORK/teammate"
cd "$WORK/teammate"
show "git clone origin && cd teammate && sizebudget sync"
sizebudget sync
run sizebudget check     # judged against main's measurement, made in the other clone
cd "$DEMO"

say "Sizes along history"
run sizebudget log --image api

say "Before any build: a 30 MB model committed under api/ is predicted, and the push refused"
printf '\n[hook]\npredict = "refuse"   # refuse what is predicted over budget beyond its uncertainty\n' >> budgets.toml
head -c 30000000 /dev/urandom > api/model.bin
git add api/model.bin && commit -m "api: bundle the ranking model"
run sizebudget predict --image api
show "git push origin feature/tests-in-image     # no image was built for this commit"
git push -q origin feature/tests-in-image 2>&1 | tail -n 12 | sed 's/^/  /'
git reset -q --hard HEAD~1

say "Which commit grew it? A generated history of 300 commits (15 touch app/), each built for real"
python3 "$ROOT/Benchmarks/gen-bisect-repo.py" "$WORK/history" 300 211 10 2>/dev/null
cd "$WORK/history"
show "cat budgets.toml"; cat budgets.toml
run sizebudget bisect HEAD~299..HEAD --image app
show "sizebudget bisect HEAD~299..HEAD --image app     # again: everything is measured now"
sizebudget bisect HEAD~299..HEAD --image app | head -n 1

say "The weekly trend email, for this history (CI measured every 20th commit over 10 days)"
bash "$ROOT/scripts/measure-history.sh" app 20
cat >> budgets.toml <<'TOML'

[report]
to = ["platform-team@example.com"]
from = "sizebudget@example.com"
TOML
run sizebudget report --since 7d --output "$WORK/weekly.eml"
sizebudget report --since 7d --format html > "$WORK/weekly.html"
echo "  the email: $WORK/weekly.eml (multipart: text and HTML); the HTML alone: $WORK/weekly.html"
if command -v chromium >/dev/null; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=720,900 \
    --screenshot="$WORK/weekly.png" "$WORK/weekly.html" >/dev/null 2>&1 && echo "  rendered by headless Chromium: $WORK/weekly.png"
fi
cd "$DEMO"

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

say "What fills the single-stage image, and what could go: explain, on the \"before\" image"
show "sizebudget packages --commit HEAD~1 --image api --limit 8"
sizebudget packages --commit HEAD~1 --image api --limit 8
run sizebudget explain --commit HEAD~1 --image api
say "See it: a static size dashboard, from the store and the history alone"
cd "$WORK/history"
run sizebudget site --output "$WORK/site-history" --since 90d
cd "$DEMO"
show "sizebudget site --output $WORK/site-api --branch feature/tests-in-image     # the real images: treemaps, findings"
sizebudget site --output "$WORK/site-api" --branch feature/tests-in-image
for site in "$WORK/site-history" "$WORK/site-api"; do
  echo "  open file://$site/index.html   ($(du -sk "$site" | cut -f1) kB, $(find "$site" -type f | wc -l) files)"
done
echo
echo "The demo repository stays in $DEMO (its store: .git/sizebudget.sqlite)."
