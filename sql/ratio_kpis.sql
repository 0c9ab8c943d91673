-- The ratio KPIs on hand-checked rows: close_rate (count and value),
-- lead_qualification_efficiency (per lead and pre-counted), their state
-- forms, NULL and empty groups, errors and overflow.
\set VERBOSITY sqlstate

CREATE TABLE deals (rep text, won boolean, closed boolean, amount numeric);
INSERT INTO deals VALUES
	('ann', true,  true,  1000), ('ann', false, true,  500),  ('ann', true,  true, 250.50),
	('ann', NULL,  false, 900),  ('ann', false, false, NULL),
	('bob', true,  true,  NULL), ('bob', false, true,  3000),
	('cy',  NULL,  false, 100);

-- ann: 2 won of 4 non-NULL rows; value: 1250.50 won of 1750.50 (NULL rows skipped)
SELECT rep,
       close_rate(won) AS all_rows,
       close_rate(won) FILTER (WHERE closed) AS won_over_closed,
       close_rate_agg(won) AS state,
       close_rate(won, amount) AS by_value,
       close_rate_agg(won, amount) AS value_state
FROM deals GROUP BY rep ORDER BY rep;

-- no rows, and only NULL rows: NULL, like SQL's own aggregates
SELECT close_rate(won), close_rate_agg(won), close_rate(won, amount), close_rate_agg(won, amount)
FROM deals WHERE false;
SELECT close_rate(won), close_rate_agg(won) FROM deals WHERE rep = 'cy';

-- a zero denominator is NULL: nothing closed yet
SELECT close_rate(won, amount) FROM (VALUES (false, 0::numeric)) v(won, amount);

-- negative and non-finite amounts are refused, naming the value
SELECT close_rate(won, amount) FROM (VALUES (true, -5::numeric)) v(won, amount);
SELECT close_rate(won, amount) FROM (VALUES (true, 'NaN'::numeric)) v(won, amount);
SELECT close_rate(won, amount) FROM (VALUES (true, 'Infinity'::numeric)) v(won, amount);
\set VERBOSITY default
SELECT close_rate(won, amount) FROM (VALUES (true, -5.25)) v(won, amount);
\set VERBOSITY sqlstate

CREATE TABLE leads (sdr text, qualified boolean, calls int);
INSERT INTO leads VALUES
	('dee', true, 3), ('dee', false, 5), ('dee', true, 0), ('dee', NULL, 4), ('dee', false, NULL),
	('eve', false, 0), ('eve', false, 0);

-- dee: 2 qualified / 8 calls; eve: no calls -> NULL
SELECT sdr, lead_qualification_efficiency(qualified, calls) AS per_lead,
       lead_qualification_efficiency_agg(qualified, calls) AS state
FROM leads GROUP BY sdr ORDER BY sdr;

-- int4 columns and literals resolve without ambiguity
SELECT lead_qualification_efficiency(qualified, 3) AS literal_calls,
       lead_qualification_efficiency(calls, 10) AS int4_counts,
       lead_qualification_efficiency(2::smallint, 8::smallint) AS smallint_counts
FROM leads WHERE sdr = 'dee' AND calls IS NOT NULL;

-- pre-counted rows: sum / sum
SELECT lead_qualification_efficiency(q, c), lead_qualification_efficiency_agg(q, c)
FROM (VALUES (3, 40), (1, 10), (NULL, 5), (2, NULL)) v(q, c);

SELECT lead_qualification_efficiency(true, -1);
SELECT lead_qualification_efficiency(-1, 5);
SELECT lead_qualification_efficiency(1, -5);
\set VERBOSITY default
SELECT lead_qualification_efficiency(q, c) FROM (VALUES (1, 2), (1, -7)) v(q, c);
\set VERBOSITY sqlstate

-- overflow is an error, never a wrapped number
SELECT lead_qualification_efficiency(q, c)
FROM (VALUES (1::bigint, 9223372036854775807), (1, 1)) v(q, c);
SELECT rollup(r) FROM (VALUES ('1/9223372036854775807'::kpi_ratio), ('1/1')) v(r);

-- rollup merges states; NULL states are skipped; kinds never mix
SELECT rollup(r) FROM (VALUES ('1/3'::kpi_ratio), (NULL), ('2/5')) v(r);
SELECT rollup(r) FROM (VALUES ('value:1.5/3'::kpi_ratio), ('value:2.25/5')) v(r);
SELECT rollup(r) FROM (VALUES (NULL::kpi_ratio)) v(r);
SELECT rollup(r) FROM (VALUES ('0/0'::kpi_ratio)) v(r);
SELECT rollup(r) FROM (VALUES ('1/3'::kpi_ratio), ('value:1/2')) v(r);

-- the support functions leave their arguments alone when called directly
SELECT kpi_ratio_close_trans(r, true) AS advanced, r AS unchanged
FROM (SELECT '1/2'::kpi_ratio AS r) s;
SELECT kpi_ratio_close_trans('value:1/2', true);
