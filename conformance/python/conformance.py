"""Conformance peer: the pure-Python informix-driver (imports as informix_db) against effect-informix's TestServer.

Prints one JSON line per scenario on stdout:
{"client":"python","scenario":"...","ok":true|false,"detail":"...","ms":N}

The scenario list, table layouts and values are the same as the JDBC peer
(conformance/jdbc/src/main/java/effectinformix/conformance/Conformance.java); keep them in step
(conformance/README.md lists them). A failing scenario is a bug in our server until shown otherwise:
never weaken an expectation to make it pass. Where informix-driver cannot express something JDBC can
(binding a TIME, cancelling a statement) the scenario says so instead of pretending.

Options (each also readable from the environment as CONFORMANCE_<NAME>, e.g. CONFORMANCE_PORT):
--host, --port, --tls-port, --ca (PEM of the CA that signed the TLS port's certificate), --user, --password,
--database, --server, --stall-sql, --timeout (seconds per scenario), --only (comma list).
Run with the venv made by conformance/setup.sh: conformance/.venv/bin/python conformance/python/conformance.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import ssl
import sys
import threading
import time
import traceback
import zlib
from decimal import Decimal

import informix_db
from informix_db import IntervalYM

CLIENT = "python"
PREFIX = "py_"

TYPES_DDL = (
    f"CREATE TABLE {PREFIX}types ("
    "id INTEGER NOT NULL, c_smallint SMALLINT, c_integer INTEGER, c_int8 INT8, c_bigint BIGINT, c_serial SERIAL, "
    "c_smallfloat SMALLFLOAT, c_float FLOAT, c_decimal DECIMAL(12,4), c_money MONEY(10,2), c_date DATE, "
    "c_dt_year_fraction3 DATETIME YEAR TO FRACTION(3), c_dt_year_second DATETIME YEAR TO SECOND, "
    "c_dt_hour_second DATETIME HOUR TO SECOND, c_iv_day_second INTERVAL DAY(5) TO SECOND, "
    "c_iv_year_month INTERVAL YEAR(4) TO MONTH, c_char CHAR(10), c_varchar VARCHAR(100), c_nchar NCHAR(8), "
    "c_nvarchar NVARCHAR(40), c_lvarchar LVARCHAR(2000), c_boolean BOOLEAN)"
)
TYPES_INSERT = f"INSERT INTO {PREFIX}types VALUES (" + ", ".join(f":{i}" for i in range(1, 23)) + ")"
TYPE_COLUMNS = [
    "id", "c_smallint", "c_integer", "c_int8", "c_bigint", "c_serial", "c_smallfloat", "c_float", "c_decimal",
    "c_money", "c_date", "c_dt_year_fraction3", "c_dt_year_second", "c_dt_hour_second", "c_iv_day_second",
    "c_iv_year_month", "c_char", "c_varchar", "c_nchar", "c_nvarchar", "c_lvarchar", "c_boolean",
]

EDGES_DDL = (
    f"CREATE TABLE {PREFIX}edges (id INTEGER, d DECIMAL(32,10), dt DATETIME YEAR TO FRACTION(5), "
    "iv INTERVAL DAY(9) TO FRACTION(5), hm DATETIME HOUR TO MINUTE, f FLOAT, sf SMALLFLOAT, i INTEGER, si SMALLINT, "
    "bi BIGINT, c CHAR(5), vc VARCHAR(10))"
)
# Edge values as SQL literals (no client encoding involved): the server's own encodings are under test.
EDGES_ROWS = [
    "(1, 0, '1900-01-01 00:00:00.00000', '0 00:00:00.00000', '00:00', 0.1, 3.4028235e38, -2147483647, -32767, "
    "-9223372036854775807, 'a', '')",
    "(2, -0.0000000001, '9999-12-31 23:59:59.99999', '999999999 23:59:59.99999', '23:59', 1.7976931348623157e308, "
    "1.17549435e-38, 2147483647, 32767, 9223372036854775807, 'abcde', 'b  ')",
    "(3, 1234567890123456789012.1234567890, '2024-02-29 00:00:00.00001', '-5 00:00:01.00000', '09:05', 4.9e-324, "
    "-1.5, 0, 0, 0, '  x', '  y')",
]

VARCHAR_VALUE = "h\u00e9llo w\u00f6rld"
NVARCHAR_VALUE = "\u00f1and\u00fa"
IV_DAY_SECOND = datetime.timedelta(days=1234, hours=10, minutes=20, seconds=30)
IV_YEAR_MONTH_MONTHS = 123 * 12 + 5


def lvarchar_value() -> str:
    return ("lvarchar-0123456789/" * 80)[:1500]


def byte_value() -> bytes:
    return bytes(i % 256 for i in range(3000))


def text_value() -> str:
    out, i = [], 0
    while sum(map(len, out)) < 5000:
        out.append(f"text line {i}\n")
        i += 1
    return "".join(out)[:5000]


def big_name(row_id: int) -> str:
    return f"r{row_id}-" + "x" * (row_id % 17)


class Mismatch(Exception):
    """A scenario's expectation failed; the message says exactly which."""


def expect(problems: list[str], what: str, got: object, want: object) -> None:
    # type() too: 1 == 1.0 == True in Python, but a BOOLEAN must come back as bool, an INT as int.
    if got != want or type(got) is not type(want):
        problems.append(f"{what}: got {show(got)}, want {show(want)}")


def verdict(problems: list[str], success: str) -> str:
    if problems:
        raise Mismatch(f"{len(problems)} mismatch(es): " + "; ".join(problems))
    return success


def show(value: object) -> str:
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:60]!r}...({len(value)} chars)"
    if isinstance(value, (bytes, bytearray)) and len(value) > 40:
        return f"{bytes(value[:40])!r}...({len(value)} bytes)"
    return f"{type(value).__name__} {value!r}"


def describe(error: BaseException) -> str:
    """An exception as the TestServer owner needs it: class, sqlcode/isam, message, innermost driver frames."""
    if isinstance(error, Mismatch):
        return str(error)
    parts = [f"{type(error).__module__}.{type(error).__name__}"]
    for attribute in ("sqlcode", "isamcode", "near"):
        if getattr(error, attribute, None) is not None:
            parts.append(f"{attribute}={getattr(error, attribute)}")
    text = " ".join(parts) + f": {error}"
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    if frames:
        text += " at " + " < ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(frames))
    return text


class Peer:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.session: informix_db.Connection | None = None

    # -- sessions ---------------------------------------------------------------------------------------------

    def open(
        self, port: int | None = None, tls: ssl.SSLContext | None = None, read_timeout: float | None = None
    ) -> informix_db.Connection:
        kwargs: dict = {}
        if tls is not None:
            kwargs["tls"] = tls
            kwargs["tls_server_hostname"] = self.options.host
        return informix_db.connect(
            self.options.host,
            port if port is not None else self.options.port,
            user=self.options.user,
            password=self.options.password,
            database=self.options.database,
            server=self.options.server,
            connect_timeout=10,
            # The whole-scenario timeout is the backstop; this keeps one wedged read from hiding the next scenarios.
            read_timeout=read_timeout if read_timeout is not None else float(self.options.timeout),
            **kwargs,
        )

    def conn(self) -> informix_db.Connection:
        if self.session is None or self.session.closed:
            self.session = self.open()
        return self.session

    def abandon(self) -> None:
        stuck, self.session = self.session, None
        if stuck is not None:
            threading.Thread(target=lambda: _quiet_close(stuck), daemon=True).start()

    def probe(self, conn: informix_db.Connection) -> str:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM systables WHERE tabid = 1")
        rows = cur.fetchall()
        cur.close()
        if rows != [(1,)]:
            raise Mismatch(f"follow-up SELECT COUNT(*) FROM systables WHERE tabid = 1 gave {rows!r}")
        return "follow-up query on the same session returned 1"

    def scalar(self, conn: informix_db.Connection, sql: str) -> object:
        cur = conn.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        cur.close()
        if len(rows) != 1:
            raise Mismatch(f"{sql} returned {len(rows)} rows")
        return rows[0][0]

    def run_ddl(self, sql: str) -> None:
        conn = self.conn()
        cur = conn.cursor()
        cur.execute(sql)
        cur.close()
        conn.commit()

    # -- scenarios ----------------------------------------------------------------------------------------------

    def connect(self) -> str:
        conn = self.conn()
        return (
            f"server_version {conn.server_version}; informix_db {informix_db.__version__}; "
            f"autocommit={conn.autocommit if hasattr(conn, 'autocommit') else 'n/a'}"
        )

    def create_table_all_types(self) -> str:
        self.run_ddl(TYPES_DDL)
        return "CREATE TABLE executed and committed"

    def describe_all_types(self) -> str:
        # informix-driver's description: (name, type_code, display_size, internal_size, precision, scale, null_ok).
        cur = self.conn().cursor()
        cur.execute(f"SELECT * FROM {PREFIX}types")
        description = cur.description or []
        cur.fetchall()
        cur.close()
        problems: list[str] = []
        names = [column[0] for column in description]
        if names != TYPE_COLUMNS:
            problems.append(f"column names {names}")
        # Wire-level type code and encoded length from the server's DESCRIBE (SQLI.md §10): DECIMAL/MONEY
        # (precision << 8) | scale, DATETIME/INTERVAL (digits << 8) | (start << 4) | end, CHAR/VARCHAR the length.
        # LVARCHAR and BOOLEAN are described as UDTs (40/41) by servers, 43/45 by some clients: either is accepted.
        want_types: dict[str, tuple[tuple[int, ...], int | None]] = {
            "id": ((2,), 4),
            "c_smallint": ((1,), 2),
            "c_integer": ((2,), 4),
            "c_int8": ((17,), 10),
            "c_bigint": ((52,), 8),
            "c_serial": ((6,), 4),
            "c_smallfloat": ((4,), 4),
            "c_float": ((3,), 8),
            "c_decimal": ((5,), (12 << 8) | 4),
            "c_money": ((8,), (10 << 8) | 2),
            "c_date": ((7,), 4),
            "c_dt_year_fraction3": ((10,), 0x110D),
            "c_dt_year_second": ((10,), 0x0E0A),
            "c_dt_hour_second": ((10,), 0x066A),
            "c_iv_day_second": ((14,), 0x0B4A),
            "c_iv_year_month": ((14,), 0x0602),
            "c_char": ((0,), 10),
            "c_varchar": ((13,), 100),
            "c_nchar": ((15,), 8),
            "c_nvarchar": ((16,), 40),
            "c_lvarchar": ((40, 43), None),
            "c_boolean": ((41, 45), None),
        }
        for column in description:
            codes, length = want_types.get(column[0], ((), None))
            if column[1] not in codes or (length is not None and column[3] != length):
                problems.append(f"{column[0]} type {column[1]} length {column[3]:#x} (want {codes} {length!r})")
        seen = " ".join(f"{c[0]}:{c[1]}({c[4]},{c[5]},{'null' if c[6] else 'notnull'})" for c in description)
        if description and description[0][6]:
            problems.append("id should be NOT NULL")
        return verdict(problems, seen)

    def insert_bound_all_types(self) -> str:
        conn = self.conn()
        cur = conn.cursor()
        cur.execute(
            TYPES_INSERT,
            (
                1,
                -12345,
                2147483647,
                -9223372036854775807,
                9223372036854775807,
                42,
                1.25,
                -3.141592653589793,
                Decimal("-12345678.9012"),
                Decimal("12345678.90"),
                datetime.date(2024, 2, 29),
                datetime.datetime(2024, 2, 29, 13, 45, 56, 789000),
                datetime.datetime(1999, 12, 31, 23, 59, 59),
                # informix-driver cannot bind datetime.time; a character value is converted by the server,
                # as Informix converts any string literal in DATETIME format.
                "00:30:05",
                IV_DAY_SECOND,
                IntervalYM(IV_YEAR_MONTH_MONTHS),
                "abc",
                VARCHAR_VALUE,
                "nch",
                NVARCHAR_VALUE,
                lvarchar_value(),
                True,
            ),
        )
        count = cur.rowcount
        cur.close()
        conn.commit()
        if count != 1:
            raise Mismatch(f"rowcount {count}, want 1")
        return "22 parameters bound, 1 row inserted and committed"

    def select_compare_all_types(self) -> str:
        cur = self.conn().cursor()
        cur.execute(f"SELECT * FROM {PREFIX}types WHERE id = 1")
        rows = cur.fetchall()
        cur.close()
        if len(rows) != 1:
            raise Mismatch(f"{len(rows)} rows with id = 1")
        got = dict(zip(TYPE_COLUMNS, rows[0]))
        want = {
            "id": 1,
            "c_smallint": -12345,
            "c_integer": 2147483647,
            "c_int8": -9223372036854775807,
            "c_bigint": 9223372036854775807,
            "c_serial": 42,
            "c_smallfloat": 1.25,
            "c_float": -3.141592653589793,
            # informix-driver returns Decimal without the column's scale (golden/README.md); == compares values.
            "c_decimal": Decimal("-12345678.9012"),
            "c_money": Decimal("12345678.90"),
            "c_date": datetime.date(2024, 2, 29),
            "c_dt_year_fraction3": datetime.datetime(2024, 2, 29, 13, 45, 56, 789000),
            "c_dt_year_second": datetime.datetime(1999, 12, 31, 23, 59, 59),
            "c_dt_hour_second": datetime.time(0, 30, 5),
            "c_iv_day_second": IV_DAY_SECOND,
            "c_iv_year_month": IntervalYM(IV_YEAR_MONTH_MONTHS),
            # informix-driver strips CHAR/NCHAR padding.
            "c_char": "abc",
            "c_varchar": VARCHAR_VALUE,
            "c_nchar": "nch",
            "c_nvarchar": NVARCHAR_VALUE,
            "c_lvarchar": lvarchar_value(),
            "c_boolean": True,
        }
        problems: list[str] = []
        for column in TYPE_COLUMNS:
            expect(problems, column, got.get(column), want[column])
        return verdict(problems, "22 values equal")

    def nulls_all_types(self) -> str:
        conn = self.conn()
        cur = conn.cursor()
        params: list[object] = [2] + [None] * 21
        params[5] = 0  # SERIAL: 0 asks the server for the next value
        cur.execute(TYPES_INSERT, tuple(params))
        cur.close()
        conn.commit()
        cur = conn.cursor()
        cur.execute(f"SELECT * FROM {PREFIX}types WHERE id = 2")
        rows = cur.fetchall()
        cur.close()
        if len(rows) != 1:
            raise Mismatch(f"{len(rows)} rows with id = 2")
        got = dict(zip(TYPE_COLUMNS, rows[0]))
        problems = [
            f"{column} = {show(got[column])}, want NULL"
            for column in TYPE_COLUMNS
            if column not in ("id", "c_serial") and got[column] is not None
        ]
        # After an explicit 42, Informix continues the serial at 43.
        expect(problems, "c_serial", got["c_serial"], 43)
        return verdict(problems, "20 NULLs read back as None; serial 43")

    def byte_text(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}blobs (id INTEGER, c_byte BYTE, c_text TEXT)")
        conn = self.conn()
        cur = conn.cursor()
        # informix-driver binds bytes as a BYTE blob (SQ_BBIND stream) and has no TEXT parameter type, so the
        # TEXT value goes up as bytes in the client codeset; the server stores it into the TEXT column.
        cur.execute(f"INSERT INTO {PREFIX}blobs VALUES (:1, :2, :3)", (1, byte_value(), text_value().encode("iso-8859-1")))
        cur.execute(f"INSERT INTO {PREFIX}blobs VALUES (:1, :2, :3)", (2, None, None))
        cur.close()
        conn.commit()
        cur = conn.cursor()
        cur.execute(f"SELECT id, c_byte, c_text FROM {PREFIX}blobs ORDER BY id")
        rows = cur.fetchall()
        cur.close()
        problems: list[str] = []
        if len(rows) != 2:
            raise Mismatch(f"{len(rows)} rows, want 2")
        expect(problems, "c_byte", rows[0][1], byte_value())
        expect(problems, "c_text", rows[0][2], text_value())
        expect(problems, "row 2 c_byte", rows[1][1], None)
        expect(problems, "row 2 c_text", rows[1][2], None)
        return verdict(problems, "BYTE 3000 bytes and TEXT 5000 chars round-tripped; NULLs read back")

    def value_edges(self) -> str:
        self.run_ddl(EDGES_DDL)
        conn = self.conn()
        cur = conn.cursor()
        for row in EDGES_ROWS:
            cur.execute(f"INSERT INTO {PREFIX}edges VALUES {row}")
        conn.commit()
        cur.execute(f"SELECT * FROM {PREFIX}edges ORDER BY id")
        rows = cur.fetchall()
        cur.close()
        columns = ["id", "d", "dt", "iv", "hm", "f", "sf", "i", "si", "bi", "c", "vc"]
        want = [
            [1, Decimal("0"), datetime.datetime(1900, 1, 1), datetime.timedelta(0), datetime.time(0, 0), 0.1,
             3.4028234663852886e38, -2147483647, -32767, -9223372036854775807, "a", ""],
            [2, Decimal("-0.0000000001"), datetime.datetime(9999, 12, 31, 23, 59, 59, 999990),
             datetime.timedelta(days=999999999, seconds=86399, microseconds=999990), datetime.time(23, 59),
             1.7976931348623157e308, 1.1754943508222875e-38, 2147483647, 32767, 9223372036854775807, "abcde", "b  "],
            [3, Decimal("1234567890123456789012.1234567890"), datetime.datetime(2024, 2, 29, 0, 0, 0, 10),
             -datetime.timedelta(days=5, seconds=1), datetime.time(9, 5), 5e-324, -1.5, 0, 0, 0, "  x", "  y"],
        ]
        problems: list[str] = []
        if len(rows) != 3:
            raise Mismatch(f"{len(rows)} rows, want 3")
        for r, (got_row, want_row) in enumerate(zip(rows, want)):
            for column, got, wanted in zip(columns, got_row, want_row):
                expect(problems, f"row {r + 1} {column}", got, wanted)
        return verdict(problems, "3 rows of edge values (literals) read back exactly")

    def client_locale_utf8(self) -> str:
        # A UTF-8 client on the (Latin-1) test database. Bytes on the wire are in the database code set
        # (VALUES.md §11: clients convert, the server does not); informix-driver encodes with its CLIENT_LOCALE
        # codec instead, so it stores UTF-8 bytes — the test is that the server keeps and returns them unchanged.
        text = "h\u00e9llo w\u00f6rld \u00f1and\u00fa \u00c5"
        # End the main session's open transaction first: a reader's locks are committed_read_no_block's subject.
        self.conn().commit()
        utf8 = informix_db.connect(
            self.options.host,
            self.options.port,
            user=self.options.user,
            password=self.options.password,
            database=self.options.database,
            server=self.options.server,
            connect_timeout=10,
            read_timeout=float(self.options.timeout),
            client_locale="en_US.utf8",
        )
        try:
            cur = utf8.cursor()
            cur.execute(f"CREATE TABLE {PREFIX}utf8 (v VARCHAR(40))")
            cur.execute(f"INSERT INTO {PREFIX}utf8 VALUES (:1)", (text,))
            utf8.commit()
            cur.execute(f"SELECT v, LENGTH(v) FROM {PREFIX}utf8")
            rows = cur.fetchall()
            cur.close()
        finally:
            utf8.close()
        problems: list[str] = []
        stored = text.encode("utf-8")  # what informix-driver sent; a Latin-1 database holds one character per byte
        expect(problems, "UTF-8 session reads its own row", rows, [(text, len(stored))])
        latin = self.scalar(self.conn(), f"SELECT v FROM {PREFIX}utf8")
        self.conn().commit()
        expect(problems, "8859-1 session reads the stored bytes as Latin-1", latin, stored.decode("latin-1"))
        return verdict(problems, "the UTF-8 bytes were stored unchanged and read back by UTF-8 and 8859-1 sessions")

    def cursor_10000_rows(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}big (id INTEGER, name VARCHAR(40), amount DECIMAL(10,2))")
        conn = self.conn()
        cur = conn.cursor()
        for start in range(1, 10_001, 1000):
            cur.executemany(
                f"INSERT INTO {PREFIX}big VALUES (:1, :2, :3)",
                [(i, big_name(i), Decimal(i * 125).scaleb(-2)) for i in range(start, start + 1000)],
            )
        cur.close()
        conn.commit()
        cur = conn.cursor()
        cur.execute(f"SELECT id, name, amount FROM {PREFIX}big ORDER BY id")
        count = id_sum = cent_sum = 0
        crc = 0
        previous = 0
        while True:
            row = cur.fetchone()
            if row is None:
                break
            row_id, name, amount = row
            if row_id <= previous:
                raise Mismatch(f"ids not ascending at row {count + 1}: {row_id}")
            previous = row_id
            count += 1
            id_sum += row_id
            cent_sum += int(amount * 100)
            crc = zlib.crc32((name + "\n").encode("utf-8"), crc)
        cur.close()
        want_crc = 0
        for i in range(1, 10_001):
            want_crc = zlib.crc32((big_name(i) + "\n").encode("utf-8"), want_crc)
        problems: list[str] = []
        expect(problems, "row count", count, 10_000)
        expect(problems, "sum(id)", id_sum, sum(range(1, 10_001)))
        expect(problems, "sum(amount) in cents", cent_sum, sum(i * 125 for i in range(1, 10_001)))
        expect(problems, "crc32(names)", crc, want_crc)
        return verdict(problems, f"10000 rows inserted by executemany and fetched; crc32(names)={crc:x}")

    def syntax_error_201(self) -> str:
        conn = self.conn()
        cur = conn.cursor()
        try:
            cur.execute("SELEC tabid FROM systables")
        except informix_db.Error as error:
            if getattr(error, "sqlcode", None) != -201:
                raise Mismatch(f"want -201, got {describe(error)}") from error
            cur.close()
            return f"got {describe(error).split(' at ')[0]}; then {self.probe(conn)}"
        raise Mismatch("no error for 'SELEC tabid FROM systables'")

    def duplicate_key(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}dup (k INTEGER PRIMARY KEY, v VARCHAR(10))")
        conn = self.conn()
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {PREFIX}dup VALUES (1, 'a')")
        conn.commit()
        try:
            cur.execute(f"INSERT INTO {PREFIX}dup VALUES (1, 'b')")
        except informix_db.Error as error:
            sqlcode, isam = getattr(error, "sqlcode", None), getattr(error, "isamcode", None)
            if sqlcode not in (-268, -239) or isam != -100:
                raise Mismatch(f"want -268/-239 with ISAM -100, got {describe(error)}") from error
            conn.rollback()
            cur.execute(f"SELECT k, v FROM {PREFIX}dup")
            rows = cur.fetchall()
            cur.close()
            if rows != [(1, "a")]:
                raise Mismatch(f"table holds {rows!r} after the failed insert")
            return f"got {describe(error).split(' at ')[0]}; table still holds only (1, 'a')"
        raise Mismatch("second INSERT of key 1 succeeded")

    def error_codes(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}err (k INTEGER NOT NULL, v VARCHAR(5), i INTEGER)")
        conn = self.conn()
        problems: list[str] = []
        cases = [
            (f"INSERT INTO {PREFIX}err (k) VALUES (NULL)", -391, None),
            ("SELECT 1 / 0 FROM systables WHERE tabid = 1", -1202, None),
            (f"INSERT INTO {PREFIX}err (k, i) VALUES (1, 99999999999)", -1215, None),
            (f"SELECT * FROM {PREFIX}no_such_table", -206, -111),
            (f"SELECT no_such_column FROM {PREFIX}err", -217, None),
        ]
        for sql, sqlcode, isam in cases:
            cur = conn.cursor()
            try:
                cur.execute(sql)
                cur.fetchall()
            except informix_db.Error as error:
                if getattr(error, "sqlcode", None) != sqlcode:
                    problems.append(f"{sql}: want {sqlcode}, got {describe(error)}")
                elif isam is not None and getattr(error, "isamcode", None) != isam:
                    problems.append(f"{sql}: want ISAM {isam}, got {describe(error)}")
            else:
                problems.append(f"{sql}: no error (want {sqlcode})")
            finally:
                cur.close()
        conn.rollback()
        # A non-ANSI database truncates an over-long character value silently.
        cur = conn.cursor()
        try:
            cur.execute(f"INSERT INTO {PREFIX}err (k, v) VALUES (2, 'abcdefgh')")
            conn.commit()
            cur.execute(f"SELECT v FROM {PREFIX}err WHERE k = 2")
            expect(problems, "VARCHAR(5) given 'abcdefgh'", cur.fetchall(), [("abcde",)])
        except informix_db.Error as error:
            problems.append(f"over-long VARCHAR: {describe(error)}")
        finally:
            cur.close()
        conn.commit()
        return verdict(problems, f"-391, -1202, -1215, -206/-111, -217 as Informix reports them; VARCHAR truncated; "
                       f"{self.probe(conn)}")

    def transaction_rollback(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}tx (id INTEGER)")
        conn = self.conn()
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {PREFIX}tx VALUES (1)")
        inside = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}tx")
        if inside != 1:
            raise Mismatch(f"inside the transaction COUNT(*) = {inside!r}, want 1")
        conn.rollback()
        after = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}tx")
        if after != 0:
            raise Mismatch(f"after rollback COUNT(*) = {after!r}, want 0")
        cur.execute(f"INSERT INTO {PREFIX}tx VALUES (2)")
        cur.close()
        conn.commit()
        other = self.open()
        try:
            committed = self.scalar(other, f"SELECT COUNT(*) FROM {PREFIX}tx WHERE id = 2")
            rolled_back = self.scalar(other, f"SELECT COUNT(*) FROM {PREFIX}tx WHERE id = 1")
            other.commit()
        finally:
            other.close()
        if committed != 1 or rolled_back != 0:
            raise Mismatch(f"second session sees id2={committed!r} id1={rolled_back!r}, want 1 and 0")
        return "row invisible after rollback; committed row visible to a second session"

    def committed_read_no_block(self) -> str:
        # A logged database's default isolation is COMMITTED READ: a reader keeps no locks, so another session's
        # INSERT and DDL go ahead while the reader's transaction is still open (lock mode NOT WAIT: a conflict would
        # fail at once with -271/-242 and ISAM -107 instead).
        self.run_ddl(f"CREATE TABLE {PREFIX}cr (k INTEGER)")
        conn = self.conn()
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {PREFIX}cr VALUES (1)")
        conn.commit()
        seen = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}cr")  # opens the reader's transaction
        if seen != 1:
            raise Mismatch(f"reader sees {seen!r} rows, want 1")
        other = self.open()
        try:
            other_cur = other.cursor()
            other_cur.execute(f"INSERT INTO {PREFIX}cr VALUES (2)")
            other_cur.execute(f"CREATE TABLE {PREFIX}cr_other (k INTEGER)")
            other.commit()
        finally:
            other.close()
        conn.commit()
        after = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}cr")
        conn.commit()
        if after != 2:
            raise Mismatch(f"after both commits COUNT(*) = {after!r}, want 2")
        return "another session inserted and created a table while a reader's transaction was open"

    def prepared_reuse_100(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}prep (k INTEGER, v VARCHAR(20))")
        conn = self.conn()
        cur = conn.cursor()
        # executemany is informix-driver's prepared-statement reuse: one PREPARE, 100 BIND+EXECUTE, one RELEASE.
        cur.executemany(f"INSERT INTO {PREFIX}prep VALUES (:1, :2)", [(k, f"v{k}") for k in range(1, 101)])
        conn.commit()
        for k in range(1, 101):
            cur.execute(f"SELECT v FROM {PREFIX}prep WHERE k = :1", (k,))
            rows = cur.fetchall()
            if rows != [(f"v{k}",)]:
                raise Mismatch(f"select k={k} returned {rows!r}")
        cur.close()
        total = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}prep")
        if total != 100:
            raise Mismatch(f"COUNT(*) = {total!r}, want 100")
        return "executemany of 100 rows (one PREPARE), then a parameterised SELECT executed 100 times"

    def generated_keys(self) -> str:
        # informix-driver exposes no generated-key API; Informix's own way is sqlca.sqlerrd[1] through DBINFO.
        self.run_ddl(f"CREATE TABLE {PREFIX}keys (id SERIAL, v VARCHAR(10))")
        conn = self.conn()
        serials = []
        for v in ("a", "b"):
            cur = conn.cursor()
            cur.execute(f"INSERT INTO {PREFIX}keys (v) VALUES (:1)", (v,))
            cur.close()
            serials.append(self.scalar(conn, "SELECT DBINFO('sqlca.sqlerrd1') FROM systables WHERE tabid = 1"))
        conn.commit()
        if serials != [1, 2]:
            raise Mismatch(f"DBINFO('sqlca.sqlerrd1') after each insert: {serials!r}, want [1, 2]")
        rows = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}keys WHERE id IN (1, 2)")
        if rows != 2:
            raise Mismatch(f"rows with id 1 and 2: {rows!r}, want 2")
        return "DBINFO('sqlca.sqlerrd1') gave 1 then 2"

    def generated_serial8(self) -> str:
        # informix-driver reads SQ_INSERTDONE (10-byte SERIAL8 + 8-byte BIGSERIAL) but exposes neither value: this
        # checks that it stays in step over the message and that the server generated what JDBC's getSerial8 reports.
        problems: list[str] = []
        conn = self.conn()
        for table in ("s8", "bs"):
            kind = "SERIAL8" if table == "s8" else "BIGSERIAL"
            self.run_ddl(f"CREATE TABLE {PREFIX}{table} (id {kind}, v VARCHAR(10))")
            for i, explicit in enumerate((0, 0, 100, 0)):
                cur = conn.cursor()
                cur.execute(f"INSERT INTO {PREFIX}{table} (id, v) VALUES (:1, :2)", (explicit, f"r{i}"))
                cur.close()
            cur = conn.cursor()
            cur.execute(f"SELECT id FROM {PREFIX}{table} ORDER BY id")
            expect(problems, f"{table} ids", [row[0] for row in cur.fetchall()], [1, 2, 100, 101])
            cur.close()
        conn.commit()
        return verdict(problems, "SERIAL8 and BIGSERIAL inserts (INSERTDONE read in step) generated 1, 2, 100, 101")

    def scroll_cursor(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}scroll (k INTEGER, v VARCHAR(10))")
        conn = self.conn()
        cur = conn.cursor()
        cur.executemany(f"INSERT INTO {PREFIX}scroll VALUES (:1, :2)", [(k, f"s{k}") for k in range(1, 21)])
        cur.close()
        conn.commit()
        cur = conn.cursor(scrollable=True)
        cur.execute(f"SELECT k, v FROM {PREFIX}scroll ORDER BY k")
        problems: list[str] = []
        # informix-driver's positions are 0-based: fetch_absolute(4) is the 5th row.
        expect(problems, "fetch_absolute(4)", cur.fetch_absolute(4), (5, "s5"))
        expect(problems, "fetch_prior()", cur.fetch_prior(), (4, "s4"))
        expect(problems, "fetch_last()", cur.fetch_last(), (20, "s20"))
        expect(problems, "fetch_first()", cur.fetch_first(), (1, "s1"))
        expect(problems, "fetch_relative(3)", cur.fetch_relative(3), (4, "s4"))
        expect(problems, "fetch_absolute(24)", cur.fetch_absolute(24), None)
        expect(problems, "fetch_absolute(-1)", cur.fetch_absolute(-1), (20, "s20"))
        cur.close()
        return verdict(problems, "absolute/prior/last/first/relative/past-the-end on a 20-row scroll cursor")

    def savepoint(self) -> str:
        # informix-driver has no savepoint API: the SQL statements (the server handles them as JDBC's messages).
        self.run_ddl(f"CREATE TABLE {PREFIX}svpt (id INTEGER)")
        conn = self.conn()
        cur = conn.cursor()
        cur.execute(f"INSERT INTO {PREFIX}svpt VALUES (1)")
        cur.execute("SAVEPOINT sp_one")
        cur.execute(f"INSERT INTO {PREFIX}svpt VALUES (2)")
        cur.execute("ROLLBACK TO SAVEPOINT sp_one")
        cur.execute(f"INSERT INTO {PREFIX}svpt VALUES (3)")
        cur.execute("SAVEPOINT sp_two")
        cur.execute(f"INSERT INTO {PREFIX}svpt VALUES (4)")
        cur.execute("RELEASE SAVEPOINT sp_two")
        conn.commit()
        cur.execute(f"SELECT id FROM {PREFIX}svpt ORDER BY id")
        rows = cur.fetchall()
        cur.close()
        if rows != [(1,), (3,), (4,)]:
            raise Mismatch(f"committed rows {rows!r}, want [(1,), (3,), (4,)]")
        return "ROLLBACK TO SAVEPOINT undid one insert; RELEASE SAVEPOINT kept one; committed 1, 3, 4"

    def collections_row(self) -> str:
        raise Skip(
            "informix-driver sends no SQ_RET_TYPE, so a server answers its collection/ROW columns in a form nobody has"
            " documented (VALUES.md §8.17); TestServer only serves the type-44 form IBM JDBC asks for"
        )

    def collections_temporal(self) -> str:
        return self.collections_row()

    def stored_procedure(self) -> str:
        # informix-driver has no callproc: the SQL statements EXECUTE PROCEDURE / EXECUTE FUNCTION.
        self.run_ddl(f"CREATE TABLE {PREFIX}proc (k INTEGER, v VARCHAR(20))")
        self.run_ddl(
            f"CREATE PROCEDURE {PREFIX}put(k INT, v VARCHAR(20))\n"
            f"  INSERT INTO {PREFIX}proc VALUES (k, v);\nEND PROCEDURE"
        )
        self.run_ddl(
            f"CREATE FUNCTION {PREFIX}list(lo INT) RETURNING INT AS k, VARCHAR(20) AS v;\n"
            "  DEFINE a INT; DEFINE b VARCHAR(20);\n"
            f"  FOREACH SELECT k, v INTO a, b FROM {PREFIX}proc WHERE k >= lo ORDER BY k\n"
            "    RETURN a, b WITH RESUME;\n  END FOREACH;\nEND FUNCTION"
        )
        self.run_ddl(f"CREATE PROCEDURE {PREFIX}fail(n INT)\n  RAISE EXCEPTION -746, 0, 'refused ' || n;\nEND PROCEDURE")
        conn = self.conn()
        cur = conn.cursor()
        for k in (1, 2, 3):
            cur.execute(f"EXECUTE PROCEDURE {PREFIX}put(:1, :2)", (k, f"v{k}"))
        conn.commit()
        cur.execute(f"EXECUTE FUNCTION {PREFIX}list(:1)", (2,))
        rows = cur.fetchall()
        names = [d[0] for d in cur.description]
        cur.close()
        if rows != [(2, "v2"), (3, "v3")] or names != ["k", "v"]:
            raise Mismatch(f"EXECUTE FUNCTION list(2) gave {names!r} {rows!r}, want ['k', 'v'] [(2, 'v2'), (3, 'v3')]")
        cur = conn.cursor()
        try:
            cur.execute(f"EXECUTE PROCEDURE {PREFIX}fail(:1)", (7,))
        except informix_db.Error as error:
            sqlcode = getattr(error, "sqlcode", None)
            if sqlcode != -746 or "refused 7" not in str(error):
                raise Mismatch(f"want -746 'refused 7', got {describe(error)}") from error
            cur.close()
            conn.rollback()
            return f"EXECUTE PROCEDURE x3, WITH RESUME rows {rows!r}, RAISE EXCEPTION -> {describe(error)}; {self.probe(conn)}"
        raise Mismatch("RAISE EXCEPTION did not fail the call")

    def batch_with_error(self) -> str:
        self.run_ddl(f"CREATE TABLE {PREFIX}batch (k INTEGER PRIMARY KEY)")
        conn = self.conn()
        cur = conn.cursor()
        try:
            cur.executemany(f"INSERT INTO {PREFIX}batch VALUES (:1)", [(1,), (2,), (1,), (3,)])
        except informix_db.Error as error:
            sqlcode = getattr(error, "sqlcode", None)
            if sqlcode not in (-268, -239):
                raise Mismatch(f"want -268 or -239, got {describe(error)}") from error
            conn.commit()
            rows = self.scalar(conn, f"SELECT COUNT(*) FROM {PREFIX}batch WHERE k IN (1, 2)")
            if rows != 2:
                raise Mismatch(f"rows 1 and 2 before the failing row: COUNT = {rows!r}, want 2")
            # Whether rows after the failing one ran is left open (SQLI.md §13 Q24).
            return f"executemany failed with {sqlcode}; rows before it are there; {self.probe(conn)}"
        raise Mismatch("executemany with a duplicate key succeeded")

    def wrong_password_951(self) -> str:
        # informix-driver reports a rejected login as OperationalError without the sqlcode (golden/README.md).
        try:
            informix_db.connect(
                self.options.host,
                self.options.port,
                user=self.options.user,
                password="not-" + self.options.password,
                database=self.options.database,
                server=self.options.server,
                connect_timeout=10,
                read_timeout=10,
            ).close()
        except informix_db.OperationalError as error:
            if "rejected" not in str(error):
                raise Mismatch(f"want a rejected login, got {describe(error)}") from error
            good = self.open()
            try:
                self.probe(good)
            finally:
                good.close()
            return f"got {describe(error).split(' at ')[0]}; then the right password connects"
        raise Mismatch("login with a wrong password succeeded")

    def unknown_database_329(self) -> str:
        try:
            informix_db.connect(
                self.options.host,
                self.options.port,
                user=self.options.user,
                password=self.options.password,
                database="no_such_database",
                server=self.options.server,
                connect_timeout=10,
                read_timeout=10,
            ).close()
        except informix_db.Error as error:
            if getattr(error, "sqlcode", None) != -329:
                raise Mismatch(f"want -329, got {describe(error)}") from error
            return f"got {describe(error).split(' at ')[0]}"
        raise Mismatch("connecting to database no_such_database succeeded")

    def is_valid(self) -> str:
        raise Skip("informix-driver has no liveness probe (JDBC isValid sends SQ_VERSION)")

    def query_timeout(self) -> str:
        # informix-driver has no statement cancel: its read timeout abandons the connection instead (SQLI.md §8.12).
        # What that exercises on the server: a session dropped in the middle of a running statement must not wedge
        # anything; a new session is served at once.
        if not self.options.stall_sql:
            raise Mismatch("server lacks stall hook")
        conn = self.open(read_timeout=1.0)
        start = time.monotonic()
        try:
            cur = conn.cursor()
            cur.execute(self.options.stall_sql)
        except informix_db.Error as error:
            elapsed = int((time.monotonic() - start) * 1000)
            outcome = describe(error).split(" at ")[0]
        else:
            raise Mismatch("stalled statement completed without a timeout")
        finally:
            threading.Thread(target=lambda: _quiet_close(conn), daemon=True).start()
        if elapsed > 10_000:
            raise Mismatch(f"read timeout took {elapsed} ms")
        fresh = self.open()
        try:
            self.probe(fresh)
            return f"read timeout after {elapsed} ms ({outcome}); a new session then answered a query"
        finally:
            fresh.close()

    def statement_cancel(self) -> str:
        raise Skip("informix-driver implements no cancel/query timeout")

    def connect_tls(self) -> str:
        if not self.options.tls_port or not self.options.ca:
            raise Mismatch("no TLS port / CA given")
        # Trust exactly the server's CA, with hostname checking (the certificate must name the host we dial).
        context = ssl.create_default_context(cafile=self.options.ca)
        conn = self.open(port=int(self.options.tls_port), tls=context)
        try:
            return f"TLS session to {conn.server_version}; {self.probe(conn)}"
        finally:
            conn.close()

    # -- the instance: databases, sysmaster, cross-database names ----------------------------------------------

    def open_instance(self, env: dict[str, str] | None = None) -> informix_db.Connection:
        """A session logged in without a database (optionally with a DB_LOCALE)."""
        return informix_db.connect(
            self.options.host,
            self.options.port,
            user=self.options.user,
            password=self.options.password,
            database=None,
            server=self.options.server,
            connect_timeout=10,
            read_timeout=float(self.options.timeout),
            autocommit=True,
            env=env,
            # The client converts text itself: a UTF-8 database needs a UTF-8 client locale too.
            client_locale=(env or {}).get("DB_LOCALE", "en_US.8859-1"),
        )

    def sqlcode_of(self, conn: informix_db.Connection, sql: str) -> object:
        cur = conn.cursor()
        try:
            cur.execute(sql)
            cur.fetchall() if cur.description else None
        except informix_db.Error as error:
            return getattr(error, "sqlcode", None)
        finally:
            cur.close()
        return 0

    def rows(self, conn: informix_db.Connection, sql: str) -> list[tuple]:
        cur = conn.cursor()
        try:
            cur.execute(sql)
            return [tuple(v.rstrip() if isinstance(v, str) else v for v in row) for row in cur.fetchall()]
        finally:
            cur.close()

    def instance_databases(self) -> str:
        problems: list[str] = []
        conn = self.open_instance()
        try:
            expect(problems, "statement before any database", self.sqlcode_of(conn, "SELECT 1 FROM systables"), -349)
            for name, clause in (
                ("logged", "WITH LOG"),
                ("buffered", "WITH BUFFERED LOG"),
                ("ansi", "WITH LOG MODE ANSI"),
                ("unlogged", ""),
            ):
                self.sqlcode_of(conn, f"DROP DATABASE IF EXISTS {PREFIX}{name}")
                expect(problems, f"CREATE DATABASE {name}", self.sqlcode_of(conn, f"CREATE DATABASE {PREFIX}{name} {clause}"), 0)
            expect(problems, "CREATE existing", self.sqlcode_of(conn, f"CREATE DATABASE {PREFIX}logged"), -330)
            expect(problems, "DROP current", self.sqlcode_of(conn, f"DROP DATABASE {PREFIX}unlogged"), -359)
            expect(problems, "CLOSE DATABASE", self.sqlcode_of(conn, "CLOSE DATABASE"), 0)
            expect(problems, "DATABASE missing", self.sqlcode_of(conn, f"DATABASE {PREFIX}missing"), -329)
            expect(problems, "DATABASE logged", self.sqlcode_of(conn, f"DATABASE {PREFIX}logged"), 0)
            rows = self.rows(
                conn,
                "SELECT name, is_logging, is_buff_log, is_ansi FROM sysmaster:sysdatabases "
                f"WHERE name IN ('{PREFIX}logged', '{PREFIX}buffered', '{PREFIX}ansi', '{PREFIX}unlogged') ORDER BY name",
            )
            expect(problems, "sysdatabases", rows, [
                (f"{PREFIX}ansi", 1, 0, 1),
                (f"{PREFIX}buffered", 1, 1, 0),
                (f"{PREFIX}logged", 1, 0, 0),
                (f"{PREFIX}unlogged", 0, 0, 0),
            ])
            # A UTF-8 database through DB_LOCALE: its locale is the client's, and text round-trips.
            utf8 = self.open_instance({"DB_LOCALE": "en_US.utf8"})
            try:
                self.sqlcode_of(utf8, f"DROP DATABASE IF EXISTS {PREFIX}utf8")
                expect(problems, "CREATE utf8", self.sqlcode_of(utf8, f"CREATE DATABASE {PREFIX}utf8 WITH LOG"), 0)
                self.sqlcode_of(utf8, f"CREATE TABLE {PREFIX}words (w VARCHAR(20))")
                cur = utf8.cursor()
                cur.execute(f"INSERT INTO {PREFIX}words VALUES (?)", ("\u00e9t\u00e9 \u20ac",))
                cur.close()
                expect(problems, "utf8 text", self.rows(utf8, f"SELECT w FROM {PREFIX}words"), [("\u00e9t\u00e9 \u20ac",)])
                expect(
                    problems,
                    "sysdbslocale",
                    self.rows(utf8, f"SELECT dbs_collate FROM sysmaster:sysdbslocale WHERE dbs_dbsname = '{PREFIX}utf8'"),
                    [("en_US.utf8",)],
                )
                self.sqlcode_of(utf8, "CLOSE DATABASE")
                expect(problems, "DROP utf8", self.sqlcode_of(utf8, f"DROP DATABASE {PREFIX}utf8"), 0)
            finally:
                _quiet_close(utf8)
            self.sqlcode_of(conn, "CLOSE DATABASE")
            for name in ("logged", "buffered", "ansi", "unlogged"):
                expect(problems, f"DROP {name}", self.sqlcode_of(conn, f"DROP DATABASE {PREFIX}{name}"), 0)
        finally:
            _quiet_close(conn)
        return verdict(problems, "no database at login (-349), CREATE x4 + UTF-8 via DB_LOCALE, -330/-359/-329, "
                       "sysdatabases flags, sysdbslocale, DROP")

    def sysmaster_read(self) -> str:
        problems: list[str] = []
        conn = informix_db.connect(
            self.options.host,
            self.options.port,
            user=self.options.user,
            password=self.options.password,
            database="sysmaster",
            server=self.options.server,
            connect_timeout=10,
            read_timeout=float(self.options.timeout),
            autocommit=True,
        )
        try:
            names = [r[0] for r in self.rows(conn, "SELECT name FROM sysdatabases ORDER BY name")]
            for name in ("sysadmin", "sysmaster", "sysuser", "sysutils", self.options.database):
                if name not in names:
                    problems.append(f"sysdatabases lacks {name}: {names}")
            sessions = self.rows(conn, f"SELECT count(*) FROM syssessions WHERE username = '{self.options.user}'")
            if not sessions or sessions[0][0] < 1:
                problems.append(f"syssessions does not list this session: {sessions}")
            expect(problems, "DELETE FROM sysdatabases", self.sqlcode_of(conn, "DELETE FROM sysdatabases"), -274)
            expect(problems, "CREATE TABLE in sysmaster", self.sqlcode_of(conn, "CREATE TABLE t (a INTEGER)"), -388)
        finally:
            _quiet_close(conn)
        return verdict(problems, "sysdatabases lists the system databases and ours; syssessions; writes refused")

    def cross_database(self) -> str:
        problems: list[str] = []
        other = self.open_instance()
        try:
            self.sqlcode_of(other, f"DROP DATABASE IF EXISTS {PREFIX}xdb")
            expect(problems, "CREATE xdb", self.sqlcode_of(other, f"CREATE DATABASE {PREFIX}xdb WITH LOG"), 0)
            self.sqlcode_of(other, f"CREATE TABLE {PREFIX}part (id INTEGER, qty INTEGER)")
            self.sqlcode_of(other, f"INSERT INTO {PREFIX}part VALUES (1, 10)")
            self.sqlcode_of(other, "CLOSE DATABASE")
            conn = self.conn()
            self.run_ddl(f"CREATE TABLE {PREFIX}ord (id INTEGER, part INTEGER)")
            cur = conn.cursor()
            cur.execute(f"INSERT INTO {PREFIX}ord VALUES (7, 1)")
            conn.commit()
            x = f"{PREFIX}xdb"
            expect(
                problems,
                "join",
                self.rows(conn, f"SELECT o.id, p.qty FROM {PREFIX}ord o, {x}:{PREFIX}part p WHERE p.id = o.part"),
                [(7, 10)],
            )
            expect(
                problems,
                "db@server:owner.table",
                self.rows(conn, f"SELECT qty FROM {x}@{self.options.server}:informix.{PREFIX}part"),
                [(10,)],
            )
            # One transaction over both databases: rolled back together, then committed together.
            cur.execute(f"INSERT INTO {PREFIX}ord VALUES (8, 2)")
            cur.execute(f"INSERT INTO {x}:{PREFIX}part VALUES (2, 20)")
            conn.rollback()
            both = (f"SELECT (SELECT count(*) FROM {PREFIX}ord), (SELECT count(*) FROM {x}:{PREFIX}part) "
                    "FROM systables WHERE tabid = 1")
            expect(problems, "after rollback", self.rows(conn, both), [(1, 1)])
            cur.execute(f"INSERT INTO {PREFIX}ord VALUES (8, 2)")
            cur.execute(f"INSERT INTO {x}:{PREFIX}part VALUES (2, 20)")
            conn.commit()
            expect(problems, "after commit", self.rows(conn, both), [(2, 2)])
            cur.close()
            expect(problems, "unknown database", self.sqlcode_of(conn, f"SELECT * FROM {PREFIX}nodb:{PREFIX}part"), -329)
            expect(problems, "unknown table", self.sqlcode_of(conn, f"SELECT * FROM {x}:{PREFIX}nosuch"), -206)
            conn.rollback()
            expect(problems, "DROP xdb", self.sqlcode_of(other, f"DROP DATABASE {x}"), 0)
        finally:
            _quiet_close(other)
        return verdict(problems, "db:table join, db@server:owner.table, one transaction over two databases, -329/-206")

    def database_metadata(self) -> str:
        raise Skip("informix-driver has no catalog API (JDBC's DatabaseMetaData)")

    def disconnect(self) -> str:
        conn = self.conn()
        conn.close()
        self.session = None
        if not conn.closed:
            raise Mismatch("closed is False after close()")
        return "close() returned; closed is True"


class Skip(Exception):
    """The scenario cannot be expressed with this client; reported as skipped, never as passed."""


SCENARIOS = [
    "connect",
    "create_table_all_types",
    "describe_all_types",
    "insert_bound_all_types",
    "select_compare_all_types",
    "nulls_all_types",
    "byte_text",
    "value_edges",
    "client_locale_utf8",
    "cursor_10000_rows",
    "syntax_error_201",
    "duplicate_key",
    "error_codes",
    "transaction_rollback",
    "committed_read_no_block",
    "prepared_reuse_100",
    "generated_keys",
    "generated_serial8",
    "scroll_cursor",
    "savepoint",
    "batch_with_error",
    "stored_procedure",
    "collections_row",
    "collections_temporal",
    "wrong_password_951",
    "unknown_database_329",
    "is_valid",
    "query_timeout",
    "statement_cancel",
    "connect_tls",
    "instance_databases",
    "sysmaster_read",
    "cross_database",
    "database_metadata",
    "disconnect",
]


def _quiet_close(conn: informix_db.Connection) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - the session is abandoned because it stopped answering
        pass


def emit(scenario: str, ok: bool, detail: str, ms: int, skipped: bool = False) -> None:
    record: dict = {"client": CLIENT, "scenario": scenario, "ok": ok, "detail": detail, "ms": ms}
    if skipped:
        record["skipped"] = True
    print(json.dumps(record, ensure_ascii=False), flush=True)


def parse_options(argv: list[str]) -> argparse.Namespace:
    def env(name: str, default: str = "") -> str:
        return os.environ.get("CONFORMANCE_" + name.upper().replace("-", "_"), default)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=env("host", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("port", "0") or 0))
    parser.add_argument("--tls-port", dest="tls_port", default=env("tls-port"))
    parser.add_argument("--ca", default=env("ca"))
    parser.add_argument("--user", default=env("user", "informix"))
    parser.add_argument("--password", default=env("password", "in4mix"))
    parser.add_argument("--database", default=env("database", "testdb"))
    parser.add_argument("--server", default=env("server", "ol_test"))
    parser.add_argument("--stall-sql", dest="stall_sql", default=env("stall-sql"))
    parser.add_argument("--timeout", type=float, default=float(env("timeout", "90")))
    parser.add_argument("--only", default=env("only"))
    options = parser.parse_args(argv)
    if not options.port:
        parser.error("--port is required")
    return options


def main(argv: list[str]) -> int:
    options = parse_options(argv)
    peer = Peer(options)
    selected = [name for name in options.only.split(",") if name] if options.only else SCENARIOS
    for name in SCENARIOS:
        if name not in selected:
            continue
        outcome: dict = {}

        def body(name: str = name, outcome: dict = outcome) -> None:
            try:
                outcome["detail"] = getattr(peer, name)()
                outcome["ok"] = True
            except Skip as skip:
                outcome.update(ok=True, skipped=True, detail=str(skip))
            except BaseException as error:  # noqa: BLE001 - every failure is reported, none ends the run
                outcome.update(ok=False, detail=describe(error))

        start = time.monotonic()
        worker = threading.Thread(target=body, daemon=True)
        worker.start()
        worker.join(options.timeout)
        ms = int((time.monotonic() - start) * 1000)
        if worker.is_alive():
            peer.abandon()
            emit(name, False, f"no answer within {options.timeout:g} s (client blocked; session abandoned)", ms)
            continue
        emit(name, outcome["ok"], outcome["detail"], ms, outcome.get("skipped", False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
