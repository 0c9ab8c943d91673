/*
 * duration_sketch.h
 *	  duration_sketch: a mergeable summary of a distribution of durations
 *	  (response times) with a guaranteed relative error on every percentile.
 *
 * See the design note at the top of duration_sketch.c.
 */
#ifndef SALESPERF_DURATION_SKETCH_H
#define SALESPERF_DURATION_SKETCH_H

#include "postgres.h"

#include "fmgr.h"

#ifndef HAVE_INT128
#error "duration_sketch needs a 128-bit integer type for its exact sum"
#endif

#define DS_VERSION			1

/* Formats of the one varlena layout */
#define DS_FORMAT_EXACT		1	/* raw values (int64 microseconds) */
#define DS_FORMAT_DENSE		2	/* in memory only: dense bucket windows */
#define DS_FORMAT_COMPACT	3	/* stored: varint list of non-empty buckets */

/* A group of at most this many values keeps them and answers exactly */
#define DS_EXACT_MAX		64

#define DS_ALPHA_MIN		0.0001
#define DS_ALPHA_MAX		0.05
#define DS_ALPHA_DEFAULT	0.01

/* Durations are int64 microseconds with |value| <= 2^62 (about 146,000 years) */
#define DS_MAX_ABS_US		(INT64CONST(1) << 62)

/* Most percentiles one one-step aggregate call may ask for */
#define DS_MAX_PARAMS		10000

/*
 * One layout for every format.  After the fixed header come the requested
 * percentiles of a one-step aggregate (nparams float8, NaN for a NULL
 * element; none for response_time_agg), then the store:
 *	EXACT:	 int64 values[capacity], nvalues of them used (unsorted in an
 *			 aggregate's working state, sorted in every stored value);
 *	DENSE:	 int64 neg[neg_n] for bucket indexes neg_lo.., then
 *			 int64 pos[pos_n] for indexes pos_lo..;
 *	COMPACT: neg_n then pos_n non-empty buckets, each as two unsigned
 *			 LEB128 varints (index gap, count); neg_lo/pos_lo are 0.
 */
typedef struct DurationSketch
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* DS_VERSION */
	uint8		format;			/* DS_FORMAT_* */
	uint16		nparams;		/* one-step aggregates: requested p's */
	int32		nvalues;		/* EXACT: values held */
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
#define DsParams(ds)			((float8 *) (ds)->data)
#define DsStoreOffset(ds)		(DS_HDRSZ + sizeof(float8) * (ds)->nparams)
#define DsStore(ds)				((char *) (ds) + DsStoreOffset(ds))
#define DsValues(ds)			((int64 *) DsStore(ds))
#define DsExactCapacity(ds)		((int32) ((VARSIZE(ds) - DsStoreOffset(ds)) / sizeof(int64)))
#define DsNeg(ds)				((int64 *) DsStore(ds))
#define DsPos(ds)				(DsNeg(ds) + (ds)->neg_n)

#define DatumGetDurationSketchP(X)		((DurationSketch *) PG_DETOAST_DATUM(X))
#define PG_GETARG_DURATION_SKETCH_P(n)	DatumGetDurationSketchP(PG_GETARG_DATUM(n))

#endif							/* SALESPERF_DURATION_SKETCH_H */
