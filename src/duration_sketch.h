/*
 * duration_sketch.h
 *	  duration_sketch: a mergeable summary of a distribution of durations
 *	  (response times) with a guaranteed relative error on every percentile.
 *
 * See the design note at the top of duration_sketch.c.  The type lives in
 * four files, one per concern, which share this header:
 *	duration_sketch_mapping.c	the logarithmic bucket mapping and its
 *								per-backend lookup tables;
 *	duration_sketch_store.c		the three storage forms (exact, dense,
 *								compact), conversions between them, the
 *								compact encoding and validation;
 *	duration_sketch_io.c		text and binary input and output;
 *	duration_sketch.c			the aggregates (transition, inverse, combine
 *								and final functions), the accessors, equality
 *								and hashing.
 * What runs once per row (the mapping lookup, adding a value) is static
 * inline here, so each file's per-row path compiles as one piece.
 */
#ifndef SALESPERF_DURATION_SKETCH_H
#define SALESPERF_DURATION_SKETCH_H

#include "salesperf.h"

#include <math.h>

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#ifndef HAVE_INT128
#error "duration_sketch needs a 128-bit integer type for its exact sum"
#endif

#define DS_VERSION			1

/* Formats of the one varlena layout */
#define DS_FORMAT_EXACT		1	/* raw values (int64 microseconds) */
#define DS_FORMAT_DENSE		2	/* working form: dense bucket windows */
#define DS_FORMAT_COMPACT	3	/* stored: varint list of non-empty buckets */

/* A group of at most this many values keeps them and answers exactly */
#define DS_EXACT_MAX		64

#define DS_ALPHA_MIN		0.0001
#define DS_ALPHA_MAX		0.05
#define DS_ALPHA_DEFAULT	0.01

/* Durations are int64 microseconds with |value| <= 2^62 (about 146,000 years) */
#define DS_MAX_ABS_US		(INT64CONST(1) << 62)

/* Most percentiles a state records (a one-step aggregate's p array) */
#define DS_MAX_PARAMS		10000

/*
 * One layout for every format.  After the fixed header come the requested
 * percentiles of a one-step aggregate (nparams float8, NaN for a NULL
 * element, never -0: a zero percentile is always +0; none for
 * response_time_agg), then the store:
 *	EXACT:	 int64 values[capacity], nvalues of them used (unsorted in an
 *			 aggregate's working state, sorted in the stored form);
 *	DENSE:	 int64 neg[neg_n] for bucket indexes neg_lo.., then
 *			 int64 pos[pos_n] for indexes pos_lo.., then (an aggregate's
 *			 working state only) int64 pending[pending_cap]: nvalues values
 *			 in neither the totals nor the buckets yet (see DsAddValue);
 *			 a dense state of 0.2.0 has no room for any;
 *	COMPACT: neg_n then pos_n non-empty buckets, each as two unsigned
 *			 LEB128 varints (index gap, count); neg_lo/pos_lo are 0.
 */
typedef struct DurationSketch
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* DS_VERSION */
	uint8		format;			/* DS_FORMAT_* */
	uint16		nparams;		/* one-step aggregates: requested p's */
	int32		nvalues;		/* EXACT: values held; DENSE: pending values */
	int32		pending_cap;	/* DENSE working state: room for pending
								 * values; 0 in every stored form (this was
								 * padding, always zero, before 0.3.0) */
	float8		alpha;			/* relative accuracy; 0 while empty and unset */
	float8		multiplier;		/* bucket index scale, derived from alpha */
	int64		count;			/* values, including zeros */
	int64		zeros;			/* values exactly zero */
	int64		min_us;
	int64		max_us;
	int64		sum_hi;			/* exact sum of the values, as int128 */
	uint64		sum_lo;
	int32		neg_lo;
	int32		neg_n;
	int32		pos_lo;
	int32		pos_n;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} DurationSketch;

#define DS_HDRSZ				offsetof(DurationSketch, data)
StaticAssertDecl(offsetof(DurationSketch, alpha) == 16 && DS_HDRSZ == 96,
				 "the duration_sketch header is stored: its layout must not change");
#define DsParams(ds)			((float8 *) (ds)->data)
#define DsStoreOffset(ds)		(DS_HDRSZ + sizeof(float8) * (ds)->nparams)
#define DsStore(ds)				((char *) (ds) + DsStoreOffset(ds))
#define DsValues(ds)			((int64 *) DsStore(ds))
#define DsExactCapacity(ds)		((int32) ((VARSIZE(ds) - DsStoreOffset(ds)) / sizeof(int64)))
#define DsNeg(ds)				((int64 *) DsStore(ds))
#define DsPos(ds)				(DsNeg(ds) + (ds)->neg_n)
#define DsPending(ds)			(DsPos(ds) + (ds)->pos_n)
#define DsPendingCapacity(ds)	((ds)->pending_cap)

/*
 * Values a dense working state buffers before it adds them to its totals
 * and buckets.  Adding to a bucket is a random access into the state's
 * counts (several kilobytes per group): with hundreds of groups that is a
 * cache miss per row, and the totals (count, zeros, min, max, sum) spread
 * the header over two or three cache lines.  A buffered row touches the
 * first 24 bytes of the header and the buffer's tail, and a flush adds a
 * batch to one group's totals and counts, whose misses overlap.
 */
#define DS_PENDING_MAX		512

#define DatumGetDurationSketchP(X)		((DurationSketch *) PG_DETOAST_DATUM(X))
#define PG_GETARG_DURATION_SKETCH_P(n)	DatumGetDurationSketchP(PG_GETARG_DATUM(n))

/*
 * Visible to every file of the shared library, not exported from it: the
 * per-row inline functions below reach the lookup-table cache directly,
 * not through the global offset table (PostgreSQL 15's PGXS does not build
 * with -fvisibility=hidden).
 */
#if defined(__GNUC__) || defined(__clang__)
#define DS_HIDDEN __attribute__((visibility("hidden")))
#else
#define DS_HIDDEN
#endif

/* ---------------------------------------------------------------------
 * Bucket mapping (duration_sketch_mapping.c)
 * ---------------------------------------------------------------------
 */

/* The cubic of the log-like mapping: P(s) = A s^3 + B s^2 + C s */
#define DS_POLY_A	(6.0 / 35.0)
#define DS_POLY_B	(-3.0 / 5.0)
#define DS_POLY_C	(10.0 / 7.0)
#define DS_MARGIN	1e-6

/*
 * Fast exact mapping of whole microseconds.  DsIndex's float chain is the
 * costliest step of a transition, so a backend keeps, per relative accuracy
 * in use, a table over "cells" of magnitudes sharing their k leading bits
 * (k chosen so that a cell spans less than 0.93 of the narrowest bucket,
 * so at most one bucket boundary falls inside it).  A cell holds the index of
 * its first value and the largest value with that index, found once by
 * bisection with DsIndex itself: the table gives DsIndex((double) u)
 * exactly, for every u, with a shift, a load and a compare.  Magnitudes
 * below 2^k are looked up directly.  Accuracies too fine for a small table
 * (k > 10, alpha below about 0.00055) use DsIndex.
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
	DsIndexCell *cells;			/* (63 - k) << k cells; small follows them in
								 * the same allocation */
} DsIndexTable;

/* The table used last (NULL before the first lookup) */
extern DS_HIDDEN DsIndexTable *ds_last_table;

extern DS_HIDDEN DsIndexTable *DsFindIndexTable(double alpha, double multiplier);
extern DS_HIDDEN pg_noinline int32 DsFillCell(DsIndexTable *t, uint32 cell, int e);

/* M for a relative accuracy alpha (see the design note) */
extern DS_HIDDEN double DsMultiplier(double alpha);

/* Bounds (lo, hi] of the magnitudes in bucket i */
extern DS_HIDDEN void DsBucketBounds(int32 i, double multiplier, double *lo, double *hi);

/* The magnitude that stands for every value of bucket i */
extern DS_HIDDEN double DsBucketValue(int32 i, double multiplier);

/* The largest index a magnitude can have */
extern DS_HIDDEN int32 DsMaxIndex(double multiplier);

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

/* ---------------------------------------------------------------------
 * Checks and conversions of inputs (duration_sketch.c)
 * ---------------------------------------------------------------------
 */

/* Reject a relative accuracy outside [0.0001, 0.05] (22023) */
extern DS_HIDDEN void DsCheckAlpha(double alpha);

/* Reject a percentile outside [0, 1] or NaN (22003, naming p) */
extern DS_HIDDEN void DsCheckP(double p);

/*
 * The one rule for a zero percentile: -0 is the same percentile as 0, so
 * every state records it as +0 (one-step aggregates, text and binary input)
 * and p's are compared as numbers, NaN (a NULL element) equal to NaN
 */
static inline double
DsNormalP(double p)
{
	return p == 0 ? 0.0 : p;
}

static inline bool
DsSameP(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* A duration beyond 2^62 microseconds (22003) */
SP_NORETURN extern DS_HIDDEN void DsRangeError(const char *given);

/* An interval as microseconds, as extract(epoch from ...) counts it */
static inline int64
DsIntervalToUs(Interval *iv)
{
	int64		us,
				t;

	/* the common case: a time part only (no months, no days) */
	if (likely(iv->month == 0 && iv->day == 0 &&
			   iv->time <= DS_MAX_ABS_US && iv->time >= -DS_MAX_ABS_US))
		return iv->time;
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

/* The exact sum, from its two stored halves */
static inline int128
DsGetSum(const DurationSketch *ds)
{
	return (int128) (((uint128) (uint64) ds->sum_hi << 64) | ds->sum_lo);
}

/* Store the exact sum as two halves (the struct stays 8-byte aligned) */
static inline void
DsSetSum(DurationSketch *ds, int128 v)
{
	ds->sum_hi = (int64) (v >> 64);
	ds->sum_lo = (uint64) v;
}

/* ---------------------------------------------------------------------
 * Storage forms (duration_sketch_store.c)
 * ---------------------------------------------------------------------
 */

/* A new state of the given format and store size, header copied from src */
extern DS_HIDDEN DurationSketch *DsAlloc(DurationSketch *src, uint8 format,
										 uint16 nparams, Size storesz);

/* An exact state holding src's values with room for capacity */
extern DS_HIDDEN DurationSketch *DsMakeExact(DurationSketch *src, int32 capacity);

/* An empty dense state with the given windows (counts zero), header of src */
extern DS_HIDDEN DurationSketch *DsMakeDense(DurationSketch *src, int32 neg_lo, int32 neg_n,
											 int32 pos_lo, int32 pos_n);

/* The same with room for pending values (an aggregate's working state) */
extern DS_HIDDEN DurationSketch *DsMakeDenseRoom(DurationSketch *src, int32 neg_lo, int32 neg_n,
												 int32 pos_lo, int32 pos_n, int32 pending);

/*
 * Add the pending values of a dense state that is ours to its totals and
 * buckets (nvalues becomes 0); returns the (maybe new) state.  Anything
 * that reads a dense state's totals or buckets flushes it first.
 */
extern DS_HIDDEN DurationSketch *DsFlushPending(DurationSketch *ds);

/* Flush a full buffer and add one more value to the buckets (per row, cold) */
extern DS_HIDDEN pg_noinline DurationSketch *DsAddFlushing(DurationSketch *ds, int64 us);

/* Copy of a dense state whose windows also cover the given index ranges */
extern DS_HIDDEN DurationSketch *DsRewindow(DurationSketch *ds, int32 nlo, int32 nhi,
											int32 plo, int32 phi);

/* The dense form of an exact state (same totals) */
extern DS_HIDDEN DurationSketch *DsExactToDense(DurationSketch *ex);

/* A state that can be updated in place: exact with room, or dense */
extern DS_HIDDEN DurationSketch *DsMutable(DurationSketch *ds);

/* The stored form of a state: sorted exact values, or compact buckets */
extern DS_HIDDEN DurationSketch *DsCanonical(DurationSketch *ds);

/* Decode a stored compact state: a broken one is reported as XX001 */
extern DS_HIDDEN DurationSketch *DsCompactToDense(DurationSketch *cs);

/*
 * Decode and check a compact bucket list from outside (binary input): a
 * broken one is reported with errcode code
 */
extern DS_HIDDEN DurationSketch *DsCompactToDenseChecked(DurationSketch *cs, int code);

/*
 * A state ready to be read: exact values sorted, or dense buckets with no
 * pending value (a copy when it had some: ds is left alone)
 */
extern DS_HIDDEN DurationSketch *DsReadable(DurationSketch *ds);

/* Lowest and highest non-empty index of a dense store, or false if empty */
extern DS_HIDDEN bool DsStoreSpan(int64 *counts, int32 lo, int32 n,
								  int32 *first, int32 *last);

/*
 * Re-check every invariant of a state from outside (text or binary input),
 * reporting a broken one with errcode code
 */
extern DS_HIDDEN void DsValidate(DurationSketch *ds, int code);

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

/*
 * Add one value to a mutable state; returns the (maybe new) state.  A dense
 * state with room buffers the value (see DS_PENDING_MAX); the buffer goes
 * to the totals and buckets when full, and before anything reads them
 * (DsFlushPending; DsReadable for a state that is not ours).
 */
static pg_attribute_always_inline DurationSketch *
DsAddValue(DurationSketch *ds, int64 us)
{
	if (likely(ds->format == DS_FORMAT_DENSE))
	{
		if (likely(ds->nvalues < DsPendingCapacity(ds)))
		{
			DsPending(ds)[ds->nvalues++] = us;
			return ds;
		}
		return DsAddFlushing(ds, us);
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
 * Text and binary forms (duration_sketch_io.c)
 * ---------------------------------------------------------------------
 */

/* Decimal text of an int128 */
extern DS_HIDDEN void DsAppendInt128(StringInfo buf, int128 v);

/*
 * The SQL-callable percentile accessors (duration_sketch.c), for other
 * families that read percentiles of a sketch they build (funnel.c)
 */
extern Datum duration_sketch_percentile(PG_FUNCTION_ARGS);
extern Datum duration_sketch_percentile_array(PG_FUNCTION_ARGS);

#endif							/* SALESPERF_DURATION_SKETCH_H */
