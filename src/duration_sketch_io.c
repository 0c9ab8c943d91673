/*
 * duration_sketch_io.c
 *	  The text and binary forms of duration_sketch: output, input (which
 *	  checks every invariant, see DsValidate) and send/receive.  Both inputs
 *	  end in the stored form (DsCanonical), whatever form they read.
 */
#include "duration_sketch.h"

#include "codec.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "parser/scansup.h"
#include "utils/float.h"

/* Shortest text that reads back as the same double (like float8out) */
static void
DsAppendDouble(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

/* Decimal text of an int128 */
void
DsAppendInt128(StringInfo buf, int128 v)
{
	char		tmp[48];
	int			pos = sizeof(tmp) - 1;
	uint128		u = v < 0 ? -(uint128) v : (uint128) v;

	tmp[pos] = '\0';
	do
	{
		tmp[--pos] = '0' + (int) (u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--pos] = '-';
	appendStringInfoString(buf, tmp + pos);
}

/* "@index:count,count,...,@index:count" of one dense store */
static void
DsAppendStore(StringInfo buf, const char *key, int64 *counts, int32 lo, int32 n)
{
	int32		first,
				last,
				prev = -1;

	if (!DsStoreSpan(counts, lo, n, &first, &last))
		return;
	appendStringInfo(buf, " %s=", key);
	for (int32 i = first; i <= last; i++)
	{
		int64		c = counts[i - lo];

		if (c == 0)
			continue;
		if (prev >= 0)
			appendStringInfoChar(buf, ',');
		if (prev >= 0 && i - prev <= 3)
		{
			/* a short gap costs less as zeros than as a new @index */
			for (int32 g = prev + 1; g < i; g++)
				appendStringInfoString(buf, "0,");
		}
		else
			appendStringInfo(buf, "@%d:", i);
		appendStringInfo(buf, INT64_FORMAT, c);
		prev = i;
	}
}

PG_FUNCTION_INFO_V1(duration_sketch_out);
Datum
duration_sketch_out(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsReadable(PG_GETARG_DURATION_SKETCH_P(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", DS_VERSION);
	if (ds->alpha != 0)
	{
		appendStringInfoString(&buf, " a=");
		DsAppendDouble(&buf, ds->alpha);
	}
	if (ds->nparams > 0)
	{
		appendStringInfoString(&buf, " p=");
		for (int j = 0; j < ds->nparams; j++)
		{
			if (j > 0)
				appendStringInfoChar(&buf, ',');
			if (isnan(DsParams(ds)[j]))
				appendStringInfoString(&buf, "null");
			else
				DsAppendDouble(&buf, DsNormalP(DsParams(ds)[j]));
		}
	}
	appendStringInfo(&buf, " n=" INT64_FORMAT, ds->count);
	if (ds->format == DS_FORMAT_EXACT)
	{
		if (ds->nvalues > 0)
		{
			appendStringInfoString(&buf, " exact_us=");
			for (int j = 0; j < ds->nvalues; j++)
				appendStringInfo(&buf, j > 0 ? "," INT64_FORMAT : INT64_FORMAT,
								 DsValues(ds)[j]);
		}
	}
	else
	{
		appendStringInfo(&buf, " min_us=" INT64_FORMAT " max_us=" INT64_FORMAT " sum_us=",
						 ds->min_us, ds->max_us);
		DsAppendInt128(&buf, DsGetSum(ds));
		if (ds->zeros > 0)
			appendStringInfo(&buf, " zeros=" INT64_FORMAT, ds->zeros);
		DsAppendStore(&buf, "neg", DsNeg(ds), ds->neg_lo, ds->neg_n);
		DsAppendStore(&buf, "pos", DsPos(ds), ds->pos_lo, ds->pos_n);
	}
	PG_RETURN_CSTRING(buf.data);
}

/* Bad text input (22P02), as every type reports it (codec.h) */
SP_NORETURN static inline void
DsSyntaxError(const char *input, const char *detail)
{
	SpSyntaxError("duration_sketch", input, detail, NULL);
}

/*
 * Parse a decimal integer (optionally signed) of [p, end) into int128.
 * False if it is not a whole number; *overflow is set if its magnitude
 * passes 2^126 (then *out is meaningless).
 */
static bool
DsParseInt128(const char *p, const char *end, bool allow_sign, int128 *out,
			  bool *overflow)
{
	bool		neg = false;
	int128		v = 0;
	const int128 limit = ((int128) 1) << 126;

	*overflow = false;
	if (p < end && (*p == '-' || *p == '+') && allow_sign)
	{
		neg = (*p == '-');
		p++;
	}
	if (p >= end)
		return false;
	for (; p < end; p++)
	{
		if (*p < '0' || *p > '9')
			return false;
		/* check before multiplying: v * 10 would wrap past 2^127 */
		if (v > (limit - (*p - '0')) / 10)
			*overflow = true;
		else
			v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* A whole number too large for its field (22003), like int8in's error */
SP_NORETURN static void
DsNumberRangeError(const char *input, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value out of range for type %s: \"%s\"", "duration_sketch", input),
			 errdetail("The %s does not fit in its field.", what)));
}

/* Parse a whole number token as int64: 22P02 if it is none, 22003 if too big */
static int64
DsParseInt64(const char *input, const char *p, const char *end, bool allow_sign,
			 const char *what)
{
	int128		v;
	bool		overflow;

	if (!DsParseInt128(p, end, allow_sign, &v, &overflow))
		DsSyntaxError(input, psprintf("The %s is not a whole number.", what));
	if (overflow || v > PG_INT64_MAX || v < PG_INT64_MIN)
		DsNumberRangeError(input, what);
	return (int64) v;
}

/* Parse a double token (NaN and infinities included), or fail with 22P02 */
static double
DsParseDouble(const char *input, const char *p, const char *end, const char *what)
{
	char	   *tok = pnstrdup(p, end - p);
	char	   *stop;
	double		v;

	/*
	 * Infinities and out-of-range numbers are numbers: the callers' range
	 * checks reject them (22023, 22003), as they reject NaN.  strtod would
	 * skip leading white space by the locale's isspace(): a number starts
	 * with a sign, a digit, a point or an ASCII letter (inf, nan), never a
	 * space of any kind.
	 */
	if (!((*tok >= '0' && *tok <= '9') || *tok == '+' || *tok == '-' || *tok == '.' ||
		  (*tok >= 'a' && *tok <= 'z') || (*tok >= 'A' && *tok <= 'Z')))
		DsSyntaxError(input, psprintf("The %s is not a number.", what));
	v = strtod(tok, &stop);
	if (*stop != '\0')
		DsSyntaxError(input, psprintf("The %s is not a number.", what));
	return v;
}

/*
 * Scan a bucket list "@i:c,c,@j:c": its first and last non-empty index
 * (*first, *last; -1 if none) and, when counts is given (a window from
 * index lo, sized by a first pass without it), the counts and, when total
 * is given, their sum.
 */
static void
DsScanBuckets(const char *input, const char *p, const char *end, int32 maxidx,
			  int32 *first, int32 *last, int64 *counts, int32 lo, int64 *total)
{
	int64		idx = -1;

	*first = -1;
	*last = -1;
	if (total)
		*total = 0;
	while (p < end)
	{
		const char *comma = memchr(p, ',', end - p);
		const char *itemend = comma ? comma : end;
		int64		c;

		if (*p == '@')
		{
			const char *colon = memchr(p, ':', itemend - p);
			int64		newidx;

			if (colon == NULL)
				DsSyntaxError(input, "A bucket index must be followed by a colon.");
			newidx = DsParseInt64(input, p + 1, colon, false, "bucket index");
			if (newidx <= idx)
				DsSyntaxError(input, "Bucket indexes must increase.");
			idx = newidx;
			p = colon + 1;
		}
		else if (idx < 0)
			DsSyntaxError(input, "A bucket list must start with @index:.");
		else
			idx++;
		if (idx > maxidx)
			DsSyntaxError(input, "A bucket index is out of range.");
		c = DsParseInt64(input, p, itemend, false, "bucket count");
		if (c > 0)
		{
			if (*first < 0)
				*first = (int32) idx;
			*last = (int32) idx;
			if (counts)
				counts[idx - lo] = c;
			if (total)
				*total = SpAddInt64(*total, c, "duration count");
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end)
			DsSyntaxError(input, "A bucket list must not end with a comma.");
	}
}

/*
 * The text form is "v1" followed by key=value items separated by spaces,
 * in any order, each key at most once.  After the header items (a, p, n)
 * come those of one of two grammars, chosen by the count n:
 *	exact form (n <= DS_EXACT_MAX):	exact_us=v,v,...  (the n values);
 *	bucketed form:	min_us= max_us= sum_us= [zeros=] [neg=buckets] [pos=buckets].
 */
typedef enum DsTextKey
{
	K_A, K_P, K_N, K_EXACT, K_MIN, K_MAX, K_SUM, K_ZEROS, K_NEG, K_POS, K_COUNT
} DsTextKey;

static const char *const ds_text_keys[K_COUNT] = {
	"a", "p", "n", "exact_us", "min_us", "max_us", "sum_us", "zeros", "neg", "pos"
};

/* The value [val[k], vend[k]) of each key of a text form; NULL if absent */
typedef struct DsTextItems
{
	const char *val[K_COUNT];
	const char *vend[K_COUNT];
} DsTextItems;

/*
 * Split a text form into its key=value items, after the version.  Items are
 * separated by white space as PostgreSQL's scanner defines it (space, tab,
 * newline, carriage return, form feed: scanner_isspace), like the core
 * types' input functions, whatever the server's locale.
 */
static void
DsScanItems(const char *input, DsTextItems *items)
{
	const char *p = input;

	memset(items, 0, sizeof(*items));
	while (scanner_isspace(*p))
		p++;
	if (strncmp(p, "v1", 2) != 0 || !(p[2] == '\0' || scanner_isspace(p[2])))
		DsSyntaxError(input, "A duration_sketch starts with its format version, \"v1\".");
	p += 2;
	for (;;)
	{
		const char *tok,
				   *eq,
				   *tend;
		int			k;

		while (scanner_isspace(*p))
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (*p && !scanner_isspace(*p))
			p++;
		tend = p;
		eq = memchr(tok, '=', tend - tok);
		if (eq == NULL)
			DsSyntaxError(input, "Expected key=value items.");
		for (k = 0; k < K_COUNT; k++)
			if (strlen(ds_text_keys[k]) == (size_t) (eq - tok) &&
				strncmp(tok, ds_text_keys[k], eq - tok) == 0)
				break;
		if (k == K_COUNT)
			DsSyntaxError(input, psprintf("Unknown key \"%s\".", pnstrdup(tok, eq - tok)));
		if (items->val[k] != NULL)
			DsSyntaxError(input, psprintf("Key \"%s\" appears twice.", ds_text_keys[k]));
		items->val[k] = eq + 1;
		items->vend[k] = tend;
	}
}

/*
 * The header items: the count n (required), the relative accuracy a
 * (required unless empty) into hdr, and the percentile list p, whose
 * elements (NaN for null) are returned with their number in *nparams.
 */
static float8 *
DsParseHeader(const char *input, const DsTextItems *items, DurationSketch *hdr,
			  int32 *nparams)
{
	float8	   *params = NULL;

	*nparams = 0;
	if (items->val[K_N] == NULL)
		DsSyntaxError(input, "The count n= is required.");
	hdr->count = DsParseInt64(input, items->val[K_N], items->vend[K_N], false, "count");
	if (items->val[K_A] != NULL)
	{
		hdr->alpha = DsParseDouble(input, items->val[K_A], items->vend[K_A],
								   "relative accuracy");
		DsCheckAlpha(hdr->alpha);
		hdr->multiplier = DsMultiplier(hdr->alpha);
	}
	else if (hdr->count > 0)
		DsSyntaxError(input, "A non-empty sketch needs its relative accuracy a=.");
	if (items->val[K_P] != NULL)
	{
		const char *q = items->val[K_P];
		const char *end = items->vend[K_P];

		params = palloc(sizeof(float8) * DS_MAX_PARAMS);
		while (q < end)
		{
			const char *comma = memchr(q, ',', end - q);
			const char *e = comma ? comma : end;

			if (*nparams >= DS_MAX_PARAMS)
				DsSyntaxError(input, "Too many percentiles.");
			if (e - q == 4 && strncmp(q, "null", 4) == 0)
				params[(*nparams)++] = get_float8_nan();
			else
			{
				params[*nparams] = DsParseDouble(input, q, e, "percentile");
				DsCheckP(params[*nparams]);
				params[*nparams] = DsNormalP(params[*nparams]);
				(*nparams)++;
			}
			q = comma ? comma + 1 : e;
		}
		if (*nparams == 0)
			DsSyntaxError(input, "The percentile list p= is empty.");
	}
	return params;
}

/* The exact form: the values of exact_us=, as many as the count n */
static DurationSketch *
DsParseExactForm(const char *input, const DsTextItems *items, DurationSketch *hdr,
				 int32 nparams)
{
	int32		nv = 0;
	int64		values[DS_EXACT_MAX];
	const char *q = items->val[K_EXACT];
	DurationSketch *ds;

	if (items->val[K_MIN] || items->val[K_MAX] || items->val[K_SUM] ||
		items->val[K_ZEROS] || items->val[K_NEG] || items->val[K_POS])
		DsSyntaxError(input, "A sketch of at most 64 values lists them with exact_us= only.");
	if (q != NULL)
	{
		const char *end = items->vend[K_EXACT];

		while (q < end)
		{
			const char *comma = memchr(q, ',', end - q);
			const char *e = comma ? comma : end;

			if (nv >= DS_EXACT_MAX)
				DsSyntaxError(input, "The count n= differs from the number of values.");
			values[nv++] = DsParseInt64(input, q, e, true, "value");
			q = comma ? comma + 1 : e;
		}
	}
	if (nv != hdr->count)
		DsSyntaxError(input, "The count n= differs from the number of values.");
	/* the totals are counted again from the values */
	hdr->count = 0;
	ds = DsAlloc(hdr, DS_FORMAT_EXACT, nparams, sizeof(int64) * nv);
	for (int j = 0; j < nv; j++)
	{
		if (values[j] < -DS_MAX_ABS_US || values[j] > DS_MAX_ABS_US)
			DsRangeError(psprintf(INT64_FORMAT " microseconds", values[j]));
		DsAddTotals(ds, values[j]);
		DsValues(ds)[ds->nvalues++] = values[j];
	}
	return ds;
}

/*
 * The bucketed form: the exact totals (min_us, max_us, sum_us, zeros) and
 * the bucket lists neg= and pos=, into a dense state
 */
static DurationSketch *
DsParseBucketedForm(const char *input, const DsTextItems *items, DurationSketch *hdr,
					int32 nparams)
{
	int32		maxidx = DsMaxIndex(hdr->multiplier);
	int32		nf = -1,
				nl = -1,
				pf = -1,
				pl = -1;
	int64		ntotal = 0,
				ptotal = 0;
	int128		sum = 0;
	bool		overflow;
	DurationSketch *ds;

	if (items->val[K_EXACT])
		DsSyntaxError(input, "Only a sketch of at most 64 values lists them with exact_us=.");
	if (!items->val[K_MIN] || !items->val[K_MAX] || !items->val[K_SUM])
		DsSyntaxError(input, "A bucketed sketch needs min_us=, max_us= and sum_us=.");
	hdr->min_us = DsParseInt64(input, items->val[K_MIN], items->vend[K_MIN], true, "minimum");
	hdr->max_us = DsParseInt64(input, items->val[K_MAX], items->vend[K_MAX], true, "maximum");
	if (!DsParseInt128(items->val[K_SUM], items->vend[K_SUM], true, &sum, &overflow))
		DsSyntaxError(input, "The sum is not a whole number.");
	if (overflow)
		DsNumberRangeError(input, "sum");
	if (items->val[K_ZEROS])
		hdr->zeros = DsParseInt64(input, items->val[K_ZEROS], items->vend[K_ZEROS], false,
								  "zero count");
	/* first pass: window sizes; second: the counts */
	if (items->val[K_NEG])
		DsScanBuckets(input, items->val[K_NEG], items->vend[K_NEG], maxidx, &nf, &nl,
					  NULL, 0, NULL);
	if (items->val[K_POS])
		DsScanBuckets(input, items->val[K_POS], items->vend[K_POS], maxidx, &pf, &pl,
					  NULL, 0, NULL);
	ds = DsAlloc(hdr, DS_FORMAT_DENSE, nparams,
				 sizeof(int64) * ((nf >= 0 ? nl - nf + 1 : 0) + (pf >= 0 ? pl - pf + 1 : 0)));
	if (nf >= 0)
	{
		ds->neg_lo = nf;
		ds->neg_n = nl - nf + 1;
	}
	if (pf >= 0)
	{
		ds->pos_lo = pf;
		ds->pos_n = pl - pf + 1;
	}
	if (items->val[K_NEG])
		DsScanBuckets(input, items->val[K_NEG], items->vend[K_NEG], maxidx, &nf, &nl,
					  DsNeg(ds), ds->neg_lo, &ntotal);
	if (items->val[K_POS])
		DsScanBuckets(input, items->val[K_POS], items->vend[K_POS], maxidx, &pf, &pl,
					  DsPos(ds), ds->pos_lo, &ptotal);
	if (SpAddInt64(SpAddInt64(ntotal, ptotal, "duration count"), ds->zeros,
				   "duration count") != ds->count)
		DsSyntaxError(input, "The bucket counts and zeros do not add up to n=.");
	DsSetSum(ds, sum);
	return ds;
}

/* Text input: the header, then the exact or the bucketed form, checked */
PG_FUNCTION_INFO_V1(duration_sketch_in);
Datum
duration_sketch_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	DsTextItems items;
	DurationSketch hdr;
	DurationSketch *ds;
	int32		nparams;
	float8	   *params;

	DsScanItems(input, &items);
	memset(&hdr, 0, sizeof(hdr));
	params = DsParseHeader(input, &items, &hdr, &nparams);
	if (hdr.count <= DS_EXACT_MAX)
		ds = DsParseExactForm(input, &items, &hdr, nparams);
	else
		ds = DsParseBucketedForm(input, &items, &hdr, nparams);
	if (nparams > 0)
		memcpy(DsParams(ds), params, sizeof(float8) * nparams);
	DsValidate(ds, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(DsCanonical(ds));
}

/*
 * Binary form: version, format (1 exact, 3 compact), nparams (int16),
 * alpha, count, zeros, min, max, sum (hi, lo), the p's, then either the
 * exact values (int64 each, count of them) or neg_n, pos_n and the
 * length-prefixed varint bucket list.
 */
PG_FUNCTION_INFO_V1(duration_sketch_send);
Datum
duration_sketch_send(PG_FUNCTION_ARGS)
{
	DurationSketch *ds = DsCanonical(PG_GETARG_DURATION_SKETCH_P(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, DS_VERSION);
	pq_sendbyte(&buf, ds->format);
	pq_sendint16(&buf, ds->nparams);
	pq_sendfloat8(&buf, ds->alpha);
	pq_sendint64(&buf, ds->count);
	pq_sendint64(&buf, ds->zeros);
	pq_sendint64(&buf, ds->min_us);
	pq_sendint64(&buf, ds->max_us);
	pq_sendint64(&buf, ds->sum_hi);
	pq_sendint64(&buf, (int64) ds->sum_lo);
	for (int j = 0; j < ds->nparams; j++)
		pq_sendfloat8(&buf, DsParams(ds)[j]);
	if (ds->format == DS_FORMAT_EXACT)
	{
		for (int j = 0; j < ds->nvalues; j++)
			pq_sendint64(&buf, DsValues(ds)[j]);
	}
	else
	{
		int			len = VARSIZE(ds) - DsStoreOffset(ds);

		pq_sendint32(&buf, ds->neg_n);
		pq_sendint32(&buf, ds->pos_n);
		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, DsStore(ds), len);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Bad binary input (22P03), as every type reports it (codec.h) */
SP_NORETURN static inline void
DsBinaryError(const char *detail)
{
	SpBinaryError("duration_sketch", detail);
}

/*
 * One requested percentile of a binary form: in [0, 1], or NaN for a NULL
 * one, read as the one NaN text input makes, whatever its bits, so the
 * value survives send -> recv and text out -> in alike
 */
static float8
DsRecvPercentile(StringInfo buf)
{
	float8		p = pq_getmsgfloat8(buf);

	if (isnan(p))
		return get_float8_nan();
	if (p < 0 || p > 1)
		DsBinaryError("A percentile is outside [0, 1].");
	return DsNormalP(p);		/* -0 reads as 0, as text input reads it */
}

PG_FUNCTION_INFO_V1(duration_sketch_recv);
Datum
duration_sketch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	DurationSketch hdr;
	DurationSketch *ds;
	int			version,
				format,
				nparams;

	memset(&hdr, 0, sizeof(hdr));
	version = pq_getmsgbyte(buf);
	if (version != DS_VERSION)
		DsBinaryError(psprintf("Unknown format version %d.", version));
	format = pq_getmsgbyte(buf);
	if (format != DS_FORMAT_EXACT && format != DS_FORMAT_COMPACT)
		DsBinaryError(psprintf("Unknown sketch format %d.", format));
	nparams = (uint16) pq_getmsgint(buf, 2);
	if (nparams > DS_MAX_PARAMS)
		DsBinaryError("Too many percentiles.");
	hdr.alpha = pq_getmsgfloat8(buf);
	hdr.count = pq_getmsgint64(buf);
	hdr.zeros = pq_getmsgint64(buf);
	hdr.min_us = pq_getmsgint64(buf);
	hdr.max_us = pq_getmsgint64(buf);
	hdr.sum_hi = pq_getmsgint64(buf);
	hdr.sum_lo = (uint64) pq_getmsgint64(buf);
	/* no accuracy yet (an empty sketch) is +0, whatever the sign bit says */
	if (hdr.alpha == 0)
		hdr.alpha = 0;
	if (hdr.alpha != 0 || hdr.count > 0)
	{
		if (isnan(hdr.alpha) || hdr.alpha < DS_ALPHA_MIN || hdr.alpha > DS_ALPHA_MAX)
			DsBinaryError("The relative accuracy is out of range.");
		hdr.multiplier = DsMultiplier(hdr.alpha);
	}
	if (hdr.count < 0 || (format == DS_FORMAT_EXACT) != (hdr.count <= DS_EXACT_MAX))
		DsBinaryError("The format does not match the count.");
	if ((Size) nparams * sizeof(float8) > (Size) (buf->len - buf->cursor))
		DsBinaryError("The percentile list runs past the end of the data.");
	if (format == DS_FORMAT_EXACT)
	{
		ds = DsAlloc(&hdr, DS_FORMAT_EXACT, nparams, sizeof(int64) * hdr.count);
		for (int j = 0; j < nparams; j++)
			DsParams(ds)[j] = DsRecvPercentile(buf);
		if ((Size) hdr.count * sizeof(int64) > (Size) (buf->len - buf->cursor))
			DsBinaryError("The value list runs past the end of the data.");
		ds->nvalues = (int32) hdr.count;
		for (int j = 0; j < ds->nvalues; j++)
			DsValues(ds)[j] = pq_getmsgint64(buf);
		DsValidate(ds, ERRCODE_INVALID_BINARY_REPRESENTATION);
		ds = DsCanonical(ds);	/* sorted, like every stored value */
	}
	else
	{
		DurationSketch *dense;
		float8	   *params = palloc(sizeof(float8) * Max(nparams, 1));
		int32		len;

		for (int j = 0; j < nparams; j++)
			params[j] = DsRecvPercentile(buf);
		hdr.neg_n = pq_getmsgint(buf, 4);
		hdr.pos_n = pq_getmsgint(buf, 4);
		len = pq_getmsgint(buf, 4);
		if (len < 0 || len > buf->len - buf->cursor)
			DsBinaryError("The bucket list runs past the end of the data.");
		ds = DsAlloc(&hdr, DS_FORMAT_COMPACT, nparams, len);
		ds->neg_n = hdr.neg_n;
		ds->pos_n = hdr.pos_n;
		memcpy(DsParams(ds), params, sizeof(float8) * nparams);
		memcpy(DsStore(ds), pq_getmsgbytes(buf, len), len);
		dense = DsCompactToDenseChecked(ds, ERRCODE_INVALID_BINARY_REPRESENTATION);
		DsValidate(dense, ERRCODE_INVALID_BINARY_REPRESENTATION);
		ds = DsCanonical(dense);
	}
	pq_getmsgend(buf);
	PG_RETURN_POINTER(ds);
}
