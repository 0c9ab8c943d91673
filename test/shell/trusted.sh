#!/bin/bash
# salesperf is a trusted extension: a non-superuser who owns a database may
# CREATE EXTENSION salesperf (and ALTER EXTENSION salesperf UPDATE), and the
# script then runs as the bootstrap superuser.  That is only safe if nothing
# the user planted can run or be referenced while it does.  Here the user
# plants look-alikes of what the scripts use, earlier in search_path and in
# the target schema itself, each of which would record its call and try to
# make the user a superuser; then installs fresh and by update.  Runs
# against the cluster in PGHOST/PGPORT (scripts/test starts one); TAP.
set -u
role=salesperf_tenant
dbs=(salesperf_trusted_fresh salesperf_trusted_updated)
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
su_q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
user_q() { PGUSER=$role psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

for db in "${dbs[@]}"; do
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
done
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
su_q postgres -c "CREATE ROLE $role LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
[ "$(su_q postgres -c "SELECT trusted FROM pg_available_extension_versions WHERE name = 'salesperf' AND version = (SELECT default_version FROM pg_available_extensions WHERE name = 'salesperf')")" = t ]
ok $? "salesperf.control declares trusted = true"

# The traps, planted by the tenant in their own database: a log table, and
# look-alikes (functions, operators, types) of names the scripts use, in a
# schema first in search_path and in the target schema.  Every look-alike
# function logs its call and tries ALTER ROLE ... SUPERUSER, which succeeds
# only if it runs as a superuser.
plant() {
	user_q "$1" <<SQL
CREATE SCHEMA hostile;
CREATE SCHEMA kpi;
CREATE TABLE public.hostile_calls (fn text, ran_as name, at timestamptz DEFAULT now());
GRANT INSERT ON public.hostile_calls TO PUBLIC;
CREATE FUNCTION hostile.trap(fn text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	INSERT INTO public.hostile_calls (fn, ran_as) VALUES (fn, current_user);
	BEGIN
		EXECUTE 'ALTER ROLE $role SUPERUSER';
	EXCEPTION WHEN OTHERS THEN NULL;
	END;
END \$\$;
-- built-ins the scripts name (always as pg_catalog.x; a tenant cannot
-- write functions taking internal, so estimators cannot be imitated)
CREATE FUNCTION hostile.trim_scale(numeric) RETURNS numeric LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('trim_scale'); RETURN 0; END \$\$;
CREATE FUNCTION hostile.hash_numeric(numeric) RETURNS integer LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('hash_numeric'); RETURN 0; END \$\$;
CREATE FUNCTION hostile.numeric_add(numeric, numeric) RETURNS numeric LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('numeric_add'); RETURN 0; END \$\$;
CREATE FUNCTION hostile.texteq(text, text) RETURNS boolean LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('texteq'); RETURN true; END \$\$;
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.texteq);
CREATE FUNCTION hostile.oideq(oid, oid) RETURNS boolean LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('oideq'); RETURN true; END \$\$;
CREATE OPERATOR hostile.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = hostile.oideq);
CREATE TYPE hostile.cstring AS (x int);
CREATE TYPE hostile.internal AS (x int);
CREATE TYPE hostile.bytea AS (x int);
CREATE TYPE hostile.regoperator AS (x int);
CREATE TYPE hostile.pg_operator AS (x int);
-- names of salesperf's own objects, with other argument types, in the
-- target schema (a same-signature one would make CREATE fail, not hijack)
CREATE FUNCTION kpi.kpi_ratio_eq(text, text) RETURNS boolean LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('kpi.kpi_ratio_eq'); RETURN true; END \$\$;
CREATE FUNCTION kpi.close_rate(text) RETURNS float8 LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('kpi.close_rate'); RETURN 0; END \$\$;
CREATE FUNCTION kpi.rollup(text) RETURNS text LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('kpi.rollup'); RETURN ''; END \$\$;
CREATE FUNCTION kpi.kpi_ratio_hash(text) RETURNS integer LANGUAGE plpgsql
	AS \$\$ BEGIN PERFORM hostile.trap('kpi.kpi_ratio_hash'); RETURN 0; END \$\$;
CREATE OPERATOR kpi.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.texteq);
CREATE OPERATOR kpi.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = hostile.oideq);
SQL
}

# what every member object references: the target schema or pg_catalog
checks() {
	su_q "$1" <<'SQL'
WITH ext AS (SELECT oid, extowner FROM pg_extension WHERE extname = 'salesperf'),
m AS (SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refobjid = ext.oid AND d.deptype = 'e'),
refs AS (
	-- every object a member depends on (argument and result types, support
	-- functions, operators' functions and estimators, opclass members)
	SELECT pg_describe_object(d.refclassid, d.refobjid, 0) AS what,
	       CASE d.refclassid
	         WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.refobjid)
	         WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.refobjid)
	         WHEN 'pg_operator'::regclass THEN (SELECT oprnamespace FROM pg_operator WHERE oid = d.refobjid)
	         WHEN 'pg_opfamily'::regclass THEN (SELECT opfnamespace FROM pg_opfamily WHERE oid = d.refobjid)
	         WHEN 'pg_namespace'::regclass THEN d.refobjid
	       END AS nsp
	FROM m JOIN pg_depend d ON d.classid = m.classid AND d.objid = m.objid AND d.deptype = 'n'
	UNION ALL
	-- and what the catalogs name without a dependency: estimators, I/O, initconds' types
	SELECT o.oprrest::text, (SELECT pronamespace FROM pg_proc WHERE oid = o.oprrest)
	FROM pg_operator o JOIN m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
	UNION ALL
	SELECT o.oprjoin::text, (SELECT pronamespace FROM pg_proc WHERE oid = o.oprjoin)
	FROM pg_operator o JOIN m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
	UNION ALL
	SELECT t.typname, t.typnamespace
	FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
	CROSS JOIN LATERAL unnest(p.proargtypes::oid[] || p.prorettype) a(typ) JOIN pg_type t ON t.oid = a.typ
)
SELECT (SELECT count(*) FROM m) > 100,
       (SELECT bool_and(nsp IN ('pg_catalog'::regnamespace, 'kpi'::regnamespace)) FROM refs WHERE nsp IS NOT NULL),
       (SELECT count(*) FROM refs WHERE nsp IS NULL),
       (SELECT string_agg(DISTINCT what, ', ') FROM refs WHERE nsp NOT IN ('pg_catalog'::regnamespace, 'kpi'::regnamespace)),
       (SELECT bool_and(pg_describe_object(classid, objid, 0) !~ 'hostile') FROM m),
       (SELECT count(*) FROM public.hostile_calls),
       (SELECT rolsuper FROM pg_roles WHERE rolname = 'salesperf_tenant'),
       (SELECT pg_get_userbyid(extowner) FROM ext),
       (SELECT string_agg(DISTINCT pg_get_userbyid(owner), ',') FROM (
           SELECT proowner AS owner FROM pg_proc p JOIN m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
           UNION ALL SELECT typowner FROM pg_type t JOIN m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
           UNION ALL SELECT oprowner FROM pg_operator o JOIN m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
           UNION ALL SELECT opcowner FROM pg_opclass c JOIN m ON m.classid = 'pg_opclass'::regclass AND m.objid = c.oid
           UNION ALL SELECT opfowner FROM pg_opfamily f JOIN m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid) o),
       (SELECT oprcanhash FROM pg_operator WHERE oid = 'kpi.=(kpi.kpi_ratio,kpi.kpi_ratio)'::regoperator);
SQL
}

# the detector works: a look-alike called by the tenant records the call
# (and its ALTER ROLE fails, the tenant not being a superuser)
verify_traps() {
	user_q "$1" -c "SELECT hostile.trap('self-test')" >/dev/null &&
		[ "$(user_q "$1" -c "SELECT count(*) FROM public.hostile_calls")" = 1 ] &&
		[ "$(su_q "$1" -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$role'")" = f ] &&
		user_q "$1" -c "DELETE FROM public.hostile_calls" >/dev/null
}

for i in 0 1; do
	db=${dbs[$i]}
	su_q postgres -c "CREATE DATABASE $db OWNER $role"
	plant "$db" >/dev/null
	verify_traps "$db"
	ok $? "$db: traps planted by the tenant, and a trap the tenant calls records it"
	if [ $i -eq 0 ]; then
		how="CREATE EXTENSION"
		user_q "$db" -c "SET search_path = hostile, pg_catalog, kpi, public" \
			-c "CREATE EXTENSION salesperf SCHEMA kpi" >/dev/null
	else
		how="CREATE EXTENSION VERSION '0.1.0' + ALTER EXTENSION UPDATE"
		user_q "$db" -c "SET search_path = hostile, pg_catalog, kpi, public" \
			-c "CREATE EXTENSION salesperf SCHEMA kpi VERSION '0.1.0'" \
			-c "ALTER EXTENSION salesperf UPDATE" >/dev/null
	fi
	ok $? "$how by a non-superuser database owner, hostile search_path"
	IFS='|' read -r many safe unknown bad nohostile calls super owner owners canhash < <(checks "$db")
	[ "$many" = t ] && [ "$safe" = t ] && [ "$unknown" = 0 ] && [ "$nohostile" = t ]
	ok $? "$how: every member and everything it references is in kpi or pg_catalog${bad:+ (not: $bad)}"
	[ "$calls" = 0 ] && [ "$super" = f ]
	ok $? "$how: no planted function ran ($calls calls) and the tenant is still not a superuser"
	[ "$owner" = "$role" ] && [ "$owners" = postgres ]
	ok $? "$how: the extension is owned by the tenant ($owner), its members by the bootstrap superuser ($owners)"
	[ "$canhash" = t ]
	ok $? "$how: kpi_ratio's = is hashable"
	[ "$(user_q "$db" -c "SET search_path = hostile, kpi, public" \
		-c "SELECT kpi.close_rate(won)::text || ' ' || kpi.close_rate_agg(won, amount)::text || ' ' || (SELECT count(*) FROM (SELECT DISTINCT s FROM (VALUES ('1/2'::kpi.kpi_ratio), ('1/2'), ('value:1.0/2'), ('value:1/2.00')) v(s)) d)
		    FROM (VALUES (true, 10.5), (false, 4.5), (true, 5)) v(won, amount)")" = "0.6666666666666666 close_rate:value:15.5/20 2" ]
	ok $? "$how: the tenant gets right answers with the hostile search_path in place"
	# the tenant owns the extension, so may drop it, but not its members one by one
	! user_q "$db" -c "ALTER EXTENSION salesperf DROP FUNCTION kpi.close_rate(kpi.kpi_ratio)" >/dev/null 2>&1 &&
		! user_q "$db" -c "DROP FUNCTION kpi.kpi_ratio_hash(kpi.kpi_ratio)" >/dev/null 2>&1 &&
		user_q "$db" -c "DROP EXTENSION salesperf" >/dev/null
	ok $? "$how: the tenant cannot detach or drop a member, but can drop the extension"
done

for db in "${dbs[@]}"; do
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
done
psql -X -q -d postgres -c "DROP ROLE $role" >/dev/null
echo "1..$n"
