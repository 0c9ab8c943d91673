-- funnel_agg on generated stage histories (fixed seed) against the plain
-- window-function SQL of the gaps-and-islands reading, per owner; and the
-- two-step properties: one step = rollup of daily states = rollup of random
-- interleaved splits (a deal's rows spread over several states) = a forced
-- parallel plan = text and binary round trips; keys of every concrete type
-- give the same funnel.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
SET TimeZone = 'UTC';
SELECT setseed(0.4321);

-- 480 deals over 8 owners, 2 to 14 rows each: the next stage is a step
-- forward, a skip, a move back, a re-log of the same stage (an amount or
-- close-date edit) or an unlisted stage (Closed Lost, Nurture); times on a
-- 6-hour grid, so rows of one deal often share an instant
CREATE TEMP TABLE gh (owner int, deal bigint, stage text, at timestamptz);
DO $$
DECLARE
	stages text[] := ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won'];
	pos int;
	t timestamptz;
	r float8;
BEGIN
	FOR d IN 1..480 LOOP
		pos := 1 + (random() * 1.2)::int;
		t := '2024-01-01'::timestamptz + ((random() * 360)::int * interval '6 hours');
		FOR i IN 1..(2 + (random() * 12)::int) LOOP
			r := random();
			IF r < 0.08 THEN
				INSERT INTO gh VALUES (1 + d % 8, d, CASE WHEN random() < 0.5 THEN 'Closed Lost' ELSE 'Nurture' END, t);
			ELSE
				INSERT INTO gh VALUES (1 + d % 8, d, stages[pos], t);
			END IF;
			r := random();
			pos := CASE WHEN r < 0.45 THEN pos + 1 WHEN r < 0.6 THEN pos + 2
			            WHEN r < 0.75 THEN pos - 1 ELSE pos END;
			pos := greatest(1, least(5, pos));
			t := t + ((random() * 40)::int * interval '6 hours');
		END LOOP;
	END LOOP;
END $$;
-- exact duplicates and NULLs change nothing
INSERT INTO gh SELECT * FROM gh WHERE random() < 0.05;
INSERT INTO gh VALUES (1, NULL, 'Proposal', '2024-02-01'), (1, 7, NULL, '2024-02-01'), (1, 7, 'Closed Won', NULL);
SELECT count(*) AS rows, count(DISTINCT deal) AS deals, count(DISTINCT owner) AS owners,
       count(*) - count(DISTINCT (deal, at)) > 100 AS many_ties
FROM gh;

CREATE TEMP TABLE gl AS
SELECT stage, pos::int FROM unnest(ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won'])
	WITH ORDINALITY AS l(stage, pos);
CREATE TEMP TABLE one AS
SELECT owner, funnel_agg(deal, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS s
FROM gh GROUP BY owner;

-- ---------------------------------------------------------------------
-- The window-function reference, per owner
-- ---------------------------------------------------------------------
CREATE TEMP TABLE g_rows AS
SELECT h.owner, h.deal, h.stage, h.at, gl.pos,
       row_number() OVER (PARTITION BY h.deal ORDER BY h.at, coalesce(gl.pos, 1000), h.stage) AS rn
FROM gh h LEFT JOIN gl USING (stage)
WHERE h.deal IS NOT NULL AND h.stage IS NOT NULL AND h.at IS NOT NULL;
CREATE TEMP TABLE g_stays AS
SELECT owner, deal, stage, pos, at AS start_at, lead(at) OVER (PARTITION BY deal ORDER BY rn) AS end_at
FROM (SELECT r.*, lag(stage) OVER (PARTITION BY deal ORDER BY rn) AS prev FROM g_rows r) x
WHERE prev IS DISTINCT FROM stage;
CREATE TEMP TABLE g_first AS
SELECT owner, deal, pos, min(at) AS first_at FROM g_rows WHERE pos IS NOT NULL GROUP BY owner, deal, pos;
CREATE TEMP TABLE g_deal AS
SELECT owner, deal, max(pos) AS furthest FROM g_rows GROUP BY owner, deal;
-- in order up to k: first entries of 1..k exist and never decrease
CREATE TEMP TABLE g_in_order AS
SELECT owner, deal, coalesce(max(pos) FILTER (WHERE ok), 0) AS depth
FROM (SELECT owner, deal, pos,
             pos = row_number() OVER w
             AND bool_and(coalesce(first_at >= prev_at, true)) OVER w AS ok
      FROM (SELECT f.*, lag(first_at) OVER (PARTITION BY deal ORDER BY pos) AS prev_at FROM g_first f) y
      WINDOW w AS (PARTITION BY deal ORDER BY pos)) z
GROUP BY owner, deal;
CREATE TEMP TABLE g_steps AS
SELECT o.owner, gl.pos AS position,
       (SELECT count(*) FROM g_deal d WHERE d.owner = o.owner AND coalesce(d.furthest, 0) >= gl.pos) AS reached,
       (SELECT count(*) FROM g_in_order d WHERE d.owner = o.owner AND d.depth >= gl.pos) AS reached_in_order
FROM (SELECT DISTINCT owner FROM gh) o, gl;
CREATE TEMP TABLE g_time_in AS
SELECT owner, pos, deal, sum(end_at - start_at) AS total
FROM g_stays WHERE pos IS NOT NULL AND end_at IS NOT NULL GROUP BY owner, pos, deal;

SELECT count(*) AS step_mismatches
FROM one, funnel_steps(s) f JOIN g_steps r USING (position)
WHERE r.owner = one.owner
  AND (f.reached <> r.reached OR f.reached_in_order <> r.reached_in_order
       OR f.step_conversion IS DISTINCT FROM
          (SELECT n.reached::float8 / nullif(r.reached, 0) FROM g_steps n
           WHERE n.owner = r.owner AND n.position = r.position + 1)
       OR f.cumulative_conversion IS DISTINCT FROM
          r.reached::float8 / nullif((SELECT reached FROM g_steps n WHERE n.owner = r.owner AND n.position = 1), 0));
SELECT count(*) AS checked FROM one, funnel_steps(s);

-- percentiles: 60 deals an owner, so at most 60 values: exact
CREATE TEMP TABLE g_ps AS SELECT unnest(ARRAY[0, 0.1, 0.5, 0.9, 1]::float8[]) AS p;
SELECT count(*) AS time_in_stage_mismatches
FROM one CROSS JOIN gl CROSS JOIN g_ps
     LEFT JOIN (SELECT owner, pos, p, percentile_cont(p) WITHIN GROUP (ORDER BY total) AS want
                FROM g_time_in, g_ps GROUP BY owner, pos, p) r USING (owner, pos, p)
WHERE time_in_stage(s, gl.stage, p) IS DISTINCT FROM want;
SELECT count(*) AS time_between_mismatches
FROM one CROSS JOIN gl a CROSS JOIN gl b CROSS JOIN g_ps
     LEFT JOIN (SELECT fa.owner, fa.pos AS apos, fb.pos AS bpos, p,
                       percentile_cont(p) WITHIN GROUP (ORDER BY fb.first_at - fa.first_at) AS want
                FROM g_first fa JOIN g_first fb USING (owner, deal), g_ps
                WHERE fb.first_at >= fa.first_at GROUP BY fa.owner, fa.pos, fb.pos, p) r
     ON r.owner = one.owner AND r.apos = a.pos AND r.bpos = b.pos AND r.p = g_ps.p
WHERE time_between(s, a.stage, b.stage, g_ps.p) IS DISTINCT FROM want;

-- over every deal (480 values): within 1% of the exact percentile
SELECT count(*) AS beyond_one_percent
FROM (SELECT rollup(s) AS s FROM one) a, gl, unnest(ARRAY[0.1, 0.5, 0.9]) p,
     LATERAL (SELECT extract(epoch FROM time_in_stage(a.s, gl.stage, p)) AS got,
                     extract(epoch FROM (SELECT percentile_disc(p) WITHIN GROUP (ORDER BY total)
                                         FROM g_time_in t WHERE t.pos = gl.pos)) AS lo,
                     extract(epoch FROM (SELECT percentile_cont(p) WITHIN GROUP (ORDER BY total)
                                         FROM g_time_in t WHERE t.pos = gl.pos)) AS want) x
WHERE abs(got - want) > 0.01 * want AND abs(got - lo) > 0.01 * lo;

-- ---------------------------------------------------------------------
-- Two steps
-- ---------------------------------------------------------------------
-- daily states: a deal's stays cross days, so its rows spread over states
CREATE TEMP TABLE daily AS
SELECT owner, at::date AS day,
       funnel_agg(deal, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS s
FROM gh GROUP BY owner, at::date;
SELECT count(*) AS owners_differing
FROM one JOIN (SELECT owner, rollup(s) AS s FROM daily GROUP BY owner) r USING (owner)
WHERE one.s <> r.s OR one.s::text <> r.s::text;
-- quarters of daily states, then the year: the same again
SELECT count(*) AS owners_differing
FROM one JOIN (SELECT owner, rollup(s) AS s
               FROM (SELECT owner, rollup(s) AS s FROM daily GROUP BY owner, date_trunc('quarter', day)) q
               GROUP BY owner) r USING (owner)
WHERE one.s <> r.s;
-- random interleaved splits: each row to one of 1..k states at random,
-- states merged in random order
SELECT count(*) AS splits_differing
FROM generate_series(2, 9) k,
     LATERAL (SELECT owner, rollup(s ORDER BY random()) AS s
              FROM (SELECT owner, funnel_agg(deal, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS s
                    FROM (SELECT *, (random() * k)::int AS part FROM gh) x GROUP BY owner, part) y
              GROUP BY owner) r
JOIN one USING (owner)
WHERE one.s <> r.s;
-- a state merged with itself, or with a part of itself, is unchanged
SELECT count(*) AS idempotence_failures
FROM one, LATERAL (SELECT rollup(x) AS r FROM (VALUES (one.s), (one.s)) v(x)) a
WHERE a.r <> one.s;

-- parallel plans: Partial Aggregate in the workers (deals split between
-- them), combine in the leader.  Temporary tables are never scanned in
-- parallel: these are plain ones.
CREATE TABLE funnel_eq_rows AS SELECT * FROM gh ORDER BY random();
CREATE TABLE funnel_eq_daily AS SELECT * FROM daily ORDER BY random();
CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q;
END $$;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT bool_or(p ~ 'Partial .*Aggregate') AS grouped_partial, bool_or(p ~ 'Workers Launched: [12]') AS grouped_workers
FROM pg_temp.plan('CREATE TABLE funnel_eq_par AS SELECT owner,
                   funnel_agg(deal, stage, at, ARRAY[''Prospecting'',''Qualification'',''Proposal'',''Negotiation'',''Closed Won'']) AS s
                   FROM funnel_eq_rows GROUP BY owner') p;
SELECT bool_or(p ~ 'Partial Aggregate') AS whole_partial, bool_or(p ~ 'Workers Launched: [12]') AS whole_workers
FROM pg_temp.plan('CREATE TABLE funnel_eq_par_all AS SELECT
                   funnel_agg(deal, stage, at, ARRAY[''Prospecting'',''Qualification'',''Proposal'',''Negotiation'',''Closed Won'']) AS s
                   FROM funnel_eq_rows') p;
SELECT bool_or(p ~ 'Partial .*Aggregate') AS rollup_partial, bool_or(p ~ 'Workers Launched: [12]') AS rollup_workers
FROM pg_temp.plan('CREATE TABLE funnel_eq_par_rollup AS SELECT owner, rollup(s) AS s FROM funnel_eq_daily GROUP BY owner') p;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT count(*) AS owners, bool_and(p.s = o.s AND p.s::text = o.s::text) AS parallel_state_equal,
       bool_and(r.s = o.s) AS parallel_rollup_equal
FROM funnel_eq_par p JOIN one o USING (owner) JOIN funnel_eq_par_rollup r USING (owner);
SELECT (SELECT s FROM funnel_eq_par_all) = (SELECT rollup(s) FROM one) AS parallel_whole_equal;
DROP TABLE funnel_eq_rows, funnel_eq_daily, funnel_eq_par, funnel_eq_par_all, funnel_eq_par_rollup;

-- text and binary round trips
SELECT count(*) AS text_round_trip_failures FROM one WHERE s::text::funnel_summary <> s OR s::text::funnel_summary::text <> s::text;
\set rt_query 'SELECT owner, s FROM one UNION ALL SELECT 0, s FROM daily'
\i :abs_srcdir/sql/include/binary_round_trip.sql
SELECT count(*) AS send_recv_failures FROM one
WHERE test.binary_round_trip(s) <> s::text;

-- the same history keyed by integer, text and uuid: the same funnel
SELECT count(*) AS key_type_differing
FROM one,
     LATERAL (SELECT funnel_agg(deal::int, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS i,
                     funnel_agg(deal::text, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS t,
                     funnel_agg(md5(deal::text)::uuid, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS u,
                     funnel_agg(deal::numeric, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS n
              FROM gh WHERE gh.owner = one.owner) k
WHERE (SELECT array_agg(f ORDER BY position) FROM funnel_steps(s) f)::text
      NOT IN ((SELECT array_agg(f ORDER BY position) FROM funnel_steps(i) f)::text)
   OR (SELECT array_agg(f ORDER BY position) FROM funnel_steps(s) f)::text
      <> (SELECT array_agg(f ORDER BY position) FROM funnel_steps(t) f)::text
   OR (SELECT array_agg(f ORDER BY position) FROM funnel_steps(s) f)::text
      <> (SELECT array_agg(f ORDER BY position) FROM funnel_steps(u) f)::text
   OR (SELECT array_agg(f ORDER BY position) FROM funnel_steps(s) f)::text
      <> (SELECT array_agg(f ORDER BY position) FROM funnel_steps(n) f)::text
   OR time_in_stage(s, 'Proposal', 0.5) IS DISTINCT FROM time_in_stage(t, 'Proposal', 0.5)
   OR time_in_stage(s, 'Proposal', 0.5) IS DISTINCT FROM time_in_stage(u, 'Proposal', 0.5);

-- as a window function (frames from the partition start): running funnel
SELECT count(*) AS window_mismatches
FROM (SELECT owner, day,
             reached(rollup(s) OVER (PARTITION BY owner ORDER BY day), 'Proposal') AS running
      FROM daily WHERE day IS NOT NULL) w
WHERE running <> (SELECT count(DISTINCT deal) FROM g_rows r
                  WHERE r.owner = w.owner AND r.at::date <= w.day AND r.pos >= 3);
