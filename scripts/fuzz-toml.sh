#!/usr/bin/env bash
# fuzz-toml.sh [SECONDS] — coverage-guided fuzzing of the TOML parser with libFuzzer
# (swiftc -sanitize=fuzzer,address), seeded with the toml-test suite. Any crash,
# hang (> 5 s) or leak stops it and leaves the input in .build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-300}
OUT=.build-fuzz
mkdir -p "$OUT/corpus"
cat >"$OUT/harness.swift" <<'SWIFT'
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
  do {
    _ = TaggedJSON.encode(try TOMLDocument.parse(bytes))
  } catch {
    precondition(error.position.line >= 1 && error.position.column >= 1)
  }
  return 0
}
SWIFT
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name TOMLFuzz Sources/TOML/*.swift \
  "$OUT/harness.swift" -o "$OUT/toml-fuzzer" 2>&1 | grep -v "Cannot export local symbol" || true
find "${SIZEBUDGET_SHARED:-../shared}/toml-test/tests" -name '*.toml' -exec cp {} "$OUT/corpus/" \;
cd "$OUT"
./toml-fuzzer -max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
  -artifact_prefix=./ corpus 2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|Done" | tail -n 5
