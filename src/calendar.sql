
-- ---------------------------------------------------------------------
-- Business time: the business_calendar type, business_duration,
-- business_add, is_open and next_open (src/calendar.c, src/calendar_io.c)
-- ---------------------------------------------------------------------

CREATE TYPE @extschema@.business_calendar;

CREATE FUNCTION @extschema@.business_calendar_in(cstring) RETURNS @extschema@.business_calendar
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.business_calendar_out(@extschema@.business_calendar) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.business_calendar_recv(internal) RETURNS @extschema@.business_calendar
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.business_calendar_send(@extschema@.business_calendar) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.business_calendar (
	INPUT = @extschema@.business_calendar_in,
	OUTPUT = @extschema@.business_calendar_out,
	RECEIVE = @extschema@.business_calendar_recv,
	SEND = @extschema@.business_calendar_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.business_calendar IS
	'working-time calendar: a tz database zone, weekly open hours and date exceptions, e.g. ''zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00; 2025-12-25 closed''';

COMMENT ON FUNCTION @extschema@.business_calendar_in(cstring) IS 'text input of business_calendar';
COMMENT ON FUNCTION @extschema@.business_calendar_out(@extschema@.business_calendar) IS 'canonical text output of business_calendar';
COMMENT ON FUNCTION @extschema@.business_calendar_recv(internal) IS 'binary input of business_calendar';
COMMENT ON FUNCTION @extschema@.business_calendar_send(@extschema@.business_calendar) IS 'binary output of business_calendar';

-- Equality: the same zone, weekly hours and exceptions (canonical bytes)
CREATE FUNCTION @extschema@.business_calendar_eq(@extschema@.business_calendar, @extschema@.business_calendar) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.business_calendar_ne(@extschema@.business_calendar, @extschema@.business_calendar) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.business_calendar_eq(@extschema@.business_calendar, @extschema@.business_calendar) IS
	'true if two calendars have the same zone, weekly hours and exceptions';
COMMENT ON FUNCTION @extschema@.business_calendar_ne(@extschema@.business_calendar, @extschema@.business_calendar) IS
	'true unless two calendars have the same zone, weekly hours and exceptions';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.business_calendar, RIGHTARG = @extschema@.business_calendar,
	FUNCTION = @extschema@.business_calendar_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.business_calendar, RIGHTARG = @extschema@.business_calendar,
	FUNCTION = @extschema@.business_calendar_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.business_calendar, @extschema@.business_calendar) IS 'same zone, weekly hours and exceptions';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.business_calendar, @extschema@.business_calendar) IS 'not the same zone, weekly hours and exceptions';

CREATE FUNCTION @extschema@.business_calendar_hash(@extschema@.business_calendar) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.business_calendar_hash(@extschema@.business_calendar) IS
	'hash of a business_calendar that agrees with =';

CREATE OPERATOR CLASS @extschema@.business_calendar_ops
	DEFAULT FOR TYPE @extschema@.business_calendar USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.business_calendar, @extschema@.business_calendar),
	FUNCTION 1 @extschema@.business_calendar_hash(@extschema@.business_calendar);
COMMENT ON OPERATOR FAMILY @extschema@.business_calendar_ops USING hash IS
	'hash equality of business calendars';
COMMENT ON OPERATOR CLASS @extschema@.business_calendar_ops USING hash IS
	'hash equality of business calendars: DISTINCT, GROUP BY, UNION and hash joins';

-- Business time.  IMMUTABLE like PostgreSQL's own time-zone conversion:
-- the zone's rules come from the server's tz database.
CREATE FUNCTION @extschema@.business_duration(cal @extschema@.business_calendar, start pg_catalog.timestamptz, finish pg_catalog.timestamptz)
	RETURNS pg_catalog.interval
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.business_duration(@extschema@.business_calendar, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'open time of the calendar between two instants, to the microsecond, as an interval of hours only (negative if finish < start)';

CREATE FUNCTION @extschema@.business_add(cal @extschema@.business_calendar, ts pg_catalog.timestamptz, amount pg_catalog.interval)
	RETURNS pg_catalog.timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.business_add(@extschema@.business_calendar, pg_catalog.timestamptz, pg_catalog.interval) IS
	'the earliest instant after ts with that much open time in between (the latest before ts for a negative amount): SLA deadlines';

CREATE FUNCTION @extschema@.is_open(cal @extschema@.business_calendar, ts pg_catalog.timestamptz)
	RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_open(@extschema@.business_calendar, pg_catalog.timestamptz) IS
	'true if the instant lies in an open range of the calendar (ranges are half-open)';

CREATE FUNCTION @extschema@.next_open(cal @extschema@.business_calendar, ts pg_catalog.timestamptz)
	RETURNS pg_catalog.timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.next_open(@extschema@.business_calendar, pg_catalog.timestamptz) IS
	'ts if the calendar is open then, else its next opening; NULL if it never opens again';
