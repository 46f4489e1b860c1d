/// The signals that mean "stop": Ctrl-C, a CI runner's SIGTERM, a closed terminal.
public enum StopSignals {
  public static let all: [Int32] = [SIGINT, SIGTERM, SIGHUP]
}
