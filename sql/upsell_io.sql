-- upsell_summary: text and binary I/O, canonical form, and every input error
-- path with its SQLSTATE.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
\set VERBOSITY sqlstate
\set ECHO all

-- text round trips: the output is canonical (accounts sorted by key, scale
-- trimmed, midnight UTC times as dates) and reads back to itself
SELECT s::upsell_summary AS canonical, s::upsell_summary::text::upsell_summary::text = s::upsell_summary::text AS round_trip
FROM (VALUES ('v1 key bigint; 42 2024-03-01=80; 17 2024-01-01=1200.00..2024-12-01=1500.50'),
             ('v1 key bigint'),
             ('v1 series'),
             ('  v1   series ;2024-01-01=100..2024-06-01T12:30:00Z=120  '),
             ('v1 key text; "" 2024-01-01=1; "a b" 2024-01-01=2; "q\"uote\\" 2024-01-01=3; "x;y" 2024-01-01=4; é 2024-01-01=5'),
             ('v1 key uuid; a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 2024-01-01=5..2024-02-01=0'),
             ('v1 key "character varying"; b 2024-01-01=1; a 2024-01-01=2'),
             ('v1 key integer; 3 -infinity=1..infinity=2'),
             ('v1 series; -0044-03-15T12:00:00.000001Z=7..0001-01-01=8'),
             ('v1 key date; 2024-01-31 2024-01-01T23:59:59.5Z=0.000100')) v(s);
-- times are UTC whatever the session time zone
SET TimeZone = 'Asia/Kolkata';
SELECT 'v1 series; 2024-01-01T10:00:00Z=1'::upsell_summary::text AS utc_text,
       upsell_rate_agg(1, '2024-01-01 15:30+05:30'::timestamptz) AS from_local;
RESET TimeZone;

-- bad text input: 22P02, unknown type 42704, key type without operators 42883,
-- time out of range 22008
SELECT ''::upsell_summary;
SELECT 'v2 key bigint'::upsell_summary;
SELECT 'v1'::upsell_summary;
SELECT 'v1 keys bigint'::upsell_summary;
SELECT 'v1 key nosuchtype'::upsell_summary;
SELECT 'v1 key point'::upsell_summary;
SELECT 'v1 key bigint; x 2024-01-01=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01='::upsell_summary;
SELECT 'v1 key bigint; 1 2024-1-01=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-13-01=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2023-02-29=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01T24:00:00Z=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01T10:00:00=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01T10:00:00.1234567Z=1'::upsell_summary;
SELECT 'v1 key bigint; 1 294277-01-01=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=-1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=1e5'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=NaN'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=1..2024-01-01=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-02-01=1..2024-01-01=2'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=1; 1 2024-02-01=1'::upsell_summary;
SELECT 'v1 key text; "a" 2024-01-01=1; a 2024-02-01=1'::upsell_summary;
SELECT 'v1 series; 2024-01-01=1; 2024-02-01=2'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=1 junk'::upsell_summary;
SELECT 'v1 key bigint; 12024-01-01=1'::upsell_summary;
SELECT 'v1 key text; "open 2024-01-01=1'::upsell_summary;
SELECT 'v1 key bigint; 1 2024-01-01=1;'::upsell_summary;
\set VERBOSITY default
SELECT 'v1 key bigint; 1 2024-01-01=1; 1 2024-02-01=1'::upsell_summary;
\set VERBOSITY sqlstate

-- binary round trips through send/receive (binary COPY)
SELECT s, test.binary_round_trip(s) = s::text AS binary_round_trip
FROM (VALUES ('v1 key bigint; 17 2024-01-01=1200..2024-12-01=1500.5; 42 2024-03-01=80'::upsell_summary),
             ('v1 key bigint'), ('v1 series'), ('v1 series; 2024-01-01=0.001..2025-01-01=3'),
             ('v1 key text; "" 2024-01-01=1; "a b" 2024-01-01T08:00:00.25Z=2..infinity=9'),
             ('v1 key uuid; a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 2024-01-01=5'),
             ('v1 key "character varying"; "x y" 2024-01-01=1')) v(s);
SELECT upsell_summary_send('v1 key bigint; 17 2024-01-01=1200..2024-12-01=1500.5') AS wire;
SELECT s, test.binary_round_trip(s) = s::text AS binary_round_trip
FROM (VALUES ('v1 series; -infinity=1..infinity=2'::upsell_summary), ('v1 key integer; 1 -infinity=0'),
             ('v1 series; -4713-11-24=1..294276-12-31T23:59:59.999999Z=2')) v(s);

-- hand-built binary payloads: an account is [key] flags time amount
-- [delta amount]; lengths, counts and deltas are LEB128 varints
CREATE FUNCTION pg_temp.us(t timestamptz) RETURNS bytea LANGUAGE sql AS
$$ SELECT int8send(((extract(epoch FROM t) - 946684800) * 1000000)::bigint) $$;
CREATE FUNCTION pg_temp.amt(v text) RETURNS bytea LANGUAGE sql AS
$$ SELECT test.varint(length(v)) || convert_to(v, 'UTF8') $$;
CREATE FUNCTION pg_temp.key8(k bigint) RETURNS bytea LANGUAGE sql AS
$$ SELECT '\x08'::bytea || int8send(k) $$;
CREATE FUNCTION pg_temp.keyed(n numeric) RETURNS bytea LANGUAGE sql AS
$$ SELECT '\x0101'::bytea || '\x06'::bytea || convert_to('bigint', 'UTF8') || test.varint(n) $$;
CREATE FUNCTION pg_temp.month() RETURNS bytea LANGUAGE sql AS  -- 31 days in microseconds
$$ SELECT test.varint(31 * 86400 * 1000000::numeric) $$;

-- valid payloads, in any key order: the result is sorted
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(2)
         || pg_temp.key8(9) || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5')
         || pg_temp.key8(3) || '\x01'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('1.50')
                            || pg_temp.month() || pg_temp.amt('2')) AS keyed,
       test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('0005')) AS series,
       test.binary_receive('upsell_summary', '\x0101'::bytea || test.varint(15) || convert_to('pg_catalog.uuid', 'UTF8') || '\x00'::bytea) AS empty;
-- the widest time range: -infinity to infinity
SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(1) || '\x01'::bytea
         || int8send(-9223372036854775808) || pg_temp.amt('1') || test.varint(18446744073709551615) || pg_temp.amt('2')) AS widest;
-- compact: about half the size of the text form for two-snapshot accounts
SELECT length(upsell_summary_send(s)) AS binary_bytes, length(s::text) AS text_bytes
FROM (SELECT upsell_rate_agg(a, 1000 + a, '2024-01-01'::timestamptz + make_interval(months => m)) AS s
      FROM generate_series(1, 1000) a, generate_series(0, 11) m) x;

-- malformed binary input: 22P03 (or 08P01 for a short message), never a crash
SELECT test.binary_receive('upsell_summary', '\x');
SELECT test.binary_receive('upsell_summary', '\x020000');
SELECT test.binary_receive('upsell_summary', '\x010700');
SELECT test.binary_receive('upsell_summary', '\x0101'::bytea || test.varint(1000) || '\x6269'::bytea);
SELECT test.binary_receive('upsell_summary', '\x010100');
SELECT test.binary_receive('upsell_summary', '\x0101'::bytea || '\x03610062'::bytea || '\x00'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0101'::bytea || test.varint(7) || convert_to('nosuchT', 'UTF8') || '\x00'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0101'::bytea || test.varint(5) || convert_to('point', 'UTF8') || '\x00'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0101'::bytea || test.varint(8) || convert_to('internal', 'UTF8') || '\x00'::bytea);
-- counts and lengths: too large for the data, overflowing, overlong, truncated
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1000000) || '\x00'::bytea);
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(2147483647));
SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || '\xffffffffffffffffff01'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || '\xffffffffffffffffffff01'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || '\x8000'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || '\x80'::bytea);
SELECT test.binary_receive('upsell_summary', '\x0100'::bytea || test.varint(2)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5')
         || '\x00'::bytea || pg_temp.us('2024-02-01+00') || pg_temp.amt('5'));
-- accounts: bad flags, keys of the wrong length, times out of range
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x05'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || '\x09'::bytea || int8send(1) || '\x00'::bytea
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || '\x04'::bytea || int4send(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || '\x7f'::bytea || int8send(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || int8send(9223372036854775806) || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x01'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5') || test.varint(0) || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x01'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5') || test.varint(9223372036854775807) || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x01'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5') || test.varint(18446744073709551615) || pg_temp.amt('5'));
-- amounts: past the end, empty, negative, NaN, exponent, half-written decimals
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || '\x10'::bytea || convert_to('5', 'UTF8'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || '\x00'::bytea);
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('-5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('NaN'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('1e5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('1.'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('.5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5 '));
-- duplicates, trailing and missing bytes
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(2)
         || pg_temp.key8(1) || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5')
         || pg_temp.key8(1) || '\x00'::bytea || pg_temp.us('2024-02-01+00') || pg_temp.amt('5'));
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1)
         || '\x00'::bytea || pg_temp.us('2024-01-01+00') || pg_temp.amt('5') || '\x00'::bytea);
SELECT test.binary_receive('upsell_summary', pg_temp.keyed(1) || pg_temp.key8(1) || '\x00'::bytea || '\x0000'::bytea);
-- random garbage after a valid header: only clean errors
\set VERBOSITY default
SELECT setseed(0.5);
DO $$
DECLARE
	payload bytea;
	accepted int := 0;
	rejected int := 0;
BEGIN
	FOR i IN 1..200 LOOP
		payload := '\x0101'::bytea || '\x06'::bytea || convert_to('bigint', 'UTF8')
			|| set_byte('\x00'::bytea, 0, (random() * 3)::int)
			|| decode(md5(random()::text) || md5(random()::text), 'hex');
		BEGIN
			PERFORM test.binary_receive('upsell_summary', payload);
			accepted := accepted + 1;
		EXCEPTION WHEN invalid_binary_representation OR protocol_violation
				OR invalid_text_representation OR datetime_field_overflow THEN
			rejected := rejected + 1;
		END;
	END LOOP;
	RAISE NOTICE 'garbage payloads: % accepted, % rejected cleanly', accepted, rejected;
END $$;
-- mutations of valid binary and text forms (bytes or characters replaced,
-- tails cut): each is rejected with a clean error or reads back to a summary
-- whose text form reads back to itself
SELECT setseed(0.33);
DO $$
DECLARE
	tbase text := 'v1 key text; "" 2024-01-01=1; "a b" 2024-01-01T08:00:00.25Z=2.5..infinity=9; zz -infinity=0.001..2030-01-01=12345678901234567890.123';
	base bytea := upsell_summary_send(tbase::upsell_summary);
	p bytea;
	t text;
	pos int;
	r text;
	accepted int := 0;
	rejected int := 0;
BEGIN
	FOR i IN 1..150 LOOP
		p := base;
		FOR j IN 1..(1 + (random() * 3)::int) LOOP
			p := set_byte(p, (random() * (length(p) - 1))::int, (random() * 255)::int);
		END LOOP;
		IF random() < 0.2 THEN
			p := substring(p FROM 1 FOR (random() * length(p))::int);
		END IF;
		t := tbase;
		FOR j IN 1..(1 + (random() * 2)::int) LOOP
			pos := 1 + (random() * (length(t) - 1))::int;
			t := overlay(t PLACING chr(32 + (random() * 94)::int) FROM pos FOR (random() * 2)::int);
		END LOOP;
		BEGIN
			r := test.binary_receive('upsell_summary', p);
			IF r::upsell_summary::text <> r THEN
				RAISE EXCEPTION 'binary mutation % does not round trip: %', i, r;
			END IF;
			accepted := accepted + 1;
		EXCEPTION WHEN invalid_binary_representation OR protocol_violation OR invalid_text_representation
				OR character_not_in_repertoire OR datetime_field_overflow OR undefined_object
				OR syntax_error OR invalid_schema_name OR feature_not_supported OR undefined_function THEN
			rejected := rejected + 1;
		END;
		BEGIN
			r := t::upsell_summary::text;
			IF r::upsell_summary::text <> r THEN
				RAISE EXCEPTION 'text mutation % does not round trip: %', i, r;
			END IF;
			accepted := accepted + 1;
		EXCEPTION WHEN invalid_text_representation OR datetime_field_overflow OR undefined_object
				OR syntax_error OR invalid_schema_name OR feature_not_supported OR undefined_function
				OR invalid_parameter_value OR numeric_value_out_of_range THEN
			rejected := rejected + 1;
		END;
	END LOOP;
	RAISE NOTICE 'mutated payloads: % accepted (round trip), % rejected cleanly', accepted, rejected;
END $$;
