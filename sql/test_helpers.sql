-- The helpers the regression files share work: sql/include/helpers.sql (a
-- bigint through both binary paths, the varint encoder) and
-- sql/include/binary_round_trip.sql (the rows of a query, through the client).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/helpers.sql
-- a second inclusion in the same database is harmless and silent
\i :abs_srcdir/sql/include/helpers.sql
-- the helpers work: a bigint through both paths
SELECT test.binary_round_trip(42::bigint) AS round_trip,
       test.binary_receive('bigint', int8send(7)) AS received,
       test.varint(300) = '\xac02'::bytea AS varint;
\set rt_query 'SELECT g AS n, g::text AS t FROM generate_series(1, 3) g'
\i :abs_srcdir/sql/include/binary_round_trip.sql
-- ... and it can fail: a query with no rows
\set rt_query 'SELECT 1 AS n WHERE false'
\i :abs_srcdir/sql/include/binary_round_trip.sql
