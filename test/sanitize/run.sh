#!/bin/bash
# test/sanitize/run.sh: the whole pg_regress suite against a server whose
# salesperf is built with AddressSanitizer and UndefinedBehaviorSanitizer
# (scripts/lib.sh: sp_build_sanitized, here without ASan's stack red zones:
# PostgreSQL's errors leave by longjmp, past the runtime, which would then
# see stale stack poison where the uninstrumented server reuses the stack).
# Every backend that loads the library checks every memory access of
# salesperf's own code against ASan's shadow (heap red zones of memory
# the server allocates are not there: the runtime does not replace malloc)
# and stops on the first undefined behaviour: signed overflow, bad shifts,
# misaligned or null pointers, out-of-range float conversions.  A report
# ends the backend, so the regression file fails, and this script also
# fails on any report in the server log.  Two canaries, called from SQL,
# must each be caught first.  About a minute; prints TAP.
#   SP_PREFIX=/tmp/sbx-me test/sanitize/run.sh
set -u
. "$(dirname "$0")/../../scripts/lib.sh"

out=${SP_SAN_DIR:-$SP_ROOT/test/results/sanitize}
port=${SP_SAN_PORT:-5432}

sp_need_packages "${SP_BASE_PACKAGES[@]}" "${SP_SANITIZER_PACKAGES[@]}" ||
	sp_bail "missing packages"
sp_private_work san || sp_bail "cannot make a work directory and sandbox"
work=$SP_WORK
runas=("${SP_RUNAS[@]}")
pgdata=$work/data
cleanup() {
	if [ -f "$pgdata/postmaster.pid" ]; then
		(cd / && "${runas[@]}" "$SP_PGBIN/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1)
	fi
	[ -d "${out:-}" ] && cp "$work/server.log" "$out/" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
rm -f "$out"/regress.log "$out"/server.log "$out"/regression.diffs

if sp_build_sanitized "$work/src" -mllvm -asan-stack=0 >"$out/build.log" 2>&1; then
	sp_ok 0 "salesperf built with ASan and UBSan, installed into $SP_PREFIX"
else
	sp_ok 1 "salesperf built with ASan and UBSan, installed into $SP_PREFIX"
	sed 's/^/# /' "$out/build.log"
	sp_bail "build failed"
fi

sp_initdb "$work" "$port" 2>"$out/initdb.log" || sp_bail "initdb failed"
(cd "$work" && "${runas[@]}" "$SP_PGBIN/pg_ctl" -D "$pgdata" -l "$work/server.log" -w start) >/dev/null ||
	{ sed 's/^/# /' "$work/server.log"; sp_bail "server did not start"; }
export PGHOST=$work PGPORT=$port PGUSER=postgres PGDATABASE=postgres

# The canaries: each must end its backend with the sanitizer's report
psql -X -q -c "CREATE DATABASE canary" >/dev/null
psql -X -q -d canary -c "CREATE EXTENSION salesperf" \
	-c "CREATE FUNCTION salesperf_sanitizer_canary(text) RETURNS void LANGUAGE C STRICT AS '\$libdir/salesperf', 'salesperf_sanitizer_canary'" >/dev/null
for canary in asan ubsan; do
	case $canary in
	asan) pat='AddressSanitizer: use-after-poison' ;;
	ubsan) pat='runtime error: signed integer overflow' ;;
	esac
	before=$(grep -cE "$pat" "$work/server.log")
	psql -X -q -d canary -c "SELECT salesperf_sanitizer_canary('$canary')" >/dev/null 2>&1
	for _ in $(seq 30); do "$SP_PGBIN/pg_isready" -q && break; sleep 1; done
	[ "$(grep -cE "$pat" "$work/server.log")" -gt "$before" ]
	sp_ok $? "$canary canary: a planted bug, called from SQL, is caught in a backend"
done
"$SP_PGBIN/pg_isready" -q || sp_bail "server did not come back after the canaries"
marker=$(wc -l <"$work/server.log")

# The suite, as scripts/test runs it, in a copy of the tree
t0=$SECONDS
make -C "$work/src" -s installcheck >"$out/regress.log" 2>&1
[ -f "$work/src/regression.diffs" ] && cp "$work/src/regression.diffs" "$out/"
nfiles=0
while read -r name result; do
	nfiles=$((nfiles + 1))
	[ "$result" = ok ] && st=0 || st=1
	sp_ok $st "pg_regress $name with ASan and UBSan"
done < <(sed -nE 's/^(test|     ) *([A-Za-z0-9_]+) +\.\.\. +(ok|FAILED).*/\2 \3/p' "$out/regress.log")
[ $nfiles -gt 0 ] || { sp_ok 1 "pg_regress ran"; sed 's/^/# /' "$out/regress.log"; }

reports=$(tail -n +"$((marker + 1))" "$work/server.log" |
	grep -E 'runtime error|ERROR: AddressSanitizer|AddressSanitizer: CHECK|terminated by signal|server process .* exited with exit code [1-9]')
[ -z "$reports" ]
sp_ok $? "no sanitizer report and no backend lost during the suite"
[ -n "$reports" ] && echo "$reports" | head -20 | sed 's/^/# /'
echo "# pg_regress with ASan and UBSan: $((SECONDS - t0))s; server log: $out/server.log"
sp_tap_done
