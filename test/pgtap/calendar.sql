-- business_calendar: the type, its operators and the four business-time
-- functions' signatures and flags (plain scalar functions, STRICT,
-- IMMUTABLE, PARALLEL SAFE: they run in parallel workers and on Citus
-- workers unchanged), and properties on larger data.
BEGIN;
SELECT * FROM no_plan();

SELECT has_type('business_calendar');
SELECT has_operator('business_calendar', '=', 'business_calendar', 'boolean');
SELECT has_operator('business_calendar', '<>', 'business_calendar', 'boolean');

CREATE TEMP TABLE fns (f name, args text[], ret text);
INSERT INTO fns VALUES
	('business_duration', ARRAY['business_calendar', 'timestamp with time zone', 'timestamp with time zone'], 'interval'),
	('business_add', ARRAY['business_calendar', 'timestamp with time zone', 'interval'], 'timestamp with time zone'),
	('is_open', ARRAY['business_calendar', 'timestamp with time zone'], 'boolean'),
	('next_open', ARRAY['business_calendar', 'timestamp with time zone'], 'timestamp with time zone');
SELECT has_function(f, args) FROM fns;
SELECT function_returns(f, args, ret) FROM fns;
SELECT is_strict(f, args) FROM fns;
SELECT volatility_is(f, args, 'immutable') FROM fns;
SELECT isnt_aggregate(f, args) FROM fns;
SELECT ok((SELECT proparallel = 's' AND NOT proretset FROM pg_proc WHERE oid = (f || '(' || array_to_string(args, ',') || ')')::regprocedure),
          f || ' is a plain PARALLEL SAFE scalar function') FROM fns;

-- 200,000 rows, one calendar per row from a table of 50 calendars (more
-- than the per-call-site cache holds, so they are prepared again in turn):
-- the same answers as one calendar at a time
CREATE TEMP TABLE cals AS
SELECT g AS id, format('zone %s; mon-fri 0%s:00-12:00,13:00-1%s:00; %s-12-25 closed',
					   (ARRAY['Europe/Rome', 'America/New_York', 'Asia/Tokyo', 'America/Santiago', 'Pacific/Chatham'])[1 + g % 5],
					   1 + g % 9, 4 + g % 6, 2020 + g % 7)::business_calendar AS cal
FROM generate_series(1, 50) g;
CREATE TEMP TABLE spans AS
SELECT g, 1 + g % 50 AS id, timestamptz '2020-01-01 00:00+00' + (g::bigint * 7919 % 200000) * interval '17 minutes' AS a,
	   (g::bigint * 104729 % 100000) * interval '13 minutes' AS span
FROM generate_series(1, 200000) g;
SELECT is((SELECT count(*) FROM spans s JOIN cals c USING (id)
		   WHERE business_duration(c.cal, s.a, s.a + s.span) <> -business_duration(c.cal, s.a + s.span, s.a)), 0::bigint,
		  'per-row calendars: d(a, b) = -d(b, a) on 200,000 rows');
SELECT is((SELECT sum(extract(epoch FROM business_duration(c.cal, s.a, s.a + s.span))) FROM spans s JOIN cals c USING (id)),
		  (SELECT sum(x) FROM cals c, LATERAL (SELECT sum(extract(epoch FROM business_duration(c.cal, s.a, s.a + s.span))) AS x
											  FROM spans s WHERE s.id = c.id) t),
		  'per-row calendars: the same total as one calendar at a time');
SELECT is((SELECT count(*) FROM spans s JOIN cals c USING (id)
		   WHERE s.g % 20 = 0 AND business_duration(c.cal, s.a, business_add(c.cal, s.a, s.span / 10)) <> s.span / 10),
		  0::bigint, 'business_add inverts business_duration on 10,000 per-row calendars');

SELECT * FROM finish();
ROLLBACK;
