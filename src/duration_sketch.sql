
-- ---------------------------------------------------------------------
-- Response-time percentiles: the duration_sketch type,
-- response_time_percentile, response_time_agg, rollup and accessors
-- (src/duration_sketch.c)
-- ---------------------------------------------------------------------

CREATE TYPE @extschema@.duration_sketch;

CREATE FUNCTION @extschema@.duration_sketch_in(cstring) RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_out(@extschema@.duration_sketch) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_recv(internal) RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_send(@extschema@.duration_sketch) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.duration_sketch (
	INPUT = @extschema@.duration_sketch_in,
	OUTPUT = @extschema@.duration_sketch_out,
	RECEIVE = @extschema@.duration_sketch_recv,
	SEND = @extschema@.duration_sketch_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.duration_sketch IS
	'mergeable summary of durations: exact up to 64 values, then log buckets with a guaranteed relative error on every percentile';

COMMENT ON FUNCTION @extschema@.duration_sketch_in(cstring) IS 'text input of duration_sketch';
COMMENT ON FUNCTION @extschema@.duration_sketch_out(@extschema@.duration_sketch) IS 'text output of duration_sketch';
COMMENT ON FUNCTION @extschema@.duration_sketch_recv(internal) IS 'binary input of duration_sketch';
COMMENT ON FUNCTION @extschema@.duration_sketch_send(@extschema@.duration_sketch) IS 'binary output of duration_sketch';

-- Equality and hashing of states (DISTINCT, GROUP BY, UNION, IN, hash joins):
-- the same stored form (exact values, or bucket counts, and the same
-- header: accuracy, percentiles, count, zeros, min, max, sum)
CREATE FUNCTION @extschema@.duration_sketch_eq(@extschema@.duration_sketch, @extschema@.duration_sketch) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_ne(@extschema@.duration_sketch, @extschema@.duration_sketch) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_hash(@extschema@.duration_sketch) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.duration_sketch_eq(@extschema@.duration_sketch, @extschema@.duration_sketch) IS
	'true if two duration_sketch values hold the same state';
COMMENT ON FUNCTION @extschema@.duration_sketch_ne(@extschema@.duration_sketch, @extschema@.duration_sketch) IS
	'true unless two duration_sketch values hold the same state';
COMMENT ON FUNCTION @extschema@.duration_sketch_hash(@extschema@.duration_sketch) IS
	'hash of a duration_sketch that agrees with =';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.duration_sketch, RIGHTARG = @extschema@.duration_sketch,
	FUNCTION = @extschema@.duration_sketch_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.duration_sketch, RIGHTARG = @extschema@.duration_sketch,
	FUNCTION = @extschema@.duration_sketch_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.duration_sketch, @extschema@.duration_sketch) IS 'same state';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.duration_sketch, @extschema@.duration_sketch) IS 'not the same state';

CREATE OPERATOR CLASS @extschema@.duration_sketch_ops
	DEFAULT FOR TYPE @extschema@.duration_sketch USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.duration_sketch, @extschema@.duration_sketch),
	FUNCTION 1 @extschema@.duration_sketch_hash(@extschema@.duration_sketch);
COMMENT ON OPERATOR FAMILY @extschema@.duration_sketch_ops USING hash IS
	'hash equality of duration_sketch states';
COMMENT ON OPERATOR CLASS @extschema@.duration_sketch_ops USING hash IS
	'hash equality of duration_sketch states: DISTINCT, GROUP BY, UNION and hash joins';

-- Transition, inverse, combine and final support (not meant to be called directly)
CREATE FUNCTION @extschema@.duration_sketch_trans_interval(@extschema@.duration_sketch, interval)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_interval_alpha(@extschema@.duration_sketch, interval, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_interval_p(@extschema@.duration_sketch, interval, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_interval_parr(@extschema@.duration_sketch, interval, double precision[])
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_seconds(@extschema@.duration_sketch, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_seconds_alpha(@extschema@.duration_sketch, double precision, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_seconds_p(@extschema@.duration_sketch, double precision, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_trans_seconds_parr(@extschema@.duration_sketch, double precision, double precision[])
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_inv_interval(@extschema@.duration_sketch, interval)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_inv_interval(@extschema@.duration_sketch, interval, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_inv_interval(@extschema@.duration_sketch, interval, double precision[])
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_inv_seconds(@extschema@.duration_sketch, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_inv_seconds(@extschema@.duration_sketch, double precision, double precision)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_inv_seconds(@extschema@.duration_sketch, double precision, double precision[])
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_combine(@extschema@.duration_sketch, @extschema@.duration_sketch)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_uncombine(@extschema@.duration_sketch, @extschema@.duration_sketch)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_final(@extschema@.duration_sketch)
	RETURNS @extschema@.duration_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_final_interval(@extschema@.duration_sketch) RETURNS interval
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_final_interval_array(@extschema@.duration_sketch) RETURNS interval[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_final_seconds(@extschema@.duration_sketch) RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.duration_sketch_final_seconds_array(@extschema@.duration_sketch) RETURNS double precision[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.duration_sketch_trans_interval(@extschema@.duration_sketch, interval) IS
	'response_time_agg transition: adds one interval at relative accuracy 0.01';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_interval_alpha(@extschema@.duration_sketch, interval, double precision) IS
	'response_time_agg transition: adds one interval at the given relative accuracy';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_interval_p(@extschema@.duration_sketch, interval, double precision) IS
	'response_time_percentile transition: adds one interval, recording the percentile asked for';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_interval_parr(@extschema@.duration_sketch, interval, double precision[]) IS
	'response_time_percentile transition: adds one interval, recording the percentiles asked for';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_seconds(@extschema@.duration_sketch, double precision) IS
	'response_time_agg transition: adds a duration in seconds at relative accuracy 0.01';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_seconds_alpha(@extschema@.duration_sketch, double precision, double precision) IS
	'response_time_agg transition: adds a duration in seconds at the given relative accuracy';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_seconds_p(@extschema@.duration_sketch, double precision, double precision) IS
	'response_time_percentile transition: adds a duration in seconds, recording the percentile asked for';
COMMENT ON FUNCTION @extschema@.duration_sketch_trans_seconds_parr(@extschema@.duration_sketch, double precision, double precision[]) IS
	'response_time_percentile transition: adds a duration in seconds, recording the percentiles asked for';
COMMENT ON FUNCTION @extschema@.duration_sketch_inv_interval(@extschema@.duration_sketch, interval) IS
	'moving-window inverse: removes one interval, or NULL when the result could not stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_inv_interval(@extschema@.duration_sketch, interval, double precision) IS
	'moving-window inverse: removes one interval, or NULL when the result could not stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_inv_interval(@extschema@.duration_sketch, interval, double precision[]) IS
	'moving-window inverse: removes one interval, or NULL when the result could not stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_inv_seconds(@extschema@.duration_sketch, double precision) IS
	'moving-window inverse: removes one duration in seconds, or NULL when the result could not stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_inv_seconds(@extschema@.duration_sketch, double precision, double precision) IS
	'moving-window inverse: removes one duration in seconds, or NULL when the result could not stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_inv_seconds(@extschema@.duration_sketch, double precision, double precision[]) IS
	'moving-window inverse: removes one duration in seconds, or NULL when the result could not stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_combine(@extschema@.duration_sketch, @extschema@.duration_sketch) IS
	'merges two duration sketches: the combine function of every response-time aggregate';
COMMENT ON FUNCTION @extschema@.duration_sketch_uncombine(@extschema@.duration_sketch, @extschema@.duration_sketch) IS
	'removes a stored sketch: the moving-window inverse of rollup(duration_sketch), NULL when it cannot stay exact';
COMMENT ON FUNCTION @extschema@.duration_sketch_final(@extschema@.duration_sketch) IS
	'final function of response_time_agg and rollup: the compact stored form, or NULL when empty';
COMMENT ON FUNCTION @extschema@.duration_sketch_final_interval(@extschema@.duration_sketch) IS
	'final function of response_time_percentile(interval, p)';
COMMENT ON FUNCTION @extschema@.duration_sketch_final_interval_array(@extschema@.duration_sketch) IS
	'final function of response_time_percentile(interval, p[])';
COMMENT ON FUNCTION @extschema@.duration_sketch_final_seconds(@extschema@.duration_sketch) IS
	'final function of response_time_percentile(double precision, p)';
COMMENT ON FUNCTION @extschema@.duration_sketch_final_seconds_array(@extschema@.duration_sketch) IS
	'final function of response_time_percentile(double precision, p[])';

-- Accessors
CREATE FUNCTION @extschema@.response_time_percentile(@extschema@.duration_sketch, p double precision)
	RETURNS interval
	AS 'MODULE_PATHNAME', 'duration_sketch_percentile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_percentile(@extschema@.duration_sketch, double precision) IS
	'percentile p (0..1) of a sketch, like percentile_cont: exact up to 64 values, else within the relative accuracy';
CREATE FUNCTION @extschema@.response_time_percentile(@extschema@.duration_sketch, p double precision[])
	RETURNS interval[]
	AS 'MODULE_PATHNAME', 'duration_sketch_percentile_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_percentile(@extschema@.duration_sketch, double precision[]) IS
	'several percentiles of a sketch at once; a NULL element gives a NULL answer';
CREATE FUNCTION @extschema@.share_within(@extschema@.duration_sketch, threshold interval)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'duration_sketch_share_within' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.share_within(@extschema@.duration_sketch, interval) IS
	'share of durations <= threshold; exact for exact sketches, else between the exact shares at threshold and threshold + |threshold| 2a/(1-a)';
CREATE FUNCTION @extschema@.response_time_count(@extschema@.duration_sketch) RETURNS bigint
	AS 'MODULE_PATHNAME', 'duration_sketch_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_count(@extschema@.duration_sketch) IS
	'exact number of durations in a sketch';
CREATE FUNCTION @extschema@.response_time_mean(@extschema@.duration_sketch) RETURNS interval
	AS 'MODULE_PATHNAME', 'duration_sketch_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_mean(@extschema@.duration_sketch) IS
	'mean duration, from the exact sum, rounded to the microsecond; NULL when empty';
CREATE FUNCTION @extschema@.response_time_min(@extschema@.duration_sketch) RETURNS interval
	AS 'MODULE_PATHNAME', 'duration_sketch_min' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_min(@extschema@.duration_sketch) IS
	'exact smallest duration; NULL when empty';
CREATE FUNCTION @extschema@.response_time_max(@extschema@.duration_sketch) RETURNS interval
	AS 'MODULE_PATHNAME', 'duration_sketch_max' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_max(@extschema@.duration_sketch) IS
	'exact largest duration; NULL when empty';
CREATE FUNCTION @extschema@.response_time_total_seconds(@extschema@.duration_sketch) RETURNS numeric
	AS 'MODULE_PATHNAME', 'duration_sketch_sum_seconds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.response_time_total_seconds(@extschema@.duration_sketch) IS
	'exact sum of the durations in seconds (microsecond resolution); NULL when empty';
CREATE FUNCTION @extschema@.relative_accuracy(@extschema@.duration_sketch) RETURNS double precision
	AS 'MODULE_PATHNAME', 'duration_sketch_relative_accuracy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.relative_accuracy(@extschema@.duration_sketch) IS
	'the relative accuracy the sketch guarantees once it holds more than 64 values';
CREATE FUNCTION @extschema@.is_exact(@extschema@.duration_sketch) RETURNS boolean
	AS 'MODULE_PATHNAME', 'duration_sketch_is_exact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_exact(@extschema@.duration_sketch) IS
	'true while the sketch holds its values themselves (at most 64) and answers exactly';
CREATE FUNCTION @extschema@.histogram(@extschema@.duration_sketch)
	RETURNS TABLE (lower interval, upper interval, count bigint)
	AS 'MODULE_PATHNAME', 'duration_sketch_histogram' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.histogram(@extschema@.duration_sketch) IS
	'distribution of a sketch, lowest first: one row per non-empty bucket (lower, upper, count), or per distinct value of an exact sketch';
CREATE FUNCTION @extschema@.histogram(@extschema@.duration_sketch, edges interval[])
	RETURNS TABLE (lower interval, upper interval, count bigint)
	AS 'MODULE_PATHNAME', 'duration_sketch_histogram_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.histogram(@extschema@.duration_sketch, interval[]) IS
	'counts in chart bins (NULL, e1], (e1, e2], ..., (ek, NULL) for ascending edges; each edge counted like share_within';
CREATE FUNCTION @extschema@.duration_sketch_bucket_value(seconds double precision,
	relative_accuracy double precision DEFAULT 0.01)
	RETURNS double precision
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.duration_sketch_bucket_value(double precision, double precision) IS
	'diagnostic: the value that stands for a duration (in seconds) once bucketed at the given relative accuracy';

-- Aggregates.  response_time_agg builds a sketch; response_time_percentile
-- is the same transition with a final function answering p; rollup merges
-- stored sketches.  Every one is parallel (combine) and a moving aggregate
-- (inverse).  One-step aggregates record p from the group's first row:
-- p must be the same for every row of a group.

CREATE AGGREGATE @extschema@.response_time_agg(response interval) (
	SFUNC = @extschema@.duration_sketch_trans_interval, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_interval,
	MINVFUNC = @extschema@.duration_sketch_inv_interval,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_agg(interval) IS
	'duration sketch of the intervals at relative accuracy 0.01, for storing and rollup(); NULL rows are ignored';

CREATE AGGREGATE @extschema@.response_time_agg(response interval, relative_accuracy double precision) (
	SFUNC = @extschema@.duration_sketch_trans_interval_alpha, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_interval_alpha,
	MINVFUNC = @extschema@.duration_sketch_inv_interval,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_agg(interval, double precision) IS
	'duration sketch of the intervals at the given relative accuracy (0.0001 to 0.05)';

CREATE AGGREGATE @extschema@.response_time_agg(seconds double precision) (
	SFUNC = @extschema@.duration_sketch_trans_seconds, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_seconds,
	MINVFUNC = @extschema@.duration_sketch_inv_seconds,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_agg(double precision) IS
	'duration sketch of durations in seconds (rounded to the microsecond) at relative accuracy 0.01';

CREATE AGGREGATE @extschema@.response_time_agg(seconds double precision, relative_accuracy double precision) (
	SFUNC = @extschema@.duration_sketch_trans_seconds_alpha, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_seconds_alpha,
	MINVFUNC = @extschema@.duration_sketch_inv_seconds,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_agg(double precision, double precision) IS
	'duration sketch of durations in seconds at the given relative accuracy (0.0001 to 0.05)';

CREATE AGGREGATE @extschema@.response_time_percentile(response interval, p double precision) (
	SFUNC = @extschema@.duration_sketch_trans_interval_p, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final_interval,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_interval_p,
	MINVFUNC = @extschema@.duration_sketch_inv_interval,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final_interval,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_percentile(interval, double precision) IS
	'percentile p of the intervals like percentile_cont: exact up to 64 rows, else within 1% relative error; p constant per group';

CREATE AGGREGATE @extschema@.response_time_percentile(response interval, p double precision[]) (
	SFUNC = @extschema@.duration_sketch_trans_interval_parr, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final_interval_array,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_interval_parr,
	MINVFUNC = @extschema@.duration_sketch_inv_interval,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final_interval_array,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_percentile(interval, double precision[]) IS
	'several percentiles of the intervals at once (one-dimensional result); p constant per group';

CREATE AGGREGATE @extschema@.response_time_percentile(seconds double precision, p double precision) (
	SFUNC = @extschema@.duration_sketch_trans_seconds_p, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final_seconds,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_seconds_p,
	MINVFUNC = @extschema@.duration_sketch_inv_seconds,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final_seconds,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_percentile(double precision, double precision) IS
	'percentile p of durations in seconds like percentile_cont: exact up to 64 rows, else within 1% relative error; p constant per group';

CREATE AGGREGATE @extschema@.response_time_percentile(seconds double precision, p double precision[]) (
	SFUNC = @extschema@.duration_sketch_trans_seconds_parr, STYPE = @extschema@.duration_sketch,
	INITCOND = 'v1 n=0', SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final_seconds_array,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_trans_seconds_parr,
	MINVFUNC = @extschema@.duration_sketch_inv_seconds,
	MSTYPE = @extschema@.duration_sketch, MINITCOND = 'v1 n=0', MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final_seconds_array,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.response_time_percentile(double precision, double precision[]) IS
	'several percentiles of durations in seconds at once (one-dimensional result); p constant per group';

CREATE AGGREGATE @extschema@.rollup(@extschema@.duration_sketch) (
	SFUNC = @extschema@.duration_sketch_combine, STYPE = @extschema@.duration_sketch,
	SSPACE = 8192,
	FINALFUNC = @extschema@.duration_sketch_final,
	COMBINEFUNC = @extschema@.duration_sketch_combine,
	MSFUNC = @extschema@.duration_sketch_combine, MINVFUNC = @extschema@.duration_sketch_uncombine,
	MSTYPE = @extschema@.duration_sketch, MSSPACE = 8192,
	MFINALFUNC = @extschema@.duration_sketch_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.duration_sketch) IS
	'merges stored duration sketches (e.g. daily into monthly) exactly; all must share one relative accuracy; NULLs are ignored';
