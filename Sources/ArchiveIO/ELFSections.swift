/// What `strip` would take out of an ELF file: its symbol tables and debugging
/// sections, read from the section headers at the file's end (the bytes before them
/// are skipped: seeked over in an uncompressed layer read without hashing).
///
/// Counted: sections that are not loaded at run time (no SHF_ALLOC) and hold program
/// data, symbols or strings (`.debug_*`, `.symtab`, `.strtab`), except the section-name
/// table itself. Those are what `strip --strip-all` removes.
public enum ELFSections {
  static let magic: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]
  /// Below this, a file counts as stripped.
  public static let minimum: Int64 = 4096

  public static func isELF(_ start: some Collection<UInt8>) -> Bool { Array(start.prefix(4)) == magic }

  /// Reads the rest of a file whose first bytes are `header` (at least 64 of them when
  /// the file is that long) from `rest`; returns the bytes a strip would save, or nil
  /// for a file that is not ELF, is malformed, or has nothing to strip.
  public static func strippableBytes(header: [UInt8], rest: ByteStream, size: Int64) throws -> Int64? {
    guard header.count >= 52, isELF(header) else { return nil }
    let is64 = header[4] == 2
    let little = header[5] == 1
    func read(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
      guard offset + width <= bytes.count else { return 0 }
      var value: UInt64 = 0
      for index in 0..<width {
        let byte = UInt64(bytes[offset + (little ? width - 1 - index : index)])
        value = value << 8 | byte
      }
      return value
    }
    // Every figure comes from the file: an offset past Int64, or a table past the
    // file's end, makes it malformed (nil), never an overflow.
    guard let sectionOffset = Int64(exactly: is64 ? read(header, 0x28, 8) : read(header, 0x20, 4)) else { return nil }
    let entrySize = Int(is64 ? read(header, 0x3A, 2) : read(header, 0x2E, 2))
    let count = Int(is64 ? read(header, 0x3C, 2) : read(header, 0x30, 2))
    let namesIndex = Int(is64 ? read(header, 0x3E, 2) : read(header, 0x32, 2))
    let tableSize = Int64(entrySize * count)  // both below 2^16
    guard sectionOffset >= Int64(header.count), count > 0, entrySize >= (is64 ? 64 : 40), tableSize <= 1 << 20,
      tableSize <= size, sectionOffset <= size - tableSize
    else { return nil }
    try rest.skip(sectionOffset - Int64(header.count))
    var table = [UInt8](repeating: 0, count: Int(tableSize))
    try table.withUnsafeMutableBytes { try rest.readExactly(into: $0) }
    var strippable: Int64 = 0
    for index in 0..<count where index != namesIndex {
      let base = index * entrySize
      let type = read(table, base + 4, 4)
      let flags = is64 ? read(table, base + 8, 8) : read(table, base + 8, 4)
      let allocated = flags & 0x2 != 0
      // PROGBITS (debug info), SYMTAB, STRTAB
      guard !allocated && (type == 1 || type == 2 || type == 3) else { continue }
      // A section larger than the file, or sections that add up past it, are lies.
      guard let sectionSize = Int64(exactly: is64 ? read(table, base + 32, 8) : read(table, base + 20, 4)),
        sectionSize <= size
      else { return nil }
      strippable += sectionSize
      guard strippable <= size else { return nil }
    }
    // A stripped file keeps a few non-loaded bytes (.comment, .gnu_debuglink): not
    // worth a finding.
    return strippable >= minimum ? strippable : nil
  }
}
