/*-------------------------------------------------------------------------
 *
 * fuzz_driver.c
 *	  libFuzzer run inside a PostgreSQL backend, against a salesperf type's
 *	  text input or binary receive function.
 *
 * The type I/O functions lean on the server (numeric_in, the catalog for
 * upsell_summary's key types, memory contexts, ereport), so they are fuzzed
 * where they run: this file is linked into a build of salesperf.so
 * instrumented with -fsanitize=fuzzer-no-link,address,undefined, and the
 * SQL function salesperf_fuzz() hands control to LLVMFuzzerRunDriver() in a
 * single-user backend (test/fuzz/run.sh).  libFuzzer's coverage counters
 * are those of salesperf's own code; the server itself is not instrumented.
 *
 * For each input:
 *	- text: the bytes become a C string (inputs with a NUL byte or invalid
 *	  in the server encoding are skipped: the server never passes those to
 *	  an input function); binary: the bytes become the StringInfo a receive
 *	  function gets, and the whole message must be consumed, as the server
 *	  requires.  Either way the bytes (and the terminating NUL the server
 *	  also provides) sit between two poisoned red zones, so AddressSanitizer
 *	  reports any read before or past them.  (The ASan runtime is loaded
 *	  with this library, after the server started, so it does not replace
 *	  malloc: red zones are poisoned by hand here, and palloc'd memory is
 *	  checked only where salesperf's instrumented code reads it.)
 *	- An ERROR while parsing is a rejection, unless it is an internal error
 *	  (SQLSTATE XX000, an elog() "can't happen"), which is a bug.
 *	- An accepted value must survive text out -> in and binary send -> recv:
 *	  both must give back the same text and the same bytes, and an error on
 *	  the way is a bug.
 *	A bug is reported on stderr and abort()s, so libFuzzer saves the input.
 *
 * Each input runs in its own subtransaction and memory context, which are
 * rolled back / reset afterwards, as a PL/pgSQL exception block would.
 *
 * Copyright (c) 2026, salesperf developers
 *
 *-------------------------------------------------------------------------
 */
#include "salesperf.h"

#include <stdio.h>
#include <stdlib.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include <sanitizer/asan_interface.h>

extern int	LLVMFuzzerRunDriver(int *argc, char ***argv,
								int (*callback) (const uint8_t *data, size_t size));

/*
 * The sanitizers' options, built in: a backend's environment is gone by the
 * time the runtime reads it (the server rewrites that memory for its process
 * title), and this library, not the server, brings the runtime
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "verify_asan_link_order=0:detect_leaks=0:print_summary=1";
}

const char *
__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}

/* What is being fuzzed */
static bool fuzz_binary;
static FmgrInfo fuzz_in;
static FmgrInfo fuzz_out;
static FmgrInfo fuzz_recv;
static FmgrInfo fuzz_send;
static Oid	fuzz_ioparam;
static MemoryContext fuzz_context;

/* Outcomes, printed when libFuzzer exits */
#define FUZZ_MAX_CODES 32
static uint64 fuzz_skipped;
static uint64 fuzz_accepted;
static uint64 fuzz_rejected;
static int	fuzz_ncodes;
static int	fuzz_codes[FUZZ_MAX_CODES];
static uint64 fuzz_code_counts[FUZZ_MAX_CODES];

/* Count a rejection by its SQLSTATE */
static void
fuzz_count_rejection(int sqlerrcode)
{
	int			i;

	fuzz_rejected++;
	for (i = 0; i < fuzz_ncodes; i++)
		if (fuzz_codes[i] == sqlerrcode)
			break;
	if (i == fuzz_ncodes)
	{
		if (fuzz_ncodes == FUZZ_MAX_CODES)
			return;
		fuzz_codes[fuzz_ncodes++] = sqlerrcode;
	}
	fuzz_code_counts[i]++;
}

/* atexit: one summary line that test/fuzz/run.sh reads */
static void
fuzz_report(void)
{
	fprintf(stderr, "salesperf-fuzz: accepted %llu, rejected %llu, skipped %llu",
			(unsigned long long) fuzz_accepted,
			(unsigned long long) fuzz_rejected,
			(unsigned long long) fuzz_skipped);
	for (int i = 0; i < fuzz_ncodes; i++)
		fprintf(stderr, "%s %s=%llu", i == 0 ? ";" : ",",
				unpack_sql_state(fuzz_codes[i]),
				(unsigned long long) fuzz_code_counts[i]);
	fprintf(stderr, "\n");
}

/* A bug: say what and on which input, then abort so libFuzzer keeps it */
static void
fuzz_bug(const char *what, const char *detail, const uint8_t *data, size_t size)
{
	fprintf(stderr, "salesperf-fuzz BUG: %s\n", what);
	if (detail)
		fprintf(stderr, "  detail: %s\n", detail);
	fprintf(stderr, "  input (%zu bytes):", size);
	for (size_t i = 0; i < size && i < 256; i++)
		fprintf(stderr, " %02x", data[i]);
	fprintf(stderr, "%s\n", size > 256 ? " ..." : "");
	abort();
}

/*
 * A copy of the input between poisoned red zones; FUZZ_REDZONE is a multiple
 * of ASan's 8-byte granule, so the zone before is exact and the one after
 * starts right past the NUL
 */
#define FUZZ_REDZONE 64

static char *
fuzz_copy_input(const uint8_t *data, size_t size)
{
	char	   *block = malloc(FUZZ_REDZONE + size + 1 + FUZZ_REDZONE);
	char	   *copy;

	if (block == NULL)
		abort();
	copy = block + FUZZ_REDZONE;
	memcpy(copy, data, size);
	copy[size] = '\0';
	ASAN_POISON_MEMORY_REGION(block, FUZZ_REDZONE);
	ASAN_POISON_MEMORY_REGION(copy + size + 1, FUZZ_REDZONE);
	return copy;
}

static void
fuzz_free_input(char *copy, size_t size)
{
	char	   *block = copy - FUZZ_REDZONE;

	ASAN_UNPOISON_MEMORY_REGION(block, FUZZ_REDZONE + size + 1 + FUZZ_REDZONE);
	free(block);
}

/*
 * A planted bug the sanitizers must catch: "asan" reads one byte past the
 * input copy (into its red zone), "ubsan" overflows an int64.  The fuzz
 * run sets SALESPERF_FUZZ_CANARY, the sanitized regression run calls
 * salesperf_sanitizer_canary(); both check that the report comes, so a
 * build that silently lost its sanitizers cannot pass.
 */
static void
fuzz_canary(const char *canary, const char *copy, size_t size)
{
	if (canary == NULL)
		return;
	if (strcmp(canary, "asan") == 0)
	{
		volatile char past = copy[size + 1];

		(void) past;
	}
	else if (strcmp(canary, "ubsan") == 0)
	{
		volatile int64 big = PG_INT64_MAX;
		volatile int64 sum = big + (int64) (size + 1);

		(void) sum;
	}
}

/* Receive a value from bytes, requiring the whole message be consumed */
static Datum
fuzz_receive(char *bytes, int len)
{
	StringInfoData buf;
	Datum		value;

	buf.data = bytes;
	buf.len = len;
	buf.maxlen = len + 1;
	buf.cursor = 0;
	value = ReceiveFunctionCall(&fuzz_recv, &buf, fuzz_ioparam, -1);
	if (buf.cursor != buf.len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("incorrect binary data format")));
	return value;
}

/*
 * An accepted value through out -> in and send -> recv: both must come back
 * with the same text and the same bytes.  Returns NULL when all agree, else
 * what differed.
 */
static const char *
fuzz_check_round_trips(Datum value)
{
	char	   *text1 = OutputFunctionCall(&fuzz_out, value);
	bytea	   *bin1 = SendFunctionCall(&fuzz_send, value);
	Datum		from_text;
	Datum		from_bin;
	char	   *copy;
	int			binlen = VARSIZE(bin1) - VARHDRSZ;

	from_text = InputFunctionCall(&fuzz_in, pstrdup(text1), fuzz_ioparam, -1);
	copy = palloc(binlen + 1);
	memcpy(copy, VARDATA(bin1), binlen);
	copy[binlen] = '\0';
	from_bin = fuzz_receive(copy, binlen);

	if (strcmp(OutputFunctionCall(&fuzz_out, from_text), text1) != 0)
		return psprintf("out -> in -> out changed the text: %s", text1);
	if (strcmp(OutputFunctionCall(&fuzz_out, from_bin), text1) != 0)
		return psprintf("send -> recv -> out changed the text: %s", text1);
	if (!SpBytesEqual((struct varlena *) SendFunctionCall(&fuzz_send, from_text), bin1))
		return psprintf("out -> in -> send changed the bytes: %s", text1);
	if (!SpBytesEqual((struct varlena *) SendFunctionCall(&fuzz_send, from_bin), bin1))
		return psprintf("send -> recv -> send changed the bytes: %s", text1);
	return NULL;
}

/* libFuzzer's callback: one input */
static int
fuzz_one(const uint8_t *data, size_t size)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool parsed = false;
	const char *volatile mismatch = NULL;
	char	   *copy;

	if (!fuzz_binary &&
		(memchr(data, '\0', size) != NULL ||
		 !pg_verifymbstr((const char *) data, size, true)))
	{
		fuzz_skipped++;
		return 0;
	}
	if (size >= MaxAllocSize)
	{
		fuzz_skipped++;
		return 0;
	}

	copy = fuzz_copy_input(data, size);
	fuzz_canary(getenv("SALESPERF_FUZZ_CANARY"), copy, size);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(fuzz_context);
	PG_TRY();
	{
		Datum		value;

		if (fuzz_binary)
			value = fuzz_receive(copy, (int) size);
		else
			value = InputFunctionCall(&fuzz_in, copy, fuzz_ioparam, -1);
		parsed = true;
		mismatch = fuzz_check_round_trips(value);
		fuzz_accepted++;

		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(fuzz_context);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;

		if (parsed)
			fuzz_bug("an accepted value failed its round trip",
					 edata->message, data, size);
		if (edata->sqlerrcode == ERRCODE_INTERNAL_ERROR)
			fuzz_bug("internal error (elog) reached from input",
					 edata->message, data, size);
		fuzz_count_rejection(edata->sqlerrcode);
	}
	PG_END_TRY();

	if (mismatch != NULL)
		fuzz_bug("round trip mismatch", mismatch, data, size);

	MemoryContextReset(fuzz_context);
	fuzz_free_input(copy, size);
	return 0;
}

/*
 * salesperf_fuzz(type regtype, binary boolean, args text[]): run libFuzzer
 * with the given command-line arguments against the type's input (binary
 * false) or receive (binary true) function.  libFuzzer ends the process
 * when it is done.
 */
PG_FUNCTION_INFO_V1(salesperf_fuzz);
Datum
salesperf_fuzz(PG_FUNCTION_ARGS)
{
	Oid			type = PG_GETARG_OID(0);
	ArrayType  *args = PG_GETARG_ARRAYTYPE_P(2);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			argc;
	char	  **argv;
	Oid			func;
	bool		isvarlena;

	if (IsUnderPostmaster)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("salesperf_fuzz runs only in a single-user backend"),
				 errhint("libFuzzer ends the process it runs in; see test/fuzz/run.sh.")));

	fuzz_binary = PG_GETARG_BOOL(1);
	getTypeInputInfo(type, &func, &fuzz_ioparam);
	fmgr_info_cxt(func, &fuzz_in, TopMemoryContext);
	getTypeOutputInfo(type, &func, &isvarlena);
	fmgr_info_cxt(func, &fuzz_out, TopMemoryContext);
	getTypeBinaryInputInfo(type, &func, &fuzz_ioparam);
	fmgr_info_cxt(func, &fuzz_recv, TopMemoryContext);
	getTypeBinaryOutputInfo(type, &func, &isvarlena);
	fmgr_info_cxt(func, &fuzz_send, TopMemoryContext);
	fuzz_context = AllocSetContextCreate(TopMemoryContext, "salesperf fuzz",
										 ALLOCSET_DEFAULT_SIZES);

	deconstruct_array(args, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	argc = nelems + 1;
	argv = MemoryContextAlloc(TopMemoryContext, (argc + 1) * sizeof(char *));
	argv[0] = "salesperf_fuzz";
	for (int i = 0; i < nelems; i++)
		argv[i + 1] = nulls[i] ? "" :
			MemoryContextStrdup(TopMemoryContext, TextDatumGetCString(elems[i]));
	argv[argc] = NULL;

	atexit(fuzz_report);
	PG_RETURN_INT32(LLVMFuzzerRunDriver(&argc, &argv, fuzz_one));
}

/* salesperf_sanitizer_canary(kind text): commit the planted bug, in SQL */
PG_FUNCTION_INFO_V1(salesperf_sanitizer_canary);
Datum
salesperf_sanitizer_canary(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *copy = fuzz_copy_input((const uint8_t *) "canary", 6);

	fuzz_canary(kind, copy, 6);
	fuzz_free_input(copy, 6);
	PG_RETURN_VOID();
}
