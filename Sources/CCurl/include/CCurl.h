#ifndef SIZEBUDGET_CCURL_H
#define SIZEBUDGET_CCURL_H

// libcurl, loaded on first use (dlopen) rather than linked: it pulls in about thirty
// shared libraries (GnuTLS, Kerberos, LDAP, nghttp2…) whose loading and relocation
// was most of the pre-push hook's start-up, and only webhooks, mail, forges and
// registries need it. The types and constants are libcurl's own; every function is
// called through the sb_ wrappers below, so a direct call to curl_* fails to link.
#include <curl/curl.h>
#include <stddef.h>

/// Loads libcurl.so.4 and resolves the functions below, once per process; later calls
/// return the first call's result. 0 on success; otherwise -1, with the reason (the
/// dynamic loader's message) copied into `error`.
int sb_curl_load(char *error, size_t capacity);

// Each wrapper calls the libcurl function of the same name without the prefix; they
// must not be called before sb_curl_load has returned 0.
CURLcode sb_curl_global_init(long flags);
CURL *sb_curl_easy_init(void);
void sb_curl_easy_cleanup(CURL *curl);
CURLcode sb_curl_easy_perform(CURL *curl);
const char *sb_curl_easy_strerror(CURLcode code);
struct curl_slist *sb_curl_slist_append(struct curl_slist *list, const char *string);
void sb_curl_slist_free_all(struct curl_slist *list);
curl_version_info_data *sb_curl_version_info(CURLversion age);

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
// one typed wrapper per kind of argument.
CURLcode sb_curl_setopt_long(CURL *curl, CURLoption option, long value);
CURLcode sb_curl_setopt_string(CURL *curl, CURLoption option, const char *value);
CURLcode sb_curl_setopt_pointer(CURL *curl, CURLoption option, void *value);
CURLcode sb_curl_setopt_list(CURL *curl, CURLoption option, struct curl_slist *value);
typedef size_t (*sb_curl_data_callback)(char *data, size_t size, size_t count, void *context);
CURLcode sb_curl_setopt_callback(CURL *curl, CURLoption option, sb_curl_data_callback callback);
CURLcode sb_curl_getinfo_long(CURL *curl, CURLINFO info, long *value);

// The multi interface, for a transfer the caller drives from its own thread
// (`DownloadStream`): curl_multi_poll waits at most `timeout` ms, for any of the
// handles' sockets. A write callback that returns CURL_WRITEFUNC_PAUSE stops the
// receiving until sb_curl_easy_unpause, which passes the same bytes again.
CURLcode sb_curl_easy_unpause(CURL *curl);
CURLM *sb_curl_multi_init(void);
void sb_curl_multi_cleanup(CURLM *multi);
CURLMcode sb_curl_multi_add_handle(CURLM *multi, CURL *curl);
CURLMcode sb_curl_multi_remove_handle(CURLM *multi, CURL *curl);
CURLMcode sb_curl_multi_perform(CURLM *multi, int *running);
CURLMcode sb_curl_multi_poll(CURLM *multi, int timeout);
const char *sb_curl_multi_strerror(CURLMcode code);
/// 1, with the transfer's result, when a handle of `multi` has finished; 0 otherwise.
/// (CURLMsg's result is in a union, which Swift reads poorly.)
int sb_curl_multi_result(CURLM *multi, CURLcode *result);

#endif
