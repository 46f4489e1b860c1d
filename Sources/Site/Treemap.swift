import Budgets

/// A zoomable treemap: one view per node that has children, its children laid out
/// by the squarified algorithm over the whole area, so every tile's area is its share
/// of the node's bytes. The root view shows with scripts off; site.js switches views
/// on click or keyboard and keeps the breadcrumb.
enum Treemap {
  static let width = 960.0
  static let height = 480.0

  struct Tile {
    var node: TreeNode
    var x, y, w, h: Double
  }

  static func render(_ root: TreeNode, id: String, caption: String) -> String {
    var views: [String] = []
    var counter = 0
    func visit(_ node: TreeNode, nodeID: String, parent: String?) {
      var tiles: [String] = []
      for tile in layout(node.children, x: 0, y: 0, w: width, h: height) {
        var childID: String? = nil
        if !tile.node.children.isEmpty {
          counter += 1
          childID = "\(id)-\(counter)"
          visit(tile.node, nodeID: childID!, parent: nodeID)
        }
        tiles.append(self.tile(tile, childID: childID))
      }
      let display = parent == nil ? "" : " display=\"none\""
      views.insert(
        "<g class=\"tm-view\" id=\"\(nodeID)\" data-label=\"\(HTML.escape(node.label))\" data-bytes=\"\(node.bytes)\""
          + (parent.map { " data-parent=\"\($0)\"" } ?? "") + "\(display)>\n" + tiles.joined(separator: "\n")
          + "\n</g>",
        at: 0)
    }
    visit(root, nodeID: "\(id)-0", parent: nil)
    return """
      <div class="breadcrumb" id="\(id)-crumbs" aria-label="Treemap position"><span>\(HTML.escape(root.label))</span></div>
      <div class="scroll"><svg class="treemap" id="\(id)" viewBox="0 0 \(Int(width)) \(Int(height))" role="group" data-total="\(root.bytes)" aria-label="\(HTML.escape(caption))">
      \(views.joined(separator: "\n"))
      </svg></div>
      """
  }

  static func tile(_ tile: Tile, childID: String?) -> String {
    let node = tile.node
    let category = node.category.hasPrefix("layer-") ? node.category : "cat-\(node.category)"
    let title =
      "\(node.detail)\n\(HTML.exact(node.bytes)) bytes (\(ByteSize.format(node.bytes)))"
      + (childID == nil ? "" : "\nclick or Enter to zoom in")
    var out =
      "<rect class=\"\(category)\" tabindex=\"0\" x=\"\(HTML.number(tile.x))\" y=\"\(HTML.number(tile.y))\" "
      + "width=\"\(HTML.number(tile.w))\" height=\"\(HTML.number(tile.h))\" data-bytes=\"\(node.bytes)\" "
      + "data-label=\"\(HTML.escape(node.label))\"" + (childID.map { " data-child=\"\($0)\"" } ?? "")
      + " aria-label=\"\(HTML.escape(node.label)): \(ByteSize.format(node.bytes))\">"
      + "<title>\(HTML.escape(title))</title></rect>"
    if tile.w > 54 && tile.h > 16 {
      let characters = Int((tile.w - 8) / 6.5)
      let label =
        node.label.count > characters ? String(node.label.prefix(Swift.max(characters - 1, 1))) + "…" : node.label
      out += "<text x=\"\(HTML.number(tile.x + 4))\" y=\"\(HTML.number(tile.y + 13))\">\(HTML.escape(label))"
      if tile.h > 32 {
        out += "<tspan x=\"\(HTML.number(tile.x + 4))\" dy=\"14\">\(ByteSize.format(node.bytes))</tspan>"
      }
      out += "</text>"
    }
    return out
  }

  /// Squarified treemap (Bruls, Huizing, van Wijk): rows along the shorter side, each
  /// row kept while it improves the worst aspect ratio. Input largest first.
  static func layout(_ nodes: [TreeNode], x: Double, y: Double, w: Double, h: Double) -> [Tile] {
    let total = Double(nodes.map(\.bytes).reduce(0, +))
    guard total > 0, w > 0, h > 0 else { return [] }
    let scale = w * h / total
    var tiles: [Tile] = []
    var rest = nodes[...]
    var (x, y, w, h) = (x, y, w, h)
    while !rest.isEmpty {
      let side = min(w, h)
      var row: [TreeNode] = []
      var rowArea = 0.0
      func worst(_ items: [TreeNode], _ area: Double) -> Double {
        let areas = items.map { Double($0.bytes) * scale }
        let largest = areas.max()!
        let smallest = areas.min()!
        return max(side * side * largest / (area * area), area * area / (side * side * smallest))
      }
      while let next = rest.first {
        let area = Double(next.bytes) * scale
        if !row.isEmpty && worst(row + [next], rowArea + area) > worst(row, rowArea) { break }
        row.append(next)
        rowArea += area
        rest = rest.dropFirst()
      }
      // The last row takes exactly what is left, so rounding never leaves a gap.
      if rest.isEmpty { rowArea = w * h }
      let thickness = rowArea / side
      var offset = 0.0
      let rowTotal = Double(row.map(\.bytes).reduce(0, +))
      for node in row {
        let length = Double(node.bytes) / rowTotal * side
        if w >= h {
          tiles.append(Tile(node: node, x: x, y: y + offset, w: thickness, h: length))
        } else {
          tiles.append(Tile(node: node, x: x + offset, y: y, w: length, h: thickness))
        }
        offset += length
      }
      if w >= h {
        x += thickness
        w -= thickness
      } else {
        y += thickness
        h -= thickness
      }
    }
    return tiles
  }
}
