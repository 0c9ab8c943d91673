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

-- states carry their KPI (0.3.0): each finaliser has its own C function,
-- and the one 0.2.0 named for both is no longer used by any SQL object
SELECT is((SELECT prosrc FROM pg_proc WHERE oid = 'close_rate(kpi_ratio)'::regprocedure),
          'kpi_ratio_close_rate', 'close_rate(kpi_ratio) is kpi_ratio_close_rate');
SELECT is((SELECT prosrc FROM pg_proc WHERE oid = 'lead_qualification_efficiency(kpi_ratio)'::regprocedure),
          'kpi_ratio_lead_qualification_efficiency',
          'lead_qualification_efficiency(kpi_ratio) is kpi_ratio_lead_qualification_efficiency');
SELECT is((SELECT count(*) FROM pg_proc WHERE prosrc = 'kpi_ratio_value'
           AND pronamespace = (SELECT typnamespace FROM pg_type WHERE oid = 'kpi_ratio'::regtype)),
          0::bigint, 'no function of the extension uses the 0.2.0 symbol kpi_ratio_value');
SELECT is(close_rate_agg(w)::text, 'close_rate:1/2', 'close_rate_agg tags its state')
FROM (VALUES (true), (false)) v(w);
SELECT is(close_rate_agg(w, a)::text, 'close_rate:value:1.5/2', 'close_rate_agg(won, amount) tags its state')
FROM (VALUES (true, 1.5), (false, 0.5)) v(w, a);
SELECT is(lead_qualification_efficiency_agg(q, c)::text, 'lead_qualification_efficiency:1/5',
          'lead_qualification_efficiency_agg tags its state')
FROM (VALUES (true, 2::bigint), (false, 3)) v(q, c);
SELECT throws_ok($$SELECT rollup(s) FROM (VALUES ('close_rate:1/2'::kpi_ratio), ('lead_qualification_efficiency:1/2')) v(s)$$,
                 '42804', NULL, 'rollup of two KPIs'' states is 42804');
SELECT throws_ok($$SELECT close_rate('lead_qualification_efficiency:1/2'::kpi_ratio)$$,
                 '42804', NULL, 'close_rate refuses a lead_qualification_efficiency state');
SELECT throws_ok($$SELECT lead_qualification_efficiency('close_rate:1/2'::kpi_ratio)$$,
                 '42804', NULL, 'lead_qualification_efficiency refuses a close_rate state');
SELECT is(close_rate('1/4'::kpi_ratio) + lead_qualification_efficiency('1/4'::kpi_ratio), 0.5::float8,
          'both finalisers read untagged states');
SELECT is(rollup(s)::text, 'close_rate:3/6', 'untagged and tagged merge into the tag')
FROM (VALUES ('1/2'::kpi_ratio), ('close_rate:2/4')) v(s);
SELECT throws_ok($$SELECT kpi_ratio_uncombine('value:1/1', 'value:2/2')$$,
                 '22003', NULL, 'the value kind''s inverse below zero is 22003');

SELECT * FROM finish();
ROLLBACK;
