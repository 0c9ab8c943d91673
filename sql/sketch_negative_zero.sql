-- duration_sketch: -0 is the same percentile as 0, on every path (issue
-- 14).  The scalar one-step aggregate already took them as one p; the
-- array form, combining partial states, text and binary input, equality
-- and hashing told them apart.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all
SELECT setseed(0.17);

CREATE TEMP TABLE rt AS
SELECT g, make_interval(secs => round(exp(random() * 8)::numeric, 6)::float8) AS v
FROM generate_series(1, 300) g;

-- scalar form: rows asking for 0 and for -0 are one group (as before), and
-- the answer is the minimum
SELECT response_time_percentile(v, CASE WHEN g % 2 = 0 THEN 0.0 ELSE -0.0 END::float8)
       = (SELECT min(v) FROM rt) AS scalar_p0_is_min
FROM rt;
-- array form: {-0, 0.5} and {0, 0.5} are the same list, in either order of rows
SELECT response_time_percentile(v, CASE WHEN g % 2 = 0 THEN '{0,0.5}' ELSE '{-0,0.5}' END::float8[])
       = response_time_percentile(v, '{0,0.5}'::float8[]) AS array_mixed_zero,
       response_time_percentile(v, '{-0,0.5}'::float8[]) = response_time_percentile(v, '{0,0.5}'::float8[]) AS array_negative_zero
FROM rt;
-- exact mode too, against percentile_cont
SELECT response_time_percentile(v, CASE WHEN g % 2 = 0 THEN '{0}' ELSE '{-0}' END::float8[])
       = ARRAY[percentile_cont(0) WITHIN GROUP (ORDER BY v)] AS exact_array_p0
FROM rt WHERE g <= 20;
-- the p recorded is +0, whichever row came first
SELECT duration_sketch_trans_interval_p('v1 n=0', '1 second', -0.0)::text AS recorded_scalar,
       duration_sketch_trans_interval_parr('v1 n=0', '1 second', '{-0,1}')::text AS recorded_array;

-- combine: a partial state that recorded -0 merges with one that recorded 0
SELECT duration_sketch_combine(duration_sketch_trans_interval_p('v1 n=0', '1 second', -0.0),
                               duration_sketch_trans_interval_p('v1 n=0', '2 seconds', 0.0))::text AS combined_scalar,
       duration_sketch_combine(duration_sketch_trans_interval_parr('v1 n=0', '1 second', '{0,0.5}'),
                               duration_sketch_trans_interval_parr('v1 n=0', '2 seconds', '{-0,0.5}'))::text AS combined_array;
-- still an error for really different p's
SELECT duration_sketch_combine(duration_sketch_trans_interval_p('v1 n=0', '1 second', 0.0),
                               duration_sketch_trans_interval_p('v1 n=0', '2 seconds', 0.5));

-- text input: p=-0 reads as p=0, equal and hashing alike
SELECT 'v1 a=0.01 p=-0 n=1 exact_us=5'::duration_sketch::text AS text_in,
       'v1 a=0.01 p=-0 n=1 exact_us=5'::duration_sketch = 'v1 a=0.01 p=0 n=1 exact_us=5' AS text_equal,
       duration_sketch_hash('v1 a=0.01 p=-0,0.5 n=1 exact_us=5') = duration_sketch_hash('v1 a=0.01 p=0,0.5 n=1 exact_us=5') AS text_hash,
       duration_sketch_send('v1 a=0.01 p=-0 n=1 exact_us=5') = duration_sketch_send('v1 a=0.01 p=0 n=1 exact_us=5') AS text_send;
SELECT count(*) AS groups
FROM (SELECT s FROM (VALUES ('v1 a=0.01 p=-0 n=1 exact_us=5'::duration_sketch), ('v1 a=0.01 p=0 n=1 exact_us=5')) t(s) GROUP BY s) g;

-- binary input: a percentile sent as -0 (sign bit set) is received as 0
\set recv_type duration_sketch
SELECT '\x0101'::bytea || int2send(1::int2) || float8send(0.01) || int8send(1) || int8send(0)
       || int8send(5) || int8send(5) || int8send(0) || int8send(5)
       || float8send('-0'::float8) || int8send(5) AS payload :receive
SELECT v = 'v1 a=0.01 p=0 n=1 exact_us=5' AS received_equal,
       duration_sketch_send(v) = duration_sketch_send('v1 a=0.01 p=0 n=1 exact_us=5') AS resent_as_zero
FROM received;
-- and the relative accuracy of an empty sketch sent as -0 is no accuracy
SELECT '\x0101'::bytea || int2send(0::int2) || float8send('-0'::float8) || int8send(0) || int8send(0)
       || int8send(0) || int8send(0) || int8send(0) || int8send(0) AS payload :receive
SELECT v = 'v1 n=0' AS empty_equal, relative_accuracy(v) IS NULL AS no_accuracy FROM received;
