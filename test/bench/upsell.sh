#!/bin/bash
# test/bench/upsell.sh: upsell_rate against the plain-SQL window-function
# formulation, on 100k accounts x 24 monthly snapshots (2.4M rows), grouped
# by 200 account managers and ungrouped; then one group of 1M distinct
# accounts; then the retention breakdown (expansion, contraction, churn, new
# logos, GRR, NRR) against the same in dbt-style window and CASE SQL.  Prints the median of RUNS runs of each query and the ratios,
# measured in the same run on the same cluster, plus peak backend memory.
#
#   SP_PREFIX=/tmp/sbx-me test/bench/upsell.sh      (RUNS=5 by default)
#
# Queries run serially (max_parallel_workers_per_gather = 0) so the figures
# compare algorithms, not how many idle cores the machine had.
set -eu
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
ACCOUNTS=${ACCOUNTS:-100000}
MONTHS=${MONTHS:-24}
AMS=${AMS:-200}
BIG=${BIG:-1000000}

sp_need_packages "${SP_BASE_PACKAGES[@]}" || exit 1
sp_build_install >/dev/null 2>&1 || { echo "build failed" >&2; exit 1; }
sp_cluster_start "max_parallel_workers_per_gather = 0" "work_mem = 256MB"
export PGOPTIONS='-c client_min_messages=warning'
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

q -c 'CREATE EXTENSION salesperf'
bench_load_helpers
sp_log "loading $ACCOUNTS accounts x $MONTHS months over $AMS account managers"
# Snapshots arrive month by month, as a CRM exports them; a quarter of the
# accounts join later, 5% churn to 0 in their last month.
q -o /dev/null -c "SELECT setseed(0.7)" -c "
CREATE TABLE snap AS
SELECT a % $AMS AS am, a::bigint AS account,
       '2023-01-01'::timestamptz + make_interval(months => m) AS at,
       CASE WHEN a % 20 = 0 AND m = $MONTHS - 1 THEN 0
            ELSE round((100 + random() * 10000)::numeric, 2) END AS value
FROM generate_series(0, $MONTHS - 1) m, generate_series(1, $ACCOUNTS) a
WHERE a % 4 <> 0 OR m >= a % 12
ORDER BY m, a;" -c "VACUUM ANALYZE snap"
sp_log "loading $BIG distinct accounts in one group (two snapshots each)"
q -c "
CREATE TABLE big AS
SELECT a::bigint AS account, '2024-01-01'::timestamptz + make_interval(months => m) AS at,
       (100 + (a % 7) * m)::numeric AS value
FROM generate_series(0, 1) m, generate_series(1, $BIG) a ORDER BY m, a;" -c "VACUUM ANALYZE big"

EXT_GROUPED="SELECT am, upsell_rate(account, value, at) FROM snap GROUP BY am"
EXT_BOOK="SELECT upsell_rate(account, value, at) FROM snap"
# The equivalent plain SQL: lines at the same time summed, first and last
# value per account, sums per group.
sql_window() {	# $1: grouping column list ("am, " or ""), $2: table
	local g=$1 t=$2
	echo "WITH pts AS (SELECT ${g}account, at, sum(value) AS v FROM $t GROUP BY ${g}account, at),
fl AS (SELECT DISTINCT ${g}account, first_value(v) OVER w AS s, last_value(v) OVER w AS e FROM pts
       WINDOW w AS (PARTITION BY ${g}account ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT ${g}((sum(e) - sum(s)) / nullif(sum(s), 0))::float8 FROM fl ${g:+GROUP BY ${g%, }}"
}
# The same without summing same-time lines (wrong if an account has two
# lines at one time; faster, so the harder baseline)
sql_window_nodup() {
	local g=$1 t=$2
	echo "WITH fl AS (SELECT DISTINCT ${g}account, first_value(value) OVER w AS s, last_value(value) OVER w AS e FROM $t
       WINDOW w AS (PARTITION BY ${g}account ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT ${g}((sum(e) - sum(s)) / nullif(sum(s), 0))::float8 FROM fl ${g:+GROUP BY ${g%, }}"
}
SQL_GROUPED=$(sql_window "am, " snap)
SQL_BOOK=$(sql_window "" snap)
SQLND_GROUPED=$(sql_window_nodup "am, " snap)
SQLND_BOOK=$(sql_window_nodup "" snap)
EXT_BIG="SELECT upsell_rate(account, value, at) FROM big"
# one group per account: each account's own growth (the series form)
EXT_ACCT="SELECT account, upsell_rate(value, at) FROM snap GROUP BY account"
SQL_ACCT="WITH pts AS (SELECT account, at, sum(value) AS v FROM snap GROUP BY account, at),
fl AS (SELECT DISTINCT account, first_value(v) OVER w AS s, last_value(v) OVER w AS e FROM pts
       WINDOW w AS (PARTITION BY account ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT account, ((e - s) / nullif(s, 0))::float8 FROM fl"
SQL_BIG=$(sql_window "" big)

# The retention breakdown (expansion, contraction, churn, new logos since a
# date, GRR, NRR) from one state per group, against the dbt-style SQL that
# analysts write for it: first and last value per account by window
# functions, each account classified by CASE, then summed per group
COHORT="'2023-07-01 00:00+00'"
ext_breakdown() {	# $1: grouping column list ("am, " or "")
	local g=$1
	echo "SELECT ${g}expansion(b), contraction(b), churned_value(b), churned_accounts(b),
       new_accounts(b, $COHORT), new_value(b, $COHORT), gross_retention(b), net_retention(b)
FROM (SELECT ${g}upsell_rate_agg(account, value, at) AS b FROM snap ${g:+GROUP BY ${g%, }}) x"
}
sql_breakdown() {
	local g=$1
	echo "WITH pts AS (SELECT ${g}account, at, sum(value) AS v FROM snap GROUP BY ${g}account, at),
fl AS (SELECT DISTINCT ${g}account, first_value(v) OVER w AS s, last_value(v) OVER w AS c, first_value(at) OVER w AS first_at
       FROM pts WINDOW w AS (PARTITION BY ${g}account ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),
mv AS (SELECT ${g}s, c, first_at,
              CASE WHEN c > s THEN 'expansion' WHEN c = 0 AND s > 0 THEN 'churn'
                   WHEN c < s THEN 'contraction' ELSE 'flat' END AS movement FROM fl)
SELECT ${g}coalesce(sum(c - s) FILTER (WHERE movement = 'expansion'), 0),
       coalesce(sum(s - c) FILTER (WHERE movement = 'contraction'), 0),
       coalesce(sum(s) FILTER (WHERE movement = 'churn'), 0),
       count(*) FILTER (WHERE movement = 'churn'),
       count(*) FILTER (WHERE first_at >= $COHORT),
       coalesce(sum(c) FILTER (WHERE first_at >= $COHORT), 0),
       ((sum(s) - coalesce(sum(s - c) FILTER (WHERE movement = 'contraction'), 0)
                - coalesce(sum(s) FILTER (WHERE movement = 'churn'), 0)) / nullif(sum(s), 0))::float8,
       (sum(c) / nullif(sum(s), 0))::float8
FROM mv ${g:+GROUP BY ${g%, }}"
}
EXT_BD_GROUPED=$(ext_breakdown "am, ")
SQL_BD_GROUPED=$(sql_breakdown "am, ")
EXT_BD_BOOK=$(ext_breakdown "")
SQL_BD_BOOK=$(sql_breakdown "")

# Same answers, or the timings mean nothing
check() {
	local ok
	ok=$(q -At -c "SELECT bool_and(e.r IS NOT DISTINCT FROM s.r) AND count(*) = $3
	               FROM ($1) e(am, r) JOIN ($2) s(am, r) USING (am)")
	[ "$ok" = t ] || { echo "results differ: $1" >&2; exit 1; }
}
check "$EXT_GROUPED" "$SQL_GROUPED" "$AMS"
check "SELECT 0, r FROM ($EXT_BOOK) x(r)" "SELECT 0, r FROM ($SQL_BOOK) x(r)" 1
check "SELECT 0, r FROM ($EXT_BIG) x(r)" "SELECT 0, r FROM ($SQL_BIG) x(r)" 1
check "$EXT_ACCT" "$SQL_ACCT" "$ACCOUNTS"
# the breakdown: every column equal (numerics as numbers), every AM, and
# the book, which must have expansion, contraction, churn and new logos
check_breakdown() {
	local ok
	ok=$(q -At -c "SELECT bool_and(ROW(e.a, e.b, e.c, e.d, e.f, e.g, e.h, e.i) IS NOT DISTINCT FROM
	                              ROW(s.a, s.b, s.c, s.d, s.f, s.g, s.h, s.i)) AND count(*) = $3
	               FROM ($1) e(am, a, b, c, d, f, g, h, i) JOIN ($2) s(am, a, b, c, d, f, g, h, i) USING (am)")
	[ "$ok" = t ] || { echo "breakdown results differ: $1" >&2; exit 1; }
}
check_breakdown "$EXT_BD_GROUPED" "$SQL_BD_GROUPED" "$AMS"
check_breakdown "SELECT 0, * FROM ($EXT_BD_BOOK) x" "SELECT 0, * FROM ($SQL_BD_BOOK) x" 1
[ "$(q -At -c "SELECT expansion(b) > 0 AND contraction(b) > 0 AND churned_accounts(b) > 0 AND new_accounts(b, $COHORT) > 0
               FROM (SELECT upsell_rate_agg(account, value, at) AS b FROM snap) x")" = t ] ||
	{ echo "the book lacks a kind of movement" >&2; exit 1; }

# Median wall time in ms of RUNS runs of a query (bench.bench: a warm-up,
# then timed runs whose results are fetched and dropped)
median_ms() {
	printf '%s\n' "SELECT round(median_ms::numeric, 1) FROM bench.bench(ARRAY[:'query'], $RUNS)" |
		q -At -v query="$1"
}
sp_log "timing: median of $RUNS runs each"
declare -A T
for name in EXT_GROUPED SQL_GROUPED SQLND_GROUPED EXT_BOOK SQL_BOOK SQLND_BOOK EXT_ACCT SQL_ACCT EXT_BIG SQL_BIG \
	EXT_BD_GROUPED SQL_BD_GROUPED EXT_BD_BOOK SQL_BD_BOOK; do
	T[$name]=$(median_ms "${!name}")
done

# Peak resident memory (VmHWM, kB) of a backend that ran "$1", read by the
# backend itself before it exits; shared buffers it touched count too, so
# results are reported less a plain scan of the same table
mem_kb() {
	q -At -c '\o /dev/null' -c "$1" -c '\o' \
		-c "SELECT regexp_replace(pg_read_file('/proc/' || pg_backend_pid() || '/status'), '.*VmHWM:\s*(\d+) kB.*', '\1')"
}
MEM_SCAN=$(mem_kb "SELECT count(*) FROM snap")
MEM_EXT=$(mem_kb "$EXT_BOOK")
MEM_SQL=$(mem_kb "$SQL_BOOK")
MEM_BIG_SCAN=$(mem_kb "SELECT count(*) FROM big")
MEM_BIG=$(mem_kb "$EXT_BIG")
MEM_BIG_AGG=$(mem_kb "SELECT length(upsell_rate_agg(account, value, at)::text) FROM big")
HASHMEM=$(q -At -c "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $EXT_GROUPED" | sed -n 's/.*Memory Usage: \([0-9]*\)kB.*/\1/p' | head -1)
BIG_TEXT=$(q -At -c "SELECT pg_size_pretty(length(upsell_rate_agg(account, value, at)::text)::bigint) FROM big")
BIG_FLAT=$(q -At -c "SELECT pg_size_pretty(pg_column_size(upsell_rate_agg(account, value, at))::bigint) FROM big")

rows=$(q -At -c "SELECT count(*) FROM snap")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mb() { awk -v a="$1" -v b="${2:-0}" 'BEGIN {printf "%.0f MB", (a - b) / 1024}'; }
echo
echo "upsell_rate benchmark: $ACCOUNTS accounts x $MONTHS months ($rows rows), $AMS AMs; median of $RUNS runs, serial plans"
printf '%-34s %10s %10s %10s\n' "query" "upsell" "plain SQL" "speed-up"
printf '%-34s %8s ms %7s ms %9sx\n' "grouped by AM" "${T[EXT_GROUPED]}" "${T[SQL_GROUPED]}" "$(ratio "${T[SQL_GROUPED]}" "${T[EXT_GROUPED]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "grouped by AM, SQL w/o line sums" "${T[EXT_GROUPED]}" "${T[SQLND_GROUPED]}" "$(ratio "${T[SQLND_GROUPED]}" "${T[EXT_GROUPED]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "whole book" "${T[EXT_BOOK]}" "${T[SQL_BOOK]}" "$(ratio "${T[SQL_BOOK]}" "${T[EXT_BOOK]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "whole book, SQL w/o line sums" "${T[EXT_BOOK]}" "${T[SQLND_BOOK]}" "$(ratio "${T[SQLND_BOOK]}" "${T[EXT_BOOK]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "per account ($ACCOUNTS groups)" "${T[EXT_ACCT]}" "${T[SQL_ACCT]}" "$(ratio "${T[SQL_ACCT]}" "${T[EXT_ACCT]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "$BIG accounts in one group" "${T[EXT_BIG]}" "${T[SQL_BIG]}" "$(ratio "${T[SQL_BIG]}" "${T[EXT_BIG]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "breakdown grouped by AM (dbt-style)" "${T[EXT_BD_GROUPED]}" "${T[SQL_BD_GROUPED]}" "$(ratio "${T[SQL_BD_GROUPED]}" "${T[EXT_BD_GROUPED]}")"
printf '%-34s %8s ms %7s ms %9sx\n' "breakdown, whole book (dbt-style)" "${T[EXT_BD_BOOK]}" "${T[SQL_BD_BOOK]}" "$(ratio "${T[SQL_BD_BOOK]}" "${T[EXT_BD_BOOK]}")"
echo
echo "memory (backend peak RSS above a plain scan of the same table):"
echo "  whole book, $ACCOUNTS accounts:   upsell_rate $(mb "$MEM_EXT" "$MEM_SCAN"), plain SQL $(mb "$MEM_SQL" "$MEM_SCAN") (work_mem 256MB)"
echo "  grouped by AM: hash aggregate memory $HASHMEM kB for $AMS states (EXPLAIN ANALYZE)"
echo "  $BIG accounts, one group:  upsell_rate $(mb "$MEM_BIG" "$MEM_BIG_SCAN"), upsell_rate_agg + text output $(mb "$MEM_BIG_AGG" "$MEM_BIG_SCAN")"
echo "  $BIG-account summary: $BIG_FLAT stored (flat, before TOAST compression), $BIG_TEXT as text"
