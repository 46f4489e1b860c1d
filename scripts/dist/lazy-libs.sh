#!/usr/bin/env bash
# lazy-libs.sh — the libraries sizebudget opens on first use (dlopen: Sources/CCurl/curl.c,
# Sources/CLibPQ/libpq.c, and Kerberos's GSSAPI for libgit2 in
# Sources/CGit2Startup/gssapi.c), which ldd and dpkg-shlibdeps cannot see: one line each,
# "soname path", as this machine has them. dist.sh bundles them, deb.sh depends on
# their packages. (awk reads ldconfig's whole output: under pipefail, an early exit
# would break its pipe.)
set -euo pipefail
for soname in libcurl.so.4 libpq.so.5 libgssapi_krb5.so.2; do
  path=$(/sbin/ldconfig -p | awk -v name="$soname" '$1 == name && /x86-64/ && !found {print $NF; found = 1}')
  [ -n "$path" ] || { echo "$soname is not installed (scripts/install-deps.sh dist)" >&2; exit 1; }
  echo "$soname $path"
done
