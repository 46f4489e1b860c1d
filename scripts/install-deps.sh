#!/usr/bin/env bash
# install-deps.sh build|test|demo|bench — installs the Debian packages a make target
# needs, only those missing. Needs root (or sudo). Safe to run again.
set -euo pipefail
build=(pkg-config libgit2-dev libsqlite3-dev libpq-dev zlib1g-dev libzstd-dev libssl-dev libcurl4-openssl-dev libisal-dev git python3)
# Real images are built with buildah/skopeo/umoci (no Docker engine), served by
# Debian's docker-registry; hyperfine times the benchmarks. gcc and binutils make
# and strip the unstripped-library fixture; dpkg-query counts package sizes; the
# PostgreSQL store is tested against a real server (scripts/postgres.sh starts one).
images=(buildah skopeo umoci debootstrap jq bc curl zstd gzip sqlite3 docker-registry gcc binutils dpkg postgresql)
case "${1:-build}" in
  build) want=("${build[@]}") ;;
  test) want=("${build[@]}" "${images[@]}") ;;
  # The demo also renders the weekly email's HTML to a PNG with headless Chromium.
  demo) want=("${build[@]}" "${images[@]}" chromium) ;;
  bench) want=("${build[@]}" "${images[@]}" hyperfine time isal zstd umoci) ;;
  *) echo "usage: $0 build|test|demo|bench" >&2; exit 2 ;;
esac
# The webhook tests verify signatures with the reference Standard Webhooks library;
# the report tests receive mail with aiosmtpd.
for module in standardwebhooks aiosmtpd; do
  if [ "${1:-build}" != build ] && ! python3 -c "import $module" 2>/dev/null; then
    python3 -m pip install -q "$module" 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
  fi
done
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
