#!/bin/bash
# Every pg_regress file runs alone, and the whole set runs in reverse order,
# as a role that is not a superuser: what a contributor on an existing server
# does with `make installcheck REGRESS=name`.
#
#  - Each file alone, through pg_regress's own database set-up: the role has
#    CREATEDB and (PostgreSQL 15+) SET on lc_messages, which pg_regress sets
#    on the database it creates; --load-extension=salesperf then installs
#    the extension as that role (salesperf is trusted).
#  - The whole set in reverse order in a database the role owns but did not
#    create (created by the superuser, OWNER the role), with --use-existing:
#    the role installs salesperf itself.
#
# The files that call test.binary_round_trip or test.binary_receive (from
# sql/include/helpers.sql), which go through files on the server, run as a
# second non-superuser role that also has pg_read_server_files, pg_write_server_files,
# pg_execute_server_program and pg_read_all_settings.  The other files run
# with no such role.  Against the cluster in PGHOST/PGPORT (scripts/test
# starts one), as its superuser PGUSER for the set-up; prints TAP.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
work=$(mktemp -d /tmp/salesperf-alone.XXXXXX)
plain=salesperf_regress_user
files_role=salesperf_regress_files
owned_db=salesperf_regress_owned
alone_db=salesperf_regress_alone
super=${PGUSER:-postgres}
cleanup() {
	PGUSER=$super psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $alone_db" \
		-c "DROP DATABASE IF EXISTS $owned_db" -c "DROP ROLE IF EXISTS $plain" \
		-c "DROP ROLE IF EXISTS $files_role" >/dev/null 2>&1
}
trap 'cleanup; rm -rf "$work"' EXIT
asuper() { PGUSER=$super PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

cleanup
asuper -c "CREATE ROLE $plain LOGIN NOSUPERUSER CREATEDB" \
	-c "CREATE ROLE $files_role LOGIN NOSUPERUSER CREATEDB" \
	-c "GRANT pg_read_server_files, pg_write_server_files, pg_execute_server_program, pg_read_all_settings TO $files_role" \
	-c "GRANT SET ON PARAMETER lc_messages TO $plain, $files_role" >"$work/roles.log" 2>&1
sp_ok $? "roles $plain and $files_role: LOGIN NOSUPERUSER CREATEDB, SET on lc_messages"
[ "$(asuper -At -c "SELECT count(*) FROM pg_roles WHERE rolname IN ('$plain', '$files_role') AND NOT rolsuper")" = 2 ]
sp_ok $? "neither role is a superuser"

# The role a file runs as: the second one if it uses the server-file helpers
role_for() {
	if grep -qE 'test\.binary_(round_trip|receive)\(' "$SP_ROOT/sql/$1.sql"; then echo "$files_role"; else echo "$plain"; fi
}

# regress OUTDIR ROLE [MAKE ARGS...]: make installcheck as ROLE, outputs in
# OUTDIR (not in the tree), status 0 only if every file passed
regress() {
	local out=$1 role=$2
	shift 2
	mkdir -p "$out"
	PGUSER=$role make -C "$SP_ROOT" -s installcheck "$@" \
		EXTRA_REGRESS_OPTS="--outputdir=$out ${EXTRA:-}" >"$out/make.log" 2>&1
	local status=$?
	[ $status -eq 0 ] || { sed 's/^/# /' "$out/make.log" | tail -15; [ -f "$out/regression.diffs" ] && sed 's/^/# /' "$out/regression.diffs" | head -40; }
	return $status
}

names=$(cd "$SP_ROOT/sql" && ls *.sql | sed 's/\.sql$//')
for t in $names; do
	role=$(role_for "$t")
	# pg_regress drops and creates its database: the last one may belong to
	# the other role
	asuper -c "DROP DATABASE IF EXISTS $alone_db" >/dev/null
	regress "$work/alone-$t" "$role" REGRESS="$t" CONTRIB_TESTDB=$alone_db
	status=$?
	if [ "$role" = "$plain" ]; then
		sp_ok $status "$t runs alone: make installcheck REGRESS=$t as a plain non-superuser"
	else
		sp_ok $status "$t runs alone: make installcheck REGRESS=$t as a non-superuser with the server-file roles"
	fi
done

# The whole set, reverse order, in one database the role owns
reversed=$(echo "$names" | sort -r | tr '\n' ' ')
asuper -c "CREATE DATABASE $owned_db OWNER $files_role" >/dev/null &&
	PGUSER=$files_role psql -X -q -v ON_ERROR_STOP=1 -d $owned_db -c "CREATE EXTENSION salesperf" >/dev/null
sp_ok $? "the owner of $owned_db (not a superuser) installs salesperf in it"
EXTRA=--use-existing regress "$work/reversed" "$files_role" REGRESS="$reversed" CONTRIB_TESTDB=$owned_db
sp_ok $? "all $(echo "$names" | wc -l) files in reverse order ($reversed) in one database, as its owner"

sp_tap_done
