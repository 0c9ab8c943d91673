-- Benchmark machinery shared by test/bench/*.sh.
-- bench(queries, runs): runs every query once to warm up, then `runs` rounds
-- of all queries interleaved (so background noise hits each alike), and
-- returns each query's median wall time in ms.  Results are fetched by
-- EXECUTE and discarded, so client transfer and formatting cost nothing.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.run_once(q text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	EXECUTE q;
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;

CREATE OR REPLACE FUNCTION bench.bench(queries text[], runs int DEFAULT 5)
RETURNS TABLE (query_no int, query text, median_ms float8)
LANGUAGE plpgsql AS $$
DECLARE
	times float8[][];
	i int;
	r int;
BEGIN
	CREATE TEMP TABLE IF NOT EXISTS bench_times (q int, ms float8);
	TRUNCATE bench_times;
	FOR i IN 1 .. array_length(queries, 1) LOOP
		PERFORM bench.run_once(queries[i]);
	END LOOP;
	FOR r IN 1 .. runs LOOP
		FOR i IN 1 .. array_length(queries, 1) LOOP
			INSERT INTO bench_times VALUES (i, bench.run_once(queries[i]));
		END LOOP;
	END LOOP;
	RETURN QUERY
	SELECT t.q, queries[t.q], percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms)
	FROM bench_times t GROUP BY t.q ORDER BY t.q;
END $$;
