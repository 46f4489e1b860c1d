/// Which size a budget judges: the compressed layers (what a pull moves) or the
/// uncompressed filesystem (what the disk holds).
public enum Metric: String, Sendable, CaseIterable {
  case compressed, uncompressed
}
