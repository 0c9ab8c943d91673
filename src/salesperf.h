/*
 * salesperf.h
 *	  Machinery shared by every salesperf KPI family: aggregate-context
 *	  checks, overflow-checked counting and exact money sums.
 *
 * Each KPI family (ratio.c, duration_sketch.c, upsell.c) owns its state
 * type; what more than one family needs lives here and in salesperf.c.
 */
#ifndef SALESPERF_H
#define SALESPERF_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/numeric.h"

/*
 * True when called as an aggregate transition/combine function, in which
 * case the transition state (argument 0) belongs to the executor's
 * aggregate context and may be updated in place (see nodeAgg.c).
 */
#define SP_IN_AGGREGATE(fcinfo)	(AggCheckCallContext((fcinfo), NULL) != 0)

/* a + b, raising 22003 naming "what" instead of wrapping */
extern int64 SpAddInt64(int64 a, int64 b, const char *what);

/* a - b for counts that can never go below zero (inverse transitions) */
extern int64 SpSubInt64(int64 a, int64 b, const char *what);

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

#endif							/* SALESPERF_H */
