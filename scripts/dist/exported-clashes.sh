#!/usr/bin/env bash
# exported-clashes.sh BINARY — fails, naming them, if BINARY exports a symbol that a
# library it loads or opens on first use (loaded-libs.sh) also defines. The dynamic loader searches the executable first, so
# such a library would call BINARY's definition instead of its own: a statically
# linked copy of libcrypto answering the system libssl, say. Copy relocations
# (a library's variable that the executable holds, as `stdout`) are how linking
# against a shared variable works, and are not counted.
set -euo pipefail
binary=$(realpath "$1")
cd "$(dirname "$0")/../.."
export LC_ALL=C
names() { nm --dynamic --defined-only "$1" | awk '{name = $NF; sub(/@.*/, "", name); print name}' | sort -u; }
copies=$(readelf --wide --relocs "$binary" | awk '$3 == "R_X86_64_COPY" {name = $5; sub(/@.*/, "", name); print name}' | sort -u)
exported=$(names "$binary")
clashes=$(
  for library in $(scripts/dist/loaded-libs.sh "$binary" | awk '{print $2}' | sort -u); do
    comm -12 <(echo "$exported") <(names "$library") | sed "s|\$| ($library)|"
  done | grep -Ev '^(__bss_start|_edata|_end|_init|_fini) ' | awk 'NR == FNR {copy[$1]; next} !($1 in copy)' <(echo "$copies") - || true
)
if [ -n "$clashes" ]; then
  echo "$binary exports symbols its libraries define too:" >&2
  echo "$clashes" | head -20 >&2
  exit 1
fi
echo "$binary: no exported symbol clashes with its libraries'"
