-- duration_sketch: text and binary I/O, accessors on hand-checked values,
-- and every error path with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all

-- exact sketches (at most 64 values) list their values in microseconds
SELECT response_time_agg(v) FROM (VALUES (interval '3 seconds'), ('1 second'), ('2 seconds')) t(v);
SELECT response_time_agg(v) FROM (VALUES (-1.5::float8), (0), (0.000001), (86400)) t(v);
SELECT response_time_agg(v, 0.001) FROM (VALUES (interval '1 day'), ('1 mon'), ('-2 hours')) t(v);
-- an empty group has no sketch
SELECT response_time_agg(v) IS NULL AS empty FROM (VALUES (NULL::interval)) t(v);
-- 65 values switch to buckets: min, max and sum stay exact
SELECT response_time_agg(g * interval '1 second') FROM generate_series(1, 65) g;
SELECT response_time_agg(g::float8, 0.05) FROM generate_series(-40, 40) g;

-- text round trips (exact and bucketed, with zeros, negatives and p's)
SELECT s::text = s::text::duration_sketch::text AS round_trip, length(s::text) AS text_length
FROM (SELECT response_time_agg(v) AS s FROM (VALUES (1.0::float8), (2)) t(v)
      UNION ALL SELECT response_time_agg(g::float8) FROM generate_series(-100, 1000) g
      UNION ALL SELECT response_time_agg(g * interval '1 minute', 0.0001) FROM generate_series(1, 5000) g
      UNION ALL SELECT 'v1 n=0'::duration_sketch
      UNION ALL SELECT 'v1 a=0.01 p=0.5,null,1 n=1 exact_us=7'::duration_sketch) s;
-- input is canonicalized: unsorted values, short gaps and spacing
SELECT ' v1  a=0.01 n=3  exact_us=3,-1,2 '::duration_sketch;
SELECT 'v1 a=0.05 n=66 zeros=2 min_us=0 max_us=5 sum_us=128 pos=@0:3,@7:59,@8:0,@9:1,@17:1'::duration_sketch;

-- bad text input: 22P02 (or 22023 / 22003 for an out-of-range setting)
SELECT ''::duration_sketch;
SELECT 'v2 n=0'::duration_sketch;
SELECT 'v1'::duration_sketch;
SELECT 'v1 n=1'::duration_sketch;
SELECT 'v1 a=0.01 n=2 exact_us=1'::duration_sketch;
SELECT 'v1 a=0.01 n=1 exact_us=1 exact_us=1'::duration_sketch;
SELECT 'v1 a=0.01 n=1 exact_us=x'::duration_sketch;
SELECT 'v1 a=0.01 n=1 bogus=1'::duration_sketch;
SELECT 'v1 a=0.01 n=1 exact_us=1 min_us=1'::duration_sketch;
SELECT 'v1 a=0.5 n=1 exact_us=1'::duration_sketch;
SELECT 'v1 a=0.01 p=2 n=1 exact_us=1'::duration_sketch;
SELECT 'v1 a=0.01 n=1 exact_us=9223372036854775807'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=65 pos=@0:64'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=65 pos=0:65'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=65 pos=@0:65,'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=65 pos=@5:60,@3:5'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=65 pos=@99999999:65'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=65'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=2 max_us=1 sum_us=65 pos=@0:65'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=9999 pos=@0:65'::duration_sketch;
SELECT 'v1 a=0.01 n=65 min_us=5000 max_us=5000 sum_us=325000 pos=@0:65'::duration_sketch;
SELECT 'v1 a=0.01 n=3 exact_us=1,2,3 extra'::duration_sketch;
\set VERBOSITY default
SELECT 'v1 a=0.01 n=2 exact_us=1'::duration_sketch;
\set VERBOSITY sqlstate

-- binary round trips through send/receive
SELECT test.binary_round_trip(s) = s::text AS binary_round_trip
FROM (SELECT response_time_agg(v) AS s FROM (VALUES (1.0::float8), (-2)) t(v)
      UNION ALL SELECT response_time_agg(g::float8) FROM generate_series(-100, 1000) g
      UNION ALL SELECT 'v1 n=0'::duration_sketch
      UNION ALL SELECT 'v1 a=0.01 p=0.5,null n=1 exact_us=7'::duration_sketch) s;
SELECT duration_sketch_send('v1 a=0.01 n=2 exact_us=-5,7');
SELECT duration_sketch_send('v1 a=0.05 n=66 zeros=2 min_us=0 max_us=5 sum_us=128 pos=@0:3,@7:59,0,1,@17:1');

-- malformed binary input: 22P03 or 08P01, never a crash
SELECT test.binary_receive('duration_sketch', '\x01');
SELECT test.binary_receive('duration_sketch', '\x0201'::bytea);
SELECT test.binary_receive('duration_sketch', '\x0102'::bytea);
SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.01) || int8send(2) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(2) || int8send(1));
SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.01) || int8send(1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(2) || int8send(1));
SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.5) || int8send(1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1) || int8send(1));
SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.01) || int8send(-1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1));
SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.01) || int8send(1000000) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1));
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(1000000));
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(3) || '\x00ffff'::bytea);
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(2) || '\x0040'::bytea);
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1000000) || int4send(2) || '\x0041'::bytea);
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(2) || '\x0041'::bytea) AS valid_compact;
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(2) || '\x0041'::bytea || '\x00'::bytea);
-- every varint of the bucket list is in its shortest form and fits 64 bits (22P03):
-- valid_compact with an overlong gap of 0, then with a count of 2^64 + 65 (bit 64 in a tenth byte)
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(3) || '\x800041'::bytea) AS overlong_varint;
SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(65) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(65) || int4send(0) || int4send(1) || int4send(11) || '\x00c1808080808080808002'::bytea) AS varint_past_64_bits;
SELECT test.binary_receive('duration_sketch', '\x01010001'::bytea || float8send(0.01) || int8send(1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1) || float8send(1.5) || int8send(1));
SELECT test.binary_receive('duration_sketch', '\x0101ffff'::bytea || float8send(0.01) || int8send(1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1));

-- an unsorted exact list is accepted and stored like the sorted one:
-- receive it by binary COPY into a table and send the stored value back
CREATE FUNCTION pg_temp.received_then_sent(payload bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	file bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea || '\x0001'::bytea
		|| int4send(length(payload)) || payload || '\xffff'::bytea;
	result bytea;
BEGIN
	EXECUTE format('COPY (SELECT %L) TO PROGRAM %L', translate(encode(file, 'base64'), E'\n', ''),
				   'base64 -d > salesperf_recv.bin');
	CREATE TEMP TABLE recv_sent (v duration_sketch);
	EXECUTE format('COPY recv_sent FROM %L (FORMAT binary)', current_setting('data_directory') || '/salesperf_recv.bin');
	SELECT duration_sketch_send(v) INTO result FROM recv_sent;
	DROP TABLE recv_sent;
	RETURN result;
END $$;
SELECT pg_temp.received_then_sent('\x01010000'::bytea || float8send(0.01) || int8send(2) || int8send(0)
           || int8send(-5) || int8send(7) || int8send(0) || int8send(2) || int8send(7) || int8send(-5))
       = duration_sketch_send('v1 a=0.01 n=2 exact_us=-5,7') AS canonical_after_receive;

-- accessors, hand-checked: 1..5 s plus 100 s
SELECT response_time_percentile(s, 0.5) AS median, response_time_percentile(s, 0.9) AS p90,
       response_time_percentile(s, '{0,0.25,1,NULL}'::float8[]) AS several,
       response_time_count(s) AS n, response_time_mean(s) AS mean,
       response_time_min(s) AS min, response_time_max(s) AS max,
       response_time_total_seconds(s) AS total, relative_accuracy(s), is_exact(s),
       share_within(s, '3 seconds') AS within_3s, share_within(s, '0') AS within_0
FROM (SELECT response_time_agg(v * interval '1 second') AS s FROM unnest('{1,2,3,4,5,100}'::int[]) v) t;
-- the mean is rounded to the microsecond from the exact sum: (1+2) us / 2 and (-1-2) us / 2
SELECT response_time_mean('v1 a=0.01 n=2 exact_us=1,2') AS half_up, response_time_mean('v1 a=0.01 n=2 exact_us=-1,-2') AS half_down;
SELECT * FROM histogram('v1 a=0.01 n=4 exact_us=-5000000,0,7000000,7000000');
SELECT * FROM histogram((SELECT response_time_agg(g * interval '1 second', 0.05) FROM generate_series(-3, 100) g)) LIMIT 6;
SELECT sum(count) = 104 AS histogram_counts_all, bool_and(lower <= upper) AS ordered_bounds,
       min(lower) = interval '-3 seconds' AS starts_at_min, max(upper) = interval '100 seconds' AS ends_at_max
FROM histogram((SELECT response_time_agg(g * interval '1 second', 0.05) FROM generate_series(-3, 100) g));
-- histogram over chart bins: (NULL, 5 min], (5 min, 30 min], (30 min, 1 h], (1 h, NULL)
SELECT * FROM histogram((SELECT response_time_agg(g * interval '1 minute') FROM generate_series(1, 10) g), '{5 min, 30 min, 1 hour}');
-- bucketed: 61 min shares the bucket of 60 min, so it counts below the 1 h edge (the share_within bound)
SELECT * FROM histogram((SELECT response_time_agg(g * interval '1 minute') FROM generate_series(1, 100) g), '{5 min, 30 min, 1 hour}');
SELECT * FROM histogram('v1 a=0.01 n=2 exact_us=-5,7', '{}');
SELECT * FROM histogram('v1 a=0.01 n=2 exact_us=-5,7', '{1 s, NULL}');
SELECT * FROM histogram('v1 a=0.01 n=2 exact_us=-5,7', '{1 s, 1 s}');
-- interval conversion follows extract(epoch from ...): 1 month = 30 days
SELECT response_time_max(response_time_agg(v)) = interval '30 days' AS month_is_30_days,
       response_time_total_seconds(response_time_agg(v)) = sum(extract(epoch from v)) AS sum_like_epoch
FROM (VALUES (interval '1 mon'), (interval '1 day 00:00:00.000001'), (interval '-3 hours')) t(v);
-- double precision seconds are rounded to the microsecond
SELECT response_time_agg(v) FROM (VALUES (0.0000004::float8), (0.0000016), (1.2345675)) t(v);

-- errors: p outside [0, 1] or NaN -> 22003; relative accuracy -> 22023
SELECT response_time_percentile(x, 1.5) FROM (VALUES (interval '1 s')) t(x);
SELECT response_time_percentile(x, -0.1) FROM (VALUES (1.0::float8)) t(x);
SELECT response_time_percentile(x, 'NaN') FROM (VALUES (1.0::float8)) t(x);
SELECT response_time_percentile(x, '{0.5,2}'::float8[]) FROM (VALUES (1.0::float8)) t(x);
SELECT response_time_percentile('v1 a=0.01 n=1 exact_us=1'::duration_sketch, 1.01);
SELECT response_time_percentile('v1 a=0.01 n=1 exact_us=1'::duration_sketch, '{NaN}'::float8[]);
SELECT response_time_agg(x, 0.00001) FROM (VALUES (1.0::float8)) t(x);
SELECT response_time_agg(x, 0.1) FROM (VALUES (interval '1 s')) t(x);
SELECT response_time_agg(x, 'NaN') FROM (VALUES (1.0::float8)) t(x);
-- NaN and infinite seconds -> 22023, saying which
SELECT response_time_agg(x) FROM (VALUES ('NaN'::float8)) t(x);
SELECT response_time_agg(x) FROM (VALUES ('Infinity'::float8)) t(x);
SELECT response_time_percentile(x, 0.5) FROM (VALUES ('-Infinity'::float8)) t(x);
\set VERBOSITY default
SELECT response_time_agg(x) FROM (VALUES ('-Infinity'::float8)) t(x);
SELECT response_time_percentile(x, 2) FROM (VALUES (1.0::float8)) t(x);
\set VERBOSITY sqlstate
-- durations beyond about 146,000 years -> 22003
SELECT response_time_agg(x) FROM (VALUES (1e13::float8)) t(x);
SELECT response_time_agg(x) FROM (VALUES (interval '178000000 years')) t(x);
-- p and relative accuracy must be constant per group
SELECT response_time_percentile(x, x / 10) FROM (VALUES (1.0::float8), (2.0)) t(x);
SELECT response_time_percentile(x, ARRAY[x / 10]) FROM (VALUES (1.0::float8), (2.0)) t(x);
SELECT response_time_agg(x, x / 100) FROM (VALUES (1.0::float8), (2.0)) t(x);
-- merging sketches of different relative accuracy is an error with a hint
\set VERBOSITY default
SELECT rollup(s) FROM (VALUES ('v1 a=0.01 n=1 exact_us=1'::duration_sketch), ('v1 a=0.02 n=1 exact_us=2')) t(s);
\set VERBOSITY sqlstate
-- an empty sketch merges with anything
SELECT rollup(s) FROM (VALUES ('v1 n=0'::duration_sketch), ('v1 a=0.02 n=1 exact_us=2'), (NULL)) t(s);
-- NULL rows and NULL p are skipped; all-NULL groups give NULL
SELECT response_time_percentile(x, 0.5) AS skip_nulls FROM (VALUES (1.0::float8), (NULL), (3.0)) t(x);
SELECT response_time_percentile(x, NULL::float8) AS null_p FROM (VALUES (1.0::float8)) t(x);
SELECT response_time_percentile(x, '{0.5,NULL}'::float8[]) AS null_element FROM (VALUES (1.0::float8), (3.0)) t(x);
SELECT response_time_percentile(x, '{}'::float8[]) AS no_p FROM (VALUES (1.0::float8)) t(x);
SELECT response_time_percentile(NULL::interval, 0.5) AS no_rows;

-- garbage never crashes: every truncation and many byte flips of valid
-- payloads are rejected or read back as a valid sketch
CREATE FUNCTION pg_temp.try_receive(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN coalesce(test.binary_receive('duration_sketch', payload), 'NULL');
EXCEPTION WHEN OTHERS THEN
	RETURN 'ERROR ' || SQLSTATE;
END $$;
SELECT setseed(0.5);
WITH payloads AS (
	SELECT duration_sketch_send(s) AS b
	FROM (VALUES ('v1 a=0.05 n=66 zeros=2 min_us=0 max_us=5 sum_us=128 pos=@0:3,@7:59,0,1,@17:1'::duration_sketch),
	             ('v1 a=0.01 p=0.5 n=3 exact_us=-5,0,7')) v(s)
), mutated AS (
	SELECT substr(b, 1, k) AS m FROM payloads, generate_series(0, length(b) - 1) k
	UNION ALL
	SELECT overlay(b PLACING set_byte('\x00'::bytea, 0, (random() * 255)::int) FROM 1 + (random() * (length(b) - 1))::int)
	FROM payloads, generate_series(1, 150)
), answers AS (SELECT pg_temp.try_receive(m) AS r FROM mutated)
SELECT count(*) AS tried,
       bool_and(r ~ '^(ERROR (22P03|08P01|22P02|22003|22023)|v1 )') AS only_clean_outcomes
FROM answers;
