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
 * (reallocating) only when a value falls outside them.  What is stored is
 * compact: the final function of response_time_agg and every input
 * function produce the sorted exact form or a varint list of the non-empty
 * buckets.
 */
#include "salesperf.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "nodes/execnodes.h"
#include "utils/array.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "duration_sketch.h"

/* The cubic of the log-like mapping: P(s) = A s^3 + B s^2 + C s */
#define DS_POLY_A	(6.0 / 35.0)
#define DS_POLY_B	(-3.0 / 5.0)
#define DS_POLY_C	(10.0 / 7.0)
#define DS_MARGIN	1e-6

/* Bytes of a dense window when it is first made, each side of a value */
#define DS_WINDOW_SLACK	32

static DurationSketch *DsMakeDense(DurationSketch *src, int32 neg_lo, int32 neg_n,
								   int32 pos_lo, int32 pos_n);

/* ---------------------------------------------------------------------
 * Bucket mapping
 * ---------------------------------------------------------------------
 */

/* M for a relative accuracy alpha (see the design note) */
static double
DsMultiplier(double alpha)
{
	double		gamma = (1.0 + alpha) / (1.0 - alpha);

	return 7.0 / (10.0 * log(gamma)) * (1.0 + DS_MARGIN);
}

/* L(x), the log2-like mapping, for x >= 1, from the bits of the double */
static inline double
DsLogLike(double x)
{
	uint64		bits;
	int			e;
	double		s;

	memcpy(&bits, &x, sizeof(bits));
	e = (int) ((bits >> 52) & 0x7ff) - 1023;
	s = (double) (bits & UINT64CONST(0xfffffffffffff)) * (1.0 / 4503599627370496.0);
	return e + ((DS_POLY_A * s + DS_POLY_B) * s + DS_POLY_C) * s;
}

/* Bucket index of a magnitude x >= 1 microsecond: ceil(L(x) * M) */
static inline int32
DsIndex(double x, double multiplier)
{
	double		y = DsLogLike(x) * multiplier;
	int32		i = (int32) y;

	return (i < y) ? i + 1 : i;
}

/* Inverse of L: the x with L(x) = y */
static double
DsLogLikeInverse(double y)
{
	double		e = floor(y);
	double		t = y - e;
	double		s = 0.0;

	/*
	 * P is increasing and concave on [0, 1], so Newton's method from s = 0
	 * climbs monotonically to the root.
	 */
	for (int iter = 0; iter < 60; iter++)
	{
		double		f = ((DS_POLY_A * s + DS_POLY_B) * s + DS_POLY_C) * s - t;
		double		d = (3 * DS_POLY_A * s + 2 * DS_POLY_B) * s + DS_POLY_C;
		double		next = s - f / d;

		if (next <= s)
			break;
		s = next;
	}
	return ldexp(1.0 + s, (int) e);
}

/* Bounds (lo, hi] of the magnitudes in bucket i */
static void
DsBucketBounds(int32 i, double multiplier, double *lo, double *hi)
{
	*lo = DsLogLikeInverse((i - 1) / multiplier);
	*hi = DsLogLikeInverse(i / multiplier);
}

/* The magnitude that stands for every value of bucket i */
static double
DsBucketValue(int32 i, double multiplier)
{
	double		lo,
				hi;

	DsBucketBounds(i, multiplier, &lo, &hi);
	return 2.0 * lo * hi / (lo + hi);
}

/*
 * Fast exact mapping of whole microseconds.  DsIndex's float chain is the
 * costliest step of a transition, so a backend keeps, per relative accuracy
 * in use, a table over "cells" of magnitudes sharing their k leading bits
 * (k chosen so that a cell spans less than 0.9 of the narrowest bucket, so
 * at most one bucket boundary falls inside it).  A cell holds the index of
 * its first value and the largest value with that index, found once by
 * bisection with DsIndex itself: the table gives DsIndex((double) u)
 * exactly, for every u, with a shift, a load and a compare.  Magnitudes
 * below 2^k are looked up directly.  Accuracies too fine for a small table
 * (k > 10, alpha below about 0.0008) use DsIndex.
 */
typedef struct DsIndexCell
{
	uint64		last;			/* largest value with the first index */
	int32		first;			/* index of the cell's first value; -1 unset */
} DsIndexCell;

typedef struct DsIndexTable
{
	double		alpha;
	double		multiplier;
	int			k;				/* leading bits per cell; 0: no table */
	int32	   *small;			/* index of u, 1 <= u < 2^k */
	DsIndexCell *cells;
} DsIndexTable;

#define DS_TABLE_MAX_K		10
#define DS_TABLE_CACHE		8

static DsIndexTable ds_tables[DS_TABLE_CACHE];
static int	ds_ntables = 0;
static DsIndexTable *ds_last_table = NULL;

/* The table for alpha, built (empty cells) on first use in this backend */
static DsIndexTable *
DsFindIndexTable(double alpha, double multiplier)
{
	DsIndexTable *t;
	double		narrowest;
	int			k;
	Size		ncells;

	for (int j = 0; j < ds_ntables; j++)
		if (ds_tables[j].alpha == alpha)
			return ds_last_table = &ds_tables[j];
	/* a bucket spans at least (1/M) / max(dL/dln x) = (1/M) / 1.4514 in ln x */
	narrowest = 1.0 / (multiplier * 1.4514);
	for (k = 1; k <= DS_TABLE_MAX_K; k++)
		if (log1p(ldexp(1.0, -k)) <= 0.9 * narrowest)
			break;
	t = &ds_tables[ds_ntables < DS_TABLE_CACHE ? ds_ntables++ : DS_TABLE_CACHE - 1];
	if (t->small)
	{
		pfree(t->small);
		pfree(t->cells);
	}
	memset(t, 0, sizeof(*t));
	t->alpha = alpha;
	t->multiplier = multiplier;
	if (k <= DS_TABLE_MAX_K)
	{
		t->small = MemoryContextAlloc(TopMemoryContext, sizeof(int32) << k);
		for (uint64 u = 1; u < ((uint64) 1 << k); u++)
			t->small[u] = DsIndex((double) u, multiplier);
		ncells = (Size) (63 - k) << k;
		t->cells = MemoryContextAlloc(TopMemoryContext, sizeof(DsIndexCell) * ncells);
		for (Size c = 0; c < ncells; c++)
			t->cells[c].first = -1;
		t->k = k;
	}
	return ds_last_table = t;
}

/* Fill one cell of a table: its first index and that index's last value */
static pg_noinline int32
DsFillCell(DsIndexTable *t, uint32 cell, int e)
{
	int			shift = e - t->k;
	uint64		lo = (((uint64) 1 << t->k) | (cell & ((1u << t->k) - 1))) << shift;
	uint64		hi = lo + ((uint64) 1 << shift) - 1;
	int32		first = DsIndex((double) lo, t->multiplier);

	if (DsIndex((double) hi, t->multiplier) == first)
		t->cells[cell].last = hi;
	else
	{
		/* bisect for the largest u in [lo, hi) with the first index */
		uint64		a = lo,
					b = hi;

		if (DsIndex((double) hi, t->multiplier) != first + 1)
			elog(ERROR, "duration_sketch index table cell spans several buckets");
		while (b - a > 1)
		{
			uint64		mid = a + (b - a) / 2;

			if (DsIndex((double) mid, t->multiplier) == first)
				a = mid;
			else
				b = mid;
		}
		t->cells[cell].last = a;
	}
	t->cells[cell].first = first;
	return first;
}

/* Bucket index of a magnitude u >= 1 microsecond: DsIndex((double) u) */
static pg_attribute_always_inline int32
DsIndexUs(const DurationSketch *ds, uint64 u)
{
	DsIndexTable *t = ds_last_table;
	int			e;
	uint32		cell;
	int32		first;

	if (unlikely(t == NULL || t->alpha != ds->alpha))
		t = DsFindIndexTable(ds->alpha, ds->multiplier);
	if (unlikely(t->k == 0))
		return DsIndex((double) u, ds->multiplier);
	if (u < ((uint64) 1 << t->k))
		return t->small[u];
	e = pg_leftmost_one_pos64(u);
	cell = ((uint32) (e - t->k) << t->k) | (uint32) ((u >> (e - t->k)) & ((1u << t->k) - 1));
	first = t->cells[cell].first;
	if (unlikely(first < 0))
		first = DsFillCell(t, cell, e);
	return first + (u > t->cells[cell].last);
}

/* Bucket index of a non-zero value's magnitude */
static inline int32
DsIndexOf(const DurationSketch *ds, int64 us)
{
	return DsIndexUs(ds, us < 0 ? (uint64) -us : (uint64) us);
}

/* The largest index a magnitude can have */
static int32
DsMaxIndex(double multiplier)
{
	return DsIndex((double) DS_MAX_ABS_US, multiplier);
}

/* ---------------------------------------------------------------------
 * Checks and conversions of inputs
 * ---------------------------------------------------------------------
 */

/* Reject a relative accuracy outside [0.0001, 0.05] (22023) */
static void
DsCheckAlpha(double alpha)
{
	if (isnan(alpha) || alpha < DS_ALPHA_MIN || alpha > DS_ALPHA_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative_accuracy must be between %g and %g", DS_ALPHA_MIN, DS_ALPHA_MAX),
				 errdetail("The value given was %g.", alpha)));
}

/* Reject a percentile outside [0, 1] or NaN (22003, naming p) */
static void
DsCheckP(double p)
{
	if (isnan(p) || p < 0.0 || p > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile p must be between 0 and 1"),
				 errdetail("The value given was %g.", p)));
}

/* A duration beyond 2^62 microseconds (22003) */
SP_NORETURN static void
DsRangeError(const char *given)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("duration out of range"),
			 errdetail("The duration given was %s; durations are limited to about 146,000 years either way.",
					   given)));
}

/* An interval as microseconds, as extract(epoch from ...) counts it */
static inline int64
DsIntervalToUs(Interval *iv)
{
	int64		us,
				t;

#ifdef INTERVAL_NOT_FINITE
	if (INTERVAL_NOT_FINITE(iv))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration must be finite"),
				 errdetail("The duration given was %s infinity.",
						   INTERVAL_IS_NOBEGIN(iv) ? "minus" : "plus")));
#endif
	if (unlikely(pg_mul_s64_overflow((int64) iv->month, DAYS_PER_MONTH * USECS_PER_DAY, &us) ||
				 pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &t) ||
				 pg_add_s64_overflow(us, t, &us) ||
				 pg_add_s64_overflow(us, iv->time, &us) ||
				 us > DS_MAX_ABS_US || us < -DS_MAX_ABS_US))
		DsRangeError(DatumGetCString(DirectFunctionCall1(interval_out,
														 PointerGetDatum(iv))));
	return us;
}

/* Seconds as microseconds, rounded to the nearest */
static inline int64
DsSecondsToUs(double seconds)
{
	double		us;

	if (unlikely(isnan(seconds)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration must not be NaN"),
				 errdetail("The duration in seconds was NaN.")));
	if (unlikely(isinf(seconds)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration must be finite"),
				 errdetail("The duration in seconds was %s.",
						   seconds > 0 ? "Infinity" : "-Infinity")));
	us = rint(seconds * 1e6);
	if (unlikely(fabs(us) > (double) DS_MAX_ABS_US))
		DsRangeError(psprintf("%g seconds", seconds));
	return (int64) us;
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

/* The exact sum, from its two stored halves */
static int128
DsGetSum(DurationSketch *ds)
{
	return (int128) (((uint128) (uint64) ds->sum_hi << 64) | ds->sum_lo);
}

/* Store the exact sum as two halves (the struct stays 8-byte aligned) */
static void
DsSetSum(DurationSketch *ds, int128 v)
{
	ds->sum_hi = (int64) (v >> 64);
	ds->sum_lo = (uint64) v;
}

/* ---------------------------------------------------------------------
 * Building states
 * ---------------------------------------------------------------------
 */

/* A new state of the given format and store size, header copied from src */
static DurationSketch *
DsAlloc(DurationSketch *src, uint8 format, uint16 nparams, Size storesz)
{
	Size		size = DS_HDRSZ + sizeof(float8) * nparams + storesz;
	DurationSketch *ds = palloc0(size);

	SET_VARSIZE(ds, size);
	if (src != NULL)
	{
		memcpy(((char *) ds) + VARHDRSZ, ((char *) src) + VARHDRSZ, DS_HDRSZ - VARHDRSZ);
		if (src->nparams > 0 && nparams == src->nparams)
			memcpy(DsParams(ds), DsParams(src), sizeof(float8) * nparams);
	}
	ds->version = DS_VERSION;
	ds->format = format;
	ds->nparams = nparams;
	ds->nvalues = 0;
	ds->neg_lo = ds->neg_n = ds->pos_lo = ds->pos_n = 0;
	return ds;
}

/* An exact state holding src's values with room for capacity */
static DurationSketch *
DsMakeExact(DurationSketch *src, int32 capacity)
{
	DurationSketch *ds = DsAlloc(src, DS_FORMAT_EXACT, src->nparams,
								 sizeof(int64) * capacity);

	Assert(src->format == DS_FORMAT_EXACT && capacity >= src->nvalues);
	ds->nvalues = src->nvalues;
	memcpy(DsValues(ds), DsValues(src), sizeof(int64) * src->nvalues);
	return ds;
}

/* An empty dense state with the given windows (counts zero), header of src */
static DurationSketch *
DsMakeDense(DurationSketch *src, int32 neg_lo, int32 neg_n,
			int32 pos_lo, int32 pos_n)
{
	DurationSketch *ds = DsAlloc(src, DS_FORMAT_DENSE, src->nparams,
								 sizeof(int64) * ((Size) neg_n + pos_n));

	ds->neg_lo = neg_lo;
	ds->neg_n = neg_n;
	ds->pos_lo = pos_lo;
	ds->pos_n = pos_n;
	return ds;
}

/* Widen [lo, lo+n) to hold [want_lo, want_hi] with some slack */
static void
DsWidenWindow(int32 lo, int32 n, int32 want_lo, int32 want_hi, int32 maxidx,
			  int32 *new_lo, int32 *new_n)
{
	int32		l = want_lo,
				h = want_hi;
	int32		slack;

	if (n > 0)
	{
		l = Min(l, lo);
		h = Max(h, lo + n - 1);
	}
	slack = Max(DS_WINDOW_SLACK, (h - l) / 4);
	l = Max(0, l - slack);
	h = Min(maxidx, h + slack);
	*new_lo = l;
	*new_n = h - l + 1;
}

/* Copy of a dense state whose windows also cover the given index ranges */
static DurationSketch *
DsRewindow(DurationSketch *ds, int32 nlo, int32 nhi, int32 plo, int32 phi)
{
	int32		maxidx = DsMaxIndex(ds->multiplier);
	int32		neg_lo = ds->neg_lo,
				neg_n = ds->neg_n,
				pos_lo = ds->pos_lo,
				pos_n = ds->pos_n;
	DurationSketch *res;

	Assert(ds->format == DS_FORMAT_DENSE);
	if (nlo <= nhi && (neg_n == 0 || nlo < neg_lo || nhi >= neg_lo + neg_n))
		DsWidenWindow(ds->neg_lo, ds->neg_n, nlo, nhi, maxidx, &neg_lo, &neg_n);
	if (plo <= phi && (pos_n == 0 || plo < pos_lo || phi >= pos_lo + pos_n))
		DsWidenWindow(ds->pos_lo, ds->pos_n, plo, phi, maxidx, &pos_lo, &pos_n);
	if (neg_lo == ds->neg_lo && neg_n == ds->neg_n &&
		pos_lo == ds->pos_lo && pos_n == ds->pos_n)
		return ds;
	res = DsMakeDense(ds, neg_lo, neg_n, pos_lo, pos_n);
	if (ds->neg_n > 0)
		memcpy(DsNeg(res) + (ds->neg_lo - neg_lo), DsNeg(ds), sizeof(int64) * ds->neg_n);
	if (ds->pos_n > 0)
		memcpy(DsPos(res) + (ds->pos_lo - pos_lo), DsPos(ds), sizeof(int64) * ds->pos_n);
	return res;
}

/* Add n values of us to the buckets of a dense state (not to its totals) */
static inline DurationSketch *
DsBucketAdd(DurationSketch *ds, int64 us, int64 n)
{
	int32		i;

	if (us == 0)
		return ds;
	i = DsIndexOf(ds, us);
	if (us > 0)
	{
		if (unlikely(i < ds->pos_lo || i >= ds->pos_lo + ds->pos_n))
			ds = DsRewindow(ds, 0, -1, i, i);
		DsPos(ds)[i - ds->pos_lo] += n;
	}
	else
	{
		if (unlikely(i < ds->neg_lo || i >= ds->neg_lo + ds->neg_n))
			ds = DsRewindow(ds, i, i, 0, -1);
		DsNeg(ds)[i - ds->neg_lo] += n;
	}
	return ds;
}

/* Index ranges [lo, hi] the values of an exact state occupy in each store */
static void
DsExactIndexRange(DurationSketch *ds, double multiplier,
				  int32 *nlo, int32 *nhi, int32 *plo, int32 *phi)
{
	int64	   *v = DsValues(ds);

	*nlo = *plo = PG_INT32_MAX;
	*nhi = *phi = -1;
	for (int j = 0; j < ds->nvalues; j++)
	{
		int32		i;

		if (v[j] == 0)
			continue;
		i = DsIndexOf(ds, v[j]);
		if (v[j] > 0)
		{
			*plo = Min(*plo, i);
			*phi = Max(*phi, i);
		}
		else
		{
			*nlo = Min(*nlo, i);
			*nhi = Max(*nhi, i);
		}
	}
}

/* The dense form of an exact state (same totals) */
static DurationSketch *
DsExactToDense(DurationSketch *ex)
{
	int32		nlo,
				nhi,
				plo,
				phi,
				neg_lo = 0,
				neg_n = 0,
				pos_lo = 0,
				pos_n = 0;
	int32		maxidx = DsMaxIndex(ex->multiplier);
	DurationSketch *ds;
	int64	   *v = DsValues(ex);

	DsExactIndexRange(ex, ex->multiplier, &nlo, &nhi, &plo, &phi);
	if (nlo <= nhi)
		DsWidenWindow(0, 0, nlo, nhi, maxidx, &neg_lo, &neg_n);
	if (plo <= phi)
		DsWidenWindow(0, 0, plo, phi, maxidx, &pos_lo, &pos_n);
	ds = DsMakeDense(ex, neg_lo, neg_n, pos_lo, pos_n);
	for (int j = 0; j < ex->nvalues; j++)
		ds = DsBucketAdd(ds, v[j], 1);
	return ds;
}

/* Decode a compact state's varint bucket list into a dense state */
static DurationSketch *DsCompactToDense(DurationSketch *cs);
static int	DsCorruptCode;

/* A state that can be updated in place: exact with room, or dense */
static DurationSketch *
DsMutable(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_COMPACT)
		return DsCompactToDense(ds);
	if (ds->format == DS_FORMAT_EXACT)
		return DsMakeExact(ds, Max(ds->nvalues, DS_EXACT_MAX));
	return (DurationSketch *) pg_detoast_datum_copy((struct varlena *) ds);
}

/*
 * The state argument 0, ready to be changed: in aggregate context the
 * executor's own copy (changed in place when its format allows), otherwise
 * a fresh copy so the caller's datum is left alone.
 */
static DurationSketch *
DsStateForUpdate(FunctionCallInfo fcinfo)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (SP_IN_AGGREGATE(fcinfo) && ds->format != DS_FORMAT_COMPACT)
		return ds;
	return DsMutable(ds);
}

/* Fold one value's totals into the header */
static pg_attribute_always_inline void
DsAddTotals(DurationSketch *ds, int64 us)
{
	if (ds->count == 0)
		ds->min_us = ds->max_us = us;
	else if (us < ds->min_us)
		ds->min_us = us;
	else if (us > ds->max_us)
		ds->max_us = us;
	if (unlikely(ds->count == PG_INT64_MAX))
		(void) SpAddInt64(ds->count, 1, "duration count");
	ds->count++;
	if (us == 0)
		ds->zeros++;
	DsSetSum(ds, DsGetSum(ds) + us);
}

/* Add one value to a mutable state; returns the (maybe new) state */
static pg_attribute_always_inline DurationSketch *
DsAddValue(DurationSketch *ds, int64 us)
{
	if (likely(ds->format == DS_FORMAT_DENSE))
	{
		DsAddTotals(ds, us);
		/* the common case inline: a positive value inside the window */
		if (likely(us > 0))
		{
			int32		i = DsIndexUs(ds, (uint64) us) - ds->pos_lo;

			if (likely((uint32) i < (uint32) ds->pos_n))
			{
				DsPos(ds)[i]++;
				return ds;
			}
		}
		return DsBucketAdd(ds, us, 1);
	}
	Assert(ds->format == DS_FORMAT_EXACT);
	if (ds->nvalues >= DsExactCapacity(ds))
	{
		if (ds->nvalues < DS_EXACT_MAX)
			ds = DsMakeExact(ds, DS_EXACT_MAX);
		else
		{
			ds = DsExactToDense(ds);
			DsAddTotals(ds, us);
			return DsBucketAdd(ds, us, 1);
		}
	}
	DsAddTotals(ds, us);
	DsValues(ds)[ds->nvalues++] = us;
	return ds;
}

/* ---------------------------------------------------------------------
 * Compact encoding
 * ---------------------------------------------------------------------
 */

/* Append v as an unsigned LEB128 varint */
static void
DsPutVarint(StringInfo buf, uint64 v)
{
	while (v >= 0x80)
	{
		appendStringInfoChar(buf, (char) ((v & 0x7f) | 0x80));
		v >>= 7;
	}
	appendStringInfoChar(buf, (char) v);
}

/* Read a varint at *p (< end); false if malformed */
static bool
DsGetVarint(const uint8 **p, const uint8 *end, uint64 *v)
{
	uint64		r = 0;
	int			shift = 0;

	while (*p < end && shift < 64)
	{
		uint8		b = *(*p)++;

		r |= (uint64) (b & 0x7f) << shift;
		if ((b & 0x80) == 0)
		{
			*v = r;
			return true;
		}
		shift += 7;
	}
	return false;
}

/* Append the non-empty buckets of one dense store; returns how many */
static int32
DsEncodeStore(StringInfo buf, int64 *counts, int32 lo, int32 n)
{
	int32		prev = -1,
				nb = 0;

	for (int32 j = 0; j < n; j++)
	{
		if (counts[j] == 0)
			continue;
		DsPutVarint(buf, (uint64) (lo + j - prev - 1));
		DsPutVarint(buf, (uint64) counts[j]);
		prev = lo + j;
		nb++;
	}
	return nb;
}

/* qsort comparator of int64 values */
static int
DsCompareInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* The stored form of a state: sorted exact values, or compact buckets */
static DurationSketch *
DsCanonical(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_EXACT)
	{
		DurationSketch *res = DsMakeExact(ds, ds->nvalues);

		qsort(DsValues(res), res->nvalues, sizeof(int64), DsCompareInt64);
		/* an empty sketch has no extremes, whatever it was built from */
		if (res->count == 0)
			res->min_us = res->max_us = 0;
		return res;
	}
	if (ds->format == DS_FORMAT_DENSE)
	{
		StringInfoData buf;
		int32		nneg,
					npos;
		DurationSketch *res;

		initStringInfo(&buf);
		nneg = DsEncodeStore(&buf, DsNeg(ds), ds->neg_lo, ds->neg_n);
		npos = DsEncodeStore(&buf, DsPos(ds), ds->pos_lo, ds->pos_n);
		res = DsAlloc(ds, DS_FORMAT_COMPACT, ds->nparams, buf.len);
		res->neg_n = nneg;
		res->pos_n = npos;
		memcpy(DsStore(res), buf.data, buf.len);
		pfree(buf.data);
		return res;
	}
	return ds;
}

/*
 * What a broken invariant is reported as: XX001 for a stored value, 22P02
 * or 22P03 while text or binary input is being checked.
 */
static int	DsCorruptCode = ERRCODE_DATA_CORRUPTED;

/* Report a broken invariant with the code chosen above */
SP_NORETURN static void
DsCorrupt(const char *detail)
{
	int			code = DsCorruptCode;

	DsCorruptCode = ERRCODE_DATA_CORRUPTED;
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid duration_sketch value"),
			 errdetail("%s", detail)));
}

/*
 * Decode one store of a compact payload: nb buckets into idx/cnt arrays
 * (palloc'd); checks the varints, increasing indexes and positive counts.
 */
static void
DsDecodeStore(const uint8 **p, const uint8 *end, int32 nb, int32 maxidx,
			  int32 **idx, int64 **cnt, int64 *total)
{
	int64		prev = -1;

	*idx = palloc(sizeof(int32) * Max(nb, 1));
	*cnt = palloc(sizeof(int64) * Max(nb, 1));
	*total = 0;
	for (int32 j = 0; j < nb; j++)
	{
		uint64		gap,
					c;

		if (!DsGetVarint(p, end, &gap) || !DsGetVarint(p, end, &c))
			DsCorrupt("The bucket list ends early or holds a malformed number.");
		if (gap > (uint64) maxidx || prev + 1 + (int64) gap > maxidx)
			DsCorrupt("A bucket index is out of range.");
		if (c == 0 || c > (uint64) PG_INT64_MAX)
			DsCorrupt("A bucket count is zero or out of range.");
		prev = prev + 1 + (int64) gap;
		(*idx)[j] = (int32) prev;
		(*cnt)[j] = (int64) c;
		*total = SpAddInt64(*total, (int64) c, "duration count");
	}
}

static DurationSketch *
DsCompactToDenseChecked(DurationSketch *cs);

/* Decode a stored compact state: a broken one is reported as XX001 */
static DurationSketch *
DsCompactToDense(DurationSketch *cs)
{
	DsCorruptCode = ERRCODE_DATA_CORRUPTED;
	return DsCompactToDenseChecked(cs);
}

/* Decode and check a compact bucket list into a dense state */
static DurationSketch *
DsCompactToDenseChecked(DurationSketch *cs)
{
	const uint8 *p = (const uint8 *) DsStore(cs);
	const uint8 *end = (const uint8 *) cs + VARSIZE(cs);
	int32		maxidx = DsMaxIndex(cs->multiplier);
	int32	   *nidx,
			   *pidx;
	int64	   *ncnt,
			   *pcnt,
				ntotal,
				ptotal;
	DurationSketch *ds;

	if (cs->neg_n < 0 || cs->pos_n < 0 ||
		cs->neg_n > end - p || cs->pos_n > end - p)
		DsCorrupt("The bucket counts do not fit the value.");
	DsDecodeStore(&p, end, cs->neg_n, maxidx, &nidx, &ncnt, &ntotal);
	DsDecodeStore(&p, end, cs->pos_n, maxidx, &pidx, &pcnt, &ptotal);
	if (p != end)
		DsCorrupt("The bucket list has trailing bytes.");
	if (SpAddInt64(SpAddInt64(ntotal, ptotal, "duration count"), cs->zeros,
				   "duration count") != cs->count)
		DsCorrupt("The bucket counts do not add up to the total count.");
	ds = DsMakeDense(cs,
					 cs->neg_n > 0 ? nidx[0] : 0,
					 cs->neg_n > 0 ? nidx[cs->neg_n - 1] - nidx[0] + 1 : 0,
					 cs->pos_n > 0 ? pidx[0] : 0,
					 cs->pos_n > 0 ? pidx[cs->pos_n - 1] - pidx[0] + 1 : 0);
	for (int32 j = 0; j < cs->neg_n; j++)
		DsNeg(ds)[nidx[j] - ds->neg_lo] = ncnt[j];
	for (int32 j = 0; j < cs->pos_n; j++)
		DsPos(ds)[pidx[j] - ds->pos_lo] = pcnt[j];
	return ds;
}

/* ---------------------------------------------------------------------
 * Reading states
 * ---------------------------------------------------------------------
 */

/* A state ready to be read: exact values sorted, or dense buckets */
static DurationSketch *
DsReadable(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_COMPACT)
		return DsCompactToDense(ds);
	if (ds->format == DS_FORMAT_EXACT)
		return DsCanonical(ds);
	return ds;
}

/* Lowest and highest non-empty index of a dense store, or false if empty */
static bool
DsStoreSpan(int64 *counts, int32 lo, int32 n, int32 *first, int32 *last)
{
	int32		a = 0,
				b = n - 1;

	while (a <= b && counts[a] == 0)
		a++;
	while (b >= a && counts[b] == 0)
		b--;
	if (a > b)
		return false;
	*first = lo + a;
	*last = lo + b;
	return true;
}

/*
 * Re-check every invariant of a state from outside (text or binary input):
 * the totals must agree with the values or buckets they summarize.
 */
static void
DsValidate(DurationSketch *ds)
{
	int128		sum = DsGetSum(ds);

	if (ds->count < 0 || ds->zeros < 0 || ds->zeros > ds->count)
		DsCorrupt("The counts are negative or inconsistent.");
	if (ds->count == 0)
	{
		if (ds->zeros != 0 || sum != 0 || ds->nvalues != 0)
			DsCorrupt("An empty sketch must have no values.");
		return;
	}
	if (ds->min_us > ds->max_us ||
		ds->min_us < -DS_MAX_ABS_US || ds->max_us > DS_MAX_ABS_US)
		DsCorrupt("The minimum and maximum are out of order or out of range.");
	if (sum < (int128) ds->min_us * ds->count || sum > (int128) ds->max_us * ds->count)
		DsCorrupt("The sum does not lie between count times minimum and count times maximum.");
	if ((ds->zeros > 0 && (ds->min_us > 0 || ds->max_us < 0)) ||
		(ds->zeros == ds->count && (ds->min_us != 0 || ds->max_us != 0)))
		DsCorrupt("The zero count disagrees with the minimum and maximum.");

	if (ds->format == DS_FORMAT_EXACT)
	{
		int64	   *v = DsValues(ds);
		int64		mn = PG_INT64_MAX,
					mx = PG_INT64_MIN,
					z = 0;
		int128		s = 0;

		if (ds->count > DS_EXACT_MAX || ds->nvalues != ds->count)
			DsCorrupt("An exact sketch must list each of its values, at most 64.");
		for (int j = 0; j < ds->nvalues; j++)
		{
			if (v[j] < -DS_MAX_ABS_US || v[j] > DS_MAX_ABS_US)
				DsCorrupt("A value is out of range.");
			mn = Min(mn, v[j]);
			mx = Max(mx, v[j]);
			z += (v[j] == 0);
			s += v[j];
		}
		if (mn != ds->min_us || mx != ds->max_us || z != ds->zeros || s != sum)
			DsCorrupt("The minimum, maximum, zero count or sum disagrees with the values.");
	}
	else
	{
		int32		nf = 0,
					nl = 0,
					pf = 0,
					pl = 0;
		bool		hasneg,
					haspos;

		if (ds->count <= DS_EXACT_MAX)
			DsCorrupt("A sketch of at most 64 values must list them exactly.");
		hasneg = DsStoreSpan(DsNeg(ds), ds->neg_lo, ds->neg_n, &nf, &nl);
		haspos = DsStoreSpan(DsPos(ds), ds->pos_lo, ds->pos_n, &pf, &pl);
		/* the exact extremes must fall in the extreme buckets */
		if (hasneg ? (ds->min_us >= 0 || DsIndexOf(ds, ds->min_us) != nl)
			: ds->zeros > 0 ? ds->min_us != 0
			: (ds->min_us <= 0 || DsIndexOf(ds, ds->min_us) != pf))
			DsCorrupt("The minimum does not fall in the lowest bucket.");
		if (haspos ? (ds->max_us <= 0 || DsIndexOf(ds, ds->max_us) != pl)
			: ds->zeros > 0 ? ds->max_us != 0
			: (ds->max_us >= 0 || DsIndexOf(ds, ds->max_us) != nf))
			DsCorrupt("The maximum does not fall in the highest bucket.");
	}
}

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

/* Percentile p in whole microseconds, as interval arithmetic rounds it */
static int64
DsPercentileUs(DurationSketch *ds, double p)
{
	double		lo,
				hi,
				frac,
				r;

	(void) DsPercentile(ds, p, &lo, &hi, &frac);
	if (ds->format == DS_FORMAT_EXACT)
		r = lo + rint(frac * (hi - lo));	/* like interval_mul, then _pl */
	else
		r = rint(lo + frac * (hi - lo));
	r = Min(Max(r, (double) ds->min_us), (double) ds->max_us);
	return (int64) r;
}

/* ---------------------------------------------------------------------
 * Text and binary I/O
 * ---------------------------------------------------------------------
 */

/* Shortest text that reads back as the same double (like float8out) */
static void
DsAppendDouble(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

/* Decimal text of an int128 */
static void
DsAppendInt128(StringInfo buf, int128 v)
{
	char		tmp[48];
	int			pos = sizeof(tmp) - 1;
	uint128		u = v < 0 ? -(uint128) v : (uint128) v;

	tmp[pos] = '\0';
	do
	{
		tmp[--pos] = '0' + (int) (u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--pos] = '-';
	appendStringInfoString(buf, tmp + pos);
}

/* "@index:count,count,...,@index:count" of one dense store */
static void
DsAppendStore(StringInfo buf, const char *key, int64 *counts, int32 lo, int32 n)
{
	int32		first,
				last,
				prev = -1;

	if (!DsStoreSpan(counts, lo, n, &first, &last))
		return;
	appendStringInfo(buf, " %s=", key);
	for (int32 i = first; i <= last; i++)
	{
		int64		c = counts[i - lo];

		if (c == 0)
			continue;
		if (prev >= 0)
			appendStringInfoChar(buf, ',');
		if (prev >= 0 && i - prev <= 3)
		{
			/* a short gap costs less as zeros than as a new @index */
			for (int32 g = prev + 1; g < i; g++)
				appendStringInfoString(buf, "0,");
		}
		else
			appendStringInfo(buf, "@%d:", i);
		appendStringInfo(buf, INT64_FORMAT, c);
		prev = i;
	}
}

PG_FUNCTION_INFO_V1(duration_sketch_out);
Datum
duration_sketch_out(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsReadable(PG_GETARG_DURATION_SKETCH_P(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", DS_VERSION);
	if (ds->alpha != 0)
	{
		appendStringInfoString(&buf, " a=");
		DsAppendDouble(&buf, ds->alpha);
	}
	if (ds->nparams > 0)
	{
		appendStringInfoString(&buf, " p=");
		for (int j = 0; j < ds->nparams; j++)
		{
			if (j > 0)
				appendStringInfoChar(&buf, ',');
			if (isnan(DsParams(ds)[j]))
				appendStringInfoString(&buf, "null");
			else
				DsAppendDouble(&buf, DsParams(ds)[j]);
		}
	}
	appendStringInfo(&buf, " n=" INT64_FORMAT, ds->count);
	if (ds->format == DS_FORMAT_EXACT)
	{
		if (ds->nvalues > 0)
		{
			appendStringInfoString(&buf, " exact_us=");
			for (int j = 0; j < ds->nvalues; j++)
				appendStringInfo(&buf, j > 0 ? "," INT64_FORMAT : INT64_FORMAT,
								 DsValues(ds)[j]);
		}
	}
	else
	{
		appendStringInfo(&buf, " min_us=" INT64_FORMAT " max_us=" INT64_FORMAT " sum_us=",
						 ds->min_us, ds->max_us);
		DsAppendInt128(&buf, DsGetSum(ds));
		if (ds->zeros > 0)
			appendStringInfo(&buf, " zeros=" INT64_FORMAT, ds->zeros);
		DsAppendStore(&buf, "neg", DsNeg(ds), ds->neg_lo, ds->neg_n);
		DsAppendStore(&buf, "pos", DsPos(ds), ds->pos_lo, ds->pos_n);
	}
	PG_RETURN_CSTRING(buf.data);
}

/* Bad text input (22P02) */
SP_NORETURN static void
DsSyntaxError(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "duration_sketch", input),
			 errdetail("%s", detail)));
}

/*
 * Parse a decimal integer (optionally signed) of [p, end) into int128.
 * False if it is not a whole number; *overflow is set if its magnitude
 * passes 2^126 (then *out is meaningless).
 */
static bool
DsParseInt128(const char *p, const char *end, bool allow_sign, int128 *out,
			  bool *overflow)
{
	bool		neg = false;
	int128		v = 0;
	const int128 limit = ((int128) 1) << 126;

	*overflow = false;
	if (p < end && (*p == '-' || *p == '+') && allow_sign)
	{
		neg = (*p == '-');
		p++;
	}
	if (p >= end)
		return false;
	for (; p < end; p++)
	{
		if (!isdigit((unsigned char) *p))
			return false;
		/* check before multiplying: v * 10 would wrap past 2^127 */
		if (v > (limit - (*p - '0')) / 10)
			*overflow = true;
		else
			v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* A whole number too large for its field (22003), like int8in's error */
SP_NORETURN static void
DsNumberRangeError(const char *input, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value out of range for type %s: \"%s\"", "duration_sketch", input),
			 errdetail("The %s does not fit in its field.", what)));
}

/* Parse a whole number token as int64: 22P02 if it is none, 22003 if too big */
static int64
DsParseInt64(const char *input, const char *p, const char *end, bool allow_sign,
			 const char *what)
{
	int128		v;
	bool		overflow;

	if (!DsParseInt128(p, end, allow_sign, &v, &overflow))
		DsSyntaxError(input, psprintf("The %s is not a whole number.", what));
	if (overflow || v > PG_INT64_MAX || v < PG_INT64_MIN)
		DsNumberRangeError(input, what);
	return (int64) v;
}

/* Parse a double token (NaN and infinities included), or fail with 22P02 */
static double
DsParseDouble(const char *input, const char *p, const char *end, const char *what)
{
	char	   *tok = pnstrdup(p, end - p);
	char	   *stop;
	double		v;

	/*
	 * Infinities and out-of-range numbers are numbers: the callers' range
	 * checks reject them (22023, 22003), as they reject NaN.
	 */
	v = strtod(tok, &stop);
	if (*tok == '\0' || *stop != '\0')
		DsSyntaxError(input, psprintf("The %s is not a number.", what));
	return v;
}

/*
 * Parse a bucket list "@i:c,c,@j:c" into the dense store of ds (whose
 * window was sized by a first pass); returns the total count.
 */
static void
DsScanBuckets(const char *input, const char *p, const char *end, int32 maxidx,
			  int32 *first, int32 *last, int64 *counts, int32 lo, int64 *total)
{
	int64		idx = -1;

	*first = -1;
	*last = -1;
	if (total)
		*total = 0;
	while (p < end)
	{
		const char *comma = memchr(p, ',', end - p);
		const char *itemend = comma ? comma : end;
		int64		c;

		if (*p == '@')
		{
			const char *colon = memchr(p, ':', itemend - p);
			int64		newidx;

			if (colon == NULL)
				DsSyntaxError(input, "A bucket index must be followed by a colon.");
			newidx = DsParseInt64(input, p + 1, colon, false, "bucket index");
			if (newidx <= idx)
				DsSyntaxError(input, "Bucket indexes must increase.");
			idx = newidx;
			p = colon + 1;
		}
		else if (idx < 0)
			DsSyntaxError(input, "A bucket list must start with @index:.");
		else
			idx++;
		if (idx > maxidx)
			DsSyntaxError(input, "A bucket index is out of range.");
		c = DsParseInt64(input, p, itemend, false, "bucket count");
		if (c > 0)
		{
			if (*first < 0)
				*first = (int32) idx;
			*last = (int32) idx;
			if (counts)
				counts[idx - lo] = c;
			if (total)
				*total = SpAddInt64(*total, c, "duration count");
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end)
			DsSyntaxError(input, "A bucket list must not end with a comma.");
	}
}

PG_FUNCTION_INFO_V1(duration_sketch_in);
Datum
duration_sketch_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	const char *keys[] = {"a", "p", "n", "exact_us", "min_us", "max_us", "sum_us",
	"zeros", "neg", "pos"};
	enum
	{
		K_A, K_P, K_N, K_EXACT, K_MIN, K_MAX, K_SUM, K_ZEROS, K_NEG, K_POS, K_COUNT
	};
	const char *val[K_COUNT] = {0};
	const char *vend[K_COUNT] = {0};
	const char *p = input;
	DurationSketch hdr;
	DurationSketch *ds;
	int32		nparams = 0;
	float8	   *params = NULL;
	int128		sum = 0;

	memset(&hdr, 0, sizeof(hdr));
	while (isspace((unsigned char) *p))
		p++;
	if (strncmp(p, "v1", 2) != 0 || !(p[2] == '\0' || isspace((unsigned char) p[2])))
		DsSyntaxError(input, "A duration_sketch starts with its format version, \"v1\".");
	p += 2;
	for (;;)
	{
		const char *tok,
				   *eq,
				   *tend;
		int			k;

		while (isspace((unsigned char) *p))
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (*p && !isspace((unsigned char) *p))
			p++;
		tend = p;
		eq = memchr(tok, '=', tend - tok);
		if (eq == NULL)
			DsSyntaxError(input, "Expected key=value items.");
		for (k = 0; k < K_COUNT; k++)
			if (strlen(keys[k]) == (size_t) (eq - tok) && strncmp(tok, keys[k], eq - tok) == 0)
				break;
		if (k == K_COUNT)
			DsSyntaxError(input, psprintf("Unknown key \"%s\".", pnstrdup(tok, eq - tok)));
		if (val[k] != NULL)
			DsSyntaxError(input, psprintf("Key \"%s\" appears twice.", keys[k]));
		val[k] = eq + 1;
		vend[k] = tend;
	}
	if (val[K_N] == NULL)
		DsSyntaxError(input, "The count n= is required.");
	hdr.count = DsParseInt64(input, val[K_N], vend[K_N], false, "count");
	if (val[K_A] != NULL)
	{
		hdr.alpha = DsParseDouble(input, val[K_A], vend[K_A], "relative accuracy");
		DsCheckAlpha(hdr.alpha);
		hdr.multiplier = DsMultiplier(hdr.alpha);
	}
	else if (hdr.count > 0)
		DsSyntaxError(input, "A non-empty sketch needs its relative accuracy a=.");
	if (val[K_P] != NULL)
	{
		const char *q = val[K_P];

		params = palloc(sizeof(float8) * DS_MAX_PARAMS);
		while (q < vend[K_P])
		{
			const char *comma = memchr(q, ',', vend[K_P] - q);
			const char *e = comma ? comma : vend[K_P];

			if (nparams >= DS_MAX_PARAMS)
				DsSyntaxError(input, "Too many percentiles.");
			if (e - q == 4 && strncmp(q, "null", 4) == 0)
				params[nparams++] = get_float8_nan();
			else
			{
				params[nparams] = DsParseDouble(input, q, e, "percentile");
				DsCheckP(params[nparams++]);
			}
			q = comma ? comma + 1 : e;
		}
		if (nparams == 0)
			DsSyntaxError(input, "The percentile list p= is empty.");
	}

	if (hdr.count <= DS_EXACT_MAX)
	{
		int32		nv = 0;
		int64		values[DS_EXACT_MAX];
		const char *q = val[K_EXACT];

		if (val[K_MIN] || val[K_MAX] || val[K_SUM] || val[K_ZEROS] || val[K_NEG] || val[K_POS])
			DsSyntaxError(input, "A sketch of at most 64 values lists them with exact_us= only.");
		if (q != NULL)
		{
			while (q < vend[K_EXACT])
			{
				const char *comma = memchr(q, ',', vend[K_EXACT] - q);
				const char *e = comma ? comma : vend[K_EXACT];

				if (nv >= DS_EXACT_MAX)
					DsSyntaxError(input, "The count n= differs from the number of values.");
				values[nv++] = DsParseInt64(input, q, e, true, "value");
				q = comma ? comma + 1 : e;
			}
		}
		if (nv != hdr.count)
			DsSyntaxError(input, "The count n= differs from the number of values.");
		hdr.count = 0;
		ds = DsAlloc(&hdr, DS_FORMAT_EXACT, nparams, sizeof(int64) * nv);
		for (int j = 0; j < nv; j++)
		{
			if (values[j] < -DS_MAX_ABS_US || values[j] > DS_MAX_ABS_US)
				DsRangeError(psprintf(INT64_FORMAT " microseconds", values[j]));
			DsAddTotals(ds, values[j]);
			DsValues(ds)[ds->nvalues++] = values[j];
		}
	}
	else
	{
		int32		maxidx = DsMaxIndex(hdr.multiplier);
		int32		nf = -1,
					nl = -1,
					pf = -1,
					pl = -1;
		int64		ntotal = 0,
					ptotal = 0;
		bool		overflow;

		if (val[K_EXACT])
			DsSyntaxError(input, "Only a sketch of at most 64 values lists them with exact_us=.");
		if (!val[K_MIN] || !val[K_MAX] || !val[K_SUM])
			DsSyntaxError(input, "A bucketed sketch needs min_us=, max_us= and sum_us=.");
		hdr.min_us = DsParseInt64(input, val[K_MIN], vend[K_MIN], true, "minimum");
		hdr.max_us = DsParseInt64(input, val[K_MAX], vend[K_MAX], true, "maximum");
		if (!DsParseInt128(val[K_SUM], vend[K_SUM], true, &sum, &overflow))
			DsSyntaxError(input, "The sum is not a whole number.");
		if (overflow)
			DsNumberRangeError(input, "sum");
		if (val[K_ZEROS])
			hdr.zeros = DsParseInt64(input, val[K_ZEROS], vend[K_ZEROS], false, "zero count");
		/* first pass: window sizes; second: the counts */
		if (val[K_NEG])
			DsScanBuckets(input, val[K_NEG], vend[K_NEG], maxidx, &nf, &nl, NULL, 0, NULL);
		if (val[K_POS])
			DsScanBuckets(input, val[K_POS], vend[K_POS], maxidx, &pf, &pl, NULL, 0, NULL);
		ds = DsAlloc(&hdr, DS_FORMAT_DENSE, nparams,
					 sizeof(int64) * ((nf >= 0 ? nl - nf + 1 : 0) + (pf >= 0 ? pl - pf + 1 : 0)));
		if (nf >= 0)
		{
			ds->neg_lo = nf;
			ds->neg_n = nl - nf + 1;
		}
		if (pf >= 0)
		{
			ds->pos_lo = pf;
			ds->pos_n = pl - pf + 1;
		}
		if (val[K_NEG])
			DsScanBuckets(input, val[K_NEG], vend[K_NEG], maxidx, &nf, &nl,
						  DsNeg(ds), ds->neg_lo, &ntotal);
		if (val[K_POS])
			DsScanBuckets(input, val[K_POS], vend[K_POS], maxidx, &pf, &pl,
						  DsPos(ds), ds->pos_lo, &ptotal);
		if (SpAddInt64(SpAddInt64(ntotal, ptotal, "duration count"), ds->zeros,
					   "duration count") != ds->count)
			DsSyntaxError(input, "The bucket counts and zeros do not add up to n=.");
		DsSetSum(ds, sum);
	}
	if (nparams > 0)
		memcpy(DsParams(ds), params, sizeof(float8) * nparams);
	DsCorruptCode = ERRCODE_INVALID_TEXT_REPRESENTATION;
	DsValidate(ds);
	DsCorruptCode = ERRCODE_DATA_CORRUPTED;
	PG_RETURN_POINTER(DsCanonical(ds));
}

/*
 * Binary form: version, format (1 exact, 3 compact), nparams (int16),
 * alpha, count, zeros, min, max, sum (hi, lo), the p's, then either the
 * exact values (int64 each, count of them) or neg_n, pos_n and the
 * length-prefixed varint bucket list.
 */
PG_FUNCTION_INFO_V1(duration_sketch_send);
Datum
duration_sketch_send(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsCanonical(PG_GETARG_DURATION_SKETCH_P(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, DS_VERSION);
	pq_sendbyte(&buf, ds->format);
	pq_sendint16(&buf, ds->nparams);
	pq_sendfloat8(&buf, ds->alpha);
	pq_sendint64(&buf, ds->count);
	pq_sendint64(&buf, ds->zeros);
	pq_sendint64(&buf, ds->min_us);
	pq_sendint64(&buf, ds->max_us);
	pq_sendint64(&buf, ds->sum_hi);
	pq_sendint64(&buf, (int64) ds->sum_lo);
	for (int j = 0; j < ds->nparams; j++)
		pq_sendfloat8(&buf, DsParams(ds)[j]);
	if (ds->format == DS_FORMAT_EXACT)
	{
		for (int j = 0; j < ds->nvalues; j++)
			pq_sendint64(&buf, DsValues(ds)[j]);
	}
	else
	{
		int			len = VARSIZE(ds) - DsStoreOffset(ds);

		pq_sendint32(&buf, ds->neg_n);
		pq_sendint32(&buf, ds->pos_n);
		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, DsStore(ds), len);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Bad binary input (22P03) */
SP_NORETURN static void
DsBinaryError(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary data for type %s", "duration_sketch"),
			 errdetail("%s", detail)));
}

/*
 * One requested percentile of a binary form: in [0, 1], or NaN for a NULL
 * one, read as the one NaN text input makes, whatever its bits, so the
 * value survives send -> recv and text out -> in alike
 */
static float8
DsRecvPercentile(StringInfo buf)
{
	float8		p = pq_getmsgfloat8(buf);

	if (isnan(p))
		return get_float8_nan();
	if (p < 0 || p > 1)
		DsBinaryError("A percentile is outside [0, 1].");
	return p;
}

PG_FUNCTION_INFO_V1(duration_sketch_recv);
Datum
duration_sketch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	DurationSketch hdr;
	DurationSketch *ds;
	int			version,
				format,
				nparams;

	memset(&hdr, 0, sizeof(hdr));
	version = pq_getmsgbyte(buf);
	if (version != DS_VERSION)
		DsBinaryError(psprintf("Unknown format version %d.", version));
	format = pq_getmsgbyte(buf);
	if (format != DS_FORMAT_EXACT && format != DS_FORMAT_COMPACT)
		DsBinaryError(psprintf("Unknown sketch format %d.", format));
	nparams = (uint16) pq_getmsgint(buf, 2);
	if (nparams > DS_MAX_PARAMS)
		DsBinaryError("Too many percentiles.");
	hdr.alpha = pq_getmsgfloat8(buf);
	hdr.count = pq_getmsgint64(buf);
	hdr.zeros = pq_getmsgint64(buf);
	hdr.min_us = pq_getmsgint64(buf);
	hdr.max_us = pq_getmsgint64(buf);
	hdr.sum_hi = pq_getmsgint64(buf);
	hdr.sum_lo = (uint64) pq_getmsgint64(buf);
	/* no accuracy yet (an empty sketch) is +0, whatever the sign bit says */
	if (hdr.alpha == 0)
		hdr.alpha = 0;
	if (hdr.alpha != 0 || hdr.count > 0)
	{
		if (isnan(hdr.alpha) || hdr.alpha < DS_ALPHA_MIN || hdr.alpha > DS_ALPHA_MAX)
			DsBinaryError("The relative accuracy is out of range.");
		hdr.multiplier = DsMultiplier(hdr.alpha);
	}
	if (hdr.count < 0 || (format == DS_FORMAT_EXACT) != (hdr.count <= DS_EXACT_MAX))
		DsBinaryError("The format does not match the count.");
	if ((Size) nparams * sizeof(float8) > (Size) (buf->len - buf->cursor))
		DsBinaryError("The percentile list runs past the end of the data.");
	if (format == DS_FORMAT_EXACT)
	{
		ds = DsAlloc(&hdr, DS_FORMAT_EXACT, nparams, sizeof(int64) * hdr.count);
		for (int j = 0; j < nparams; j++)
			DsParams(ds)[j] = DsRecvPercentile(buf);
		if ((Size) hdr.count * sizeof(int64) > (Size) (buf->len - buf->cursor))
			DsBinaryError("The value list runs past the end of the data.");
		ds->nvalues = (int32) hdr.count;
		for (int j = 0; j < ds->nvalues; j++)
			DsValues(ds)[j] = pq_getmsgint64(buf);
		DsCorruptCode = ERRCODE_INVALID_BINARY_REPRESENTATION;
		DsValidate(ds);
		DsCorruptCode = ERRCODE_DATA_CORRUPTED;
		ds = DsCanonical(ds);	/* sorted, like every stored value */
	}
	else
	{
		DurationSketch *dense;
		float8	   *params = palloc(sizeof(float8) * Max(nparams, 1));
		int32		len;

		for (int j = 0; j < nparams; j++)
			params[j] = DsRecvPercentile(buf);
		hdr.neg_n = pq_getmsgint(buf, 4);
		hdr.pos_n = pq_getmsgint(buf, 4);
		len = pq_getmsgint(buf, 4);
		if (len < 0 || len > buf->len - buf->cursor)
			DsBinaryError("The bucket list runs past the end of the data.");
		ds = DsAlloc(&hdr, DS_FORMAT_COMPACT, nparams, len);
		ds->neg_n = hdr.neg_n;
		ds->pos_n = hdr.pos_n;
		memcpy(DsParams(ds), params, sizeof(float8) * nparams);
		memcpy(DsStore(ds), pq_getmsgbytes(buf, len), len);
		DsCorruptCode = ERRCODE_INVALID_BINARY_REPRESENTATION;
		dense = DsCompactToDenseChecked(ds);
		DsValidate(dense);
		DsCorruptCode = ERRCODE_DATA_CORRUPTED;
		ds = DsCanonical(dense);
	}
	pq_getmsgend(buf);
	PG_RETURN_POINTER(ds);
}

/* ---------------------------------------------------------------------
 * Transition functions
 * ---------------------------------------------------------------------
 */

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
	/* in place in aggregate context, as DsStateForUpdate explains */
	if (unlikely(!SP_IN_AGGREGATE(fcinfo) || ds->format == DS_FORMAT_COMPACT))
		ds = DsMutable(ds);
	DsUseAlpha(ds, alpha);
	PG_RETURN_POINTER(DsAddValue(ds, us));
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

/* A one-step aggregate saw two different p in one group (22023) */
SP_NORETURN static void
DsVaryingP(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("percentile p must be the same for every row of a group"),
			 errhint("Pass p as a constant, or build a sketch with response_time_agg() and read several percentiles from it.")));
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

	if (likely(ds->nparams == 1))
	{
		if (unlikely(DsParams(ds)[0] != p))
			DsVaryingP();
		return DsTransitionState(fcinfo, ds, us, DS_ALPHA_DEFAULT);
	}
	if (ds->nparams != 0 || ds->count != 0)
		DsVaryingP();
	DsCheckP(p);
	/* the empty initial state gets room for the p (a new state) */
	ds = DsAlloc(ds, DS_FORMAT_EXACT, 1, sizeof(int64) * DS_EXACT_MAX);
	DsParams(ds)[0] = p;
	DsUseAlpha(ds, DS_ALPHA_DEFAULT);
	PG_RETURN_POINTER(DsAddValue(ds, us));
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
		}
	}
	return res;
}

/* True if the p array holds exactly the p's recorded in the state */
static inline bool
DsSameParams(DurationSketch *ds, ArrayType *arr)
{
	if (ARR_HASNULL(arr) || ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) != ds->nparams)
	{
		int			n;
		float8	   *p = DsArrayParams(arr, &n);

		if (n != ds->nparams)
			return false;
		for (int j = 0; j < n; j++)
			if (!(p[j] == DsParams(ds)[j] || (isnan(p[j]) && isnan(DsParams(ds)[j]))))
				return false;
		return true;
	}
	return memcmp(ARR_DATA_PTR(arr), DsParams(ds), sizeof(float8) * ds->nparams) == 0;
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
	PG_RETURN_POINTER(DsAddValue(ds, us));
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
	DurationSketch *ds = DsStateForUpdate(fcinfo);

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
		PG_RETURN_POINTER(ds);
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
	PG_RETURN_POINTER(ds);
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
	if (a->nparams != b->nparams ||
		memcmp(DsParams(a), DsParams(b), sizeof(float8) * a->nparams) != 0)
		DsVaryingP();
}

/* Fold the totals of other into ds */
static void
DsMergeTotals(DurationSketch *ds, DurationSketch *other)
{
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

	if (other->count == 0 && other->nparams == 0)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	ds = PG_GETARG_DURATION_SKETCH_P(0);
	if (ds->count == 0 && ds->nparams == 0)
	{
		/* a copy of other, never other itself (it is not ours) */
		PG_RETURN_POINTER(DsMutable(other));
	}
	DsCheckCompatible(ds, other);
	/*
	 * The total count first: once it fits, no bucket sum (each at most its
	 * sketch's count) nor the zero count can pass int64 either.
	 */
	(void) SpAddInt64(ds->count, other->count, "duration count");
	ds = DsStateForUpdate(fcinfo);
	if (ds->format == DS_FORMAT_EXACT && other->format == DS_FORMAT_EXACT &&
		ds->count + other->count <= DS_EXACT_MAX)
	{
		if (ds->nvalues + other->nvalues > DsExactCapacity(ds))
			ds = DsMakeExact(ds, DS_EXACT_MAX);
		memcpy(DsValues(ds) + ds->nvalues, DsValues(other), sizeof(int64) * other->nvalues);
		ds->nvalues += other->nvalues;
		DsMergeTotals(ds, other);
		PG_RETURN_POINTER(ds);
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
		DurationSketch *od = other->format == DS_FORMAT_COMPACT ? DsCompactToDense(other) : other;
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
	PG_RETURN_POINTER(ds);
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
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	ds = DsStateForUpdate(fcinfo);
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
		PG_RETURN_POINTER(ds);
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
	PG_RETURN_POINTER(ds);
}

/* ---------------------------------------------------------------------
 * Final functions and accessors
 * ---------------------------------------------------------------------
 */

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
	ds = DsReadable(ds);
	PG_RETURN_INTERVAL_P(DsUsToInterval(DsPercentileUs(ds, DsParams(ds)[0])));
}

PG_FUNCTION_INFO_V1(duration_sketch_final_seconds);
Datum
duration_sketch_final_seconds(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0 || ds->nparams != 1)
		PG_RETURN_NULL();
	ds = DsReadable(ds);
	PG_RETURN_FLOAT8(DsPercentileSeconds(ds, DsParams(ds)[0]));
}

PG_FUNCTION_INFO_V1(duration_sketch_final_interval_array);
Datum
duration_sketch_final_interval_array(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0)
		PG_RETURN_NULL();
	ds = DsReadable(ds);
	PG_RETURN_DATUM(DsPercentileArray(ds, DsParams(ds), ds->nparams, false));
}

PG_FUNCTION_INFO_V1(duration_sketch_final_seconds_array);
Datum
duration_sketch_final_seconds_array(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0)
		PG_RETURN_NULL();
	ds = DsReadable(ds);
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
 * share_within(sketch, threshold): the share of values <= threshold.  Exact
 * in exact mode, for thresholds outside [min, max], at 0, and at bucket
 * boundaries; otherwise the whole bucket holding the threshold counts, so
 * exact_share(t) <= result <= exact_share(t + |t| 2 alpha / (1 - alpha)).
 */
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
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
	int64		t = DsIntervalToUs(PG_GETARG_INTERVAL_P(1));

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) DsCountWithin(DsReadable(ds), t) / (double) ds->count);
}

PG_FUNCTION_INFO_V1(duration_sketch_count);
Datum
duration_sketch_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_DURATION_SKETCH_P(0)->count);
}

/* Mean in whole microseconds, rounded half away from zero, from the exact sum */
PG_FUNCTION_INFO_V1(duration_sketch_mean);
Datum
duration_sketch_mean(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
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
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(DsUsToInterval(ds->min_us));
}

PG_FUNCTION_INFO_V1(duration_sketch_max);
Datum
duration_sketch_max(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);

	if (ds->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(DsUsToInterval(ds->max_us));
}

/* Sum as numeric seconds (exact): for checks against sum(extract(epoch...)) */
PG_FUNCTION_INFO_V1(duration_sketch_sum_seconds);
Datum
duration_sketch_sum_seconds(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = PG_GETARG_DURATION_SKETCH_P(0);
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
 * stored value already is that (final functions and both inputs end in
 * DsCanonical, headers start zeroed, and a NULL percentile is always the
 * one NaN get_float8_nan() gives, receive included), so this only copies for
 * a working state returned by a support function called directly.
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
