/*
 * keys.c
 *	  Keys of any type for states with one entry per key (see keys.h).
 */
#include "keys.h"

#include "access/transam.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "codec.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

bool
SpKeyTypeInit(SpKeyType *kt, Oid type)
{
	memset(kt, 0, sizeof(*kt));
	kt->type = type;
	if (!OidIsValid(type))
		return true;
	if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type)))
		SpKeyTypeMissing(type);
	kt->tce = lookup_type_cache(type, TYPECACHE_EQ_OPR_FINFO |
								TYPECACHE_HASH_PROC_FINFO |
								TYPECACHE_LT_OPR | TYPECACHE_CMP_PROC_FINFO |
								TYPECACHE_BTREE_OPFAMILY);
	if (!OidIsValid(kt->tce->btree_opf) || !OidIsValid(kt->tce->lt_opr) ||
		!OidIsValid(kt->tce->cmp_proc_finfo.fn_oid) ||
		!OidIsValid(kt->tce->eq_opr_finfo.fn_oid) ||
		!OidIsValid(kt->tce->hash_proc_finfo.fn_oid))
		return false;
	kt->typlen = kt->tce->typlen;
	kt->typbyval = kt->tce->typbyval;
	kt->collation = OidIsValid(kt->tce->typcollation) ? C_COLLATION_OID : InvalidOid;
	return true;
}

void
SpKeyTypeRequire(SpKeyType *kt, Oid type, const char *what,
				 const char *detail, const char *hint)
{
	if (!SpKeyTypeInit(kt, type))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("%s key type %s has no default btree and hash operator classes",
						what, format_type_be(type)),
				 errdetail("%s", detail),
				 errhint("%s", hint)));
}

void
SpKeyCheckNewType(Oid type, const char *statetype, const char *hint)
{
	if (SpKeyTypeIsBuiltin(type))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s cannot be keyed by user-defined type %s",
					statetype, format_type_be(type)),
			 errdetail("A summary records its key type by OID: once the type is dropped or altered, no summary keyed by it could be read or dumped."),
			 errhint("%s", hint)));
}

Oid
SpKeyArgType(FunctionCallInfo fcinfo, int argno, const char *what)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (!OidIsValid(type))
	{
		Oid		   *argtypes;
		int			nargs;

		(void) get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
		if (nargs > argno && !IsPolymorphicType(argtypes[argno]))
			type = argtypes[argno];
	}
	if (!OidIsValid(type))
		elog(ERROR, "could not determine the %s key type", what);
	return type;
}

void
SpKeyTypeInitStorage(SpKeyType *kt, Oid type)
{
	HeapTuple	tup;
	Form_pg_type typ;

	memset(kt, 0, sizeof(*kt));
	kt->type = type;
	if (!OidIsValid(type))
		return;
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	if (!HeapTupleIsValid(tup))
		SpKeyTypeMissing(type);
	typ = (Form_pg_type) GETSTRUCT(tup);
	kt->typlen = typ->typlen;
	kt->typbyval = typ->typbyval;
	ReleaseSysCache(tup);
}

bool
SpKeyTypeIsBuiltin(Oid type)
{
	return type < FirstNormalObjectId;
}

void
SpKeyTypeMissing(Oid type)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("key type with OID %u of a stored state does not exist", type),
			 errdetail("The state was written with keys of a user-defined type that has since been dropped; its keys cannot be read."),
			 errhint("Such states can be built only by salesperf 0.2.0 and earlier, or read in from their text or binary form: keep the type while they exist, and rebuild them with keys cast to text.")));
}

/* Hash of a key under the key type's hash opclass (0 without a key) */
uint32
SpKeyHash(const SpKeyType *kt, Datum key)
{
	if (!OidIsValid(kt->type))
		return 0;
	return DatumGetUInt32(FunctionCall1Coll(&kt->tce->hash_proc_finfo,
											kt->collation, key));
}

/* Equality of two keys under the key type's btree equality */
bool
SpKeyEqual(const SpKeyType *kt, Datum a, Datum b)
{
	if (!OidIsValid(kt->type))
		return true;
	return DatumGetBool(FunctionCall2Coll(&kt->tce->eq_opr_finfo,
										  kt->collation, a, b));
}

/* Order of two keys: the key type's btree comparison, as in the flat form */
int
SpKeyCompare(const SpKeyType *kt, Datum a, Datum b)
{
	if (!OidIsValid(kt->type))
		return 0;
	return DatumGetInt32(FunctionCall2Coll(&kt->tce->cmp_proc_finfo,
										   kt->collation, a, b));
}

void
SpKeySortSupport(const SpKeyType *kt, SortSupport ssup)
{
	ssup->ssup_collation = kt->collation;
	ssup->ssup_nulls_first = false;
	PrepareSortSupportFromOrderingOp(kt->tce->lt_opr, ssup);
}

Datum
SpKeyCopy(const SpKeyType *kt, Datum key)
{
	if (!OidIsValid(kt->type) || kt->typbyval)
		return key;
	return datumCopy(key, false, kt->typlen);
}

Size
SpKeyFlatSize(const SpKeyType *kt, Datum key)
{
	if (!OidIsValid(kt->type))
		return 0;
	if (kt->typbyval)
		return sizeof(Datum);
	return datumGetSize(key, false, kt->typlen);
}

/* Write the key at p; returns the next MAXALIGNed position */
char *
SpKeyWriteFlat(const SpKeyType *kt, Datum key, char *p)
{
	Size		ks = SpKeyFlatSize(kt, key);

	if (!OidIsValid(kt->type))
		return p;
	if (kt->typbyval)
		memcpy(p, &key, sizeof(Datum));
	else
		memcpy(p, DatumGetPointer(key), ks);
	return p + MAXALIGN(ks);
}

/* Read the key at p (a pointer into the image if by reference) */
char *
SpKeyReadFlat(const SpKeyType *kt, char *p, Datum *key)
{
	*key = (Datum) 0;
	if (!OidIsValid(kt->type))
		return p;
	if (kt->typbyval)
		memcpy(key, p, sizeof(Datum));
	else
		*key = PointerGetDatum(p);
	return p + MAXALIGN(SpKeyFlatSize(kt, *key));
}

char *
SpKeyTypeName(Oid type)
{
	return format_type_be_qualified(type);
}

/*
 * The key type a text or binary form names, or 42704 if there is none
 * (regtypein takes a bare number as an OID without looking it up)
 */
Oid
SpKeyTypeByName(const char *typname)
{
	Oid			type = DatumGetObjectId(DirectFunctionCall1(regtypein,
															CStringGetDatum(typname)));

	if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(type)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type \"%s\" does not exist", typname)));
	return type;
}

char *
SpKeyOut(Oid type, Datum key)
{
	Oid			func;
	bool		isvarlena;

	getTypeOutputInfo(type, &func, &isvarlena);
	return OidOutputFunctionCall(func, key);
}

/*
 * Append a token: bare, or double-quoted (with \" and \\) when it is empty
 * or contains blanks, quotes, backslashes or semicolons
 */
void
SpKeyAppendToken(StringInfo buf, const char *s)
{
	bool		quote = (*s == '\0');

	for (const char *c = s; *c && !quote; c++)
		if (isspace((unsigned char) *c) || *c == '"' || *c == '\\' || *c == ';')
			quote = true;
	if (!quote)
	{
		appendStringInfoString(buf, s);
		return;
	}
	appendStringInfoChar(buf, '"');
	for (const char *c = s; *c; c++)
	{
		if (*c == '"' || *c == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *c);
	}
	appendStringInfoChar(buf, '"');
}

char *
SpKeyReadToken(const char **p, const char **error)
{
	const char *s = *p;
	StringInfoData tok;

	initStringInfo(&tok);
	if (*s == '"')
	{
		for (s++; *s != '"'; s++)
		{
			if (*s == '\0')
			{
				*error = "A quoted key is not closed.";
				return NULL;
			}
			if (*s == '\\')
			{
				s++;
				if (*s == '\0')
				{
					*error = "A quoted key is not closed.";
					return NULL;
				}
			}
			appendStringInfoChar(&tok, *s);
		}
		s++;
	}
	else
	{
		for (; *s && !isspace((unsigned char) *s) && *s != ';' && *s != '"' && *s != '\\'; s++)
			appendStringInfoChar(&tok, *s);
		if (tok.len == 0)
		{
			*error = "A key or type name is missing.";
			return NULL;
		}
	}
	*p = s;
	return tok.data;
}

Datum
SpKeyRecv(FmgrInfo *recv, Oid ioparam, StringInfo scratch, const char *data,
		  int len, const char *typname)
{
	Datum		key;

	/*
	 * A copy with a terminating zero, as receive functions expect; one
	 * buffer for all keys, as record_recv does.
	 */
	resetStringInfo(scratch);
	appendBinaryStringInfo(scratch, data, len);
	key = ReceiveFunctionCall(recv, scratch, ioparam, -1);
	if (scratch->cursor != scratch->len)
		SpBinaryError(typname, "A key has trailing bytes.");
	return key;
}

/* ---------------------------------------------------------------------
 * Keyed states in memory (see keys.h)
 * ---------------------------------------------------------------------
 */

/* The cached flat image, built in the state's context if there is none */
static struct varlena *
SpKeyedCachedFlat(SpKeyedState *state)
{
	if (state->flat == NULL)
		state->flat = state->cls->build_flat(state, state->hdr.eoh_context);
	return state->flat;
}

/* Expanded-object method: size of the flat form */
static Size
SpKeyedGetFlatSize(ExpandedObjectHeader *eohptr)
{
	return VARSIZE(SpKeyedCachedFlat((SpKeyedState *) eohptr));
}

/* Expanded-object method: write the flat form into result */
static void
SpKeyedFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	SpKeyedState *state = (SpKeyedState *) eohptr;
	struct varlena *flat = SpKeyedCachedFlat(state);

	Assert(allocated_size == VARSIZE(flat));
	memcpy(result, flat, allocated_size);
	/* the image is built on demand: do not keep a second copy of the state */
	SpKeyedInvalidateFlat(state);
}

const ExpandedObjectMethods SpKeyedMethods = {
	SpKeyedGetFlatSize,
	SpKeyedFlattenInto
};

void *
SpKeyedNew(const SpKeyedClass *cls, Size size, MemoryContext parent)
{
	MemoryContext cxt;
	SpKeyedState *state;

	Assert(size >= sizeof(SpKeyedState));
	/* cls->name is a constant string, as a context name must be */
	cxt = AllocSetContextCreateInternal(parent, cls->name,
										0, ALLOCSET_SMALL_INITSIZE, ALLOCSET_DEFAULT_MAXSIZE);
	state = MemoryContextAllocZero(cxt, size);
	EOH_init_header(&state->hdr, &SpKeyedMethods, cxt);
	state->cls = cls;
	return state;
}

void
SpKeyedWrongClass(const SpKeyedClass *cls)
{
	elog(ERROR, "expanded object is not of type %s", cls->name);
}

void
SpKeyedInvalidateFlat(SpKeyedState *state)
{
	if (state->flat != NULL)
	{
		pfree(state->flat);
		state->flat = NULL;
	}
}

Datum
SpKeyedFinal(const SpKeyedClass *cls, Datum d)
{
	SpKeyedState *state = SpKeyedFromDatum(cls, d);

	if (state != NULL)
		return PointerGetDatum(cls->build_flat(state, CurrentMemoryContext));
	return PointerGetDatum(PG_DETOAST_DATUM_COPY(d));
}
