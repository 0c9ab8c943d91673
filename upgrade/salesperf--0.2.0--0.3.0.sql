-- salesperf 0.2.0 -> 0.3.0.
-- Run by ALTER EXTENSION salesperf UPDATE; creates exactly what a fresh 0.3.0
-- install has beyond 0.2.0 (test/shell/upgrade.sh compares the catalogs).
-- Release 0.3.0 is built up in this one script: every change to src/*.sql
-- in 0.3.0 adds its counterpart here.
\echo Use "ALTER EXTENSION salesperf UPDATE TO '0.3.0'" to load this file. \quit

-- ---- issue 13: retention breakdown ----
-- The retention breakdown.  Per account, with s its starting and c its
-- current value: expansion (c > s), contraction (0 < c < s) and churn
-- (c = 0 < s) split sum(c) - sum(s) exactly; new accounts are those whose
-- first snapshot is at or after a time.  A series is one account.
CREATE FUNCTION @extschema@.expansion(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_expansion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expansion(@extschema@.upsell_summary) IS
	'sum of current - starting value over the accounts that grew (current > starting)';
CREATE FUNCTION @extschema@.contraction(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_contraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.contraction(@extschema@.upsell_summary) IS
	'sum of starting - current value over the accounts that shrank but did not churn (0 < current < starting)';
CREATE FUNCTION @extschema@.churned_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_churned_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churned_value(@extschema@.upsell_summary) IS
	'sum of the starting values of the churned accounts (current = 0 < starting)';
CREATE FUNCTION @extschema@.churned_accounts(@extschema@.upsell_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_churned_accounts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churned_accounts(@extschema@.upsell_summary) IS
	'number of churned accounts (current = 0 < starting)';
CREATE FUNCTION @extschema@.new_accounts(@extschema@.upsell_summary, since timestamptz) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_new_accounts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.new_accounts(@extschema@.upsell_summary, timestamptz) IS
	'number of accounts whose first snapshot is at or after since (logos won in the period)';
CREATE FUNCTION @extschema@.new_value(@extschema@.upsell_summary, since timestamptz) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_new_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.new_value(@extschema@.upsell_summary, timestamptz) IS
	'sum of the current values of the accounts whose first snapshot is at or after since';
CREATE FUNCTION @extschema@.gross_retention(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_gross_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gross_retention(@extschema@.upsell_summary) IS
	'gross revenue retention: (starting - contraction - churned value) / starting, no credit for expansion; NULL when the starting value is 0';
CREATE FUNCTION @extschema@.net_retention(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_net_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.net_retention(@extschema@.upsell_summary) IS
	'net revenue retention: current / starting value (1 + upsell_rate); NULL when the starting value is 0';
