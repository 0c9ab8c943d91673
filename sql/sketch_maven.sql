-- duration_sketch on real data: engagement-to-close time of the Maven
-- Analytics sample CRM (test/data/maven_crm), per sales agent, against
-- percentile_cont.
\set VERBOSITY sqlstate
\set ECHO all

CREATE TEMP TABLE pipeline (
	opportunity_id text, sales_agent text, product text, account text,
	deal_stage text, engage_date date, close_date date, close_value numeric
);
\copy pipeline FROM 'test/data/maven_crm/sales_pipeline.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS deals, count(close_date - engage_date) AS closed, count(DISTINCT sales_agent) AS agents
FROM pipeline;

CREATE TEMP TABLE ps AS SELECT '{0,0.01,0.1,0.25,0.5,0.75,0.9,0.95,0.99,0.999,1}'::float8[] AS p;
CREATE TEMP TABLE cycle AS
SELECT sales_agent, product, close_date::timestamp - engage_date::timestamp AS took
FROM pipeline WHERE close_date IS NOT NULL AND engage_date IS NOT NULL;

-- per agent (about 190 closed deals each: bucketed), every p
SELECT count(*) AS agents, sum(n) AS deals,
       bool_and(ok) AS all_within_1_percent,
       round(max(worst)::numeric, 4) AS worst_relative_error
FROM (SELECT sales_agent, max(g.n) AS n,
             bool_and(abs(extract(epoch FROM u.est - u.exact)) <= 0.01 * abs(extract(epoch FROM u.exact))) AS ok,
             max(abs(extract(epoch FROM u.est - u.exact)) / nullif(extract(epoch FROM u.exact), 0)) AS worst
      FROM (SELECT sales_agent, count(*) AS n,
                   response_time_percentile(took, (SELECT p FROM ps)) AS est,
                   percentile_cont((SELECT p FROM ps)) WITHIN GROUP (ORDER BY took) AS exact
            FROM cycle GROUP BY sales_agent) g,
           unnest(g.est, g.exact) u(est, exact)
      GROUP BY sales_agent) a;

-- per agent and product (many groups of at most 64 deals: exact)
SELECT count(*) FILTER (WHERE n <= 64) AS exact_groups, count(*) FILTER (WHERE n > 64) AS bucketed_groups,
       bool_and(CASE WHEN n <= 64 THEN est = exact
                     ELSE abs(extract(epoch FROM est - exact)) <= 0.01 * abs(extract(epoch FROM exact)) END) AS all_correct
FROM (SELECT sales_agent, product, count(*) AS n,
             response_time_percentile(took, 0.9) AS est,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY took) AS exact
      FROM cycle GROUP BY sales_agent, product) g;

-- the two-step form and the accessors agree with plain SQL
SELECT bool_and(response_time_count(s) = n) AS counts,
       bool_and(response_time_mean(s) = make_interval(secs => round(mean_s, 6))) AS means,
       bool_and(response_time_min(s) = mn AND response_time_max(s) = mx) AS extremes,
       bool_and(share_within(s, '30 days') = within_30) AS share_within_30_days_exact
FROM (SELECT sales_agent, response_time_agg(took) AS s, count(*) AS n,
             avg(extract(epoch FROM took)) AS mean_s, min(took) AS mn, max(took) AS mx,
             avg((took <= interval '30 days')::int)::float8 AS within_30
      FROM cycle GROUP BY sales_agent) g;

-- the median closing time of the three fastest agents, for the eye
SELECT sales_agent, response_time_percentile(took, 0.5) AS median,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY took) AS exact_median
FROM cycle GROUP BY sales_agent ORDER BY 2, 1 LIMIT 3;
