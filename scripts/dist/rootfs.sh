#!/usr/bin/env bash
# rootfs.sh SUITE — prints the path of a tar of a minimal Debian SUITE root with only
# git and ca-certificates added (no -dev package, no compiler): the "clean system" the
# release archive and the .deb are proven on. Made once with debootstrap (2-3 minutes)
# and cached under $SIZEBUDGET_DIST_CACHE (default /var/cache/sizebudget-dist), keyed
# by suite, mirror and package list, so CI pays for it once per machine.
set -euo pipefail
suite=${1:?usage: rootfs.sh SUITE}
packages=git,ca-certificates
cache=${SIZEBUDGET_DIST_CACHE:-/var/cache/sizebudget-dist}
# The host's Debian mirror (deb.debian.org unless apt is configured otherwise).
mirror=${MIRROR:-$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' \
  /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
  awk '{print $2}' | head -1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
key=$(printf '%s %s %s' "$suite" "$mirror" "$packages" | sha256sum | cut -c1-12)
tar="$cache/$suite-$key.tar"
if [ ! -s "$tar" ]; then
  mkdir -p "$cache"
  root=$(mktemp -d "$cache/$suite.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap $suite ($mirror) with $packages, once, into $tar" >&2
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; exit 1; }
  chmod 755 "$root"  # mktemp made it 0700; it is the chroot's /
  printf 'deb %s %s main\n' "$mirror" "$suite" >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/dev/*
  mkdir -p "$root/var/lib/apt/lists/partial"
  tar --numeric-owner -C "$root" -cf "$tar.part" . && mv "$tar.part" "$tar"
  rm -f "$root.log"
fi
echo "$tar"
