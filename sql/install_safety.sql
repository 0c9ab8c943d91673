-- Installing into a schema while hostile look-alikes sit earlier in
-- search_path changes nothing: every reference the install script makes is
-- schema-qualified (@extschema@, pg_catalog).  Checked in a fresh database.
-- (reconnect afterwards to whichever database pg_regress gave this file)
\set regress_db :DBNAME
CREATE DATABASE salesperf_safety;
\c salesperf_safety
CREATE SCHEMA hostile;
CREATE SCHEMA target;
-- look-alikes of types, functions and operators the install script uses
CREATE TYPE hostile.bytea AS (x int);
CREATE TYPE hostile.timestamptz AS (x int);
CREATE TYPE hostile.cstring AS (x int);
CREATE TYPE hostile.anyelement AS (x int);
CREATE FUNCTION hostile.trim_scale(numeric) RETURNS numeric LANGUAGE sql AS 'SELECT 0::numeric';
CREATE FUNCTION hostile.numeric_add(numeric, numeric) RETURNS numeric LANGUAGE sql AS 'SELECT 0::numeric';
CREATE FUNCTION hostile.kpi_ratio_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION hostile.close_rate(boolean) RETURNS double precision LANGUAGE sql AS 'SELECT 0.0::float8';
CREATE FUNCTION hostile.texteq_evil(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.texteq_evil);
SET search_path = hostile, target, public;
CREATE EXTENSION salesperf SCHEMA target;

-- every object the extension owns is in the chosen schema
SELECT count(*) > 50 AS many_objects,
       bool_and(pg_describe_object(classid, objid, 0) !~ 'hostile') AS nothing_in_hostile
FROM pg_depend WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'salesperf') AND deptype = 'e';

-- every function's argument and result types, and every aggregate's support
-- functions, resolve to pg_catalog or target, never to the look-alikes
SELECT bool_and(t.typnamespace IN ('pg_catalog'::regnamespace, 'target'::regnamespace)) AS types_resolved_safely
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'salesperf'
CROSS JOIN LATERAL unnest(p.proargtypes::oid[] || p.prorettype) AS a(typ)
JOIN pg_type t ON t.oid = a.typ;
SELECT bool_and(f.pronamespace IN ('pg_catalog'::regnamespace, 'target'::regnamespace)) AS support_functions_resolved_safely
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronamespace = 'target'::regnamespace
CROSS JOIN LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggmtransfn,
                                a.aggminvtransfn, a.aggmfinalfn]::oid[]) AS s(fn)
JOIN pg_proc f ON f.oid = s.fn;
SELECT bool_and(o.oprcode::regproc::text !~ 'hostile' AND o.oprrest::text !~ 'hostile') AS operators_safe
FROM pg_operator o WHERE o.oprnamespace = 'target'::regnamespace;

-- and it computes the right answers with the hostile path still in place
SELECT target.close_rate(won) AS close_rate, target.close_rate(won, amount) AS by_value,
       target.close_rate_agg(won)::text AS state
FROM (VALUES (true, 10.5), (false, 4.5), (true, 5)) v(won, amount);
\c :regress_db
DROP DATABASE salesperf_safety;
