/*
 * floor.c
 *	  Diagnostic transition functions for test/bench/duration_sketch.sh's
 *	  "floor" section: what the least work a per-group aggregate over an
 *	  interval column can do costs, step by step, so that the sketch's
 *	  per-row cost can be read against it.  Never installed with salesperf:
 *	  the script builds it into a throwaway module of its own.
 *
 *	floor_byval		a by-value bigint state that reads each interval (what
 *					count(response) does, plus the read);
 *	floor_touch		a by-reference state (a bytea from INITCOND, one per
 *					group) where each row adds to one word;
 *	floor_append	the same state with a buffer: each row appends its
 *					value, a full buffer is only emptied;
 *	floor_direct	no buffer: each row adds to one of those 600 counts at
 *					once (the same hash), and to min, max, count and sum;
 *	floor_bucket	the same buffer emptied into 600 int64 counts inline in
 *					the state, at a bucket given by a multiplicative hash
 *					(no logarithm, no lookup table), with min, max and an
 *					int128 sum folded per batch: the sketch's work without
 *					its mapping, on a state of about its size;
 *	floor_sharedappend	one buffer per call site (fn_extra) instead of one
 *					per group: each row appends (state, value) to it, a
 *					full buffer is only emptied;
 *	floor_sharedbucket	the same buffer emptied into each row's own group
 *					(its 600 counts, min, max, count and sum): where a
 *					value waits, in one hot buffer or in 400 per-group
 *					tails, against the cost of scattering it.
 *
 * Their results mean nothing (the finals read them only with IS NULL).
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/execnodes.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;

#define FLOOR_BUCKETS	600

typedef struct FloorState
{
	int32		vl_len_;
	int32		n;				/* values in the buffer */
	int32		cap;			/* room in the buffer */
	int32		pad;
	int64		count;
	int64		min;
	int64		max;
	int64		sum_hi;
	uint64		sum_lo;
	int64		counts[FLOOR_BUCKETS];
	int64		buffer[FLEXIBLE_ARRAY_MEMBER];
} FloorState;

static FloorState *
FloorArg(FunctionCallInfo fcinfo)
{
	FloorState *s = (FloorState *) PG_GETARG_POINTER(0);

	if (unlikely(fcinfo->context == NULL || !IsA(fcinfo->context, AggState) ||
				 VARSIZE(s) < offsetof(FloorState, buffer)))
		elog(ERROR, "floor functions run only as aggregates over their INITCOND");
	if (unlikely(s->cap == 0))
		s->cap = (int32) ((VARSIZE(s) - offsetof(FloorState, buffer)) / sizeof(int64));
	return s;
}

PG_FUNCTION_INFO_V1(floor_byval);
Datum
floor_byval(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_INT64(0) + PG_GETARG_INTERVAL_P(1)->time);
}

PG_FUNCTION_INFO_V1(floor_touch);
Datum
floor_touch(PG_FUNCTION_ARGS)
{
	FloorState *s = FloorArg(fcinfo);

	s->count += PG_GETARG_INTERVAL_P(1)->time;
	PG_RETURN_POINTER(s);
}

static pg_noinline void
FloorFlush(FloorState *s)
{
	int64		mn = s->buffer[0],
				mx = s->buffer[0];
	int128		sum = 0;

	for (int32 j = 0; j < s->n; j++)
	{
		int64		v = s->buffer[j];

		mn = Min(mn, v);
		mx = Max(mx, v);
		sum += v;
		s->counts[(uint32) (((uint64) v * 2654435761u) >> 7) % FLOOR_BUCKETS]++;
	}
	sum += (int128) (((uint128) (uint64) s->sum_hi << 64) | s->sum_lo);
	s->sum_hi = (int64) (sum >> 64);
	s->sum_lo = (uint64) sum;
	s->min = (s->count == 0) ? mn : Min(s->min, mn);
	s->max = (s->count == 0) ? mx : Max(s->max, mx);
}

/* One value straight into a state's counts and totals */
static pg_attribute_always_inline void
FloorAddOne(FloorState *s, int64 v)
{
	int128		sum = (int128) (((uint128) (uint64) s->sum_hi << 64) | s->sum_lo);

	s->counts[(uint32) (((uint64) v * 2654435761u) >> 7) % FLOOR_BUCKETS]++;
	s->min = (s->count == 0) ? v : Min(s->min, v);
	s->max = (s->count == 0) ? v : Max(s->max, v);
	s->count++;
	sum += v;
	s->sum_hi = (int64) (sum >> 64);
	s->sum_lo = (uint64) sum;
}

PG_FUNCTION_INFO_V1(floor_direct);
Datum
floor_direct(PG_FUNCTION_ARGS)
{
	FloorState *s = FloorArg(fcinfo);

	FloorAddOne(s, PG_GETARG_INTERVAL_P(1)->time);
	PG_RETURN_POINTER(s);
}

/* Append one value to the buffer; a full one is bucketed, or only emptied */
static pg_attribute_always_inline Datum
FloorAppend(FunctionCallInfo fcinfo, bool bucket)
{
	FloorState *s = FloorArg(fcinfo);

	if (unlikely(s->n >= s->cap))
	{
		if (bucket)
			FloorFlush(s);
		s->count += s->n;
		s->n = 0;
	}
	if (s->cap > 0)
		s->buffer[s->n++] = PG_GETARG_INTERVAL_P(1)->time;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(floor_append);
Datum
floor_append(PG_FUNCTION_ARGS)
{
	return FloorAppend(fcinfo, false);
}

PG_FUNCTION_INFO_V1(floor_bucket);
Datum
floor_bucket(PG_FUNCTION_ARGS)
{
	return FloorAppend(fcinfo, true);
}

/*
 * One buffer per call site of (state, value) pairs, scattered when full.
 * The state pointers stay valid only because these states never move and
 * the benchmark's hash aggregate keeps every group until the query ends (no
 * rescan, no reset); pairs left at the end are dropped.  A real aggregate
 * could not do this without a fixed-address state (an expanded object) and
 * a flush before every final, serial and combine call.
 */
#define FLOOR_SHARED 2048
typedef struct FloorShared
{
	int32		n;
	FloorState *st[FLOOR_SHARED];
	int64		v[FLOOR_SHARED];
} FloorShared;

static pg_noinline void
FloorScatter(FloorShared *sh, bool bucket)
{
	if (bucket)
		for (int32 j = 0; j < sh->n; j++)
			FloorAddOne(sh->st[j], sh->v[j]);
	sh->n = 0;
}

static pg_attribute_always_inline Datum
FloorShare(FunctionCallInfo fcinfo, bool bucket)
{
	FloorShared *sh = (FloorShared *) fcinfo->flinfo->fn_extra;
	FloorState *s = (FloorState *) PG_GETARG_POINTER(0);

	if (unlikely(sh == NULL))
	{
		(void) FloorArg(fcinfo);
		sh = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FloorShared));
		fcinfo->flinfo->fn_extra = sh;
	}
	if (unlikely(sh->n >= FLOOR_SHARED))
		FloorScatter(sh, bucket);
	sh->st[sh->n] = s;
	sh->v[sh->n++] = PG_GETARG_INTERVAL_P(1)->time;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(floor_sharedappend);
Datum
floor_sharedappend(PG_FUNCTION_ARGS)
{
	return FloorShare(fcinfo, false);
}

PG_FUNCTION_INFO_V1(floor_sharedbucket);
Datum
floor_sharedbucket(PG_FUNCTION_ARGS)
{
	return FloorShare(fcinfo, true);
}

/* Combine for parallel plans: keeps the first state (results mean nothing) */
PG_FUNCTION_INFO_V1(floor_combine);
Datum
floor_combine(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
