\set ECHO none
-- Binary round trip of every row of a query through the client: binary COPY
-- out (send) into a client-side file, then binary COPY back in (receive), by
-- psql's \copy, which any role may run (no file on the server).  Prints one
-- row, binary_round_trip: true if every row comes back with the same text
-- form, and there is at least one row.  Usage:
--   \getenv abs_srcdir PG_ABS_SRCDIR
--   \set rt_query 'SELECT a, b FROM t'
--   \i :abs_srcdir/sql/include/binary_round_trip.sql
\set rt_file `mktemp /tmp/salesperf-rt.XXXXXX`
\setenv SALESPERF_RT_FILE :rt_file
-- rows are numbered: COPY FROM may place them in another physical order
CREATE TEMP TABLE rt_src AS SELECT row_number() OVER () AS rt_n, q.* FROM (:rt_query) q;
CREATE TEMP TABLE rt_dst (LIKE rt_src);
\copy rt_src TO PROGRAM 'cat > "$SALESPERF_RT_FILE"' (FORMAT binary)
\copy rt_dst FROM PROGRAM 'cat "$SALESPERF_RT_FILE"' (FORMAT binary)
SELECT (SELECT array_agg(t::text ORDER BY rt_n) FROM rt_src t)
       = (SELECT array_agg(t::text ORDER BY rt_n) FROM rt_dst t)
   AND (SELECT count(*) FROM rt_src) > 0 AS binary_round_trip;
DROP TABLE rt_src, rt_dst;
\! rm -f "$SALESPERF_RT_FILE"
\set ECHO all
