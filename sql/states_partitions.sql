-- The two properties a scaled-out plan (Citus: worker partials, coordinator
-- combine) relies on, for every state aggregate of every family:
--  1. a state survives text out -> in and binary send -> receive unchanged;
--  2. combining states built on disjoint partitions of a table equals the
--     state built over the whole table (and so the one-step answer).
\getenv abs_srcdir PG_ABS_SRCDIR
SELECT setseed(0.31);
CREATE TABLE rows AS
SELECT g AS id, g % 5 AS part, g % 7 AS account,
       random() < 0.4 AS won, round((random() * 5000)::numeric, 2) AS amount,
       (random() * 9)::int AS calls,
       make_interval(secs => exp(random() * 13) - 30) AS response,
       timestamptz '2025-01-01 00:00+00' + make_interval(days => g % 300) AS at
FROM generate_series(1, 30000) g;

-- states per partition (what each worker ships) and over the whole table,
-- in one pass: the grouping set () is the whole table (part IS NULL)
CREATE TABLE all_states AS
SELECT part,
       close_rate_agg(won) AS won_s,
       close_rate_agg(won, amount) AS value_s,
       lead_qualification_efficiency_agg(won, calls) AS lead_s,
       lead_qualification_efficiency_agg(calls / 3, calls) AS counts_s,
       response_time_agg(response) AS resp_s,
       response_time_agg(response, 0.001) AS resp_fine_s,
       response_time_agg(extract(epoch FROM response)::float8) AS secs_s,
       response_time_agg(extract(epoch FROM response)::float8, 0.05) AS secs_coarse_s,
       upsell_rate_agg(account, amount, at) AS book_s,
       upsell_rate_agg(amount, at) FILTER (WHERE account = 3) AS series_s
FROM rows GROUP BY GROUPING SETS ((part), ());
CREATE VIEW part_states AS SELECT * FROM all_states WHERE part IS NOT NULL;
CREATE VIEW whole_states AS SELECT * FROM all_states WHERE part IS NULL;

-- 1. text round trips of every partition state
SELECT count(*) AS partitions,
       bool_and(won_s::text::kpi_ratio::text = won_s::text
                AND value_s::text::kpi_ratio::text = value_s::text
                AND lead_s::text::kpi_ratio::text = lead_s::text
                AND counts_s::text::kpi_ratio::text = counts_s::text) AS ratio_text,
       bool_and(resp_s::text::duration_sketch::text = resp_s::text
                AND resp_fine_s::text::duration_sketch::text = resp_fine_s::text
                AND secs_s::text::duration_sketch::text = secs_s::text
                AND secs_coarse_s::text::duration_sketch::text = secs_coarse_s::text) AS sketch_text,
       bool_and(book_s::text::upsell_summary::text = book_s::text
                AND series_s::text::upsell_summary::text = series_s::text) AS upsell_text
FROM part_states;

-- ... and binary round trips (one binary COPY out and in of all of them)
\set rt_query 'SELECT * FROM part_states'
\i :abs_srcdir/sql/include/binary_round_trip.sql

-- 2. combining the partitions' states = the whole table's state
SELECT (SELECT rollup(won_s) FROM part_states)::text = w.won_s::text AS close_rate_agg_count,
       (SELECT rollup(value_s) FROM part_states)::text = w.value_s::text AS close_rate_agg_value,
       (SELECT rollup(lead_s) FROM part_states)::text = w.lead_s::text AS lqe_agg_per_lead,
       (SELECT rollup(counts_s) FROM part_states)::text = w.counts_s::text AS lqe_agg_counts,
       (SELECT rollup(resp_s) FROM part_states)::text = w.resp_s::text AS response_time_agg_interval,
       (SELECT rollup(resp_fine_s) FROM part_states)::text = w.resp_fine_s::text AS response_time_agg_interval_alpha,
       (SELECT rollup(secs_s) FROM part_states)::text = w.secs_s::text AS response_time_agg_seconds,
       (SELECT rollup(secs_coarse_s) FROM part_states)::text = w.secs_coarse_s::text AS response_time_agg_seconds_alpha,
       (SELECT rollup(book_s) FROM part_states)::text = w.book_s::text AS upsell_rate_agg_keyed,
       (SELECT rollup(series_s) FROM part_states)::text = w.series_s::text AS upsell_rate_agg_series
FROM whole_states w;

-- ... so the one-step aggregates' answers follow from the partition states
SELECT close_rate(won) = (SELECT close_rate(rollup(won_s)) FROM part_states) AS close_rate,
       close_rate(won, amount) = (SELECT close_rate(rollup(value_s)) FROM part_states) AS close_rate_value,
       lead_qualification_efficiency(won, calls)
         = (SELECT lead_qualification_efficiency(rollup(lead_s)) FROM part_states) AS lqe,
       response_time_percentile(response, 0.9)
         = (SELECT response_time_percentile(rollup(resp_s), 0.9) FROM part_states) AS response_p90,
       response_time_percentile(response, ARRAY[0.5, 0.99])
         = (SELECT response_time_percentile(rollup(resp_s), ARRAY[0.5, 0.99]) FROM part_states) AS response_p50_p99,
       upsell_rate(account, amount, at) = (SELECT upsell_rate(rollup(book_s)) FROM part_states) AS upsell_rate
FROM rows;

-- the states are real (not empty), so the checks above can fail
SELECT won_s, value_s, lead_s, counts_s, response_time_count(resp_s) AS responses,
       is_exact(resp_s) AS resp_exact, account_count(book_s) AS accounts
FROM whole_states;

DROP VIEW part_states, whole_states;
DROP TABLE rows, all_states;
