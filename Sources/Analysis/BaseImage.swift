import ImageSource
import Model

/// Finding which layers are the base image's (`BaseImage`, in Model).
extension BaseImage {
  public static let nameAnnotation = "org.opencontainers.image.base.name"
  public static let digestAnnotation = "org.opencontainers.image.base.digest"

  /// From `org.opencontainers.image.base.name`/`.base.digest`, which buildah and ko
  /// set. The annotations name the base but do not count its layers: buildah's
  /// history does, where the first entry of the image's own build has the comment
  /// `FROM <base name>` (the base's entries before it are the base's). Without that
  /// entry the count is unknown and nothing is claimed. Names are compared and kept
  /// as Docker normalises them: `python:3.11-slim` in one place and
  /// `docker.io/library/python:3.11-slim` in the other are one base.
  public static func fromAnnotations(_ description: ImageDescription) -> BaseImage? {
    guard let annotated = description.annotations[nameAnnotation], !annotated.isEmpty else { return nil }
    let name = DockerReference.normalised(annotated)
    let history = description.config.history ?? []
    guard
      let start = history.lastIndex(where: { entry in
        entry.comment.map { $0.hasPrefix("FROM ") && DockerReference.normalised(String($0.dropFirst(5))) == name }
          ?? false
      })
    else { return nil }
    let layers = history[..<start].filter { $0.emptyLayer != true }.count
    guard layers <= description.layers.count else { return nil }
    return BaseImage(name: name, digest: description.annotations[digestAnnotation], layers: layers, how: "annotations")
  }

  /// From the base image itself (budgets.toml's `base_image`, read by manifest): the
  /// number of leading layers the two share by diff id (or blob digest). All of the
  /// base's layers must be there, else the image was not built from this base.
  public static func fromBase(_ base: ImageDescription, name: String, of layers: [LayerMeasurement]) -> BaseImage? {
    guard base.layers.count <= layers.count else { return nil }
    for (mine, theirs) in zip(layers, base.layers) {
      let same =
        (mine.diffID != nil && mine.diffID == theirs.diffID)
        || (mine.digest != nil && mine.digest == theirs.blobDigest)
      guard same else { return nil }
    }
    return BaseImage(name: name, digest: base.manifestDigest, layers: base.layers.count, how: "base_image")
  }
}
