/*
 * funnel.h
 *	  funnel_summary: per deal, the distinct (stage, time) change points of
 *	  its stage history; the mergeable state of the pipeline funnel.
 *	  Private to funnel.c and funnel_io.c.
 */
#ifndef SALESPERF_FUNNEL_H
#define SALESPERF_FUNNEL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/expandeddatum.h"

#include "keys.h"

/* Version of the flat (on-disk) layout below */
#define FUNNEL_FLAT_VERSION		1

/* At most this many stages in a funnel (a deal's stages fit in a uint64) */
#define FUNNEL_MAX_STAGES		64

/*
 * A point's stage code: the stage's position in the funnel less one
 * (0..nstages-1), or FUNNEL_OTHER for every stage not in the list.  Points
 * sort by (at, code), which is the spec's order of a deal's rows: at ties,
 * listed stages by position, then the unlisted ones.  Unlisted stages share
 * one code: they only end stays, and at one instant they come after every
 * listed stage, so which unlisted stage a row had never changes a stay of a
 * listed stage (see the design note in funnel.c).
 */
#define FUNNEL_OTHER			64

typedef struct FunnelPoint
{
	TimestampTz at;
	int32		code;
} FunnelPoint;

/*
 * Flat form: the varlena stored on disk and handed between processes.
 * After the header come the stage list (stageslen bytes: per stage a varint
 * length and the name's bytes), then, from a MAXALIGNed offset, ndeals
 * deals sorted by key (the key type's default btree order, "C" collation),
 * each starting at a MAXALIGNed offset:
 *
 *	key		SpKeyWriteFlat's image (MAXALIGNed)
 *	varint	npoints << 1 | s, where s = 1 if every time is a whole second
 *			(then the times below count seconds, else microseconds)
 *	first point: varint zigzag(at), byte code
 *	next points: varint at - previous at, byte code
 *			(points strictly increasing in (at, code))
 *
 * keytype is always a valid, built-in type.
 */
typedef struct FunnelFlat
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		version;		/* FUNNEL_FLAT_VERSION */
	Oid			keytype;		/* type of the deal keys */
	int32		nstages;		/* 1..FUNNEL_MAX_STAGES */
	int32		stageslen;		/* bytes of the stage list */
	int32		ndeals;			/* deals that follow */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} FunnelFlat;

#define FUNNEL_FLAT_HDRSZ	MAXALIGN(offsetof(FunnelFlat, data))
#define FunnelFlatStages(f)	((f)->data)
#define FunnelFlatDeals(f)	((char *) (f) + FUNNEL_FLAT_HDRSZ + MAXALIGN((f)->stageslen))

/* A funnel's stage list, parsed */
typedef struct FunnelStages
{
	int32		n;
	int32		bloblen;
	char	   *blob;			/* the flat form's stage list */
	const char *names[FUNNEL_MAX_STAGES];	/* into blob, not terminated */
	int32		lens[FUNNEL_MAX_STAGES];
} FunnelStages;

/* One deal as read from the flat form: its points are still encoded */
typedef struct FunnelDealData
{
	Datum		key;
	int32		npoints;
	const uint8 *enc;			/* the points' encoding */
} FunnelDealData;

/*
 * The expanded (in-memory) form: deals by key in a simplehash table, in
 * the state's own memory context.
 */
typedef struct FunnelState
{
	SpKeyedState ks;			/* header, key type, cached flat image (keys.h) */
	FunnelStages stages;		/* blob in the state's context */
	struct funnel_tab_hash *deals;	/* simplehash table (funnel.c) */
} FunnelState;

/* Stage lists */
extern void FunnelParseStageBlob(FunnelStages *st, char *blob, int32 len, int32 n);
extern void FunnelAddStageToBlob(StringInfo blob, const char *name, int32 len);
extern int32 FunnelStageCode(const FunnelStages *st, const char *name, int32 len);
extern void FunnelCheckStageName(const FunnelStages *st, const char *name, int32 len,
								 int errcode_dup);

/* The state */
extern FunnelState *FunnelNew(Oid keytype, const FunnelStages *stages,
							  MemoryContext parent, uint32 nelements);
extern void FunnelMergeDeal(FunnelState *state, Datum key, const FunnelPoint *pts,
							int32 n, int duplicate_errcode);
extern FunnelFlat *FunnelBuildFlat(FunnelState *state, MemoryContext cxt);
extern FunnelFlat *FunnelDatumGetFlat(Datum d);
extern void FunnelFlatStageList(FunnelFlat *flat, FunnelStages *st);

/* Walking a flat form */
extern char *FunnelReadDeal(SpKeyType *kt, char *p, FunnelDealData *d);
extern void FunnelDecodePoints(const FunnelDealData *d, FunnelPoint *out);

/* Sort points by (at, code) and drop repeats; returns the new count */
extern int32 FunnelSortPoints(FunnelPoint *pts, int32 n);

/* Key type of new states: built-in, hashable and ordered (0A000, 42883) */
extern void FunnelKeyTypeInit(SpKeyType *kt, Oid type);

#endif							/* SALESPERF_FUNNEL_H */
