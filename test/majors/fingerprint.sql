-- test/majors: every stored state in schema :"s" (tables and materialized
-- views), one line per row and column: the row as text, the state's binary
-- send bytes, and its stored bytes as they are on disk (after detoasting),
-- read through a varlena type with the same alignment and bytea's output
-- (created in a transaction that is rolled back: nothing stays behind)
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
BEGIN;
CREATE SCHEMA sp_fingerprint;
CREATE TYPE sp_fingerprint.raw;
CREATE FUNCTION sp_fingerprint.raw_in(cstring) RETURNS sp_fingerprint.raw
	AS 'byteain' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION sp_fingerprint.raw_out(sp_fingerprint.raw) RETURNS cstring
	AS 'byteaout' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE sp_fingerprint.raw (INPUT = sp_fingerprint.raw_in, OUTPUT = sp_fingerprint.raw_out,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
CREATE CAST (kpi.kpi_ratio AS sp_fingerprint.raw) WITHOUT FUNCTION;
CREATE CAST (kpi.duration_sketch AS sp_fingerprint.raw) WITHOUT FUNCTION;
CREATE CAST (kpi.upsell_summary AS sp_fingerprint.raw) WITHOUT FUNCTION;
SELECT CASE WHEN ty.typelem = base.oid THEN
		format($q$SELECT %L, t::text, (SELECT string_agg(encode(%s(x), 'hex') || ' ' || x::sp_fingerprint.raw::text, ',' ORDER BY o)
		                                FROM unnest(t.%I) WITH ORDINALITY u(x, o))
		          FROM %I.%I t ORDER BY 2$q$,
		       c.relname || '.' || a.attname, base.typsend::regproc, a.attname, n.nspname, c.relname)
	ELSE
		format($q$SELECT %L, t::text, encode(%s(t.%I), 'hex'), t.%I::sp_fingerprint.raw::text
		          FROM %I.%I t ORDER BY 2$q$,
		       c.relname || '.' || a.attname, base.typsend::regproc, a.attname, a.attname, n.nspname, c.relname)
	END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type ty ON ty.oid = a.atttypid
JOIN pg_type base ON base.oid = CASE WHEN ty.typelem <> 0 AND ty.typlen = -1 THEN ty.typelem ELSE ty.oid END
WHERE n.nspname = :'s' AND c.relkind IN ('r', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  AND base.oid IN ('kpi.kpi_ratio'::regtype, 'kpi.duration_sketch'::regtype, 'kpi.upsell_summary'::regtype)
ORDER BY c.relname, a.attnum
\gexec
ROLLBACK;
