import Foundation
import ImageSource
import TestSupport
import Testing

@testable import Dockerfile

/// Layers to Dockerfile lines: on the real fixture images (built by buildah from the
/// Dockerfiles of ../shared/fixtures/make-fixture-images.sh, quoted here verbatim),
/// and on the history forms BuildKit writes.
@Suite struct LayerMapTests {
  static let before = """
    FROM localhost/fixture/python:3.11-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc
    RUN python3 -m venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    WORKDIR /srv
    COPY requirements.txt requirements-dev.txt ./
    ARG PIP_NO_INDEX
    ARG PIP_FIND_LINKS
    ARG PIP_TRUSTED_HOST
    RUN pip install -r requirements-dev.txt
    COPY . .
    RUN python -m pytest -q --cov=app tests && (black --check app tests; python -m compileall -q app tests; true)
    EXPOSE 8000
    CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    """

  static let after = """
    FROM localhost/fixture/python:3.11-slim AS build
    # same two instructions as Dockerfile.before -> reused from the layer cache
    RUN apt-get update && apt-get install -y --no-install-recommends gcc
    RUN python3 -m venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    COPY requirements.txt /tmp/
    ARG PIP_NO_INDEX
    ARG PIP_FIND_LINKS
    ARG PIP_TRUSTED_HOST
    RUN pip install --no-cache-dir -r /tmp/requirements.txt \\
     && find /opt/venv -name __pycache__ -prune -exec rm -rf {} +

    FROM localhost/fixture/python:3.11-slim
    ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
    COPY --from=build /opt/venv /opt/venv
    WORKDIR /srv
    COPY app/ app/
    USER 65534
    EXPOSE 8000
    CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    """

  func fixtureLayers(_ name: String) throws -> [(index: Int, createdBy: String?)] {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let image = try OCILayout.openDirectory(Fixtures.path("api-\(name).oci"), tag: nil, platform: nil)
    return image.description.layers.map { ($0.index, $0.createdBy) }
  }

  func lines(_ text: String, _ layers: [(index: Int, createdBy: String?)], target: String? = nil) throws -> [Int: Int] {
    let file = try DockerfileParser.parse(text)
    let stage = try #require(file.stage(target: target))
    return LayerMap.map(layers: layers, stage: stage, in: file).mapValues(\.line)
  }

  @Test func singleStageFixtureMapsEveryOwnLayerToItsLine() throws {
    let layers = try fixtureLayers("before")
    #expect(layers.count == 8)
    // Layers 0 and 1 are the base image's: unmatched, not guessed.
    #expect(try lines(Self.before, layers) == [2: 2, 3: 3, 4: 6, 5: 10, 6: 11, 7: 12])
  }

  @Test func multiStageFixtureMapsTheFinalStageOnly() throws {
    let layers = try fixtureLayers("after")
    #expect(layers.count == 4)
    #expect(try lines(Self.after, layers) == [2: 15, 3: 17])
    // Against the build stage nothing in this image matches: nothing is claimed.
    #expect(try lines(Self.after, layers, target: "build") == [:])
  }

  @Test func anEditedDockerfileLeavesTheChangedLayerUnmatched() throws {
    let edited = Self.before.replacingOccurrences(of: "pip install -r requirements-dev.txt", with: "pip install .")
    #expect(try lines(edited, try fixtureLayers("before")) == [2: 2, 3: 3, 4: 6, 6: 11, 7: 12])
  }

  @Test func buildKitHistoryForms() throws {
    let dockerfile = """
      ARG APP=/srv/app
      FROM python:3.12-slim
      ARG APP
      ENV HOME=/home/app
      WORKDIR $APP
      RUN --mount=type=cache,target=/root/.cache/pip \\
          pip install uv
      COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /uvx /bin/
      COPY --chown=app pyproject.toml ${APP}/
      RUN <<EOF
      uv sync --frozen
      rm -rf $HOME/.cache
      EOF
      ADD https://example.com/model.bin /models/
      """
    let layers: [(index: Int, createdBy: String?)] = [
      (0, "# debian.sh --arch 'amd64' out/ 'bookworm' '@1733097600'"),
      (1, "RUN /bin/sh -c set -eux; apt-get update # buildkit"),
      (2, "WORKDIR /srv/app"),
      (3, "RUN /bin/sh -c pip install uv # buildkit"),
      (4, "COPY /uv /uvx /bin/ # buildkit"),
      (5, "COPY pyproject.toml /srv/app/ # buildkit"),
      // BuildKit runs a heredoc's body itself: `/bin/sh -c BODY`, the body's lines as written.
      (6, "RUN |1 APP=/srv/app /bin/sh -c uv sync --frozen\nrm -rf $HOME/.cache\n # buildkit"),
      (7, "ADD https://example.com/model.bin /models/ # buildkit"),
    ]
    #expect(try lines(dockerfile, layers) == [2: 5, 3: 6, 4: 8, 5: 9, 6: 10, 7: 14])
  }

  /// The heredoc forms builders really record: BuildKit's body run by the shell (or a
  /// `#!` script run from /dev/pipes), buildah's first line and trimmed body, and a
  /// heredoc fed to a command, recorded as written by both.
  @Test func heredocRunsMatchTheirLineInEveryBuildersForm() throws {
    let dockerfile = """
      FROM debian:bookworm-slim
      RUN <<EOF
      apt-get update
      apt-get install -y curl
      EOF
      RUN <<-'SCRIPT'
      \t#!/usr/bin/env python3
      \tprint("hi")
      \tSCRIPT
      RUN python3 <<EOF
      print("fed")
      EOF
      """
    let buildKit: [(index: Int, createdBy: String?)] = [
      (0, "# debian.sh --arch 'amd64' out/ 'bookworm' '@1733097600'"),
      (1, "RUN /bin/sh -c apt-get update\napt-get install -y curl\n # buildkit"),
      (2, "RUN /bin/sh -c /dev/pipes/SCRIPT # buildkit"),
      (3, "RUN /bin/sh -c python3 <<EOF\nprint(\"fed\")\nEOF # buildkit"),
    ]
    #expect(try lines(dockerfile, buildKit) == [1: 2, 2: 6, 3: 10])
    let buildah: [(index: Int, createdBy: String?)] = [
      (0, "/bin/sh -c #(nop) ADD file:0123 in / "),
      (1, "/bin/sh -c <<EOF\napt-get update\napt-get install -y curl"),
      (2, "/bin/sh -c <<-'SCRIPT'\n#!/usr/bin/env python3\nprint(\"hi\")"),
      (3, "/bin/sh -c python3 <<EOF\nprint(\"fed\")"),
    ]
    #expect(try lines(dockerfile, buildah) == [1: 2, 2: 6, 3: 10])
    // Another body is another command: not matched, the other layers still are.
    var edited = buildKit
    edited[1].createdBy = "RUN /bin/sh -c apt-get update\n # buildkit"
    #expect(try lines(dockerfile, edited) == [2: 6, 3: 10])
  }

  @Test func createdByForms() {
    #expect(
      LayerMap.made("/bin/sh -c #(nop) COPY dir:e90e… in /opt/venv ")
        == .copy(keyword: "COPY", destination: "/opt/venv"))
    #expect(LayerMap.made("/bin/sh -c #(nop) ENV A=1") == nil)
    #expect(LayerMap.made("|1 A=1 /bin/sh -c make") == .run("|1 A=1 /bin/sh -c make"))
    #expect(LayerMap.made("COPY --link a b /dst/ # buildkit") == .copy(keyword: "COPY", destination: "/dst/"))
  }
}
