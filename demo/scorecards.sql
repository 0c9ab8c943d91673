-- demo/scorecards.sql: role scorecards computed inside SQL with salesperf,
-- over the sample CRM (demo/crm_schema.sql + demo/generate.sql).
--
--   psql -X -f demo/scorecards.sql
--
-- Sections: SDR, AE (with its funnel) and AM scorecards; top quartile vs
-- median per role;
-- the two-step path (materialized view of daily states, rollup to month and
-- quarter, equal to the one-step answer; refresh scheduled with pg_cron).
-- Needs the extension in the search_path; pg_cron is optional (the schedule
-- step is skipped without it).

\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
\pset null '-'
\pset linestyle unicode
\pset border 2
SET client_min_messages = warning;
SET TimeZone = 'UTC';

-- Helpers of the demo itself (schema demo; the views live there too)
DO $$ BEGIN
	IF to_regnamespace('cron') IS NOT NULL THEN
		PERFORM cron.unschedule(jobid) FROM cron.job WHERE jobname LIKE 'salesperf-%';
	END IF;
END $$;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

-- A duration the way people say it: 42s, 4m 05s, 3h 12m, 2d 7h
CREATE FUNCTION demo.fmt_duration(d interval) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN (SELECT CASE WHEN s < 60 THEN round(s)::text || 's'
					WHEN s < 3600 THEN floor(s / 60) || 'm ' || lpad((floor(s)::bigint % 60)::text, 2, '0') || 's'
					WHEN s < 86400 THEN floor(s / 3600) || 'h ' || lpad((floor(s / 60)::bigint % 60)::text, 2, '0') || 'm'
					ELSE floor(s / 86400) || 'd ' || (floor(s / 3600)::bigint % 24) || 'h' END
		FROM (SELECT extract(epoch FROM d)::float8 AS s) x);

-- A share as a percentage: 0.3456 -> 34.6%
CREATE FUNCTION demo.pct(x double precision) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN to_char(100 * x, 'FM990.0') || '%';

-- Section timing: record and report the time since a section's start
CREATE TABLE demo.timing (section text, ms numeric, ord serial);
CREATE FUNCTION demo.took(section text, t0 timestamptz) RETURNS text
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO demo.timing (section, ms)
	VALUES (section, round(extract(epoch FROM clock_timestamp() - t0) * 1000));
	SELECT format('    (%s: %s ms)', section, round(extract(epoch FROM clock_timestamp() - t0) * 1000));
END;

-- Is pg_cron installed in this database? (optional: only the schedule step needs it)
SELECT to_regnamespace('cron') IS NOT NULL AS has_cron \gset

\echo
\echo '================================================================================'
\echo ' salesperf demo: sales KPIs computed inside PostgreSQL, over a sample CRM'
\echo '================================================================================'
SELECT (SELECT count(*) FILTER (WHERE role = 'SDR') || ' SDRs, '
			|| count(*) FILTER (WHERE role = 'AE') || ' AEs, '
			|| count(*) FILTER (WHERE role = 'AM') || ' AMs' FROM crm.users) AS "team",
	   (SELECT count(*) FROM crm.leads) AS "leads",
	   (SELECT count(*) FROM crm.calls) AS "calls",
	   (SELECT count(*) FROM crm.opportunities) AS "opportunities",
	   (SELECT count(*) FROM crm.accounts) AS "accounts",
	   (SELECT min(created_at)::date || ' .. ' || max(created_at)::date FROM crm.leads) AS "period";

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' 1. SDR scorecard: inbound leads of 2025, per sales development rep'
\echo '--------------------------------------------------------------------------------'
\echo ' qualified/100 calls = lead_qualification_efficiency(qualified, calls) * 100.'
\echo ' Never-contacted leads stay in every denominator: they count as leads, as not'
\echo ' qualified and as not answered within 5 minutes; response-time percentiles are'
\echo ' over the leads that were contacted, and the never column says how many were not.'
SELECT clock_timestamp() AS t0 \gset

CREATE TEMP TABLE sdr_card AS
SELECT u.user_id, u.name AS sdr,
	   count(*) AS leads,
	   count(*) FILTER (WHERE l.qualified) AS qualified,
	   count(*) FILTER (WHERE l.first_touch_at IS NULL) AS never_contacted,
	   lead_qualification_efficiency(l.qualified, l.calls) AS efficiency
FROM crm.leads l
JOIN crm.users u ON u.user_id = l.owner_id
GROUP BY u.user_id, u.name;

SELECT s.sdr AS "SDR",
	   round(s.leads / 12.0) AS "leads/month",
	   demo.pct(s.qualified::float8 / s.leads) AS "qualified",
	   round((s.efficiency * 100)::numeric, 1) AS "qualified/100 calls",
	   demo.fmt_duration(response_time_percentile(r.response, 0.5)) AS "response p50",
	   demo.fmt_duration(response_time_percentile(r.response, 0.9)) AS "response p90",
	   demo.pct(share_within(r.response, interval '5 minutes')
				* (s.leads - s.never_contacted) / s.leads) AS "<= 5 min",
	   format('%s (%s)', s.never_contacted, demo.pct(s.never_contacted::float8 / s.leads)) AS "never contacted"
FROM sdr_card s
LEFT JOIN (SELECT owner_id, response_time_agg(first_touch_at - created_at) AS response
		   FROM crm.leads GROUP BY owner_id) r ON r.owner_id = s.user_id
ORDER BY s.qualified::float8 / s.leads DESC;
SELECT demo.took('SDR scorecard', :'t0') AS took \gset
\echo :took

\echo
\echo ' 1b. The same SDRs in business hours: response time counted in the open hours'
\echo ' of each team''s own calendar (crm.sdr_teams: EMEA Rome 09-13 and 14-18, AMER'
\echo ' New York 08-17, each with its local holidays), business = business_duration('
\echo ' calendar, created_at, first_touch_at).  A lead that arrives at 23:10 on a'
\echo ' Friday and is called at 09:02 on Monday waited 2 business minutes, not 58 hours.'
\echo ' "arrived closed": leads created while the team was closed.  SDRs call only in'
\echo ' working hours, so calendar time adds the closed hours: Rome is open 8 hours a'
\echo ' day with a lunch break and has more holidays, New York 9, so the same working'
\echo ' speed looks slower from Rome.  The ranks are by p90, calendar and business.'
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE sdr_business AS
SELECT l.owner_id, t.name AS team, count(*) AS leads,
	   count(*) FILTER (WHERE NOT is_open(t.calendar, l.created_at)) AS arrived_closed,
	   response_time_agg(l.first_touch_at - l.created_at) AS calendar,
	   response_time_agg(business_duration(t.calendar, l.created_at, l.first_touch_at)) AS business
FROM crm.leads l
JOIN crm.sdr_team_members m ON m.user_id = l.owner_id
JOIN crm.sdr_teams t ON t.team_id = m.team_id
GROUP BY l.owner_id, t.name;
SELECT u.name AS "SDR", b.team AS "team",
	   demo.pct(b.arrived_closed::float8 / b.leads) AS "arrived closed",
	   demo.fmt_duration(response_time_percentile(b.calendar, 0.5)) AS "p50 calendar",
	   demo.fmt_duration(response_time_percentile(b.business, 0.5)) AS "p50 business",
	   demo.fmt_duration(response_time_percentile(b.calendar, 0.9)) AS "p90 calendar",
	   demo.fmt_duration(response_time_percentile(b.business, 0.9)) AS "p90 business",
	   demo.pct(share_within(b.calendar, interval '5 minutes') * response_time_count(b.calendar) / b.leads) AS "<= 5 min",
	   demo.pct(share_within(b.business, interval '5 minutes') * response_time_count(b.business) / b.leads) AS "<= 5 business min",
	   rank() OVER (ORDER BY response_time_percentile(b.calendar, 0.9)) AS "rank calendar",
	   rank() OVER (ORDER BY response_time_percentile(b.business, 0.9)) AS "rank business"
FROM sdr_business b JOIN crm.users u ON u.user_id = b.owner_id
ORDER BY response_time_percentile(b.business, 0.9);
-- business time never exceeds calendar time, and is 0 for a lead answered
-- before its team opened
DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM crm.leads l JOIN crm.sdr_team_members m ON m.user_id = l.owner_id
			   JOIN crm.sdr_teams t ON t.team_id = m.team_id
			   WHERE business_duration(t.calendar, l.created_at, l.first_touch_at) > l.first_touch_at - l.created_at
				  OR (l.first_touch_at < next_open(t.calendar, l.created_at)
					  AND business_duration(t.calendar, l.created_at, l.first_touch_at) <> '0')) THEN
		RAISE EXCEPTION 'business response time check failed';
	END IF;
END $$;
SELECT demo.took('SDR business hours', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' 2. AE scorecard: deals closed in 2025, per account executive'
\echo '--------------------------------------------------------------------------------'
\echo ' won/closed is the stored state (kpi_ratio, as a client reads it); close rate ='
\echo ' close_rate(is_won) FILTER (WHERE is_closed), i.e. Won / (Won + Lost); value-'
\echo ' weighted = close_rate(is_won, amount).  The leaderboard ranks by the lower bound'
\echo ' of the 95% Wilson interval, next to the naive ranking by close rate: a rep with'
\echo ' a handful of deals cannot top the board on luck.'
SELECT clock_timestamp() AS t0 \gset

CREATE TEMP TABLE ae_card AS
SELECT u.user_id, u.name AS ae, u.hired_at,
	   close_rate_agg(o.is_won) FILTER (WHERE o.is_closed) AS deals,
	   close_rate_agg(o.is_won, o.amount) FILTER (WHERE o.is_closed) AS deal_value
FROM crm.opportunities o
JOIN crm.users u ON u.user_id = o.owner_id
GROUP BY u.user_id, u.name, u.hired_at;

CREATE TEMP VIEW ae_board AS
SELECT a.*,
	   rank() OVER (ORDER BY close_rate(a.deals) DESC) AS naive_rank,
	   rank() OVER (ORDER BY wilson_lower(a.deals) DESC) AS wilson_rank
FROM ae_card a;

SELECT b.wilson_rank AS "rank", b.ae AS "AE", b.deals AS "won/closed",
	   demo.pct(close_rate(b.deals)) AS "close rate",
	   demo.pct(close_rate(b.deal_value)) AS "by value",
	   format('%s .. %s', demo.pct(wilson_lower(b.deals)), demo.pct(wilson_upper(b.deals))) AS "95% Wilson interval",
	   b.naive_rank AS "naive rank",
	   demo.fmt_duration(c.cycle_p50) AS "cycle p50 (won)"
FROM ae_board b
LEFT JOIN (SELECT owner_id, response_time_percentile(closed_at - created_at, 0.5) AS cycle_p50
		   FROM crm.opportunities WHERE is_won GROUP BY owner_id) c ON c.owner_id = b.user_id
ORDER BY b.wilson_rank, b.ae;
SELECT demo.took('AE scorecard', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' 2b. AE funnel: every deal''s stage history (crm.opportunity_history), per AE'
\echo '--------------------------------------------------------------------------------'
\echo ' funnel_agg(opportunity_id, stage_name, created_at, stages) keeps per deal its'
\echo ' stage changes.  reached = deals whose furthest stage is that one or later (a'
\echo ' deal logged at Negotiation has passed Demo); step conversion = reached(next) /'
\echo ' reached(this), with the 95% Wilson interval of stage_conversion(); days in'
\echo ' stage = median cumulative time of the closed stays in it.  The bottleneck is'
\echo ' the step where the AE''s conversion is lowest relative to the team''s.  Cycle ='
\echo ' time_between(Discovery, Closed Won); sales velocity = open deals x win rate x'
\echo ' average won amount / median cycle (dollars a day the pipeline brings in).'
SELECT clock_timestamp() AS t0 \gset

CREATE TEMP TABLE ae_funnel AS
SELECT o.owner_id,
	   funnel_agg(h.opportunity_id, h.stage_name, h.created_at,
				  ARRAY['Discovery','Demo','Proposal','Negotiation','Closed Won']) AS f
FROM crm.opportunity_history h
JOIN crm.opportunities o USING (opportunity_id)
GROUP BY o.owner_id;
CREATE TEMP TABLE team_funnel AS SELECT rollup(f) AS f FROM ae_funnel;

\echo ' The team funnel (all AEs):'
SELECT s.position AS "#", s.stage AS "stage", s.reached AS "reached",
	   s.reached_in_order AS "in order", demo.pct(s.cumulative_conversion) AS "of Discovery",
	   demo.pct(s.step_conversion) AS "to next step",
	   CASE WHEN s.position < 5 THEN format('%s .. %s',
			demo.pct(wilson_lower(stage_conversion(t.f, s.stage, n.stage))),
			demo.pct(wilson_upper(stage_conversion(t.f, s.stage, n.stage)))) END AS "95% Wilson",
	   demo.fmt_duration(time_in_stage(t.f, s.stage, 0.5)) AS "time in stage p50",
	   demo.fmt_duration(time_in_stage(t.f, s.stage, 0.9)) AS "p90"
FROM team_funnel t, funnel_steps(t.f) s
LEFT JOIN funnel_steps((SELECT f FROM team_funnel)) n ON n.position = s.position + 1
ORDER BY s.position;

-- per AE and step: conversion, relative to the team's
CREATE TEMP TABLE ae_steps AS
SELECT a.owner_id, s.position, s.stage, n.stage AS next_stage, s.reached,
	   s.step_conversion, ts.step_conversion AS team_conversion,
	   s.step_conversion / nullif(ts.step_conversion, 0) AS relative,
	   stage_conversion(a.f, s.stage, n.stage) AS conv
FROM ae_funnel a
CROSS JOIN LATERAL funnel_steps(a.f) s
JOIN funnel_steps((SELECT f FROM team_funnel)) ts USING (position)
JOIN funnel_steps((SELECT f FROM team_funnel)) n ON n.position = s.position + 1;

CREATE TEMP TABLE ae_funnel_card AS
SELECT u.user_id, u.name AS ae, a.f,
	   (SELECT string_agg(s.reached::text, '/' ORDER BY s.position) FROM funnel_steps(a.f) s) AS reached,
	   b.stage || '->' || b.next_stage AS bottleneck, b.step_conversion AS bottleneck_conversion,
	   b.team_conversion, b.conv AS bottleneck_ratio,
	   time_between(a.f, 'Discovery', 'Closed Won', 0.5) AS cycle_p50,
	   time_between(a.f, 'Discovery', 'Closed Won', 0.9) AS cycle_p90,
	   o.open_deals, o.win_rate, o.avg_won
FROM ae_funnel a
JOIN crm.users u ON u.user_id = a.owner_id
LEFT JOIN LATERAL (SELECT * FROM ae_steps s WHERE s.owner_id = a.owner_id AND s.reached >= 5
				   ORDER BY s.relative, s.position LIMIT 1) b ON true
JOIN (SELECT owner_id, count(*) FILTER (WHERE NOT is_closed) AS open_deals,
			 close_rate(is_won) FILTER (WHERE is_closed) AS win_rate,
			 avg(amount) FILTER (WHERE is_won) AS avg_won
	  FROM crm.opportunities GROUP BY owner_id) o ON o.owner_id = a.owner_id;

SELECT c.ae AS "AE", c.reached AS "reached D/Demo/P/N/Won",
	   (SELECT string_agg(coalesce(round(extract(epoch FROM time_in_stage(c.f, st, 0.5)) / 86400, 1)::text, '-'), '/'
						  ORDER BY ord)
		FROM unnest(ARRAY['Discovery','Demo','Proposal','Negotiation']) WITH ORDINALITY AS x(st, ord)) AS "days in stage p50",
	   c.bottleneck || ' ' || demo.pct(c.bottleneck_conversion) || ' (team ' || demo.pct(c.team_conversion) || ')' AS "bottleneck step",
	   format('%s .. %s', demo.pct(wilson_lower(c.bottleneck_ratio)), demo.pct(wilson_upper(c.bottleneck_ratio))) AS "95% Wilson",
	   demo.fmt_duration(c.cycle_p50) AS "cycle p50", demo.fmt_duration(c.cycle_p90) AS "cycle p90",
	   to_char(c.open_deals * c.win_rate * c.avg_won / nullif(extract(epoch FROM c.cycle_p50) / 86400, 0), 'FM999,990') AS "velocity $/day"
FROM ae_funnel_card c
ORDER BY c.open_deals * c.win_rate * c.avg_won / nullif(extract(epoch FROM c.cycle_p50) / 86400, 0) DESC NULLS LAST, c.ae;
\echo ' Open stays (deals still in a stage) are not in "days in stage": per stage, the'
\echo ' deals whose last stay there is still open:'
SELECT s.stage AS "stage", count(*) AS "deals now in it"
FROM crm.opportunities o
JOIN funnel_steps((SELECT f FROM team_funnel)) s ON s.stage = o.stage
WHERE NOT o.is_closed
GROUP BY s.position, s.stage ORDER BY s.position;
SELECT demo.took('AE funnel', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' 3. AM scorecard: portfolio growth per account manager over 2025'
\echo '--------------------------------------------------------------------------------'
SELECT clock_timestamp() AS t0 \gset
\echo ' upsell rate = (current - starting) / starting portfolio, each account valued at'
\echo ' its first and latest monthly snapshot: upsell_rate(account_id, value, month).'
\echo ' A churned account counts with its final 0.  The breakdown of the same state:'
\echo ' expansion (accounts that grew) - contraction (shrank) - churn (went to 0) ='
\echo ' current - starting; GRR = (starting - contraction - churn) / starting, NRR ='
\echo ' current / starting; new logos: first snapshot on or after 2025-07-01.'
SELECT u.name AS "AM",
	   account_count(b.book) AS "accounts",
	   to_char(starting_value(b.book), 'FM999,999,990') AS "starting MRR",
	   to_char(expansion(b.book), 'FM999,999,990') AS "expansion",
	   to_char(contraction(b.book), 'FM999,999,990') AS "contraction",
	   to_char(churned_value(b.book), 'FM999,999,990') || ' (' || churned_accounts(b.book) || ')' AS "churn (accts)",
	   to_char(current_value(b.book), 'FM999,999,990') AS "current MRR",
	   new_accounts(b.book, '2025-07-01 00:00+00') || ' / ' ||
	   to_char(new_value(b.book, '2025-07-01 00:00+00'), 'FM999,999,990') AS "new logos / MRR",
	   demo.pct(gross_retention(b.book)) AS "GRR",
	   demo.pct(net_retention(b.book)) AS "NRR",
	   demo.pct(upsell_rate(b.book)) AS "upsell rate"
FROM (SELECT a.owner_id, upsell_rate_agg(s.account_id, s.value, s.month::timestamptz) AS book
	  FROM crm.account_snapshots s JOIN crm.accounts a USING (account_id)
	  GROUP BY a.owner_id) b
JOIN crm.users u ON u.user_id = b.owner_id
ORDER BY upsell_rate(b.book) DESC;
SELECT demo.took('AM scorecard', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' 4. Top quartile vs median rep: which activity figures separate them'
\echo '--------------------------------------------------------------------------------'
\echo ' Reps ranked by their outcome KPI; "top quartile" is the mean of the best'
\echo ' quarter of reps, "median rep" the median over all reps of the role.'
SELECT clock_timestamp() AS t0 \gset

CREATE TEMP TABLE rep_figures (role text, user_id int, outcome double precision,
							   ord int, figure text, value double precision);

-- SDRs: outcome = qualified leads per month
INSERT INTO rep_figures
SELECT 'SDR', r.owner_id, r.qualified_per_month, f.*
FROM (SELECT l.owner_id,
			 count(*) FILTER (WHERE l.qualified) / 12.0 AS qualified_per_month,
			 lead_qualification_efficiency(l.qualified, l.calls) AS efficiency,
			 avg(l.calls) AS calls_per_lead,
			 sum(l.calls) / 250.0 AS calls_per_day,
			 avg((l.first_touch_at - l.created_at <= interval '5 minutes')::int) AS within_5min,
			 avg((l.first_touch_at - l.created_at <= interval '1 hour')::int) AS within_1h,
			 avg((l.first_touch_at IS NULL)::int) AS never
	  FROM crm.leads l GROUP BY l.owner_id) r,
	 LATERAL (VALUES (1, 'OUTCOME: qualified leads / month', r.qualified_per_month),
					 (2, 'qualified per 100 calls', 100 * r.efficiency),
					 (3, 'calls per lead', r.calls_per_lead),
					 (4, 'calls per working day', r.calls_per_day),
					 (5, '% of leads called within 5 min', 100 * r.within_5min),
					 (6, '% of leads called within 1 hour', 100 * r.within_1h),
					 (7, '% of leads never contacted', 100 * r.never)) f;

-- AEs with at least 30 closed deals: outcome = close rate
INSERT INTO rep_figures
SELECT 'AE', r.owner_id, r.close_rate, f.*
FROM (SELECT o.owner_id,
			 close_rate(o.is_won) FILTER (WHERE o.is_closed) AS close_rate,
			 close_rate(o.is_won, o.amount) FILTER (WHERE o.is_closed) AS value_rate,
			 count(*) / 12.0 AS deals_per_month,
			 avg(m.meetings) AS meetings_per_deal,
			 avg(o.amount) AS avg_amount,
			 avg(extract(epoch FROM o.closed_at - o.created_at) / 86400) FILTER (WHERE o.is_won) AS cycle_days
	  FROM crm.opportunities o
	  LEFT JOIN (SELECT opportunity_id, count(*) AS meetings FROM crm.activities
				 WHERE kind = 'meeting' GROUP BY opportunity_id) m USING (opportunity_id)
	  GROUP BY o.owner_id
	  HAVING count(*) FILTER (WHERE o.is_closed) >= 30) r
	 LEFT JOIN ae_funnel_card c ON c.user_id = r.owner_id,
	 LATERAL (VALUES (1, 'OUTCOME: close rate %', 100 * r.close_rate),
					 (2, 'value-weighted close rate %', 100 * r.value_rate),
					 (3, 'meetings per deal', r.meetings_per_deal),
					 (4, 'deals worked / month', r.deals_per_month),
					 (5, 'average deal size', r.avg_amount),
					 (6, 'days to win (mean)', r.cycle_days),
					 (7, 'funnel: % of deals reaching Proposal', 100 * reached(c.f, 'Proposal')::float8 / nullif(reached(c.f, 'Discovery'), 0)),
					 (8, 'funnel: Negotiation -> Won %', 100 * close_rate(stage_conversion(c.f, 'Negotiation', 'Closed Won'))),
					 (9, 'funnel: days in Demo (median)', extract(epoch FROM time_in_stage(c.f, 'Demo', 0.5)) / 86400),
					 (10, 'funnel: sales cycle p50, days', extract(epoch FROM c.cycle_p50) / 86400),
					 (11, 'funnel: sales velocity $/day', c.open_deals * c.win_rate * c.avg_won / nullif(extract(epoch FROM c.cycle_p50) / 86400, 0))) f;

-- AMs: outcome = upsell rate
INSERT INTO rep_figures
SELECT 'AM', r.owner_id, r.upsell, f.*
FROM (SELECT a.owner_id,
			 upsell_rate(s.account_id, s.value, s.month::timestamptz) AS upsell,
			 upsell_rate_agg(s.account_id, s.value, s.month::timestamptz) AS book,
			 count(DISTINCT a.account_id) AS accounts,
			 count(*) FILTER (WHERE s.value = 0)::float8 / count(DISTINCT a.account_id) AS churned,
			 (SELECT count(*) FROM crm.activities c
			  WHERE c.kind = 'check-in' AND c.user_id = a.owner_id)::float8
			 / count(*) FILTER (WHERE s.value > 0) AS checkins
	  FROM crm.account_snapshots s JOIN crm.accounts a USING (account_id)
	  GROUP BY a.owner_id) r,
	 LATERAL (VALUES (1, 'OUTCOME: upsell rate %', 100 * r.upsell),
					 (2, 'check-ins per account-month', r.checkins),
					 (3, '% of accounts churned', 100 * r.churned),
					 (4, 'accounts', r.accounts),
					 (5, 'expansion % of starting MRR', 100 * expansion(r.book) / nullif(starting_value(r.book), 0)),
					 (6, 'churn % of starting MRR', 100 * churned_value(r.book) / nullif(starting_value(r.book), 0))) f;

SELECT role AS "role", figure AS "figure",
	   round(avg(value) FILTER (WHERE quartile = 1)::numeric, 2) AS "top quartile",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY value)::numeric, 2) AS "median rep",
	   CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY value) > 0
			 AND avg(value) FILTER (WHERE quartile = 1) >= 0
			THEN round((avg(value) FILTER (WHERE quartile = 1)
						/ percentile_cont(0.5) WITHIN GROUP (ORDER BY value))::numeric, 2) END AS "top / median"
FROM (SELECT *, ntile(4) OVER (PARTITION BY role, ord ORDER BY outcome DESC) AS quartile
	  FROM rep_figures) r
GROUP BY role, ord, figure
ORDER BY CASE role WHEN 'SDR' THEN 1 WHEN 'AE' THEN 2 ELSE 3 END, ord;
SELECT demo.took('top quartile vs median', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' 5. The two-step path: daily states in materialized views, rolled up'
\echo '--------------------------------------------------------------------------------'
\echo ' Aggregate once per day into stored states (kpi_ratio, duration_sketch,'
\echo ' upsell_summary, funnel_summary); dashboards then merge the few stored rows'
\echo ' with rollup().'
\echo ' Days are UTC calendar days (AT TIME ZONE), so a refresh gives the same view'
\echo ' whatever the session time zone.'
SELECT clock_timestamp() AS t0 \gset

CREATE MATERIALIZED VIEW demo.daily_ae AS
SELECT (closed_at AT TIME ZONE 'UTC')::date AS day, owner_id AS ae_id,
	   close_rate_agg(is_won) AS deals,
	   close_rate_agg(is_won, amount) AS deal_value
FROM crm.opportunities
WHERE is_closed
GROUP BY 1, 2;
CREATE UNIQUE INDEX ON demo.daily_ae (day, ae_id);

-- the funnel: daily states of the stage history (a deal's stays cross days;
-- rollup() puts its rows back together exactly)
CREATE MATERIALIZED VIEW demo.daily_funnel AS
SELECT (h.created_at AT TIME ZONE 'UTC')::date AS day, o.owner_id AS ae_id,
	   funnel_agg(h.opportunity_id, h.stage_name, h.created_at,
				  ARRAY['Discovery','Demo','Proposal','Negotiation','Closed Won']) AS funnel
FROM crm.opportunity_history h
JOIN crm.opportunities o USING (opportunity_id)
GROUP BY 1, 2;
CREATE UNIQUE INDEX ON demo.daily_funnel (day, ae_id);

CREATE MATERIALIZED VIEW demo.daily_sdr AS
SELECT (created_at AT TIME ZONE 'UTC')::date AS day, owner_id AS sdr_id,
	   count(*) AS leads,
	   count(*) FILTER (WHERE first_touch_at IS NULL) AS never_contacted,
	   lead_qualification_efficiency_agg(qualified, calls) AS qualification,
	   response_time_agg(first_touch_at - created_at) AS response
FROM crm.leads
GROUP BY 1, 2;
CREATE UNIQUE INDEX ON demo.daily_sdr (day, sdr_id);

CREATE MATERIALIZED VIEW demo.daily_am AS
SELECT s.month AS day, a.owner_id AS am_id,
	   upsell_rate_agg(s.account_id, s.value, s.month::timestamp AT TIME ZONE 'UTC') AS book
FROM crm.account_snapshots s
JOIN crm.accounts a USING (account_id)
GROUP BY 1, 2;
CREATE UNIQUE INDEX ON demo.daily_am (day, am_id);

SELECT c.relname AS "materialized view", c.reltuples::bigint AS "rows",
	   pg_size_pretty(pg_total_relation_size(c.oid)) AS "size",
	   (SELECT string_agg(format('%s %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
		FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS "columns"
FROM pg_class c
WHERE c.relnamespace = 'demo'::regnamespace AND c.relkind = 'm'
ORDER BY 1;
\echo ' Stored states as any client reads them (their text form; abridged here):'
SELECT 'kpi_ratio' AS "type", 'demo.daily_ae.deals' AS "column", deals::text AS "text form", length(deals::text) AS "chars"
FROM demo.daily_ae WHERE day = date '2025-06-02' AND ae_id = (SELECT min(ae_id) FROM demo.daily_ae WHERE day = date '2025-06-02')
UNION ALL
SELECT 'kpi_ratio', 'demo.daily_ae.deal_value', deal_value::text, length(deal_value::text)
FROM demo.daily_ae WHERE day = date '2025-06-02' AND ae_id = (SELECT min(ae_id) FROM demo.daily_ae WHERE day = date '2025-06-02')
UNION ALL
(SELECT 'duration_sketch', 'demo.daily_sdr.response',
		CASE WHEN length(response::text) > 60 THEN left(response::text, 57) || '...' ELSE response::text END,
		length(response::text)
 FROM demo.daily_sdr WHERE day = date '2025-06-02' ORDER BY sdr_id LIMIT 1)
UNION ALL
(SELECT 'funnel_summary', 'demo.daily_funnel.funnel',
		CASE WHEN length(funnel::text) > 60 THEN left(funnel::text, 57) || '...' ELSE funnel::text END,
		length(funnel::text)
 FROM demo.daily_funnel WHERE day = date '2025-06-02' ORDER BY ae_id LIMIT 1)
UNION ALL
(SELECT 'upsell_summary', 'demo.daily_am.book',
		CASE WHEN length(book::text) > 60 THEN left(book::text, 57) || '...' ELSE book::text END,
		length(book::text)
 FROM demo.daily_am WHERE day = date '2025-06-01' ORDER BY am_id LIMIT 1)
;
SELECT demo.took('materialized views of daily states', :'t0') AS took \gset
\echo :took

\echo
\echo ' Rolled up to months (team totals, from the stored daily states):'
SELECT clock_timestamp() AS t0 \gset
SELECT to_char(s.month, 'YYYY-MM') AS "month", s.leads AS "leads",
	   demo.pct(1.0 * s.never / s.leads) AS "never contacted",
	   round((lead_qualification_efficiency(s.qualification) * 100)::numeric, 1) AS "qualified/100 calls",
	   demo.fmt_duration(response_time_percentile(s.response, 0.5)) AS "response p50",
	   demo.fmt_duration(response_time_percentile(s.response, 0.9)) AS "response p90",
	   a.deals AS "won/closed",
	   demo.pct(close_rate(a.deals)) AS "close rate",
	   demo.pct(close_rate(a.deal_value)) AS "by value"
FROM (SELECT date_trunc('month', day)::date AS month, sum(leads) AS leads, sum(never_contacted) AS never,
			 rollup(qualification) AS qualification, rollup(response) AS response
	  FROM demo.daily_sdr GROUP BY 1) s
LEFT JOIN (SELECT date_trunc('month', day)::date AS month,
				  rollup(deals) AS deals, rollup(deal_value) AS deal_value
		   FROM demo.daily_ae GROUP BY 1) a USING (month)
ORDER BY 1;

\echo ' Rolled up to quarters, next to the one-step query on the raw rows:'
SELECT to_char(r.quarter, 'YYYY-"Q"Q') AS "quarter",
	   r.deals AS "rollup(daily states)",
	   o.deals AS "close_rate_agg(raw rows)",
	   demo.pct(close_rate(r.deals)) AS "close rate",
	   r.deals = o.deals AND r.deal_value = o.deal_value AS "same state",
	   close_rate(r.deals) = close_rate(o.deals)
	   AND close_rate(r.deal_value) = close_rate(o.deal_value) AS "same KPIs"
FROM (SELECT date_trunc('quarter', day)::date AS quarter,
			 rollup(deals) AS deals, rollup(deal_value) AS deal_value
	  FROM demo.daily_ae GROUP BY 1) r
JOIN (SELECT date_trunc('quarter', closed_at AT TIME ZONE 'UTC')::date AS quarter,
			 close_rate_agg(is_won) AS deals, close_rate_agg(is_won, amount) AS deal_value
	  FROM crm.opportunities WHERE is_closed GROUP BY 1) o USING (quarter)
ORDER BY 1;

\echo ' Every month x rep and quarter x rep group: two-step = one-step?'
CREATE TEMP TABLE checks (kpi text, grain text, groups bigint, matching bigint);
INSERT INTO checks
SELECT 'close_rate (count and value)', g.grain, count(*),
	   count(*) FILTER (WHERE r.deals = o.deals AND r.deal_value = o.deal_value)
FROM (VALUES ('month'), ('quarter')) g(grain)
CROSS JOIN LATERAL (
	SELECT date_trunc(g.grain, day)::date AS period, ae_id,
		   rollup(deals) AS deals, rollup(deal_value) AS deal_value
	FROM demo.daily_ae GROUP BY 1, 2) r
JOIN LATERAL (
	SELECT date_trunc(g.grain, closed_at AT TIME ZONE 'UTC')::date AS period, owner_id AS ae_id,
		   close_rate_agg(is_won) AS deals, close_rate_agg(is_won, amount) AS deal_value
	FROM crm.opportunities WHERE is_closed GROUP BY 1, 2) o USING (period, ae_id)
GROUP BY g.grain;
INSERT INTO checks
SELECT 'lead_qualification_efficiency', g.grain, count(*),
	   count(*) FILTER (WHERE r.q = o.q)
FROM (VALUES ('month'), ('quarter')) g(grain)
CROSS JOIN LATERAL (
	SELECT date_trunc(g.grain, day)::date AS period, sdr_id, rollup(qualification) AS q
	FROM demo.daily_sdr GROUP BY 1, 2) r
JOIN LATERAL (
	SELECT date_trunc(g.grain, created_at AT TIME ZONE 'UTC')::date AS period, owner_id AS sdr_id,
		   lead_qualification_efficiency_agg(qualified, calls) AS q
	FROM crm.leads GROUP BY 1, 2) o USING (period, sdr_id)
GROUP BY g.grain;
INSERT INTO checks
SELECT 'response_time p50/p90/<=5min', g.grain, count(*),
	   count(*) FILTER (WHERE response_time_percentile(r.s, 0.5) IS NOT DISTINCT FROM response_time_percentile(o.s, 0.5)
						  AND response_time_percentile(r.s, 0.9) IS NOT DISTINCT FROM response_time_percentile(o.s, 0.9)
						  AND share_within(r.s, interval '5 minutes') IS NOT DISTINCT FROM share_within(o.s, interval '5 minutes'))
FROM (VALUES ('month'), ('quarter')) g(grain)
CROSS JOIN LATERAL (
	SELECT date_trunc(g.grain, day)::date AS period, sdr_id, rollup(response) AS s
	FROM demo.daily_sdr GROUP BY 1, 2) r
JOIN LATERAL (
	SELECT date_trunc(g.grain, created_at AT TIME ZONE 'UTC')::date AS period, owner_id AS sdr_id,
		   response_time_agg(first_touch_at - created_at) AS s
	FROM crm.leads GROUP BY 1, 2) o USING (period, sdr_id)
GROUP BY g.grain;
INSERT INTO checks
SELECT 'upsell_rate and its breakdown', g.grain, count(*),
	   count(*) FILTER (WHERE upsell_rate(r.b) IS NOT DISTINCT FROM upsell_rate(o.b)
						  AND expansion(r.b) = expansion(o.b) AND contraction(r.b) = contraction(o.b)
						  AND churned_value(r.b) = churned_value(o.b)
						  AND churned_accounts(r.b) = churned_accounts(o.b)
						  AND new_accounts(r.b, '2025-07-01 00:00+00') = new_accounts(o.b, '2025-07-01 00:00+00')
						  AND new_value(r.b, '2025-07-01 00:00+00') = new_value(o.b, '2025-07-01 00:00+00')
						  AND gross_retention(r.b) IS NOT DISTINCT FROM gross_retention(o.b)
						  AND net_retention(r.b) IS NOT DISTINCT FROM net_retention(o.b))
FROM (VALUES ('month'), ('quarter')) g(grain)
CROSS JOIN LATERAL (
	SELECT date_trunc(g.grain, day)::date AS period, am_id, rollup(book) AS b
	FROM demo.daily_am GROUP BY 1, 2) r
JOIN LATERAL (
	SELECT date_trunc(g.grain, s.month)::date AS period, a.owner_id AS am_id,
		   upsell_rate_agg(s.account_id, s.value, s.month::timestamp AT TIME ZONE 'UTC') AS b
	FROM crm.account_snapshots s JOIN crm.accounts a USING (account_id) GROUP BY 1, 2) o USING (period, am_id)
GROUP BY g.grain;
INSERT INTO checks
SELECT 'funnel (state, steps, days in stage, cycle)', g.grain, count(*),
	   count(*) FILTER (WHERE r.f = o.f
						  AND (SELECT array_agg(s ORDER BY s.position) FROM funnel_steps(r.f) s)::text
							  = (SELECT array_agg(s ORDER BY s.position) FROM funnel_steps(o.f) s)::text
						  AND time_in_stage(r.f, 'Demo', 0.5) IS NOT DISTINCT FROM time_in_stage(o.f, 'Demo', 0.5)
						  AND time_between(r.f, 'Discovery', 'Closed Won', 0.9)
							  IS NOT DISTINCT FROM time_between(o.f, 'Discovery', 'Closed Won', 0.9))
FROM (VALUES ('month'), ('quarter')) g(grain)
CROSS JOIN LATERAL (
	SELECT date_trunc(g.grain, day)::date AS period, ae_id, rollup(funnel) AS f
	FROM demo.daily_funnel GROUP BY 1, 2) r
JOIN LATERAL (
	SELECT date_trunc(g.grain, h.created_at AT TIME ZONE 'UTC')::date AS period, o.owner_id AS ae_id,
		   funnel_agg(h.opportunity_id, h.stage_name, h.created_at,
					  ARRAY['Discovery','Demo','Proposal','Negotiation','Closed Won']) AS f
	FROM crm.opportunity_history h JOIN crm.opportunities o USING (opportunity_id) GROUP BY 1, 2) o USING (period, ae_id)
GROUP BY g.grain;
SELECT kpi AS "KPI", grain AS "rolled up to", groups AS "rep groups", matching AS "equal to one-step",
	   groups = matching AS "all equal"
FROM checks ORDER BY kpi, grain DESC;
-- the demo is also a test (scripts/test runs it): a mismatch stops it
DO $$
BEGIN
	IF EXISTS (SELECT FROM checks WHERE groups <> matching OR groups = 0) THEN
		RAISE EXCEPTION 'two-step answers differ from one-step answers';
	END IF;
END $$;
SELECT demo.took('rollup to month and quarter, checked against one-step', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo ' Keep the views fresh: REFRESH MATERIALIZED VIEW CONCURRENTLY (dashboards keep'
\echo ' reading while it runs; needs the unique index), scheduled with pg_cron.'
SELECT clock_timestamp() AS t0 \gset

CREATE PROCEDURE demo.refresh_kpis()
LANGUAGE plpgsql AS $$
DECLARE
	v regclass;
BEGIN
	FOR v IN SELECT c.oid FROM pg_class c
			 WHERE c.relnamespace = 'demo'::regnamespace AND c.relkind = 'm' ORDER BY c.relname
	LOOP
		EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', v);
	END LOOP;
END $$;
COMMENT ON PROCEDURE demo.refresh_kpis() IS 'refreshes every KPI materialized view of the demo, concurrently';

\if :has_cron
SELECT cron.schedule('salesperf-refresh-kpis', '*/15 * * * *', 'CALL demo.refresh_kpis()') AS jobid \gset
SELECT jobid, jobname, schedule, command, database, username, active FROM cron.job ORDER BY jobid;
\else
\echo ' note: pg_cron is not installed in this database: the schedule step is skipped.'
\echo ' With it: SELECT cron.schedule(''salesperf-refresh-kpis'', ''*/15 * * * *'', ''CALL demo.refresh_kpis()'');'
\endif
SELECT clock_timestamp() AS r0 \gset
CALL demo.refresh_kpis();
SELECT format('    one run of the job now (CALL demo.refresh_kpis()): %s ms',
			  round(extract(epoch FROM clock_timestamp() - :'r0'::timestamptz) * 1000)) AS took \gset
\echo :took
SELECT demo.took('refresh and schedule', :'t0') AS took \gset
\echo :took

-- ===========================================================================
\echo
\echo '--------------------------------------------------------------------------------'
\echo ' Time per section'
\echo '--------------------------------------------------------------------------------'
SELECT section AS "section", ms AS "ms" FROM demo.timing ORDER BY ord;
