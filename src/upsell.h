/*
 * upsell.h
 *	  upsell_summary: per account, the value at its earliest and at its
 *	  latest snapshot; the mergeable state of upsell_rate.  Private to
 *	  upsell.c and upsell_io.c.
 */
#ifndef SALESPERF_UPSELL_H
#define SALESPERF_UPSELL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/expandeddatum.h"
#include "utils/numeric.h"

#include "keys.h"

/* Version of the flat (on-disk) layout below */
#define UPSELL_FLAT_VERSION		1

/*
 * Flat form: the varlena stored on disk and handed between processes.
 * After the header come naccounts accounts sorted by key (the key type's
 * default btree order, "C" collation), each starting at a MAXALIGNed
 * offset:
 *
 *	TimestampTz start_at, end_at	(start_at <= end_at)
 *	numeric     start value			(MAXALIGNed; trimmed scale)
 *	numeric     end value			(only if end_at > start_at)
 *	key								(only if keytype is valid: a by-value key
 *									 as a whole Datum, else the type's image)
 *
 * keytype is InvalidOid for a single account's series (no key).  The flat
 * form records the key type by OID, as an array records its element type:
 * OIDs of types are kept by pg_upgrade; dumps, COPY, Citus and clients use
 * the text and binary forms, which name the type.
 */
typedef struct UpsellFlat
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		version;		/* UPSELL_FLAT_VERSION */
	Oid			keytype;		/* type of the account keys, or InvalidOid */
	int32		naccounts;		/* number of accounts that follow */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} UpsellFlat;

#define UPSELL_FLAT_HDRSZ	MAXALIGN(offsetof(UpsellFlat, data))

/* One account as read from either form */
typedef struct UpsellAccountData
{
	Datum		key;			/* (Datum) 0 for a series */
	TimestampTz start_at;
	TimestampTz end_at;
	Numeric		start_value;
	Numeric		end_value;
} UpsellAccountData;

/*
 * The expanded (in-memory) form: accounts by key in a simplehash table, in
 * the state's own memory context.  It and the functions below are what
 * upsell.c (the state, its aggregates and accessors) shares with
 * upsell_io.c (the text and binary forms).
 */
typedef struct UpsellState
{
	SpKeyedState ks;			/* header, key type, cached flat image (keys.h) */
	struct upsell_tab_hash *accounts;	/* simplehash table (upsell.c) */
} UpsellState;

extern UpsellState *UpsellNew(Oid keytype, MemoryContext parent, uint32 nelements);
extern void UpsellMergeAccount(UpsellState *state, UpsellAccountData *a,
							   int duplicate_errcode);
extern uint32 UpsellAccountCount(UpsellState *state);
extern UpsellFlat *UpsellBuildFlat(UpsellState *state, MemoryContext cxt);
extern UpsellFlat *UpsellDatumGetFlat(Datum d);
extern char *UpsellReadAccount(SpKeyType *kt, char *p, UpsellAccountData *a);
extern char *UpsellNumericOut(Numeric n);
extern void UpsellWarnUserKeyType(FunctionCallInfo fcinfo, Oid type);

#endif							/* SALESPERF_UPSELL_H */
