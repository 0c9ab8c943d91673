/*
 * keys.h
 *	  Keys of any type, for the states that keep one entry per key
 *	  (upsell_summary's accounts, funnel_summary's deals), and the
 *	  expanded-object skeleton those states share (SpKeyedState, below).
 *
 * A key type is any type with default btree and hash operator classes
 * (bigint, integer, text, uuid...): its hash function finds an entry, its
 * btree equality decides, its btree order sorts a canonical flat form.
 * Collatable keys use the "C" collation, so equality is exact and the order
 * does not depend on the locale.  InvalidOid stands for "no key" (a single
 * series): every key is then (Datum) 0, all equal, hashing to 0.
 *
 * What a key looks like in each form:
 *	 memory	a Datum (by-reference keys detoasted, copied into the state)
 *	 flat	a by-value key as a whole Datum, else the type's own image, at a
 *			MAXALIGNed offset (SpKeyFlatSize/SpKeyWriteFlat/SpKeyReadFlat)
 *	 text	the type's output, one bare or double-quoted token
 *			(SpKeyAppendToken/SpKeyReadToken); the type by its qualified name
 *	 binary	the type's send/receive form (SpKeyRecv checks it is all used)
 * The flat form records the key type by OID, as an array records its
 * element type; the text and binary forms name it (SpKeyTypeName,
 * SpKeyTypeByName).
 *
 * To keep entries in a simplehash table, give the table the SpKeyType as
 * private_data and define SH_HASH_KEY and SH_EQUAL as SP_KEY_SH_HASH and
 * SP_KEY_SH_EQUAL.
 */
#ifndef SALESPERF_KEYS_H
#define SALESPERF_KEYS_H

#include "salesperf.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/typcache.h"

/* What a state knows about its key type */
typedef struct SpKeyType
{
	Oid			type;			/* InvalidOid for no key (a series) */
	int16		typlen;
	bool		typbyval;
	Oid			collation;		/* C for collatable types, else invalid */
	TypeCacheEntry *tce;		/* lives as long as the backend; NULL if
								 * only the storage was looked up */
} SpKeyType;

/*
 * Look up a key type with its operators.  False if it has no default btree
 * and hash operator classes: the caller raises the error, in its own words.
 */
pg_nodiscard extern bool SpKeyTypeInit(SpKeyType *kt, Oid type);

/*
 * SpKeyTypeInit for a state's own keys, raising 42883 if they cannot be of
 * this type: what names the keys in the message ("account", "deal"); detail
 * and hint are the state's own sentences.
 */
extern void SpKeyTypeRequire(SpKeyType *kt, Oid type, const char *what,
							 const char *detail, const char *hint);

/*
 * Raise 0A000 unless a new state of type statetype may be keyed by type: a
 * flat state records its key type by OID, so only built-in key types
 * (SpKeyTypeIsBuiltin) are taken.  hint says what to cast the key to.
 */
extern void SpKeyCheckNewType(Oid type, const char *statetype, const char *hint);

/*
 * The key type of argument argno of a transition function: the call's
 * argument type, or, called without a call expression (Citus's
 * worker_partial_agg calls the transition function through a bare
 * FmgrInfo), the type the function declares (the concrete overloads for
 * bigint, integer, text, uuid keys).  what names the keys for the error.
 */
extern Oid	SpKeyArgType(FunctionCallInfo fcinfo, int argno, const char *what);

/*
 * Only the storage (length, by value), enough to walk a flat form.  Both
 * raise 42704 (SpKeyTypeMissing) if the type no longer exists.
 */
extern void SpKeyTypeInitStorage(SpKeyType *kt, Oid type);
SP_NORETURN extern void SpKeyTypeMissing(Oid type);

/*
 * A built-in type (OID below FirstNormalObjectId).  A flat form records its
 * key type by OID; only a built-in type can never be dropped or altered, so
 * new states take keys of built-in types only.
 */
extern bool SpKeyTypeIsBuiltin(Oid type);

/* Hash, equality and order of keys (SpKeyTypeInit'ed) */
extern uint32 SpKeyHash(const SpKeyType *kt, Datum key);
extern bool SpKeyEqual(const SpKeyType *kt, Datum a, Datum b);
extern int	SpKeyCompare(const SpKeyType *kt, Datum a, Datum b);
/* Prepare ssup (zeroed, ssup_cxt set) to sort keys in the flat form's order */
extern void SpKeySortSupport(const SpKeyType *kt, SortSupport ssup);

#define SP_KEY_SH_HASH(tb, k)		SpKeyHash((const SpKeyType *) (tb)->private_data, (k))
#define SP_KEY_SH_EQUAL(tb, a, b)	SpKeyEqual((const SpKeyType *) (tb)->private_data, (a), (b))

/* A copy of a by-reference key in the current memory context */
extern Datum SpKeyCopy(const SpKeyType *kt, Datum key);

/* The flat image: bytes taken (before MAXALIGN), writing and reading */
extern Size SpKeyFlatSize(const SpKeyType *kt, Datum key);
extern char *SpKeyWriteFlat(const SpKeyType *kt, Datum key, char *p);
extern char *SpKeyReadFlat(const SpKeyType *kt, char *p, Datum *key);

/* The key type's name as the text and binary forms carry it, and back */
extern char *SpKeyTypeName(Oid type);
extern Oid	SpKeyTypeByName(const char *typname);

/* A key as text, for messages */
extern char *SpKeyOut(Oid type, Datum key);

/* Text form: one token, quoted when it would not read back bare */
extern void SpKeyAppendToken(StringInfo buf, const char *s);

/*
 * Read a bare or quoted token at *p, advancing *p.  On malformed text it
 * returns NULL with *error set to the detail for the caller's message.
 */
extern char *SpKeyReadToken(const char **p, const char **error);

/*
 * Binary form: the key of len bytes at data, read by the key type's receive
 * function (recv, ioparam) from scratch (a buffer reused for every key).
 * Raises 22P03 naming typname (the type of the state) if bytes are left.
 */
extern Datum SpKeyRecv(FmgrInfo *recv, Oid ioparam, StringInfo scratch,
					   const char *data, int len, const char *typname);

/* ---------------------------------------------------------------------
 * Keyed states in memory
 *
 * Inside an aggregate, a state that keeps one entry per key
 * (upsell_summary, funnel_summary) is a read-write expanded object
 * (utils/expandeddatum.h) in a memory context of its own under the
 * aggregate's: the executor hands it back to each transition and combine
 * call, which change it in place, and its flat form (what is stored, sent
 * to other processes and compared) is built only when something asks for
 * it.  What every such state shares lives here: its struct starts with an
 * SpKeyedState, and its type supplies, in an SpKeyedClass, the one function
 * that writes its flat form.
 * ---------------------------------------------------------------------
 */
typedef struct SpKeyedState SpKeyedState;

typedef struct SpKeyedClass
{
	const char *name;			/* the SQL type: messages, the context name */
	/* the canonical flat form of state, allocated in cxt */
	struct varlena *(*build_flat) (SpKeyedState *state, MemoryContext cxt);
} SpKeyedClass;

struct SpKeyedState
{
	ExpandedObjectHeader hdr;
	const SpKeyedClass *cls;
	SpKeyType	key;			/* the entries' key type (the caller's to set) */
	struct varlena *flat;		/* cached flat image, or NULL */
};

/*
 * A new state: size zeroed bytes (the type's struct, which starts with an
 * SpKeyedState) in a new child context of parent that starts small (one
 * state per group under hash aggregation) and grows to the default maximum
 * block size (states of a million entries)
 */
extern void *SpKeyedNew(const SpKeyedClass *cls, Size size, MemoryContext parent);

/* The expanded-object methods of every keyed state (keys.c) */
extern const ExpandedObjectMethods SpKeyedMethods;

/* An expanded object that is not of the class asked for (internal error) */
SP_NORETURN extern void SpKeyedWrongClass(const SpKeyedClass *cls);

/*
 * The state of class cls behind a datum, or NULL if the datum is flat
 * (inline: transition functions call it on every row)
 */
static inline SpKeyedState *
SpKeyedFromDatum(const SpKeyedClass *cls, Datum d)
{
	SpKeyedState *state;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	state = (SpKeyedState *) DatumGetEOHP(d);
	if (unlikely(state->hdr.eoh_methods != &SpKeyedMethods || state->cls != cls))
		SpKeyedWrongClass(cls);
	return state;
}

/*
 * May state, the expanded object behind argument 0 (or NULL), be changed in
 * place?  Only as an aggregate's own working state (the one in-place
 * policy, SpMayUpdateInPlace): a read-write object whose context the
 * aggregate's state context cxt owns.  Otherwise the caller works on a new
 * expanded copy.
 */
static inline bool
SpKeyedMayUpdate(FunctionCallInfo fcinfo, SpKeyedState *state, MemoryContext cxt)
{
	return state != NULL && SpMayUpdateInPlace(fcinfo) &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))) &&
		MemoryContextGetParent(state->hdr.eoh_context) == cxt;
}

/* Drop the cached flat image: the state is about to change */
extern void SpKeyedInvalidateFlat(SpKeyedState *state);

/*
 * The final function of an aggregate building such a state (and of its
 * rollup): the flat form of an expanded state, else a flat copy of d
 */
extern Datum SpKeyedFinal(const SpKeyedClass *cls, Datum d);

#endif							/* SALESPERF_KEYS_H */
