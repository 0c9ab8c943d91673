-- duration_sketch: the per-backend bucket lookup tables (one per relative
-- accuracy in use, at most 8, the last slot reused).  Issue 14 found that
-- a failed allocation could leave a slot whose reuse did pfree(NULL);
-- DsFindIndexTable now allocates before touching the cache (see the
-- comment there).  An allocation failure cannot be provoked from SQL, so
-- this file covers what the fix changed around it: slots with a table and
-- without one (accuracies finer than about 0.00055 map without a table)
-- filled, evicted and reused in one backend, every mapping still within
-- its relative accuracy, and answers the same before and after eviction.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all
SELECT setseed(0.43);

-- 14 accuracies: more than the 8 slots, with and without a table
CREATE TEMP TABLE alphas AS
SELECT a, row_number() OVER (ORDER BY a) AS k
FROM unnest('{0.0001,0.0002,0.0004,0.0005,0.0006,0.001,0.002,0.005,0.01,0.015,0.02,0.03,0.04,0.05}'::float8[]) a;
-- magnitudes from 1 microsecond to 10^6 seconds, both signs
CREATE TEMP TABLE xs AS
SELECT (CASE WHEN random() < 0.3 THEN -1 ELSE 1 END) * round(exp(random() * ln(1e12))) / 1e6 AS x
FROM generate_series(1, 3000);

-- each accuracy in turn, three passes in different orders (later passes
-- evict and refill slots): the representative of every value's bucket is
-- within a (relatively) of it, and every pass gives the same answers
CREATE TEMP TABLE mapped AS
SELECT pass, a, x, duration_sketch_bucket_value(x, a) AS b
FROM (VALUES (1), (2), (3)) p(pass)
CROSS JOIN LATERAL (SELECT a FROM alphas ORDER BY CASE pass WHEN 1 THEN k WHEN 2 THEN -k ELSE (k * 5) % 14 END) al
CROSS JOIN xs;
SELECT count(*) AS mapped,
       count(*) FILTER (WHERE abs(b - x) > a * abs(x) * (1 + 1e-9)) AS beyond_accuracy,
       count(*) FILTER (WHERE sign(b) <> sign(x)) AS wrong_sign
FROM mapped;
SELECT count(*) AS disagreements
FROM mapped m1 JOIN mapped m2 ON m1.a = m2.a AND m1.x = m2.x AND m1.pass < m2.pass
WHERE m1.b <> m2.b;

-- sketches at every accuracy, built while the slots turn over: each
-- percentile within its accuracy of percentile_cont, plus half a
-- microsecond (an interval answer is rounded to the microsecond: at 18 us
-- and a = 0.05 the representative 18.9 us shows as 19 us)
SELECT count(*) AS percentiles,
       count(*) FILTER (WHERE abs(v.sv - v.ev) > al.a * abs(v.ev) * (1 + 1e-9) + 0.5e-6) AS beyond_accuracy
FROM alphas al
CROSS JOIN LATERAL (
	SELECT unnest(response_time_percentile(response_time_agg(abs(x), al.a), '{0.1,0.5,0.9,0.99}'::float8[]))
	       AS s,
	       unnest(ARRAY[percentile_cont(0.1) WITHIN GROUP (ORDER BY make_interval(secs => abs(x))),
	                    percentile_cont(0.5) WITHIN GROUP (ORDER BY make_interval(secs => abs(x))),
	                    percentile_cont(0.9) WITHIN GROUP (ORDER BY make_interval(secs => abs(x))),
	                    percentile_cont(0.99) WITHIN GROUP (ORDER BY make_interval(secs => abs(x)))]) AS e
	FROM xs) t
CROSS JOIN LATERAL (SELECT extract(epoch FROM t.s)::float8 AS sv, extract(epoch FROM t.e)::float8 AS ev) v;
