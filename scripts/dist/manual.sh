#!/usr/bin/env bash
# manual.sh DIR — sizebudget.1 in DIR, from the command tree itself by
# swift-argument-parser's generate-manual tool (what its generate-manual plugin runs;
# building the tool alone in debug is faster than the plugin, which rebuilds every
# product in release without --static-swift-stdlib).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$1
swift build --product generate-manual >/dev/null
stamp=$(git log -1 --format=%cs 2>/dev/null || date +%F)
.build/debug/generate-manual .build/release/sizebudget --date "$stamp" --output-directory "$dir"
[ -s "$dir/sizebudget.1" ] || { echo "manual: generate-manual wrote no sizebudget.1" >&2; exit 1; }
