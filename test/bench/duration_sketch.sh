#!/bin/bash
# test/bench/duration_sketch.sh [ROWS] [RUNS]: response_time_percentile
# against count(*), percentile_cont and tdigest, plus an accuracy table.
# SP_BENCH_SECTIONS=grouped400 runs only issue 14's per-rep case (grouped
# by 400 SDRs against grouped count(response) and tdigest);
# SP_BENCH_SECTIONS=floor (or grouped400,floor) the same grouping against
# the diagnostic transitions of test/bench/floor.c, built here into a
# throwaway module: the least a per-group aggregate over the column costs.
#
# On ROWS generated leads (default 5M; response times log-uniform between
# 1 second and 2 days, 200 SDRs, 500 reps, 365 days, and a second SDR
# column of 400 SDRs), parallel plans on,
# prints the median wall time of each query over RUNS interleaved rounds
# (default 5) and its ratio to the first query of its group; then the time
# to roll up 365 daily sketches for each of 500 reps, the size of the
# sketch of all rows, and the relative error at p50/p90/p99 of salesperf
# and tdigest against percentile_cont.  Starts its own cluster (honours
# SP_PREFIX); installs postgresql-15-tdigest if missing.  Not part of the
# test suite: never a timed assertion.
set -eu
. "$(dirname "$0")/lib.sh"
rows=${1:-5000000}
runs=${2:-5}
sections=${SP_BENCH_SECTIONS:-all}

sp_need_packages "${SP_BASE_PACKAGES[@]}" "postgresql-$SP_PGVER-tdigest"
sp_build_install
sp_cluster_start "max_parallel_workers_per_gather = 2" "jit = off"

bench_load_helpers
psql -qX -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE EXTENSION salesperf;
CREATE EXTENSION tdigest;
SELECT setseed(0.25);
CREATE TABLE leads AS
SELECT g AS lead_id, (random() * 199)::int AS sdr, (random() * 499)::int AS rep,
       date '2025-01-01' + (random() * 364)::int AS day,
       make_interval(secs => round(exp(random() * ln(172800))::numeric, 6)::float8) AS response
FROM generate_series(1, $rows) g;
ALTER TABLE leads ADD COLUMN response_s float8, ADD COLUMN sdr400 int;
UPDATE leads SET response_s = extract(epoch FROM response)::float8, sdr400 = (random() * 399)::int;
VACUUM (FREEZE, ANALYZE) leads;
SQL

echo "== $rows leads, $runs runs, median wall time; ratio against the first query of each group"
echo "   ($(nproc) CPUs, max_parallel_workers_per_gather = 2; $(psql -qXAt -c 'SELECT version()' | cut -d, -f1))"
want() { [ "$sections" = all ] || [[ ",$sections," == *",$1,"* ]]; }

if want grouped400; then
echo "-- grouped by 400 SDRs (issue 14: at most 1.3x grouped count(response), at least 3x faster than grouped tdigest)"
bench_report "'SELECT sdr400, count(response) FROM leads GROUP BY sdr400',
        'SELECT sdr400, response_time_percentile(response, 0.9) FROM leads GROUP BY sdr400',
        'SELECT sdr400, tdigest_percentile(extract(epoch FROM response), 100, 0.9) FROM leads GROUP BY sdr400'"
fi

if want floor; then
	mod=$(mktemp -d /tmp/salesperf-floor.XXXXXX)
	cp "$SP_ROOT/test/bench/floor.c" "$mod/"
	printf 'MODULES = floor\nPGXS := $(shell $(PG_CONFIG) --pgxs)\ninclude $(PGXS)\n' >"$mod/Makefile"
	make -C "$mod" -s >/dev/null && make -C "$mod" -s install ${SP_PREFIX:+DESTDIR=$SP_PREFIX} >/dev/null
	rm -rf "$mod"
	psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE SCHEMA floor;
CREATE FUNCTION floor.byval(bigint, interval) RETURNS bigint AS '$libdir/floor', 'floor_byval' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION floor.combine(bytea, bytea) RETURNS bytea AS '$libdir/floor', 'floor_combine' LANGUAGE C STRICT PARALLEL SAFE;
CREATE AGGREGATE floor.byval(interval) (SFUNC = floor.byval, STYPE = bigint, INITCOND = '0', COMBINEFUNC = int8pl, PARALLEL = SAFE);
DO $$
DECLARE
	f text;
	-- the header and 600 counts, then a buffer of 512 values (none for touch)
	init text := '\x' || repeat('00', 56 + 8 * 600 - 4);
	buf text := repeat('00', 8 * 512);
BEGIN
	FOREACH f IN ARRAY ARRAY['touch', 'append', 'direct', 'bucket', 'sharedappend', 'sharedbucket'] LOOP
		EXECUTE format('CREATE FUNCTION floor.%s(bytea, interval) RETURNS bytea AS %L, %L LANGUAGE C STRICT PARALLEL SAFE',
					   f, '$libdir/floor', 'floor_' || f);
		EXECUTE format('CREATE AGGREGATE floor.%s(interval) (SFUNC = floor.%s, STYPE = bytea, INITCOND = %L, COMBINEFUNC = floor.combine, PARALLEL = SAFE)',
					   f, f, init || CASE WHEN f IN ('touch', 'direct', 'sharedappend', 'sharedbucket') THEN '' ELSE buf END);
	END LOOP;
END $$;
SQL
	echo "-- grouped by 400 SDRs: the floor (test/bench/floor.c; their results mean nothing)"
	bench_report "'SELECT sdr400, count(response) FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.byval(response) FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.touch(response) IS NULL FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.append(response) IS NULL FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.direct(response) IS NULL FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.bucket(response) IS NULL FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.sharedappend(response) IS NULL FROM leads GROUP BY sdr400',
        'SELECT sdr400, floor.sharedbucket(response) IS NULL FROM leads GROUP BY sdr400',
        'SELECT sdr400, response_time_percentile(response, 0.9) FROM leads GROUP BY sdr400',
        'SELECT sdr400, tdigest_percentile(extract(epoch FROM response), 100, 0.9) FROM leads GROUP BY sdr400'"
fi
[ "$sections" = all ] || exit 0
psql -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE TABLE daily AS
SELECT rep, day, response_time_agg(response) AS sketch FROM leads GROUP BY rep, day;
VACUUM ANALYZE daily;
SQL
echo "-- whole table: p90 against count(*)"
bench_report "'SELECT count(*) FROM leads',
        'SELECT response_time_percentile(response, 0.9) FROM leads',
        'SELECT response_time_percentile(response_s, 0.9) FROM leads',
        'SELECT count(response) FROM leads'"
echo "-- whole table: p90 against percentile_cont and tdigest (ratios of those to salesperf)"
bench_report "'SELECT response_time_percentile(response, 0.9) FROM leads',
        'SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY response) FROM leads',
        'SELECT tdigest_percentile(extract(epoch FROM response), 100, 0.9) FROM leads',
        'SELECT tdigest_percentile(response_s, 100, 0.9) FROM leads'"
echo "-- grouped by 200 SDRs"
bench_report "'SELECT sdr, response_time_percentile(response, 0.9) FROM leads GROUP BY sdr',
        'SELECT sdr, percentile_cont(0.9) WITHIN GROUP (ORDER BY response) FROM leads GROUP BY sdr',
        'SELECT sdr, tdigest_percentile(extract(epoch FROM response), 100, 0.9) FROM leads GROUP BY sdr',
        'SELECT sdr, count(*) FROM leads GROUP BY sdr'"
echo "-- rollup of $(psql -qXAt -c 'SELECT count(*) FROM daily') daily sketches (365 days x 500 reps)"
bench_report "'SELECT rep, response_time_percentile(rollup(sketch), 0.9) FROM daily GROUP BY rep',
        'SELECT response_time_percentile(rollup(sketch), 0.9) FROM daily',
        'SELECT rep, response_time_percentile(response, 0.9) FROM leads GROUP BY rep'"

echo "-- size of the sketch of all $rows response times (1 s .. 2 days, alpha 1%)"
psql -qX -c "
SELECT pg_column_size(s) AS stored_bytes, octet_length(s::text) AS text_bytes,
       octet_length(duration_sketch_send(s)) AS binary_bytes,
       (SELECT count(*) FROM histogram(s)) AS non_empty_buckets
FROM (SELECT response_time_agg(response) AS s FROM leads) t"

echo "-- accuracy on the same data: relative error against percentile_cont"
psql -qX -c "
WITH exact AS (
	SELECT percentile_cont('{0.5,0.9,0.99}'::float8[]) WITHIN GROUP (ORDER BY response_s) AS v FROM leads
), sp AS (
	SELECT response_time_percentile(response_s, '{0.5,0.9,0.99}'::float8[]) AS v FROM leads
), td AS (
	SELECT tdigest_percentile(response_s, 100, '{0.5,0.9,0.99}'::float8[]) AS v FROM leads
)
SELECT p, round(e::numeric, 3) AS exact_seconds,
       round(s::numeric, 3) AS salesperf_seconds, to_char(abs(s - e) / e * 100, 'FM990.0000') || '%' AS salesperf_error,
       round(t::numeric, 3) AS tdigest_seconds, to_char(abs(t - e) / e * 100, 'FM990.0000') || '%' AS tdigest_error
FROM exact, sp, td, unnest('{0.5,0.9,0.99}'::float8[], exact.v, sp.v, td.v) u(p, e, s, t)"
