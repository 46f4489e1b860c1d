#ifndef SIZEBUDGET_CLAZYLOAD_H
#define SIZEBUDGET_CLAZYLOAD_H

#include <pthread.h>
#include <stddef.h>

/// A library opened on first use rather than linked (CCurl, CLibPQ, CGit2Startup's
/// GSSAPI), and what its one attempt to open it found.
struct sb_lazy_library {
  const char *soname;
  pthread_mutex_t lock;
  int tried;
  char failure[512];
};
#define SB_LAZY_LIBRARY(soname) {(soname), PTHREAD_MUTEX_INITIALIZER, 0, ""}

/// On the first call, opens `library->soname` (the binary's RPATH, LD_LIBRARY_PATH
/// and the system's cache are searched) and resolves `count` functions: `names[i]`
/// into `*slots[i]`; later calls return the first call's result. 0 when the library
/// and every function were found; otherwise -1, with the reason (the dynamic
/// loader's message, or the first function missing) copied into `error`. A library
/// missing a function stays open (closing libcurl or OpenSSL again is not safe) and
/// none of its functions is called. Thread-safe.
int sb_lazy_open(
  struct sb_lazy_library *library, const char *const *names, void **const *slots, size_t count, char *error,
  size_t capacity);

#endif
