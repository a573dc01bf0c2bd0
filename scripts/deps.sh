#!/usr/bin/env bash
# deps.sh installs the system tools Walros needs, only when they are missing.
#
#   scripts/deps.sh [ffmpeg] [postgres] [chromium] [cc] [node] [web]
#
#   ffmpeg    ffmpeg and ffprobe on PATH                    (Debian: ffmpeg)
#   postgres  initdb and pg_ctl, on PATH or under
#             /usr/lib/postgresql/*/bin                     (Debian: postgresql)
#   chromium  /usr/bin/chromium                             (Debian: chromium)
#   cc        a C compiler and libc headers, which
#             `go test -race` needs                         (Debian: gcc libc6-dev)
#   node      node and npm on PATH, then e2e/node_modules
#             from e2e/package-lock.json (`npm ci`), for
#             the browser playback checks in e2e/           (Debian: nodejs npm)
#   web       node and npm on PATH, then web/node_modules
#             from web/package-lock.json, to build the
#             web client (scripts/web.sh)                   (Debian: nodejs npm)
#
# It is silent when everything is present. Otherwise it runs `apt-get update`
# once, installs the missing packages, and prints one line per installed
# component; on failure it prints apt's whole output. Not root: it uses sudo
# when there is one, and otherwise names the packages to install and exits 1.
# For node (web) it then runs `npm ci` in e2e/ (web/) when its node_modules is
# missing or was installed from another package-lock.json (as root or not: it
# writes only there).
set -euo pipefail

usage() {
	echo "usage: $0 [ffmpeg] [postgres] [chromium] [cc] [node] [web]" >&2
	exit 2
}

have_ffmpeg() { command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; }

# pg_bindir prints the directory holding initdb and pg_ctl: PATH first, then
# Debian's /usr/lib/postgresql/VERSION/bin (newest version), which is not on PATH.
pg_bindir() {
	local i p d
	if i=$(command -v initdb) && p=$(command -v pg_ctl) && [[ $(dirname "$i") == $(dirname "$p") ]]; then
		dirname "$i"
		return 0
	fi
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

have_postgres() { pg_bindir >/dev/null; }

have_chromium() { [[ -x /usr/bin/chromium ]]; }

# The race detector needs cgo, and cgo needs a compiler plus libc headers.
have_cc() { { command -v gcc >/dev/null || command -v cc >/dev/null; } && [[ -e /usr/include/stdio.h ]]; }

have_node() { command -v node >/dev/null && command -v npm >/dev/null; }

# e2e/ is the Node project of the browser checks, web/ the web client's. After
# each npm ci, node_modules/.walros-lock keeps the sha256 of the package-lock.json
# it installed: node_modules is current when the lock file still has that
# content. (Comparing modification times ran npm ci after any checkout that
# rewrote the lock file unchanged, such as a new git worktree, and missed a lock
# file older than node_modules.)
root_dir=$(cd "$(dirname "$0")/.." && pwd)
lock_sum() { sha256sum <"$1/package-lock.json" | cut -d' ' -f1; }
npm_current() { [[ -f $1/node_modules/.walros-lock && $(<"$1/node_modules/.walros-lock") == "$(lock_sum "$1")" ]]; }

# describe prints a short version string for a component just installed.
describe() {
	case $1 in
	ffmpeg) ffmpeg -hide_banner -version 2>/dev/null | head -n1 | cut -d' ' -f1-3 || true ;;
	postgres) "$(pg_bindir)/pg_ctl" --version 2>/dev/null || true ;;
	chromium) /usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium ;;
	cc) { gcc --version 2>/dev/null || cc --version 2>/dev/null; } | head -n1 || true ;;
	node) echo "node $(node --version 2>/dev/null), npm $(npm --version 2>/dev/null)" ;;
	esac
}

[[ $# -gt 0 ]] || usage

missing=() # components
pkgs=()    # Debian packages for them
npm_dirs=() # Node projects whose node_modules are wanted
for c in "$@"; do
	[[ " ${missing[*]} " != *" $c "* ]] || continue
	case $c in
	ffmpeg) have_ffmpeg || { missing+=(ffmpeg) && pkgs+=(ffmpeg); } ;;
	postgres | postgresql) have_postgres || { missing+=(postgres) && pkgs+=(postgresql); } ;;
	chromium) have_chromium || { missing+=(chromium) && pkgs+=(chromium); } ;;
	cc | gcc) have_cc || { missing+=(cc) && pkgs+=(gcc libc6-dev); } ;;
	node | npm)
		have_node || { missing+=(node) && pkgs+=(nodejs npm); }
		npm_dirs+=("$root_dir/e2e")
		;;
	web)
		have_node || [[ " ${missing[*]} " == *" node "* ]] || { missing+=(node) && pkgs+=(nodejs npm); }
		npm_dirs+=("$root_dir/web")
		;;
	-h | --help) usage ;;
	*)
		echo "deps: unknown component '$c'" >&2
		usage
		;;
	esac
done
log=''
trap '[[ -z $log ]] || rm -f "$log"' EXIT

# npm_ci installs each wanted DIR/node_modules exactly as DIR/package-lock.json pins it.
npm_ci() {
	local dir name
	for dir in "${npm_dirs[@]}"; do
		npm_current "$dir" && continue
		name=${dir##*/}
		if [[ ! -f $dir/package-lock.json ]]; then
			echo "deps: $dir/package-lock.json is missing" >&2
			exit 1
		fi
		[[ -n $log ]] || log=$(mktemp "${TMPDIR:-/tmp}/walros-deps.XXXXXX")
		echo "deps: installing $name/node_modules with npm ci"
		if ! (cd "$dir" && npm ci --no-audit --no-fund) >"$log" 2>&1; then
			echo "deps: npm ci in $dir failed; its output follows:" >&2
			cat "$log" >&2
			exit 1
		fi
		lock_sum "$dir" >"$dir/node_modules/.walros-lock"
		if (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
			echo "deps: warning: node $(node --version) is older than 20, which playwright-core, dashjs and vite require" >&2
		fi
		echo "deps: installed $name/node_modules ($(cd "$dir" && node -p 'const l = require("./package-lock.json").packages[""].dependencies; Object.entries(l).map(([k, v]) => k + " " + v).join(", ")'))"
	done
}

if [[ ${#missing[@]} -eq 0 ]]; then
	npm_ci
	exit 0
fi

manual() {
	echo "deps: missing ${missing[*]}; $1. As root, run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
	exit 1
}

command -v apt-get >/dev/null || manual "this is not a Debian/Ubuntu system (no apt-get)"

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null; then
		# Without a terminal sudo cannot ask for a password: fail fast instead of hanging.
		[[ -t 0 ]] || sudo=(-n)
		sudo=(sudo "${sudo[@]}")
	else
		manual "not root and no sudo"
	fi
fi

log=$(mktemp "${TMPDIR:-/tmp}/walros-deps.XXXXXX")

# apt runs as root under sudo; env carries the variable past sudo's env reset.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)

fail() {
	echo "deps: $1; apt-get output follows:" >&2
	cat "$log" >&2
	echo "deps: could not install ${pkgs[*]} (for ${missing[*]})" >&2
	exit 1
}

echo "deps: installing ${pkgs[*]} with apt-get (for ${missing[*]}); this can take a few minutes"
"${apt[@]}" update >"$log" 2>&1 || fail "apt-get update failed"
"${apt[@]}" install -y --no-install-recommends "${pkgs[@]}" >>"$log" 2>&1 || fail "apt-get install ${pkgs[*]} failed"

for c in "${missing[@]}"; do
	if ! "have_$c"; then
		fail "apt-get installed ${pkgs[*]}, but $c is still not found"
	fi
	echo "deps: installed $c ($(describe "$c"))"
done
npm_ci
