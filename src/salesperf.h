/*
 * salesperf.h
 *	  Machinery shared by every salesperf KPI family: the in-place update
 *	  policy, overflow-checked counting and exact money sums.
 *
 * Each KPI family (kpi_ratio, duration_sketch, upsell_summary) owns its
 * state type in its own files; what more than one family needs lives here
 * and in salesperf.c, the pieces of the text and binary forms in codec.h,
 * and keys of any type, for states with one entry per key, in keys.h.
 */
#ifndef SALESPERF_H
#define SALESPERF_H

#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "nodes/execnodes.h"
#include "utils/numeric.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * A function that never returns (it raises an ERROR).  PostgreSQL 18
 * replaced the suffix pg_attribute_noreturn() with the prefix pg_noreturn;
 * this prefix form works on every supported version.
 */
#if PG_VERSION_NUM >= 180000
#define SP_NORETURN pg_noreturn
#else
#define SP_NORETURN __attribute__((noreturn))
#endif

/*
 * True when called as an aggregate transition/combine function, in which
 * case the transition state (argument 0) belongs to the executor's
 * aggregate context and may be updated in place (see nodeAgg.c).  The same
 * test AggCheckCallContext makes, inline: it runs once per row.
 */
static inline bool
SP_IN_AGGREGATE(FunctionCallInfo fcinfo)
{
	return fcinfo->context != NULL &&
		(IsA(fcinfo->context, AggState) || IsA(fcinfo->context, WindowAggState));
}

/*
 * The one in-place update policy of every state type.
 *
 * A support function may change its state argument in place only when it
 * runs as an aggregate's transition, inverse or combine function: the state
 * then belongs to the executor's aggregate context (nodeAgg.c,
 * nodeWindowAgg.c) and no one else sees it.  Called any other way (directly
 * from SQL, as the catalog allows), the caller's datum is left alone: the
 * function works on a fresh copy in the current memory context and goes on,
 * as PostgreSQL's own int8inc and array_append do.  A type may still copy
 * inside an aggregate when its storage requires it (a packed, toasted or
 * compact state), never the other way round.
 */
static inline bool
SpMayUpdateInPlace(FunctionCallInfo fcinfo)
{
	return SP_IN_AGGREGATE(fcinfo);
}

/*
 * Where a state that a support function builds or grows lives: the
 * aggregate's memory context in an aggregate, the current one otherwise
 * (the policy above).
 */
extern MemoryContext SpStateContext(FunctionCallInfo fcinfo);

/* The errors behind SpAddInt64/SpSubInt64, kept out of line */
SP_NORETURN extern void SpCountOverflow(const char *what);
SP_NORETURN extern void SpCountUnderflow(const char *what, int64 a, int64 b);

/* a + b, raising 22003 naming "what" instead of wrapping (per-row: inline) */
static inline int64
SpAddInt64(int64 a, int64 b, const char *what)
{
	int64		result;

	if (unlikely(pg_add_s64_overflow(a, b, &result)))
		SpCountOverflow(what);
	return result;
}

/* a - b for counts that can never go below zero (inverse transitions) */
static inline int64
SpSubInt64(int64 a, int64 b, const char *what)
{
	int64		result;

	if (unlikely(pg_sub_s64_overflow(a, b, &result) || result < 0))
		SpCountUnderflow(what, a, b);
	return result;
}

/* Reject NaN, infinite or negative money amounts (22023) */
extern void SpCheckAmount(Numeric amount, const char *what);

/* Exact numeric arithmetic with canonical (trimmed) display scale */
extern Numeric SpNumericAdd(Numeric a, Numeric b);
extern Numeric SpNumericSub(Numeric a, Numeric b);
extern Numeric SpNumericZero(void);
extern Numeric SpNumericFromInt64(int64 v);
extern Numeric SpNumericCanonical(Numeric n);
extern int	SpNumericSign(Numeric n);
extern double SpNumericRatio(Numeric num, Numeric den);

#ifdef HAVE_INT128
/*
 * Exact sums of numerics in 128-bit integers, for the per-row paths: a
 * value is held as an integer v in units of 10^-scale, scale a multiple of
 * 4 (numeric's base-10000 digits) up to SP_INT128_MAX_SCALE, and |v| below
 * SP_INT128_LIMIT = 10^36, so that the sum of two such integers cannot
 * overflow and is checked against the limit after each step.
 */
#define SP_INT128_MAX_SCALE 36
extern PGDLLIMPORT const int128 SpPow10Int128[SP_INT128_MAX_SCALE + 1];
#define SP_INT128_LIMIT		(SpPow10Int128[SP_INT128_MAX_SCALE])

/*
 * A numeric datum, with a 4-byte or a short header (as a table column holds
 * it, not detoasted), as v / 10^scale; false, with nothing set, when it is
 * compressed or out of line, NaN or infinite, or does not fit the limits.
 */
extern bool SpNumericToInt128(const struct varlena *n, int128 *v, int *scale);

/* v / 10^scale as a numeric in canonical (trimmed) display scale */
extern Numeric SpNumericFromInt128(int128 v, int scale);
#endif

/* Equality and hash of canonical states by their (detoasted) bytes */
extern bool SpBytesEqual(const struct varlena *a, const struct varlena *b);
extern uint32 SpBytesHash(const struct varlena *v);

/* Equality and hash of the fields of states */
extern bool SpNumericEqual(Numeric a, Numeric b);
extern uint32 SpHashCombineNumeric(uint32 h, Numeric n);
extern uint32 SpHashCombineInt64(uint32 h, int64 v);

#endif							/* SALESPERF_H */
