#!/usr/bin/env bash
# sync-concurrency.sh SIZEBUDGET DIR WRITERS COMMITS [STORE-URL]
# WRITERS clones of one bare origin each record COMMITS measurements with
# `measure --sync` at once (or, with STORE-URL, into that shared store); prints the
# wall time and checks that every clone then holds WRITERS x COMMITS measurements.
set -euo pipefail
SB=$1 DIR=$2 WRITERS=$3 COMMITS=$4 STORE=${5:-}
rm -rf "$DIR"; mkdir -p "$DIR"
git init -q --bare -b main "$DIR/origin.git"
git clone -q "$DIR/origin.git" "$DIR/seed" 2>/dev/null
cd "$DIR/seed"
git -c user.name=bench -c user.email=bench@example.com commit -q --allow-empty -m budgets
for i in $(seq 2 "$COMMITS"); do git -c user.name=bench -c user.email=bench@example.com commit -q --allow-empty -m "c$i"; done
git push -q origin main
cd - >/dev/null
python3 - "$DIR/image.oci" <<'PY'
import hashlib, io, json, os, sys, tarfile
root = sys.argv[1]; blobs = os.path.join(root, "blobs", "sha256"); os.makedirs(blobs)
def put(data):
    digest = hashlib.sha256(data).hexdigest(); open(os.path.join(blobs, digest), "wb").write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    info = tarfile.TarInfo("app/blob"); info.size = 10000; tar.addfile(info, io.BytesIO(b"a" * 10000))
layer = buf.getvalue()
config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **put(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **put(layer)}]}).encode()
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", **put(manifest)}]}, open(os.path.join(root, "index.json"), "w"))
PY
for w in $(seq 1 "$WRITERS"); do git clone -q "$DIR/origin.git" "$DIR/w$w"; done
args=(--sync); [ -n "$STORE" ] && args=(--store "$STORE")
start=$(date +%s.%N)
for w in $(seq 1 "$WRITERS"); do
  (cd "$DIR/w$w" && for c in $(git rev-list main); do
     "$SB" measure "oci:$DIR/image.oci" --image "svc-$w" --commit "$c" "${args[@]}" >/dev/null 2>>"$DIR/w$w.log" || { echo "writer $w failed: $(tail -1 "$DIR/w$w.log")"; exit 1; }
   done) &
done
wait
end=$(date +%s.%N)
total=$((WRITERS * COMMITS))
if [ -n "$STORE" ]; then
  printf '  %d writers x %d measure --store postgres://…: %.1f s wall (%.0f ms per measurement)\n' \
    "$WRITERS" "$COMMITS" "$(echo "$end - $start" | bc)" "$(echo "($end - $start) * 1000 / $total" | bc -l)"
  rows=$(psql -d "$STORE" -At -c "SELECT count(*) || ' measurements, ' || count(DISTINCT (image, commit_oid)) || ' distinct' FROM measurements")
  echo "  in the database: $rows (expected $total)"
else
  attempts=$(cat "$DIR"/w*.log | grep -o 'attempt [0-9]*' | awk '{print $2}' | sort -n | tail -1)
  printf '  %d writers x %d measure --sync: %.1f s wall (%.0f ms per measurement; most push attempts needed: %s)\n' \
    "$WRITERS" "$COMMITS" "$(echo "$end - $start" | bc)" "$(echo "($end - $start) * 1000 / $total" | bc -l)" "${attempts:-1}"
  git clone -q "$DIR/origin.git" "$DIR/check"
  (cd "$DIR/check" && "$SB" sync --no-push >/dev/null)
  rows=$(sqlite3 "$DIR/check/.git/sizebudget.sqlite" "SELECT count(*) || ' measurements, ' || count(DISTINCT image || commit_oid) || ' distinct' FROM measurements")
  echo "  a fresh clone after sync: $rows (expected $total)"
fi
