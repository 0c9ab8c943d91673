-- salesperf 0.2.0 -> 0.3.0.
-- Run by ALTER EXTENSION salesperf UPDATE; creates exactly what a fresh 0.3.0
-- install has beyond 0.2.0 (test/shell/upgrade.sh compares the catalogs).
-- Release 0.3.0 is built up in this one script: every change to src/*.sql
-- in 0.3.0 adds its counterpart here.
\echo Use "ALTER EXTENSION salesperf UPDATE TO '0.3.0'" to load this file. \quit
