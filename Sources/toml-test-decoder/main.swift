// toml-test-decoder: TOML on standard input, toml-test's tagged JSON on standard
// output. Invalid TOML exits 1 with `line:column: message` on standard error.
// Used by ../shared/toml-test/run.py and by the TOML conformance test.
import TOML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

var input: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 65536)
while true {
  let count = read(0, &chunk, chunk.count)
  if count <= 0 { break }
  input.append(contentsOf: chunk[0..<count])
}

do {
  let table = try TOMLDocument.parse(input)
  print(TaggedJSON.encode(table))
} catch {
  let message = "\(error)\n"
  _ = message.withCString { write(2, $0, strlen($0)) }
  exit(1)
}
