import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DateTime, IntervalDayTime, IntervalYearMonth, LocalDate, Qualifier } from "../../src/InformixValue.ts"
import {
  type EngineError,
  type EngineSession,
  type ExecResult,
  isEngineError,
  type Prepared,
  type Value
} from "../../src/internal/server/engine/index.ts"
import { Engine } from "../../src/internal/server/engine/index.ts"

// A fixed clock: 2026-11-25 13:45:30.123 local time.
const fixedNow = () => new Date(2026, 10, 25, 13, 45, 30, 123)

const makeEngine = (options?: { directory?: string; logged?: boolean; ansi?: boolean }) =>
  Engine.make({
    directory: options?.directory,
    databases: [
      { name: "testdb", logged: options?.logged ?? true, ansi: options?.ansi ?? false },
      { name: "nolog", logged: false }
    ],
    now: fixedNow
  })

const open = (engine: Engine, db = "testdb"): EngineSession => {
  const s = engine.openSession(db, "informix")
  if (isEngineError(s)) throw new Error(`openSession failed: ${s.sqlcode}`)
  return s
}

const prepare = (s: EngineSession, sql: string): Prepared => {
  const p = s.prepare(sql)
  if (isEngineError(p)) throw new Error(`prepare failed ${p.sqlcode} (${p.parameter}): ${sql}`)
  return p
}

const exec = (s: EngineSession, sql: string, params: ReadonlyArray<Value> = []): ExecResult => {
  const r = s.execute(prepare(s, sql), params)
  if (isEngineError(r)) throw new Error(`execute failed ${r.sqlcode} (${r.parameter}): ${sql}`)
  return r
}

const query = (s: EngineSession, sql: string, params: ReadonlyArray<Value> = []): Array<Array<Value>> => {
  const c = s.openCursor(prepare(s, sql), params)
  if (isEngineError(c)) throw new Error(`open failed ${c.sqlcode} (${c.parameter}): ${sql}`)
  const rows: Array<Array<Value>> = []
  for (;;) {
    const chunk = c.next(2)
    if (isEngineError(chunk)) throw new Error(`fetch failed ${chunk.sqlcode}`)
    if (chunk.length === 0) break
    rows.push(...chunk)
  }
  c.close()
  return rows
}

/** The error a statement produces at prepare, execute or open. */
const failure = (s: EngineSession, sql: string, params: ReadonlyArray<Value> = []): EngineError => {
  const p = s.prepare(sql)
  if (isEngineError(p)) return p
  const r = p.statementType === 2 ? s.openCursor(p, params) : s.execute(p, params)
  if (isEngineError(r)) return r
  throw new Error(`expected an error: ${sql}`)
}

const dec = (text: string) => BigDecimal.fromStringUnsafe(text)
const assertDecimal = (actual: Value, expected: string) => {
  assert.isTrue(BigDecimal.isBigDecimal(actual), `not a BigDecimal: ${String(actual)}`)
  assert.isTrue(
    BigDecimal.equals(actual as BigDecimal.BigDecimal, dec(expected)),
    `${BigDecimal.format(actual as BigDecimal.BigDecimal)} != ${expected}`
  )
}

const allTypes = `CREATE TABLE alltypes (
  id SERIAL PRIMARY KEY, si SMALLINT, i INTEGER NOT NULL DEFAULT 7, i8 INT8, bi BIGINT, sf SMALLFLOAT, f FLOAT,
  d DECIMAL(10,2), df DECIMAL, dp DECIMAL(32,10), m MONEY(8,2), dt DATE, ts DATETIME YEAR TO FRACTION(3),
  hm DATETIME HOUR TO MINUTE, iv INTERVAL DAY(3) TO SECOND, ym INTERVAL YEAR TO MONTH, c CHAR(5), nc NCHAR(3),
  vc VARCHAR(20,4), nv NVARCHAR(10), lv LVARCHAR(500), b BOOLEAN, by BYTE, tx TEXT, bl BLOB, cl CLOB
)`

describe("engine: catalog queries clients run at connect", () => {
  it("answers JDBC 15's GL_COLLATE / VERSION queries and DBINFO from TABLE(SET{1})", () => {
    const engine = makeEngine()
    const s = open(engine)
    const collate = prepare(s, "select FIRST 1 site from informix.systables where tabname = ' GL_COLLATE'")
    assert.strictEqual(collate.statementType, 2)
    assert.deepStrictEqual(collate.columns.map((c) => [c.name, c.columnType, c.encodedLength]), [["site", 13, 128]])
    assert.deepStrictEqual(query(s, "select FIRST 1 site from informix.systables where tabname = ' GL_COLLATE'"), [[
      "en_US.819"
    ]])
    assert.deepStrictEqual(query(s, "select site from systables where tabname = ' GL_CTYPE'"), [["en_US.819"]])
    const flags = prepare(s, "SELECT flags FROM informix.systables WHERE tabname = ' VERSION';")
    assert.deepStrictEqual(flags.columns.map((c) => [c.name, c.columnType]), [["flags", 1]])
    assert.deepStrictEqual(query(s, "SELECT flags FROM informix.systables WHERE tabname = ' VERSION';"), [[0]])
    const version = prepare(s, "select dbinfo('version','full') from  table (set{1});")
    assert.deepStrictEqual(version.columns.map((c) => [c.name, c.columnType, c.encodedLength]), [[
      "(expression)",
      13,
      255
    ]])
    assert.deepStrictEqual(query(s, "select dbinfo('version','full') from  table (set{1});"), [[
      "IBM Informix Dynamic Server Version 15.0.1.0.3"
    ]])
    assert.deepStrictEqual(query(s, "SELECT tabid, tabname FROM systables WHERE tabid = 1"), [[1, "systables"]])
    assert.deepStrictEqual(
      query(s, "SELECT FIRST 1 DBINFO('dbhostname') hostname, DBINFO('dbname') db FROM systables"),
      [["localhost", "testdb"]]
    )
    engine.close()
  })
})

describe("engine: DDL and the catalog", () => {
  it("records every type with coltype (0x100 = NOT NULL) and collength as VALUES.md §5", () => {
    const engine = makeEngine()
    const s = open(engine)
    assert.strictEqual(prepare(s, allTypes).statementType, 14)
    exec(s, allTypes)
    const rows = query(
      s,
      "SELECT c.colname, c.coltype, c.collength, c.extended_id FROM syscolumns c, systables t " +
        "WHERE c.tabid = t.tabid AND t.tabname = 'alltypes' ORDER BY c.colno"
    )
    assert.deepStrictEqual(rows, [
      ["id", 262, 4, 0],
      ["si", 1, 2, 0],
      ["i", 258, 4, 0],
      ["i8", 17, 10, 0],
      ["bi", 52, 8, 0],
      ["sf", 4, 4, 0],
      ["f", 3, 8, 0],
      ["d", 5, 0x0a02, 0],
      ["df", 5, 0x10ff, 0],
      ["dp", 5, 0x200a, 0],
      ["m", 8, 0x0802, 0],
      ["dt", 7, 4, 0],
      ["ts", 10, 0x110d, 0],
      ["hm", 10, 0x0468, 0],
      ["iv", 14, 0x094a, 0],
      ["ym", 14, 0x0602, 0],
      ["c", 0, 5, 0],
      ["nc", 15, 3, 0],
      ["vc", 13, 0x0414, 0],
      ["nv", 16, 10, 0],
      ["lv", 40, 500, 1],
      ["b", 41, 1, 5],
      ["by", 11, 56, 0],
      ["tx", 12, 56, 0],
      ["bl", 41, 72, 10],
      ["cl", 41, 72, 11]
    ])
    const table = query(s, "SELECT tabid, ncols, tabtype, owner FROM systables WHERE tabname = 'alltypes'")
    assert.deepStrictEqual(table, [[100, 26, "T", "informix                        "]])
    // The describe of a SELECT carries the same codes.
    const p = prepare(s, "SELECT id, i, lv, b, bl FROM alltypes")
    assert.deepStrictEqual(
      p.columns.map((c) => [c.name, c.columnType, c.extendedId, c.extendedName, c.encodedLength]),
      [["id", 262, 0, "", 4], ["i", 258, 0, "", 4], ["lv", 40, 1, "lvarchar", 500], ["b", 41, 5, "boolean", 1], [
        "bl",
        41,
        10,
        "blob",
        72
      ]]
    )
    engine.close()
  })

  it("CREATE INDEX / DROP INDEX / ALTER TABLE ADD / DROP TABLE", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, "CREATE TABLE t (a INT, b VARCHAR(10))")
    assert.strictEqual(prepare(s, "CREATE UNIQUE INDEX ix_t_a ON t (a)").statementType, 16)
    exec(s, "CREATE UNIQUE INDEX ix_t_a ON t (a)")
    assert.deepStrictEqual(query(s, "SELECT idxname, idxtype, part1 FROM sysindexes WHERE tabid = 100"), [[
      "ix_t_a",
      "U",
      1
    ]])
    assert.strictEqual(failure(s, "CREATE INDEX ix_t_a ON t (b)").sqlcode, -316)
    exec(s, "ALTER TABLE t ADD (c DECIMAL(5,1) DEFAULT 1.5, d DATE)")
    exec(s, "INSERT INTO t (a) VALUES (1)")
    const rows = query(s, "SELECT a, c, d FROM t")
    assertDecimal(rows[0]![1]!, "1.5")
    assert.strictEqual(rows[0]![2], null)
    assert.deepStrictEqual(query(s, "SELECT ncols FROM systables WHERE tabname = 't'"), [[4]])
    exec(s, "DROP INDEX ix_t_a")
    exec(s, "INSERT INTO t (a) VALUES (1)")
    exec(s, "DROP TABLE t")
    assert.deepStrictEqual(query(s, "SELECT count(*) FROM syscolumns WHERE tabid = 100"), [[0]])
    const gone = failure(s, "SELECT * FROM t")
    assert.deepStrictEqual([gone.sqlcode, gone.isamCode, gone.parameter], [-206, -111, "t"])
    assert.strictEqual(failure(s, "DROP TABLE t").sqlcode, -206)
    exec(s, "CREATE TABLE t2 (a INT)")
    assert.strictEqual(failure(s, "CREATE TABLE t2 (a INT)").sqlcode, -310)
    engine.close()
  })
})

describe("engine: defaults", () => {
  it("DEFAULT literal, NULL, TODAY, CURRENT, USER; unary minus keeps the type", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(
      s,
      "CREATE TABLE d (id INT, a DATE DEFAULT TODAY, b DATETIME YEAR TO SECOND DEFAULT CURRENT YEAR TO SECOND, " +
        "c CHAR(8) DEFAULT USER, e BOOLEAN DEFAULT 't', f DECIMAL(5,2) DEFAULT -1.5, h VARCHAR(10) DEFAULT 'x''y' NOT NULL)"
    )
    exec(s, "INSERT INTO d (id) VALUES (1)")
    const [row] = query(s, "SELECT id, a, b, c, e, f, -f, h FROM d")
    const today = new Date()
    const expectedDay = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${
      String(today.getDate()).padStart(2, "0")
    }`
    assert.strictEqual(String(row![1]), expectedDay)
    assert.match(String(row![2]), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    assert.deepStrictEqual([row![0], row![3], row![4], row![7]], [1, "informix", true, "x'y"])
    assertDecimal(row![5]!, "-1.5")
    assertDecimal(row![6]!, "1.5")
    assert.strictEqual(failure(s, "INSERT INTO d (id, h) VALUES (2, NULL)").sqlcode, -391)
    engine.close()
  })
})

describe("engine: values round trip", () => {
  it("stores and returns every type exactly, NULLs included", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, allTypes)
    const ts = new DateTime(new Qualifier("YEAR", "FRACTION", { fractionDigits: 3 }), {
      year: 2024,
      month: 2,
      day: 29,
      hour: 23,
      minute: 59,
      second: 58,
      fraction: 12300
    })
    const hm = new DateTime(new Qualifier("HOUR", "MINUTE"), { hour: 7, minute: 5 })
    const iv = new IntervalDayTime(new Qualifier("DAY", "SECOND", { leadingPrecision: 3 }), {
      negative: true,
      days: 123,
      hours: 4,
      minutes: 5,
      seconds: 6
    })
    const ym = new IntervalYearMonth(new Qualifier("YEAR", "MONTH"), { years: 5, months: 3 })
    const bytes = new Uint8Array([0, 1, 2, 255])
    const insert = prepare(
      s,
      "INSERT INTO alltypes (si, i, i8, bi, sf, f, d, df, dp, m, dt, ts, hm, iv, ym, c, nc, vc, nv, lv, b, by, tx, bl, cl) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    assert.strictEqual(insert.paramCount, 25)
    assert.deepStrictEqual(insert.paramTypes.slice(0, 4).map((c) => c.columnType), [1, 2, 17, 52])
    assert.strictEqual(insert.insertsSerial, "serial")
    const r = s.execute(insert, [
      -32767,
      2147483647,
      -9223372036854775807n,
      9223372036854775807n,
      1.5,
      Math.PI,
      dec("-12345678.91"),
      dec("1234567890.123456"),
      dec("1234567890123456789012.0123456789"),
      dec("999999.99"),
      new LocalDate(1, 1, 1),
      ts,
      hm,
      iv,
      ym,
      "ab",
      "xyz",
      "varchar ",
      "nv",
      "x".repeat(400),
      true,
      bytes,
      "text value",
      bytes,
      "clob value"
    ])
    assert.isFalse(isEngineError(r))
    assert.strictEqual((r as ExecResult).serial, 1)
    exec(s, "INSERT INTO alltypes (i) VALUES (NULL)".replace("NULL", "0"))
    exec(s, "INSERT INTO alltypes (si) VALUES (NULL)")
    const rows = query(s, "SELECT * FROM alltypes ORDER BY id")
    const [row, zero, nulls] = rows as [Array<Value>, Array<Value>, Array<Value>]
    assert.deepStrictEqual(row.slice(0, 6), [1, -32767, 2147483647, -9223372036854775807n, 9223372036854775807n, 1.5])
    assert.strictEqual(row[6], Math.PI)
    assertDecimal(row[7]!, "-12345678.91")
    assertDecimal(row[8]!, "1234567890.123456")
    assertDecimal(row[9]!, "1234567890123456789012.0123456789")
    assertDecimal(row[10]!, "999999.99")
    assert.strictEqual(String(row[11]), "0001-01-01")
    assert.strictEqual(String(row[12]), "2024-02-29 23:59:58.123")
    assert.strictEqual(String(row[13]), "07:05")
    assert.strictEqual(String(row[14]), "-123 04:05:06")
    assert.strictEqual(String(row[15]), "5-03")
    assert.deepStrictEqual(row.slice(16, 20), ["ab   ", "xyz", "varchar ", "nv"])
    assert.strictEqual(row[20], "x".repeat(400))
    assert.strictEqual(row[21], true)
    assert.deepStrictEqual(row[22], bytes)
    assert.strictEqual(row[23], "text value")
    assert.deepStrictEqual(row[24], bytes)
    assert.strictEqual(row[25], "clob value")
    assert.strictEqual(zero[2], 0)
    // DEFAULT 7 applies when the column is not named; every other column is NULL.
    assert.strictEqual(nulls[2], 7)
    assert.deepStrictEqual(nulls.slice(3), Array.from({ length: 23 }, () => null))
    engine.close()
  })

  it("rejects out-of-range values with Informix codes", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, "CREATE TABLE r (si SMALLINT, i INT, d DECIMAL(5,2), dt DATE)")
    assert.strictEqual(failure(s, "INSERT INTO r (si) VALUES (?)", [32768]).sqlcode, -1214)
    assert.strictEqual(failure(s, "INSERT INTO r (si) VALUES (40000)").sqlcode, -1214)
    assert.strictEqual(failure(s, "INSERT INTO r (i) VALUES (?)", [2147483648]).sqlcode, -1215)
    assert.strictEqual(failure(s, "INSERT INTO r (d) VALUES (?)", [dec("1000")]).sqlcode, -1226)
    assert.strictEqual(failure(s, "UPDATE r SET d = 12345.6").sqlcode, -1226)
    assert.strictEqual(failure(s, "INSERT INTO r (dt) VALUES ('2024-02-30')").sqlcode, -1218)
    assert.strictEqual(failure(s, "INSERT INTO r (i) VALUES (?)", ["abc"]).sqlcode, -1213)
    assert.strictEqual(failure(s, "SELECT 1/0 FROM systables WHERE tabid = 1").sqlcode, -1202)
    exec(s, "INSERT INTO r (d) VALUES (?)", [dec("999.994")])
    assertDecimal(query(s, "SELECT d FROM r")[0]![0]!, "999.99")
    // Comparisons are not assignments: no truncation, no range errors.
    exec(s, "INSERT INTO r (si, i) VALUES (1, 1)")
    assert.deepStrictEqual(query(s, "SELECT count(*) FROM r WHERE si < 40000 AND i <> 1.5"), [[1]])
    assert.deepStrictEqual(query(s, "SELECT count(*) FROM r WHERE i = ?", [1.5]), [[0]])
    assert.deepStrictEqual(query(s, "SELECT count(*) FROM r WHERE si = ?", [70000]), [[0]])
    assert.deepStrictEqual(query(s, "SELECT count(*) FROM r WHERE d < 1000.5"), [[1]])
    engine.close()
  })
})

const setup = () => {
  const engine = makeEngine()
  const s = open(engine)
  exec(s, "CREATE TABLE emp (id SERIAL, name VARCHAR(20), dept INT, salary DECIMAL(8,2), hired DATE)")
  exec(s, "CREATE TABLE dept (id INT PRIMARY KEY, dname CHAR(10))")
  exec(s, "INSERT INTO dept VALUES (1, 'eng')")
  exec(s, "INSERT INTO dept VALUES (2, 'ops')")
  const people: Array<[string, number, string, string]> = [
    ["ann", 1, "100.50", "2020-01-15"],
    ["bob", 1, "200.25", "2021-06-01"],
    ["cy", 2, "50.00", "2019-12-31"],
    ["dee", 2, "75.75", "2022-03-03"],
    ["eve", 1, "300.00", "2023-07-04"]
  ]
  for (const [name, dept, salary, hired] of people) {
    exec(s, "INSERT INTO emp (name, dept, salary, hired) VALUES (?, ?, ?, ?)", [name, dept, dec(salary), hired])
  }
  return { engine, s }
}

describe("engine: queries", () => {
  it("FIRST / SKIP / LIMIT", () => {
    const { engine, s } = setup()
    assert.deepStrictEqual(query(s, "SELECT FIRST 2 name FROM emp ORDER BY id"), [["ann"], ["bob"]])
    assert.deepStrictEqual(query(s, "SELECT SKIP 1 FIRST 2 name FROM emp ORDER BY id"), [["bob"], ["cy"]])
    assert.deepStrictEqual(query(s, "SELECT SKIP 3 name FROM emp ORDER BY id"), [["dee"], ["eve"]])
    assert.deepStrictEqual(query(s, "SELECT LIMIT 1 name FROM emp ORDER BY id DESC"), [["eve"]])
    assert.deepStrictEqual(query(s, "SELECT name FROM emp ORDER BY id LIMIT 1"), [["ann"]])
    assert.deepStrictEqual(query(s, "SELECT FIRST ? name FROM emp ORDER BY id", [1]), [["ann"]])
    assert.deepStrictEqual(
      query(s, "SELECT name FROM emp WHERE id IN (SELECT FIRST 1 id FROM emp ORDER BY salary DESC)"),
      [["eve"]]
    )
    engine.close()
  })

  it("joins, UNION, GROUP BY / HAVING, subqueries, aggregates named like Informix", () => {
    const { engine, s } = setup()
    assert.deepStrictEqual(
      query(s, "SELECT e.name, d.dname FROM emp e, dept d WHERE e.dept = d.id AND e.id <= 2 ORDER BY e.name"),
      [["ann", "eng       "], ["bob", "eng       "]]
    )
    assert.deepStrictEqual(
      query(s, "SELECT e.name FROM emp e JOIN dept d ON e.dept = d.id WHERE d.dname = 'ops' ORDER BY 1"),
      [["cy"], ["dee"]]
    )
    assert.deepStrictEqual(
      query(s, "SELECT name FROM emp WHERE dept = 2 UNION SELECT dname FROM dept WHERE id = 1 ORDER BY 1"),
      // The first SELECT decides the result type (VARCHAR here), so the CHAR(10) value loses its padding.
      [["cy"], ["dee"], ["eng"]]
    )
    assert.strictEqual(query(s, "SELECT dept FROM emp UNION ALL SELECT id FROM dept").length, 7)
    const grouped = prepare(
      s,
      "SELECT dept, count(*), sum(salary), max(hired), avg(salary) FROM emp GROUP BY dept HAVING count(*) > 1 ORDER BY dept"
    )
    assert.deepStrictEqual(grouped.columns.map((c) => [c.name, c.columnType & 0xff]), [
      ["dept", 2],
      ["(count(*))", 2],
      ["(sum)", 5],
      ["(max)", 7],
      ["(avg)", 5]
    ])
    const rows = query(
      s,
      "SELECT dept, count(*), sum(salary), max(hired) FROM emp GROUP BY dept HAVING count(*) > 1 ORDER BY dept"
    )
    assert.strictEqual(rows.length, 2)
    assert.deepStrictEqual(rows[0]!.slice(0, 2), [1, 3])
    assertDecimal(rows[0]![2]!, "600.75")
    assert.strictEqual(String(rows[0]![3]), "2023-07-04")
    assert.deepStrictEqual(
      query(s, "SELECT name FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY name"),
      [["bob"], ["eve"]]
    )
    assert.deepStrictEqual(
      query(s, "SELECT UNIQUE dept FROM emp ORDER BY dept"),
      [[1], [2]]
    )
    const consts = prepare(s, "SELECT 1, 'abc', 2.5, name AS who FROM emp WHERE id = 1")
    assert.deepStrictEqual(consts.columns.map((c) => [c.name, c.columnType, c.encodedLength]), [
      ["(constant)", 2, 4],
      ["(constant)", 0, 3],
      ["(constant)", 5, 0x0201],
      ["who", 13, 20]
    ])
    engine.close()
  })

  it("TODAY, CURRENT, DATETIME/INTERVAL literals, casts, NVL, DECODE, MDY, DBINFO, string functions", () => {
    const { engine, s } = setup()
    const p = prepare(
      s,
      "SELECT TODAY, CURRENT, CURRENT HOUR TO SECOND, MDY(2, 29, 2024), YEAR(hired), MONTH(hired), DAY(hired), " +
        "WEEKDAY(MDY(11, 25, 2026)) FROM emp WHERE id = 1"
    )
    assert.deepStrictEqual(p.columns.map((c) => [c.columnType, c.encodedLength]), [
      [7, 4],
      [10, 0x110d],
      [10, 0x066a],
      [7, 4],
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2]
    ])
    const [row] = query(
      s,
      "SELECT TODAY, CURRENT, CURRENT HOUR TO SECOND, MDY(2, 29, 2024), YEAR(hired), MONTH(hired), DAY(hired), " +
        "WEEKDAY(MDY(11, 25, 2026)) FROM emp WHERE id = 1"
    )
    assert.deepStrictEqual(row!.map(String), [
      "2026-11-25",
      "2026-11-25 13:45:30.123",
      "13:45:30",
      "2024-02-29",
      "2020",
      "1",
      "15",
      "3"
    ])
    assert.deepStrictEqual(
      query(s, "SELECT name FROM emp WHERE hired > DATETIME(2022-01-01) YEAR TO DAY::DATE ORDER BY id").length,
      2
    )
    assert.deepStrictEqual(query(s, "SELECT name FROM emp WHERE hired = '2021-06-01'"), [["bob"]])
    assert.deepStrictEqual(query(s, "SELECT name FROM emp WHERE hired = MDY(6, 1, 2021)"), [["bob"]])
    const lit = query(
      s,
      "SELECT DATETIME(2024-01-02 03:04:05) YEAR TO SECOND, INTERVAL(2-06) YEAR TO MONTH, " +
        "DATETIME(2024-01-02 03:04:05) YEAR TO SECOND + INTERVAL(1) DAY TO DAY FROM emp WHERE id = 1"
    )[0]!
    assert.strictEqual(String(lit[0]), "2024-01-02 03:04:05")
    assert.strictEqual(String(lit[1]), "2-06")
    const casts = query(
      s,
      "SELECT salary::INT, CAST(salary AS CHAR(8)), '42'::INTEGER, hired::CHAR(10), 7/2, CAST('1.25' AS DECIMAL(5,2)) " +
        "FROM emp WHERE id = 1"
    )[0]!
    assert.deepStrictEqual(casts.slice(0, 4), [100, "100.5   ", 42, "2020-01-15"])
    assertDecimal(casts[4]!, "3.5")
    assertDecimal(casts[5]!, "1.25")
    assert.deepStrictEqual(
      query(
        s,
        "SELECT NVL(NULL, 'x'), DECODE(dept, 1, 'one', 2, 'two', 'other'), DECODE(dept, 9, 'nine') FROM emp WHERE id = 3"
      ),
      [["x", "two  ", null]]
    )
    assert.deepStrictEqual(
      query(
        s,
        "SELECT UPPER(name), LOWER('ABC'), TRIM('  a  '), LENGTH('abc   '), SUBSTR(name, 2, 2), " +
          "SUBSTRING(name FROM 1 FOR 2), CONCAT(name, '!'), name || '?', ROUND(2.567, 2), TRUNC(2.567, 1), ABS(-3), MOD(7, 3) " +
          "FROM emp WHERE id = 1"
      ).map((r) => r.map((v) => (BigDecimal.isBigDecimal(v) ? BigDecimal.format(v) : v))),
      [["ANN", "abc", "a", 3, "nn", "an", "ann!", "ann?", "2.57", "2.5", 3, 1]]
    )
    assert.deepStrictEqual(query(s, "SELECT name FROM emp WHERE name MATCHES 'b*'"), [["bob"]])
    assert.deepStrictEqual(query(s, "SELECT name FROM emp WHERE name LIKE '_v_'"), [["eve"]])
    const serial = exec(s, "INSERT INTO emp (name) VALUES ('fay')")
    assert.strictEqual(serial.serial, 6)
    assert.deepStrictEqual(query(s, "SELECT DBINFO('sqlca.sqlerrd1'), DBINFO('sqlca.sqlerrd2') FROM TABLE(SET{1})"), [[
      6,
      1
    ]])
    assert.strictEqual(failure(s, "SELECT DBINFO('nonsense') FROM emp").sqlcode, -728)
    engine.close()
  })

  it("DATETIME/INTERVAL arithmetic, EXTEND, CASE result types, statements accepted as no-ops", () => {
    const { engine, s } = setup()
    const [row] = query(
      s,
      "SELECT DATETIME(2024-01-31 10:00:00) YEAR TO SECOND + INTERVAL(1 02:30:00) DAY TO SECOND, " +
        "DATETIME(2024-03-01 00:00:00) YEAR TO SECOND - DATETIME(2024-02-28 12:00:00) YEAR TO SECOND, " +
        "DATETIME(2024-01-15) YEAR TO DAY + INTERVAL(1-01) YEAR TO MONTH, " +
        "hired + INTERVAL(10) DAY TO DAY, hired - MDY(1, 1, 2020), hired + 1, " +
        "EXTEND(DATETIME(2024-05-06 07:08:09) YEAR TO SECOND, YEAR TO DAY) FROM emp WHERE id = 1"
    )
    assert.deepStrictEqual(row!.map(String), [
      "2024-02-01 12:30:00",
      "1 12:00:00.00000",
      "2025-02-15",
      "2020-01-25",
      "14",
      "2020-01-16",
      "2024-05-06"
    ])
    assert.strictEqual(
      failure(s, "SELECT DATETIME(2024-01-31) YEAR TO DAY + INTERVAL(1) MONTH TO MONTH FROM emp WHERE id = 1").sqlcode,
      -1267
    )
    const p = prepare(s, "SELECT CASE WHEN dept = 1 THEN 'a' ELSE 'three' END kind FROM emp ORDER BY id")
    assert.deepStrictEqual(p.columns.map((c) => [c.name, c.columnType, c.encodedLength]), [["kind", 0, 5]])
    assert.deepStrictEqual(
      query(s, "SELECT CASE WHEN dept = 1 THEN 'a' ELSE 'three' END kind FROM emp WHERE id < 4 ORDER BY id"),
      [
        ["a    "],
        ["a    "],
        ["three"]
      ]
    )
    for (
      const sql of ["UPDATE STATISTICS", "SET EXPLAIN ON", "LOCK TABLE emp IN EXCLUSIVE MODE", "SET PDQPRIORITY 10"]
    ) {
      assert.deepStrictEqual(exec(s, sql), { rowsAffected: 0, serial: 0 })
    }
    // A routine that does not exist cannot be resolved (IBM -674); routines themselves are in spl.test.ts.
    assert.strictEqual(failure(s, "EXECUTE PROCEDURE nothing()").sqlcode, -674)
    engine.close()
  })

  it("Informix OUTER join syntax", () => {
    const { engine, s } = setup()
    exec(s, "INSERT INTO dept VALUES (3, 'empty')")
    assert.deepStrictEqual(
      query(s, "SELECT d.dname, e.name FROM dept d, OUTER emp e WHERE d.id = e.dept AND e.salary > 150 ORDER BY 1, 2"),
      [["empty     ", null], ["eng       ", "bob"], ["eng       ", "eve"], ["ops       ", null]]
    )
    assert.deepStrictEqual(
      query(
        s,
        "SELECT d.dname, count(e.id) FROM dept d, OUTER emp e WHERE d.id = e.dept AND d.id > 1 GROUP BY 1 ORDER BY 1"
      ),
      [["empty     ", 0], ["ops       ", 2]]
    )
    assert.strictEqual(failure(s, "SELECT * FROM dept d, OUTER (emp e, dept x)").sqlcode, -201)
    engine.close()
  })

  it("views are catalogued and typed; FOR UPDATE / FOR READ ONLY are accepted", () => {
    const { engine, s } = setup()
    assert.strictEqual(
      prepare(s, "CREATE VIEW rich (who, pay, twice) AS SELECT name, salary, salary * 2 FROM emp WHERE salary > 100")
        .statementType,
      40
    )
    exec(s, "CREATE VIEW rich (who, pay, twice) AS SELECT name, salary, salary * 2 FROM emp WHERE salary > 100")
    assert.deepStrictEqual(query(s, "SELECT tabtype, ncols FROM systables WHERE tabname = 'rich'"), [["V", 3]])
    const p = prepare(s, "SELECT * FROM rich ORDER BY who")
    assert.deepStrictEqual(p.columns.map((c) => [c.name, c.columnType & 0xff]), [["who", 13], ["pay", 5], ["twice", 5]])
    const rows = query(s, "SELECT * FROM rich ORDER BY who")
    assert.deepStrictEqual(rows.map((r) => r[0]), ["ann", "bob", "eve"])
    assertDecimal(rows[1]![2]!, "400.5")
    assert.strictEqual(failure(s, "CREATE VIEW rich AS SELECT 1 FROM emp").sqlcode, -310)
    exec(s, "DROP VIEW rich")
    assert.strictEqual(failure(s, "SELECT * FROM rich").sqlcode, -206)
    assert.deepStrictEqual(query(s, "SELECT name FROM emp WHERE id = 1 FOR UPDATE"), [["ann"]])
    assert.deepStrictEqual(query(s, "SELECT name FROM emp WHERE id = 1 FOR READ ONLY"), [["ann"]])
    engine.close()
  })

  it("scroll cursors materialise; stream cursors return chunks", () => {
    const { engine, s } = setup()
    const p = prepare(s, "SELECT id FROM emp ORDER BY id")
    const scroll = s.openCursor(p, [], { scroll: true })
    if (isEngineError(scroll)) throw new Error("open")
    assert.strictEqual(scroll.count, 5)
    assert.deepStrictEqual(scroll.row?.(4), [5])
    assert.strictEqual(scroll.row?.(5), undefined)
    scroll.close()
    const stream = s.openCursor(p, [])
    if (isEngineError(stream)) throw new Error("open")
    assert.deepStrictEqual(stream.next(3), [[1], [2], [3]])
    assert.deepStrictEqual(stream.next(3), [[4], [5]])
    assert.deepStrictEqual(stream.next(3), [])
    assert.strictEqual(stream.rowsFetched, 5)
    stream.close()
    engine.close()
  })
})

describe("engine: SERIAL semantics", () => {
  it("0/NULL take the next value, explicit values are used and advance the counter; SERIAL8/BIGSERIAL too", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, "CREATE TABLE s (id SERIAL(10), x INT)")
    assert.strictEqual(exec(s, "INSERT INTO s (x) VALUES (1)").serial, 10)
    assert.strictEqual(exec(s, "INSERT INTO s VALUES (0, 2)").serial, 11)
    assert.strictEqual(exec(s, "INSERT INTO s VALUES (100, 3)").serial, 100)
    assert.strictEqual(exec(s, "INSERT INTO s VALUES (50, 4)").serial, 50)
    assert.strictEqual(exec(s, "INSERT INTO s VALUES (0, 5)").serial, 101)
    assert.deepStrictEqual(query(s, "SELECT id FROM s ORDER BY x"), [[10], [11], [100], [50], [101]])
    assert.strictEqual(failure(s, "CREATE TABLE bad (id SERIAL8, b BIGSERIAL)").sqlcode, -201)
    exec(s, "CREATE TABLE s8 (id SERIAL8, x INT)")
    exec(s, "CREATE TABLE bs (id BIGSERIAL(5), x INT)")
    assert.strictEqual(exec(s, "INSERT INTO bs (x) VALUES (1)").bigserial, 5n)
    assert.strictEqual(prepare(s, "INSERT INTO bs (x) VALUES (1)").insertsSerial, "bigserial")
    const r = exec(s, "INSERT INTO s8 (x) VALUES (1)")
    assert.strictEqual(r.serial8, 1n)
    assert.strictEqual(prepare(s, "INSERT INTO s8 (x) VALUES (1)").insertsSerial, "serial8")
    assert.deepStrictEqual(query(s, "SELECT DBINFO('serial8') FROM s8"), [[1n]])
    const many = exec(s, "INSERT INTO s8 (x) SELECT x FROM s")
    assert.strictEqual(many.rowsAffected, 5)
    assert.deepStrictEqual(query(s, "SELECT max(id) FROM s8"), [[6n]])
    engine.close()
  })
})

describe("engine: errors as a real server reports them", () => {
  it("syntax, unknown table/column, duplicates, NOT NULL, parameter count", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, "CREATE TABLE e (id INT PRIMARY KEY, u CHAR(3) NOT NULL, k INT)")
    exec(s, "CREATE UNIQUE INDEX ek ON e (k)")
    exec(s, "INSERT INTO e VALUES (1, 'a', 1)")
    const syntax = failure(s, "SELECT * FRM e")
    assert.deepStrictEqual([syntax.sqlcode, syntax.offset], [-201, 9])
    assert.strictEqual(failure(s, "FROB the table").sqlcode, -201)
    const table = failure(s, "SELECT * FROM nosuchtable")
    assert.deepStrictEqual([table.sqlcode, table.isamCode, table.parameter, table.offset], [
      -206,
      -111,
      "nosuchtable",
      14
    ])
    assert.deepStrictEqual([failure(s, "INSERT INTO nosuch VALUES (1)").sqlcode], [-206])
    const column = failure(s, "SELECT nosuchcol FROM e")
    assert.deepStrictEqual([column.sqlcode, column.parameter], [-217, "nosuchcol"])
    const pk = failure(s, "INSERT INTO e VALUES (1, 'b', 2)")
    assert.deepStrictEqual([pk.sqlcode, pk.isamCode], [-268, -100])
    // Informix names an unnamed constraint u<tabid>_<constrid> (metadataCatalog.ts).
    assert.match(pk.parameter, /^informix\.u\d+_\d+$/)
    const index = failure(s, "INSERT INTO e VALUES (2, 'b', 1)")
    assert.deepStrictEqual([index.sqlcode, index.isamCode, index.parameter], [-239, -100, "ek"])
    const nn = failure(s, "INSERT INTO e (id, k) VALUES (3, 3)")
    assert.deepStrictEqual([nn.sqlcode, nn.parameter], [-391, "e.u"])
    assert.strictEqual(failure(s, "INSERT INTO e VALUES (?, ?, ?)", [1]).sqlcode, -254)
    assert.strictEqual(failure(s, "INSERT INTO e VALUES (1, 2)").sqlcode, -236)
    assert.strictEqual(failure(s, "DATABASE other").sqlcode, -201)
    assert.strictEqual(engine.openSession("nosuchdb", "informix") !== undefined, true)
    const db = engine.openSession("nosuchdb", "informix")
    assert.isTrue(isEngineError(db) && db.sqlcode === -329)
    engine.close()
  })

  it("CHECK and referential constraints", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, "CREATE TABLE parent (id INT PRIMARY KEY CONSTRAINT pk_parent, qty INT CHECK (qty >= 0) CONSTRAINT ck_qty)")
    exec(s, "CREATE TABLE child (id INT, pid INT REFERENCES parent (id))")
    exec(s, "INSERT INTO parent VALUES (1, 5)")
    const check = failure(s, "INSERT INTO parent VALUES (2, -1)")
    assert.deepStrictEqual([check.sqlcode, check.parameter], [-530, "informix.ck_qty"])
    const pk = failure(s, "INSERT INTO parent VALUES (1, 1)")
    assert.deepStrictEqual([pk.sqlcode, pk.parameter], [-268, "informix.pk_parent"])
    assert.strictEqual(failure(s, "INSERT INTO child VALUES (1, 99)").sqlcode, -691)
    exec(s, "INSERT INTO child VALUES (1, 1)")
    assert.strictEqual(failure(s, "DELETE FROM parent WHERE id = 1").sqlcode, -692)
    engine.close()
  })

  it("transaction errors: -255, -535, BEGIN on an unlogged database", () => {
    const engine = makeEngine()
    const s = open(engine)
    assert.strictEqual(s.commit()?.sqlcode, -255)
    assert.strictEqual(s.rollback()?.sqlcode, -255)
    assert.strictEqual(s.savepoint("a")?.sqlcode, -255)
    assert.strictEqual(s.begin(), undefined)
    assert.strictEqual(s.begin()?.sqlcode, -535)
    assert.strictEqual(failure(s, "BEGIN WORK").sqlcode, -535)
    assert.strictEqual(exec(s, "COMMIT WORK").transactionChanged, "commit")
    const u = open(engine, "nolog")
    assert.strictEqual(u.begin()?.sqlcode, -201)
    assert.strictEqual(u.commit(), undefined)
    assert.isFalse(engine.isLogged("nolog"))
    assert.isTrue(engine.isLogged("testdb"))
    engine.close()
  })

  it("SET TRANSACTION: -255 outside a transaction, -876 once it started; its level ends with the transaction", () => {
    const engine = makeEngine()
    const s = open(engine)
    exec(s, "CREATE TABLE t (a INTEGER)")
    exec(s, "SET ISOLATION TO COMMITTED READ")
    assert.strictEqual(failure(s, "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED").sqlcode, -255)
    assert.strictEqual(s.begin(), undefined)
    exec(s, "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED")
    assert.strictEqual(s.isolation, "read uncommitted")
    assert.strictEqual(failure(s, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").sqlcode, -876)
    assert.strictEqual(s.commit(), undefined)
    assert.strictEqual(s.isolation, "committed read", "the session's level is back after COMMIT")
    assert.strictEqual(s.begin(), undefined)
    query(s, "SELECT a FROM t")
    assert.strictEqual(failure(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").sqlcode, -876)
    assert.strictEqual(s.rollback(), undefined)
    // SET ISOLATION inside a transaction lasts for the session.
    assert.strictEqual(s.begin(), undefined)
    exec(s, "SET ISOLATION TO DIRTY READ")
    assert.strictEqual(s.rollback(), undefined)
    assert.strictEqual(s.isolation, "dirty read")
    // An ANSI database is always in a transaction: SET TRANSACTION is its first statement after COMMIT.
    const ansiEngine = makeEngine({ ansi: true })
    const a = open(ansiEngine)
    exec(a, "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED")
    assert.strictEqual(a.isolation, "read uncommitted")
    assert.strictEqual(a.commit(), undefined)
    assert.notStrictEqual(a.isolation, "read uncommitted")
    engine.close()
    ansiEngine.close()
  })
})

describe("engine: transactions, savepoints and locks between sessions", () => {
  it("commit/rollback visibility and savepoints (file databases, WAL)", () => {
    const directory = mkdtempSync(join(tmpdir(), "ifx-engine-"))
    try {
      const engine = makeEngine({ directory })
      const a = open(engine)
      const b = open(engine)
      exec(a, "CREATE TABLE tx (v INT)")
      assert.strictEqual(exec(a, "BEGIN WORK").transactionChanged, "begin")
      assert.isTrue(a.inTransaction)
      exec(a, "INSERT INTO tx VALUES (1)")
      // COMMITTED READ waits for the uncommitted change (lock error under NOT WAIT), never reads it.
      const waits = b.openCursor(prepare(b, "SELECT count(*) FROM tx"), []) as EngineError
      assert.deepStrictEqual([waits.sqlcode, waits.isamCode, waits.lockConflict], [-244, -107, true])
      assert.strictEqual(a.rollback(), undefined)
      assert.isFalse(a.inTransaction)
      assert.deepStrictEqual(query(a, "SELECT count(*) FROM tx"), [[0]])
      assert.strictEqual(a.begin(), undefined)
      exec(a, "INSERT INTO tx VALUES (1)")
      assert.strictEqual(a.savepoint("sp1"), undefined)
      exec(a, "INSERT INTO tx VALUES (2)")
      assert.strictEqual(a.rollbackToSavepoint("sp1"), undefined)
      exec(a, "SAVEPOINT sp2")
      exec(a, "INSERT INTO tx VALUES (3)")
      exec(a, "RELEASE SAVEPOINT sp2")
      // Two writers: the second one gets a lock conflict at once (busy timeout 0) and may retry.
      const conflict = failure(b, "INSERT INTO tx VALUES (9)")
      assert.deepStrictEqual([conflict.sqlcode, conflict.isamCode, conflict.lockConflict], [-271, -107, true])
      exec(b, "SET LOCK MODE TO WAIT 5")
      assert.strictEqual(b.lockWaitSeconds, 5)
      assert.strictEqual(failure(b, "DELETE FROM tx").isamCode, -154)
      assert.strictEqual(a.commit(), undefined)
      assert.deepStrictEqual(query(b, "SELECT v FROM tx ORDER BY v"), [[1], [3]])
      exec(b, "INSERT INTO tx VALUES (9)")
      // An open transaction is rolled back when the session closes.
      a.begin()
      exec(a, "DELETE FROM tx")
      a.close()
      assert.deepStrictEqual(query(b, "SELECT count(*) FROM tx"), [[3]])
      engine.close()
      // The data survives the engine.
      const again = makeEngine({ directory })
      assert.deepStrictEqual(query(open(again), "SELECT count(*) FROM tx"), [[3]])
      again.close()
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it("ANSI databases are always in a transaction (DDL included)", () => {
    const engine = Engine.make({ databases: [{ name: "ansidb", ansi: true }], now: fixedNow })
    const s = open(engine, "ansidb")
    assert.isTrue(engine.isLogged("ansidb"))
    exec(s, "CREATE TABLE t (a INT)")
    assert.isTrue(s.inTransaction)
    exec(s, "INSERT INTO t VALUES (1)")
    assert.strictEqual(exec(s, "ROLLBACK WORK").transactionChanged, "rollback")
    assert.isFalse(s.inTransaction)
    assert.strictEqual(failure(s, "SELECT * FROM t").sqlcode, -206)
    assert.strictEqual(s.commit(), undefined)
    exec(s, "CREATE TABLE t (a INT)")
    exec(s, "INSERT INTO t VALUES (1)")
    exec(s, "COMMIT WORK")
    assert.deepStrictEqual(query(s, "SELECT count(*) FROM t"), [[1]])
    assert.strictEqual(exec(s, "UPDATE t SET a = 2 WHERE a = 99").notFound, true)
    assert.strictEqual(exec(s, "DELETE FROM t WHERE a = 1").notFound, undefined)
    engine.close()
  })

  it("in-memory databases are shared between sessions; reading a table another session is writing waits", () => {
    const engine = makeEngine()
    const a = open(engine)
    const b = open(engine)
    exec(a, "CREATE TABLE m (v INT)")
    exec(a, "INSERT INTO m VALUES (1)")
    assert.deepStrictEqual(query(b, "SELECT v FROM m"), [[1]])
    a.begin()
    exec(a, "INSERT INTO m VALUES (2)")
    const p = prepare(b, "SELECT v FROM m")
    const read = b.openCursor(p, [])
    assert.isTrue(isEngineError(read))
    const e = read as EngineError
    assert.deepStrictEqual([e.sqlcode, e.isamCode, e.lockConflict], [-244, -107, true])
    exec(b, "SET ISOLATION TO DIRTY READ")
    assert.strictEqual(b.isolation, "dirty read")
    // DIRTY READ does not wait; separate SQLite connections cannot see uncommitted rows, so it reads the last
    // committed ones (docs/protocol-evidence.md).
    assert.deepStrictEqual(query(b, "SELECT count(*) FROM m"), [[1]])
    a.commit()
    exec(b, "SET ISOLATION TO COMMITTED READ")
    assert.deepStrictEqual(query(b, "SELECT count(*) FROM m"), [[2]])
    engine.close()
  })

  it("COMMITTED READ: a reader's open transaction blocks no writer and sees each new commit", () => {
    const engine = makeEngine()
    const reader = open(engine)
    const writer = open(engine)
    exec(reader, "CREATE TABLE cr (k INT)")
    exec(reader, "INSERT INTO cr VALUES (1)")
    reader.begin()
    assert.deepStrictEqual(query(reader, "SELECT count(*) FROM cr"), [[1]])
    // Another session inserts and creates a table while the reader's transaction is open (NOT WAIT: no retry).
    exec(writer, "INSERT INTO cr VALUES (2)")
    exec(writer, "CREATE TABLE cr_other (k INT)")
    writer.begin()
    exec(writer, "INSERT INTO cr VALUES (3)")
    assert.strictEqual(writer.commit(), undefined)
    // Each read of the open transaction sees the latest commit (no snapshot held, no dirty read).
    assert.deepStrictEqual(query(reader, "SELECT count(*) FROM cr"), [[3]])
    // The reader can still write after others committed; from its first write on it holds the write lock.
    exec(reader, "INSERT INTO cr VALUES (4)")
    const conflict = failure(writer, "INSERT INTO cr VALUES (5)")
    assert.deepStrictEqual([conflict.sqlcode, conflict.isamCode, conflict.lockConflict], [-271, -107, true])
    assert.strictEqual(reader.commit(), undefined)
    exec(writer, "INSERT INTO cr VALUES (5)")
    assert.deepStrictEqual(query(writer, "SELECT count(*) FROM cr"), [[5]])
    engine.close()
  })

  it("transactions writing only temp tables take no database-wide lock", () => {
    const engine = makeEngine()
    const a = open(engine)
    const b = open(engine)
    exec(a, "CREATE TABLE perm (k INT)")
    a.begin()
    b.begin()
    exec(a, "CREATE TEMP TABLE ta (k INT)")
    exec(a, "INSERT INTO ta VALUES (1)")
    exec(b, "CREATE TEMP TABLE tb (k INT)")
    exec(b, "INSERT INTO tb VALUES (1)")
    // A permanent write of either still works while the other holds only temp writes.
    exec(b, "INSERT INTO perm VALUES (1)")
    assert.strictEqual(b.commit(), undefined)
    exec(a, "INSERT INTO ta SELECT k FROM ta")
    assert.deepStrictEqual(query(a, "SELECT count(*) FROM ta"), [[2]])
    assert.strictEqual(a.rollback(), undefined)
    assert.deepStrictEqual(query(a, "SELECT count(*) FROM perm"), [[1]])
    engine.close()
  })

  it("REPEATABLE READ keeps its snapshot for the transaction; a later write after another commit conflicts", () => {
    const engine = makeEngine()
    const a = open(engine)
    const b = open(engine)
    exec(a, "CREATE TABLE rr (k INT)")
    exec(a, "SET ISOLATION TO REPEATABLE READ")
    a.begin()
    assert.deepStrictEqual(query(a, "SELECT count(*) FROM rr"), [[0]])
    exec(b, "INSERT INTO rr VALUES (1)")
    assert.deepStrictEqual(query(a, "SELECT count(*) FROM rr"), [[0]])
    assert.strictEqual(failure(a, "INSERT INTO rr VALUES (2)").lockConflict, true)
    assert.strictEqual(a.rollback(), undefined)
    assert.deepStrictEqual(query(a, "SELECT count(*) FROM rr"), [[1]])
    engine.close()
  })

  it("temp tables belong to their session; SELECT ... INTO TEMP", () => {
    const engine = makeEngine()
    const a = open(engine)
    const b = open(engine)
    assert.strictEqual(prepare(a, "CREATE TEMP TABLE tt (id SERIAL, v CHAR(4))").statementType, 45)
    exec(a, "CREATE TEMP TABLE tt (id SERIAL, v CHAR(4)) WITH NO LOG")
    assert.strictEqual(exec(a, "INSERT INTO tt (v) VALUES ('x')").serial, 1)
    assert.strictEqual(exec(a, "INSERT INTO tt (v) VALUES ('y')").serial, 2)
    assert.deepStrictEqual(query(a, "SELECT id, v FROM tt ORDER BY id"), [[1, "x   "], [2, "y   "]])
    assert.strictEqual(failure(b, "SELECT * FROM tt").sqlcode, -206)
    assert.deepStrictEqual(query(a, "SELECT count(*) FROM systables WHERE tabname = 'tt'"), [[0]])
    const into = exec(a, "SELECT id * 10 AS ten, v FROM tt INTO TEMP t2 WITH NO LOG")
    assert.strictEqual(into.rowsAffected, 2)
    const p = prepare(a, "SELECT ten, v FROM t2 ORDER BY ten")
    assert.deepStrictEqual(p.columns.map((c) => [c.name, c.columnType, c.encodedLength]), [["ten", 2, 4], ["v", 0, 4]])
    assert.deepStrictEqual(query(a, "SELECT ten, v FROM t2 ORDER BY ten"), [[10, "x   "], [20, "y   "]])
    exec(a, "DROP TABLE tt")
    assert.strictEqual(failure(a, "SELECT * FROM tt").sqlcode, -206)
    engine.close()
  })
})
