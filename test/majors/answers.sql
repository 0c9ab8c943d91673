-- test/majors: every KPI read from the stored states of schema public
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET search_path = public, kpi;
-- = and hashing on states arrived in 0.2.0: DISTINCT, UNION and GROUP BY
-- on states are answered only where the extension has them
SELECT EXISTS (SELECT 1 FROM pg_opclass WHERE opcintype = 'kpi.kpi_ratio'::regtype AND opcdefault) AS has_eq \gset
SELECT owner, close_rate(rollup(won_state)), close_rate(rollup(value_state)),
       lead_qualification_efficiency(rollup(lead_state)), lead_qualification_efficiency(rollup(counts_state)),
       wilson_lower(rollup(won_state)), wilson_upper(rollup(won_state), 0.9),
       numerator(rollup(value_state)), denominator(rollup(counts_state)), rollup(sparse_state), rollup(value_state)
FROM ratio_daily GROUP BY owner ORDER BY owner;
SELECT owner, day, close_rate(won_state), close_rate(value_state), wilson_lower(won_state),
       close_rate(rollup(won_state) OVER w), rollup(value_state) OVER w
FROM ratio_daily WINDOW w AS (PARTITION BY owner ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
ORDER BY owner, day;
SELECT owner, close_rate(big_value), numerator(big_value), denominator(big_value), big_value,
       (SELECT close_rate(rollup(x)) FROM unnest(history) x), cardinality(history)
FROM ratio_owner ORDER BY owner;
SELECT owner, close_rate(won_state), close_rate(value_state) FROM ratio_mv ORDER BY owner;
\if :has_eq
SELECT (SELECT count(*) FROM (SELECT DISTINCT won_state FROM ratio_daily) s),
       (SELECT count(*) FROM (SELECT DISTINCT value_state FROM ratio_daily) s), count(*) FROM ratio_daily;
\endif

SELECT owner, response_time_percentile(rollup(response), ARRAY[0.01, 0.5, 0.9, 0.99]),
       response_time_percentile(rollup(secs), 0.75), response_time_percentile(rollup(coarse), 0.5),
       share_within(rollup(response), interval '5 minutes'), rollup(response)
FROM sketch_daily GROUP BY owner ORDER BY owner;
SELECT owner, day, response_time_percentile(response, 0.5), is_exact(response), response_time_count(response)
FROM sketch_daily ORDER BY owner, day;
SELECT owner, response_time_count(response), response_time_min(response), response_time_max(response),
       response_time_mean(response), response_time_total_seconds(response), relative_accuracy(response),
       is_exact(response), response_time_percentile(fine, 0.95), relative_accuracy(fine),
       response_time_percentile(negative, ARRAY[0.1, 0.5]), share_within(negative, interval '-1 minute')
FROM sketch_owner ORDER BY owner;
SELECT h.* FROM sketch_all, histogram(response) h;
SELECT h.* FROM sketch_all, histogram(secs, ARRAY['1 second', '1 minute', '1 hour']::interval[]) h;
SELECT response_time_percentile(response, ARRAY[0.001, 0.5, 0.999]), response_time_percentile(secs, 0.5),
       response_time_count(secs), response_time_total_seconds(secs) FROM sketch_all;
SELECT owner, response_time_percentile(response, 0.9), response_time_percentile(coarse, 0.9) FROM sketch_mv ORDER BY owner;
\if :has_eq
SELECT count(*) FROM (SELECT response FROM sketch_daily GROUP BY response) s;
\endif

SELECT owner, upsell_rate(rollup(by_text)), starting_value(rollup(by_bigint)), current_value(rollup(by_uuid)),
       account_count(rollup(by_smallint)), upsell_rate(rollup(by_int)), upsell_rate(rollup(series)),
       upsell_rate(rollup(few)), account_count(rollup(few)), rollup(few)
FROM upsell_monthly GROUP BY owner ORDER BY owner;
SELECT owner, month, upsell_rate(by_text), account_count(by_uuid), starting_value(series), current_value(few)
FROM upsell_monthly ORDER BY owner, month;
SELECT owner, upsell_rate(by_numeric), upsell_rate(by_date), account_count(by_date), upsell_rate(series), series
FROM upsell_owner ORDER BY owner;
SELECT upsell_rate(book), account_count(book), starting_value(book), current_value(book) FROM upsell_all;
SELECT owner, upsell_rate(by_text), upsell_rate(by_uuid), upsell_rate(series) FROM upsell_mv ORDER BY owner;
\if :has_eq
SELECT count(*) FROM (SELECT by_text FROM upsell_monthly UNION SELECT by_text FROM upsell_monthly) s;
SELECT count(*) FROM (SELECT DISTINCT by_uuid FROM upsell_monthly) s;
\endif
