import TestSupport
import Testing

@testable import Dockerfile

/// Dockerfiles come from contributors' branches: the parser and the layer map must end
/// in a value or a DockerfileError on any text, never trap or hang. Mutations of a
/// Dockerfile that uses every construct they read (heredocs, continuations, quotes,
/// ARG expansion, stages, the escape directive), with a fixed seed so a failure repeats.
@Suite struct DockerfileMutationTests {
  static let seed = """
    # syntax=docker/dockerfile:1
    # escape=\\
    ARG BASE=python:3.11-slim
    FROM ${BASE} AS build
    ARG VERSION="1.0"
    RUN <<EOF
    set -e
    echo $((1<<4)) "<<not" '<<"x"'
    EOF
    RUN 2<<-'END-OF' cat > /x \\
      && echo done
    \tbody
    END-OF
    COPY --from=build <<E"O"F /app/file
    text
    EOF
    FROM build
    ADD app.tar /opt/${VERSION:-1}/
    RUN python -c "print(1<<3)" # buildkit
    """

  @Test func anyMutationEndsInAValueOrAnError() throws {
    #expect(try DockerfileParser.parse(Self.seed).stages.count == 2)
    var parsed = 0
    var random = SplitMix64(seed: 0x5EED_D0C)
    let pieces = [
      "<<", "<<-", "\"", "'", "\\", "\n", "$", "${", "}", ":-", " ", "\t", "FROM ", "RUN ", "AS ", "#", "EOF",
    ]
    let seed = Array(Self.seed)
    for _ in 0..<3000 {
      var text = seed
      for _ in 0..<(1 + Int(random.next() % 6)) {
        let at = Int(random.next() % UInt64(text.count + 1))
        switch random.next() % 3 {
        case 0: text.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: at)
        case 1: if at < text.count { text.removeSubrange(at..<min(text.count, at + Int(random.next() % 8))) }
        default: if at < text.count { text[at] = Character(UnicodeScalar(UInt8(random.next() % 128))) }
        }
      }
      let source = String(text)
      guard let file = try? DockerfileParser.parse(source) else { continue }
      parsed += 1
      for stage in file.stages {
        let layers = stage.instructions.indices.map {
          (index: $0, createdBy: Optional("RUN /bin/sh -c \(source.prefix(40)) # buildkit"))
        }
        _ = LayerMap.map(layers: layers, stage: stage, in: file)
      }
      _ = DockerfileParser.heredocs(in: source)
    }
    // Most mutations leave a Dockerfile, so the map is exercised too, not only refusals.
    #expect(parsed > 300, "\(parsed) of 3000 mutations parsed")
  }
}
