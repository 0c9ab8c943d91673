-- kpi_ratio: a state carries the KPI that made it.  close_rate_agg (count
-- or value) tags its states close_rate, lead_qualification_efficiency_agg
-- lead_qualification_efficiency; states of different KPIs do not merge and
-- each KPI's finaliser refuses the other's (42804); untagged states, as
-- 0.1.0 and 0.2.0 stored them, keep their text, binary form and answers, and
-- take the tag of what they are merged with.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate

CREATE TABLE tag_rows (id int, rep text, won boolean, amount numeric, calls bigint);
INSERT INTO tag_rows VALUES
	(1, 'ann', true, 100.50, 3), (2, 'ann', false, 20, 1), (3, 'ann', true, 5.25, 0),
	(4, 'bob', false, 40, 2), (5, 'bob', true, 60, 4);

-- Every aggregate tags its state; the text is the tag, then the old form
SELECT close_rate_agg(won) AS won, close_rate_agg(won, amount) AS by_value,
       lead_qualification_efficiency_agg(won, calls) AS per_lead,
       lead_qualification_efficiency_agg(calls, calls) AS pre_counted
FROM tag_rows;
-- ... grouped, rolled up and in a moving window, against the counts and sums
-- of plain SQL with the tag written out
SELECT count(*) AS checked,
       count(*) FILTER (WHERE s::text <> 'close_rate:' || w || '/' || n
                         OR v::text <> 'close_rate:value:' || trim_scale(wv) || '/' || trim_scale(tv)
                         OR l::text <> 'lead_qualification_efficiency:' || w || '/' || c) AS mismatches
FROM (SELECT rep, close_rate_agg(won) s, close_rate_agg(won, amount) v,
             lead_qualification_efficiency_agg(won, calls) l,
             count(*) FILTER (WHERE won) w, count(*) n,
             coalesce(sum(amount) FILTER (WHERE won), 0) wv, sum(amount) tv, sum(calls) c
      FROM tag_rows GROUP BY rep) g;
SELECT rollup(s)::text AS rolled_up, rollup(v)::text AS rolled_up_value, rollup(l)::text AS rolled_up_lead
FROM (SELECT rep, close_rate_agg(won) s, close_rate_agg(won, amount) v,
             lead_qualification_efficiency_agg(won, calls) l
      FROM tag_rows GROUP BY rep) g;
SELECT id, close_rate_agg(won, amount) OVER w AS moving_value,
       lead_qualification_efficiency_agg(won, calls) OVER w AS moving_lead
FROM tag_rows WINDOW w AS (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
ORDER BY id;

-- The issue's example: a close-rate state and a lead-qualification state
-- rolled up together is an error, not 2/5
SELECT rollup(s) FROM (
	SELECT close_rate_agg(won) s FROM tag_rows WHERE rep = 'ann'
	UNION ALL
	SELECT lead_qualification_efficiency_agg(won, calls) FROM tag_rows WHERE rep = 'bob') u;
\set VERBOSITY default
SELECT kpi_ratio_combine('close_rate:1/2', 'lead_qualification_efficiency:1/2');
\set VERBOSITY sqlstate
-- the same for combine and uncombine called directly, and the transition
-- functions of one KPI on the other's state
SELECT kpi_ratio_uncombine('close_rate:1/2', 'lead_qualification_efficiency:1/2');
SELECT kpi_ratio_combine('lead_qualification_efficiency:1/2', 'close_rate:value:1/2');
SELECT kpi_ratio_close_trans('lead_qualification_efficiency:1/2', true);
SELECT kpi_ratio_close_inv('lead_qualification_efficiency:1/2', true);
SELECT kpi_ratio_lead_trans('close_rate:1/2', true, 2);
SELECT kpi_ratio_counts_inv('close_rate:1/2', 1, 2);
SELECT kpi_ratio_close_value_trans('lead_qualification_efficiency:1/2', true, 2);
-- a kind mismatch of the same KPI stays 22023
SELECT kpi_ratio_combine('close_rate:1/2', 'close_rate:value:1/2');

-- Merge rules: same tag merges; untagged and tagged, in either order, take
-- the tag; untagged and untagged stay untagged
SELECT kpi_ratio_combine('close_rate:1/2', 'close_rate:3/4') AS same,
       kpi_ratio_combine('1/2', 'close_rate:3/4') AS untagged_first,
       kpi_ratio_combine('lead_qualification_efficiency:1/2', '3/4') AS untagged_second,
       kpi_ratio_combine('1/2', '3/4') AS both_untagged,
       kpi_ratio_combine('value:1.5/2', 'close_rate:value:3/4.5') AS value_untagged_first,
       kpi_ratio_uncombine('close_rate:value:4.5/6.5', 'value:3/4.5') AS value_uncombine;
SELECT rollup(s) AS old_and_new
FROM (VALUES ('2/5'::kpi_ratio), ('close_rate:1/1'), ('0/3')) v(s);
SELECT rollup(s) AS old_only
FROM (VALUES ('2/5'::kpi_ratio), ('1/1')) v(s);
-- a transition function tags an untagged state with its KPI
SELECT kpi_ratio_close_trans('2/5', true) AS close_trans, kpi_ratio_lead_trans('2/5', true, 3) AS lead_trans,
       kpi_ratio_close_value_trans('value:2/5', true, 1.5) AS value_trans;

-- Finalisers: each reads its own states and untagged ones, and refuses the
-- other KPI's
SELECT close_rate('close_rate:1/4'::kpi_ratio) AS own, close_rate('1/4'::kpi_ratio) AS untagged,
       close_rate('close_rate:value:1/4'::kpi_ratio) AS own_value, close_rate('value:1/4'::kpi_ratio) AS untagged_value,
       lead_qualification_efficiency('lead_qualification_efficiency:1/4'::kpi_ratio) AS lead_own,
       lead_qualification_efficiency('1/4'::kpi_ratio) AS lead_untagged;
SELECT close_rate('lead_qualification_efficiency:1/4'::kpi_ratio);
SELECT lead_qualification_efficiency('close_rate:1/4'::kpi_ratio);
SELECT lead_qualification_efficiency('close_rate:value:1/4'::kpi_ratio);
\set VERBOSITY default
SELECT close_rate(lead_qualification_efficiency_agg(won, calls)) FROM tag_rows;
\set VERBOSITY sqlstate
-- the cast to double precision is close_rate(kpi_ratio)'s
SELECT 'close_rate:1/4'::kpi_ratio::float8 AS cast_own, '1/4'::kpi_ratio::float8 AS cast_untagged;
SELECT 'lead_qualification_efficiency:1/4'::kpi_ratio::float8;
-- the one-step aggregates are unchanged
SELECT close_rate(won) = 3 / 5.0 AS close_rate_ok, close_rate(won, amount) = (165.75 / 225.75)::float8 AS by_value_ok,
       lead_qualification_efficiency(won, calls) = 3 / 10.0 AS lead_ok
FROM tag_rows;

-- Text forms: the tag prefix, for tagged states only; lead states count
SELECT r, r::text::kpi_ratio = r AS round_trip
FROM (VALUES ('close_rate:27/100'::kpi_ratio), ('close_rate:value:1500.50/4200'),
             ('lead_qualification_efficiency:3/10'), ('  close_rate: 1 / 2 '),
             ('close_rate:  value:0/0'), ('27/100'), ('value:1500.50/4200')) v(r);
SELECT 'lead_qualification_efficiency:value:1/2'::kpi_ratio;
SELECT 'close_rate:'::kpi_ratio;
SELECT 'close_rate:close_rate:1/2'::kpi_ratio;
SELECT 'Close_Rate:1/2'::kpi_ratio;
SELECT 'close_rate 1/2'::kpi_ratio;
SELECT 'value:close_rate:1/2'::kpi_ratio;
SELECT 'lead_qualification:1/2'::kpi_ratio;

-- Binary forms: untagged states as 0.2.0 sent them (version 1: version,
-- kind, two int8 or two length-prefixed numerics); tagged ones as version 2,
-- with the tag byte after the kind
SELECT kpi_ratio_send('27/100') = '\x0100'::bytea || int8send(27) || int8send(100) AS untagged_count_as_0_2_0,
       kpi_ratio_send('value:1.5/3') = '\x0101'::bytea || int4send(length(numeric_send(1.5))) || numeric_send(1.5)
                                       || int4send(length(numeric_send(3))) || numeric_send(3) AS untagged_value_as_0_2_0,
       kpi_ratio_send('close_rate:27/100') = '\x020001'::bytea || int8send(27) || int8send(100) AS close_rate_v2,
       kpi_ratio_send('lead_qualification_efficiency:27/100') = '\x020002'::bytea || int8send(27) || int8send(100) AS lead_v2,
       kpi_ratio_send('close_rate:value:1.5/3') = '\x020101'::bytea || int4send(length(numeric_send(1.5))) || numeric_send(1.5)
                                       || int4send(length(numeric_send(3))) || numeric_send(3) AS close_rate_value_v2;
\set rt_query 'SELECT r FROM (VALUES (''close_rate:27/100''::kpi_ratio), (''close_rate:value:10.25/99''), (''lead_qualification_efficiency:0/0''), (''27/100'')) v(r)'
\i :abs_srcdir/sql/include/binary_round_trip.sql
\set recv_type kpi_ratio
SELECT '\x020001'::bytea || int8send(3) || int8send(4) AS payload :receive
SELECT '\x020002'::bytea || int8send(3) || int8send(4) AS payload :receive
SELECT '\x0100'::bytea || int8send(3) || int8send(4) AS payload :receive
-- malformed: 22P03
SELECT '\x020000'::bytea || int8send(3) || int8send(4) AS payload :receive
SELECT '\x020003'::bytea || int8send(3) || int8send(4) AS payload :receive
SELECT '\x020102'::bytea || int4send(length(numeric_send(1.5))) || numeric_send(1.5)
       || int4send(length(numeric_send(3))) || numeric_send(3) AS payload :receive
SELECT '\x0200'::bytea AS payload :receive
SELECT '\x030001'::bytea || int8send(3) || int8send(4) AS payload :receive

-- Equality and hash: different tags are different states
SELECT 'close_rate:1/2'::kpi_ratio = '1/2' AS close_eq_untagged,
       'close_rate:1/2'::kpi_ratio = 'lead_qualification_efficiency:1/2' AS close_eq_lead,
       'close_rate:value:1/2'::kpi_ratio = 'value:1/2' AS value_eq_untagged,
       'close_rate:1/2'::kpi_ratio = 'close_rate:1/2' AS close_eq_close,
       'close_rate:value:1.50/2'::kpi_ratio = 'close_rate:value:1.5/2.0' AS trimmed_eq,
       kpi_ratio_hash('close_rate:1/2') <> kpi_ratio_hash('1/2') AS hashes_differ;
-- (seven values, two of them repeats: five states, by hashing)
SELECT count(*) AS distinct_states, count(DISTINCT kpi_ratio_hash(s)) AS distinct_hashes
FROM (SELECT DISTINCT s
      FROM (VALUES ('1/2'::kpi_ratio), ('close_rate:1/2'), ('lead_qualification_efficiency:1/2'),
                   ('value:1/2'), ('close_rate:value:1/2'), ('close_rate:1/2'), ('close_rate:value:1.0/2')) v(s)) d;

-- The hash of an untagged state is the one 0.2.0 computed (hash indexes on
-- stored states stay valid): hash_uint32(kind) combined (hash_combine, in
-- uint32 arithmetic) with hashint8 of each count or hash_numeric of each sum,
-- recomputed here from the SQL-callable hashes; a tagged state hashes its
-- kind word with the tag in byte 1
CREATE FUNCTION tag_hc(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
	SELECT a # ((b + 2654435769 + ((a << 6) & 4294967295) + (a >> 2)) & 4294967295) $$;
CREATE FUNCTION tag_u32(h integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
	SELECT h::bigint & 4294967295 $$;
SELECT count(*) AS states,
       count(*) FILTER (WHERE tag_u32(kpi_ratio_hash(s)) <>
                        tag_hc(tag_hc(tag_u32(hashint4(kind)), h1), h2)) AS mismatches
FROM (SELECT s, kind,
             CASE WHEN kind & 255 = 0 THEN tag_u32(hashint8(numerator(s)::bigint)) ELSE tag_u32(hash_numeric(numerator(s))) END h1,
             CASE WHEN kind & 255 = 0 THEN tag_u32(hashint8(denominator(s)::bigint)) ELSE tag_u32(hash_numeric(denominator(s))) END h2
      FROM (VALUES ('27/100'::kpi_ratio, 0), ('0/0', 0), ('9223372036854775807/1', 0),
                   ('value:1500.5/4200', 1), ('value:0/0', 1),
                   ('close_rate:27/100', 256), ('lead_qualification_efficiency:27/100', 512),
                   ('close_rate:value:1500.5/4200', 257)) v(s, kind)) x;
DROP FUNCTION tag_hc(bigint, bigint), tag_u32(integer);

-- Untagged states read back with their meaning: the same text and answers
-- as before, whichever finaliser reads them
CREATE TABLE tag_old (s kpi_ratio);
INSERT INTO tag_old VALUES ('2/5'), ('value:1.5/6'), ('0/0');
SELECT s, close_rate(s), lead_qualification_efficiency(s), numerator(s), denominator(s), kpi_ratio_send(s)
FROM tag_old;

-- The value kind's inverse below zero is 22003, as the count kind's
SELECT kpi_ratio_uncombine('value:1/1', 'value:2/2');
SELECT kpi_ratio_uncombine('1/1', '2/2');
SELECT kpi_ratio_uncombine('close_rate:value:5/5', 'value:0/6');
SELECT kpi_ratio_close_value_inv('value:1/1', true, 2);
SELECT kpi_ratio_close_value_inv('close_rate:value:1/3', false, 2) AS lost_deal_removed;
\set VERBOSITY default
SELECT kpi_ratio_uncombine('value:1/1', 'value:2/2');
\set VERBOSITY sqlstate

DROP TABLE tag_rows, tag_old;
