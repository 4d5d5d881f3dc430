/**
 * The built-ins Informix code uses every day, through the wire: values and the types DESCRIBE reports for them.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

const one = "FROM systables WHERE tabid = 1"

describe("built-in functions", () => {
  it.live("server, user and session functions", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith({ serverName: "ol_prod" })
      const r = yield* conn.queryWithColumns(
        `SELECT DBSERVERNAME, SITENAME, USER, CURRENT_USER, DBINFO('dbname'), DBINFO('sessionid'), ` +
          `DBINFO('version', 'major') ${one}`
      )
      assert.deepStrictEqual(r.rows[0]!.slice(0, 5), ["ol_prod", "ol_prod", "informix", "informix", "testdb"])
      assert.isTrue(typeof r.rows[0]![5] === "number" && r.rows[0]![5] > 0)
      assert.deepStrictEqual(r.columns.slice(0, 3).map((c) => c.type), [13, 13, 13])
      const other = yield* serverWith({ serverName: "ol_prod" })
      const [[mine]] = yield* conn.values(`SELECT DBINFO('sessionid') ${one}`)
      const [[theirs]] = yield* other.conn.values(`SELECT DBINFO('sessionid') ${one}`)
      assert.notStrictEqual(mine, theirs)
      yield* conn.execute("CREATE TABLE s (id SERIAL8, v INT)")
      yield* conn.execute("INSERT INTO s (v) VALUES (1)")
      yield* conn.execute("INSERT INTO s (v) VALUES (2)")
      assert.deepStrictEqual(yield* conn.values(`SELECT DBINFO('serial8') ${one}`), [[2n]])
      yield* conn.execute("UPDATE s SET v = v + 1")
      assert.deepStrictEqual(yield* conn.values(`SELECT DBINFO('sqlca.sqlerrd2') ${one}`), [[2]])
      assert.strictEqual(yield* failure(conn.values(`SELECT DBINFO('nosuch') ${one}`)), -728)
    }).pipe(Effect.scoped))

  it.live("character functions", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE t (c CHAR(6), v VARCHAR(12), n INT)")
      yield* conn.execute("INSERT INTO t VALUES ('ab', 'hello world', NULL)")
      const r = yield* conn.queryWithColumns(
        "SELECT NVL(n, 7), NVL2(n, 'set', 'unset'), COALESCE(n, NULL, 3), DECODE(c, 'ab', 'yes', 'no'), " +
          "CASE WHEN n IS NULL THEN 'none' ELSE 'some' END, SUBSTR(v, 1, 5), SUBSTRING(v FROM 7 FOR 5), " +
          "INSTR(v, 'o'), LPAD(c, 5, '*'), RPAD(v, 13, '.'), REPLACE(v, 'l'), REPLACE(v, 'world', 'there'), " +
          "TRIM(BOTH ' ' FROM '  x  '), LTRIM('  x'), RTRIM(c), LENGTH(c), CHAR_LENGTH(v), OCTET_LENGTH('ab'), " +
          "UPPER(c), LOWER('AB') FROM t"
      )
      assert.deepStrictEqual(r.rows, [[
        7,
        "unset",
        3,
        "yes",
        "none",
        "hello",
        "world",
        5,
        "***ab",
        "hello world..",
        "heo word",
        "hello there",
        "x",
        "x",
        "ab",
        2,
        11,
        2,
        "AB    ",
        "ab"
      ]])
      // SUBSTR / SUBSTRING keep the string's type; INSTR and the lengths are INTEGER; LPAD / RPAD are VARCHAR of
      // the requested length.
      assert.deepStrictEqual(
        [5, 6, 7, 8, 9, 15].map((i) => [r.columns[i]!.type, r.columns[i]!.encodedLength]),
        [[13, 12], [13, 12], [2, 4], [13, 5], [13, 13], [2, 4]]
      )
    }).pipe(Effect.scoped))

  it.live("date and number functions", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE d (d DATE, x DECIMAL(8,3))")
      yield* conn.execute("INSERT INTO d VALUES (MDY(1, 31, 2024), 3.456)")
      const r = yield* conn.queryWithColumns(
        "SELECT ADD_MONTHS(d, 1), LAST_DAY(d + 1), ROUND(d, 'MONTH'), TRUNC(d, 'YEAR'), " +
          "TO_CHAR(d, '%d.%m.%Y %a'), TO_DATE('2024-02-03 04:05', '%Y-%m-%d %H:%M'), " +
          "EXTEND(d, YEAR TO MINUTE), WEEKDAY(d), YEAR(d), MONTH(d), DAY(d), " +
          "ROUND(x, 1), TRUNC(x, 2), MOD(17, 5), POW(2, 10), ABS(-x), MONTHS_BETWEEN(MDY(3, 31, 2024), d) FROM d"
      )
      const row = r.rows[0]!.map((v) => (BigDecimal.isBigDecimal(v) ? BigDecimal.format(v) : String(v)))
      assert.deepStrictEqual(row, [
        "2024-02-29",
        "2024-02-29",
        "2024-02-01",
        "2024-01-01",
        "31.01.2024 Wed",
        "2024-02-03 04:05:00.00000",
        "2024-01-31 00:00",
        "3",
        "2024",
        "1",
        "31",
        "3.5",
        "3.45",
        "2",
        "1024",
        "3.456",
        "2"
      ])
      // DATE results stay DATE; TO_DATE is DATETIME YEAR TO FRACTION(5); POW is FLOAT.
      assert.deepStrictEqual([0, 1, 2, 3, 5, 14].map((i) => r.columns[i]!.type), [7, 7, 7, 7, 10, 3])
      assert.strictEqual(yield* failure(conn.values("SELECT TO_DATE('31/31/2024', '%d/%m/%Y') FROM d")), -1218)
      assert.strictEqual(yield* failure(conn.values("SELECT TO_DATE('x', '%Y') FROM d")), -1277)
    }).pipe(Effect.scoped))

  it.live("window functions, CTEs, outer joins, SKIP/FIRST/LIMIT and set operators", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE emp (id INT, dept CHAR(2), pay DECIMAL(8,2))")
      yield* conn.execute("CREATE TABLE dept (code CHAR(2), name VARCHAR(10))")
      for (const [id, dept, pay] of [[1, "a", 10], [2, "a", 20], [3, "b", 30], [4, "b", 30]] as const) {
        yield* conn.execute("INSERT INTO emp VALUES (?, ?, ?)", [id, dept, pay])
      }
      yield* conn.execute("INSERT INTO dept VALUES ('a', 'alpha')")
      yield* conn.execute("INSERT INTO dept VALUES ('c', 'gamma')")
      const w = yield* conn.queryWithColumns(
        "SELECT id, ROW_NUMBER() OVER (ORDER BY id), RANK() OVER (ORDER BY pay), DENSE_RANK() OVER (ORDER BY pay), " +
          "SUM(pay) OVER (PARTITION BY dept), AVG(pay) OVER (PARTITION BY dept ORDER BY id), " +
          "COUNT(*) OVER (PARTITION BY dept) FROM emp ORDER BY id"
      )
      assert.deepStrictEqual(
        w.rows.map((r) => r.map((v) => (BigDecimal.isBigDecimal(v) ? BigDecimal.format(v) : v))),
        [[1, 1, 1, 1, "30", "10", 2], [2, 2, 2, 2, "30", "15", 2], [3, 3, 3, 3, "60", "30", 2], [
          4,
          4,
          3,
          3,
          "60",
          "30",
          2
        ]]
      )
      // Ranks are INTEGER, SUM / AVG OVER are DECIMAL like their aggregates (never typed from a first row).
      assert.deepStrictEqual(w.columns.map((c) => c.type), [2, 2, 2, 2, 5, 5, 2])
      assert.deepStrictEqual(
        yield* conn.values("WITH big AS (SELECT id FROM emp WHERE pay > 15) SELECT count(*) FROM big"),
        [[3]]
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT d.code, e.id FROM dept d LEFT OUTER JOIN emp e ON e.dept = d.code ORDER BY 1, 2"),
        [["a ", 1], ["a ", 2], ["c ", null]]
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT d.code, e.id FROM dept d, OUTER emp e WHERE e.dept = d.code ORDER BY 1, 2"),
        [["a ", 1], ["a ", 2], ["c ", null]]
      )
      assert.deepStrictEqual(yield* conn.values("SELECT SKIP 1 FIRST 2 id FROM emp ORDER BY id"), [[2], [3]])
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM emp ORDER BY id LIMIT 1"), [[1]])
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT dept FROM emp UNION SELECT code FROM dept INTERSECT SELECT dept FROM emp EXCEPT SELECT 'z' FROM emp"
        ),
        [["a "], ["b "]]
      )
      assert.deepStrictEqual(yield* conn.values("SELECT dept FROM emp UNION ALL SELECT code FROM dept"), [
        ["a "],
        ["a "],
        ["b "],
        ["b "],
        ["a "],
        ["c "]
      ])
      // A UNION's character column is as wide as its widest branch (JDBC's getTableTypes reads 'SYSTEM TABLE').
      const kinds = yield* conn.queryWithColumns(
        "SELECT trim('TABLE') AS kind FROM emp WHERE id = 1 UNION SELECT trim('SYSTEM TABLE') AS kind FROM emp " +
          "WHERE id = 1 UNION SELECT 'VIEW' FROM emp WHERE id = 1 ORDER BY 1"
      )
      assert.deepStrictEqual(kinds.columns.map((c) => [c.type, c.encodedLength]), [[13, 12]])
      assert.deepStrictEqual(kinds.rows, [["SYSTEM TABLE"], ["TABLE"], ["VIEW"]])
      // ORDER BY a select-list column's name sorts by it, though both tables have an `id` (JDBC getFunctionColumns).
      yield* conn.execute("CREATE TABLE o1 (id INT, n INT)")
      yield* conn.execute("CREATE TABLE o2 (id INT, m INT)")
      yield* conn.execute("INSERT INTO o1 VALUES (1, 10)")
      yield* conn.execute("INSERT INTO o1 VALUES (2, 20)")
      yield* conn.execute("INSERT INTO o2 SELECT id, n * 2 FROM o1")
      assert.deepStrictEqual(
        yield* conn.values("SELECT o1.id, m FROM o1, o2 WHERE o1.id = o2.id ORDER BY id DESC"),
        [[2, 40], [1, 20]]
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT m, o2.id FROM o1, o2 WHERE o1.id = o2.id ORDER BY m, id LIMIT 1"),
        [[20, 1]]
      )
      // Not in the select list: still ambiguous (-324), as on Informix.
      assert.strictEqual(yield* failure(conn.values("SELECT m FROM o1, o2 WHERE o1.id = o2.id ORDER BY id")), -324)
    }).pipe(Effect.scoped))
})
