#ifndef SIZEBUDGET_CGIT2_STARTUP_H
#define SIZEBUDGET_CGIT2_STARTUP_H

#include <gssapi/gssapi.h>
#include <stddef.h>

/// git_libgit2_init(), then libgit2 set not to recompute each object's SHA-1 when it
/// reads it (strict hash verification, on by default): with SHA-1DC that was a tenth
/// of the pre-push hook. Objects reach a repository through git, which hashes them as
/// they arrive (index-pack) and in fsck; what is given up is noticing disk corruption
/// that zlib's checksum misses. (git_libgit2_opts is variadic: Swift cannot call it.)
/// Returns git_libgit2_init's result.
int sizebudget_libgit2_init(void);

/// Opens libgssapi_krb5 and resolves what libgit2 calls of it (gssapi.c), once: 0
/// when it could, otherwise -1 with the reason in `error`. The GSSAPI functions
/// libgit2 names are defined by gssapi.c and call this themselves; tests call it to
/// see the library found.
int sizebudget_gssapi_load(char *error, size_t capacity);

#endif
