// Debian's libgit2 is built with mbedTLS, and git_libgit2_init() parses the whole CA
// bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates of base64) on every
// start: about 4 ms, more than everything else the pre-push hook does. sizebudget
// uses libgit2 for local history only, so the link wraps (--wrap, Package.swift) the
// two mbedTLS entry points that load certificates: unless TLS was asked for, they
// load nothing and report success; when it was, they call mbedTLS's own.
#include "CGit2Startup.h"

static int tls_enabled = 0;

void sizebudget_libgit2_enable_tls(void) { tls_enabled = 1; }

// The originals, as the linker names them under --wrap.
int __real_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __real_mbedtls_x509_crt_parse_path(void *chain, const char *path);

int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path) {
  return tls_enabled ? __real_mbedtls_x509_crt_parse_file(chain, path) : 0;
}

int __wrap_mbedtls_x509_crt_parse_path(void *chain, const char *path) {
  return tls_enabled ? __real_mbedtls_x509_crt_parse_path(chain, path) : 0;
}
