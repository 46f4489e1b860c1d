public enum SizeBudgetVersion {
  /// The tool's version, recorded with every measurement.
  public static let current = "0.1.0"
}
