/*
 * ratio.c
 *	  The kpi_ratio type and the ratio KPIs: close_rate (by count and by
 *	  value) and lead_qualification_efficiency.
 *
 * Design: every ratio aggregate keeps an exact numerator/denominator pair,
 * the public type kpi_ratio, as its transition state.  Counts are int64 with
 * overflow checks, money is numeric; so the state, and the ratio computed
 * from it, do not depend on row order, on how a parallel plan splits the
 * rows, or on how stored states are rolled up.  The same type being the
 * STYPE lets Citus ship partial states between nodes as text, and lets one
 * combine function serve parallel plans, rollup() and the window inverse.
 *
 * Transition functions are strict and start from an INITCOND ('0/0' or
 * 'value:0/0'), so NULL rows are skipped by the executor.  In an aggregate
 * (SpMayUpdateInPlace) a COUNT state is updated in place.  A VALUE state
 * becomes, on its first row, the fast form (KPI_RATIO_FORM_INT128, ratio.h):
 * two scaled 128-bit integers updated in place, read from the amount's
 * numeric digits without building a numeric; an amount or a sum that does not
 * fit turns it back into the normal form, two exact numerics, which holds
 * any sum.  The fast form lives only in an aggregate's memory: every output
 * (out, send, kpi_ratio_state_final) writes the normal form, and every
 * function reads both.
 *
 * Tags: every transition function tags the state with its KPI (ratio.h) and
 * refuses a state of another KPI, as combine does; states of 0.1.0 and 0.2.0
 * are untagged and merge with either (docs/design-kpi_ratio.md).
 */
#include "salesperf.h"

#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "codec.h"
#include "ratio.h"

/*
 * Binary format versions: 1 for untagged states, byte for byte what 0.1.0
 * and 0.2.0 send (so their binary COPY files still load), 2 for tagged ones
 * (a tag byte after the kind byte).
 */
#define KPI_RATIO_BINARY_VERSION	1
#define KPI_RATIO_BINARY_VERSION_TAGGED	2

/* The text prefix of each tag (index: KPI_RATIO_TAG_*) */
static const char *const RatioTagPrefix[KPI_RATIO_TAG_MAX + 1] = {
	"", "close_rate:", "lead_qualification_efficiency:"
};

/* The KPI of each tag, for messages */
static const char *const RatioTagName[KPI_RATIO_TAG_MAX + 1] = {
	"an untagged", "close_rate", "lead_qualification_efficiency"
};

/* Build a ratio state from its parts */
static KpiRatio *
RatioMakeCount(int64 num, int64 den, int tag)
{
	KpiRatio   *r = palloc0(KPI_RATIO_HDRSZ);

	SET_VARSIZE(r, KPI_RATIO_HDRSZ);
	r->kind = KpiRatioMakeKind(KPI_RATIO_COUNT, tag, KPI_RATIO_FORM_NORMAL);
	r->num = num;
	r->den = den;
	return r;
}

static KpiRatio *
RatioMakeValue(Numeric num, Numeric den, int tag)
{
	Size		numsz = MAXALIGN(VARSIZE(num));
	Size		size = KPI_RATIO_HDRSZ + numsz + VARSIZE(den);
	KpiRatio   *r = palloc0(size);

	SET_VARSIZE(r, size);
	r->kind = KpiRatioMakeKind(KPI_RATIO_VALUE, tag, KPI_RATIO_FORM_NORMAL);
	memcpy(r->sums, num, VARSIZE(num));
	memcpy(r->sums + numsz, den, VARSIZE(den));
	return r;
}

/*
 * The normal form of a state: r itself, or for the fast form a new state
 * with the same sums as numerics (what the numeric path would have built).
 */
static KpiRatio *
RatioNormal(KpiRatio *r)
{
#ifdef HAVE_INT128
	if (unlikely(KpiRatioForm(r) == KPI_RATIO_FORM_INT128))
	{
		int			scale = (int) r->num;

		return RatioMakeValue(SpNumericFromInt128(KpiRatioInt128(r)->num, scale),
							  SpNumericFromInt128(KpiRatioInt128(r)->den, scale),
							  KpiRatioTag(r));
	}
#endif
	return r;
}

/* Argument n detoasted and in the normal form, for the functions that read */
static inline KpiRatio *
RatioGetArg(FunctionCallInfo fcinfo, int n)
{
	return RatioNormal(PG_GETARG_KPI_RATIO_P(n));
}

/* A ratio with nothing counted yet carries no information: its KPI is NULL */
static bool
RatioIsEmpty(KpiRatio *r)
{
#ifdef HAVE_INT128
	if (KpiRatioForm(r) == KPI_RATIO_FORM_INT128)
		return KpiRatioInt128(r)->num == 0 && KpiRatioInt128(r)->den == 0;
#endif
	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
		return r->num == 0 && r->den == 0;
	return SpNumericSign(KpiRatioValueNum(r)) == 0 &&
		SpNumericSign(KpiRatioValueDen(r)) == 0;
}

static const char *
RatioKindName(int32 kind)
{
	return kind == KPI_RATIO_COUNT ? "count" : "value";
}

/* Two different KPIs' states meet: 42804, like upsell's mixed key types */
SP_NORETURN static void
RatioTagMismatch(int a, int b)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("cannot merge kpi_ratio states of different KPIs"),
			 errdetail("One state was made by %s_agg, the other by %s_agg.",
					   RatioTagName[a], RatioTagName[b]),
			 errhint("Roll up the states of each KPI separately.")));
}

/*
 * The tag of a merge of states tagged a and b (or of a state tagged a and a
 * row of KPI b): the same tag; an untagged state (0.1.0, 0.2.0) takes the
 * other's; two different KPIs are an error.
 */
static inline int
RatioMergeTag(int a, int b)
{
	if (likely(a == b) || b == KPI_RATIO_TAG_NONE)
		return a;
	if (a == KPI_RATIO_TAG_NONE)
		return b;
	RatioTagMismatch(a, b);
}

/* Error unless the state is of the kind the calling function works on */
static void
RatioCheckKind(KpiRatio *r, int32 kind)
{
	if (KpiRatioKind(r) != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine a %s ratio with a %s ratio",
						RatioKindName(KpiRatioKind(r)), RatioKindName(kind)),
				 errdetail("A count ratio counts rows or calls; a value ratio sums amounts."),
				 errhint("Roll up close_rate_agg(won, amount) states separately from count states.")));
}

/*
 * The state argument 0, ready to be changed (SpMayUpdateInPlace): in an
 * aggregate it is the executor's own copy and is changed in place; called as
 * a plain function, a fresh copy is made so the caller's datum is left alone.
 */
static inline KpiRatio *
RatioStateForUpdate(FunctionCallInfo fcinfo)
{
	if (SpMayUpdateInPlace(fcinfo))
	{
		struct varlena *state = (struct varlena *) PG_GETARG_POINTER(0);

		/* storage is plain, so a state is not packed or toasted; be sure */
		if (likely(!VARATT_IS_EXTENDED(state)))
			return (KpiRatio *) state;
		return DatumGetKpiRatioP(PointerGetDatum(state));
	}
	return (KpiRatio *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
}

/* Add (sign 1) or remove (sign -1) counts from a COUNT state of KPI tag */
static inline Datum
RatioAccumCount(FunctionCallInfo fcinfo, int64 num, int64 den, int sign, int tag)
{
	KpiRatio   *state = RatioStateForUpdate(fcinfo);

	if (unlikely(state->kind != KpiRatioMakeKind(KPI_RATIO_COUNT, tag, KPI_RATIO_FORM_NORMAL)))
	{
		tag = RatioMergeTag(KpiRatioTag(state), tag);
		RatioCheckKind(state, KPI_RATIO_COUNT);
		state->kind = KpiRatioMakeKind(KPI_RATIO_COUNT, tag, KPI_RATIO_FORM_NORMAL);
	}
	if (sign > 0)
	{
		state->num = SpAddInt64(state->num, num, "ratio numerator");
		state->den = SpAddInt64(state->den, den, "ratio denominator");
	}
	else
	{
		state->num = SpSubInt64(state->num, num, "ratio numerator");
		state->den = SpSubInt64(state->den, den, "ratio denominator");
	}
	PG_RETURN_POINTER(state);
}

/* A sum would go below zero: the value kind's 22003, as the count kind's */
SP_NORETURN static void
RatioAmountUnderflow(const char *what, Numeric a, Numeric b)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s out of range", what),
			 errdetail("Removing %s from %s would leave a negative amount.",
					   DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(b))),
					   DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(a))))));
}

/*
 * Add (sign 1) or remove (sign -1) sums from a VALUE state of KPI tag, by
 * numeric arithmetic: the exact path for sums of any size.  In an aggregate
 * (SpMayUpdateInPlace) the new sums are written over the old ones when they
 * fit in the state's current size (the usual case: sums gain a digit
 * rarely); otherwise a new state is built and the executor frees the old
 * one.  The state may be in the fast form; the result is in the normal one.
 */
static Datum
RatioAccumValue(FunctionCallInfo fcinfo, KpiRatio *state, Numeric num,
				Numeric den, int sign, int tag)
{
	Numeric		(*op) (Numeric, Numeric) = sign > 0 ? SpNumericAdd : SpNumericSub;
	KpiRatio   *cur;
	Numeric		newnum,
				newden;
	Size		size;

	tag = RatioMergeTag(KpiRatioTag(state), tag);
	RatioCheckKind(state, KPI_RATIO_VALUE);
	cur = RatioNormal(state);
	newnum = op(KpiRatioValueNum(cur), num);
	newden = op(KpiRatioValueDen(cur), den);
	if (sign < 0)
	{
		if (SpNumericSign(newnum) < 0)
			RatioAmountUnderflow("ratio numerator", KpiRatioValueNum(cur), num);
		if (SpNumericSign(newden) < 0)
			RatioAmountUnderflow("ratio denominator", KpiRatioValueDen(cur), den);
	}
	size = KPI_RATIO_HDRSZ + MAXALIGN(VARSIZE(newnum)) + VARSIZE(newden);
	if (SpMayUpdateInPlace(fcinfo) && cur == state && size <= VARSIZE(state) &&
		state == (KpiRatio *) PG_GETARG_POINTER(0))
	{
		memcpy(state->sums, newnum, VARSIZE(newnum));
		memcpy(state->sums + MAXALIGN(VARSIZE(newnum)), newden, VARSIZE(newden));
		SET_VARSIZE(state, size);
		state->kind = KpiRatioMakeKind(KPI_RATIO_VALUE, tag, KPI_RATIO_FORM_NORMAL);
		PG_RETURN_POINTER(state);
	}
	PG_RETURN_POINTER(RatioMakeValue(newnum, newden, tag));
}

#ifdef HAVE_INT128
/*
 * The fast path of the value kind, used only inside an aggregate.
 *
 * RatioReadInt128 reads the sums of a VALUE state, of either form, as
 * integers in units of 10^-scale, without allocating; false when they do not
 * fit.  RatioFastState returns a fast-form state to update in place: the
 * state itself, or a new one in the current context holding the same sums
 * (the executor copies it into the aggregate's context and frees the old
 * one); NULL when the sums do not fit.  RatioInt128Add adds (sign 1) or
 * removes (sign -1) num and den, at scale, when everything fits and no sum
 * goes below zero, and returns false, leaving the state alone, otherwise:
 * the numeric path then gives the exact result or the error.
 */
static bool
RatioReadInt128(KpiRatio *r, int128 *num, int128 *den, int *scale)
{
	int			ns,
				ds;

	if (KpiRatioForm(r) == KPI_RATIO_FORM_INT128)
	{
		*num = KpiRatioInt128(r)->num;
		*den = KpiRatioInt128(r)->den;
		*scale = (int) r->num;
		return true;
	}
	if (!SpNumericToInt128((struct varlena *) KpiRatioValueNum(r), num, &ns) ||
		!SpNumericToInt128((struct varlena *) KpiRatioValueDen(r), den, &ds) ||
		*num < 0 || *den < 0)
		return false;
	/* one scale for both */
	if (ns < ds)
	{
		if (*num >= SP_INT128_LIMIT / SpPow10Int128[ds - ns])
			return false;
		*num *= SpPow10Int128[ds - ns];
		ns = ds;
	}
	else if (ds < ns)
	{
		if (*den >= SP_INT128_LIMIT / SpPow10Int128[ns - ds])
			return false;
		*den *= SpPow10Int128[ns - ds];
	}
	*scale = ns;
	return true;
}

static KpiRatio *
RatioFastState(KpiRatio *state)
{
	KpiRatio   *fast;
	int128		num,
				den;
	int			scale;

	if (KpiRatioForm(state) == KPI_RATIO_FORM_INT128)
		return state;
	if (!RatioReadInt128(state, &num, &den, &scale))
		return NULL;
	fast = palloc0(KPI_RATIO_INT128_SIZE);
	SET_VARSIZE(fast, KPI_RATIO_INT128_SIZE);
	fast->kind = KpiRatioMakeKind(KPI_RATIO_VALUE, KpiRatioTag(state), KPI_RATIO_FORM_INT128);
	fast->num = scale;
	KpiRatioInt128(fast)->num = num;
	KpiRatioInt128(fast)->den = den;
	return fast;
}

static inline bool
RatioInt128Add(KpiRatio *state, int128 num, int128 den, int scale, int sign)
{
	KpiRatioInt128Sums *sums = KpiRatioInt128(state);
	int			have = (int) state->num;
	int128		n = sums->num;
	int128		d = sums->den;

	if (unlikely(scale != have))
	{
		int128		m;

		if (scale > have)
		{
			m = SpPow10Int128[scale - have];
			if (n >= SP_INT128_LIMIT / m || d >= SP_INT128_LIMIT / m)
				return false;
			n *= m;
			d *= m;
			have = scale;
		}
		else
		{
			m = SpPow10Int128[have - scale];
			if (num >= SP_INT128_LIMIT / m || den >= SP_INT128_LIMIT / m)
				return false;
			num *= m;
			den *= m;
		}
	}
	if (sign > 0)
	{
		n += num;
		d += den;
		if (unlikely(n >= SP_INT128_LIMIT || d >= SP_INT128_LIMIT))
			return false;
	}
	else
	{
		n -= num;
		d -= den;
		if (unlikely(n < 0 || d < 0))
			return false;
	}
	sums->num = n;
	sums->den = d;
	state->num = have;
	return true;
}
#endif							/* HAVE_INT128 */

/* Reject a negative count argument, naming it */
static int64
RatioCheckCount(int64 v, const char *what)
{
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", what),
				 errdetail("The value given was %lld.", (long long) v)));
	return v;
}

/* ---------------------------------------------------------------------
 * Text and binary I/O
 * ---------------------------------------------------------------------
 */

/* Malformed text input: the one detail kpi_ratio_in gives */
SP_NORETURN static void
RatioSyntaxError(const char *input)
{
	SpSyntaxError("kpi_ratio", input,
				  "Expected \"numerator/denominator\" with non-negative whole numbers, e.g. \"27/100\", or \"value:won/total\" with non-negative decimal amounts, e.g. \"value:1500.50/4200\", optionally after the KPI, \"close_rate:\" or \"lead_qualification_efficiency:\" (which counts only).",
				  NULL);
}

/* Parse an unsigned int64 at *p; advances *p */
static int64
RatioParseCount(const char **p, const char *input)
{
	const char *s = *p;
	uint64		v = 0;

	if (!isdigit((unsigned char) *s))
		RatioSyntaxError(input);
	for (; isdigit((unsigned char) *s); s++)
	{
		int			d = *s - '0';

		if (v > (PG_UINT64_MAX - d) / 10 || v * 10 + d > (uint64) PG_INT64_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value out of range for type %s: \"%s\"", "kpi_ratio", input),
					 errdetail("Counts must not exceed %lld.", (long long) PG_INT64_MAX)));
		v = v * 10 + d;
	}
	*p = s;
	return (int64) v;
}

/*
 * Parse a plain non-negative decimal ("123" or "123.45") at *p (before end,
 * the end of input), in canonical form.  A "." that no digit follows is an
 * error here ("1." or "1./2").
 */
static Numeric
RatioParseAmount(const char **p, const char *end, const char *input)
{
	const char *s = *p;
	int			len = SpScanAmount(s, end);

	if (len == 0 || s[len] == '.')
		RatioSyntaxError(input);
	*p = s + len;
	return SpNumericCanonical(SpAmountFromText(s, len));
}

static void
RatioSkipSpace(const char **p)
{
	while (isspace((unsigned char) **p))
		(*p)++;
}

/*
 * Text form: [tag:][value:]numerator/denominator.  The tag prefix,
 * "close_rate:" or "lead_qualification_efficiency:", is written for tagged
 * states only, so untagged states (0.1.0, 0.2.0 dumps) keep their text.
 */
PG_FUNCTION_INFO_V1(kpi_ratio_in);
Datum
kpi_ratio_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	const char *end = input + strlen(input);
	int			tag = KPI_RATIO_TAG_NONE;
	KpiRatio   *result;

	RatioSkipSpace(&p);
	for (int t = 1; t <= KPI_RATIO_TAG_MAX; t++)
	{
		size_t		len = strlen(RatioTagPrefix[t]);

		if (strncmp(p, RatioTagPrefix[t], len) == 0)
		{
			tag = t;
			p += len;
			RatioSkipSpace(&p);
			break;
		}
	}
	if (strncmp(p, "value:", 6) == 0)
	{
		Numeric		num,
					den;

		/* qualified leads and calls are counts */
		if (tag == KPI_RATIO_TAG_LEAD)
			RatioSyntaxError(input);
		p += 6;
		RatioSkipSpace(&p);
		num = RatioParseAmount(&p, end, input);
		RatioSkipSpace(&p);
		if (*p++ != '/')
			RatioSyntaxError(input);
		RatioSkipSpace(&p);
		den = RatioParseAmount(&p, end, input);
		result = RatioMakeValue(num, den, tag);
	}
	else
	{
		int64		num,
					den;

		num = RatioParseCount(&p, input);
		RatioSkipSpace(&p);
		if (*p++ != '/')
			RatioSyntaxError(input);
		RatioSkipSpace(&p);
		den = RatioParseCount(&p, input);
		result = RatioMakeCount(num, den, tag);
	}
	RatioSkipSpace(&p);
	if (*p != '\0')
		RatioSyntaxError(input);
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(kpi_ratio_out);
Datum
kpi_ratio_out(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = RatioGetArg(fcinfo, 0);
	const char *prefix = RatioTagPrefix[KpiRatioTag(r)];

	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
		PG_RETURN_CSTRING(psprintf("%s" INT64_FORMAT "/" INT64_FORMAT, prefix, r->num, r->den));
	PG_RETURN_CSTRING(psprintf("%svalue:%s/%s", prefix,
							   DatumGetCString(DirectFunctionCall1(numeric_out,
																   NumericGetDatum(KpiRatioValueNum(r)))),
							   DatumGetCString(DirectFunctionCall1(numeric_out,
																   NumericGetDatum(KpiRatioValueDen(r))))));
}

/*
 * Binary form: version byte, kind byte, for version 2 (tagged states only)
 * a tag byte, then two int64 counts, or two numerics each as an int32 length
 * and numeric's own binary form.  An untagged state is sent as version 1,
 * exactly as 0.1.0 and 0.2.0 sent it.
 */
PG_FUNCTION_INFO_V1(kpi_ratio_send);
Datum
kpi_ratio_send(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = RatioGetArg(fcinfo, 0);
	int			tag = KpiRatioTag(r);
	StringInfoData buf;

	pq_begintypsend(&buf);
	if (tag == KPI_RATIO_TAG_NONE)
	{
		pq_sendbyte(&buf, KPI_RATIO_BINARY_VERSION);
		pq_sendbyte(&buf, (uint8) KpiRatioKind(r));
	}
	else
	{
		pq_sendbyte(&buf, KPI_RATIO_BINARY_VERSION_TAGGED);
		pq_sendbyte(&buf, (uint8) KpiRatioKind(r));
		pq_sendbyte(&buf, (uint8) tag);
	}
	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
	{
		pq_sendint64(&buf, r->num);
		pq_sendint64(&buf, r->den);
	}
	else
	{
		Numeric		sums[2] = {KpiRatioValueNum(r), KpiRatioValueDen(r)};

		for (int i = 0; i < 2; i++)
		{
			bytea	   *b = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
																NumericGetDatum(sums[i])));

			pq_sendint32(&buf, VARSIZE_ANY_EXHDR(b));
			pq_sendbytes(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

SP_NORETURN static void
RatioBinaryError(const char *detail)
{
	SpBinaryError("kpi_ratio", detail);
}

/* Read one length-prefixed numeric amount, checking every length */
static Numeric
RatioRecvAmount(StringInfo buf)
{
	int32		len = pq_getmsgint(buf, 4);
	StringInfoData sub;
	Numeric		n;

	if (len <= 0 || len > buf->len - buf->cursor)
		RatioBinaryError("An amount's length runs past the end of the data.");
	initStringInfo(&sub);
	appendBinaryStringInfo(&sub, pq_getmsgbytes(buf, len), len);
	n = DatumGetNumeric(DirectFunctionCall3(numeric_recv, PointerGetDatum(&sub),
											ObjectIdGetDatum(InvalidOid),
											Int32GetDatum(-1)));
	if (sub.cursor != sub.len)
		RatioBinaryError("An amount has trailing bytes.");
	if (numeric_is_nan(n) || numeric_is_inf(n) || SpNumericSign(n) < 0)
		RatioBinaryError("Amounts must be finite and not negative.");
	return SpNumericCanonical(n);
}

PG_FUNCTION_INFO_V1(kpi_ratio_recv);
Datum
kpi_ratio_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int			kind;
	int			tag = KPI_RATIO_TAG_NONE;
	KpiRatio   *result;

	if (version != KPI_RATIO_BINARY_VERSION && version != KPI_RATIO_BINARY_VERSION_TAGGED)
		RatioBinaryError(psprintf("Unknown format version %d.", version));
	kind = pq_getmsgbyte(buf);
	if (version == KPI_RATIO_BINARY_VERSION_TAGGED)
	{
		tag = pq_getmsgbyte(buf);
		if (tag == KPI_RATIO_TAG_NONE)
			RatioBinaryError("An untagged state is sent as version 1.");
		if (tag > KPI_RATIO_TAG_MAX)
			RatioBinaryError(psprintf("Unknown KPI tag %d.", tag));
		if (tag == KPI_RATIO_TAG_LEAD && kind == KPI_RATIO_VALUE)
			RatioBinaryError("A lead_qualification_efficiency state counts, it does not sum amounts.");
	}
	if (kind == KPI_RATIO_COUNT)
	{
		int64		num = pq_getmsgint64(buf);
		int64		den = pq_getmsgint64(buf);

		if (num < 0 || den < 0)
			RatioBinaryError("Counts must not be negative.");
		result = RatioMakeCount(num, den, tag);
	}
	else if (kind == KPI_RATIO_VALUE)
	{
		Numeric		num = RatioRecvAmount(buf);
		Numeric		den = RatioRecvAmount(buf);

		result = RatioMakeValue(num, den, tag);
	}
	else
		RatioBinaryError(psprintf("Unknown ratio kind %d.", kind));
	pq_getmsgend(buf);
	PG_RETURN_POINTER(result);
}

/*
 * Equality of states: same KPI tag, same kind, same numerator and
 * denominator; a fast-form state equals its normal form.
 */
static bool
RatioEqual(KpiRatio *a, KpiRatio *b)
{
	a = RatioNormal(a);
	b = RatioNormal(b);
	if (a->kind != b->kind)
		return false;
	if (KpiRatioKind(a) == KPI_RATIO_COUNT)
		return a->num == b->num && a->den == b->den;
	return SpNumericEqual(KpiRatioValueNum(a), KpiRatioValueNum(b)) &&
		SpNumericEqual(KpiRatioValueDen(a), KpiRatioValueDen(b));
}

PG_FUNCTION_INFO_V1(kpi_ratio_eq);
Datum
kpi_ratio_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RatioEqual(PG_GETARG_KPI_RATIO_P(0), PG_GETARG_KPI_RATIO_P(1)));
}

PG_FUNCTION_INFO_V1(kpi_ratio_ne);
Datum
kpi_ratio_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!RatioEqual(PG_GETARG_KPI_RATIO_P(0), PG_GETARG_KPI_RATIO_P(1)));
}

/*
 * Hash agreeing with RatioEqual.  It hashes the fields, not the bytes: a
 * value state updated in place can keep stale bytes in the alignment gap
 * between its two sums, and numeric_eq, not the image, decides equality.
 * The kind word of an untagged state is 0 or 1, as in 0.1.0 and 0.2.0, so
 * their hashes (and hash indexes on them) are unchanged.
 */
PG_FUNCTION_INFO_V1(kpi_ratio_hash);
Datum
kpi_ratio_hash(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = RatioGetArg(fcinfo, 0);
	uint32		h = hash_uint32((uint32) r->kind);

	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
	{
		h = SpHashCombineInt64(h, r->num);
		h = SpHashCombineInt64(h, r->den);
	}
	else
	{
		h = SpHashCombineNumeric(h, KpiRatioValueNum(r));
		h = SpHashCombineNumeric(h, KpiRatioValueDen(r));
	}
	PG_RETURN_UINT32(h);
}

/* ---------------------------------------------------------------------
 * Transition, inverse and combine functions
 * ---------------------------------------------------------------------
 */

/* close_rate(won): one deal worked, won or not */
PG_FUNCTION_INFO_V1(kpi_ratio_close_trans);
Datum
kpi_ratio_close_trans(PG_FUNCTION_ARGS)
{
	return RatioAccumCount(fcinfo, PG_GETARG_BOOL(1) ? 1 : 0, 1, 1,
						   KPI_RATIO_TAG_CLOSE_RATE);
}

PG_FUNCTION_INFO_V1(kpi_ratio_close_inv);
Datum
kpi_ratio_close_inv(PG_FUNCTION_ARGS)
{
	return RatioAccumCount(fcinfo, PG_GETARG_BOOL(1) ? 1 : 0, 1, -1,
						   KPI_RATIO_TAG_CLOSE_RATE);
}

/*
 * close_rate(won, amount): the deal's amount counts on both sides if won.
 * In an aggregate, the fast form takes the amount's digits as they lie in
 * the row (no detoasting copy, no numeric built); an amount that is not a
 * non-negative number below 10^36 with at most 36 decimals, or a sum that
 * would pass 10^36, goes the numeric way, which checks the amount and
 * raises the errors.
 */
static Datum
RatioCloseValue(FunctionCallInfo fcinfo, int sign)
{
	KpiRatio   *state = NULL;
	Numeric		amount;

#ifdef HAVE_INT128
	if (SpMayUpdateInPlace(fcinfo))
	{
		const int32 fastkind = KpiRatioMakeKind(KPI_RATIO_VALUE, KPI_RATIO_TAG_CLOSE_RATE,
												KPI_RATIO_FORM_INT128);
		KpiRatio   *fast;
		int128		v;
		int			scale;

		state = RatioStateForUpdate(fcinfo);
		if (likely(state->kind == fastkind))
			fast = state;
		else
		{
			RatioMergeTag(KpiRatioTag(state), KPI_RATIO_TAG_CLOSE_RATE);
			RatioCheckKind(state, KPI_RATIO_VALUE);
			fast = RatioFastState(state);
		}
		if (fast != NULL &&
			SpNumericToInt128((struct varlena *) PG_GETARG_POINTER(2), &v, &scale) &&
			v >= 0 &&
			RatioInt128Add(fast, PG_GETARG_BOOL(1) ? v : 0, v, scale, sign))
		{
			fast->kind = fastkind;
			PG_RETURN_POINTER(fast);
		}
	}
#endif
	amount = PG_GETARG_NUMERIC(2);
	SpCheckAmount(amount, "deal amount");
	if (state == NULL)
		state = PG_GETARG_KPI_RATIO_P(0);
	return RatioAccumValue(fcinfo, state, PG_GETARG_BOOL(1) ? amount : SpNumericZero(),
						   amount, sign, KPI_RATIO_TAG_CLOSE_RATE);
}

PG_FUNCTION_INFO_V1(kpi_ratio_close_value_trans);
Datum
kpi_ratio_close_value_trans(PG_FUNCTION_ARGS)
{
	return RatioCloseValue(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(kpi_ratio_close_value_inv);
Datum
kpi_ratio_close_value_inv(PG_FUNCTION_ARGS)
{
	return RatioCloseValue(fcinfo, -1);
}

/* lead_qualification_efficiency(qualified, calls): one lead */
PG_FUNCTION_INFO_V1(kpi_ratio_lead_trans);
Datum
kpi_ratio_lead_trans(PG_FUNCTION_ARGS)
{
	return RatioAccumCount(fcinfo, PG_GETARG_BOOL(1) ? 1 : 0,
						   RatioCheckCount(PG_GETARG_INT64(2), "calls"), 1,
						   KPI_RATIO_TAG_LEAD);
}

PG_FUNCTION_INFO_V1(kpi_ratio_lead_inv);
Datum
kpi_ratio_lead_inv(PG_FUNCTION_ARGS)
{
	return RatioAccumCount(fcinfo, PG_GETARG_BOOL(1) ? 1 : 0,
						   RatioCheckCount(PG_GETARG_INT64(2), "calls"), -1,
						   KPI_RATIO_TAG_LEAD);
}

/* lead_qualification_efficiency(qualified_leads, calls): pre-counted rows */
PG_FUNCTION_INFO_V1(kpi_ratio_counts_trans);
Datum
kpi_ratio_counts_trans(PG_FUNCTION_ARGS)
{
	return RatioAccumCount(fcinfo,
						   RatioCheckCount(PG_GETARG_INT64(1), "qualified leads"),
						   RatioCheckCount(PG_GETARG_INT64(2), "calls"), 1,
						   KPI_RATIO_TAG_LEAD);
}

PG_FUNCTION_INFO_V1(kpi_ratio_counts_inv);
Datum
kpi_ratio_counts_inv(PG_FUNCTION_ARGS)
{
	return RatioAccumCount(fcinfo,
						   RatioCheckCount(PG_GETARG_INT64(1), "qualified leads"),
						   RatioCheckCount(PG_GETARG_INT64(2), "calls"), -1,
						   KPI_RATIO_TAG_LEAD);
}

/*
 * Merge (sign 1) or unmerge (sign -1) a stored state into the state: same
 * KPI, or an untagged state on either side, and same kind.
 */
static Datum
RatioMerge(FunctionCallInfo fcinfo, int sign)
{
	KpiRatio   *state = PG_GETARG_KPI_RATIO_P(0);
	KpiRatio   *other = PG_GETARG_KPI_RATIO_P(1);
	int			tag = RatioMergeTag(KpiRatioTag(state), KpiRatioTag(other));

	if (KpiRatioKind(other) == KPI_RATIO_COUNT)
		return RatioAccumCount(fcinfo, other->num, other->den, sign, tag);
	RatioCheckKind(state, KPI_RATIO_VALUE);
#ifdef HAVE_INT128
	if (SpMayUpdateInPlace(fcinfo))
	{
		KpiRatio   *fast;
		int128		num,
					den;
		int			scale;

		state = RatioStateForUpdate(fcinfo);
		fast = RatioFastState(state);
		if (fast != NULL && RatioReadInt128(other, &num, &den, &scale) &&
			RatioInt128Add(fast, num, den, scale, sign))
		{
			fast->kind = KpiRatioMakeKind(KPI_RATIO_VALUE, tag, KPI_RATIO_FORM_INT128);
			PG_RETURN_POINTER(fast);
		}
	}
#endif
	other = RatioNormal(other);
	return RatioAccumValue(fcinfo, state, KpiRatioValueNum(other),
						   KpiRatioValueDen(other), sign, tag);
}

/* Combine function of every ratio aggregate, and rollup()'s transition */
PG_FUNCTION_INFO_V1(kpi_ratio_combine);
Datum
kpi_ratio_combine(PG_FUNCTION_ARGS)
{
	return RatioMerge(fcinfo, 1);
}

/* rollup()'s inverse transition, for moving windows over stored states */
PG_FUNCTION_INFO_V1(kpi_ratio_uncombine);
Datum
kpi_ratio_uncombine(PG_FUNCTION_ARGS)
{
	return RatioMerge(fcinfo, -1);
}

/* ---------------------------------------------------------------------
 * Final functions and accessors
 * ---------------------------------------------------------------------
 */

/*
 * Final function of the state aggregates: the state in its normal form, or
 * NULL if empty.  Being the only way an aggregate's state leaves it, it is
 * where the fast form is turned back into the one that is stored.
 */
PG_FUNCTION_INFO_V1(kpi_ratio_state_final);
Datum
kpi_ratio_state_final(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = PG_GETARG_KPI_RATIO_P(0);

	if (RatioIsEmpty(r))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(RatioNormal(r));
}

/* numerator / denominator as float8; NULL when the denominator is zero */
static Datum
RatioValue(FunctionCallInfo fcinfo, KpiRatio *r)
{
	r = RatioNormal(r);
	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
	{
		if (r->den == 0)
			PG_RETURN_NULL();
		PG_RETURN_FLOAT8((double) r->num / (double) r->den);
	}
	if (SpNumericSign(KpiRatioValueDen(r)) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(SpNumericRatio(KpiRatioValueNum(r), KpiRatioValueDen(r)));
}

/*
 * The KPI's finaliser reads its own states and untagged ones (0.1.0, 0.2.0,
 * or text without a tag), and refuses the other KPI's: 42804.
 */
static Datum
RatioKpiValue(FunctionCallInfo fcinfo, int tag)
{
	KpiRatio   *r = PG_GETARG_KPI_RATIO_P(0);
	int			have = KpiRatioTag(r);

	if (have != KPI_RATIO_TAG_NONE && have != tag)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s() cannot read a %s state", RatioTagName[tag], RatioTagName[have]),
				 errdetail("The state was made by %s_agg.", RatioTagName[have]),
				 errhint("Use %s() on it.", RatioTagName[have])));
	return RatioValue(fcinfo, r);
}

/* close_rate(kpi_ratio), and the final function of close_rate(...) */
PG_FUNCTION_INFO_V1(kpi_ratio_close_rate);
Datum
kpi_ratio_close_rate(PG_FUNCTION_ARGS)
{
	return RatioKpiValue(fcinfo, KPI_RATIO_TAG_CLOSE_RATE);
}

/* lead_qualification_efficiency(kpi_ratio), and its aggregates' final */
PG_FUNCTION_INFO_V1(kpi_ratio_lead_qualification_efficiency);
Datum
kpi_ratio_lead_qualification_efficiency(PG_FUNCTION_ARGS)
{
	return RatioKpiValue(fcinfo, KPI_RATIO_TAG_LEAD);
}

/*
 * The accessor of 0.1.0 and 0.2.0, whose install scripts name it for both
 * close_rate(kpi_ratio) and lead_qualification_efficiency(kpi_ratio): kept
 * for them (until ALTER EXTENSION UPDATE points those at the two above), it
 * reads any state, as it did.
 */
PG_FUNCTION_INFO_V1(kpi_ratio_value);
Datum
kpi_ratio_value(PG_FUNCTION_ARGS)
{
	return RatioValue(fcinfo, PG_GETARG_KPI_RATIO_P(0));
}

PG_FUNCTION_INFO_V1(kpi_ratio_numerator);
Datum
kpi_ratio_numerator(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = RatioGetArg(fcinfo, 0);

	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
		PG_RETURN_NUMERIC(SpNumericFromInt64(r->num));
	PG_RETURN_NUMERIC(KpiRatioValueNum(r));
}

PG_FUNCTION_INFO_V1(kpi_ratio_denominator);
Datum
kpi_ratio_denominator(PG_FUNCTION_ARGS)
{
	KpiRatio   *r = RatioGetArg(fcinfo, 0);

	if (KpiRatioKind(r) == KPI_RATIO_COUNT)
		PG_RETURN_NUMERIC(SpNumericFromInt64(r->den));
	PG_RETURN_NUMERIC(KpiRatioValueDen(r));
}

/* ---------------------------------------------------------------------
 * Wilson score interval
 * ---------------------------------------------------------------------
 */

/*
 * Inverse of the standard normal CDF: Acklam's rational approximation
 * (relative error below 1.2e-9), polished by one Halley step on erfc, which
 * brings it to double precision.
 */
static double
NormalQuantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
	-3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
	-1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
	4.374664141464968e+00, 2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	const double plow = 0.02425;
	double		x,
				q,
				r,
				e,
				u;

	if (p < plow)
	{
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	else if (p <= 1 - plow)
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	else
	{
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	e = 0.5 * erfc(-x / M_SQRT2) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

/*
 * One bound of the Wilson score interval for a count ratio at the given
 * two-sided confidence.  NULL for an empty ratio.
 */
static Datum
RatioWilson(FunctionCallInfo fcinfo, int side)
{
	KpiRatio   *r = RatioGetArg(fcinfo, 0);
	double		confidence = PG_GETARG_FLOAT8(1);
	double		n,
				phat,
				z,
				z2,
				center,
				half;

	if (isnan(confidence) || confidence <= 0 || confidence >= 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1, exclusive"),
				 errdetail("The value given was %g.", confidence)));
	if (KpiRatioKind(r) != KPI_RATIO_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the Wilson interval is defined only for count ratios"),
				 errdetail("A value-weighted ratio sums amounts, not independent successes and trials."),
				 errhint("Use close_rate_agg(won) to rank by the Wilson bound.")));
	if (r->num > r->den)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the Wilson interval needs a numerator no larger than the denominator"),
				 errdetail("The ratio is " INT64_FORMAT "/" INT64_FORMAT ", which is not a proportion.",
						   r->num, r->den)));
	if (r->den == 0)
		PG_RETURN_NULL();

	n = (double) r->den;
	phat = (double) r->num / n;
	/*
	 * The upper quantile as minus the lower one: 1 - (1 - c) / 2 rounds to 1
	 * for c within 1e-16 of 1, where the quantile is infinite (NaN bounds).
	 */
	z = -NormalQuantile((1 - confidence) / 2);
	z2 = z * z;
	center = (phat + z2 / (2 * n)) / (1 + z2 / n);
	half = z / (1 + z2 / n) * sqrt(phat * (1 - phat) / n + z2 / (4 * n * n));
	/* the exact bound at 0 or n successes, free of rounding */
	if (side < 0)
		PG_RETURN_FLOAT8(r->num == 0 ? 0.0 : center - half);
	PG_RETURN_FLOAT8(r->num == r->den ? 1.0 : center + half);
}

PG_FUNCTION_INFO_V1(kpi_ratio_wilson_lower);
Datum
kpi_ratio_wilson_lower(PG_FUNCTION_ARGS)
{
	return RatioWilson(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(kpi_ratio_wilson_upper);
Datum
kpi_ratio_wilson_upper(PG_FUNCTION_ARGS)
{
	return RatioWilson(fcinfo, 1);
}
