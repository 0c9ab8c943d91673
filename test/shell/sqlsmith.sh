#!/bin/bash
# Random SQL against the server: a bounded sqlsmith run (Debian's sqlsmith)
# against a database holding the sample CRM, the extension and stored states
# of every type.  The server must survive it: no backend "terminated by
# signal", the postmaster never restarted, no crash-recovery cycle.  Prints
# TAP, with the queries run and the errors by kind as "# ..." comments.
#
# Runs against the cluster in PGHOST/PGPORT/PGUSER (scripts/test starts one;
# its log is $PGHOST/server.log, or set SP_SERVER_LOG).  Knobs:
#   SP_SMITH_SEED (default 17), SP_SMITH_QUERIES (default 10000, the query
#   bound), SP_SMITH_SECONDS (default 60, the time bound), SP_SMITH_KEEP=1
#   (keep the databases and the work directory for inspection).
#
# Aiming sqlsmith at salesperf: sqlsmith builds its grammar from the catalog
# (pg_proc for functions and aggregates, information_schema.tables for
# relations).  It runs as a plain role whose search_path starts with a
# schema holding a view named pg_proc (an explicit pg_catalog at the end of
# search_path lets it shadow pg_catalog.pg_proc for sqlsmith's unqualified
# catalog reads); the view keeps every salesperf routine plus the
# non-volatile built-ins over the types salesperf takes and returns, so a
# large share of the generated calls are salesperf's.  The role sees only
# the CRM and the state tables (--exclude-catalog), so every FROM reads
# rows that hold salesperf states.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"

seed=${SP_SMITH_SEED:-17}
max_queries=${SP_SMITH_QUERIES:-10000}
seconds=${SP_SMITH_SECONDS:-60}
db=salesperf_sqlsmith
logdb=salesperf_sqlsmith_log
role=salesperf_smith
work=$(mktemp -d /tmp/salesperf-smith.XXXXXX)
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
cleanup() {
	[ "${SP_SMITH_KEEP:-0}" = 1 ] && { echo "# kept: databases $db, $logdb; $work"; return; }
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $logdb" \
		-c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

sp_need_packages sqlsmith || { echo "Bail out! sqlsmith is not installed"; exit 1; }

# The server's log, to look for crashed backends
server_log=${SP_SERVER_LOG:-$PGHOST/server.log}
[ -r "$server_log" ] || server_log=
crashes() { if [ -n "$server_log" ]; then grep -c 'terminated by signal' "$server_log"; else echo 0; fi; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $logdb" \
	-c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
q postgres -c "CREATE DATABASE $db" -c "CREATE DATABASE $logdb" -c "CREATE ROLE $role LOGIN" >/dev/null

# The sample CRM (as scripts/demo loads it, at 1/20 of the demo's size)
status=0
q $db -c 'CREATE SCHEMA kpi' -c 'CREATE EXTENSION salesperf SCHEMA kpi' >/dev/null &&
	PGOPTIONS='-c search_path=public,kpi' q $db -f "$SP_ROOT/demo/crm_schema.sql" >/dev/null &&
	PGOPTIONS='-c search_path=public,kpi' q $db -v scale=0.05 -f "$SP_ROOT/demo/generate.sql" >"$work/generate.log" 2>&1 ||
	status=1
ok $status "sample CRM loaded (demo/generate.sql, scale 0.05)"

# Stored states of every type, in tables and materialized views, with odd
# ones mixed in (empty groups, single rows, text keys, series without keys,
# non-default accuracy, states read back from their text form)
q $db >"$work/states.log" 2>&1 <<'SQL'
SET search_path = kpi, public;
CREATE SCHEMA states;
CREATE TABLE states.rep_deals AS
SELECT owner_id, date_trunc('month', closed_at)::date AS month,
       close_rate_agg(is_won) AS deals, close_rate_agg(is_won, amount) AS deal_value,
       close_rate_agg(is_won) FILTER (WHERE amount > 1e9) AS no_deals
FROM crm.opportunities WHERE is_closed GROUP BY 1, 2;
CREATE TABLE states.rep_leads AS
SELECT owner_id, date_trunc('week', created_at)::date AS week,
       lead_qualification_efficiency_agg(qualified, calls::bigint) AS qualification,
       response_time_agg(first_touch_at - created_at) AS response,
       response_time_agg(extract(epoch FROM first_touch_at - created_at)::float8, 0.05) AS response_coarse,
       response_time_agg(first_touch_at - created_at) FILTER (WHERE calls > 3) AS response_busy
FROM crm.leads GROUP BY 1, 2;
CREATE TABLE states.am_books AS
SELECT a.owner_id, date_trunc('quarter', s.month)::date AS quarter,
       upsell_rate_agg(s.account_id, s.value, s.month::timestamptz) AS book,
       upsell_rate_agg('acct-' || s.account_id, s.value, s.month::timestamptz) AS book_text,
       upsell_rate_agg(s.value, s.month::timestamptz) AS series
FROM crm.account_snapshots s JOIN crm.accounts a USING (account_id) GROUP BY 1, 2;
CREATE TABLE states.odd_states AS
SELECT 'single'::text AS label, close_rate_agg(true) AS ratio,
       response_time_agg(interval '1 second') AS sketch,
       upsell_rate_agg(1, 100.0, timestamptz '2025-01-01') AS book
UNION ALL
SELECT 'from text', r::text::kpi_ratio, s::text::duration_sketch, b::text::upsell_summary
FROM (SELECT deals AS r FROM states.rep_deals LIMIT 1) x,
     (SELECT response AS s FROM states.rep_leads WHERE response IS NOT NULL LIMIT 1) y,
     (SELECT book AS b FROM states.am_books LIMIT 1) z
UNION ALL
SELECT 'nulls', NULL, NULL, NULL;
CREATE MATERIALIZED VIEW states.rep_deals_mv AS
SELECT owner_id, rollup(deals) AS deals, rollup(deal_value) AS deal_value FROM states.rep_deals GROUP BY owner_id;
CREATE MATERIALIZED VIEW states.rep_leads_mv AS
SELECT owner_id, rollup(qualification) AS qualification, rollup(response) AS response FROM states.rep_leads GROUP BY owner_id;
CREATE MATERIALIZED VIEW states.am_books_mv AS
SELECT owner_id, rollup(book) AS book, rollup(series) AS series FROM states.am_books GROUP BY owner_id;
ANALYZE;
SELECT format('%s %s', relname, reltuples) FROM pg_class WHERE relnamespace = 'states'::regnamespace ORDER BY 1;
SQL
ok $? "tables and materialized views of every state type ($(grep -c ' ' "$work/states.log") relations)"

# What sqlsmith may see: the CRM, the states, salesperf's routines, and the
# non-volatile built-ins that make values of the types salesperf's routines
# take, from values of the types the CRM and salesperf hold
q $db >"$work/catalog.log" 2>&1 <<SQL
CREATE SCHEMA smith_catalog;
CREATE VIEW smith_catalog.pg_proc AS
SELECT p.* FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'kpi'::regnamespace
   OR (p.pronamespace = 'pg_catalog'::regnamespace
       AND p.provolatile <> 'v' AND p.proname !~ '^(pg_|txid|ts_|gtsvector|json|xml|binary_upgrade)'
       AND p.prorettype = ANY (ARRAY['bool', 'int8', 'float8', 'numeric', 'interval',
                                     'timestamptz', '_float8']::regtype[]::oid[])
       AND p.proargtypes::oid[] <@ ARRAY['bool', 'int4', 'int8', 'float8', 'numeric', 'text',
                                         'interval', 'timestamptz', 'date', '_float8', '_interval']::regtype[]::oid[]);
GRANT USAGE ON SCHEMA smith_catalog, crm, states, kpi TO $role;
GRANT SELECT ON smith_catalog.pg_proc TO $role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm, states TO $role;
ALTER ROLE $role IN DATABASE $db SET search_path = smith_catalog, states, crm, kpi, public, pg_catalog;
SELECT format('%s routines: %s salesperf, %s built-in',
              count(*), count(*) FILTER (WHERE pronamespace = 'kpi'::regnamespace),
              count(*) FILTER (WHERE pronamespace <> 'kpi'::regnamespace))
FROM smith_catalog.pg_proc WHERE prorettype <> 'internal'::regtype AND NOT proretset;
SQL
ok $? "sqlsmith's view of the catalog: $(tail -1 "$work/catalog.log")"

# sqlsmith's error log (its --log-to tables), in a database of its own
q $logdb >/dev/null <<'SQL'
CREATE TABLE instance (id bigserial PRIMARY KEY, rev text, target text, hostname text,
                       version text, seed text, t timestamptz DEFAULT now());
CREATE TABLE error (id bigint, msg text, query text, sqlstate text, t timestamptz DEFAULT now());
CREATE TABLE stat (id bigint, generated bigint, level real, nodes real, retries real,
                   impedance text, updated timestamptz);
SQL

# Crash witnesses before the run
before_crashes=$(crashes)
before_start=$(q postgres -c 'SELECT pg_postmaster_start_time()')
before_reset=$(q postgres -c 'SELECT stats_reset FROM pg_stat_bgwriter')

# The run: bounded by query count and by time (SIGINT, then SIGKILL)
target="host=$PGHOST port=$PGPORT dbname=$db user=$role"
logto="host=$PGHOST port=$PGPORT dbname=$logdb user=${PGUSER:-postgres}"
t0=$SECONDS
timeout -s INT -k 10 "$seconds" sqlsmith --target="$target" --log-to="$logto" --seed="$seed" \
	--max-queries="$max_queries" --exclude-catalog --verbose --dump-all-queries \
	>"$work/queries.sql" 2>"$work/sqlsmith.err"
smith_status=$?
elapsed=$((SECONDS - t0))

# Did the server survive?
after_crashes=$(crashes)
ok $((after_crashes != before_crashes)) "no backend terminated by signal during the run (server log: ${server_log:-not readable})"
after_start=$(q postgres -c 'SELECT pg_postmaster_start_time()' 2>/dev/null)
ok $([ -n "$after_start" ] && [ "$after_start" = "$before_start" ]; echo $?) "server still answers, postmaster not restarted"
after_reset=$(q postgres -c 'SELECT stats_reset FROM pg_stat_bgwriter' 2>/dev/null)
ok $([ "$after_reset" = "$before_reset" ]; echo $?) "no crash-recovery cycle (statistics not reset)"

# sqlsmith's progress lines: one character per query run ('.' ok, 'e'
# error, 't' timeout, 'S' syntax error, 'C' connection lost; older
# sqlsmiths print 's' and 'c')
progress=$(grep -E '^[.etsScC]+$' "$work/sqlsmith.err" | tr -d '\n')
ran=${#progress}
count() { local s=${progress//[^$1]/}; echo ${#s}; }
lost=$(count cC)
ok $((lost > 0)) "sqlsmith never lost its connection ($lost times)"
ok $((ran < 100)) "sqlsmith ran queries ($ran in ${elapsed}s, exit $smith_status; bounds: $max_queries queries, ${seconds}s)"

# The generated statements (--dump-all-queries), each ending with ";"
stmts=$(awk 'BEGIN { RS = ";\n" } NF { n++ } END { print n + 0 }' "$work/queries.sql")
calls=$(awk 'BEGIN { RS = ";\n" } /kpi\.[a-z_]+\(/ { n++ } END { print n + 0 }' "$work/queries.sql")
typed=$(awk 'BEGIN { RS = ";\n" } /kpi\.|states\./ { n++ } END { print n + 0 }' "$work/queries.sql")
ok $((calls * 5 < stmts)) "sqlsmith aimed at salesperf: $calls of $stmts statements call a salesperf routine"

echo "# seed $seed: $ran queries in ${elapsed}s: $(count .) ran without error, $(count e) errors, $(count t) timeouts (1 s), $(count sS) syntax errors, $lost connection losses"
echo "# $calls statements call salesperf routines; $typed use salesperf types or read stored states"
echo "# errors by SQLSTATE (count, most frequent message):"
q $logdb -F ' ' <<'SQL' | sed 's/^/#   /'
SELECT count(*), sqlstate,
       left(mode() WITHIN GROUP (ORDER BY regexp_replace(split_part(msg, E'\n', 1), '"[^"]*"', '"..."', 'g')), 110)
FROM error GROUP BY sqlstate ORDER BY count(*) DESC, sqlstate;
SQL
echo "# most frequent error messages:"
q $logdb -F ' ' <<'SQL' | sed 's/^/#   /'
SELECT count(*), left(regexp_replace(split_part(msg, E'\n', 1), '"[^"]*"', '"..."', 'g'), 110)
FROM error GROUP BY 2 ORDER BY 1 DESC LIMIT 15;
SQL
echo "# data errors (classes 22, 54, 0A, XX) in statements that call salesperf:"
q $logdb -F ' ' <<'SQL' | sed 's/^/#   /'
SELECT count(*), sqlstate, left(regexp_replace(split_part(msg, E'\n', 1), '"[^"]*"', '"..."', 'g'), 110)
FROM error WHERE query ~ 'kpi\.[a-z_]+\(' AND left(sqlstate, 2) IN ('22', '54', '0A', 'XX')
GROUP BY 2, 3 ORDER BY 1 DESC LIMIT 20;
SQL
# Internal errors (XX000, elog): salesperf's own elog() calls are for states
# that cannot happen, so reaching one from SQL is a bug
q $logdb -F ' | ' -c "SELECT split_part(msg, E'\n', 1), left(regexp_replace(query, '\s+', ' ', 'g'), 300)
                     FROM error WHERE sqlstate = 'XX000'" >"$work/internal.txt"
echo "# internal errors (XX000): $(wc -l <"$work/internal.txt")"
sed 's/^/#   /' "$work/internal.txt" | head -20
grep -ho 'elog(ERROR, "[^"]*"' "$SP_ROOT"/src/*.c |
	sed -E 's/^elog\(ERROR, "//; s/"$//; s/%[-0-9.lu]*[a-z]/@@/g; s/[][\.*^$()+?{}|]/\\&/g; s/@@/.*/g' >"$work/elog.re"
reached=$(cut -d'|' -f1 "$work/internal.txt" | grep -cEf "$work/elog.re")
ok $((reached > 0)) "no salesperf internal error (elog, $(wc -l <"$work/elog.re") of them) reached from SQL ($reached)"
echo "1..$n"
[ "$failed" -eq 0 ]
