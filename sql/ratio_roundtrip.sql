-- kpi_ratio: no function returns a value that the type's input rejects.
-- Every state-returning function (each transition and inverse, combine,
-- uncombine, state_final, rollup and the *_agg aggregates, plain, grouped,
-- parallel and as moving windows) is called on generated states and rows
-- (fixed seed); each call either raises an ERROR of the documented SQLSTATEs
-- or returns a state whose text form reads back (::text::kpi_ratio) equal to
-- it, with the same text, and whose binary form (binary COPY out and in,
-- send then receive) reads back with the same text.  The fast in-memory form
-- of close_rate(won, amount) is included: an aggregate without a final
-- function hands it out as it is, and it is stored in a table and read.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate

SELECT setseed(0.143);

-- A pool of states of every kind and tag, edge values included
CREATE TABLE rt_pool (id serial, s kpi_ratio);
INSERT INTO rt_pool (s)
SELECT ((ARRAY['', 'close_rate:', 'lead_qualification_efficiency:'])[1 + (g % 3)]
       || (random() * 20)::int || '/' || (random() * 40)::int)::kpi_ratio
FROM generate_series(1, 30) g;
INSERT INTO rt_pool (s)
SELECT ((ARRAY['', 'close_rate:'])[1 + (g % 2)] || 'value:'
       || round((random() * 1000)::numeric, (g % 5)) || '/' || round((random() * 3000)::numeric, (g % 4)))::kpi_ratio
FROM generate_series(1, 30) g;
INSERT INTO rt_pool (s) VALUES
	('0/0'), ('close_rate:0/0'), ('lead_qualification_efficiency:0/0'),
	('value:0/0'), ('close_rate:value:0/0'),
	('9223372036854775807/9223372036854775807'), ('close_rate:9223372036854775806/9223372036854775807'),
	('value:99999999999999999999999999999999999999/99999999999999999999999999999999999999.5'),
	('close_rate:value:0.0000000000000000000000000000000000000001/1'),
	('close_rate:value:1/1'), ('value:2/2'), ('lead_qualification_efficiency:1/1');

-- Amounts and counts to feed the transition functions
CREATE TABLE rt_args (id serial, won boolean, amount numeric, calls bigint);
INSERT INTO rt_args (won, amount, calls)
SELECT random() < 0.4, round((random() * 500)::numeric, (g % 6)), (random() * 9)::int
FROM generate_series(1, 12) g;
INSERT INTO rt_args (won, amount, calls) VALUES
	(true, 0, 0), (false, 1e40, 9223372036854775807), (true, 1e-45, 1),
	(true, 'NaN', -1), (false, -3, 2), (true, 'Infinity', 3);

-- Every call, its result or its error
CREATE TABLE rt_calls (fn text, s kpi_ratio, err text);
CREATE FUNCTION rt_try(fn text, q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r kpi_ratio;
BEGIN
	BEGIN
		EXECUTE q INTO r;
		INSERT INTO rt_calls VALUES (fn, r, NULL);
	EXCEPTION WHEN OTHERS THEN
		INSERT INTO rt_calls VALUES (fn, NULL, SQLSTATE);
	END;
END $$;

-- the transition and inverse functions, called directly on each state
SELECT count(*) AS direct_transitions FROM (
SELECT rt_try(f, format('SELECT %s(%L::kpi_ratio, %s)', f, p.s,
                        CASE WHEN f LIKE '%value%' THEN format('%L::boolean, %L::numeric', a.won, a.amount)
                             WHEN f LIKE '%counts%' THEN format('%L::bigint, %L::bigint', a.calls / 2, a.calls)
                             WHEN f LIKE '%lead%' THEN format('%L::boolean, %L::bigint', a.won, a.calls)
                             ELSE format('%L::boolean', a.won) END))
FROM rt_pool p, rt_args a,
     unnest(ARRAY['kpi_ratio_close_trans', 'kpi_ratio_close_inv', 'kpi_ratio_close_value_trans',
                  'kpi_ratio_close_value_inv', 'kpi_ratio_lead_trans', 'kpi_ratio_lead_inv',
                  'kpi_ratio_counts_trans', 'kpi_ratio_counts_inv']) f
WHERE p.id % 3 = a.id % 3) x;
-- combine and uncombine of pairs, state_final of each
SELECT count(*) AS direct_merges FROM (
SELECT rt_try(f, format('SELECT %s(%L::kpi_ratio, %L::kpi_ratio)', f, p.s, q.s))
FROM rt_pool p, rt_pool q, unnest(ARRAY['kpi_ratio_combine', 'kpi_ratio_uncombine']) f
WHERE (p.id + q.id) % 4 = 0
UNION ALL
SELECT rt_try('kpi_ratio_state_final', format('SELECT kpi_ratio_state_final(%L::kpi_ratio)', p.s))
FROM rt_pool p) x;

-- Aggregates over generated rows: plain, grouped, parallel, moving windows
CREATE TABLE rt_rows AS
SELECT g AS id, g % 9 AS grp, random() < 0.35 AS won,
       CASE WHEN g % 97 = 0 THEN round((random() * 1e38)::numeric, 0)
            WHEN g % 89 = 0 THEN round((random() * 1e-30)::numeric, 44)
            ELSE round((random() * 8000)::numeric, (g % 4)) END AS amount,
       (random() * 7)::int::bigint AS calls
FROM generate_series(1, 20000) g;
ANALYZE rt_rows;
INSERT INTO rt_calls (fn, s)
SELECT 'close_rate_agg(won)', close_rate_agg(won) FROM rt_rows
UNION ALL SELECT 'close_rate_agg(won, amount)', close_rate_agg(won, amount) FROM rt_rows
UNION ALL SELECT 'close_rate_agg(won, amount) small', close_rate_agg(won, amount) FROM rt_rows WHERE id % 89 <> 0 AND id % 97 <> 0
UNION ALL SELECT 'lead_qualification_efficiency_agg(q, calls)', lead_qualification_efficiency_agg(won, calls) FROM rt_rows
UNION ALL SELECT 'lead_qualification_efficiency_agg(leads, calls)', lead_qualification_efficiency_agg(calls / 2, calls) FROM rt_rows;
INSERT INTO rt_calls (fn, s)
SELECT 'grouped close_rate_agg(won, amount)', close_rate_agg(won, amount) FROM rt_rows GROUP BY grp
UNION ALL SELECT 'grouped close_rate_agg(won)', close_rate_agg(won) FROM rt_rows GROUP BY grp
UNION ALL SELECT 'grouped lead_qualification_efficiency_agg', lead_qualification_efficiency_agg(won, calls) FROM rt_rows GROUP BY grp;
INSERT INTO rt_calls (fn, s)
SELECT 'rollup', rollup(s) FROM rt_pool WHERE s::text NOT LIKE '%value%' AND s::text NOT LIKE 'lead%' AND s::text NOT LIKE '%9223%'
UNION ALL SELECT 'rollup value', rollup(s) FROM rt_pool WHERE s::text LIKE '%value%'
UNION ALL SELECT 'rollup of grouped', rollup(s) FROM (SELECT close_rate_agg(won, amount) s FROM rt_rows GROUP BY grp) g;
-- moving windows: the inverse functions inside an aggregate
INSERT INTO rt_calls (fn, s)
SELECT 'window close_rate_agg(won, amount)', close_rate_agg(won, amount) OVER w FROM rt_rows WHERE id <= 3000
	WINDOW w AS (ORDER BY id ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)
UNION ALL
SELECT 'window close_rate_agg(won)', close_rate_agg(won) OVER w FROM rt_rows WHERE id <= 500
	WINDOW w AS (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)
UNION ALL
SELECT 'window lead_qualification_efficiency_agg', lead_qualification_efficiency_agg(calls / 3, calls) OVER w FROM rt_rows WHERE id <= 500
	WINDOW w AS (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)
UNION ALL
SELECT 'window rollup', rollup(s) OVER w FROM (SELECT id, close_rate_agg(won, amount) OVER (ORDER BY id ROWS 2 PRECEDING) s FROM rt_rows WHERE id <= 800) x
	WINDOW w AS (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW);
-- parallel: partial states combined in the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT grp, close_rate_agg(won, amount) FROM rt_rows GROUP BY grp;
INSERT INTO rt_calls (fn, s)
SELECT 'parallel close_rate_agg(won, amount)', close_rate_agg(won, amount) FROM rt_rows GROUP BY grp
UNION ALL SELECT 'parallel lead_qualification_efficiency_agg', lead_qualification_efficiency_agg(won, calls) FROM rt_rows GROUP BY grp;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- The fast form as it is: aggregates with the transition functions and no
-- final function (so kpi_ratio_state_final does not normalise it), their
-- results stored in a table
CREATE AGGREGATE rt_raw_value(boolean, numeric) (
	SFUNC = kpi_ratio_close_value_trans, STYPE = kpi_ratio, INITCOND = 'value:0/0');
CREATE AGGREGATE rt_raw_rollup(kpi_ratio) (
	SFUNC = kpi_ratio_combine, STYPE = kpi_ratio, INITCOND = 'value:0/0');
INSERT INTO rt_calls (fn, s)
SELECT 'raw close_rate_agg(won, amount)', rt_raw_value(won, amount) FROM rt_rows WHERE id % 89 <> 0 AND id % 97 <> 0 GROUP BY grp
UNION ALL SELECT 'raw close_rate_agg(won, amount), all rows', rt_raw_value(won, amount) FROM rt_rows
UNION ALL SELECT 'raw zero rows', rt_raw_value(won, amount) FROM rt_rows WHERE false
UNION ALL SELECT 'raw rollup', rt_raw_rollup(s) FROM rt_pool WHERE s::text LIKE '%value%';
-- the raw fast form equals the normal form the same rows give
SELECT count(*) AS raw_groups,
       count(*) FILTER (WHERE r.s <> n.s OR r.s::text <> n.s::text OR kpi_ratio_hash(r.s) <> kpi_ratio_hash(n.s)
                        OR close_rate(r.s) IS DISTINCT FROM close_rate(n.s)
                        OR numerator(r.s) <> numerator(n.s) OR denominator(r.s) <> denominator(n.s)
                        OR kpi_ratio_send(r.s) <> kpi_ratio_send(n.s)
                        OR kpi_ratio_state_final(r.s)::text <> n.s::text
                        OR kpi_ratio_combine(r.s, n.s) <> kpi_ratio_combine(n.s, n.s)
                        OR kpi_ratio_uncombine(r.s, n.s) <> 'close_rate:value:0/0') AS raw_mismatches,
       -- the raw states are another form (their own size): it was stored
       bool_or(pg_column_size(r.s) <> pg_column_size(n.s)) AS other_form_stored
FROM (SELECT grp, rt_raw_value(won, amount) s FROM rt_rows GROUP BY grp
      UNION ALL
      SELECT 100 + grp, rt_raw_value(won, amount) s FROM rt_rows WHERE id % 89 <> 0 AND id % 97 <> 0 GROUP BY grp) r
JOIN (SELECT grp, close_rate_agg(won, amount) s FROM rt_rows GROUP BY grp
      UNION ALL
      SELECT 100 + grp, close_rate_agg(won, amount) s FROM rt_rows WHERE id % 89 <> 0 AND id % 97 <> 0 GROUP BY grp) n USING (grp);

-- What was called: values and errors, and only the documented SQLSTATEs
-- (22003 a count or sum out of range, 22023 a bad argument or a kind
-- mismatch, 42804 two KPIs)
SELECT count(*) FILTER (WHERE err IS NULL AND s IS NOT NULL) > 1500 AS many_values,
       count(*) FILTER (WHERE err IS NOT NULL) > 300 AS many_errors,
       count(*) FILTER (WHERE err IS NULL AND s IS NULL) > 3 AS some_nulls,
       count(DISTINCT fn) AS functions,
       string_agg(DISTINCT err, ' ') AS sqlstates
FROM rt_calls;
SELECT fn, count(*) FILTER (WHERE err IS NULL AND s IS NOT NULL) > 0 AS returns_values
FROM rt_calls GROUP BY fn HAVING count(*) FILTER (WHERE err IS NULL AND s IS NOT NULL) = 0;

-- Every value reads back through text input: equal, same text, same hash
SELECT count(*) AS values_checked,
       count(*) FILTER (WHERE s::text::kpi_ratio <> s OR s::text::kpi_ratio::text <> s::text
                        OR kpi_ratio_hash(s::text::kpi_ratio) <> kpi_ratio_hash(s)) AS text_mismatches
FROM rt_calls WHERE s IS NOT NULL;
-- ... and through binary send and receive
\set rt_query 'SELECT fn, s FROM rt_calls WHERE s IS NOT NULL'
\i :abs_srcdir/sql/include/binary_round_trip.sql
SELECT count(*) FILTER (WHERE kpi_ratio_send(s) <> kpi_ratio_send(s::text::kpi_ratio)) AS send_mismatches
FROM rt_calls WHERE s IS NOT NULL;

DROP AGGREGATE rt_raw_value(boolean, numeric);
DROP AGGREGATE rt_raw_rollup(kpi_ratio);
DROP FUNCTION rt_try(text, text);
DROP TABLE rt_pool, rt_args, rt_calls, rt_rows;
