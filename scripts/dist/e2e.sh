#!/bin/sh
# e2e.sh SIZEBUDGET IMAGE_TAR — run inside a clean Debian root (only git and
# ca-certificates added) by test-dist.sh: the release archive's or the .deb's
# sizebudget, used as a team would, on a real image. POSIX sh: the root has no bash
# guarantees. Any failed step stops with its output.
set -eu
sb=$1; image=$2
say() { printf '[e2e] %s\n' "$*"; }
fail() { printf '[e2e] FAILED: %s\n' "$*" >&2; exit 1; }
export HOME=/root GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
# sizebudget is not on PATH: the hook must find it anyway (it records its own path).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
[ "$sb" = /usr/bin/sizebudget ] || ! command -v sizebudget >/dev/null || fail "sizebudget should not be on PATH"

say "--version"
"$sb" --version | tee /tmp/version
grep -q '^libgit2 .*SQLite .*libcurl .*libpq ' /tmp/version || fail "--version names no libraries"
# libcurl and libpq are opened on first use: --version opens both.
if grep -q 'not loaded' /tmp/version; then fail "--version: a library could not be loaded"; fi

say "ldd finds every library"
ldd "$sb" >/tmp/ldd
if grep -q 'not found' /tmp/ldd; then cat /tmp/ldd; fail "ldd: a library is not found"; fi

rm -rf /tmp/e2e && mkdir -p /tmp/e2e && cd /tmp/e2e
git init -q --bare -b main remote.git
git init -q -b main work && cd work
git remote add origin ../remote.git
cat >budgets.toml <<TOML
[image.api]
source = "docker-archive:$image"
max = "200 MB"
forbid = ["/usr/lib/gcc/**"]
TOML
git add budgets.toml && git commit -q -m "budgets"

say "validate"
"$sb" validate | tee /tmp/out
grep -q api /tmp/out || fail "validate does not list the api budget"

say "measure"
"$sb" measure --image api | tee /tmp/out
say "check (within budget)"
"$sb" check || fail "check should pass at 200 MB"

say "hook install, push within budget allowed"
"$sb" hook install
grep -q "installed='$sb'" .git/hooks/pre-push || [ "$sb" = /usr/bin/sizebudget ] || fail "hook does not record $sb"
git push -q -u origin main 2>/tmp/push || { cat /tmp/push; fail "a push within budget was refused"; }
cat /tmp/push
grep -q "pushed commit checked" /tmp/push || fail "the hook did not check the push"

say "push over budget refused"
sed -i 's/max = "200 MB"/max = "20 MB"/' budgets.toml
git commit -q -am "tighter budget"
"$sb" measure --image api >/dev/null
if "$sb" check >/tmp/out; then fail "check should fail at 20 MB"; fi
if git push -q origin main 2>/tmp/push; then cat /tmp/push; fail "a push over budget went through"; fi
grep -q "push refused" /tmp/push || { cat /tmp/push; fail "no refusal message"; }
say "refused: $(grep 'push refused' /tmp/push)"
git push -q --no-verify origin main

say "sync through the bare remote"
"$sb" sync | tee /tmp/out
cd /tmp/e2e && git clone -q remote.git other && cd other
"$sb" sync --no-push | tee /tmp/out
"$sb" log --image api | tee /tmp/out
[ "$(grep -c 'MB' /tmp/out)" -ge 2 ] || fail "the clone does not see both measurements after sync"
say "all passed"
