/*
 * upsell.h
 *	  upsell_summary: per account, the value at its earliest and at its
 *	  latest snapshot; the mergeable state of upsell_rate.
 */
#ifndef SALESPERF_UPSELL_H
#define SALESPERF_UPSELL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/expandeddatum.h"
#include "utils/numeric.h"

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

#endif							/* SALESPERF_UPSELL_H */
