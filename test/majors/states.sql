-- test/majors: stored states of every type and variant, in tables and
-- materialized views of schema :"s" (public: the stored ones; another
-- schema: the same states computed afresh, to compare byte for byte).
-- Small groups stay exact/flat, large ones are sketches/expanded states,
-- some are large enough to be compressed and toasted, some are NULL, and
-- arrays of states are stored too.
SET search_path = public, kpi;
CREATE TABLE :"s".ratio_daily AS
SELECT owner, day, close_rate_agg(won) AS won_state, close_rate_agg(won, amount) AS value_state,
       lead_qualification_efficiency_agg(won, calls::bigint) AS lead_state,
       lead_qualification_efficiency_agg(calls::bigint, (calls + 1)::bigint) AS counts_state,
       close_rate_agg(won) FILTER (WHERE amount > 8900) AS sparse_state
FROM public.opps GROUP BY owner, day;
CREATE TABLE :"s".ratio_owner AS
SELECT owner, close_rate_agg(won, amount * 1e30 + 0.000000001) AS big_value,
       (SELECT array_agg(won_state ORDER BY day) FROM :"s".ratio_daily d WHERE d.owner = o.owner) AS history
FROM public.opps o GROUP BY owner;
CREATE MATERIALIZED VIEW :"s".ratio_mv AS
SELECT owner, rollup(won_state) AS won_state, rollup(value_state) AS value_state
FROM :"s".ratio_daily GROUP BY owner;

CREATE TABLE :"s".sketch_daily AS
SELECT owner, day, response_time_agg(response) AS response, response_time_agg(secs) AS secs,
       response_time_agg(response, 0.05) AS coarse
FROM public.opps GROUP BY owner, day;
CREATE TABLE :"s".sketch_owner AS
SELECT owner, response_time_agg(response) AS response, response_time_agg(secs, 0.001) AS fine,
       response_time_agg(-response) AS negative
FROM public.opps GROUP BY owner;
CREATE TABLE :"s".sketch_all AS
SELECT response_time_agg(response, 0.0005) AS response, response_time_agg(secs, 0.0001) AS secs
FROM public.opps;
CREATE MATERIALIZED VIEW :"s".sketch_mv AS
SELECT owner, rollup(response) AS response, rollup(coarse) AS coarse
FROM :"s".sketch_daily GROUP BY owner;

CREATE TABLE :"s".upsell_monthly AS
SELECT owner, month,
       upsell_rate_agg('acct-' || account, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_text,
       upsell_rate_agg(account::bigint, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_bigint,
       upsell_rate_agg(account::int, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_int,
       upsell_rate_agg(account::smallint, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_smallint,
       upsell_rate_agg(md5(account::text)::uuid, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_uuid,
       upsell_rate_agg(account::bigint, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month))
           FILTER (WHERE account < 200) AS few,
       upsell_rate_agg(value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS series
FROM public.snapshots GROUP BY owner, month;
CREATE TABLE :"s".upsell_owner AS
SELECT owner,
       upsell_rate_agg(account::numeric, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_numeric,
       upsell_rate_agg(date '2000-01-01' + account, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS by_date,
       upsell_rate_agg(value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS series
FROM public.snapshots GROUP BY owner;
CREATE TABLE :"s".upsell_all AS
SELECT upsell_rate_agg(account::bigint, value, timestamptz '2025-01-01 00:00+00' + make_interval(months => month)) AS book
FROM public.snapshots;
CREATE MATERIALIZED VIEW :"s".upsell_mv AS
SELECT owner, rollup(by_text) AS by_text, rollup(by_uuid) AS by_uuid, rollup(series) AS series
FROM :"s".upsell_monthly GROUP BY owner;
