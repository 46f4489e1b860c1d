#!/usr/bin/env bash
# image.sh — the sizebudget container image (Containerfile) with buildah, chroot
# isolation and vfs storage as the fixture images are (no daemon, root), from a slim
# Debian 12 base made locally: the fixtures' debootstrap minbase tar (scripts/fixtures.sh
# makes and caches it). Writes dist/sizebudget-image.docker.tar (docker-archive) and
# dist/sizebudget-image.oci.tar; the buildah store stays under $SIZEBUDGET_IMAGE_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SizeBudgetKit/Version.swift)
deb="dist/sizebudget_${version}_amd64.deb"
[ -f "$deb" ] || { echo "image: run make deb first ($deb is missing)" >&2; exit 1; }
base_tar=${SIZEBUDGET_FIXTURES_WORK:-/tmp/sizebudget-fixtures}/cache/bookworm-minbase-slim.tar
[ -s "$base_tar" ] || scripts/fixtures.sh
work=${SIZEBUDGET_IMAGE_WORK:-/var/cache/sizebudget-dist/buildah}
B=(buildah --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs)
CS="containers-storage:[vfs@$work/storage+$work/runroot]"
base=localhost/sizebudget/debian:bookworm-slim
tag=localhost/sizebudget:$version

# The base, once per base tar (its checksum is a label, so a new tar makes a new base).
sum=$(sha256sum "$base_tar" | cut -c1-16)
if [ "$("${B[@]}" inspect --format '{{index .OCIv1.Config.Labels "tar"}}' "$base" 2>/dev/null)" != "$sum" ]; then
  c=$("${B[@]}" from scratch)
  "${B[@]}" add "$c" "$base_tar" / >/dev/null
  "${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --label "tar=$sum" \
    --created-by "ADD bookworm-minbase-slim.tar / # debootstrap --variant=minbase, slimmed" "$c"
  "${B[@]}" commit --rm -q "$c" "$base" >/dev/null
fi
# The build context is dist/: only the .deb goes in.
printf '*\n!sizebudget_%s_amd64.deb\n' "$version" >dist/.containerignore
"${B[@]}" bud --isolation chroot --pull-never --layers -q --build-arg "VERSION=$version" -f Containerfile \
  -t "$tag" dist >/dev/null
rm -f dist/sizebudget-image.docker.tar dist/sizebudget-image.oci.tar
skopeo copy -q "$CS$tag" "docker-archive:dist/sizebudget-image.docker.tar:$tag"
skopeo copy -q "$CS$tag" "oci-archive:dist/sizebudget-image.oci.tar:$tag"
echo "$tag: dist/sizebudget-image.docker.tar, dist/sizebudget-image.oci.tar"
