-- Overflow and extremes (issue 7 item 9), every family: int64 counts at
-- and around 9223372036854775807, numerics at the largest precision
-- PostgreSQL allows (131072 digits before the point, 16383 after), sums past
-- numeric's range, NaN and +-Infinity, intervals and timestamps at their
-- limits.  Each case prints its value (or a comparison with an independent
-- computation) or the SQLSTATE of its error: never a crash, a NaN or a
-- wrapped number.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate

-- What one statement gives: its (single) value as text, or its SQLSTATE
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE q INTO r;
	RETURN coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
	RETURN 'ERROR ' || SQLSTATE;
END $$;


-- Binary round trip of a value too big to be stored in a table row (a
-- kpi_ratio is never toasted): binary COPY out, then binary COPY in through
-- a trigger that keeps the received value's text and skips the insert
CREATE TEMP TABLE received (t text);
CREATE FUNCTION pg_temp.keep_received() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO received VALUES (NEW.v::text);
	RETURN NULL;
END $$;
CREATE FUNCTION pg_temp.binary_round_trip_unstored(v anyelement) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	file text := current_setting('data_directory') || '/salesperf_big.bin';
	result text;
BEGIN
	EXECUTE format('CREATE TEMP TABLE big_in (v %s)', pg_typeof(v));
	CREATE TRIGGER keep BEFORE INSERT ON big_in
		FOR EACH ROW EXECUTE FUNCTION pg_temp.keep_received();
	EXECUTE format('COPY (SELECT %L::%s) TO %L (FORMAT binary)', v::text, pg_typeof(v), file);
	EXECUTE format('COPY big_in FROM %L (FORMAT binary)', file);
	SELECT t INTO result FROM received;
	DROP TABLE big_in;
	DELETE FROM received;
	RETURN result;
END $$;

-- Largest numerics: 131072 digits before the point, 16383 after
CREATE TEMP TABLE big AS
SELECT repeat('9', 131072) || '.' || repeat('9', 16383) AS max_text,
       '0.' || repeat('0', 16382) || '1' AS tiny_text,
       ('1' || repeat('0', 131071))::numeric AS e131071,
       ('9' || repeat('0', 131071))::numeric AS e9_131071;

-- ---------------------------------------------------------------------
-- kpi_ratio, count kind
-- ---------------------------------------------------------------------
SELECT n, label, pg_temp.outcome(q) AS outcome FROM (VALUES
 (1, 'text: max/max round trips',
  $$SELECT '9223372036854775807/9223372036854775807'::kpi_ratio$$),
 (2, 'text: numerator past bigint',
  $$SELECT '9223372036854775808/1'::kpi_ratio$$),
 (3, 'text: denominator past bigint',
  $$SELECT '1/9223372036854775808'::kpi_ratio$$),
 (4, 'text: 23 digits',
  $$SELECT '99999999999999999999999/1'::kpi_ratio$$),
 (5, 'text: leading zeros before max',
  $$SELECT '0000000000000000000009223372036854775807/1'::kpi_ratio$$),
 (6, 'text: negative',
  $$SELECT '-1/1'::kpi_ratio$$),
 (7, 'text: minus zero',
  $$SELECT '-0/1'::kpi_ratio$$),
 (8, 'binary: max/max',
  $$SELECT test.binary_receive('kpi_ratio', '\x0100'::bytea || int8send(9223372036854775807) || int8send(9223372036854775807))$$),
 (9, 'binary: numerator -1',
  $$SELECT test.binary_receive('kpi_ratio', '\x0100'::bytea || int8send(-1) || int8send(1))$$),
 (10, 'binary: denominator INT64_MIN',
  $$SELECT test.binary_receive('kpi_ratio', '\x0100'::bytea || int8send(1) || int8send('-9223372036854775808'))$$),
 (11, 'binary: numerator > denominator is a valid state',
  $$SELECT test.binary_receive('kpi_ratio', '\x0100'::bytea || int8send(5) || int8send(3))$$),
 (12, 'binary: max/max round trip',
  $$SELECT test.binary_round_trip('9223372036854775807/9223372036854775807'::kpi_ratio)$$),
 (13, 'lead_qualification_efficiency(bigint, bigint): one row at max',
  $$SELECT lead_qualification_efficiency(q, c) FROM (VALUES (9223372036854775807, 9223372036854775807)) v(q, c)$$),
 (14, '_agg: rows summing to exactly max',
  $$SELECT lead_qualification_efficiency_agg(q, c) FROM (VALUES (9223372036854775806, 9223372036854775806), (1, 1)) v(q, c)$$),
 (15, '_agg: calls summing past max',
  $$SELECT lead_qualification_efficiency_agg(q, c) FROM (VALUES (9223372036854775807, 9223372036854775807), (0, 1)) v(q, c)$$),
 (16, '_agg: qualified summing past max',
  $$SELECT lead_qualification_efficiency_agg(q, c) FROM (VALUES (9223372036854775807, 9223372036854775807), (1, 0)) v(q, c)$$),
 (17, '(boolean, bigint): calls summing past max',
  $$SELECT lead_qualification_efficiency(q, c) FROM (VALUES (true, 9223372036854775807), (false, 1)) v(q, c)$$),
 (18, '(boolean, bigint): calls INT64_MIN',
  $$SELECT lead_qualification_efficiency(q, c) FROM (VALUES (true, '-9223372036854775808'::bigint)) v(q, c)$$),
 (19, '(bigint, bigint): qualified INT64_MIN',
  $$SELECT lead_qualification_efficiency(q, c) FROM (VALUES ('-9223372036854775808'::bigint, 1)) v(q, c)$$),
 (20, '(bigint, bigint): more qualified than calls is > 1',
  $$SELECT lead_qualification_efficiency(q, c) FROM (VALUES (9223372036854775807, 1)) v(q, c)$$),
 (21, 'rollup: two near-max halves make max',
  $$SELECT rollup(r) FROM (VALUES ('4611686018427387904/4611686018427387904'::kpi_ratio), ('4611686018427387903/4611686018427387903')) v(r)$$),
 (22, 'rollup: max + 1/1',
  $$SELECT rollup(r) FROM (VALUES ('9223372036854775807/9223372036854775807'::kpi_ratio), ('1/1')) v(r)$$),
 (23, 'rollup: max + 0/1 (denominator only)',
  $$SELECT rollup(r) FROM (VALUES ('9223372036854775807/9223372036854775807'::kpi_ratio), ('0/1')) v(r)$$),
 (24, 'combine called directly: max + 0/0',
  $$SELECT kpi_ratio_combine('9223372036854775807/9223372036854775807', '0/0')$$),
 (25, 'inverse called directly: max - max',
  $$SELECT kpi_ratio_uncombine('9223372036854775807/9223372036854775807', '9223372036854775807/9223372036854775807')$$),
 (26, 'inverse called directly: below zero',
  $$SELECT kpi_ratio_uncombine('1/1', '2/2')$$),
 (27, 'moving window near max = numeric sums over each frame',
  $$SELECT bool_and(s::text = 'lead_qualification_efficiency:' || sq || '/' || sc) FROM (
      SELECT lead_qualification_efficiency_agg(q, c) OVER w AS s,
             sum(q::numeric) OVER w AS sq, sum(c::numeric) OVER w AS sc
      FROM (VALUES (1, 9223372036854775806, 9223372036854775806), (2, 1, 1), (3, 5, 5),
                   (4, 9223372036854775800, 9223372036854775801), (5, 2, 6)) v(i, q, c)
      WINDOW w AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) x$$),
 (28, 'moving rollup near max = numeric sums over each frame',
  $$SELECT bool_and(s::text = sn || '/' || sd) FROM (
      SELECT rollup(r) OVER w AS s, sum(numerator(r)) OVER w AS sn, sum(denominator(r)) OVER w AS sd
      FROM (VALUES (1, '9223372036854775806/9223372036854775807'::kpi_ratio), (2, '1/0'), (3, '5/5'),
                   (4, '9223372036854775802/9223372036854775802')) v(i, r)
      WINDOW w AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) x$$),
 (29, 'moving window whose frame passes max',
  $$SELECT string_agg(s::text, ' ') FROM (SELECT lead_qualification_efficiency_agg(q, c) OVER w AS s FROM (VALUES (1, 9223372036854775806, 9223372036854775806), (2, 2, 2)) v(i, q, c)
      WINDOW w AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) x$$),
 (30, 'close_rate(max/max)',
  $$SELECT close_rate('9223372036854775807/9223372036854775807'::kpi_ratio)$$),
 (31, 'close_rate(max/1) = max::float8',
  $$SELECT close_rate('9223372036854775807/1'::kpi_ratio) = 9223372036854775807::float8$$),
 (32, 'close_rate(1/max) = 1 / max::float8',
  $$SELECT close_rate('1/9223372036854775807'::kpi_ratio) = 1 / 9223372036854775807::float8$$),
 (33, 'cast max/3 to float8 = max::float8 / 3',
  $$SELECT '9223372036854775807/3'::kpi_ratio::float8 = 9223372036854775807::float8 / 3$$),
 (34, 'numerator and denominator of max/max are exact',
  $$SELECT numerator(r) = 9223372036854775807 AND denominator(r) = 9223372036854775807 FROM (VALUES ('9223372036854775807/9223372036854775807'::kpi_ratio)) v(r)$$),
 (35, 'wilson_lower((max-1)/max) rounds to 1',
  $$SELECT wilson_lower('9223372036854775806/9223372036854775807'::kpi_ratio)$$),
 (36, 'wilson bounds of 1/max: 0 < lower < 1/max < upper < 1e-18',
  $$SELECT 0 < wilson_lower(r) AND wilson_lower(r) < close_rate(r) AND close_rate(r) < wilson_upper(r) AND wilson_upper(r) < 1e-18 FROM (VALUES ('1/9223372036854775807'::kpi_ratio)) v(r)$$),
 (37, 'wilson 0/max and max/max are exactly 0 and 1',
  $$SELECT wilson_lower('0/9223372036854775807'::kpi_ratio) = 0 AND wilson_upper('9223372036854775807/9223372036854775807'::kpi_ratio) = 1$$),
 (38, 'wilson of 2^62/max is within 1e-9 of 0.5',
  $$SELECT abs(wilson_lower('4611686018427387904/9223372036854775807'::kpi_ratio) - 0.5) < 1e-9$$),
 (39, 'wilson with numerator > denominator',
  $$SELECT wilson_lower('9223372036854775807/1'::kpi_ratio)$$),
 (40, 'wilson confidence NaN',
  $$SELECT wilson_lower('1/2'::kpi_ratio, 'NaN')$$),
 (41, 'wilson confidence Infinity',
  $$SELECT wilson_upper('1/2'::kpi_ratio, 'Infinity')$$),
 (42, 'wilson confidence -Infinity',
  $$SELECT wilson_upper('1/2'::kpi_ratio, '-Infinity')$$),
 (43, 'wilson confidence 1',
  $$SELECT wilson_lower('1/2'::kpi_ratio, 1)$$),
 (44, 'wilson confidence 0',
  $$SELECT wilson_lower('1/2'::kpi_ratio, 0)$$),
 (45, 'wilson confidence 1 - 2^-53: finite, symmetric bounds (was NaN)',
  $$SELECT l > 0 AND l < 0.01 AND abs(l + u - 1) < 1e-12 FROM (SELECT wilson_lower('1/2'::kpi_ratio, 0.9999999999999999) l, wilson_upper('1/2'::kpi_ratio, 0.9999999999999999) u) x$$),
 (46, 'wilson confidence 5e-324: z = 0, both bounds the proportion',
  $$SELECT wilson_lower('1/2'::kpi_ratio, 5e-324) = 0.5 AND wilson_upper('1/2'::kpi_ratio, 5e-324) = 0.5$$)
) c(n, label, q) ORDER BY n;

-- ---------------------------------------------------------------------
-- kpi_ratio, value kind (money sums)
-- ---------------------------------------------------------------------
SELECT n, label, pg_temp.outcome(q) AS outcome FROM (VALUES
 (47, 'text: both sums at the largest precision round trip exactly',
  $$SELECT ('value:' || max_text || '/' || max_text)::kpi_ratio::text = 'value:' || max_text || '/' || max_text FROM big$$),
 (48, 'text: 131073 digits before the point',
  $$SELECT ('value:' || repeat('9', 131073) || '/1')::kpi_ratio$$),
 (49, 'text: 16384 digits after the point',
  $$SELECT ('value:1.' || repeat('9', 16384) || '/1')::kpi_ratio$$),
 (50, 'text: smallest positive amount is kept exactly',
  $$SELECT numerator(('value:' || tiny_text || '/1')::kpi_ratio) = tiny_text::numeric FROM big$$),
 (51, 'text: NaN amount',
  $$SELECT 'value:NaN/1'::kpi_ratio$$),
 (52, 'text: Infinity amount',
  $$SELECT 'value:1/Infinity'::kpi_ratio$$),
 (53, 'text: exponent form',
  $$SELECT 'value:1e5/1'::kpi_ratio$$),
 (54, 'binary: largest precision round trips exactly',
  $$SELECT pg_temp.binary_round_trip_unstored(('value:' || max_text || '/' || max_text)::kpi_ratio) = 'value:' || max_text || '/' || max_text FROM big$$),
 (55, 'a value state over 8 kB cannot be stored in a table (plain storage)',
  $$SELECT test.binary_round_trip(('value:' || max_text || '/1')::kpi_ratio) FROM big$$),
 (56, 'binary: NaN amount',
  $$SELECT test.binary_receive('kpi_ratio', '\x0101'::bytea || int4send(length(numeric_send('NaN'))) || numeric_send('NaN') || int4send(length(numeric_send(1))) || numeric_send(1))$$),
 (57, 'binary: Infinity amount',
  $$SELECT test.binary_receive('kpi_ratio', '\x0101'::bytea || int4send(length(numeric_send(1))) || numeric_send(1) || int4send(length(numeric_send('Infinity'))) || numeric_send('Infinity'))$$),
 (58, 'binary: -Infinity amount',
  $$SELECT test.binary_receive('kpi_ratio', '\x0101'::bytea || int4send(length(numeric_send('-Infinity'))) || numeric_send('-Infinity') || int4send(length(numeric_send(1))) || numeric_send(1))$$),
 (59, 'close_rate(won, amount): NaN',
  $$SELECT close_rate(w, a) FROM (VALUES (true, 'NaN'::numeric)) v(w, a)$$),
 (60, 'close_rate(won, amount): Infinity',
  $$SELECT close_rate(w, a) FROM (VALUES (true, 'Infinity'::numeric)) v(w, a)$$),
 (61, 'close_rate(won, amount): -Infinity',
  $$SELECT close_rate(w, a) FROM (VALUES (false, '-Infinity'::numeric)) v(w, a)$$),
 (62, 'close_rate(won, amount): -0 is zero, so no denominator',
  $$SELECT close_rate(w, a) FROM (VALUES (false, '-0'::numeric)) v(w, a)$$),
 (63, 'close_rate(won, amount): the smallest negative amount',
  $$SELECT close_rate(w, a) FROM (VALUES (false, -1e-16383)) v(w, a)$$),
 (64, 'sum past numeric range',
  $$SELECT close_rate_agg(w, a) FROM (VALUES (true, (SELECT e131071 FROM big)), (true, (SELECT e9_131071 FROM big))) v(w, a)$$),
 (65, 'sum just inside numeric range = SQL sum',
  $$SELECT numerator(close_rate_agg(w, a)) = sum(a) FROM (VALUES (true, (SELECT e131071 / 10 FROM big)), (true, (SELECT e9_131071 - e131071 FROM big))) v(w, a)$$),
 (66, 'sum of two smallest amounts is exact',
  $$SELECT numerator(close_rate_agg(true, tiny_text::numeric)) = 2 * tiny_text::numeric FROM big, generate_series(1, 2) GROUP BY tiny_text$$),
 (67, 'close_rate 1e-16383 of 1e131071 underflows to 0',
  $$SELECT close_rate(w, a) FROM (VALUES (true, 1e-16383), (false, (SELECT e131071 FROM big))) v(w, a)$$),
 (68, 'close_rate 1e-300 of 1e100 is 0 (was 22003)',
  $$SELECT close_rate(w, a) FROM (VALUES (true, 1e-300), (false, 1e100)) v(w, a)$$),
 (69, 'close_rate 1e-320 is the subnormal 1e-320',
  $$SELECT close_rate(w, a) = 1e-320::float8 FROM (VALUES (true, 1e-320), (false, 1)) v(w, a)$$),
 (70, 'ratio past the largest double',
  $$SELECT close_rate(('value:' || repeat('9', 400) || '/1')::kpi_ratio)$$),
 (71, 'ratio past numeric range',
  $$SELECT close_rate(('value:' || repeat('9', 131072) || '/' || tiny_text)::kpi_ratio) FROM big$$),
 (72, 'rollup of value states past numeric range',
  $$SELECT rollup(r) FROM big, LATERAL (VALUES (('value:0/' || max_text)::kpi_ratio), (('value:0/' || max_text)::kpi_ratio)) v(r)$$),
 (73, 'moving window over huge amounts = numeric sums over each frame',
  $$SELECT bool_and(numerator(s) = sn AND denominator(s) = sd) FROM (
      SELECT close_rate_agg(w, a) OVER win AS s,
             sum(CASE WHEN w THEN a ELSE 0 END) OVER win AS sn, sum(a) OVER win AS sd
      FROM (VALUES (1, true, (SELECT e9_131071 FROM big)), (2, false, 1e-16383), (3, true, 5),
                   (4, false, (SELECT e9_131071 FROM big))) v(i, w, a)
      WINDOW win AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) x$$),
 (74, 'wilson on a value state',
  $$SELECT wilson_lower(('value:' || max_text || '/' || max_text)::kpi_ratio) FROM big$$)
) c(n, label, q) ORDER BY n;

-- ---------------------------------------------------------------------
-- duration_sketch: values at their limits
-- ---------------------------------------------------------------------
SELECT n, label, pg_temp.outcome(q) AS outcome FROM (VALUES
 (75, 'interval 178000000 years',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '178000000 years')) t(v)$$),
 (76, 'interval -178000000 years',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '-178000000 years')) t(v)$$),
 (77, 'interval of 2147483647 days',
  $$SELECT response_time_percentile(v, 0.5) FROM (VALUES (make_interval(days => 2147483647))) t(v)$$),
 (78, 'interval of -2147483648 days',
  $$SELECT response_time_percentile(v, 0.5) FROM (VALUES (make_interval(days => -2147483648))) t(v)$$),
 (79, 'largest interval: 2147483647 months and days',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '2147483647 months 2147483647 days 2562047788 hours')) t(v)$$),
 (80, 'interval -2147483648 months',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '-2147483648 months')) t(v)$$),
 (81, '2^62 microseconds is the largest duration',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '4611686018427387904 microseconds')) t(v)$$),
 (82, '2^62 + 1 microseconds',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '4611686018427387905 microseconds')) t(v)$$),
 (83, '-2^62 microseconds',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '-4611686018427387904 microseconds')) t(v)$$),
 (84, '1 month -30 days is zero',
  $$SELECT response_time_agg(v) FROM (VALUES (interval '1 month -30 days')) t(v)$$),
 (85, '1 year counts as 360 days (interval comparison), not 365.25 (extract epoch)',
  $$SELECT response_time_total_seconds(response_time_agg(v)) FROM (VALUES (interval '1 year')) t(v)$$),
 (86, 'seconds NaN',
  $$SELECT response_time_agg(v) FROM (VALUES ('NaN'::float8)) t(v)$$),
 (87, 'seconds Infinity',
  $$SELECT response_time_percentile(v, 0.5) FROM (VALUES ('Infinity'::float8)) t(v)$$),
 (88, 'seconds -Infinity',
  $$SELECT response_time_percentile(v, '{0.5}'::float8[]) FROM (VALUES ('-Infinity'::float8)) t(v)$$),
 (89, 'seconds 1e308',
  $$SELECT response_time_agg(v, 0.05) FROM (VALUES (1e308::float8)) t(v)$$),
 (90, 'seconds -1e308',
  $$SELECT response_time_agg(v) FROM (VALUES (-1e308::float8)) t(v)$$),
 (91, 'seconds -0 is a zero',
  $$SELECT response_time_agg(v) FROM (VALUES ('-0'::float8)) t(v)$$),
 (92, 'subnormal seconds round to zero',
  $$SELECT response_time_agg(v) FROM (VALUES (4.9e-324::float8), (-2.2250738585072014e-308::float8)) t(v)$$),
 (93, '4611686018427.387904 s is exactly 2^62 us',
  $$SELECT response_time_agg(v) FROM (VALUES (4611686018427.387904::float8)) t(v)$$),
 (94, 'the next double up is out of range',
  $$SELECT response_time_agg(v) FROM (VALUES (4611686018427.389::float8)) t(v)$$),
 (95, 'seconds round to the nearest microsecond',
  $$SELECT response_time_agg(v) FROM (VALUES (0.0000014::float8), (0.0000016::float8), (-0.0000014::float8)) t(v)$$),
 (96, 'relative_accuracy NaN',
  $$SELECT response_time_agg(v, 'NaN') FROM (VALUES (1::float8)) t(v)$$),
 (97, 'relative_accuracy Infinity',
  $$SELECT response_time_agg(v, 'Infinity') FROM (VALUES (interval '1 s')) t(v)$$),
 (98, 'relative_accuracy subnormal',
  $$SELECT response_time_agg(v, 5e-324) FROM (VALUES (1::float8)) t(v)$$),
 (99, 'bucket_value NaN',
  $$SELECT duration_sketch_bucket_value('NaN')$$),
 (100, 'bucket_value Infinity',
  $$SELECT duration_sketch_bucket_value('Infinity')$$),
 (101, 'bucket_value 1e308',
  $$SELECT duration_sketch_bucket_value(1e308)$$),
 (102, 'bucket_value -0',
  $$SELECT duration_sketch_bucket_value('-0')$$),
 (103, 'bucket_value at -2^62 us is within 1% of it',
  $$SELECT abs(duration_sketch_bucket_value(-4611686018427.387904) / -4611686018427.387904 - 1) <= 0.01$$)
) c(n, label, q) ORDER BY n;

-- ---------------------------------------------------------------------
-- duration_sketch: percentiles and accessors on extreme states
-- ---------------------------------------------------------------------
-- n = 2^63 - 1 values: 2^63 - 2 of 1 us, one of 2 us
CREATE TEMP TABLE huge AS
SELECT 'v1 a=0.01 n=9223372036854775807 min_us=1 max_us=2 sum_us=9223372036854775808 pos=@0:9223372036854775806,@35:1'::duration_sketch AS s;
-- 65 values at -2^62 and +2^62 microseconds (bucketed)
CREATE TEMP TABLE wide AS
SELECT response_time_agg(CASE WHEN g % 2 = 0 THEN -4611686018427.387904 ELSE 4611686018427.387904 END::float8) AS s
FROM generate_series(1, 65) g;

SELECT n, label, pg_temp.outcome(q) AS outcome FROM (VALUES
 (104, 'p = 0',
  $$SELECT response_time_percentile(v, 0) FROM (VALUES (1::float8), (2)) t(v)$$),
 (105, 'p = -0',
  $$SELECT response_time_percentile(v, '-0') FROM (VALUES (1::float8), (2)) t(v)$$),
 (106, 'p = 1',
  $$SELECT response_time_percentile(v, 1) FROM (VALUES (1::float8), (2)) t(v)$$),
 (107, 'p = 5e-324',
  $$SELECT response_time_percentile(v, 5e-324) FROM (VALUES (interval '1 s'), ('2 s')) t(v)$$),
 (108, 'p = -0.1',
  $$SELECT response_time_percentile(v, -0.1) FROM (VALUES (1::float8)) t(v)$$),
 (109, 'p = 1.1',
  $$SELECT response_time_percentile(v, 1.1) FROM (VALUES (interval '1 s')) t(v)$$),
 (110, 'p = 1 + 2^-52',
  $$SELECT response_time_percentile(s, 1.0000000000000002) FROM huge$$),
 (111, 'p = NaN',
  $$SELECT response_time_percentile(v, 'NaN') FROM (VALUES (1::float8)) t(v)$$),
 (112, 'p = Infinity',
  $$SELECT response_time_percentile(s, 'Infinity'::float8) FROM huge$$),
 (113, 'p array with NaN',
  $$SELECT response_time_percentile(v, '{0,NaN}'::float8[]) FROM (VALUES (1::float8), (3)) t(v)$$),
 (114, 'p array with NULL: NULL answer',
  $$SELECT response_time_percentile(v, '{0,NULL,1}'::float8[]) FROM (VALUES (1::float8), (3)) t(v)$$),
 (115, '[-2^62, 2^62]: median of two is 0, mean 0',
  $$SELECT response_time_percentile(s, 0.5) || ' ' || response_time_mean(s) FROM (SELECT response_time_agg(v) s FROM (VALUES (interval '4611686018427387904 microseconds'), ('-4611686018427387904 microseconds')) t(v)) x$$),
 (116, 'mean of 2^62 twice is 2^62',
  $$SELECT response_time_mean(response_time_agg(v)) = interval '4611686018427387904 microseconds' FROM (VALUES (interval '4611686018427387904 microseconds'), ('4611686018427387904 microseconds')) t(v)$$),
 (117, 'total of 2^62 three times is exact',
  $$SELECT response_time_total_seconds(response_time_agg(v)) = 3 * 4611686018427.387904 FROM (VALUES (interval '4611686018427387904 microseconds'), ('4611686018427387904 microseconds'), ('4611686018427387904 microseconds')) t(v)$$),
 (118, 'bucketed +-2^62: p = 0 and p = 1 are the exact min and max',
  $$SELECT response_time_percentile(s, 0) = -interval '4611686018427387904 microseconds' AND response_time_percentile(s, 1) = interval '4611686018427387904 microseconds' AND NOT is_exact(s) FROM wide$$),
 (119, 'bucketed +-2^62: total is exact (2^62 us)',
  $$SELECT response_time_total_seconds(s) FROM wide$$),
 (120, 'bucketed +-2^62: histogram is bounded by min and max and counts every value',
  $$SELECT min(h.lower) = (SELECT response_time_min(s) FROM wide) AND max(h.upper) = (SELECT response_time_max(s) FROM wide) AND sum(h.count) = 65 FROM wide, histogram(wide.s) h$$),
 (121, 'bucketed +-2^62: text and binary round trips',
  $$SELECT s::text::duration_sketch::text = s::text AND test.binary_round_trip(s) = s::text FROM wide$$),
 (122, 'huge count: text form read back',
  $$SELECT response_time_count(s) FROM huge$$),
 (123, 'huge count: p = 1 is the maximum (was the minimum)',
  $$SELECT response_time_percentile(s, 1) FROM huge$$),
 (124, 'huge count: p array {0, 0.5, 1}',
  $$SELECT response_time_percentile(s, '{0,0.5,1}'::float8[]) FROM huge$$),
 (125, 'huge count: mean from the exact sum',
  $$SELECT response_time_mean(s) FROM huge$$),
 (126, 'huge count: total seconds exact',
  $$SELECT response_time_total_seconds(s) = 9223372036854.775808 FROM huge$$),
 (127, 'huge count: share within 1 us rounds to 1',
  $$SELECT share_within(s, '1 microsecond') FROM huge$$),
 (128, 'huge count: histogram counts add up to n',
  $$SELECT sum(count) = 9223372036854775807 FROM huge, histogram(huge.s)$$),
 (129, 'huge count: histogram edges',
  $$SELECT string_agg(count::text, ',') FROM huge, histogram(huge.s, '{00:00:00.000001}')$$),
 (130, 'huge count: binary round trip',
  $$SELECT test.binary_round_trip(s) = s::text FROM huge$$),
 (131, 'rollup: huge + one value',
  $$SELECT rollup(s) FROM (SELECT s FROM huge UNION ALL SELECT 'v1 a=0.01 n=1 exact_us=1') v(s)$$),
 (132, 'rollup: huge + huge',
  $$SELECT rollup(s) FROM (SELECT s FROM huge UNION ALL SELECT s FROM huge) v(s)$$),
 (133, 'combine called directly: huge + one value',
  $$SELECT duration_sketch_combine(s, 'v1 a=0.01 n=1 exact_us=1') FROM huge$$),
 (134, 'rollup: two halves make exactly 2^63 - 1, p = 1 is the maximum',
  $$SELECT response_time_count(r) || ' ' || response_time_percentile(r, 1) FROM (SELECT rollup(s) r FROM (VALUES
      ('v1 a=0.01 n=4611686018427387904 min_us=1 max_us=2 sum_us=4611686018427387905 pos=@0:4611686018427387903,@35:1'::duration_sketch),
      ('v1 a=0.01 n=4611686018427387903 min_us=1 max_us=1 sum_us=4611686018427387903 pos=@0:4611686018427387903')) v(s)) x$$),
 (135, 'share_within a threshold past the duration limit',
  $$SELECT share_within(s, '200000 years') FROM huge$$),
 (136, 'histogram edge past the duration limit',
  $$SELECT count(*) FROM huge, histogram(huge.s, '{1 s, 200000 years}')$$),
 (137, 'moving window over +-2^62 = the plain aggregate over each frame',
  $$SELECT bool_and(w::text = (SELECT response_time_agg(y.v)::text FROM (VALUES (1, interval '4611686018427387904 microseconds'), (2, '-4611686018427387904 microseconds'), (3, '0'), (4, '4611686018427387904 microseconds')) y(i, v) WHERE y.i BETWEEN x.i - 1 AND x.i))
      FROM (SELECT i, response_time_agg(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) w
            FROM (VALUES (1, interval '4611686018427387904 microseconds'), (2, '-4611686018427387904 microseconds'), (3, '0'), (4, '4611686018427387904 microseconds')) t(i, v)) x$$)
) c(n, label, q) ORDER BY n;

-- ---------------------------------------------------------------------
-- duration_sketch: counts and sums at their limits in text and binary input
-- ---------------------------------------------------------------------
SELECT n, label, pg_temp.outcome(q) AS outcome FROM (VALUES
 (138, 'text: n = 2^63',
  $$SELECT 'v1 a=0.01 n=9223372036854775808 min_us=1 max_us=1 sum_us=9223372036854775808 pos=@0:9223372036854775808'::duration_sketch$$),
 (139, 'text: bucket counts adding past 2^63 - 1',
  $$SELECT 'v1 a=0.01 n=9223372036854775807 min_us=1 max_us=1 sum_us=9223372036854775807 pos=@0:9223372036854775807,1'::duration_sketch$$),
 (140, 'text: bucket counts one short of n',
  $$SELECT 'v1 a=0.01 n=9223372036854775807 min_us=1 max_us=1 sum_us=9223372036854775807 pos=@0:9223372036854775806'::duration_sketch$$),
 (141, 'text: sum_us = 2^128 + 65, wrapping to 65 (was accepted)',
  $$SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=340282366920938463463374607431768211521 pos=@0:65'::duration_sketch$$),
 (142, 'text: sum_us = -(2^128 - 65)',
  $$SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=-340282366920938463463374607431768211391 pos=@0:65'::duration_sketch$$),
 (143, 'text: sum_us past n * max',
  $$SELECT 'v1 a=0.01 n=65 min_us=1 max_us=1 sum_us=66 pos=@0:65'::duration_sketch$$),
 (144, 'text: exact value 2^62 + 1',
  $$SELECT 'v1 a=0.01 n=1 exact_us=4611686018427387905'::duration_sketch$$),
 (145, 'text: exact value 2^63',
  $$SELECT 'v1 a=0.01 n=1 exact_us=9223372036854775808'::duration_sketch$$),
 (146, 'text: exact value -2^63',
  $$SELECT 'v1 a=0.01 n=1 exact_us=-9223372036854775808'::duration_sketch$$),
 (147, 'text: min_us past 2^62',
  $$SELECT 'v1 a=0.01 n=65 min_us=-4611686018427387905 max_us=1 sum_us=0 pos=@0:65'::duration_sketch$$),
 (148, 'text: zeros past bigint',
  $$SELECT 'v1 a=0.01 n=65 min_us=0 max_us=0 sum_us=0 zeros=99999999999999999999'::duration_sketch$$),
 (149, 'binary: count -1',
  $$SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.01) || int8send(-1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1))$$),
 (150, 'binary: bucket counts adding past 2^63 - 1',
  $$SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(9223372036854775807) || int8send(0) || int8send(1) || int8send(2) || int8send(0) || int8send(9223372036854775807)
      || int4send(0) || int4send(2) || int4send(length(b)) || b) FROM (SELECT '\x00'::bytea || test.varint(9223372036854775807) || '\x2201'::bytea) p(b)$$),
 (151, 'binary: a bucket count past 2^63 - 1',
  $$SELECT test.binary_receive('duration_sketch', '\x01030000'::bytea || float8send(0.01) || int8send(9223372036854775807) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(9223372036854775807)
      || int4send(0) || int4send(1) || int4send(length(b)) || b) FROM (SELECT '\x00'::bytea || test.varint(18446744073709551615)) p(b)$$),
 (152, 'binary: the huge state sent by send reads back',
  $$SELECT test.binary_receive('duration_sketch', duration_sketch_send(s)) = s::text FROM huge$$),
 (153, 'binary: exact value 2^62 + 1',
  $$SELECT test.binary_receive('duration_sketch', '\x01010000'::bytea || float8send(0.01) || int8send(1) || int8send(0) || int8send(4611686018427387905) || int8send(4611686018427387905) || int8send(0) || int8send(4611686018427387905) || int8send(4611686018427387905))$$),
 (154, 'binary: percentile Infinity',
  $$SELECT test.binary_receive('duration_sketch', '\x01010001'::bytea || float8send(0.01) || int8send(1) || int8send(0) || int8send(1) || int8send(1) || int8send(0) || int8send(1) || float8send('Infinity') || int8send(1))$$),
 (195, 'text: percentile inf, like NaN (was 22P02)',
  $$SELECT 'v1 a=0.01 p=inf n=1 exact_us=1'::duration_sketch$$),
 (196, 'text: relative accuracy -inf (was 22P02)',
  $$SELECT 'v1 a=-inf n=1 exact_us=1'::duration_sketch$$),
 (197, 'text: percentile 1e-400 underflows to 0',
  $$SELECT 'v1 a=0.01 p=1e-400 n=1 exact_us=1'::duration_sketch$$)
) c(n, label, q) ORDER BY n;

-- ---------------------------------------------------------------------
-- upsell_summary / upsell_rate
-- ---------------------------------------------------------------------
-- The text form is UTC whatever the session's zone
SET timezone = 'America/New_York';
SELECT n, label, pg_temp.outcome(q) AS outcome FROM (VALUES
 (155, '-infinity .. infinity',
  $$SELECT upsell_rate_agg(a, v, t) FROM (VALUES (1, 100, '-infinity'::timestamptz), (1, 150, 'infinity')) x(a, v, t)$$),
 (156, 'upsell_rate over -infinity .. infinity',
  $$SELECT upsell_rate(a, v, t) FROM (VALUES (1, 100, '-infinity'::timestamptz), (1, 150, 'infinity'), (1, 999, '2024-01-01')) x(a, v, t)$$),
 (157, 'the earliest and latest timestamptz',
  $$SELECT upsell_rate_agg(a, v, t) FROM (VALUES (1, 100, '4714-11-24 00:00:00+00 BC'::timestamptz), (1, 150, '294276-12-31 23:59:59.999999+00')) x(a, v, t)$$),
 (158, 'the earliest and latest timestamptz: text and binary round trips',
  $$SELECT s::text::upsell_summary::text = s::text AND test.binary_round_trip(s) = s::text FROM (SELECT upsell_rate_agg(v, t) s FROM (VALUES (100, '4714-11-24 00:00:00+00 BC'::timestamptz), (150, '294276-12-31 23:59:59.999999+00')) x(v, t)) y$$),
 (159, 'text: a day before the earliest timestamp',
  $$SELECT 'v1 key bigint; 1 -4713-11-23=1'::upsell_summary$$),
 (160, 'text: a microsecond after the latest timestamp',
  $$SELECT 'v1 key bigint; 1 294277-01-01=1'::upsell_summary$$),
 (161, 'text: nine-digit year',
  $$SELECT 'v1 key bigint; 1 999999999-01-01=1'::upsell_summary$$),
 (162, 'text: ten-digit year (was 22P02)',
  $$SELECT 'v1 series; 9999999999-01-01=1'::upsell_summary$$),
 (163, 'text: infinity .. -infinity',
  $$SELECT 'v1 key bigint; 1 infinity=1..-infinity=2'::upsell_summary$$),
 (164, 'text: bigint key 2^63',
  $$SELECT 'v1 key bigint; 9223372036854775808 2024-01-01=1'::upsell_summary$$),
 (165, 'text: smallint key 32768',
  $$SELECT 'v1 key smallint; 32768 2024-01-01=1'::upsell_summary$$),
 (166, 'text: amount at the largest precision round trips',
  $$SELECT ('v1 series; 2024-01-01=' || max_text)::upsell_summary::text = 'v1 series; 2024-01-01=' || max_text FROM big$$),
 (167, 'text: amount of 131073 digits',
  $$SELECT ('v1 series; 2024-01-01=' || repeat('9', 131073))::upsell_summary$$),
 (168, 'value NaN',
  $$SELECT upsell_rate(a, v, t) FROM (VALUES (1, 'NaN'::numeric, '2024-01-01'::timestamptz)) x(a, v, t)$$),
 (169, 'value Infinity',
  $$SELECT upsell_rate(a, v, t) FROM (VALUES ('a', 'Infinity'::numeric, '2024-01-01'::timestamptz)) x(a, v, t)$$),
 (170, 'value -Infinity (series)',
  $$SELECT upsell_rate(v, t) FROM (VALUES ('-Infinity'::numeric, '2024-01-01'::timestamptz)) x(v, t)$$),
 (171, 'value -0 is zero: no starting value, NULL',
  $$SELECT upsell_rate(v, t) FROM (VALUES ('-0'::numeric, '2024-01-01'::timestamptz), (1, '2024-02-01')) x(v, t)$$),
 (172, 'growth from 1e-16383 to 1e131071: quotient past numeric range',
  $$SELECT upsell_rate(v, t) FROM (VALUES (1e-16383, '2024-01-01'::timestamptz), ((SELECT e131071 FROM big), '2024-02-01')) x(v, t)$$),
 (173, 'growth from 1e-300 to 1 is 1e300',
  $$SELECT upsell_rate(v, t) = 1e300::float8 FROM (VALUES (1e-300, '2024-01-01'::timestamptz), (1, '2024-02-01')) x(v, t)$$),
 (174, 'growth from 1e-400 to 1: past the largest double',
  $$SELECT upsell_rate(v, t) FROM (VALUES (1e-400, '2024-01-01'::timestamptz), (1, '2024-02-01')) x(v, t)$$),
 (175, 'growth of 1e-100 on 1e300 is 0 (was 22003)',
  $$SELECT upsell_rate(v, t) FROM (VALUES (1e300, '2024-01-01'::timestamptz), (1e300 + 1e-100, '2024-02-01')) x(v, t)$$),
 (176, 'starting values of two accounts summing past numeric range',
  $$SELECT starting_value(upsell_rate_agg(a, v, t)) FROM (VALUES (1, (SELECT e9_131071 FROM big), '2024-01-01'::timestamptz), (2, (SELECT e9_131071 FROM big), '2024-01-01')) x(a, v, t)$$),
 (177, 'one account, same time, values summing past numeric range',
  $$SELECT upsell_rate_agg(a, v, t) FROM (VALUES (1, (SELECT e9_131071 FROM big), '2024-01-01'::timestamptz), (1, (SELECT e9_131071 FROM big), '2024-01-01')) x(a, v, t)$$),
 (178, 'rollup: same account and time summing past numeric range',
  $$SELECT rollup(s) FROM big, LATERAL (VALUES (('v1 series; 2024-01-01=' || max_text)::upsell_summary), (('v1 series; 2024-01-01=' || max_text)::upsell_summary)) v(s)$$),
 (179, 'smallest amounts add up exactly',
  $$SELECT starting_value(upsell_rate_agg(a, v, t)) = 2 * tiny_text::numeric FROM big, LATERAL (VALUES (1, tiny_text::numeric, '2024-01-01'::timestamptz), (2, tiny_text::numeric, '2024-01-01')) x(a, v, t) GROUP BY tiny_text$$),
 (180, '1 MB text keys: two accounts, text and binary round trips',
  $$SELECT account_count(s) = 2 AND length(s::text) > 2097152 AND s::text::upsell_summary::text = s::text AND test.binary_round_trip(s) = s::text
      FROM (SELECT upsell_rate_agg(a, v, t) s FROM (VALUES (repeat('k', 1048576), 1, '2024-01-01'::timestamptz), (repeat('k', 1048575) || 'j', 2, '2024-01-01')) x(a, v, t)) y$$),
 (181, '1 MB text keys: the same key twice is one account',
  $$SELECT account_count(upsell_rate_agg(a, v, t)) FROM (VALUES (repeat('k', 1048576), 1, '2024-01-01'::timestamptz), (repeat('k', 1048576), 2, '2024-01-02')) x(a, v, t)$$),
 (182, 'extreme uuid keys, sorted',
  $$SELECT upsell_rate_agg(a, v, t) FROM (VALUES ('ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid, 1, '2024-01-01'::timestamptz), ('00000000-0000-0000-0000-000000000000', 2, '2024-01-01')) x(a, v, t)$$),
 (183, 'extreme bigint keys, sorted',
  $$SELECT upsell_rate_agg(a, v, t) FROM (VALUES (9223372036854775807, 1, '2024-01-01'::timestamptz), ('-9223372036854775808'::bigint, 2, '2024-01-01')) x(a, v, t)$$),
 (184, 'binary: account count 2^64 - 1',
  $$SELECT test.binary_receive('upsell_summary', '\x0101'::bytea || test.varint(6) || convert_to('bigint', 'UTF8') || test.varint(18446744073709551615))$$),
 (185, 'binary: account count 2^31 with one account of data',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(2147483648) || '\x00'::bytea || int8send(0) || test.varint(1) || '\x31'::bytea)$$),
 (186, 'binary: account count varint of 11 bytes',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || '\xffffffffffffffffffff01'::bytea)$$),
 (187, 'binary: last time one microsecond past the latest timestamp',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x01'::bytea || int8send(9223371331200000000 - 1) || test.varint(1) || '\x31'::bytea || test.varint(1) || test.varint(1) || '\x32'::bytea)$$),
 (188, 'binary: last time of the latest timestamp',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x01'::bytea || int8send(9223371331200000000 - 2) || test.varint(1) || '\x31'::bytea || test.varint(1) || test.varint(1) || '\x32'::bytea)$$),
 (189, 'binary: first time before the earliest timestamp',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x00'::bytea || int8send(-211813488000000001) || test.varint(1) || '\x31'::bytea)$$),
 (190, 'binary: -infinity plus one microsecond',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x01'::bytea || int8send('-9223372036854775808') || test.varint(1) || '\x31'::bytea || test.varint(1) || test.varint(1) || '\x32'::bytea)$$),
 (191, 'binary: infinity with a later time',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x01'::bytea || int8send(9223372036854775807) || test.varint(1) || '\x31'::bytea || test.varint(1) || test.varint(1) || '\x32'::bytea)$$),
 (192, 'binary: amount of 131073 digits',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x00'::bytea || int8send(0) || test.varint(131073) || convert_to(repeat('9', 131073), 'UTF8'))$$),
 (193, 'binary: amount NaN',
  $$SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x00'::bytea || int8send(0) || test.varint(3) || convert_to('NaN', 'UTF8'))$$),
 (194, 'binary: amount at the largest precision round trips',
  $$SELECT test.binary_round_trip(('v1 series; 2024-01-01=' || max_text)::upsell_summary) = 'v1 series; 2024-01-01=' || max_text FROM big$$)
) c(n, label, q) ORDER BY n;
RESET timezone;
