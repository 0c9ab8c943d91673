-- Inputs the fuzzers (test/fuzz) found that broke a rule, kept as
-- regression tests; each is also in the seed corpus, so every fuzz run
-- replays it first.  The rule: an input is rejected with a clear SQLSTATE,
-- or accepted as a value that survives out -> in and send -> recv unchanged.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
CREATE FUNCTION pg_temp.sqlstate(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;

-- duration_sketch, binary: an empty sketch with a stray maximum (36 µs) was
-- accepted, printed as "v1 n=0", and sent back with the maximum: two
-- different binary forms of one value.  Now the extremes of an empty
-- sketch are dropped on receive.
\set recv_type duration_sketch
SELECT '\x01010000'::bytea || decode(repeat('00', 32), 'hex')  -- version, format, nparams; alpha, count, zeros, min
       || '\x0000000000000024'                                  -- max
       || decode(repeat('00', 16), 'hex') AS payload :receive
SELECT duration_sketch_send(v) = duration_sketch_send('v1 n=0') AS same_bytes_as_empty FROM received;

-- duration_sketch, binary: an empty sketch whose accuracy is -0 (sign bit
-- set) was read as "no accuracy" but sent back with the sign bit
SELECT '\x010100008000000000000000'::bytea || decode(repeat('00', 48), 'hex') AS payload :receive
SELECT duration_sketch_send(v) = duration_sketch_send('v1 n=0') AS same_bytes_as_empty FROM received;

-- duration_sketch, binary: a NULL percentile (NaN) with other NaN bits
-- than text input makes was accepted and sent back with those bits (found by
-- the one-minute run of the test command on a fresh machine)
SELECT '\x01010002'::bytea || decode(repeat('00', 32), 'hex')  -- version, format, 2 percentiles; alpha, count, zeros, min
       || '\x8000000000000000'                                  -- max (stray)
       || decode(repeat('00', 16), 'hex')                        -- sum
       || '\x005a00b4000000ff'                                  -- p = 5.8e-307
       || '\xffffffffffff8290' AS payload :receive
-- (p = NaN, odd bits)
SELECT duration_sketch_send(v) = duration_sketch_send(v::text::duration_sketch) AS same_bytes_as_its_text FROM received;

-- upsell_summary: a key type named by a bare number that is no type's OID
-- reached an internal "cache lookup failed" error (XX000); now 42704, in
-- text and in binary (version 1, keyed, type name "4", no account)
SELECT pg_temp.sqlstate($$SELECT 'v1 key 01 '::upsell_summary$$) AS text_oid_1,
       pg_temp.sqlstate($$SELECT 'v1 key 4294967295; 1 2024-01-01T00:00:00Z=1'::upsell_summary$$) AS text_oid_max,
       pg_temp.sqlstate($$SELECT 'v1 key 20; 1 2024-01-01T00:00:00Z=1'::upsell_summary$$) AS text_existing_oid;
-- ... and binary: 42704
\set VERBOSITY sqlstate
\set recv_type upsell_summary
SELECT '\x0101013400'::bytea AS payload :receive
\set VERBOSITY default

-- Found by the aggregate-sequence fuzzer (test/fuzz/agg_driver.c), checked
-- against percentile_cont and max() over the same values.
-- duration_sketch: a percentile past 2^53 us (about 285 years) went through
-- a double even in an exact sketch and came out up to 128 us off, past the
-- maximum.  Exact sketches now interpolate in int64.
SELECT response_time_percentile(response_time_agg(x), 0) = percentile_cont(0) WITHIN GROUP (ORDER BY x) AS p0_exact,
       response_time_percentile(response_time_agg(x), 1) = max(x) AS p1_exact,
       response_time_percentile(response_time_agg(x), 0.5) = percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p50_exact
FROM (VALUES ('1281023894:00:27.387776'::interval), ('1281023894:00:27.387779'), ('1281023893:00:00.000001')) v(x);
-- duration_sketch: merging an empty sketch that records its p (what an
-- inverse or uncombine leaves) took its zeroed minimum and maximum as values
SELECT response_time_max(rollup(s)) = interval '-16.777212 seconds' AS max_ignores_empty,
       response_time_min(rollup(s)) = interval '-16.777212 seconds' AS min_ignores_empty,
       response_time_percentile(rollup(s), 0.9) = interval '-16.777212 seconds' AS p90_ignores_empty,
       rollup(s) = 'v1 a=0.01 p=0.9 n=2 exact_us=-16777212,-16777212'::duration_sketch AS same_as_alone
FROM (VALUES ('v1 a=0.01 p=0.9 n=2 exact_us=-16777212,-16777212'::duration_sketch), ('v1 a=0.01 p=0.9 n=0')) v(s);
SELECT response_time_max(rollup(s ORDER BY k)) = interval '-16.777212 seconds' AS empty_first_too
FROM (VALUES (2, 'v1 a=0.01 p=0.9 n=2 exact_us=-16777212,-16777212'::duration_sketch), (1, 'v1 a=0.01 p=0.9 n=0')) v(k, s);
