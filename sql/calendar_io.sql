-- business_calendar: text input and canonical output, binary send and
-- receive, equality and hashing, storage in a table, and every rejection
-- with its SQLSTATE (22P02 bad syntax, 22023 bad values, 22P03 bad binary
-- data, 54000 limits).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all
-- instants in UTC, intervals in the plain style, for hand checking
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

-- canonical output: zone spelled as in the tz database, days grouped in
-- Monday order, touching ranges merged, exceptions by date, seconds only
-- when there are any; each reads back equal
CREATE TABLE cal_io (id int, input text);
INSERT INTO cal_io VALUES
	(1, 'zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00; 2025-12-25 closed; 2025-12-24 09:00-13:00'),
	(2, 'zone UTC'),
	(3, 'ZONE europe/rome;MON-FRI 9:00-17:00'),
	(4, '  zone America/New_York ;  sat,sun 10:00 - 12:00 , 12:00-14:00 ; wed-fri 20:00-24:00  '),
	(5, 'zone Asia/Kolkata; wed 00:00-24:00; mon 08:30:15-17:45:59; tue closed'),
	(6, 'zone Pacific/Chatham; 2024-02-29 00:00-00:01; 2000-01-01 closed; 0001-01-01 10:00-11:00; 9999-12-31 23:59-24:00'),
	(7, 'zone Australia/Lord_Howe; sun-sat 09:00-17:00'),
	(8, 'zone UTC; mon,wed,fri 09:00-10:00; tue,thu 09:00-10:00'),
	(9, 'zone America/Santiago; thu-tue 08:00-09:00; 2025-09-07 closed; 2025-09-06 closed');
SELECT id, input::business_calendar AS canonical,
	   input::business_calendar::text::business_calendar = input::business_calendar AS reads_back,
	   input::business_calendar::text = input::business_calendar::text::business_calendar::text AS stable
FROM cal_io ORDER BY id;
-- equal meaning, equal value: spellings, order of items, merged ranges
SELECT 'zone UTC; mon 09:00-12:00,12:00-18:00'::business_calendar = 'zone utc; MON 09:00:00-18:00:00' AS merged_and_spelled,
	   'zone UTC; tue 10:00-11:00; mon 09:00-10:00'::business_calendar = 'zone UTC; mon 09:00-10:00; tue 10:00-11:00' AS item_order,
	   'zone UTC; mon 09:00-10:00; tue closed'::business_calendar = 'zone UTC; mon 09:00-10:00' AS closed_is_unnamed,
	   'zone UTC; mon 09:00-10:00'::business_calendar <> 'zone Etc/UTC; mon 09:00-10:00' AS zones_differ,
	   'zone UTC; 2025-01-01 closed'::business_calendar <> 'zone UTC' AS exception_counts;
-- hashing agrees with =: DISTINCT and GROUP BY by hash
SET enable_sort = off;
SELECT count(*) AS distinct_calendars
FROM (SELECT DISTINCT c FROM (SELECT input::business_calendar AS c FROM cal_io UNION ALL
	  SELECT 'zone utc'::business_calendar UNION ALL SELECT 'zone Europe/Rome; mon-fri 9:00-17:00') s) d;
SELECT c, count(*) FROM (SELECT input::business_calendar AS c FROM cal_io UNION ALL SELECT 'zone utc') s
GROUP BY c HAVING count(*) > 1;
RESET enable_sort;

-- binary: send is the stored bytes; round trip through binary COPY
SELECT business_calendar_send('zone UTC; mon 09:00-17:00; 2025-01-01 closed') AS send;
\set rt_query 'SELECT input::business_calendar AS c FROM cal_io'
\i :abs_srcdir/sql/include/binary_round_trip.sql

-- stored in a table, one per team, joined per row
CREATE TABLE cal_team (team text PRIMARY KEY, cal business_calendar);
INSERT INTO cal_team VALUES ('rome', 'zone Europe/Rome; mon-fri 09:00-18:00'), ('nyc', 'zone America/New_York; mon-fri 09:00-17:00');
SELECT t.team, business_duration(t.cal, '2025-06-02 00:00+00', '2025-06-09 00:00+00') AS week
FROM cal_team t ORDER BY team;

-- bad syntax: 22P02
SELECT ''::business_calendar;
SELECT 'mon-fri 09:00-17:00'::business_calendar;
SELECT 'zone'::business_calendar;
SELECT 'zone UTC Europe/Rome'::business_calendar;
SELECT 'zone UTC;'::business_calendar;
SELECT 'zone UTC;; mon 09:00-10:00'::business_calendar;
SELECT 'zone UTC; mon 9am-5pm'::business_calendar;
SELECT 'zone UTC; mon 09:00'::business_calendar;
SELECT 'zone UTC; mon 09:00-'::business_calendar;
SELECT 'zone UTC; mon 09:00-10:00 11:00-12:00'::business_calendar;
SELECT 'zone UTC; mon 09:00-10:00,'::business_calendar;
SELECT 'zone UTC; mon 9:0-10:00'::business_calendar;
SELECT 'zone UTC; mon 009:00-10:00'::business_calendar;
SELECT 'zone UTC; monday 09:00-10:00'::business_calendar;
SELECT 'zone UTC; mon-'::business_calendar;
SELECT 'zone UTC; mon closed now'::business_calendar;
SELECT 'zone UTC; 2025-1-01 closed'::business_calendar;
SELECT 'zone UTC; 2025-01-01closed'::business_calendar;
SELECT 'zone UTC; 25-01-01 closed'::business_calendar;
SELECT 'zone UTC; mon 09:00-10:00; zone Europe/Rome'::business_calendar;
SELECT 'zone UTC; mon 09.00-10.00'::business_calendar;
SELECT 'mon 09:00-10:00; zone UTC'::business_calendar;
\set VERBOSITY default
SELECT 'zone UTC; mon-fri 9-17'::business_calendar;
\set VERBOSITY sqlstate

-- bad values: 22023
SELECT 'zone Mars/Olympus_Mons'::business_calendar;
SELECT 'zone ../../etc/passwd'::business_calendar;
SELECT 'zone right/UTC'::business_calendar;
SELECT 'zone EST5EDT4,M3.2.0,M11.1.0'::business_calendar;
SELECT 'zone <+03>-3'::business_calendar;
SELECT 'zone UTC; mon 25:00-26:00'::business_calendar;
SELECT 'zone UTC; mon 09:60-10:00'::business_calendar;
SELECT 'zone UTC; mon 09:00:60-10:00'::business_calendar;
SELECT 'zone UTC; mon 23:00-24:01'::business_calendar;
SELECT 'zone UTC; mon 10:00-09:00'::business_calendar;
SELECT 'zone UTC; mon 10:00-10:00'::business_calendar;
SELECT 'zone UTC; mon 09:00-12:00,11:00-13:00'::business_calendar;
SELECT 'zone UTC; mon 12:00-13:00,09:00-10:00'::business_calendar;
SELECT 'zone UTC; mon 09:00-10:00; mon 11:00-12:00'::business_calendar;
SELECT 'zone UTC; mon-fri 09:00-10:00; sat-tue closed'::business_calendar;
SELECT 'zone UTC; mon,mon 09:00-10:00'::business_calendar;
SELECT 'zone UTC; 2025-02-29 closed'::business_calendar;
SELECT 'zone UTC; 2025-13-01 closed'::business_calendar;
SELECT 'zone UTC; 0000-01-01 closed'::business_calendar;
SELECT 'zone UTC; 2025-12-25 closed; 2025-12-25 09:00-10:00'::business_calendar;
\set VERBOSITY default
SELECT 'zone UTC; mon 09:00-12:00,11:00-13:00'::business_calendar;
SELECT 'zone Europe/Roma'::business_calendar;
\set VERBOSITY sqlstate

-- limits: 54000
SELECT ('zone UTC; mon ' || string_agg(lpad((g / 60)::text, 2, '0') || ':' || lpad((g % 60)::text, 2, '0') || '-'
		|| lpad((g / 60)::text, 2, '0') || ':' || lpad((g % 60)::text, 2, '0') || ':30', ',' ORDER BY g))::business_calendar
FROM generate_series(0, 1000) g;
-- 1000 ranges a day is allowed, and reads back
SELECT length(c::text) AS text_length, c::text::business_calendar = c AS reads_back
FROM (SELECT ('zone UTC; mon ' || string_agg(lpad((g / 60)::text, 2, '0') || ':' || lpad((g % 60)::text, 2, '0') || '-'
			  || lpad((g / 60)::text, 2, '0') || ':' || lpad((g % 60)::text, 2, '0') || ':30', ',' ORDER BY g))::business_calendar AS c
	  FROM generate_series(0, 999) g) s;
-- thirty years of holidays
SELECT count(*) AS holidays, c = c::text::business_calendar AS reads_back,
	   business_duration(c, '2000-01-01 00:00+00', '2030-01-01 00:00+00')
	   = interval '1 hour' * 8 * (SELECT count(*) FROM generate_series(date '2000-01-01', '2029-12-31', '1 day') d
							   WHERE extract(isodow FROM d) < 6 AND extract(day FROM d) NOT IN (1, 15)) AS hours_match
FROM (SELECT ('zone UTC; mon-fri 09:00-17:00; ' || string_agg(to_char(d, 'YYYY-MM-DD') || ' closed', '; '))::business_calendar AS c
	  FROM generate_series(date '2000-01-01', '2029-12-31', '1 day') d WHERE extract(day FROM d) IN (1, 15)) s,
	 generate_series(date '2000-01-01', '2029-12-31', '1 day') d WHERE extract(day FROM d) IN (1, 15)
GROUP BY c;

-- malformed binary input: 22P03 (or 22023 for an unknown zone), never a
-- crash.  The form: version 01, zone length and bytes, per day the number
-- of ranges and (gap, length) in seconds, the number of exceptions and
-- per exception (date, ranges); varints.
\set recv_type business_calendar
-- valid: zone UTC, nothing open; Monday 09:00-17:00 and 2025-01-01 closed
SELECT '\x01 03 555443 00 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 01 90fd01 80e101 00 00 00 00 00 00 01 d88e01 00'::bytea AS payload :receive
-- a received calendar computes like the same calendar typed in
SELECT business_duration(v, '2025-01-06 00:00+00', '2025-01-08 00:00+00') AS monday_tuesday,
	   v = 'zone UTC; mon 09:00-17:00; 2025-01-01 closed' AS equal FROM received;
SELECT business_calendar_send('zone UTC; mon 09:00-17:00; 2025-01-01 closed')
	   = '\x01 03 555443 01 90fd01 80e101 00 00 00 00 00 00 01 d88e01 00'::bytea AS send_is_that_form;
-- empty; version 2; truncated; a byte too many; zone longer than the data
SELECT ''::bytea AS payload :receive
SELECT '\x02 03 555443 00 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 00 00 00 00 00 00 00 00 ff'::bytea AS payload :receive
SELECT '\x01 05 555443'::bytea AS payload :receive
-- zone: not canonically spelled (utc); unknown (Mars); a zero byte in it
SELECT '\x01 03 757463 00 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 04 4d617273 00 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 550043 00 00 00 00 00 00 00 00'::bytea AS payload :receive
-- a range of zero length; one ending after 24:00; two touching; one starting after 24:00
SELECT '\x01 03 555443 01 00 00 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 01 00 81a305 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 02 00 0a 00 0a 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 01 81a305 01 00 00 00 00 00 00 00'::bytea AS payload :receive
-- 1001 ranges in a day
SELECT '\x01 03 555443 e907'::bytea || decode(repeat('0101', 1001), 'hex') || '\x00 00 00 00 00 00 00'::bytea AS payload :receive
-- exceptions: a repeated date; a date past 9999-12-31; a count past the limit
SELECT '\x01 03 555443 00 00 00 00 00 00 00 02 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 03 555443 00 00 00 00 00 00 00 01 809bee02 00'::bytea AS payload :receive
SELECT '\x01 03 555443 00 00 00 00 00 00 00 ffffffff0f'::bytea AS payload :receive
-- overlong varints (not the shortest form): a day's count, the zone's length
SELECT '\x01 03 555443 8000 00 00 00 00 00 00 00'::bytea AS payload :receive
SELECT '\x01 8300 555443 00 00 00 00 00 00 00 00'::bytea AS payload :receive

-- leave the database as it was (the files run in any order in one database)
DROP TABLE cal_io, cal_team;
