-- funnel_summary's text and binary forms, and every error of the funnel
-- with its SQLSTATE: bad stage lists, rows of one group with different
-- lists, rollups of different funnels or key types, unknown stages and p
-- outside [0, 1] in accessors, key types refused, malformed text (22P02)
-- and binary (22P03) input.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
SET TimeZone = 'UTC';
SELECT setseed(0.77);

-- ---------------------------------------------------------------------
-- Text form
-- ---------------------------------------------------------------------
-- stage names with blanks or quotes are quoted; keys too
SELECT funnel_agg(d, s, t, ARRAY['New lead', 'Won "big"', 'x\y', '']) AS state
FROM (VALUES ('deal one', 'New lead', '2024-01-01 10:00'::timestamptz), ('deal one', '', '2024-01-02 10:00:00.25'),
             ('k;2', 'Won "big"', '2024-01-03'), ('k;2', 'Lost', '2024-01-04')) v(d, s, t);
SELECT 'v1 key text; stages "New lead" "Won \"big\"" "x\\y" ""; "deal one" 1@2024-01-01T10:00:00Z 4@2024-01-02T10:00:00.25Z; "k;2" 2@2024-01-03 -@2024-01-04'::funnel_summary
     = funnel_agg(d, s, t, ARRAY['New lead', 'Won "big"', 'x\y', '']) AS reads_back
FROM (VALUES ('deal one', 'New lead', '2024-01-01 10:00'::timestamptz), ('deal one', '', '2024-01-02 10:00:00.25'),
             ('k;2', 'Won "big"', '2024-01-03'), ('k;2', 'Lost', '2024-01-04')) v(d, s, t);
-- input takes points in any order and drops repeats; blanks are free
SELECT '  v1   key  bigint ;  stages A B ;  7  2@2024-01-02   1@2024-01-01 2@2024-01-02 ; 3 -@2024-01-05  '::funnel_summary;
-- a summary without deals (what no aggregate returns, but input accepts)
SELECT 'v1 key uuid; stages A'::funnel_summary AS empty,
       deal_count('v1 key uuid; stages A'::funnel_summary),
       reached('v1 key uuid; stages A'::funnel_summary, 'A'),
       time_in_stage('v1 key uuid; stages A'::funnel_summary, 'A', 0.5);
SELECT * FROM funnel_steps('v1 key uuid; stages A B');
-- times before year 1 and with microseconds
SELECT 'v1 key integer; stages A; 1 1@-0044-03-15T12:00:00.000001Z 1@2024-02-29'::funnel_summary;
-- the key type is named qualified, and may be any built-in hashable type
SELECT funnel_agg(d, 'A', '2024-01-01', ARRAY['A'])::text FROM (VALUES ('2024-05-01'::date)) v(d);
SELECT 'v1 key pg_catalog.date; stages A; 2024-05-01 1@2024-01-01'::funnel_summary;

-- malformed text: 22P02; unknown key type 42704; user-defined key 0A000
SELECT ''::funnel_summary;
SELECT 'v2 key bigint; stages A'::funnel_summary;
SELECT 'v1 series; stages A'::funnel_summary;
SELECT 'v1 key bigint stages A'::funnel_summary;
SELECT 'v1 key bigint; stage A'::funnel_summary;
SELECT 'v1 key bigint; stages'::funnel_summary;
SELECT 'v1 key bigint; stages A A'::funnel_summary;
SELECT 'v1 key bigint; stages A"B"'::funnel_summary;
SELECT 'v1 key bigint; stages "A'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 '::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 2@2024-01-01'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 0@2024-01-01'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@2024-13-01'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@2024-01-01T10:00:00'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@2024-01-01T10:00:00.1234567Z'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@infinity'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@999999-01-01'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@2024-01-01x'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1-2024-01-01'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@2024-01-01; 1 1@2024-01-02'::funnel_summary;
SELECT 'v1 key bigint; stages A; x 1@2024-01-01'::funnel_summary;
SELECT 'v1 key bigint; stages A; 1 1@2024-01-01 junk'::funnel_summary;
SELECT 'v1 key no_such_type; stages A'::funnel_summary;
SELECT 'v1 key point; stages A'::funnel_summary;
CREATE TYPE pg_temp.mood AS ENUM ('sad', 'happy');
SELECT 'v1 key pg_temp.mood; stages A; happy 1@2024-01-01'::funnel_summary;
-- 64 stages are fine, 65 are not
SELECT deal_count(('v1 key int4; stages ' || string_agg('s' || i, ' ') || '; 1 64@2024-01-01')::funnel_summary)
FROM generate_series(1, 64) i;
SELECT ('v1 key int4; stages ' || string_agg('s' || i, ' '))::funnel_summary FROM generate_series(1, 65) i;

-- ---------------------------------------------------------------------
-- Binary form
-- ---------------------------------------------------------------------
SELECT encode(funnel_summary_send('v1 key int4; stages A B; 5 1@2000-01-01 2@2000-01-01T00:00:01Z; 6 -@2000-01-02'), 'hex');
-- version 1, key type "int4", 2 stages "A" "B", 2 deals: key 5, 2 points
-- (code 0 at 0, code 1 after 1000000 us); key 6, 1 point (code 64 at 1 day)
SELECT test.binary_receive('funnel_summary',
       '\x01'::bytea || test.varint(4) || convert_to('int4', 'UTF8') || test.varint(2)
       || test.varint(1) || '\x41'::bytea || test.varint(1) || '\x42'::bytea || test.varint(2)
       || test.varint(4) || int4send(5) || test.varint(2) || '\x00'::bytea || int8send(0)
       || '\x01'::bytea || test.varint(1000000)
       || test.varint(4) || int4send(6) || test.varint(1) || '\x40'::bytea || int8send(86400000000)) AS received;
-- the same with broken fields: 22P03 each, but where PostgreSQL's message
-- reader or the key type's receive stops first (no byte left, bytes left
-- over, a short key: 08P01, as for every type)
CREATE FUNCTION pg_temp.payload(version int DEFAULT 1, nstages int DEFAULT 2, stage2 text DEFAULT 'B',
                                ndeals int DEFAULT 1, npoints int DEFAULT 2, code2 int DEFAULT 1,
                                delta bigint DEFAULT 1000000, first_at bigint DEFAULT 0,
                                key bytea DEFAULT int4send(5), tail bytea DEFAULT '\x')
RETURNS bytea LANGUAGE sql AS $$
	SELECT set_byte('\x00'::bytea, 0, version) || test.varint(4) || convert_to('int4', 'UTF8')
	       || test.varint(nstages) || test.varint(1) || '\x41'::bytea
	       || test.varint(length(stage2)) || convert_to(stage2, 'UTF8') || test.varint(ndeals)
	       || test.varint(length(key)) || key || test.varint(npoints)
	       || '\x00'::bytea || int8send(first_at)
	       || set_byte('\x00'::bytea, 0, code2) || test.varint(delta) || tail
$$;
SELECT test.binary_receive('funnel_summary', pg_temp.payload()) AS well_formed;
SELECT test.binary_receive('funnel_summary', '\x');
SELECT test.binary_receive('funnel_summary', pg_temp.payload(version => 2));
SELECT test.binary_receive('funnel_summary', '\x01'::bytea || test.varint(7) || convert_to('no_type', 'UTF8'));
SELECT test.binary_receive('funnel_summary', '\x01'::bytea || test.varint(5) || convert_to('point', 'UTF8'));
SELECT test.binary_receive('funnel_summary', '\x01'::bytea || test.varint(9) || convert_to('int4', 'UTF8'));
SELECT test.binary_receive('funnel_summary', '\x01'::bytea || test.varint(4) || convert_to('int4', 'UTF8') || '\x00'::bytea);
SELECT test.binary_receive('funnel_summary', '\x01'::bytea || test.varint(4) || convert_to('int4', 'UTF8') || test.varint(65));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(stage2 => 'A'));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(ndeals => 1000));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(npoints => 0));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(npoints => 100));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(code2 => 2));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(code2 => 0, delta => 0));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(first_at => 9223372036854775807));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(first_at => 9223371331200000000 - 10));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(key => '\x000005'::bytea));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(tail => '\x00'::bytea));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(ndeals => 2, tail => test.varint(4) || int4send(5)
                                                              || test.varint(1) || '\x00'::bytea || int8send(0)));
SELECT test.binary_receive('funnel_summary', substr(pg_temp.payload(), 1, 30));
SELECT test.binary_receive('funnel_summary', pg_temp.payload(delta => 0) || '\x80'::bytea);

-- ---------------------------------------------------------------------
-- Errors of the aggregate, rollup and accessors
-- ---------------------------------------------------------------------
CREATE TEMP TABLE eh (deal bigint, stage text, at timestamptz);
INSERT INTO eh VALUES (1, 'A', '2024-01-01'), (1, 'B', '2024-01-02'), (2, 'A', '2024-01-03');
-- the stages array: NULL 22004, empty 22023, a NULL element 22004,
-- duplicates 22023, more than 64 22023, two dimensions 2202E
SELECT funnel_agg(deal, stage, at, NULL) FROM eh;
SELECT funnel_agg(deal, stage, at, '{}') FROM eh;
SELECT funnel_agg(deal, stage, at, ARRAY['A', NULL]) FROM eh;
SELECT funnel_agg(deal, stage, at, ARRAY['A', 'B', 'A']) FROM eh;
SELECT funnel_agg(deal, stage, at, (SELECT array_agg('s' || i) FROM generate_series(1, 65) i)) FROM eh;
SELECT funnel_agg(deal, stage, at, ARRAY[['A', 'B'], ['C', 'D']]) FROM eh;
-- different lists in one group: 22023 (in either order of the rows)
SELECT funnel_agg(deal, stage, at, CASE WHEN deal = 1 THEN ARRAY['A', 'B'] ELSE ARRAY['B', 'A'] END) FROM eh;
SELECT funnel_agg(deal, stage, at, CASE WHEN deal = 1 THEN ARRAY['A', 'B'] ELSE ARRAY['A', 'B', 'C'] END ORDER BY deal DESC) FROM eh;
-- ... but a list per group is fine
SELECT deal, funnel_agg(deal, stage, at, CASE WHEN deal = 1 THEN ARRAY['A', 'B'] ELSE ARRAY['B', 'A'] END)::text
FROM eh GROUP BY deal ORDER BY deal;
-- infinite times: 22023
SELECT funnel_agg(deal, stage, 'infinity', ARRAY['A']) FROM eh;
-- rollup of different funnels 22023, of different key types 42804
SELECT rollup(s) FROM (VALUES ('v1 key int8; stages A B'::funnel_summary), ('v1 key int8; stages A'::funnel_summary)) v(s);
SELECT rollup(s) FROM (VALUES ('v1 key int8; stages A; 1 1@2024-01-01'::funnel_summary),
                              ('v1 key int8; stages B; 1 1@2024-01-01'::funnel_summary)) v(s);
SELECT rollup(s) FROM (VALUES ('v1 key int8; stages A'::funnel_summary), ('v1 key int4; stages A'::funnel_summary)) v(s);
SELECT funnel_summary_combine('v1 key int8; stages A', 'v1 key text; stages A');
-- a large state (expanded) against a small one of another funnel or key type
SELECT rollup(s) FROM (SELECT funnel_agg(g, 'A', '2024-01-01', ARRAY['A']) AS s FROM generate_series(1, 20) g
                       UNION ALL SELECT 'v1 key int4; stages B; 1 1@2024-01-01') v;
SELECT rollup(s) FROM (SELECT funnel_agg(g, 'A', '2024-01-01', ARRAY['A']) AS s FROM generate_series(1, 20) g
                       UNION ALL SELECT 'v1 key int8; stages A; 1 1@2024-01-01') v;
-- key types: user-defined 0A000, without hash and btree classes 42883
SELECT funnel_agg('happy'::pg_temp.mood, 'A', '2024-01-01', ARRAY['A']);
SELECT funnel_agg(point(1, 2), 'A', '2024-01-01', ARRAY['A']);
-- accessors: unknown stage 22023, p outside [0, 1] or NaN 22003
SELECT reached('v1 key int8; stages A B; 1 1@2024-01-01', 'C');
SELECT reached('v1 key int8; stages A B; 1 1@2024-01-01', NULL) IS NULL AS null_stage_null_answer;
SELECT stage_conversion('v1 key int8; stages A B; 1 1@2024-01-01', 'A', 'Closed Lost');
SELECT time_in_stage('v1 key int8; stages A B; 1 1@2024-01-01', 'a', 0.5);
SELECT time_between('v1 key int8; stages A B; 1 1@2024-01-01', 'A', 'c', 0.5);
SELECT time_in_stage('v1 key int8; stages A B; 1 1@2024-01-01 2@2024-01-02', 'A', 1.5);
SELECT time_in_stage('v1 key int8; stages A B; 1 1@2024-01-01 2@2024-01-02', 'A', -0.1);
SELECT time_in_stage('v1 key int8; stages A B; 1 1@2024-01-01 2@2024-01-02', 'A', 'NaN'::float8);
SELECT time_in_stage('v1 key int8; stages A B; 1 1@2024-01-01 2@2024-01-02', 'A', ARRAY[0.5, 2]);
SELECT time_between('v1 key int8; stages A B; 1 1@2024-01-01 2@2024-01-02', 'A', 'B', 2);
-- ... also when no deal qualifies (the answer would be NULL)
SELECT time_in_stage('v1 key int8; stages A B', 'A', 2);
SELECT time_in_stage('v1 key int8; stages A B', 'A', ARRAY[2]);
SELECT time_between('v1 key int8; stages A B', 'A', 'B', -1);
-- durations beyond 2^62 microseconds (about 146,000 years): 22003
SELECT time_in_stage('v1 key int8; stages A B; 1 1@-4000-01-01 2@200000-01-01', 'A', 0.5);
SELECT time_between('v1 key int8; stages A B; 1 1@-4000-01-01 2@290000-01-01', 'A', 'B', 0.5);
-- called directly, combine leaves its arguments alone
SELECT funnel_summary_combine('v1 key int8; stages A; 1 1@2024-01-01', 'v1 key int8; stages A; 1 1@2024-01-02')::text;
SELECT funnel_summary_combine(NULL, 'v1 key int8; stages A; 1 1@2024-01-02')::text,
       funnel_summary_combine('v1 key int8; stages A; 1 1@2024-01-02', NULL)::text;
