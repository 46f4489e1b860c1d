#ifndef SIZEBUDGET_CGIT2_STARTUP_H
#define SIZEBUDGET_CGIT2_STARTUP_H

/// Lets the next git_libgit2_init() load the system's CA certificates, for commands
/// that reach a remote over HTTPS through libgit2. Call before the first repository
/// is opened. See startup.c for why this is off by default.
void sizebudget_libgit2_enable_tls(void);

#endif
