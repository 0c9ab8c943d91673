#!/bin/bash
# test/majors/parallel.sh: grouped aggregates of every family in forced
# parallel plans (hashed and sorted, partial states sorted in the workers,
# as in issue 15), each answer compared with the same query in a serial
# plan.  Since PostgreSQL 17 unbounded sorts keep their tuples in a bump
# memory context, which cannot pfree: an expanded state flattened there
# must not free its temporary memory in the caller's context.  Runs against
# the cluster in PGHOST/PGPORT with salesperf installed; prints TAP.
set -u
db=salesperf_parallel
work=$(mktemp -d /tmp/salesperf-parallel.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q $db >/dev/null <<'SQL' || { echo "Bail out! setup failed"; exit 1; }
CREATE EXTENSION salesperf;
-- the issue's table: 200000 rows, 37 groups, 500 accounts
CREATE TABLE t AS
SELECT i % 37 AS g, (hashint4(i) % 3 = 0) AS won, (100 + (hashint4(i * 3) & 1023))::numeric AS amt,
       i % 500 AS acct, timestamptz '2025-01-01' + (i % 12) * interval '1 month' AS at,
       make_interval(secs => (hashint4(i * 7) & 65535) / 10.0) AS response
FROM generate_series(1, 200000) i;
CREATE TABLE states AS
SELECT g, acct AS part, close_rate_agg(won, amt) AS ratio, response_time_agg(response) AS sketch,
       upsell_rate_agg(acct, amt, at) AS book, upsell_rate_agg('a' || acct, amt, at) AS tbook
FROM t GROUP BY 1, 2;
-- the funnel: a stage history per deal (acct), daily states
CREATE TABLE f AS
SELECT i % 37 AS g, i % 5000 AS deal,
       (ARRAY['Lead','Qualified','Proposal','Won','Lost'])[1 + (hashint4(i * 11) & 1023) % 5] AS stage,
       timestamptz '2025-01-01' + (hashint4(i * 5) & 4095) * interval '1 hour' AS at
FROM generate_series(1, 200000) i;
CREATE TABLE fstates AS
SELECT g, at::date AS day, funnel_agg(deal, stage, at, ARRAY['Lead','Qualified','Proposal','Won']) AS funnel
FROM f GROUP BY 1, 2;
ANALYZE t;
ANALYZE states;
ANALYZE f;
ANALYZE fstates;
SQL

parallel="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 4;"
serial="SET max_parallel_workers_per_gather = 0;"
# check NAME PLAN-SETTINGS QUERY [SHAPE]: the parallel answer equals the
# serial one, and the plan really is parallel (and matches the grep -z
# pattern SHAPE, when given)
check() {
	local name=$1 plan=$2 query=$3 shape=${4:-}
	q $db -c "$parallel $plan" -c "$query" >"$work/par" 2>"$work/par.err"
	local st=$?
	q $db -c "$serial $plan" -c "$query" >"$work/ser" 2>"$work/ser.err"
	q $db -c "$parallel $plan" -c "EXPLAIN $query" >"$work/plan" 2>&1
	if [ $st -ne 0 ]; then
		ok 1 "$name: $(head -1 "$work/par.err")"
	elif ! grep -q 'Gather' "$work/plan"; then
		ok 1 "$name: the plan is not parallel"
	elif [ -n "$shape" ] && ! tr '\n' ' ' <"$work/plan" | grep -qE "$shape"; then
		ok 1 "$name: the plan is not the one meant: $(tr '\n' ' ' <"$work/plan" | tr -s ' ')"
	else
		[ -s "$work/ser" ] && cmp -s "$work/par" "$work/ser"
		ok $? "$name: parallel answer ($(wc -l <"$work/par") rows) equals the serial one"
	fi
}

# three plans: partial states hashed in the workers, then sorted there
# (Sort above Partial HashAggregate, below Gather Merge: the issue's plan,
# where 17+ flatten the states into a bump context), all hashed, all sorted
states_sorted="SET enable_sort = on;"
hashed="SET enable_sort = off;"
sorted="SET enable_hashagg = off;"
states_sorted_shape='Gather Merge .*Sort .*Partial HashAggregate'
check "issue 15's query (close_rate, upsell_rate by g)" "" \
	"SELECT g, close_rate(won), upsell_rate(acct, amt, at) FROM t GROUP BY g ORDER BY g" "$states_sorted_shape"
for how in states_sorted hashed sorted; do
	plan=${!how}
	shape=
	[ $how = states_sorted ] && shape=$states_sorted_shape
	check "upsell_rate alone, $how" "$plan" \
		"SELECT g, upsell_rate(acct, amt, at) FROM t GROUP BY g ORDER BY g" "$shape"
	check "upsell_rate_agg states (bigint and text keys), $how" "$plan" \
		"SELECT g, upsell_rate_agg(acct, amt, at), upsell_rate_agg('a' || acct, amt, at) FROM t GROUP BY g ORDER BY g" "$shape"
	check "upsell_rate over a series, $how" "$plan" \
		"SELECT g, upsell_rate(amt, at) FROM t GROUP BY g ORDER BY g" "$shape"
	check "close_rate (count and value), lead efficiency, $how" "$plan" \
		"SELECT g, close_rate(won), close_rate(won, amt), close_rate_agg(won, amt), lead_qualification_efficiency(won, acct::bigint) FROM t GROUP BY g ORDER BY g" "$shape"
	check "response_time_percentile and response_time_agg, $how" "$plan" \
		"SELECT g, response_time_percentile(response, ARRAY[0.5, 0.9]), response_time_agg(response) FROM t GROUP BY g ORDER BY g" "$shape"
	check "rollup of stored states of every family, $how" "$plan" \
		"SELECT g, rollup(ratio), rollup(sketch), rollup(book), upsell_rate(rollup(tbook)) FROM states GROUP BY g ORDER BY g" "$shape"
	check "funnel_agg states and accessors (bigint and text keys), $how" "$plan" \
		"SELECT g, funnel_agg(deal, stage, at, ARRAY['Lead','Qualified','Proposal','Won']), reached(funnel_agg(deal::text, stage, at, ARRAY['Lead','Qualified','Proposal','Won']), 'Proposal'), time_between(funnel_agg(deal::text, stage, at, ARRAY['Lead','Qualified','Proposal','Won']), 'Lead', 'Won', 0.9) FROM f GROUP BY g ORDER BY g" "$shape"
	check "rollup of daily funnel states, $how" "$plan" \
		"SELECT g, rollup(funnel), time_in_stage(rollup(funnel), 'Qualified', 0.5) FROM fstates GROUP BY g ORDER BY g" "$shape"
	check "every family in one grouped query, $how" "$plan" \
		"SELECT g, close_rate(won), response_time_percentile(response, 0.5), upsell_rate(acct, amt, at), upsell_rate_agg(acct, amt, at) FROM t GROUP BY g ORDER BY g" "$shape"
done
check "DISTINCT over computed states" "" \
	"SELECT count(*) FROM (SELECT DISTINCT upsell_rate_agg(acct, amt, at) FROM t GROUP BY g, acct % 3) s"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
echo "1..$n"
[ $failed -eq 0 ]
