/*
 * calendar.c
 *	  Business time over a business_calendar: business_duration,
 *	  business_add, is_open and next_open.
 *
 * Design (docs/business-time.md has the long version).  The open time is
 * the set O of instants covered by the calendar's open runs (its local
 * ranges, touching ones across midnight merged), each run [p, q) of local
 * wall-clock time becoming the instants [p AT TIME ZONE z, q AT TIME ZONE
 * z), empty when the second is not after the first.  Every function is
 * read off one non-decreasing function F(u), the open time before the
 * instant u from a fixed origin:
 *	business_duration(a, b) = F(b) - F(a); is_open(u): F(u + 1us) > F(u);
 *	business_add and next_open invert F by bisection.
 *
 * F is computed in O(log n), whatever the span:
 *	- C(L), the open local time before the local time L: whole weeks times
 *	  the weekly open time, plus a prefix sum over the week, plus the prefix
 *	  sum of the exceptions' differences from their weekday (binary search).
 *	- Away from DST transitions the zone's offset is constant and an
 *	  instant is open exactly when its local time is, so F(u) = C(u + off)
 *	  + K, with one constant K per stretch between transitions.
 *	- Around each transition (a "dirty" interval: the transition plus and
 *	  minus its shift and an hour; a few days around transitions closer
 *	  than four days to each other) F is computed exactly: the runs of the
 *	  days around it are turned into instants by the server's own
 *	  DetermineTimeZoneOffset, as timestamp_zone() does for AT TIME ZONE,
 *	  and their union is measured.  The dirty intervals, their F and the K
 *	  after each are prepared once per calendar (binary search at run time).
 *	- The table covers 1200-01-01 .. 2500-01-01 (wider when exceptions lie
 *	  beyond).  Outside it, the calendar repeats every 400 Gregorian years
 *	  (146097 days, a whole number of weeks; the tz database's rules repeat
 *	  with the same period, as localtime.c extrapolates them), so F is
 *	  shifted by whole cycles.
 *
 * The prepared form is cached in fn_extra, keyed by the calendar's bytes
 * (32 entries, so calendars per row from a table cost a comparison each;
 * a call site that meets more distinct calendars than that, in turn,
 * prepares them again, about 40 us each).
 */
#include "salesperf.h"

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "calendar.h"

#ifndef HAVE_INT128
#error "business_calendar needs a 128-bit integer type"
#endif

#define CAL_USECS_PER_WEEK	(7 * USECS_PER_DAY)
/* 400 Gregorian years: the period of the calendar and of the zones' rules */
#define CAL_CYCLE_USECS		(INT64CONST(146097) * USECS_PER_DAY)
/* Dirty intervals: isolated transitions are at least this far apart */
#define CAL_ISOLATED_SECS	(4 * 86400)
#define CAL_CLUSTER_MARGIN_SECS (3 * 86400)
#define CAL_CACHE_SIZE		32

/* Seconds between the Unix epoch and the PostgreSQL epoch */
#define CAL_EPOCH_DIFF_SECS	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

typedef struct CalPrep
{
	pg_tz	   *tz;
	/* ranges of def, in microseconds since local midnight */
	int64	   *rf;
	int64	   *rt;
	int			wstart[8];
	int64		daycum[8];		/* weekly open time before day d */
	int64		weektotal;
	int			nexc;
	int32	   *excdate;
	int		   *estart;
	int64	   *excpre;			/* sum of (exception - weekday) before i */
	/* DST: dirty intervals [ds, de), offset after (us), F at ds, K after */
	int			ndirty;
	int64	   *ds;
	int64	   *de;
	int64	   *doffa;
	int128	   *dP;
	int128	   *dK;
	int64		off0;			/* offset before the first dirty interval */
	bool		periodic;
	int64		lo;
	int64		hi;
	int128		qlo;			/* F(lo + cycle) - F(lo) */
	int128		qhi;			/* F(hi) - F(hi - cycle) */
} CalPrep;

typedef struct CalCacheEntry
{
	Size		len;
	char	   *bytes;
	CalPrep    *prep;
	MemoryContext cxt;
} CalCacheEntry;

typedef struct CalCache
{
	int			n;
	int			last;
	int			victim;
	CalCacheEntry e[CAL_CACHE_SIZE];
} CalCache;

static inline int64
CalFloorDiv(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Open time of the ranges [r0, r1) before tod (microseconds of the day) */
static inline int64
CalOpenBefore(const CalPrep *cp, int r0, int r1, int64 tod)
{
	int64		sum = 0;

	for (int i = r0; i < r1 && cp->rf[i] < tod; i++)
		sum += (cp->rt[i] < tod ? cp->rt[i] : tod) - cp->rf[i];
	return sum;
}

/* The first exception whose date is >= day */
static inline int
CalExcLowerBound(const CalPrep *cp, int64 day)
{
	int			lo = 0,
				hi = cp->nexc;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cp->excdate[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* C(L): open local time before the local time L (from a fixed origin) */
static inline int128
CalLocalCum(const CalPrep *cp, int64 L)
{
	int64		day = CalFloorDiv(L, USECS_PER_DAY);
	int64		tod = L - day * USECS_PER_DAY;
	int64		weeks = CalFloorDiv(day + 5, 7);	/* 2000-01-01 was a Saturday */
	int			wd = (int) (day + 5 - weeks * 7);
	int128		c;

	c = (int128) weeks * cp->weektotal + cp->daycum[wd] +
		CalOpenBefore(cp, cp->wstart[wd], cp->wstart[wd + 1], tod);
	if (cp->nexc > 0)
	{
		int			k = CalExcLowerBound(cp, day);

		c += cp->excpre[k];
		if (k < cp->nexc && cp->excdate[k] == day)
			c += CalOpenBefore(cp, cp->estart[k], cp->estart[k + 1], tod) -
				CalOpenBefore(cp, cp->wstart[wd], cp->wstart[wd + 1], tod);
	}
	return c;
}

/* The local time L as an instant, exactly as timestamp_zone() makes it */
static int64
CalPhi(const CalPrep *cp, int64 L)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	Timestamp	result;

	if (timestamp2tm(L, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	tz = DetermineTimeZoneOffset(&tm, cp->tz);
	if (tm2timestamp(&tm, fsec, &tz, &result) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return result;
}

typedef struct CalSpan
{
	int64		a;
	int64		b;
} CalSpan;

static int
CalSpanCmp(const void *x, const void *y)
{
	const CalSpan *s = x;
	const CalSpan *t = y;

	return s->a < t->a ? -1 : s->a > t->a ? 1 : 0;
}

/*
 * The open time in the instants [x, y), exactly: the runs of the local days
 * around them, as instants (CalPhi), their union clipped to [x, y).
 */
static int64
CalExact(const CalPrep *cp, int64 x, int64 y)
{
	int64		dlo = CalFloorDiv(x, USECS_PER_DAY) - 3;
	int64		dhi = CalFloorDiv(y, USECS_PER_DAY) + 3;
	int			cap = 64,
				nruns = 0,
				nspans = 0;
	CalSpan    *runs = palloc(sizeof(CalSpan) * cap);
	CalSpan    *spans;
	int			k = cp->nexc > 0 ? CalExcLowerBound(cp, dlo) : 0;
	int64		sum = 0,
				end = PG_INT64_MIN;

	if (y <= x)
		return 0;
	for (int64 d = dlo; d <= dhi; d++)
	{
		int			r0,
					r1;

		while (k < cp->nexc && cp->excdate[k] < d)
			k++;
		if (k < cp->nexc && cp->excdate[k] == d)
		{
			r0 = cp->estart[k];
			r1 = cp->estart[k + 1];
		}
		else
		{
			int			wd = (int) (d + 5 - CalFloorDiv(d + 5, 7) * 7);

			r0 = cp->wstart[wd];
			r1 = cp->wstart[wd + 1];
		}
		for (int i = r0; i < r1; i++)
		{
			int64		p = d * USECS_PER_DAY + cp->rf[i];
			int64		q = d * USECS_PER_DAY + cp->rt[i];

			if (nruns > 0 && runs[nruns - 1].b == p)
				runs[nruns - 1].b = q;
			else
			{
				if (nruns >= cap)
				{
					cap *= 2;
					runs = repalloc(runs, sizeof(CalSpan) * cap);
				}
				runs[nruns].a = p;
				runs[nruns].b = q;
				nruns++;
			}
		}
	}
	/* the runs as instants, clipped; reuse the array */
	spans = runs;
	for (int i = 0; i < nruns; i++)
	{
		int64		a = CalPhi(cp, runs[i].a);
		int64		b = CalPhi(cp, runs[i].b);

		if (a < x)
			a = x;
		if (b > y)
			b = y;
		if (b > a)
		{
			spans[nspans].a = a;
			spans[nspans].b = b;
			nspans++;
		}
	}
	qsort(spans, nspans, sizeof(CalSpan), CalSpanCmp);
	for (int i = 0; i < nspans; i++)
	{
		int64		a = spans[i].a > end ? spans[i].a : end;

		if (spans[i].b > a)
		{
			sum += spans[i].b - a;
			end = spans[i].b;
		}
	}
	pfree(runs);
	return sum;
}

/* F within the prepared table (no cycle shift) */
static int128
CalFTable(const CalPrep *cp, int64 u)
{
	int			lo = 0,
				hi = cp->ndirty;

	/* the last dirty interval starting at or before u */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cp->ds[mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	lo--;
	if (lo < 0)
		return CalLocalCum(cp, u + cp->off0);
	if (u < cp->de[lo])
		return cp->dP[lo] + CalExact(cp, cp->ds[lo], u);
	return CalLocalCum(cp, u + cp->doffa[lo]) + cp->dK[lo];
}

/* F(u): the open time before the instant u, from a fixed origin */
static int128
CalF(const CalPrep *cp, int64 u)
{
	if (cp->periodic)
	{
		if (u > cp->hi)
		{
			int64		k = (u - cp->hi) / CAL_CYCLE_USECS + 1;

			return CalFTable(cp, u - k * CAL_CYCLE_USECS) + (int128) k * cp->qhi;
		}
		if (u < cp->lo)
		{
			int64		k = (cp->lo - u) / CAL_CYCLE_USECS + 1;

			return CalFTable(cp, u + k * CAL_CYCLE_USECS) - (int128) k * cp->qlo;
		}
	}
	return CalFTable(cp, u);
}

static int64
CalDateUsecs(int y, int m, int d)
{
	return (int64) (date2j(y, m, d) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
}

/* One zone boundary: at T (PostgreSQL epoch seconds) before -> after (s) */
typedef struct CalBoundary
{
	int64		t;
	long		before;
	long		after;
} CalBoundary;

/* The dirty intervals, their F and the K after each (see the file header) */
static void
CalPrepareZone(CalPrep *cp)
{
	pg_time_t	t;
	long		ob,
				oa;
	int			obd,
				oad,
				res;
	pg_time_t	bnd;
	int			nb = 0,
				cap = 256;
	CalBoundary *b = palloc(sizeof(CalBoundary) * cap);
	int128		K = 0;
	int64		off = 0;
	int64		lo_s = cp->lo / USECS_PER_SEC + CAL_EPOCH_DIFF_SECS - 5 * 86400;
	int64		hi_s = cp->hi / USECS_PER_SEC + CAL_EPOCH_DIFF_SECS + 5 * 86400;

	t = lo_s;
	res = pg_next_dst_boundary(&t, &ob, &obd, &bnd, &oa, &oad, cp->tz);
	if (res < 0)
		elog(ERROR, "cannot read the transitions of time zone \"%s\"",
			 pg_get_timezone_name(cp->tz));
	cp->off0 = (int64) ob * USECS_PER_SEC;
	while (res == 1 && bnd <= hi_s)
	{
		if (nb >= cap)
		{
			cap *= 2;
			b = repalloc(b, sizeof(CalBoundary) * cap);
		}
		b[nb].t = bnd - CAL_EPOCH_DIFF_SECS;
		b[nb].before = ob;
		b[nb].after = oa;
		nb++;
		t = bnd;
		res = pg_next_dst_boundary(&t, &ob, &obd, &bnd, &oa, &oad, cp->tz);
		if (res < 0)
			elog(ERROR, "cannot read the transitions of time zone \"%s\"",
				 pg_get_timezone_name(cp->tz));
	}

	cp->ds = palloc(sizeof(int64) * (nb + 1));
	cp->de = palloc(sizeof(int64) * (nb + 1));
	cp->doffa = palloc(sizeof(int64) * (nb + 1));
	cp->dP = palloc(sizeof(int128) * (nb + 1));
	cp->dK = palloc(sizeof(int128) * (nb + 1));
	cp->ndirty = 0;
	for (int i = 0; i < nb;)
	{
		int			j = i;
		int64		s,
					e;

		while (j + 1 < nb && b[j + 1].t - b[j].t < CAL_ISOLATED_SECS)
			j++;
		if (j == i)
		{
			long		d = labs(b[i].after - b[i].before);

			if (d == 0)
			{
				i++;
				continue;		/* same offset on both sides: nothing moves */
			}
			s = b[i].t - d - 3600;
			e = b[i].t + d + 3600;
		}
		else
		{
			s = b[i].t - CAL_CLUSTER_MARGIN_SECS;
			e = b[j].t + CAL_CLUSTER_MARGIN_SECS;
		}
		s *= USECS_PER_SEC;
		e *= USECS_PER_SEC;
		if (cp->ndirty > 0 && s <= cp->de[cp->ndirty - 1])
			cp->de[cp->ndirty - 1] = Max(e, cp->de[cp->ndirty - 1]);
		else
		{
			cp->ds[cp->ndirty] = s;
			cp->de[cp->ndirty] = e;
			cp->ndirty++;
		}
		cp->doffa[cp->ndirty - 1] = (int64) b[j].after * USECS_PER_SEC;
		i = j + 1;
	}
	pfree(b);

	/* F at each dirty interval and K after it, in order */
	off = cp->off0;
	for (int j = 0; j < cp->ndirty; j++)
	{
		cp->dP[j] = CalLocalCum(cp, cp->ds[j] + off) + K;
		K = cp->dP[j] + CalExact(cp, cp->ds[j], cp->de[j]) -
			CalLocalCum(cp, cp->de[j] + cp->doffa[j]);
		cp->dK[j] = K;
		off = cp->doffa[j];
	}
	cp->periodic = cp->ndirty > 0;
	if (cp->periodic)
	{
		cp->qhi = CalFTable(cp, cp->hi) - CalFTable(cp, cp->hi - CAL_CYCLE_USECS);
		cp->qlo = CalFTable(cp, cp->lo + CAL_CYCLE_USECS) - CalFTable(cp, cp->lo);
	}
}

/* The prepared form of a decoded calendar, in the current memory context */
static CalPrep *
CalPrepare(const CalDef *def)
{
	CalPrep    *cp = palloc0(sizeof(CalPrep));
	int			n = Max(def->nranges, 1);

	cp->tz = def->tz;
	cp->rf = palloc(sizeof(int64) * n);
	cp->rt = palloc(sizeof(int64) * n);
	for (int i = 0; i < def->nranges; i++)
	{
		cp->rf[i] = (int64) def->ranges[i].from * USECS_PER_SEC;
		cp->rt[i] = (int64) def->ranges[i].to * USECS_PER_SEC;
	}
	memcpy(cp->wstart, def->wstart, sizeof(cp->wstart));
	cp->daycum[0] = 0;
	for (int d = 0; d < 7; d++)
		cp->daycum[d + 1] = cp->daycum[d] +
			CalOpenBefore(cp, cp->wstart[d], cp->wstart[d + 1], USECS_PER_DAY);
	cp->weektotal = cp->daycum[7];
	cp->nexc = def->nexc;
	cp->excdate = def->excdate;
	cp->estart = def->estart;
	cp->excpre = palloc(sizeof(int64) * (def->nexc + 1));
	cp->excpre[0] = 0;
	for (int i = 0; i < def->nexc; i++)
	{
		int64		day = def->excdate[i];
		int			wd = (int) (day + 5 - CalFloorDiv(day + 5, 7) * 7);

		cp->excpre[i + 1] = cp->excpre[i] +
			CalOpenBefore(cp, cp->estart[i], cp->estart[i + 1], USECS_PER_DAY) -
			(cp->daycum[wd + 1] - cp->daycum[wd]);
	}

	/* the table's span: 1200 .. 2500, and a cycle beyond any exception */
	cp->lo = CalDateUsecs(1200, 1, 1);
	cp->hi = CalDateUsecs(2500, 1, 1);
	if (def->nexc > 0)
	{
		int64		first = (int64) def->excdate[0] * USECS_PER_DAY - CAL_CYCLE_USECS - 400 * USECS_PER_DAY;
		int64		last = (int64) def->excdate[def->nexc - 1] * USECS_PER_DAY + CAL_CYCLE_USECS + 400 * USECS_PER_DAY;

		cp->lo = Min(cp->lo, first);
		cp->hi = Max(cp->hi, last);
	}
	CalPrepareZone(cp);
	return cp;
}

/* The prepared calendar of argument 0, from the call site's cache */
static CalPrep *
CalGetPrep(FunctionCallInfo fcinfo)
{
	struct varlena *v = PG_GETARG_BUSINESS_CALENDAR_P(0);
	const char *data = VARDATA_ANY(v);
	Size		len = VARSIZE_ANY_EXHDR(v);
	CalCache   *cache = fcinfo->flinfo->fn_extra;
	CalCacheEntry *e;
	MemoryContext old;
	CalDef		def;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CalCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->n > 0)
	{
		e = &cache->e[cache->last];
		if (e->len == len && memcmp(e->bytes, data, len) == 0)
			return e->prep;
		for (int i = 0; i < cache->n; i++)
		{
			e = &cache->e[i];
			if (e->len == len && memcmp(e->bytes, data, len) == 0)
			{
				cache->last = i;
				return e->prep;
			}
		}
	}
	if (cache->n < CAL_CACHE_SIZE)
		cache->last = cache->n++;
	else
	{
		cache->last = cache->victim;
		cache->victim = (cache->victim + 1) % CAL_CACHE_SIZE;
		MemoryContextDelete(cache->e[cache->last].cxt);
	}
	e = &cache->e[cache->last];
	e->prep = NULL;
	e->len = 0;
	e->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "business_calendar",
								   ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(e->cxt);
	CalDecode((const uint8 *) data, len, &def, false);
	e->prep = CalPrepare(&def);
	e->bytes = palloc(Max(len, 1));
	memcpy(e->bytes, data, len);
	e->len = len;
	MemoryContextSwitchTo(old);
	return e->prep;
}

static void
CalCheckFinite(TimestampTz t)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range"),
				 errdetail("Business time is defined for finite timestamps only.")));
}

/* The first instant u in (lo, hi] with F(u) >= target, given F(lo) < target <= F(hi) */
static int64
CalFirstReaching(const CalPrep *cp, int64 lo, int64 hi, int128 target)
{
	while (hi - lo > 1)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (CalF(cp, mid) >= target)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The last instant u in [lo, hi) with F(u) <= target, given F(lo) <= target < F(hi) */
static int64
CalLastWithin(const CalPrep *cp, int64 lo, int64 hi, int128 target)
{
	while (hi - lo > 1)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (CalF(cp, mid) <= target)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The earliest u > from with F(u) >= target (F(from) < target), searching
 * forward by doubling steps; false if none before END_TIMESTAMP.
 */
static bool
CalSearchForward(const CalPrep *cp, int64 from, int64 step, int128 target, int64 *result)
{
	int64		lo = from;
	int64		last = END_TIMESTAMP - 1;

	for (;;)
	{
		int64		hi;

		hi = (last - lo <= step) ? last : lo + step;
		if (CalF(cp, hi) >= target)
		{
			*result = CalFirstReaching(cp, lo, hi, target);
			return true;
		}
		if (hi == last)
			return false;
		lo = hi;
		if (step < PG_INT64_MAX / 2)
			step *= 2;
	}
}

PG_FUNCTION_INFO_V1(business_duration);
Datum
business_duration(PG_FUNCTION_ARGS)
{
	CalPrep    *cp = CalGetPrep(fcinfo);
	TimestampTz a = PG_GETARG_TIMESTAMPTZ(1);
	TimestampTz b = PG_GETARG_TIMESTAMPTZ(2);
	int128		d;
	Interval   *result;

	CalCheckFinite(a);
	CalCheckFinite(b);
	d = CalF(cp, b) - CalF(cp, a);
	if (d > PG_INT64_MAX || d < PG_INT64_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval out of range")));
	result = palloc(sizeof(Interval));
	result->time = (int64) d;
	result->day = 0;
	result->month = 0;
	PG_RETURN_INTERVAL_P(result);
}

PG_FUNCTION_INFO_V1(business_add);
Datum
business_add(PG_FUNCTION_ARGS)
{
	CalPrep    *cp = CalGetPrep(fcinfo);
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);
	Interval   *amount = PG_GETARG_INTERVAL_P(2);
	int128		a;
	int128		target;
	int64		result;

	CalCheckFinite(ts);
	/* the amount as interval comparison counts it: 1 day = 24 h, 1 month = 30 days */
	a = (int128) amount->time +
		((int128) amount->day + (int128) amount->month * DAYS_PER_MONTH) * USECS_PER_DAY;
	if (a == 0)
		PG_RETURN_TIMESTAMPTZ(ts);
	target = CalF(cp, ts) + a;
	if (a > 0)
	{
		/* F grows at most 1 us per us: the answer is at or after ts + a */
		if (a >= (int128) (END_TIMESTAMP - ts) ||
			!CalSearchForward(cp, ts + (int64) a - 1, (int64) a, target, &result))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range"),
					 errdetail("The calendar does not have that much open time before the end of the timestamp range.")));
	}
	else
	{
		/* backwards: the latest u <= ts - |a| with F(u) <= target */
		int64		hi,
					lo,
					step;

		if (-a > (int128) (ts - MIN_TIMESTAMP))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		hi = ts + (int64) a + 1;
		step = (int64) -a;
		for (;;)
		{
			lo = (hi - MIN_TIMESTAMP <= step) ? MIN_TIMESTAMP : hi - step;
			if (CalF(cp, lo) <= target)
				break;
			if (lo == MIN_TIMESTAMP)
				ereport(ERROR,
						(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
						 errmsg("timestamp out of range"),
						 errdetail("The calendar does not have that much open time after the start of the timestamp range.")));
			hi = lo;
			if (step < PG_INT64_MAX / 2)
				step *= 2;
		}
		result = CalLastWithin(cp, lo, hi, target);
	}
	PG_RETURN_TIMESTAMPTZ(result);
}

PG_FUNCTION_INFO_V1(is_open);
Datum
is_open(PG_FUNCTION_ARGS)
{
	CalPrep    *cp = CalGetPrep(fcinfo);
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);

	CalCheckFinite(ts);
	PG_RETURN_BOOL(CalF(cp, ts + 1) > CalF(cp, ts));
}

PG_FUNCTION_INFO_V1(next_open);
Datum
next_open(PG_FUNCTION_ARGS)
{
	CalPrep    *cp = CalGetPrep(fcinfo);
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);
	int128		f;
	int64		u;

	CalCheckFinite(ts);
	f = CalF(cp, ts);
	if (CalF(cp, ts + 1) > f)
		PG_RETURN_TIMESTAMPTZ(ts);
	/* the first microsecond [u - 1, u) of open time after ts */
	if (!CalSearchForward(cp, ts, USECS_PER_HOUR, f + 1, &u))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(u - 1);
}
