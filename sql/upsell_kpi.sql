-- upsell_rate: hand-checked cases, NULLs, key types, accessors and every
-- aggregate-side error path with its SQLSTATE.
\set VERBOSITY sqlstate
\set ECHO all
SET TimeZone = 'UTC';

-- Each case is one book of accounts (am); values by hand:
--   growth       A 100 -> 150                             (150-100)/100   =  0.5
--   contraction  A 200 -> 150                             (150-200)/200   = -0.25
--   churn        A 100 -> 0, B 100 -> 100                 (100-200)/200   = -0.5
--   new mid      A 100 -> 80, B new in June 1000 -> 1000  (1080-1100)/1100 = -1/55
--   duplicates   A 60+40 on Jan 1 -> 70+80 on Dec 1      (150-100)/100   =  0.5
--   single       A 100 once                               0
--   zero start   A 0 -> 100                               NULL (growth from nothing)
--   middle       A 100 -> 500 -> 120                      only ends count: 0.2
CREATE TEMP TABLE hc (am text, account text, value numeric, at timestamptz);
INSERT INTO hc VALUES
  ('growth', 'A', 100, '2024-01-01'), ('growth', 'A', 150, '2024-12-01'),
  ('contraction', 'A', 200, '2024-01-01'), ('contraction', 'A', 150, '2024-12-01'),
  ('churn', 'A', 100, '2024-01-01'), ('churn', 'A', 0, '2024-12-01'),
  ('churn', 'B', 100, '2024-01-01'), ('churn', 'B', 100, '2024-12-01'),
  ('new mid', 'A', 100, '2024-01-01'), ('new mid', 'A', 80, '2024-12-01'),
  ('new mid', 'B', 1000, '2024-06-01'), ('new mid', 'B', 1000, '2024-12-01'),
  ('duplicates', 'A', 60, '2024-01-01'), ('duplicates', 'A', 40, '2024-01-01'),
  ('duplicates', 'A', 70, '2024-12-01'), ('duplicates', 'A', 80, '2024-12-01'),
  ('single', 'A', 100, '2024-03-01'),
  ('zero start', 'A', 0, '2024-01-01'), ('zero start', 'A', 100, '2024-12-01'),
  ('middle', 'A', 100, '2024-01-01'), ('middle', 'A', 500, '2024-06-01'), ('middle', 'A', 120, '2024-12-01');
SELECT am, upsell_rate(account, value, at) AS rate,
       starting_value(upsell_rate_agg(account, value, at)),
       current_value(upsell_rate_agg(account, value, at)),
       account_count(upsell_rate_agg(account, value, at)),
       upsell_rate_agg(account, value, at)
FROM hc GROUP BY am ORDER BY am;
SELECT upsell_rate(account, value, at) = -1::float8 / 55 AS new_mid_is_minus_1_55
FROM hc WHERE am = 'new mid';

-- one account's series, no key: same answers
SELECT am, upsell_rate(value, at) AS rate, upsell_rate_agg(value, at)
FROM hc WHERE account = 'A' GROUP BY am ORDER BY am;

-- NULL account, value or time: the row is ignored; nothing left: NULL (the
-- series form has no account, so only its value and time count)
SELECT upsell_rate(a, v, t) AS rate, upsell_rate_agg(a, v, t)
FROM (VALUES (1, 100::numeric, '2024-01-01'::timestamptz), (1, 150, '2024-12-01'),
             (NULL, 999, '2024-12-01'), (1, NULL, '2025-01-01'), (1, 999, NULL)) v(a, v, t);
SELECT upsell_rate(a, v, t) AS rate, upsell_rate_agg(a, v, t) IS NULL AS agg_null,
       upsell_rate(v, t) AS series_rate, upsell_rate_agg(v, t) IS NULL AS series_null
FROM (VALUES (NULL::int, 1::numeric, now()), (1, NULL, now()), (1, 1, NULL)) v(a, v, t);
SELECT upsell_rate(a, v, t) AS rate, upsell_rate_agg(a, v, t) IS NULL AS agg_null
FROM (VALUES (1, 1::numeric, now())) v(a, v, t) WHERE false;

-- money is exact: a million cents add up to exactly 10000, and ten times 0.1
-- to exactly 1 (a float sum would not)
SELECT current_value(upsell_rate_agg(1, 0.01, '2024-12-01'::timestamptz)) AS exact_sum
FROM generate_series(1, 1000000);
SELECT upsell_rate(v, t) = 0.5::float8 AS exact_rate, upsell_rate_agg(v, t)
FROM generate_series(1, 10),
     LATERAL (VALUES (0.1::numeric, '2024-01-01'::timestamptz), (0.15, '2024-12-01')) v(v, t);

-- key types: exact equality of the type (text is case sensitive, "C" order);
-- bigint keys 0 and 4294967297 hash alike yet stay two accounts
SELECT upsell_rate_agg(k, 1, '2024-01-01') FROM unnest(ARRAY['b', 'B', 'a', 'b ', 'é']) k;
SELECT account_count(upsell_rate_agg(k, 1, '2024-01-01')) AS accounts,
       hashint8(0) = hashint8(4294967297) AS same_hash
FROM unnest(ARRAY[0, 4294967297]::bigint[]) k;
SELECT upsell_rate_agg(k, 1, '2024-01-01') FROM unnest(ARRAY[3, 1, 2, 1]::int[]) k;
SELECT upsell_rate_agg(k, 2, '2024-01-01')
FROM unnest(ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000001']::uuid[]) k;
SELECT upsell_rate_agg(k, 2, '2024-01-01') FROM unnest(ARRAY['x', 'x']::varchar[]) k;
-- long keys are stored detoasted
SELECT length(upsell_rate_agg(k, 1, '2024-01-01')::text) > 10000 AS long_key_kept
FROM (SELECT repeat('k', 10000) || g AS k FROM generate_series(1, 3) g) s;

-- rollup: per account the earlier start and the later end win, equal times add
SELECT rollup(s), upsell_rate(rollup(s))
FROM (VALUES ('v1 key bigint; 1 2024-01-01=100..2024-06-01=110; 2 2024-03-01=50'::upsell_summary),
             ('v1 key bigint; 1 2024-06-01=5..2024-12-01=130; 2 2024-03-01=25; 3 2024-02-01=10'),
             (NULL)) v(s);
SELECT rollup(s) IS NULL AS all_null FROM (VALUES (NULL::upsell_summary)) v(s);
-- the combine function called directly leaves its arguments alone
SELECT upsell_summary_combine('v1 series; 2024-01-01=1', 'v1 series; 2024-01-01=2..2024-02-01=3') AS combined,
       upsell_summary_combine(NULL, 'v1 series; 2024-01-01=2') AS left_null,
       upsell_summary_combine('v1 series; 2024-01-01=2', NULL) AS right_null;

-- accessors on stored states, and on empty ones
SELECT upsell_rate(s), starting_value(s), current_value(s), account_count(s)
FROM (VALUES ('v1 key bigint; 1 2024-01-01=100..2024-06-01=110.50; 2 2024-03-01=50'::upsell_summary),
             ('v1 key bigint'), ('v1 series'), ('v1 series; 2024-01-01=0..2024-02-01=5')) v(s);

-- window functions: exact, whatever the frame
SELECT at::date, upsell_rate(account, value, at) OVER (ORDER BY at) AS running,
       upsell_rate(account, value, at) OVER (ORDER BY at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS last_two
FROM hc WHERE am = 'new mid' ORDER BY at, account;

-- errors: negative value 22023 (naming the value and the account)
SELECT upsell_rate(a, v, t) FROM (VALUES (1, 10::numeric, now()), (2, -5, now())) v(a, v, t);
SELECT upsell_rate(v, t) FROM (VALUES (-0.01::numeric, now())) v(v, t);
SELECT upsell_rate(1, 'NaN'::numeric, now());
SELECT upsell_rate(1, 'Infinity'::numeric, now());
\set VERBOSITY default
SELECT upsell_rate(a, v, t) FROM (VALUES ('acme'::text, -12.50::numeric, '2024-03-01 00:00:00+00'::timestamptz)) v(a, v, t);
\set VERBOSITY sqlstate
-- merging different key types: 42804
SELECT rollup(s) FROM (VALUES ('v1 key bigint; 1 2024-01-01=5'::upsell_summary), ('v1 key text; 1 2024-01-01=5')) v(s);
SELECT rollup(s) FROM (VALUES ('v1 series; 2024-01-01=5'::upsell_summary), ('v1 key bigint; 1 2024-01-01=5')) v(s);
SELECT upsell_summary_combine('v1 key integer', 'v1 key bigint');
\set VERBOSITY default
SELECT rollup(s) FROM (VALUES ('v1 key bigint; 1 2024-01-01=5'::upsell_summary), ('v1 key text; 1 2024-01-01=5')) v(s);
\set VERBOSITY sqlstate
-- key types without default btree and hash operator classes: 42883
SELECT upsell_rate(k, 1, now()) FROM (VALUES (point(1, 2))) v(k);
SELECT upsell_rate(k, 1, now()) FROM (VALUES ('{"a": 1}'::json)) v(k);
-- an untyped literal key resolves to the text overload
SELECT upsell_rate('acme', 1, now());
-- the transition functions called directly work on a copy and go on
SELECT upsell_summary_trans(NULL, 1, 1, '2024-01-01');
SELECT upsell_summary_series_trans(NULL, 1, '2024-01-01');
-- and give what the aggregate gives: folds over 30 rows of 12 accounts
-- (past the 8 of a small flat state) with the transition, and two halves
-- merged with the combine function, called directly, also nested (the inner
-- call's result is a read-write expanded state the outer one must not change)
CREATE TEMP TABLE direct_rows AS
SELECT g AS n, g % 12 AS account, (g * 37 % 101) + 0.25 * (g % 3) AS value,
       timestamptz '2024-01-01' + (g % 5) * interval '1 month' AS at
FROM generate_series(1, 30) g;
WITH RECURSIVE fold(n, s, series) AS (
  SELECT 0, NULL::upsell_summary, NULL::upsell_summary
  UNION ALL
  SELECT r.n, upsell_summary_trans(f.s, r.account, r.value, r.at),
         upsell_summary_series_trans(f.series, r.value, r.at)
  FROM fold f JOIN direct_rows r ON r.n = f.n + 1
)
SELECT account_count(f.s), f.s = agg.s AS trans_as_agg, f.s::text = agg.s::text AS trans_text_as_agg,
       f.series = agg.series AS series_as_agg, f.series::text = agg.series::text AS series_text_as_agg
FROM fold f, (SELECT upsell_rate_agg(account, value, at) AS s, upsell_rate_agg(value, at) AS series
            FROM direct_rows) agg
WHERE n = 30;
SELECT upsell_summary_combine(a, b) = whole AS combine_as_agg,
       upsell_summary_combine(a, b)::text = whole::text AS combine_text_as_agg,
       upsell_summary_combine(upsell_summary_combine(a, b), b) =
         (SELECT rollup(s) FROM (VALUES (a), (b), (b)) v(s)) AS nested_combine_as_rollup,
       upsell_summary_combine(NULL, whole) = whole AS left_null_as_agg,
       upsell_summary_trans(upsell_summary_trans(a, 99, 5, '2024-01-01'), 99, 7, '2024-02-01') =
         (SELECT upsell_rate_agg(account, value, at)
          FROM (SELECT account, value, at FROM direct_rows WHERE n <= 15
                UNION ALL VALUES (99, 5, timestamptz '2024-01-01'), (99, 7, '2024-02-01')) u) AS nested_trans_as_agg,
       account_count(a) AS a_accounts_unchanged, a::text = a_text AS a_unchanged
FROM (SELECT upsell_rate_agg(account, value, at) FILTER (WHERE n <= 15) AS a,
             upsell_rate_agg(account, value, at) FILTER (WHERE n <= 15)::text AS a_text,
             upsell_rate_agg(account, value, at) FILTER (WHERE n > 15) AS b,
             upsell_rate_agg(account, value, at) AS whole
      FROM direct_rows) q;

-- every common key type resolves to one overload, without a cast
SELECT split_part(upsell_rate_agg(1::smallint, 1.0, '2024-01-01')::text, ';', 1) AS smallint_key,
       split_part(upsell_rate_agg(1::integer, 1.0, '2024-01-01')::text, ';', 1) AS integer_key,
       split_part(upsell_rate_agg(1::bigint, 1.0, '2024-01-01')::text, ';', 1) AS bigint_key,
       split_part(upsell_rate_agg('a'::varchar, 1.0, '2024-01-01')::text, ';', 1) AS varchar_key,
       split_part(upsell_rate_agg(1.5::numeric, 1.0, '2024-01-01')::text, ';', 1) AS numeric_key,
       split_part(upsell_rate_agg('2024-05-01'::date, 1.0, '2024-01-01')::text, ';', 1) AS date_key;
