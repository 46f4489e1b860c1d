#!/usr/bin/env bash
# dist.sh — the relocatable release archive, dist/sizebudget-VERSION-linux-x86_64.tar.gz
# and its .sha256: bin/sizebudget, the shared libraries it needs under lib/, shell
# completions, the man page, the README, licence texts and an SBOM (CycloneDX JSON).
#
# Why a bundle and not one static file: the Swift runtime, libgit2, SQLite and
# libcrypto are linked statically (--static-swift-stdlib; Package.swift), but libcurl's and libpq's static
# archives pull in GnuTLS, Kerberos, LDAP, SASL, nghttp2, libidn2, libpsl, brotli…
# with no pkg-config --static that links cleanly on Debian, and a static glibc cannot
# load NSS for user and host lookups. So every library the binary loads, except
# glibc's own (present on every glibc system and tied to its dynamic loader), is
# copied to lib/ and found through an RPATH of $ORIGIN/../lib, which also finds
# what the binary opens itself (libcurl and libpq, loaded on first use). It is
# DT_RPATH, not RUNPATH, on purpose: DT_RPATH also applies to the bundled libraries'
# own dependencies (libcurl → libssh2 → …), which RUNPATH would leave to the system. The
# list comes from ldd, so a library the build starts to link (ISA-L, say) is
# bundled, licensed and listed in the SBOM with no edit; one it starts to open on
# first use goes in lazy-libs.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Libraries never bundled: glibc and its dynamic loader (one line per library family).
system_libs='^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl)\.so'
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/SizeBudgetKit/Version.swift)
name="sizebudget-$version-linux-x86_64"
out=dist; stage="$out/$name"
binary=.build/release/sizebudget

swift build -c release --static-swift-stdlib --product sizebudget
rm -rf "$stage" "$out/$name.tar.gz" "$out/$name.tar.gz.sha256"
mkdir -p "$stage"/{bin,lib} "$stage/share/doc/sizebudget/licenses" "$stage/share/man/man1" \
  "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" \
  "$stage/share/fish/vendor_completions.d"
cp "$binary" "$stage/bin/sizebudget"
strip --strip-unneeded "$stage/bin/sizebudget"
patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$stage/bin/sizebudget"

# The Debian package of a file; with merged /usr, dpkg may know it under /lib or /usr/lib.
owner() {
  { dpkg -S "$1" || dpkg -S "${1#/usr}" || dpkg -S "/usr$1" || true; } 2>/dev/null | awk -F: 'NR == 1 {print $1}'
}

# C libraries linked in statically (Package.swift: CGit2Startup, Store, ArchiveIO):
# licensed and listed in the SBOM, not bundled.
static_archives="libgit2.a libmbedtls.a libmbedx509.a libmbedcrypto.a libhttp_parser.a libssh2.a libpcre2-8.a libsqlite3.a libcrypto.a"
archive_dir=$(pkg-config --variable=libdir libgit2)

# Every library the binary loads or opens on first use, with their dependencies.
scripts/dist/loaded-libs.sh "$binary" >"$stage/lib/.found"

# Libraries: each non-glibc one is bundled.
: >"$stage/lib/.list"
sort -u "$stage/lib/.found" | grep -Ev "$system_libs" |
  while read -r soname path; do
    cp -L "$path" "$stage/lib/$soname"
    chmod 644 "$stage/lib/$soname"
    strip --strip-unneeded "$stage/lib/$soname"
    real=$(readlink -f "$path")
    package=$(owner "$real")
    [ -n "$package" ] || { echo "dist: no Debian package owns $real" >&2; exit 1; }
    echo "$soname $package $(dpkg-query -W -f='${Version}' "$package")" >>"$stage/lib/.list"
  done
sort -o "$stage/lib/.list" "$stage/lib/.list"
rm "$stage/lib/.found"
# Static archives: "archive package version", for the licences and the SBOM.
: >"$stage/lib/.static"
for archive in $static_archives; do
  package=$(owner "$archive_dir/$archive")
  [ -n "$package" ] || { echo "dist: no Debian package owns $archive_dir/$archive" >&2; exit 1; }
  echo "$archive $package $(dpkg-query -W -f='${Version}' "$package")" >>"$stage/lib/.static"
done

# Licence texts: each bundled package's Debian copyright file, the Swift runtime's and
# swift-argument-parser's (both linked in statically).
licenses="$stage/share/doc/sizebudget/licenses"
for package in $(awk '{print $2}' "$stage/lib/.list" "$stage/lib/.static" | sort -u); do
  cp "/usr/share/doc/$package/copyright" "$licenses/$package.copyright"
done
swift_root=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
cp "$swift_root/share/swift/LICENSE.txt" "$licenses/swift-runtime.LICENSE.txt"
cp .build/checkouts/swift-argument-parser/LICENSE.txt "$licenses/swift-argument-parser.LICENSE.txt"
# Foundation links ICU's data and code in statically (lib_FoundationICU.a), and the
# toolchain ships no ICU licence: Debian's ICU copyright file carries the same terms.
icu_copyright=$(ls /usr/share/doc/libicu[0-9]*/copyright 2>/dev/null | head -n 1)
[ -n "$icu_copyright" ] || { echo "dist: no /usr/share/doc/libicu*/copyright for FoundationICU's licence (apt-get install -y libicu72)" >&2; exit 1; }
cp "$icu_copyright" "$licenses/swift-foundation-icu.copyright"
cp README.md "$stage/share/doc/sizebudget/README.md"
cp LICENSE "$stage/share/doc/sizebudget/LICENSE"

# Completions and the man page come from the binary's own command tree.
"$stage/bin/sizebudget" --generate-completion-script bash >"$stage/share/bash-completion/completions/sizebudget"
"$stage/bin/sizebudget" --generate-completion-script zsh >"$stage/share/zsh/site-functions/_sizebudget"
"$stage/bin/sizebudget" --generate-completion-script fish >"$stage/share/fish/vendor_completions.d/sizebudget.fish"
scripts/dist/manual.sh "$stage/share/man/man1"

python3 scripts/dist/sbom.py "$stage" "$version" >"$stage/share/doc/sizebudget/sbom.cdx.json"
rm "$stage/lib/.list" "$stage/lib/.static"

# Reproducible-ish: fixed owner and order, the commit's time as every file's time.
stamp=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" -C "$out" -cf - "$name" |
  gzip -n -9 >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
cp "$stage/share/doc/sizebudget/sbom.cdx.json" "$out/$name.sbom.cdx.json"
echo "$out/$name.tar.gz $(stat -c %s "$out/$name.tar.gz") bytes"
