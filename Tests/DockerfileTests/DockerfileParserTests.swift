import Testing

@testable import Dockerfile

/// The parser on the Dockerfile reference's rules: continuation lines, comments
/// between them, heredocs, the escape directive, ARG expansion in FROM, stages.
@Suite struct DockerfileParserTests {
  @Test func continuationLinesJoinAsTheBuilderJoinsThem() throws {
    let file = try DockerfileParser.parse(
      """
      # syntax=docker/dockerfile:1
      FROM debian:bookworm-slim

      RUN apt-get update \\
       && apt-get install -y --no-install-recommends python3 \\
      # a comment between continuation lines is dropped

       && rm -rf /var/lib/apt/lists/*
      COPY --chown=app:app --from=build /opt/venv /opt/venv
      """)
    let stage = try #require(file.stages.first)
    #expect(stage.base == "debian:bookworm-slim")
    let run = stage.instructions[0]
    #expect(run.keyword == "RUN")
    #expect(run.line == 4)
    #expect(run.endLine == 8)
    #expect(
      run.arguments
        == "apt-get update  && apt-get install -y --no-install-recommends python3  && rm -rf /var/lib/apt/lists/*")
    let copy = stage.instructions[1]
    #expect(copy.line == 9)
    #expect(copy.flags == ["--chown=app:app", "--from=build"])
    #expect(copy.arguments == "/opt/venv /opt/venv")
  }

  @Test func heredocsBelongToTheirInstruction() throws {
    let file = try DockerfileParser.parse(
      """
      FROM alpine
      RUN <<EOF
      apk add --no-cache curl
      rm -rf /tmp/*
      EOF
      COPY <<-"CONF" /etc/app.conf
      \tkey = value
      \tCONF
      WORKDIR /srv
      """)
    let instructions = try #require(file.stages.first).instructions
    #expect(instructions.map(\.keyword) == ["RUN", "COPY", "WORKDIR"])
    #expect(instructions.map(\.line) == [2, 6, 9])
    #expect(instructions[0].endLine == 5)
    #expect(instructions[0].arguments == "<<EOF\napk add --no-cache curl\nrm -rf /tmp/*\nEOF")
    #expect(instructions[1].arguments.hasPrefix("<<-\"CONF\" /etc/app.conf\n"))
  }

  /// `<<` starts a heredoc where a shell word matches BuildKit's `^(\d*)<<(-?)([^<]*)$`,
  /// its terminator the rest of the word unquoted: `<<4` and `1<<4` are heredocs (as in
  /// BuildKit and bash); shifts in arithmetic and in quoted code are not.
  @Test func heredocsAreBuildKitsWords() throws {
    let file = try DockerfileParser.parse(
      """
      FROM python:3.12-slim
      RUN echo $((1<<4))
      RUN python -c "print(1<<3)" && python -c 'print(2 <<5)'
      RUN echo 1 <<4
      four
      4
      RUN cat <<<here
      COPY <<-"CONF" 2<<_EOF /etc/
      	key = value
      	CONF
      body
      _EOF
      WORKDIR /srv
      """)
    let instructions = try #require(file.stages.first).instructions
    #expect(instructions.map(\.keyword) == ["RUN", "RUN", "RUN", "RUN", "COPY", "WORKDIR"])
    #expect(instructions.map(\.line) == [2, 3, 4, 7, 8, 13])
    #expect(instructions[0].arguments == "echo $((1<<4))")
    #expect(instructions[1].arguments == "python -c \"print(1<<3)\" && python -c 'print(2 <<5)'")
    #expect(instructions[2].arguments == "echo 1 <<4\nfour\n4")
    #expect(instructions[2].endLine == 6)
    #expect(instructions[3].arguments == "cat <<<here")
    #expect(instructions[4].arguments.hasSuffix("\nbody\n_EOF"))
    #expect(DockerfileParser.heredocs(in: "echo $((1 << x))").map(\.word) == [])
    #expect(DockerfileParser.heredocs(in: "python3 - <<'PY' && cat <<EOF2").map(\.word) == ["PY", "EOF2"])
    #expect(
      DockerfileParser.heredocs(in: "sh <<END-OF-SCRIPT && cat <<EOF.sh && cat <<E\"O\"F").map(\.word) == [
        "END-OF-SCRIPT", "EOF.sh", "EOF",
      ])
    #expect(DockerfileParser.heredocs(in: "cat <<4 1<<4 2<<-'X Y'").map(\.word) == ["4", "4", "X Y"])
    #expect(DockerfileParser.heredocs(in: "echo $((1<<4)) print(1<<3) \"print(1<<3)\" <<<here <<").isEmpty)
  }

  /// As BuildKit reads them: CRLF line ends (continuations and heredocs included), a
  /// byte-order mark, and any Unicode space before a keyword or a comment.
  @Test func crlfFilesAndOtherSpacesReadAsBuildKitReadsThem() throws {
    let text =
      "\u{FEFF}# escape=\\\r\nFROM alpine AS base\r\nRUN apk add \\\r\n  curl\r\n\u{0C}\r\n"
      + "\u{0B}# a comment\r\n\u{A0}RUN <<EOF\r\necho hi\r\nEOF\r\n"
    let file = try DockerfileParser.parse(text)
    let stage = try #require(file.stages.first)
    #expect(stage.base == "alpine")
    #expect(stage.instructions.map(\.keyword) == ["RUN", "RUN"])
    #expect(stage.instructions.map(\.line) == [3, 7])
    #expect(stage.instructions[0].arguments == "apk add   curl")
    #expect(stage.instructions[1].arguments == "<<EOF\necho hi\nEOF")
  }

  @Test func anUnclosedHeredocIsAnErrorWithItsLine() {
    #expect(throws: DockerfileError(line: 2, message: "the heredoc <<EOF is not closed by a line \"EOF\"")) {
      try DockerfileParser.parse("FROM alpine\nRUN <<EOF\necho hi\n")
    }
  }

  @Test func theEscapeDirectiveSwitchesToABacktick() throws {
    let file = try DockerfileParser.parse("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  C:\\\\\n")
    #expect(file.stages[0].instructions[0].arguments == "dir   C:\\\\")
  }

  @Test func stagesArgumentsAndTargets() throws {
    let file = try DockerfileParser.parse(
      """
      ARG PY=3.12
      ARG VARIANT
      FROM python:${PY}-slim${VARIANT:+-}${VARIANT} AS Build
      RUN pip wheel .
      FROM python:$PY-slim
      COPY --from=build /wheels /wheels
      """)
    #expect(file.globalArguments == ["PY": "3.12", "VARIANT": ""])
    #expect(file.stages.map(\.name) == ["build", nil])
    #expect(file.stages.map(\.base) == ["python:3.12-slim", "python:3.12-slim"])
    #expect(file.stage(target: nil)?.index == 1)
    #expect(file.stage(target: "BUILD")?.index == 0)
    #expect(file.stage(target: "missing") == nil)
  }

  @Test func notADockerfile() {
    #expect(throws: DockerfileError(line: 1, message: "RUN before the first FROM (only ARG may come before FROM)")) {
      try DockerfileParser.parse("RUN true\n")
    }
    #expect(throws: DockerfileError(line: 1, message: "no FROM: this is not a Dockerfile")) {
      try DockerfileParser.parse("# nothing\n")
    }
  }
}
