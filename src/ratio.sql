
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
	'exact numerator/denominator state of a ratio KPI, tagged with the KPI that made it: "close_rate:won/deals" counts, "close_rate:value:won/total" amounts, "lead_qualification_efficiency:qualified/calls"';

COMMENT ON FUNCTION @extschema@.kpi_ratio_in(cstring) IS 'text input of kpi_ratio';
COMMENT ON FUNCTION @extschema@.kpi_ratio_out(@extschema@.kpi_ratio) IS 'text output of kpi_ratio';
COMMENT ON FUNCTION @extschema@.kpi_ratio_recv(internal) IS 'binary input of kpi_ratio';
COMMENT ON FUNCTION @extschema@.kpi_ratio_send(@extschema@.kpi_ratio) IS 'binary output of kpi_ratio';

-- Equality of states: same KPI, kind, numerator and denominator (1/2 <> 2/4)
CREATE FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true if two ratio states have the same KPI, kind, numerator and denominator';
COMMENT ON FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true unless two ratio states have the same KPI, kind, numerator and denominator';

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

COMMENT ON OPERATOR @extschema@.= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'same KPI, kind, numerator and denominator';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'not the same KPI, kind, numerator and denominator';

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
	'adds two ratio states of the same KPI: the combine function of every ratio aggregate';
COMMENT ON FUNCTION @extschema@.kpi_ratio_uncombine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'subtracts a ratio state: the moving-window inverse of rollup(kpi_ratio)';
COMMENT ON FUNCTION @extschema@.kpi_ratio_state_final(@extschema@.kpi_ratio) IS
	'final function of the ratio state aggregates: the state, or NULL when nothing was counted';

-- Accessors
CREATE FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio) RETURNS double precision
	AS 'MODULE_PATHNAME', 'kpi_ratio_close_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio) IS
	'close rate of a stored state: won / worked (count or value); NULL when nothing was worked; refuses lead_qualification_efficiency states';
CREATE FUNCTION @extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio) RETURNS double precision
	AS 'MODULE_PATHNAME', 'kpi_ratio_lead_qualification_efficiency' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio) IS
	'qualified leads per call of a stored state; NULL when no call was made; refuses close_rate states';
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
	'numerator / denominator by close_rate(kpi_ratio), so of close-rate and untagged states (explicit only)';

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
	'merges stored ratio states of one KPI (e.g. daily into monthly); NULL states are ignored';
