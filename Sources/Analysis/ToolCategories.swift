import Model

/// Package managers and build toolchains that arrive as plain files (a `COPY --from`
/// of a binary, an installer script, a tarball) rather than as distribution packages,
/// so the package-based findings cannot see them: one category per tool, `tool-NAME`.
enum ToolCategories {
  static let prefix = "tool-"

  static let all: [FileCategories.Category] = [
    // uv's cache and its tool installs; not ~/.local/share/uv/python, which may be
    // the very Python the image runs.
    tool(
      "uv",
      [
        "**/bin/uv", "**/bin/uvx", "/uv", "/uvx", "**/site-packages/uv/", "**/.cache/uv/",
        "**/.local/share/uv/tools/",
      ]),
    tool("poetry", ["**/pypoetry/", "**/bin/poetry", "/opt/poetry/", "**/site-packages/poetry/"]),
    tool("pipx", ["**/.local/share/pipx/", "/opt/pipx/", "**/bin/pipx", "**/site-packages/pipx/"]),
    tool(
      "conda",
      [
        "**/bin/conda", "**/bin/mamba", "**/bin/micromamba", "**/condabin/", "/opt/conda/pkgs/",
        "**/site-packages/conda/", "**/site-packages/libmambapy/", "**/site-packages/conda_libmamba_solver/",
      ]),
    tool(
      "rust",
      [
        "**/.rustup/", "**/.cargo/registry/", "**/.cargo/git/", "**/.cargo/bin/", "/usr/local/rustup/",
        "/usr/local/cargo/",
      ]
    ),
    tool("go", ["/usr/local/go/", "**/go/pkg/mod/", "**/.cache/go-build/"]),
    // npm bundles its own node-gyp: that one is part of the runtime's npm.
    tool(
      "node-gyp", ["**/node_modules/node-gyp/", "**/.cache/node-gyp/", "**/.node-gyp/"],
      exclude: ["**/node_modules/npm/node_modules/**"]),
  ]

  static func tool(_ name: String, _ include: [String], exclude: [String] = []) -> FileCategories.Category {
    FileCategories.Category(id: prefix + name, include: include, exclude: exclude)
  }
}
