// sizebudget-bench: in-process timings of the library's hot paths, printed one per
// line as `name  median  (n runs)`. Benchmarks/run.sh puts each beside its peer.
//
//   sizebudget-bench toml FILE [RUNS]     parse FILE with the TOML parser
//   sizebudget-bench budgets FILE [RUNS]  parse and validate FILE as budgets.toml
import Budgets
import Foundation
import TOML

func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
  var times: [Double] = []
  for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return times.sorted()[times.count / 2]
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let data = FileManager.default.contents(atPath: arguments[2]) else {
  FileHandle.standardError.write(Data("usage: sizebudget-bench toml|budgets FILE [RUNS]\n".utf8))
  exit(2)
}
let bytes = [UInt8](data)
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 20 : 20
switch arguments[1] {
case "toml":
  let seconds = try median(runs) { _ = try TOMLDocument.parse(bytes) }
  print(String(format: "toml-parse %.2f ms (median of %d, %d bytes)", seconds * 1000, runs, bytes.count))
case "budgets":
  let seconds = try median(runs) { _ = try BudgetParser.parse(bytes, path: "budgets.toml") }
  print(String(format: "budgets-parse %.2f ms (median of %d, %d bytes)", seconds * 1000, runs, bytes.count))
default:
  FileHandle.standardError.write(Data("unknown benchmark \(arguments[1])\n".utf8))
  exit(2)
}
