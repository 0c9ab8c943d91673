-- duration_sketch equivalence: one step = rollup of daily sketches =
-- parallel plan = window frame recomputation; the state depends only on
-- the multiset of values, never on row order, split or rollup tree.
\set VERBOSITY sqlstate
\set ECHO all

SELECT setseed(0.7);
-- a regular (not temp) table, so that parallel workers can scan it
CREATE TABLE sketch_leads AS
SELECT g AS id, date '2026-01-01' + (g % 120) AS day, (g * 7919) % 40 AS sdr,
       make_interval(secs => round((CASE WHEN random() < 0.02 THEN -exp(random() * 8)
                                         WHEN random() < 0.03 THEN 0
                                         ELSE exp(random() * ln(172800)) END)::numeric, 6)::float8) AS rt
FROM generate_series(1, 60000) g;
-- a few small SDRs (exact mode) too
INSERT INTO sketch_leads
SELECT 100000 + g, date '2026-01-01' + g, 100 + g % 3, make_interval(secs => g * 1.5) FROM generate_series(1, 70) g;
ANALYZE sketch_leads;
CREATE TEMP TABLE ps AS SELECT '{0,0.01,0.1,0.25,0.5,0.75,0.9,0.95,0.99,0.999,1}'::float8[] AS p;

-- one step, serial
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE one_step AS
SELECT sdr, response_time_agg(rt) AS s, response_time_percentile(rt, (SELECT p FROM ps)) AS pct,
       response_time_percentile(rt, 0.9) AS p90
FROM sketch_leads GROUP BY sdr;

-- rollup of per-day sketches, and a two-level tree (days -> months -> all)
CREATE TEMP TABLE daily AS SELECT sdr, day, response_time_agg(rt) AS s FROM sketch_leads GROUP BY sdr, day;
CREATE TEMP TABLE monthly AS SELECT sdr, date_trunc('month', day) AS month, rollup(s) AS s FROM daily GROUP BY 1, 2;
SELECT count(*) AS sdrs,
       bool_and(o.s::text = r.s::text) AS rollup_same_state,
       bool_and(o.s::text = m.s::text) AS tree_same_state,
       bool_and(o.pct = response_time_percentile(r.s, (SELECT p FROM ps))) AS rollup_same_answers,
       bool_and(o.p90 = response_time_percentile(m.s, 0.9)) AS tree_same_p90,
       count(*) FILTER (WHERE is_exact(o.s)) AS exact_sdrs
FROM one_step o
JOIN (SELECT sdr, rollup(s) AS s FROM daily GROUP BY sdr) r USING (sdr)
JOIN (SELECT sdr, rollup(s) AS s FROM monthly GROUP BY sdr) m USING (sdr);
-- rollup in another order and of a shuffled list of sketches
SELECT bool_and(o.s::text = r.s::text) AS any_rollup_order
FROM one_step o JOIN (SELECT sdr, rollup(s ORDER BY md5(day::text)) AS s FROM daily GROUP BY sdr) r USING (sdr);

-- row order does not matter
SELECT bool_and(o.s::text = x.s::text) AS any_row_order
FROM one_step o
JOIN (SELECT sdr, response_time_agg(rt ORDER BY md5(id::text)) AS s FROM sketch_leads GROUP BY sdr) x USING (sdr);
SELECT bool_and(o.s::text = x.s::text) AS descending_order
FROM one_step o
JOIN (SELECT sdr, response_time_agg(rt ORDER BY rt DESC) AS s FROM sketch_leads GROUP BY sdr) x USING (sdr);

-- parallel plans: Partial Aggregate, same states and answers
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT response_time_percentile(rt, 0.9) FROM sketch_leads;
EXPLAIN (COSTS OFF) SELECT sdr, response_time_agg(rt) FROM sketch_leads GROUP BY sdr;
SELECT response_time_percentile(rt, (SELECT p FROM ps)) = (SELECT response_time_percentile(rollup(s), (SELECT p FROM ps)) FROM daily) AS parallel_total,
       response_time_agg(rt)::text = (SELECT rollup(s)::text FROM daily) AS parallel_state
FROM sketch_leads;
SELECT bool_and(o.s::text = p.s::text AND o.p90 = p.p90) AS parallel_grouped
FROM one_step o
JOIN (SELECT sdr, response_time_agg(rt) AS s, response_time_percentile(rt, 0.9) AS p90 FROM sketch_leads GROUP BY sdr) p USING (sdr);
SELECT response_time_percentile(extract(epoch FROM rt)::float8, 0.9) = percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM rt)::float8)
       AS parallel_exact_small
FROM sketch_leads WHERE sdr = 100;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;

-- moving windows (inverse transitions) equal a recomputation of each frame:
-- 100-row frames (exact while the frame holds at most 64 rows, then buckets)
CREATE TEMP TABLE series AS
SELECT row_number() OVER (ORDER BY id) AS rn, rt, extract(epoch FROM rt)::float8 AS secs
FROM sketch_leads WHERE sdr = 3;
SELECT count(*) AS frames,
       bool_and(w.s::text = (SELECT response_time_agg(rt)::text FROM series f WHERE f.rn BETWEEN w.rn - 99 AND w.rn)) AS same_state,
       bool_and(w.p90 = (SELECT response_time_percentile(rt, 0.9) FROM series f WHERE f.rn BETWEEN w.rn - 99 AND w.rn)) AS same_p90,
       bool_and(w.p90s = (SELECT response_time_percentile(secs, 0.9) FROM series f WHERE f.rn BETWEEN w.rn - 99 AND w.rn)) AS same_p90_seconds,
       bool_and(w.several = (SELECT response_time_percentile(rt, '{0.5,0.99}'::float8[]) FROM series f WHERE f.rn BETWEEN w.rn - 99 AND w.rn)) AS same_array
FROM (SELECT rn, response_time_agg(rt) OVER w AS s, response_time_percentile(rt, 0.9) OVER w AS p90,
             response_time_percentile(secs, 0.9) OVER w AS p90s,
             response_time_percentile(rt, '{0.5,0.99}'::float8[]) OVER w AS several
      FROM series WINDOW w AS (ORDER BY rn ROWS BETWEEN 99 PRECEDING AND CURRENT ROW)) w;
-- small frames stay exact: equal to percentile_cont over the frame
SELECT bool_and(w.p50 = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FROM series f WHERE f.rn BETWEEN w.rn - 9 AND w.rn)) AS small_frames_exact
FROM (SELECT rn, response_time_percentile(secs, 0.5) OVER (ORDER BY rn ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS p50 FROM series) w;
-- a rolling 30-day p90 from daily sketches (rollup's inverse)
CREATE TEMP TABLE daily_all AS SELECT day, rollup(s) AS s FROM daily GROUP BY day;
SELECT count(*) AS days,
       bool_and(w.s::text = (SELECT rollup(s)::text FROM daily_all f WHERE f.day BETWEEN w.day - 29 AND w.day)) AS same_state,
       bool_and(w.p90 = (SELECT response_time_percentile(rt, 0.9) FROM sketch_leads f WHERE f.day BETWEEN w.day - 29 AND w.day)) AS same_as_rows
FROM (SELECT day, rollup(s) OVER w AS s, response_time_percentile(rollup(s) OVER w, 0.9) AS p90
      FROM daily_all WINDOW w AS (ORDER BY day RANGE BETWEEN '29 days' PRECEDING AND CURRENT ROW)) w;
-- the per-SDR daily series: frames that shrink into the exact range
SELECT bool_and(w.s::text IS NOT DISTINCT FROM (SELECT rollup(s)::text FROM daily f WHERE f.sdr = w.sdr AND f.day BETWEEN w.day - 6 AND w.day)) AS weekly_frames
FROM (SELECT sdr, day, rollup(s) OVER (PARTITION BY sdr ORDER BY day RANGE BETWEEN '6 days' PRECEDING AND CURRENT ROW) AS s FROM daily) w;

-- the inverse transitions themselves: exact when they answer, NULL when not
SELECT duration_sketch_inv_seconds(s, 50)::text = (SELECT response_time_agg(g::float8) FROM generate_series(1, 100) g WHERE g <> 50)::text AS bucket_remove,
       duration_sketch_inv_seconds(s, 1) IS NULL AS min_needs_recompute,
       duration_sketch_inv_seconds(s, 100) IS NULL AS max_needs_recompute,
       duration_sketch_inv_seconds(duration_sketch_inv_seconds('v1 a=0.01 n=3 exact_us=1,2,3', 0.000001), 0.000003)::text AS exact_remove,
       duration_sketch_uncombine(s, (SELECT response_time_agg(g::float8) FROM generate_series(20, 30) g))::text
         = (SELECT response_time_agg(g::float8) FROM generate_series(1, 100) g WHERE g NOT BETWEEN 20 AND 30)::text AS bucket_uncombine,
       duration_sketch_uncombine(s, (SELECT response_time_agg(g::float8) FROM generate_series(1, 30) g)) IS NULL AS uncombine_min_recompute,
       duration_sketch_uncombine(s, (SELECT response_time_agg(g::float8) FROM generate_series(2, 40) g)) IS NULL AS uncombine_into_exact_recompute
FROM (SELECT response_time_agg(g::float8) AS s FROM generate_series(1, 100) g) t;

-- stored sketches survive a table round trip (the pg_dump path is text)
CREATE TEMP TABLE stored AS SELECT sdr, s::text AS t FROM one_step;
SELECT bool_and(o.pct = response_time_percentile(st.t::duration_sketch, (SELECT p FROM ps))) AS text_restore_same_answers,
       max(octet_length(st.t)) < 8000 AS text_is_compact
FROM one_step o JOIN stored st USING (sdr);

DROP TABLE sketch_leads;

-- hash aggregation that spills to disk keeps states intact
SELECT setseed(0.9);
CREATE TEMP TABLE many AS
SELECT g % 3000 AS k, make_interval(secs => round(exp(random() * 12)::numeric, 6)::float8) AS rt
FROM generate_series(1, 300000) g;
SET enable_sort = off;
SET work_mem = '64kB';
CREATE TEMP TABLE hashed AS SELECT k, response_time_agg(rt)::text AS s FROM many GROUP BY k;
RESET work_mem;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS groups, bool_and(h.s = x.s) AS spilled_hash_equals_sorted
FROM hashed h JOIN (SELECT k, response_time_agg(rt)::text AS s FROM many GROUP BY k) x USING (k);
RESET enable_hashagg;
