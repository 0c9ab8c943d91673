/*
 * calendar_io.c
 *	  The forms of business_calendar: text input and canonical output, the
 *	  stored bytes and the binary form (which are the same bytes).
 *
 * Text: items separated by ";", the first "zone NAME", then weekly items
 * "DAYS RANGES|closed" and date items "YYYY-MM-DD RANGES|closed" in any
 * order.  Bad syntax is 22P02; a well-formed item with a bad value (unknown
 * zone, 25:00, 2025-02-30, a day or date named twice, reversed or
 * overlapping ranges) is 22023.
 *
 * Stored and binary form: the version byte CAL_FORMAT_VERSION, then
 * varints (codec.h): the zone name's length and bytes; for Monday..Sunday
 * the number of ranges and, per range, its gap after the previous range's
 * end (or midnight) and its length, in seconds; the number of exceptions
 * and, per exception, its date (the first as a zigzag count of days since
 * 2000-01-01, the others as the positive step from the previous one), the
 * number of its ranges (0: closed) and the ranges.  Touching ranges are
 * merged, so only the first range of a day may have a zero gap, and each
 * calendar has exactly one byte image: = compares bytes, and binary
 * receive re-encodes what it decoded and insists on the same bytes.
 */
#include "salesperf.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "calendar.h"
#include "codec.h"

/*
 * The server's own lookup of a tz database file by name, case-insensitive,
 * giving its canonical spelling (src/timezone/pgtz.c; used by localtime.c,
 * so exported, but its header is not installed).
 */
extern int	pg_open_tzfile(const char *name, char *canonname);

static const char *const cal_day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Dates an exception may name: 0001-01-01 .. 9999-12-31 */
#define CAL_MIN_YEAR	1
#define CAL_MAX_YEAR	9999

/*
 * The zone NAME, as the tz database knows it: its canonical spelling goes
 * to canonical (TZ_STRLEN_MAX + 1 bytes).  NULL unless NAME is a zone file
 * of the tz database (not a POSIX rule string, not a leap-second zone),
 * so a calendar means the same in every session.
 */
pg_tz *
CalLookupZone(const char *name, char *canonical)
{
	int			fd;
	pg_tz	   *tz;
	size_t		len = strlen(name);

	if (len == 0 || len > TZ_STRLEN_MAX)
		return NULL;
	/* letters, digits, "_", "+", "-", in "/"-separated parts (no "." or "..") */
	for (size_t i = 0; i < len; i++)
	{
		char		c = name[i];

		if (c == '/')
		{
			if (i == 0 || i == len - 1 || name[i + 1] == '/')
				return NULL;
		}
		else if (!isalnum((unsigned char) c) && c != '_' && c != '+' && c != '-')
			return NULL;
	}
	fd = pg_open_tzfile(name, canonical);
	if (fd < 0)
		return NULL;
	close(fd);
	tz = pg_tzset(canonical);
	if (tz == NULL || !pg_tz_acceptable(tz))
		return NULL;
	return tz;
}

/* ------------------------------------------------------------------------
 * Encoding and decoding of the stored / binary form
 * ------------------------------------------------------------------------
 */

static void
CalPutRanges(StringInfo buf, const CalRange *r, int n)
{
	int32		prev = 0;

	SpPutVarint(buf, n);
	for (int i = 0; i < n; i++)
	{
		SpPutVarint(buf, r[i].from - prev);
		SpPutVarint(buf, r[i].to - r[i].from);
		prev = r[i].to;
	}
}

/* The stored value of a canonical calendar */
struct varlena *
CalEncode(const CalDef *def)
{
	StringInfoData buf;
	struct varlena *result;
	size_t		zlen = strlen(def->zone);

	initStringInfo(&buf);
	appendStringInfoCharMacro(&buf, (char) CAL_FORMAT_VERSION);
	SpPutVarint(&buf, zlen);
	appendBinaryStringInfo(&buf, def->zone, zlen);
	for (int d = 0; d < 7; d++)
		CalPutRanges(&buf, def->ranges + def->wstart[d],
					 def->wstart[d + 1] - def->wstart[d]);
	SpPutVarint(&buf, def->nexc);
	for (int i = 0; i < def->nexc; i++)
	{
		if (i == 0)
			SpPutVarint(&buf, SpZigzag(def->excdate[0]));
		else
			SpPutVarint(&buf, def->excdate[i] - def->excdate[i - 1]);
		CalPutRanges(&buf, def->ranges + def->estart[i],
					 def->estart[i + 1] - def->estart[i]);
	}
	result = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(result, VARHDRSZ + buf.len);
	memcpy(VARDATA(result), buf.data, buf.len);
	pfree(buf.data);
	return result;
}

/* A defect of bytes being decoded: 22P03 in binary receive, else corrupt */
static void
CalBadBytes(bool binary, const char *detail)
{
	if (binary)
		SpBinaryError(CAL_TYPE_NAME, detail);
	elog(ERROR, "corrupt business_calendar value: %s", detail);
}

typedef struct CalReader
{
	const uint8 *p;
	const uint8 *end;
	bool		binary;
} CalReader;

static uint64
CalGet(CalReader *rd, uint64 max, const char *what)
{
	uint64		v;

	switch (SpGetVarint(&rd->p, rd->end, &v))
	{
		case SP_VARINT_OK:
			break;
		case SP_VARINT_TRUNCATED:
			CalBadBytes(rd->binary, psprintf("The data ends inside the %s.", what));
			break;
		default:
			CalBadBytes(rd->binary, psprintf("The %s is not a valid varint.", what));
			break;
	}
	if (v > max)
		CalBadBytes(rd->binary, psprintf("The %s is out of range.", what));
	return v;
}

/* Read n ranges of one day into def->ranges (room reserved by the caller) */
static void
CalGetRanges(CalReader *rd, CalDef *def, int *capacity)
{
	uint64		n = CalGet(rd, CAL_MAX_RANGES_PER_DAY, "number of ranges");
	int32		prev = 0;

	if (def->nranges + (int) n > *capacity)
	{
		*capacity = Max(*capacity * 2, def->nranges + (int) n);
		def->ranges = repalloc(def->ranges, sizeof(CalRange) * *capacity);
	}
	for (uint64 i = 0; i < n; i++)
	{
		uint64		gap = CalGet(rd, CAL_SECS_PER_DAY, "gap before a range");
		uint64		len;
		CalRange   *r = &def->ranges[def->nranges++];

		if (i > 0 && gap == 0)
			CalBadBytes(rd->binary, "Two ranges of a day touch; the canonical form merges them.");
		if (prev + gap >= CAL_SECS_PER_DAY)
			CalBadBytes(rd->binary, "A range starts at or after 24:00.");
		r->from = prev + (int32) gap;
		len = CalGet(rd, CAL_SECS_PER_DAY, "length of a range");
		if (len == 0 || r->from + len > CAL_SECS_PER_DAY)
			CalBadBytes(rd->binary, "A range is empty or ends after 24:00.");
		r->to = r->from + (int32) len;
		prev = r->to;
	}
}

static bool
CalDateInRange(int64 d)
{
	return d >= date2j(CAL_MIN_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE &&
		d <= date2j(CAL_MAX_YEAR, 12, 31) - POSTGRES_EPOCH_JDATE;
}

/*
 * Decode (and validate) the bytes after the varlena header into def, in
 * the current memory context.  binary: the bytes come from a client
 * (22P03 on any defect), else from storage.
 */
void
CalDecode(const uint8 *data, Size len, CalDef *def, bool binary)
{
	CalReader	rd = {data, data + len, binary};
	uint64		zlen;
	uint64		nexc;
	int			capacity = 16;
	char		canonical[TZ_STRLEN_MAX + 1];

	memset(def, 0, sizeof(*def));
	if (len < 1 || data[0] != CAL_FORMAT_VERSION)
		CalBadBytes(binary, len < 1 ? "The data is empty." : "Unknown format version.");
	rd.p++;
	zlen = CalGet(&rd, TZ_STRLEN_MAX, "length of the zone name");
	if ((uint64) (rd.end - rd.p) < zlen)
		CalBadBytes(binary, "The data ends inside the zone name.");
	memcpy(def->zone, rd.p, zlen);
	def->zone[zlen] = '\0';
	rd.p += zlen;
	if (strlen(def->zone) != zlen)
		CalBadBytes(binary, "The zone name holds a zero byte.");
	if (binary)
	{
		def->tz = CalLookupZone(def->zone, canonical);
		if (def->tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", def->zone)));
		if (strcmp(canonical, def->zone) != 0)
			CalBadBytes(binary, "The zone name is not in its canonical spelling.");
	}
	else
	{
		def->tz = pg_tzset(def->zone);
		if (def->tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", def->zone)));
	}

	def->ranges = palloc(sizeof(CalRange) * capacity);
	for (int d = 0; d < 7; d++)
	{
		def->wstart[d] = def->nranges;
		CalGetRanges(&rd, def, &capacity);
	}
	def->wstart[7] = def->nranges;
	nexc = CalGet(&rd, CAL_MAX_EXCEPTIONS, "number of exceptions");
	def->nexc = (int) nexc;
	def->excdate = palloc(sizeof(int32) * (nexc + 1));
	def->estart = palloc(sizeof(int) * (nexc + 1));
	for (int i = 0; i < def->nexc; i++)
	{
		int64		date;

		if (i == 0)
			date = SpUnzigzag(CalGet(&rd, PG_UINT64_MAX, "date of an exception"));
		else
		{
			uint64		step = CalGet(&rd, PG_INT32_MAX, "date step of an exception");

			if (step == 0)
				CalBadBytes(binary, "Exception dates are not ascending and distinct.");
			date = (int64) def->excdate[i - 1] + (int64) step;
		}
		if (!CalDateInRange(date))
			CalBadBytes(binary, "An exception date is out of range.");
		def->excdate[i] = (int32) date;
		def->estart[i] = def->nranges;
		CalGetRanges(&rd, def, &capacity);
	}
	def->estart[def->nexc] = def->nranges;
	if (rd.p != rd.end)
		CalBadBytes(binary, "Extra bytes after the calendar.");
}

/* ------------------------------------------------------------------------
 * Text input
 * ------------------------------------------------------------------------
 */

typedef struct CalParse
{
	const char *input;			/* the whole input, for messages */
	const char *item;			/* start of the current item */
	const char *item_end;
	int			itemno;
	const char *p;				/* cursor in the item */
} CalParse;

SP_NORETURN static void
CalSyntax(CalParse *ps, const char *what)
{
	int			itemlen = (int) (ps->item_end - ps->item);

	SpSyntaxError(CAL_TYPE_NAME, ps->input,
				  psprintf("Item %d (\"%.*s\"): %s at \"%.*s\".", ps->itemno,
						   itemlen, ps->item, what,
						   (int) (ps->item_end - ps->p), ps->p),
				  ps->itemno == 1 ? "A calendar starts with \"zone NAME\", e.g. \"zone Europe/Rome; mon-fri 09:00-17:00\"." : NULL);
}

SP_NORETURN static void
CalBadValue(CalParse *ps, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value in business calendar item %d: %s", ps->itemno, what),
			 errdetail("Item %d is \"%.*s\".", ps->itemno,
					   (int) (ps->item_end - ps->item), ps->item)));
}

static void
CalSkipSpace(CalParse *ps)
{
	while (ps->p < ps->item_end && isspace((unsigned char) *ps->p))
		ps->p++;
}

/* Up to maxd digits (at least mind) as a number, or -1 */
static int
CalDigits(CalParse *ps, int mind, int maxd)
{
	int			v = 0;
	int			n = 0;

	while (n < maxd && ps->p < ps->item_end && isdigit((unsigned char) *ps->p))
	{
		v = v * 10 + (*ps->p - '0');
		ps->p++;
		n++;
	}
	return n >= mind ? v : -1;
}

/* HH:MM or HH:MM:SS as seconds since midnight (24:00 allowed: 86400) */
static int32
CalTime(CalParse *ps)
{
	int			h,
				m,
				s = 0;

	h = CalDigits(ps, 1, 2);
	if (h < 0)
		CalSyntax(ps, "expected a time HH:MM");
	if (ps->p >= ps->item_end || *ps->p != ':')
		CalSyntax(ps, "expected \":\" in a time HH:MM");
	ps->p++;
	m = CalDigits(ps, 2, 2);
	if (m < 0)
		CalSyntax(ps, "expected two digits of minutes");
	if (ps->p < ps->item_end && *ps->p == ':')
	{
		ps->p++;
		s = CalDigits(ps, 2, 2);
		if (s < 0)
			CalSyntax(ps, "expected two digits of seconds");
	}
	if (ps->p < ps->item_end && isdigit((unsigned char) *ps->p))
		CalSyntax(ps, "too many digits in a time");
	if (m > 59 || s > 59 || h > 24 || (h == 24 && (m > 0 || s > 0)))
		CalBadValue(ps, psprintf("time %02d:%02d:%02d is out of range (00:00 to 24:00)", h, m, s));
	return h * 3600 + m * 60 + s;
}

static char *
CalTimeText(int32 t)
{
	if (t % 60 != 0)
		return psprintf("%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
	return psprintf("%02d:%02d", t / 3600, t / 60 % 60);
}

/*
 * "closed" (no ranges) or RANGE[,RANGE...] up to the end of the item,
 * ascending and not overlapping; touching ranges are merged.  Appends to
 * *out (growing it), returns the number added.
 */
static int
CalRanges(CalParse *ps, CalRange **out, int *n, int *capacity)
{
	int			first = *n;

	CalSkipSpace(ps);
	if (ps->item_end - ps->p >= 6 && pg_strncasecmp(ps->p, "closed", 6) == 0)
	{
		ps->p += 6;
		CalSkipSpace(ps);
		if (ps->p != ps->item_end)
			CalSyntax(ps, "expected the end of the item after \"closed\"");
		return 0;
	}
	for (;;)
	{
		int32		from,
					to;

		CalSkipSpace(ps);
		from = CalTime(ps);
		CalSkipSpace(ps);
		if (ps->p >= ps->item_end || *ps->p != '-')
			CalSyntax(ps, "expected \"-\" between the times of a range");
		ps->p++;
		CalSkipSpace(ps);
		to = CalTime(ps);
		if (from >= to)
			CalBadValue(ps, psprintf("range %s-%s does not end after it starts",
									 CalTimeText(from), CalTimeText(to)));
		if (*n > first && from < (*out)[*n - 1].to)
			CalBadValue(ps, psprintf("range %s-%s overlaps or precedes the range before it",
									 CalTimeText(from), CalTimeText(to)));
		if (*n > first && from == (*out)[*n - 1].to)
			(*out)[*n - 1].to = to;		/* touching: one range */
		else
		{
			if (*n - first >= CAL_MAX_RANGES_PER_DAY)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many ranges in business calendar item %d", ps->itemno),
						 errdetail("A day has at most %d ranges.", CAL_MAX_RANGES_PER_DAY)));
			if (*n >= *capacity)
			{
				*capacity *= 2;
				*out = repalloc(*out, sizeof(CalRange) * *capacity);
			}
			(*out)[*n].from = from;
			(*out)[*n].to = to;
			(*n)++;
		}
		CalSkipSpace(ps);
		if (ps->p == ps->item_end)
			break;
		if (*ps->p != ',')
			CalSyntax(ps, "expected \",\" or the end of the item after a range");
		ps->p++;
	}
	return *n - first;
}

/* A day name mon..sun (case-insensitive) at the cursor, or -1 */
static int
CalDayName(CalParse *ps)
{
	if (ps->item_end - ps->p < 3)
		return -1;
	for (int d = 0; d < 7; d++)
		if (pg_strncasecmp(ps->p, cal_day_names[d], 3) == 0 &&
			(ps->item_end - ps->p == 3 || !isalpha((unsigned char) ps->p[3])))
		{
			ps->p += 3;
			return d;
		}
	return -1;
}

/* One exception item, before sorting */
typedef struct CalExcIn
{
	int32		date;
	int			itemno;
	int			nr;
	CalRange   *r;
} CalExcIn;

static int
CalExcCmp(const void *a, const void *b)
{
	const CalExcIn *x = a;
	const CalExcIn *y = b;

	return x->date < y->date ? -1 : x->date > y->date ? 1 : 0;
}

/* Parse the text form into a canonical CalDef */
static void
CalParseText(const char *input, CalDef *def)
{
	CalParse	ps = {input, input, input, 0, input};
	CalRange   *week[7] = {0};
	int			weekn[7] = {0};
	bool		named[7] = {0};
	CalExcIn   *exc = NULL;
	int			nexc = 0,
				exccap = 0;
	const char *s = input;

	memset(def, 0, sizeof(*def));
	for (;;)
	{
		const char *semi = strchr(s, ';');
		const char *e = semi ? semi : s + strlen(s);

		ps.itemno++;
		/* trim the item */
		while (s < e && isspace((unsigned char) *s))
			s++;
		while (e > s && isspace((unsigned char) e[-1]))
			e--;
		ps.item = ps.p = s;
		ps.item_end = e;
		if (s == e)
			CalSyntax(&ps, "expected an item, found nothing");

		if (ps.itemno == 1)
		{
			char		name[TZ_STRLEN_MAX + 1];
			const char *z;

			if (e - s < 5 || pg_strncasecmp(s, "zone", 4) != 0 || !isspace((unsigned char) s[4]))
				CalSyntax(&ps, "expected \"zone NAME\" as the first item");
			ps.p += 4;
			CalSkipSpace(&ps);
			z = ps.p;
			while (ps.p < e && !isspace((unsigned char) *ps.p))
				ps.p++;
			if (ps.p != e)
				CalSyntax(&ps, "expected the end of the item after the zone name");
			if (e - z > TZ_STRLEN_MAX)
				CalBadValue(&ps, "time zone name is too long");
			memcpy(name, z, e - z);
			name[e - z] = '\0';
			def->tz = CalLookupZone(name, def->zone);
			if (def->tz == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("time zone \"%s\" not recognized", name),
						 errdetail("A business calendar's zone is a name of the tz database, such as \"Europe/Rome\" or \"UTC\".")));
		}
		else if (isdigit((unsigned char) *s))
		{
			int			y,
						m,
						d;
			CalExcIn   *x;
			int			cap = 4;

			y = CalDigits(&ps, 4, 4);
			if (y < 0 || ps.p >= e || *ps.p != '-')
				CalSyntax(&ps, "expected a date YYYY-MM-DD");
			ps.p++;
			m = CalDigits(&ps, 2, 2);
			if (m < 0 || ps.p >= e || *ps.p != '-')
				CalSyntax(&ps, "expected a date YYYY-MM-DD");
			ps.p++;
			d = CalDigits(&ps, 2, 2);
			if (d < 0 || (ps.p < e && !isspace((unsigned char) *ps.p)))
				CalSyntax(&ps, "expected a date YYYY-MM-DD followed by a space");
			if (y < CAL_MIN_YEAR || m < 1 || m > 12 || d < 1 ||
				d > day_tab[isleap(y)][m - 1])
				CalBadValue(&ps, psprintf("date %04d-%02d-%02d does not exist", y, m, d));
			if (nexc >= CAL_MAX_EXCEPTIONS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many exceptions in business calendar"),
						 errdetail("A calendar has at most %d date exceptions.", CAL_MAX_EXCEPTIONS)));
			if (nexc >= exccap)
			{
				exccap = exccap ? exccap * 2 : 8;
				exc = exc ? repalloc(exc, sizeof(CalExcIn) * exccap) : palloc(sizeof(CalExcIn) * exccap);
			}
			x = &exc[nexc++];
			x->date = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
			x->itemno = ps.itemno;
			x->nr = 0;
			x->r = palloc(sizeof(CalRange) * cap);
			CalRanges(&ps, &x->r, &x->nr, &cap);
		}
		else
		{
			bool		these[7] = {0};
			int			n = 0,
						cap = 4;
			CalRange   *r = palloc(sizeof(CalRange) * cap);

			if (ps.item_end - ps.p >= 4 && pg_strncasecmp(ps.p, "zone", 4) == 0)
				CalSyntax(&ps, "the zone must be given once, as the first item");
			for (;;)
			{
				int			d1 = CalDayName(&ps),
							d2;

				if (d1 < 0)
					CalSyntax(&ps, "expected a day name (mon, tue, wed, thu, fri, sat, sun) or a date YYYY-MM-DD");
				d2 = d1;
				CalSkipSpace(&ps);
				if (ps.p < e && *ps.p == '-')
				{
					ps.p++;
					CalSkipSpace(&ps);
					d2 = CalDayName(&ps);
					if (d2 < 0)
						CalSyntax(&ps, "expected a day name after \"-\"");
				}
				for (int d = d1;; d = (d + 1) % 7)
				{
					if (these[d] || named[d])
						CalBadValue(&ps, psprintf("day %s is named twice", cal_day_names[d]));
					these[d] = true;
					if (d == d2)
						break;
				}
				CalSkipSpace(&ps);
				if (ps.p < e && *ps.p == ',')
				{
					ps.p++;
					CalSkipSpace(&ps);
					continue;
				}
				break;
			}
			CalRanges(&ps, &r, &n, &cap);
			for (int d = 0; d < 7; d++)
				if (these[d])
				{
					named[d] = true;
					week[d] = r;
					weekn[d] = n;
				}
		}
		if (semi == NULL)
			break;
		s = semi + 1;
	}

	/* sort the exceptions, refusing a date named twice */
	if (nexc > 1)
		qsort(exc, nexc, sizeof(CalExcIn), CalExcCmp);
	for (int i = 1; i < nexc; i++)
		if (exc[i].date == exc[i - 1].date)
		{
			int			y,
						m,
						d;

			j2date(exc[i].date + POSTGRES_EPOCH_JDATE, &y, &m, &d);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value in business calendar item %d: date %04d-%02d-%02d is named twice",
							Max(exc[i].itemno, exc[i - 1].itemno), y, m, d)));
		}

	/* the canonical form */
	{
		int			total = 0;

		for (int d = 0; d < 7; d++)
			total += weekn[d];
		for (int i = 0; i < nexc; i++)
			total += exc[i].nr;
		def->ranges = palloc(sizeof(CalRange) * Max(total, 1));
		for (int d = 0; d < 7; d++)
		{
			def->wstart[d] = def->nranges;
			if (weekn[d] > 0)
				memcpy(def->ranges + def->nranges, week[d], sizeof(CalRange) * weekn[d]);
			def->nranges += weekn[d];
		}
		def->wstart[7] = def->nranges;
		def->nexc = nexc;
		def->excdate = palloc(sizeof(int32) * (nexc + 1));
		def->estart = palloc(sizeof(int) * (nexc + 1));
		for (int i = 0; i < nexc; i++)
		{
			def->excdate[i] = exc[i].date;
			def->estart[i] = def->nranges;
			if (exc[i].nr > 0)
				memcpy(def->ranges + def->nranges, exc[i].r, sizeof(CalRange) * exc[i].nr);
			def->nranges += exc[i].nr;
		}
		def->estart[nexc] = def->nranges;
	}
}

/* ------------------------------------------------------------------------
 * Text output
 * ------------------------------------------------------------------------
 */

static void
CalAppendRanges(StringInfo buf, const CalRange *r, int n)
{
	if (n == 0)
	{
		appendStringInfoString(buf, "closed");
		return;
	}
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		appendStringInfo(buf, "%s-%s", CalTimeText(r[i].from), CalTimeText(r[i].to));
	}
}

static bool
CalSameDay(const CalDef *def, int a, int b)
{
	int			na = def->wstart[a + 1] - def->wstart[a];

	return na == def->wstart[b + 1] - def->wstart[b] &&
		(na == 0 || memcmp(def->ranges + def->wstart[a], def->ranges + def->wstart[b],
						   sizeof(CalRange) * na) == 0);
}

/*
 * Canonical text: the zone, then each distinct weekly schedule once, in the
 * order of its first day, with its days as runs (mon-fri, sat,sun, mon,wed),
 * closed days left out, then the exceptions by date.
 */
static char *
CalText(const CalDef *def)
{
	StringInfoData buf;
	bool		done[7] = {0};

	initStringInfo(&buf);
	appendStringInfo(&buf, "zone %s", def->zone);
	for (int d = 0; d < 7; d++)
	{
		bool		mine[7] = {0};
		bool		first = true;

		if (done[d] || def->wstart[d + 1] == def->wstart[d])
			continue;
		for (int e = d; e < 7; e++)
			if (!done[e] && CalSameDay(def, d, e))
				mine[e] = done[e] = true;
		appendStringInfoString(&buf, "; ");
		for (int e = 0; e < 7;)
		{
			int			f = e;

			if (!mine[e])
			{
				e++;
				continue;
			}
			while (f + 1 < 7 && mine[f + 1])
				f++;
			if (!first)
				appendStringInfoChar(&buf, ',');
			first = false;
			if (f - e >= 2)
				appendStringInfo(&buf, "%s-%s", cal_day_names[e], cal_day_names[f]);
			else
			{
				appendStringInfoString(&buf, cal_day_names[e]);
				if (f > e)
					appendStringInfo(&buf, ",%s", cal_day_names[f]);
			}
			e = f + 1;
		}
		appendStringInfoChar(&buf, ' ');
		CalAppendRanges(&buf, def->ranges + def->wstart[d], def->wstart[d + 1] - def->wstart[d]);
	}
	for (int i = 0; i < def->nexc; i++)
	{
		int			y,
					m,
					dd;

		j2date(def->excdate[i] + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
		appendStringInfo(&buf, "; %04d-%02d-%02d ", y, m, dd);
		CalAppendRanges(&buf, def->ranges + def->estart[i], def->estart[i + 1] - def->estart[i]);
	}
	return buf.data;
}

/* ------------------------------------------------------------------------
 * SQL-callable I/O, equality and hashing
 * ------------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(business_calendar_in);
Datum
business_calendar_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	CalDef		def;

	CalParseText(input, &def);
	PG_RETURN_POINTER(CalEncode(&def));
}

PG_FUNCTION_INFO_V1(business_calendar_out);
Datum
business_calendar_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_BUSINESS_CALENDAR_P(0);
	CalDef		def;

	CalDecode((const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), &def, false);
	PG_RETURN_CSTRING(CalText(&def));
}

/* The binary form is the stored bytes */
PG_FUNCTION_INFO_V1(business_calendar_send);
Datum
business_calendar_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_BUSINESS_CALENDAR_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Validated as the text input validates, and only in canonical form */
PG_FUNCTION_INFO_V1(business_calendar_recv);
Datum
business_calendar_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			len = msg->len - msg->cursor;
	const uint8 *data = (const uint8 *) pq_getmsgbytes(msg, len);
	CalDef		def;
	struct varlena *result;

	CalDecode(data, len, &def, true);
	result = CalEncode(&def);
	if (VARSIZE(result) - VARHDRSZ != len || memcmp(VARDATA(result), data, len) != 0)
		SpBinaryError(CAL_TYPE_NAME, "The calendar is not in its canonical form.");
	pq_getmsgend(msg);
	PG_RETURN_POINTER(result);
}

static bool
CalBytesEqual(struct varlena *a, struct varlena *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

PG_FUNCTION_INFO_V1(business_calendar_eq);
Datum
business_calendar_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CalBytesEqual(PG_GETARG_BUSINESS_CALENDAR_P(0),
								 PG_GETARG_BUSINESS_CALENDAR_P(1)));
}

PG_FUNCTION_INFO_V1(business_calendar_ne);
Datum
business_calendar_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!CalBytesEqual(PG_GETARG_BUSINESS_CALENDAR_P(0),
								  PG_GETARG_BUSINESS_CALENDAR_P(1)));
}

PG_FUNCTION_INFO_V1(business_calendar_hash);
Datum
business_calendar_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_BUSINESS_CALENDAR_P(0);

	return hash_any((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}
