-- The ratio KPIs on real data, against plain SQL.
--  * Maven Analytics' sample CRM (test/data/maven_crm, public domain):
--    close rate per sales agent = Won / (Won + Lost).
--  * UCI Bank Marketing (test/data/uci_bank_marketing; Moro, Cortez and Rita,
--    Decision Support Systems 62, 2014): converted leads per call per job.
CREATE TABLE pipeline (opportunity_id text, sales_agent text, product text, account text,
                       deal_stage text, engage_date date, close_date date, close_value numeric);
\copy pipeline FROM 'test/data/maven_crm/sales_pipeline.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE teams (sales_agent text, manager text, regional_office text);
\copy teams FROM 'test/data/maven_crm/sales_teams.csv' WITH (FORMAT csv, HEADER true)

SELECT count(*) AS opportunities, count(DISTINCT sales_agent) AS agents FROM pipeline;

-- close rate per agent: the CRM convention, won over closed
SELECT count(*) AS agents,
       bool_and(k.rate = p.rate) AS close_rate_matches_plain_sql
FROM (SELECT sales_agent, close_rate(deal_stage = 'Won') FILTER (WHERE deal_stage IN ('Won', 'Lost')) AS rate
      FROM pipeline GROUP BY sales_agent) k
JOIN (SELECT sales_agent,
             count(*) FILTER (WHERE deal_stage = 'Won')::float8
               / count(*) FILTER (WHERE deal_stage IN ('Won', 'Lost')) AS rate
      FROM pipeline GROUP BY sales_agent) p USING (sales_agent);

-- per manager, from monthly states rolled up (two steps) = one step
CREATE TEMP TABLE monthly AS
SELECT t.manager, date_trunc('month', close_date) AS month,
       close_rate_agg(deal_stage = 'Won') AS state
FROM pipeline JOIN teams t USING (sales_agent)
WHERE deal_stage IN ('Won', 'Lost')
GROUP BY 1, 2;
SELECT m.manager, rollup(m.state) AS state, close_rate(rollup(m.state)) AS from_states,
       (SELECT close_rate(p.deal_stage = 'Won') FROM pipeline p JOIN teams t USING (sales_agent)
        WHERE t.manager = m.manager AND p.deal_stage IN ('Won', 'Lost')) AS one_step
FROM monthly m GROUP BY m.manager ORDER BY m.manager;

-- the leaderboard: ranking by the Wilson lower bound demotes small samples
SELECT sales_agent, close_rate_agg(deal_stage = 'Won') AS won_of_closed,
       round(close_rate(deal_stage = 'Won')::numeric, 3) AS naive,
       round(wilson_lower(close_rate_agg(deal_stage = 'Won'))::numeric, 3) AS wilson_lower
FROM pipeline WHERE deal_stage IN ('Won', 'Lost')
GROUP BY sales_agent
ORDER BY wilson_lower(close_rate_agg(deal_stage = 'Won')) DESC, sales_agent
LIMIT 5;

CREATE TABLE bank (age int, job text, marital text, education text, "default" text, housing text,
                   loan text, contact text, month text, day_of_week text, duration int,
                   campaign int, pdays int, previous int, poutcome text, emp_var_rate numeric,
                   cons_price_idx numeric, cons_conf_idx numeric, euribor3m numeric,
                   nr_employed numeric, y text);
\copy bank FROM 'test/data/uci_bank_marketing/bank-additional.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')

-- converted leads per call, one row per lead, by job
SELECT count(*) AS jobs,
       bool_and(k.lqe = p.lqe) AS lqe_matches_plain_sql
FROM (SELECT job, lead_qualification_efficiency(y = 'yes', campaign) AS lqe FROM bank GROUP BY job) k
JOIN (SELECT job, count(*) FILTER (WHERE y = 'yes')::float8 / sum(campaign) AS lqe FROM bank GROUP BY job) p
  USING (job);
SELECT contact, lead_qualification_efficiency_agg(y = 'yes', campaign) AS state,
       round(lead_qualification_efficiency(y = 'yes', campaign)::numeric, 4) AS per_call
FROM bank GROUP BY contact ORDER BY contact;

DROP TABLE pipeline, teams, bank;
