import Model

extension WeeklyReport.Image {
  /// The layers the period's last image has and its first had not, largest first, in
  /// the trend's metric: with the paths, where the growth went.
  public func addedLayers(limit: Int = 3) -> [(bytes: Int64, estimated: Bool, createdBy: String?)] {
    guard let diff else { return [] }
    let compressed = trend.metric == "compressed"
    return diff.layers.filter { $0.kind == .added }
      .map {
        (
          bytes: compressed ? $0.compressedBytes : $0.uncompressedBytes,
          estimated: compressed && $0.compressedEstimated == true, createdBy: $0.createdBy
        )
      }
      .filter { $0.bytes > 0 }
      .sorted { $0.bytes > $1.bytes }.prefix(limit).map { $0 }
  }
}
