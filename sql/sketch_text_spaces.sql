-- duration_sketch text input separates items by white space as
-- PostgreSQL's scanner defines it (space, tab, newline, carriage return,
-- form feed, and from PostgreSQL 18 vertical tab: scanner_isspace), like
-- the core input functions, not by the locale's isspace(), which in
-- single-byte locales also took bytes such as 0xA0 (issue 14).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all

CREATE TEMP TABLE forms AS
SELECT response_time_agg(g * interval '1 second') AS s FROM generate_series(-5, 100) g
UNION ALL SELECT response_time_agg(g * interval '1 second') FROM generate_series(1, 3) g;

-- the scanner's five white-space characters separate items, anywhere
SELECT E'\t v1\na=0.01\rn=2\fexact_us=2,1 \n'::duration_sketch = 'v1 a=0.01 n=2 exact_us=1,2' AS scanner_spaces;
SELECT count(*) AS forms,
       count(*) FILTER (WHERE replace(s::text, ' ', sep)::duration_sketch = s) AS read_back
FROM forms, unnest(ARRAY[E'\t', E'\n', E'\r', E'\f', E' \t\n\r\f']) sep;

-- a vertical tab (chr(11)) is white space exactly when the server's
-- scanner says so: not up to PostgreSQL 17, yes from 18, whose
-- scanner_isspace() added it.  The reference is parse_ident(), a core
-- function that skips white space with scanner_isspace().
CREATE FUNCTION pg_temp.accepted(query text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN true;
EXCEPTION WHEN invalid_text_representation OR invalid_parameter_value THEN
	RETURN false;
END $$;
SELECT pg_temp.accepted($$SELECT parse_ident(chr(11) || 'a' || chr(11))$$) AS scanner_vt \gset
SELECT q, pg_temp.accepted(q) = :'scanner_vt'::boolean AS follows_the_scanner
FROM unnest(ARRAY[$$SELECT ('v1' || chr(11) || 'n=0')::duration_sketch$$,
                  $$SELECT (chr(11) || 'v1 n=0')::duration_sketch$$,
                  $$SELECT ('v1 n=0' || chr(11))::duration_sketch$$,
                  $$SELECT replace(s::text, ' ', chr(11))::duration_sketch FROM forms$$]) q;
-- and what a vertical tab separates reads back equal where it is accepted
SELECT count(*) FILTER (WHERE NOT :'scanner_vt'::boolean OR replace(s::text, ' ', chr(11))::duration_sketch = s) = count(*) AS same_when_accepted
FROM forms;
-- nor inside a number, where strtod() would have skipped it
SELECT ('v1 a=' || chr(11) || '0.01 n=1 exact_us=1')::duration_sketch;
SELECT ('v1 a=0.01 p=' || chr(11) || '0.5 n=1 exact_us=1')::duration_sketch;
-- a no-break space (U+00A0) or another Unicode space is not white space
SELECT E'v1\u00a0n=0'::duration_sketch;
SELECT E'v1 n=0\u00a0'::duration_sketch;
SELECT E'v1\u2003n=0'::duration_sketch;
-- output uses plain spaces only
SELECT count(*) FILTER (WHERE s::text ~ ('[' || E'\t\n\r\f' || chr(11) || ']')) AS other_spaces FROM forms;
