#!/bin/sh
# make demo: check a release of the bundled example package, with no network and no setup.
# The package is copied to a temporary folder, given a git history and a release tag there, and the
# publishing workflow from assets/ is dropped in, so the repository itself is never touched.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pypi-ops-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
python=${PYTHON:-python3}
if [ -x "$here/.venv/bin/python" ]; then python="$here/.venv/bin/python"; fi

cp -R "$here/examples/demo-package" "$work/demo-package"
mkdir -p "$work/demo-package/.github/workflows"
cp "$here/assets/publish.yml" "$work/demo-package/.github/workflows/publish.yml"
cd "$work/demo-package"
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid GIT_CONFIG_GLOBAL=/dev/null
git init -q -b main
git remote add origin https://github.com/octo-org/pypi-ops-demo-package.git
git add -A
git commit -q -m "Release 0.3.0"
git tag -a v0.3.0 -m "v0.3.0"

echo "== publish-preflight --offline (a copy of examples/demo-package at tag v0.3.0)"
echo
status=0
# The human report goes to stderr (stdout has one tab-separated record per check): show the report.
"$python" "$here/scripts/publish-preflight.py" --offline . 2>&1 >/dev/null || status=$?
echo
echo "   exit status $status (0 ready, 7 index unknown, 10 not ready; the index was not asked: --offline)"
for extra in check-action-pins; do
  if [ -f "$here/scripts/$extra.py" ]; then
    echo
    echo "== $extra --offline .github/workflows/publish.yml"
    "$python" "$here/scripts/$extra.py" --offline .github/workflows/publish.yml >/dev/null || true
  fi
done
exit "$status"
