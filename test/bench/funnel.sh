#!/bin/bash
# test/bench/funnel.sh: the pipeline funnel (reach per stage, median time in
# each stage, median sales cycle) grouped by owner, from funnel_agg against
# the window-function SQL analysts write for it (gaps and islands with lag
# and lead, percentile_cont), on DEALS deals with about 8 history rows each.
# The script first proves both give the same answers (reach exactly, the
# percentiles within duration_sketch's 1%), then prints the median of RUNS
# interleaved runs of each, their ratio, peak backend memory, and the state
# size per deal.
#
#   SP_PREFIX=/tmp/sbx-me test/bench/funnel.sh      (RUNS=5, DEALS=200000)
#
# Queries run serially (max_parallel_workers_per_gather = 0) so the figures
# compare algorithms, not how many idle cores the machine had.
set -eu
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
DEALS=${DEALS:-200000}
OWNERS=${OWNERS:-200}

sp_need_packages "${SP_BASE_PACKAGES[@]}" || exit 1
sp_build_install >/dev/null 2>&1 || { echo "build failed" >&2; exit 1; }
sp_cluster_start "max_parallel_workers_per_gather = 0" "work_mem = 256MB"
export PGOPTIONS='-c client_min_messages=warning'
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

q -c 'CREATE EXTENSION salesperf'
bench_load_helpers
sp_log "loading $DEALS deals over $OWNERS owners, about 8 history rows each"
# An OpportunityHistory-like log: each deal moves mostly forward, sometimes
# skips or moves back, re-logs its stage on amount and close-date edits
# (same stage, later time), and 40% end in Closed Lost; times in whole
# seconds, as CRMs export them
q -o /dev/null -c "SELECT setseed(0.12)" -c "
CREATE TABLE stages AS
SELECT stage, pos::int FROM unnest(ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won'])
	WITH ORDINALITY AS l(stage, pos);
CREATE TABLE hist AS
WITH d AS (SELECT g AS deal, g % $OWNERS AS owner, random() < 0.4 AS lost,
                  timestamptz '2024-01-01' + (random() * 300 * 86400)::int * interval '1 second' AS t0
           FROM generate_series(1, $DEALS) g)
SELECT owner, deal::bigint AS deal,
       CASE WHEN lost AND i = 8 THEN 'Closed Lost'
            ELSE (ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won'])[least(5, greatest(1, (i * 0.6 + random() * 1.6)::int))] END AS stage,
       t0 + (i * 3 * 86400 + (random() * 2 * 86400)::int) * interval '1 second' AS at
FROM d, generate_series(1, 8) i
WHERE i <= 6 OR random() < 0.7
ORDER BY at;" -c "VACUUM ANALYZE hist" -c "ANALYZE stages"

STAGES="ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won']"
# funnel_agg: one state per owner, read by the accessors
EXT="SELECT owner, reached(s, 'Prospecting'), reached(s, 'Qualification'), reached(s, 'Proposal'),
       reached(s, 'Negotiation'), reached(s, 'Closed Won'),
       extract(epoch FROM time_in_stage(s, 'Prospecting', 0.5)), extract(epoch FROM time_in_stage(s, 'Qualification', 0.5)),
       extract(epoch FROM time_in_stage(s, 'Proposal', 0.5)), extract(epoch FROM time_in_stage(s, 'Negotiation', 0.5)),
       extract(epoch FROM time_in_stage(s, 'Closed Won', 0.5)),
       extract(epoch FROM time_between(s, 'Prospecting', 'Closed Won', 0.5))
FROM (SELECT owner, funnel_agg(deal, stage, at, $STAGES) AS s FROM hist GROUP BY owner) x"
# The same in plain SQL: rows in order (time, stage position, unlisted
# after), a stay starts where the stage changes (lag) and ends where the
# next one starts (lead); furthest stage, summed closed stays, first entries
SQL="WITH r AS (SELECT h.owner, h.deal, h.stage, h.at, s.pos,
                  lag(h.stage) OVER (PARTITION BY h.deal ORDER BY h.at, coalesce(s.pos, 1000), h.stage) AS prev
           FROM hist h LEFT JOIN stages s USING (stage)),
stays AS (SELECT owner, deal, pos, at AS start_at,
                 lead(at) OVER (PARTITION BY deal ORDER BY at, coalesce(pos, 1000), stage) AS end_at
          FROM r WHERE prev IS DISTINCT FROM stage),
per_deal AS (SELECT owner, deal, coalesce(max(pos), 0) AS furthest FROM r GROUP BY owner, deal),
tin AS (SELECT owner, pos, deal, sum(end_at - start_at) AS total
        FROM stays WHERE pos IS NOT NULL AND end_at IS NOT NULL GROUP BY owner, pos, deal),
fst AS (SELECT owner, deal, min(at) FILTER (WHERE pos = 1) AS p, min(at) FILTER (WHERE pos = 5) AS w
        FROM r GROUP BY owner, deal),
reach AS (SELECT owner, count(*) FILTER (WHERE furthest >= 1) AS r1, count(*) FILTER (WHERE furthest >= 2) AS r2,
                 count(*) FILTER (WHERE furthest >= 3) AS r3, count(*) FILTER (WHERE furthest >= 4) AS r4,
                 count(*) FILTER (WHERE furthest >= 5) AS r5 FROM per_deal GROUP BY owner),
tis AS (SELECT owner,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE pos = 1) AS t1,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE pos = 2) AS t2,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE pos = 3) AS t3,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE pos = 4) AS t4,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE pos = 5) AS t5
        FROM tin GROUP BY owner),
cyc AS (SELECT owner, percentile_cont(0.5) WITHIN GROUP (ORDER BY w - p) AS c FROM fst WHERE w >= p GROUP BY owner)
SELECT owner, r1, r2, r3, r4, r5, extract(epoch FROM t1), extract(epoch FROM t2), extract(epoch FROM t3),
       extract(epoch FROM t4), extract(epoch FROM t5), extract(epoch FROM c)
FROM reach LEFT JOIN tis USING (owner) LEFT JOIN cyc USING (owner)"

# Same answers, or the timings mean nothing: reach exactly, percentiles
# within 1% (or both NULL), every owner
near() { echo "(e.$1 IS NULL AND s.$1 IS NULL OR abs(e.$1 - s.$1) <= 0.01 * abs(s.$1))"; }
ok=$(q -At -c "SELECT count(*) = $OWNERS AND bool_and(ROW(e.r1, e.r2, e.r3, e.r4, e.r5) = ROW(s.r1, s.r2, s.r3, s.r4, s.r5)
                      AND $(near t1) AND $(near t2) AND $(near t3) AND $(near t4) AND $(near t5) AND $(near c))
               FROM ($EXT) e(owner, r1, r2, r3, r4, r5, t1, t2, t3, t4, t5, c)
               JOIN ($SQL) s(owner, r1, r2, r3, r4, r5, t1, t2, t3, t4, t5, c) USING (owner)")
[ "$ok" = t ] || { echo "results differ" >&2; exit 1; }
WORST=$(q -At -c "SELECT round(max(greatest(abs(e.t2 - s.t2) / s.t2, abs(e.c - s.c) / s.c))::numeric * 100, 3)
                  FROM ($EXT) e(owner, r1, r2, r3, r4, r5, t1, t2, t3, t4, t5, c)
                  JOIN ($SQL) s(owner, r1, r2, r3, r4, r5, t1, t2, t3, t4, t5, c) USING (owner)")
# the states alone, stored per owner and per day, and their rollup
STATES="SELECT owner, funnel_agg(deal, stage, at, $STAGES) FROM hist GROUP BY owner"

median_ms() {
	printf '%s\n' "SELECT round(median_ms::numeric, 1) FROM bench.bench(ARRAY[:'query'], $RUNS)" |
		q -At -v query="$1"
}
sp_log "timing: median of $RUNS runs each"
T_EXT=$(median_ms "$EXT")
T_SQL=$(median_ms "$SQL")
T_STATES=$(median_ms "$STATES")

# Peak resident memory (VmHWM, kB) of a backend that ran "$1", less a
# plain scan of the same table (shared buffers it touched count too)
mem_kb() {
	q -At -c '\o /dev/null' -c "$1" -c '\o' \
		-c "SELECT regexp_replace(pg_read_file('/proc/' || pg_backend_pid() || '/status'), '.*VmHWM:\s*(\d+) kB.*', '\1')"
}
MEM_SCAN=$(mem_kb "SELECT count(*) FROM hist")
MEM_EXT=$(mem_kb "$EXT")
MEM_SQL=$(mem_kb "$SQL")
MEM_ONE=$(mem_kb "SELECT deal_count(funnel_agg(deal, stage, at, $STAGES)) FROM hist")
SIZES=$(q -At -F ' ' -c "SELECT round(sum(pg_column_size(s))::numeric / sum(deal_count(s)), 1),
                                round(sum(octet_length(funnel_summary_send(s)))::numeric / sum(deal_count(s)), 1),
                                round(sum(octet_length(s::text))::numeric / sum(deal_count(s)), 1)
                         FROM ($STATES) x(owner, s)")
read -r FLAT_PER_DEAL SEND_PER_DEAL TEXT_PER_DEAL <<<"$SIZES"
STORED=$(q -At -c "CREATE TEMP TABLE st AS $STATES; SELECT round(pg_total_relation_size('st')::numeric / $DEALS, 1)")

rows=$(q -At -c "SELECT count(*) FROM hist")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mb() { awk -v a="$1" -v b="${2:-0}" 'BEGIN {printf "%.0f MB", (a - b) / 1024}'; }
echo
echo "funnel benchmark: $DEALS deals, $rows history rows, $OWNERS owners; median of $RUNS runs, serial plans"
printf '%-44s %10s %10s %10s\n' "query" "funnel" "plain SQL" "speed-up"
printf '%-44s %8s ms %7s ms %9sx\n' "reach + median time in stage + cycle, by owner" "$T_EXT" "$T_SQL" "$(ratio "$T_SQL" "$T_EXT")"
printf '%-44s %8s ms\n' "the $OWNERS states alone (funnel_agg)" "$T_STATES"
echo "same answers: reach equal, percentiles within 1% (worst relative difference $WORST%)"
echo
echo "memory (backend peak RSS above a plain scan of the same table):"
echo "  by owner:  funnel $(mb "$MEM_EXT" "$MEM_SCAN"), plain SQL $(mb "$MEM_SQL" "$MEM_SCAN") (work_mem 256MB)"
echo "  all $DEALS deals in one state: $(mb "$MEM_ONE" "$MEM_SCAN")"
echo "state size per deal: $FLAT_PER_DEAL bytes flat (uncompressed), $SEND_PER_DEAL binary, $TEXT_PER_DEAL text; $STORED bytes stored per deal (table of $OWNERS states, TOAST compressed)"
