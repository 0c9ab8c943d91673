#!/bin/bash
# test/bench/memory.sh [ROWS]: peak backend memory while ROWS generated rows
# (default 100M, streamed by generate_series in the select list, never
# stored) go through each KPI aggregate.  Prints, per KPI, the wall time and
# the backend's peak resident set (VmHWM) above that of a plain count over
# the same stream.  Not part of the test suite.
set -eu
. "$(dirname "$0")/lib.sh"
rows=${1:-100000000}

sp_need_packages "${SP_BASE_PACKAGES[@]}"
sp_build_install
sp_cluster_start "max_parallel_workers_per_gather = 0" "jit = off"
psql -qX -c 'CREATE EXTENSION salesperf'

# Peak RSS (kB) of a fresh backend that ran "$1", read before it exits
peak_kb() {
	psql -qX -At -c '\o /dev/null' -c "$1" -c '\o' \
		-c "SELECT regexp_replace(pg_read_file('/proc/' || pg_backend_pid() || '/status'), '.*VmHWM:\s*(\d+) kB.*', '\1')"
}
stream="FROM (SELECT generate_series(1, $rows) AS g) s"
declare -a names=(
	"count(*) (baseline)"
	"close_rate(won)"
	"close_rate(won, amount)"
	"lead_qualification_efficiency(qualified, calls)"
	"response_time_percentile(interval, 0.9)"
	"response_time_agg(interval) -> stored form"
	"upsell_rate(account, value, at), 1M accounts")
declare -a queries=(
	"SELECT count(*) $stream"
	"SELECT close_rate(g % 3 = 0) $stream"
	"SELECT close_rate(g % 3 = 0, (g % 1000)::numeric) $stream"
	"SELECT lead_qualification_efficiency(g % 5 = 0, g % 7) $stream"
	"SELECT response_time_percentile(make_interval(secs => (g % 172800)::float8 + 0.5), 0.9) $stream"
	"SELECT pg_column_size(response_time_agg(make_interval(secs => (g % 172800)::float8 + 0.5))) $stream"
	"SELECT upsell_rate(g % 1000000, (g % 500)::numeric, timestamptz '2025-01-01 00:00+00' + make_interval(days => (g / 1000000)::int)) $stream")

echo "== $rows streamed rows per aggregate, serial plans"
base=
for i in "${!queries[@]}"; do
	t0=$(date +%s%N)
	kb=$(peak_kb "${queries[$i]}")
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ -n "$base" ] || base=$kb
	printf '%-50s %8d ms   peak RSS %7d kB (%+d kB over the baseline)\n' "${names[$i]}" "$ms" "$kb" $((kb - base))
done
