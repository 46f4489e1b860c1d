import Foundation
import SystemCalls

/// An aligned plain-text table: a header row, columns padded to their widest cell,
/// numbers right-aligned. Styling (colour) is applied after padding so that escape
/// codes never upset the alignment.
public struct TextTable {
  public enum Alignment: Sendable { case left, right }

  /// How a column gives way when the table is too wide: `free` text (a subject) is
  /// cut first, then other left-aligned columns; a verdict (`keep`) is never cut,
  /// since a cut status reads as a different one.
  /// How a column gives way to a narrow terminal: `free` text first (its middle),
  /// then `cut` columns (their middle), then `list` columns ("a 36 MB, b 12 MB"),
  /// which drop whole items from the end so no figure is cut; `keep` never.
  public enum Fit: Sendable { case free, cut, list, keep }

  public struct Column {
    public var title: String
    public var alignment: Alignment
    public var fit: Fit
    /// When the table is still too wide once cut, the column leaves the row for a
    /// line under it, wrapped between words (a long status is then read whole, not
    /// cut): the rightmost such column first, then the next, until the rest fits.
    public var movesUnder: Bool

    public init(_ title: String, _ alignment: Alignment = .left, fit: Fit = .cut, movesUnder: Bool = false) {
      self.title = title
      self.alignment = alignment
      self.fit = fit
      self.movesUnder = movesUnder
    }
  }

  public var columns: [Column]
  public private(set) var rows: [[Cell]] = []
  /// Per row, the cells moved to the line under it (`Column.movesUnder`), in column order.
  private var under: [[Cell]] = []

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

  /// `width`: the line width to fit (`lineWidth`, from COLUMNS or the terminal).
  public func render(_ terminal: TerminalStyle = .plain, indent: String = "", width: Int? = TextTable.lineWidth)
    -> String
  {
    var widths = columns.map { displayWidth($0.title) }
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], displayWidth(cell.text))
      }
    }
    let rows = fitted(&widths, indent: indent, width: width)
    if let width, Self.total(widths, indent: indent) > width,
      let column = columns.indices.last(where: { columns[$0].movesUnder })
    {
      return movingUnder(column).render(terminal, indent: indent, width: width)
    }
    var lines: [String] = []
    let header = columns.enumerated().map { index, column in
      terminal.apply(.bold, pad(column.title, widths[index], column.alignment))
    }
    lines.append(indent + trimTrailing(header.joined(separator: "  ")))
    for (number, row) in rows.enumerated() {
      let cells = row.enumerated().map { index, cell in
        terminal.apply(cell.style, pad(cell.text, widths[index], columns[index].alignment))
      }
      lines.append(indent + trimTrailing(cells.joined(separator: "  ")))
      let moved = number < under.count ? under[number].filter { !$0.text.isEmpty } : []
      if let width, !moved.isEmpty {
        let line = indent + "  " + moved.map { terminal.apply($0.style, $0.text) }.joined(separator: " · ")
        lines += TextWrap.wrap(line, width: width)
      }
    }
    return lines.joined(separator: "\n")
  }

  static func total(_ widths: [Int], indent: String) -> Int {
    displayWidth(indent) + widths.reduce(0, +) + 2 * max(0, widths.count - 1)
  }

  /// The table without `column`, whose cells (whole, uncut) go to the line under their row.
  func movingUnder(_ column: Int) -> TextTable {
    var table = TextTable(columns.enumerated().filter { $0.offset != column }.map(\.element))
    table.rows = rows.map { row in row.enumerated().filter { $0.offset != column }.map(\.element) }
    table.under = rows.indices.map { index in
      (column < rows[index].count ? [rows[index][column]] : []) + (index < under.count ? under[index] : [])
    }
    return table
  }

  /// The rows cut to fit `lineWidth` (or `width`): free text gives up its middle
  /// first, then the widest other left-aligned column (paths, commands), each down to
  /// 12 columns; numbers and `keep` columns (verdicts) are never cut.
  func fitted(_ widths: inout [Int], indent: String, width: Int? = TextTable.lineWidth) -> [[Cell]] {
    guard let limit = width else { return rows }
    var rows = rows
    func total() -> Int { Self.total(widths, indent: indent) }
    func cuttable(_ fit: Fit) -> [Int] {
      widths.indices.filter { columns[$0].alignment == .left && columns[$0].fit == fit && widths[$0] > 12 }
    }
    while total() > limit {
      guard
        let widest = [Fit.free, .cut, .list].map(cuttable).first(where: { !$0.isEmpty })?
          .max(by: { widths[$0] < widths[$1] })
      else { break }
      widths[widest] = max(12, widths[widest] - (total() - limit))
      for row in rows.indices where widest < rows[row].count {
        let text = rows[row][widest].text
        rows[row][widest].text =
          columns[widest].fit == .list ? Self.shortenList(text, to: widths[widest]) : shorten(text, to: widths[widest])
      }
    }
    return rows
  }

  /// A comma-separated list cut to `width` by whole items, "…" standing for the rest
  /// (the first item is kept whole even when it alone is wider).
  static func shortenList(_ text: String, to width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    var kept: [Substring] = []
    for item in text.split(separator: ", ") {
      let candidate = (kept + [item]).joined(separator: ", ") + ", …"
      if !kept.isEmpty && displayWidth(candidate) > width { break }
      kept.append(item)
    }
    return kept.joined(separator: ", ") + ", …"
  }

  /// The width text output fits: `COLUMNS` when set, else the terminal's on standard
  /// output; nil (no limit) for a pipe or a file.
  public static let lineWidth: Int? = {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 20 {
      return columns
    }
    return Descriptors.terminalWidth(1)
  }()

  /// The table as GitHub Markdown (pull-request bodies, job summaries): not cut to a width.
  public func markdown() -> String {
    func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
    var lines = ["| " + columns.map { cell($0.title) }.joined(separator: " | ") + " |"]
    lines.append("| " + columns.map { $0.alignment == .right ? "---:" : "---" }.joined(separator: " | ") + " |")
    for row in rows { lines.append("| " + row.map { cell($0.text) }.joined(separator: " | ") + " |") }
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
