#ifndef SIZEBUDGET_CGIT2_STARTUP_H
#define SIZEBUDGET_CGIT2_STARTUP_H

/// git_libgit2_init(), then libgit2 set to read objects as git itself does: without
/// recomputing each object's SHA-1 on every read (libgit2's strict hash verification,
/// on by default; git checks hashes in fsck, not on reads). With SHA-1DC, that was a
/// tenth of the pre-push hook. (git_libgit2_opts is variadic: Swift cannot call it.)
/// Returns git_libgit2_init's result.
int sizebudget_libgit2_init(void);

#endif
