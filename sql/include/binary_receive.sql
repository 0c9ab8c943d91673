-- Raw bytes fed to a type's receive function the way a client does it:
-- binary COPY from the client (psql \copy, which any role may run; no file
-- on the server) of one row whose one field holds the bytes.  Prints the
-- value received, as text (column binary_receive), or the error of the
-- COPY.  Run through the psql variable :receive, which sql/include/
-- helpers.sql sets: after \set recv_type TYPE,
--   SELECT <bytea expression> AS payload :receive
-- (:receive is "\gset recv_ \set ECHO none \i sql/include/binary_receive.sql").
-- An error of the COPY shows as "psql:sql/include/binary_receive.sql:LINE:
-- ERROR: ...", LINE being the line of the \copy below.
\set recv_file `mktemp /tmp/salesperf-recv.XXXXXX`
\setenv SALESPERF_RECV_FILE :recv_file
SELECT translate(encode(test.copy_frame(:'recv_payload'), 'base64'), E'\n', '') \g (format=unaligned tuples_only=on) |base64 -d > "$SALESPERF_RECV_FILE"
CREATE TEMP TABLE recv (v :recv_type);
\copy recv FROM PROGRAM 'cat "$SALESPERF_RECV_FILE"' (FORMAT binary)
SELECT count(*) = 1 AS recv_ok FROM recv \gset
\if :recv_ok
SELECT v::text AS binary_receive FROM recv;
\endif
DROP TABLE recv;
\! rm -f "$SALESPERF_RECV_FILE"
\set ECHO all
