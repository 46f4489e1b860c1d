// The wrappers of CCurl.h: one table of libcurl's functions, filled by dlsym once.
// curl.h wraps curl_easy_setopt/getinfo in type-checking macros under gcc, which would
// also expand the calls through the table below.
#define CURL_DISABLE_TYPECHECK
#include "CCurl.h"
#include "CLazyLoad.h"

// libcurl's soname has been libcurl.so.4 since 2006 (7.16); Debian's package is libcurl4.
#define LIBRARY "libcurl.so.4"

// X(return type, name, parameters): the functions taken from the library.
#define FUNCTIONS(X)                                                                 \
  X(CURLcode, curl_global_init, (long))                                              \
  X(CURL *, curl_easy_init, (void))                                                  \
  X(void, curl_easy_cleanup, (CURL *))                                               \
  X(CURLcode, curl_easy_perform, (CURL *))                                           \
  X(const char *, curl_easy_strerror, (CURLcode))                                    \
  X(struct curl_slist *, curl_slist_append, (struct curl_slist *, const char *))     \
  X(void, curl_slist_free_all, (struct curl_slist *))                                \
  X(curl_version_info_data *, curl_version_info, (CURLversion))                      \
  X(CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...))                           \
  X(CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...))

#define FIELD(type, name, parameters) type(*name) parameters;
static struct {
  FUNCTIONS(FIELD)
} api;

static struct sb_lazy_library library = SB_LAZY_LIBRARY(LIBRARY);
#define NAME(type, name, parameters) #name,
#define SLOT(type, name, parameters) (void **)&api.name,
static const char *const names[] = {FUNCTIONS(NAME)};
static void **const slots[] = {FUNCTIONS(SLOT)};
_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "one slot per name");

int sb_curl_load(char *error, size_t capacity) {
  return sb_lazy_open(&library, names, slots, sizeof names / sizeof names[0], error, capacity);
}

CURLcode sb_curl_global_init(long flags) { return api.curl_global_init(flags); }
CURL *sb_curl_easy_init(void) { return api.curl_easy_init(); }
void sb_curl_easy_cleanup(CURL *curl) { api.curl_easy_cleanup(curl); }
CURLcode sb_curl_easy_perform(CURL *curl) { return api.curl_easy_perform(curl); }
const char *sb_curl_easy_strerror(CURLcode code) { return api.curl_easy_strerror(code); }
struct curl_slist *sb_curl_slist_append(struct curl_slist *list, const char *string) {
  return api.curl_slist_append(list, string);
}
void sb_curl_slist_free_all(struct curl_slist *list) { api.curl_slist_free_all(list); }
curl_version_info_data *sb_curl_version_info(CURLversion age) { return api.curl_version_info(age); }

CURLcode sb_curl_setopt_long(CURL *curl, CURLoption option, long value) {
  return api.curl_easy_setopt(curl, option, value);
}
CURLcode sb_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
  return api.curl_easy_setopt(curl, option, value);
}
CURLcode sb_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
  return api.curl_easy_setopt(curl, option, value);
}
CURLcode sb_curl_setopt_list(CURL *curl, CURLoption option, struct curl_slist *value) {
  return api.curl_easy_setopt(curl, option, value);
}
CURLcode sb_curl_setopt_callback(CURL *curl, CURLoption option, sb_curl_data_callback callback) {
  return api.curl_easy_setopt(curl, option, callback);
}
CURLcode sb_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
  return api.curl_easy_getinfo(curl, info, value);
}
