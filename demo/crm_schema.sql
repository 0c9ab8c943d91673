-- demo/crm_schema.sql: a sample CRM shaped like the objects sales teams
-- really have (Salesforce-like), for the salesperf demo and benchmarks.
--
--   users             reps and their managers: role SDR / AE / AM / MGR
--   leads             inbound leads worked by SDRs; first_touch_at is NULL
--                     for a lead nobody ever contacted
--   activities        one row per call, meeting or check-in; the view
--                     crm.calls is the SDR calls on leads, and leads.calls
--                     and leads.first_touch_at agree with it
--   opportunities     deals worked by AEs, created from qualified leads
--   opportunity_history  each deal's stage history, shaped like Salesforce's
--                     OpportunityHistory: a row whenever the stage, amount,
--                     probability or close date changes
--   accounts          customers, each owned by an account manager (AM)
--   account_snapshots each account's monthly recurring value
--
-- Re-running this file drops and re-creates the schema crm.  Load data with
-- demo/generate.sql.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS crm CASCADE;
CREATE SCHEMA crm;
COMMENT ON SCHEMA crm IS 'salesperf sample CRM (demo/crm_schema.sql, filled by demo/generate.sql)';

CREATE TABLE crm.users (
	user_id     integer PRIMARY KEY,
	name        text NOT NULL,
	role        text NOT NULL CHECK (role IN ('SDR', 'AE', 'AM', 'MGR')),
	manager_id  integer CONSTRAINT users_manager_id_fkey REFERENCES crm.users,
	hired_at    date NOT NULL
);
COMMENT ON TABLE crm.users IS 'reps (SDR: sales development, AE: account executive, AM: account manager) and their managers';

CREATE TABLE crm.leads (
	lead_id         bigint PRIMARY KEY,
	created_at      timestamptz NOT NULL,
	owner_id        integer NOT NULL,          -- the SDR working the lead
	source          text NOT NULL,
	first_touch_at  timestamptz,               -- first call; NULL: never contacted
	calls           integer NOT NULL,          -- = number of rows in crm.calls
	qualified       boolean NOT NULL,
	qualified_at    timestamptz,
	CHECK ((first_touch_at IS NULL) = (calls = 0)),
	CHECK (qualified = (qualified_at IS NOT NULL))
);
COMMENT ON TABLE crm.leads IS 'inbound leads; first_touch_at NULL means nobody ever contacted the lead';

-- SDR teams: each works its leads in its own time zone, with its own
-- business_calendar (weekly hours and local holidays); every SDR is in one
CREATE TABLE crm.sdr_teams (
	team_id     integer PRIMARY KEY,
	name        text NOT NULL,
	calendar    business_calendar NOT NULL
);
COMMENT ON TABLE crm.sdr_teams IS 'SDR teams and their working calendars (zone, weekly hours, local holidays)';
CREATE TABLE crm.sdr_team_members (
	user_id     integer PRIMARY KEY,           -- an SDR (crm.users)
	team_id     integer NOT NULL REFERENCES crm.sdr_teams
);
COMMENT ON TABLE crm.sdr_team_members IS 'the team of every SDR';

CREATE TABLE crm.opportunities (
	opportunity_id  bigint PRIMARY KEY,
	lead_id         bigint,                    -- source lead
	account_id      bigint,                    -- the customer account, once won
	owner_id        integer NOT NULL,          -- the AE
	stage           text NOT NULL,
	is_closed       boolean NOT NULL,
	is_won          boolean NOT NULL,
	amount          numeric(12,2) NOT NULL,
	created_at      timestamptz NOT NULL,
	closed_at       timestamptz,
	CHECK (is_closed = (closed_at IS NOT NULL)),
	CHECK (NOT is_won OR is_closed)
);
COMMENT ON TABLE crm.opportunities IS 'deals worked by account executives; is_won implies is_closed';

CREATE TABLE crm.opportunity_history (
	history_id      bigint PRIMARY KEY,
	opportunity_id  bigint NOT NULL,
	stage_name      text NOT NULL,
	amount          numeric(12,2) NOT NULL,
	probability     integer NOT NULL,
	close_date      date NOT NULL,             -- the expected close date at the time
	created_at      timestamptz NOT NULL        -- when the change was logged
);
COMMENT ON TABLE crm.opportunity_history IS
	'stage history: one row per change of stage, amount, probability or close date (stages skipped, moved back, reopened, several at one instant); its last row per deal has the deal''s current stage';

CREATE TABLE crm.accounts (
	account_id  bigint PRIMARY KEY,
	name        text NOT NULL,
	owner_id    integer NOT NULL,              -- the AM
	created_at  date NOT NULL
);
COMMENT ON TABLE crm.accounts IS 'customer accounts, each owned by an account manager';

CREATE TABLE crm.account_snapshots (
	account_id  bigint NOT NULL,
	month       date NOT NULL,                 -- first day of the month
	value       numeric(12,2) NOT NULL,        -- recurring value that month; 0 = churned
	PRIMARY KEY (account_id, month)
);
COMMENT ON TABLE crm.account_snapshots IS 'monthly value of each account (MRR); a 0 row marks the month it churned';

CREATE TABLE crm.activities (
	activity_id     bigint PRIMARY KEY,
	user_id         integer NOT NULL,
	kind            text NOT NULL CHECK (kind IN ('call', 'meeting', 'check-in')),
	at              timestamptz NOT NULL,
	duration        interval NOT NULL,
	outcome         text,                      -- calls: connected / voicemail / no answer
	lead_id         bigint,
	opportunity_id  bigint,
	account_id      bigint
);
COMMENT ON TABLE crm.activities IS 'one row per call, meeting or check-in';

CREATE VIEW crm.calls AS
	SELECT activity_id AS call_id, lead_id, user_id, at AS called_at, duration, outcome
	FROM crm.activities WHERE kind = 'call' AND lead_id IS NOT NULL;
COMMENT ON VIEW crm.calls IS 'SDR calls on leads, one row per call';
