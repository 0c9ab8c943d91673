#!/usr/bin/env python3
"""salesperf through a real client library: psycopg2 (Debian python3-psycopg2).

What a BI tool does: connect, send queries with bound parameters, read KPI
values and stored states in text and in binary result formats.  Every value is
checked against an independent computation in Python and against what psql
prints for the same query.

psycopg2 interpolates %s parameters on the client; server-side binding is
exercised with SQL PREPARE / EXECUTE, whose parameters the server parses and
types itself, and with the extended protocol proper (Parse / Bind / Execute,
as JDBC and npgsql speak it): libpq's PQexecParams, PQprepare and
PQexecPrepared called through ctypes on psycopg2's own connection, with
parameters in text and in binary format and results in binary.  Binary
results also come from a binary COPY TO STDOUT (parsed here) and from the
types' send functions read as bytea; binary input goes back in through COPY
FROM STDIN (FORMAT binary), i.e. the types' receive functions.

Connection: PGHOST / PGPORT / PGUSER from the environment (scripts/test sets
them).  The test creates its own database, salesperf_client, and drops it at
the end.  Output: TAP ("ok N - ...", "not ok N - ...", plan "1..N").
"""
import ctypes
import ctypes.util
import io
import math
import os
import random
import re
import struct
import subprocess
import sys
import traceback
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist

try:
    import psycopg2
except ImportError:
    # Debian's python3-psycopg2 belongs to /usr/bin/python3; another python3
    # first on PATH (pyenv, a virtualenv) does not see it
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3" \
            and not os.environ.get("SP_PY_REEXEC"):
        os.environ["SP_PY_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP psycopg2 not importable (install python3-psycopg2)")
    print("not ok 1 - psycopg2 importable")
    sys.exit(1)

DB = "salesperf_client"
SEED = 20251122

# ----------------------------------------------------------------------------
# TAP


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {desc}")
        else:
            self.failed += 1
            print(f"not ok {self.n} - {desc}")
            if diag is not None:
                for line in str(diag).splitlines():
                    print(f"#   {line}")
        sys.stdout.flush()
        return cond

    def done(self):
        print(f"1..{self.n}")
        return 1 if self.failed else 0


tap = Tap()


def check(desc):
    """Run a test function; an exception is a failure with its traceback."""
    def wrap(fn):
        try:
            fn()
        except Exception:
            tap.ok(False, desc, traceback.format_exc())
        return fn
    return wrap


# ----------------------------------------------------------------------------
# Connections


def connect(dbname):
    conn = psycopg2.connect(dbname=dbname)   # PGHOST/PGPORT/PGUSER from env
    conn.autocommit = True
    return conn


def psql_rows(sql):
    """The same query through psql: unaligned, tuples only, '|' separated."""
    out = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
         "-d", DB, "-c", "SET TimeZone = 'UTC'", "-c", sql],
        check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line != ""]


# ----------------------------------------------------------------------------
# Binary formats, decoded independently of the server


def decode_numeric(b):
    """PostgreSQL numeric binary form: ndigits, weight, sign, dscale, digits."""
    ndigits, weight, sign, dscale = struct.unpack("!hhHh", b[:8])
    if len(b) != 8 + 2 * ndigits:
        raise ValueError("numeric length mismatch")
    if sign == 0xC000:
        return Decimal("NaN")
    digits = struct.unpack(f"!{ndigits}H", b[8:])
    value = Decimal(0)
    for i, d in enumerate(digits):
        value += Decimal(d) * (Decimal(10000) ** (weight - i))
    return -value if sign == 0x4000 else value


def encode_numeric(d):
    """Python Decimal to PostgreSQL numeric binary form (non-negative)."""
    sign, digits, exp = d.as_tuple()
    dscale = max(0, -exp)
    unscaled = int("".join(map(str, digits)) or "0")
    if exp < 0:
        intpart = str(unscaled // 10 ** -exp)
        frac = str(unscaled % 10 ** -exp).rjust(-exp, "0")
    else:
        intpart, frac = str(unscaled * 10 ** exp), ""
    intpart = intpart.lstrip("0")
    ipad = (-len(intpart)) % 4
    intpart = "0" * ipad + intpart
    frac = frac + "0" * ((-len(frac)) % 4)
    groups = [int(intpart[i:i + 4]) for i in range(0, len(intpart), 4)]
    weight = len(groups) - 1
    groups += [int(frac[i:i + 4]) for i in range(0, len(frac), 4)]
    while groups and groups[-1] == 0:
        groups.pop()
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    if not groups:
        weight = 0
    return struct.pack(f"!hhHh{len(groups)}H", len(groups), weight,
                       0x4000 if sign else 0, dscale, *groups)


KPI_TAGS = {1: "close_rate", 2: "lead_qualification_efficiency"}


def decode_kpi_ratio(b):
    """kpi_ratio binary form: version 1 (untagged: 0.1.0/0.2.0 states), kind
    (0 count, 1 value), two sides; or version 2, kind, the KPI's tag byte
    (1 close_rate, 2 lead_qualification_efficiency), two sides.  Returns
    (tag or None, kind, numerator, denominator)."""
    version, kind = b[0], b[1]
    if version not in (1, 2):
        raise ValueError(f"kpi_ratio binary version {version}")
    tag, pos = None, 2
    if version == 2:
        tag, pos = KPI_TAGS[b[2]], 3
    if kind == 0:
        num, den = struct.unpack("!qq", b[pos:pos + 16])
        if len(b) != pos + 16:
            raise ValueError("trailing bytes")
        return (tag, "count", num, den)
    sides = []
    for _ in range(2):
        (n,) = struct.unpack("!i", b[pos:pos + 4])
        sides.append(decode_numeric(b[pos + 4:pos + 4 + n]))
        pos += 4 + n
    if pos != len(b):
        raise ValueError("trailing bytes")
    return (tag, "value", sides[0], sides[1])


def encode_kpi_ratio(kind, num, den, tag=None):
    head = bytes([1, 0 if kind == "count" else 1])
    if tag is not None:
        head = bytes([2, head[1], {v: k for k, v in KPI_TAGS.items()}[tag]])
    if kind == "count":
        return head + struct.pack("!qq", num, den)
    out = head
    for side in (num, den):
        enc = encode_numeric(side)
        out += struct.pack("!i", len(enc)) + enc
    return out


def parse_copy_binary(data):
    """Rows of a binary COPY: a list of tuples of raw field bytes (or None)."""
    sig = b"PGCOPY\n\xff\r\n\x00"
    if not data.startswith(sig):
        raise ValueError("not a binary COPY stream")
    pos = len(sig)
    _flags, extlen = struct.unpack("!ii", data[pos:pos + 8])
    pos += 8 + extlen
    rows = []
    while True:
        (nfields,) = struct.unpack("!h", data[pos:pos + 2])
        pos += 2
        if nfields == -1:
            break
        row = []
        for _ in range(nfields):
            (n,) = struct.unpack("!i", data[pos:pos + 4])
            pos += 4
            if n == -1:
                row.append(None)
            else:
                row.append(bytes(data[pos:pos + n]))
                pos += n
        rows.append(tuple(row))
    if pos != len(data):
        raise ValueError("data after the COPY trailer")
    return rows


def build_copy_binary(rows):
    out = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
    for row in rows:
        out += struct.pack("!h", len(row))
        for f in row:
            out += struct.pack("!i", len(f)) + f
    return out + struct.pack("!h", -1)


def copy_out_binary(cur, query):
    buf = io.BytesIO()
    cur.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT binary)", buf)
    return parse_copy_binary(buf.getvalue())


# ----------------------------------------------------------------------------
# Independent computations


def wilson(k, n, confidence=0.95):
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = k / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    d = 1 + z * z / n
    return (centre - margin) / d, (centre + margin) / d


def percentile_cont(values, p):
    v = sorted(values)
    pos = p * (len(v) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def parse_pg_interval(text):
    """psql's default (postgres style) interval output, days and time only."""
    m = re.fullmatch(r"(?:(-?\d+) days? ?)?(?:(-)?(\d+):(\d+):(\d+(?:\.\d+)?))?", text)
    if not m or text == "":
        raise ValueError(f"unexpected interval text {text!r}")
    days = int(m.group(1) or 0)
    secs = 0
    if m.group(3) is not None:
        secs = int(m.group(3)) * 3600 + int(m.group(4)) * 60 + Decimal(m.group(5))
        if m.group(2):
            secs = -secs
    return timedelta(days=days, microseconds=int(Decimal(secs) * 1000000))


def close(a, b, rel=1e-12):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


# ----------------------------------------------------------------------------
# Fixture: deals and leads, generated with a fixed seed


rng = random.Random(SEED)
T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)

DEALS = []      # (deal_id, owner, is_closed, is_won, amount, closed_at)
for i in range(1, 3001):
    owner = rng.randrange(1, 9)
    closed = rng.random() < 0.8
    won = closed and rng.random() < 0.15 + 0.05 * owner
    amount = Decimal(rng.randrange(50000, 5000000)) / 100
    closed_at = T0 + timedelta(days=rng.randrange(0, 365)) if closed else None
    DEALS.append((i, owner, closed, won, amount, closed_at))
# owner 9 closed nothing: its close rate is NULL, not 0
DEALS.append((3001, 9, False, False, Decimal("100.00"), None))

LEADS = []      # (lead_id, sdr, qualified, calls, response seconds or None)
for i in range(1, 4001):
    sdr = rng.randrange(1, 6)
    never = rng.random() < 0.07
    calls = 0 if never else 1 + int(rng.expovariate(1 / (0.5 + sdr * 0.4)))
    qualified = (not never) and rng.random() < 0.1 + 0.04 * calls
    response = None if never else round(math.exp(rng.gauss(math.log(5400), 1.6)))
    LEADS.append((i, sdr, qualified, calls, response))
# a tiny group (exact mode of the sketch) and an SDR who made no calls
for j in range(40):
    LEADS.append((5001 + j, 7, j % 5 == 0, 1 + j % 3, 30 + 17 * j * j))
LEADS.append((6001, 8, False, 0, None))


def deals_by_owner():
    out = {}
    for _, owner, closed, won, amount, _ in DEALS:
        o = out.setdefault(owner, {"won": 0, "closed": 0, "won_amt": Decimal(0), "amt": Decimal(0)})
        if closed:
            o["closed"] += 1
            o["won"] += won
            o["amt"] += amount
            o["won_amt"] += amount if won else 0
    return out


def leads_by_sdr():
    out = {}
    for _, sdr, qualified, calls, response in LEADS:
        o = out.setdefault(sdr, {"qualified": 0, "calls": 0, "leads": 0, "responses": []})
        o["leads"] += 1
        o["qualified"] += qualified
        o["calls"] += calls
        if response is not None:
            o["responses"].append(response)
    return out


EXPECT_DEALS = deals_by_owner()
EXPECT_LEADS = leads_by_sdr()

# ----------------------------------------------------------------------------
# Set-up

admin = connect("postgres")
with admin.cursor() as c:
    c.execute(f"DROP DATABASE IF EXISTS {DB}")
    c.execute(f"CREATE DATABASE {DB}")
conn = connect(DB)
cur = conn.cursor()
cur.execute("CREATE EXTENSION salesperf")
cur.execute("SET TimeZone = 'UTC'")


cur.execute("""CREATE TABLE deals (deal_id int PRIMARY KEY, owner_id int, is_closed boolean,
                                   is_won boolean, amount numeric(12,2), closed_at timestamptz)""")
cur.execute("""CREATE TABLE leads (lead_id int PRIMARY KEY, sdr_id int, qualified boolean,
                                   calls int, response interval)""")


@check("rows go in through bound parameters (executemany)")
def _():
    cur.executemany("INSERT INTO deals VALUES (%s, %s, %s, %s, %s, %s)", DEALS)
    cur.executemany("INSERT INTO leads VALUES (%s, %s, %s, %s, %s)",
                    [(i, s, q, c, None if r is None else timedelta(seconds=r))
                     for i, s, q, c, r in LEADS])
    cur.execute("SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM leads)")
    tap.ok(cur.fetchone() == (len(DEALS), len(LEADS)),
           "rows go in through bound parameters (executemany)")


# ----------------------------------------------------------------------------
# KPI values, text results

CLOSE_SQL = """SELECT owner_id, close_rate(is_won) FILTER (WHERE is_closed),
                      close_rate(is_won, amount) FILTER (WHERE is_closed),
                      (close_rate_agg(is_won) FILTER (WHERE is_closed))::text,
                      (close_rate_agg(is_won, amount) FILTER (WHERE is_closed))::text,
                      wilson_lower(close_rate_agg(is_won) FILTER (WHERE is_closed)),
                      wilson_upper(close_rate_agg(is_won) FILTER (WHERE is_closed), 0.9)
               FROM deals WHERE owner_id BETWEEN %s AND %s GROUP BY owner_id ORDER BY owner_id"""


@check("close_rate per owner equals won/closed computed in Python")
def _():
    cur.execute(CLOSE_SQL, (1, 9))
    rows = cur.fetchall()
    global CLOSE_ROWS
    CLOSE_ROWS = rows
    bad = []
    for owner, cr, vcr, state, vstate, wl, wu in rows:
        e = EXPECT_DEALS[owner]
        if e["closed"] == 0:
            if not (cr is None and vcr is None and state is None and wl is None):
                bad.append((owner, "expected NULLs", cr, state))
            continue
        if not close(cr, e["won"] / e["closed"]):
            bad.append((owner, cr, e["won"] / e["closed"]))
    tap.ok(len(rows) == 9 and not bad,
           "close_rate per owner equals won/closed computed in Python (NULL for no closed deal)", bad)

    bad = [(o, vcr) for o, _, vcr, *_ in rows if EXPECT_DEALS[o]["closed"]
           and vcr != float(Fraction(EXPECT_DEALS[o]["won_amt"]) / Fraction(EXPECT_DEALS[o]["amt"]))]
    tap.ok(not bad, "value-weighted close_rate equals exact Decimal sums in Python, to the last bit", bad)

    bad = [(o, s) for o, _, _, s, vs, *_ in rows if EXPECT_DEALS[o]["closed"]
           and s != f"close_rate:{EXPECT_DEALS[o]['won']}/{EXPECT_DEALS[o]['closed']}"]
    tap.ok(not bad, "stored state kpi_ratio reads as text 'close_rate:won/closed'", bad)

    bad = []
    for o, _, _, _, vs, *_ in rows:
        if not EXPECT_DEALS[o]["closed"]:
            continue
        tag, _, rest = vs.partition(":")
        kind, _, body = rest.partition(":")
        num, _, den = body.partition("/")
        if tag != "close_rate" or kind != "value" or Decimal(num) != EXPECT_DEALS[o]["won_amt"] \
           or Decimal(den) != EXPECT_DEALS[o]["amt"]:
            bad.append((o, vs))
    tap.ok(not bad, "value state reads as text 'close_rate:value:won_amount/amount' with exact sums", bad)

    bad = []
    for o, _, _, _, _, wl, wu in rows:
        e = EXPECT_DEALS[o]
        if not e["closed"]:
            continue
        lo, _ = wilson(e["won"], e["closed"], 0.95)
        _, hi = wilson(e["won"], e["closed"], 0.90)
        if not (close(wl, lo, 1e-9) and close(wu, hi, 1e-9)):
            bad.append((o, wl, lo, wu, hi))
    tap.ok(not bad, "wilson_lower (95%) and wilson_upper (90%) equal the Wilson score formula", bad)


@check("the same query through psql gives the same values")
def _():
    sql = CLOSE_SQL.replace("%s", "1", 1).replace("%s", "9", 1)
    prow = psql_rows(sql)
    bad = []
    for p, r in zip(prow, CLOSE_ROWS):
        for j, (pt, v) in enumerate(zip(p, r)):
            if v is None:
                ok = pt == ""
            elif isinstance(v, float):
                ok = float(pt) == v
            elif isinstance(v, int):
                ok = int(pt) == v
            else:
                ok = pt == v
            if not ok:
                bad.append((r[0], j, pt, v))
    tap.ok(len(prow) == len(CLOSE_ROWS) and not bad,
           "psql prints the same KPI values and states as psycopg2 reads (floats bit for bit)", bad)


@check("lead_qualification_efficiency")
def _():
    cur.execute("""SELECT sdr_id, lead_qualification_efficiency(qualified, calls),
                          lead_qualification_efficiency_agg(qualified, calls)::text
                   FROM leads GROUP BY sdr_id ORDER BY sdr_id""")
    rows = cur.fetchall()
    bad = []
    for sdr, eff, state in rows:
        e = EXPECT_LEADS[sdr]
        if e["calls"] == 0:
            if eff is not None:
                bad.append((sdr, eff))
        elif not close(eff, e["qualified"] / e["calls"]) or \
                state != f"lead_qualification_efficiency:{e['qualified']}/{e['calls']}":
            bad.append((sdr, eff, state))
    tap.ok(len(rows) == len(EXPECT_LEADS) and not bad,
           "lead_qualification_efficiency = qualified/calls per SDR (NULL with no call), int4 calls column", bad)
    prow = psql_rows("""SELECT sdr_id, lead_qualification_efficiency(qualified, calls)
                        FROM leads GROUP BY sdr_id ORDER BY sdr_id""")
    tap.ok([(int(a), None if b == "" else float(b)) for a, b in prow] == [(a, b) for a, b, _ in rows],
           "psql agrees on lead_qualification_efficiency")


# ----------------------------------------------------------------------------
# Server-side binding: PREPARE / EXECUTE


@check("PREPARE / EXECUTE")
def _():
    cur.execute("""PREPARE owner_kpis(int, timestamptz, timestamptz) AS
                   SELECT close_rate(is_won), close_rate_agg(is_won)::text
                   FROM deals WHERE is_closed AND owner_id = $1
                     AND closed_at >= $2 AND closed_at < $3""")
    lo, hi = datetime(2025, 4, 1, tzinfo=timezone.utc), datetime(2025, 7, 1, tzinfo=timezone.utc)
    bad = []
    for owner in range(1, 10):
        cur.execute("EXECUTE owner_kpis(%s, %s, %s)", (owner, lo, hi))
        cr, state = cur.fetchone()
        sel = [d for d in DEALS if d[1] == owner and d[2] and lo <= d[5] < hi]
        won = sum(d[3] for d in sel)
        exp = (won / len(sel), f"close_rate:{won}/{len(sel)}") if sel else (None, None)
        if (cr is None) != (exp[0] is None) or (cr is not None and (not close(cr, exp[0]) or state != exp[1])):
            bad.append((owner, cr, state, exp))
    tap.ok(not bad, "prepared statement with typed parameters ($1 int, $2/$3 timestamptz) per owner and quarter", bad)

    cur.execute("""PREPARE state_kpis(kpi_ratio, double precision) AS
                   SELECT close_rate($1), wilson_lower($1, $2), wilson_upper($1, $2),
                          numerator($1), denominator($1)""")
    cur.execute("EXECUTE state_kpis(%s, %s)", ("30/40", 0.95))
    cr, wl, wu, num, den = cur.fetchone()
    lo95, hi95 = wilson(30, 40)
    tap.ok(cr == 0.75 and close(wl, lo95, 1e-9) and close(wu, hi95, 1e-9) and num == 30 and den == 40,
           "a stored state sent back as a bound kpi_ratio parameter: 30/40 -> 0.75, Wilson 95% "
           f"[{wl:.4f}, {wu:.4f}] (Python [{lo95:.4f}, {hi95:.4f}])")
    cur.execute("EXECUTE state_kpis(%s, %s)", ("2/2", 0.95))
    wl22 = cur.fetchone()[1]
    tap.ok(close(wl22, wilson(2, 2)[0], 1e-9) and wl22 < wl,
           f"2/2 ranks below 30/40 by the Wilson lower bound ({wl22:.3f} < {wl:.3f})")

    cur.execute("""PREPARE merged(kpi_ratio[]) AS
                   SELECT rollup(s)::text, close_rate(rollup(s)) FROM unnest($1) s""")
    cur.execute("EXECUTE merged(%s::kpi_ratio[])", (["3/10", "7/10", "0/5"],))
    tap.ok(cur.fetchone() == ("10/25", 0.4), "rollup over a bound array of stored states: 3/10+7/10+0/5 = 10/25")

    cur.execute("PREPARE leads_of(int) AS SELECT lead_qualification_efficiency(qualified, calls) "
                "FROM leads WHERE sdr_id = $1")
    e = EXPECT_LEADS[3]
    cur.execute("EXECUTE leads_of(%s)", (3,))
    tap.ok(close(cur.fetchone()[0], e["qualified"] / e["calls"]),
           "prepared lead_qualification_efficiency for one SDR")


@check("errors a client sees")
def _():
    try:
        cur.execute("SELECT lead_qualification_efficiency(q, c) FROM (VALUES (true, %s::bigint)) v(q, c)", (-3,))
        tap.ok(False, "negative calls: SQLSTATE 22023")
    except psycopg2.Error as e:
        tap.ok(e.pgcode == "22023", f"negative calls: SQLSTATE 22023 ({e.pgcode})")
    try:
        cur.execute("SELECT %s::kpi_ratio", ("1/x",))
        tap.ok(False, "bad kpi_ratio text: SQLSTATE 22P02")
    except psycopg2.Error as e:
        tap.ok(e.pgcode == "22P02", f"bad kpi_ratio text: SQLSTATE 22P02 ({e.pgcode})")


# ----------------------------------------------------------------------------
# Result types a client sees


@check("result types")
def _():
    cur.execute("""SELECT close_rate(is_won), wilson_lower(close_rate_agg(is_won)),
                          close_rate_agg(is_won), numerator(close_rate_agg(is_won))
                   FROM deals WHERE is_closed""")
    cur.fetchall()
    cur2 = conn.cursor()
    cur2.execute("SELECT 'kpi_ratio'::regtype::oid")
    ratio_oid = cur2.fetchone()[0]
    codes = [d.type_code for d in cur.description]
    tap.ok(codes == [701, 701, ratio_oid, 1700],
           "KPI values are double precision (OID 701), the state is kpi_ratio, numerator numeric", codes)


# ----------------------------------------------------------------------------
# Binary results


@check("binary COPY")
def _():
    q = """SELECT owner_id, close_rate(is_won) FILTER (WHERE is_closed),
                  close_rate_agg(is_won) FILTER (WHERE is_closed),
                  close_rate_agg(is_won, amount) FILTER (WHERE is_closed)
           FROM deals GROUP BY owner_id ORDER BY owner_id"""
    rows = copy_out_binary(cur, q)
    bad = []
    for owner_b, cr_b, st_b, vst_b in rows:
        (owner,) = struct.unpack("!i", owner_b)
        e = EXPECT_DEALS[owner]
        if not e["closed"]:
            if (cr_b, st_b, vst_b) != (None, None, None):
                bad.append((owner, "expected NULLs"))
            continue
        (cr,) = struct.unpack("!d", cr_b)
        if cr != e["won"] / e["closed"] and not close(cr, e["won"] / e["closed"]):
            bad.append((owner, "rate", cr))
        if decode_kpi_ratio(st_b) != ("close_rate", "count", e["won"], e["closed"]):
            bad.append((owner, "state", decode_kpi_ratio(st_b)))
        if decode_kpi_ratio(vst_b) != ("close_rate", "value", e["won_amt"], e["amt"]):
            bad.append((owner, "value state", decode_kpi_ratio(vst_b)))
    tap.ok(len(rows) == 9 and not bad,
           "binary COPY TO STDOUT: float8 rates and kpi_ratio states decoded in Python match", bad)

    text = {r[0]: r for r in CLOSE_ROWS}
    bad = [o for o, b in ((struct.unpack("!i", r[0])[0], r) for r in rows)
           if b[1] is not None and struct.unpack("!d", b[1])[0] != text[o][1]]
    tap.ok(not bad, "binary float8 results are bit-identical to the text results", bad)


@check("send functions as bytea")
def _():
    cur.execute("""SELECT owner_id, kpi_ratio_send(close_rate_agg(is_won)),
                          kpi_ratio_send(close_rate_agg(is_won, amount))
                   FROM deals WHERE is_closed GROUP BY owner_id ORDER BY owner_id""")
    bad = []
    for owner, b1, b2 in cur.fetchall():
        e = EXPECT_DEALS[owner]
        if decode_kpi_ratio(bytes(b1)) != ("close_rate", "count", e["won"], e["closed"]) or \
           decode_kpi_ratio(bytes(b2)) != ("close_rate", "value", e["won_amt"], e["amt"]):
            bad.append(owner)
    tap.ok(not bad, "kpi_ratio_send(state) read as bytea decodes to the Python counts and sums", bad)


@check("numeric binary codec")
def _():
    vals = [Decimal(x) for x in ("0", "0.01", "1", "12.5", "9999", "10000", "10000.0001",
                                 "123456789.99", "0.00005", "1500.50", "1e-20", "31415926535897932384626")]
    bad = []
    for d in vals:
        cur.execute("SELECT numeric_send(%s::numeric)", (d,))
        wire = bytes(cur.fetchone()[0])
        if decode_numeric(wire) != d or decode_numeric(encode_numeric(d)) != d:
            bad.append(str(d))
    tap.ok(not bad, "the test's own numeric binary codec agrees with numeric_send", bad)


@check("binary COPY in")
def _():
    states = [("count", 30, 40), ("count", 0, 0), ("value", Decimal("1500.5"), Decimal("4200")),
              ("value", Decimal("0.01"), Decimal("123456789.99")),
              ("value", Decimal("0.00005"), Decimal("10000.0001")),
              ("count", 3, 4, "lead_qualification_efficiency"), ("value", Decimal("2.5"), Decimal("4"), "close_rate")]
    cur.execute("CREATE TEMP TABLE states_in (s kpi_ratio)")
    data = build_copy_binary([(encode_kpi_ratio(*s),) for s in states])
    cur.copy_expert("COPY states_in FROM STDIN (FORMAT binary)", io.BytesIO(data))
    cur.execute("SELECT s::text FROM states_in")
    got = [r[0] for r in cur.fetchall()]
    tap.ok(got == ["30/40", "0/0", "value:1500.5/4200", "value:0.01/123456789.99", "value:0.00005/10000.0001",
                   "lead_qualification_efficiency:3/4", "close_rate:value:2.5/4"],
           "kpi_ratio built in Python goes in through binary COPY FROM STDIN (receive): untagged as 0.2.0 sent it, and tagged", got)
    try:
        cur.copy_expert("COPY states_in FROM STDIN (FORMAT binary)",
                        io.BytesIO(build_copy_binary([(bytes([1, 0]) + struct.pack("!qq", -1, 2),)])))
        tap.ok(False, "malformed binary kpi_ratio is rejected with an error")
    except psycopg2.Error as e:
        tap.ok(e.pgcode is not None and e.pgcode.startswith(("22", "08")),
               f"malformed binary kpi_ratio (negative count) is rejected with an error ({e.pgcode})")


# ----------------------------------------------------------------------------
# The extended protocol itself, as JDBC, npgsql and most BI drivers speak it:
# Parse / Bind / Execute with parameters bound on the server (in text or in
# binary format) and results asked for in binary.  psycopg2 does not expose
# this, but it exposes its libpq connection (conn.pgconn_ptr), so the test
# calls libpq's PQexecParams / PQprepare / PQexecPrepared on psycopg2's own
# connection through ctypes.


class LibPQ:
    TUPLES_OK = 2
    COMMAND_OK = 1

    def __init__(self, conn):
        name = ctypes.util.find_library("pq") or "libpq.so.5"
        self.lib = lib = ctypes.CDLL(name)
        self.pgconn = ctypes.c_void_p(conn.pgconn_ptr)
        vp, cp, ci, cu = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint
        arr = ctypes.POINTER
        lib.PQexecParams.restype = vp
        lib.PQexecParams.argtypes = [vp, cp, ci, arr(cu), arr(cp), arr(ci), arr(ci), ci]
        lib.PQprepare.restype = vp
        lib.PQprepare.argtypes = [vp, cp, cp, ci, arr(cu)]
        lib.PQexecPrepared.restype = vp
        lib.PQexecPrepared.argtypes = [vp, cp, ci, arr(cp), arr(ci), arr(ci), ci]
        for f, res in (("PQresultStatus", ci), ("PQntuples", ci), ("PQnfields", ci),
                       ("PQgetisnull", ci), ("PQgetlength", ci), ("PQftype", cu),
                       ("PQfformat", ci)):
            getattr(lib, f).restype = res
        lib.PQresultStatus.argtypes = [vp]
        lib.PQntuples.argtypes = [vp]
        lib.PQnfields.argtypes = [vp]
        lib.PQgetisnull.argtypes = [vp, ci, ci]
        lib.PQgetlength.argtypes = [vp, ci, ci]
        lib.PQftype.argtypes = [vp, ci]
        lib.PQfformat.argtypes = [vp, ci]
        lib.PQgetvalue.restype = vp
        lib.PQgetvalue.argtypes = [vp, ci, ci]
        lib.PQresultErrorField.restype = cp
        lib.PQresultErrorField.argtypes = [vp, ci]
        lib.PQclear.argtypes = [vp]

    def _params(self, params):
        """params: list of (value bytes or None, oid, format 0 text / 1 binary)."""
        n = len(params)
        types = (ctypes.c_uint * n)(*[p[1] for p in params])
        values = (ctypes.c_char_p * n)(*[p[0] for p in params])
        lengths = (ctypes.c_int * n)(*[0 if p[0] is None else len(p[0]) for p in params])
        formats = (ctypes.c_int * n)(*[p[2] for p in params])
        return n, types, values, lengths, formats

    def _result(self, res):
        lib = self.lib
        try:
            status = lib.PQresultStatus(res)
            if status not in (self.TUPLES_OK, self.COMMAND_OK):
                sqlstate = lib.PQresultErrorField(res, ord("C"))
                raise LibPQError(sqlstate.decode() if sqlstate else None)
            rows = []
            for i in range(lib.PQntuples(res)):
                row = []
                for j in range(lib.PQnfields(res)):
                    if lib.PQgetisnull(res, i, j):
                        row.append(None)
                    else:
                        row.append(ctypes.string_at(lib.PQgetvalue(res, i, j), lib.PQgetlength(res, i, j)))
                rows.append(row)
            meta = [(lib.PQftype(res, j), lib.PQfformat(res, j)) for j in range(lib.PQnfields(res))]
            return rows, meta
        finally:
            lib.PQclear(res)

    def exec_params(self, sql, params, binary_result):
        n, types, values, lengths, formats = self._params(params)
        return self._result(self.lib.PQexecParams(self.pgconn, sql.encode(), n, types, values,
                                                  lengths, formats, 1 if binary_result else 0))

    def prepare(self, name, sql, oids):
        types = (ctypes.c_uint * len(oids))(*oids)
        return self._result(self.lib.PQprepare(self.pgconn, name.encode(), sql.encode(), len(oids), types))

    def exec_prepared(self, name, params, binary_result):
        n, _, values, lengths, formats = self._params(params)
        return self._result(self.lib.PQexecPrepared(self.pgconn, name.encode(), n, values, lengths,
                                                    formats, 1 if binary_result else 0))


class LibPQError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@check("extended protocol")
def _():
    pq = LibPQ(conn)
    cur.execute("SELECT 'kpi_ratio'::regtype::oid")
    ratio_oid = cur.fetchone()[0]
    INT4, FLOAT8, TIMESTAMPTZ, TEXT = 23, 701, 1184, 25

    # text parameters, binary results
    sql = ("SELECT close_rate(is_won), close_rate_agg(is_won), close_rate_agg(is_won, amount) "
           "FROM deals WHERE is_closed AND owner_id = $1")
    bad = []
    for owner in range(1, 10):
        rows, meta = pq.exec_params(sql, [(str(owner).encode(), INT4, 0)], binary_result=True)
        (cr_b, st_b, vst_b), = rows
        e = EXPECT_DEALS[owner]
        if meta != [(FLOAT8, 1), (ratio_oid, 1), (ratio_oid, 1)]:
            bad.append((owner, "meta", meta))
        elif not e["closed"]:
            if (cr_b, st_b, vst_b) != (None, None, None):
                bad.append((owner, "expected NULLs"))
        elif not (close(struct.unpack("!d", cr_b)[0], e["won"] / e["closed"])
                  and decode_kpi_ratio(st_b) == ("close_rate", "count", e["won"], e["closed"])
                  and decode_kpi_ratio(vst_b) == ("close_rate", "value", e["won_amt"], e["amt"])):
            bad.append((owner, cr_b, st_b, vst_b))
    tap.ok(not bad, "PQexecParams: $1 bound on the server, binary results (float8, kpi_ratio) decoded in Python", bad)

    # binary parameters: an int4, a float8 and a kpi_ratio in its send format
    sql = ("SELECT close_rate($1), wilson_lower($1, $2), $1::text, "
           "(SELECT close_rate_agg(is_won) FROM deals WHERE is_closed AND owner_id = $3) = $1")
    e = EXPECT_DEALS[4]
    rows, meta = pq.exec_params(sql, [(encode_kpi_ratio("count", e["won"], e["closed"], "close_rate"), ratio_oid, 1),
                                      (struct.pack("!d", 0.9), FLOAT8, 1),
                                      (struct.pack("!i", 4), INT4, 1)], binary_result=False)
    cr, wl, txt, same = [v.decode() for v in rows[0]]
    tap.ok(close(float(cr), e["won"] / e["closed"]) and close(float(wl), wilson(e["won"], e["closed"], 0.9)[0], 1e-9)
           and txt == f"close_rate:{e['won']}/{e['closed']}" and same == "t",
           "binary parameters: a tagged kpi_ratio built in Python (receive function), a float8 and an int4", rows)

    # server-side prepared statement (Parse once, Bind/Execute many), binary out
    pq.prepare("by_quarter", "SELECT close_rate_agg(is_won) FROM deals "
               "WHERE is_closed AND owner_id = $1 AND closed_at >= $2 AND closed_at < $3",
               [INT4, TIMESTAMPTZ, TIMESTAMPTZ])
    bad = []
    for owner in (1, 5, 8):
        for q in range(4):
            lo = datetime(2025, 1 + 3 * q, 1, tzinfo=timezone.utc)
            hi = datetime(2025 + (q == 3), 1 if q == 3 else 4 + 3 * q, 1, tzinfo=timezone.utc)
            rows, _ = pq.exec_prepared("by_quarter", [(str(owner).encode(), INT4, 0),
                                                      (lo.isoformat().encode(), TIMESTAMPTZ, 0),
                                                      (hi.isoformat().encode(), TIMESTAMPTZ, 0)],
                                       binary_result=True)
            sel = [d for d in DEALS if d[1] == owner and d[2] and lo <= d[5] < hi]
            exp = ("close_rate", "count", sum(d[3] for d in sel), len(sel)) if sel else None
            got = None if rows[0][0] is None else decode_kpi_ratio(rows[0][0])
            if got != exp:
                bad.append((owner, q, got, exp))
    tap.ok(not bad, "PQprepare / PQexecPrepared: one parsed statement, 12 executions, binary kpi_ratio results", bad)

    # a malformed binary parameter is an error with a SQLSTATE, not a crash
    try:
        pq.exec_params("SELECT close_rate($1)", [(bytes([1, 0, 0]), ratio_oid, 1)], binary_result=False)
        tap.ok(False, "truncated binary kpi_ratio parameter is rejected")
    except LibPQError as err:
        tap.ok(err.sqlstate in ("22P03", "08P01"),
               f"truncated binary kpi_ratio parameter is rejected with SQLSTATE {err.sqlstate}")
    cur.execute("SELECT 1")
    tap.ok(cur.fetchone() == (1,), "psycopg2's connection is still usable after the libpq calls")

    rows, meta = pq.exec_params(
        "SELECT response_time_percentile(response, $2) FROM leads WHERE sdr_id = $1",
        [(struct.pack("!i", 7), INT4, 1), (struct.pack("!d", 0.5), FLOAT8, 1)], binary_result=True)
    us, days, months = struct.unpack("!qii", rows[0][0])
    got = timedelta(days=days + 30 * months, microseconds=us).total_seconds()
    tap.ok(meta == [(1186, 1)] and abs(got - percentile_cont(EXPECT_LEADS[7]["responses"], 0.5)) < 1e-6,
           "binary float8 parameter, binary interval result of response_time_percentile = Python")


# ----------------------------------------------------------------------------
# Response times (duration_sketch family)

@check("response_time_percentile")
def _():
    cur.execute("PREPARE resp(int, double precision) AS "
                "SELECT response_time_percentile(response, $2) FROM leads WHERE sdr_id = $1")
    small = EXPECT_LEADS[7]["responses"]
    bad = []
    for p in (0, 0.1, 0.5, 0.9, 1):
        cur.execute("EXECUTE resp(%s, %s)", (7, p))
        got = cur.fetchone()[0]
        exp = percentile_cont(small, p)
        if abs(got.total_seconds() - exp) > 1e-6:
            bad.append((p, got, exp))
    tap.ok(not bad, "response_time_percentile on a 40-lead group (exact mode) = percentile_cont in Python, as timedelta", bad)
    bad = []
    for sdr in range(1, 6):
        vals = EXPECT_LEADS[sdr]["responses"]
        for p in (0.5, 0.9, 0.99):
            cur.execute("EXECUTE resp(%s, %s)", (sdr, p))
            got = cur.fetchone()[0].total_seconds()
            exp = percentile_cont(vals, p)
            if abs(got - exp) > 0.01 * abs(exp) + 1e-6:
                bad.append((sdr, p, got, exp))
    tap.ok(not bad, "response_time_percentile p50/p90/p99 within 1% of the exact value per SDR", bad)
    cur.execute("SELECT sdr_id, response_time_agg(response)::text FROM leads GROUP BY 1 ORDER BY 1")
    states = cur.fetchall()
    cur.execute("PREPARE back(duration_sketch) AS SELECT $1::text, response_time_percentile($1, 0.5)")
    ok = True
    for sdr, st in states:
        if st is None:
            continue
        cur.execute("EXECUTE back(%s)", (st,))
        t, p50 = cur.fetchone()
        cur.execute("EXECUTE resp(%s, 0.5)", (sdr,))
        ok = ok and t == st and p50 == cur.fetchone()[0]
    tap.ok(ok, "a duration_sketch read as text and bound back as a parameter answers the same")
    cur.execute("SELECT share_within(response_time_agg(response), %s), "
                "response_time_percentile(response, %s::float8[]) FROM leads WHERE sdr_id = %s",
                (timedelta(minutes=5), [0.25, 0.75], 7))
    share, arr = cur.fetchone()
    exp_share = sum(1 for v in small if v <= 300) / len(small)
    exp_arr = [percentile_cont(small, 0.25), percentile_cont(small, 0.75)]
    tap.ok(close(share, exp_share) and isinstance(arr, list)
           and all(abs(g.total_seconds() - e) < 1e-6 for g, e in zip(arr, exp_arr)),
           "share_within(sketch, bound interval) and the interval[] percentile form match Python",
           (share, exp_share, arr, exp_arr))
    rows = copy_out_binary(cur, "SELECT sdr_id, response_time_percentile(response, 0.5) "
                                "FROM leads GROUP BY sdr_id ORDER BY sdr_id")
    bad = []
    for sdr_b, iv_b in rows:
        (sdr,) = struct.unpack("!i", sdr_b)
        cur.execute("EXECUTE resp(%s, 0.5)", (sdr,))
        text_val = cur.fetchone()[0]
        if iv_b is None:
            if text_val is not None:
                bad.append(sdr)
            continue
        us, days, months = struct.unpack("!qii", iv_b)
        if timedelta(days=days + 30 * months, microseconds=us) != text_val:
            bad.append((sdr, us, days, months, text_val))
    tap.ok(not bad, "interval percentiles in binary COPY (microseconds, days, months) equal the text results", bad)
    rows = copy_out_binary(cur, "SELECT response_time_agg(response) FROM leads GROUP BY sdr_id ORDER BY sdr_id")
    cur.execute("CREATE TEMP TABLE sk_in (s duration_sketch)")
    cur.copy_expert("COPY sk_in FROM STDIN (FORMAT binary)",
                    io.BytesIO(build_copy_binary([r for r in rows if r[0] is not None])))
    cur.execute("SELECT s::text FROM sk_in")
    back = [r[0] for r in cur.fetchall()]
    tap.ok(back == [s for _, s in states if s is not None],
           "duration_sketch through binary COPY out and back in is unchanged")
    q = ("SELECT sdr_id, response_time_percentile(response, 0.5), response_time_percentile(response, 0.9), "
         "share_within(response_time_agg(response), interval '1 hour') FROM leads GROUP BY 1 ORDER BY 1")
    cur.execute(q)
    mine = cur.fetchall()
    theirs = [(int(a), None if b == "" else parse_pg_interval(b), None if c == "" else parse_pg_interval(c),
               None if d == "" else float(d)) for a, b, c, d in psql_rows(q)]
    tap.ok(mine == theirs, "psql prints the same response-time percentiles and shares", (mine, theirs))

# ----------------------------------------------------------------------------
# Upsell (upsell_summary family)

@check("upsell_rate")
def _():
    r = random.Random(SEED + 1)
    snaps = []
    for acct in range(1, 61):
        am = 1 + acct % 3
        v = Decimal(r.randrange(1000, 9000))
        for m in range(1, 13):
            if r.random() < 0.7:
                snaps.append((am, acct, v, datetime(2025, m, 1, tzinfo=timezone.utc)))
            v = max(Decimal(0), v + Decimal(r.randrange(-300, 500)))
    cur.execute("CREATE TEMP TABLE snaps (am int, account_id bigint, value numeric, at timestamptz)")
    cur.executemany("INSERT INTO snaps VALUES (%s, %s, %s, %s)", snaps)
    cur.execute("PREPARE ups(int) AS SELECT upsell_rate(account_id, value, at), "
                "upsell_rate_agg(account_id, value, at)::text FROM snaps WHERE am = $1")
    bad = []
    for am in (1, 2, 3):
        first, last = {}, {}
        for a, acct, v, at in snaps:
            if a != am:
                continue
            if acct not in first or at < first[acct][0]:
                first[acct] = (at, v)
            if acct not in last or at > last[acct][0]:
                last[acct] = (at, v)
        s = sum(v for _, v in first.values())
        c = sum(v for _, v in last.values())
        exp = float(Fraction(c - s) / Fraction(s))
        cur.execute("EXECUTE ups(%s)", (am,))
        got, state = cur.fetchone()
        cur.execute("SELECT upsell_rate(s), starting_value(s), current_value(s), account_count(s) "
                    "FROM (SELECT %s::upsell_summary AS s) x", (state,))
        rate, start, current, accounts = cur.fetchone()
        if not close(got, exp, 1e-12) or rate != got or start != s or current != c \
                or accounts != len(first):
            bad.append((am, got, exp, start, s, current, c, accounts))
    tap.ok(not bad, "upsell_rate per AM through a prepared statement = Python (first/last value per account); "
                    "its text state bound back gives the same rate, starting/current value and account count", bad)
    cur.execute("CREATE TABLE snaps_copy AS SELECT * FROM snaps")
    q = ("SELECT am, upsell_rate(account_id, value, at), upsell_rate_agg(account_id, value, at)::text "
         "FROM snaps_copy GROUP BY am ORDER BY am")
    cur.execute(q)
    mine = cur.fetchall()
    theirs = [(int(a), float(b), c) for a, b, c in psql_rows(q)]
    tap.ok(mine == theirs, "psql prints the same upsell rates and upsell_summary text", (mine, theirs))

# ----------------------------------------------------------------------------

cur.close()
conn.close()
with admin.cursor() as c:
    c.execute(f"DROP DATABASE {DB}")
admin.close()
sys.exit(tap.done())
