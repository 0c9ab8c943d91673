-- kpi_ratio value kind: close_rate(won, amount) and close_rate_agg(won,
-- amount) give exactly the sums of plain SQL, whichever way the aggregate
-- holds them (scaled 128-bit integers while they fit, numerics otherwise):
-- amounts of every scale, with short and long numeric headers, from table
-- columns and from expressions, crossing the limits of the integer form both
-- ways, serial, grouped, parallel, as moving windows and in two steps.  The
-- reference is numeric sum() of plain SQL, with trim_scale for the text.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate

SELECT setseed(0.77);
-- grp picks the shape of the amounts: 0-3 money (scale 0-3), 4 six
-- decimals, 5 large, 6 near the 36-digit limit, 7 past it (numerics),
-- 8 tiny (36 decimals), 9 tinier than that (numerics), 10 long-header
-- numerics (display scale 70), 11 mixed, with zeros
CREATE TABLE vs_rows AS
SELECT g AS id, g % 12 AS grp, g % 5 AS sub, random() < 0.4 AS won,
       CASE g % 12
         WHEN 4 THEN round((random() * 100)::numeric, 6)
         WHEN 5 THEN round((random() * 1e20)::numeric, 2)
         WHEN 6 THEN round((random() * 1e31)::numeric, 0)
         WHEN 7 THEN round((random() * 1e37)::numeric, 0) + 0.5
         WHEN 8 THEN round((random() * 1e-30)::numeric, 36)
         WHEN 9 THEN round((random() * 1e-30)::numeric, 41)
         WHEN 10 THEN round((random() * 50)::numeric, 3)::numeric(80, 70)
         WHEN 11 THEN CASE WHEN g % 7 = 0 THEN 0 WHEN g % 13 = 0 THEN 1e33 ELSE round((random() * 9)::numeric, (g % 5)) END
         ELSE round((random() * 50000)::numeric, g % 4)
       END AS amount
FROM generate_series(1, 36000) g;
ANALYZE vs_rows;
-- the long header is really there (display scale 70)
SELECT min(scale(amount)) = 70 AS long_headers FROM vs_rows WHERE grp = 10;

-- The plain-SQL reference of a set of rows
CREATE FUNCTION vs_ref(won_sum numeric, total numeric) RETURNS kpi_ratio
LANGUAGE sql IMMUTABLE AS $$
	SELECT ('close_rate:value:' || trim_scale(coalesce(won_sum, 0)) || '/' || trim_scale(total))::kpi_ratio $$;
-- ... and of the ratio: the state's sums are trimmed (README), and numeric
-- division picks its scale from its operands' display scales, so the
-- reference divides the trimmed sums (for amounts of at most 16 decimals
-- the same double as the untrimmed SQL, checked on the money rows below)
CREATE FUNCTION vs_ratio(won_sum numeric, total numeric) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT (trim_scale(coalesce(won_sum, 0)) / trim_scale(total))::float8 $$;

-- grouped, serial
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE s <> vs_ref(w, t) OR s::text <> vs_ref(w, t)::text) AS state_mismatches,
       count(*) FILTER (WHERE r IS DISTINCT FROM vs_ratio(w, t)) AS ratio_mismatches
FROM (SELECT grp, close_rate_agg(won, amount) s, close_rate(won, amount) r,
             sum(amount) FILTER (WHERE won) w, sum(amount) t
      FROM vs_rows GROUP BY grp) g;
-- all rows at once, each shape crossing into the next
SELECT close_rate_agg(won, amount) = vs_ref(sum(amount) FILTER (WHERE won), sum(amount)) AS all_state,
       close_rate(won, amount) = vs_ratio(sum(amount) FILTER (WHERE won), sum(amount)) AS all_ratio
FROM vs_rows;
SELECT close_rate_agg(won, amount) = vs_ref(sum(amount) FILTER (WHERE won), sum(amount)) AS money_state,
       close_rate(won, amount) = (sum(amount) FILTER (WHERE won) / sum(amount))::float8 AS money_ratio
FROM vs_rows WHERE grp < 4;
-- amounts computed in the query (4-byte headers, not a column's short ones)
SELECT close_rate_agg(won, amount * 1) = vs_ref(sum(amount) FILTER (WHERE won), sum(amount)) AS computed_amounts
FROM vs_rows WHERE grp IN (0, 3, 10);

-- parallel: partial states, possibly of both forms, combined in the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT grp, close_rate(won, amount) FROM vs_rows GROUP BY grp;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE s <> vs_ref(w, t)) AS state_mismatches,
       count(*) FILTER (WHERE r IS DISTINCT FROM vs_ratio(w, t)) AS ratio_mismatches
FROM (SELECT grp, close_rate_agg(won, amount) s, close_rate(won, amount) r,
             sum(amount) FILTER (WHERE won) w, sum(amount) t
      FROM vs_rows GROUP BY grp) g;
SELECT close_rate_agg(won, amount) = vs_ref(sum(amount) FILTER (WHERE won), sum(amount)) AS parallel_all
FROM vs_rows;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;

-- two steps: states per (grp, sub), rolled up per grp and overall
SELECT count(*) AS groups, count(*) FILTER (WHERE r.s <> o.s) AS mismatches
FROM (SELECT grp, rollup(s) s FROM (SELECT grp, sub, close_rate_agg(won, amount) s FROM vs_rows GROUP BY grp, sub) p GROUP BY grp) r
JOIN (SELECT grp, close_rate_agg(won, amount) s FROM vs_rows GROUP BY grp) o USING (grp);
SELECT rollup(s) = (SELECT close_rate_agg(won, amount) FROM vs_rows) AS rollup_all
FROM (SELECT close_rate_agg(won, amount) s FROM vs_rows GROUP BY grp, sub) p;

-- moving windows, rows in id order, so that every frame mixes the shapes and
-- the inverse takes large amounts back out (numerics back to integers)
SELECT count(*) AS frames,
       count(*) FILTER (WHERE s <> vs_ref(w, t) OR c IS DISTINCT FROM vs_ratio(w, t)) AS mismatches
FROM (SELECT close_rate_agg(won, amount) OVER f s, close_rate(won, amount) OVER f c,
             sum(amount) FILTER (WHERE won) OVER f w, sum(amount) OVER f t
      FROM vs_rows WHERE id <= 6000
      WINDOW f AS (ORDER BY id ROWS BETWEEN 13 PRECEDING AND CURRENT ROW)) x;
-- ... and within one shape, a long frame
SELECT count(*) AS frames,
       count(*) FILTER (WHERE s <> vs_ref(w, t)) AS mismatches
FROM (SELECT close_rate_agg(won, amount) OVER f s,
             sum(amount) FILTER (WHERE won) OVER f w, sum(amount) OVER f t
      FROM vs_rows WHERE grp IN (2, 8, 10)
      WINDOW f AS (PARTITION BY grp ORDER BY id ROWS BETWEEN 200 PRECEDING AND 3 FOLLOWING)) x;
-- moving rollup of stored states
SELECT count(*) AS frames, count(*) FILTER (WHERE s <> vs_ref(w, t)) AS mismatches
FROM (SELECT rollup(s) OVER f s, sum(w) OVER f w, sum(t) OVER f t
      FROM (SELECT grp, sub, close_rate_agg(won, amount) s, sum(amount) FILTER (WHERE won) w, sum(amount) t
            FROM vs_rows GROUP BY grp, sub) p
      WINDOW f AS (ORDER BY grp, sub ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)) x;

-- The limits of the integer form, crossed exactly: sums reaching 10^36
-- (integers up to just below it), 36 and 37 decimals, an amount of 37 digits
SELECT close_rate_agg(won, a) AS state, close_rate_agg(won, a) = vs_ref(sum(a) FILTER (WHERE won), sum(a)) AS exact
FROM (VALUES (1, true, 5e35), (2, false, 5e35 - 1), (3, true, 1)) v(i, won, a);
SELECT close_rate_agg(won, a) = vs_ref(sum(a) FILTER (WHERE won), sum(a)) AS exact_36_decimals,
       close_rate_agg(won, a)::text AS state
FROM (VALUES (true, 0.000000000000000000000000000000000001), (false, 0.5), (true, 2)) v(won, a);
SELECT close_rate_agg(won, a) = vs_ref(sum(a) FILTER (WHERE won), sum(a)) AS exact_37_decimals,
       close_rate_agg(won, a)::text AS state
FROM (VALUES (true, 0.0000000000000000000000000000000000001), (false, 0.5), (true, 2)) v(won, a);
SELECT close_rate_agg(won, a) = vs_ref(sum(a) FILTER (WHERE won), sum(a)) AS exact_37_digits,
       close_rate_agg(won, a)::text AS state
FROM (VALUES (true, 1234567890123456789012345678901234567), (false, 0.25), (true, 1)) v(won, a);
-- a window whose inverse steps below the limit again
SELECT i, close_rate_agg(won, a) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS moving
FROM (VALUES (1, true, 1.5), (2, false, 1e40), (3, true, 2.25), (4, true, 3), (5, false, 0.000001)) v(i, won, a)
ORDER BY i;

-- Bad amounts are still refused inside the aggregate (22023)
SELECT close_rate(won, a) FROM (VALUES (true, 1.5), (false, -2)) v(won, a);
SELECT close_rate(won, a) FROM (VALUES (true, 1.5), (false, 'NaN')) v(won, a);
SELECT close_rate(won, a) FROM (VALUES (true, 1.5), (false, '-Infinity')) v(won, a);
SELECT close_rate_agg(won, a) OVER (ORDER BY i ROWS 1 PRECEDING)
FROM (VALUES (1, true, 1.5), (2, false, 'Infinity')) v(i, won, a);

DROP FUNCTION vs_ref(numeric, numeric), vs_ratio(numeric, numeric);
DROP TABLE vs_rows;
