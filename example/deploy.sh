#!/usr/bin/env bash
# The deploy step of a CI job: build, then roll every group and fail the job unless the new code
# went live. `rolld restart --wait` streams each transition and exits 0 (live), 1 (rolled back:
# the old workers keep serving; reason and output printed), 4 (timeout: the rollout goes on in
# rolld), 3 (rolld not running), 2 (rolld.yml invalid now), 5 (no such group).
#
#   example/deploy.sh                      uses ./rolld.yml of the repository
#   ROLLD_CONFIG=/srv/app/rolld.yml DEPLOY_TIMEOUT=10m example/deploy.sh [GROUP...]
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)"
rolld="${ROLLD:-$root/scripts/rolld}"
config="${ROLLD_CONFIG:-$root/rolld.yml}"

echo "--- build"
python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$root/example/app.py"  # your build: mvn package, npm ci && npm run build, ...

echo "--- deploy"
rc=0
"$rolld" restart --wait --timeout "${DEPLOY_TIMEOUT:-5m}" -c "$config" "$@" || rc=$?
if ((rc != 0)); then
    echo "--- deploy FAILED (rolld restart exit $rc); what runs now:"
    "$rolld" status -c "$config" || true
fi
exit "$rc"
