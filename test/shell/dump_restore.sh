#!/bin/bash
# Stored states survive pg_dump / pg_restore (plain and custom formats) and
# binary COPY out and in, with identical answers afterwards.  Runs against
# the cluster in PGHOST/PGPORT (scripts/test starts one); prints TAP.
set -u
src=salesperf_dump_src
work=$(mktemp -d /tmp/salesperf-dump.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

for db in $src ${src}_plain ${src}_custom ${src}_copy; do
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
done

# A table and a materialized view of every state type, from a fixed seed.
q $src <<'SQL'
CREATE SCHEMA kpi;
CREATE EXTENSION salesperf SCHEMA kpi;
SET search_path = public, kpi;
SELECT setseed(0.17);
CREATE TABLE opps AS
SELECT g AS id, (g % 40) AS owner, date '2025-01-01' + (g % 90) AS day,
       random() < 0.35 AS won, round((random() * 9000)::numeric, 2) AS amount,
       (random() * 8)::int AS calls,
       make_interval(secs => exp(random() * 12)) AS response
FROM generate_series(1, 20000) g;
CREATE TABLE daily_ratio AS
SELECT owner, day, close_rate_agg(won) AS won_state, close_rate_agg(won, amount) AS value_state,
       lead_qualification_efficiency_agg(won, calls) AS lead_state
FROM opps GROUP BY owner, day;
CREATE MATERIALIZED VIEW daily_ratio_mv AS SELECT * FROM daily_ratio;
CREATE TABLE daily_sketch AS
SELECT owner, day, response_time_agg(response) AS response
FROM opps GROUP BY owner, day;
CREATE MATERIALIZED VIEW daily_sketch_mv AS SELECT * FROM daily_sketch;
CREATE TABLE snapshots AS
SELECT a AS account, (a % 40) AS owner, m AS month,
       round((1000 * (1 + a % 7) * (1 + 0.05 * m * (random() - 0.3)))::numeric, 2) AS value
FROM generate_series(1, 600) a, generate_series(0, 11) m;
CREATE TABLE monthly_upsell AS
SELECT owner, month, upsell_rate_agg('acct-' || account, value,
                                     timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS book
FROM snapshots GROUP BY owner, month;
CREATE MATERIALIZED VIEW monthly_upsell_mv AS SELECT * FROM monthly_upsell;
SQL

# Each type's answers, as one text line per group, compared after each path
answers() {
	q "$1" <<'SQL'
SET search_path = public, kpi;
SELECT owner, close_rate(rollup(won_state)), close_rate(rollup(value_state)),
       lead_qualification_efficiency(rollup(lead_state)), rollup(value_state)
FROM daily_ratio GROUP BY owner ORDER BY owner;
SELECT owner, rollup(won_state) FROM daily_ratio_mv GROUP BY owner ORDER BY owner;
SELECT owner, response_time_percentile(rollup(response), ARRAY[0.5, 0.9, 0.99]),
       share_within(rollup(response), interval '5 minutes'), rollup(response)
FROM daily_sketch GROUP BY owner ORDER BY owner;
SELECT owner, response_time_percentile(rollup(response), 0.9) FROM daily_sketch_mv GROUP BY owner ORDER BY owner;
SELECT owner, upsell_rate(rollup(book)), starting_value(rollup(book)), current_value(rollup(book)),
       account_count(rollup(book)), rollup(book)
FROM monthly_upsell GROUP BY owner ORDER BY owner;
SELECT owner, upsell_rate(rollup(book)) FROM monthly_upsell_mv GROUP BY owner ORDER BY owner;
SQL
}
# same answers, and real ones: the reference must have every group
same() { [ "$(wc -l <"$work/before")" -ge 240 ] && cmp -s "$work/before" "$1"; }
answers $src >"$work/before"
ok $? "answers computed before dumping ($(wc -l <"$work/before") groups)"

pg_dump -d $src -f "$work/plain.sql" && q ${src}_plain -f "$work/plain.sql" >/dev/null 2>"$work/plain.err"
ok $? "plain pg_dump restores without error"
answers ${src}_plain >"$work/plain"
same "$work/plain"
ok $? "plain dump/restore: identical answers from tables and materialized views"

pg_dump -Fc -d $src -f "$work/custom.dump" && pg_restore -d ${src}_custom "$work/custom.dump" 2>"$work/custom.err"
ok $? "custom-format pg_dump / pg_restore without error"
answers ${src}_custom >"$work/custom"
same "$work/custom"
ok $? "custom dump/restore: identical answers"

# binary COPY out of the source, into an empty copy of the schema
q ${src}_copy -c "CREATE SCHEMA kpi" -c "CREATE EXTENSION salesperf SCHEMA kpi" >/dev/null
status=0
for t in daily_ratio daily_sketch monthly_upsell; do
	pg_dump -s -d $src -t $t | q ${src}_copy >/dev/null &&
		q $src -c "\\copy $t TO '$work/$t.bin' WITH (FORMAT binary)" &&
		q ${src}_copy -c "\\copy $t FROM '$work/$t.bin' WITH (FORMAT binary)" &&
		q ${src}_copy -c "CREATE MATERIALIZED VIEW ${t}_mv AS SELECT * FROM $t" >/dev/null || status=1
done
ok $status "binary COPY out and in"
answers ${src}_copy >"$work/copy"
same "$work/copy"
ok $? "binary COPY: identical answers"

for db in $src ${src}_plain ${src}_custom ${src}_copy; do
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
done
echo "1..$n"
