/*
 * funnel_io.c
 *	  The text and binary forms of funnel_summary (the state itself, its
 *	  flat form, aggregates and accessors are in funnel.c).
 *
 * Both forms name the key type and carry each deal's key by the key type's
 * own text or binary form (keys.c), and the stage names as text, so they
 * survive dumps, COPY, Citus and clients whatever the OIDs.  Input is
 * checked as strictly as the aggregate checks rows: a built-in key type, a
 * stage list of 1..64 distinct names, no deal twice, every deal with at
 * least one point, times finite and in range, stage positions in the list.
 * Both inputs return the canonical flat form.
 */
#include "salesperf.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "codec.h"
#include "funnel.h"
#include "keys.h"

#define FUNNEL_TEXT_VERSION		"v1"
#define FUNNEL_BINARY_VERSION	1

/* Points of one deal being read, growing */
typedef struct FunnelPointBuf
{
	FunnelPoint *pts;
	int32		n;
	int32		cap;
} FunnelPointBuf;

static void
FunnelPointBufAdd(FunnelPointBuf *b, TimestampTz at, int32 code)
{
	if (b->n >= b->cap)
	{
		b->cap = Max(16, b->cap * 2);
		if ((Size) b->cap * sizeof(FunnelPoint) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many stage changes for one deal")));
		b->pts = b->pts ? repalloc(b->pts, b->cap * sizeof(FunnelPoint)) :
			palloc(b->cap * sizeof(FunnelPoint));
	}
	b->pts[b->n].at = at;
	b->pts[b->n].code = code;
	b->n++;
}

/* ---------------------------------------------------------------------
 * Text I/O
 *
 *	 v1 key bigint; stages Prospecting Qualification "Closed Won";
 *	   17 1@2024-01-02 2@2024-01-09T10:30:00Z -@2024-02-01; 42 3@2024-03-01
 *
 * (on one line).  A point is the stage's position in the list (1-based),
 * or "-" for a stage not in it, "@" and the time (UTC, a date alone at
 * midnight).  Output lists deals by key and points in the order of the
 * deal's rows; input takes points in any order and drops repeats.  Keys,
 * stage names and the type name are double-quoted (with \" and \\) when
 * empty or containing blanks, quotes, backslashes or semicolons.
 * ---------------------------------------------------------------------
 */

SP_NORETURN static void
FunnelSyntaxError(const char *input, const char *detail)
{
	SpSyntaxError("funnel_summary", input, detail,
				  "The form is \"v1 key bigint; stages Lead Won; 17 1@2024-01-02 2@2024-01-09T10:30:00Z -@2024-02-01\".");
}

static char *
FunnelReadToken(const char **p, const char *input)
{
	const char *error = NULL;
	char	   *token = SpKeyReadToken(p, &error);

	if (token == NULL)
		FunnelSyntaxError(input, error);
	return token;
}

static void
FunnelSkipSpace(const char **p)
{
	while (isspace((unsigned char) **p))
		(*p)++;
}

/* Does the word w start at p, followed by a blank? */
static bool
FunnelWordAt(const char *p, const char *w)
{
	size_t		len = strlen(w);

	return strncmp(p, w, len) == 0 && isspace((unsigned char) p[len]);
}

/* Read "code@time" at *p */
static void
FunnelReadPoint(const char **p, const char *input, const FunnelStages *st,
				FunnelPoint *pt)
{
	const char *error;

	if (**p == '-')
	{
		pt->code = FUNNEL_OTHER;
		(*p)++;
	}
	else if (isdigit((unsigned char) **p))
	{
		int			pos = 0;

		for (; isdigit((unsigned char) **p); (*p)++)
		{
			pos = pos * 10 + (**p - '0');
			if (pos > st->n)
				FunnelSyntaxError(input, "A stage position is beyond the stage list.");
		}
		if (pos < 1)
			FunnelSyntaxError(input, "Stage positions start at 1.");
		pt->code = pos - 1;
	}
	else
		FunnelSyntaxError(input, "A point is not in the form position@time, e.g. 2@2024-01-09, or -@time for a stage not in the list.");
	if (**p != '@')
		FunnelSyntaxError(input, "A point is not in the form position@time, e.g. 2@2024-01-09, or -@time for a stage not in the list.");
	(*p)++;
	if (!SpReadTime(p, "funnel_summary", input, &pt->at, &error))
		FunnelSyntaxError(input, error);
	if (TIMESTAMP_NOT_FINITE(pt->at))
		FunnelSyntaxError(input, "A stage change time is infinite.");
}

PG_FUNCTION_INFO_V1(funnel_summary_in);
Datum
funnel_summary_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	Oid			keytype;
	SpKeyType	kt;
	FmgrInfo	keyin;
	Oid			keyioparam;
	Oid			infunc;
	char	   *typname;
	FunnelStages st;
	StringInfoData blob;
	FunnelState *state;
	FunnelFlat *flat;
	FunnelPointBuf pb = {NULL, 0, 0};

	FunnelSkipSpace(&p);
	if (!FunnelWordAt(p, FUNNEL_TEXT_VERSION))
		FunnelSyntaxError(input, "The text does not start with the format version \"v1\".");
	p += strlen(FUNNEL_TEXT_VERSION);
	FunnelSkipSpace(&p);
	if (!FunnelWordAt(p, "key"))
		FunnelSyntaxError(input, "The version is not followed by \"key <type>\".");
	p += 3;
	FunnelSkipSpace(&p);
	typname = FunnelReadToken(&p, input);
	keytype = SpKeyTypeByName(typname);
	FunnelKeyTypeInit(&kt, keytype);
	getTypeInputInfo(keytype, &infunc, &keyioparam);
	fmgr_info(infunc, &keyin);

	FunnelSkipSpace(&p);
	if (*p != ';')
		FunnelSyntaxError(input, "The key type is not followed by \"; stages\".");
	p++;
	FunnelSkipSpace(&p);
	if (!FunnelWordAt(p, "stages"))
		FunnelSyntaxError(input, "The key type is not followed by \"; stages\" and the stage names.");
	p += 6;
	FunnelSkipSpace(&p);
	initStringInfo(&blob);
	memset(&st, 0, sizeof(st));
	while (*p != ';' && *p != '\0')
	{
		char	   *name = FunnelReadToken(&p, input);
		int32		len = strlen(name);

		FunnelCheckStageName(&st, name, len, ERRCODE_INVALID_TEXT_REPRESENTATION);
		FunnelAddStageToBlob(&blob, name, len);
		st.names[st.n] = name;
		st.lens[st.n] = len;
		st.n++;
		if (*p != ';' && *p != '\0' && !isspace((unsigned char) *p))
			FunnelSyntaxError(input, "A stage name is not followed by a blank.");
		FunnelSkipSpace(&p);
	}
	if (st.n == 0)
		FunnelSyntaxError(input, "The stage list is empty.");
	FunnelParseStageBlob(&st, blob.data, blob.len, st.n);

	state = FunnelNew(keytype, &st, CurrentMemoryContext, 8);
	while (*p == ';')
	{
		Datum		key;
		char	   *k;

		CHECK_FOR_INTERRUPTS();
		p++;
		FunnelSkipSpace(&p);
		k = FunnelReadToken(&p, input);
		key = InputFunctionCall(&keyin, k, keyioparam, -1);
		pfree(k);
		pb.n = 0;
		while (isspace((unsigned char) *p))
		{
			FunnelPoint pt;

			FunnelSkipSpace(&p);
			if (*p == ';' || *p == '\0')
				break;
			FunnelReadPoint(&p, input, &st, &pt);
			FunnelPointBufAdd(&pb, pt.at, pt.code);
		}
		if (*p != ';' && *p != '\0')
			FunnelSyntaxError(input, "A point is not followed by a blank, \";\" or the end.");
		if (pb.n == 0)
			FunnelSyntaxError(input, "A deal has no points.");
		pb.n = FunnelSortPoints(pb.pts, pb.n);
		FunnelMergeDeal(state, key, pb.pts, pb.n, ERRCODE_INVALID_TEXT_REPRESENTATION);
		if (!kt.typbyval)
			pfree(DatumGetPointer(key));
	}
	if (*p != '\0')
		FunnelSyntaxError(input, "Unexpected text after the last deal.");
	flat = FunnelBuildFlat(state, CurrentMemoryContext);
	DeleteExpandedObject(EOHPGetRWDatum(&state->ks.hdr));
	PG_RETURN_POINTER(flat);
}

/* Text output: deals by key, points in the order of the deal's rows */
PG_FUNCTION_INFO_V1(funnel_summary_out);
Datum
funnel_summary_out(PG_FUNCTION_ARGS)
{
	FunnelFlat *flat = FunnelDatumGetFlat(PG_GETARG_DATUM(0));
	StringInfoData buf;
	SpKeyType	kt;
	FunnelStages st;
	FmgrInfo	keyout;
	Oid			outfunc;
	bool		isvarlena;
	char	   *p = FunnelFlatDeals(flat);
	FunnelPointBuf pb = {NULL, 0, 0};

	initStringInfo(&buf);
	appendStringInfoString(&buf, FUNNEL_TEXT_VERSION " key ");
	SpKeyTypeInitStorage(&kt, flat->keytype);
	SpKeyAppendToken(&buf, SpKeyTypeName(kt.type));
	getTypeOutputInfo(kt.type, &outfunc, &isvarlena);
	fmgr_info(outfunc, &keyout);
	FunnelFlatStageList(flat, &st);
	appendStringInfoString(&buf, "; stages");
	for (int32 i = 0; i < st.n; i++)
	{
		appendStringInfoChar(&buf, ' ');
		SpKeyAppendToken(&buf, pnstrdup(st.names[i], st.lens[i]));
	}
	for (int32 i = 0; i < flat->ndeals; i++)
	{
		FunnelDealData d;
		char	   *k;

		CHECK_FOR_INTERRUPTS();
		p = FunnelReadDeal(&kt, p, &d);
		appendStringInfoString(&buf, "; ");
		k = OutputFunctionCall(&keyout, d.key);
		SpKeyAppendToken(&buf, k);
		pfree(k);
		pb.n = 0;
		while (pb.n < d.npoints)
			FunnelPointBufAdd(&pb, 0, 0);
		FunnelDecodePoints(&d, pb.pts);
		for (int32 j = 0; j < d.npoints; j++)
		{
			appendStringInfoChar(&buf, ' ');
			if (pb.pts[j].code == FUNNEL_OTHER)
				appendStringInfoChar(&buf, '-');
			else
				appendStringInfo(&buf, "%d", pb.pts[j].code + 1);
			appendStringInfoChar(&buf, '@');
			SpAppendTime(&buf, pb.pts[j].at);
		}
	}
	PG_RETURN_CSTRING(buf.data);
}

/* ---------------------------------------------------------------------
 * Binary I/O.  Lengths and counts are unsigned LEB128 varints.
 *
 *	 byte    format version (1)
 *	 varint length + key type name as text
 *	 varint  number of stages (1..64), each: varint length + name as text
 *	 varint  number of deals
 *	 per deal:
 *	   varint length + key in its type's binary form
 *	   varint number of points (>= 1)
 *	   first point: byte code, int64 time
 *	   next points: byte code, varint microseconds after the previous time
 *	 code: the stage's position less one, or 64 for a stage not in the
 *	 list; points strictly increasing in (time, code)
 * ---------------------------------------------------------------------
 */

/* Smallest possible encoding of one deal, to bound counts */
#define FUNNEL_MIN_DEAL_BYTES	(1 + 1 + 1 + 8)

SP_NORETURN static void
FunnelBinaryError(const char *detail)
{
	SpBinaryError("funnel_summary", detail);
}

/* A text field: varint length, then the text in the client encoding */
static char *
FunnelRecvText(StringInfo buf, int min, const char *what, int *len)
{
	int			n = SpRecvLength(buf, min, what, "funnel_summary");
	char	   *s = pq_getmsgtext(buf, n, len);

	if ((int) strlen(s) != *len)
		FunnelBinaryError(psprintf("The %s contains a zero byte.", what));
	return s;
}

static void
FunnelSendText(StringInfo buf, const char *s, int len)
{
	StringInfoData t;

	/* the text in the client encoding, length measured after conversion */
	initStringInfo(&t);
	pq_sendtext(&t, s, len);
	SpPutVarint(buf, t.len);
	pq_sendbytes(buf, t.data, t.len);
	pfree(t.data);
}

static int32
FunnelRecvCode(StringInfo buf, const FunnelStages *st)
{
	int			code = pq_getmsgbyte(buf);

	if (code != FUNNEL_OTHER && code >= st->n)
		FunnelBinaryError(psprintf("A stage code %d is neither a position of the list nor %d.",
								   code, FUNNEL_OTHER));
	return code;
}

PG_FUNCTION_INFO_V1(funnel_summary_recv);
Datum
funnel_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	char	   *typname;
	int			len;
	Oid			keytype;
	SpKeyType	kt;
	Oid			recvfunc;
	Oid			keyioparam;
	FmgrInfo	keyrecv;
	uint64		nstages;
	uint64		ndeals;
	FunnelStages st;
	StringInfoData blob;
	StringInfoData keybuf;
	FunnelState *state;
	FunnelFlat *flat;
	FunnelPointBuf pb = {NULL, 0, 0};

	if (version != FUNNEL_BINARY_VERSION)
		FunnelBinaryError(psprintf("Unknown format version %d.", version));
	typname = FunnelRecvText(buf, 1, "key type name", &len);
	keytype = SpKeyTypeByName(typname);
	FunnelKeyTypeInit(&kt, keytype);
	getTypeBinaryInputInfo(keytype, &recvfunc, &keyioparam);
	fmgr_info(recvfunc, &keyrecv);

	nstages = SpRecvVarint(buf, "funnel_summary");
	if (nstages < 1 || nstages > FUNNEL_MAX_STAGES)
		FunnelBinaryError(psprintf("The number of stages, " UINT64_FORMAT ", is not between 1 and %d.",
								   nstages, FUNNEL_MAX_STAGES));
	initStringInfo(&blob);
	memset(&st, 0, sizeof(st));
	for (uint64 i = 0; i < nstages; i++)
	{
		char	   *name = FunnelRecvText(buf, 0, "stage name", &len);

		FunnelCheckStageName(&st, name, len, ERRCODE_INVALID_BINARY_REPRESENTATION);
		FunnelAddStageToBlob(&blob, name, len);
		st.names[st.n] = name;
		st.lens[st.n] = len;
		st.n++;
	}
	FunnelParseStageBlob(&st, blob.data, blob.len, st.n);

	ndeals = SpRecvVarint(buf, "funnel_summary");
	if (ndeals > (uint64) ((buf->len - buf->cursor) / FUNNEL_MIN_DEAL_BYTES))
		FunnelBinaryError(psprintf("The number of deals, " UINT64_FORMAT ", does not fit in the data.",
								   ndeals));
	state = FunnelNew(keytype, &st, CurrentMemoryContext, (uint32) ndeals);
	initStringInfo(&keybuf);
	for (uint64 i = 0; i < ndeals; i++)
	{
		int			klen;
		Datum		key;
		uint64		npoints;

		CHECK_FOR_INTERRUPTS();
		klen = SpRecvLength(buf, 0, "a key", "funnel_summary");
		key = SpKeyRecv(&keyrecv, keyioparam, &keybuf, pq_getmsgbytes(buf, klen),
						klen, "funnel_summary");
		npoints = SpRecvVarint(buf, "funnel_summary");
		if (npoints < 1)
			FunnelBinaryError("A deal has no points.");
		if (npoints > (uint64) ((buf->len - buf->cursor) / 2))
			FunnelBinaryError(psprintf("The number of points, " UINT64_FORMAT ", does not fit in the data.",
									   npoints));
		pb.n = 0;
		for (uint64 j = 0; j < npoints; j++)
		{
			int32		code = FunnelRecvCode(buf, &st);
			TimestampTz at;

			if (j == 0)
				at = pq_getmsgint64(buf);
			else
			{
				uint64		delta = SpRecvVarint(buf, "funnel_summary");
				TimestampTz prev = pb.pts[pb.n - 1].at;
				/* END_TIMESTAMP - prev, which fits in uint64 */
				uint64		room = (uint64) END_TIMESTAMP - (uint64) prev;

				if (delta >= room)
					FunnelBinaryError("A time is out of range.");
				at = (TimestampTz) ((uint64) prev + delta);
				if (delta == 0 && code <= pb.pts[pb.n - 1].code)
					FunnelBinaryError("A deal's points are not in increasing (time, stage) order.");
			}
			if (!IS_VALID_TIMESTAMP(at))
				FunnelBinaryError("A time is out of range.");
			FunnelPointBufAdd(&pb, at, code);
		}
		FunnelMergeDeal(state, key, pb.pts, pb.n, ERRCODE_INVALID_BINARY_REPRESENTATION);
	}
	pq_getmsgend(buf);
	flat = FunnelBuildFlat(state, CurrentMemoryContext);
	DeleteExpandedObject(EOHPGetRWDatum(&state->ks.hdr));
	PG_RETURN_POINTER(flat);
}

PG_FUNCTION_INFO_V1(funnel_summary_send);
Datum
funnel_summary_send(PG_FUNCTION_ARGS)
{
	FunnelFlat *flat = FunnelDatumGetFlat(PG_GETARG_DATUM(0));
	StringInfoData buf;
	SpKeyType	kt;
	FunnelStages st;
	FmgrInfo	keysend;
	Oid			sendfunc;
	bool		isvarlena;
	char	   *typname;
	char	   *p = FunnelFlatDeals(flat);
	FunnelPointBuf pb = {NULL, 0, 0};

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FUNNEL_BINARY_VERSION);
	SpKeyTypeInitStorage(&kt, flat->keytype);
	typname = SpKeyTypeName(kt.type);
	FunnelSendText(&buf, typname, strlen(typname));
	getTypeBinaryOutputInfo(kt.type, &sendfunc, &isvarlena);
	fmgr_info(sendfunc, &keysend);
	FunnelFlatStageList(flat, &st);
	SpPutVarint(&buf, st.n);
	for (int32 i = 0; i < st.n; i++)
		FunnelSendText(&buf, st.names[i], st.lens[i]);
	SpPutVarint(&buf, flat->ndeals);
	for (int32 i = 0; i < flat->ndeals; i++)
	{
		FunnelDealData d;
		bytea	   *b;

		CHECK_FOR_INTERRUPTS();
		p = FunnelReadDeal(&kt, p, &d);
		b = SendFunctionCall(&keysend, d.key);
		SpPutVarint(&buf, VARSIZE(b) - VARHDRSZ);
		pq_sendbytes(&buf, VARDATA(b), VARSIZE(b) - VARHDRSZ);
		pfree(b);
		pb.n = 0;
		while (pb.n < d.npoints)
			FunnelPointBufAdd(&pb, 0, 0);
		FunnelDecodePoints(&d, pb.pts);
		SpPutVarint(&buf, d.npoints);
		for (int32 j = 0; j < d.npoints; j++)
		{
			pq_sendbyte(&buf, (uint8) pb.pts[j].code);
			if (j == 0)
				pq_sendint64(&buf, pb.pts[j].at);
			else
				SpPutVarint(&buf, (uint64) pb.pts[j].at - (uint64) pb.pts[j - 1].at);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
