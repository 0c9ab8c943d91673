/*
 * ratio.h
 *	  kpi_ratio: the exact, mergeable numerator/denominator state of every
 *	  ratio KPI (close_rate, lead_qualification_efficiency).
 */
#ifndef SALESPERF_RATIO_H
#define SALESPERF_RATIO_H

#include "postgres.h"

#include "utils/numeric.h"

/*
 * The kind field holds three bytes of meaning, read and written only through
 * the macros below (as an int32, so the same on every byte order):
 *
 *	bits 0-7	what the two sides count (KPI_RATIO_COUNT, KPI_RATIO_VALUE);
 *	bits 8-15	which KPI made the state (the tag, KPI_RATIO_TAG_*); 0.1.0
 *				and 0.2.0 wrote 0 here, so their stored states read back
 *				untagged, with the meaning they had;
 *	bits 16-23	the form of a VALUE state: 0 the normal form (two numerics),
 *				KPI_RATIO_FORM_INT128 the fast in-memory form of an aggregate
 *				(two scaled 128-bit integers), which the output functions and
 *				kpi_ratio_state_final turn back into the normal form.
 */
#define KPI_RATIO_COUNT		0	/* exact int64 counts: wins/deals, leads/calls */
#define KPI_RATIO_VALUE		1	/* exact numeric money sums: won value/value */

#define KPI_RATIO_TAG_NONE	0	/* stored by 0.1.0 or 0.2.0 */
#define KPI_RATIO_TAG_CLOSE_RATE 1	/* close_rate_agg (count or value) */
#define KPI_RATIO_TAG_LEAD	2	/* lead_qualification_efficiency_agg */
#define KPI_RATIO_TAG_MAX	2

#define KPI_RATIO_FORM_NORMAL	0
#define KPI_RATIO_FORM_INT128	1

#define KpiRatioKind(r)		((r)->kind & 0xFF)
#define KpiRatioTag(r)		(((r)->kind >> 8) & 0xFF)
#define KpiRatioForm(r)		(((r)->kind >> 16) & 0xFF)
#define KpiRatioMakeKind(kind, tag, form)	((int32) ((kind) | ((tag) << 8) | ((form) << 16)))

/*
 * On-disk and in-memory layout: a varlena of STORAGE plain (src/ratio.sql),
 * so a kpi_ratio in a table column is never compressed or moved out of line
 * and keeps its 4-byte header.  A COUNT ratio is just the header and the two
 * counts (24 bytes).  A VALUE ratio keeps num = den = 0 and stores the two
 * numeric sums after the header, the denominator starting at a MAXALIGNed
 * offset; it grows with the digits of its sums, and plain storage means a
 * row cannot hold one of more than about 8 kB ("row is too big", a limit
 * docs/reliability.md lists), the price of a state an aggregate can update
 * in place.  The functions still detoast every argument, so they would also
 * read compressed or short-header values, should a superuser change the
 * type's storage.
 */
typedef struct KpiRatio
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		kind;			/* KPI_RATIO_COUNT or KPI_RATIO_VALUE */
	int64		num;			/* COUNT: numerator */
	int64		den;			/* COUNT: denominator */
	char		sums[FLEXIBLE_ARRAY_MEMBER];	/* VALUE: two numerics */
} KpiRatio;

#define KPI_RATIO_HDRSZ			offsetof(KpiRatio, sums)
#define KpiRatioValueNum(r)		((Numeric) (r)->sums)
#define KpiRatioValueDen(r)		((Numeric) ((r)->sums + MAXALIGN(VARSIZE(KpiRatioValueNum(r)))))

#ifdef HAVE_INT128
/*
 * The fast form of a VALUE state (KPI_RATIO_FORM_INT128): the two sums as
 * integers in units of 10^-scale, scale (a multiple of 4, at most
 * SP_INT128_MAX_SCALE) kept in the num field, den 0.  Both sums stay below
 * SP_INT128_LIMIT; a sum or an amount that does not fit turns the state back
 * into the normal form, which holds sums of any size.  c.h aligns int128 to
 * MAXALIGN, so the sums may follow the 24-byte header.
 */
typedef struct KpiRatioInt128Sums
{
	int128		num;
	int128		den;
} KpiRatioInt128Sums;

#define KPI_RATIO_INT128_SIZE	(KPI_RATIO_HDRSZ + sizeof(KpiRatioInt128Sums))
#define KpiRatioInt128(r)		((KpiRatioInt128Sums *) (r)->sums)
#endif

#define DatumGetKpiRatioP(X)	((KpiRatio *) PG_DETOAST_DATUM(X))
#define PG_GETARG_KPI_RATIO_P(n) DatumGetKpiRatioP(PG_GETARG_DATUM(n))

#endif							/* SALESPERF_RATIO_H */
