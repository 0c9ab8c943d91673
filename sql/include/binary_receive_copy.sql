\copy received FROM PROGRAM 'cat "$SALESPERF_RECV_FILE"' (FORMAT binary)
-- (line 1 above is the binary COPY of sql/include/binary_receive.sql; it
-- stays line 1: its errors are printed with this file name and line)
