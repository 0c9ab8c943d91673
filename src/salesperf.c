/*
 * salesperf.c
 *	  Module magic and the helpers every KPI family shares.
 */
#include "salesperf.h"

#include <float.h>
#include <math.h>

#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

MemoryContext
SpStateContext(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (AggCheckCallContext(fcinfo, &aggcxt))
		return aggcxt;
	return CurrentMemoryContext;
}

/* A count would pass the largest bigint */
void
SpCountOverflow(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s out of range", what),
			 errdetail("The total exceeds the largest bigint, %lld.",
					   (long long) PG_INT64_MAX)));
}

/* A count would go below zero: only a state that was not built by adding */
void
SpCountUnderflow(const char *what, int64 a, int64 b)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s out of range", what),
			 errdetail("Removing %lld from %lld would leave a negative count.",
					   (long long) b, (long long) a)));
}

/* Amounts are money: finite and not negative */
void
SpCheckAmount(Numeric amount, const char *what)
{
	if (numeric_is_nan(amount) || numeric_is_inf(amount))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number", what),
				 errdetail("The value given was %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out,
															   NumericGetDatum(amount))))));
	if (SpNumericSign(amount) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", what),
				 errdetail("The value given was %s.",
						   DatumGetCString(DirectFunctionCall1(numeric_out,
															   NumericGetDatum(amount)))),
				 errhint("Record refunds and credit notes outside the deal amount.")));
}

/*
 * Strip trailing fractional zeros, so that the same sum reached by different
 * paths (adding, or adding then subtracting in a moving window) has one
 * representation.  Mirrors SQL's trim_scale().
 */
Numeric
SpNumericCanonical(Numeric n)
{
	return DatumGetNumeric(DirectFunctionCall1(numeric_trim_scale,
											   NumericGetDatum(n)));
}

Numeric
SpNumericAdd(Numeric a, Numeric b)
{
	return SpNumericCanonical(DatumGetNumeric(DirectFunctionCall2(numeric_add,
																  NumericGetDatum(a),
																  NumericGetDatum(b))));
}

Numeric
SpNumericSub(Numeric a, Numeric b)
{
	return SpNumericCanonical(DatumGetNumeric(DirectFunctionCall2(numeric_sub,
																  NumericGetDatum(a),
																  NumericGetDatum(b))));
}

Numeric
SpNumericFromInt64(int64 v)
{
	return int64_to_numeric(v);
}

/* A numeric zero, built once per backend: it is compared on every row */
Numeric
SpNumericZero(void)
{
	static Numeric zero = NULL;

	if (zero == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		zero = int64_to_numeric(0);
		MemoryContextSwitchTo(old);
	}
	return zero;
}

/*
 * num / den as float8, the value plain SQL gives for (num / den)::float8 on
 * numerics.  It is rounded twice, as there: numeric_div rounds the exact
 * quotient to its result scale (select_div_scale: at least 16 significant
 * digits, and no less than either operand's display scale), then strtod
 * rounds that decimal to the nearest double, as numeric_float8 does through
 * float8in.  So it can differ from the correctly rounded quotient in the
 * last bit.  A ratio too small for a double is 0 (the nearest double) where
 * numeric_float8 raises an error.
 */
double
SpNumericRatio(Numeric num, Numeric den)
{
	Datum		q = DirectFunctionCall2(numeric_div, NumericGetDatum(num),
										NumericGetDatum(den));
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, q));
	double		v;

	/* strtod rounds to nearest, as float8in does, and underflows to 0 */
	v = strtod(s, NULL);
	if (isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("ratio out of range for type double precision"),
				 errdetail("The ratio exceeds the largest double precision value, %g.", DBL_MAX)));
	pfree(s);
	return v;
}

#ifdef HAVE_INT128

const int128 SpPow10Int128[SP_INT128_MAX_SCALE + 1] = {
	(int128) 1,
	(int128) 10,
	(int128) 100,
	(int128) 1000,
	(int128) 10000,
	(int128) 100000,
	(int128) 1000000,
	(int128) 10000000,
	(int128) 100000000,
	(int128) 1000000000,
	(int128) 10000000000,
	(int128) 100000000000,
	(int128) 1000000000000,
	(int128) 10000000000000,
	(int128) 100000000000000,
	(int128) 1000000000000000,
	(int128) 10000000000000000,
	(int128) 100000000000000000,
	(int128) 1000000000000000000,
	(int128) 1000000000000000000 * 10,
	(int128) 1000000000000000000 * 100,
	(int128) 1000000000000000000 * 1000,
	(int128) 1000000000000000000 * 10000,
	(int128) 1000000000000000000 * 100000,
	(int128) 1000000000000000000 * 1000000,
	(int128) 1000000000000000000 * 10000000,
	(int128) 1000000000000000000 * 100000000,
	(int128) 1000000000000000000 * 1000000000,
	(int128) 1000000000000000000 * 10000000000,
	(int128) 1000000000000000000 * 100000000000,
	(int128) 1000000000000000000 * 1000000000000,
	(int128) 1000000000000000000 * 10000000000000,
	(int128) 1000000000000000000 * 100000000000000,
	(int128) 1000000000000000000 * 1000000000000000,
	(int128) 1000000000000000000 * 10000000000000000,
	(int128) 1000000000000000000 * 100000000000000000,
	(int128) 1000000000000000000 * 1000000000000000000,
};

/*
 * The on-disk layout of a numeric (utils/adt/numeric.c), which pg_upgrade
 * keeps stable across majors: after the varlena header, a uint16 header
 * word whose top two bits say positive long (00), negative long (01), short
 * (10) or special, NaN or infinity (11).  A short numeric packs sign
 * (0x2000), display scale (0x1F80) and a 7-bit signed weight (0x007F) into
 * that word; a long one has sign and display scale in it and an int16
 * weight after it.  Then the base-10000 digits, int16 each, the first of
 * weight "weight"; leading and trailing zero digits are never stored, so
 * zero has none.  The data after a short varlena header is not aligned,
 * hence the memcpy.
 */
#define SP_NUMERIC_FLAGS		0xC000
#define SP_NUMERIC_NEG			0x4000
#define SP_NUMERIC_SHORT		0x8000
#define SP_NUMERIC_SPECIAL		0xC000
#define SP_NUMERIC_SHORT_NEG	0x2000
#define SP_NUMERIC_SHORT_WSIGN	0x0040
#define SP_NUMERIC_SHORT_WMASK	0x003F
#define SP_NUMERIC_MAX_DIGITS	(SP_INT128_MAX_SCALE / 4)

bool
SpNumericToInt128(const struct varlena *n, int128 *v, int *scale)
{
	const char *p;
	int			len;
	uint16		header;
	bool		neg;
	int			weight;
	int			ndigits;
	int			exp10000;
	int128		acc = 0;

	if (VARATT_IS_1B(n) && !VARATT_IS_1B_E(n))
	{
		p = VARDATA_1B(n);
		len = VARSIZE_1B(n) - VARHDRSZ_SHORT;
	}
	else if (VARATT_IS_4B_U(n))
	{
		p = VARDATA(n);
		len = VARSIZE(n) - VARHDRSZ;
	}
	else
		return false;
	if (len < (int) sizeof(uint16))
		return false;
	memcpy(&header, p, sizeof(uint16));
	if ((header & SP_NUMERIC_FLAGS) == SP_NUMERIC_SPECIAL)
		return false;
	if ((header & SP_NUMERIC_FLAGS) == SP_NUMERIC_SHORT)
	{
		neg = (header & SP_NUMERIC_SHORT_NEG) != 0;
		weight = (header & SP_NUMERIC_SHORT_WMASK);
		if (header & SP_NUMERIC_SHORT_WSIGN)
			weight -= SP_NUMERIC_SHORT_WMASK + 1;
		p += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else
	{
		int16		w;

		if (len < (int) (2 * sizeof(uint16)))
			return false;
		neg = (header & SP_NUMERIC_FLAGS) == SP_NUMERIC_NEG;
		memcpy(&w, p + sizeof(uint16), sizeof(int16));
		weight = w;
		p += 2 * sizeof(uint16);
		len -= 2 * sizeof(uint16);
	}
	ndigits = len / (int) sizeof(int16);
	if (ndigits == 0)
	{
		*v = 0;
		*scale = 0;
		return true;
	}
	if (ndigits > SP_NUMERIC_MAX_DIGITS)
		return false;
	for (int i = 0; i < ndigits; i++)
	{
		int16		d;

		memcpy(&d, p + i * sizeof(int16), sizeof(int16));
		acc = acc * 10000 + d;
	}
	/* the value is acc * 10000^exp10000 */
	exp10000 = weight - ndigits + 1;
	if (exp10000 >= 0)
	{
		if (ndigits + exp10000 > SP_NUMERIC_MAX_DIGITS)
			return false;
		acc *= SpPow10Int128[4 * exp10000];
		*scale = 0;
	}
	else
	{
		if (-exp10000 > SP_NUMERIC_MAX_DIGITS)
			return false;
		*scale = -4 * exp10000;
	}
	*v = neg ? -acc : acc;
	return true;
}

Numeric
SpNumericFromInt128(int128 v, int scale)
{
	char		buf[SP_INT128_MAX_SCALE + 48];
	char	   *p = buf + sizeof(buf);
	bool		neg = v < 0;
	uint128		u = neg ? -(uint128) v : (uint128) v;
	int			ndigits = 0;

	Assert(scale >= 0 && scale <= SP_INT128_MAX_SCALE);
	*--p = '\0';
	do
	{
		*--p = '0' + (int) (u % 10);
		u /= 10;
		ndigits++;
		if (ndigits == scale)
			*--p = '.';
	} while (u != 0 || ndigits <= scale);
	if (neg)
		*--p = '-';
	return SpNumericCanonical(DatumGetNumeric(DirectFunctionCall3(numeric_in,
																  CStringGetDatum(p),
																  ObjectIdGetDatum(InvalidOid),
																  Int32GetDatum(-1))));
}
#endif							/* HAVE_INT128 */

/* -1, 0 or 1 as n is below, at or above zero */
int
SpNumericSign(Numeric n)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n),
											 NumericGetDatum(SpNumericZero())));
}

/*
 * Equality of two states by their bytes, for a type whose stored form is
 * canonical (one image per logical state); both already detoasted.
 */
bool
SpBytesEqual(const struct varlena *a, const struct varlena *b)
{
	return VARSIZE(a) == VARSIZE(b) &&
		memcmp(VARDATA(a), VARDATA(b), VARSIZE(a) - VARHDRSZ) == 0;
}

/* The hash that agrees with SpBytesEqual */
uint32
SpBytesHash(const struct varlena *v)
{
	return DatumGetUInt32(hash_any((const unsigned char *) VARDATA(v),
								   VARSIZE(v) - VARHDRSZ));
}

/* Numeric equality, as numeric_eq: 1.5 = 1.50 */
bool
SpNumericEqual(Numeric a, Numeric b)
{
	return DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(a),
											NumericGetDatum(b)));
}

/* h combined with the hash of n that agrees with SpNumericEqual */
uint32
SpHashCombineNumeric(uint32 h, Numeric n)
{
	return hash_combine(h, DatumGetUInt32(DirectFunctionCall1(hash_numeric,
															  NumericGetDatum(n))));
}

/* h combined with the hash of v, as hashint8 gives */
uint32
SpHashCombineInt64(uint32 h, int64 v)
{
	return hash_combine(h, DatumGetUInt32(DirectFunctionCall1(hashint8,
															  Int64GetDatum(v))));
}
