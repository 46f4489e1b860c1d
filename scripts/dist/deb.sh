#!/usr/bin/env bash
# deb.sh — dist/sizebudget_VERSION_amd64.deb from the release archive's tree (make
# dist first): the binary without the bundle's RPATH (Debian's own libraries are used),
# its Depends computed by dpkg-shlibdeps from the libraries it links, the man page,
# completions, README and copyright.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SizeBudgetKit/Version.swift)
tree="dist/sizebudget-$version-linux-x86_64"
[ -x "$tree/bin/sizebudget" ] || { echo "deb: run make dist first ($tree is missing)" >&2; exit 1; }
work=$(mktemp -d /tmp/sizebudget-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
pkg="$work/pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/sizebudget" \
  "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/zsh/vendor-completions" \
  "$pkg/usr/share/fish/vendor_completions.d"
install -m 755 "$tree/bin/sizebudget" "$pkg/usr/bin/sizebudget"
patchelf --remove-rpath "$pkg/usr/bin/sizebudget"
for page in "$tree"/share/man/man1/*.1; do gzip -n -9 -c "$page" >"$pkg/usr/share/man/man1/$(basename "$page").gz"; done
cp "$tree/share/bash-completion/completions/sizebudget" "$pkg/usr/share/bash-completion/completions/"
cp "$tree/share/zsh/site-functions/_sizebudget" "$pkg/usr/share/zsh/vendor-completions/"
cp "$tree/share/fish/vendor_completions.d/sizebudget.fish" "$pkg/usr/share/fish/vendor_completions.d/"
gzip -n -9 -c README.md >"$pkg/usr/share/doc/sizebudget/README.md.gz"
# The licence texts of what is linked in statically (Swift, ICU, libgit2, mbedTLS,
# http-parser, libssh2, PCRE2, SQLite, OpenSSL's libcrypto) travel with the binary, as their licences ask; the
# archive's set is taken whole (those of the Depends packages come twice, harmlessly).
cp -r "$tree/share/doc/sizebudget/licenses" "$pkg/usr/share/doc/sizebudget/"
# Statically linked: the Swift runtime and swift-argument-parser (Apache-2.0 with
# the Runtime Library Exception); the rest comes from the Depends packages.
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: sizebudget"
  echo
  echo "Files: *"
  echo "Copyright: the sizebudget authors"
  echo "License: Apache-2.0 WITH Swift-exception"
  echo " Statically linked: the Swift runtime and swift-argument-parser 1.8.2 (same licence),"
  echo " Foundation's ICU (the Unicode licence, as in Debian's libicu copyright file), and"
  echo " libgit2 with mbedTLS, http-parser, libssh2 and PCRE2, SQLite (public domain) and"
  echo " OpenSSL's libcrypto (Apache-2.0): their Debian packages' copyright files are in"
  echo " /usr/share/doc/sizebudget/licenses/."
  echo " On Debian systems the Apache 2.0 licence is in /usr/share/common-licenses/Apache-2.0."
} >"$pkg/usr/share/doc/sizebudget/copyright"

# dpkg-shlibdeps wants a debian/control beside the files it reads.
mkdir -p "$work/src/debian"
printf 'Source: sizebudget\n\nPackage: sizebudget\nArchitecture: amd64\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$pkg/usr/bin/sizebudget" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# libcurl, libpq and GSSAPI are opened on first use (dlopen), which dpkg-shlibdeps cannot see:
# their packages are named here, as the build machine has them.
scripts/dist/lazy-libs.sh >"$work/lazy"
while read -r soname path; do
  package=$({ dpkg -S "$(readlink -f "$path")" || true; } 2>/dev/null | awk -F: 'NR == 1 {print $1}')
  [ -n "$package" ] || { echo "deb: no Debian package owns $soname" >&2; exit 1; }
  depends="$depends, $package"
done <"$work/lazy"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: sizebudget
Version: $version
Architecture: amd64
Maintainer: sizebudget maintainers <sizebudget@example.com>
Depends: $depends
Recommends: git, ca-certificates
Section: devel
Priority: optional
Installed-Size: $(du -sk "$pkg/usr" | cut -f1)
Description: size budgets for container images, enforced in git
 Measures container images (docker-archive, OCI, registries), records each
 measurement against its git commit, and gates CI and git push on the budgets
 in budgets.toml.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$pkg" "dist/sizebudget_${version}_amd64.deb" >/dev/null
echo "dist/sizebudget_${version}_amd64.deb $(stat -c %s "dist/sizebudget_${version}_amd64.deb") bytes; Depends: $depends"
