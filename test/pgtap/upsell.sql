-- pgTAP: the catalog contract of the upsell family, and a state of a million
-- distinct accounts.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(88);

-- the type
SELECT has_type('upsell_summary');
SELECT is((SELECT typstorage::text || typalign::text FROM pg_type WHERE oid = 'upsell_summary'::regtype), 'xd',
	'upsell_summary is TOASTable and double-aligned');
SELECT isnt((SELECT typsend FROM pg_type WHERE oid = 'upsell_summary'::regtype), 0::regproc,
	'upsell_summary has binary send');
SELECT isnt((SELECT typreceive FROM pg_type WHERE oid = 'upsell_summary'::regtype), 0::regproc,
	'upsell_summary has binary receive');

-- aggregates: signatures and return types
SELECT is_aggregate('upsell_rate', ARRAY['anyelement', 'numeric', 'timestamp with time zone']);
SELECT is_aggregate('upsell_rate', ARRAY['numeric', 'timestamp with time zone']);
SELECT is_aggregate('upsell_rate_agg', ARRAY['anyelement', 'numeric', 'timestamp with time zone']);
SELECT is_aggregate('upsell_rate_agg', ARRAY['numeric', 'timestamp with time zone']);
SELECT is_aggregate('rollup', ARRAY['upsell_summary']);
-- concrete overloads for the common key types (what Citus can split)
SELECT is_aggregate(f, ARRAY[k, 'numeric', 'timestamp with time zone'])
FROM unnest(ARRAY['upsell_rate', 'upsell_rate_agg']) f, unnest(ARRAY['smallint', 'bigint', 'integer', 'text', 'uuid']) k;
SELECT isnt_strict('upsell_summary_trans', ARRAY['upsell_summary', k, 'numeric', 'timestamp with time zone'])
FROM unnest(ARRAY['smallint', 'bigint', 'integer', 'text', 'uuid']) k;
SELECT function_returns('upsell_rate', ARRAY['anyelement', 'numeric', 'timestamp with time zone'], 'double precision');
SELECT function_returns('upsell_rate', ARRAY['numeric', 'timestamp with time zone'], 'double precision');
SELECT function_returns('upsell_rate_agg', ARRAY['anyelement', 'numeric', 'timestamp with time zone'], 'upsell_summary');
SELECT function_returns('rollup', ARRAY['upsell_summary'], 'upsell_summary');

-- accessors: strict, immutable, right return types
SELECT function_returns('upsell_rate', ARRAY['upsell_summary'], 'double precision');
SELECT function_returns('starting_value', ARRAY['upsell_summary'], 'numeric');
SELECT function_returns('current_value', ARRAY['upsell_summary'], 'numeric');
SELECT function_returns('account_count', ARRAY['upsell_summary'], 'bigint');
SELECT is_strict('upsell_rate', ARRAY['upsell_summary']);
SELECT is_strict('starting_value', ARRAY['upsell_summary']);
SELECT is_strict('current_value', ARRAY['upsell_summary']);
SELECT is_strict('account_count', ARRAY['upsell_summary']);
SELECT volatility_is('upsell_rate', ARRAY['upsell_summary'], 'immutable');
-- the retention breakdown (0.3.0)
CREATE TEMP TABLE breakdown_fns (f text, args text[], r text);
INSERT INTO breakdown_fns VALUES
	('expansion', ARRAY['upsell_summary'], 'numeric'), ('contraction', ARRAY['upsell_summary'], 'numeric'),
	('churned_value', ARRAY['upsell_summary'], 'numeric'), ('churned_accounts', ARRAY['upsell_summary'], 'bigint'),
	('gross_retention', ARRAY['upsell_summary'], 'double precision'),
	('net_retention', ARRAY['upsell_summary'], 'double precision'),
	('new_accounts', ARRAY['upsell_summary', 'timestamp with time zone'], 'bigint'),
	('new_value', ARRAY['upsell_summary', 'timestamp with time zone'], 'numeric');
SELECT function_returns(f, args, r) FROM breakdown_fns ORDER BY f;
SELECT is_strict(f, args) FROM breakdown_fns ORDER BY f;
SELECT volatility_is(f, args, 'immutable') FROM breakdown_fns ORDER BY f;
-- transition and combine functions handle NULL states and inputs themselves
SELECT isnt_strict('upsell_summary_trans', ARRAY['upsell_summary', 'anyelement', 'numeric', 'timestamp with time zone']);
SELECT isnt_strict('upsell_summary_series_trans', ARRAY['upsell_summary', 'numeric', 'timestamp with time zone']);
SELECT isnt_strict('upsell_summary_combine', ARRAY['upsell_summary', 'upsell_summary']);
-- I/O runs the key type's I/O functions: stable, like record_in
SELECT volatility_is('upsell_summary_in', ARRAY['cstring'], 'stable');

-- every function of the family is PARALLEL SAFE and documented
SELECT is((SELECT count(*) FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND p.proparallel <> 's'
             AND (p.proname LIKE 'upsell%' OR p.proname IN ('starting_value', 'current_value', 'account_count', 'expansion', 'contraction',
                                     'churned_value', 'churned_accounts', 'new_accounts', 'new_value',
                                     'gross_retention', 'net_retention')
                  OR (p.proname = 'rollup' AND p.proargtypes[0] = 'upsell_summary'::regtype))),
          0::bigint, 'every upsell function and aggregate is PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL
             AND (p.proname LIKE 'upsell%' OR p.proname IN ('starting_value', 'current_value', 'account_count', 'expansion', 'contraction',
                                     'churned_value', 'churned_accounts', 'new_accounts', 'new_value',
                                     'gross_retention', 'net_retention')
                  OR (p.proname = 'rollup' AND p.proargtypes[0] = 'upsell_summary'::regtype))),
          0::bigint, 'every upsell function and aggregate has a comment');

-- aggregate definitions: the public type as STYPE, a combine function, SSPACE
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
           WHERE (p.proname IN ('upsell_rate', 'upsell_rate_agg')
                  OR (p.proname = 'rollup' AND p.proargtypes[0] = 'upsell_summary'::regtype))),
          15::bigint, 'fifteen upsell aggregates: keyed (anyelement, smallint, bigint, integer, text, uuid) and series, one-step and state, and rollup');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
           WHERE (p.proname IN ('upsell_rate', 'upsell_rate_agg')
                  OR (p.proname = 'rollup' AND p.proargtypes[0] = 'upsell_summary'::regtype))
             AND a.aggtranstype = 'upsell_summary'::regtype AND a.aggcombinefn = 'upsell_summary_combine'::regproc
             AND a.aggtransspace > 0 AND a.aggfinalmodify = 'r'),
          15::bigint, 'each has STYPE upsell_summary, the combine function, SSPACE and a read-only final function');
-- no moving-aggregate inverse, by design: a removed first or last snapshot
-- cannot be undone without the snapshot before it (see src/upsell.c)
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
           WHERE p.proname IN ('upsell_rate', 'upsell_rate_agg') AND a.aggminvtransfn <> 0),
          0::bigint, 'no moving-aggregate inverse (window frames that move are recomputed)');
SELECT is((SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
           WHERE p.proname IN ('upsell_rate', 'upsell_rate_agg') AND a.aggserialfn <> 0),
          0::bigint, 'no serialization functions needed: the state is a public type');

-- a million distinct accounts in one group
CREATE TEMP TABLE big AS
SELECT upsell_rate_agg(a, CASE WHEN m = 0 THEN 100 ELSE 100 + a % 3 END,
                       '2024-01-01'::timestamptz + make_interval(months => m)) AS s
FROM generate_series(1, 1000000) a, generate_series(0, 1) m;
SELECT is((SELECT account_count(s) FROM big), 1000000::bigint, 'a summary of 1M distinct accounts');
SELECT is((SELECT starting_value(s) FROM big), 100000000::numeric, '1M accounts: exact starting value');
SELECT is((SELECT current_value(s) FROM big), 101000000::numeric, '1M accounts: exact current value');
SELECT is((SELECT upsell_rate(s) FROM big), 0.01::float8, '1M accounts: rate');
SELECT ok((SELECT s::text::upsell_summary::text = s::text FROM big), '1M accounts: text round trip');
-- its breakdown: a % 3 grows 0, 1 or 2, so expansion = 333334 + 2 * 333333
SELECT is((SELECT expansion(s) FROM big), 1000000::numeric, '1M accounts: exact expansion');
SELECT is((SELECT contraction(s) + churned_value(s) FROM big), 0::numeric, '1M accounts: no contraction or churn');
SELECT is((SELECT gross_retention(s) FROM big), 1::float8, '1M accounts: gross retention 1');
SELECT is((SELECT net_retention(s) FROM big), 1.01::float8, '1M accounts: net retention');
SELECT is((SELECT new_accounts(s, '2024-01-01') FROM big), 1000000::bigint, '1M accounts: all new since their first month');
CREATE TEMP TABLE big2 AS SELECT rollup(s) AS s FROM (SELECT s FROM big UNION ALL SELECT s FROM big) x;
SELECT is((SELECT account_count(s) FROM big2), 1000000::bigint, '1M accounts: rollup with itself keeps 1M accounts');
SELECT is((SELECT current_value(s) FROM big2), 202000000::numeric,
          '1M accounts: rollup with itself doubles values at equal times');
SELECT is((SELECT upsell_rate(a, 100 + (a % 2), '2024-01-01'::timestamptz + make_interval(days => a % 2))
           FROM generate_series(1, 1000000) a), 0::float8, '1M single-snapshot accounts, one step: growth 0');

-- new summaries take built-in key types only (0.3.0)
CREATE TYPE pgtap_tier AS ENUM ('a');
SELECT throws_ok($$SELECT upsell_rate_agg('a'::pgtap_tier, 1, now())$$, '0A000', NULL,
                 'a user-defined key type is refused by the aggregates');

-- equality and hashing (0.2.0): = and <>, and the hash function
SELECT has_operator('upsell_summary', '=', 'upsell_summary', 'boolean');
SELECT has_operator('upsell_summary', '<>', 'upsell_summary', 'boolean');
SELECT function_returns('upsell_summary_hash', ARRAY['upsell_summary'], 'integer');

SELECT * FROM finish();
ROLLBACK;
