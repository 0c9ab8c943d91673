-- The helpers the regression files share (sql/include/helpers.sql) work:
-- a bigint through both binary paths, and the varint encoder.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
-- a second inclusion in the same database is harmless and silent
\i :abs_srcdir/sql/include/helpers.sql
-- the helpers work: a bigint through both paths
SELECT test.binary_round_trip(42::bigint) AS round_trip,
       test.binary_receive('bigint', int8send(7)) AS received,
       test.binary_round_trip_rows('SELECT g AS n, g::text AS t FROM generate_series(1, 3) g') AS rows_round_trip,
       test.varint(300) = '\xac02'::bytea AS varint;
