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
  X(CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...))                           \
  X(CURLcode, curl_easy_pause, (CURL *, int))                                        \
  X(CURLM *, curl_multi_init, (void))                                                \
  X(CURLMcode, curl_multi_cleanup, (CURLM *))                                        \
  X(CURLMcode, curl_multi_add_handle, (CURLM *, CURL *))                             \
  X(CURLMcode, curl_multi_remove_handle, (CURLM *, CURL *))                          \
  X(CURLMcode, curl_multi_perform, (CURLM *, int *))                                 \
  X(CURLMcode, curl_multi_poll, (CURLM *, struct curl_waitfd *, unsigned, int, int *)) \
  X(CURLMsg *, curl_multi_info_read, (CURLM *, int *))                               \
  X(const char *, curl_multi_strerror, (CURLMcode))

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

CURLcode sb_curl_easy_unpause(CURL *curl) { return api.curl_easy_pause(curl, CURLPAUSE_CONT); }
CURLM *sb_curl_multi_init(void) { return api.curl_multi_init(); }
void sb_curl_multi_cleanup(CURLM *multi) { api.curl_multi_cleanup(multi); }
CURLMcode sb_curl_multi_add_handle(CURLM *multi, CURL *curl) { return api.curl_multi_add_handle(multi, curl); }
CURLMcode sb_curl_multi_remove_handle(CURLM *multi, CURL *curl) { return api.curl_multi_remove_handle(multi, curl); }
CURLMcode sb_curl_multi_perform(CURLM *multi, int *running) { return api.curl_multi_perform(multi, running); }
CURLMcode sb_curl_multi_poll(CURLM *multi, int timeout) { return api.curl_multi_poll(multi, NULL, 0, timeout, NULL); }
const char *sb_curl_multi_strerror(CURLMcode code) { return api.curl_multi_strerror(code); }

int sb_curl_multi_result(CURLM *multi, CURLcode *result) {
  int queued = 0;
  CURLMsg *message;
  while ((message = api.curl_multi_info_read(multi, &queued)) != NULL) {
    if (message->msg == CURLMSG_DONE) {
      *result = message->data.result;
      return 1;
    }
  }
  return 0;
}
