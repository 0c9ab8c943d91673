-- business_duration is exact to the microsecond: compared with an
-- independent reference written here, which steps through the local days,
-- builds each open range's instants with (date + time) AT TIME ZONE zone,
-- merges and clips them, and never calls salesperf.  Generated instants
-- (fixed seed) around every DST transition of 2023-2025 of six zones,
-- spans from microseconds to years, both orders, holidays and short days,
-- and range boundaries inside the gaps and overlaps.
\getenv abs_srcdir PG_ABS_SRCDIR
\set VERBOSITY sqlstate
\set ECHO all
-- instants in UTC, intervals in the plain style, for hand checking
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
SELECT setseed(0.11);

\i :abs_srcdir/sql/include/calendar_reference.sql

-- The zones and their transitions in 2023-2025, found by scanning every
-- 15 minutes for a change of the offset AT TIME ZONE gives
CREATE TABLE calref.zone (zone text);
INSERT INTO calref.zone VALUES ('Europe/Rome'), ('America/New_York'), ('America/Santiago'),
	('Australia/Lord_Howe'), ('Pacific/Chatham'), ('UTC');
CREATE TABLE calref.transition AS
SELECT zone, ts AS t, (ts AT TIME ZONE zone) AS local_after
FROM (SELECT zone, ts, (ts AT TIME ZONE zone) - (ts AT TIME ZONE 'UTC') AS off,
			 lag((ts AT TIME ZONE zone) - (ts AT TIME ZONE 'UTC')) OVER (PARTITION BY zone ORDER BY ts) AS prev
	  FROM calref.zone, generate_series(timestamptz '2023-01-01 00:00+00', '2026-01-01 00:00+00', interval '15 minutes') ts) s
WHERE off <> prev;
SELECT zone, count(*) AS transitions FROM calref.transition GROUP BY zone ORDER BY zone;

-- Per zone, three calendars:
--   id*10+1: split days with a Saturday morning; holidays and short days on
--            some transition dates and their neighbours
--   id*10+2: open around the clock except short closures placed in and
--            around the hours where transitions happen (boundaries in gaps
--            and overlaps, midnight for Santiago, :30 and :45 for Lord Howe
--            and Chatham)
--   id*10+3: nights and weekends only (wrapping ranges across midnight)
INSERT INTO calref.cal
SELECT z.n * 10 + k, z.zone, (ARRAY['split', 'stress', 'night'])[k]
FROM (SELECT zone, row_number() OVER (ORDER BY zone) AS n FROM calref.zone) z, generate_series(1, 3) k;
INSERT INTO calref.weekly
SELECT c.id, dow, r.f, r.t
FROM calref.cal c, generate_series(1, 5) dow,
	 (VALUES (time '09:00', interval '13:00'), ('14:00', '18:00')) r(f, t)
WHERE c.kind = 'split';
INSERT INTO calref.weekly SELECT id, 6, '09:00', '12:00' FROM calref.cal WHERE kind = 'split';
INSERT INTO calref.weekly
SELECT c.id, dow, r.f, r.t
FROM calref.cal c, generate_series(1, 7) dow,
	 (VALUES (time '00:00', interval '00:10'), ('00:50', '01:15'), ('01:40', '02:05'), ('02:20', '02:50'),
			 ('02:55', '03:40'), ('03:50:30', '04:10'), ('04:30', '23:50'), ('23:55', '24:00')) r(f, t)
WHERE c.kind = 'stress';
INSERT INTO calref.weekly
SELECT c.id, dow, r.f, r.t
FROM calref.cal c, generate_series(1, 5) dow,
	 (VALUES (time '00:00', interval '07:00'), ('19:00', '24:00')) r(f, t)
WHERE c.kind = 'night';
INSERT INTO calref.weekly SELECT id, dow, '00:00', '24:00' FROM calref.cal, generate_series(6, 7) dow WHERE kind = 'night';
-- exceptions: on each transition's local date, and the day before, in turn
-- closed, a short day, or a special opening in the small hours
INSERT INTO calref.exc
SELECT c.id, x.d, r.f, r.t
FROM calref.cal c
JOIN (SELECT zone, (local_after::date + shift) AS d, row_number() OVER (PARTITION BY zone ORDER BY t, shift) AS n
	  FROM calref.transition, generate_series(-1, 0) shift) x ON x.zone = c.zone
JOIN LATERAL (SELECT * FROM (VALUES (0, NULL::time, NULL::interval), (1, '09:00', '12:30'),
								   (2, '00:00', '02:40'), (2, '03:05', '24:00'),
								   (3, '01:00', '03:30')) v(k, f, t) WHERE v.k = x.n % 4) r ON true
WHERE c.kind IN ('split', 'stress') AND x.n % 3 <> 0;
-- Christmas everywhere
INSERT INTO calref.exc SELECT id, d, NULL, NULL FROM calref.cal, (VALUES (date '2023-12-25'), ('2024-12-25')) v(d)
WHERE NOT EXISTS (SELECT 1 FROM calref.exc e WHERE e.id = cal.id AND e.d = v.d);

CREATE TABLE calref.bc AS SELECT id, calref.text(id)::business_calendar AS cal FROM calref.cal;
SELECT kind, count(*) AS calendars, sum((SELECT count(*) FROM calref.exc e WHERE e.id = c.id)) AS exception_rows
FROM calref.cal c GROUP BY kind ORDER BY kind;

-- The pairs: per transition and calendar, instants within 30 hours of it
-- (to the microsecond), spans from 1 us to 3 years, half of them reversed
CREATE TABLE calref.pair AS
SELECT c.id, a, CASE WHEN k % 2 = 0 THEN a + span ELSE a - span END AS b
FROM calref.cal c
JOIN calref.transition tr ON tr.zone = c.zone OR (c.zone = 'UTC' AND tr.zone = 'Europe/Rome'),
	 generate_series(1, 12) k,
	 LATERAL (SELECT tr.t + make_interval(secs => round(((random() - 0.5) * 60 * 3600)::numeric, 6)::float8) AS a,
					 make_interval(secs => round(exp(random() * ln(3 * 365 * 86400.0 * 1e6))::numeric / 1e6, 6)::float8
									 * (k > 0)::int) AS span) r;
-- and spans that start and end exactly at transitions and at range bounds
INSERT INTO calref.pair
SELECT c.id, tr.t, tr.t + interval '1 hour' * k FROM calref.cal c JOIN calref.transition tr ON tr.zone = c.zone, generate_series(-3, 3) k;
INSERT INTO calref.pair
SELECT c.id, (tr.local_after::date + w.f) AT TIME ZONE c.zone, (tr.local_after::date + w.t) AT TIME ZONE c.zone
FROM calref.cal c JOIN calref.transition tr ON tr.zone = c.zone JOIN calref.weekly w ON w.id = c.id AND w.dow = 1;
SELECT count(*) AS pairs, count(*) FILTER (WHERE b < a) AS reversed,
	   count(*) FILTER (WHERE abs(extract(epoch FROM b - a)) < 1) AS under_a_second,
	   count(*) FILTER (WHERE abs(extract(epoch FROM b - a)) > 86400 * 365) AS over_a_year
FROM calref.pair;

-- the comparison, to the microsecond
CREATE TABLE calref.result AS
SELECT p.id, p.a, p.b, extract(epoch FROM business_duration(bc.cal, p.a, p.b)) AS got, calref.duration(p.id, p.a, p.b) AS want
FROM calref.pair p JOIN calref.bc USING (id);
SELECT count(*) AS compared, count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches,
	   count(*) FILTER (WHERE want <> 0) AS nonzero
FROM calref.result;
SELECT c.zone, c.kind, r.a, r.b, r.got, r.want FROM calref.result r JOIN calref.cal c USING (id)
WHERE got IS DISTINCT FROM want ORDER BY 1, 2, 3 LIMIT 10;

-- the interval has only a time field (no days or months), which
-- extract(epoch) reads exactly
SELECT bool_and(extract(day FROM d) = 0 AND extract(month FROM d) = 0
				AND d = make_interval(secs => r.want::float8)) AS time_field_only
FROM (SELECT r.*, business_duration(bc.cal, r.a, r.b) AS d FROM calref.result r JOIN calref.bc USING (id)) r;
SELECT business_duration('zone UTC; mon-sun 00:00-24:00', '2024-01-01', '2024-03-01') AS sixty_days_in_hours;

-- antisymmetry and additivity: d(a, b) = -d(b, a); d(a, c) = d(a, b) + d(b, c)
SELECT bool_and(business_duration(bc.cal, a, b) = -business_duration(bc.cal, b, a)) AS antisymmetric,
	   bool_and(business_duration(bc.cal, a, b) + business_duration(bc.cal, b, a + (b - a) * 2)
				= business_duration(bc.cal, a, a + (b - a) * 2)) AS additive
FROM calref.pair p JOIN calref.bc USING (id);

-- far from today: years 1850, 2480-2520 (across the prepared table's end),
-- 3000 and 12000 against the reference on short spans
CREATE TABLE calref.far AS
SELECT c.id, a, a + make_interval(secs => round((random() * 3 * 86400)::numeric, 6)::float8) AS b
FROM calref.cal c,
	 LATERAL (SELECT y, timestamptz '2000-01-01 00:00+00' + make_interval(years => y - 2000)
					 + make_interval(secs => round((random() * 365 * 86400)::numeric, 6)::float8) AS a
			  FROM unnest(ARRAY[1850, 2480, 2499, 2500, 2520, 3000, 12000]) y, generate_series(1, 3) g) s;
SELECT count(*) AS far_pairs,
	   count(*) FILTER (WHERE extract(epoch FROM business_duration(bc.cal, a, b)) IS DISTINCT FROM calref.duration(id, a, b)) AS mismatches
FROM calref.far JOIN calref.bc USING (id);
-- the 400-year cycle holds exactly far out, and across the table's edge
SELECT bool_and(business_duration(bc.cal, a, b) = business_duration(bc.cal, a + interval '400 years', b + interval '400 years')) AS cycle_of_400_years,
	   bool_and(business_duration(bc.cal, a - interval '1000 years', b + interval '90000 years')
				= business_duration(bc.cal, a - interval '1000 years', a) + business_duration(bc.cal, a, b)
				  + business_duration(bc.cal, b, b + interval '90000 years')) AS additive_over_millennia
FROM calref.far JOIN calref.bc USING (id) WHERE extract(year FROM a) >= 2600;

-- whole-year totals against the weekly hours counted by hand: 2025 has
-- 261 weekdays and 52 Saturdays; 8 h + 3 h; a 24/7 year is 8760 h
SELECT business_duration('zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00',
						 timestamptz '2025-01-01 00:00 Europe/Rome', timestamptz '2026-01-01 00:00 Europe/Rome')
	   = interval '1 hour' * (261 * 8 + 52 * 3) AS rome_2025,
	   business_duration('zone America/New_York; mon-sun 00:00-24:00', '2025-01-01 00:00-05', '2026-01-01 00:00-05')
	   = interval '8760 hours' AS full_year;

-- the spec's example: Friday 23:10 to Monday 09:02 is 2 business minutes
SELECT business_duration('zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00', '2025-05-09 23:10 Europe/Rome', '2025-05-12 09:02 Europe/Rome');

-- DST days: 09:00-17:00 is 8 hours; 00:00-24:00 is 23 or 25 hours
SELECT business_duration('zone Europe/Rome; sun 09:00-17:00', '2025-03-30 00:00+01', '2025-03-31 00:00+02') AS spring_office_day,
	   business_duration('zone Europe/Rome; sun 00:00-24:00', '2025-03-30 00:00+01', '2025-03-31 00:00+02') AS spring_whole_day,
	   business_duration('zone Europe/Rome; sun 00:00-24:00', '2025-10-26 00:00+02', '2025-10-27 00:00+01') AS autumn_whole_day,
	   business_duration('zone Australia/Lord_Howe; sun 00:00-24:00', '2025-04-06 00:00+11', '2025-04-07 00:00+10:30') AS lord_howe_24h30,
	   business_duration('zone Pacific/Chatham; sun 00:00-24:00', '2025-09-28 00:00+12:45', '2025-09-29 00:00+13:45') AS chatham_23h;

-- leave the database as it was (the files run in any order in one database)
SET client_min_messages = warning;
DROP SCHEMA calref CASCADE;
RESET client_min_messages;
