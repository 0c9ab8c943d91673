/*
 * codec.c
 *	  Errors, varints and the decimal-amount grammar shared by the text and
 *	  binary forms of every state type (see codec.h).
 */
#include "codec.h"

#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

void
SpSyntaxError(const char *type, const char *input, const char *detail,
			  const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", type, input),
			 detail ? errdetail("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
}

void
SpBinaryError(const char *type, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary data for type %s", type),
			 detail ? errdetail("%s", detail) : 0));
}

void
SpPutVarint(StringInfo buf, uint64 v)
{
	enlargeStringInfo(buf, SP_VARINT_MAXLEN);
	buf->len = (char *) SpWriteVarint((uint8 *) buf->data + buf->len, v) - buf->data;
	buf->data[buf->len] = '\0';
}

SpVarintResult
SpGetVarintSlow(const uint8 **p, const uint8 *end, uint64 *v)
{
	const uint8 *s = *p;
	uint64		r = 0;

	for (int shift = 0; shift < 64; shift += 7)
	{
		uint8		b;

		if (s >= end)
			return SP_VARINT_TRUNCATED;
		b = *s++;
		/* the tenth byte holds bit 63 only */
		if (shift == 63 && (b & 0xfe) != 0)
			return SP_VARINT_OVERFLOW;
		r |= (uint64) (b & 0x7f) << shift;
		if ((b & 0x80) == 0)
		{
			/* a last byte of zero after others: a shorter form exists */
			if (b == 0 && shift > 0)
				return SP_VARINT_OVERLONG;
			*v = r;
			*p = s;
			return SP_VARINT_OK;
		}
	}
	/* unreachable: the tenth byte either ends the varint or overflows */
	return SP_VARINT_OVERFLOW;
}

int
SpScanAmount(const char *s, const char *end)
{
	const char *q = s;

	while (q < end && isdigit((unsigned char) *q))
		q++;
	if (q == s)
		return 0;
	if (q + 1 < end && *q == '.' && isdigit((unsigned char) q[1]))
	{
		q++;
		while (q < end && isdigit((unsigned char) *q))
			q++;
	}
	return (int) (q - s);
}

Numeric
SpAmountFromText(const char *s, int len)
{
	char	   *token = pnstrdup(s, len);
	Numeric		n;

	/* a well-formed amount: numeric_in can fail only on its size limits */
	n = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(token),
											ObjectIdGetDatum(InvalidOid),
											Int32GetDatum(-1)));
	pfree(token);
	return n;
}

/* ---------------------------------------------------------------------
 * Times of the text forms (upsell_summary, funnel_summary)
 * ---------------------------------------------------------------------
 */

void
SpAppendTime(StringInfo buf, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_IS_NOBEGIN(t))
	{
		appendStringInfoString(buf, "-infinity");
		return;
	}
	if (TIMESTAMP_IS_NOEND(t))
	{
		appendStringInfoString(buf, "infinity");
		return;
	}
	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	/* astronomical year numbering: 0 is 1 BC, as ISO 8601 has it */
	if (tm.tm_year < 0)
		appendStringInfo(buf, "-%04d-%02d-%02d", -tm.tm_year, tm.tm_mon, tm.tm_mday);
	else
		appendStringInfo(buf, "%04d-%02d-%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
	if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0 && fsec == 0)
		return;
	appendStringInfo(buf, "T%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
	{
		char		frac[8];
		int			len;

		snprintf(frac, sizeof(frac), "%06d", (int) fsec);
		for (len = 6; frac[len - 1] == '0'; len--)
			;
		appendStringInfo(buf, ".%.*s", len, frac);
	}
	appendStringInfoChar(buf, 'Z');
}

/* The out-of-range error of SpReadTime */
SP_NORETURN static void
SpTimeRangeError(const char *typname, const char *input)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("timestamp out of range in %s: \"%s\"", typname, input)));
}

/*
 * Read exactly ndigits digits (or at least, with atleast) at *p into *v;
 * false if there are fewer
 */
static bool
SpReadDigits(const char **p, int ndigits, bool atleast, int *v,
			 const char *typname, const char *input)
{
	int			n = 0;

	*v = 0;
	while (isdigit((unsigned char) **p) && (atleast || n < ndigits))
	{
		if (*v > 100000000)
			SpTimeRangeError(typname, input);
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= ndigits;
}

/* Consume the character c at *p, or return false */
static bool
SpExpectChar(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

bool
SpReadTime(const char **p, const char *typname, const char *input,
		   TimestampTz *result, const char **error)
{
	static const char *form = "A time is not in the form 2024-01-31 or 2024-01-31T09:30:00Z.";
	struct pg_tm tm;
	fsec_t		fsec = 0;
	bool		bc = false;

	*error = form;
	if (strncmp(*p, "-infinity", 9) == 0)
	{
		*p += 9;
		TIMESTAMP_NOBEGIN(*result);
		return true;
	}
	if (strncmp(*p, "infinity", 8) == 0)
	{
		*p += 8;
		TIMESTAMP_NOEND(*result);
		return true;
	}
	memset(&tm, 0, sizeof(tm));
	if (**p == '-')
	{
		bc = true;
		(*p)++;
	}
	if (!SpReadDigits(p, 4, true, &tm.tm_year, typname, input))
		return false;
	if (bc)
		tm.tm_year = -tm.tm_year;
	if (!SpExpectChar(p, '-') ||
		!SpReadDigits(p, 2, false, &tm.tm_mon, typname, input) ||
		!SpExpectChar(p, '-') ||
		!SpReadDigits(p, 2, false, &tm.tm_mday, typname, input))
		return false;
	if (**p == 'T')
	{
		(*p)++;
		if (!SpReadDigits(p, 2, false, &tm.tm_hour, typname, input) ||
			!SpExpectChar(p, ':') ||
			!SpReadDigits(p, 2, false, &tm.tm_min, typname, input) ||
			!SpExpectChar(p, ':') ||
			!SpReadDigits(p, 2, false, &tm.tm_sec, typname, input))
			return false;
		if (**p == '.')
		{
			int			scale = 100000;

			(*p)++;
			if (!isdigit((unsigned char) **p))
				return false;
			for (; isdigit((unsigned char) **p); (*p)++, scale /= 10)
			{
				if (scale == 0)
				{
					*error = "A time has more than 6 fractional digits.";
					return false;
				}
				fsec += (**p - '0') * scale;
			}
		}
		if (!SpExpectChar(p, 'Z'))
			return false;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > MONTHS_PER_YEAR ||
		tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
	{
		*error = "A time has a field out of range.";
		return false;
	}
	if (tm2timestamp(&tm, fsec, NULL, result) != 0 || !IS_VALID_TIMESTAMP(*result))
		SpTimeRangeError(typname, input);
	return true;
}

/* ---------------------------------------------------------------------
 * Varint lengths and counts of the binary forms
 * ---------------------------------------------------------------------
 */

uint64
SpRecvVarint(StringInfo buf, const char *typname)
{
	const uint8 *p = (const uint8 *) buf->data + buf->cursor;
	uint64		v = 0;

	switch (SpGetVarint(&p, (const uint8 *) buf->data + buf->len, &v))
	{
		case SP_VARINT_OK:
			break;
		case SP_VARINT_TRUNCATED:
			SpBinaryError(typname, "A length runs past the end of the data.");
		case SP_VARINT_OVERLONG:
			SpBinaryError(typname, "A length is not in its shortest form.");
		case SP_VARINT_OVERFLOW:
			SpBinaryError(typname, "A length is out of range.");
	}
	buf->cursor = (const char *) p - buf->data;
	return v;
}

int
SpRecvLength(StringInfo buf, int min, const char *what, const char *typname)
{
	uint64		len = SpRecvVarint(buf, typname);

	if (len > (uint64) (buf->len - buf->cursor))
		SpBinaryError(typname,
					  psprintf("The length of %s, " UINT64_FORMAT " bytes, runs past the end of the data.",
							   what, len));
	if (len < (uint64) min)
		SpBinaryError(typname,
					  psprintf("The length of %s is " UINT64_FORMAT ", less than %d bytes.",
							   what, len, min));
	return (int) len;
}
