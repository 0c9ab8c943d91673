# test/bench/lib.sh: what every benchmark script shares (sourced).
# scripts/lib.sh for set-up and the throwaway cluster, plus the timing
# helpers of test/bench/bench.sql and a report in one format.
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

# Create schema bench (bench.bench(queries, runs)) in the current database
bench_load_helpers() {
	psql -qX -v ON_ERROR_STOP=1 -f "$SP_ROOT/test/bench/bench.sql" >/dev/null
}

# bench_report "'query 1', 'query 2', ...": the median of $runs interleaved
# rounds of each query, and its ratio to the first query of the list
bench_report() {
	psql -qX -At -v ON_ERROR_STOP=1 -c "
	SELECT rpad(query, 100) || lpad(round(median_ms::numeric, 1)::text, 10) || ' ms '
	       || lpad(round((median_ms / first_value(median_ms) OVER (ORDER BY query_no))::numeric, 2)::text, 7) || 'x'
	FROM bench.bench(ARRAY[$1], ${runs:-5})"
}
