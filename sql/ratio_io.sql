-- kpi_ratio: text and binary I/O, equality, cast, accessors and every error
-- path with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all

-- text round trips
SELECT r, r::text::kpi_ratio = r AS round_trip
FROM (VALUES ('27/100'::kpi_ratio), ('0/0'), ('9223372036854775807/9223372036854775807'),
             (' 3 / 4 '), ('value:1500.50/4200'), ('value:0/0'), ('value:0.000/12.500')) v(r);

-- bad text input: 22P02, or 22003 past bigint
SELECT '27'::kpi_ratio;
SELECT '-1/3'::kpi_ratio;
SELECT '1/3x'::kpi_ratio;
SELECT '1.5/3'::kpi_ratio;
SELECT ''::kpi_ratio;
SELECT 'value:1/'::kpi_ratio;
SELECT 'value:-1/2'::kpi_ratio;
SELECT 'value:1e3/2'::kpi_ratio;
SELECT 'value:NaN/2'::kpi_ratio;
SELECT '9223372036854775808/1'::kpi_ratio;
\set VERBOSITY default
SELECT 'abc'::kpi_ratio;
\set VERBOSITY sqlstate

-- binary round trips through send/receive
SELECT r, kpi_ratio_send(r)
FROM (VALUES ('27/100'::kpi_ratio), ('0/0'), ('value:10.25/99'), ('value:0/0')) v(r);
\set rt_query 'SELECT r FROM (VALUES (''27/100''::kpi_ratio), (''0/0''), (''value:10.25/99''), (''value:0/0'')) v(r)'
\i :abs_srcdir/sql/include/binary_round_trip.sql

-- malformed binary input: 22P03 or 08P01, never a crash
\set recv_type kpi_ratio
SELECT '\x01'::bytea AS payload :receive
SELECT '\x0200'::bytea || int8send(1) || int8send(2) AS payload :receive
SELECT '\x0107'::bytea || int8send(1) || int8send(2) AS payload :receive
SELECT '\x0100'::bytea || int8send(-1) || int8send(2) AS payload :receive
SELECT '\x0100'::bytea || int8send(1) || int8send(2) || '\x00'::bytea AS payload :receive
SELECT '\x0101'::bytea || int4send(1000) || '\x0001'::bytea AS payload :receive
SELECT '\x0101'::bytea || int4send(-5) AS payload :receive
SELECT '\x0101'::bytea || int4send(length(numeric_send(-1))) || numeric_send(-1) || int4send(length(numeric_send(1))) || numeric_send(1) AS payload :receive
SELECT '\x0101'::bytea || int4send(length(numeric_send('NaN'))) || numeric_send('NaN') || int4send(length(numeric_send(1))) || numeric_send(1) AS payload :receive
-- valid: a count ratio, a value ratio
SELECT '\x0100'::bytea || int8send(3) || int8send(4) AS payload :receive
SELECT '\x0101'::bytea || int4send(length(numeric_send(2.5))) || numeric_send(2.5)
       || int4send(length(numeric_send(10))) || numeric_send(10) AS payload :receive

-- equality compares the state, not the fraction
SELECT '1/2'::kpi_ratio = '1/2' AS same, '1/2'::kpi_ratio = '2/4' AS scaled,
       '1/2'::kpi_ratio <> 'value:1/2' AS kinds_differ, 'value:1.50/3'::kpi_ratio = 'value:1.5/3.000' AS value_scale;

-- cast and accessors
SELECT '27/100'::kpi_ratio::double precision AS cast_value,
       close_rate('1/3'::kpi_ratio) = 1::float8 / 3 AS close_rate_is_division,
       lead_qualification_efficiency('5/40'::kpi_ratio) AS lqe,
       close_rate('0/0'::kpi_ratio) AS zero_den,
       close_rate('value:250/1000'::kpi_ratio) AS value_rate,
       numerator('value:250.75/1000'::kpi_ratio), denominator('27/100'::kpi_ratio);
SELECT 1.0::double precision = '1/2'::kpi_ratio;  -- no implicit cast: error

-- Wilson score interval, hand-checked: 2/2 -> 0.3424, 30/40 -> 0.5981 at 95%
SELECT round(wilson_lower('2/2')::numeric, 4) AS lower_2_2,
       round(wilson_lower('30/40')::numeric, 4) AS lower_30_40,
       round(wilson_upper('30/40')::numeric, 4) AS upper_30_40,
       round(wilson_lower('30/40', 0.99)::numeric, 4) AS lower_30_40_99,
       wilson_lower('0/10') AS lower_none, wilson_upper('10/10') AS upper_all,
       wilson_lower('0/0') AS empty;
-- the Wilson lower bound from first principles: p + z^2/2n - z sqrt(p(1-p)/n + z^2/4n^2), over 1 + z^2/n
SELECT bool_and(abs(wilson_lower((w || '/' || n)::kpi_ratio) -
       ((w::float8/n + 1.959963984540054^2/(2*n) - 1.959963984540054 * sqrt((w::float8/n)*(1-w::float8/n)/n + 1.959963984540054^2/(4*n*n)))
        / (1 + 1.959963984540054^2/n))) < 1e-12) AS matches_formula
FROM generate_series(1, 60) n, generate_series(0, n) w;
SELECT wilson_lower('1/2', 1.5);
SELECT wilson_lower('1/2', 'NaN');
SELECT wilson_lower('value:1/2');
SELECT wilson_upper('5/2');
