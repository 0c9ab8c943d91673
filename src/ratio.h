/*
 * ratio.h
 *	  kpi_ratio: the exact, mergeable numerator/denominator state of every
 *	  ratio KPI (close_rate, lead_qualification_efficiency).
 */
#ifndef SALESPERF_RATIO_H
#define SALESPERF_RATIO_H

#include "postgres.h"

#include "utils/numeric.h"

/* What the two sides count */
#define KPI_RATIO_COUNT		0	/* exact int64 counts: wins/deals, leads/calls */
#define KPI_RATIO_VALUE		1	/* exact numeric money sums: won value/value */

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

#define DatumGetKpiRatioP(X)	((KpiRatio *) PG_DETOAST_DATUM(X))
#define PG_GETARG_KPI_RATIO_P(n) DatumGetKpiRatioP(PG_GETARG_DATUM(n))

#endif							/* SALESPERF_RATIO_H */
