-- salesperf install script.
-- Assembled by the Makefile from src/*.sql: this file first, then one part
-- per KPI family.  Every object is created in the schema chosen with
-- CREATE EXTENSION ... SCHEMA; references to it go through @extschema@ and
-- to built-ins through pg_catalog, so a hostile search_path cannot hijack
-- them.

\echo Use "CREATE EXTENSION salesperf" to load this file. \quit

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

-- ---------------------------------------------------------------------
-- Ratio KPIs: the kpi_ratio state type, close_rate and
-- lead_qualification_efficiency (src/ratio.c)
-- ---------------------------------------------------------------------

CREATE TYPE @extschema@.kpi_ratio;

CREATE FUNCTION @extschema@.kpi_ratio_in(cstring) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_out(@extschema@.kpi_ratio) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_recv(internal) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_send(@extschema@.kpi_ratio) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.kpi_ratio (
	INPUT = @extschema@.kpi_ratio_in,
	OUTPUT = @extschema@.kpi_ratio_out,
	RECEIVE = @extschema@.kpi_ratio_recv,
	SEND = @extschema@.kpi_ratio_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.kpi_ratio IS
	'exact numerator/denominator state of a ratio KPI: "won/deals" counts, or "value:won/total" amounts';

COMMENT ON FUNCTION @extschema@.kpi_ratio_in(cstring) IS 'text input of kpi_ratio';
COMMENT ON FUNCTION @extschema@.kpi_ratio_out(@extschema@.kpi_ratio) IS 'text output of kpi_ratio';
COMMENT ON FUNCTION @extschema@.kpi_ratio_recv(internal) IS 'binary input of kpi_ratio';
COMMENT ON FUNCTION @extschema@.kpi_ratio_send(@extschema@.kpi_ratio) IS 'binary output of kpi_ratio';

-- Equality of states: same kind, numerator and denominator (1/2 <> 2/4)
CREATE FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true if two ratio states have the same kind, numerator and denominator';
COMMENT ON FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true unless two ratio states have the same kind, numerator and denominator';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
	FUNCTION = @extschema@.kpi_ratio_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.kpi_ratio, RIGHTARG = @extschema@.kpi_ratio,
	FUNCTION = @extschema@.kpi_ratio_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);

COMMENT ON OPERATOR @extschema@.= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'same kind, numerator and denominator';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'not the same kind, numerator and denominator';

-- Hashing of states, agreeing with = (DISTINCT, GROUP BY, UNION, IN, hash joins)
CREATE FUNCTION @extschema@.kpi_ratio_hash(@extschema@.kpi_ratio) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kpi_ratio_hash(@extschema@.kpi_ratio) IS
	'hash of a kpi_ratio that agrees with =';

CREATE OPERATOR CLASS @extschema@.kpi_ratio_ops
	DEFAULT FOR TYPE @extschema@.kpi_ratio USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.kpi_ratio, @extschema@.kpi_ratio),
	FUNCTION 1 @extschema@.kpi_ratio_hash(@extschema@.kpi_ratio);
COMMENT ON OPERATOR FAMILY @extschema@.kpi_ratio_ops USING hash IS
	'hash equality of kpi_ratio states';
COMMENT ON OPERATOR CLASS @extschema@.kpi_ratio_ops USING hash IS
	'hash equality of kpi_ratio states: DISTINCT, GROUP BY, UNION and hash joins';

-- Transition, inverse and combine support (not meant to be called directly)
CREATE FUNCTION @extschema@.kpi_ratio_close_trans(@extschema@.kpi_ratio, boolean) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_close_inv(@extschema@.kpi_ratio, boolean) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_close_value_trans(@extschema@.kpi_ratio, boolean, numeric) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_close_value_inv(@extschema@.kpi_ratio, boolean, numeric) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_lead_trans(@extschema@.kpi_ratio, boolean, bigint) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_lead_inv(@extschema@.kpi_ratio, boolean, bigint) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_counts_trans(@extschema@.kpi_ratio, bigint, bigint) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_counts_inv(@extschema@.kpi_ratio, bigint, bigint) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_combine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_uncombine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.kpi_ratio_state_final(@extschema@.kpi_ratio) RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kpi_ratio_close_trans(@extschema@.kpi_ratio, boolean) IS
	'close_rate transition: counts one deal, and one win if won';
COMMENT ON FUNCTION @extschema@.kpi_ratio_close_inv(@extschema@.kpi_ratio, boolean) IS
	'close_rate moving-window inverse: removes one deal';
COMMENT ON FUNCTION @extschema@.kpi_ratio_close_value_trans(@extschema@.kpi_ratio, boolean, numeric) IS
	'value-weighted close_rate transition: adds the amount to the total, and to the won total if won';
COMMENT ON FUNCTION @extschema@.kpi_ratio_close_value_inv(@extschema@.kpi_ratio, boolean, numeric) IS
	'value-weighted close_rate moving-window inverse: removes one deal''s amount';
COMMENT ON FUNCTION @extschema@.kpi_ratio_lead_trans(@extschema@.kpi_ratio, boolean, bigint) IS
	'lead_qualification_efficiency transition: counts one lead''s qualification and calls';
COMMENT ON FUNCTION @extschema@.kpi_ratio_lead_inv(@extschema@.kpi_ratio, boolean, bigint) IS
	'lead_qualification_efficiency moving-window inverse: removes one lead';
COMMENT ON FUNCTION @extschema@.kpi_ratio_counts_trans(@extschema@.kpi_ratio, bigint, bigint) IS
	'lead_qualification_efficiency transition for pre-counted rows: adds qualified leads and calls';
COMMENT ON FUNCTION @extschema@.kpi_ratio_counts_inv(@extschema@.kpi_ratio, bigint, bigint) IS
	'lead_qualification_efficiency moving-window inverse for pre-counted rows';
COMMENT ON FUNCTION @extschema@.kpi_ratio_combine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'adds two ratio states: the combine function of every ratio aggregate';
COMMENT ON FUNCTION @extschema@.kpi_ratio_uncombine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'subtracts a ratio state: the moving-window inverse of rollup(kpi_ratio)';
COMMENT ON FUNCTION @extschema@.kpi_ratio_state_final(@extschema@.kpi_ratio) IS
	'final function of the ratio state aggregates: the state, or NULL when nothing was counted';

-- Accessors
CREATE FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio) RETURNS double precision
	AS 'MODULE_PATHNAME', 'kpi_ratio_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio) IS
	'close rate of a stored state: won / worked (count or value); NULL when nothing was worked';
CREATE FUNCTION @extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio) RETURNS double precision
	AS 'MODULE_PATHNAME', 'kpi_ratio_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio) IS
	'qualified leads per call of a stored state; NULL when no call was made';
CREATE FUNCTION @extschema@.numerator(@extschema@.kpi_ratio) RETURNS numeric
	AS 'MODULE_PATHNAME', 'kpi_ratio_numerator' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.numerator(@extschema@.kpi_ratio) IS
	'numerator of a ratio state: wins, won amount or qualified leads';
CREATE FUNCTION @extschema@.denominator(@extschema@.kpi_ratio) RETURNS numeric
	AS 'MODULE_PATHNAME', 'kpi_ratio_denominator' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.denominator(@extschema@.kpi_ratio) IS
	'denominator of a ratio state: deals, total amount or calls';
CREATE FUNCTION @extschema@.wilson_lower(@extschema@.kpi_ratio, confidence double precision DEFAULT 0.95)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'kpi_ratio_wilson_lower' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.wilson_lower(@extschema@.kpi_ratio, double precision) IS
	'lower bound of the Wilson score interval of a count ratio at the given two-sided confidence';
CREATE FUNCTION @extschema@.wilson_upper(@extschema@.kpi_ratio, confidence double precision DEFAULT 0.95)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'kpi_ratio_wilson_upper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.wilson_upper(@extschema@.kpi_ratio, double precision) IS
	'upper bound of the Wilson score interval of a count ratio at the given two-sided confidence';

CREATE CAST (@extschema@.kpi_ratio AS double precision)
	WITH FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio);
COMMENT ON CAST (@extschema@.kpi_ratio AS double precision) IS
	'numerator / denominator (explicit only)';

-- Aggregates.  Each KPI comes as a state aggregate (<kpi>_agg, returning
-- kpi_ratio) and a one-step aggregate (<kpi>, returning the ratio); both share
-- the transition, inverse and combine functions and differ only in the final
-- function.  rollup(kpi_ratio) merges stored states.

CREATE AGGREGATE @extschema@.close_rate_agg(won boolean) (
	SFUNC = @extschema@.kpi_ratio_close_trans, STYPE = @extschema@.kpi_ratio, INITCOND = '0/0',
	FINALFUNC = @extschema@.kpi_ratio_state_final,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_close_trans, MINVFUNC = @extschema@.kpi_ratio_close_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = '0/0',
	MFINALFUNC = @extschema@.kpi_ratio_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.close_rate_agg(boolean) IS
	'close-rate state: wins / deals as kpi_ratio, for storing and rollup()';

CREATE AGGREGATE @extschema@.close_rate(won boolean) (
	SFUNC = @extschema@.kpi_ratio_close_trans, STYPE = @extschema@.kpi_ratio, INITCOND = '0/0',
	FINALFUNC = @extschema@.close_rate,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_close_trans, MINVFUNC = @extschema@.kpi_ratio_close_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = '0/0',
	MFINALFUNC = @extschema@.close_rate,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.close_rate(boolean) IS
	'close rate: won deals / deals, over non-NULL rows; choose the deals with FILTER or WHERE';

CREATE AGGREGATE @extschema@.close_rate_agg(won boolean, amount numeric) (
	SFUNC = @extschema@.kpi_ratio_close_value_trans, STYPE = @extschema@.kpi_ratio, INITCOND = 'value:0/0',
	FINALFUNC = @extschema@.kpi_ratio_state_final,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_close_value_trans, MINVFUNC = @extschema@.kpi_ratio_close_value_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = 'value:0/0',
	MFINALFUNC = @extschema@.kpi_ratio_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.close_rate_agg(boolean, numeric) IS
	'value-weighted close-rate state: won amount / total amount as kpi_ratio';

CREATE AGGREGATE @extschema@.close_rate(won boolean, amount numeric) (
	SFUNC = @extschema@.kpi_ratio_close_value_trans, STYPE = @extschema@.kpi_ratio, INITCOND = 'value:0/0',
	FINALFUNC = @extschema@.close_rate,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_close_value_trans, MINVFUNC = @extschema@.kpi_ratio_close_value_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = 'value:0/0',
	MFINALFUNC = @extschema@.close_rate,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.close_rate(boolean, numeric) IS
	'value-weighted close rate: sum of won amounts / sum of amounts; rows with a NULL are ignored';

CREATE AGGREGATE @extschema@.lead_qualification_efficiency_agg(qualified boolean, calls bigint) (
	SFUNC = @extschema@.kpi_ratio_lead_trans, STYPE = @extschema@.kpi_ratio, INITCOND = '0/0',
	FINALFUNC = @extschema@.kpi_ratio_state_final,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_lead_trans, MINVFUNC = @extschema@.kpi_ratio_lead_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = '0/0',
	MFINALFUNC = @extschema@.kpi_ratio_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lead_qualification_efficiency_agg(boolean, bigint) IS
	'lead-qualification state, one row per lead: qualified leads / calls as kpi_ratio';

CREATE AGGREGATE @extschema@.lead_qualification_efficiency(qualified boolean, calls bigint) (
	SFUNC = @extschema@.kpi_ratio_lead_trans, STYPE = @extschema@.kpi_ratio, INITCOND = '0/0',
	FINALFUNC = @extschema@.lead_qualification_efficiency,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_lead_trans, MINVFUNC = @extschema@.kpi_ratio_lead_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = '0/0',
	MFINALFUNC = @extschema@.lead_qualification_efficiency,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lead_qualification_efficiency(boolean, bigint) IS
	'qualified leads per call, one row per lead: count of qualified / sum of calls';

CREATE AGGREGATE @extschema@.lead_qualification_efficiency_agg(qualified_leads bigint, calls bigint) (
	SFUNC = @extschema@.kpi_ratio_counts_trans, STYPE = @extschema@.kpi_ratio, INITCOND = '0/0',
	FINALFUNC = @extschema@.kpi_ratio_state_final,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_counts_trans, MINVFUNC = @extschema@.kpi_ratio_counts_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = '0/0',
	MFINALFUNC = @extschema@.kpi_ratio_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lead_qualification_efficiency_agg(bigint, bigint) IS
	'lead-qualification state from pre-counted rows: sum of qualified leads / sum of calls';

CREATE AGGREGATE @extschema@.lead_qualification_efficiency(qualified_leads bigint, calls bigint) (
	SFUNC = @extschema@.kpi_ratio_counts_trans, STYPE = @extschema@.kpi_ratio, INITCOND = '0/0',
	FINALFUNC = @extschema@.lead_qualification_efficiency,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_counts_trans, MINVFUNC = @extschema@.kpi_ratio_counts_inv,
	MSTYPE = @extschema@.kpi_ratio, MINITCOND = '0/0',
	MFINALFUNC = @extschema@.lead_qualification_efficiency,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lead_qualification_efficiency(bigint, bigint) IS
	'qualified leads per call from pre-counted rows: sum of qualified leads / sum of calls';

CREATE AGGREGATE @extschema@.rollup(@extschema@.kpi_ratio) (
	SFUNC = @extschema@.kpi_ratio_combine, STYPE = @extschema@.kpi_ratio,
	FINALFUNC = @extschema@.kpi_ratio_state_final,
	COMBINEFUNC = @extschema@.kpi_ratio_combine,
	MSFUNC = @extschema@.kpi_ratio_combine, MINVFUNC = @extschema@.kpi_ratio_uncombine,
	MSTYPE = @extschema@.kpi_ratio,
	MFINALFUNC = @extschema@.kpi_ratio_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.kpi_ratio) IS
	'merges stored ratio states (e.g. daily into monthly); NULL states are ignored';

-- ---------------------------------------------------------------------
-- Upsell rate: the upsell_summary state type, upsell_rate, its state
-- aggregate and rollup (src/upsell.c)
-- ---------------------------------------------------------------------

CREATE TYPE @extschema@.upsell_summary;

-- Text and binary I/O run the account key type's own I/O functions, so they
-- are STABLE, like record_in and array_in.
CREATE FUNCTION @extschema@.upsell_summary_in(cstring) RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_out(@extschema@.upsell_summary) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_recv(internal) RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_send(@extschema@.upsell_summary) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.upsell_summary (
	INPUT = @extschema@.upsell_summary_in,
	OUTPUT = @extschema@.upsell_summary_out,
	RECEIVE = @extschema@.upsell_summary_recv,
	SEND = @extschema@.upsell_summary_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.upsell_summary IS
	'per account, the value at its first and at its last snapshot: "v1 key bigint; 17 2024-01-01=1200..2024-12-01=1500"';

COMMENT ON FUNCTION @extschema@.upsell_summary_in(cstring) IS 'text input of upsell_summary';
COMMENT ON FUNCTION @extschema@.upsell_summary_out(@extschema@.upsell_summary) IS 'text output of upsell_summary';
COMMENT ON FUNCTION @extschema@.upsell_summary_recv(internal) IS 'binary input of upsell_summary';
COMMENT ON FUNCTION @extschema@.upsell_summary_send(@extschema@.upsell_summary) IS 'binary output of upsell_summary';

-- Equality and hashing of states (DISTINCT, GROUP BY, UNION, IN, hash joins):
-- the same key type and, per account, equal keys (the key type's equality),
-- the same first and last times and equal amounts
CREATE FUNCTION @extschema@.upsell_summary_eq(@extschema@.upsell_summary, @extschema@.upsell_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_ne(@extschema@.upsell_summary, @extschema@.upsell_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_hash(@extschema@.upsell_summary) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_eq(@extschema@.upsell_summary, @extschema@.upsell_summary) IS
	'true if two upsell_summary values hold the same state';
COMMENT ON FUNCTION @extschema@.upsell_summary_ne(@extschema@.upsell_summary, @extschema@.upsell_summary) IS
	'true unless two upsell_summary values hold the same state';
COMMENT ON FUNCTION @extschema@.upsell_summary_hash(@extschema@.upsell_summary) IS
	'hash of a upsell_summary that agrees with =';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.upsell_summary, RIGHTARG = @extschema@.upsell_summary,
	FUNCTION = @extschema@.upsell_summary_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.upsell_summary, RIGHTARG = @extschema@.upsell_summary,
	FUNCTION = @extschema@.upsell_summary_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.upsell_summary, @extschema@.upsell_summary) IS 'same state';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.upsell_summary, @extschema@.upsell_summary) IS 'not the same state';

CREATE OPERATOR CLASS @extschema@.upsell_summary_ops
	DEFAULT FOR TYPE @extschema@.upsell_summary USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.upsell_summary, @extschema@.upsell_summary),
	FUNCTION 1 @extschema@.upsell_summary_hash(@extschema@.upsell_summary);
COMMENT ON OPERATOR FAMILY @extschema@.upsell_summary_ops USING hash IS
	'hash equality of upsell_summary states';
COMMENT ON OPERATOR CLASS @extschema@.upsell_summary_ops USING hash IS
	'hash equality of upsell_summary states: DISTINCT, GROUP BY, UNION and hash joins';

-- Transition and combine support (not meant to be called directly).  Not
-- strict: the first row creates the state, and rows with a NULL are skipped.
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, anyelement, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, anyelement, numeric, timestamptz) IS
	'transition function of upsell_rate(account, value, at) and upsell_rate_agg(account, value, at)';
CREATE FUNCTION @extschema@.upsell_summary_series_trans(@extschema@.upsell_summary, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_series_trans(@extschema@.upsell_summary, numeric, timestamptz) IS
	'transition function of upsell_rate(value, at) and upsell_rate_agg(value, at)';
CREATE FUNCTION @extschema@.upsell_summary_combine(@extschema@.upsell_summary, @extschema@.upsell_summary)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_combine(@extschema@.upsell_summary, @extschema@.upsell_summary) IS
	'merges two upsell summaries: per account the earlier start and the later end win, equal times add up';
CREATE FUNCTION @extschema@.upsell_summary_final(@extschema@.upsell_summary)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_final(@extschema@.upsell_summary) IS
	'final function of upsell_rate_agg and rollup: the state in its flat, canonical form';

-- Accessors
CREATE FUNCTION @extschema@.upsell_rate(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_rate(@extschema@.upsell_summary) IS
	'(current value - starting value) / starting value, summed over the accounts; NULL when the starting value is 0';
CREATE FUNCTION @extschema@.starting_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_starting_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.starting_value(@extschema@.upsell_summary) IS
	'sum over the accounts of the value at each account''s first snapshot';
CREATE FUNCTION @extschema@.current_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_current_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.current_value(@extschema@.upsell_summary) IS
	'sum over the accounts of the value at each account''s last snapshot';
CREATE FUNCTION @extschema@.account_count(@extschema@.upsell_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_account_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.account_count(@extschema@.upsell_summary) IS
	'number of distinct accounts in an upsell summary';

-- Aggregates.  The state aggregate (upsell_rate_agg) and the one-step
-- aggregate (upsell_rate) share transition and combine functions.  There is
-- no moving-aggregate inverse (see src/upsell.c): as window functions they
-- are exact, and frames that keep their start are computed incrementally.
-- SSPACE: a few hundred accounts per group, about 100 bytes each.

CREATE AGGREGATE @extschema@.upsell_rate_agg(account anyelement, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(anyelement, numeric, timestamptz) IS
	'upsell state: per account the value at its first and last snapshot, for storing and rollup()';

CREATE AGGREGATE @extschema@.upsell_rate_agg(value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_series_trans, STYPE = @extschema@.upsell_summary, SSPACE = 128,
	FINALFUNC = @extschema@.upsell_summary_final,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(numeric, timestamptz) IS
	'upsell state of a single account''s series: the value at its first and last snapshot';

CREATE AGGREGATE @extschema@.upsell_rate(account anyelement, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(anyelement, numeric, timestamptz) IS
	'portfolio growth: (sum of current values - sum of starting values) / sum of starting values over the accounts; rows with a NULL are ignored';

CREATE AGGREGATE @extschema@.upsell_rate(value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_series_trans, STYPE = @extschema@.upsell_summary, SSPACE = 128,
	FINALFUNC = @extschema@.upsell_rate,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(numeric, timestamptz) IS
	'growth of one account''s series: (value at the last time - value at the first) / value at the first';

-- The common key types (smallint, integer, bigint, text, uuid) get concrete
-- overloads of the keyed aggregates.
-- Citus's worker_partial_agg refuses polymorphic aggregate arguments ("could
-- not confirm type correctness") and calls the transition function without
-- a call expression, so only a declared key type lets these split into
-- worker partials; the anyelement form serves every other hashable type (on
-- Citus only when grouped by the distribution column).  Same C function.
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, bigint, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, bigint, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for bigint account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, integer, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, integer, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for integer account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, smallint, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, smallint, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for smallint account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, text, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, text, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for text account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, uuid, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, uuid, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for uuid account keys';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account bigint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(bigint, numeric, timestamptz) IS
	'upsell state for bigint account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account bigint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(bigint, numeric, timestamptz) IS
	'portfolio growth over bigint-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account integer, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(integer, numeric, timestamptz) IS
	'upsell state for integer account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account integer, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(integer, numeric, timestamptz) IS
	'portfolio growth over integer-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account smallint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(smallint, numeric, timestamptz) IS
	'upsell state for smallint account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account smallint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(smallint, numeric, timestamptz) IS
	'portfolio growth over smallint-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account text, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(text, numeric, timestamptz) IS
	'upsell state for text account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account text, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(text, numeric, timestamptz) IS
	'portfolio growth over text-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account uuid, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(uuid, numeric, timestamptz) IS
	'upsell state for uuid account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account uuid, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(uuid, numeric, timestamptz) IS
	'portfolio growth over uuid-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.rollup(@extschema@.upsell_summary) (
	SFUNC = @extschema@.upsell_summary_combine, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.upsell_summary) IS
	'merges stored upsell summaries (e.g. monthly into yearly); NULL summaries are ignored';
