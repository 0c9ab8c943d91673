/*
 * duration_sketch.c
 *	  The duration_sketch type and the response-time percentile KPIs:
 *	  response_time_percentile, response_time_agg, rollup, share_within,
 *	  histogram and the count/mean/min/max accessors.
 *
 * Design note.
 *
 * Values are durations in whole microseconds (int64), the resolution of
 * PostgreSQL's interval; an interval converts as extract(epoch from ...)
 * does (1 month = 30 days, 1 day = 86400 s), double precision seconds are
 * rounded to the nearest microsecond.  Count, zeros, min, max and an int128
 * sum are kept exactly, so the mean does not depend on row order.
 *
 * A group of at most DS_EXACT_MAX values keeps the values themselves and
 * answers exactly like percentile_cont.  A larger group keeps counts in
 * logarithmic buckets (the DDSketch family): positive values in one store,
 * negative values (by magnitude) in another, zeros counted apart.  Bucket i
 * holds the magnitudes x with (i-1)/M < L(x) <= i/M, where L is a cheap
 * approximation of log2 computed from the bits of the double: for
 * x = 2^e (1+s), 0 <= s < 1,  L(x) = e + P(s),  P(s) = (6s^3 - 21s^2 + 50s)/35
 * (the cubic of DDSketch's "cubically interpolated" mapping).  P(0) = 0,
 * P(1) = 1, so L is continuous and increasing, and dL/d(ln x) = P'(s)(1+s) =
 * (18s^3 - 24s^2 + 8s + 50)/35 >= 10/7 on [0,1) (minimum at s = 0 and 2/3).
 * A bucket therefore spans at most 7/(10 M) in ln x.  With
 * gamma = (1+alpha)/(1-alpha) and M = 7/(10 ln gamma) * (1 + 1e-6), every
 * bucket spans less than a factor gamma, and its representative
 * 2 lo hi / (lo + hi) is within alpha (relatively) of every value in it; the
 * 1e-6 margin absorbs floating-point rounding in L and in inverting it.
 *
 * A percentile follows percentile_cont: rank p (n-1), interpolating between
 * the order statistics on either side, each taken as its bucket's
 * representative (the first and last ones are the exact min and max), all
 * clamped to [min, max].  When both neighbours have the same sign, the
 * estimate is within alpha |exact|; across zero the error is at most
 * alpha ((1-f) |lower| + f |upper|).
 *
 * The state depends only on the multiset of values: exact while
 * count <= DS_EXACT_MAX, buckets beyond, whichever way the values arrived.
 * In an aggregate the state is updated in place: exact values fill a
 * preallocated array, buckets live in dense windows of counts that grow
 * (reallocating) only when a value falls outside them.  A dense working
 * state counts each value in its totals at once but buffers it, up to
 * DS_PENDING_MAX of them, and adds a full buffer to the buckets in one
 * pass: grouped by hundreds of keys, a bucket increment per row was a cache
 * miss per row.  Whatever reads the buckets (final functions, combine,
 * output) first adds the buffered values, to a copy unless the state is
 * its own.  What is stored is compact: the final function of
 * response_time_agg, every input function, and every support function
 * called outside an aggregate produce the sorted exact form or a varint
 * list of the non-empty buckets; the working forms never leave an
 * aggregate's memory.  A dense state stored by 0.2.0 (a support function
 * called directly returned its working form then) still reads back.
 */
#include "duration_sketch.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/float.h"
#include "utils/tuplestore.h"

/* ---------------------------------------------------------------------
 * Checks and conversions of inputs
 * ---------------------------------------------------------------------
 */

/* Reject a relative accuracy outside [0.0001, 0.05] (22023) */
void
DsCheckAlpha(double alpha)
{
	if (isnan(alpha) || alpha < DS_ALPHA_MIN || alpha > DS_ALPHA_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative_accuracy must be between %g and %g", DS_ALPHA_MIN, DS_ALPHA_MAX),
				 errdetail("The value given was %g.", alpha)));
}

/* Reject a percentile outside [0, 1] or NaN (22003, naming p) */
void
DsCheckP(double p)
{
	if (isnan(p) || p < 0.0 || p > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile p must be between 0 and 1"),
				 errdetail("The value given was %g.", p)));
}

/* A duration beyond 2^62 microseconds (22003) */
void
DsRangeError(const char *given)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("duration out of range"),
			 errdetail("The duration given was %s; durations are limited to about 146,000 years either way.",
					   given)));
}

/* Microseconds as an interval, days and time like timestamp - timestamp */
static Interval *
DsUsToInterval(int64 us)
{
	Interval   *iv = palloc(sizeof(Interval));

	iv->month = 0;
	iv->day = (int32) (us / USECS_PER_DAY);
	iv->time = us % USECS_PER_DAY;
	return iv;
}

/* ---------------------------------------------------------------------
 * Percentiles of a readable state
 * ---------------------------------------------------------------------
 */

/*
 * Walker over the order statistics of a readable state: the value of rank
 * k (0-based), in microseconds.
 */
static double
DsOrderStat(DurationSketch *ds, int64 k)
{
	int64		seen = 0;

	if (k <= 0)
		return (double) ds->min_us;
	if (k >= ds->count - 1)
		return (double) ds->max_us;
	if (ds->format == DS_FORMAT_EXACT)
		return (double) DsValues(ds)[k];

	/* negative values, most negative (highest index) first */
	for (int32 j = ds->neg_n - 1; j >= 0; j--)
	{
		seen += DsNeg(ds)[j];
		if (seen > k)
		{
			double		v = -DsBucketValue(ds->neg_lo + j, ds->multiplier);

			return Min(Max(v, (double) ds->min_us), (double) ds->max_us);
		}
	}
	seen += ds->zeros;
	if (seen > k)
		return 0.0;
	for (int32 j = 0; j < ds->pos_n; j++)
	{
		seen += DsPos(ds)[j];
		if (seen > k)
		{
			double		v = DsBucketValue(ds->pos_lo + j, ds->multiplier);

			return Min(Max(v, (double) ds->min_us), (double) ds->max_us);
		}
	}
	return (double) ds->max_us;
}

/*
 * Percentile p of a readable state, percentile_cont style, in microseconds
 * as a double.  lo, hi and frac return the interpolation parts so an
 * exact interval answer can round like interval arithmetic does.
 */
static double
DsPercentile(DurationSketch *ds, double p, double *lo, double *hi, double *frac)
{
	double		rownum = p * (ds->count - 1);
	int64		first,
				second;

	/*
	 * Near 2^63 values, (double) (count - 1) rounds up to 2^63, which no
	 * int64 holds: the last rank is the maximum.
	 */
	if (rownum >= (double) (ds->count - 1))
		first = second = ds->count - 1;
	else
	{
		first = (int64) floor(rownum);
		second = (int64) ceil(rownum);
	}
	*frac = rownum - first;
	*lo = DsOrderStat(ds, first);
	*hi = (second == first) ? *lo : DsOrderStat(ds, second);
	return *lo + (*frac * (*hi - *lo));
}

/* Percentile p in seconds, bit-for-bit percentile_cont's float8 arithmetic */
static double
DsPercentileSeconds(DurationSketch *ds, double p)
{
	double		lo,
				hi,
				frac,
				r;

	(void) DsPercentile(ds, p, &lo, &hi, &frac);
	lo /= 1e6;
	hi /= 1e6;
	r = lo + (frac * (hi - lo));
	return Min(Max(r, ds->min_us / 1e6), ds->max_us / 1e6);
}

/* The value of rank k (0-based) of a readable exact state, exactly */
static int64
DsExactOrderStat(DurationSketch *ds, int64 k)
{
	Assert(ds->format == DS_FORMAT_EXACT);
	if (k <= 0)
		return ds->min_us;
	if (k >= ds->count - 1)
		return ds->max_us;
	return DsValues(ds)[k];
}

/*
 * Percentile p in whole microseconds, as interval arithmetic rounds it.
 * Exact states interpolate between their two int64 order statistics, so
 * values past 2^53 us (where a double no longer holds every microsecond)
 * are not rounded through a double; every answer is clamped to [min, max]
 * in int64 for the same reason.
 */
static int64
DsPercentileUs(DurationSketch *ds, double p)
{
	double		lo,
				hi,
				frac;
	int64		r;

	(void) DsPercentile(ds, p, &lo, &hi, &frac);
	if (ds->format == DS_FORMAT_EXACT)
	{
		double		rownum = p * (ds->count - 1);
		int64		first = (int64) floor(rownum);
		int64		ilo = DsExactOrderStat(ds, first);
		int64		ihi = DsExactOrderStat(ds, first + (frac > 0 ? 1 : 0));

		/* like interval_mul, then interval_pl; |ihi - ilo| <= 2^63 */
		r = ilo + (int64) rint(frac * (double) ((int128) ihi - ilo));
	}
	else
		r = (int64) rint(lo + frac * (hi - lo));
	return Min(Max(r, ds->min_us), ds->max_us);
}

/* ---------------------------------------------------------------------
 * Transition functions
 * ---------------------------------------------------------------------
 */

/*
 * The state ds (argument 0, detoasted), ready to be changed, by the one
 * in-place policy of salesperf.h (SpMayUpdateInPlace): as an aggregate's
 * transition, inverse or combine function, the executor's own state,
 * changed in place; called any other way, a fresh copy, so the caller's
 * datum is left alone.  A compact state (the stored form: varints, which
 * cannot grow in place) is always decoded into a fresh dense copy, in an
 * aggregate too.  Every transition, inverse and combine function of the
 * type goes through here.
 */
static pg_attribute_always_inline DurationSketch *
DsStateForUpdate(FunctionCallInfo fcinfo, DurationSketch *ds)
{
	if (likely(SpMayUpdateInPlace(fcinfo) && ds->format != DS_FORMAT_COMPACT))
		return ds;
	return DsMutable(ds);
}

/*
 * What a transition, inverse or combine function returns: in an aggregate,
 * the working state as it is; called any other way, the stored form.  A
 * working form (unsorted exact values with room, dense windows with pending
 * values) lives only in an aggregate's memory: what a direct call returns
 * can be stored in a table, compared and hashed by its bytes.
 */
static pg_attribute_always_inline Datum
DsReturnState(FunctionCallInfo fcinfo, DurationSketch *ds)
{
	if (likely(SpMayUpdateInPlace(fcinfo)))
		PG_RETURN_POINTER(ds);
	PG_RETURN_POINTER(DsCanonical(ds));
}

/* Set or check the relative accuracy of a state being built */
static inline void
DsUseAlpha(DurationSketch *ds, double alpha)
{
	if (likely(ds->alpha == alpha))
		return;
	if (ds->count == 0 && ds->alpha == 0)
	{
		DsCheckAlpha(alpha);
		ds->alpha = alpha;
		ds->multiplier = DsMultiplier(alpha);
		return;
	}
	DsCheckAlpha(alpha);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("relative_accuracy must be the same for every row of a group"),
			 errdetail("The group uses %g and a row asked for %g.", ds->alpha, alpha)));
}

/* The state argument 0, detoasted only if it needs it (it never does in an aggregate) */
static inline DurationSketch *
DsStateArg(FunctionCallInfo fcinfo)
{
	Pointer		p = DatumGetPointer(PG_GETARG_DATUM(0));

	if (likely(!VARATT_IS_EXTENDED(p)))
		return (DurationSketch *) p;
	return PG_GETARG_DURATION_SKETCH_P(0);
}

/* One value into ds (argument 0, detoasted), at relative accuracy alpha */
static pg_attribute_always_inline Datum
DsTransitionState(FunctionCallInfo fcinfo, DurationSketch *ds, int64 us, double alpha)
{
	/* the common case, tested once: the executor's own working state */
	if (likely(SpMayUpdateInPlace(fcinfo) && ds->format != DS_FORMAT_COMPACT))
	{
		DsUseAlpha(ds, alpha);
		PG_RETURN_POINTER(DsAddValue(ds, us));
	}
	ds = DsStateForUpdate(fcinfo, ds);
	DsUseAlpha(ds, alpha);
	return DsReturnState(fcinfo, DsAddValue(ds, us));
}

/* One value into the state argument 0, at relative accuracy alpha */
static pg_attribute_always_inline Datum
DsTransition(FunctionCallInfo fcinfo, int64 us, double alpha)
{
	return DsTransitionState(fcinfo, DsStateArg(fcinfo), us, alpha);
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_interval);
Datum
duration_sketch_trans_interval(PG_FUNCTION_ARGS)
{
	return DsTransition(fcinfo, DsIntervalToUs(PG_GETARG_INTERVAL_P(1)), DS_ALPHA_DEFAULT);
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_interval_alpha);
Datum
duration_sketch_trans_interval_alpha(PG_FUNCTION_ARGS)
{
	return DsTransition(fcinfo, DsIntervalToUs(PG_GETARG_INTERVAL_P(1)), PG_GETARG_FLOAT8(2));
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_seconds);
Datum
duration_sketch_trans_seconds(PG_FUNCTION_ARGS)
{
	return DsTransition(fcinfo, DsSecondsToUs(PG_GETARG_FLOAT8(1)), DS_ALPHA_DEFAULT);
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_seconds_alpha);
Datum
duration_sketch_trans_seconds_alpha(PG_FUNCTION_ARGS)
{
	return DsTransition(fcinfo, DsSecondsToUs(PG_GETARG_FLOAT8(1)), PG_GETARG_FLOAT8(2));
}

/* Two different p in one group, or in two sketches being merged (22023) */
SP_NORETURN static void
DsVaryingP(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("percentile p must be the same for every row of a group"),
			 errhint("Pass p as a constant, or build a sketch with response_time_agg() and read several percentiles from it.")));
}

/*
 * What a one-step aggregate's transition call site has seen of p, in its
 * FmgrInfo (fn_extra): the first p, and whether every later one equalled it
 */
typedef struct DsSeenP
{
	double		p;
	bool		always;
} DsSeenP;

/*
 * True if every p this aggregate transition call site was ever given,
 * this one included, is the same.  Every state such a call site updates in
 * an aggregate started as the empty initial state and recorded the p of
 * its group's first row there, so then the state's p is this p and the
 * per-row comparison (a load from the second cache line of the header) can
 * be skipped.
 */
static pg_attribute_always_inline bool
DsSameAsEveryP(FunctionCallInfo fcinfo, double p)
{
	DsSeenP    *seen = (DsSeenP *) fcinfo->flinfo->fn_extra;

	if (likely(seen != NULL))
	{
		if (likely(seen->always && seen->p == p))
			return true;
		seen->always = false;
		return false;
	}
	seen = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(DsSeenP));
	seen->p = p;
	seen->always = true;
	fcinfo->flinfo->fn_extra = seen;
	return true;
}

/*
 * One-step aggregates with one p: the first row records p in the state
 * (its final function has no other way to see it), later rows must agree.
 */
static pg_attribute_always_inline Datum
DsTransitionP(FunctionCallInfo fcinfo, int64 us)
{
	DurationSketch *ds = DsStateArg(fcinfo);
	double		p = PG_GETARG_FLOAT8(2);
	bool		same = SP_IN_AGGREGATE(fcinfo) && DsSameAsEveryP(fcinfo, p);

	if (likely(ds->nparams == 1))
	{
		if (unlikely(!same && DsParams(ds)[0] != p))
			DsVaryingP();
		return DsTransitionState(fcinfo, ds, us, DS_ALPHA_DEFAULT);
	}
	if (ds->nparams != 0 || ds->count != 0)
		DsVaryingP();
	DsCheckP(p);
	/* the empty initial state gets room for the p (a new state) */
	ds = DsAlloc(ds, DS_FORMAT_EXACT, 1, sizeof(int64) * DS_EXACT_MAX);
	DsParams(ds)[0] = DsNormalP(p);
	DsUseAlpha(ds, DS_ALPHA_DEFAULT);
	return DsReturnState(fcinfo, DsAddValue(ds, us));
}

/* The elements of a p array as float8, NaN for NULL; checks each p */
static float8 *
DsArrayParams(ArrayType *arr, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	float8	   *res;

	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, n);
	if (*n > DS_MAX_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many percentiles requested"),
				 errdetail("At most %d percentiles can be asked for at once.", DS_MAX_PARAMS)));
	res = palloc(sizeof(float8) * Max(*n, 1));
	for (int j = 0; j < *n; j++)
	{
		if (nulls[j])
			res[j] = get_float8_nan();
		else
		{
			res[j] = DatumGetFloat8(elems[j]);
			DsCheckP(res[j]);
			res[j] = DsNormalP(res[j]);
		}
	}
	return res;
}

/*
 * True if the p array holds exactly the p's recorded in the state, compared
 * as numbers (DsSameP: -0 is 0), as the scalar form compares its p
 */
static inline bool
DsSameParams(DurationSketch *ds, ArrayType *arr)
{
	const float8 *p;

	if (ARR_HASNULL(arr) || ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) != ds->nparams)
	{
		int			n;

		/* checked, NaN for a NULL element: NULL matches NULL */
		p = DsArrayParams(arr, &n);
		if (n != ds->nparams)
			return false;
		for (int j = 0; j < n; j++)
			if (!DsSameP(p[j], DsParams(ds)[j]))
				return false;
		return true;
	}
	/* no NULL element: each must equal a recorded (checked) p, never NaN */
	p = (const float8 *) ARR_DATA_PTR(arr);
	for (int j = 0; j < ds->nparams; j++)
		if (!(p[j] == DsParams(ds)[j]))
			return false;
	return true;
}

/* One-step aggregates with a p array: record it on the first row, then compare */
static Datum
DsTransitionPArray(FunctionCallInfo fcinfo, int64 us)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
	int			n;
	float8	   *params;

	if (likely(ds->nparams > 0 || ds->count > 0))
	{
		if (unlikely(!DsSameParams(ds, arr)))
			DsVaryingP();
		return DsTransitionState(fcinfo, ds, us, DS_ALPHA_DEFAULT);
	}
	params = DsArrayParams(arr, &n);
	ds = DsAlloc(ds, DS_FORMAT_EXACT, (uint16) n, sizeof(int64) * DS_EXACT_MAX);
	memcpy(DsParams(ds), params, sizeof(float8) * n);
	DsUseAlpha(ds, DS_ALPHA_DEFAULT);
	/* an empty p array is recorded by having a value with nparams 0 */
	return DsReturnState(fcinfo, DsAddValue(ds, us));
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_interval_p);
Datum
duration_sketch_trans_interval_p(PG_FUNCTION_ARGS)
{
	return DsTransitionP(fcinfo, DsIntervalToUs(PG_GETARG_INTERVAL_P(1)));
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_seconds_p);
Datum
duration_sketch_trans_seconds_p(PG_FUNCTION_ARGS)
{
	return DsTransitionP(fcinfo, DsSecondsToUs(PG_GETARG_FLOAT8(1)));
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_interval_parr);
Datum
duration_sketch_trans_interval_parr(PG_FUNCTION_ARGS)
{
	return DsTransitionPArray(fcinfo, DsIntervalToUs(PG_GETARG_INTERVAL_P(1)));
}

PG_FUNCTION_INFO_V1(duration_sketch_trans_seconds_parr);
Datum
duration_sketch_trans_seconds_parr(PG_FUNCTION_ARGS)
{
	return DsTransitionPArray(fcinfo, DsSecondsToUs(PG_GETARG_FLOAT8(1)));
}

/*
 * Moving-window inverse: remove one value.  Exact states remove it from the
 * list; bucketed states decrement its bucket, unless that could not stay
 * exact: the value is the current min or max (the next one is unknown), or
 * the count would fall back to the exact range (the values are gone).  Then
 * NULL makes the executor recompute the frame.
 */
static Datum
DsInverse(FunctionCallInfo fcinfo, int64 us)
{
	DurationSketch *ds = DsStateForUpdate(fcinfo, PG_GETARG_DURATION_SKETCH_P(0));

	if (ds->format == DS_FORMAT_DENSE)
		ds = DsFlushPending(ds);
	if (ds->count == 0)
		elog(ERROR, "cannot remove a value from an empty duration_sketch");
	if (ds->format == DS_FORMAT_EXACT)
	{
		int64	   *v = DsValues(ds);
		int			j;

		for (j = 0; j < ds->nvalues && v[j] != us; j++)
			;
		if (j == ds->nvalues)
			PG_RETURN_NULL();
		v[j] = v[--ds->nvalues];
		ds->count--;
		if (us == 0)
			ds->zeros--;
		DsSetSum(ds, DsGetSum(ds) - us);
		if (ds->nvalues > 0 && (us == ds->min_us || us == ds->max_us))
		{
			ds->min_us = PG_INT64_MAX;
			ds->max_us = PG_INT64_MIN;
			for (j = 0; j < ds->nvalues; j++)
			{
				ds->min_us = Min(ds->min_us, v[j]);
				ds->max_us = Max(ds->max_us, v[j]);
			}
		}
		else if (ds->nvalues == 0)
			ds->min_us = ds->max_us = 0;
		return DsReturnState(fcinfo, ds);
	}
	if (ds->count - 1 <= DS_EXACT_MAX || us <= ds->min_us || us >= ds->max_us)
		PG_RETURN_NULL();
	if (us != 0)
	{
		int32		i = DsIndexOf(ds, us);
		int64	   *slot = NULL;

		if (us > 0 && i >= ds->pos_lo && i < ds->pos_lo + ds->pos_n)
			slot = &DsPos(ds)[i - ds->pos_lo];
		else if (us < 0 && i >= ds->neg_lo && i < ds->neg_lo + ds->neg_n)
			slot = &DsNeg(ds)[i - ds->neg_lo];
		if (slot == NULL || *slot <= 0)
			PG_RETURN_NULL();
		(*slot)--;
	}
	else
	{
		if (ds->zeros <= 0)
			PG_RETURN_NULL();
		ds->zeros--;
	}
	ds->count--;
	DsSetSum(ds, DsGetSum(ds) - us);
	return DsReturnState(fcinfo, ds);
}

PG_FUNCTION_INFO_V1(duration_sketch_inv_interval);
Datum
duration_sketch_inv_interval(PG_FUNCTION_ARGS)
{
	return DsInverse(fcinfo, DsIntervalToUs(PG_GETARG_INTERVAL_P(1)));
}

PG_FUNCTION_INFO_V1(duration_sketch_inv_seconds);
Datum
duration_sketch_inv_seconds(PG_FUNCTION_ARGS)
{
	return DsInverse(fcinfo, DsSecondsToUs(PG_GETARG_FLOAT8(1)));
}

/* ---------------------------------------------------------------------
 * Combine (parallel plans, rollup) and its inverse
 * ---------------------------------------------------------------------
 */

/* Sketches merge only with the same relative accuracy and the same p's */
static void
DsCheckCompatible(DurationSketch *a, DurationSketch *b)
{
	if (a->alpha != b->alpha)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge duration sketches of different relative accuracy"),
				 errdetail("One sketch has relative accuracy %g, the other %g.", a->alpha, b->alpha),
				 errhint("Build every sketch that is rolled up together with the same relative_accuracy argument of response_time_agg().")));
	if (a->nparams != b->nparams)
		DsVaryingP();
	for (int j = 0; j < a->nparams; j++)
		if (!DsSameP(DsParams(a)[j], DsParams(b)[j]))
			DsVaryingP();
}

/*
 * Fold the totals of other into ds.  An empty other (one that records its
 * p's, as an inverse or uncombine leaves behind) has no minimum or maximum
 * to fold: its zeroed fields are not values.
 */
static void
DsMergeTotals(DurationSketch *ds, DurationSketch *other)
{
	if (other->count == 0)
		return;
	if (ds->count == 0)
	{
		ds->min_us = other->min_us;
		ds->max_us = other->max_us;
	}
	else
	{
		ds->min_us = Min(ds->min_us, other->min_us);
		ds->max_us = Max(ds->max_us, other->max_us);
	}
	ds->count = SpAddInt64(ds->count, other->count, "duration count");
	ds->zeros += other->zeros;
	DsSetSum(ds, DsGetSum(ds) + DsGetSum(other));
}

PG_FUNCTION_INFO_V1(duration_sketch_combine);
Datum
duration_sketch_combine(PG_FUNCTION_ARGS)
{
	DurationSketch *other = PG_GETARG_DURATION_SKETCH_P(1);
	DurationSketch *ds;

	/* a partial state's buffered values, in a copy (it is not ours) */
	if (other->format == DS_FORMAT_DENSE && other->nvalues > 0)
		other = DsReadable(other);
	if (other->count == 0 && other->nparams == 0)
	{
		if (SpMayUpdateInPlace(fcinfo))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		PG_RETURN_POINTER(DsCanonical(PG_GETARG_DURATION_SKETCH_P(0)));
	}
	ds = PG_GETARG_DURATION_SKETCH_P(0);
	if (ds->count == 0 && ds->nparams == 0)
	{
		/* a copy of other, never other itself (it is not ours) */
		return DsReturnState(fcinfo, DsMutable(other));
	}
	DsCheckCompatible(ds, other);
	ds = DsStateForUpdate(fcinfo, ds);
	if (ds->format == DS_FORMAT_DENSE)
		ds = DsFlushPending(ds);
	/*
	 * The total count first: once it fits, no bucket sum (each at most its
	 * sketch's count) nor the zero count can pass int64 either.
	 */
	(void) SpAddInt64(ds->count, other->count, "duration count");
	if (ds->format == DS_FORMAT_EXACT && other->format == DS_FORMAT_EXACT &&
		ds->count + other->count <= DS_EXACT_MAX)
	{
		if (ds->nvalues + other->nvalues > DsExactCapacity(ds))
			ds = DsMakeExact(ds, DS_EXACT_MAX);
		memcpy(DsValues(ds) + ds->nvalues, DsValues(other), sizeof(int64) * other->nvalues);
		ds->nvalues += other->nvalues;
		DsMergeTotals(ds, other);
		return DsReturnState(fcinfo, ds);
	}
	if (ds->format == DS_FORMAT_EXACT)
		ds = DsExactToDense(ds);
	if (other->format == DS_FORMAT_EXACT)
	{
		for (int j = 0; j < other->nvalues; j++)
			ds = DsBucketAdd(ds, DsValues(other)[j], 1);
	}
	else
	{
		/* decoded if compact (other has no pending value by now) */
		DurationSketch *od = DsReadable(other);
		int32		nf,
					nl,
					pf,
					pl;
		bool		hasneg = DsStoreSpan(DsNeg(od), od->neg_lo, od->neg_n, &nf, &nl);
		bool		haspos = DsStoreSpan(DsPos(od), od->pos_lo, od->pos_n, &pf, &pl);

		ds = DsRewindow(ds, hasneg ? nf : 0, hasneg ? nl : -1, haspos ? pf : 0, haspos ? pl : -1);
		if (hasneg)
			for (int32 i = nf; i <= nl; i++)
				DsNeg(ds)[i - ds->neg_lo] += DsNeg(od)[i - od->neg_lo];
		if (haspos)
			for (int32 i = pf; i <= pl; i++)
				DsPos(ds)[i - ds->pos_lo] += DsPos(od)[i - od->pos_lo];
	}
	DsMergeTotals(ds, other);
	return DsReturnState(fcinfo, ds);
}

/*
 * rollup()'s moving-window inverse: subtract a stored sketch.  NULL (the
 * executor recomputes) unless the result is certain: exact states remove
 * the values one by one; bucketed ones subtract counts when the minimum and
 * maximum stay strictly outside the removed sketch and the count stays
 * above the exact range.
 */
PG_FUNCTION_INFO_V1(duration_sketch_uncombine);
Datum
duration_sketch_uncombine(PG_FUNCTION_ARGS)
{
	DurationSketch *other = DsReadable(PG_GETARG_DURATION_SKETCH_P(1));
	DurationSketch *ds;

	if (other->count == 0)
	{
		if (SpMayUpdateInPlace(fcinfo))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		PG_RETURN_POINTER(DsCanonical(PG_GETARG_DURATION_SKETCH_P(0)));
	}
	ds = DsStateForUpdate(fcinfo, PG_GETARG_DURATION_SKETCH_P(0));
	if (ds->format == DS_FORMAT_DENSE)
		ds = DsFlushPending(ds);
	DsCheckCompatible(ds, other);
	if (ds->count < other->count)
		PG_RETURN_NULL();
	if (ds->format == DS_FORMAT_EXACT)
	{
		int64	   *v = DsValues(ds);

		if (other->format != DS_FORMAT_EXACT)
			PG_RETURN_NULL();
		for (int k = 0; k < other->nvalues; k++)
		{
			int64		us = DsValues(other)[k];
			int			j;

			for (j = 0; j < ds->nvalues && v[j] != us; j++)
				;
			if (j == ds->nvalues)
				PG_RETURN_NULL();
			v[j] = v[--ds->nvalues];
			ds->count--;
			ds->zeros -= (us == 0);
			DsSetSum(ds, DsGetSum(ds) - us);
		}
		ds->min_us = ds->nvalues > 0 ? PG_INT64_MAX : 0;
		ds->max_us = ds->nvalues > 0 ? PG_INT64_MIN : 0;
		for (int j = 0; j < ds->nvalues; j++)
		{
			ds->min_us = Min(ds->min_us, v[j]);
			ds->max_us = Max(ds->max_us, v[j]);
		}
		return DsReturnState(fcinfo, ds);
	}
	if (ds->count - other->count <= DS_EXACT_MAX ||
		other->min_us <= ds->min_us || other->max_us >= ds->max_us ||
		other->zeros > ds->zeros)
		PG_RETURN_NULL();
	if (other->format == DS_FORMAT_EXACT)
	{
		for (int j = 0; j < other->nvalues; j++)
		{
			int64		us = DsValues(other)[j];
			int32		i;
			int64	   *slot;

			if (us == 0)
				continue;
			i = DsIndexOf(ds, us);
			if (us > 0 && i >= ds->pos_lo && i < ds->pos_lo + ds->pos_n)
				slot = &DsPos(ds)[i - ds->pos_lo];
			else if (us < 0 && i >= ds->neg_lo && i < ds->neg_lo + ds->neg_n)
				slot = &DsNeg(ds)[i - ds->neg_lo];
			else
				PG_RETURN_NULL();
			if (*slot <= 0)
				PG_RETURN_NULL();
			(*slot)--;
		}
	}
	else
	{
		for (int32 j = 0; j < other->neg_n; j++)
		{
			int32		i = other->neg_lo + j;

			if (DsNeg(other)[j] == 0)
				continue;
			if (i < ds->neg_lo || i >= ds->neg_lo + ds->neg_n ||
				DsNeg(ds)[i - ds->neg_lo] < DsNeg(other)[j])
				PG_RETURN_NULL();
			DsNeg(ds)[i - ds->neg_lo] -= DsNeg(other)[j];
		}
		for (int32 j = 0; j < other->pos_n; j++)
		{
			int32		i = other->pos_lo + j;

			if (DsPos(other)[j] == 0)
				continue;
			if (i < ds->pos_lo || i >= ds->pos_lo + ds->pos_n ||
				DsPos(ds)[i - ds->pos_lo] < DsPos(other)[j])
				PG_RETURN_NULL();
			DsPos(ds)[i - ds->pos_lo] -= DsPos(other)[j];
		}
	}
	ds->count -= other->count;
	ds->zeros -= other->zeros;
	DsSetSum(ds, DsGetSum(ds) - DsGetSum(other));
	return DsReturnState(fcinfo, ds);
}

/* ---------------------------------------------------------------------
 * Final functions and accessors
 * ---------------------------------------------------------------------
 */

/*
 * A final function's readable state.  An aggregate's own dense state with
 * buffered values is flushed in place when its windows hold them (the same
 * state, so a moving window's next rows go on from it and two aggregates
 * sharing it see the same), else into a copy; any other state as
 * DsReadable gives it.
 */
static DurationSketch *
DsReadableFinal(FunctionCallInfo fcinfo, DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_DENSE && ds->nvalues > 0 && SP_IN_AGGREGATE(fcinfo) &&
		!VARATT_IS_EXTENDED(DatumGetPointer(PG_GETARG_DATUM(0))))
		return DsFlushPending(ds);
	return DsReadable(ds);
}

/* response_time_agg's final function: the stored form, or NULL if empty */
PG_FUNCTION_INFO_V1(duration_sketch_final);
Datum
duration_sketch_final(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	DurationSketch *res;

	if (ds->count == 0)
		PG_RETURN_NULL();
	res = DsCanonical(ds);
	if (res == ds)
		res = (DurationSketch *) pg_detoast_datum_copy((struct varlena *) ds);
	PG_RETURN_POINTER(res);
}

/* A one-dimensional interval[] of microsecond values */
static Datum
DsIntervalArray(int64 *us, bool *nulls, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int j = 0; j < n; j++)
		d[j] = nulls[j] ? (Datum) 0 : IntervalPGetDatum(DsUsToInterval(us[j]));
	if (n == 0)
		return PointerGetDatum(construct_empty_array(INTERVALOID));
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, INTERVALOID,
											  sizeof(Interval), false, TYPALIGN_DOUBLE));
}

/* A one-dimensional double precision[] */
static Datum
DsFloat8Array(double *v, bool *nulls, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int j = 0; j < n; j++)
		d[j] = nulls[j] ? (Datum) 0 : Float8GetDatum(v[j]);
	if (n == 0)
		return PointerGetDatum(construct_empty_array(FLOAT8OID));
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, FLOAT8OID,
											  sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* Answers for the p's of a list: interval (as_seconds false) or float8 array */
static Datum
DsPercentileArray(DurationSketch *ds, float8 *params, int n, bool as_seconds)
{
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int64	   *us = palloc(sizeof(int64) * Max(n, 1));
	double	   *secs = palloc(sizeof(double) * Max(n, 1));

	for (int j = 0; j < n; j++)
	{
		nulls[j] = isnan(params[j]);
		if (nulls[j])
			continue;
		if (as_seconds)
			secs[j] = DsPercentileSeconds(ds, params[j]);
		else
			us[j] = DsPercentileUs(ds, params[j]);
	}
	return as_seconds ? DsFloat8Array(secs, nulls, n) : DsIntervalArray(us, nulls, n);
}

/* One-step final functions: answer the p's recorded in the state */
PG_FUNCTION_INFO_V1(duration_sketch_final_interval);
Datum
duration_sketch_final_interval(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0 || ds->nparams != 1)
		PG_RETURN_NULL();
	ds = DsReadableFinal(fcinfo, ds);
	PG_RETURN_INTERVAL_P(DsUsToInterval(DsPercentileUs(ds, DsParams(ds)[0])));
}

PG_FUNCTION_INFO_V1(duration_sketch_final_seconds);
Datum
duration_sketch_final_seconds(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0 || ds->nparams != 1)
		PG_RETURN_NULL();
	ds = DsReadableFinal(fcinfo, ds);
	PG_RETURN_FLOAT8(DsPercentileSeconds(ds, DsParams(ds)[0]));
}

PG_FUNCTION_INFO_V1(duration_sketch_final_interval_array);
Datum
duration_sketch_final_interval_array(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0)
		PG_RETURN_NULL();
	ds = DsReadableFinal(fcinfo, ds);
	PG_RETURN_DATUM(DsPercentileArray(ds, DsParams(ds), ds->nparams, false));
}

PG_FUNCTION_INFO_V1(duration_sketch_final_seconds_array);
Datum
duration_sketch_final_seconds_array(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0)
		PG_RETURN_NULL();
	ds = DsReadableFinal(fcinfo, ds);
	PG_RETURN_DATUM(DsPercentileArray(ds, DsParams(ds), ds->nparams, true));
}

/* response_time_percentile(sketch, p) */
PG_FUNCTION_INFO_V1(duration_sketch_percentile);
Datum
duration_sketch_percentile(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	double		p = PG_GETARG_FLOAT8(1);

	DsCheckP(p);
	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(DsUsToInterval(DsPercentileUs(DsReadable(ds), p)));
}

PG_FUNCTION_INFO_V1(duration_sketch_percentile_array);
Datum
duration_sketch_percentile_array(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	int			n;
	float8	   *params = DsArrayParams(PG_GETARG_ARRAYTYPE_P(1), &n);

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DsPercentileArray(DsReadable(ds), params, n, false));
}

/*
 * How many values of a readable, non-empty state are <= t.  Exact for an
 * exact state, outside [min, max], at 0 and at bucket boundaries; otherwise
 * the whole bucket holding t counts (see share_within).
 */
static int64
DsCountWithin(DurationSketch *ds, int64 t)
{
	int64		within = 0;

	if (t >= ds->max_us)
		return ds->count;
	if (t < ds->min_us)
		return 0;
	if (ds->format == DS_FORMAT_EXACT)
	{
		for (int j = 0; j < ds->nvalues; j++)
			within += (DsValues(ds)[j] <= t);
	}
	else if (t < 0)
	{
		int32		ti = DsIndexOf(ds, t);

		/* values in [-hi, -lo) of buckets with index >= ti */
		for (int32 j = 0; j < ds->neg_n; j++)
			if (ds->neg_lo + j >= ti)
				within += DsNeg(ds)[j];
	}
	else
	{
		int32		ti = t > 0 ? DsIndexOf(ds, t) : -1;

		for (int32 j = 0; j < ds->neg_n; j++)
			within += DsNeg(ds)[j];
		within += ds->zeros;
		for (int32 j = 0; j < ds->pos_n; j++)
			if (ds->pos_lo + j <= ti)
				within += DsPos(ds)[j];
	}
	return within;
}

/*
 * share_within(sketch, threshold): the share of values <= threshold.  Exact
 * in exact mode, for thresholds outside [min, max], at 0, and at bucket
 * boundaries; otherwise the whole bucket holding the threshold counts, so
 * exact_share(t) <= result <= exact_share(t + |t| 2 alpha / (1 - alpha)).
 */
PG_FUNCTION_INFO_V1(duration_sketch_share_within);
Datum
duration_sketch_share_within(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsReadable(PG_GETARG_DURATION_SKETCH_P(0));
	int64		t = DsIntervalToUs(PG_GETARG_INTERVAL_P(1));

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) DsCountWithin(ds, t) / (double) ds->count);
}

/*
 * A state whose totals can be read: a dense working state's buffered values
 * are not in them yet (only a support function's result inside an
 * aggregate can have some: this is for safety, it copies)
 */
static inline DurationSketch *
DsTotals(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_DENSE && ds->nvalues > 0)
		return DsReadable(ds);
	return ds;
}

PG_FUNCTION_INFO_V1(duration_sketch_count);
Datum
duration_sketch_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(DsTotals(PG_GETARG_DURATION_SKETCH_P(0))->count);
}

/* Mean in whole microseconds, rounded half away from zero, from the exact sum */
PG_FUNCTION_INFO_V1(duration_sketch_mean);
Datum
duration_sketch_mean(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsTotals(PG_GETARG_DURATION_SKETCH_P(0));
	int128		sum,
				q,
				r;

	if (ds->count == 0)
		PG_RETURN_NULL();
	sum = DsGetSum(ds);
	q = sum / ds->count;
	r = sum % ds->count;
	if (r < 0 ? -2 * r >= ds->count : 2 * r >= ds->count)
		q += (r < 0) ? -1 : 1;
	PG_RETURN_INTERVAL_P(DsUsToInterval((int64) q));
}

PG_FUNCTION_INFO_V1(duration_sketch_min);
Datum
duration_sketch_min(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsTotals(PG_GETARG_DURATION_SKETCH_P(0));

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(DsUsToInterval(ds->min_us));
}

PG_FUNCTION_INFO_V1(duration_sketch_max);
Datum
duration_sketch_max(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsTotals(PG_GETARG_DURATION_SKETCH_P(0));

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(DsUsToInterval(ds->max_us));
}

/* Sum as numeric seconds (exact): for checks against sum(extract(epoch...)) */
PG_FUNCTION_INFO_V1(duration_sketch_sum_seconds);
Datum
duration_sketch_sum_seconds(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsTotals(PG_GETARG_DURATION_SKETCH_P(0));
	StringInfoData buf;

	if (ds->count == 0)
		PG_RETURN_NULL();
	initStringInfo(&buf);
	DsAppendInt128(&buf, DsGetSum(ds));
	appendStringInfoString(&buf, "e-6");
	PG_RETURN_DATUM(DirectFunctionCall1(numeric_trim_scale,
										DirectFunctionCall3(numeric_in, CStringGetDatum(buf.data),
															ObjectIdGetDatum(InvalidOid),
															Int32GetDatum(-1))));
}

PG_FUNCTION_INFO_V1(duration_sketch_relative_accuracy);
Datum
duration_sketch_relative_accuracy(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->alpha == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ds->alpha);
}

PG_FUNCTION_INFO_V1(duration_sketch_is_exact);
Datum
duration_sketch_is_exact(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_DURATION_SKETCH_P(0)->format == DS_FORMAT_EXACT);
}

/*
 * histogram(sketch): one row per non-empty bucket, lowest values first:
 * (lower, upper, count), values in (lower, upper] for positive buckets,
 * [lower, upper) for negative ones, [0, 0] for zeros; the outer bounds are
 * clamped to the exact min and max.  In exact mode one row per distinct
 * value, lower = upper = value.
 */
typedef struct DsHistRow
{
	int64		lower;
	int64		upper;
	int64		count;
} DsHistRow;

/* The rows of histogram() for a readable state */
static int
DsHistRows(DurationSketch *ds, DsHistRow **rows)
{
	int			n = 0,
				cap;
	DsHistRow  *r;

	if (ds->format == DS_FORMAT_EXACT)
	{
		int64	   *v = DsValues(ds);

		r = palloc(sizeof(DsHistRow) * Max(ds->nvalues, 1));
		for (int j = 0; j < ds->nvalues; j++)
		{
			if (n > 0 && r[n - 1].lower == v[j])
				r[n - 1].count++;
			else
			{
				r[n].lower = r[n].upper = v[j];
				r[n++].count = 1;
			}
		}
		*rows = r;
		return n;
	}
	cap = ds->neg_n + ds->pos_n + 1;
	r = palloc(sizeof(DsHistRow) * cap);
	for (int32 j = ds->neg_n - 1; j >= 0; j--)
	{
		double		lo,
					hi;

		if (DsNeg(ds)[j] == 0)
			continue;
		DsBucketBounds(ds->neg_lo + j, ds->multiplier, &lo, &hi);
		r[n].lower = (int64) rint(-hi);
		r[n].upper = (int64) rint(-lo);
		r[n++].count = DsNeg(ds)[j];
	}
	if (ds->zeros > 0)
	{
		r[n].lower = r[n].upper = 0;
		r[n++].count = ds->zeros;
	}
	for (int32 j = 0; j < ds->pos_n; j++)
	{
		double		lo,
					hi;

		if (DsPos(ds)[j] == 0)
			continue;
		DsBucketBounds(ds->pos_lo + j, ds->multiplier, &lo, &hi);
		r[n].lower = (int64) rint(lo);
		r[n].upper = (int64) rint(hi);
		r[n++].count = DsPos(ds)[j];
	}
	if (n > 0)
	{
		r[0].lower = ds->min_us;
		r[n - 1].upper = ds->max_us;
		for (int j = 0; j < n; j++)
		{
			r[j].lower = Min(Max(r[j].lower, ds->min_us), ds->max_us);
			r[j].upper = Min(Max(r[j].upper, ds->min_us), ds->max_us);
		}
	}
	*rows = r;
	return n;
}

PG_FUNCTION_INFO_V1(duration_sketch_histogram);
Datum
duration_sketch_histogram(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	DsHistRow  *rows;
	int			n;

	InitMaterializedSRF(fcinfo, 0);
	n = DsHistRows(DsReadable(ds), &rows);
	for (int j = 0; j < n; j++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = IntervalPGetDatum(DsUsToInterval(rows[j].lower));
		values[1] = IntervalPGetDatum(DsUsToInterval(rows[j].upper));
		values[2] = Int64GetDatum(rows[j].count);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Bucket index and representative of a magnitude, for the accuracy tests */
PG_FUNCTION_INFO_V1(duration_sketch_bucket_value);
Datum
duration_sketch_bucket_value(PG_FUNCTION_ARGS)
{
	double		seconds = PG_GETARG_FLOAT8(0);
	double		alpha = PG_GETARG_FLOAT8(1);
	DurationSketch hdr;
	int64		us;

	DsCheckAlpha(alpha);
	us = DsSecondsToUs(seconds);
	if (us == 0)
		PG_RETURN_FLOAT8(0.0);
	memset(&hdr, 0, sizeof(hdr));
	hdr.alpha = alpha;
	hdr.multiplier = DsMultiplier(alpha);
	PG_RETURN_FLOAT8(copysign(DsBucketValue(DsIndexOf(&hdr, us), hdr.multiplier) / 1e6,
							  seconds));
}

/*
 * histogram(sketch, edges): counts in the bins a chart asks for, given by
 * ascending edges e1 < ... < ek: (NULL, e1], (e1, e2], ..., (ek, NULL).
 * Each edge is counted like share_within: exact for exact sketches and
 * bucket boundaries, else the bucket holding the edge falls below it.
 */
PG_FUNCTION_INFO_V1(duration_sketch_histogram_edges);
Datum
duration_sketch_histogram_edges(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *enulls;
	int			n;
	int64	   *edges;
	int64		below = 0;

	InitMaterializedSRF(fcinfo, 0);
	deconstruct_array(arr, INTERVALOID, sizeof(Interval), false, TYPALIGN_DOUBLE,
					  &elems, &enulls, &n);
	edges = palloc(sizeof(int64) * Max(n, 1));
	for (int j = 0; j < n; j++)
	{
		if (enulls[j])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("histogram edges must not be NULL")));
		edges[j] = DsIntervalToUs(DatumGetIntervalP(elems[j]));
		if (j > 0 && edges[j] <= edges[j - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("histogram edges must be strictly ascending"),
					 errdetail("Edge %d is not above edge %d.", j + 1, j)));
	}
	if (ds->count == 0)
		return (Datum) 0;
	ds = DsReadable(ds);
	for (int j = 0; j <= n; j++)
	{
		Datum		values[3];
		bool		nulls[3] = {j == 0, j == n, false};
		int64		upto = (j < n) ? DsCountWithin(ds, edges[j]) : ds->count;

		values[0] = j > 0 ? IntervalPGetDatum(DsUsToInterval(edges[j - 1])) : (Datum) 0;
		values[1] = j < n ? IntervalPGetDatum(DsUsToInterval(edges[j])) : (Datum) 0;
		values[2] = Int64GetDatum(upto - below);
		below = upto;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Equality and hashing (DISTINCT, GROUP BY, UNION, hash joins)
 * ---------------------------------------------------------------------
 */

/*
 * The image a sketch is compared and hashed by: its stored form.  Every
 * value stored by 0.3.0 already is that (final functions, both inputs and
 * support functions called outside an aggregate end in DsCanonical, headers
 * start zeroed, a NULL percentile is always the one NaN get_float8_nan()
 * gives, receive included, and a zero percentile is +0), so this only
 * copies for what 0.2.0 could store: a working state returned by a support
 * function called directly, or a percentile recorded as -0.
 */
static DurationSketch *
DsEqualityImage(DurationSketch *ds)
{
	bool		stored = ds->format == DS_FORMAT_COMPACT;

	if (ds->format == DS_FORMAT_EXACT && DsExactCapacity(ds) == ds->nvalues)
	{
		stored = true;
		for (int j = 1; j < ds->nvalues && stored; j++)
			stored = DsValues(ds)[j - 1] <= DsValues(ds)[j];
	}
	/* a zero percentile recorded as -0 (by 0.2.0) is the same as 0 */
	for (int j = 0; j < ds->nparams && stored; j++)
		stored = !(DsParams(ds)[j] == 0 && signbit(DsParams(ds)[j]));
	return stored ? ds : DsCanonical(ds);
}

/* Two sketches are equal when they hold the same state (same stored form) */
static bool
DsEqual(FunctionCallInfo fcinfo)
{
	DurationSketch *a = PG_GETARG_DURATION_SKETCH_P(0);
	DurationSketch *b = PG_GETARG_DURATION_SKETCH_P(1);
	DurationSketch *ia = DsEqualityImage(a);
	DurationSketch *ib = DsEqualityImage(b);
	bool		eq = SpBytesEqual((struct varlena *) ia, (struct varlena *) ib);

	if (ia != a)
		pfree(ia);
	if (ib != b)
		pfree(ib);
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return eq;
}

PG_FUNCTION_INFO_V1(duration_sketch_eq);
Datum
duration_sketch_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(DsEqual(fcinfo));
}

PG_FUNCTION_INFO_V1(duration_sketch_ne);
Datum
duration_sketch_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!DsEqual(fcinfo));
}

/* Hash of the stored form: equal sketches hash alike */
PG_FUNCTION_INFO_V1(duration_sketch_hash);
Datum
duration_sketch_hash(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	DurationSketch *image = DsEqualityImage(ds);
	uint32		h = SpBytesHash((struct varlena *) image);

	if (image != ds)
		pfree(image);
	PG_FREE_IF_COPY(ds, 0);
	PG_RETURN_UINT32(h);
}
