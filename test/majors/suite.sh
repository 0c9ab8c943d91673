#!/bin/bash
# test/majors/suite.sh PG_CONFIG [LOGDIR]: the pg_regress and pgTAP suites
# against another PostgreSQL major, e.g. one built by scripts/pg-build:
#
#     test/majors/suite.sh "$(scripts/pg-build 18 | tail -1)"
#
# The server's prefix is copied into a private work directory (the cache is
# never written to, so several trees can run at once), salesperf is built
# from a copy of this tree with -Wall -Wextra -Werror against it and
# installed into the copy, and a throwaway cluster runs on a Unix socket as
# the server user.  Prints TAP: the build, each pg_regress test, each pgTAP
# file, each check of test/majors/parallel.sh (parallel plans), of
# test/shell/upgrade.sh and dump_restore.sh and of test/client/test_psycopg2.py
# (run unchanged against this cluster), and whether any backend crashed.
# Full logs (and regression.diffs) go to LOGDIR (default:
# test/results/majors-<major>/).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] && [ -x "$1" ] || { echo "usage: $0 PG_CONFIG [LOGDIR]" >&2; exit 2; }
src_prefix=$(cd "$(dirname "$1")/.." && pwd)
major=$("$1" --version | sed -n 's/^PostgreSQL \([0-9]*\).*/\1/p')
logdir=${2:-$root/test/results/majors-$major}
mkdir -p "$logdir"

n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

work=$(mktemp -d /tmp/salesperf-majors.XXXXXX)
chmod 755 "$work"
runas=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$work"
	runas=(runuser -u postgres --)
fi
pgdir=$work/pg
bin=$pgdir/bin
cleanup() {
	[ -f "$work/data/postmaster.pid" ] &&
		(cd / && "${runas[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1)
	rm -rf "$work"
}
trap cleanup EXIT

# A private copy of the server (the binaries find their files relative to
# their own location)
cp -a "$src_prefix" "$pgdir" || { echo "Bail out! cannot copy $src_prefix"; exit 1; }
export PG_CONFIG=$bin/pg_config PATH=$bin:$PATH

tree=$work/tree
mkdir -p "$tree/test"
cp -r "$root/Makefile" "$root"/*.control "$root/src" "$root/sql" "$root/expected" "$root/upgrade" "$tree/" &&
	cp -r "$root/test/pgtap" "$root/test/data" "$tree/test/" && chmod -R a+rX "$tree"
(make -C "$tree" -s clean && make -C "$tree" -s && make -C "$tree" -s install) >"$logdir/build.log" 2>&1
ok $? "build and install with -Wall -Wextra -Werror against $("$PG_CONFIG" --version)"

(cd "$work" && "${runas[@]}" "$bin/initdb" -D "$work/data" -U postgres -A trust --no-sync -E UTF8 --locale=C) \
	>"$logdir/initdb.log" 2>&1 || { echo "Bail out! initdb failed"; cat "$logdir/initdb.log"; exit 1; }
cat >>"$work/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$work'
port = 5432
fsync = off
max_worker_processes = 16
max_parallel_workers = 8
work_mem = 64MB
shared_buffers = 512MB
log_min_messages = warning
CONF
(cd "$work" && "${runas[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w start) >/dev/null ||
	{ echo "Bail out! server did not start"; cat "$work/server.log"; exit 1; }
export PGHOST=$work PGPORT=5432 PGUSER=postgres PGDATABASE=postgres

# pg_regress (16 and later print TAP; each test is one line)
make -C "$tree" -s installcheck >"$logdir/regress.log" 2>&1
status=$?
[ -f "$tree/regression.diffs" ] && cp "$tree/regression.diffs" "$logdir/"
while read -r line; do
	case $line in
	"ok "*) ok 0 "pg_regress: ${line#ok [0-9]* - }" ;;
	"not ok "*) ok 1 "pg_regress: ${line#not ok [0-9]* - }" ;;
	esac
done < <(grep -E '^(not )?ok [0-9]+' "$logdir/regress.log")
grep -qE '^(not )?ok [0-9]+' "$logdir/regress.log" || ok 1 "pg_regress ran (status $status)"

# pgTAP, as scripts/test runs it
psql -q -X -c 'CREATE DATABASE salesperf_tap' >/dev/null &&
	psql -q -X -d salesperf_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION salesperf' >/dev/null
ok $? "pgTAP $(psql -X -At -d salesperf_tap -c "SELECT extversion FROM pg_extension WHERE extname = 'pgtap'" 2>/dev/null) and salesperf installed"
for t in "$tree"/test/pgtap/*.sql; do
	name=$(basename "$t")
	(cd "$tree" && pg_prove -v -d salesperf_tap "test/pgtap/$name") >"$logdir/pgtap-${name%.sql}.log" 2>&1
	st=$?
	p=$(grep -cE '^[[:space:]]*ok [0-9]+' "$logdir/pgtap-${name%.sql}.log")
	f=$(grep -cE '^[[:space:]]*not ok [0-9]+' "$logdir/pgtap-${name%.sql}.log")
	ok $(( st != 0 || f != 0 )) "pgTAP $name: $p passed, $f failed"
done

# relay LABEL LOG STATUS: a TAP script's results, one line each, labelled
relay() {
	local line
	while read -r line; do
		case $line in
		"ok "*) ok 0 "$1: ${line#ok [0-9]* - }" ;;
		"not ok "*) ok 1 "$1: ${line#not ok [0-9]* - }" ;;
		esac
	done < <(grep -E '^(not )?ok [0-9]+' "$2")
	grep -q '^1\.\.' "$2" || ok 1 "$1 ran to the end (status $3)"
	[ "$3" -eq 0 ] || grep -qE '^not ok [0-9]+' "$2" || ok 1 "$1 exited with status $3"
}

# Grouped aggregates of every family in parallel plans (issue 15)
"$root/test/majors/parallel.sh" >"$logdir/parallel.log" 2>&1
relay parallel "$logdir/parallel.log" $?

# The suite's own upgrade, dump/restore and client tests, run as they are
# against this cluster (PGHOST, and this major's pg_dump, pg_restore and psql
# first in PATH)
for t in upgrade dump_restore; do
	bash "$root/test/shell/$t.sh" >"$logdir/$t.log" 2>&1
	relay "$t.sh" "$logdir/$t.log" $?
done
python3 "$root/test/client/test_psycopg2.py" >"$logdir/test_psycopg2.log" 2>&1
relay test_psycopg2.py "$logdir/test_psycopg2.log" $?

# No backend may have crashed
if grep -E 'terminated by signal|server process .* was terminated|PANIC' "$work/server.log" >"$logdir/crashes.log"; then
	ok 1 "no backend crashed (see $logdir/crashes.log)"
else
	ok 0 "no backend crashed"
fi
cp "$work/server.log" "$logdir/server.log"
echo "1..$n"
[ $failed -eq 0 ]
