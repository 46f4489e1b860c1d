import Foundation
import TestSupport
import Testing

/// A symbolic link ships the file it points to: a forbid pattern that matches links
/// weighs their targets; matches that ship nothing warn instead of failing.
@Suite struct ForbidSymlinkTests {
  @Test func aLinkToAForbiddenBinaryShipsItsBytes() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\nforbid = [\"/usr/bin/gcc*\"]\n")
    try fixture.measure(
      bytes: 20_000,
      files: [
        .file("usr/bin/x86_64-linux-gnu-gcc-12", size: 9_000),
        .symlink("usr/bin/gcc-12", to: "x86_64-linux-gnu-gcc-12"),
        .symlink("usr/bin/gcc", to: "gcc-12"),
      ])
    let check = try fixture.run(["check"])
    #expect(check.status == 1, "\(check.stdout)")
    // Two links to one binary: its bytes counted once.
    #expect(check.stdout.contains("2 files (9 kB uncompressed) match forbidden \"/usr/bin/gcc*\""), "\(check.stdout)")
    #expect(check.stdout.contains("/usr/bin/gcc → /usr/bin/x86_64-linux-gnu-gcc-12 9 kB"), "\(check.stdout)")
  }

  @Test func matchesThatShipNoBytesWarnAndValidateSaysSo() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\nforbid = [\"/usr/bin/gcc*\"]\n")
    try fixture.measure(bytes: 20_000, files: [.symlink("usr/bin/gcc", to: "/opt/elsewhere/gcc")])
    let check = try fixture.run(["check"])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(check.stdout.contains("within budget, warning: forbid"), "\(check.stdout)")
    #expect(check.stdout.contains("1 file matches forbidden \"/usr/bin/gcc*\" but ships no bytes"), "\(check.stdout)")
    let validate = try fixture.run(["validate"])
    #expect(validate.status == 0, "\(validate.stderr)")
    #expect(
      validate.stdout.contains("budgets.toml:3: forbid \"/usr/bin/gcc*\" matches only symbolic links"),
      "\(validate.stdout)")
  }
}
