-- The retention breakdown of upsell_summary (expansion, contraction,
-- churned_value, churned_accounts, new_accounts, new_value, gross_retention,
-- net_retention) against plain SQL over the same rows (first_value and
-- last_value per account, then SUM/CASE), on one-step, rolled-up, stored and
-- parallel summaries and on series; and the identity
--   upsell_rate = (expansion - contraction - churned_value) / starting_value
-- exactly, on generated books (fixed seed).
\getenv abs_srcdir PG_ABS_SRCDIR
\set VERBOSITY sqlstate
SET TimeZone = 'UTC';
SELECT setseed(0.1313);

-- A hand-checked book: a grows 100 -> 150 (+50), b shrinks 200 -> 120 (-80),
-- c churns 300 -> 0, d stays at 50, e is new in March (40 -> 70), f starts
-- at 0 in February and grows to 25.
--   starting 100+200+300+50+40+0 = 690, current 150+120+0+50+70+25 = 415
--   expansion 50 + 30 (e: 40 -> 70) + 25 = 105, contraction 80,
--   churned 300 (1 account), 105 - 80 - 300 = -275 = 415 - 690
--   gross retention (690 - 80 - 300) / 690 = 310/690, net 415/690
--   since March: e only (1 account, current value 70)
CREATE TEMP TABLE hand (account text, value numeric, at timestamptz);
INSERT INTO hand VALUES
	('a', 100, '2024-01-01'), ('a', 150, '2024-06-01'),
	('b', 200, '2024-01-01'), ('b', 130, '2024-04-01'), ('b', 120, '2024-06-01'),
	('c', 300, '2024-01-01'), ('c', 0, '2024-05-01'),
	('d', 50, '2024-01-01'), ('d', 50, '2024-06-01'),
	('e', 40, '2024-03-01'), ('e', 70, '2024-06-01'),
	('f', 0, '2024-02-01'), ('f', 25, '2024-06-01');
SELECT starting_value(s), current_value(s), expansion(s), contraction(s),
       churned_value(s), churned_accounts(s),
       new_accounts(s, '2024-03-01'), new_value(s, '2024-03-01'),
       gross_retention(s) = 310 / 690::float8 AS grr_310_690,
       net_retention(s) = 415 / 690::float8 AS nrr_415_690,
       expansion(s) - contraction(s) - churned_value(s) = current_value(s) - starting_value(s) AS identity
FROM (SELECT upsell_rate_agg(account, value, at) AS s FROM hand) x;

-- Generated books: 900 accounts over 30 account managers, monthly snapshots
-- over two years.  Accounts start at random months (a third after the
-- cohort date), 12% churn to 0, a tenth end where they started, a few
-- start at 0; 5% of snapshots get a second line at the same time (summed).
CREATE TEMP TABLE rr_rows AS
WITH acct AS (
	SELECT a AS account, 1 + a % 30 AS am, (random() * 18)::int AS first_m,
	       18 + (random() * 5)::int AS last_m, random() AS kind
	FROM generate_series(1, 900) a),
base AS (
	SELECT am, account, m, first_m, last_m, kind,
	       round((random() * 5000)::numeric, 2) AS v
	FROM acct, generate_series(0, 23) m
	WHERE m BETWEEN first_m AND last_m)
SELECT am, account::bigint AS account,
       '2023-01-01'::timestamptz + make_interval(months => m, days => (account % 28)::int) AS at,
       CASE WHEN kind < 0.12 AND m = last_m THEN 0
            WHEN kind BETWEEN 0.12 AND 0.22 AND m = last_m THEN 1000
            WHEN kind BETWEEN 0.12 AND 0.22 AND m = first_m THEN 1000
            WHEN kind > 0.97 AND m = first_m THEN 0
            ELSE v END AS value
FROM base;
INSERT INTO rr_rows
SELECT am, account, at, round((random() * 100)::numeric, 3) FROM rr_rows WHERE random() < 0.05;
-- rows with a NULL are ignored; AM 99's book starts at 0 (retention NULL)
INSERT INTO rr_rows VALUES (1, NULL, '2023-05-01', 77), (1, 5, NULL, 88), (1, 5, '2030-01-01', NULL),
                           (99, 9001, '2023-01-01', 0), (99, 9001, '2023-06-01', 100);
SELECT count(*) AS rows, count(DISTINCT account) AS accounts, count(DISTINCT am) AS ams FROM rr_rows;

-- The plain-SQL reference: per account its first and last value (values at
-- the same time summed) and its first time, then SUM/CASE per book
CREATE TEMP VIEW rr_accounts AS
WITH pts AS (
	SELECT am, account, at, sum(value) AS v FROM rr_rows
	WHERE account IS NOT NULL AND value IS NOT NULL AND at IS NOT NULL
	GROUP BY am, account, at)
SELECT DISTINCT am, account, first_value(v) OVER w AS s, last_value(v) OVER w AS c,
       first_value(at) OVER w AS first_at
FROM pts
WINDOW w AS (PARTITION BY am, account ORDER BY at
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);
-- every accessor of a book as one line (numerics with trailing zeros
-- trimmed, as the accessors return them); the cohort date is 2024-01-01
CREATE TEMP VIEW rr_ref AS
SELECT am, concat_ws(' | ', trim_scale(sum(s)), trim_scale(sum(c)),
       trim_scale(sum(CASE WHEN c > s THEN c - s ELSE 0 END)),
       trim_scale(sum(CASE WHEN c > 0 AND c < s THEN s - c ELSE 0 END)),
       trim_scale(sum(CASE WHEN c = 0 AND s > 0 THEN s ELSE 0 END)),
       count(*) FILTER (WHERE c = 0 AND s > 0),
       count(*) FILTER (WHERE first_at >= '2024-01-01'),
       trim_scale(coalesce(sum(c) FILTER (WHERE first_at >= '2024-01-01'), 0)),
       ((sum(s) - sum(CASE WHEN c > 0 AND c < s THEN s - c ELSE 0 END)
                - sum(CASE WHEN c = 0 AND s > 0 THEN s ELSE 0 END)) / nullif(sum(s), 0))::float8,
       (sum(c) / nullif(sum(s), 0))::float8,
       ((sum(c) - sum(s)) / nullif(sum(s), 0))::float8) AS line
FROM rr_accounts GROUP BY am;
CREATE FUNCTION pg_temp.line(s upsell_summary) RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' | ', starting_value(s), current_value(s), expansion(s), contraction(s),
	                 churned_value(s), churned_accounts(s),
	                 new_accounts(s, '2024-01-01'), new_value(s, '2024-01-01'),
	                 gross_retention(s), net_retention(s), upsell_rate(s))
$$;
-- the reference is not trivial: every kind of movement occurs
SELECT count(*) FILTER (WHERE c > s) > 100 AS expanding, count(*) FILTER (WHERE c > 0 AND c < s) > 100 AS contracting,
       count(*) FILTER (WHERE c = 0 AND s > 0) > 50 AS churned, count(*) FILTER (WHERE c = s) > 50 AS unchanged,
       count(*) FILTER (WHERE s = 0) > 5 AS starting_at_zero, count(*) FILTER (WHERE first_at >= '2024-01-01') > 100 AS new
FROM rr_accounts;

-- one step = plain SQL, every accessor, every book
CREATE TEMP TABLE rr_one AS
SELECT am, upsell_rate_agg(account, value, at) AS s, upsell_rate(account, value, at) AS rate
FROM rr_rows GROUP BY am;
SELECT count(*) AS books, bool_and(pg_temp.line(o.s) = r.line) AS one_step_equal,
       count(*) FILTER (WHERE gross_retention(o.s) IS NULL AND net_retention(o.s) IS NULL) AS null_retention
FROM rr_one o JOIN rr_ref r USING (am);

-- the identity, exactly: as numerics, and upsell_rate as the same division
-- (also = net_retention - 1 up to rounding, which is not exact and not tested)
CREATE FUNCTION pg_temp.identity(s upsell_summary) RETURNS boolean LANGUAGE sql AS $$
	SELECT expansion(s) - contraction(s) - churned_value(s) = current_value(s) - starting_value(s)
	       AND upsell_rate(s) IS NOT DISTINCT FROM
	           ((expansion(s) - contraction(s) - churned_value(s)) / nullif(starting_value(s), 0))::float8
$$;
SELECT count(*) AS books, bool_and(pg_temp.identity(s)) AS identity_holds,
       bool_and(upsell_rate(s) IS NOT DISTINCT FROM rate) AS rate_equal
FROM rr_one;
-- on 400 books of 2 or 3 accounts (flat states) and 37 of about 25
-- (expanded), and on 200 books of another generator
SELECT count(*) AS books, bool_and(pg_temp.identity(s)) AS identity_holds_small_books
FROM (SELECT account % 400, upsell_rate_agg(account, value, at) AS s
      FROM rr_rows WHERE account IS NOT NULL GROUP BY 1) b;
SELECT count(*) AS books, bool_and(pg_temp.identity(s)) AS identity_holds_mid_books
FROM (SELECT account % 37, upsell_rate_agg(account, value, at) AS s
      FROM rr_rows WHERE account IS NOT NULL GROUP BY 1) b;
SELECT count(*) AS books, bool_and(pg_temp.identity(s)) AS identity_holds_other_seed
FROM (SELECT g, upsell_rate_agg(a, round((random() * 1000)::numeric * (random() < 0.8)::int, 2),
                                '2024-01-01'::timestamptz + make_interval(days => (random() * 300)::int)) AS s
      FROM generate_series(1, 200) g, generate_series(1, 1 + g % 37) a, generate_series(1, 4) r
      GROUP BY g) b;

-- series: one account each, the same breakdown as a book of one account
SELECT count(*) AS accounts, bool_and(pg_temp.line(x.s) = r.line) AS series_equal,
       bool_and(pg_temp.identity(x.s)) AS series_identity
FROM (SELECT account, upsell_rate_agg(value, at) AS s FROM rr_rows WHERE account IS NOT NULL GROUP BY account) x
JOIN (SELECT account, concat_ws(' | ', trim_scale(s), trim_scale(c),
                                trim_scale(CASE WHEN c > s THEN c - s ELSE 0 END),
                                trim_scale(CASE WHEN c > 0 AND c < s THEN s - c ELSE 0 END),
                                trim_scale(CASE WHEN c = 0 AND s > 0 THEN s ELSE 0 END),
                                (c = 0 AND s > 0)::int, (first_at >= '2024-01-01')::int,
                                trim_scale(CASE WHEN first_at >= '2024-01-01' THEN c ELSE 0 END),
                                ((s - CASE WHEN c > 0 AND c < s THEN s - c ELSE 0 END
                                    - CASE WHEN c = 0 AND s > 0 THEN s ELSE 0 END) / nullif(s, 0))::float8,
                                (c / nullif(s, 0))::float8, ((c - s) / nullif(s, 0))::float8) AS line
      FROM rr_accounts) r USING (account);

-- rolled up: daily states, then months, then the book (in a random order)
CREATE TEMP TABLE rr_daily AS
SELECT am, date_trunc('day', at) AS day, upsell_rate_agg(account, value, at) AS s
FROM rr_rows GROUP BY 1, 2;
SELECT count(*) AS books, bool_and(pg_temp.line(x.s) = r.line) AS rollup_equal
FROM (SELECT am, rollup(s ORDER BY random()) AS s
      FROM (SELECT am, date_trunc('month', day) AS month, rollup(s) AS s FROM rr_daily GROUP BY 1, 2) m
      GROUP BY am) x
JOIN rr_ref r USING (am);
-- the cohort filter and the breakdown answer the same for any since
SELECT bool_and(new_accounts(x.s, t) = (SELECT count(*) FROM rr_accounts a WHERE a.am = x.am AND a.first_at >= t)
                AND new_value(x.s, t) = (SELECT coalesce(sum(c), 0) FROM rr_accounts a WHERE a.am = x.am AND a.first_at >= t))
       AS cohort_any_since
FROM (SELECT am, rollup(s) AS s FROM rr_daily GROUP BY am) x,
     (VALUES ('-infinity'::timestamptz), ('2023-01-01'), ('2023-09-15 12:00'), ('2024-12-31'), ('infinity')) v(t);

-- stored: a table of monthly summaries, read back flat (and toasted when big)
CREATE TABLE upsell_rr_stored AS
SELECT am, date_trunc('month', at) AS month, upsell_rate_agg(account, value, at) AS s
FROM rr_rows GROUP BY 1, 2;
CREATE TABLE upsell_rr_stored_book AS SELECT am, s FROM rr_one;
SELECT count(*) AS books, bool_and(pg_temp.line(b.s) = r.line) AS stored_equal,
       bool_and(pg_temp.line(x.s) = r.line) AS stored_rollup_equal
FROM upsell_rr_stored_book b JOIN rr_ref r USING (am)
JOIN (SELECT am, rollup(s) AS s FROM upsell_rr_stored GROUP BY am) x USING (am);
-- and through text
SELECT bool_and(pg_temp.line(s::text::upsell_summary) = pg_temp.line(s)) AS text_round_trip_equal
FROM upsell_rr_stored_book;

-- parallel plans: Partial Aggregate in the workers, accessors in the leader
-- (temporary tables are never scanned in parallel: these are plain ones)
CREATE TABLE upsell_rr_rows AS SELECT * FROM rr_rows ORDER BY random();
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
FROM pg_temp.plan('CREATE TABLE upsell_rr_par AS SELECT am, expansion(upsell_rate_agg(account, value, at)) AS e,
                   upsell_rate_agg(account, value, at) AS s FROM upsell_rr_rows GROUP BY am') p;
SELECT bool_or(p ~ 'Partial .*Aggregate') AS rollup_partial, bool_or(p ~ 'Workers Launched: [12]') AS rollup_workers
FROM pg_temp.plan('CREATE TABLE upsell_rr_par_rollup AS SELECT am, rollup(s) AS s FROM upsell_rr_stored GROUP BY am') p;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT count(*) AS books, bool_and(pg_temp.line(p.s) = r.line AND p.e = expansion(p.s)) AS parallel_equal,
       bool_and(pg_temp.line(x.s) = r.line) AS parallel_rollup_equal
FROM upsell_rr_par p JOIN rr_ref r USING (am) JOIN upsell_rr_par_rollup x USING (am);
DROP TABLE upsell_rr_stored, upsell_rr_stored_book, upsell_rr_rows, upsell_rr_par, upsell_rr_par_rollup;

-- STRICT: NULL in, NULL out; an aggregate over no rows is NULL
SELECT expansion(NULL) IS NULL AS strict_null,
       new_accounts('v1 series; 2024-01-01=5'::upsell_summary, NULL) IS NULL AS strict_since,
       (SELECT churned_accounts(upsell_rate_agg(account, value, at)) FROM rr_rows WHERE false) IS NULL AS no_rows;
