#!/usr/bin/env bash
# loaded-libs.sh BINARY — "soname path" for each library BINARY loads (those ldd lists)
# and each it opens on first use (lazy-libs.sh) with their own dependencies, as this
# machine has them; a library may appear more than once. dist.sh bundles them;
# exported-clashes.sh checks BINARY's exported symbols against theirs.
set -euo pipefail
binary=$(realpath "$1")
cd "$(dirname "$0")/../.."
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}'
lazy=$(scripts/dist/lazy-libs.sh)
while read -r soname path; do
  echo "$soname $path"
  ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}'
done <<<"$lazy"
