-- duration_sketch: support functions called outside an aggregate return
-- the stored form.  They used to return their working form (unsorted exact
-- values with spare room, or dense bucket windows), which then reached
-- tables as bytes that no input or final function produces (issue 14).
-- What is stored must be byte for byte the canonical form, which text input
-- makes (it ends in the stored form whatever it reads).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all
SELECT setseed(0.31);

-- the stored bytes are compared with the record image operator *=
-- (record_image_eq: the fields' bytes, not the type's =): numeric 1.0 and
-- 1.00 are = but not the same image
SELECT ROW(1.0::numeric) = ROW(1.00::numeric) AS equal, ROW(1.0::numeric)::record *= ROW(1.00::numeric)::record AS same_image;

-- a fold of values by direct calls of a transition function
CREATE FUNCTION pg_temp.fold(vals interval[]) RETURNS duration_sketch
LANGUAGE plpgsql AS $$
DECLARE
	s duration_sketch := 'v1 n=0';
	v interval;
BEGIN
	FOREACH v IN ARRAY vals LOOP
		s := duration_sketch_trans_interval(s, v);
	END LOOP;
	RETURN s;
END $$;

CREATE TEMP TABLE vals AS
SELECT n, array_agg(make_interval(secs => round((exp(random() * 10) - 3)::numeric, 6)::float8)) AS v
FROM generate_series(1, 400) g, (VALUES (3), (64), (65), (300), (400)) c(n)
WHERE g <= c.n GROUP BY n;

CREATE TABLE direct_states (what text, s duration_sketch);
INSERT INTO direct_states
SELECT 'fold of ' || n, pg_temp.fold(v) FROM vals
UNION ALL SELECT 'one value', duration_sketch_trans_interval('v1 n=0', '3 seconds')
UNION ALL SELECT 'two values', duration_sketch_trans_interval(duration_sketch_trans_interval('v1 n=0', '3 seconds'), '1 second')
UNION ALL SELECT 'seconds, alpha', duration_sketch_trans_seconds_alpha('v1 n=0', 2.5, 0.02)
UNION ALL SELECT 'one-step p', duration_sketch_trans_interval_p('v1 n=0', '2 seconds', 0.9)
UNION ALL SELECT 'one-step p[]', duration_sketch_trans_seconds_parr('v1 n=0', 2, '{0.5,null,0.9}')
UNION ALL SELECT 'add to stored', duration_sketch_trans_interval((SELECT response_time_agg(x) FROM unnest(v) x), '1 hour')
	FROM vals WHERE n = 300
UNION ALL SELECT 'combine into empty', duration_sketch_combine('v1 n=0', (SELECT response_time_agg(x) FROM unnest(v) x))
	FROM vals WHERE n = 400
UNION ALL SELECT 'combine with empty', duration_sketch_combine(pg_temp.fold(v), 'v1 n=0')
	FROM vals WHERE n = 65
UNION ALL SELECT 'combine two', duration_sketch_combine(pg_temp.fold(a.v), pg_temp.fold(b.v))
	FROM vals a, vals b WHERE a.n = 64 AND b.n = 300
UNION ALL SELECT 'inverse exact', duration_sketch_inv_interval(pg_temp.fold(v), v[2])
	FROM vals WHERE n = 3
UNION ALL SELECT 'inverse bucketed', duration_sketch_inv_interval(pg_temp.fold(v), v[5])
	FROM vals WHERE n = 400
UNION ALL SELECT 'uncombine', duration_sketch_uncombine(pg_temp.fold(a.v || b.v), pg_temp.fold(b.v))
	FROM vals a, vals b WHERE a.n = 300 AND b.n = 3
UNION ALL SELECT 'uncombine empty', duration_sketch_uncombine(pg_temp.fold(v), 'v1 n=0')
	FROM vals WHERE n = 64;

-- every stored value is the canonical image (text input's), byte for byte
SELECT what, s IS NOT NULL AS has_state,
       ROW(s)::record *= ROW(s::text::duration_sketch)::record AS canonical_bytes
FROM direct_states ORDER BY what;

-- and the same state as the aggregate over the same values (its final
-- function stores the canonical form too)
SELECT n, ROW(d.s)::record *= ROW((SELECT response_time_agg(x) FROM unnest(v) x))::record AS same_as_aggregate
FROM vals JOIN direct_states d ON d.what = 'fold of ' || n ORDER BY n;

-- binary send agrees, and the stored bytes hash and compare like the
-- aggregate's
SELECT count(*) AS mismatches
FROM vals JOIN direct_states d ON d.what = 'fold of ' || n
CROSS JOIN LATERAL (SELECT response_time_agg(x) AS a FROM unnest(v) x) agg
WHERE duration_sketch_send(d.s) <> duration_sketch_send(agg.a)
   OR duration_sketch_hash(d.s) <> duration_sketch_hash(agg.a)
   OR d.s <> agg.a;

-- a stored directly-built sketch keeps answering like percentile_cont
-- while exact
SELECT response_time_percentile(d.s, 0.5) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v) x) AS exact_median
FROM vals JOIN direct_states d ON d.what = 'fold of ' || n WHERE n = 64;

DROP TABLE direct_states;
