-- Raw bytes fed to a type's receive function the way a client does it:
-- binary COPY from the client (psql \copy, which any role may run; no file
-- on the server) of one row whose one field holds the bytes.  Prints the
-- value received, as text (column binary_receive), or the error of the
-- COPY; the value stays in the temporary table received (v), with no row
-- after an error, until the next :receive.  Run through the psql variable :receive, which sql/include/
-- helpers.sql sets: after \set recv_type TYPE,
--   SELECT <bytea expression> AS payload :receive
-- (:receive is "\gset recv_ \set ECHO none \i sql/include/binary_receive.sql").
-- The \copy itself is line 1 of sql/include/binary_receive_copy.sql, so an
-- error shows as "psql:sql/include/binary_receive_copy.sql:1: ERROR: ..."
-- whatever changes here.
\set recv_file `mktemp /tmp/salesperf-recv.XXXXXX`
\setenv SALESPERF_RECV_FILE :recv_file
SELECT translate(encode(test.copy_frame(:'recv_payload'), 'base64'), E'\n', '') \g (format=unaligned tuples_only=on) |base64 -d > "$SALESPERF_RECV_FILE"
\if :{?recv_table}
DROP TABLE received;
\endif
CREATE TEMP TABLE received (v :recv_type);
\set recv_table received
\i sql/include/binary_receive_copy.sql
SELECT count(*) = 1 AS recv_ok FROM received \gset
\if :recv_ok
SELECT v::text AS binary_receive FROM received;
\endif
\! rm -f "$SALESPERF_RECV_FILE"
\set ECHO all
