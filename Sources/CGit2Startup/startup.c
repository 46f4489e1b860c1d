// Debian's libgit2 is built with mbedTLS, and git_libgit2_init() parses the whole CA
// bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates of base64) on every
// start: about 4 ms, more than everything else the pre-push hook does. sizebudget
// uses libgit2 for local history only, so these two mbedTLS entry points, which
// libgit2 calls through the dynamic linker, are defined here: unless TLS was asked
// for, they load nothing and report success; when it was, they forward to mbedTLS.
// (The executable's definitions take precedence over the shared library's.)
#define _GNU_SOURCE
#include "CGit2Startup.h"
#include <dlfcn.h>
#include <stddef.h>

static int tls_enabled = 0;

void sizebudget_libgit2_enable_tls(void) { tls_enabled = 1; }

typedef int (*parse_function)(void *chain, const char *path);

static int forward(const char *name, void *chain, const char *path) {
  parse_function real = (parse_function)dlsym(RTLD_NEXT, name);
  return real == NULL ? -1 : real(chain, path);
}

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
  return tls_enabled ? forward("mbedtls_x509_crt_parse_file", chain, path) : 0;
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path) {
  return tls_enabled ? forward("mbedtls_x509_crt_parse_path", chain, path) : 0;
}
