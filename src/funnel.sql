
-- ---------------------------------------------------------------------
-- Pipeline funnel: the funnel_summary state type, funnel_agg, rollup and
-- the accessors (src/funnel.c, src/funnel_io.c)
-- ---------------------------------------------------------------------

CREATE TYPE @extschema@.funnel_summary;

-- Text and binary I/O run the deal key type's own I/O functions, so they
-- are STABLE, like record_in and array_in.
CREATE FUNCTION @extschema@.funnel_summary_in(cstring) RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.funnel_summary_out(@extschema@.funnel_summary) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.funnel_summary_recv(internal) RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.funnel_summary_send(@extschema@.funnel_summary) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.funnel_summary (
	INPUT = @extschema@.funnel_summary_in,
	OUTPUT = @extschema@.funnel_summary_out,
	RECEIVE = @extschema@.funnel_summary_recv,
	SEND = @extschema@.funnel_summary_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.funnel_summary IS
	'per deal, the distinct (stage, time) change points of its stage history: "v1 key bigint; stages Lead Won; 17 1@2024-01-02 2@2024-01-09"';

COMMENT ON FUNCTION @extschema@.funnel_summary_in(cstring) IS 'text input of funnel_summary';
COMMENT ON FUNCTION @extschema@.funnel_summary_out(@extschema@.funnel_summary) IS 'text output of funnel_summary';
COMMENT ON FUNCTION @extschema@.funnel_summary_recv(internal) IS 'binary input of funnel_summary';
COMMENT ON FUNCTION @extschema@.funnel_summary_send(@extschema@.funnel_summary) IS 'binary output of funnel_summary';

-- Equality and hashing of states: the same key type and stage list and,
-- per deal, equal keys (the key type's equality) and the same points
CREATE FUNCTION @extschema@.funnel_summary_eq(@extschema@.funnel_summary, @extschema@.funnel_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.funnel_summary_ne(@extschema@.funnel_summary, @extschema@.funnel_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.funnel_summary_hash(@extschema@.funnel_summary) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_eq(@extschema@.funnel_summary, @extschema@.funnel_summary) IS
	'true if two funnel_summary values hold the same state';
COMMENT ON FUNCTION @extschema@.funnel_summary_ne(@extschema@.funnel_summary, @extschema@.funnel_summary) IS
	'true unless two funnel_summary values hold the same state';
COMMENT ON FUNCTION @extschema@.funnel_summary_hash(@extschema@.funnel_summary) IS
	'hash of a funnel_summary that agrees with =';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.funnel_summary, RIGHTARG = @extschema@.funnel_summary,
	FUNCTION = @extschema@.funnel_summary_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.funnel_summary, RIGHTARG = @extschema@.funnel_summary,
	FUNCTION = @extschema@.funnel_summary_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.funnel_summary, @extschema@.funnel_summary) IS 'same state';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.funnel_summary, @extschema@.funnel_summary) IS 'not the same state';

CREATE OPERATOR CLASS @extschema@.funnel_summary_ops
	DEFAULT FOR TYPE @extschema@.funnel_summary USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.funnel_summary, @extschema@.funnel_summary),
	FUNCTION 1 @extschema@.funnel_summary_hash(@extschema@.funnel_summary);
COMMENT ON OPERATOR FAMILY @extschema@.funnel_summary_ops USING hash IS
	'hash equality of funnel_summary states';
COMMENT ON OPERATOR CLASS @extschema@.funnel_summary_ops USING hash IS
	'hash equality of funnel_summary states: DISTINCT, GROUP BY, UNION and hash joins';

-- Transition and combine support (not meant to be called directly).  Not
-- strict: the first row creates the state, and rows with a NULL deal, stage
-- or time are skipped.  The key types bigint, integer, text and uuid get
-- concrete overloads (Citus's worker_partial_agg refuses polymorphic
-- arguments and calls the transition function without a call expression);
-- the anyelement form serves every other built-in hashable type.  Same C
-- function.
CREATE FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, anyelement, text, timestamptz, text[])
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME', 'funnel_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, anyelement, text, timestamptz, text[]) IS
	'transition function of funnel_agg for any built-in hashable deal keys';
CREATE FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, bigint, text, timestamptz, text[])
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME', 'funnel_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, bigint, text, timestamptz, text[]) IS
	'transition function of funnel_agg for bigint deal keys';
CREATE FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, integer, text, timestamptz, text[])
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME', 'funnel_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, integer, text, timestamptz, text[]) IS
	'transition function of funnel_agg for integer deal keys';
CREATE FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, text, text, timestamptz, text[])
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME', 'funnel_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, text, text, timestamptz, text[]) IS
	'transition function of funnel_agg for text deal keys';
CREATE FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, uuid, text, timestamptz, text[])
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME', 'funnel_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_trans(@extschema@.funnel_summary, uuid, text, timestamptz, text[]) IS
	'transition function of funnel_agg for uuid deal keys';
CREATE FUNCTION @extschema@.funnel_summary_combine(@extschema@.funnel_summary, @extschema@.funnel_summary)
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_combine(@extschema@.funnel_summary, @extschema@.funnel_summary) IS
	'merges two funnel summaries: per deal the union of their change points';
CREATE FUNCTION @extschema@.funnel_summary_final(@extschema@.funnel_summary)
	RETURNS @extschema@.funnel_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.funnel_summary_final(@extschema@.funnel_summary) IS
	'final function of funnel_agg and rollup: the state in its flat, canonical form';

-- Aggregates.  No moving-aggregate inverse: removing a row would need to
-- know whether another row of the frame has the same deal, stage and time,
-- which the set of change points does not record; window frames whose start
-- moves are recomputed by the executor.  SSPACE: a few thousand deals of
-- about 50 bytes.
CREATE AGGREGATE @extschema@.funnel_agg(deal anyelement, stage text, at timestamptz, stages text[]) (
	SFUNC = @extschema@.funnel_summary_trans, STYPE = @extschema@.funnel_summary, SSPACE = 65536,
	FINALFUNC = @extschema@.funnel_summary_final, COMBINEFUNC = @extschema@.funnel_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.funnel_agg(anyelement, text, timestamptz, text[]) IS
	'funnel state from a stage history (any built-in hashable deal keys): per deal its distinct (stage, time) change points; rows with a NULL deal, stage or time are ignored';
CREATE AGGREGATE @extschema@.funnel_agg(deal bigint, stage text, at timestamptz, stages text[]) (
	SFUNC = @extschema@.funnel_summary_trans, STYPE = @extschema@.funnel_summary, SSPACE = 65536,
	FINALFUNC = @extschema@.funnel_summary_final, COMBINEFUNC = @extschema@.funnel_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.funnel_agg(bigint, text, timestamptz, text[]) IS
	'funnel state from a stage history (bigint deal keys): per deal its distinct (stage, time) change points; rows with a NULL deal, stage or time are ignored';
CREATE AGGREGATE @extschema@.funnel_agg(deal integer, stage text, at timestamptz, stages text[]) (
	SFUNC = @extschema@.funnel_summary_trans, STYPE = @extschema@.funnel_summary, SSPACE = 65536,
	FINALFUNC = @extschema@.funnel_summary_final, COMBINEFUNC = @extschema@.funnel_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.funnel_agg(integer, text, timestamptz, text[]) IS
	'funnel state from a stage history (integer deal keys): per deal its distinct (stage, time) change points; rows with a NULL deal, stage or time are ignored';
CREATE AGGREGATE @extschema@.funnel_agg(deal text, stage text, at timestamptz, stages text[]) (
	SFUNC = @extschema@.funnel_summary_trans, STYPE = @extschema@.funnel_summary, SSPACE = 65536,
	FINALFUNC = @extschema@.funnel_summary_final, COMBINEFUNC = @extschema@.funnel_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.funnel_agg(text, text, timestamptz, text[]) IS
	'funnel state from a stage history (text deal keys): per deal its distinct (stage, time) change points; rows with a NULL deal, stage or time are ignored';
CREATE AGGREGATE @extschema@.funnel_agg(deal uuid, stage text, at timestamptz, stages text[]) (
	SFUNC = @extschema@.funnel_summary_trans, STYPE = @extschema@.funnel_summary, SSPACE = 65536,
	FINALFUNC = @extschema@.funnel_summary_final, COMBINEFUNC = @extschema@.funnel_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.funnel_agg(uuid, text, timestamptz, text[]) IS
	'funnel state from a stage history (uuid deal keys): per deal its distinct (stage, time) change points; rows with a NULL deal, stage or time are ignored';

CREATE AGGREGATE @extschema@.rollup(@extschema@.funnel_summary) (
	SFUNC = @extschema@.funnel_summary_combine, STYPE = @extschema@.funnel_summary, SSPACE = 65536,
	FINALFUNC = @extschema@.funnel_summary_final,
	COMBINEFUNC = @extschema@.funnel_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.funnel_summary) IS
	'merges stored funnel summaries (e.g. daily into quarterly) exactly, however a deal''s rows are split between them; NULL summaries are ignored';

-- Accessors
CREATE FUNCTION @extschema@.funnel_steps(@extschema@.funnel_summary)
	RETURNS TABLE("position" integer, stage text, reached bigint, reached_in_order bigint,
	              step_conversion double precision, cumulative_conversion double precision)
	AS 'MODULE_PATHNAME', 'funnel_summary_steps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION @extschema@.funnel_steps(@extschema@.funnel_summary) IS
	'one row per stage: deals that reached it (furthest stage at or after it), deals that entered stages 1..k in order, reached(k+1)/reached(k) and reached(k)/reached(1)';
CREATE FUNCTION @extschema@.reached(@extschema@.funnel_summary, stage text) RETURNS bigint
	AS 'MODULE_PATHNAME', 'funnel_summary_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reached(@extschema@.funnel_summary, text) IS
	'number of deals whose furthest listed stage is the stage or a later one';
CREATE FUNCTION @extschema@.stage_conversion(@extschema@.funnel_summary, from_stage text, to_stage text)
	RETURNS @extschema@.kpi_ratio
	AS 'MODULE_PATHNAME', 'funnel_summary_stage_conversion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stage_conversion(@extschema@.funnel_summary, text, text) IS
	'deals that reached to_stage over deals that reached from_stage, as a count kpi_ratio (for wilson_lower and wilson_upper)';
CREATE FUNCTION @extschema@.time_in_stage(@extschema@.funnel_summary, stage text, p double precision)
	RETURNS interval
	AS 'MODULE_PATHNAME', 'funnel_summary_time_in_stage' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.time_in_stage(@extschema@.funnel_summary, text, double precision) IS
	'percentile p of the cumulative time of closed stays in the stage, over deals with one; exact up to 64 deals, 1% relative error beyond; NULL if none';
CREATE FUNCTION @extschema@.time_in_stage(@extschema@.funnel_summary, stage text, p double precision[])
	RETURNS interval[]
	AS 'MODULE_PATHNAME', 'funnel_summary_time_in_stage_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.time_in_stage(@extschema@.funnel_summary, text, double precision[]) IS
	'percentiles of the cumulative time of closed stays in the stage, one per element of p; NULL if no deal has one';
CREATE FUNCTION @extschema@.time_between(@extschema@.funnel_summary, from_stage text, to_stage text, p double precision)
	RETURNS interval
	AS 'MODULE_PATHNAME', 'funnel_summary_time_between' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.time_between(@extschema@.funnel_summary, text, text, double precision) IS
	'percentile p of first entry into to_stage - first entry into from_stage, over deals that entered both, to_stage not before from_stage (e.g. the sales cycle)';
CREATE FUNCTION @extschema@.deal_count(@extschema@.funnel_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'funnel_summary_deal_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.deal_count(@extschema@.funnel_summary) IS
	'number of distinct deals in a funnel summary';
