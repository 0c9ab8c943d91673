/*
 * duration_sketch_store.c
 *	  The storage forms of duration_sketch (see duration_sketch.h for the
 *	  layout and the design note in duration_sketch.c): building exact and
 *	  dense working states, growing their windows, the conversions between
 *	  the exact, dense and compact forms, the compact varint encoding of
 *	  what is stored, and the validation of states that come from outside.
 *	  Adding a value (DsAddValue, per row) is inline in duration_sketch.h.
 */
#include "duration_sketch.h"

#include "codec.h"

/*
 * Spare buckets a dense window gets on each side whenever it is made or
 * widened: this many, or a quarter of its span if more
 */
#define DS_WINDOW_SLACK	32

/* A new state of the given format and store size, header copied from src */
DurationSketch *
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
	ds->pending_cap = 0;
	ds->neg_lo = ds->neg_n = ds->pos_lo = ds->pos_n = 0;
	return ds;
}

/* An exact state holding src's values with room for capacity */
DurationSketch *
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
DurationSketch *
DsMakeDense(DurationSketch *src, int32 neg_lo, int32 neg_n,
			int32 pos_lo, int32 pos_n)
{
	return DsMakeDenseRoom(src, neg_lo, neg_n, pos_lo, pos_n, 0);
}

/* The same with room for pending values (an aggregate's working state) */
DurationSketch *
DsMakeDenseRoom(DurationSketch *src, int32 neg_lo, int32 neg_n,
				int32 pos_lo, int32 pos_n, int32 pending)
{
	DurationSketch *ds = DsAlloc(src, DS_FORMAT_DENSE, src->nparams,
								 sizeof(int64) * ((Size) neg_n + pos_n + pending));

	ds->neg_lo = neg_lo;
	ds->neg_n = neg_n;
	ds->pos_lo = pos_lo;
	ds->pos_n = pos_n;
	ds->pending_cap = pending;
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

/*
 * Copy of a dense state whose windows also cover the given index ranges,
 * with its pending values and the same room for them
 */
DurationSketch *
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
	res = DsMakeDenseRoom(ds, neg_lo, neg_n, pos_lo, pos_n, DsPendingCapacity(ds));
	if (ds->neg_n > 0)
		memcpy(DsNeg(res) + (ds->neg_lo - neg_lo), DsNeg(ds), sizeof(int64) * ds->neg_n);
	if (ds->pos_n > 0)
		memcpy(DsPos(res) + (ds->pos_lo - pos_lo), DsPos(ds), sizeof(int64) * ds->pos_n);
	res->nvalues = ds->nvalues;
	memcpy(DsPending(res), DsPending(ds), sizeof(int64) * ds->nvalues);
	return res;
}

/*
 * A dense state's pending buffer must lie inside the value: only one that
 * was not built by this code (a damaged stored value) could fail this
 */
static void
DsCheckPending(DurationSketch *ds)
{
	if (ds->nvalues < 0 || ds->pending_cap < 0 || ds->nvalues > ds->pending_cap ||
		ds->pending_cap > DS_PENDING_MAX ||
		(Size) DsStoreOffset(ds) + sizeof(int64) * ((Size) ds->neg_n + ds->pos_n + ds->pending_cap) >
		(Size) VARSIZE(ds))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid duration_sketch value"),
				 errdetail("The buffer of pending values does not fit the value.")));
}

/*
 * Add the pending values of a dense state that is ours to its totals and
 * buckets (nvalues becomes 0); returns the (maybe new) state.  The indexes
 * come first, then the window grows once if it must (into a copy: ds is
 * then left as it was), then the totals and counts: the increments are
 * independent, so their cache misses overlap.
 */
DurationSketch *
DsFlushPending(DurationSketch *ds)
{
	int32		n = ds->nvalues;
	int32		idx[DS_PENDING_MAX];
	int64		val[DS_PENDING_MAX];
	int32		nlo = PG_INT32_MAX,
				nhi = -1,
				plo = PG_INT32_MAX,
				phi = -1;

	Assert(ds->format == DS_FORMAT_DENSE);
	if (n == 0)
		return ds;
	DsCheckPending(ds);
	memcpy(val, DsPending(ds), sizeof(int64) * n);
	for (int32 j = 0; j < n; j++)
	{
		int64		us = val[j];
		int32		i;

		if (us == 0)
			continue;
		i = idx[j] = DsIndexOf(ds, us);
		if (us > 0)
		{
			plo = Min(plo, i);
			phi = Max(phi, i);
		}
		else
		{
			nlo = Min(nlo, i);
			nhi = Max(nhi, i);
		}
	}
	ds = DsRewindow(ds, nlo, nhi, plo, phi);
	for (int32 j = 0; j < n; j++)
	{
		DsAddTotals(ds, val[j]);
		if (val[j] > 0)
			DsPos(ds)[idx[j] - ds->pos_lo]++;
		else if (val[j] < 0)
			DsNeg(ds)[idx[j] - ds->neg_lo]++;
	}
	ds->nvalues = 0;
	return ds;
}

/* Flush a full buffer and add one more value to the buckets (per row, cold) */
pg_noinline DurationSketch *
DsAddFlushing(DurationSketch *ds, int64 us)
{
	ds = DsFlushPending(ds);
	DsAddTotals(ds, us);
	return DsBucketAdd(ds, us, 1);
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
DurationSketch *
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
	ds = DsMakeDenseRoom(ex, neg_lo, neg_n, pos_lo, pos_n, DS_PENDING_MAX);
	for (int j = 0; j < ex->nvalues; j++)
		ds = DsBucketAdd(ds, v[j], 1);
	return ds;
}

/* A state that can be updated in place: exact with room, or dense */
DurationSketch *
DsMutable(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_COMPACT)
		return DsCompactToDense(ds);
	if (ds->format == DS_FORMAT_EXACT)
		return DsMakeExact(ds, Max(ds->nvalues, DS_EXACT_MAX));
	ds = (DurationSketch *) pg_detoast_datum_copy((struct varlena *) ds);
	DsCheckPending(ds);
	return ds;
}

/* ---------------------------------------------------------------------
 * Compact encoding
 * ---------------------------------------------------------------------
 */

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
		SpPutVarint(buf, (uint64) (lo + j - prev - 1));
		SpPutVarint(buf, (uint64) counts[j]);
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

/* True if a state records a zero percentile as -0 (only 0.2.0 could) */
static bool
DsHasNegativeZeroP(DurationSketch *ds)
{
	for (int j = 0; j < ds->nparams; j++)
		if (DsParams(ds)[j] == 0 && signbit(DsParams(ds)[j]))
			return true;
	return false;
}

/* Record every zero percentile of a state of ours as +0 (DsNormalP) */
static DurationSketch *
DsNormalizeParams(DurationSketch *ds)
{
	for (int j = 0; j < ds->nparams; j++)
		DsParams(ds)[j] = DsNormalP(DsParams(ds)[j]);
	return ds;
}

/*
 * The stored form of a state: sorted exact values, or compact buckets, and
 * every zero percentile as +0.  A compact state is returned as it is,
 * unless it records a -0.
 */
DurationSketch *
DsCanonical(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_EXACT)
	{
		DurationSketch *res = DsMakeExact(ds, ds->nvalues);

		qsort(DsValues(res), res->nvalues, sizeof(int64), DsCompareInt64);
		/* an empty sketch has no extremes, whatever it was built from */
		if (res->count == 0)
			res->min_us = res->max_us = 0;
		return DsNormalizeParams(res);
	}
	if (ds->format == DS_FORMAT_DENSE)
	{
		StringInfoData buf;
		int32		nneg,
					npos;
		DurationSketch *res;

		if (ds->nvalues > 0)
			ds = DsReadable(ds);
		initStringInfo(&buf);
		nneg = DsEncodeStore(&buf, DsNeg(ds), ds->neg_lo, ds->neg_n);
		npos = DsEncodeStore(&buf, DsPos(ds), ds->pos_lo, ds->pos_n);
		res = DsAlloc(ds, DS_FORMAT_COMPACT, ds->nparams, buf.len);
		res->neg_n = nneg;
		res->pos_n = npos;
		memcpy(DsStore(res), buf.data, buf.len);
		pfree(buf.data);
		return DsNormalizeParams(res);
	}
	if (DsHasNegativeZeroP(ds))
		return DsNormalizeParams((DurationSketch *) pg_detoast_datum_copy((struct varlena *) ds));
	return ds;
}

/*
 * Report a broken invariant: code is XX001 for a stored value, 22P02 or
 * 22P03 while text or binary input is being checked
 */
SP_NORETURN static void
DsCorrupt(int code, const char *detail)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid duration_sketch value"),
			 errdetail("%s", detail)));
}

/*
 * Read one varint of a bucket list (codec.h: shortest form only, at most
 * 64 bits), reporting a malformed one with errcode code.
 */
static pg_attribute_always_inline void
DsGetBucketVarint(const uint8 **p, const uint8 *end, uint64 *v, int code)
{
	switch (SpGetVarint(p, end, v))
	{
		case SP_VARINT_OK:
			return;
		case SP_VARINT_TRUNCATED:
			DsCorrupt(code, "The bucket list ends early.");
		case SP_VARINT_OVERLONG:
			DsCorrupt(code, "The bucket list holds a number not in its shortest form.");
		case SP_VARINT_OVERFLOW:
			DsCorrupt(code, "The bucket list holds a number of more than 64 bits.");
	}
	DsCorrupt(code, "The bucket list holds a malformed number.");
}

/*
 * Decode one store of a compact payload: nb buckets into idx/cnt arrays
 * (palloc'd); checks the varints, increasing indexes and positive counts,
 * reporting a broken list with errcode code.
 */
static void
DsDecodeStore(const uint8 **p, const uint8 *end, int32 nb, int32 maxidx,
			  int32 **idx, int64 **cnt, int64 *total, int code)
{
	int64		prev = -1;

	*idx = palloc(sizeof(int32) * Max(nb, 1));
	*cnt = palloc(sizeof(int64) * Max(nb, 1));
	*total = 0;
	for (int32 j = 0; j < nb; j++)
	{
		uint64		gap,
					c;

		DsGetBucketVarint(p, end, &gap, code);
		DsGetBucketVarint(p, end, &c, code);
		if (gap > (uint64) maxidx || prev + 1 + (int64) gap > maxidx)
			DsCorrupt(code, "A bucket index is out of range.");
		if (c == 0 || c > (uint64) PG_INT64_MAX)
			DsCorrupt(code, "A bucket count is zero or out of range.");
		prev = prev + 1 + (int64) gap;
		(*idx)[j] = (int32) prev;
		(*cnt)[j] = (int64) c;
		*total = SpAddInt64(*total, (int64) c, "duration count");
	}
}

/*
 * Decode and check a compact bucket list into a dense state, reporting a
 * broken one with errcode code
 */
DurationSketch *
DsCompactToDenseChecked(DurationSketch *cs, int code)
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
		DsCorrupt(code, "The bucket counts do not fit the value.");
	DsDecodeStore(&p, end, cs->neg_n, maxidx, &nidx, &ncnt, &ntotal, code);
	DsDecodeStore(&p, end, cs->pos_n, maxidx, &pidx, &pcnt, &ptotal, code);
	if (p != end)
		DsCorrupt(code, "The bucket list has trailing bytes.");
	if (SpAddInt64(SpAddInt64(ntotal, ptotal, "duration count"), cs->zeros,
				   "duration count") != cs->count)
		DsCorrupt(code, "The bucket counts do not add up to the total count.");
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

/* Decode a stored compact state: a broken one is reported as XX001 */
DurationSketch *
DsCompactToDense(DurationSketch *cs)
{
	return DsCompactToDenseChecked(cs, ERRCODE_DATA_CORRUPTED);
}

/* ---------------------------------------------------------------------
 * Reading and validating states
 * ---------------------------------------------------------------------
 */

/*
 * A state ready to be read: exact values sorted, or dense buckets with no
 * pending value (a copy when it had some: ds is left alone)
 */
DurationSketch *
DsReadable(DurationSketch *ds)
{
	if (ds->format == DS_FORMAT_COMPACT)
		return DsCompactToDense(ds);
	if (ds->format == DS_FORMAT_EXACT)
		return DsCanonical(ds);
	if (ds->nvalues > 0)
		return DsFlushPending((DurationSketch *) pg_detoast_datum_copy((struct varlena *) ds));
	return ds;
}

/* Lowest and highest non-empty index of a dense store, or false if empty */
bool
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
 * the totals must agree with the values or buckets they summarize.  A
 * broken one is reported with errcode code (22P02 or 22P03).
 */
void
DsValidate(DurationSketch *ds, int code)
{
	int128		sum = DsGetSum(ds);

	if (ds->count < 0 || ds->zeros < 0 || ds->zeros > ds->count)
		DsCorrupt(code, "The counts are negative or inconsistent.");
	if (ds->count == 0)
	{
		if (ds->zeros != 0 || sum != 0 || ds->nvalues != 0)
			DsCorrupt(code, "An empty sketch must have no values.");
		return;
	}
	if (ds->min_us > ds->max_us ||
		ds->min_us < -DS_MAX_ABS_US || ds->max_us > DS_MAX_ABS_US)
		DsCorrupt(code, "The minimum and maximum are out of order or out of range.");
	if (sum < (int128) ds->min_us * ds->count || sum > (int128) ds->max_us * ds->count)
		DsCorrupt(code, "The sum does not lie between count times minimum and count times maximum.");
	if ((ds->zeros > 0 && (ds->min_us > 0 || ds->max_us < 0)) ||
		(ds->zeros == ds->count && (ds->min_us != 0 || ds->max_us != 0)))
		DsCorrupt(code, "The zero count disagrees with the minimum and maximum.");

	if (ds->format == DS_FORMAT_EXACT)
	{
		int64	   *v = DsValues(ds);
		int64		mn = PG_INT64_MAX,
					mx = PG_INT64_MIN,
					z = 0;
		int128		s = 0;

		if (ds->count > DS_EXACT_MAX || ds->nvalues != ds->count)
			DsCorrupt(code, "An exact sketch must list each of its values, at most 64.");
		for (int j = 0; j < ds->nvalues; j++)
		{
			if (v[j] < -DS_MAX_ABS_US || v[j] > DS_MAX_ABS_US)
				DsCorrupt(code, "A value is out of range.");
			mn = Min(mn, v[j]);
			mx = Max(mx, v[j]);
			z += (v[j] == 0);
			s += v[j];
		}
		if (mn != ds->min_us || mx != ds->max_us || z != ds->zeros || s != sum)
			DsCorrupt(code, "The minimum, maximum, zero count or sum disagrees with the values.");
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
			DsCorrupt(code, "A sketch of at most 64 values must list them exactly.");
		hasneg = DsStoreSpan(DsNeg(ds), ds->neg_lo, ds->neg_n, &nf, &nl);
		haspos = DsStoreSpan(DsPos(ds), ds->pos_lo, ds->pos_n, &pf, &pl);
		/* the exact extremes must fall in the extreme buckets */
		if (hasneg ? (ds->min_us >= 0 || DsIndexOf(ds, ds->min_us) != nl)
			: ds->zeros > 0 ? ds->min_us != 0
			: (ds->min_us <= 0 || DsIndexOf(ds, ds->min_us) != pf))
			DsCorrupt(code, "The minimum does not fall in the lowest bucket.");
		if (haspos ? (ds->max_us <= 0 || DsIndexOf(ds, ds->max_us) != pl)
			: ds->zeros > 0 ? ds->max_us != 0
			: (ds->max_us >= 0 || DsIndexOf(ds, ds->max_us) != nf))
			DsCorrupt(code, "The maximum does not fall in the highest bucket.");
	}
}
