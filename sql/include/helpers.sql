\set ECHO none
-- Helpers shared by the regression files, in schema test.  Each file that
-- uses them includes this one first, so every file runs alone and in any
-- order:
--   \getenv abs_srcdir PG_ABS_SRCDIR
--   \i :abs_srcdir/sql/include/helpers.sql
-- (pg_regress feeds psql the file on stdin, so \ir would resolve against
-- the working directory; PG_ABS_SRCDIR is pg_regress's --inputdir.)  It may
-- run any number of times in one database: it creates or replaces, in one
-- transaction, and prints nothing but its first line.
--
-- Binary I/O through the client, which any role may use (psql \copy):
--   sql/include/binary_round_trip.sql   every row of a query, send -> receive
--   :receive (set below)                 one hand-built payload received
-- Through files on the server: test.binary_round_trip and
-- test.binary_receive (COPY TO/FROM 'file', COPY TO PROGRAM, the
-- data_directory setting), which need a superuser or a role with
-- pg_read_server_files, pg_write_server_files, pg_execute_server_program
-- and pg_read_all_settings.  They remain for the checks that receive many
-- payloads inside one statement and catch each error in PL/pgSQL (extremes,
-- sketch_io, upsell_io); test.copy_frame and test.varint need nothing.
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS test;

-- value -> send -> receive -> value, as text (binary COPY out and back in)
CREATE OR REPLACE FUNCTION test.binary_round_trip(v anyelement) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	typ text := pg_typeof(v)::text;
	file text := current_setting('data_directory') || '/salesperf_rt.bin';
	result text;
BEGIN
	EXECUTE format('CREATE TEMP TABLE rt_out (v %s) ON COMMIT DROP', typ);
	EXECUTE format('CREATE TEMP TABLE rt_in (v %s) ON COMMIT DROP', typ);
	EXECUTE 'INSERT INTO rt_out VALUES ($1)' USING v;
	EXECUTE format('COPY rt_out TO %L (FORMAT binary)', file);
	EXECUTE format('COPY rt_in FROM %L (FORMAT binary)', file);
	SELECT rt_in.v::text INTO result FROM rt_in;
	DROP TABLE rt_out, rt_in;
	RETURN result;
END $$;

-- A binary COPY file of one row with one field holding the raw bytes given
-- (what a client sends to feed them to a type's receive function)
CREATE OR REPLACE FUNCTION test.copy_frame(payload bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea          -- PGCOPY\n\377\r\n\0
	       || '\x0000000000000000'::bytea              -- flags, extension
	       || '\x0001'::bytea                          -- one field
	       || int4send(length(payload)) || payload
	       || '\xffff'::bytea                          -- trailer
$$;

-- Feed raw bytes to a type's receive function (as one binary COPY field);
-- the value received, as text, or with resend => true as the hex of what the
-- type's send function makes of it
CREATE OR REPLACE FUNCTION test.binary_receive(typ regtype, payload bytea, resend boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	file bytea := test.copy_frame(payload);
	result text;
BEGIN
	EXECUTE format('COPY (SELECT %L) TO PROGRAM %L',
				   translate(encode(file, 'base64'), E'\n', ''),
				   'base64 -d > salesperf_recv.bin');
	EXECUTE format('CREATE TEMP TABLE recv_in (v %s) ON COMMIT DROP', typ);
	EXECUTE format('COPY recv_in FROM %L (FORMAT binary)',
				   current_setting('data_directory') || '/salesperf_recv.bin');
	IF resend THEN
		EXECUTE format('SELECT encode(%s(v), ''hex'') FROM recv_in',
					   (SELECT typsend FROM pg_type WHERE oid = typ)::regproc)
		   INTO result;
	ELSE
		SELECT recv_in.v::text INTO result FROM recv_in;
	END IF;
	DROP TABLE recv_in;
	RETURN result;
END $$;

-- An unsigned LEB128 varint, for hand-built binary payloads (the binary
-- forms of duration_sketch and upsell_summary use them for lengths, counts
-- and deltas)
CREATE OR REPLACE FUNCTION test.varint(v numeric) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	r bytea := '\x';
	b int;
BEGIN
	LOOP
		b := mod(v, 128)::int;
		v := div(v, 128);
		IF v = 0 THEN
			RETURN r || set_byte('\x00'::bytea, 0, b);
		END IF;
		r := r || set_byte('\x00'::bytea, 0, b + 128);
	END LOOP;
END $$;
COMMIT;
-- :receive, the client-side receive of one payload (sql/include/binary_receive.sql;
-- by a path relative to the source directory, where pg_regress runs psql, so
-- that the file name psql puts before the COPY's error is the same in every
-- copy of the tree)
\set receive '\\gset recv_ \\set ECHO none \\i sql/include/binary_receive.sql'
\set ECHO all
