/// An aligned plain-text table: a header row, columns padded to their widest cell,
/// numbers right-aligned. Styling (colour) is applied after padding so that escape
/// codes never upset the alignment.
public struct TextTable {
  public enum Alignment: Sendable { case left, right }

  public struct Column {
    public var title: String
    public var alignment: Alignment

    public init(_ title: String, _ alignment: Alignment = .left) {
      self.title = title
      self.alignment = alignment
    }
  }

  public var columns: [Column]
  public private(set) var rows: [[Cell]] = []

  public struct Cell {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
      self.text = text
      self.style = style
    }
  }

  public init(_ columns: [Column]) { self.columns = columns }

  public mutating func add(_ cells: [Cell]) { rows.append(cells) }

  public mutating func add(_ texts: [String]) { rows.append(texts.map { Cell($0) }) }

  public func render(_ terminal: TerminalStyle = .plain, indent: String = "") -> String {
    var widths = columns.map { displayWidth($0.title) }
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], displayWidth(cell.text))
      }
    }
    var lines: [String] = []
    let header = columns.enumerated().map { index, column in
      terminal.apply(.bold, pad(column.title, widths[index], column.alignment))
    }
    lines.append(indent + trimTrailing(header.joined(separator: "  ")))
    for row in rows {
      let cells = row.enumerated().map { index, cell in
        terminal.apply(cell.style, pad(cell.text, widths[index], columns[index].alignment))
      }
      lines.append(indent + trimTrailing(cells.joined(separator: "  ")))
    }
    return lines.joined(separator: "\n")
  }

  private func pad(_ text: String, _ width: Int, _ alignment: Alignment) -> String {
    let padding = String(repeating: " ", count: max(0, width - displayWidth(text)))
    return alignment == .left ? text + padding : padding + text
  }

  private func trimTrailing(_ line: String) -> String {
    var line = line
    while line.hasSuffix(" ") { line.removeLast() }
    return line
  }
}

/// Columns a string takes in a terminal: one per character (wide scripts aside).
public func displayWidth(_ text: String) -> Int { text.count }
