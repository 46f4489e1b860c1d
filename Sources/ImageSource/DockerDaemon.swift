import ArchiveIO
import Foundation

/// `docker-daemon:REF`: an image in a Docker engine, through the `docker` command line
/// (`docker image inspect`, then `docker save` streamed into the measurement: no
/// temporary file).
enum DockerDaemon {
  /// Starts `docker save`; its output is a docker-archive read front to back.
  static func open(_ name: String) throws(ImageSourceError) -> ArchiveStream {
    let inspect = try run(["image", "inspect", "--format", "{{.Id}}", name])
    guard inspect.status == 0 else {
      let text = inspect.error.trimmingCharacters(in: .whitespacesAndNewlines)
      if text.contains("Cannot connect to the Docker daemon") || text.contains("Is the docker daemon running") {
        throw ImageSourceError(
          "docker-daemon:\(name): no Docker engine answers (\(text)); build elsewhere and measure a docker-archive or an OCI layout"
        )
      }
      throw ImageSourceError("docker-daemon:\(name): \(text.isEmpty ? "docker image inspect failed" : text)")
    }
    let save = Process()
    save.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    save.arguments = ["docker", "save", name]
    let output = Pipe()
    let errors = Pipe()
    save.standardOutput = output
    save.standardError = errors
    do {
      try save.run()
    } catch {
      throw ImageSourceError("docker-daemon:\(name): cannot run docker save: \(error.localizedDescription)")
    }
    let stream = DescriptorStream(descriptor: output.fileHandleForReading.fileDescriptor, name: "docker save \(name)")
    return ArchiveStream(stream: stream, name: "docker save \(name)", source: "docker-daemon:\(name)") {
      () throws(ImageSourceError) in
      save.waitUntilExit()
      guard save.terminationStatus == 0 else {
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw ImageSourceError("docker-daemon:\(name): docker save failed: \(text)")
      }
    }
  }

  static func run(_ arguments: [String]) throws(ImageSourceError) -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["docker"] + arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    do {
      try process.run()
    } catch {
      throw ImageSourceError("docker-daemon: the docker command line is not installed")
    }
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus == 127 {
      throw ImageSourceError("docker-daemon: the docker command line is not installed")
    }
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
  }
}
