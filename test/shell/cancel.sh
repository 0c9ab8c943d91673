#!/bin/bash
# Long loops in salesperf code answer a cancel promptly: merging two big
# upsell summaries (rollup) and printing one (text output) are stopped by
# statement_timeout and by pg_cancel_backend from another session, well
# before they would finish, and the session stays usable.  "Promptly" is
# judged against the same statement's uncancelled time in the same run,
# not against a fixed clock.  Uses the cluster in PGHOST/PGPORT; prints TAP.
set -u
db=salesperf_cancel
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
q() { psql -X -q -At -d $db "$@"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION salesperf;
CREATE TABLE big AS
SELECT upsell_rate_agg(a, 100 + a % 50, timestamptz '2025-01-01 00:00+00' + make_interval(days => a % 300)) AS s
FROM generate_series(1, 1500000) a;
SQL

merge="SELECT account_count(rollup(s)) FROM (SELECT s FROM big UNION ALL SELECT s FROM big) x"
print="SELECT length(s::text) FROM big"

for stmt in merge print; do
	sql=${!stmt}
	t0=$(date +%s%N); full_out=$(q -c "$sql" 2>&1); full=$(ms "$t0")
	t0=$(date +%s%N)
	out=$(q -c "SET statement_timeout = '50ms'" -c "$sql" -c "RESET statement_timeout" -c "SELECT 'usable'" 2>&1)
	cancelled=$(ms "$t0")
	echo "# $stmt: uncancelled $full ms ($full_out), cancelled after $cancelled ms"
	[ "$full" -ge 150 ]
	ok $? "$stmt: the uncancelled statement runs long enough to be cancelled mid-work ($full ms)"
	grep -q 'canceling statement due to statement timeout' <<<"$out" && grep -q usable <<<"$out"
	ok $? "$stmt: statement_timeout cancels it and the session stays usable"
	[ $((cancelled * 2)) -lt "$full" ]
	ok $? "$stmt: cancelled in under half its uncancelled time ($cancelled of $full ms)"
done

# pg_cancel_backend from another session, during the merge
q -c "SET application_name = 'salesperf_cancel_victim'" -c "$merge" >"/tmp/$db.victim" 2>&1 &
victim=$!
sleep 0.3
psql -X -q -At -d postgres -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                               WHERE application_name = 'salesperf_cancel_victim'" >/dev/null
wait $victim
grep -q 'canceling statement due to user request' "/tmp/$db.victim"
ok $? "pg_cancel_backend stops a running rollup of big summaries"
rm -f "/tmp/$db.victim"

psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
echo "1..$n"
