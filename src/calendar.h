/*
 * calendar.h
 *	  The business_calendar type: a time zone, weekly open hours and
 *	  date-specific exceptions, and the business-time functions over it
 *	  (business_duration, business_add, is_open, next_open).
 *
 * calendar_io.c reads and writes the forms (text, stored bytes, binary);
 * calendar.c prepares a calendar for computing (its prepared form, cached
 * per call site) and holds the SQL functions.  docs/business-time.md
 * explains the algorithm and the DST semantics.
 */
#ifndef SALESPERF_CALENDAR_H
#define SALESPERF_CALENDAR_H

#include "salesperf.h"

#include "pgtime.h"

#define CAL_TYPE_NAME		"business_calendar"

/* Version byte that opens the stored and binary forms */
#define CAL_FORMAT_VERSION	1

#define CAL_SECS_PER_DAY	86400
/* Limits of a calendar (54000 beyond them) */
#define CAL_MAX_RANGES_PER_DAY	1000
#define CAL_MAX_EXCEPTIONS	100000

/* One open range of a day, in seconds since local midnight: [from, to) */
typedef struct CalRange
{
	int32		from;
	int32		to;
} CalRange;

/*
 * The parsed, canonical form of a calendar.  ranges holds the weekly
 * ranges of Monday..Sunday (day d: ranges[wstart[d] .. wstart[d + 1]))
 * followed by those of each exception (exception i: ranges[estart[i] ..
 * estart[i + 1]), none for a closed date).  Within a day the ranges are
 * ascending and neither overlap nor touch (touching ones are merged).
 * Exception dates are ascending, distinct, days since 2000-01-01 (DateADT).
 */
typedef struct CalDef
{
	char		zone[TZ_STRLEN_MAX + 1];	/* canonical tz database name */
	pg_tz	   *tz;
	int			wstart[8];
	int			nexc;
	int32	   *excdate;
	int		   *estart;			/* nexc + 1 entries */
	int			nranges;
	CalRange   *ranges;
} CalDef;

/* The stored value: a varlena holding the version byte and the encoding */
#define DatumGetBusinessCalendarP(d)	((struct varlena *) PG_DETOAST_DATUM_PACKED(d))
#define PG_GETARG_BUSINESS_CALENDAR_P(n)	DatumGetBusinessCalendarP(PG_GETARG_DATUM(n))

/* calendar_io.c */
extern struct varlena *CalEncode(const CalDef *def);
extern void CalDecode(const uint8 *data, Size len, CalDef *def, bool binary);
extern pg_tz *CalLookupZone(const char *name, char *canonical);

#endif							/* SALESPERF_CALENDAR_H */
