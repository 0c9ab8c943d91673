-- Which account key types an upsell_summary takes (issue 13, part 2).  A
-- flat summary records its key type by OID, so a summary keyed by a type
-- that is later dropped or altered could no longer be read or dumped.  New
-- summaries therefore take built-in key types only (OID below
-- FirstNormalObjectId); summaries keyed by a user-defined type, which 0.1.0
-- and 0.2.0 could store, still read back, and their text and binary forms
-- are still accepted (with a warning), so that a dump of them restores.
\getenv abs_srcdir PG_ABS_SRCDIR
SET TimeZone = 'UTC';

-- The issue's reproduction now stops at aggregation, with a hint
CREATE TYPE tier AS ENUM ('a', 'b');
CREATE TABLE us AS SELECT upsell_rate_agg(k, v, t) s
FROM (VALUES ('a'::tier, 100, '2024-01-01'::timestamptz)) x(k, v, t);
\set VERBOSITY sqlstate
-- the one-step aggregate and an array of the enum too
SELECT upsell_rate(k, v, t) FROM (VALUES ('a'::tier, 100, '2024-01-01'::timestamptz)) x(k, v, t);
SELECT upsell_rate_agg(k, v, t) FROM (VALUES (ARRAY['a'::tier], 100, '2024-01-01'::timestamptz)) x(k, v, t);
-- and as a window function
SELECT upsell_rate(k, v, t) OVER () FROM (VALUES ('a'::tier, 100, '2024-01-01'::timestamptz)) x(k, v, t);
-- the hint's way out: the key cast to text, which survives DROP TYPE
CREATE TABLE us AS SELECT upsell_rate_agg(k::text, v, t) s
FROM (VALUES ('a'::tier, 100, '2024-01-01'::timestamptz), ('b', 50, '2024-01-01'), ('a', 130, '2024-02-01')) x(k, v, t);
DROP TYPE tier;
SELECT s, upsell_rate(s), expansion(s) FROM us;
DROP TABLE us;

-- a composite type, and a composite altered later: refused, so ALTER TYPE
-- cannot break a summary either
CREATE TYPE acct AS (region text, id int);
SELECT upsell_rate_agg(k, v, t) FROM (VALUES (ROW('eu', 1)::acct, 100, '2024-01-01'::timestamptz)) x(k, v, t);
DROP TYPE acct;
-- a domain over a built-in type: the aggregate resolves it to its base type,
-- so the summary is keyed by bigint and does not depend on the domain
CREATE DOMAIN acct_id AS bigint CHECK (VALUE > 0);
CREATE TABLE us AS SELECT upsell_rate_agg(k, v, t) s
FROM (VALUES (7::acct_id, 100, '2024-01-01'::timestamptz)) x(k, v, t);
DROP DOMAIN acct_id;
SELECT s FROM us;
DROP TABLE us;

-- Built-in key types of several kinds are accepted, and round-trip through
-- text and binary (checked in the dump/restore test too)
CREATE TEMP TABLE builtin_keys AS
SELECT 'bigint' AS kind, upsell_rate_agg(a::bigint, a * 10, '2024-01-01'::timestamptz + make_interval(days => a)) AS s FROM generate_series(1, 12) a
UNION ALL SELECT 'integer', upsell_rate_agg(a::int, a * 10, '2024-01-01') FROM generate_series(1, 12) a
UNION ALL SELECT 'smallint', upsell_rate_agg(a::smallint, a * 10, '2024-01-01') FROM generate_series(1, 3) a
UNION ALL SELECT 'text', upsell_rate_agg('acct ' || a, a * 10, '2024-01-01') FROM generate_series(1, 12) a
UNION ALL SELECT 'uuid', upsell_rate_agg(md5(a::text)::uuid, a * 10, '2024-01-01') FROM generate_series(1, 3) a
UNION ALL SELECT 'date', upsell_rate_agg('2024-01-01'::date + a, a * 10, '2024-01-01') FROM generate_series(1, 3) a
UNION ALL SELECT 'numeric', upsell_rate_agg(a / 4.0, a * 10, '2024-01-01') FROM generate_series(1, 3) a
UNION ALL SELECT 'integer[]', upsell_rate_agg(ARRAY[a, a + 1], a * 10, '2024-01-01') FROM generate_series(1, 3) a
UNION ALL SELECT 'int4range', upsell_rate_agg(int4range(a, a + 5), a * 10, '2024-01-01') FROM generate_series(1, 3) a;
SELECT kind, split_part(s::text, ';', 1) AS header, account_count(s),
       s::text::upsell_summary = s AS text_round_trip
FROM builtin_keys ORDER BY kind;
\set rt_query 'SELECT kind, s FROM builtin_keys'
\i :abs_srcdir/sql/include/binary_round_trip.sql

-- Summaries keyed by a user-defined type, as 0.1.0 and 0.2.0 stored them:
-- text input still takes them (so that output, which must read them back
-- unchanged, never writes what input refuses), with a warning
CREATE TYPE tier AS ENUM ('gold', 'silver');
\set VERBOSITY default
CREATE TABLE legacy AS
SELECT 'v1 key public.tier; gold 2024-01-01=100..2024-06-01=150; silver 2024-01-01=80..2024-06-01=0'::upsell_summary AS s;
\set VERBOSITY sqlstate
-- read back identically, by every accessor, through text and binary
SELECT s, upsell_rate(s), expansion(s), churned_value(s), churned_accounts(s), net_retention(s) FROM legacy;
SELECT s::text::upsell_summary = s AS text_round_trip FROM legacy;
SET client_min_messages = error;
\set rt_query 'SELECT s FROM legacy'
\i :abs_srcdir/sql/include/binary_round_trip.sql
RESET client_min_messages;
-- rollup keeps them (a rollup returns what input accepts), and they merge
-- only with summaries of the same key type
SET client_min_messages = error;
SELECT rollup(s) = 'v1 key public.tier; gold 2024-01-01=100..2024-09-01=10; silver 2024-01-01=80..2024-06-01=0'
       AS rollup_as_by_hand
FROM (SELECT s FROM legacy UNION ALL SELECT 'v1 key public.tier; gold 2024-09-01=10') x;
RESET client_min_messages;
SELECT rollup(s) FROM (SELECT s FROM legacy UNION ALL SELECT upsell_rate_agg('gold', 1, '2024-01-01')) x;
-- but no new rows go into them: the aggregate refuses the type
SELECT upsell_rate_agg(k, 1, '2024-01-01') FROM (VALUES ('gold'::tier)) x(k);
-- the way out of the hazard: rewrite the key type to text (the keys are
-- written by the type's output function, so text input reads them back)
CREATE TABLE converted AS
SELECT regexp_replace(s::text, '^v1 key [^;]+;', 'v1 key text;')::upsell_summary AS s FROM legacy;
SELECT c.s AS converted, upsell_rate(c.s) = upsell_rate(l.s) AS same_rate,
       current_value(c.s) = current_value(l.s) AS same_value
FROM converted c, legacy l;
-- once the type is gone the legacy summary cannot be read (a clear error,
-- no longer "cache lookup failed"); the converted one still can
-- (the message names the type's OID: only the SQLSTATE is shown here)
DROP TYPE tier;
SELECT s FROM legacy;
SELECT upsell_rate(s) FROM legacy;
SELECT s, upsell_rate(s) FROM converted;
-- a text form naming a type that does not exist is refused as before
SELECT 'v1 key public.tier; gold 2024-01-01=1'::upsell_summary;
DROP TABLE legacy, converted;
