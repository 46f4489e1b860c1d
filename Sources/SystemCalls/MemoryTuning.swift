/// Peak memory that follows what is live (issue 16).
public enum MemoryTuning {
  /// Two settings of glibc's allocator, made before any thread starts; each is left as
  /// the user set it when its environment variable (`MALLOC_MMAP_THRESHOLD_`,
  /// `MALLOC_ARENA_MAX`) is there.
  ///
  /// * A block of the mmap threshold or more gets a mapping of its own, returned to the
  ///   system when freed. By default that threshold rises to the largest such block
  ///   freed (up to 32 MiB), so once a layer's buffers or a growing table have been
  ///   freed, later blocks of that size come from the heap, whose middle is never given
  ///   back. Fixed at 1 MiB (small blocks, such as a stream's 256 KiB chunks, stay in
  ///   the heap): `measure` of a 4.4 GB, 9-layer image peaked at 74 MB, 54 MB with it.
  /// * Each thread that allocates gets an arena of its own, up to eight per processor,
  ///   and an arena keeps what its thread freed for that thread alone. On the big image
  ///   of issue 16, `measure` ran eleven threads over ten arenas, which held 25 MB for
  ///   12 MB of live blocks. With one arena per processor it peaked at 49 MB instead of
  ///   54-57 MB, and was no slower (5.37 s against 5.78 s, six runs each).
  ///
  /// `processors`: as the measurer counts them for its threads (Foundation's
  /// `activeProcessorCount`).
  public static func configureAllocator(processors: Int) {
    #if canImport(Glibc)
      if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = glibcMallopt(glibcMmapThreshold, 1 << 20) }
      if getenv("MALLOC_ARENA_MAX") == nil { _ = glibcMallopt(glibcArenaMax, Int32(clamping: max(2, processors))) }
    #endif
  }
}

#if canImport(Glibc)
  // <malloc.h> is not in the Glibc module: its one function and constants, declared here.
  @_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
  /// M_MMAP_THRESHOLD of <malloc.h>.
  private let glibcMmapThreshold: Int32 = -3
  /// M_ARENA_MAX of <malloc.h>.
  private let glibcArenaMax: Int32 = -8
#endif
