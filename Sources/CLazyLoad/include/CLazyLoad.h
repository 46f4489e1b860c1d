#ifndef SIZEBUDGET_CLAZYLOAD_H
#define SIZEBUDGET_CLAZYLOAD_H

#include <stddef.h>

/// Opens `library` (a soname: the binary's RPATH, LD_LIBRARY_PATH and the system's
/// cache are searched) and resolves `count` functions: `names[i]` into `*slots[i]`.
/// 0 on success; otherwise -1, with the reason (the dynamic loader's message, or the
/// first function missing) in `failure`; the library then stays open (closing
/// libcurl or OpenSSL again is not safe) and no function of it is called. Not
/// thread-safe: call it once, under pthread_once (CCurl, CLibPQ).
int sb_lazy_load(
  const char *library, const char *const *names, void **const *slots, size_t count, char *failure, size_t capacity);

#endif
