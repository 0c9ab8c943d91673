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

-- ---- issue 14: kpi_ratio states carry their KPI ----
-- States made by close_rate_agg are tagged close_rate, those made by
-- lead_qualification_efficiency_agg lead_qualification_efficiency (in the
-- module: the stored layout is unchanged, states stored by 0.1.0 and 0.2.0
-- read back untagged).  The two finalisers now refuse the other KPI's
-- states, so they get their own C functions: the 0.2.0 symbol they shared,
-- kpi_ratio_value, stays in the module for older install scripts.  Pointing
-- the existing functions at the new symbols keeps their OIDs, so the
-- aggregates, the cast and users' views that use them are untouched.
UPDATE pg_catalog.pg_proc SET prosrc = 'kpi_ratio_close_rate'
WHERE oid = '@extschema@.close_rate(@extschema@.kpi_ratio)'::pg_catalog.regprocedure
  AND prosrc = 'kpi_ratio_value';
UPDATE pg_catalog.pg_proc SET prosrc = 'kpi_ratio_lead_qualification_efficiency'
WHERE oid = '@extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio)'::pg_catalog.regprocedure
  AND prosrc = 'kpi_ratio_value';
COMMENT ON TYPE @extschema@.kpi_ratio IS
	'exact numerator/denominator state of a ratio KPI, tagged with the KPI that made it: "close_rate:won/deals" counts, "close_rate:value:won/total" amounts, "lead_qualification_efficiency:qualified/calls"';
COMMENT ON FUNCTION @extschema@.kpi_ratio_eq(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true if two ratio states have the same KPI, kind, numerator and denominator';
COMMENT ON FUNCTION @extschema@.kpi_ratio_ne(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'true unless two ratio states have the same KPI, kind, numerator and denominator';
COMMENT ON OPERATOR @extschema@.= (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'same KPI, kind, numerator and denominator';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS 'not the same KPI, kind, numerator and denominator';
COMMENT ON FUNCTION @extschema@.kpi_ratio_combine(@extschema@.kpi_ratio, @extschema@.kpi_ratio) IS
	'adds two ratio states of the same KPI: the combine function of every ratio aggregate';
COMMENT ON FUNCTION @extschema@.close_rate(@extschema@.kpi_ratio) IS
	'close rate of a stored state: won / worked (count or value); NULL when nothing was worked; refuses lead_qualification_efficiency states';
COMMENT ON FUNCTION @extschema@.lead_qualification_efficiency(@extschema@.kpi_ratio) IS
	'qualified leads per call of a stored state; NULL when no call was made; refuses close_rate states';
COMMENT ON CAST (@extschema@.kpi_ratio AS double precision) IS
	'numerator / denominator by close_rate(kpi_ratio), so of close-rate and untagged states (explicit only)';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.kpi_ratio) IS
	'merges stored ratio states of one KPI (e.g. daily into monthly); NULL states are ignored';
