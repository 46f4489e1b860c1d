// Libraries opened on first use rather than linked (CCurl, CLibPQ): one way to open
// them and fill their tables of functions.
#include "CLazyLoad.h"
#include <dlfcn.h>
#include <stdio.h>

int sb_lazy_load(
  const char *library, const char *const *names, void **const *slots, size_t count, char *failure, size_t capacity) {
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    snprintf(failure, capacity, "%s", dlerror());
    return -1;
  }
  for (size_t index = 0; index < count; index++) {
    *slots[index] = dlsym(handle, names[index]);
    if (*slots[index] == NULL) {
      snprintf(failure, capacity, "%s has no %s (too old a version?)", library, names[index]);
      return -1;
    }
  }
  return 0;
}
