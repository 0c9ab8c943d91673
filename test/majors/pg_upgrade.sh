#!/bin/bash
# test/majors/pg_upgrade.sh NEW_PG_CONFIG...: stored states survive
# pg_upgrade and pg_dump/pg_restore from PostgreSQL 15 to each newer major
# given (the pg_config of a server built by scripts/pg-build), e.g.
#
#     test/majors/pg_upgrade.sh "$(scripts/pg-build 17 | tail -1)" "$(scripts/pg-build 18 | tail -1)"
#
# A 15 cluster (a private copy of Debian's server, SP_OLD_PG_CONFIG, default
# /usr/lib/postgresql/15/bin/pg_config) holds three databases with salesperf
# installed at 0.1.0, 0.2.0 and the default version, each with stored states
# of every type in tables and materialized views (test/majors/states.sql).
# For each new major, a copy of that cluster is upgraded with pg_upgrade
# --copy, and each database's pg_dump (taken from the 15 server with the new
# major's pg_dump) is restored into the upgraded cluster.  Afterwards every
# stored state has the same text, the same send bytes and the same stored
# bytes (test/majors/fingerprint.sql), every KPI answers the same
# (test/majors/answers.sql), and the same states computed afresh on the new
# major are byte-identical to the ones 15 stored: the on-disk formats are the
# same on both majors.  Prints TAP; logs go to LOGDIR (SP_MAJORS_LOG,
# default test/results/majors-upgrade/).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 NEW_PG_CONFIG..." >&2; exit 2; }
for c in "$@"; do [ -x "$c" ] || { echo "$0: $c is not a pg_config" >&2; exit 2; }; done
old_pgconfig=${SP_OLD_PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
logdir=${SP_MAJORS_LOG:-$root/test/results/majors-upgrade}
mkdir -p "$logdir"
dbs="sp_v010 sp_v020 sp_cur"

n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bail() { echo "Bail out! $*"; exit 1; }
# known STATUS DESCRIPTION REASON: a check of a documented known limit of the
# platform (docs/majors.md), TAP "# TODO": reported, never counted as a
# failure, and an "ok ... # TODO" once the platform no longer has the limit
known() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2 # TODO $3"; else echo "not ok $n - $2 # TODO $3"; fi
}
# only_attver FILE: FILE holds errors of the new server rejecting pg_attver,
# and no other error but their consequences (the relations it did not create)
only_attver() {
	grep -q 'ERROR:  unrecognized parameter "pg_attver"' "$1" &&
		! grep 'ERROR' "$1" | grep -v 'ERROR:  unrecognized parameter "pg_attver"' | grep -vqE 'ERROR:  relation "[^"]+" does not exist$'
}
attver_reason="known limit: Debian 12's PostgreSQL 15 sets attoptions pg_attver=N on every column and 18 rejects it (docs/majors.md)"

work=$(mktemp -d /tmp/salesperf-upgrade.XXXXXX)
chmod 755 "$work"
runas=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$work"
	runas=(runuser -u postgres --)
fi
running=()
cleanup() {
	local d
	for d in "${running[@]}"; do
		(cd / && "${runas[@]}" "${d%%|*}/pg_ctl" -D "${d#*|}" -m immediate stop >/dev/null 2>&1)
	done
	rm -rf "$work"
}
trap cleanup EXIT

# pg BINDIR DATADIR PORT start|stop: a cluster whose socket is in $work
pg() {
	local bin=$1 data=$2 port=$3
	if [ "$4" = start ]; then
		(cd "$work" && "${runas[@]}" "$bin/pg_ctl" -D "$data" -l "$data.log" -o "-p $port" -w start) >/dev/null ||
			{ cat "$data.log" >&2; return 1; }
		running+=("$bin|$data")
	else
		(cd "$work" && "${runas[@]}" "$bin/pg_ctl" -D "$data" -w stop) >/dev/null
	fi
}
# initdb BINDIR DATADIR [options]
mkcluster() {
	local bin=$1 data=$2
	shift 2
	(cd "$work" && "${runas[@]}" "$bin/initdb" -D "$data" -U postgres -A trust --no-sync -E UTF8 \
		--locale=C "$@") >"$data.initdb.log" 2>&1 || { cat "$data.initdb.log" >&2; return 1; }
	cat >>"$data/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$work'
		fsync = off
		max_worker_processes = 16
		max_parallel_workers = 8
		work_mem = 64MB
	CONF
}
# build PG_CONFIG DESTDIR NAME: salesperf from a copy of the tree, installed
build() {
	local tree=$work/tree-$3
	mkdir -p "$tree" &&
		cp -r "$root/Makefile" "$root"/*.control "$root/src" "$root/upgrade" "$tree/" &&
		make -C "$tree" -s PG_CONFIG="$1" clean >/dev/null &&
		make -C "$tree" -s PG_CONFIG="$1" &&
		make -C "$tree" -s PG_CONFIG="$1" install ${2:+DESTDIR=$2}
}
# one client for every server (15's psql), so answers are printed alike
q() { "$oldbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$work" -U postgres "$@"; }
# record PORT DB SCHEMA FILE: the fingerprint of the states in SCHEMA
fingerprint() { q -p "$1" -d "$2" -v s="$3" -f "$here/fingerprint.sql" >"$4" 2>"$4.err" && [ ! -s "$4.err" ]; }
answers() { q -p "$1" -d "$2" -f "$here/answers.sql" >"$3" 2>"$3.err" && [ ! -s "$3.err" ]; }
# fresh PORT DB FILE: the states computed again, in a schema rolled back
fresh() {
	{
		echo 'BEGIN; CREATE SCHEMA fresh;'
		echo '\set s fresh'
		cat "$here/states.sql"
		sed '/^BEGIN;$/d; /^ROLLBACK;$/d' "$here/fingerprint.sql"
		echo 'ROLLBACK;'
	} >"$work/fresh.sql"
	q -p "$1" -d "$2" -v ON_ERROR_STOP=1 -f "$work/fresh.sql" 2>"$3.err" | grep -v '^\(SELECT\|BEGIN\|ROLLBACK\|CREATE\|SET\)' >"$3" &&
		[ ! -s "$3.err" ]
}
# same A B: identical and not empty (one line per stored row and column)
same() { [ -s "$1" ] && cmp -s "$1" "$2"; }
# same_logical A B: the same rows, text and send bytes (fingerprint fields
# 1-3).  A value kpi_ratio updated in place may keep stale bytes in the
# alignment gap between its two sums (src/ratio.c, RatioAccumValue; = and
# the hash read the fields), and text input writes zeros there, so a
# dump/restore keeps the state but not necessarily that gap
same_logical() { [ -s "$1" ] && cmp -s <(cut -d'|' -f1-3 "$1") <(cut -d'|' -f1-3 "$2"); }

# --- PostgreSQL 15 ---------------------------------------------------------
oldver=$("$old_pgconfig" --version | sed -n 's/^PostgreSQL \([0-9]*\).*/\1/p')
SP_PGVER=$oldver "$root/scripts/dev-sandbox" "$work/old" >/dev/null || bail "no $oldver sandbox"
oldbin=$work/old/usr/lib/postgresql/$oldver/bin
build "$old_pgconfig" "$work/old" old >"$logdir/build-$oldver.log" 2>&1
ok $? "salesperf built and installed into a private PostgreSQL $oldver"
mkcluster "$oldbin" "$work/old-data" && pg "$oldbin" "$work/old-data" 5440 start || bail "PostgreSQL $oldver cluster"
for db in $dbs; do
	case $db in
	sp_v010) ver="VERSION '0.1.0'" ;;
	sp_v020) ver="VERSION '0.2.0'" ;;
	*) ver= ;;
	esac
	q -p 5440 -d postgres -c "CREATE DATABASE $db" &&
		q -p 5440 -d "$db" -c "CREATE SCHEMA kpi" -c "CREATE EXTENSION salesperf SCHEMA kpi $ver" \
			-f "$here/sources.sql" -v s=public -f "$here/states.sql" >"$logdir/setup-$db.log" 2>&1
	ok $? "$db: salesperf $(q -p 5440 -d "$db" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'salesperf'") on $oldver with stored states of every type"
	fingerprint 5440 "$db" public "$logdir/$db.states-$oldver"
	ok $? "$db: $(wc -l <"$logdir/$db.states-$oldver") stored state columns x rows fingerprinted on $oldver"
	answers 5440 "$db" "$logdir/$db.answers-$oldver"
	ok $? "$db: $(wc -l <"$logdir/$db.answers-$oldver") lines of KPI answers on $oldver"
	fresh 5440 "$db" "$logdir/$db.fresh-$oldver" && same "$logdir/$db.states-$oldver" "$logdir/$db.fresh-$oldver"
	ok $? "$db: states computed again on $oldver are byte-identical to the stored ones (the reference is stable)"
done

# --- each newer major ------------------------------------------------------
port=5450
for newcfg in "$@"; do
	newprefix=$(cd "$(dirname "$newcfg")/.." && pwd)
	newver=$("$newcfg" --version | sed -n 's/^PostgreSQL \([0-9]*\).*/\1/p')
	newfull=$("$newcfg" --version)
	cp -a "$newprefix" "$work/new-$newver" || bail "cannot copy $newprefix"
	newbin=$work/new-$newver/bin
	build "$newbin/pg_config" "" "new-$newver" >"$logdir/build-$newver.log" 2>&1
	ok $? "salesperf built with -Werror and installed into a private $newfull"

	# dumps of the 15 databases, taken with the new major's pg_dump
	for db in $dbs; do
		"$newbin/pg_dump" -h "$work" -p 5440 -U postgres -Fc -d "$db" -f "$work/$db.dump" 2>"$logdir/$db.dump-$newver.err"
		ok $? "$db: pg_dump $newver of the untouched $oldver database"
	done
	pg "$oldbin" "$work/old-data" 5440 stop

	up=$work/up-$newver
	mkdir -p "$up" && chown --reference="$work" "$up"
	(cd "$work" && "${runas[@]}" cp -a "$work/old-data" "$up/old")
	# Debian's 15.20 stamps every column with an attribute option
	# pg_attver=N, which 18.6 rejects ("unrecognized parameter"), so
	# pg_upgrade cannot restore the schema.  Not salesperf's doing: say so,
	# then clear the option in the copy being upgraded, so that what
	# salesperf must guarantee is still tested.
	pg "$oldbin" "$up/old" $((port + 3)) start || bail "copy of the $oldver cluster does not start"
	attver=0
	for db in postgres template1 $dbs; do
		c=$(q -p $((port + 3)) -d "$db" -At -c "SELECT count(*) FROM pg_attribute WHERE array_to_string(attoptions, ',') ~ 'pg_attver='")
		attver=$((attver + c))
	done
	echo "# $attver columns of the $oldver cluster carry attoptions pg_attver=N (set by the $oldver server itself)"
	for db in postgres template1 $dbs; do
		[ $attver -gt 0 ] &&
			q -p $((port + 3)) -d "$db" -c "UPDATE pg_attribute SET attoptions = NULL WHERE array_to_string(attoptions, ',') ~ 'pg_attver='"
		[ "$db" = postgres ] || [ "$db" = template1 ] && continue
		"$newbin/pg_dump" -h "$work" -p $((port + 3)) -U postgres -Fc -d "$db" -f "$work/$db.clean.dump" 2>>"$logdir/$db.dump-$newver.err"
		ok $? "$db: pg_dump $newver of the $oldver database (pg_attver cleared)"
	done
	pg "$oldbin" "$up/old" $((port + 3)) stop
	opts=()
	[ "$newver" -ge 18 ] && opts=(--no-data-checksums)	# 18 enables checksums by default
	mkcluster "$newbin" "$up/new" "${opts[@]}" || bail "initdb $newver"
	(cd "$up" && "${runas[@]}" "$newbin/pg_upgrade" -b "$oldbin" -B "$newbin" -d "$up/old" -D "$up/new" \
		-U postgres --copy -s "$up" -p $((port + 1)) -P $((port + 2))) >"$logdir/pg_upgrade-$newver.log" 2>&1
	st=$?
	ok $st "pg_upgrade --copy from $oldver to $newver"
	[ $st -eq 0 ] || { cat "$up"/new/pg_upgrade_output.d/*/log/*.log >>"$logdir/pg_upgrade-$newver.log" 2>/dev/null; pg "$oldbin" "$work/old-data" 5440 start; continue; }
	pg "$newbin" "$up/new" $port start || bail "upgraded $newver cluster does not start"
	if [ $attver -gt 0 ]; then
		q -p $port -d postgres -c "CREATE TEMP TABLE x (a int); ALTER TABLE x ALTER COLUMN a SET (pg_attver = 1)" \
			>/dev/null 2>"$logdir/attver-$newver.err"
		st=$?
		if [ $st -ne 0 ] && only_attver "$logdir/attver-$newver.err"; then
			known $st "$newver accepts the attribute option pg_attver that $oldver sets on every column ($(head -1 "$logdir/attver-$newver.err"))" "$attver_reason"
		else
			ok $st "$newver accepts the attribute option pg_attver that $oldver sets on every column ($(head -1 "$logdir/attver-$newver.err"))"
		fi
	fi
	for db in $dbs; do
		fingerprint $port "$db" public "$logdir/$db.states-upgraded-$newver"
		same "$logdir/$db.states-$oldver" "$logdir/$db.states-upgraded-$newver"
		ok $? "$db upgraded to $newver: every stored state has the same text, send bytes and stored bytes"
		answers $port "$db" "$logdir/$db.answers-upgraded-$newver"
		same "$logdir/$db.answers-$oldver" "$logdir/$db.answers-upgraded-$newver"
		ok $? "$db upgraded to $newver: every KPI answers identically"
		fresh $port "$db" "$logdir/$db.fresh-$newver"
		same "$logdir/$db.states-$oldver" "$logdir/$db.fresh-$newver"
		ok $? "$db on $newver: states computed afresh are byte-identical to the ones $oldver stored"
		if [ "$db" != sp_cur ]; then
			q -p $port -d "$db" -c 'ALTER EXTENSION salesperf UPDATE' >"$logdir/$db.update-$newver.log" 2>&1 &&
				answers $port "$db" "$logdir/$db.answers-updated-$newver" &&
				same "$logdir/sp_cur.answers-$oldver" "$logdir/$db.answers-updated-$newver"
			ok $? "$db upgraded to $newver then ALTER EXTENSION salesperf UPDATE: every KPI answers as the default version did on $oldver"
		fi

		r=${db}_restored
		q -p $port -d postgres -c "CREATE DATABASE ${r}_untouched" &&
			"$newbin/pg_restore" -h "$work" -p $port -U postgres -d "${r}_untouched" "$work/$db.dump" 2>"$logdir/$db.restore-untouched-$newver.err"
		st=$?
		what="$db: dump of the untouched $oldver database restored into $newver without error ($(grep -c 'ERROR.*pg_attver' "$logdir/$db.restore-untouched-$newver.err") errors on pg_attver, $(grep 'ERROR' "$logdir/$db.restore-untouched-$newver.err" | grep -c 'does not exist$') on the relations not created, $(grep 'ERROR' "$logdir/$db.restore-untouched-$newver.err" | grep -v 'pg_attver' | grep -vc 'does not exist$') others)"
		if [ $st -ne 0 ] && only_attver "$logdir/$db.restore-untouched-$newver.err"; then
			known $st "$what" "$attver_reason"
		else
			ok $st "$what"
		fi
		q -p $port -d postgres -c "CREATE DATABASE $r" &&
			"$newbin/pg_restore" -h "$work" -p $port -U postgres -d "$r" "$work/$db.clean.dump" 2>"$logdir/$db.restore-$newver.err"
		ok $? "$db: $oldver dump (pg_attver cleared) restored into $newver without error"
		fingerprint $port "$r" public "$logdir/$db.states-restored-$newver"
		same_logical "$logdir/$db.states-$oldver" "$logdir/$db.states-restored-$newver"
		ok $? "$db dumped from $oldver, restored into $newver: every stored state has the same text and send bytes"
		echo "# $db: $(diff "$logdir/$db.states-$oldver" "$logdir/$db.states-restored-$newver" | grep -c '^<') stored states differ in stored bytes after dump/restore: $(diff "$logdir/$db.states-$oldver" "$logdir/$db.states-restored-$newver" | grep '^<' | cut -d'|' -f1 | sed 's/^< //' | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
		# a restore creates the extension at its default version (the same
		# rows are in every database, so the default version's answers apply)
		answers $port "$r" "$logdir/$db.answers-restored-$newver"
		same "$logdir/sp_cur.answers-$oldver" "$logdir/$db.answers-restored-$newver"
		ok $? "$db dumped from $oldver, restored into $newver: every KPI answers as the default version did on $oldver"
	done
	pg "$newbin" "$up/new" $port stop
	rm -rf "$up"
	port=$((port + 10))
	pg "$oldbin" "$work/old-data" 5440 start || bail "$oldver cluster does not restart"
done
echo "1..$n"
[ $failed -eq 0 ]
