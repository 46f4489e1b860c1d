// libgit2 at start-up: its options, and the certificates it does not load.
#include "CGit2Startup.h"
#include <git2.h>

int sizebudget_libgit2_init(void) {
  int result = git_libgit2_init();
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  return result;
}

// Debian's libgit2 is built with mbedTLS, and git_libgit2_init() parses the whole CA
// bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates of base64) on every
// start: about 4 ms, more than everything else the pre-push hook does. sizebudget
// reads local history only through libgit2 (notes travel through git itself,
// Sharing/GitTransport.swift), so the link wraps (--wrap, Package.swift) the two
// mbedTLS entry points that load certificates: they load nothing and report
// success. A command that one day fetches through libgit2 must call mbedTLS's own
// (__real_mbedtls_x509_crt_parse_file) instead.
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path) {
  (void)chain;
  (void)path;
  return 0;
}

int __wrap_mbedtls_x509_crt_parse_path(void *chain, const char *path) {
  (void)chain;
  (void)path;
  return 0;
}
