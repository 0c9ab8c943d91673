/*
 * upsell_io.c
 *	  The text and binary forms of upsell_summary (the state itself, its
 *	  flat form and its aggregates are in upsell.c).
 *
 * Both forms name the key type and carry each account's key by the key
 * type's own text or binary form (keys.c), so they survive dumps, COPY,
 * Citus and clients whatever the OIDs.  Input is checked as strictly as
 * the aggregates check rows: no account twice, an account's last snapshot
 * later than its first, times in range, amounts non-negative decimals; both
 * inputs return the canonical flat form (sorted by key, trimmed numerics).
 */
#include "salesperf.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "codec.h"
#include "keys.h"
#include "upsell.h"

#define UPSELL_TEXT_VERSION		"v1"
#define UPSELL_BINARY_VERSION	1

/* Free what text or binary input allocated for one account */
static void
UpsellFreeParsed(UpsellState *state, UpsellAccountData *a)
{
	if (OidIsValid(state->ks.key.type) && !state->ks.key.typbyval)
		pfree(DatumGetPointer(a->key));
	if (a->end_value != a->start_value)
		pfree(a->end_value);
	pfree(a->start_value);
}

/* ---------------------------------------------------------------------
 * Text I/O
 *
 *	 v1 key bigint; 17 2024-01-01=1200..2024-12-01=1500.5; 42 2024-03-01=80
 *	 v1 series; 2024-01-01=100..2024-06-01T12:30:00Z=120
 *
 * Times are UTC, printed as a date when at midnight; an account with one
 * snapshot prints it once.  Keys and the type name are written by the key
 * type's output function and double-quoted (with \" and \\) when empty or
 * containing blanks, quotes, backslashes or semicolons.
 * ---------------------------------------------------------------------
 */

/* Report malformed text input, with the form as the hint */
SP_NORETURN static void
UpsellSyntaxError(const char *input, const char *detail)
{
	SpSyntaxError("upsell_summary", input, detail,
				  "The form is \"v1 key bigint; 17 2024-01-01=1200..2024-12-01=1500.5; 42 2024-03-01=80\", or \"v1 series; 2024-01-01=100..2024-06-01=120\".");
}

/* Read a bare or quoted token (keys.c) at *p; advances *p */
static char *
UpsellReadToken(const char **p, const char *input)
{
	const char *error = NULL;
	char	   *token = SpKeyReadToken(p, &error);

	if (token == NULL)
		UpsellSyntaxError(input, error);
	return token;
}

/* Skip blanks at *p */
static void
UpsellSkipSpace(const char **p)
{
	while (isspace((unsigned char) **p))
		(*p)++;
}

/* Parse a time (codec.c) at *p, or report a syntax error */
static TimestampTz
UpsellReadTime(const char **p, const char *input)
{
	TimestampTz t;
	const char *error;

	if (!SpReadTime(p, "upsell_summary", input, &t, &error))
		UpsellSyntaxError(input, error);
	return t;
}

/* Consume the character c at *p, or report a syntax error */
static void
UpsellExpectChar(const char **p, char c, const char *input, const char *detail)
{
	if (**p != c)
		UpsellSyntaxError(input, detail);
	(*p)++;
}

/*
 * Parse a non-negative decimal amount ("123" or "123.45") at *p (before end,
 * the end of input).  A "." that no digit follows is left to the caller: in
 * "100..2024-06-01" the dots belong to the range, not to the amount.
 */
static Numeric
UpsellReadAmount(const char **p, const char *end, const char *input)
{
	const char *s = *p;
	int			len = SpScanAmount(s, end);

	if (len == 0)
		UpsellSyntaxError(input, "An amount is not a non-negative decimal number such as 1200 or 1500.50.");
	*p = s + len;
	return SpAmountFromText(s, len);
}

/* Read "time=amount" */
static void
UpsellReadSnapshot(const char **p, const char *end, const char *input,
				   TimestampTz *at, Numeric *value)
{
	*at = UpsellReadTime(p, input);
	UpsellExpectChar(p, '=', input, "A snapshot is not in the form time=amount.");
	*value = UpsellReadAmount(p, end, input);
}

/* Text input: parse, reject duplicates, return the canonical flat form */
PG_FUNCTION_INFO_V1(upsell_summary_in);
Datum
upsell_summary_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	const char *end = input + strlen(input);
	Oid			keytype = InvalidOid;
	UpsellState *state;
	FmgrInfo	keyin;
	Oid			keyioparam = InvalidOid;
	UpsellFlat *flat;

	UpsellSkipSpace(&p);
	if (strncmp(p, UPSELL_TEXT_VERSION, strlen(UPSELL_TEXT_VERSION)) != 0 ||
		!isspace((unsigned char) p[strlen(UPSELL_TEXT_VERSION)]))
		UpsellSyntaxError(input, "The text does not start with the format version \"v1\".");
	p += strlen(UPSELL_TEXT_VERSION);
	UpsellSkipSpace(&p);
	if (strncmp(p, "series", 6) == 0 && (p[6] == ';' || p[6] == '\0' || isspace((unsigned char) p[6])))
		p += 6;
	else if (strncmp(p, "key", 3) == 0 && isspace((unsigned char) p[3]))
	{
		char	   *typname;
		Oid			infunc;

		p += 3;
		UpsellSkipSpace(&p);
		typname = UpsellReadToken(&p, input);
		keytype = SpKeyTypeByName(typname);
		UpsellWarnUserKeyType(fcinfo, keytype);
		getTypeInputInfo(keytype, &infunc, &keyioparam);
		fmgr_info(infunc, &keyin);
	}
	else
		UpsellSyntaxError(input, "The version is not followed by \"key <type>\" or \"series\".");

	state = UpsellNew(keytype, CurrentMemoryContext, 8);
	UpsellSkipSpace(&p);
	while (*p == ';')
	{
		UpsellAccountData a;

		CHECK_FOR_INTERRUPTS();
		p++;
		UpsellSkipSpace(&p);
		a.key = (Datum) 0;
		if (OidIsValid(keytype))
		{
			char	   *k = UpsellReadToken(&p, input);

			a.key = InputFunctionCall(&keyin, k, keyioparam, -1);
			pfree(k);
			if (!isspace((unsigned char) *p))
				UpsellSyntaxError(input, "A key is not followed by a blank.");
			UpsellSkipSpace(&p);
		}
		UpsellReadSnapshot(&p, end, input, &a.start_at, &a.start_value);
		if (p[0] == '.' && p[1] == '.')
		{
			p += 2;
			UpsellReadSnapshot(&p, end, input, &a.end_at, &a.end_value);
			if (a.end_at <= a.start_at)
				UpsellSyntaxError(input, "An account's last snapshot is not later than its first.");
		}
		else
		{
			a.end_at = a.start_at;
			a.end_value = a.start_value;
		}
		UpsellMergeAccount(state, &a, ERRCODE_INVALID_TEXT_REPRESENTATION);
		UpsellFreeParsed(state, &a);
		if (!OidIsValid(keytype) && UpsellAccountCount(state) > 1)
			UpsellSyntaxError(input, "A series has more than one account.");
		UpsellSkipSpace(&p);
	}
	if (*p != '\0')
		UpsellSyntaxError(input, "Unexpected text after the last account.");
	flat = UpsellBuildFlat(state, CurrentMemoryContext);
	DeleteExpandedObject(EOHPGetRWDatum(&state->ks.hdr));
	PG_RETURN_POINTER(flat);
}

/* Append "time=amount" */
static void
UpsellAppendSnapshot(StringInfo buf, TimestampTz at, Numeric value)
{
	char	   *v = UpsellNumericOut(value);

	SpAppendTime(buf, at);
	appendStringInfoChar(buf, '=');
	appendStringInfoString(buf, v);
	pfree(v);
}

/* Text output of a flat or expanded summary */
PG_FUNCTION_INFO_V1(upsell_summary_out);
Datum
upsell_summary_out(PG_FUNCTION_ARGS)
{
	UpsellFlat *flat = UpsellDatumGetFlat(PG_GETARG_DATUM(0));
	StringInfoData buf;
	SpKeyType kt;
	FmgrInfo	keyout;
	char	   *p = (char *) flat + UPSELL_FLAT_HDRSZ;

	initStringInfo(&buf);
	appendStringInfoString(&buf, UPSELL_TEXT_VERSION " ");
	SpKeyTypeInitStorage(&kt, flat->keytype);
	if (OidIsValid(kt.type))
	{
		Oid			outfunc;
		bool		isvarlena;

		getTypeOutputInfo(kt.type, &outfunc, &isvarlena);
		fmgr_info(outfunc, &keyout);
		appendStringInfoString(&buf, "key ");
		SpKeyAppendToken(&buf, SpKeyTypeName(kt.type));
	}
	else
		appendStringInfoString(&buf, "series");

	for (int32 i = 0; i < flat->naccounts; i++)
	{
		UpsellAccountData a;

		CHECK_FOR_INTERRUPTS();
		p = UpsellReadAccount(&kt, p, &a);
		appendStringInfoString(&buf, "; ");
		if (OidIsValid(kt.type))
		{
			char	   *k = OutputFunctionCall(&keyout, a.key);

			SpKeyAppendToken(&buf, k);
			appendStringInfoChar(&buf, ' ');
			pfree(k);
		}
		UpsellAppendSnapshot(&buf, a.start_at, a.start_value);
		if (a.end_at != a.start_at)
		{
			appendStringInfoString(&buf, "..");
			UpsellAppendSnapshot(&buf, a.end_at, a.end_value);
		}
	}
	PG_RETURN_CSTRING(buf.data);
}

/* ---------------------------------------------------------------------
 * Binary I/O: compact, since summaries can hold millions of accounts.
 * Lengths and counts are unsigned LEB128 varints ("varint" below).
 *
 *	 byte    format version (1)
 *	 byte    0 = series, 1 = keyed
 *	 [varint length + key type name as text]	(keyed)
 *	 varint  number of accounts
 *	 per account:
 *	   [varint length + key in its type's binary form]	(keyed)
 *	   byte   0 = one snapshot, 1 = first and last
 *	   int64  first time; amount
 *	   [varint microseconds from the first to the last time (> 0); amount]
 *	 amount: varint length + the value in decimal ("1500.5"; no sign, no
 *	 exponent), about half the size of numeric's binary form
 * ---------------------------------------------------------------------
 */

/* Smallest possible encoding of one account, to bound counts */
#define UPSELL_MIN_ACCOUNT_BYTES	(1 + 8 + 2)

/* Report malformed binary input */
SP_NORETURN static void
UpsellBinaryError(const char *detail)
{
	SpBinaryError("upsell_summary", detail);
}

/* A varint length, count or time offset (codec.c) */
static uint64
UpsellRecvVarint(StringInfo buf)
{
	return SpRecvVarint(buf, "upsell_summary");
}

/* Read a length and check that many bytes remain */
static int
UpsellRecvLength(StringInfo buf, int min, const char *what)
{
	return SpRecvLength(buf, min, what, "upsell_summary");
}

/* Read a time, finite and in range or infinite */
static TimestampTz
UpsellRecvTime(StringInfo buf)
{
	TimestampTz t = pq_getmsgint64(buf);

	if (!TIMESTAMP_NOT_FINITE(t) && !IS_VALID_TIMESTAMP(t))
		UpsellBinaryError("A time is out of range.");
	return t;
}

/* The last time, sent as a positive offset from the first */
static TimestampTz
UpsellRecvLaterTime(StringInfo buf, TimestampTz first)
{
	uint64		delta = UpsellRecvVarint(buf);
	/* PG_INT64_MAX - first, which fits in uint64 (mod 2^64 arithmetic) */
	uint64		room = (uint64) PG_INT64_MAX - (uint64) first;
	TimestampTz t;

	if (delta == 0)
		UpsellBinaryError("An account's last snapshot is not later than its first.");
	if (delta > room)
		UpsellBinaryError("A time is out of range.");
	t = (TimestampTz) ((uint64) first + delta);
	if (!TIMESTAMP_NOT_FINITE(t) && !IS_VALID_TIMESTAMP(t))
		UpsellBinaryError("A time is out of range.");
	return t;
}

/* A non-negative decimal amount: digits, optionally "." and digits */
static Numeric
UpsellRecvAmount(StringInfo buf)
{
	int			len = UpsellRecvLength(buf, 1, "an amount");
	const char *s = pq_getmsgbytes(buf, len);
	int			n = SpScanAmount(s, s + len);

	if (n == 0)
		UpsellBinaryError("An amount does not start with a digit.");
	/* the scan stops at a "." that no digit follows only in the whole part */
	if (n < len && s[n] == '.' && memchr(s, '.', n) == NULL)
		UpsellBinaryError("An amount has no digits after its decimal point.");
	if (n != len)
		UpsellBinaryError("Amounts must be non-negative decimal numbers such as 1500.5.");
	return SpAmountFromText(s, len);
}

/* Binary input: every length and invariant checked, as in text input */
PG_FUNCTION_INFO_V1(upsell_summary_recv);
Datum
upsell_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int			kind;
	Oid			keytype = InvalidOid;
	FmgrInfo	keyrecv;
	Oid			keyioparam = InvalidOid;
	uint64		n;
	UpsellState *state;
	UpsellFlat *flat;
	StringInfoData keybuf;

	if (version != UPSELL_BINARY_VERSION)
		UpsellBinaryError(psprintf("Unknown format version %d.", version));
	kind = pq_getmsgbyte(buf);
	if (kind == 1)
	{
		int			len = UpsellRecvLength(buf, 1, "the key type name");
		int			nbytes;
		char	   *typname = pq_getmsgtext(buf, len, &nbytes);
		Oid			recvfunc;

		if ((int) strlen(typname) != nbytes)
			UpsellBinaryError("The key type name contains a zero byte.");
		keytype = SpKeyTypeByName(typname);
		UpsellWarnUserKeyType(fcinfo, keytype);
		getTypeBinaryInputInfo(keytype, &recvfunc, &keyioparam);
		fmgr_info(recvfunc, &keyrecv);
	}
	else if (kind != 0)
		UpsellBinaryError(psprintf("Unknown summary kind %d.", kind));

	n = UpsellRecvVarint(buf);
	if (n > (uint64) ((buf->len - buf->cursor) / UPSELL_MIN_ACCOUNT_BYTES))
		UpsellBinaryError(psprintf("The number of accounts, " UINT64_FORMAT ", does not fit in the data.", n));
	if (kind == 0 && n > 1)
		UpsellBinaryError("A series has more than one account.");

	state = UpsellNew(keytype, CurrentMemoryContext, (uint32) n);
	initStringInfo(&keybuf);
	for (uint64 i = 0; i < n; i++)
	{
		UpsellAccountData a;
		int			flags;

		CHECK_FOR_INTERRUPTS();
		a.key = (Datum) 0;
		if (OidIsValid(keytype))
		{
			int			len = UpsellRecvLength(buf, 0, "a key");

			a.key = SpKeyRecv(&keyrecv, keyioparam, &keybuf,
							  pq_getmsgbytes(buf, len), len, "upsell_summary");
		}
		flags = pq_getmsgbyte(buf);
		if (flags != 0 && flags != 1)
			UpsellBinaryError(psprintf("Unknown account flags %d.", flags));
		a.start_at = UpsellRecvTime(buf);
		a.start_value = UpsellRecvAmount(buf);
		if (flags == 1)
		{
			a.end_at = UpsellRecvLaterTime(buf, a.start_at);
			a.end_value = UpsellRecvAmount(buf);
		}
		else
		{
			a.end_at = a.start_at;
			a.end_value = a.start_value;
		}
		UpsellMergeAccount(state, &a, ERRCODE_INVALID_BINARY_REPRESENTATION);
		UpsellFreeParsed(state, &a);
	}
	pq_getmsgend(buf);
	flat = UpsellBuildFlat(state, CurrentMemoryContext);
	DeleteExpandedObject(EOHPGetRWDatum(&state->ks.hdr));
	PG_RETURN_POINTER(flat);
}

/* Append a value as a varint length and its decimal digits */
static void
UpsellSendAmount(StringInfo buf, Numeric n)
{
	char	   *s = UpsellNumericOut(n);
	size_t		len = strlen(s);

	SpPutVarint(buf, len);
	pq_sendbytes(buf, s, len);
	pfree(s);
}

/* Binary output, compact (see above) */
PG_FUNCTION_INFO_V1(upsell_summary_send);
Datum
upsell_summary_send(PG_FUNCTION_ARGS)
{
	UpsellFlat *flat = UpsellDatumGetFlat(PG_GETARG_DATUM(0));
	StringInfoData buf;
	SpKeyType kt;
	FmgrInfo	keysend;
	char	   *p = (char *) flat + UPSELL_FLAT_HDRSZ;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, UPSELL_BINARY_VERSION);
	SpKeyTypeInitStorage(&kt, flat->keytype);
	if (OidIsValid(kt.type))
	{
		char	   *typname = SpKeyTypeName(kt.type);
		Oid			sendfunc;
		bool		isvarlena;
		StringInfoData name;

		getTypeBinaryOutputInfo(kt.type, &sendfunc, &isvarlena);
		fmgr_info(sendfunc, &keysend);
		pq_sendbyte(&buf, 1);
		/* the name in the client encoding, length measured after conversion */
		initStringInfo(&name);
		pq_sendtext(&name, typname, strlen(typname));
		SpPutVarint(&buf, name.len);
		pq_sendbytes(&buf, name.data, name.len);
	}
	else
		pq_sendbyte(&buf, 0);
	SpPutVarint(&buf, flat->naccounts);
	for (int32 i = 0; i < flat->naccounts; i++)
	{
		UpsellAccountData a;

		CHECK_FOR_INTERRUPTS();
		p = UpsellReadAccount(&kt, p, &a);
		if (OidIsValid(kt.type))
		{
			bytea	   *b = SendFunctionCall(&keysend, a.key);

			SpPutVarint(&buf, VARSIZE(b) - VARHDRSZ);
			pq_sendbytes(&buf, VARDATA(b), VARSIZE(b) - VARHDRSZ);
			pfree(b);
		}
		pq_sendbyte(&buf, a.end_at != a.start_at ? 1 : 0);
		pq_sendint64(&buf, a.start_at);
		UpsellSendAmount(&buf, a.start_value);
		if (a.end_at != a.start_at)
		{
			SpPutVarint(&buf, (uint64) a.end_at - (uint64) a.start_at);
			UpsellSendAmount(&buf, a.end_value);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
