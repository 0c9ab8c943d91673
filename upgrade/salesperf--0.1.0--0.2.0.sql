-- salesperf 0.1.0 -> 0.2.0: equality and hashing for every state type.
-- Run by ALTER EXTENSION salesperf UPDATE; creates exactly what a fresh 0.2.0
-- install has beyond 0.1.0 (test/shell/upgrade.sh compares the catalogs).
\echo Use "ALTER EXTENSION salesperf UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------
-- kpi_ratio: its = gains HASHES (hash joins, hashed IN) and a hash opclass
-- ---------------------------------------------------------------------

-- PostgreSQL 15 and 16 have no ALTER OPERATOR ... SET (HASHES), and dropping
-- and re-creating = would fail on (or, with CASCADE, drop) every user view
-- and constraint that compares ratios.  So the flag is set in the catalog,
-- on this one operator, as contrib upgrade scripts did before ALTER
-- FUNCTION/OPERATOR could: extension scripts run as a superuser (or as the
-- bootstrap superuser for a trusted extension).  kpi_ratio_eq has always
-- been a strict, exact equality, so the flag's promise already held.
UPDATE pg_catalog.pg_operator SET oprcanhash = true
WHERE oid = '@extschema@.=(@extschema@.kpi_ratio,@extschema@.kpi_ratio)'::pg_catalog.regoperator;

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

-- ---------------------------------------------------------------------
-- duration_sketch
-- ---------------------------------------------------------------------

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

-- ---------------------------------------------------------------------
-- upsell_summary
-- ---------------------------------------------------------------------

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
