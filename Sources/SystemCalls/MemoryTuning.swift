/// Peak memory that follows what is live (issue 16).
public enum MemoryTuning {
  /// glibc serves a block of its mmap threshold or more with a mapping of its own,
  /// returned to the system when freed; by default that threshold rises to the largest
  /// such block freed (up to 32 MiB), so once a layer's buffers or a growing table have
  /// been freed, later blocks of that size come from the heap, whose middle is never
  /// given back. Fixed at 1 MiB (small blocks, such as a stream's 256 KiB chunks, stay
  /// in the heap): `measure` of a 4.4 GB, 9-layer image peaked at 74 MB, 54 MB with it.
  public static func returnLargeBlocksToTheSystem() {
    #if canImport(Glibc)
      _ = glibcMallopt(glibcMmapThreshold, 1 << 20)
    #endif
  }
}

#if canImport(Glibc)
  // <malloc.h> is not in the Glibc module: its one function and constant, declared here.
  @_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
  /// M_MMAP_THRESHOLD of <malloc.h>.
  private let glibcMmapThreshold: Int32 = -3
#endif
