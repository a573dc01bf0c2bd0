#!/usr/bin/env bash
# web.sh builds Walros's own web client (web/) into web/dist, which `go build` embeds.
#
#   scripts/web.sh          install web/node_modules if needed (deps.sh web), then
#                           `npm run build` unless web/dist is newer than every source
#   scripts/web.sh test     the same, then the client's unit tests (vitest)
#
# The build type-checks, bundles and prints the gzipped size of the initial JavaScript;
# it fails when that passes the 250 KB budget. Quiet when the build is current.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh web
cd web

log=$(mktemp "${TMPDIR:-/tmp}/walros-web.XXXXXX")
# Vite empties dist/ first: put back the committed placeholder even when the build fails, so
# that go:embed still matches.
trap 'rm -f "$log"; mkdir -p dist && touch dist/.gitkeep' EXIT

# run runs an npm script with its output in $log, shown only when it fails.
run() {
	if ! NO_COLOR=1 FORCE_COLOR=0 npm run --silent "$@" >"$log" 2>&1; then
		echo "web: npm run $* failed; its output follows:" >&2
		grep -v 'Unknown user config' "$log" >&2 || true
		exit 1
	fi
}

stale() {
	[[ ! -f dist/index.html ]] && return 0
	[[ -n $(find src public index.html package.json package-lock.json vite.config.ts tsconfig.json scripts \
		-newer dist/index.html -print -quit) ]]
}

if stale; then
	start=$EPOCHREALTIME
	run build
	grep '^web client:' "$log" || true
	echo "web: built web/dist in $(((${EPOCHREALTIME//[!0-9]/} - ${start//[!0-9]/}) / 1000)) ms"
fi

if [[ ${1:-} == test ]]; then
	run test
	grep -E '^ *(Test Files|Tests) ' "$log" | sed 's/^ */web: /' || true
fi
