// Libraries opened on first use rather than linked (CCurl, CLibPQ, CGit2Startup's
// GSSAPI): one way to open them and fill their tables of functions.
#include "CLazyLoad.h"
#include <dlfcn.h>
#include <stdio.h>

static void resolve(struct sb_lazy_library *library, const char *const *names, void **const *slots, size_t count) {
  void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    snprintf(library->failure, sizeof library->failure, "%s", dlerror());
    return;
  }
  for (size_t index = 0; index < count; index++) {
    *slots[index] = dlsym(handle, names[index]);
    if (*slots[index] == NULL) {
      snprintf(library->failure, sizeof library->failure, "%s has no %s (too old a version?)", library->soname,
        names[index]);
      return;
    }
  }
}

int sb_lazy_open(
  struct sb_lazy_library *library, const char *const *names, void **const *slots, size_t count, char *error,
  size_t capacity) {
  pthread_mutex_lock(&library->lock);
  if (!library->tried) {
    resolve(library, names, slots, count);
    library->tried = 1;
  }
  pthread_mutex_unlock(&library->lock);
  if (library->failure[0] == '\0') return 0;
  if (capacity > 0) snprintf(error, capacity, "%s", library->failure);
  return -1;
}
