#!/usr/bin/env bash
# test.sh is `make test`: it installs what the suite needs, builds the web
# client and runs its unit tests, runs the linters, then runs every Go test with the race detector against a throwaway
# PostgreSQL server, and ends with one PASS or FAIL line.
#
# Environment:
#   TEST_ARGS   extra `go test` arguments, e.g. TEST_ARGS='-run TestItems -v'
#   SKIP_LINT=1 skip the gofmt, go vet and staticcheck steps
#   CI          set by CI; the Go tests then fail, rather than skip, when
#               ffmpeg or PostgreSQL is missing
set -euo pipefail
cd "$(dirname "$0")/.."

pg_dir=''     # the running test cluster, for cleanup
child=''      # the running `go test` process group, for cleanup
step_name=''  # the step under way
timings=()    # "name milliseconds" of the steps that ran
t0=$EPOCHREALTIME

# ms prints the milliseconds elapsed since an $EPOCHREALTIME value.
ms() {
	local now=$EPOCHREALTIME
	echo $(((${now//[!0-9]/} - ${1//[!0-9]/}) / 1000))
}

# dur formats milliseconds for people: 850ms, 4.2s, 3m07s.
dur() {
	local ms=$1
	if ((ms < 1000)); then
		echo "${ms}ms"
	elif ((ms < 60000)); then
		printf '%d.%ds\n' $((ms / 1000)) $((ms % 1000 / 100))
	else
		printf '%dm%02ds\n' $((ms / 60000)) $((ms % 60000 / 1000))
	fi
}

# step runs one announced, timed step; a failure ends the script.
step() {
	step_name=$1
	shift
	echo "==> $step_name"
	local start=$EPOCHREALTIME rc=0
	"$@" || rc=$?
	timings+=("$step_name $(ms "$start")")
	if ((rc != 0)); then
		exit "$rc"
	fi
	step_name=''
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $child ]]; then
		kill -TERM -- "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if [[ -n $pg_dir ]]; then
		scripts/pg.sh stop "$pg_dir" || echo "warning: could not remove the test PostgreSQL in $pg_dir" >&2
	fi
	if ((${#timings[@]} > 0)); then
		echo "==> timings"
		local t
		for t in "${timings[@]}"; do
			printf '    %-16s %8s\n' "${t% *}" "$(dur "${t##* }")"
		done
	fi
	local total
	total=$(dur "$(ms "$t0")")
	if ((rc == 0)); then
		echo "==> PASS: all checks passed in $total"
	elif ((rc == 130 || rc == 143)); then
		echo "==> FAIL: interrupted during ${step_name:-make test} after $total" >&2
	else
		echo "==> FAIL: ${step_name:-make test} failed (exit $rc) after $total" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gofmt_check() {
	local files list
	# The go tool also ignores testdata and dot directories.
	files=$(find . \( -name node_modules -o -name testdata -o -name '.?*' \) -prune -o -name '*.go' -type f -print0 |
		xargs -0 -r gofmt -l) || return 1
	if [[ -n $files ]]; then
		echo "gofmt: these files are not formatted (run: make fmt):" >&2
		mapfile -t list <<<"$files"
		printf "    %s\n" "${list[@]}" >&2
		return 1
	fi
}

start_postgres() {
	pg_dir=$(mktemp -d /tmp/walros-pg.XXXXXX) || return 1
	local dsn
	dsn=$(scripts/pg.sh start "$pg_dir") || return 1
	export WALROS_TEST_POSTGRES=$dsn
	echo "    $dsn"
}

# go_test runs in its own process group, in the background, so that INT or
# TERM sent to this script alone still stops it, and the trap runs at once.
go_test() {
	local args=()
	read -r -a args <<<"${TEST_ARGS:-}"
	setsid go test -race -shuffle=on -timeout 15m "${args[@]}" ./... &
	child=$!
	local rc=0
	wait "$child" || rc=$?
	child=''
	return "$rc"
}

# cc: `go test -race` needs cgo, and cgo a C compiler.
# chromium and node (with e2e/node_modules): the browser playback checks in e2e/.
# web: web/node_modules, to build the web client that the binary embeds.
step deps bash scripts/deps.sh ffmpeg postgres cc chromium node web
# Before the Go steps: the binary embeds web/dist, and e2e/ drives the built client.
step web bash scripts/web.sh test
if [[ ${SKIP_LINT:-} != 1 ]]; then
	step gofmt gofmt_check
	step "go vet" go vet ./...
	step staticcheck go tool staticcheck ./...
fi
step postgres start_postgres
step "go test" go_test
