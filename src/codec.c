/*
 * codec.c
 *	  Errors, varints and the decimal-amount grammar shared by the text and
 *	  binary forms of every state type (see codec.h).
 */
#include "codec.h"

#include "utils/builtins.h"

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
	while (v >= 0x80)
	{
		appendStringInfoCharMacro(buf, (char) ((v & 0x7f) | 0x80));
		v >>= 7;
	}
	appendStringInfoCharMacro(buf, (char) v);
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
