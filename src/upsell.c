/*
 * upsell.c
 *	  The upsell_summary type and the upsell_rate KPI: how much a book of
 *	  accounts grew between each account's first and last snapshot.
 *
 * Design note.  Input rows are (account, value, at).  Per account the state
 * keeps the earliest time and the sum of the values at it (the starting
 * value), and the latest time with the sum at it (the current value).
 * Merging two states takes, per account, the earlier start and the later
 * end, summing values at equal times; a row is merged as a one-snapshot
 * state.  That merge is associative and commutative and the sums are exact
 * numerics, so a state does not depend on row order, parallel split or
 * rollup tree.  upsell_rate = (sum of current - sum of starting) / sum of
 * starting.
 *
 * While aggregating, a state of more than a few accounts is a read-write
 * expanded object (see utils/expandeddatum.h): a simplehash table by account
 * in its own memory context, a child of the aggregate context, updated in
 * place row by row.  It is flattened (sorted by key, numerics trimmed, so the
 * text form depends only on the multiset of rows) only when stored, sent to
 * the leader of a parallel plan, or printed.  States of up to
 * UPSELL_SMALL_ACCOUNTS accounts, and every single-account series, stay flat
 * and are rebuilt per row: a memory context per group would make hash
 * aggregation over many groups quadratic.  Transition and combine functions
 * accept flat and expanded states; called outside an aggregate they work on
 * a copy and go on (SpMayUpdateInPlace).
 *
 * Account keys are of any type with default btree and hash operator classes
 * (bigint, text, uuid...): the hash finds the bucket, the btree equality
 * operator decides, and the btree order sorts the flat form.  Collatable
 * keys use the "C" collation, so equality is exact and the order does not
 * depend on the locale.  That machinery, and the key's flat, text and
 * binary forms, are keys.c's; this file keeps what an account holds, and
 * upsell_io.c the summary's text and binary forms.
 *
 * There is no moving-aggregate inverse: removing a row that is an account's
 * first or last snapshot would need the snapshot before it, which the state
 * does not keep.  Window frames whose start moves are recomputed by the
 * executor; frames starting at the partition start are incremental.
 */
#include "salesperf.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/timestamp.h"

#include "codec.h"
#include "keys.h"
#include "upsell.h"

/*
 * An account's value in the hash table: most amounts fit in 16 bytes (up to
 * 20 significant digits) and are kept inline, saving an allocation and its
 * overhead per value; longer ones are allocated in the state's context.
 */
#define UPSELL_INLINE_BYTES		16

typedef union UpsellValue
{
	Numeric		ptr;
	int64		align;			/* buf must be aligned like a varlena */
	char		buf[UPSELL_INLINE_BYTES];
} UpsellValue;

/* One account in the hash table (64 bytes) */
typedef struct UpsellEntry
{
	Datum		key;
	TimestampTz start_at;
	TimestampTz end_at;
	UpsellValue value[2];		/* UPSELL_START, UPSELL_END */
	uint32		hash;
	char		status;
	uint8		inline_mask;	/* bit i set: value[i] is inline */
} UpsellEntry;

#define UPSELL_START	0
#define UPSELL_END		1

#define SH_PREFIX		upsell_tab
#define SH_ELEMENT_TYPE	UpsellEntry
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

static struct varlena *UpsellBuildFlatOf(SpKeyedState *state, MemoryContext cxt);

static const SpKeyedClass UpsellClass = {"upsell_summary", UpsellBuildFlatOf};

/* ---------------------------------------------------------------------
 * Key type support
 * ---------------------------------------------------------------------
 */

/* Look up a key type, or raise 42883 if accounts cannot be keyed by it */
static void
UpsellKeyTypeInit(SpKeyType *kt, Oid type)
{
	SpKeyTypeRequire(kt, type, "account",
					 "Accounts are told apart by the key type's equality, found by hashing and sorted for a canonical state.",
					 "Use a key of type bigint, text or uuid, or cast the key to one.");
}

/*
 * Raise 0A000 unless a new summary may be keyed by type: a flat summary
 * records its key type by OID, so a user-defined type (an enum, a domain, a
 * composite, an extension's type) dropped or altered later would make every
 * summary keyed by it unreadable and undumpable.  Built-in types cannot be.
 */
static void
UpsellCheckNewKeyType(Oid type)
{
	SpKeyCheckNewType(type, "upsell_summary",
					  "Cast the account key to a built-in type, e.g. account::text.");
}

/*
 * Text and binary input of a summary keyed by a user-defined type: what
 * 0.1.0 and 0.2.0 could store, and what output and send still write for such
 * a stored summary, so input accepts it (a dump of it must restore).  Warn
 * once per call site (a COPY warns once, not once a row).
 */
void
UpsellWarnUserKeyType(FunctionCallInfo fcinfo, Oid type)
{
	if (!OidIsValid(type) || SpKeyTypeIsBuiltin(type))
		return;
	if (fcinfo->flinfo != NULL)
	{
		if (fcinfo->flinfo->fn_extra != NULL)
			return;
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, 1);
	}
	ereport(WARNING,
			(errcode(ERRCODE_WARNING_DEPRECATED_FEATURE),
			 errmsg("upsell_summary keyed by user-defined type %s", format_type_be(type)),
			 errdetail("It cannot be read or dumped once the type is dropped or altered, and aggregates no longer build such summaries."),
			 errhint("Rebuild it with the keys cast to a built-in type, e.g. text.")));
}

/* A numeric as text */
char *
UpsellNumericOut(Numeric n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
}

/* Error unless two states have the same kind of key */
static void
UpsellCheckSameKeyType(Oid a, Oid b)
{
	if (a == b)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("cannot merge upsell summaries with different account keys"),
			 errdetail("One summary is %s, the other is %s.",
					   OidIsValid(a) ? psprintf("keyed by %s", format_type_be(a)) : "a single series without key",
					   OidIsValid(b) ? psprintf("keyed by %s", format_type_be(b)) : "a single series without key"),
			 errhint("Build the summaries with the same account key type, e.g. cast every key to bigint or text.")));
}

/* ---------------------------------------------------------------------
 * The expanded state
 * ---------------------------------------------------------------------
 */

/* A new, empty expanded state in a child context of parent */
UpsellState *
UpsellNew(Oid keytype, MemoryContext parent, uint32 nelements)
{
	MemoryContext cxt;
	UpsellState *state;
	MemoryContext old;

	state = SpKeyedNew(&UpsellClass, sizeof(UpsellState), parent);
	cxt = state->ks.hdr.eoh_context;
	UpsellKeyTypeInit(&state->ks.key, keytype);
	old = MemoryContextSwitchTo(cxt);
	state->accounts = upsell_tab_create(cxt, Max(nelements, 8), &state->ks.key);
	MemoryContextSwitchTo(old);
	return state;
}

/* The expanded state behind a datum, or NULL if the datum is flat */
static UpsellState *
UpsellDatumGetExpanded(Datum d)
{
	return (UpsellState *) SpKeyedFromDatum(&UpsellClass, d);
}

/* Copy a numeric into the state's context */
static Numeric
UpsellCopyNumeric(UpsellState *state, Numeric n)
{
	Numeric		copy = MemoryContextAlloc(state->ks.hdr.eoh_context, VARSIZE(n));

	memcpy(copy, n, VARSIZE(n));
	return copy;
}

/*
 * An account's starting or current value.  The pointer is into the hash
 * table when the value is inline: do not keep it across an insertion.
 */
static inline Numeric
UpsellGetValue(UpsellEntry *e, int which)
{
	if (e->inline_mask & (1 << which))
		return (Numeric) e->value[which].buf;
	return e->value[which].ptr;
}

/* Store a copy of n as value[which]; fresh: the slot holds nothing yet */
static void
UpsellSetValue(UpsellState *state, UpsellEntry *e, int which, Numeric n, bool fresh)
{
	UpsellValue *v = &e->value[which];
	uint8		bit = 1 << which;
	Size		size = VARSIZE(n);

	if (!fresh && !(e->inline_mask & bit))
	{
		/* an allocated value no shorter than n keeps its chunk */
		if (size > UPSELL_INLINE_BYTES && size <= VARSIZE(v->ptr))
		{
			memcpy(v->ptr, n, size);
			return;
		}
		pfree(v->ptr);
	}
	if (size <= UPSELL_INLINE_BYTES)
	{
		memcpy(v->buf, n, size);
		e->inline_mask |= bit;
	}
	else
	{
		v->ptr = UpsellCopyNumeric(state, n);
		e->inline_mask &= ~bit;
	}
}

/* value[which] += n */
static void
UpsellAddTo(UpsellState *state, UpsellEntry *e, int which, Numeric n)
{
	Numeric		sum = DatumGetNumeric(DirectFunctionCall2(numeric_add,
														  NumericGetDatum(UpsellGetValue(e, which)),
														  NumericGetDatum(n)));

	UpsellSetValue(state, e, which, sum, false);
	pfree(sum);
}

/*
 * Merge one account's (start, end) into the state: the earlier start and the
 * later end win, equal times add up.  With a duplicate_errcode (text and
 * binary input), an account already present is that error instead.
 */
void
UpsellMergeAccount(UpsellState *state, UpsellAccountData *a, int duplicate_errcode)
{
	UpsellEntry *e;
	bool		found;

	SpKeyedInvalidateFlat(&state->ks);
	e = upsell_tab_insert(state->accounts, a->key, &found);
	if (!found)
	{
		if (OidIsValid(state->ks.key.type) && !state->ks.key.typbyval)
		{
			/* the probe key lives in the caller's memory: keep a copy */
			MemoryContext old = MemoryContextSwitchTo(state->ks.hdr.eoh_context);

			e->key = SpKeyCopy(&state->ks.key, a->key);
			MemoryContextSwitchTo(old);
		}
		e->start_at = a->start_at;
		e->end_at = a->end_at;
		e->inline_mask = 0;
		UpsellSetValue(state, e, UPSELL_START, a->start_value, true);
		UpsellSetValue(state, e, UPSELL_END, a->end_value, true);
		return;
	}
	if (duplicate_errcode != 0)
		ereport(ERROR,
				(errcode(duplicate_errcode),
				 errmsg("duplicate account in upsell_summary"),
				 errdetail("Account %s appears more than once.",
						   OidIsValid(state->ks.key.type) ?
						   SpKeyOut(state->ks.key.type, a->key) : "(series)")));

	if (a->start_at < e->start_at)
	{
		e->start_at = a->start_at;
		UpsellSetValue(state, e, UPSELL_START, a->start_value, false);
	}
	else if (a->start_at == e->start_at)
		UpsellAddTo(state, e, UPSELL_START, a->start_value);

	if (a->end_at > e->end_at)
	{
		e->end_at = a->end_at;
		UpsellSetValue(state, e, UPSELL_END, a->end_value, false);
	}
	else if (a->end_at == e->end_at)
		UpsellAddTo(state, e, UPSELL_END, a->end_value);
}

/* Number of accounts in an expanded state */
uint32
UpsellAccountCount(UpsellState *state)
{
	return state->accounts->members;
}

/* ---------------------------------------------------------------------
 * Flat form: building, walking, expanding
 * ---------------------------------------------------------------------
 */

/* Bytes one account takes in the flat form */
static Size
UpsellAccountSize(SpKeyType *kt, UpsellAccountData *a)
{
	Size		size = MAXALIGN(2 * sizeof(TimestampTz));

	size += MAXALIGN(VARSIZE(a->start_value));
	if (a->end_at != a->start_at)
		size += MAXALIGN(VARSIZE(a->end_value));
	size += MAXALIGN(SpKeyFlatSize(kt, a->key));
	return size;
}

/* Write one account at p; returns the next free position */
static char *
UpsellWriteAccount(SpKeyType *kt, UpsellAccountData *a, char *p)
{
	memcpy(p, &a->start_at, sizeof(TimestampTz));
	memcpy(p + sizeof(TimestampTz), &a->end_at, sizeof(TimestampTz));
	p += MAXALIGN(2 * sizeof(TimestampTz));
	memcpy(p, a->start_value, VARSIZE(a->start_value));
	p += MAXALIGN(VARSIZE(a->start_value));
	if (a->end_at != a->start_at)
	{
		memcpy(p, a->end_value, VARSIZE(a->end_value));
		p += MAXALIGN(VARSIZE(a->end_value));
	}
	return SpKeyWriteFlat(kt, a->key, p);
}

/* Read the account at p; returns the position of the next one */
char *
UpsellReadAccount(SpKeyType *kt, char *p, UpsellAccountData *a)
{
	memcpy(&a->start_at, p, sizeof(TimestampTz));
	memcpy(&a->end_at, p + sizeof(TimestampTz), sizeof(TimestampTz));
	p += MAXALIGN(2 * sizeof(TimestampTz));
	a->start_value = (Numeric) p;
	p += MAXALIGN(VARSIZE(a->start_value));
	if (a->end_at != a->start_at)
	{
		a->end_value = (Numeric) p;
		p += MAXALIGN(VARSIZE(a->end_value));
	}
	else
		a->end_value = a->start_value;
	return SpKeyReadFlat(kt, p, &a->key);
}

/* Order of accounts in the flat form */
static int
UpsellCompareEntries(const void *a, const void *b, void *arg)
{
	const UpsellEntry *ea = *(UpsellEntry *const *) a;
	const UpsellEntry *eb = *(UpsellEntry *const *) b;

	return ApplySortComparator(ea->key, false, eb->key, false, (SortSupport) arg);
}

/* An entry with its values in canonical form (new copies: free them after) */
static void
UpsellCanonicalAccount(UpsellEntry *e, UpsellAccountData *a)
{
	a->key = e->key;
	a->start_at = e->start_at;
	a->end_at = e->end_at;
	a->start_value = SpNumericCanonical(UpsellGetValue(e, UPSELL_START));
	a->end_value = a->end_at == a->start_at ? a->start_value :
		SpNumericCanonical(UpsellGetValue(e, UPSELL_END));
}

/* Free what UpsellCanonicalAccount allocated */
static void
UpsellFreeCanonical(UpsellAccountData *a)
{
	if (a->end_value != a->start_value)
		pfree(a->end_value);
	pfree(a->start_value);
}

/*
 * The canonical flat form of an expanded state, allocated in cxt: accounts
 * sorted by key, numerics with trailing fractional zeros trimmed.  Values are
 * trimmed twice, to size and to write, rather than held: a state of a
 * million accounts would need another 100 MB for them.
 */
UpsellFlat *
UpsellBuildFlat(UpsellState *state, MemoryContext cxt)
{
	uint32		n = state->accounts->members;
	UpsellEntry **entries;
	upsell_tab_iterator it;
	UpsellEntry *e;
	Size		size = UPSELL_FLAT_HDRSZ;
	UpsellFlat *flat;
	char	   *p;
	uint32		i = 0;
	MemoryContext scratch;
	MemoryContext old;

	/*
	 * The caller's context may not support pfree (since PostgreSQL 17 a
	 * tuplesort flattens into a bump context): the temporary memory lives in
	 * a context of our own, deleted at the end.
	 */
	scratch = AllocSetContextCreate(state->ks.hdr.eoh_context, "upsell_summary flatten",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(scratch);
	entries = palloc_extended(Max(n, 1) * sizeof(UpsellEntry *), MCXT_ALLOC_HUGE);
	upsell_tab_start_iterate(state->accounts, &it);
	while ((e = upsell_tab_iterate(state->accounts, &it)) != NULL)
		entries[i++] = e;
	Assert(i == n);

	if (OidIsValid(state->ks.key.type) && n > 1)
	{
		SortSupportData ssup;

		memset(&ssup, 0, sizeof(ssup));
		ssup.ssup_cxt = CurrentMemoryContext;
		SpKeySortSupport(&state->ks.key, &ssup);
		qsort_arg(entries, n, sizeof(UpsellEntry *), UpsellCompareEntries, &ssup);
	}

	for (i = 0; i < n; i++)
	{
		UpsellAccountData a;

		CHECK_FOR_INTERRUPTS();
		UpsellCanonicalAccount(entries[i], &a);
		size += UpsellAccountSize(&state->ks.key, &a);
		UpsellFreeCanonical(&a);
		if (size > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("upsell_summary too large"),
					 errdetail("A summary of %u accounts needs more than %zu bytes.",
							   n, (Size) MaxAllocSize),
					 errhint("Summarize fewer accounts per group, e.g. per account manager.")));
	}

	flat = MemoryContextAllocZero(cxt, size);
	SET_VARSIZE(flat, size);
	flat->version = UPSELL_FLAT_VERSION;
	flat->keytype = state->ks.key.type;
	flat->naccounts = (int32) n;
	p = (char *) flat + UPSELL_FLAT_HDRSZ;
	for (i = 0; i < n; i++)
	{
		UpsellAccountData a;

		CHECK_FOR_INTERRUPTS();
		UpsellCanonicalAccount(entries[i], &a);
		p = UpsellWriteAccount(&state->ks.key, &a, p);
		UpsellFreeCanonical(&a);
	}
	Assert(p == (char *) flat + size);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(scratch);
	return flat;
}

/* The build_flat of UpsellClass */
static struct varlena *
UpsellBuildFlatOf(SpKeyedState *state, MemoryContext cxt)
{
	return (struct varlena *) UpsellBuildFlat((UpsellState *) state, cxt);
}

/* The flat form of any upsell_summary datum (flattening an expanded one) */
UpsellFlat *
UpsellDatumGetFlat(Datum d)
{
	UpsellFlat *flat = (UpsellFlat *) PG_DETOAST_DATUM(d);

	if (flat->version != UPSELL_FLAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("upsell_summary has unknown layout version %d", flat->version)));
	return flat;
}

/* Merge every account of any upsell_summary datum into the state */
static void
UpsellMergeDatum(UpsellState *state, Datum d)
{
	UpsellState *other = UpsellDatumGetExpanded(d);

	if (other != NULL)
	{
		upsell_tab_iterator it;
		UpsellEntry *e;

		UpsellCheckSameKeyType(state->ks.key.type, other->ks.key.type);
		upsell_tab_start_iterate(other->accounts, &it);
		while ((e = upsell_tab_iterate(other->accounts, &it)) != NULL)
		{
			UpsellAccountData a = {e->key, e->start_at, e->end_at,
			UpsellGetValue(e, UPSELL_START), UpsellGetValue(e, UPSELL_END)};

			CHECK_FOR_INTERRUPTS();
			UpsellMergeAccount(state, &a, 0);
		}
	}
	else
	{
		UpsellFlat *flat = UpsellDatumGetFlat(d);
		char	   *p = (char *) flat + UPSELL_FLAT_HDRSZ;

		UpsellCheckSameKeyType(state->ks.key.type, flat->keytype);
		for (int32 i = 0; i < flat->naccounts; i++)
		{
			UpsellAccountData a;

			CHECK_FOR_INTERRUPTS();
			p = UpsellReadAccount(&state->ks.key, p, &a);
			UpsellMergeAccount(state, &a, 0);
		}
	}
}

/* A new expanded state under parent holding a copy of any summary datum */
static UpsellState *
UpsellExpandDatum(Datum d, MemoryContext parent)
{
	UpsellState *other = UpsellDatumGetExpanded(d);
	UpsellState *state;

	if (other != NULL)
		state = UpsellNew(other->ks.key.type, parent, other->accounts->members);
	else
	{
		UpsellFlat *flat = UpsellDatumGetFlat(d);

		state = UpsellNew(flat->keytype, parent, flat->naccounts);
	}
	UpsellMergeDatum(state, d);
	return state;
}

/* a + b; with free_a, a is freed unless it is the shared zero */
static Numeric
UpsellSum(Numeric a, Numeric b, bool free_a)
{
	Numeric		sum = DatumGetNumeric(DirectFunctionCall2(numeric_add,
														  NumericGetDatum(a),
														  NumericGetDatum(b)));

	if (free_a && a != SpNumericZero())
		pfree(a);
	return sum;
}

/* ---------------------------------------------------------------------
 * Small states
 *
 * A state of few accounts stays flat, and a row is merged by rebuilding it.
 * An expanded state needs its own memory context, and hash aggregation
 * re-measures every context of the aggregate each time it adds a group, so
 * a context per group would make GROUP BY account quadratic (array_agg avoids
 * subcontexts for the same reason).  Series (one account) are always flat;
 * keyed states are expanded when they reach UPSELL_SMALL_ACCOUNTS accounts.
 * ---------------------------------------------------------------------
 */

#define UPSELL_SMALL_ACCOUNTS	8

/* Merge b's snapshots into a (same account), as UpsellMergeAccount does */
static void
UpsellMergeValues(UpsellAccountData *a, UpsellAccountData *b)
{
	if (b->start_at < a->start_at)
	{
		a->start_at = b->start_at;
		a->start_value = b->start_value;
	}
	else if (b->start_at == a->start_at)
		a->start_value = UpsellSum(a->start_value, b->start_value, false);
	if (b->end_at > a->end_at)
	{
		a->end_at = b->end_at;
		a->end_value = b->end_value;
	}
	else if (b->end_at == a->end_at)
		a->end_value = UpsellSum(a->end_value, b->end_value, false);
}

/*
 * A new flat state (in the current context): the accounts of flat (or none
 * if NULL) with account b merged in, still sorted and canonical.
 */
static UpsellFlat *
UpsellFlatWithAccount(SpKeyType *kt, UpsellFlat *flat, UpsellAccountData *b)
{
	int32		n = flat ? flat->naccounts : 0;
	UpsellAccountData *accts = palloc((n + 1) * sizeof(UpsellAccountData));
	char	   *p = flat ? (char *) flat + UPSELL_FLAT_HDRSZ : NULL;
	int32		pos = n;
	bool		found = false;
	Size		size = UPSELL_FLAT_HDRSZ;
	UpsellFlat *result;
	UpsellAccountData *m;

	for (int32 i = 0; i < n; i++)
	{
		p = UpsellReadAccount(kt, p, &accts[i]);
		if (pos == n)
		{
			int			c = SpKeyCompare(kt, accts[i].key, b->key);

			if (c >= 0)
			{
				pos = i;
				found = (c == 0);
			}
		}
	}
	if (found)
		m = &accts[pos];
	else
	{
		memmove(&accts[pos + 1], &accts[pos], (n - pos) * sizeof(UpsellAccountData));
		m = &accts[pos];
		*m = *b;
		n++;
	}
	if (found)
		UpsellMergeValues(m, b);
	/* only the merged account can be out of canonical form */
	m->start_value = SpNumericCanonical(m->start_value);
	m->end_value = m->end_at == m->start_at ? m->start_value :
		SpNumericCanonical(m->end_value);

	for (int32 i = 0; i < n; i++)
		size += UpsellAccountSize(kt, &accts[i]);
	result = palloc0(size);
	SET_VARSIZE(result, size);
	result->version = UPSELL_FLAT_VERSION;
	result->keytype = kt->type;
	result->naccounts = n;
	p = (char *) result + UPSELL_FLAT_HDRSZ;
	for (int32 i = 0; i < n; i++)
		p = UpsellWriteAccount(kt, &accts[i], p);
	pfree(accts);
	return result;
}

/* ---------------------------------------------------------------------
 * Totals and the retention breakdown, for the accessors
 *
 * One pass over the accounts of a flat or expanded summary gives every
 * accessor its sums.  Per account, with s its starting and c its current
 * value (c, s >= 0), exactly one of these holds:
 *
 *	c > s			expansion += c - s		(includes s = 0: a new account)
 *	c = s			unchanged
 *	0 < c < s		contraction += s - c
 *	c = 0 < s		churned_value += s, churned_accounts += 1
 *
 * so sum(c) - sum(s) = expansion - contraction - churned_value, exactly (the
 * sums are numerics).  A series is one account and has the same breakdown.
 * ---------------------------------------------------------------------
 */

typedef struct UpsellTotals
{
	/* always */
	Numeric		starting;
	Numeric		current;
	int64		accounts;
	/* with breakdown */
	bool		breakdown;
	Numeric		expansion;
	Numeric		contraction;
	Numeric		churned_value;
	int64		churned_accounts;
	/* with cohort: accounts whose first snapshot is at or after since */
	bool		cohort;
	TimestampTz since;
	int64		new_accounts;
	Numeric		new_value;		/* their current values */
} UpsellTotals;

/* acc + (x - y); acc is freed unless it is the shared zero */
static Numeric
UpsellSumDiff(Numeric acc, Numeric x, Numeric y)
{
	Numeric		diff = DatumGetNumeric(DirectFunctionCall2(numeric_sub,
														   NumericGetDatum(x),
														   NumericGetDatum(y)));
	Numeric		sum = UpsellSum(acc, diff, true);

	pfree(diff);
	return sum;
}

/* Add one account (first snapshot at start_at, values s and c) to t */
static inline void
UpsellTallyAccount(UpsellTotals *t, TimestampTz start_at, Numeric s, Numeric c)
{
	CHECK_FOR_INTERRUPTS();
	t->starting = UpsellSum(t->starting, s, true);
	t->current = UpsellSum(t->current, c, true);
	if (t->breakdown)
	{
		int			cmp = DatumGetInt32(DirectFunctionCall2(numeric_cmp,
															NumericGetDatum(c),
															NumericGetDatum(s)));

		if (cmp > 0)
			t->expansion = UpsellSumDiff(t->expansion, c, s);
		else if (cmp < 0 && SpNumericSign(c) == 0)
		{
			t->churned_value = UpsellSum(t->churned_value, s, true);
			t->churned_accounts++;
		}
		else if (cmp < 0)
			t->contraction = UpsellSumDiff(t->contraction, s, c);
	}
	if (t->cohort && start_at >= t->since)
	{
		t->new_value = UpsellSum(t->new_value, c, true);
		t->new_accounts++;
	}
}

/*
 * Sums over the accounts of a flat or expanded summary: the totals always,
 * the breakdown with breakdown, the cohort of new accounts with cohort (and
 * its since).  Every sum is returned in canonical form.
 */
static void
UpsellGetTotalsExt(Datum d, UpsellTotals *t, bool breakdown, bool cohort,
				   TimestampTz since)
{
	UpsellState *state = UpsellDatumGetExpanded(d);

	memset(t, 0, sizeof(*t));
	t->starting = t->current = SpNumericZero();
	t->expansion = t->contraction = t->churned_value = t->new_value = SpNumericZero();
	t->breakdown = breakdown;
	t->cohort = cohort;
	t->since = since;
	if (state != NULL)
	{
		upsell_tab_iterator it;
		UpsellEntry *e;

		upsell_tab_start_iterate(state->accounts, &it);
		while ((e = upsell_tab_iterate(state->accounts, &it)) != NULL)
			UpsellTallyAccount(t, e->start_at, UpsellGetValue(e, UPSELL_START),
							   UpsellGetValue(e, UPSELL_END));
		t->accounts = state->accounts->members;
	}
	else
	{
		UpsellFlat *flat = UpsellDatumGetFlat(d);
		SpKeyType	kt;
		char	   *p = (char *) flat + UPSELL_FLAT_HDRSZ;

		/* walking needs only the key's length, not its operators */
		SpKeyTypeInitStorage(&kt, flat->keytype);
		for (int32 i = 0; i < flat->naccounts; i++)
		{
			UpsellAccountData a;

			p = UpsellReadAccount(&kt, p, &a);
			UpsellTallyAccount(t, a.start_at, a.start_value, a.end_value);
		}
		t->accounts = flat->naccounts;
	}
	t->starting = SpNumericCanonical(t->starting);
	t->current = SpNumericCanonical(t->current);
	t->expansion = SpNumericCanonical(t->expansion);
	t->contraction = SpNumericCanonical(t->contraction);
	t->churned_value = SpNumericCanonical(t->churned_value);
	t->new_value = SpNumericCanonical(t->new_value);
}

/* The totals only (upsell_rate, starting_value, current_value) */
static void
UpsellGetTotals(Datum d, UpsellTotals *t)
{
	UpsellGetTotalsExt(d, t, false, false, 0);
}

/* ---------------------------------------------------------------------
 * Transition and combine functions
 * ---------------------------------------------------------------------
 */

/*
 * The state argument 0, ready to be changed, with new states under cxt
 * (SpStateContext).  In an aggregate (SpMayUpdateInPlace) it is the
 * executor's own read-write expanded object, changed in place, or a new one
 * expanded from a flat state (which the executor then frees).  Called any
 * other way it is always a new expanded copy, so the caller's datum is left
 * alone.  A NULL state gives a new empty one for keytype.
 */
static UpsellState *
UpsellStateForUpdate(FunctionCallInfo fcinfo, Oid keytype, MemoryContext cxt)
{
	Datum		d;
	UpsellState *state;

	if (PG_ARGISNULL(0))
		return UpsellNew(keytype, cxt, 8);
	d = PG_GETARG_DATUM(0);
	state = UpsellDatumGetExpanded(d);
	if (SpKeyedMayUpdate(fcinfo, (SpKeyedState *) state, cxt))
		return state;
	return UpsellExpandDatum(d, cxt);
}

/* Reject a value that is not a finite, non-negative amount */
static void
UpsellCheckValue(Numeric value, Oid keytype, Datum key, TimestampTz at)
{
	const char *what;

	if (numeric_is_nan(value) || numeric_is_inf(value))
		what = "account value must be a finite number";
	else if (SpNumericSign(value) < 0)
		what = "account value must not be negative";
	else
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", what),
			 OidIsValid(keytype) ?
			 errdetail("Account %s has value %s at %s.", SpKeyOut(keytype, key),
					   UpsellNumericOut(value),
					   DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(at)))) :
			 errdetail("The series has value %s at %s.", UpsellNumericOut(value),
					   DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(at)))),
			 errhint("An account's value is what it is worth at that time: record credits as a lower value, never below zero.")));
}

/* The key type of a call site, looked up once */
static SpKeyType *
UpsellCallKeyType(FunctionCallInfo fcinfo, Oid type)
{
	SpKeyType *kt = fcinfo->flinfo->fn_extra;

	if (kt == NULL || kt->type != type)
	{
		if (kt == NULL)
			kt = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(SpKeyType));
		UpsellKeyTypeInit(kt, type);
		fcinfo->flinfo->fn_extra = kt;
	}
	return kt;
}

/*
 * Merge one account into the transition state argument 0 (NULL, flat or
 * expanded) and return the new state: a small flat state is rebuilt (the
 * executor copies it and frees the old one), an expanded one is changed in
 * place when UpsellStateForUpdate allows it, else a copy is.
 */
static Datum
UpsellAddToState(FunctionCallInfo fcinfo, MemoryContext cxt, SpKeyType *kt,
				 UpsellAccountData *a)
{
	UpsellState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(UpsellFlatWithAccount(kt, NULL, a));
	if (UpsellDatumGetExpanded(PG_GETARG_DATUM(0)) == NULL)
	{
		UpsellFlat *flat = UpsellDatumGetFlat(PG_GETARG_DATUM(0));

		UpsellCheckSameKeyType(flat->keytype, kt->type);
		if (!OidIsValid(kt->type) || flat->naccounts < UPSELL_SMALL_ACCOUNTS)
			PG_RETURN_POINTER(UpsellFlatWithAccount(kt, flat, a));
	}
	state = UpsellStateForUpdate(fcinfo, kt->type, cxt);
	UpsellCheckSameKeyType(state->ks.key.type, kt->type);
	UpsellMergeAccount(state, a, 0);
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->ks.hdr));
}

/* Add one snapshot row (key, value, at) to the state */
static Datum
UpsellAddRow(FunctionCallInfo fcinfo, SpKeyType *kt, Datum key, int valarg)
{
	MemoryContext cxt = SpStateContext(fcinfo);
	UpsellAccountData a;

	if (PG_ARGISNULL(valarg) || PG_ARGISNULL(valarg + 1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	a.key = key;
	a.start_value = a.end_value = PG_GETARG_NUMERIC(valarg);
	a.start_at = a.end_at = PG_GETARG_TIMESTAMPTZ(valarg + 1);
	UpsellCheckValue(a.start_value, kt->type, key, a.start_at);
	return UpsellAddToState(fcinfo, cxt, kt, &a);
}

/* upsell_rate(account, value, at): one snapshot of one account */
PG_FUNCTION_INFO_V1(upsell_summary_trans);
Datum
upsell_summary_trans(PG_FUNCTION_ARGS)
{
	SpKeyType *kt;
	Datum		key;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	kt = fcinfo->flinfo->fn_extra;
	if (kt == NULL)
	{
		Oid			type = SpKeyArgType(fcinfo, 1, "account");

		UpsellCheckNewKeyType(type);
		kt = UpsellCallKeyType(fcinfo, type);
	}
	key = PG_GETARG_DATUM(1);
	/* keep no toast pointers or compressed keys in the state */
	if (kt->typlen == -1)
		key = PointerGetDatum(PG_DETOAST_DATUM_PACKED(key));
	return UpsellAddRow(fcinfo, kt, key, 2);
}

/* upsell_rate(value, at): one snapshot of the single series */
PG_FUNCTION_INFO_V1(upsell_summary_series_trans);
Datum
upsell_summary_series_trans(PG_FUNCTION_ARGS)
{
	return UpsellAddRow(fcinfo, UpsellCallKeyType(fcinfo, InvalidOid), (Datum) 0, 1);
}

/*
 * Combine function of every upsell aggregate, and rollup()'s transition.
 * Called directly, it leaves both arguments alone (UpsellStateForUpdate).
 */
PG_FUNCTION_INFO_V1(upsell_summary_combine);
Datum
upsell_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt;
	UpsellState *state;
	UpsellFlat *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	cxt = SpStateContext(fcinfo);

	/*
	 * Small flat states merge into a new small flat state, account by
	 * account (see "Small states" above); anything bigger is expanded.
	 */
	other = UpsellDatumGetExpanded(PG_GETARG_DATUM(1)) ? NULL :
		UpsellDatumGetFlat(PG_GETARG_DATUM(1));
	if (other != NULL)
	{
		SpKeyType *kt = UpsellCallKeyType(fcinfo, other->keytype);
		UpsellFlat *flat = NULL;

		if (!PG_ARGISNULL(0) && UpsellDatumGetExpanded(PG_GETARG_DATUM(0)) == NULL)
		{
			flat = UpsellDatumGetFlat(PG_GETARG_DATUM(0));
			UpsellCheckSameKeyType(flat->keytype, other->keytype);
		}
		if (PG_ARGISNULL(0) || flat != NULL)
		{
			int32		n = flat ? flat->naccounts : 0;

			if (!OidIsValid(kt->type) ||
				n + other->naccounts <= UPSELL_SMALL_ACCOUNTS)
			{
				char	   *p = (char *) other + UPSELL_FLAT_HDRSZ;

				if (flat == NULL)
					PG_RETURN_POINTER(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(1)));
				for (int32 i = 0; i < other->naccounts; i++)
				{
					UpsellAccountData a;

					p = UpsellReadAccount(kt, p, &a);
					flat = UpsellFlatWithAccount(kt, flat, &a);
				}
				PG_RETURN_POINTER(flat);
			}
		}
	}

	if (PG_ARGISNULL(0))
		state = UpsellExpandDatum(PG_GETARG_DATUM(1), cxt);
	else
	{
		state = UpsellStateForUpdate(fcinfo, InvalidOid, cxt);
		UpsellMergeDatum(state, PG_GETARG_DATUM(1));
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->ks.hdr));
}

/* ---------------------------------------------------------------------
 * Final functions and accessors
 * ---------------------------------------------------------------------
 */

/* Final function of upsell_rate_agg and rollup: the state as a flat copy */
PG_FUNCTION_INFO_V1(upsell_summary_final);
Datum
upsell_summary_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(SpKeyedFinal(&UpsellClass, PG_GETARG_DATUM(0)));
}

/* (current - starting) / starting; NULL when the starting total is zero */
PG_FUNCTION_INFO_V1(upsell_summary_rate);
Datum
upsell_summary_rate(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetTotals(PG_GETARG_DATUM(0), &t);
	if (SpNumericSign(t.starting) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(SpNumericRatio(SpNumericSub(t.current, t.starting), t.starting));
}

/* Sum of the starting values, exact */
PG_FUNCTION_INFO_V1(upsell_summary_starting_value);
Datum
upsell_summary_starting_value(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetTotals(PG_GETARG_DATUM(0), &t);
	PG_RETURN_NUMERIC(t.starting);
}

/* Sum of the current values, exact */
PG_FUNCTION_INFO_V1(upsell_summary_current_value);
Datum
upsell_summary_current_value(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetTotals(PG_GETARG_DATUM(0), &t);
	PG_RETURN_NUMERIC(t.current);
}

/* Number of distinct accounts */
PG_FUNCTION_INFO_V1(upsell_summary_account_count);
Datum
upsell_summary_account_count(PG_FUNCTION_ARGS)
{
	Datum		d = PG_GETARG_DATUM(0);
	UpsellState *state = UpsellDatumGetExpanded(d);

	if (state != NULL)
		PG_RETURN_INT64(state->accounts->members);
	PG_RETURN_INT64(UpsellDatumGetFlat(d)->naccounts);
}

/*
 * The retention breakdown (see "Totals and the retention breakdown" above):
 * exact sums and counts, and the two retention ratios, NULL when the
 * starting total is zero
 */
static void
UpsellGetBreakdown(FunctionCallInfo fcinfo, UpsellTotals *t)
{
	UpsellGetTotalsExt(PG_GETARG_DATUM(0), t, true, false, 0);
}

PG_FUNCTION_INFO_V1(upsell_summary_expansion);
Datum
upsell_summary_expansion(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetBreakdown(fcinfo, &t);
	PG_RETURN_NUMERIC(t.expansion);
}

PG_FUNCTION_INFO_V1(upsell_summary_contraction);
Datum
upsell_summary_contraction(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetBreakdown(fcinfo, &t);
	PG_RETURN_NUMERIC(t.contraction);
}

PG_FUNCTION_INFO_V1(upsell_summary_churned_value);
Datum
upsell_summary_churned_value(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetBreakdown(fcinfo, &t);
	PG_RETURN_NUMERIC(t.churned_value);
}

PG_FUNCTION_INFO_V1(upsell_summary_churned_accounts);
Datum
upsell_summary_churned_accounts(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetBreakdown(fcinfo, &t);
	PG_RETURN_INT64(t.churned_accounts);
}

/* (starting - contraction - churned value) / starting */
PG_FUNCTION_INFO_V1(upsell_summary_gross_retention);
Datum
upsell_summary_gross_retention(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetBreakdown(fcinfo, &t);
	if (SpNumericSign(t.starting) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(SpNumericRatio(SpNumericSub(SpNumericSub(t.starting, t.contraction),
												 t.churned_value),
									t.starting));
}

/* current / starting */
PG_FUNCTION_INFO_V1(upsell_summary_net_retention);
Datum
upsell_summary_net_retention(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetTotals(PG_GETARG_DATUM(0), &t);
	if (SpNumericSign(t.starting) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(SpNumericRatio(t.current, t.starting));
}

/* Accounts whose first snapshot is at or after since, and their current value */
PG_FUNCTION_INFO_V1(upsell_summary_new_accounts);
Datum
upsell_summary_new_accounts(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetTotalsExt(PG_GETARG_DATUM(0), &t, false, true, PG_GETARG_TIMESTAMPTZ(1));
	PG_RETURN_INT64(t.new_accounts);
}

PG_FUNCTION_INFO_V1(upsell_summary_new_value);
Datum
upsell_summary_new_value(PG_FUNCTION_ARGS)
{
	UpsellTotals t;

	UpsellGetTotalsExt(PG_GETARG_DATUM(0), &t, false, true, PG_GETARG_TIMESTAMPTZ(1));
	PG_RETURN_NUMERIC(t.new_value);
}

/* ---------------------------------------------------------------------
 * Equality and hashing (DISTINCT, GROUP BY, UNION, hash joins)
 * ---------------------------------------------------------------------
 */

/*
 * Summaries are compared account by account on their flat forms (both
 * sorted by key), not byte by byte: a text key can be stored with a short
 * or a long varlena header depending on where it came from, and a key type
 * may have equal values with different images (numeric 1.0 and 1.00).  So
 * keys are compared with the key type's equality and hashed with its hash
 * function (both "C" for collatable keys), amounts with numeric_eq and
 * hash_numeric: exactly how the state itself tells accounts apart.
 */
static bool
UpsellEqual(UpsellFlat *a, UpsellFlat *b)
{
	SpKeyType kt;
	char	   *pa = (char *) a + UPSELL_FLAT_HDRSZ;
	char	   *pb = (char *) b + UPSELL_FLAT_HDRSZ;

	if (a->keytype != b->keytype || a->naccounts != b->naccounts)
		return false;
	UpsellKeyTypeInit(&kt, a->keytype);
	for (int32 i = 0; i < a->naccounts; i++)
	{
		UpsellAccountData x,
					y;

		CHECK_FOR_INTERRUPTS();
		pa = UpsellReadAccount(&kt, pa, &x);
		pb = UpsellReadAccount(&kt, pb, &y);
		if (x.start_at != y.start_at || x.end_at != y.end_at ||
			!SpNumericEqual(x.start_value, y.start_value) ||
			!SpNumericEqual(x.end_value, y.end_value))
			return false;
		if (!SpKeyEqual(&kt, x.key, y.key))
			return false;
	}
	return true;
}

/* The hash that agrees with UpsellEqual */
static uint32
UpsellHash(UpsellFlat *flat)
{
	SpKeyType kt;
	char	   *p = (char *) flat + UPSELL_FLAT_HDRSZ;
	uint32		h = hash_combine(hash_uint32(flat->keytype), hash_uint32(flat->naccounts));

	UpsellKeyTypeInit(&kt, flat->keytype);
	for (int32 i = 0; i < flat->naccounts; i++)
	{
		UpsellAccountData a;

		CHECK_FOR_INTERRUPTS();
		p = UpsellReadAccount(&kt, p, &a);
		h = SpHashCombineInt64(h, a.start_at);
		h = SpHashCombineInt64(h, a.end_at);
		h = SpHashCombineNumeric(h, a.start_value);
		h = SpHashCombineNumeric(h, a.end_value);
		/* a series adds nothing for its key */
		if (OidIsValid(kt.type))
			h = hash_combine(h, SpKeyHash(&kt, a.key));
	}
	return h;
}

/* Equality of two summaries of any form (flat, toasted or expanded) */
static bool
UpsellEqualArgs(FunctionCallInfo fcinfo)
{
	UpsellFlat *a = UpsellDatumGetFlat(PG_GETARG_DATUM(0));
	UpsellFlat *b = UpsellDatumGetFlat(PG_GETARG_DATUM(1));
	bool		eq = UpsellEqual(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return eq;
}

PG_FUNCTION_INFO_V1(upsell_summary_eq);
Datum
upsell_summary_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(UpsellEqualArgs(fcinfo));
}

PG_FUNCTION_INFO_V1(upsell_summary_ne);
Datum
upsell_summary_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!UpsellEqualArgs(fcinfo));
}

PG_FUNCTION_INFO_V1(upsell_summary_hash);
Datum
upsell_summary_hash(PG_FUNCTION_ARGS)
{
	UpsellFlat *flat = UpsellDatumGetFlat(PG_GETARG_DATUM(0));
	uint32		h = UpsellHash(flat);

	PG_FREE_IF_COPY(flat, 0);
	PG_RETURN_UINT32(h);
}
