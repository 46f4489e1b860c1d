#!/bin/sh
# build-oci.sh — a tiny real image build for bisect tests, the benchmark and the
# demo: packs the work tree's app/ directory into a one-layer OCI layout at
# $SIZEBUDGET_OUTPUT (tar, gzip and sha256sum; no container engine). If
# $BUILD_COUNT_FILE is set, appends the commit built to it, to count builds.
set -eu
out=${SIZEBUDGET_OUTPUT:?SIZEBUDGET_OUTPUT is not set}
[ -n "${BUILD_COUNT_FILE:-}" ] && echo "${SIZEBUDGET_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}" >>"$BUILD_COUNT_FILE"
[ -f SKIP_BUILD ] && exit 125
[ -f BREAK_BUILD ] && { echo "error: BREAK_BUILD is present, the build fails" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/blobs/sha256" app
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" app
diffid=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -1 "$work/layer.tar"
layer=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
layersize=$(stat -c %s "$work/layer.tar.gz")
mv "$work/layer.tar.gz" "$out/blobs/sha256/$layer"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"COPY app/ /app"}]}' "$diffid" >"$work/config"
config=$(sha256sum "$work/config" | cut -d' ' -f1); configsize=$(stat -c %s "$work/config")
mv "$work/config" "$out/blobs/sha256/$config"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config" "$configsize" "$layer" "$layersize" >"$work/manifest"
manifest=$(sha256sum "$work/manifest" | cut -d' ' -f1); manifestsize=$(stat -c %s "$work/manifest")
mv "$work/manifest" "$out/blobs/sha256/$manifest"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' "$manifest" "$manifestsize" >"$out/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
