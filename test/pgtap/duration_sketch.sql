-- The duration_sketch family's declared signatures, return types,
-- strictness and aggregate machinery.
BEGIN;
SELECT * FROM no_plan();

SELECT has_type('duration_sketch');

-- aggregates: one-step ones return the answer, the others the sketch
CREATE TEMP TABLE aggs (f name, args text[], ret text);
INSERT INTO aggs VALUES
	('response_time_percentile', ARRAY['interval', 'double precision'], 'interval'),
	('response_time_percentile', ARRAY['interval', 'double precision[]'], 'interval[]'),
	('response_time_percentile', ARRAY['double precision', 'double precision'], 'double precision'),
	('response_time_percentile', ARRAY['double precision', 'double precision[]'], 'double precision[]'),
	('response_time_agg', ARRAY['interval'], 'duration_sketch'),
	('response_time_agg', ARRAY['interval', 'double precision'], 'duration_sketch'),
	('response_time_agg', ARRAY['double precision'], 'duration_sketch'),
	('response_time_agg', ARRAY['double precision', 'double precision'], 'duration_sketch'),
	('rollup', ARRAY['duration_sketch'], 'duration_sketch');
SELECT has_function(f, args) FROM aggs;
SELECT is_aggregate(f, args) FROM aggs;
SELECT function_returns(f, args, ret) FROM aggs;

-- accessors: strict, immutable plain functions
CREATE TEMP TABLE accessors (f name, args text[], ret text);
INSERT INTO accessors VALUES
	('response_time_percentile', ARRAY['duration_sketch', 'double precision'], 'interval'),
	('response_time_percentile', ARRAY['duration_sketch', 'double precision[]'], 'interval[]'),
	('share_within', ARRAY['duration_sketch', 'interval'], 'double precision'),
	('response_time_count', ARRAY['duration_sketch'], 'bigint'),
	('response_time_mean', ARRAY['duration_sketch'], 'interval'),
	('response_time_min', ARRAY['duration_sketch'], 'interval'),
	('response_time_max', ARRAY['duration_sketch'], 'interval'),
	('response_time_total_seconds', ARRAY['duration_sketch'], 'numeric'),
	('relative_accuracy', ARRAY['duration_sketch'], 'double precision'),
	('is_exact', ARRAY['duration_sketch'], 'boolean'),
	('histogram', ARRAY['duration_sketch'], 'setof record'),
	('histogram', ARRAY['duration_sketch', 'interval[]'], 'setof record'),
	('duration_sketch_bucket_value', ARRAY['double precision', 'double precision'], 'double precision');
SELECT has_function(f, args) FROM accessors;
SELECT function_returns(f, args, ret) FROM accessors;
SELECT is_strict(f, args) FROM accessors;
SELECT volatility_is(f, args, 'immutable') FROM accessors;
SELECT isnt_aggregate(f, args) FROM accessors;

-- no accessor shadows a built-in aggregate name
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace
                      AND p.proname = a.f), a.f || ' does not reuse a built-in function name')
FROM (SELECT DISTINCT f FROM accessors) a;

-- histogram's columns
SELECT is((SELECT pg_get_function_result('histogram(duration_sketch)'::regprocedure)),
          'TABLE(lower interval, upper interval, count bigint)', 'histogram returns (lower, upper, count)');
SELECT is((SELECT pg_get_function_result('histogram(duration_sketch, interval[])'::regprocedure)),
          'TABLE(lower interval, upper interval, count bigint)', 'histogram over bins returns (lower, upper, count)');

-- every duration_sketch aggregate: one combine function, the public type as
-- state (plain and moving), an inverse, the same transition in both modes
CREATE TEMP VIEW sketch_aggs AS
SELECT a.*, a.aggfnoid::regprocedure AS sig FROM pg_aggregate a WHERE aggtranstype = 'duration_sketch'::regtype;
SELECT is((SELECT count(*) FROM sketch_aggs), 9::bigint, 'nine aggregates keep a duration_sketch state');
SELECT is((SELECT count(DISTINCT aggcombinefn) FROM sketch_aggs), 1::bigint,
          'every sketch aggregate combines with duration_sketch_combine');
SELECT ok(aggcombinefn = 'duration_sketch_combine'::regproc, sig::text || ' combines sketches') FROM sketch_aggs ORDER BY sig::text;
SELECT ok(aggmtranstype = 'duration_sketch'::regtype AND aggtransfn = aggmtransfn,
          sig::text || ' uses the same transition and state when moving') FROM sketch_aggs ORDER BY sig::text;
SELECT ok(aggminvtransfn <> 0, sig::text || ' has an inverse') FROM sketch_aggs ORDER BY sig::text;
SELECT ok(aggtransspace >= 1024, sig::text || ' declares its state size') FROM sketch_aggs ORDER BY sig::text;
SELECT ok(aggfinalmodify = 'r', sig::text || ' has a read-only final function') FROM sketch_aggs ORDER BY sig::text;
SELECT is((SELECT aggminvtransfn FROM pg_aggregate WHERE aggfnoid = 'rollup(duration_sketch)'::regprocedure),
          'duration_sketch_uncombine'::regproc, 'rollup subtracts sketches in moving windows');

-- the type: variable length, double aligned, toastable, binary I/O
SELECT is((SELECT typlen FROM pg_type WHERE oid = 'duration_sketch'::regtype), -1::int2, 'duration_sketch is variable length');
SELECT is((SELECT typalign FROM pg_type WHERE oid = 'duration_sketch'::regtype), 'd'::"char", 'duration_sketch is double aligned');
SELECT is((SELECT typstorage FROM pg_type WHERE oid = 'duration_sketch'::regtype), 'x'::"char", 'duration_sketch can be compressed and toasted');
SELECT is((SELECT typreceive FROM pg_type WHERE oid = 'duration_sketch'::regtype), 'duration_sketch_recv'::regproc, 'duration_sketch has a receive function');

-- a large state survives a parallel partial aggregate and the text form
SELECT lives_ok($$SELECT response_time_agg(g * interval '1 ms')::text::duration_sketch FROM generate_series(1, 100000) g$$,
                'a 100,000-value sketch round-trips through text');

-- equality and hashing (0.2.0): = and <>, and the hash function
SELECT has_operator('duration_sketch', '=', 'duration_sketch', 'boolean');
SELECT has_operator('duration_sketch', '<>', 'duration_sketch', 'boolean');
SELECT function_returns('duration_sketch_hash', ARRAY['duration_sketch'], 'integer');

SELECT * FROM finish();
ROLLBACK;
