/// Which points of a long history the chart draws: per bucket of consecutive commits,
/// the smallest and the largest of each series, so no peak and no dip is ever lost;
/// the first, last and global extremes always. site.js does the same for a zoomed range.
public enum Decimation {
  /// Up to this many points are drawn as they are.
  public static let limit = 1000
  public static let buckets = 400

  public static func indices(primary: [Int64], secondary: [Int64]) -> [Int] {
    let count = primary.count
    guard count > limit else { return Array(0..<count) }
    var keep = Set<Int>([0, count - 1])
    for series in [primary, secondary] {
      keep.insert(series.indices.min { series[$0] < series[$1] }!)
      keep.insert(series.indices.max { series[$0] < series[$1] }!)
    }
    for bucket in 0..<buckets {
      let start = bucket * count / buckets
      let end = (bucket + 1) * count / buckets
      guard start < end else { continue }
      var low = start
      var high = start
      for index in start..<end {
        if primary[index] < primary[low] { low = index }
        if primary[index] > primary[high] { high = index }
      }
      keep.insert(low)
      keep.insert(high)
    }
    return keep.sorted()
  }
}
