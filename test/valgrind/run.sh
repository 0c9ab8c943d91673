#!/bin/bash
# test/valgrind/run.sh: the whole pg_regress suite against a server running
# under Valgrind memcheck, with salesperf built -O0 -g; prints TAP.
#
#   SP_PREFIX=/tmp/sbx-me test/valgrind/run.sh
#
# The extension is built in a private copy of the source tree (so the
# tree's own build products are left alone) and installed into the sandbox
# SP_PREFIX (scripts/dev-sandbox); without SP_PREFIX a throwaway sandbox is
# made, so nothing is ever installed into /usr.  The server runs the
# sandbox's binaries under
#   valgrind --trace-children=yes --track-origins=yes --read-var-info=no
#            --error-limit=no --num-callers=30
#            --suppressions=test/valgrind/postgresql.supp
# (the options PostgreSQL recommends), one log per process.  Then every log
# is scanned: an error whose stack, or the stack that created its
# uninitialised bytes, passes through salesperf code is a failure.  Leaks are
# not checked (PostgreSQL frees by memory context, not by pointer).
#
# Limits: Debian's server is not built with USE_VALGRIND, so palloc'd chunks
# inside one malloc'd block are not fenced: an overrun into the next chunk of
# the same block, or a read of a pfree'd chunk, is not seen.  Overruns past
# the block, use of uninitialised bytes and invalid frees are.
#
# TAP: one line per regression file that passes, one for the server running
# under memcheck, one "no memory errors in salesperf code".  Other
# (PostgreSQL-internal) reports left after suppression are summarised as
# "# ..." comments.  Logs are kept in $SP_VG_DIR (default
# test/results/valgrind/).  Takes long: about an hour on 2 busy cores for
# the whole suite (ratio_equivalence alone 25 min, sketch_accuracy 12 min); SP_VG_REGRESS="ratio_io sketch_io" runs only those
# files (each file runs alone).  SP_VG_PORT sets the port (default 5432; the
# socket is in a private directory, so it never clashes).
set -u
. "$(dirname "$0")/../../scripts/lib.sh"

here=$SP_ROOT/test/valgrind
out=${SP_VG_DIR:-$SP_ROOT/test/results/valgrind}
port=${SP_VG_PORT:-5432}
started=$SECONDS

sp_need_packages "${SP_BASE_PACKAGES[@]}" valgrind || sp_bail "missing packages"

sp_private_work vg || sp_bail "cannot make a work directory and sandbox"
work=$SP_WORK
runas=("${SP_RUNAS[@]}")
pgdata=$work/data
cleanup() {
	if [ -f "$pgdata/postmaster.pid" ]; then
		(cd / && "${runas[@]}" "$SP_PGBIN/pg_ctl" -D "$pgdata" -m immediate -w -t 120 stop >/dev/null 2>&1)
	fi
	# keep the logs even when interrupted
	[ -d "${out:-}" ] && cp "$work"/vg.*.log "$work/server.log" "$out/" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# Build -O0 -g in a copy of the tree (COPT comes after PostgreSQL's -O2)
src=$work/src
mkdir -p "$out"
rm -f "$out"/vg.*.log "$out"/regress.log "$out"/server.log "$out"/regression.diffs
if sp_build_variant "$src" COPT='-O0 -g3 -fno-omit-frame-pointer' >"$out/build.log" 2>&1; then
	sp_ok 0 "salesperf built -O0 -g and installed into $SP_PREFIX"
else
	sp_ok 1 "salesperf built -O0 -g and installed into $SP_PREFIX"
	cat "$out/build.log" | sed 's/^/# /'
	sp_bail "build failed"
fi

# A cluster like scripts/lib.sh's, but its postmaster runs under memcheck
# (slow processes under memcheck: no spurious timeouts)
sp_initdb "$work" "$port" "shared_buffers = 128MB" "log_min_messages = warning" \
	"log_connections = on" "log_line_prefix = '%m [%p] '" \
	"autovacuum_naptime = 10min" "wal_sender_timeout = 0" 2>"$out/initdb.log" ||
	sp_bail "initdb failed"
vg=(valgrind --quiet --trace-children=yes --track-origins=yes --read-var-info=no
	--error-limit=no --num-callers=30 --leak-check=no
	--suppressions="$work/postgresql.supp" --gen-suppressions=all
	--log-file="$work/vg.%p.log")
# (the server user may not read the tree: give it its own copy)
cp "$here/postgresql.supp" "$work/" || sp_bail "no $here/postgresql.supp"
(cd "$work" && exec "${runas[@]}" "${vg[@]}" "$SP_PGBIN/postgres" -D "$pgdata") >"$work/server.log" 2>&1 &
export PGHOST=$work PGPORT=$port PGUSER=postgres PGDATABASE=postgres
for _ in $(seq 300); do
	"$SP_PGBIN/pg_isready" -q && break
	sleep 1
done
"$SP_PGBIN/pg_isready" -q || { sed 's/^/# /' "$work/server.log"; sp_bail "server under valgrind did not start"; }
pmpid=$(head -1 "$pgdata/postmaster.pid")
exe=$(readlink "/proc/$pmpid/exe")
case $exe in *memcheck*) st=0 ;; *) st=1 ;; esac
sp_ok $st "postmaster (pid $pmpid) runs under memcheck ($exe)"

# The suite, as scripts/test runs it (valgrind is 20-50x slower)
t0=$SECONDS
make -C "$src" -s installcheck ${SP_VG_REGRESS:+REGRESS="$SP_VG_REGRESS"} >"$out/regress.log" 2>&1
regress_status=$?
regress_secs=$((SECONDS - t0))
[ -f "$src/regression.diffs" ] && cp "$src/regression.diffs" "$out/"
nfiles=0
while read -r name result; do
	nfiles=$((nfiles + 1))
	[ "$result" = ok ] && st=0 || st=1
	sp_ok $st "pg_regress $name under valgrind"
done < <(sed -nE 's/^(test|     ) *([A-Za-z0-9_]+) +\.\.\. +(ok|FAILED|failed \(ignored\)).*/\2 \3/p' "$out/regress.log")
[ $nfiles -gt 0 ] || { sp_ok 1 "pg_regress ran (exit $regress_status)"; sed 's/^/# /' "$out/regress.log"; }

# Stop cleanly so every process flushes its log
(cd / && "${runas[@]}" "$SP_PGBIN/pg_ctl" -D "$pgdata" -m fast -w -t 300 stop >/dev/null 2>&1)
cp "$work"/vg.*.log "$work/server.log" "$out/" 2>/dev/null

# Which regression file each backend served (pg_regress sets application_name)
declare -A test_of
while read -r pid app; do
	test_of[$pid]=${app#pg_regress/}
done < <(sed -nE 's/.*\[([0-9]+)\] LOG:  connection authorized: .*application_name=([^ ]+).*/\1 \2/p' "$out/server.log")

# Split each log into error blocks (a blank "==PID== " line ends one) and
# keep those that pass through salesperf: its .so, or its source files
# (with -g, valgrind names the file:line instead of the library)
files=$(cd "$SP_ROOT/src" && ls *.c | sed 's/\./\\./' | paste -sd'|')
pattern="salesperf\\.so|[( ]($files):[0-9]+\\)"
ours=$out/salesperf-errors.txt
: >"$ours"
total=0
declare -A kinds
for log in "$out"/vg.*.log; do
	[ -s "$log" ] || continue
	pid=${log##*/vg.}; pid=${pid%.log}
	PAT=$pattern WHO="pid $pid (${test_of[$pid]:-not a pg_regress backend})" awk '
		/^==[0-9]+== *$/ { if (blk != "") flush(); next }
		/^==[0-9]+== / { blk = blk $0 "\n"; next }
		/^\{/,/^\}/ { next }
		function flush() {
			if (blk ~ ENVIRON["PAT"]) printf "=== %s\n%s\n", ENVIRON["WHO"], blk
			blk = ""
		}
		END { if (blk != "") flush() }' "$log" >>"$ours"
	while read -r kind; do
		total=$((total + 1))
		kinds[$kind]=$(( ${kinds[$kind]:-0} + 1 ))
	done < <(grep -E '^==[0-9]+== [A-Z]' "$log" | grep -vE '^==[0-9]+== +(at|by|Address|Uninitialised|Block|HEAP|LEAK|ERROR SUMMARY|in use|total heap|All heap|For (counts|lists)|Use --|Rerun)' |
		sed -E 's/^==[0-9]+== //; s/ at 0x[0-9A-F]+//; s/\(0x[0-9a-f]+, 0x[0-9a-f]+, [0-9]+\)//; s/ of size [0-9]+//')
done
nours=$(grep -c '^=== ' "$ours")
sp_ok $((nours > 0)) "no memory errors in salesperf code ($nours reports through salesperf code, of $total left after suppressions)"
if [ "$nours" -gt 0 ]; then
	sed 's/^/# /' "$ours" | head -400
fi
echo "# valgrind logs: $(ls "$out"/vg.*.log 2>/dev/null | wc -l) processes, $(find "$out" -name 'vg.*.log' -size +0 | wc -l) with reports"
for k in "${!kinds[@]}"; do echo "# left after suppressions: ${kinds[$k]} x $k"; done | sort
echo "# pg_regress under valgrind: ${regress_secs}s; whole run: $((SECONDS - started))s"
echo "# logs: $out"
sp_tap_done
