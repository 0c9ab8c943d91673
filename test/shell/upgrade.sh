#!/bin/bash
# Upgrades: the extension reached by ALTER EXTENSION salesperf UPDATE from
# each earlier release (0.1.0, the longest path, and 0.2.0) is the extension a
# fresh install creates, member by member, and states stored under that
# release read back identically after the update.  Runs against the cluster
# in PGHOST/PGPORT (scripts/test starts one); prints TAP.
set -u
fresh=salesperf_upg_fresh
work=$(mktemp -d /tmp/salesperf-upgrade.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

# the releases whose users update: each must reach the default version
releases=(0.1.0 0.2.0)
default=$(q postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'salesperf'")

recreate_db() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1
}

# Every release is installable, and an update path leads from each to the
# default version
q postgres -c "SELECT string_agg(version, ' ' ORDER BY version) FROM pg_available_extension_versions WHERE name = 'salesperf'" >"$work/versions"
for from in "${releases[@]}"; do
	grep -qw "$from" "$work/versions" && grep -qw "$default" "$work/versions"
	ok $? "versions $from and $default are installable ($(cat "$work/versions"))"
	q postgres -c "SELECT path FROM pg_extension_update_paths('salesperf') WHERE source = '$from' AND target = '$default'" >"$work/path"
	[ -s "$work/path" ]
	ok $? "an update path leads from $from to $default: $(cat "$work/path")"
done

# The catalog of each database: every member object and everything that
# defines it, by name (OIDs differ between the two databases)
catalog() {
	q "$1" <<'SQL'
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'salesperf'),
m AS (SELECT d.classid, d.objid, d.objsubid FROM pg_depend d, ext
      WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e')
SELECT 'member ' || pg_describe_object(classid, objid, objsubid) FROM m
UNION ALL
SELECT 'extension ' || concat_ws(' | ', extname, extversion, extrelocatable, extnamespace::regnamespace,
                                 extconfig, extcondition, pg_get_userbyid(extowner))
FROM pg_extension WHERE extname = 'salesperf'
UNION ALL
SELECT 'comment ' || pg_describe_object(m.classid, m.objid, m.objsubid) || ' = ' || ds.description
FROM m JOIN pg_description ds ON ds.classoid = m.classid AND ds.objoid = m.objid AND ds.objsubid = m.objsubid
UNION ALL
SELECT 'depends ' || pg_describe_object(m.classid, m.objid, m.objsubid) || ' -> '
       || pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) || ' ' || d.deptype::text
FROM m JOIN pg_depend d ON d.classid = m.classid AND d.objid = m.objid AND d.objsubid = m.objsubid
WHERE d.deptype <> 'e'
UNION ALL
SELECT 'function ' || p.oid::regprocedure || ' | ' || concat_ws(' | ', p.prokind, p.prorettype::regtype,
       p.proretset, p.proparallel, p.provolatile, p.proisstrict, p.proleakproof, p.prosecdef,
       p.procost, p.prorows, p.prosupport, p.prolang::regproc, p.prosrc, p.probin,
       pg_get_userbyid(p.proowner), p.proacl, p.proconfig, p.proargnames, pg_get_expr(p.proargdefaults, 0),
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END)
FROM pg_proc p JOIN m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
UNION ALL
SELECT 'aggregate ' || a.aggfnoid::regprocedure || ' | ' || concat_ws(' | ', a.aggkind, a.aggnumdirectargs,
       a.aggtransfn::regprocedure, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn,
       a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn, a.aggfinalextra, a.aggmfinalextra,
       a.aggfinalmodify, a.aggmfinalmodify, a.aggsortop::regoperator, a.aggtranstype::regtype,
       a.aggtransspace, a.aggmtranstype::regtype, a.aggmtransspace,
       coalesce(a.agginitval, '<null>'), coalesce(a.aggminitval, '<null>'))
FROM pg_aggregate a JOIN m ON m.classid = 'pg_proc'::regclass AND m.objid = a.aggfnoid
UNION ALL
SELECT 'operator ' || o.oid::regoperator || ' | ' || concat_ws(' | ', o.oprkind, o.oprresult::regtype,
       o.oprcode::regprocedure, o.oprcom::regoperator, o.oprnegate::regoperator, o.oprrest, o.oprjoin,
       o.oprcanhash, o.oprcanmerge, pg_get_userbyid(o.oprowner))
FROM pg_operator o JOIN m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
UNION ALL
SELECT 'opclass ' || am.amname || ' ' || c.opcname || ' | ' || concat_ws(' | ', c.opcnamespace::regnamespace,
       f.opfname, c.opcintype::regtype, c.opcdefault, c.opckeytype::regtype, pg_get_userbyid(c.opcowner))
FROM pg_opclass c JOIN m ON m.classid = 'pg_opclass'::regclass AND m.objid = c.oid
JOIN pg_am am ON am.oid = c.opcmethod JOIN pg_opfamily f ON f.oid = c.opcfamily
UNION ALL
SELECT 'opfamily member ' || pg_describe_object('pg_opfamily'::regclass, f.oid, 0) || ' | '
       || concat_ws(' | ', ao.amopstrategy, ao.amoplefttype::regtype, ao.amoprighttype::regtype,
                    ao.amopopr::regoperator, ao.amoppurpose, ao.amopsortfamily)
FROM pg_opfamily f JOIN m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
JOIN pg_amop ao ON ao.amopfamily = f.oid
UNION ALL
SELECT 'opfamily support ' || pg_describe_object('pg_opfamily'::regclass, f.oid, 0) || ' | '
       || concat_ws(' | ', ap.amprocnum, ap.amproclefttype::regtype, ap.amprocrighttype::regtype,
                    ap.amproc::regprocedure)
FROM pg_opfamily f JOIN m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
JOIN pg_amproc ap ON ap.amprocfamily = f.oid
UNION ALL
SELECT 'type ' || t.oid::regtype || ' | ' || concat_ws(' | ', t.typnamespace::regnamespace, t.typlen,
       t.typbyval, t.typtype, t.typcategory, t.typispreferred, t.typisdefined, t.typdelim,
       t.typrelid, t.typsubscript, t.typelem::regtype, t.typarray::regtype,
       t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
       t.typalign, t.typstorage, t.typnotnull, t.typbasetype, t.typtypmod, t.typndims,
       t.typcollation, t.typdefault, t.typacl, pg_get_userbyid(t.typowner))
FROM pg_type t JOIN m ON m.classid = 'pg_type'::regclass AND (m.objid = t.oid OR m.objid = t.typelem)
UNION ALL
SELECT 'cast ' || c.castsource::regtype || ' AS ' || c.casttarget::regtype || ' | '
       || concat_ws(' | ', c.castfunc::regprocedure, c.castcontext, c.castmethod)
FROM pg_cast c JOIN m ON m.classid = 'pg_cast'::regclass AND m.objid = c.oid
ORDER BY 1;
SQL
}
# A fresh install in schema kpi, and its catalog, to compare every updated
# database with
recreate_db $fresh
q $fresh -c "CREATE SCHEMA kpi" -c "CREATE EXTENSION salesperf SCHEMA kpi" >/dev/null
ok $? "fresh CREATE EXTENSION salesperf (version $default)"
catalog $fresh >"$work/fresh.cat"
ok $? "catalog of the fresh database read"
# sanity: the description is detailed enough to see a difference
for kind in member comment depends function aggregate operator opclass 'opfamily member' 'opfamily support' type cast; do
	grep -q "^$kind " "$work/fresh.cat" || echo "# no '$kind' lines in the fresh catalog"
done
# the extension's base types, counted from pg_type, not from the description
ntypes=$(q $fresh -c "SELECT count(*) FROM pg_type t JOIN pg_depend d ON d.classid = 'pg_type'::regclass
	AND d.objid = t.oid AND d.deptype = 'e' AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'salesperf')
	WHERE t.typtype = 'b' AND t.typelem = 0")
[ "$(grep -c '^function ' "$work/fresh.cat")" -gt 50 ] && [ "$(grep -c '^aggregate ' "$work/fresh.cat")" -ge 9 ] &&
	[ "$ntypes" -ge 5 ] && [ "$(grep -c '^opclass hash ' "$work/fresh.cat")" -eq "$ntypes" ]
ok $? "the fresh catalog lists $(grep -c '^member ' "$work/fresh.cat") members, $(grep -c '^function ' "$work/fresh.cat") functions, $(grep -c '^aggregate ' "$work/fresh.cat") aggregates, $(grep -c '^opclass hash ' "$work/fresh.cat") hash opclasses (one per state type: $ntypes types)"

# update_from RELEASE: install RELEASE in schema kpi of a new database, store
# states of every type, update to the default version, and check the states
# and the catalog against the fresh install
update_from() {
	local from=$1 db=salesperf_upg_from_${1//./_}
	recreate_db "$db"
	# The old script creates its C functions with check_function_bodies on,
	# so the current module must export every symbol that script names.
	q "$db" -c "CREATE SCHEMA kpi" -c "CREATE EXTENSION salesperf SCHEMA kpi VERSION '$from'" >/dev/null
	ok $? "CREATE EXTENSION salesperf VERSION '$from' against the current module (every C symbol it names exists)"

	# States stored under $from, with their text and binary forms and accessor
	# answers recorded before the update.  Value ratios come from a moving
	# window too (states updated in place), text keys from a table column
	# (short varlena headers) and from text input (long ones).
	q "$db" >/dev/null <<'SQL'
SET search_path = public, kpi;
SELECT setseed(0.29);
CREATE TABLE opps AS
SELECT g AS id, g % 12 AS owner, random() < 0.3 AS won,
       round((random() * 5000)::numeric, 2) AS amount, (random() * 6)::int AS calls,
       make_interval(secs => exp(random() * 10)) AS response,
       'acct-' || (g % 50) AS account, timestamptz '2025-01-01 00:00+00' + (g % 9) * interval '1 month' AS at
FROM generate_series(1, 6000) g;
CREATE TABLE states AS
SELECT owner,
       close_rate_agg(won) AS won_state,
       close_rate_agg(won, amount) AS value_state,
       lead_qualification_efficiency_agg(won, calls::bigint) AS lead_state,
       response_time_agg(response) AS sketch,
       response_time_agg(response) FILTER (WHERE id % 100 = 0) AS small_sketch,
       upsell_rate_agg(account, amount, at) AS book,
       upsell_rate_agg(amount, at) FILTER (WHERE id % 12 = 1) AS series
FROM opps GROUP BY owner;
INSERT INTO states (owner, value_state, book)
SELECT 100 + id, close_rate_agg(won, amount) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW),
       ('v1 key text; ' || account || ' 2025-01-01=' || amount)::upsell_summary
FROM opps WHERE id <= 200;
CREATE TABLE before AS
SELECT owner, s::text AS txt, kpi_ratio_send(won_state) AS b1, kpi_ratio_send(value_state) AS b2,
       kpi_ratio_send(lead_state) AS b3, duration_sketch_send(sketch) AS b4,
       duration_sketch_send(small_sketch) AS b5, upsell_summary_send(book) AS b6,
       upsell_summary_send(series) AS b7,
       ROW(close_rate(won_state), close_rate(value_state), lead_qualification_efficiency(lead_state),
           response_time_percentile(sketch, 0.9), response_time_mean(small_sketch), upsell_rate(book),
           account_count(book), current_value(series))::text AS answers
FROM states s;
SQL
	ok $? "states of every type stored under $from"

	q "$db" -c "ALTER EXTENSION salesperf UPDATE" >/dev/null &&
		[ "$(q "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'salesperf'")" = "$default" ]
	ok $? "ALTER EXTENSION salesperf UPDATE reaches $default"

	q "$db" >"$work/reread" <<'SQL'
SET search_path = public, kpi;
SELECT count(*) = (SELECT count(*) FROM states) AND count(*) > 200 AND bool_and(
         b.txt = s::text
         AND b.b1 IS NOT DISTINCT FROM kpi_ratio_send(won_state)
         AND b.b2 IS NOT DISTINCT FROM kpi_ratio_send(value_state)
         AND b.b3 IS NOT DISTINCT FROM kpi_ratio_send(lead_state)
         AND b.b4 IS NOT DISTINCT FROM duration_sketch_send(sketch)
         AND b.b5 IS NOT DISTINCT FROM duration_sketch_send(small_sketch)
         AND b.b6 IS NOT DISTINCT FROM upsell_summary_send(book)
         AND b.b7 IS NOT DISTINCT FROM upsell_summary_send(series)
         AND b.answers = ROW(close_rate(won_state), close_rate(value_state), lead_qualification_efficiency(lead_state),
                             response_time_percentile(sketch, 0.9), response_time_mean(small_sketch), upsell_rate(book),
                             account_count(book), current_value(series))::text)
FROM states s JOIN before b USING (owner);
-- stored states are equal to themselves and to their text forms read back
SELECT count(*) > 200 AND bool_and(coalesce(won_state = won_state::text::kpi_ratio, true)
                AND value_state = value_state::text::kpi_ratio
                AND kpi_ratio_hash(value_state) = kpi_ratio_hash(value_state::text::kpi_ratio)
                AND coalesce(sketch = sketch::text::duration_sketch, true)
                AND coalesce(duration_sketch_hash(sketch) = duration_sketch_hash(sketch::text::duration_sketch), true)
                AND book = book::text::upsell_summary
                AND upsell_summary_hash(book) = upsell_summary_hash(book::text::upsell_summary))
FROM states;
SELECT count(*) FROM (SELECT DISTINCT value_state, book FROM states) d;
SQL
	[ "$(sed -n 1p "$work/reread")" = t ]
	ok $? "every $from state reads back after the update: same text, binary form and answers"
	[ "$(sed -n 2p "$work/reread")" = t ]
	ok $? "$from states compare and hash equal to their own text forms read back"
	[ "$(sed -n 3p "$work/reread")" -gt 200 ]
	ok $? "SELECT DISTINCT over $from states works after the update"

	catalog "$db" >"$work/updated.cat"
	ok $? "catalog of the database updated from $from read"
	if diff -u "$work/fresh.cat" "$work/updated.cat" >"$work/catalog.diff"; then
		ok 0 "updated from $from = fresh $default: every member, definition, aggregate, operator, opclass, type, cast, dependency and comment ($(wc -l <"$work/fresh.cat") lines)"
	else
		sed 's/^/# /' "$work/catalog.diff" | head -60
		ok 1 "updated from $from = fresh $default: every member, definition, aggregate, operator, opclass, type, cast, dependency and comment"
	fi
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
}

for from in "${releases[@]}"; do
	update_from "$from"
done

psql -X -q -d postgres -c "DROP DATABASE $fresh" >/dev/null
echo "1..$n"
