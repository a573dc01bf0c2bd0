#!/usr/bin/env bash
# pg.sh runs a throwaway PostgreSQL server for tests.
#
#   scripts/pg.sh start DIR   create a cluster in DIR (new or empty), start it on
#                             127.0.0.1 and a free port, create database
#                             walros_test, and print its DSN on stdout
#   scripts/pg.sh env DIR     print `export WALROS_TEST_POSTGRES='DSN'` for the
#                             running cluster in DIR (for eval)
#   scripts/pg.sh stop DIR    stop the cluster at once and remove DIR
#
# Example:
#   dir=$(mktemp -d /tmp/walros-pg.XXXXXX)
#   dsn=$(scripts/pg.sh start "$dir") && WALROS_TEST_POSTGRES=$dsn go test ./...
#   scripts/pg.sh stop "$dir"
#
# The cluster trusts every local connection, never syncs to disk and keeps its
# sockets in DIR: it is for tests only. As root, the server runs as the
# `postgres` user (postgres refuses to run as root), so DIR must be a place
# that user can reach: a mktemp -d under /tmp, not under /root.
set -euo pipefail

readonly marker=.walros-pg # marks DIR as ours, so that stop may delete it
readonly db=walros_test

die() {
	echo "pg: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start|env|stop DIR" >&2
	exit 2
}

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

is_root() { [[ $(id -u) -eq 0 ]]; }

# as_pg runs a command as the postgres user when we are root, from inside DIR
# so that it never starts in a directory that user cannot read.
as_pg() {
	if is_root; then
		(cd "$dir" && runuser -u postgres -- "$@")
	else
		(cd "$dir" && "$@")
	fi
}

# port_busy reports whether something accepts connections on 127.0.0.1:$1.
port_busy() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# show prints the log files of DIR to stderr.
show_logs() {
	local f
	for f in "$dir"/*.log; do
		[[ -s $f ]] || continue
		echo "--- $f" >&2
		cat "$f" >&2
	done
}

# server_pid prints the pid of DIR's postmaster if one is running.
server_pid() {
	local pid
	pid=$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		[[ $(cat "/proc/$pid/comm" 2>/dev/null || echo postgres) == postgres* ]] &&
		echo "$pid"
}

cmd_stop() {
	[[ -e $dir ]] || return 0 # already gone: stop is idempotent
	[[ -e $dir/$marker ]] || die "$dir was not made by '$0 start'; not touching it"
	local bin pid
	if [[ -f $dir/data/postmaster.pid ]]; then
		if bin=$(pg_bindir); then
			as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
		fi
		if pid=$(server_pid); then
			kill -KILL "$pid" 2>/dev/null || true
			sleep 0.2
		fi
	fi
	rm -rf "$dir"
}

# fail_start prints what went wrong, then removes the half-made cluster.
fail_start() {
	echo "pg: $*" >&2
	show_logs
	cmd_stop
	exit 1
}

cmd_start() {
	if [[ -e $dir && ! -d $dir ]]; then
		die "$dir is not a directory"
	fi
	if [[ -d $dir && -n $(ls -A "$dir") ]]; then
		die "$dir is not empty; give start a new or empty directory"
	fi
	[[ $dir != *[\'\ ]* ]] || die "$dir: no quotes or spaces, please"
	local bin
	bin=$(pg_bindir) || die "initdb/pg_ctl not found on PATH or under /usr/lib/postgresql/*/bin; run: scripts/deps.sh postgres"
	mkdir -p "$dir"
	: >"$dir/$marker"

	if is_root; then
		id -u postgres >/dev/null 2>&1 || fail_start "running as root needs a 'postgres' user to run the server (Debian's postgresql package creates it)"
		chown postgres: "$dir"
		chmod 700 "$dir"
		runuser -u postgres -- test -w "$dir" -a -x "$dir" ||
			fail_start "user postgres cannot reach $dir; use a directory from: mktemp -d /tmp/walros-pg.XXXXXX"
	fi

	# C.UTF-8 rather than C, so that lower() and ILIKE know non-ASCII letters;
	# it ships with glibc, unlike en_US.UTF-8, which a fresh machine lacks.
	local locale=C
	if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
		locale=C.UTF-8
	fi
	as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale="$locale" \
		>"$dir/initdb.log" 2>&1 || fail_start "initdb failed"

	cat >>"$dir/data/postgresql.conf" <<-EOF

		# scripts/pg.sh: a throwaway test server.
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir'
		max_connections = 200
		fsync = off
		synchronous_commit = off
		full_page_writes = off
	EOF

	# Pick a random free port; retry when another process takes it first.
	local port='' try
	for try in $(seq 1 20); do
		local p=$((20000 + RANDOM % 30000))
		port_busy "$p" && continue
		rm -f "$dir/server.log" # pg_ctl creates it as the server user
		if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $p" -w -t 60 start >"$dir/pg_ctl.log" 2>&1; then
			port=$p
			break
		fi
		grep -qiE 'could not bind|address already in use' "$dir/server.log" ||
			fail_start "pg_ctl start failed"
	done
	[[ -n $port ]] || fail_start "no free port found after $try tries"

	local createdb=$bin/createdb
	[[ -x $createdb ]] || createdb=$(command -v createdb) || fail_start "createdb not found"
	"$createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" >"$dir/createdb.log" 2>&1 ||
		fail_start "createdb $db failed"

	local dsn="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
	echo "$dsn" >"$dir/dsn"
	echo "$dsn"
}

cmd_env() {
	[[ -f $dir/dsn ]] || die "no cluster in $dir; run: $0 start $dir"
	server_pid >/dev/null || die "the cluster in $dir is not running"
	printf "export WALROS_TEST_POSTGRES='%s'\n" "$(cat "$dir/dsn")"
}

[[ $# -eq 2 && -n $2 ]] || usage
dir=$(realpath -m -- "$2")
case $1 in
start) cmd_start ;;
stop) cmd_stop ;;
env) cmd_env ;;
*) usage ;;
esac
