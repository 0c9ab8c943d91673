/*
 * codec.h
 *	  The pieces of the text and binary forms that every state type shares:
 *	  the errors they raise, the varint codec and the decimal-amount grammar.
 *
 * Each type keeps its own form (src/<type>_io.c or its type file); what
 * more than one form needs is written once, here and in codec.c.
 */
#ifndef SALESPERF_CODEC_H
#define SALESPERF_CODEC_H

#include "salesperf.h"

#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

/*
 * Errors of the text and binary forms.  Text input raises 22P02 with the
 * message PostgreSQL's own input functions use ("invalid input syntax for
 * type x: "input""), binary receive 22P03 ("invalid binary data for type
 * x").  detail and hint may be NULL.
 */
SP_NORETURN extern void SpSyntaxError(const char *type, const char *input,
									  const char *detail, const char *hint);
SP_NORETURN extern void SpBinaryError(const char *type, const char *detail);

/*
 * Unsigned LEB128 varints: 7 bits a byte, least significant first, the
 * high bit set on every byte but the last.  One rule for every reader:
 * only the shortest encoding of a value up to 2^64 - 1 is accepted, so
 * each value has one byte image (states compare by their bytes) and no
 * value is silently truncated.  salesperf has only ever written shortest
 * encodings.
 */
typedef enum SpVarintResult
{
	SP_VARINT_OK = 0,
	SP_VARINT_TRUNCATED,		/* the data ends inside the varint */
	SP_VARINT_OVERLONG,			/* not the shortest encoding */
	SP_VARINT_OVERFLOW			/* more than 64 bits */
} SpVarintResult;

#define SP_VARINT_MAXLEN 10

/* Bytes of the shortest encoding of v (1 to SP_VARINT_MAXLEN) */
static inline int
SpVarintSize(uint64 v)
{
	int			n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

/*
 * Write the shortest encoding of v at p, which has room for SpVarintSize(v)
 * bytes; returns the end
 */
static inline uint8 *
SpWriteVarint(uint8 *p, uint64 v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8) ((v & 0x7f) | 0x80);
		v >>= 7;
	}
	*p++ = (uint8) v;
	return p;
}

/* Append v to buf */
extern void SpPutVarint(StringInfo buf, uint64 v);

/*
 * A signed value as an unsigned one with small magnitudes kept small
 * (0, -1, 1, -2 ... as 0, 1, 2, 3 ...), for a varint, and back
 */
static inline uint64
SpZigzag(int64 v)
{
	return ((uint64) v << 1) ^ (uint64) (v >> 63);
}

static inline int64
SpUnzigzag(uint64 u)
{
	return (int64) (u >> 1) ^ -(int64) (u & 1);
}

/* The general case of SpGetVarint (codec.c) */
extern SpVarintResult SpGetVarintSlow(const uint8 **p, const uint8 *end, uint64 *v);

/*
 * Read a varint at *p (< end) into *v, advancing *p past it on success.
 * Inline for the common one-byte case, which is always the shortest form
 * of its value (decoding stored sketches reads mostly such bytes).
 */
static inline SpVarintResult
SpGetVarint(const uint8 **p, const uint8 *end, uint64 *v)
{
	if (likely(*p < end && **p < 0x80))
	{
		*v = *(*p)++;
		return SP_VARINT_OK;
	}
	return SpGetVarintSlow(p, end, v);
}

/*
 * The decimal-amount grammar of every text and binary form: digits,
 * optionally followed by "." and at least one digit ("1200", "1500.50"),
 * with no sign, exponent or space.  SpScanAmount returns the length of the
 * amount at the start of [s, end), 0 if there is none.  A "." that no digit
 * follows is not part of the amount (so "100..2024" scans as "100"); the
 * caller decides whether what follows is allowed.
 */
extern int	SpScanAmount(const char *s, const char *end);

/* The amount of exactly len bytes at s (already scanned), as a numeric */
extern Numeric SpAmountFromText(const char *s, int len);

/*
 * Times of the text forms: ISO 8601 in UTC, a date alone at midnight
 * ("2024-01-31", "2024-01-31T09:30:00.5Z"), "infinity" and "-infinity".
 * SpReadTime reads one at *p, advancing *p: on malformed text it returns
 * false with *error set to the detail for the caller's message; a time out
 * of range raises 22008 naming typname (the type being read) and input.
 */
extern void SpAppendTime(StringInfo buf, TimestampTz t);
pg_nodiscard extern bool SpReadTime(const char **p, const char *typname,
									const char *input, TimestampTz *result,
									const char **error);

/*
 * A varint length, count or offset of a binary form at buf's cursor, and a
 * length that must be at least min and fit in what remains (what names it
 * for the message); malformed data raises SpBinaryError naming typname.
 */
extern uint64 SpRecvVarint(StringInfo buf, const char *typname);
extern int	SpRecvLength(StringInfo buf, int min, const char *what,
						 const char *typname);

#endif							/* SALESPERF_CODEC_H */
