-- Equality and hashing of every state type (kpi_ratio, duration_sketch,
-- upsell_summary): two states are equal when they hold the same logical
-- state, whatever built them (serial, parallel, rollup, window inverse,
-- binary receive, text input), and the hash agrees with =.  The independent
-- reference is the text form, which round-trips exactly.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate

SELECT setseed(0.41);
-- a regular (not temp) table, so that parallel workers can scan it
CREATE TABLE eq_rows AS
SELECT g AS id, g % 40 AS grp, g % 1500 AS small, random() < 0.3 AS won,
       round((random() * 5000)::numeric, 2) AS amount, (random() * 5)::int::bigint AS calls,
       make_interval(secs => round(exp(random() * 9)::numeric, 3)::float8) AS rt,
       'acct-' || (g % 37) AS account,
       timestamptz '2025-01-01 00:00+00' + ((g * 7) % 11) * interval '1 month' AS at
FROM generate_series(1, 24000) g;
ANALYZE eq_rows;

-- The states of one grouping, built one way; large groups (bucketed
-- sketches) and small ones (exact sketches)
CREATE FUNCTION eq_states(by_small boolean) RETURNS TABLE (g int, r kpi_ratio, v kpi_ratio, l kpi_ratio,
                                                           d duration_sketch, u upsell_summary)
LANGUAGE sql AS $$
SELECT CASE WHEN by_small THEN 1000 + small ELSE grp END, close_rate_agg(won), close_rate_agg(won, amount),
       lead_qualification_efficiency_agg(won, calls), response_time_agg(rt),
       upsell_rate_agg(account, amount, at)
FROM eq_rows GROUP BY 1 $$;

SET max_parallel_workers_per_gather = 0;
CREATE TABLE eq_serial AS SELECT * FROM eq_states(false) UNION ALL SELECT * FROM eq_states(true);

-- forced parallel plan: partial states combined in the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT grp, response_time_agg(rt), upsell_rate_agg(account, amount, at) FROM eq_rows GROUP BY grp;
CREATE TABLE eq_parallel AS
SELECT grp AS g, close_rate_agg(won) AS r, close_rate_agg(won, amount) AS v,
       lead_qualification_efficiency_agg(won, calls) AS l, response_time_agg(rt) AS d,
       upsell_rate_agg(account, amount, at) AS u
FROM eq_rows GROUP BY grp;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;

-- rollup of per-(group, id % 7) states
CREATE TABLE eq_rollup AS
SELECT grp AS g, rollup(r) AS r, rollup(v) AS v, rollup(l) AS l, rollup(d) AS d, rollup(u) AS u
FROM (SELECT grp, close_rate_agg(won) AS r, close_rate_agg(won, amount) AS v,
             lead_qualification_efficiency_agg(won, calls) AS l, response_time_agg(rt) AS d,
             upsell_rate_agg(account, amount, at) AS u
      FROM eq_rows GROUP BY grp, id % 7) p
GROUP BY grp;

-- binary COPY out and in (send, then receive) through a client-side file,
-- and text out and in
\set eq_file `mktemp /tmp/salesperf-eq.XXXXXX`
\setenv SALESPERF_EQ_FILE :eq_file
\copy eq_serial TO PROGRAM 'cat > "$SALESPERF_EQ_FILE"' (FORMAT binary)
CREATE TABLE eq_recv (LIKE eq_serial);
\copy eq_recv FROM PROGRAM 'cat "$SALESPERF_EQ_FILE"' (FORMAT binary)
CREATE TABLE eq_text AS
SELECT g, r::text::kpi_ratio AS r, v::text::kpi_ratio AS v, l::text::kpi_ratio AS l,
       d::text::duration_sketch AS d, u::text::upsell_summary AS u
FROM eq_serial;

-- every path gives states equal to the serial ones, with equal hashes and
-- the same text
CREATE FUNCTION eq_same(a eq_serial, b eq_serial) RETURNS boolean LANGUAGE sql AS $$
SELECT a.r = b.r AND NOT a.r <> b.r AND kpi_ratio_hash(a.r) = kpi_ratio_hash(b.r) AND a.r::text = b.r::text
   AND a.v = b.v AND NOT a.v <> b.v AND kpi_ratio_hash(a.v) = kpi_ratio_hash(b.v) AND a.v::text = b.v::text
   AND a.l = b.l AND kpi_ratio_hash(a.l) = kpi_ratio_hash(b.l) AND a.l::text = b.l::text
   AND a.d = b.d AND NOT a.d <> b.d AND duration_sketch_hash(a.d) = duration_sketch_hash(b.d) AND a.d::text = b.d::text
   AND a.u = b.u AND NOT a.u <> b.u AND upsell_summary_hash(a.u) = upsell_summary_hash(b.u) AND a.u::text = b.u::text $$;
SELECT 'parallel' AS path, count(*), bool_and(eq_same(s, ROW(x.g, x.r, x.v, x.l, x.d, x.u)::eq_serial)) AS equal FROM eq_serial s JOIN eq_parallel x USING (g) WHERE s.g < 40
UNION ALL
SELECT 'rollup', count(*), bool_and(eq_same(s, ROW(x.g, x.r, x.v, x.l, x.d, x.u)::eq_serial)) FROM eq_serial s JOIN eq_rollup x USING (g) WHERE s.g < 40
UNION ALL
SELECT 'recv of send', count(*), bool_and(eq_same(s, ROW(x.g, x.r, x.v, x.l, x.d, x.u)::eq_serial)) FROM eq_serial s JOIN eq_recv x USING (g)
UNION ALL
SELECT 'in of out', count(*), bool_and(eq_same(s, ROW(x.g, x.r, x.v, x.l, x.d, x.u)::eq_serial)) FROM eq_serial s JOIN eq_text x USING (g);

-- window frames: moving-aggregate inverse (states updated in place) equal
-- a fresh aggregate of the same rows
CREATE TABLE eq_w3 AS SELECT * FROM eq_rows WHERE grp = 3;
CREATE TABLE eq_window AS
SELECT id, close_rate_agg(won, amount) OVER w AS v, close_rate_agg(won) OVER w AS r,
       response_time_agg(rt) OVER w AS d
FROM eq_w3 WINDOW w AS (ORDER BY id ROWS BETWEEN 5 PRECEDING AND CURRENT ROW);
SELECT count(*) AS frames,
       bool_and(w.v = f.v AND kpi_ratio_hash(w.v) = kpi_ratio_hash(f.v)) AS value_ratio_equal,
       bool_and(w.r = f.r AND kpi_ratio_hash(w.r) = kpi_ratio_hash(f.r)) AS count_ratio_equal,
       bool_and(w.d = f.d AND duration_sketch_hash(w.d) = duration_sketch_hash(f.d)) AS sketch_equal
FROM eq_window w
CROSS JOIN LATERAL (SELECT close_rate_agg(won, amount) AS v, close_rate_agg(won) AS r, response_time_agg(rt) AS d
                    FROM eq_w3 e WHERE e.id <= w.id AND e.id > w.id - 6 * 40) f;

-- a support function called directly returns a working state: still equal
SELECT duration_sketch_trans_seconds('v1 a=0.01 n=2 exact_us=1,5'::duration_sketch, 1.0)
       = 'v1 a=0.01 n=3 exact_us=1,5,1000000'::duration_sketch AS working_state_equal,
       duration_sketch_hash(duration_sketch_trans_seconds('v1 a=0.01 n=2 exact_us=1,5'::duration_sketch, 1.0))
       = duration_sketch_hash('v1 a=0.01 n=3 exact_us=1,5,1000000') AS working_state_hash;
-- trailing zeros do not make a value ratio different
SELECT 'value:1.50/3'::kpi_ratio = 'value:1.5/3.000'::kpi_ratio AS trimmed_equal,
       kpi_ratio_hash('value:1.50/3') = kpi_ratio_hash('value:1.5/3.000') AS trimmed_hash;
-- a NULL percentile received with other NaN bits is the same state (its
-- binary form, with those bits, by binary COPY from the client)
SELECT translate(encode(test.copy_frame(
         decode(replace(encode(duration_sketch_send('v1 a=0.01 p=null,0.5 n=2 exact_us=1,5'), 'hex'),
                        '7ff8000000000000', '7ff8000000000001'), 'hex')), 'base64'), E'\n', '')
\g (format=unaligned tuples_only=on) |base64 -d > "$SALESPERF_EQ_FILE"
CREATE TABLE eq_nan (d duration_sketch);
\copy eq_nan FROM PROGRAM 'cat "$SALESPERF_EQ_FILE"' (FORMAT binary)
SELECT d::text AS received FROM eq_nan;
\! rm -f "$SALESPERF_EQ_FILE"
SELECT d = 'v1 a=0.01 p=null,0.5 n=2 exact_us=1,5' AS odd_nan_equal,
       duration_sketch_hash(d) = duration_sketch_hash('v1 a=0.01 p=null,0.5 n=2 exact_us=1,5') AS odd_nan_hash
FROM eq_nan;
-- states that differ in one detail are unequal
SELECT '1/2'::kpi_ratio = '2/4' AS scaled_ratio, '1/2'::kpi_ratio = 'value:1/2' AS other_kind,
       'v1 a=0.01 n=2 exact_us=1,5'::duration_sketch = 'v1 a=0.01 n=2 exact_us=1,6' AS other_value,
       'v1 a=0.01 n=2 exact_us=1,5'::duration_sketch = 'v1 a=0.02 n=2 exact_us=1,5' AS other_accuracy,
       'v1 a=0.01 n=2 exact_us=1,5'::duration_sketch = 'v1 a=0.01 p=0.5 n=2 exact_us=1,5' AS other_percentiles,
       'v1 key text; a 2025-01-01=1'::upsell_summary = 'v1 key text; a 2025-01-01=2' AS other_amount,
       'v1 key text; a 2025-01-01=1'::upsell_summary = 'v1 key text; b 2025-01-01=1' AS other_account,
       'v1 key text; a 2025-01-01=1'::upsell_summary = 'v1 key text; a 2025-01-02=1' AS other_time,
       'v1 key bigint; 1 2025-01-01=1'::upsell_summary = 'v1 key text; 1 2025-01-01=1' AS other_key_type;

-- A pool of states with duplicates from every path, and a few near misses
CREATE TABLE eq_pool AS
SELECT r, v, l, d, u FROM eq_serial UNION ALL SELECT r, v, l, d, u FROM eq_parallel
UNION ALL SELECT r, v, l, d, u FROM eq_rollup UNION ALL SELECT r, v, l, d, u FROM eq_recv
UNION ALL SELECT r, v, l, d, u FROM eq_text
UNION ALL SELECT r, v, l, d, u FROM eq_states(true) WHERE g < 1200;
-- both sides analyzed, so the plans below do not depend on autovacuum
ANALYZE eq_pool, eq_serial;
SELECT count(*) AS pool FROM eq_pool;

-- SELECT DISTINCT, UNION, GROUP BY: as many states, with the same counts,
-- as the text forms give
SELECT (SELECT count(*) FROM (SELECT DISTINCT r FROM eq_pool) x) = (SELECT count(DISTINCT r::text) FROM eq_pool) AS distinct_r,
       (SELECT count(*) FROM (SELECT DISTINCT v FROM eq_pool) x) = (SELECT count(DISTINCT v::text) FROM eq_pool) AS distinct_v,
       (SELECT count(*) FROM (SELECT DISTINCT d FROM eq_pool) x) = (SELECT count(DISTINCT d::text) FROM eq_pool) AS distinct_d,
       (SELECT count(*) FROM (SELECT DISTINCT u FROM eq_pool) x) = (SELECT count(DISTINCT u::text) FROM eq_pool) AS distinct_u,
       (SELECT count(*) FROM (SELECT DISTINCT u FROM eq_pool) x) > 1000 AS many_distinct;
SELECT (SELECT count(*) FROM (SELECT v FROM eq_serial UNION SELECT v FROM eq_text) x) = (SELECT count(DISTINCT v::text) FROM eq_serial) AS union_v,
       (SELECT count(*) FROM (SELECT d FROM eq_serial UNION SELECT d FROM eq_recv) x) = (SELECT count(DISTINCT d::text) FROM eq_serial) AS union_d,
       (SELECT count(*) FROM (SELECT u FROM eq_serial UNION SELECT u FROM eq_text) x) = (SELECT count(DISTINCT u::text) FROM eq_serial) AS union_u,
       (SELECT count(*) FROM (SELECT r FROM eq_serial UNION SELECT r FROM eq_recv) x) = (SELECT count(DISTINCT r::text) FROM eq_serial) AS union_r;
SELECT (SELECT array_agg(n ORDER BY t) FROM (SELECT v::text AS t, count(*) AS n FROM eq_pool GROUP BY v) x)
       = (SELECT array_agg(n ORDER BY t) FROM (SELECT v::text AS t, count(*) AS n FROM eq_pool GROUP BY 1) x) AS group_by_v,
       (SELECT array_agg(n ORDER BY t) FROM (SELECT d::text AS t, count(*) AS n FROM eq_pool GROUP BY d) x)
       = (SELECT array_agg(n ORDER BY t) FROM (SELECT d::text AS t, count(*) AS n FROM eq_pool GROUP BY 1) x) AS group_by_d,
       (SELECT array_agg(n ORDER BY t) FROM (SELECT u::text AS t, count(*) AS n FROM eq_pool GROUP BY u) x)
       = (SELECT array_agg(n ORDER BY t) FROM (SELECT u::text AS t, count(*) AS n FROM eq_pool GROUP BY 1) x) AS group_by_u;

-- IN (list and subquery) and hash joins
SELECT (SELECT count(*) FROM eq_pool WHERE d IN (SELECT d FROM eq_serial WHERE g % 5 = 0))
       = (SELECT count(*) FROM eq_pool WHERE d::text IN (SELECT d::text FROM eq_serial WHERE g % 5 = 0)) AS in_subquery_d,
       (SELECT count(*) FROM eq_pool WHERE u IN (SELECT u FROM eq_serial WHERE g % 5 = 0))
       = (SELECT count(*) FROM eq_pool WHERE u::text IN (SELECT u::text FROM eq_serial WHERE g % 5 = 0)) AS in_subquery_u,
       (SELECT count(*) FROM eq_pool WHERE v IN ('value:0/0', (SELECT v FROM eq_serial WHERE g = 7), (SELECT v FROM eq_serial WHERE g = 8)))
       = (SELECT count(*) FROM eq_pool WHERE v::text IN ((SELECT v::text FROM eq_serial WHERE g = 7), (SELECT v::text FROM eq_serial WHERE g = 8))) AS in_list_v;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.r = b.r;
EXPLAIN (COSTS OFF) SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.d = b.d;
EXPLAIN (COSTS OFF) SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.u = b.u;
SELECT (SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.v = b.v)
       = (SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.v::text = b.v::text) AS hash_join_v,
       (SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.d = b.d)
       = (SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.d::text = b.d::text) AS hash_join_d,
       (SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.u = b.u)
       = (SELECT count(*) FROM eq_pool a JOIN eq_serial b ON a.u::text = b.u::text) AS hash_join_u;
RESET enable_mergejoin;
RESET enable_nestloop;

-- Over all pairs of a sample of the pool: = holds exactly when the text
-- forms are equal, <> is its negation, and equal states hash alike
CREATE TABLE eq_sample AS SELECT * FROM eq_pool ORDER BY md5(u::text || d::text) LIMIT 400;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE a.u = b.u) > 400 AS some_equal_pairs,
       bool_and((a.r = b.r) = (a.r::text = b.r::text) AND (a.r <> b.r) = NOT (a.r = b.r)) AS r_exact,
       bool_and((a.v = b.v) = (a.v::text = b.v::text) AND (a.v <> b.v) = NOT (a.v = b.v)) AS v_exact,
       bool_and((a.d = b.d) = (a.d::text = b.d::text) AND (a.d <> b.d) = NOT (a.d = b.d)) AS d_exact,
       bool_and((a.u = b.u) = (a.u::text = b.u::text) AND (a.u <> b.u) = NOT (a.u = b.u)) AS u_exact,
       bool_and(a.v <> b.v OR kpi_ratio_hash(a.v) = kpi_ratio_hash(b.v)) AS v_hash_agrees,
       bool_and(a.d <> b.d OR duration_sketch_hash(a.d) = duration_sketch_hash(b.d)) AS d_hash_agrees,
       bool_and(a.u <> b.u OR upsell_summary_hash(a.u) = upsell_summary_hash(b.u)) AS u_hash_agrees
FROM eq_sample a, eq_sample b;
-- distinct states rarely share a hash
SELECT count(DISTINCT upsell_summary_hash(u)) = count(DISTINCT u::text) AS u_hashes_spread,
       count(DISTINCT duration_sketch_hash(d)) = count(DISTINCT d::text) AS d_hashes_spread,
       count(DISTINCT kpi_ratio_hash(v)) = count(DISTINCT v::text) AS v_hashes_spread
FROM eq_pool;

DROP FUNCTION eq_same(eq_serial, eq_serial);
DROP TABLE eq_rows, eq_serial, eq_parallel, eq_rollup, eq_recv, eq_text, eq_w3, eq_window, eq_nan, eq_pool, eq_sample;
DROP FUNCTION eq_states(boolean);
