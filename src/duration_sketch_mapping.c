/*
 * duration_sketch_mapping.c
 *	  The logarithmic bucket mapping of duration_sketch (see the design note
 *	  in duration_sketch.c): the bucket index of a magnitude, bucket bounds
 *	  and representatives, and the per-backend lookup tables that map whole
 *	  microseconds exactly without the float chain.  The per-row lookup
 *	  itself (DsIndexUs) is inline in duration_sketch.h.
 */
#include "duration_sketch.h"

#include <math.h>

#include "utils/memutils.h"

/* M for a relative accuracy alpha (see the design note) */
double
DsMultiplier(double alpha)
{
	double		gamma = (1.0 + alpha) / (1.0 - alpha);

	return 7.0 / (10.0 * log(gamma)) * (1.0 + DS_MARGIN);
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
void
DsBucketBounds(int32 i, double multiplier, double *lo, double *hi)
{
	*lo = DsLogLikeInverse((i - 1) / multiplier);
	*hi = DsLogLikeInverse(i / multiplier);
}

/* The magnitude that stands for every value of bucket i */
double
DsBucketValue(int32 i, double multiplier)
{
	double		lo,
				hi;

	DsBucketBounds(i, multiplier, &lo, &hi);
	return 2.0 * lo * hi / (lo + hi);
}

/*
 * The lookup tables (DsIndexTable, see duration_sketch.h) of the accuracies
 * in use in this backend, in TopMemoryContext: up to DS_TABLE_CACHE of
 * them, the last slot reused when all are taken.
 */
#define DS_TABLE_MAX_K		10
#define DS_TABLE_CACHE		8

static DsIndexTable ds_tables[DS_TABLE_CACHE];
static int	ds_ntables = 0;
DsIndexTable *ds_last_table = NULL;

/* The table for alpha, built (empty cells) on first use in this backend */
DsIndexTable *
DsFindIndexTable(double alpha, double multiplier)
{
	DsIndexTable *t;
	double		narrowest;
	int			k;
	Size		ncells = 0;
	DsIndexCell *cells = NULL;

	for (int j = 0; j < ds_ntables; j++)
		if (ds_tables[j].alpha == alpha)
			return ds_last_table = &ds_tables[j];
	/*
	 * A bucket spans at least (1/M) / max(dL/dln x) in ln x.  1.4514 bounds
	 * the interior maximum of dL/dln x (1.4511 at s = 2/9), but not its
	 * supremum, 52/35 = 1.4857 as s -> 1: the narrowest bucket is 0.977 of
	 * this estimate, so a cell within 0.9 of the estimate spans under 0.93
	 * of the narrowest bucket, still at most one boundary (DsFillCell
	 * checks that).
	 */
	narrowest = 1.0 / (multiplier * 1.4514);
	for (k = 1; k <= DS_TABLE_MAX_K; k++)
		if (log1p(ldexp(1.0, -k)) <= 0.9 * narrowest)
			break;

	/*
	 * Allocate before touching the cache, in one block (the cells, then the
	 * small-value array), so that an allocation failure leaves every slot
	 * as it was.  The slot used to be reset first and filled by two
	 * allocations: when the second failed, the slot kept its small array
	 * and a NULL cells pointer, and reusing the slot later did pfree(NULL).
	 */
	if (k <= DS_TABLE_MAX_K)
	{
		ncells = (Size) (63 - k) << k;
		cells = MemoryContextAlloc(TopMemoryContext,
								   sizeof(DsIndexCell) * ncells + (sizeof(int32) << k));
	}
	t = &ds_tables[ds_ntables < DS_TABLE_CACHE ? ds_ntables++ : DS_TABLE_CACHE - 1];
	if (t->cells != NULL)
		pfree(t->cells);
	memset(t, 0, sizeof(*t));
	t->alpha = alpha;
	t->multiplier = multiplier;
	if (cells != NULL)
	{
		t->cells = cells;
		t->small = (int32 *) (cells + ncells);
		for (uint64 u = 1; u < ((uint64) 1 << k); u++)
			t->small[u] = DsIndex((double) u, multiplier);
		for (Size c = 0; c < ncells; c++)
			t->cells[c].first = -1;
		t->k = k;
	}
	return ds_last_table = t;
}

/* Fill one cell of a table: its first index and that index's last value */
pg_noinline int32
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

/* The largest index a magnitude can have */
int32
DsMaxIndex(double multiplier)
{
	return DsIndex((double) DS_MAX_ABS_US, multiplier);
}
