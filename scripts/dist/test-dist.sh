#!/usr/bin/env bash
# test-dist.sh — proves what `make dist`, `make deb` and `make image` produce, on real
# systems (root needed): the archive unpacked in clean Debian 12 and 13 roots, the .deb
# installed and removed with apt in Debian 12, the image run with buildah and measured
# against its own budget, and the CI integrations checked by their ecosystems' own
# validators. The roots are cached by rootfs.sh; each test unpacks a fresh copy.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SizeBudgetKit/Version.swift)
archive="dist/sizebudget-$version-linux-x86_64.tar.gz"
deb="dist/sizebudget_${version}_amd64.deb"
fixture=${SIZEBUDGET_FIXTURES_WORK:-/tmp/sizebudget-fixtures}/out/api-after.docker.tar
T0=$(date +%s)
log() { printf '[test-dist %4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
work=$(mktemp -d /tmp/sizebudget-test-dist.XXXXXX)
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# A fresh root of SUITE under $work/NAME with /proc (the binary finds its own path
# there) and the device nodes git and apt use; no bind mount of the host's /dev.
# Sets $root (not echoed: the mount must be recorded in this shell for cleanup).
make_root() {
  local suite=$1
  root="$work/$2"
  mkdir -p "$root"
  tar -C "$root" -xf "$(scripts/dist/rootfs.sh "$suite")"
  chmod 755 "$root"
  mkdir -p "$root/dev" "$root/proc" "$root/work"
  for d in null:1:3 zero:1:5 random:1:8 urandom:1:9; do
    IFS=: read -r n a b <<<"$d"
    mknod -m 666 "$root/dev/$n" c "$a" "$b"
  done
  mount -t proc proc "$root/proc" && mounts+=("$root/proc")
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  cp scripts/dist/e2e.sh "$root/work/e2e.sh"
  cp "$fixture" "$root/work/api.docker.tar"
}

checksum() {
  log "checksum, SBOM and exported symbols"
  (cd dist && sha256sum -c "$(basename "$archive").sha256")
  # The CycloneDX schema that cyclonedx-python-lib ships, with its spdx and jsf
  # companions; "$id" is dropped so that their relative $refs resolve to these local
  # files instead of cyclonedx.org (no network at test time).
  local res; res=$(python3 -c 'import cyclonedx.schema, os; print(os.path.dirname(cyclonedx.schema.__file__) + "/_res")')
  mkdir -p "$work/schema"
  cp "$res/spdx.SNAPSHOT.schema.json" "$res/jsf-0.82.SNAPSHOT.schema.json" "$work/schema/"
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); s.pop("$id"); json.dump(s, open(sys.argv[2], "w"))' \
    "$res/bom-1.6.SNAPSHOT.schema.json" "$work/schema/bom-1.6.schema.json"
  check-jsonschema --schemafile "$work/schema/bom-1.6.schema.json" "dist/sizebudget-$version-linux-x86_64.sbom.cdx.json"
  # The released binary (-export-dynamic, unlike make test's) against its libraries.
  mkdir -p "$work/exports"
  tar -C "$work/exports" -xzf "$archive" "sizebudget-$version-linux-x86_64/bin/sizebudget"
  scripts/dist/exported-clashes.sh "$work/exports/sizebudget-$version-linux-x86_64/bin/sizebudget"
}

archive_in() {
  local suite=$1
  log "archive in Debian $suite"
  make_root "$suite" "archive-$suite"
  mkdir -p "$root/opt/unpacked-here"
  tar -C "$root/opt/unpacked-here" -xzf "$archive"
  chroot "$root" /bin/sh /work/e2e.sh "/opt/unpacked-here/sizebudget-$version-linux-x86_64/bin/sizebudget" \
    /work/api.docker.tar
  # The bundle's own libraries, not the root's (which has neither libcurl.so.4 nor
  # libpq), also those opened on first use: the dynamic loader's trace names the file
  # it initialised. (Read whole: grep -q leaving early would break the pipe.)
  local trace
  trace=$(chroot "$root" env LD_DEBUG=libs "/opt/unpacked-here/sizebudget-$version-linux-x86_64/bin/sizebudget" --version 2>&1)
  for library in libcurl.so.4 libpq.so.5; do
    grep -q "calling init: /opt/unpacked-here/.*/lib/$library" <<<"$trace" ||
      { echo "$library is not the bundled one" >&2; exit 1; }
  done
}

deb_in() {
  local suite=$1
  log "deb in Debian $suite"
  make_root "$suite" "deb-$suite"
  cp "$deb" "$root/work/"
  chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ./work/$(basename "$deb")" >"$work/apt.log" 2>&1 ||
    { tail -20 "$work/apt.log" >&2; exit 1; }
  chroot "$root" /bin/sh /work/e2e.sh /usr/bin/sizebudget /work/api.docker.tar
  chroot "$root" sh -c 'test -f /usr/share/man/man1/sizebudget.1.gz && test -f /usr/share/bash-completion/completions/sizebudget'
  # (apt warns that it cannot log without /dev/pts: harmless here)
  chroot "$root" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq sizebudget' >"$work/apt.log" 2>&1 ||
    { tail -20 "$work/apt.log" >&2; exit 1; }
  if chroot "$root" sh -c 'test -e /usr/bin/sizebudget || dpkg -s sizebudget 2>/dev/null | grep -q "Status: install ok"'; then
    echo "apt remove left sizebudget behind" >&2; exit 1
  fi
}

# test-dist.sh [STEP…]: all steps by default, or only those named.
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(checksum archive-bookworm archive-trixie deb-bookworm image integrations)
# Both roots at once when not cached yet (debootstrap waits on the network more than
# on the CPU).
scripts/dist/rootfs.sh bookworm >/dev/null & first=$!
scripts/dist/rootfs.sh trixie >/dev/null || exit 1
wait "$first" || exit 1
for step in "${steps[@]}"; do
  case $step in
    checksum) checksum ;;
    archive-*) archive_in "${step#archive-}" ;;
    deb-*) deb_in "${step#deb-}" ;;
    image) log "image"; scripts/dist/test-image.sh ;;
    integrations) log "integrations"; scripts/dist/test-integrations.sh ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
log "passed: ${steps[*]}"
