-- funnel_agg on a small fixed stage history against plain SQL window
-- queries (gaps and islands with lag and lead) and against numbers worked
-- out by hand in the comments: reached, reached in order, conversions, time
-- in stage, time between stages; ties at one instant, skipped stages, moves
-- back, reopened deals, stages not in the list; row order does not matter.
\getenv abs_srcdir PG_ABS_SRCDIR
\set VERBOSITY sqlstate
SET TimeZone = 'UTC';
SELECT setseed(0.1212);

-- Stages: 1 Prospecting, 2 Qualification, 3 Proposal, 4 Negotiation,
-- 5 Closed Won.  Closed Lost and Nurture are not in the list.
CREATE TEMP TABLE fl AS
SELECT stage, pos::int FROM unnest(ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won'])
	WITH ORDINALITY AS l(stage, pos);
CREATE TEMP TABLE fh (deal bigint, stage text, at timestamptz);
INSERT INTO fh VALUES
 -- deal 1 straight through; Qualification logged twice (an amount edit)
 -- stays: P 2d, Q 7d, Proposal 5d, N 5d, Won open
 (1, 'Prospecting',   '2024-01-01'), (1, 'Qualification', '2024-01-03'),
 (1, 'Qualification', '2024-01-05'), (1, 'Proposal',      '2024-01-10'),
 (1, 'Negotiation',   '2024-01-15'), (1, 'Closed Won',    '2024-01-20'),
 -- deal 2 skips Qualification and Proposal, then is lost
 -- stays: P 2d, N 5d, Lost open; furthest 4, in order up to 1
 (2, 'Prospecting',   '2024-01-02'), (2, 'Negotiation',   '2024-01-04'),
 (2, 'Closed Lost',   '2024-01-09'),
 -- deal 3 moves back to Qualification, and Nurture is logged at the same
 -- instant: Qualification sorts first (listed before unlisted), a 0 stay
 -- stays: P 1d, Q 4d, N 2d, Q 0, Nurture open; Q total 4d; in order up to 2
 (3, 'Prospecting',   '2024-01-01'), (3, 'Qualification', '2024-01-02'),
 (3, 'Negotiation',   '2024-01-06'), (3, 'Nurture',       '2024-01-08'),
 (3, 'Qualification', '2024-01-08'),
 -- deal 4 is lost, reopened and won: stays P 2d, Lost 15d, P 2d, Q 8d,
 -- Won open; P total 4d; in order up to 2 (no Proposal)
 (4, 'Prospecting',   '2024-01-03'), (4, 'Closed Lost',   '2024-01-05'),
 (4, 'Prospecting',   '2024-01-20'), (4, 'Qualification', '2024-01-22'),
 (4, 'Closed Won',    '2024-01-30'),
 -- deal 5: Qualification and Prospecting at one instant (logged in that
 -- order; Prospecting sorts first by position), then a close-date edit
 -- stays: P 0, Q 12h, Proposal open; in order up to 3
 (5, 'Qualification', '2024-01-04'), (5, 'Prospecting',   '2024-01-04'),
 (5, 'Proposal',      '2024-01-04 12:00'), (5, 'Proposal', '2024-01-06'),
 -- deal 6 never enters a listed stage
 (6, 'Nurture',       '2024-01-02'), (6, 'Closed Lost',   '2024-01-03'),
 -- deal 7 has Proposal logged before Qualification: reached 4, in order 0
 -- stays: Proposal 2d, Q 5d, N open
 (7, 'Proposal',      '2024-01-05'), (7, 'Qualification', '2024-01-07'),
 (7, 'Negotiation',   '2024-01-12'),
 -- rows with a NULL deal, stage or time are ignored
 (NULL, 'Closed Won', '2024-01-02'), (1, NULL, '2024-01-02'), (1, 'Closed Won', NULL);

CREATE TEMP TABLE fs AS
SELECT funnel_agg(deal, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']) AS s
FROM fh;
SELECT s FROM fs;
SELECT deal_count(s) FROM fs;

-- By hand: furthest positions 5, 4, 4, 5, 3, none, 4 so reached = 6, 6, 6,
-- 5, 2; in-order depths 5, 1, 2, 2, 3, 0, 0 so reached_in_order = 5, 4,
-- 2, 1, 1; step conversion 1, 1, 5/6, 2/5, NULL; cumulative 1, 1, 1, 5/6, 1/3
SELECT f.* FROM fs, funnel_steps(s) f;

-- ---------------------------------------------------------------------
-- The plain-SQL reference
-- ---------------------------------------------------------------------
-- rows in the spec's order: by time, then listed stages by position, then
-- unlisted ones by name
CREATE TEMP TABLE ref_rows AS
SELECT h.deal, h.stage, h.at, fl.pos,
       row_number() OVER (PARTITION BY h.deal ORDER BY h.at, coalesce(fl.pos, 1000), h.stage) AS rn
FROM fh h LEFT JOIN fl USING (stage)
WHERE h.deal IS NOT NULL AND h.stage IS NOT NULL AND h.at IS NOT NULL;
-- islands: a stay starts where the stage differs from the previous row's
-- and ends where the next stay starts (NULL: open)
CREATE TEMP TABLE ref_stays AS
SELECT deal, stage, pos, at AS start_at, lead(at) OVER (PARTITION BY deal ORDER BY rn) AS end_at
FROM (SELECT r.*, lag(stage) OVER (PARTITION BY deal ORDER BY rn) AS prev FROM ref_rows r) x
WHERE prev IS DISTINCT FROM stage;
CREATE TEMP TABLE ref_first AS
SELECT deal, pos, min(at) AS first_at FROM ref_rows WHERE pos IS NOT NULL GROUP BY deal, pos;
CREATE TEMP TABLE ref_depth AS
SELECT d.deal,
       coalesce((SELECT max(pos) FROM ref_rows r WHERE r.deal = d.deal), 0) AS furthest,
       -- the longest prefix 1..k entered with non-decreasing first times
       coalesce((SELECT max(k) FROM generate_series(1, 5) k
                 WHERE (SELECT count(*) FROM ref_first f WHERE f.deal = d.deal AND f.pos <= k) = k
                   AND NOT EXISTS (SELECT 1 FROM ref_first a JOIN ref_first b USING (deal)
                                   WHERE a.deal = d.deal AND b.pos = a.pos + 1 AND b.pos <= k
                                     AND b.first_at < a.first_at)), 0) AS in_order
FROM (SELECT DISTINCT deal FROM ref_rows) d;
CREATE TEMP TABLE ref_steps AS
SELECT fl.pos AS position, fl.stage,
       (SELECT count(*) FROM ref_depth WHERE furthest >= fl.pos) AS reached,
       (SELECT count(*) FROM ref_depth WHERE in_order >= fl.pos) AS reached_in_order
FROM fl;

SELECT * FROM ref_stays ORDER BY deal, start_at, pos;

-- funnel_steps agrees with the reference, conversions included
SELECT count(*) AS mismatches
FROM fs, funnel_steps(s) f FULL JOIN ref_steps r USING (position)
WHERE f.stage IS DISTINCT FROM r.stage OR f.reached IS DISTINCT FROM r.reached
   OR f.reached_in_order IS DISTINCT FROM r.reached_in_order
   OR f.step_conversion IS DISTINCT FROM
      (SELECT n.reached::float8 / nullif(r.reached, 0) FROM ref_steps n WHERE n.position = r.position + 1)
   OR f.cumulative_conversion IS DISTINCT FROM
      r.reached::float8 / nullif((SELECT reached FROM ref_steps WHERE position = 1), 0);
SELECT count(*) AS mismatches FROM fs, ref_steps r WHERE reached(s, r.stage) <> r.reached;

-- stage_conversion is reached(to) / reached(from) as a kpi_ratio
SELECT stage_conversion(s, 'Proposal', 'Negotiation') AS p_to_n,
       stage_conversion(s, 'Prospecting', 'Closed Won') AS p_to_w,
       close_rate(stage_conversion(s, 'Negotiation', 'Closed Won')) AS n_to_w,
       round(wilson_lower(stage_conversion(s, 'Negotiation', 'Closed Won'))::numeric, 4) AS wilson_lower
FROM fs;

-- time in stage: per deal the sum of its closed stays, over deals with one
-- By hand, Qualification: 12h, 4d, 5d, 7d, 8d (deals 5, 3, 7, 1, 4);
-- Prospecting: 0, 1d, 2d, 2d, 4d; Closed Won has no closed stay: NULL
CREATE TEMP TABLE ref_time_in AS
SELECT stage, deal, sum(end_at - start_at) AS total
FROM ref_stays WHERE pos IS NOT NULL AND end_at IS NOT NULL GROUP BY stage, deal;
SELECT fl.stage,
       time_in_stage(s, fl.stage, 0.5) AS median,
       time_in_stage(s, fl.stage, ARRAY[0, 0.25, 0.9, 1]) AS quartiles
FROM fs, fl ORDER BY fl.pos;
SELECT count(*) AS mismatches
FROM fs, fl, unnest(ARRAY[0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]) p
WHERE time_in_stage(s, fl.stage, p) IS DISTINCT FROM
      (SELECT percentile_cont(p) WITHIN GROUP (ORDER BY total) FROM ref_time_in t WHERE t.stage = fl.stage);

-- time between: first entry into b - first entry into a, over deals with
-- both and b not before a.  By hand, Prospecting -> Closed Won: 19d, 27d
-- (deals 1, 4); Qualification -> Proposal: 12h, 7d (deal 7 excluded)
SELECT time_between(s, 'Prospecting', 'Closed Won', 0.5) AS cycle_median,
       time_between(s, 'Qualification', 'Proposal', 0.5) AS q_to_p_median,
       time_between(s, 'Qualification', 'Proposal', 0) AS q_to_p_min,
       time_between(s, 'Closed Won', 'Prospecting', 0.5) AS never,
       time_between(s, 'Negotiation', 'Negotiation', 1) AS same_stage
FROM fs;
SELECT count(*) AS mismatches
FROM fs, fl a, fl b, unnest(ARRAY[0, 0.3, 0.5, 0.8, 1]) p
WHERE time_between(s, a.stage, b.stage, p) IS DISTINCT FROM
      (SELECT percentile_cont(p) WITHIN GROUP (ORDER BY fb.first_at - fa.first_at)
       FROM ref_first fa JOIN ref_first fb USING (deal)
       WHERE fa.pos = a.pos AND fb.pos = b.pos AND fb.first_at >= fa.first_at);

-- ---------------------------------------------------------------------
-- Row order, ties and stages not in the list
-- ---------------------------------------------------------------------
-- the state does not depend on row order (ties included): 30 shuffles
SELECT count(DISTINCT s::text) AS distinct_states, bool_and(s = (SELECT s FROM fs)) AS all_equal
FROM (SELECT funnel_agg(deal, stage, at, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']
                        ORDER BY random()) AS s
      FROM fh, generate_series(1, 30) i GROUP BY i) x;

-- stages not in the list share one code: which unlisted stage a row had,
-- and in which order unlisted rows at one instant come, changes nothing
SELECT a = b AS same, a::text
FROM (SELECT funnel_agg(d, st, t, ARRAY['A','B']) AS a FROM (VALUES
        (1, 'A', '2024-01-01'::timestamptz), (1, 'X', '2024-01-02'), (1, 'Y', '2024-01-02'),
        (1, 'B', '2024-01-02'), (1, 'A', '2024-01-03')) v(d, st, t)) x,
     (SELECT funnel_agg(d, st, t, ARRAY['A','B']) AS b FROM (VALUES
        (1, 'A', '2024-01-01'::timestamptz), (1, 'Z', '2024-01-02'),
        (1, 'B', '2024-01-02'), (1, 'A', '2024-01-03')) v(d, st, t)) y;
-- ... B's stay at 2024-01-02 is closed with 0 (the unlisted row sorts after
-- it), A's first stay lasts 1 day, its second is open
SELECT time_in_stage(s, 'A', 1) AS a, time_in_stage(s, 'B', 1) AS b
FROM (SELECT funnel_agg(d, st, t, ARRAY['A','B']) AS s FROM (VALUES
        (1, 'A', '2024-01-01'::timestamptz), (1, 'X', '2024-01-02'),
        (1, 'B', '2024-01-02'), (1, 'A', '2024-01-03')) v(d, st, t)) x;

-- a state holding one row, and a NULL group
SELECT funnel_agg(1, 'B', '2024-02-03 04:05:06.5', ARRAY['A','B'])::text;
SELECT funnel_agg(d, 'A', '2024-01-01', ARRAY['A']) IS NULL AS all_null FROM (VALUES (NULL::int)) v(d);
