-- The ratio family's declared signatures, return types and strictness.
BEGIN;
SELECT * FROM no_plan();

SELECT has_type('kpi_ratio');

-- one-step aggregates return the ratio, state aggregates the state
CREATE TEMP TABLE aggs (f name, args text[], ret text);
INSERT INTO aggs VALUES
	('close_rate', ARRAY['boolean'], 'double precision'),
	('close_rate', ARRAY['boolean', 'numeric'], 'double precision'),
	('lead_qualification_efficiency', ARRAY['boolean', 'bigint'], 'double precision'),
	('lead_qualification_efficiency', ARRAY['bigint', 'bigint'], 'double precision'),
	('close_rate_agg', ARRAY['boolean'], 'kpi_ratio'),
	('close_rate_agg', ARRAY['boolean', 'numeric'], 'kpi_ratio'),
	('lead_qualification_efficiency_agg', ARRAY['boolean', 'bigint'], 'kpi_ratio'),
	('lead_qualification_efficiency_agg', ARRAY['bigint', 'bigint'], 'kpi_ratio'),
	('rollup', ARRAY['kpi_ratio'], 'kpi_ratio');
SELECT has_function(f, args) FROM aggs;
SELECT is_aggregate(f, args) FROM aggs;
SELECT function_returns(f, args, ret) FROM aggs;

-- accessors: strict, immutable plain functions
CREATE TEMP TABLE accessors (f name, args text[], ret text);
INSERT INTO accessors VALUES
	('close_rate', ARRAY['kpi_ratio'], 'double precision'),
	('lead_qualification_efficiency', ARRAY['kpi_ratio'], 'double precision'),
	('numerator', ARRAY['kpi_ratio'], 'numeric'),
	('denominator', ARRAY['kpi_ratio'], 'numeric'),
	('wilson_lower', ARRAY['kpi_ratio', 'double precision'], 'double precision'),
	('wilson_upper', ARRAY['kpi_ratio', 'double precision'], 'double precision');
SELECT has_function(f, args) FROM accessors;
SELECT function_returns(f, args, ret) FROM accessors;
SELECT is_strict(f, args) FROM accessors;
SELECT volatility_is(f, args, 'immutable') FROM accessors;
SELECT isnt_aggregate(f, args) FROM accessors;

SELECT has_operator('kpi_ratio', '=', 'kpi_ratio', 'boolean');
SELECT has_operator('kpi_ratio', '<>', 'kpi_ratio', 'boolean');
SELECT has_cast('kpi_ratio', 'double precision');

-- the state aggregates and the one-step aggregates share their machinery
SELECT is((SELECT count(DISTINCT aggcombinefn) FROM pg_aggregate WHERE aggtranstype = 'kpi_ratio'::regtype),
          1::bigint, 'every ratio aggregate combines with kpi_ratio_combine');
SELECT is((SELECT count(*) FROM pg_aggregate WHERE aggtranstype = 'kpi_ratio'::regtype
           AND aggtransfn = aggmtransfn AND aggtranstype = aggmtranstype),
          (SELECT count(*) FROM pg_aggregate WHERE aggtranstype = 'kpi_ratio'::regtype),
          'moving and plain modes use the same transition function and state');

-- hashing (0.2.0), agreeing with =
SELECT function_returns('kpi_ratio_hash', ARRAY['kpi_ratio'], 'integer');

SELECT * FROM finish();
ROLLBACK;
