-- demo/generate.sql: fills the sample CRM (demo/crm_schema.sql) with one
-- year (2025) of deterministic, realistically shaped data.
--
--   psql -v scale=1 -f demo/generate.sql      (scale defaults to 1, seed to 42)
--
-- One size parameter, scale, sets everything: per unit of scale there are
-- 20 SDRs, 12 AEs and 8 AMs (plus their managers), 20,000 leads (about
-- 55,000 calls), about 4,200 opportunities and 1,200 accounts with 7,500
-- monthly snapshots.  scale=1 is the demo (about 3 s); scale=100 gives 2M
-- leads, 5.5M calls and 7.2M activity rows for the benchmarks (about 2
-- minutes on 2 busy cores).  Fractional scales work (at least 100 leads).
--
-- Determinism: every random draw is a hash of (row key, stream, seed)
-- (pg_catalog.hashint8extended, whose values PostgreSQL keeps stable because
-- hash partitioning depends on them), not random(), so the data is the same
-- whatever the plan, the row order, or the number of parallel workers, and
-- the inserts below can run in parallel.  Change the data with -v seed=N.
--
-- The shapes the scorecards rely on:
--   * reps differ in effort and skill (hidden traits, never stored in crm);
--     effort shows as activity (calls per lead, speed to first call,
--     meetings per deal, account check-ins), skill as conversion;
--   * SDRs call only in their team's working hours (crm.sdr_teams), so
--     response times are drawn in business time: heavy-tailed, a share
--     answered within 5 business minutes (larger for hard-working SDRs),
--     most after business hours, some after business days, and some leads
--     never contacted at all (first_touch_at NULL);
--   * leads answered fast qualify more often; deals with more meetings are
--     won more often; big deals are won less often (value-weighted close
--     rate < count close rate); a few AEs hired late in the year have only
--     a handful of closed deals (the Wilson-bound leaderboard shows why
--     that matters);
--   * accounts grow or shrink monthly at a rate set by their AM, and churn.

\set ON_ERROR_STOP 1
\if :{?scale}
\else
\set scale 1
\endif
\if :{?seed}
\else
\set seed 42
\endif

SET client_min_messages = warning;
SET TimeZone = 'UTC';
-- The extension's schema is searched after pg_catalog: the generator places
-- first calls in working hours with business_add and checks them with
-- is_open and business_duration
SELECT n.nspname AS sp_schema
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'salesperf' \gset
SET search_path = pg_catalog, :"sp_schema";

DROP SCHEMA IF EXISTS crm_gen CASCADE;
CREATE SCHEMA crm_gen;

CREATE TABLE crm_gen.params AS
SELECT :'scale'::numeric AS scale,
	   :'seed'::bigint AS seed,
	   greatest(4, round(20 * :'scale'::numeric))::int AS n_sdr,
	   greatest(4, round(12 * :'scale'::numeric))::int AS n_ae,
	   greatest(4, round(8 * :'scale'::numeric))::int AS n_am,
	   greatest(100, round(20000 * :'scale'::numeric))::bigint AS n_leads,
	   25 AS book_per_am,
	   timestamptz '2025-01-01 00:00+00' AS t0,
	   timestamptz '2026-01-01 00:00+00' AS t1;

-- Uniform draw in (0, 1) for a row key and a stream number
CREATE FUNCTION crm_gen.u(k bigint, stream bigint, seed bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((pg_catalog.hashint8extended(k, seed * 1000 + stream) & 9007199254740991)::float8 + 0.5)
	   / 9007199254740992.0;

-- Standard normal draw (Box-Muller over two streams)
CREATE FUNCTION crm_gen.z(k bigint, stream bigint, seed bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN sqrt(-2 * ln(crm_gen.u(k, stream, seed)))
	   * cos(2 * pi() * crm_gen.u(k, stream + 500, seed));

-- Clamp to [lo, hi]
CREATE FUNCTION crm_gen.clamp(x double precision, lo double precision, hi double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN least(hi, greatest(lo, x));

-- A person's name from two word lists
CREATE FUNCTION crm_gen.person(k bigint, seed bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (ARRAY['Ada','Ben','Chloe','Dan','Eva','Femi','Grace','Hugo','Ines','Jon','Kira','Luis',
			  'Maya','Noah','Olga','Pablo','Quinn','Rosa','Sam','Tara','Uma','Victor','Wen','Xavi',
			  'Yara','Zoe','Amir','Bea','Carl','Dina','Eli','Faye'])[1 + floor(crm_gen.u(k, 901, seed) * 32)::int]
	|| ' ' ||
	   (ARRAY['Adams','Brooks','Chen','Diaz','Evans','Fischer','Garcia','Haddad','Ito','Jensen',
			  'Khan','Larsen','Moreau','Novak','Okafor','Patel','Quist','Rossi','Silva','Tanaka',
			  'Ueda','Varga','Weber','Xu','Yilmaz','Zhang','Abbott','Bauer','Costa','Dubois',
			  'Eriksen','Flores'])[1 + floor(crm_gen.u(k, 902, seed) * 32)::int];

TRUNCATE crm.users, crm.leads, crm.opportunities, crm.opportunity_history, crm.accounts,
		 crm.account_snapshots, crm.activities;

-- Load without indexes, build them at the end: sorting once is about ten
-- times cheaper than inserting millions of keys one by one
ALTER TABLE crm.users DROP CONSTRAINT IF EXISTS users_manager_id_fkey;
ALTER TABLE crm.leads DROP CONSTRAINT IF EXISTS leads_pkey;
ALTER TABLE crm.opportunities DROP CONSTRAINT IF EXISTS opportunities_pkey;
ALTER TABLE crm.opportunity_history DROP CONSTRAINT IF EXISTS opportunity_history_pkey;
DROP INDEX IF EXISTS crm.opportunity_history_opportunity_id_idx;
ALTER TABLE crm.accounts DROP CONSTRAINT IF EXISTS accounts_pkey;
ALTER TABLE crm.account_snapshots DROP CONSTRAINT IF EXISTS account_snapshots_pkey;
ALTER TABLE crm.activities DROP CONSTRAINT IF EXISTS activities_pkey;
DROP INDEX IF EXISTS crm.leads_owner_id_idx, crm.activities_lead_id_idx,
	crm.opportunities_owner_id_idx, crm.account_snapshots_month_idx;

-- Reps: SDRs, AEs, AMs numbered in that order, then one manager per 8 reps
-- of a role.  Hidden traits: effort and skill in (0, 1).
CREATE TABLE crm_gen.reps AS
SELECT r.user_id, r.role, r.idx, r.n,
	   crm_gen.clamp(0.5 + 0.22 * crm_gen.z(r.user_id, 1, p.seed), 0.05, 0.97) AS effort,
	   -- skill goes with effort (correlation 0.75): the reps who work more
	   -- learn more, so activity figures separate the top from the median
	   crm_gen.clamp(0.5 + 0.20 * (0.75 * crm_gen.z(r.user_id, 1, p.seed)
								   + 0.66 * crm_gen.z(r.user_id, 2, p.seed)), 0.05, 0.97) AS skill,
	   -- the last AE in every six joins in late November: few closed deals
	   CASE WHEN r.role = 'AE' AND r.idx % 6 = 5
			THEN date '2025-11-20' + (r.idx * 5) % 12
			ELSE date '2022-01-01' + floor(crm_gen.u(r.user_id, 3, p.seed) * 900)::int END AS hired_at
FROM crm_gen.params p,
	 LATERAL (SELECT i AS user_id, 'SDR' AS role, i - 1 AS idx, p.n_sdr AS n
			  FROM generate_series(1, p.n_sdr) i
			  UNION ALL
			  SELECT p.n_sdr + i, 'AE', i - 1, p.n_ae FROM generate_series(1, p.n_ae) i
			  UNION ALL
			  SELECT p.n_sdr + p.n_ae + i, 'AM', i - 1, p.n_am FROM generate_series(1, p.n_am) i) r;
CREATE UNIQUE INDEX ON crm_gen.reps (role, idx);

CREATE TABLE crm_gen.managers AS
SELECT (SELECT max(user_id) FROM crm_gen.reps)
	   + row_number() OVER (ORDER BY t.ord, t.team) AS user_id, t.role, t.team
FROM (SELECT DISTINCT role, idx / 8 AS team,
			 CASE role WHEN 'SDR' THEN 1 WHEN 'AE' THEN 2 ELSE 3 END AS ord
	  FROM crm_gen.reps) t;

INSERT INTO crm.users (user_id, name, role, manager_id, hired_at)
SELECT m.user_id, crm_gen.person(m.user_id, p.seed), 'MGR', NULL, date '2020-03-01'
FROM crm_gen.managers m, crm_gen.params p;

INSERT INTO crm.users (user_id, name, role, manager_id, hired_at)
SELECT r.user_id, crm_gen.person(r.user_id, p.seed), r.role, m.user_id, r.hired_at
FROM crm_gen.reps r
JOIN crm_gen.managers m ON m.role = r.role AND m.team = r.idx / 8
CROSS JOIN crm_gen.params p;

-- SDR teams: EMEA works from Rome, AMER from New York, each with its hours
-- and its local holidays of 2025 (and short days); SDRs alternate between
-- the two.  Leads arrive around the clock and at weekends (created_at is
-- uniform over the year), so many wait for the team's next opening.
TRUNCATE crm.sdr_team_members, crm.sdr_teams;
INSERT INTO crm.sdr_teams VALUES
	(1, 'EMEA (Rome)', 'zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00; 2025-01-01 closed; 2025-01-06 closed; '
		'2025-04-21 closed; 2025-04-25 closed; 2025-05-01 closed; 2025-06-02 closed; 2025-08-15 closed; '
		'2025-11-01 closed; 2025-12-08 closed; 2025-12-24 09:00-13:00; 2025-12-25 closed; 2025-12-26 closed; '
		'2025-12-31 09:00-13:00'),
	(2, 'AMER (New York)', 'zone America/New_York; mon-fri 08:00-17:00; 2025-01-01 closed; 2025-01-20 closed; '
		'2025-05-26 closed; 2025-07-04 closed; 2025-09-01 closed; 2025-11-27 closed; 2025-11-28 08:00-12:00; '
		'2025-12-24 08:00-12:00; 2025-12-25 closed');
INSERT INTO crm.sdr_team_members SELECT user_id, 1 + idx % 2 FROM crm_gen.reps WHERE role = 'SDR';

-- Leads, with every per-lead draw computed once.  Response time response_s
-- is business time, counted in the open hours of the SDR's team calendar
-- (SDRs work only then): never contacted (2-12%, more for low-effort SDRs);
-- within minutes (5-50%, more for high effort); otherwise lognormal around
-- 1.5-4.5 business hours with a tail of business days.  The first touch is
-- business_add(calendar, created_at, response_s), so a lead that arrives
-- while the team is closed waits for the next opening; call k of a lead is
-- made at first_touch + (k-1) * spacing (+ jitter).
CREATE TABLE crm_gen.lead_draws AS
WITH b AS (
	SELECT g AS lead_id,
		   p.t0 + make_interval(secs => crm_gen.u(g, 10, p.seed) * 365 * 86400) AS created_at,
		   r.user_id AS owner_id, r.effort, r.skill, st.calendar,
		   crm_gen.u(g, 11, p.seed) AS u_never,
		   crm_gen.u(g, 12, p.seed) AS u_fast,
		   crm_gen.u(g, 13, p.seed) AS u_fast_s,
		   crm_gen.z(g, 14, p.seed) AS z_slow,
		   crm_gen.u(g, 15, p.seed) AS u_calls,
		   crm_gen.u(g, 16, p.seed) AS u_qual,
		   crm_gen.u(g, 17, p.seed) AS u_spacing,
		   crm_gen.u(g, 18, p.seed) AS u_source,
		   p.seed
	FROM crm_gen.params p
	CROSS JOIN generate_series(1, p.n_leads) g
	JOIN crm_gen.reps r ON r.role = 'SDR' AND r.idx = floor(crm_gen.u(g, 19, p.seed) * p.n_sdr)::int
	JOIN crm.sdr_team_members m ON m.user_id = r.user_id
	JOIN crm.sdr_teams st ON st.team_id = m.team_id
), t AS (
	SELECT b.*,
		   CASE WHEN u_never < 0.02 + 0.10 * (1 - effort) THEN NULL
				WHEN u_fast < 0.05 + 0.45 * effort ^ 1.5 THEN 20 + 400 * u_fast_s ^ 2
				ELSE greatest(360, exp(ln(3600 * (4.5 - 3 * effort)) + 1.4 * z_slow)) END
			   AS response_s
	FROM b
), c AS (
	SELECT t.*,
		   CASE WHEN response_s IS NULL THEN 0
				ELSE least(15, 1 + floor(-ln(u_calls) * (0.2 + 4.5 * effort)))::int END AS calls,
		   86400 * (0.4 + 1.6 * u_spacing) AS spacing_s,
		   business_add(calendar, created_at, make_interval(secs => response_s)) AS first_touch
	FROM t
)
SELECT c.*,
	   c.response_s IS NOT NULL
	   AND c.u_qual < least(0.95,
			(0.12 + 0.24 * c.skill)
			* CASE WHEN c.response_s <= 300 THEN 2.0 WHEN c.response_s <= 3600 THEN 1.3
				   WHEN c.response_s <= 86400 THEN 1.0 ELSE 0.5 END
			* (1 - exp(-c.calls / 2.0)) * 1.4) AS qualified
FROM c;

-- When a lead's k-th call happens (call 1 is the first touch, NULL for a
-- lead never contacted).  STABLE like timestamptz + interval itself, so the
-- planner can inline it.
CREATE FUNCTION crm_gen.call_at(lead_id bigint, k int, first_touch timestamptz,
								spacing_s double precision, seed bigint)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
RETURN first_touch + make_interval(secs => (k - 1) * spacing_s
	   + CASE WHEN k > 1 THEN 0.5 * spacing_s * crm_gen.u(lead_id * 16 + k, 20, seed) ELSE 0 END);

INSERT INTO crm.leads (lead_id, created_at, owner_id, source, first_touch_at, calls,
					   qualified, qualified_at)
SELECT lead_id, date_trunc('second', created_at), owner_id,
	   CASE WHEN u_source < 0.45 THEN 'Web form' WHEN u_source < 0.70 THEN 'Content download'
			WHEN u_source < 0.85 THEN 'Event' WHEN u_source < 0.95 THEN 'Referral'
			ELSE 'Partner' END,
	   date_trunc('second', crm_gen.call_at(lead_id, 1, first_touch, spacing_s, seed)),
	   calls, qualified,
	   CASE WHEN qualified
			THEN date_trunc('second', crm_gen.call_at(lead_id, calls, first_touch, spacing_s, seed)) END
FROM crm_gen.lead_draws;

-- One activity row per call; a qualified lead's last call connected
INSERT INTO crm.activities (activity_id, user_id, kind, at, duration, outcome, lead_id)
SELECT d.lead_id * 16 + k, d.owner_id, 'call',
	   date_trunc('second', crm_gen.call_at(d.lead_id, k, d.first_touch, d.spacing_s, d.seed)),
	   make_interval(secs => CASE WHEN o.outcome = 'connected'
								  THEN 60 + floor(840 * crm_gen.u(d.lead_id * 16 + k, 22, d.seed))
								  ELSE 10 + floor(50 * crm_gen.u(d.lead_id * 16 + k, 22, d.seed)) END),
	   o.outcome, d.lead_id
FROM crm_gen.lead_draws d
CROSS JOIN LATERAL generate_series(1, d.calls) k
CROSS JOIN LATERAL (
	SELECT CASE WHEN d.qualified AND k = d.calls THEN 'connected'
				WHEN crm_gen.u(d.lead_id * 16 + k, 21, d.seed) < 0.25 THEN 'connected'
				WHEN crm_gen.u(d.lead_id * 16 + k, 21, d.seed) < 0.70 THEN 'voicemail'
				ELSE 'no answer' END AS outcome) o;

-- Opportunities: 85% of qualified leads, a day or two after qualification,
-- routed to an AE already hired then (else to a veteran).  Amounts are
-- lognormal around 12,000.  Win probability rises with AE skill and the
-- number of meetings, falls with size; the sales cycle is lognormal around
-- a month.  A deal not closed by 2026-01-01 is still open.
CREATE TABLE crm_gen.opp_draws AS
WITH q AS (
	SELECT l.lead_id, l.qualified_at
		   + make_interval(secs => 3600 + 2 * 86400 * crm_gen.u(l.lead_id, 30, p.seed)) AS created_at,
		   p.*
	FROM crm.leads l CROSS JOIN crm_gen.params p
	WHERE l.qualified AND crm_gen.u(l.lead_id, 31, p.seed) < 0.85
), a AS (
	SELECT q.*, pick.idx AS pick_idx
	FROM q, LATERAL (SELECT floor(crm_gen.u(q.lead_id, 32, q.seed) * q.n_ae)::int AS idx) pick
), r AS (
	SELECT a.lead_id, a.created_at, a.seed, a.t1,
		   coalesce(chosen.user_id, vet.user_id) AS owner_id,
		   coalesce(chosen.effort, vet.effort) AS effort,
		   coalesce(chosen.skill, vet.skill) AS skill
	FROM a
	LEFT JOIN crm_gen.reps chosen
		   ON chosen.role = 'AE' AND chosen.idx = a.pick_idx AND chosen.hired_at <= a.created_at
	LEFT JOIN crm_gen.reps vet
		   ON vet.role = 'AE' AND chosen.user_id IS NULL
		  AND vet.idx = (a.pick_idx / 6) * 6 + (a.pick_idx % 5)
)
SELECT r.*,
	   round(exp(ln(12000) + 0.9 * crm_gen.z(r.lead_id, 33, r.seed)) / 10) * 10 AS amount,
	   least(12, 1 + floor(-ln(crm_gen.u(r.lead_id, 34, r.seed)) * (0.5 + 3.0 * r.effort)))::int AS meetings,
	   86400 * exp(ln(30 * (1.3 - 0.5 * r.effort)) + 0.6 * crm_gen.z(r.lead_id, 35, r.seed)) AS cycle_s,
	   crm_gen.u(r.lead_id, 36, r.seed) AS u_win,
	   crm_gen.u(r.lead_id, 37, r.seed) AS u_stage
FROM r;

CREATE TABLE crm_gen.opps AS
SELECT o.*,
	   o.created_at + make_interval(secs => o.cycle_s) < o.t1 AS closed,
	   o.u_win < crm_gen.clamp(0.02 + 0.26 * o.skill + 0.06 * o.meetings
							   - 0.10 * ln(o.amount / 12000), 0.02, 0.92) AS won
FROM crm_gen.opp_draws o;

INSERT INTO crm.opportunities (opportunity_id, lead_id, account_id, owner_id, stage, is_closed,
							   is_won, amount, created_at, closed_at)
SELECT lead_id, lead_id,
	   CASE WHEN closed AND won THEN 100000000 + lead_id END,
	   owner_id,
	   CASE WHEN closed AND won THEN 'Closed Won' WHEN closed THEN 'Closed Lost'
			WHEN u_stage < 0.35 THEN 'Discovery' WHEN u_stage < 0.65 THEN 'Demo'
			WHEN u_stage < 0.85 THEN 'Proposal' ELSE 'Negotiation' END,
	   closed, closed AND won, amount,
	   date_trunc('second', created_at),
	   CASE WHEN closed THEN date_trunc('second', created_at + make_interval(secs => cycle_s)) END
FROM crm_gen.opps;

-- The stage history (Salesforce's OpportunityHistory): a deal enters
-- Discovery when created and moves forward through Demo, Proposal,
-- Negotiation to Closed Won, entries evenly spread over its cycle; a lost
-- deal stops at a stage drawn by chance and ends in Closed Lost at closed_at;
-- an open deal's last stage is its current one.  On the way: 12% of middle
-- stages are skipped (never logged), 40% of stages get an amount or
-- close-date edit (a second row of the same stage), 8% of deals that reach
-- Negotiation move back to Proposal and forward again, 10% of lost deals are
-- reopened once before they are lost for good, and 6% log Demo and Proposal
-- at the same instant (a bulk update).  The last row of every deal has its
-- current stage (checked below).
CREATE TABLE crm_gen.opp_path AS
SELECT o.opportunity_id AS id, o.stage, o.amount, o.is_closed, o.is_won, p.seed,
	   o.created_at AS t_start,
	   -- an open deal's history runs to 80% of the way to 2026-01-01 (or
	   -- two days, for deals created at the very end of the year)
	   coalesce(o.closed_at, greatest(o.created_at + (p.t1 - o.created_at) * 0.8,
									  o.created_at + interval '2 days')) AS t_stop,
	   CASE o.stage WHEN 'Discovery' THEN 1 WHEN 'Demo' THEN 2 WHEN 'Proposal' THEN 3
			WHEN 'Negotiation' THEN 4 WHEN 'Closed Won' THEN 5
			ELSE 1 + floor(4 * crm_gen.u(o.opportunity_id, 60, p.seed))::int END AS top,
	   crm_gen.u(o.opportunity_id, 61, p.seed) < 0.06 AS tie,
	   crm_gen.u(o.opportunity_id, 62, p.seed) < 0.08 AS moves_back,
	   o.stage = 'Closed Lost' AND crm_gen.u(o.opportunity_id, 63, p.seed) < 0.10 AS reopened
FROM crm.opportunities o CROSS JOIN crm_gen.params p;

CREATE TABLE crm_gen.opp_entries AS
SELECT h.*, j.j, (ARRAY['Discovery','Demo','Proposal','Negotiation','Closed Won'])[j.j] AS entered,
	   -- stage j is entered (j - 1) / d of the way; a won deal enters Closed Won at closed_at
	   h.t_start + (h.t_stop - h.t_start) * ((CASE WHEN h.tie AND j.j = 3 THEN 2 ELSE j.j END) - 1)
				   / (CASE WHEN h.is_won THEN 4 ELSE h.top END) AS at,
	   (h.t_stop - h.t_start) / (CASE WHEN h.is_won THEN 4 ELSE h.top END) AS gap,
	   j.j BETWEEN 2 AND h.top - 1 AND crm_gen.u(h.id * 8 + j.j, 64, h.seed) < 0.12 AS skipped
FROM crm_gen.opp_path h
CROSS JOIN LATERAL generate_series(1, h.top) j(j);

INSERT INTO crm.opportunity_history (history_id, opportunity_id, stage_name, amount, probability, close_date, created_at)
SELECT e.id * 32 + e.n, e.id, e.stage_name,
	   CASE WHEN e.final THEN e.amount
			ELSE round(e.amount * (0.7 + 0.6 * crm_gen.u(e.id * 32 + e.n, 65, e.seed)) / 10) * 10 END,
	   CASE e.stage_name WHEN 'Discovery' THEN 10 WHEN 'Demo' THEN 20 WHEN 'Proposal' THEN 50
			WHEN 'Negotiation' THEN 75 WHEN 'Closed Won' THEN 100 ELSE 0 END,
	   (CASE WHEN e.final THEN e.t_stop
			 ELSE e.t_stop + make_interval(days => floor(30 * crm_gen.u(e.id * 32 + e.n, 66, e.seed))::int) END)::date,
	   date_trunc('second', e.at)
FROM (
	-- the stage entries
	SELECT id, seed, amount, t_stop, j AS n, entered AS stage_name, at, j = 5 AS final
	FROM crm_gen.opp_entries WHERE NOT skipped
	UNION ALL
	-- amount and close-date edits: the same stage again, before the next change
	SELECT id, seed, amount, t_stop, 8 + j, entered,
		   at + gap * (0.2 + 0.6 * crm_gen.u(id * 8 + j, 67, seed)), false
	FROM crm_gen.opp_entries
	WHERE NOT skipped AND j < 5 AND NOT (tie AND j = 2) AND crm_gen.u(id * 8 + j, 68, seed) < 0.4
	UNION ALL
	-- a move back from Negotiation to Proposal, and forward again
	SELECT id, seed, amount, t_stop, 16 + k, (ARRAY['Proposal','Negotiation'])[k], at + gap * (0.8 + 0.05 * k), false
	FROM crm_gen.opp_entries CROSS JOIN generate_series(1, 2) k
	WHERE j = 4 AND moves_back
	UNION ALL
	-- reopened: lost, back in its last stage, then lost for good
	SELECT id, seed, amount, t_stop, 20 + k, (ARRAY['Closed Lost', entered])[k], at + gap * (0.9 + 0.03 * k), false
	FROM crm_gen.opp_entries CROSS JOIN generate_series(1, 2) k
	WHERE j = top AND reopened
	UNION ALL
	-- the end of a lost deal
	SELECT id, seed, amount, t_stop, 24, 'Closed Lost', t_stop, true
	FROM crm_gen.opp_path WHERE stage = 'Closed Lost'
) e;

-- AE meetings, spread over the deal's life so far
INSERT INTO crm.activities (activity_id, user_id, kind, at, duration, opportunity_id)
SELECT 1000000000000 + o.lead_id * 16 + k, o.owner_id, 'meeting',
	   date_trunc('second', o.created_at + make_interval(secs => (k - 1) * o.cycle_s / o.meetings)),
	   make_interval(mins => 30 + 15 * (k % 3)), o.lead_id
FROM crm_gen.opps o
CROSS JOIN LATERAL generate_series(1, o.meetings) k
WHERE o.created_at + make_interval(secs => (k - 1) * o.cycle_s / o.meetings) < o.t1;

-- Accounts: each AM's existing book (25 accounts, customers since 2023-24)
-- and the accounts won in 2025, handed to an AM the month after closing.
CREATE TABLE crm_gen.accts AS
SELECT (r.idx * p.book_per_am + i)::bigint AS account_id, r.user_id AS owner_id,
	   r.effort, r.skill, p.seed,
	   date '2023-01-01' + floor(crm_gen.u(r.idx * p.book_per_am + i, 40, p.seed) * 700)::int AS created_at,
	   date '2025-01-01' AS first_month,
	   round(exp(ln(2500) + 0.8 * crm_gen.z(r.idx * p.book_per_am + i, 41, p.seed)) / 10) * 10 AS start_value
FROM crm_gen.params p
CROSS JOIN crm_gen.reps r
CROSS JOIN generate_series(1, p.book_per_am) i
WHERE r.role = 'AM'
UNION ALL
SELECT o.account_id, r.user_id, r.effort, r.skill, p.seed,
	   o.closed_at::date,
	   (date_trunc('month', o.closed_at) + interval '1 month')::date,
	   round(o.amount / 12 / 10) * 10
FROM crm.opportunities o
CROSS JOIN crm_gen.params p
JOIN crm_gen.reps r ON r.role = 'AM' AND r.idx = floor(crm_gen.u(o.opportunity_id, 42, p.seed) * p.n_am)::int
WHERE o.is_won AND o.closed_at < timestamptz '2025-12-01 00:00+00';

INSERT INTO crm.accounts (account_id, name, owner_id, created_at)
SELECT account_id,
	   (ARRAY['Acme','Globex','Initech','Umbrella','Hooli','Vandelay','Stark','Wayne','Tyrell',
			  'Cyberdyne','Soylent','Wonka','Aperture','Gringotts','Oscorp','Monarch'])
		   [1 + floor(crm_gen.u(account_id, 43, seed) * 16)::int]
	   || ' ' ||
	   (ARRAY['Labs','Foods','Logistics','Systems','Health','Energy','Media','Retail'])
		   [1 + floor(crm_gen.u(account_id, 44, seed) * 8)::int]
	   || ' #' || account_id,
	   owner_id, created_at
FROM crm_gen.accts;

-- Monthly values: growth per month set by the AM's skill (about 0% to +3%)
-- with per-account noise, upsells in steps each quarter; the monthly churn
-- hazard (about 0.5-0.9%) falls with the AM's effort; a churned account has
-- one 0 row, then none.
CREATE TABLE crm_gen.acct_months AS
SELECT a.*,
	   (-0.004 + 0.040 * a.skill + 0.010 * crm_gen.z(a.account_id, 45, a.seed)) AS growth,
	   ceil(ln(crm_gen.u(a.account_id, 46, a.seed)) / ln(1 - 0.005 * (1.8 - a.effort)))::int AS churn_month
FROM crm_gen.accts a;

INSERT INTO crm.account_snapshots (account_id, month, value)
SELECT a.account_id, (a.first_month + make_interval(months => j))::date,
	   CASE WHEN j >= a.churn_month THEN 0
			ELSE round(a.start_value * exp(a.growth * 3 * floor(j / 3.0)) / 10) * 10 END
FROM crm_gen.acct_months a
CROSS JOIN LATERAL generate_series(0, 11) j
WHERE a.first_month + make_interval(months => j) < date '2026-01-01'
  AND j <= a.churn_month;

-- AM check-ins with their accounts, more for hard-working AMs
INSERT INTO crm.activities (activity_id, user_id, kind, at, duration, account_id)
SELECT 2000000000000 + s.account_id * 256 + extract(month FROM s.month)::int * 16 + k,
	   a.owner_id, 'check-in',
	   s.month + make_interval(days => floor(27 * crm_gen.u(s.account_id * 256 + k, 48, a.seed))::int,
							   hours => 9 + k),
	   interval '30 minutes', s.account_id
FROM crm.account_snapshots s
JOIN crm_gen.accts a USING (account_id)
CROSS JOIN LATERAL generate_series(1, least(8, floor(-ln(crm_gen.u(s.account_id * 16 + extract(month FROM s.month)::int, 47, a.seed))
												  * (0.2 + 2.0 * a.effort))::int)) k
WHERE s.value > 0;

ALTER TABLE crm.leads ADD CONSTRAINT leads_pkey PRIMARY KEY (lead_id);
ALTER TABLE crm.opportunities ADD CONSTRAINT opportunities_pkey PRIMARY KEY (opportunity_id);
ALTER TABLE crm.opportunity_history ADD CONSTRAINT opportunity_history_pkey PRIMARY KEY (history_id);
CREATE INDEX opportunity_history_opportunity_id_idx ON crm.opportunity_history (opportunity_id);
ALTER TABLE crm.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (account_id);
ALTER TABLE crm.account_snapshots ADD CONSTRAINT account_snapshots_pkey PRIMARY KEY (account_id, month);
ALTER TABLE crm.activities ADD CONSTRAINT activities_pkey PRIMARY KEY (activity_id);
CREATE INDEX leads_owner_id_idx ON crm.leads (owner_id);
CREATE INDEX activities_lead_id_idx ON crm.activities (lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX opportunities_owner_id_idx ON crm.opportunities (owner_id);
CREATE INDEX account_snapshots_month_idx ON crm.account_snapshots (month);
ALTER TABLE crm.users ADD CONSTRAINT users_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES crm.users;

DROP SCHEMA crm_gen CASCADE;

-- The generator checks its own promises: leads.calls and first_touch_at agree
-- with the calls table, a qualified lead had a connected call, first touches
-- fall in working hours, and the response times have the shape the
-- scorecards rely on
DO $$
DECLARE
	bad bigint;
	shares double precision[];
BEGIN
	SELECT count(*) INTO bad
	FROM crm.leads l
	LEFT JOIN (SELECT lead_id, count(*) AS n, min(called_at) AS first_call,
					  bool_or(outcome = 'connected') AS connected
			   FROM crm.calls GROUP BY lead_id) c USING (lead_id)
	WHERE l.calls <> coalesce(c.n, 0)
	   OR l.first_touch_at IS DISTINCT FROM c.first_call
	   OR (l.qualified AND NOT c.connected);
	IF bad > 0 THEN
		RAISE EXCEPTION 'generator bug: % leads disagree with crm.calls', bad;
	END IF;
	-- every deal's last history row (by time, then stage order) has its
	-- current stage, a closed deal's at closed_at
	SELECT count(*) INTO bad
	FROM crm.opportunities o
	LEFT JOIN LATERAL (SELECT h.stage_name, h.created_at FROM crm.opportunity_history h
					   WHERE h.opportunity_id = o.opportunity_id
					   ORDER BY h.created_at DESC, array_position(ARRAY['Discovery','Demo','Proposal','Negotiation','Closed Won'], h.stage_name) DESC NULLS FIRST
					   LIMIT 1) h ON true
	WHERE h.stage_name IS DISTINCT FROM o.stage
	   OR (o.is_closed AND h.created_at <> o.closed_at);
	IF bad > 0 THEN
		RAISE EXCEPTION 'generator bug: % opportunities disagree with their stage history', bad;
	END IF;
	-- SDRs call only in their team's working hours: every first touch is in
	-- an open range (or at its end, to the truncated second)
	SELECT count(*) INTO bad
	FROM crm.leads l
	JOIN crm.sdr_team_members m ON m.user_id = l.owner_id
	JOIN crm.sdr_teams t ON t.team_id = m.team_id
	WHERE NOT is_open(t.calendar, l.first_touch_at)
	  AND NOT is_open(t.calendar, l.first_touch_at - interval '1 second');
	IF bad > 0 THEN
		RAISE EXCEPTION 'generator bug: % first touches outside their team''s working hours', bad;
	END IF;
	-- the response-time shape, in business time (the draws' response_s)
	SELECT ARRAY[avg((b <= interval '5 minutes')::int),
				 avg((b > interval '8 hours')::int),
				 avg((b IS NULL)::int),
				 avg((first_touch_at - created_at > interval '1 day')::int)]
	INTO shares
	FROM (SELECT l.first_touch_at, l.created_at,
				 business_duration(t.calendar, l.created_at, l.first_touch_at) AS b
		  FROM crm.leads l
		  JOIN crm.sdr_team_members m ON m.user_id = l.owner_id
		  JOIN crm.sdr_teams t ON t.team_id = m.team_id) r;
	IF NOT (shares[1] BETWEEN 0.05 AND 0.5 AND shares[2] BETWEEN 0.01 AND 0.3
			AND shares[3] BETWEEN 0.01 AND 0.2 AND shares[4] BETWEEN 0.05 AND 0.6) THEN
		RAISE EXCEPTION 'generator bug: response-time shape off (<=5 business min, >8 business h, never, >1 calendar day: %)', shares;
	END IF;
END $$;

ANALYZE crm.users, crm.leads, crm.opportunities, crm.opportunity_history, crm.accounts, crm.account_snapshots, crm.activities;

SELECT (SELECT count(*) FROM crm.users) AS users,
	   (SELECT count(*) FROM crm.leads) AS leads,
	   (SELECT count(*) FROM crm.calls) AS calls,
	   (SELECT count(*) FROM crm.opportunities) AS opportunities,
	   (SELECT count(*) FROM crm.opportunity_history) AS opportunity_history,
	   (SELECT count(*) FROM crm.accounts) AS accounts,
	   (SELECT count(*) FROM crm.account_snapshots) AS snapshots,
	   (SELECT count(*) FROM crm.activities) AS activities;
