#!/usr/bin/env bash
# test-integrations.sh — the CI integrations checked by their ecosystems' own tools:
# actionlint and check-jsonschema (GitHub's action and workflow schemas, GitLab CI's)
# on action.yml, the release workflow and the GitLab template; every third-party
# action pinned by a full commit SHA; and the real pre-commit framework running
# .pre-commit-hooks.yaml as a pre-push hook: a push over budget refused, one within
# budget allowed. Needs the release binary (make dist) for pre-commit's PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
tmp=$(mktemp -d /tmp/sizebudget-integrations.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log() { printf '[integrations] %s\n' "$*" >&2; }

log "check-jsonschema: action.yml, workflows, GitLab template"
check-jsonschema --builtin-schema vendor.github-actions action.yml
check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
check-jsonschema --builtin-schema vendor.gitlab-ci ci/gitlab/sizebudget.gitlab-ci.yml

log "actionlint: the workflows, and a workflow using this action (its inputs checked against action.yml)"
actionlint .github/workflows/*.yml
mkdir -p "$tmp/uses/.github/workflows"
cp action.yml "$tmp/uses/"
cat >"$tmp/uses/.github/workflows/size.yml" <<'YAML'
name: size
on: [pull_request]
jobs:
  size:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
      - run: docker build -t api . && docker save api -o api.tar
      - id: size
        uses: ./
        with:
          image: api
          source: docker-archive:api.tar
      - if: always()
        run: echo "${{ steps.size.outputs.status }} ${{ steps.size.outputs.report }}"
YAML
(cd "$tmp/uses" && git init -q && actionlint)

log "every third-party action is pinned by a full commit SHA"
if grep -nE '^\s*-?\s*uses:\s*[^.][^@]*@' .github/workflows/*.yml action.yml | grep -vE '@[0-9a-f]{40} # v[0-9]'; then
  echo "an action above is not pinned by a full commit SHA with a version comment" >&2; exit 1
fi

log "pre-commit: the manifest, then real pushes through pre-commit's pre-push hook"
pre-commit validate-manifest .pre-commit-hooks.yaml
# pre-commit clones the hook repository at a commit: a snapshot of this tree (the
# working tree, so an uncommitted hook file is what is tested).
git clone -q --no-hardlinks "$repo" "$tmp/hookrepo"
cp .pre-commit-hooks.yaml "$tmp/hookrepo/"
cp scripts/pre-commit-pre-push.sh "$tmp/hookrepo/scripts/"
git -C "$tmp/hookrepo" add -A
git -C "$tmp/hookrepo" -c user.email=ci@example.com -c user.name=ci commit -q -m snapshot --allow-empty
rev=$(git -C "$tmp/hookrepo" rev-parse HEAD)
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export PATH="$repo/.build/release:$PATH"
git init -q --bare "$tmp/remote.git"
git init -q -b main "$tmp/work"
cd "$tmp/work"
git config user.email ci@example.com && git config user.name ci
git remote add origin "$tmp/remote.git"
fixture=${SIZEBUDGET_FIXTURES_WORK:-/tmp/sizebudget-fixtures}/out/api-after.docker.tar
printf '[image.api]\nsource = "docker-archive:%s"\nmax = "200 MB"\n' "$fixture" >budgets.toml
printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks: [{id: sizebudget}]\n' "$tmp/hookrepo" "$rev" >.pre-commit-config.yaml
git add -A && git commit -q -m "budgets"
pre-commit install --hook-type pre-push >/dev/null
sizebudget measure --image api >/dev/null
git push -u origin main >"$tmp/push.log" 2>&1 || { cat "$tmp/push.log"; echo "pre-commit refused a push within budget" >&2; exit 1; }
grep -q "pushed commit checked" "$tmp/push.log" || { cat "$tmp/push.log"; echo "the hook did not check the push" >&2; exit 1; }
sed -i 's/200 MB/20 MB/' budgets.toml
git commit -q -am "tighter"
sizebudget measure --image api >/dev/null
if git push origin main >"$tmp/push.log" 2>&1; then cat "$tmp/push.log"; echo "pre-commit let a push over budget through" >&2; exit 1; fi
grep -q "push refused" "$tmp/push.log" || { cat "$tmp/push.log"; echo "no refusal from sizebudget" >&2; exit 1; }
log "pre-commit: within budget allowed, over budget refused"
