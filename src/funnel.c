/*
 * funnel.c
 *	  The funnel_summary type and the pipeline funnel: stage reach and
 *	  conversion, time in stage and time between stages, from a CRM's stage
 *	  history (one row per history entry: deal, stage, time).
 *
 * Design note.  Every answer is a function of each deal's rows ordered by
 * (at, stage position), so a state cannot summarise a deal early: a stay
 * that starts in one state may end in another (a daily state, a parallel
 * worker, a Citus shard).  Per deal the state keeps the set of distinct
 * change points (stage code, at), which is exactly what the answers need:
 *  - a repeated row (same stage, same time) sorts next to its twin and
 *    changes no run, so a set suffices, and the union of two states' sets is
 *    the set of the union of their rows: merging is associative,
 *    commutative and idempotent, whatever the split of a deal's rows;
 *  - stages not in the list share one code (FUNNEL_OTHER).  They only end
 *    stays, and at any instant they sort after every listed stage, so the
 *    listed rows, and for each of them the time of the next row of another
 *    stage, are the same with or without telling unlisted stages apart; a
 *    run of unlisted rows of several stages is never reported.
 * The state stores the stage list once.  Its flat form keeps the deals
 * sorted by key, each point as a varint time offset and a code byte (see
 * funnel.h), so the form depends only on the set of rows.
 *
 * The answers are computed at accessor time from each deal's points:
 * furthest stage reached, first entry per stage, cumulative closed time
 * per stage.  Percentiles of durations are those of a duration_sketch
 * built from the per-deal values (DsAlloc, DsAddValue and the sketch's
 * percentile functions), so they have its guarantee: exact for up to 64
 * deals, at most 1% relative error beyond.
 *
 * The key machinery (key types, hashing, equality, order, the key's flat,
 * text and binary forms) is keys.c's, shared with upsell_summary; this file
 * keeps what a deal holds.  As upsell_summary does, a state of more than a
 * few deals is a read-write expanded object (a simplehash table by deal in
 * its own memory context) updated in place; smaller ones stay flat and are
 * rebuilt per row, since a memory context per group would make hash
 * aggregation over many groups quadratic.  Called outside an aggregate,
 * transition and combine functions work on a copy (SpMayUpdateInPlace).
 */
#include "salesperf.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/timestamp.h"

#include "codec.h"
#include "duration_sketch.h"
#include "funnel.h"
#include "keys.h"

/* States of fewer deals stay flat (see "Small states" below) */
#define FUNNEL_SMALL_DEALS		8

/* kpi_ratio's text input (ratio.c): stage_conversion builds its answer with it */
extern Datum kpi_ratio_in(PG_FUNCTION_ARGS);

/* One deal in the hash table */
typedef struct FunnelEntry
{
	Datum		key;
	FunnelPoint *points;		/* sorted by (at, code), distinct */
	int32		npoints;
	int32		cap;
	uint32		hash;
	char		status;
} FunnelEntry;

#define SH_PREFIX		funnel_tab
#define SH_ELEMENT_TYPE	FunnelEntry
#define SH_KEY_TYPE		Datum
#define SH_KEY			key
#define SH_HASH_KEY(tb, k)	SP_KEY_SH_HASH(tb, k)
#define SH_EQUAL(tb, a, b)	SP_KEY_SH_EQUAL(tb, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a)	((a)->hash)
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

static struct varlena *FunnelBuildFlatOf(SpKeyedState *state, MemoryContext cxt);

static const SpKeyedClass FunnelClass = {"funnel_summary", FunnelBuildFlatOf};

/* ---------------------------------------------------------------------
 * Key types and stage lists
 * ---------------------------------------------------------------------
 */

void
FunnelKeyTypeInit(SpKeyType *kt, Oid type)
{
	SpKeyCheckNewType(type, "funnel_summary",
					  "Cast the deal key to a built-in type, e.g. deal::text.");
	SpKeyTypeRequire(kt, type, "deal",
					 "Deals are told apart by the key type's equality, found by hashing and sorted for a canonical state.",
					 "Use a key of type bigint, integer, text or uuid, or cast the key to one.");
}

/* Error unless two states have the same kind of key (42804, as upsell) */
static void
FunnelCheckSameKeyType(Oid a, Oid b)
{
	if (a == b)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("cannot merge funnel summaries with different deal keys"),
			 errdetail("One summary is keyed by %s, the other by %s.",
					   format_type_be(a), format_type_be(b)),
			 errhint("Build the summaries with the same deal key type, e.g. cast every key to bigint or text.")));
}

/* The stage list of one funnel as text, for messages: {a,b,c} */
static char *
FunnelStagesOut(const FunnelStages *st)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int32 i = 0; i < st->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendBinaryStringInfo(&buf, st->names[i], st->lens[i]);
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

static bool
FunnelSameStages(const FunnelStages *a, const FunnelStages *b)
{
	return a->n == b->n && a->bloblen == b->bloblen &&
		memcmp(a->blob, b->blob, a->bloblen) == 0;
}

/*
 * Error unless two stage lists are the same (22023): states of different
 * funnels do not merge, nor rows of one group with different lists
 */
static void
FunnelCheckSameStages(const FunnelStages *a, const FunnelStages *b, bool rows)
{
	if (FunnelSameStages(a, b))
		return;
	if (rows)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stages must be the same for every row of a group"),
				 errdetail("The group uses %s and a row has %s.",
						   FunnelStagesOut(a), FunnelStagesOut(b)),
				 errhint("Pass the stage list as a constant.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot merge funnel summaries with different stage lists"),
			 errdetail("One summary has stages %s, the other %s.",
					   FunnelStagesOut(a), FunnelStagesOut(b)),
			 errhint("Build every summary of a rollup with the same stages array.")));
}

/* Parse a stage list blob of n stages (trusted: built by this file) */
void
FunnelParseStageBlob(FunnelStages *st, char *blob, int32 len, int32 n)
{
	const uint8 *p = (const uint8 *) blob;
	const uint8 *end = p + len;

	st->n = n;
	st->blob = blob;
	st->bloblen = len;
	for (int32 i = 0; i < n; i++)
	{
		uint64		l;

		if (SpGetVarint(&p, end, &l) != SP_VARINT_OK || l > (uint64) (end - p))
			elog(ERROR, "corrupt stage list in funnel_summary");
		st->names[i] = (const char *) p;
		st->lens[i] = (int32) l;
		p += l;
	}
	if (p != end)
		elog(ERROR, "corrupt stage list in funnel_summary");
}

void
FunnelAddStageToBlob(StringInfo blob, const char *name, int32 len)
{
	SpPutVarint(blob, len);
	appendBinaryStringInfo(blob, name, len);
}

/* The code of a stage name: its position less one, or FUNNEL_OTHER */
int32
FunnelStageCode(const FunnelStages *st, const char *name, int32 len)
{
	for (int32 i = 0; i < st->n; i++)
		if (st->lens[i] == len && memcmp(st->names[i], name, len) == 0)
			return i;
	return FUNNEL_OTHER;
}

/*
 * Check a stage name about to be the next of a list being built (already
 * parsed into st): at most FUNNEL_MAX_STAGES, no duplicates
 */
void
FunnelCheckStageName(const FunnelStages *st, const char *name, int32 len,
					 int errcode_dup)
{
	if (st->n >= FUNNEL_MAX_STAGES)
		ereport(ERROR,
				(errcode(errcode_dup),
				 errmsg("a funnel has at most %d stages", FUNNEL_MAX_STAGES)));
	if (FunnelStageCode(st, name, len) != FUNNEL_OTHER)
		ereport(ERROR,
				(errcode(errcode_dup),
				 errmsg("stage \"%.*s\" appears more than once in the funnel", len, name),
				 errhint("List each stage once, in funnel order.")));
}

/* The stage list of a flat state */
void
FunnelFlatStageList(FunnelFlat *flat, FunnelStages *st)
{
	FunnelParseStageBlob(st, FunnelFlatStages(flat), flat->stageslen, flat->nstages);
}

/* ---------------------------------------------------------------------
 * Points
 * ---------------------------------------------------------------------
 */

static inline int
FunnelPointCmp(const FunnelPoint *a, const FunnelPoint *b)
{
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->code > b->code) - (a->code < b->code);
}

static int
FunnelPointQsortCmp(const void *a, const void *b)
{
	return FunnelPointCmp((const FunnelPoint *) a, (const FunnelPoint *) b);
}

int32
FunnelSortPoints(FunnelPoint *pts, int32 n)
{
	int32		m = 0;

	if (n <= 1)
		return n;
	qsort(pts, n, sizeof(FunnelPoint), FunnelPointQsortCmp);
	for (int32 i = 1; i < n; i++)
		if (FunnelPointCmp(&pts[m], &pts[i]) != 0)
			pts[++m] = pts[i];
	return m + 1;
}

/*
 * Merge the sorted, distinct points b into the entry's (sorted, distinct),
 * growing its array in cxt.  Rows mostly come in time order, so a single
 * point is placed by a search from the end.
 */
static void
FunnelEntryAddPoints(FunnelEntry *e, const FunnelPoint *b, int32 nb, MemoryContext cxt)
{
	if (e->npoints + nb > e->cap)
	{
		/* most deals have a handful of points: start at 4, then double */
		int32		cap = Max(Max(e->cap * 2, e->npoints + nb), 4);

		if ((Size) cap * sizeof(FunnelPoint) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many stage changes for one deal")));
		if (e->points == NULL)
			e->points = MemoryContextAlloc(cxt, cap * sizeof(FunnelPoint));
		else
			e->points = repalloc(e->points, cap * sizeof(FunnelPoint));
		e->cap = cap;
	}
	if (nb == 1)
	{
		int32		i = e->npoints;
		int			c = 1;

		while (i > 0 && (c = FunnelPointCmp(&e->points[i - 1], b)) > 0)
			i--;
		if (i > 0 && c == 0)
			return;				/* already there */
		memmove(&e->points[i + 1], &e->points[i], (e->npoints - i) * sizeof(FunnelPoint));
		e->points[i] = *b;
		e->npoints++;
		return;
	}
	memcpy(e->points + e->npoints, b, nb * sizeof(FunnelPoint));
	e->npoints = FunnelSortPoints(e->points, e->npoints + nb);
}

/* ---------------------------------------------------------------------
 * The point encoding of the flat form (see funnel.h)
 * ---------------------------------------------------------------------
 */

/* Are all the times whole seconds? */
static bool
FunnelAllSeconds(const FunnelPoint *pts, int32 n)
{
	for (int32 i = 0; i < n; i++)
		if (pts[i].at % USECS_PER_SEC != 0)
			return false;
	return true;
}

/* Bytes the encoding of n points takes (n >= 1) */
static Size
FunnelPointsSize(const FunnelPoint *pts, int32 n)
{
	int64		unit = FunnelAllSeconds(pts, n) ? USECS_PER_SEC : 1;
	Size		size = SpVarintSize(((uint64) n << 1) | (unit != 1));

	size += SpVarintSize(SpZigzag(pts[0].at / unit)) + 1;
	for (int32 i = 1; i < n; i++)
		size += SpVarintSize(((uint64) pts[i].at - (uint64) pts[i - 1].at) / unit) + 1;
	return size;
}

/* Write the encoding of n points at p; returns the end */
static uint8 *
FunnelEncodePoints(const FunnelPoint *pts, int32 n, uint8 *p)
{
	int64		unit = FunnelAllSeconds(pts, n) ? USECS_PER_SEC : 1;

	p = SpWriteVarint(p, ((uint64) n << 1) | (unit != 1));
	p = SpWriteVarint(p, SpZigzag(pts[0].at / unit));
	*p++ = (uint8) pts[0].code;
	for (int32 i = 1; i < n; i++)
	{
		p = SpWriteVarint(p, ((uint64) pts[i].at - (uint64) pts[i - 1].at) / unit);
		*p++ = (uint8) pts[i].code;
	}
	return p;
}

/* Read a varint of a stored state (trusted: written by this file) */
static inline uint64
FunnelGetStoredVarint(const uint8 **p)
{
	uint64		v;

	if (SpGetVarint(p, *p + SP_VARINT_MAXLEN, &v) != SP_VARINT_OK)
		elog(ERROR, "corrupt point list in funnel_summary");
	return v;
}

void
FunnelDecodePoints(const FunnelDealData *d, FunnelPoint *out)
{
	const uint8 *p = d->enc;
	uint64		h = FunnelGetStoredVarint(&p);
	int64		unit = (h & 1) ? USECS_PER_SEC : 1;
	int64		at = 0;

	for (int32 i = 0; i < d->npoints; i++)
	{
		uint64		v = FunnelGetStoredVarint(&p);

		at = (i == 0) ? SpUnzigzag(v) * unit :
			(int64) ((uint64) at + v * (uint64) unit);
		out[i].at = at;
		out[i].code = *p++;
	}
}

/* The end of a deal's point encoding */
static const uint8 *
FunnelSkipPoints(const FunnelDealData *d)
{
	const uint8 *p = d->enc;

	(void) FunnelGetStoredVarint(&p);
	for (int32 i = 0; i < d->npoints; i++)
	{
		(void) FunnelGetStoredVarint(&p);
		p++;
	}
	return p;
}

/* Read the deal at p of a flat form; returns the position of the next one */
char *
FunnelReadDeal(SpKeyType *kt, char *p, FunnelDealData *d)
{
	const uint8 *q;

	p = SpKeyReadFlat(kt, p, &d->key);
	d->enc = (const uint8 *) p;
	q = d->enc;
	d->npoints = (int32) (FunnelGetStoredVarint(&q) >> 1);
	q = FunnelSkipPoints(d);
	return p + MAXALIGN(q - d->enc);
}

/* ---------------------------------------------------------------------
 * Building flat forms
 * ---------------------------------------------------------------------
 */

/* A deal to write: key and sorted, distinct points */
typedef struct FunnelDealOut
{
	Datum		key;
	FunnelPoint *points;
	int32		npoints;
} FunnelDealOut;

/*
 * A flat form (in cxt) of the stage list st and n deals sorted by key.
 */
static FunnelFlat *
FunnelWriteFlat(SpKeyType *kt, const FunnelStages *st, FunnelDealOut *deals,
				int32 n, MemoryContext cxt)
{
	Size		size = FUNNEL_FLAT_HDRSZ + MAXALIGN(st->bloblen);
	FunnelFlat *flat;
	char	   *p;

	for (int32 i = 0; i < n; i++)
	{
		size += MAXALIGN(SpKeyFlatSize(kt, deals[i].key));
		size += MAXALIGN(FunnelPointsSize(deals[i].points, deals[i].npoints));
		if (size > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("funnel_summary too large"),
					 errdetail("A summary of %d deals needs more than %zu bytes.",
							   n, (Size) MaxAllocSize),
					 errhint("Summarize fewer deals per group, e.g. per owner or per quarter.")));
	}
	flat = MemoryContextAllocZero(cxt, size);
	SET_VARSIZE(flat, size);
	flat->version = FUNNEL_FLAT_VERSION;
	flat->keytype = kt->type;
	flat->nstages = st->n;
	flat->stageslen = st->bloblen;
	flat->ndeals = n;
	memcpy(FunnelFlatStages(flat), st->blob, st->bloblen);
	p = FunnelFlatDeals(flat);
	for (int32 i = 0; i < n; i++)
	{
		uint8	   *q;

		CHECK_FOR_INTERRUPTS();
		p = SpKeyWriteFlat(kt, deals[i].key, p);
		q = FunnelEncodePoints(deals[i].points, deals[i].npoints, (uint8 *) p);
		p += MAXALIGN(q - (uint8 *) p);
	}
	Assert(p == (char *) flat + size);
	return flat;
}

/* Order of deals in the flat form */
static int
FunnelCompareOut(const void *a, const void *b, void *arg)
{
	const FunnelDealOut *x = (const FunnelDealOut *) a;
	const FunnelDealOut *y = (const FunnelDealOut *) b;

	return ApplySortComparator(x->key, false, y->key, false, (SortSupport) arg);
}

/* The canonical flat form of an expanded state, allocated in cxt */
FunnelFlat *
FunnelBuildFlat(FunnelState *state, MemoryContext cxt)
{
	uint32		n = state->deals->members;
	FunnelDealOut *deals;
	funnel_tab_iterator it;
	FunnelEntry *e;
	uint32		i = 0;
	MemoryContext scratch;
	MemoryContext old;
	FunnelFlat *flat;

	/* temporary memory in a context of our own (cxt may be a bump context) */
	scratch = AllocSetContextCreate(state->ks.hdr.eoh_context, "funnel_summary flatten",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(scratch);
	deals = palloc_extended(Max(n, 1) * sizeof(FunnelDealOut), MCXT_ALLOC_HUGE);
	funnel_tab_start_iterate(state->deals, &it);
	while ((e = funnel_tab_iterate(state->deals, &it)) != NULL)
	{
		deals[i].key = e->key;
		deals[i].points = e->points;
		deals[i].npoints = e->npoints;
		i++;
	}
	Assert(i == n);
	if (n > 1)
	{
		SortSupportData ssup;

		memset(&ssup, 0, sizeof(ssup));
		ssup.ssup_cxt = CurrentMemoryContext;
		SpKeySortSupport(&state->ks.key, &ssup);
		qsort_arg(deals, n, sizeof(FunnelDealOut), FunnelCompareOut, &ssup);
	}
	MemoryContextSwitchTo(old);
	flat = FunnelWriteFlat(&state->ks.key, &state->stages, deals, (int32) n, cxt);
	MemoryContextDelete(scratch);
	return flat;
}

/* The build_flat of FunnelClass */
static struct varlena *
FunnelBuildFlatOf(SpKeyedState *state, MemoryContext cxt)
{
	return (struct varlena *) FunnelBuildFlat((FunnelState *) state, cxt);
}

/* ---------------------------------------------------------------------
 * The expanded state
 * ---------------------------------------------------------------------
 */

FunnelState *
FunnelNew(Oid keytype, const FunnelStages *stages, MemoryContext parent,
		  uint32 nelements)
{
	MemoryContext cxt;
	FunnelState *state;
	MemoryContext old;
	char	   *blob;

	state = SpKeyedNew(&FunnelClass, sizeof(FunnelState), parent);
	cxt = state->ks.hdr.eoh_context;
	FunnelKeyTypeInit(&state->ks.key, keytype);
	blob = MemoryContextAlloc(cxt, Max(stages->bloblen, 1));
	memcpy(blob, stages->blob, stages->bloblen);
	FunnelParseStageBlob(&state->stages, blob, stages->bloblen, stages->n);
	old = MemoryContextSwitchTo(cxt);
	state->deals = funnel_tab_create(cxt, Max(nelements, 8), &state->ks.key);
	MemoryContextSwitchTo(old);
	return state;
}

static FunnelState *
FunnelDatumGetExpanded(Datum d)
{
	return (FunnelState *) SpKeyedFromDatum(&FunnelClass, d);
}

/*
 * Merge one deal's sorted, distinct points into the state.  With a
 * duplicate_errcode (text and binary input), a deal already present is that
 * error instead.
 */
void
FunnelMergeDeal(FunnelState *state, Datum key, const FunnelPoint *pts, int32 n,
				int duplicate_errcode)
{
	FunnelEntry *e;
	bool		found;

	SpKeyedInvalidateFlat(&state->ks);
	e = funnel_tab_insert(state->deals, key, &found);
	if (!found)
	{
		if (!state->ks.key.typbyval)
		{
			MemoryContext old = MemoryContextSwitchTo(state->ks.hdr.eoh_context);

			e->key = SpKeyCopy(&state->ks.key, key);
			MemoryContextSwitchTo(old);
		}
		e->points = NULL;
		e->npoints = e->cap = 0;
	}
	else if (duplicate_errcode != 0)
		ereport(ERROR,
				(errcode(duplicate_errcode),
				 errmsg("duplicate deal in funnel_summary"),
				 errdetail("Deal %s appears more than once.",
						   SpKeyOut(state->ks.key.type, key))));
	FunnelEntryAddPoints(e, pts, n, state->ks.hdr.eoh_context);
}

FunnelFlat *
FunnelDatumGetFlat(Datum d)
{
	FunnelFlat *flat = (FunnelFlat *) PG_DETOAST_DATUM(d);

	if (flat->version != FUNNEL_FLAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("funnel_summary has unknown layout version %d", flat->version)));
	return flat;
}

/* Merge every deal of any funnel_summary datum into the state */
static void
FunnelMergeDatum(FunnelState *state, Datum d)
{
	FunnelState *other = FunnelDatumGetExpanded(d);

	if (other != NULL)
	{
		funnel_tab_iterator it;
		FunnelEntry *e;

		FunnelCheckSameKeyType(state->ks.key.type, other->ks.key.type);
		FunnelCheckSameStages(&state->stages, &other->stages, false);
		funnel_tab_start_iterate(other->deals, &it);
		while ((e = funnel_tab_iterate(other->deals, &it)) != NULL)
		{
			CHECK_FOR_INTERRUPTS();
			FunnelMergeDeal(state, e->key, e->points, e->npoints, 0);
		}
	}
	else
	{
		FunnelFlat *flat = FunnelDatumGetFlat(d);
		FunnelStages st;
		char	   *p = FunnelFlatDeals(flat);
		FunnelPoint *buf = NULL;
		int32		bufcap = 0;

		FunnelCheckSameKeyType(state->ks.key.type, flat->keytype);
		FunnelFlatStageList(flat, &st);
		FunnelCheckSameStages(&state->stages, &st, false);
		for (int32 i = 0; i < flat->ndeals; i++)
		{
			FunnelDealData dd;

			CHECK_FOR_INTERRUPTS();
			p = FunnelReadDeal(&state->ks.key, p, &dd);
			if (dd.npoints > bufcap)
			{
				bufcap = Max(dd.npoints, 2 * bufcap);
				buf = buf ? repalloc(buf, bufcap * sizeof(FunnelPoint)) :
					palloc(bufcap * sizeof(FunnelPoint));
			}
			FunnelDecodePoints(&dd, buf);
			FunnelMergeDeal(state, dd.key, buf, dd.npoints, 0);
		}
		if (buf)
			pfree(buf);
	}
}

/* A new expanded state under parent holding a copy of any summary datum */
static FunnelState *
FunnelExpandDatum(Datum d, MemoryContext parent)
{
	FunnelState *other = FunnelDatumGetExpanded(d);
	FunnelState *state;

	if (other != NULL)
		state = FunnelNew(other->ks.key.type, &other->stages, parent, other->deals->members);
	else
	{
		FunnelFlat *flat = FunnelDatumGetFlat(d);
		FunnelStages st;

		FunnelFlatStageList(flat, &st);
		state = FunnelNew(flat->keytype, &st, parent, flat->ndeals);
	}
	FunnelMergeDatum(state, d);
	return state;
}

/* ---------------------------------------------------------------------
 * Small states
 *
 * A state of fewer than FUNNEL_SMALL_DEALS deals stays flat: a row or a
 * small state is merged by decoding it, merging and writing a new flat
 * form (upsell.c explains why: no memory context per group).
 * ---------------------------------------------------------------------
 */

/*
 * A new flat state (current context): flat's deals (none if NULL; then of
 * the stage list st) with deal key's sorted, distinct points merged in.
 */
static FunnelFlat *
FunnelFlatWithDeal(SpKeyType *kt, FunnelFlat *flat, const FunnelStages *st,
				   Datum key, const FunnelPoint *pts, int32 n)
{
	int32		nd = flat ? flat->ndeals : 0;
	FunnelDealOut *deals = palloc((nd + 1) * sizeof(FunnelDealOut));
	FunnelStages fst;
	char	   *p = flat ? FunnelFlatDeals(flat) : NULL;
	int32		pos = nd;
	bool		found = false;
	FunnelFlat *result;

	if (flat)
	{
		FunnelFlatStageList(flat, &fst);
		st = &fst;
	}
	for (int32 i = 0; i < nd; i++)
	{
		FunnelDealData dd;

		p = FunnelReadDeal(kt, p, &dd);
		deals[i].key = dd.key;
		deals[i].npoints = dd.npoints;
		deals[i].points = palloc(dd.npoints * sizeof(FunnelPoint));
		FunnelDecodePoints(&dd, deals[i].points);
		if (pos == nd)
		{
			int			c = SpKeyCompare(kt, dd.key, key);

			if (c >= 0)
			{
				pos = i;
				found = (c == 0);
			}
		}
	}
	if (found)
	{
		FunnelDealOut *m = &deals[pos];
		FunnelPoint *merged = palloc((m->npoints + n) * sizeof(FunnelPoint));

		memcpy(merged, m->points, m->npoints * sizeof(FunnelPoint));
		memcpy(merged + m->npoints, pts, n * sizeof(FunnelPoint));
		m->npoints = FunnelSortPoints(merged, m->npoints + n);
		m->points = merged;
	}
	else
	{
		memmove(&deals[pos + 1], &deals[pos], (nd - pos) * sizeof(FunnelDealOut));
		deals[pos].key = key;
		deals[pos].points = (FunnelPoint *) pts;
		deals[pos].npoints = n;
		nd++;
	}
	result = FunnelWriteFlat(kt, st, deals, nd, CurrentMemoryContext);
	for (int32 i = 0; i < nd; i++)
		if (deals[i].points != pts)
			pfree(deals[i].points);
	pfree(deals);
	return result;
}

/* ---------------------------------------------------------------------
 * Transition and combine functions
 * ---------------------------------------------------------------------
 */

/* What a call site of the transition function keeps between rows */
typedef struct FunnelCall
{
	SpKeyType	key;			/* type InvalidOid until the first row */
	struct varlena *rawstages;	/* the last stages array, as given */
	FunnelStages stages;		/* ... parsed */
	SpKeyType	rollkey;		/* combine: key type of the last state */
} FunnelCall;

static FunnelCall *
FunnelGetCall(FunctionCallInfo fcinfo)
{
	FunnelCall *call = fcinfo->flinfo->fn_extra;

	if (call == NULL)
	{
		call = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FunnelCall));
		fcinfo->flinfo->fn_extra = call;
	}
	return call;
}

/*
 * The stages array argument, checked and parsed (cached per call site: the
 * same array image is not parsed again): one dimension, 1..64 elements, no
 * NULLs, no duplicates
 */
static const FunnelStages *
FunnelCallStages(FunctionCallInfo fcinfo, FunnelCall *call, int argno)
{
	struct varlena *raw;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	StringInfoData blob;
	FunnelStages st;
	MemoryContext old;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("stages must not be NULL"),
				 errhint("Pass the funnel's stages in order, e.g. ARRAY['Prospecting','Qualification','Closed Won'].")));
	raw = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	if (call->rawstages != NULL && VARSIZE(call->rawstages) == VARSIZE(raw) &&
		memcmp(call->rawstages, raw, VARSIZE(raw)) == 0)
		return &call->stages;

	arr = (ArrayType *) raw;
	if (ARR_NDIM(arr) == 0 || ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stages must not be empty"),
				 errhint("Pass the funnel's stages in order, e.g. ARRAY['Prospecting','Qualification','Closed Won'].")));
	if (ARR_NDIM(arr) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("stages must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n > FUNNEL_MAX_STAGES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a funnel has at most %d stages", FUNNEL_MAX_STAGES),
				 errdetail("The stages array has %d elements.", n)));
	initStringInfo(&blob);
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("stages must not contain NULL"),
					 errdetail("Element %d of the stages array is NULL.", i + 1)));
		t = DatumGetTextPP(elems[i]);
		FunnelCheckStageName(&st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
							 ERRCODE_INVALID_PARAMETER_VALUE);
		FunnelAddStageToBlob(&blob, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		/* names point into the blob once it is complete; lengths now */
		st.names[st.n] = VARDATA_ANY(t);
		st.lens[st.n] = VARSIZE_ANY_EXHDR(t);
		st.n++;
	}

	/* keep the array image and the parsed list for the next rows */
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (call->rawstages != NULL)
	{
		pfree(call->rawstages);
		pfree(call->stages.blob);
	}
	call->rawstages = palloc(VARSIZE(raw));
	memcpy(call->rawstages, raw, VARSIZE(raw));
	{
		char	   *b = palloc(blob.len);

		memcpy(b, blob.data, blob.len);
		FunnelParseStageBlob(&call->stages, b, blob.len, n);
	}
	MemoryContextSwitchTo(old);
	pfree(blob.data);
	return &call->stages;
}

/* The state argument 0 ready to be changed (upsell.c's UpsellStateForUpdate) */
static FunnelState *
FunnelStateForUpdate(FunctionCallInfo fcinfo, MemoryContext cxt)
{
	Datum		d = PG_GETARG_DATUM(0);
	FunnelState *state = FunnelDatumGetExpanded(d);

	if (SpKeyedMayUpdate(fcinfo, (SpKeyedState *) state, cxt))
		return state;
	return FunnelExpandDatum(d, cxt);
}

/*
 * funnel_agg(deal, stage, at, stages): one history row.  Rows with a NULL
 * deal, stage or time are ignored; the stages array is checked on every row.
 */
PG_FUNCTION_INFO_V1(funnel_summary_trans);
Datum
funnel_summary_trans(PG_FUNCTION_ARGS)
{
	FunnelCall *call = FunnelGetCall(fcinfo);
	const FunnelStages *st = FunnelCallStages(fcinfo, call, 4);
	Datum		key;
	text	   *stage;
	FunnelPoint pt;
	MemoryContext cxt;
	FunnelState *state;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (!OidIsValid(call->key.type))
		FunnelKeyTypeInit(&call->key, SpKeyArgType(fcinfo, 1, "deal"));
	key = PG_GETARG_DATUM(1);
	/* keep no toast pointers or compressed keys in the state */
	if (call->key.typlen == -1)
		key = PointerGetDatum(PG_DETOAST_DATUM_PACKED(key));
	stage = PG_GETARG_TEXT_PP(2);
	pt.at = PG_GETARG_TIMESTAMPTZ(3);
	if (TIMESTAMP_NOT_FINITE(pt.at))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage change time must be finite"),
				 errdetail("Deal %s has a row at %s.", SpKeyOut(call->key.type, key),
						   TIMESTAMP_IS_NOBEGIN(pt.at) ? "-infinity" : "infinity")));
	pt.code = FunnelStageCode(st, VARDATA_ANY(stage), VARSIZE_ANY_EXHDR(stage));

	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(FunnelFlatWithDeal(&call->key, NULL, st, key, &pt, 1));
	if (FunnelDatumGetExpanded(PG_GETARG_DATUM(0)) == NULL)
	{
		FunnelFlat *flat = FunnelDatumGetFlat(PG_GETARG_DATUM(0));
		FunnelStages fst;

		FunnelCheckSameKeyType(flat->keytype, call->key.type);
		FunnelFlatStageList(flat, &fst);
		FunnelCheckSameStages(&fst, st, true);
		if (flat->ndeals < FUNNEL_SMALL_DEALS)
			PG_RETURN_POINTER(FunnelFlatWithDeal(&call->key, flat, st, key, &pt, 1));
	}
	cxt = SpStateContext(fcinfo);
	state = FunnelStateForUpdate(fcinfo, cxt);
	FunnelCheckSameKeyType(state->ks.key.type, call->key.type);
	FunnelCheckSameStages(&state->stages, st, true);
	FunnelMergeDeal(state, key, &pt, 1, 0);
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->ks.hdr));
}

/*
 * Combine function of funnel_agg, and rollup()'s transition.  Called
 * directly, it leaves both arguments alone.
 */
PG_FUNCTION_INFO_V1(funnel_summary_combine);
Datum
funnel_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	FunnelState *state;
	FunnelFlat *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	cxt = SpStateContext(fcinfo);

	/* small flat states merge into a new small flat state, deal by deal */
	other = FunnelDatumGetExpanded(PG_GETARG_DATUM(1)) ? NULL :
		FunnelDatumGetFlat(PG_GETARG_DATUM(1));
	if (other != NULL)
	{
		FunnelFlat *flat = NULL;

		if (!PG_ARGISNULL(0) && FunnelDatumGetExpanded(PG_GETARG_DATUM(0)) == NULL)
		{
			FunnelStages a,
						b;

			flat = FunnelDatumGetFlat(PG_GETARG_DATUM(0));
			FunnelCheckSameKeyType(flat->keytype, other->keytype);
			FunnelFlatStageList(flat, &a);
			FunnelFlatStageList(other, &b);
			FunnelCheckSameStages(&a, &b, false);
		}
		if (PG_ARGISNULL(0))
			PG_RETURN_POINTER(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(1)));
		if (flat != NULL && flat->ndeals + other->ndeals <= FUNNEL_SMALL_DEALS)
		{
			FunnelCall *call = FunnelGetCall(fcinfo);
			char	   *p = FunnelFlatDeals(other);

			if (call->rollkey.type != other->keytype)
				FunnelKeyTypeInit(&call->rollkey, other->keytype);
			for (int32 i = 0; i < other->ndeals; i++)
			{
				FunnelDealData dd;
				FunnelPoint *pts;

				p = FunnelReadDeal(&call->rollkey, p, &dd);
				pts = palloc(dd.npoints * sizeof(FunnelPoint));
				FunnelDecodePoints(&dd, pts);
				flat = FunnelFlatWithDeal(&call->rollkey, flat, NULL, dd.key, pts, dd.npoints);
			}
			PG_RETURN_POINTER(flat);
		}
	}

	if (PG_ARGISNULL(0))
		state = FunnelExpandDatum(PG_GETARG_DATUM(1), cxt);
	else
	{
		state = FunnelStateForUpdate(fcinfo, cxt);
		FunnelMergeDatum(state, PG_GETARG_DATUM(1));
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->ks.hdr));
}

/* Final function of funnel_agg and rollup: the state as a flat copy */
PG_FUNCTION_INFO_V1(funnel_summary_final);
Datum
funnel_summary_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(SpKeyedFinal(&FunnelClass, PG_GETARG_DATUM(0)));
}

/* ---------------------------------------------------------------------
 * Per-deal analysis, for the accessors
 * ---------------------------------------------------------------------
 */

typedef struct FunnelDealStats
{
	int32		furthest;		/* highest listed position (1-based); 0 none */
	int32		in_order;		/* stages 1..in_order entered, first entries
								 * non-decreasing */
	uint64		entered;		/* bit i: a row of stage i (code i) */
	uint64		closed;			/* bit i: a closed stay in stage i */
	TimestampTz first[FUNNEL_MAX_STAGES];	/* first entry (if entered) */
	int64		time_in[FUNNEL_MAX_STAGES]; /* closed stays' total (if closed) */
} FunnelDealStats;

/*
 * A deal's figures from its points, sorted by (at, code) and distinct: the
 * order of its rows.  A stay is a run of one code; it ends at the next
 * point's time (another code), the last one is open.
 */
static void
FunnelAnalyze(const FunnelPoint *pts, int32 n, int32 nstages, FunnelDealStats *s)
{
	int32		run_code = -1;
	TimestampTz run_start = 0;

	s->furthest = 0;
	s->entered = s->closed = 0;
	for (int32 i = 0; i < n; i++)
	{
		int32		c = pts[i].code;

		if (c != run_code)
		{
			if (run_code >= 0 && run_code < nstages)
			{
				int64		d;
				uint64		bit = UINT64CONST(1) << run_code;

				/* saturate: beyond 2^62 us the sketch reports it (22003) */
				if (pg_sub_s64_overflow(pts[i].at, run_start, &d))
					d = PG_INT64_MAX;
				if (s->closed & bit)
				{
					if (pg_add_s64_overflow(s->time_in[run_code], d, &s->time_in[run_code]))
						s->time_in[run_code] = PG_INT64_MAX;
				}
				else
				{
					s->time_in[run_code] = d;
					s->closed |= bit;
				}
			}
			run_code = c;
			run_start = pts[i].at;
		}
		if (c < nstages)
		{
			uint64		bit = UINT64CONST(1) << c;

			if (!(s->entered & bit))
			{
				s->entered |= bit;
				s->first[c] = pts[i].at;
			}
			if (c + 1 > s->furthest)
				s->furthest = c + 1;
		}
	}
	s->in_order = 0;
	for (int32 k = 0; k < nstages; k++)
	{
		if (!(s->entered & (UINT64CONST(1) << k)))
			break;
		if (k > 0 && s->first[k] < s->first[k - 1])
			break;
		s->in_order = k + 1;
	}
}

/* A walker over the deals of a flat summary, decoding and analysing each */
typedef struct FunnelWalk
{
	FunnelFlat *flat;
	FunnelStages stages;
	SpKeyType	kt;
	char	   *p;
	int32		i;
	FunnelPoint *buf;
	int32		bufcap;
	FunnelDealStats stats;
} FunnelWalk;

static void
FunnelWalkStart(FunnelWalk *w, Datum d)
{
	w->flat = FunnelDatumGetFlat(d);
	FunnelFlatStageList(w->flat, &w->stages);
	/* walking needs only the key's length, not its operators */
	SpKeyTypeInitStorage(&w->kt, w->flat->keytype);
	w->p = FunnelFlatDeals(w->flat);
	w->i = 0;
	w->buf = NULL;
	w->bufcap = 0;
}

static bool
FunnelWalkNext(FunnelWalk *w)
{
	FunnelDealData dd;

	if (w->i >= w->flat->ndeals)
		return false;
	CHECK_FOR_INTERRUPTS();
	w->p = FunnelReadDeal(&w->kt, w->p, &dd);
	w->i++;
	if (dd.npoints > w->bufcap)
	{
		w->bufcap = Max(dd.npoints, 2 * w->bufcap);
		w->buf = w->buf ? repalloc(w->buf, w->bufcap * sizeof(FunnelPoint)) :
			palloc(w->bufcap * sizeof(FunnelPoint));
	}
	FunnelDecodePoints(&dd, w->buf);
	FunnelAnalyze(w->buf, dd.npoints, w->stages.n, &w->stats);
	return true;
}

/* The position (0-based) of a stage named by an accessor, or 22023 */
static int32
FunnelLookupStage(FunnelWalk *w, text *name)
{
	int32		c = FunnelStageCode(&w->stages, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));

	if (c == FUNNEL_OTHER)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage \"%s\" is not in the funnel", text_to_cstring(name)),
				 errdetail("The funnel's stages are %s.", FunnelStagesOut(&w->stages))));
	return c;
}

/* ---------------------------------------------------------------------
 * Accessors
 * ---------------------------------------------------------------------
 */

/* Number of deals */
PG_FUNCTION_INFO_V1(funnel_summary_deal_count);
Datum
funnel_summary_deal_count(PG_FUNCTION_ARGS)
{
	FunnelFlat *flat = FunnelDatumGetFlat(PG_GETARG_DATUM(0));

	PG_RETURN_INT64(flat->ndeals);
}

/* reached(s, stage): deals whose furthest listed stage is at or after it */
PG_FUNCTION_INFO_V1(funnel_summary_reached);
Datum
funnel_summary_reached(PG_FUNCTION_ARGS)
{
	FunnelWalk	w;
	int32		k;
	int64		n = 0;

	FunnelWalkStart(&w, PG_GETARG_DATUM(0));
	k = FunnelLookupStage(&w, PG_GETARG_TEXT_PP(1));
	while (FunnelWalkNext(&w))
		n += (w.stats.furthest > k);
	PG_RETURN_INT64(n);
}

/* Ratio of two counts as a float8, NULL if the denominator is 0 */
static inline void
FunnelRatio(Datum *v, bool *isnull, int64 num, int64 den)
{
	*isnull = (den == 0);
	*v = den == 0 ? (Datum) 0 : Float8GetDatum((double) num / (double) den);
}

/* funnel_steps(s): one row per stage */
PG_FUNCTION_INFO_V1(funnel_summary_steps);
Datum
funnel_summary_steps(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FunnelWalk	w;
	int64		reached[FUNNEL_MAX_STAGES + 1];
	int64		in_order[FUNNEL_MAX_STAGES + 1];
	int32		n;

	InitMaterializedSRF(fcinfo, 0);
	FunnelWalkStart(&w, PG_GETARG_DATUM(0));
	n = w.stages.n;
	memset(reached, 0, sizeof(reached));
	memset(in_order, 0, sizeof(in_order));
	/* per deal one count at its depth, then suffix sums */
	while (FunnelWalkNext(&w))
	{
		reached[w.stats.furthest]++;
		in_order[w.stats.in_order]++;
	}
	for (int32 k = n - 1; k >= 0; k--)
	{
		reached[k] += reached[k + 1];
		in_order[k] += in_order[k + 1];
	}
	/* now reached[k] counts deals at depth >= k: stage k (1-based) */
	for (int32 k = 1; k <= n; k++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int32GetDatum(k);
		values[1] = PointerGetDatum(cstring_to_text_with_len(w.stages.names[k - 1],
															 w.stages.lens[k - 1]));
		values[2] = Int64GetDatum(reached[k]);
		values[3] = Int64GetDatum(in_order[k]);
		if (k < n)
			FunnelRatio(&values[4], &nulls[4], reached[k + 1], reached[k]);
		else
			nulls[4] = true;
		FunnelRatio(&values[5], &nulls[5], reached[k], reached[1]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* stage_conversion(s, from, to): reached(to) / reached(from) as a kpi_ratio */
PG_FUNCTION_INFO_V1(funnel_summary_stage_conversion);
Datum
funnel_summary_stage_conversion(PG_FUNCTION_ARGS)
{
	FunnelWalk	w;
	int32		a,
				b;
	int64		num = 0,
				den = 0;

	FunnelWalkStart(&w, PG_GETARG_DATUM(0));
	a = FunnelLookupStage(&w, PG_GETARG_TEXT_PP(1));
	b = FunnelLookupStage(&w, PG_GETARG_TEXT_PP(2));
	while (FunnelWalkNext(&w))
	{
		den += (w.stats.furthest > a);
		num += (w.stats.furthest > b);
	}
	/* kpi_ratio's own input builds it: its layout stays ratio.c's */
	PG_RETURN_DATUM(DirectFunctionCall1(kpi_ratio_in,
										CStringGetDatum(psprintf(INT64_FORMAT "/" INT64_FORMAT,
																 num, den))));
}

/* A new exact duration sketch (duration_sketch's default accuracy beyond 64 values) */
static DurationSketch *
FunnelNewSketch(void)
{
	DurationSketch *ds = DsAlloc(NULL, DS_FORMAT_EXACT, 0, 0);

	ds->alpha = DS_ALPHA_DEFAULT;
	ds->multiplier = DsMultiplier(DS_ALPHA_DEFAULT);
	return ds;
}

static inline DurationSketch *
FunnelSketchAdd(DurationSketch *ds, int64 us)
{
	if (unlikely(us > DS_MAX_ABS_US))
		DsRangeError(psprintf(INT64_FORMAT " microseconds", us));
	return DsAddValue(ds, us);
}

/*
 * Percentile(s) of a sketch through duration_sketch's own accessors
 * (response_time_percentile), NULL when the sketch is empty; p is checked
 * by them, also when it is empty
 */
static Datum
FunnelSketchPercentile(FunctionCallInfo fcinfo, DurationSketch *ds, int parg, bool array)
{
	LOCAL_FCINFO(inner, 2);
	Datum		result;

	InitFunctionCallInfoData(*inner, NULL, 2, InvalidOid, NULL, NULL);
	inner->args[0].value = PointerGetDatum(ds);
	inner->args[0].isnull = false;
	inner->args[1].value = PG_GETARG_DATUM(parg);
	inner->args[1].isnull = false;
	if (array)
		result = duration_sketch_percentile_array(inner);
	else
		result = duration_sketch_percentile(inner);
	if (inner->isnull)
		PG_RETURN_NULL();
	return result;
}

/*
 * time_in_stage(s, stage, p): over deals with a closed stay in stage, the
 * percentile of their cumulative time in it
 */
static Datum
FunnelTimeInStage(FunctionCallInfo fcinfo, bool array)
{
	FunnelWalk	w;
	int32		k;
	uint64		bit;
	DurationSketch *ds = FunnelNewSketch();

	FunnelWalkStart(&w, PG_GETARG_DATUM(0));
	k = FunnelLookupStage(&w, PG_GETARG_TEXT_PP(1));
	bit = UINT64CONST(1) << k;
	while (FunnelWalkNext(&w))
		if (w.stats.closed & bit)
			ds = FunnelSketchAdd(ds, w.stats.time_in[k]);
	return FunnelSketchPercentile(fcinfo, ds, 2, array);
}

PG_FUNCTION_INFO_V1(funnel_summary_time_in_stage);
Datum
funnel_summary_time_in_stage(PG_FUNCTION_ARGS)
{
	return FunnelTimeInStage(fcinfo, false);
}

PG_FUNCTION_INFO_V1(funnel_summary_time_in_stage_array);
Datum
funnel_summary_time_in_stage_array(PG_FUNCTION_ARGS)
{
	return FunnelTimeInStage(fcinfo, true);
}

/*
 * time_between(s, a, b, p): over deals whose first entry into b is not
 * before their first entry into a, the percentile of the difference
 */
PG_FUNCTION_INFO_V1(funnel_summary_time_between);
Datum
funnel_summary_time_between(PG_FUNCTION_ARGS)
{
	FunnelWalk	w;
	int32		a,
				b;
	uint64		both;
	DurationSketch *ds = FunnelNewSketch();

	FunnelWalkStart(&w, PG_GETARG_DATUM(0));
	a = FunnelLookupStage(&w, PG_GETARG_TEXT_PP(1));
	b = FunnelLookupStage(&w, PG_GETARG_TEXT_PP(2));
	both = (UINT64CONST(1) << a) | (UINT64CONST(1) << b);
	while (FunnelWalkNext(&w))
	{
		int64		d;

		if ((w.stats.entered & both) != both || w.stats.first[b] < w.stats.first[a])
			continue;
		if (pg_sub_s64_overflow(w.stats.first[b], w.stats.first[a], &d))
			d = PG_INT64_MAX;
		ds = FunnelSketchAdd(ds, d);
	}
	return FunnelSketchPercentile(fcinfo, ds, 3, false);
}

/* ---------------------------------------------------------------------
 * Equality and hashing (DISTINCT, GROUP BY, UNION, hash joins)
 *
 * Deal by deal on the flat forms (both sorted by key): keys by the key
 * type's equality and hash (a text key may have a short or long header),
 * points by their canonical encoding.
 * ---------------------------------------------------------------------
 */

static bool
FunnelEqual(FunnelFlat *a, FunnelFlat *b)
{
	SpKeyType	kt;
	char	   *pa,
			   *pb;

	if (a->keytype != b->keytype || a->ndeals != b->ndeals ||
		a->nstages != b->nstages || a->stageslen != b->stageslen ||
		memcmp(FunnelFlatStages(a), FunnelFlatStages(b), a->stageslen) != 0)
		return false;
	FunnelKeyTypeInit(&kt, a->keytype);
	pa = FunnelFlatDeals(a);
	pb = FunnelFlatDeals(b);
	for (int32 i = 0; i < a->ndeals; i++)
	{
		FunnelDealData x,
					y;
		const uint8 *ex,
				   *ey;

		CHECK_FOR_INTERRUPTS();
		pa = FunnelReadDeal(&kt, pa, &x);
		pb = FunnelReadDeal(&kt, pb, &y);
		ex = FunnelSkipPoints(&x);
		ey = FunnelSkipPoints(&y);
		if (ex - x.enc != ey - y.enc || memcmp(x.enc, y.enc, ex - x.enc) != 0)
			return false;
		if (!SpKeyEqual(&kt, x.key, y.key))
			return false;
	}
	return true;
}

static uint32
FunnelHash(FunnelFlat *flat)
{
	SpKeyType	kt;
	char	   *p = FunnelFlatDeals(flat);
	uint32		h = hash_combine(hash_uint32(flat->keytype), hash_uint32(flat->ndeals));

	h = hash_combine(h, hash_bytes((const unsigned char *) FunnelFlatStages(flat),
								   flat->stageslen));
	FunnelKeyTypeInit(&kt, flat->keytype);
	for (int32 i = 0; i < flat->ndeals; i++)
	{
		FunnelDealData d;
		const uint8 *e;

		CHECK_FOR_INTERRUPTS();
		p = FunnelReadDeal(&kt, p, &d);
		e = FunnelSkipPoints(&d);
		h = hash_combine(h, hash_bytes(d.enc, e - d.enc));
		h = hash_combine(h, SpKeyHash(&kt, d.key));
	}
	return h;
}

static bool
FunnelEqualArgs(FunctionCallInfo fcinfo)
{
	FunnelFlat *a = FunnelDatumGetFlat(PG_GETARG_DATUM(0));
	FunnelFlat *b = FunnelDatumGetFlat(PG_GETARG_DATUM(1));
	bool		eq = FunnelEqual(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return eq;
}

PG_FUNCTION_INFO_V1(funnel_summary_eq);
Datum
funnel_summary_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(FunnelEqualArgs(fcinfo));
}

PG_FUNCTION_INFO_V1(funnel_summary_ne);
Datum
funnel_summary_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!FunnelEqualArgs(fcinfo));
}

PG_FUNCTION_INFO_V1(funnel_summary_hash);
Datum
funnel_summary_hash(PG_FUNCTION_ARGS)
{
	FunnelFlat *flat = FunnelDatumGetFlat(PG_GETARG_DATUM(0));
	uint32		h = FunnelHash(flat);

	PG_FREE_IF_COPY(flat, 0);
	PG_RETURN_UINT32(h);
}
