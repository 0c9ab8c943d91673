-- The ratio KPIs give one answer whatever the path: one step, two steps
-- (daily states rolled up to month and quarter), parallel plans, window
-- frames and any row order; each checked against plain SQL.
\getenv abs_srcdir PG_ABS_SRCDIR
SELECT setseed(0.42);

CREATE TABLE opps AS
SELECT g AS id,
       (random() * 499)::int AS owner,
       date '2024-01-01' + (random() * 364)::int AS day,
       random() < 0.8 AS is_closed,
       NULL::boolean AS is_won,
       round((random() * random() * 100000)::numeric, 2) AS amount,
       (random() * 12)::int AS calls
FROM generate_series(1, 1000000) g;
UPDATE opps SET is_won = is_closed AND random() < 0.3 + owner / 2000.0;
UPDATE opps SET amount = NULL WHERE id % 997 = 0;
UPDATE opps SET is_won = NULL WHERE id % 1009 = 0;
ANALYZE opps;

-- plain SQL, the independent computation
CREATE TEMP TABLE plain AS
SELECT owner,
       (count(*) FILTER (WHERE is_won AND is_closed))::float8
         / count(*) FILTER (WHERE is_won IS NOT NULL AND is_closed) AS close_rate,
       (sum(amount) FILTER (WHERE is_won AND is_closed AND amount IS NOT NULL)
         / sum(amount) FILTER (WHERE is_won IS NOT NULL AND is_closed))::float8 AS value_rate,
       (count(*) FILTER (WHERE is_won))::float8
         / sum(calls) FILTER (WHERE is_won IS NOT NULL) AS lqe
FROM opps GROUP BY owner;

-- the KPIs per owner, planned afresh under each setting below
CREATE VIEW per_owner AS
SELECT owner,
       close_rate(is_won) FILTER (WHERE is_closed) AS close_rate,
       close_rate(is_won, amount) FILTER (WHERE is_closed) AS value_rate,
       lead_qualification_efficiency(is_won, calls) AS lqe,
       close_rate_agg(is_won) FILTER (WHERE is_closed) AS state
FROM opps GROUP BY owner;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM per_owner;

-- forced parallel plan: a Partial Aggregate runs in the workers
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT * FROM per_owner;
CREATE TEMP TABLE parallel AS SELECT * FROM per_owner;
EXPLAIN (COSTS OFF)
SELECT close_rate(is_won), lead_qualification_efficiency_agg(is_won, calls) FROM opps;
SELECT close_rate(is_won) FILTER (WHERE is_closed) = (SELECT count(*) FILTER (WHERE is_won AND is_closed)::float8
                                                   / count(*) FILTER (WHERE is_won IS NOT NULL AND is_closed) FROM opps)
       AS parallel_ungrouped_matches
FROM opps;
RESET parallel_leader_participation;

-- all three agree exactly, owner by owner
SELECT count(*) AS owners,
       bool_and(s.close_rate = p.close_rate) AS serial_is_plain,
       bool_and(s.value_rate = p.value_rate) AS value_serial_is_plain,
       bool_and(s.lqe = p.lqe) AS lqe_serial_is_plain,
       bool_and(q.close_rate = p.close_rate AND q.value_rate = p.value_rate AND q.lqe = p.lqe)
         AS parallel_is_plain,
       bool_and(q.state = s.state) AS parallel_state_is_serial_state
FROM plain p JOIN serial s USING (owner) JOIN parallel q USING (owner);

-- two steps: daily states in a materialized view, rolled up to any period
CREATE MATERIALIZED VIEW daily AS
SELECT owner, day,
       close_rate_agg(is_won) FILTER (WHERE is_closed) AS won_state,
       close_rate_agg(is_won, amount) FILTER (WHERE is_closed) AS value_state,
       lead_qualification_efficiency_agg(is_won, calls) AS lead_state
FROM opps GROUP BY owner, day;

SELECT period,
       count(*) AS groups,
       bool_and(r.close_rate IS NOT DISTINCT FROM o.close_rate) AS count_rollup_matches,
       bool_and(r.value_rate IS NOT DISTINCT FROM o.value_rate) AS value_rollup_matches,
       bool_and(r.lqe IS NOT DISTINCT FROM o.lqe) AS lqe_rollup_matches
FROM (VALUES ('month'), ('quarter'), ('year')) periods(period)
CROSS JOIN LATERAL (
	SELECT owner, date_trunc(period, day) AS t,
	       close_rate(rollup(won_state)) AS close_rate,
	       close_rate(rollup(value_state)) AS value_rate,
	       lead_qualification_efficiency(rollup(lead_state)) AS lqe
	FROM daily GROUP BY owner, date_trunc(period, day)) r
JOIN LATERAL (
	SELECT owner, date_trunc(period, day) AS t,
	       close_rate(is_won) FILTER (WHERE is_closed) AS close_rate,
	       close_rate(is_won, amount) FILTER (WHERE is_closed) AS value_rate,
	       lead_qualification_efficiency(is_won, calls) AS lqe
	FROM opps GROUP BY owner, date_trunc(period, day)) o USING (owner, t)
GROUP BY period ORDER BY period;

-- what Citus relies on: every stored state survives text out -> in and
-- binary send -> receive unchanged
SELECT count(*) AS states,
       bool_and(won_state::text::kpi_ratio = won_state AND value_state::text::kpi_ratio = value_state
                AND lead_state::text::kpi_ratio = lead_state) AS text_round_trip
FROM daily;
\set rt_query 'SELECT won_state, value_state, lead_state FROM daily'
\i :abs_srcdir/sql/include/binary_round_trip.sql

-- row order does not change the state
SELECT close_rate_agg(is_won, amount ORDER BY random()) = close_rate_agg(is_won, amount ORDER BY id DESC)
         AS value_state_order_free,
       lead_qualification_efficiency_agg(is_won, calls ORDER BY random())
         = lead_qualification_efficiency_agg(is_won, calls) AS lead_state_order_free
FROM opps WHERE owner < 20;

-- window frames: the moving aggregate (with its inverse) against a
-- LATERAL recomputation of every frame
CREATE TEMP TABLE w AS SELECT * FROM opps WHERE owner < 6 ORDER BY id;
CREATE INDEX ON w (id);
ANALYZE w;
SELECT bool_and(win.cr IS NOT DISTINCT FROM lat.cr) AS rows_frame_close_rate,
       bool_and(win.vr IS NOT DISTINCT FROM lat.vr) AS rows_frame_value_rate,
       bool_and(win.lq IS NOT DISTINCT FROM lat.lq) AS rows_frame_lqe,
       bool_and(win.st IS NOT DISTINCT FROM lat.st) AS rows_frame_state,
       count(*) AS frames
FROM (SELECT id,
             close_rate(is_won) OVER f AS cr, close_rate(is_won, amount) OVER f AS vr,
             lead_qualification_efficiency(is_won, calls) OVER f AS lq,
             close_rate_agg(is_won) OVER f AS st
      FROM w WINDOW f AS (ORDER BY id ROWS BETWEEN 40 PRECEDING AND CURRENT ROW)) win
JOIN LATERAL (
	SELECT close_rate(x.is_won) AS cr, close_rate(x.is_won, x.amount) AS vr,
	       lead_qualification_efficiency(x.is_won, x.calls) AS lq, close_rate_agg(x.is_won) AS st
	FROM (SELECT * FROM w w2 WHERE w2.id <= win.id ORDER BY w2.id DESC LIMIT 41) x) lat ON true;

-- a rolling 30-day close rate per owner over the stored daily states
CREATE TEMP TABLE few AS SELECT * FROM opps WHERE owner < 10;
CREATE INDEX ON few (owner, day);
ANALYZE few;
SELECT bool_and(win.cr IS NOT DISTINCT FROM lat.cr) AS rolling_30_day_rollup,
       count(*) AS frames
FROM (SELECT owner, day,
             close_rate(rollup(won_state) OVER (PARTITION BY owner ORDER BY day
                                                RANGE BETWEEN '29 days' PRECEDING AND CURRENT ROW)) AS cr
      FROM daily WHERE owner < 10) win
JOIN LATERAL (
	SELECT (count(*) FILTER (WHERE o.is_won))::float8 / nullif(count(o.is_won), 0) AS cr
	FROM few o
	WHERE o.owner = win.owner AND o.is_closed
	  AND o.day BETWEEN win.day - 29 AND win.day) lat ON true;

-- the same rolling frame straight from the raw rows, by day
SELECT bool_and(win.cr IS NOT DISTINCT FROM lat.cr) AS rolling_30_day_raw, count(*) AS frames
FROM (SELECT DISTINCT owner, day,
             close_rate(is_won) OVER (PARTITION BY owner ORDER BY day
                                      RANGE BETWEEN '29 days' PRECEDING AND CURRENT ROW) AS cr
      FROM opps WHERE owner < 10 AND is_closed) win
JOIN LATERAL (
	SELECT (count(*) FILTER (WHERE o.is_won))::float8 / nullif(count(o.is_won), 0) AS cr
	FROM few o
	WHERE o.owner = win.owner AND o.is_closed
	  AND o.day BETWEEN win.day - 29 AND win.day) lat ON true;

DROP MATERIALIZED VIEW daily;
DROP VIEW per_owner;
DROP TABLE opps;
