
-- ---------------------------------------------------------------------
-- Upsell rate: the upsell_summary state type, upsell_rate, its state
-- aggregate and rollup (src/upsell.c)
-- ---------------------------------------------------------------------

CREATE TYPE @extschema@.upsell_summary;

-- Text and binary I/O run the account key type's own I/O functions, so they
-- are STABLE, like record_in and array_in.
CREATE FUNCTION @extschema@.upsell_summary_in(cstring) RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_out(@extschema@.upsell_summary) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_recv(internal) RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_send(@extschema@.upsell_summary) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.upsell_summary (
	INPUT = @extschema@.upsell_summary_in,
	OUTPUT = @extschema@.upsell_summary_out,
	RECEIVE = @extschema@.upsell_summary_recv,
	SEND = @extschema@.upsell_summary_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.upsell_summary IS
	'per account, the value at its first and at its last snapshot: "v1 key bigint; 17 2024-01-01=1200..2024-12-01=1500"';

COMMENT ON FUNCTION @extschema@.upsell_summary_in(cstring) IS 'text input of upsell_summary';
COMMENT ON FUNCTION @extschema@.upsell_summary_out(@extschema@.upsell_summary) IS 'text output of upsell_summary';
COMMENT ON FUNCTION @extschema@.upsell_summary_recv(internal) IS 'binary input of upsell_summary';
COMMENT ON FUNCTION @extschema@.upsell_summary_send(@extschema@.upsell_summary) IS 'binary output of upsell_summary';

-- Equality and hashing of states (DISTINCT, GROUP BY, UNION, IN, hash joins):
-- the same key type and, per account, equal keys (the key type's equality),
-- the same first and last times and equal amounts
CREATE FUNCTION @extschema@.upsell_summary_eq(@extschema@.upsell_summary, @extschema@.upsell_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_ne(@extschema@.upsell_summary, @extschema@.upsell_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.upsell_summary_hash(@extschema@.upsell_summary) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_eq(@extschema@.upsell_summary, @extschema@.upsell_summary) IS
	'true if two upsell_summary values hold the same state';
COMMENT ON FUNCTION @extschema@.upsell_summary_ne(@extschema@.upsell_summary, @extschema@.upsell_summary) IS
	'true unless two upsell_summary values hold the same state';
COMMENT ON FUNCTION @extschema@.upsell_summary_hash(@extschema@.upsell_summary) IS
	'hash of a upsell_summary that agrees with =';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.upsell_summary, RIGHTARG = @extschema@.upsell_summary,
	FUNCTION = @extschema@.upsell_summary_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.upsell_summary, RIGHTARG = @extschema@.upsell_summary,
	FUNCTION = @extschema@.upsell_summary_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.upsell_summary, @extschema@.upsell_summary) IS 'same state';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.upsell_summary, @extschema@.upsell_summary) IS 'not the same state';

CREATE OPERATOR CLASS @extschema@.upsell_summary_ops
	DEFAULT FOR TYPE @extschema@.upsell_summary USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.upsell_summary, @extschema@.upsell_summary),
	FUNCTION 1 @extschema@.upsell_summary_hash(@extschema@.upsell_summary);
COMMENT ON OPERATOR FAMILY @extschema@.upsell_summary_ops USING hash IS
	'hash equality of upsell_summary states';
COMMENT ON OPERATOR CLASS @extschema@.upsell_summary_ops USING hash IS
	'hash equality of upsell_summary states: DISTINCT, GROUP BY, UNION and hash joins';

-- Transition and combine support (not meant to be called directly).  Not
-- strict: the first row creates the state, and rows with a NULL are skipped.
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, anyelement, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, anyelement, numeric, timestamptz) IS
	'transition function of upsell_rate(account, value, at) and upsell_rate_agg(account, value, at)';
CREATE FUNCTION @extschema@.upsell_summary_series_trans(@extschema@.upsell_summary, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_series_trans(@extschema@.upsell_summary, numeric, timestamptz) IS
	'transition function of upsell_rate(value, at) and upsell_rate_agg(value, at)';
CREATE FUNCTION @extschema@.upsell_summary_combine(@extschema@.upsell_summary, @extschema@.upsell_summary)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_combine(@extschema@.upsell_summary, @extschema@.upsell_summary) IS
	'merges two upsell summaries: per account the earlier start and the later end win, equal times add up';
CREATE FUNCTION @extschema@.upsell_summary_final(@extschema@.upsell_summary)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_final(@extschema@.upsell_summary) IS
	'final function of upsell_rate_agg and rollup: the state in its flat, canonical form';

-- Accessors
CREATE FUNCTION @extschema@.upsell_rate(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_rate(@extschema@.upsell_summary) IS
	'(current value - starting value) / starting value, summed over the accounts; NULL when the starting value is 0';
CREATE FUNCTION @extschema@.starting_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_starting_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.starting_value(@extschema@.upsell_summary) IS
	'sum over the accounts of the value at each account''s first snapshot';
CREATE FUNCTION @extschema@.current_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_current_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.current_value(@extschema@.upsell_summary) IS
	'sum over the accounts of the value at each account''s last snapshot';
CREATE FUNCTION @extschema@.account_count(@extschema@.upsell_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_account_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.account_count(@extschema@.upsell_summary) IS
	'number of distinct accounts in an upsell summary';

-- The retention breakdown.  Per account, with s its starting and c its
-- current value: expansion (c > s), contraction (0 < c < s) and churn
-- (c = 0 < s) split sum(c) - sum(s) exactly; new accounts are those whose
-- first snapshot is at or after a time.  A series is one account.
CREATE FUNCTION @extschema@.expansion(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_expansion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expansion(@extschema@.upsell_summary) IS
	'sum of current - starting value over the accounts that grew (current > starting)';
CREATE FUNCTION @extschema@.contraction(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_contraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.contraction(@extschema@.upsell_summary) IS
	'sum of starting - current value over the accounts that shrank but did not churn (0 < current < starting)';
CREATE FUNCTION @extschema@.churned_value(@extschema@.upsell_summary) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_churned_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churned_value(@extschema@.upsell_summary) IS
	'sum of the starting values of the churned accounts (current = 0 < starting)';
CREATE FUNCTION @extschema@.churned_accounts(@extschema@.upsell_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_churned_accounts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churned_accounts(@extschema@.upsell_summary) IS
	'number of churned accounts (current = 0 < starting)';
CREATE FUNCTION @extschema@.new_accounts(@extschema@.upsell_summary, since timestamptz) RETURNS bigint
	AS 'MODULE_PATHNAME', 'upsell_summary_new_accounts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.new_accounts(@extschema@.upsell_summary, timestamptz) IS
	'number of accounts whose first snapshot is at or after since (logos won in the period)';
CREATE FUNCTION @extschema@.new_value(@extschema@.upsell_summary, since timestamptz) RETURNS numeric
	AS 'MODULE_PATHNAME', 'upsell_summary_new_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.new_value(@extschema@.upsell_summary, timestamptz) IS
	'sum of the current values of the accounts whose first snapshot is at or after since';
CREATE FUNCTION @extschema@.gross_retention(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_gross_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gross_retention(@extschema@.upsell_summary) IS
	'gross revenue retention: (starting - contraction - churned value) / starting, no credit for expansion; NULL when the starting value is 0';
CREATE FUNCTION @extschema@.net_retention(@extschema@.upsell_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'upsell_summary_net_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.net_retention(@extschema@.upsell_summary) IS
	'net revenue retention: current / starting value (1 + upsell_rate); NULL when the starting value is 0';

-- Aggregates.  The state aggregate (upsell_rate_agg) and the one-step
-- aggregate (upsell_rate) share transition and combine functions.  There is
-- no moving-aggregate inverse (see src/upsell.c): as window functions they
-- are exact, and frames that keep their start are computed incrementally.
-- SSPACE: a few hundred accounts per group, about 100 bytes each.

CREATE AGGREGATE @extschema@.upsell_rate_agg(account anyelement, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(anyelement, numeric, timestamptz) IS
	'upsell state: per account the value at its first and last snapshot, for storing and rollup()';

CREATE AGGREGATE @extschema@.upsell_rate_agg(value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_series_trans, STYPE = @extschema@.upsell_summary, SSPACE = 128,
	FINALFUNC = @extschema@.upsell_summary_final,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(numeric, timestamptz) IS
	'upsell state of a single account''s series: the value at its first and last snapshot';

CREATE AGGREGATE @extschema@.upsell_rate(account anyelement, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(anyelement, numeric, timestamptz) IS
	'portfolio growth: (sum of current values - sum of starting values) / sum of starting values over the accounts; rows with a NULL are ignored';

CREATE AGGREGATE @extschema@.upsell_rate(value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_series_trans, STYPE = @extschema@.upsell_summary, SSPACE = 128,
	FINALFUNC = @extschema@.upsell_rate,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(numeric, timestamptz) IS
	'growth of one account''s series: (value at the last time - value at the first) / value at the first';

-- The common key types (smallint, integer, bigint, text, uuid) get concrete
-- overloads of the keyed aggregates.
-- Citus's worker_partial_agg refuses polymorphic aggregate arguments ("could
-- not confirm type correctness") and calls the transition function without
-- a call expression, so only a declared key type lets these split into
-- worker partials; the anyelement form serves every other hashable type (on
-- Citus only when grouped by the distribution column).  Same C function.
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, bigint, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, bigint, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for bigint account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, integer, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, integer, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for integer account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, smallint, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, smallint, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for smallint account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, text, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, text, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for text account keys';
CREATE FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, uuid, numeric, timestamptz)
	RETURNS @extschema@.upsell_summary
	AS 'MODULE_PATHNAME', 'upsell_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.upsell_summary_trans(@extschema@.upsell_summary, uuid, numeric, timestamptz) IS
	'transition function of upsell_rate and upsell_rate_agg for uuid account keys';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account bigint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(bigint, numeric, timestamptz) IS
	'upsell state for bigint account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account bigint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(bigint, numeric, timestamptz) IS
	'portfolio growth over bigint-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account integer, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(integer, numeric, timestamptz) IS
	'upsell state for integer account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account integer, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(integer, numeric, timestamptz) IS
	'portfolio growth over integer-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account smallint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(smallint, numeric, timestamptz) IS
	'upsell state for smallint account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account smallint, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(smallint, numeric, timestamptz) IS
	'portfolio growth over smallint-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account text, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(text, numeric, timestamptz) IS
	'upsell state for text account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account text, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(text, numeric, timestamptz) IS
	'portfolio growth over text-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.upsell_rate_agg(account uuid, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate_agg(uuid, numeric, timestamptz) IS
	'upsell state for uuid account keys: per account the value at its first and last snapshot';
CREATE AGGREGATE @extschema@.upsell_rate(account uuid, value numeric, at timestamptz) (
	SFUNC = @extschema@.upsell_summary_trans, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_rate, COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.upsell_rate(uuid, numeric, timestamptz) IS
	'portfolio growth over uuid-keyed accounts: (sum current - sum starting) / sum starting';

CREATE AGGREGATE @extschema@.rollup(@extschema@.upsell_summary) (
	SFUNC = @extschema@.upsell_summary_combine, STYPE = @extschema@.upsell_summary, SSPACE = 16384,
	FINALFUNC = @extschema@.upsell_summary_final,
	COMBINEFUNC = @extschema@.upsell_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.upsell_summary) IS
	'merges stored upsell summaries (e.g. monthly into yearly); NULL summaries are ignored';
