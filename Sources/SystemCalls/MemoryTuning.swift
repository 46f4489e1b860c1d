/// Peak memory that follows what is live (issue 16).
public enum MemoryTuning {
  /// Two settings of glibc's allocator, made before any thread starts:
  ///
  /// * A block of the mmap threshold or more gets a mapping of its own, returned to the
  ///   system when freed. By default that threshold rises to the largest such block
  ///   freed (up to 32 MiB), so once a layer's buffers or a growing table have been
  ///   freed, later blocks of that size come from the heap, whose middle is never given
  ///   back. Fixed at 1 MiB (small blocks, such as a stream's 256 KiB chunks, stay in
  ///   the heap): `measure` of a 4.4 GB, 9-layer image peaked at 74 MB, 54 MB with it.
  /// * Each thread that allocates gets an arena of its own, up to eight per core, and an
  ///   arena keeps what its thread freed for that thread alone. `measure` of the big
  ///   image of issue 16 ran eleven threads over ten arenas, which held 25 MB for 12 MB
  ///   of live blocks. One arena per core (two at least): its peak went from 54–57 MB to
  ///   50 MB, and it was no slower (5.37 s against 5.78 s, six runs each).
  public static func configureAllocator() {
    #if canImport(Glibc)
      _ = glibcMallopt(glibcMmapThreshold, 1 << 20)
      _ = glibcMallopt(glibcArenaMax, Int32(clamping: max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
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
