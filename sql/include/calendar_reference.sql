\set ECHO none
-- The independent reference for business time (sql/calendar_*.sql): the
-- calendars as rows, and their open time computed from them with plain SQL
-- and AT TIME ZONE only, never with salesperf.  It may run any number of
-- times in one database.
--   \getenv abs_srcdir PG_ABS_SRCDIR
--   \i :abs_srcdir/sql/include/calendar_reference.sql
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS calref;
-- The calendars as rows: weekly ranges by ISO day (1 = Monday) and
-- exceptions (a row with NULL times: closed that date)
CREATE TABLE IF NOT EXISTS calref.cal (id int PRIMARY KEY, zone text, kind text);
CREATE TABLE IF NOT EXISTS calref.weekly (id int, dow int, f time, t interval);
CREATE TABLE IF NOT EXISTS calref.exc (id int, d date, f time, t interval);

-- The reference: open time of calendar id in [a, b), as seconds (numeric)
CREATE OR REPLACE FUNCTION calref.duration(cid int, a timestamptz, b timestamptz) RETURNS numeric
LANGUAGE plpgsql STABLE AS $$
DECLARE
	z text := (SELECT zone FROM calref.cal WHERE id = cid);
	total numeric;
BEGIN
	IF a > b THEN
		RETURN -calref.duration(cid, b, a);
	END IF;
	WITH days AS (
		SELECT d::date AS d
		FROM generate_series((a AT TIME ZONE z)::date - 2, (b AT TIME ZONE z)::date + 2, interval '1 day') d
	), ranges AS (
		-- a date's exceptions replace its weekly hours
		SELECT days.d + e.f AS lf, days.d + e.t AS lt
		FROM days JOIN calref.exc e ON e.id = cid AND e.d = days.d AND e.f IS NOT NULL
		UNION ALL
		SELECT days.d + w.f, days.d + w.t
		FROM days JOIN calref.weekly w ON w.id = cid AND w.dow = extract(isodow FROM days.d)
		WHERE NOT EXISTS (SELECT 1 FROM calref.exc e WHERE e.id = cid AND e.d = days.d)
	), marked AS (	-- local runs: ranges touching across midnight are one run
		SELECT lf, lt, CASE WHEN lf = lag(lt) OVER (ORDER BY lf) THEN 0 ELSE 1 END AS starts
		FROM ranges
	), grouped AS (
		SELECT lf, lt, sum(starts) OVER (ORDER BY lf) AS g FROM marked
	), runs AS (
		SELECT min(lf) AS lf, max(lt) AS lt FROM grouped GROUP BY g
	), inst AS (	-- as instants, exactly as AT TIME ZONE makes them, clipped
		SELECT greatest(lf AT TIME ZONE z, a) AS ia, least(lt AT TIME ZONE z, b) AS ib FROM runs
	), spans AS (
		SELECT ia, ib FROM inst WHERE ib > ia
	), umark AS (	-- the union of the instant spans
		SELECT ia, ib, CASE WHEN ia <= max(ib) OVER (ORDER BY ia, ib ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
							THEN 0 ELSE 1 END AS starts
		FROM spans
	), ugroup AS (
		SELECT ia, ib, sum(starts) OVER (ORDER BY ia, ib) AS g FROM umark
	)
	SELECT coalesce(sum(extract(epoch FROM ub - ua)), 0) INTO total
	FROM (SELECT min(ia) AS ua, max(ib) AS ub FROM ugroup GROUP BY g) u;
	RETURN total;
END $$;

-- The calendar's text, written from the rows (not by salesperf's output)
CREATE OR REPLACE FUNCTION calref.text(cid int) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT 'zone ' || c.zone
		   || coalesce((SELECT string_agg('; ' || (ARRAY['mon','tue','wed','thu','fri','sat','sun'])[dow] || ' ' || r, '' ORDER BY dow)
						FROM (SELECT dow, string_agg(to_char(f, 'HH24:MI:SS') || '-' ||
												  CASE WHEN t = '24:00' THEN '24:00' ELSE to_char(t, 'HH24:MI:SS') END, ',' ORDER BY f) AS r
							  FROM calref.weekly WHERE id = cid GROUP BY dow) w), '')
		   || coalesce((SELECT string_agg('; ' || to_char(d, 'YYYY-MM-DD') || ' ' || r, '' ORDER BY d)
						FROM (SELECT d, coalesce(string_agg(to_char(f, 'HH24:MI:SS') || '-' ||
													 CASE WHEN t = '24:00' THEN '24:00' ELSE to_char(t, 'HH24:MI:SS') END, ',' ORDER BY f), 'closed') AS r
							  FROM calref.exc WHERE id = cid GROUP BY d) e), '')
	FROM calref.cal c WHERE c.id = cid
$$;

-- The reference's is_open: the microsecond [ts, ts + 1 us) is open time
CREATE OR REPLACE FUNCTION calref.is_open(cid int, ts timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT calref.duration(cid, ts, ts + interval '1 microsecond') > 0 $$;
COMMIT;
\set ECHO all
