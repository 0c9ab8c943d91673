#!/bin/bash
# test/bench/ratio.sh [ROWS] [RUNS]: the ratio KPIs against their floors.
#
# On ROWS generated opportunities (default 10M), parallel plans on, prints
# the median time of each query over RUNS interleaved rounds (default 5) and
# its ratio to the baseline of its group.  Not part of the test suite.
# SP_BENCH_GROUPS=value runs only the value-weighted close-rate group.
set -eu
. "$(dirname "$0")/lib.sh"
rows=${1:-10000000}
runs=${2:-5}

sp_need_packages "${SP_BASE_PACKAGES[@]}"
sp_build_install
sp_cluster_start "max_parallel_workers_per_gather = 2" "jit = off"
bench_load_helpers
psql -qX -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE EXTENSION salesperf;
SELECT setseed(0.5);
CREATE TABLE opps AS
SELECT g AS id, (random() * 499)::int AS owner,
       random() < 0.3 AS is_won,
       round((random() * 50000)::numeric, 2) AS amount,
       (random() * 10)::int AS calls
FROM generate_series(1, $rows) g;
VACUUM ANALYZE opps;
SQL

echo "== $rows rows, $runs runs, median; ratio against the first query of each group"
if [ "${SP_BENCH_GROUPS:-all}" = all ]; then
echo "-- ungrouped"
bench_report "'SELECT count(is_won) FROM opps',
        'SELECT close_rate(is_won) FROM opps',
        'SELECT count(*) FILTER (WHERE is_won)::float8 / count(*) FROM opps',
        'SELECT count(*) FROM opps'"
echo "-- grouped by 500 owners"
bench_report "'SELECT owner, count(is_won) FROM opps GROUP BY owner',
        'SELECT owner, close_rate(is_won) FROM opps GROUP BY owner',
        'SELECT owner, count(*) FILTER (WHERE is_won)::float8 / count(*) FROM opps GROUP BY owner'"
echo "-- lead qualification efficiency (one row per lead), against its plain-SQL form"
bench_report "'SELECT count(*) FILTER (WHERE is_won)::float8 / sum(calls) FROM opps',
        'SELECT lead_qualification_efficiency(is_won, calls) FROM opps'"
bench_report "'SELECT owner, count(*) FILTER (WHERE is_won)::float8 / sum(calls) FROM opps GROUP BY owner',
        'SELECT owner, lead_qualification_efficiency(is_won, calls) FROM opps GROUP BY owner'"
fi
echo "-- value-weighted close rate (exact numeric sums), against its plain SQL and one sum(amount)"
bench_report "'SELECT (sum(amount) FILTER (WHERE is_won) / sum(amount))::float8 FROM opps',
        'SELECT close_rate(is_won, amount) FROM opps',
        'SELECT sum(amount) FROM opps'"
echo "-- grouped by 500 owners"
bench_report "'SELECT owner, (sum(amount) FILTER (WHERE is_won) / sum(amount))::float8 FROM opps GROUP BY owner',
        'SELECT owner, close_rate(is_won, amount) FROM opps GROUP BY owner',
        'SELECT owner, sum(amount) FROM opps GROUP BY owner'"
