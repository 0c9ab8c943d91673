-- upsell_rate on generated data (fixed seed) against plain SQL
-- (first_value/last_value per account, then sums per account manager); the
-- one-step aggregate, the rollup of monthly summaries, a parallel plan and
-- window functions must all agree, whatever the row order.
\getenv abs_srcdir PG_ABS_SRCDIR
\set VERBOSITY sqlstate
SET TimeZone = 'UTC';
SELECT setseed(0.2024);

-- 600 accounts over 12 account managers, monthly snapshots over two years:
-- accounts start and leave at random months, 10% churn to 0 at the end;
-- 5% of snapshots get a second contract line (3 decimals) at the same time
CREATE TEMP TABLE up_rows AS
WITH acct AS (
	SELECT a AS account, 1 + a % 12 AS am, (random() * 12)::int AS first_m,
	       12 + (random() * 11)::int AS last_m, random() < 0.1 AS churns
	FROM generate_series(1, 600) a)
SELECT am, account::bigint AS account,
       '2023-01-01'::timestamptz + make_interval(months => m) AS at,
       CASE WHEN churns AND m = last_m THEN 0 ELSE round((random() * 5000)::numeric, 2) END AS value
FROM acct, generate_series(0, 23) m
WHERE m BETWEEN first_m AND last_m;
INSERT INTO up_rows
SELECT am, account, at, round((random() * 100)::numeric, 3) FROM up_rows WHERE random() < 0.05;
-- rows with a NULL are ignored; AM 99's book starts at 0 (rate NULL)
INSERT INTO up_rows VALUES (1, NULL, '2023-05-01', 77), (1, 5, NULL, 88), (1, 5, '2030-01-01', NULL),
                           (99, 9001, '2023-01-01', 0), (99, 9001, '2023-06-01', 100);
SELECT count(*) AS rows, count(DISTINCT account) AS accounts, count(DISTINCT am) AS ams FROM up_rows;

-- the plain-SQL reference
CREATE TEMP VIEW up_ref AS
WITH pts AS (
	SELECT am, account, at, sum(value) AS v FROM up_rows
	WHERE account IS NOT NULL AND value IS NOT NULL AND at IS NOT NULL
	GROUP BY am, account, at),
fl AS (
	SELECT DISTINCT am, account, first_value(v) OVER w AS s, last_value(v) OVER w AS e
	FROM pts
	WINDOW w AS (PARTITION BY am, account ORDER BY at
	             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT am, sum(s) AS s, sum(e) AS e, count(*) AS n,
       ((sum(e) - sum(s)) / nullif(sum(s), 0))::float8 AS rate
FROM fl GROUP BY am;

-- one step = plain SQL, exactly (sums as numerics, rate as the same division)
CREATE TEMP TABLE up_one AS
SELECT am, upsell_rate(account, value, at) AS rate,
       upsell_rate_agg(account, value, at) AS s
FROM up_rows GROUP BY am;
SELECT count(*) AS ams, bool_and(o.rate IS NOT DISTINCT FROM r.rate) AS rate_equal,
       bool_and(starting_value(o.s) = r.s) AS starting_equal,
       bool_and(current_value(o.s) = r.e) AS current_equal,
       bool_and(account_count(o.s) = r.n) AS accounts_equal,
       bool_and(upsell_rate(o.s) IS NOT DISTINCT FROM o.rate) AS accessor_equal,
       count(*) FILTER (WHERE o.rate IS NULL) AS null_rates
FROM up_one o JOIN up_ref r USING (am);
-- the whole book at once
SELECT upsell_rate(account, value, at) = (SELECT ((sum(e) - sum(s)) / sum(s))::float8 FROM up_ref) AS book_equal
FROM up_rows;
-- text and uuid keys give the same answers
SELECT bool_and(t.rate IS NOT DISTINCT FROM o.rate) AS text_keys_equal
FROM (SELECT am, upsell_rate(account::text, value, at) AS rate FROM up_rows GROUP BY am) t JOIN up_one o USING (am);
SELECT bool_and(t.rate IS NOT DISTINCT FROM o.rate) AS uuid_keys_equal
FROM (SELECT am, upsell_rate(md5(account::text)::uuid, value, at) AS rate FROM up_rows GROUP BY am) t JOIN up_one o USING (am);

-- rollup of per-month summaries = one step, state for state; also through
-- quarters, and in a random order
CREATE TEMP TABLE up_monthly AS
SELECT am, date_trunc('month', at) AS month, upsell_rate_agg(account, value, at) AS s
FROM up_rows GROUP BY am, date_trunc('month', at);
SELECT count(*) AS ams, bool_and(r.s::text = o.s::text) AS rollup_state_equal,
       bool_and(upsell_rate(r.s) IS NOT DISTINCT FROM o.rate) AS rollup_rate_equal
FROM (SELECT am, rollup(s) AS s FROM up_monthly GROUP BY am) r JOIN up_one o USING (am);
SELECT bool_and(y.s::text = o.s::text) AS quarters_equal
FROM (SELECT am, rollup(s) AS s
      FROM (SELECT am, date_trunc('quarter', month) AS q, rollup(s ORDER BY random()) AS s
            FROM up_monthly GROUP BY 1, 2) q
      GROUP BY am) y JOIN up_one o USING (am);

-- small groups (states of up to 8 accounts stay flat, larger ones are
-- expanded): per account, keyed and as a series, against plain SQL; groups
-- of 5 to 15 accounts cross the threshold; rollups of small states grow big
CREATE TEMP VIEW up_ref_account AS
WITH pts AS (
	SELECT account, at, sum(value) AS v FROM up_rows
	WHERE account IS NOT NULL AND value IS NOT NULL AND at IS NOT NULL GROUP BY account, at),
fl AS (
	SELECT DISTINCT account, first_value(v) OVER w AS s, last_value(v) OVER w AS e
	FROM pts WINDOW w AS (PARTITION BY account ORDER BY at
	                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT account, s, e, ((e - s) / nullif(s, 0))::float8 AS rate FROM fl;
SELECT count(*) AS accounts,
       bool_and(k.rate IS NOT DISTINCT FROM r.rate AND k.series_rate IS NOT DISTINCT FROM r.rate) AS per_account_equal,
       bool_and(starting_value(k.s) = r.s AND current_value(k.s) = r.e) AS values_equal
FROM (SELECT account, upsell_rate(account, value, at) AS rate, upsell_rate(value, at) AS series_rate,
             upsell_rate_agg(account, value, at) AS s
      FROM up_rows WHERE account IS NOT NULL GROUP BY account) k
JOIN up_ref_account r USING (account);
SELECT count(*) AS groups, bool_and(g.s::text = x.s::text) AS threshold_groups_equal
FROM (SELECT account % 53 AS grp, upsell_rate_agg(account, value, at) AS s FROM up_rows GROUP BY 1) g
JOIN (SELECT account % 53 AS grp, rollup(s) AS s
      FROM (SELECT account, upsell_rate_agg(account, value, at) AS s FROM up_rows GROUP BY account) a
      GROUP BY 1) x USING (grp);
SELECT bool_and(r.s::text = o.s::text) AS rollup_of_accounts_equal
FROM (SELECT am, rollup(s ORDER BY random()) AS s
      FROM (SELECT am, account, upsell_rate_agg(account, value, at) AS s FROM up_rows GROUP BY am, account) a
      GROUP BY am) r JOIN up_one o USING (am);
SELECT bool_and(upsell_rate(r.s) IS NOT DISTINCT FROM a.rate) AS series_rollup_equal
FROM (SELECT account, rollup(s) AS s
      FROM (SELECT account, date_trunc('quarter', at) AS q, upsell_rate_agg(value, at) AS s
            FROM up_rows WHERE account IS NOT NULL GROUP BY 1, 2) q GROUP BY account) r
JOIN up_ref_account a USING (account);

-- determinism: any row order gives the same state
SELECT count(DISTINCT s) AS distinct_states
FROM (SELECT g, upsell_rate_agg(account, value, at ORDER BY random())::text AS s
      FROM up_rows, generate_series(1, 5) g GROUP BY g) x;
CREATE TEMP TABLE up_shuffled AS SELECT * FROM up_rows ORDER BY random();
SELECT bool_and(x.s::text = o.s::text) AS shuffled_equal
FROM (SELECT am, upsell_rate_agg(account, value, at) AS s FROM up_shuffled GROUP BY am) x JOIN up_one o USING (am);

-- text and binary round trips of real-size states
SELECT bool_and(s::text::upsell_summary::text = s::text) AS text_round_trip
FROM up_one;
\set rt_query 'SELECT s FROM up_one'
\i :abs_srcdir/sql/include/binary_round_trip.sql

-- parallel plans: Partial Aggregate in workers, combine in the leader.
-- Temporary tables are never scanned in parallel: these two are plain ones.
CREATE TABLE upsell_eq_rows AS SELECT * FROM up_shuffled;
CREATE TABLE upsell_eq_monthly AS SELECT * FROM up_monthly ORDER BY random();
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
FROM pg_temp.plan('CREATE TABLE upsell_eq_par AS SELECT am, upsell_rate(account, value, at) AS rate,
                   upsell_rate_agg(account, value, at) AS s FROM upsell_eq_rows GROUP BY am') p;
SELECT bool_or(p ~ 'Partial Aggregate') AS book_partial, bool_or(p ~ 'Workers Launched: [12]') AS book_workers
FROM pg_temp.plan('CREATE TABLE upsell_eq_par_book AS SELECT upsell_rate_agg(account, value, at) AS s FROM upsell_eq_rows') p;
SELECT bool_or(p ~ 'Partial .*Aggregate') AS rollup_partial, bool_or(p ~ 'Workers Launched: [12]') AS rollup_workers
FROM pg_temp.plan('CREATE TABLE upsell_eq_par_rollup AS SELECT am, rollup(s) AS s FROM upsell_eq_monthly GROUP BY am') p;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT count(*) AS ams, bool_and(p.rate IS NOT DISTINCT FROM o.rate) AS parallel_rate_equal,
       bool_and(p.s::text = o.s::text) AS parallel_state_equal,
       bool_and(r.s::text = o.s::text) AS parallel_rollup_equal
FROM upsell_eq_par p JOIN up_one o USING (am) JOIN upsell_eq_par_rollup r USING (am);
SELECT (SELECT s::text FROM upsell_eq_par_book) = (SELECT upsell_rate_agg(account, value, at)::text FROM up_rows) AS parallel_book_equal;
DROP TABLE upsell_eq_rows, upsell_eq_monthly, upsell_eq_par, upsell_eq_par_book, upsell_eq_par_rollup;

-- window functions: a whole partition = the group; a running frame and a
-- moving frame (recomputed: no inverse) = the aggregate over the same rows
SELECT bool_and(w.rate IS NOT DISTINCT FROM o.rate) AS partition_equal
FROM (SELECT am, upsell_rate(account, value, at) OVER (PARTITION BY am) AS rate FROM up_rows) w
JOIN up_one o USING (am);
SELECT count(*) AS frames,
       bool_and(running IS NOT DISTINCT FROM
                (SELECT upsell_rate(account, value, u.at) FROM up_rows u WHERE u.am = w.am AND u.at <= w.at)) AS running_equal,
       bool_and(moving IS NOT DISTINCT FROM
                (SELECT upsell_rate(account, value, u.at) FROM up_rows u
                 WHERE u.am = w.am AND u.at BETWEEN w.at - interval '5 months' AND w.at)) AS moving_equal
FROM (SELECT DISTINCT am, at,
             upsell_rate(account, value, at) OVER (PARTITION BY am ORDER BY at) AS running,
             upsell_rate(account, value, at) OVER (PARTITION BY am ORDER BY at
                 RANGE BETWEEN '5 months' PRECEDING AND CURRENT ROW) AS moving
      FROM up_rows WHERE at IS NOT NULL) w;
