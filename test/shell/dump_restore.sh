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
-- upsell summaries keyed by built-in types of several kinds
CREATE TABLE keyed AS
SELECT 'bigint' AS kind, upsell_rate_agg(account::bigint, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS s FROM snapshots GROUP BY owner
UNION ALL SELECT 'integer', upsell_rate_agg(account::int, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots GROUP BY owner
UNION ALL SELECT 'smallint', upsell_rate_agg(account::smallint, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots WHERE owner < 3 GROUP BY owner
UNION ALL SELECT 'text', upsell_rate_agg('acct ' || account, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots GROUP BY owner
UNION ALL SELECT 'uuid', upsell_rate_agg(md5(account::text)::uuid, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots GROUP BY owner
UNION ALL SELECT 'date', upsell_rate_agg(date '2020-01-01' + account, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots WHERE owner < 3 GROUP BY owner
UNION ALL SELECT 'numeric', upsell_rate_agg(account / 8.0, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots WHERE owner < 3 GROUP BY owner
UNION ALL SELECT 'integer[]', upsell_rate_agg(ARRAY[owner, account], value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots WHERE owner < 3 GROUP BY owner
UNION ALL SELECT 'series', upsell_rate_agg(value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) FROM snapshots WHERE account < 4 GROUP BY account;
-- a summary keyed by a user-defined type, as 0.1.0 and 0.2.0 could store
-- (the aggregates refuse such keys now; text input reads them back)
CREATE TYPE tier AS ENUM ('gold', 'silver');
SET client_min_messages = error;
CREATE TABLE legacy_keyed AS
SELECT 'v1 key public.tier; gold 2025-01-01=100..2025-06-01=150; silver 2025-01-01=80..2025-06-01=0'::upsell_summary AS s;
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
SELECT owner, expansion(rollup(book)), contraction(rollup(book)), churned_value(rollup(book)),
       churned_accounts(rollup(book)), new_accounts(rollup(book), '2025-03-01 00:00+00'),
       new_value(rollup(book), '2025-03-01 00:00+00'), gross_retention(rollup(book)), net_retention(rollup(book))
FROM monthly_upsell GROUP BY owner ORDER BY owner;
-- keyed summaries, byte for byte: the stored image (read as bytea by the
-- built-in byteasend, which returns its varlena argument as it is, under a
-- function that lives only in this transaction), the binary and the text
-- form
BEGIN;
CREATE FUNCTION pg_temp.raw(upsell_summary) RETURNS bytea LANGUAGE internal STRICT AS 'byteasend';
SET client_min_messages = error;
SELECT kind, md5(pg_temp.raw(s)), md5(upsell_summary_send(s)), s::text FROM keyed ORDER BY kind, s::text;
-- the legacy one by its binary and text forms: its stored image records the
-- enum's OID, which is new in the restored database
SELECT 'legacy', md5(upsell_summary_send(s)), s::text, upsell_rate(s) FROM legacy_keyed;
ROLLBACK;
SQL
}
# same answers, and real ones: the reference must have every group
same() { [ "$(wc -l <"$work/before")" -ge 400 ] && cmp -s "$work/before" "$1"; }
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
q ${src}_copy -c "CREATE SCHEMA kpi" -c "CREATE EXTENSION salesperf SCHEMA kpi" \
	-c "CREATE TYPE tier AS ENUM ('gold', 'silver')" >/dev/null
status=0
for t in daily_ratio daily_sketch monthly_upsell keyed legacy_keyed; do
	pg_dump -s -d $src -t $t | q ${src}_copy >/dev/null &&
		q $src -c "\\copy $t TO '$work/$t.bin' WITH (FORMAT binary)" &&
		q ${src}_copy -c "\\copy $t FROM '$work/$t.bin' WITH (FORMAT binary)" &&
		{ case $t in *keyed) true ;; *) q ${src}_copy -c "CREATE MATERIALIZED VIEW ${t}_mv AS SELECT * FROM $t" >/dev/null ;; esac; } || status=1
done
ok $status "binary COPY out and in"
answers ${src}_copy >"$work/copy"
same "$work/copy"
ok $? "binary COPY: identical answers"

for db in $src ${src}_plain ${src}_custom ${src}_copy; do
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
done
echo "1..$n"
