-- pgTAP: the catalog contract of the funnel family (signatures, strictness,
-- the concrete key overloads Citus needs), and a state of 200,000 deals:
-- rollup of 50 random interleaved splits equals one step.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(43);

-- the type
SELECT has_type('funnel_summary');
SELECT is((SELECT typstorage::text || typalign::text FROM pg_type WHERE oid = 'funnel_summary'::regtype), 'xd',
	'funnel_summary is TOASTable and double-aligned');

-- aggregates: the polymorphic form and the concrete key overloads
SELECT is_aggregate('funnel_agg', ARRAY[k, 'text', 'timestamp with time zone', 'text[]'])
FROM unnest(ARRAY['anyelement', 'bigint', 'integer', 'text', 'uuid']) k;
SELECT function_returns('funnel_agg', ARRAY[k, 'text', 'timestamp with time zone', 'text[]'], 'funnel_summary')
FROM unnest(ARRAY['anyelement', 'bigint', 'integer', 'text', 'uuid']) k;
SELECT isnt_strict('funnel_summary_trans', ARRAY['funnel_summary', k, 'text', 'timestamp with time zone', 'text[]'])
FROM unnest(ARRAY['anyelement', 'bigint', 'integer', 'text', 'uuid']) k;
SELECT is_aggregate('rollup', ARRAY['funnel_summary']);
SELECT function_returns('rollup', ARRAY['funnel_summary'], 'funnel_summary');
SELECT isnt_strict('funnel_summary_combine', ARRAY['funnel_summary', 'funnel_summary']);

-- accessors: strict, immutable, the issue's signatures
CREATE TEMP TABLE funnel_fns (f text, args text[], r text);
INSERT INTO funnel_fns VALUES
	('reached', ARRAY['funnel_summary', 'text'], 'bigint'),
	('stage_conversion', ARRAY['funnel_summary', 'text', 'text'], 'kpi_ratio'),
	('time_in_stage', ARRAY['funnel_summary', 'text', 'double precision'], 'interval'),
	('time_in_stage', ARRAY['funnel_summary', 'text', 'double precision[]'], 'interval[]'),
	('time_between', ARRAY['funnel_summary', 'text', 'text', 'double precision'], 'interval'),
	('deal_count', ARRAY['funnel_summary'], 'bigint');
SELECT function_returns(f, args, r) FROM funnel_fns ORDER BY f, r;
SELECT is_strict(f, args) FROM funnel_fns ORDER BY f, r;
SELECT volatility_is(f, args, 'immutable') FROM funnel_fns ORDER BY f, r;
SELECT is((SELECT pg_get_function_result('funnel_steps(funnel_summary)'::regprocedure)),
	'TABLE("position" integer, stage text, reached bigint, reached_in_order bigint, step_conversion double precision, cumulative_conversion double precision)',
	'funnel_steps returns the issue''s table');

-- 200,000 deals, 8 rows each, in one state; the same rows split at random
-- into 50 states (a deal's rows spread over many), rolled up
CREATE TEMP TABLE big_hist AS
SELECT d AS deal, (ARRAY['Lead','Qualified','Proposal','Won','Lost','Nurture'])[1 + (hashint4(d * 8 + i) & 1023) % 6] AS stage,
       timestamptz '2025-01-01' + ((hashint4(d * 31 + i) & 65535) * interval '1 minute') AS at
FROM generate_series(1, 200000) d, generate_series(1, 8) i;
CREATE TEMP TABLE big_one AS
SELECT funnel_agg(deal, stage, at, ARRAY['Lead','Qualified','Proposal','Won']) AS s FROM big_hist;
SELECT is((SELECT deal_count(s) FROM big_one), 200000::bigint, 'one state holds 200,000 deals');
SELECT ok((SELECT s FROM big_one) =
          (SELECT rollup(s) FROM (SELECT funnel_agg(deal, stage, at, ARRAY['Lead','Qualified','Proposal','Won']) AS s
                                  FROM big_hist GROUP BY hashint8(deal::bigint * 100003 + extract(epoch FROM at)::bigint) % 50) x),
          'rollup of 50 random interleaved splits = one step, 200,000 deals');
SELECT ok((SELECT pg_column_size(s)::float8 / deal_count(s) FROM big_one) < 64,
          'under 64 bytes per deal of 8 rows (flat form)');
SELECT is((SELECT s::text::funnel_summary FROM big_one), (SELECT s FROM big_one), 'text round trip of 200,000 deals');
SELECT * FROM finish();
ROLLBACK;
