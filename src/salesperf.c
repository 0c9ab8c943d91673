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
