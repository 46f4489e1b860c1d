import Budgets

/// Human sizes for the command-line front end, which does not import Budgets itself.
public enum ByteSizeText {
  public static func format(_ bytes: Int64) -> String { ByteSize.format(bytes) }
}
