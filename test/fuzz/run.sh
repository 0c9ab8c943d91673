#!/bin/bash
# test/fuzz/run.sh [SECONDS]: libFuzzer against every salesperf type's text
# input and binary receive function, under AddressSanitizer and
# UndefinedBehaviorSanitizer; prints TAP.
#
#   SP_PREFIX=/tmp/sbx-me test/fuzz/run.sh 60      (make fuzz does the same)
#
# salesperf is built with clang -fsanitize=fuzzer-no-link,address,undefined
# together with test/fuzz/fuzz_driver.c (see there for what counts as a bug)
# and installed into a sandbox (SP_PREFIX, or a throwaway one: never /usr).
# Each target (TYPE.text or TYPE.binary) then runs for SECONDS (default 60)
# in its own single-user backend, which hands control to libFuzzer:
#   SELECT salesperf_fuzz('TYPE', binary, ARRAY[libFuzzer arguments])
# starting from the committed seed corpus test/fuzz/corpus/TARGET
# (test/fuzz/make-seeds.sh), the inputs that once found a bug
# (test/fuzz/found/TARGET, also regression tests in sql/) and, for text, the
# dictionary test/fuzz/dict/.
# The aggregate targets (TYPE.agg: test/fuzz/agg_driver.c) turn each input
# into a sequence of transitions, inverse transitions, combines and text and
# binary round trips, checked against an exact reference:
#   SELECT salesperf_fuzz_agg('TYPE', ARRAY[libFuzzer arguments])
# First, two canary runs must be caught by ASan and UBSan, so a build that
# lost its sanitizers fails, and one run per aggregate target with a wrong
# reference (SALESPERF_FUZZ_CANARY=agg) must be caught, so its checks fire.
#
# TAP: the instrumented build, the canaries (two, and one per aggregate target), one line per target (runs,
# coverage, inputs accepted and rejected by SQLSTATE; "not ok" on any crash,
# sanitizer report, internal error or round-trip mismatch, whose input is
# kept in $SP_FUZZ_DIR/TARGET/, default test/results/fuzz/).
# The inputs libFuzzer added to the corpus are kept in $SP_FUZZ_DIR/TARGET/corpus.
# SP_FUZZ_TARGETS picks targets, SP_FUZZ_JOBS how many run at once (2),
# SP_FUZZ_ARGS adds libFuzzer arguments (e.g. -print_coverage=1), and
# SP_FUZZ_SEED sets libFuzzer's random seed (default 1: fixed, like every
# random input of the suite; how far a run gets still depends on the speed).
set -u
. "$(dirname "$0")/../../scripts/lib.sh"

secs=${1:-${SP_FUZZ_SECONDS:-60}}
jobs=${SP_FUZZ_JOBS:-2}
targets=${SP_FUZZ_TARGETS:-"kpi_ratio.text kpi_ratio.binary duration_sketch.text duration_sketch.binary upsell_summary.text upsell_summary.binary funnel_summary.text funnel_summary.binary business_calendar.text business_calendar.binary kpi_ratio.agg duration_sketch.agg upsell_summary.agg"}
out=${SP_FUZZ_DIR:-$SP_ROOT/test/results/fuzz}
here=$SP_ROOT/test/fuzz

sp_need_packages "${SP_BASE_PACKAGES[@]}" "${SP_SANITIZER_PACKAGES[@]}" ||
	sp_bail "missing packages"

sp_private_work fuzz || sp_bail "cannot make a work directory and sandbox"
work=$SP_WORK
runas=("${SP_RUNAS[@]}")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$out"

# The instrumented build (scripts/lib.sh: sp_build_sanitized)
if sp_build_sanitized "$work/src" >"$out/build.log" 2>&1; then
	sp_ok 0 "salesperf built with libFuzzer, ASan and UBSan, installed into $SP_PREFIX"
else
	sp_ok 1 "salesperf built with libFuzzer, ASan and UBSan, installed into $SP_PREFIX"
	sed 's/^/# /' "$out/build.log"
	sp_bail "build failed"
fi

# A database with the extension and the driver's SQL function
cp -r "$here/corpus" "$here/found" "$here/dict" "$work/"
(cd "$work" && "${runas[@]}" "$SP_PGBIN/initdb" -D "$work/template" -U postgres -A trust \
	--no-sync -E UTF8 --locale=C) >"$out/initdb.log" 2>&1 || sp_bail "initdb failed"
export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:symbolize=1:print_summary=1
export UBSAN_OPTIONS=print_stacktrace=1:symbolize=1
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
single() {
	(cd "$work" && "${runas[@]}" env ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		ASAN_SYMBOLIZER_PATH="$ASAN_SYMBOLIZER_PATH" ${SALESPERF_FUZZ_CANARY:+SALESPERF_FUZZ_CANARY=$SALESPERF_FUZZ_CANARY} \
		${SALESPERF_FUZZ_STRICT:+SALESPERF_FUZZ_STRICT=$SALESPERF_FUZZ_STRICT} \
		"$SP_PGBIN/postgres" --single -D "$1" -c shared_buffers=16MB -c fsync=off postgres)
}
printf '%s\n' "CREATE EXTENSION salesperf;" \
	"CREATE FUNCTION salesperf_fuzz(regtype, boolean, text[]) RETURNS integer LANGUAGE C STRICT AS '\$libdir/salesperf', 'salesperf_fuzz';" \
	"CREATE FUNCTION salesperf_fuzz_agg(text, text[]) RETURNS integer LANGUAGE C STRICT AS '\$libdir/salesperf', 'salesperf_fuzz_agg';" |
	single "$work/template" >"$out/setup.log" 2>&1
grep -q ERROR "$out/setup.log" && { sed 's/^/# /' "$out/setup.log"; sp_bail "setup failed"; }

# Run one target: TARGET SECONDS [extra libFuzzer arguments]
run_target() {
	local target=$1 limit=$2 type=${1%.*} mode=${1#*.} binary=false dict=
	shift 2
	local d=$work/$target
	mkdir -p "$d/new" "$d/artifacts"
	cp -a "$work/template" "$d/data"
	[ ${#runas[@]} -eq 0 ] || chown -R postgres: "$d"
	[ "$mode" = binary ] && binary=true
	[ "$mode" = text ] && dict="'-dict=$work/dict/$type.dict',"
	# a sequence over a big bucketed sketch may take seconds on a loaded
	# machine: only the timeout (30 s) is a finding, not a slow unit
	[ "$mode" = agg ] && dict="'-report_slow_units=30',"
	local args
	args="'-max_total_time=$limit','-max_len=65536','-timeout=30','-rss_limit_mb=4096',"
	args+="'-detect_leaks=0','-handle_usr1=0','-handle_usr2=0','-handle_int=0','-handle_term=0',"
	args+="'-print_final_stats=1','-artifact_prefix=$d/artifacts/','-seed=${SP_FUZZ_SEED:-1}',$dict"
	for a in "$@" ${SP_FUZZ_ARGS:-}; do args+="'$a',"; done
	args+="'$d/new','$work/corpus/$target'"
	[ -d "$work/found/$target" ] && args+=",'$work/found/$target'"
	if [ "$mode" = agg ]; then
		echo "SELECT salesperf_fuzz_agg('$type', ARRAY[$args]);"
	else
		echo "SELECT salesperf_fuzz('$type', $binary, ARRAY[$args]);"
	fi | single "$d/data" >"$d/log" 2>&1
	echo $? >"$d/status"
}

# The canaries: an out-of-bounds read and a signed overflow on every input
for canary in asan ubsan; do
	SALESPERF_FUZZ_CANARY=$canary run_target kpi_ratio.text 10 -runs=10 >/dev/null 2>&1
	d=$work/kpi_ratio.text
	case $canary in
	asan) pat='AddressSanitizer: (heap-buffer-overflow|use-after-poison|unknown-crash)' ;;
	ubsan) pat='runtime error: signed integer overflow' ;;
	esac
	if [ "$(cat "$d/status")" -ne 0 ] && grep -qE "$pat" "$d/log" && ls "$d/artifacts"/crash-* >/dev/null 2>&1; then
		sp_ok 0 "$canary canary: a planted bug is caught and its input saved"
	else
		sp_ok 1 "$canary canary: a planted bug is caught and its input saved"
		echo "# exit $(cat "$d/status"); artifacts: $(ls "$d/artifacts" | wc -l)"
		grep -E 'Sanitizer|runtime error' "$d/log" | head -5 | sed 's/^/# /'
	fi
	rm -rf "$d"
done

# The aggregate targets' canary: a reference that expects one row too many
for t in $targets; do
	case $t in *.agg) ;; *) continue ;; esac
	SALESPERF_FUZZ_CANARY=agg run_target "$t" 10 -runs=50 >/dev/null 2>&1
	d=$work/$t
	if [ "$(cat "$d/status")" -ne 0 ] && grep -q 'salesperf-fuzz BUG' "$d/log" &&
		ls "$d/artifacts"/crash-* >/dev/null 2>&1; then
		sp_ok 0 "$t canary: a wrong reference is caught and its input saved"
	else
		sp_ok 1 "$t canary: a wrong reference is caught and its input saved"
		echo "# exit $(cat "$d/status"); artifacts: $(ls "$d/artifacts" | wc -l)"
		tail -5 "$d/log" | sed 's/^/# /'
	fi
	rm -rf "$d"
done

# The targets, $jobs at a time
running=0
for t in $targets; do
	run_target "$t" "$secs" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

summary=$out/summary.txt
: >"$summary"
for t in $targets; do
	d=$work/$t
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
	cp "$d/log" "$out/$t/"
	cp -r "$d/new" "$out/$t/corpus" 2>/dev/null
	status=$(cat "$d/status" 2>/dev/null || echo 1)
	runs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/p' "$d/log")
	took=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/p' "$d/log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$d/log" | tail -1)
	counters=$(sed -nE 's/.*Loaded 1 modules +\(([0-9]+) inline 8-bit counters.*/\1/p' "$d/log" | head -1)
	outcome=$(sed -nE 's/^salesperf-fuzz: (.*)/\1/p' "$d/log")
	line="$t: ${runs:-0} runs in ${took:-?} s, ${cov:-no coverage line} (of ${counters:-?} counters in salesperf); ${outcome:-no summary}"
	echo "$line" >>"$summary"
	bugs=$(ls "$d/artifacts" 2>/dev/null | wc -l)
	if [ "$status" -eq 0 ] && [ -n "$runs" ] && [ "$bugs" -eq 0 ]; then
		sp_ok 0 "fuzz $line"
	else
		sp_ok 1 "fuzz $t: exit $status, $bugs crashing inputs kept in $out/$t/"
		cp -r "$d/artifacts/." "$out/$t/" 2>/dev/null
		grep -E -A30 'salesperf-fuzz BUG|ERROR: AddressSanitizer|runtime error|deadly signal|==ERROR' "$d/log" |
			head -60 | sed 's/^/# /'
	fi
done
echo "# summary: $summary"
sp_tap_done
