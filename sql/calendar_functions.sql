-- business_add, is_open and next_open: against the reference of
-- sql/include/calendar_reference.sql and hand-checked instants, at
-- openings, closings and inside DST gaps; business_add round trips;
-- calendars stored in a table and joined per row; forced parallel plans.
\getenv abs_srcdir PG_ABS_SRCDIR
\set VERBOSITY sqlstate
\set ECHO all
-- instants in UTC, intervals in the plain style, for hand checking
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
SELECT setseed(0.23);
\i :abs_srcdir/sql/include/calendar_reference.sql

-- two calendars as rows: Rome split days with holidays and a short day,
-- Santiago (transitions at midnight) with a Sunday-night range in its gap
INSERT INTO calref.cal VALUES (1001, 'Europe/Rome', 'office'), (1002, 'America/Santiago', 'night');
INSERT INTO calref.weekly
SELECT 1001, dow, f, t FROM generate_series(1, 5) dow, (VALUES (time '09:00', interval '13:00'), ('14:00', '18:00')) r(f, t)
UNION ALL SELECT 1001, 6, '09:00', '12:00'
UNION ALL SELECT 1002, 6, '20:00', '24:00'
UNION ALL SELECT 1002, 7, '00:30', '06:00'
UNION ALL SELECT 1002, dow, '08:00', '17:00' FROM generate_series(1, 5) dow;
INSERT INTO calref.exc VALUES (1001, '2025-12-25', NULL, NULL), (1001, '2025-12-26', NULL, NULL),
	(1001, '2025-12-24', '09:00', '13:00'), (1001, '2025-03-30', '01:00', '02:30'),
	(1002, '2025-09-18', NULL, NULL), (1002, '2025-09-19', NULL, NULL);
CREATE TABLE calfn_cal AS SELECT id, calref.text(id)::business_calendar AS cal FROM calref.cal WHERE id > 1000;
SELECT id, cal FROM calfn_cal ORDER BY id;

-- is_open and next_open at hand-checked instants
SELECT cal, ts, is_open(c.cal, ts), next_open(c.cal, ts)
FROM calfn_cal c, (VALUES
	(1001, timestamptz '2025-03-28 09:00 Europe/Rome'),	-- exactly at an opening
	(1001, '2025-03-28 12:59:59.999999 Europe/Rome'),	-- the last microsecond
	(1001, '2025-03-28 13:00 Europe/Rome'),				-- exactly at a closing
	(1001, '2025-03-28 18:00 Europe/Rome'),				-- Friday evening: Saturday 09:00
	(1001, '2025-03-29 12:00 Europe/Rome'),				-- Saturday noon: Sunday's exception 01:00 (+01)
	(1001, '2025-03-30 00:30+00'),						-- 01:30 CET: inside the exception
	(1001, '2025-03-30 01:00+00'),						-- 03:00 CEST: the exception's 02:30 end lies in the gap
	(1001, '2025-12-24 13:00 Europe/Rome'),				-- short day over: next is 2025-12-27 09:00
	(1002, '2025-09-06 23:59:59 America/Santiago'),		-- Saturday night, just before the gap at midnight
	(1002, '2025-09-07 04:00+00'),						-- 01:00 -03, Sunday: 00:30 (gap) became 04:30Z
	(1002, '2025-09-07 04:29:59+00'),
	(1002, '2025-09-07 04:30+00'),
	(1002, '2025-09-17 17:00 America/Santiago')			-- two holidays, then the weekend
) v(id, ts) WHERE c.id = v.id ORDER BY v.id, ts;

-- the reference agrees at every minute boundary of the DST weekends and of
-- the holidays, and at random instants (to the microsecond) around them
CREATE TABLE calfn_inst AS
SELECT c.id, ts FROM calfn_cal c,
	 LATERAL (SELECT generate_series(t0, t0 + interval '3 days', interval '10 minutes') AS ts
			  FROM unnest(CASE c.id WHEN 1001 THEN ARRAY[timestamptz '2025-03-28 00:00+00', '2025-10-24 00:00+00', '2025-12-23 00:00+00']
									ELSE ARRAY[timestamptz '2025-04-04 00:00+00', '2025-09-05 00:00+00', '2025-09-16 00:00+00'] END) t0) s;
INSERT INTO calfn_inst
SELECT id, ts + make_interval(secs => round((random() * 600)::numeric, 6)::float8) FROM calfn_inst;
SELECT count(*) AS instants,
	   count(*) FILTER (WHERE is_open(c.cal, i.ts) IS DISTINCT FROM calref.is_open(i.id, i.ts)) AS is_open_mismatches
FROM calfn_inst i JOIN calfn_cal c USING (id);
-- next_open: open at the answer, and no open time between ts and it
SELECT count(*) AS checked,
	   count(*) FILTER (WHERE NOT calref.is_open(id, n) OR calref.duration(id, ts, n) <> 0
							  OR (n > ts AND calref.is_open(id, n - interval '1 microsecond'))) AS next_open_mismatches
FROM (SELECT i.id, i.ts, next_open(c.cal, i.ts) AS n FROM calfn_inst i JOIN calfn_cal c USING (id)) s;

-- business_add: d(ts, add(ts, x)) = x, and the answer is the earliest
-- (latest backwards) such instant; amounts from 1 us to a year
CREATE TABLE calfn_add AS
SELECT i.id, c.cal, i.ts, make_interval(secs => sgn * round(exp(random() * ln(365 * 86400.0 * 1e6))::numeric / 1e6, 6)::float8) AS x
FROM calfn_inst i JOIN calfn_cal c USING (id), (VALUES (1), (-1)) v(sgn)
WHERE random() < 0.2;
SELECT count(*) AS adds,
	   count(*) FILTER (WHERE business_duration(cal, ts, u) <> x) AS duration_mismatches,
	   count(*) FILTER (WHERE x > '0' AND business_duration(cal, ts, u - interval '1 microsecond') = x) AS not_earliest,
	   count(*) FILTER (WHERE x < '0' AND business_duration(cal, ts, u + interval '1 microsecond') = x) AS not_latest,
	   count(*) FILTER (WHERE x > '0' AND u < ts OR x < '0' AND u > ts) AS wrong_side
FROM (SELECT *, business_add(cal, ts, x) AS u FROM calfn_add) s;
-- round trips: an instant inside open time comes back from its own
-- duration (forwards, the microsecond before it must be open too: at an
-- opening the earliest answer is the closing before it)
SELECT count(*) AS round_trips,
	   count(*) FILTER (WHERE business_add(c.cal, i.ts, business_duration(c.cal, i.ts, j.ts)) <> j.ts) AS mismatches,
	   count(*) FILTER (WHERE j.ts > i.ts AND NOT is_open(c.cal, j.ts - interval '1 microsecond')
						  AND business_add(c.cal, i.ts, business_duration(c.cal, i.ts, j.ts)) < j.ts) AS at_openings_earlier
FROM calfn_inst i JOIN calfn_inst j USING (id) JOIN calfn_cal c USING (id)
WHERE is_open(c.cal, j.ts) AND (j.ts <= i.ts OR is_open(c.cal, j.ts - interval '1 microsecond')) AND random() < 0.002;
SELECT count(*) AS at_openings,
	   count(*) FILTER (WHERE u < j_ts AND business_duration(cal, u, j_ts) = '0'
						  AND (is_open(cal, u - interval '1 microsecond') OR u = i_ts)) AS earliest_is_the_closing_before
FROM (SELECT c.cal, i.ts AS i_ts, j.ts AS j_ts, business_add(c.cal, i.ts, business_duration(c.cal, i.ts, j.ts)) AS u
	  FROM calfn_inst i JOIN calfn_inst j USING (id) JOIN calfn_cal c USING (id)
	  WHERE j.ts > i.ts AND is_open(c.cal, j.ts) AND NOT is_open(c.cal, j.ts - interval '1 microsecond')
		AND random() < 0.01) s;
-- the reference agrees on a sample of the answers
SELECT count(*) AS sampled, count(*) FILTER (WHERE calref.duration(id, ts, business_add(cal, ts, x)) <> extract(epoch FROM x)) AS mismatches
FROM calfn_add WHERE random() < 0.05 AND abs(extract(epoch FROM x)) < 86400 * 40;

-- hand-checked deadlines (Rome): 4 business hours after Friday 16:00 are
-- Saturday 11:00 CET (16:00-18:00, then 09:00-11:00); 2 hours before
-- Monday 10:00 CEST are 01:30 CET Sunday (09:00-10:00 Monday, then 1 h of
-- the exception 01:00-02:30, whose end 02:30 lies in the gap and so, as
-- AT TIME ZONE reads it, is 02:30 CET); 0 is ts itself; 1 day is 24 hours
SELECT business_add(cal, '2025-03-28 16:00 Europe/Rome', '4 hours') AS friday_plus_4h,
	   business_add(cal, '2025-03-28 16:00 Europe/Rome', '0') AS plus_zero,
	   business_add(cal, '2025-03-31 10:00 Europe/Rome', '-2 hours') AS monday_minus_2h,
	   business_add(cal, '2025-03-28 17:00 Europe/Rome', '1 hour') AS friday_1700_plus_1h,
	   business_add(cal, '2025-03-28 17:00 Europe/Rome', '1 day') = business_add(cal, '2025-03-28 17:00 Europe/Rome', '24 hours') AS day_is_24h
FROM calfn_cal WHERE id = 1001;

-- never opens again: no weekly hours, a past opening only
SELECT next_open('zone UTC; 2020-01-01 09:00-10:00', '2019-06-01') AS once,
	   next_open('zone UTC; 2020-01-01 09:00-10:00', '2020-01-01 10:00+00') AS never,
	   next_open('zone UTC', '2020-01-01') AS never_open,
	   is_open('zone UTC', '2020-01-01') AS closed,
	   business_duration('zone UTC', '2020-01-01', '2030-01-01') AS nothing;
SELECT business_add('zone UTC; 2020-01-01 09:00-10:00', '2019-06-01', '2 hours');
SELECT business_add('zone UTC; 2020-01-01 09:00-10:00', '2021-01-01', '-30 minutes') AS backwards_into_the_opening;

-- limits: infinite instants; results beyond the timestamp range
SELECT business_duration('zone UTC; mon 09:00-10:00', 'infinity', '2020-01-01');
SELECT is_open('zone UTC; mon 09:00-10:00', '-infinity');
SELECT business_add('zone UTC; mon 09:00-10:00', '294270-01-01', '1000 hours');
-- the whole timestamp range around the clock is more than an interval holds
SELECT business_duration('zone UTC; mon-sun 00:00-24:00', '4713-01-01 00:00+00 BC', '294276-12-31 00:00+00');
-- one hour a week over the whole range: one hour per Monday, counted by date arithmetic
SELECT extract(epoch FROM business_duration('zone UTC; mon 09:00-10:00', '4713-01-01 00:00+00 BC', '294276-12-31 00:00+00')) / 3600
	   AS hours,
	   (SELECT ((date '294276-12-31' - 1 - m) / 7 + 1)::numeric
		FROM (SELECT date '4713-01-01 BC' + (8 - extract(isodow FROM date '4713-01-01 BC')::int) % 7 AS m) s) AS mondays;

-- a calendar per row, from a table, and a forced parallel plan
CREATE TABLE calfn_rows AS
SELECT g AS id, CASE WHEN g % 2 = 0 THEN 1001 ELSE 1002 END AS cal_id,
	   timestamptz '2025-01-01 00:00+00' + make_interval(secs => round((random() * 365 * 86400)::numeric, 6)::float8) AS a,
	   make_interval(secs => round((random() * 10 * 86400)::numeric, 6)::float8) AS span
FROM generate_series(1, 20000) g;
ANALYZE calfn_rows;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE calfn_serial AS
SELECT r.id, business_duration(c.cal, r.a, r.a + r.span) AS d, business_add(c.cal, r.a, r.span / 10) AS u,
	   is_open(c.cal, r.a) AS o, next_open(c.cal, r.a) AS n
FROM calfn_rows r JOIN calfn_cal c ON c.id = r.cal_id;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT r.id, business_duration(c.cal, r.a, r.a + r.span) FROM calfn_rows r JOIN calfn_cal c ON c.id = r.cal_id;
CREATE TEMP TABLE calfn_parallel AS
SELECT r.id, business_duration(c.cal, r.a, r.a + r.span) AS d, business_add(c.cal, r.a, r.span / 10) AS u,
	   is_open(c.cal, r.a) AS o, next_open(c.cal, r.a) AS n
FROM calfn_rows r JOIN calfn_cal c ON c.id = r.cal_id;
EXPLAIN (COSTS OFF)
SELECT sum(extract(epoch FROM business_duration(c.cal, r.a, r.a + r.span))) FROM calfn_rows r JOIN calfn_cal c ON c.id = r.cal_id;
SELECT sum(extract(epoch FROM business_duration(c.cal, r.a, r.a + r.span)))
	   = (SELECT sum(extract(epoch FROM d)) FROM calfn_serial) AS parallel_sum_is_serial_sum
FROM calfn_rows r JOIN calfn_cal c ON c.id = r.cal_id;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT count(*) AS rows, count(*) FILTER (WHERE (s.d, s.u, s.o, s.n) IS DISTINCT FROM (p.d, p.u, p.o, p.n)) AS parallel_differs
FROM calfn_serial s JOIN calfn_parallel p USING (id);
-- the per-row calendar agrees with the reference on a sample
SELECT count(*) AS sampled, count(*) FILTER (WHERE extract(epoch FROM d) <> calref.duration(r.cal_id, r.a, r.a + r.span)) AS mismatches
FROM calfn_serial s JOIN calfn_rows r USING (id) WHERE r.id % 100 = 0;

-- composes with the KPIs: percentiles and shares of business durations
SELECT response_time_percentile(d, 0.9) IS NOT NULL AS p90,
	   share_within(response_time_agg(d), '5 minutes') = avg((d <= '5 minutes')::int) AS share_matches
FROM (SELECT d FROM calfn_serial WHERE id <= 500) s;

-- leave the database as it was (the files run in any order in one database)
DROP TABLE calfn_cal, calfn_inst, calfn_add, calfn_rows;
SET client_min_messages = warning;
DROP SCHEMA calref CASCADE;
RESET client_min_messages;
