#!/bin/bash
# test/bench/ratio.sh [ROWS] [RUNS]: the ratio KPIs against their floors.
#
# On ROWS generated opportunities (default 10M), parallel plans on, prints
# the median time of each query over RUNS interleaved rounds (default 5) and
# its ratio to the baseline of its group.  Not part of the test suite.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
rows=${1:-10000000}
runs=${2:-5}

sp_need_packages "${SP_BASE_PACKAGES[@]}"
sp_build_install
sp_cluster_start "max_parallel_workers_per_gather = 2" "jit = off"
psql -qX -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE EXTENSION salesperf;
\i $SP_ROOT/test/bench/bench.sql
SELECT setseed(0.5);
CREATE TABLE opps AS
SELECT g AS id, (random() * 499)::int AS owner,
       random() < 0.3 AS is_won,
       round((random() * 50000)::numeric, 2) AS amount,
       (random() * 10)::int AS calls
FROM generate_series(1, $rows) g;
VACUUM ANALYZE opps;
SQL

report() {
	psql -qX -At -c "
	SELECT rpad(query, 92) || lpad(round(median_ms::numeric, 1)::text, 9) || ' ms '
	       || lpad(round((median_ms / first_value(median_ms) OVER (ORDER BY query_no))::numeric, 2)::text, 6) || 'x'
	FROM bench.bench(ARRAY[$1], $runs)"
}

echo "== $rows rows, $runs runs, median; ratio against the first query of each group"
echo "-- ungrouped"
report "'SELECT count(is_won) FROM opps',
        'SELECT close_rate(is_won) FROM opps',
        'SELECT count(*) FILTER (WHERE is_won)::float8 / count(*) FROM opps',
        'SELECT count(*) FROM opps'"
echo "-- grouped by 500 owners"
report "'SELECT owner, count(is_won) FROM opps GROUP BY owner',
        'SELECT owner, close_rate(is_won) FROM opps GROUP BY owner',
        'SELECT owner, count(*) FILTER (WHERE is_won)::float8 / count(*) FROM opps GROUP BY owner'"
echo "-- lead qualification efficiency (one row per lead), against its plain-SQL form"
report "'SELECT count(*) FILTER (WHERE is_won)::float8 / sum(calls) FROM opps',
        'SELECT lead_qualification_efficiency(is_won, calls) FROM opps'"
report "'SELECT owner, count(*) FILTER (WHERE is_won)::float8 / sum(calls) FROM opps GROUP BY owner',
        'SELECT owner, lead_qualification_efficiency(is_won, calls) FROM opps GROUP BY owner'"
echo "-- value-weighted close rate (exact numeric sums)"
report "'SELECT (sum(amount) FILTER (WHERE is_won) / sum(amount))::float8 FROM opps',
        'SELECT close_rate(is_won, amount) FROM opps'"
