-- upsell_rate on real CRM data (Maven Analytics sample, test/data/maven_crm):
-- each account's won value per quarter is its value at that quarter; growth
-- per sales agent and per manager against plain SQL.
\set VERBOSITY sqlstate
SET TimeZone = 'UTC';
CREATE TEMP TABLE mv_pipeline (opportunity_id text, sales_agent text, product text, account text,
                               deal_stage text, engage_date date, close_date date, close_value numeric);
\copy mv_pipeline FROM 'test/data/maven_crm/sales_pipeline.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE mv_teams (sales_agent text, manager text, regional_office text);
\copy mv_teams FROM 'test/data/maven_crm/sales_teams.csv' WITH (FORMAT csv, HEADER true)
-- won deals: one row per contract line; an account's lines in one quarter add up
CREATE TEMP VIEW mv_won AS
SELECT p.sales_agent, t.manager, p.account, p.close_value AS value,
       date_trunc('quarter', p.close_date::timestamp) AT TIME ZONE 'UTC' AS quarter
FROM mv_pipeline p JOIN mv_teams t USING (sales_agent)
WHERE p.deal_stage = 'Won';
SELECT count(*) AS opportunities, count(*) FILTER (WHERE deal_stage = 'Won') AS won,
       count(DISTINCT account) AS accounts FROM mv_pipeline;
SELECT count(*) AS won_lines, count(DISTINCT quarter) AS quarters, min(quarter), max(quarter) FROM mv_won;

-- plain SQL: per group and account, the quarter totals at its first and last
-- quarter, then sums per group
CREATE TEMP VIEW mv_ref_agent AS
WITH q AS (SELECT sales_agent, account, quarter, sum(value) AS v FROM mv_won GROUP BY 1, 2, 3),
fl AS (SELECT DISTINCT sales_agent, account, first_value(v) OVER w AS s, last_value(v) OVER w AS e
       FROM q WINDOW w AS (PARTITION BY sales_agent, account ORDER BY quarter
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT sales_agent, sum(s) AS s, sum(e) AS e, count(*) AS n,
       ((sum(e) - sum(s)) / nullif(sum(s), 0))::float8 AS rate
FROM fl GROUP BY sales_agent;
CREATE TEMP VIEW mv_ref_manager AS
WITH q AS (SELECT manager, account, quarter, sum(value) AS v FROM mv_won GROUP BY 1, 2, 3),
fl AS (SELECT DISTINCT manager, account, first_value(v) OVER w AS s, last_value(v) OVER w AS e
       FROM q WINDOW w AS (PARTITION BY manager, account ORDER BY quarter
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT manager, sum(s) AS s, sum(e) AS e, count(*) AS n,
       ((sum(e) - sum(s)) / nullif(sum(s), 0))::float8 AS rate
FROM fl GROUP BY manager;

-- per sales agent
SELECT count(*) AS agents, bool_and(x.rate IS NOT DISTINCT FROM r.rate) AS rate_equal,
       bool_and(starting_value(x.s) = r.s AND current_value(x.s) = r.e) AS values_equal,
       bool_and(account_count(x.s) = r.n) AS accounts_equal
FROM (SELECT sales_agent, upsell_rate(account, value, quarter) AS rate,
             upsell_rate_agg(account, value, quarter) AS s
      FROM mv_won GROUP BY sales_agent) x
JOIN mv_ref_agent r USING (sales_agent);

-- per manager, one step and as a rollup of the agents' quarterly summaries
CREATE TEMP TABLE mv_agent_quarter AS
SELECT manager, sales_agent, quarter, upsell_rate_agg(account, value, quarter) AS s
FROM mv_won GROUP BY 1, 2, 3;
SELECT m.manager, round(m.rate::numeric, 6) AS upsell_rate, r.s AS starting, r.e AS current, r.n AS accounts,
       m.rate IS NOT DISTINCT FROM r.rate AS rate_equal,
       upsell_rate(rq.s) IS NOT DISTINCT FROM r.rate AS rollup_equal
FROM (SELECT manager, upsell_rate(account, value, quarter) AS rate FROM mv_won GROUP BY manager) m
JOIN mv_ref_manager r USING (manager)
JOIN (SELECT manager, rollup(s) AS s FROM mv_agent_quarter GROUP BY manager) rq USING (manager)
ORDER BY m.manager;

-- one account's own series: its quarters' won value, first to last
SELECT account, upsell_rate_agg(value, quarter), round(upsell_rate(value, quarter)::numeric, 6) AS growth
FROM mv_won WHERE account IN ('Acme Corporation', 'Zumgoity') GROUP BY account ORDER BY account;
