-- salesperf 0.2.0 -> 0.3.0.
-- Run by ALTER EXTENSION salesperf UPDATE; creates exactly what a fresh 0.3.0
-- install has beyond 0.2.0 (test/shell/upgrade.sh compares the catalogs).
-- Release 0.3.0 is built up in this one script: every change to src/*.sql
-- in 0.3.0 adds its counterpart here.
\echo Use "ALTER EXTENSION salesperf UPDATE TO '0.3.0'" to load this file. \quit

-- ---- issue 13: retention breakdown ----
-- The retention breakdown.  Per account, with s its starting and c its
-- current value: expansion (c > s), contraction (0 < c < s) and churn
-- (c = 0 < s) split sum(c) - sum(s) exactly; new accounts are those whose
-- first snapshot is at or after a time.  A series is one account.
CREATE FUNCTION @extschema@.expansion(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_expansion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expansion(@extschema@.upsell_summary) IS
	'sum of current - starting value over the accounts that grew (current > starting)';
CREATE FUNCTION @extschema@.contraction(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_contraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.contraction(@extschema@.upsell_summary) IS
	'sum of starting - current value over the accounts that shrank but did not churn (0 < current < starting)';
CREATE FUNCTION @extschema@.churned_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_churned_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churned_value(@extschema@.upsell_summary) IS
	'sum of the starting values of the churned accounts (current = 0 < starting)';
CREATE FUNCTION @extschema@.churned_accounts(@extschema@.upsell_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_churned_accounts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churned_accounts(@extschema@.upsell_summary) IS
	'number of churned accounts (current = 0 < starting)';
CREATE FUNCTION @extschema@.new_accounts(@extschema@.upsell_summary, since timestamptz) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_new_accounts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.new_accounts(@extschema@.upsell_summary, timestamptz) IS
	'number of accounts whose first snapshot is at or after since (logos won in the period)';
CREATE FUNCTION @extschema@.new_value(@extschema@.upsell_summary, since timestamptz) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_new_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.new_value(@extschema@.upsell_summary, timestamptz) IS
	'sum of the current values of the accounts whose first snapshot is at or after since';
CREATE FUNCTION @extschema@.gross_retention(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_gross_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gross_retention(@extschema@.upsell_summary) IS
	'gross revenue retention: (starting - contraction - churned value) / starting, no credit for expansion; NULL when the starting value is 0';
CREATE FUNCTION @extschema@.net_retention(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_net_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.net_retention(@extschema@.upsell_summary) IS
	'net revenue retention: current / starting value (1 + upsell_rate); NULL when the starting value is 0';

-- ---- issue 14: kpi_ratio states carry their KPI ----
-- States made by close_rate_agg are tagged close_rate, those made by
-- lead_qualification_efficiency_agg lead_qualification_efficiency (in the
-- module: the stored layout is unchanged, states stored by 0.1.0 and 0.2.0
-- read back untagged).  The two finalisers now refuse the other KPI's
-- states, so they get their own C functions: the 0.2.0 symbol they shared,
-- kpi_ratio_value, stays in the module for older install scripts.  Pointing
-- the existing functions at the new symbols keeps their OIDs, so the
-- aggregates, the cast and users' views that use them are untouched.
UPDATE pg_catalog.pg_proc SET prosrc = 'kpi_ratio_close_rate'
WHERE oid = '@extschema@.close_rate(@extschema@.kpi_ratio)'::pg_catalog.regprocedure
  AND prosrc = 'kpi_ratio_value';
UPDATE pg_catalog.pg_proc SET prosrc = 'kpi_ratio_lead_qualification_efficiency'
WHERE oid = '@extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio)'::pg_catalog.regprocedure
  AND prosrc = 'kpi_ratio_value';
COMMENT ON TYPE @extschema@.kpi_ratio IS
	'exact numerator/denominator state of a ratio KPI, tagged with the KPI that made it: "close_rate:won/deals" counts, "close_rate:value:won/total" amounts, "lead_qualification_efficiency:qualified/calls"';
COMMENT ON FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true if two ratio states have the same KPI, kind, numerator and denominator';
COMMENT ON FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true unless two ratio states have the same KPI, kind, numerator and denominator';
COMMENT ON OPERATOR @extschema@.= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'same KPI, kind, numerator and denominator';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'not the same KPI, kind, numerator and denominator';
COMMENT ON FUNCTION @extschema@.kpi_ratio_combine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'adds two ratio states of the same KPI: the combine function of every ratio aggregate';
COMMENT ON FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio) IS
	'close rate of a stored state: won / worked (count or value); NULL when nothing was worked; refuses lead_qualification_efficiency states';
COMMENT ON FUNCTION @extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio) IS
	'qualified leads per call of a stored state; NULL when no call was made; refuses close_rate states';
COMMENT ON CAST (@extschema@.kpi_ratio AS double precision) IS
	'numerator / denominator by close_rate(kpi_ratio), so of close-rate and untagged states (explicit only)';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.kpi_ratio) IS
	'merges stored ratio states of one KPI (e.g. daily into monthly); NULL states are ignored';
-- ---- issue 12: pipeline funnel ----
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

-- ---- issue 11: business time ----
-- the business_calendar type and business_duration, business_add, is_open,
-- next_open (src/calendar.sql)
CREATE TYPE @extschema@.business_calendar;

CREATE FUNCTION @extschema@.business_calendar_in(cstring) RETURNS @extschema@.business_calendar
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.business_calendar_out(@extschema@.business_calendar) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.business_calendar_recv(internal) RETURNS @extschema@.business_calendar
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.business_calendar_send(@extschema@.business_calendar) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.business_calendar (
	INPUT = @extschema@.business_calendar_in,
	OUTPUT = @extschema@.business_calendar_out,
	RECEIVE = @extschema@.business_calendar_recv,
	SEND = @extschema@.business_calendar_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.business_calendar IS
	'working-time calendar: a tz database zone, weekly open hours and date exceptions, e.g. ''zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00; 2025-12-25 closed''';

COMMENT ON FUNCTION @extschema@.business_calendar_in(cstring) IS 'text input of business_calendar';
COMMENT ON FUNCTION @extschema@.business_calendar_out(@extschema@.business_calendar) IS 'canonical text output of business_calendar';
COMMENT ON FUNCTION @extschema@.business_calendar_recv(internal) IS 'binary input of business_calendar';
COMMENT ON FUNCTION @extschema@.business_calendar_send(@extschema@.business_calendar) IS 'binary output of business_calendar';

-- Equality: the same zone, weekly hours and exceptions (canonical bytes)
CREATE FUNCTION @extschema@.business_calendar_eq(@extschema@.business_calendar, @extschema@.business_calendar) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.business_calendar_ne(@extschema@.business_calendar, @extschema@.business_calendar) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.business_calendar_eq(@extschema@.business_calendar, @extschema@.business_calendar) IS
	'true if two calendars have the same zone, weekly hours and exceptions';
COMMENT ON FUNCTION @extschema@.business_calendar_ne(@extschema@.business_calendar, @extschema@.business_calendar) IS
	'true unless two calendars have the same zone, weekly hours and exceptions';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.business_calendar, RIGHTARG = @extschema@.business_calendar,
	FUNCTION = @extschema@.business_calendar_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.business_calendar, RIGHTARG = @extschema@.business_calendar,
	FUNCTION = @extschema@.business_calendar_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.business_calendar, @extschema@.business_calendar) IS 'same zone, weekly hours and exceptions';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.business_calendar, @extschema@.business_calendar) IS 'not the same zone, weekly hours and exceptions';

CREATE FUNCTION @extschema@.business_calendar_hash(@extschema@.business_calendar) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.business_calendar_hash(@extschema@.business_calendar) IS
	'hash of a business_calendar that agrees with =';

CREATE OPERATOR CLASS @extschema@.business_calendar_ops
	DEFAULT FOR TYPE @extschema@.business_calendar USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.business_calendar, @extschema@.business_calendar),
	FUNCTION 1 @extschema@.business_calendar_hash(@extschema@.business_calendar);
COMMENT ON OPERATOR FAMILY @extschema@.business_calendar_ops USING hash IS
	'hash equality of business calendars';
COMMENT ON OPERATOR CLASS @extschema@.business_calendar_ops USING hash IS
	'hash equality of business calendars: DISTINCT, GROUP BY, UNION and hash joins';

-- Business time.  IMMUTABLE like PostgreSQL's own time-zone conversion:
-- the zone's rules come from the server's tz database.
CREATE FUNCTION @extschema@.business_duration(cal @extschema@.business_calendar, start pg_catalog.timestamptz, finish pg_catalog.timestamptz)
	RETURNS pg_catalog.interval
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.business_duration(@extschema@.business_calendar, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'open time of the calendar between two instants, to the microsecond, as an interval of hours only (negative if finish < start)';

CREATE FUNCTION @extschema@.business_add(cal @extschema@.business_calendar, ts pg_catalog.timestamptz, amount pg_catalog.interval)
	RETURNS pg_catalog.timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.business_add(@extschema@.business_calendar, pg_catalog.timestamptz, pg_catalog.interval) IS
	'the earliest instant after ts with that much open time in between (the latest before ts for a negative amount): SLA deadlines';

CREATE FUNCTION @extschema@.is_open(cal @extschema@.business_calendar, ts pg_catalog.timestamptz)
	RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_open(@extschema@.business_calendar, pg_catalog.timestamptz) IS
	'true if the instant lies in an open range of the calendar (ranges are half-open)';

CREATE FUNCTION @extschema@.next_open(cal @extschema@.business_calendar, ts pg_catalog.timestamptz)
	RETURNS pg_catalog.timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.next_open(@extschema@.business_calendar, pg_catalog.timestamptz) IS
	'ts if the calendar is open then, else its next opening; NULL if it never opens again';
