#!/usr/bin/env bash
# fuzz-readers.sh [SECONDS] [TARGET...] — coverage-guided fuzzing (libFuzzer,
# swiftc -sanitize=fuzzer,address) of every reader of untrusted bytes: tar, gzip and
# zstd framing, docker-archive and oci-archive manifests, image JSON, ELF, the
# package databases, and Dockerfiles. Each target runs SECONDS (default 120), seeded with its corpus
# in Tests/Corpus/<target>/; a crash, a hang (> 5 s) or an allocation past 2 GiB
# stops it and leaves the input in .build-fuzz/readers/<target>/. The entry points
# are Tests/AnalysisTests/ReaderFuzzTargets.swift, which `make test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-120}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(tar gzip zstd docker-archive oci-archive image-json elf dpkg apk record npm dockerfile)
fi
OUT=.build-fuzz/readers
mkdir -p "$OUT/src"
# One module: the readers' sources with their imports of each other dropped (a
# file is rewritten only when it changed, so an unchanged fuzzer is not rebuilt).
for file in Sources/ArchiveIO/*.swift Sources/ImageSource/{BlobStore,DockerArchive,StreamingDockerArchive,OCILayout,JSONFiles,ImageConfig,ImageDescription,ImageReference,RegistryReference,Platform}.swift \
  Sources/Analysis/PackageDatabases.swift Sources/Model/*.swift Sources/SystemCalls/*.swift Sources/Endpoints/*.swift \
  Sources/Dockerfile/*.swift \
  Tests/AnalysisTests/ReaderFuzzTargets.swift; do
  copy="$OUT/src/$(basename "$(dirname "$file")")-$(basename "$file")"
  sed -E '/^(@testable )?import (ArchiveIO|ImageSource|Analysis|Model|SystemCalls|Endpoints|Dockerfile)$/d' "$file" >"$copy.new"
  if cmp -s "$copy.new" "$copy"; then rm "$copy.new"; else mv "$copy.new" "$copy"; fi
done
cat >"$OUT/harness.swift.new" <<'SWIFT'
import Foundation

// The target is named by SIZEBUDGET_FUZZ_TARGET, read once.
let fuzzTarget: ReaderFuzzTarget = {
  let name = ProcessInfo.processInfo.environment["SIZEBUDGET_FUZZ_TARGET"] ?? ""
  guard let target = ReaderFuzzTarget(rawValue: name) else { fatalError("unknown SIZEBUDGET_FUZZ_TARGET \(name)") }
  return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  fuzzTarget.run(Array(UnsafeRawBufferPointer(start: start, count: count)))
  return 0
}
SWIFT
if cmp -s "$OUT/harness.swift.new" "$OUT/src/harness.swift"; then rm "$OUT/harness.swift.new"; else mv "$OUT/harness.swift.new" "$OUT/src/harness.swift"; fi
if [ ! -x "$OUT/readers-fuzzer" ] || [ -n "$(find "$OUT/src" -newer "$OUT/readers-fuzzer" -name '*.swift')" ]; then
  rm -f "$OUT/readers-fuzzer"
  # gzip inflate and the CRC-64s go through ISA-L behind CInflate's C shim, as in the package.
  # (SwiftPM makes CInflate's module map from its header; here it is written out.)
  clang -O2 -c -I Sources/CInflate/include Sources/CInflate/inflate.c -o "$OUT/inflate.o"
  clang -O2 -c -I Sources/CInflate/include Sources/CInflate/crc64.c -o "$OUT/crc64.o"
  mkdir -p "$OUT/cinflate"
  printf 'module CInflate {\n  header "%s"\n  export *\n}\n' "$PWD/Sources/CInflate/include/CInflate.h" \
    >"$OUT/cinflate/module.modulemap"
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name ReaderFuzz \
    -I "$OUT/cinflate" "$OUT/inflate.o" "$OUT/crc64.o" -lisal \
    -I Sources/CDeflate -I Sources/CZstd -I Sources/CCrypto "$OUT"/src/*.swift -o "$OUT/readers-fuzzer" 2>&1 |
    grep -v "Cannot export local symbol" >"$OUT/build.log" || true
  if [ ! -x "$OUT/readers-fuzzer" ]; then
    # The readers' sources changed their imports: the list of files above must follow.
    echo "the fuzzer did not build; the compiler said:" >&2
    head -n 30 "$OUT/build.log" >&2
    exit 1
  fi
fi
failed=()
for target in "${TARGETS[@]}"; do
  status=0
  mkdir -p "$OUT/$target/corpus"
  cp Tests/Corpus/"$target"/* "$OUT/$target/corpus/" 2>/dev/null || true
  echo "== $target ($SECONDS_TO_RUN s)"
  (cd "$OUT/$target" && SIZEBUDGET_FUZZ_TARGET=$target ../readers-fuzzer -max_total_time="$SECONDS_TO_RUN" \
    -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=32768 \
    -print_final_stats=1 -artifact_prefix=./ corpus >log.txt 2>&1) || status=$?
  grep -E "^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|Done|stat::number_of_executed_units|stat::average_exec_per_sec" \
    "$OUT/$target/log.txt" | tail -n 4
  if [ "$status" != 0 ]; then
    echo "$target: the fuzzer stopped with status $status: see $OUT/$target/log.txt and the crash-* input there"
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (add each input to Tests/Corpus/<target>/ once fixed)"
  exit 1
fi
