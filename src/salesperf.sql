-- salesperf install script.
-- Assembled by the Makefile from src/*.sql: this file first, then one part
-- per KPI family.  Every object is created in the schema chosen with
-- CREATE EXTENSION ... SCHEMA; references to it go through @extschema@ and
-- to built-ins through pg_catalog, so a hostile search_path cannot hijack
-- them.

\echo Use "CREATE EXTENSION salesperf" to load this file. \quit
