-- The catalog contract every salesperf object keeps, checked over whatever
-- the extension installs (so a new KPI family is covered the day it lands).
BEGIN;
SELECT * FROM no_plan();

CREATE TEMP VIEW ext_procs AS
SELECT p.oid, p.oid::regprocedure AS sig, p.prokind, p.proparallel, p.provolatile, p.prosecdef
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'salesperf';

SELECT cmp_ok((SELECT count(*) FROM ext_procs WHERE prokind = 'a'), '>=', 9::bigint,
              'the extension installs its aggregates');

-- every function and aggregate: PARALLEL SAFE, documented, not SECURITY DEFINER
SELECT ok(proparallel = 's', sig::text || ' is PARALLEL SAFE') FROM ext_procs ORDER BY sig::text;
SELECT ok(obj_description(oid, 'pg_proc') IS NOT NULL, sig::text || ' has a COMMENT') FROM ext_procs ORDER BY sig::text;
SELECT ok(NOT prosecdef, sig::text || ' is not SECURITY DEFINER') FROM ext_procs ORDER BY sig::text;
-- IMMUTABLE, except the I/O of upsell_summary and funnel_summary: it calls
-- the key type's own I/O functions, which makes it STABLE (as record_in is)
SELECT ok(provolatile = CASE WHEN sig::text ~ '^(upsell|funnel)_summary_(in|out|recv|send)\(' THEN 's' ELSE 'i' END,
          sig::text || ' has the declared volatility')
FROM ext_procs WHERE prokind = 'f' ORDER BY sig::text;

-- every aggregate: a combine function (parallel, Citus), a public (non-internal)
-- state type, and a moving-aggregate inverse (window frames in O(n))
CREATE TEMP VIEW ext_aggs AS
SELECT e.sig, a.* FROM ext_procs e JOIN pg_aggregate a ON a.aggfnoid = e.oid;
SELECT ok(aggcombinefn <> 0, sig::text || ' has a combine function') FROM ext_aggs ORDER BY sig::text;
SELECT ok(aggtranstype <> 'internal'::regtype, sig::text || ' has a public state type')
FROM ext_aggs ORDER BY sig::text;
-- upsell has no exact inverse: undoing an account's first or last snapshot
-- needs the snapshot before it, which the summary does not keep; its window
-- answers are exact and recomputed per frame instead (sql/upsell_equiv.sql).
-- Nor has the funnel: its set of change points does not record whether
-- another row of the frame has the same deal, stage and time.
SELECT ok(aggminvtransfn <> 0, sig::text || ' has a moving-aggregate inverse')
FROM ext_aggs WHERE aggtranstype NOT IN ('upsell_summary'::regtype, 'funnel_summary'::regtype) ORDER BY sig::text;
SELECT ok(aggminvtransfn = 0 AND aggtranstype IN ('upsell_summary'::regtype, 'funnel_summary'::regtype),
          sig::text || ' declares no inverse it could not make exact')
FROM ext_aggs WHERE aggtranstype IN ('upsell_summary'::regtype, 'funnel_summary'::regtype) ORDER BY sig::text;

-- every type: binary send/receive, and a comment
CREATE TEMP VIEW ext_types AS
SELECT t.* FROM pg_type t
JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'salesperf'
-- since PostgreSQL 17 a type's array type is an extension member too: not
-- the types the contract is about
WHERE t.typtype = 'b' AND t.typcategory <> 'A';
SELECT ok(typsend <> 0 AND typreceive <> 0, typname || ' has send and receive') FROM ext_types ORDER BY typname;
SELECT ok(obj_description(oid, 'pg_type') IS NOT NULL, typname || ' has a COMMENT') FROM ext_types ORDER BY typname;

-- every type: a hashable = whose negator is <>, and a default hash operator
-- class with a strict, immutable hash function (DISTINCT, GROUP BY, UNION,
-- IN, hash joins)
SELECT ok(EXISTS (SELECT 1 FROM pg_operator o
                  WHERE o.oprname = '=' AND o.oprleft = t.oid AND o.oprright = t.oid AND o.oprcanhash
                    AND o.oprcom = o.oid AND o.oprnegate::regoperator::text ~ '<>'),
          typname || ' has a hashable = with <> as its negator') FROM ext_types t ORDER BY typname;
SELECT ok(EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
                  JOIN pg_amproc ap ON ap.amprocfamily = c.opcfamily AND ap.amprocnum = 1
                  JOIN pg_proc p ON p.oid = ap.amproc
                  WHERE am.amname = 'hash' AND c.opcintype = t.oid AND c.opcdefault
                    AND p.proisstrict AND p.provolatile = 'i'),
          typname || ' has a default hash operator class with a strict, immutable hash function')
FROM ext_types t ORDER BY typname;
-- every operator, operator class and family: a comment
SELECT ok(obj_description(d.objid, d.classid::regclass::name) IS NOT NULL,
          pg_describe_object(d.classid, d.objid, 0) || ' has a COMMENT')
FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'salesperf'
WHERE d.deptype = 'e' AND d.classid IN ('pg_operator'::regclass, 'pg_opclass'::regclass, 'pg_opfamily'::regclass)
ORDER BY pg_describe_object(d.classid, d.objid, 0);

SELECT * FROM finish();
ROLLBACK;
