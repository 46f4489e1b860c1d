#!/usr/bin/env bash
# big-image.sh — builds the TruthGraph-like benchmark image of issue 16 once and caches it:
# the "before" fixture plus one layer of real wheels installed into its venv (torch CPU,
# nvidia-cudnn-cu12, nvidia-cublas-cu12, triton, mypy, pytest: the seeds' ML bloat, with
# bytecode), a layer with a copied `uv` binary and a layer of tests. Too big for
# `make test`: it is for `make bench-big`.
#
# Output, under $BIG_WORK/<key>/ (default /tmp/sizebudget-big; <key> hashes this script,
# the wheels and the base image, so a change of any of them builds anew):
#   big.docker.tar      docker-archive (uncompressed layers, as `docker save` writes them)
#   big.oci/            OCI layout, gzip layers (umoci's gzip)
#   big.oci.tar         oci-archive of the same
#   big-zstd.oci/       OCI layout, zstd layers (skopeo)
#   layers.txt          per layer: gzip blob size, tar size, diff id
# Prints the output directory on its last line. Needs root (files owned by root in the
# layer), skopeo and umoci; wheels come from pip's configured index and find-links.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=${SIZEBUDGET_FIXTURES:-/tmp/sizebudget-fixtures/out}
WORK=${BIG_WORK:-/tmp/sizebudget-big}
WHEELS="$WORK/wheels"
mkdir -p "$WHEELS"
log() { printf '[big-image] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ wheels (cached)
# torch: the CPU wheel (pip's find-links on these machines); without --no-deps pip would
# pull the CUDA stack twice. mypy and pytest come with their dependencies.
PIPDL=(python3 -m pip download -q --dest "$WHEELS" --only-binary=:all: --python-version 3.11
  --implementation cp --abi cp311 --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any)
if [ ! -f "$WHEELS/.complete" ]; then
  log "downloading wheels into $WHEELS"
  "${PIPDL[@]}" --no-deps 'torch==2.13.0+cpu' nvidia-cudnn-cu12 nvidia-cublas-cu12 triton uv
  "${PIPDL[@]}" mypy pytest
  touch "$WHEELS/.complete"
fi

# The wheels by name and size: `ls -l`'s "total" line counts allocated blocks, which
# the file system still changes after a download is written (it did, by 8 blocks in
# 20 minutes), and a key from it built the 4 GB image again.
KEY=$( { cat "$0"; find "$WHEELS" -maxdepth 1 -name '*.whl' -printf '%f %s\n' | LC_ALL=C sort
  cat "$FIX/api-before.oci/index.json"; } | sha256sum | cut -c1-16)
OUT="$WORK/$KEY"
if [ -f "$OUT/.complete" ]; then echo "$OUT"; exit 0; fi
rm -rf "$OUT"; mkdir -p "$OUT"
STAGE="$OUT/stage"; mkdir -p "$STAGE"

# ------------------------------------------------------------------ layer 1: the wheels
# Installed with the host's Python 3.11 (the image's is 3.11 too), bytecode compiled,
# into the image's venv, as a `RUN pip install` layer would hold them.
SITE=opt/venv/lib/python3.11/site-packages
R1="$STAGE/wheels-root"; mkdir -p "$R1/$SITE"
log "installing the wheels into a layer"
python3 -m pip install -q --no-index --no-deps --find-links "$WHEELS" --target "$R1/$SITE" \
  "$WHEELS"/torch-*.whl "$WHEELS"/nvidia_*.whl "$WHEELS"/triton-*.whl \
  $(ls "$WHEELS"/*.whl | grep -vE '/(torch|nvidia_|triton|uv)-' ) 2>&1 | grep -v "Running pip as the 'root'" >&2 || true
tar --numeric-owner --owner=0 --group=0 -C "$R1" -cf "$STAGE/wheels.tar" opt

# ------------------------------------------------------------------ layer 2: a copied uv binary
R2="$STAGE/uv-root"; mkdir -p "$R2/usr/local/bin"
python3 - "$WHEELS" "$R2/usr/local/bin" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "uv-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.endswith("/scripts/uv") or name.endswith("/scripts/uvx"):
            target = os.path.join(sys.argv[2], os.path.basename(name))
            open(target, "wb").write(z.read(name)); os.chmod(target, 0o755)
PY
tar --numeric-owner --owner=0 --group=0 -C "$R2" -cf "$STAGE/uv.tar" usr

# ------------------------------------------------------------------ layer 3: tests
# The packages' own test suites copied to /srv/tests, as a careless COPY . . would.
R3="$STAGE/tests-root"; mkdir -p "$R3/srv/tests"
for dir in "$R1/$SITE"/torch/testing "$R1/$SITE"/mypy/test "$R1/$SITE"/_pytest; do
  [ -d "$dir" ] && cp -a "$dir" "$R3/srv/tests/$(basename "$(dirname "$dir")")-$(basename "$dir")"
done
tar --numeric-owner --owner=0 --group=0 -C "$R3" -cf "$STAGE/tests.tar" srv

# ------------------------------------------------------------------ the image
log "assembling the OCI image (umoci gzip)"
skopeo copy -q "oci:$FIX/api-before.oci:before" "oci:$OUT/big.oci:big"
umoci raw add-layer --image "$OUT/big.oci:big" \
  --history.created_by "RUN pip install torch nvidia-cudnn-cu12 nvidia-cublas-cu12 triton mypy pytest" \
  "$STAGE/wheels.tar"
umoci raw add-layer --image "$OUT/big.oci:big" --history.created_by "COPY --from=uv /uv /uvx /usr/local/bin/" \
  "$STAGE/uv.tar"
umoci raw add-layer --image "$OUT/big.oci:big" --history.created_by "COPY tests/ /srv/tests/" "$STAGE/tests.tar"
rm -rf "$STAGE"
log "exporting docker-archive, oci-archive and a zstd OCI layout"
skopeo copy -q "oci:$OUT/big.oci:big" "docker-archive:$OUT/big.docker.tar:localhost/bench/big:latest"
skopeo copy -q "oci:$OUT/big.oci:big" "oci-archive:$OUT/big.oci.tar:big"
skopeo copy -q --dest-compress-format zstd --dest-compress "oci:$OUT/big.oci:big" "oci:$OUT/big-zstd.oci:big"

# ------------------------------------------------------------------ per-layer sizes
python3 "$HERE/big-image-layers.py" "$OUT" >"$OUT/layers.txt"
cat "$OUT/layers.txt" >&2
touch "$OUT/.complete"
echo "$OUT"
