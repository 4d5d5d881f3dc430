/**
 * SET / MULTISET / LIST / ROW through the wire against the TestServer: DDL, literals, binds (`collection`, `row`),
 * values decoded from the type-44 form the driver asks for with SQ_RET_TYPE, nesting, and typed errors.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as Informix from "../src/InformixValue.ts"
import * as TestServer from "../src/TestServer.ts"

const setup = Effect.gen(function*() {
  const server = yield* TestServer.make()
  const conn = yield* Connection.make(server.url)
  yield* conn.execute(
    "CREATE TABLE c (id INT, s SET(INTEGER NOT NULL), l LIST(VARCHAR(20) NOT NULL), m MULTISET(DECIMAL(8,2) NOT NULL)," +
      " r ROW(a INT, b VARCHAR(10)), n LIST(ROW(x INT, ys SET(VARCHAR(5) NOT NULL)) NOT NULL))"
  )
  return { server, conn }
})

describe("collections and ROW through the wire", () => {
  it.live("literals are stored and decode to arrays and objects", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup
      yield* conn.execute(
        "INSERT INTO c VALUES (1, SET{3, 1, 3}, LIST{'b', 'a', 'b'}, MULTISET{1.5, 1.5}, ROW(7, 'xy')," +
          " LIST{ROW(1, SET{'p', 'q'}), ROW(2, SET{})})"
      )
      yield* conn.execute("INSERT INTO c VALUES (2, NULL, LIST{}, NULL, ROW(NULL, NULL), NULL)")
      const rows = yield* conn.query("SELECT * FROM c ORDER BY id")
      assert.deepStrictEqual(rows[0], {
        id: 1,
        s: [3, 1],
        l: ["b", "a", "b"],
        m: [BigDecimal.fromStringUnsafe("1.50"), BigDecimal.fromStringUnsafe("1.50")],
        r: { a: 7, b: "xy" },
        n: [{ x: 1, ys: ["p", "q"] }, { x: 2, ys: [] }]
      })
      assert.deepStrictEqual(rows[1], { id: 2, s: null, l: [], m: null, r: { a: null, b: null }, n: null })
      const { columns } = yield* conn.queryWithColumns("SELECT s, r FROM c")
      assert.deepStrictEqual(columns.map((c) => [c.type, c.extendedName]), [
        [19, "set(integer not null)"],
        [22, "row(a integer, b varchar(10))"]
      ])
      const streamed = yield* Stream.runCollect(conn.streamValues("SELECT l FROM c ORDER BY id"))
      assert.deepStrictEqual(streamed.map((r) => r[0]), [["b", "a", "b"], []])
      assert.strictEqual((yield* server.stats).cursors, 0)
    }).pipe(Effect.scoped))

  it.live("collection and ROW parameters bind and come back", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("INSERT INTO c (id, s, l, r, n) VALUES (?, ?, ?, ?, ?)", [
        1,
        Informix.collection("set(integer not null)", [5, 6]),
        Informix.collection("list(varchar(20) not null)", ["é", ""]),
        Informix.row("row(a int, b varchar(10))", { a: 1, b: "z" }),
        Informix.collection("list(row(x int, ys set(varchar(5) not null)) not null)", [{ x: 9, ys: ["k"] }])
      ])
      const [row] = yield* conn.query("SELECT s, l, r, n FROM c")
      assert.deepStrictEqual(row, { s: [5, 6], l: ["é", ""], r: { a: 1, b: "z" }, n: [{ x: 9, ys: ["k"] }] })
    }).pipe(Effect.scoped))

  it.live("DATE, DATETIME, INTERVAL and DECIMAL elements and ROW fields: literals and binds, equal in a SET once", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* conn.execute(
        "CREATE TABLE t (id INT, d SET(DATE NOT NULL), ts LIST(DATETIME YEAR TO SECOND NOT NULL)," +
          " i MULTISET(INTERVAL DAY(3) TO SECOND NOT NULL), m LIST(DECIMAL(10,2) NOT NULL)," +
          " r ROW(d DATE, t DATETIME HOUR TO MINUTE, i INTERVAL YEAR TO MONTH, m DECIMAL(8,3)))"
      )
      yield* conn.execute(
        "INSERT INTO t VALUES (1, SET{'2024-01-05', '1999-12-31', '2024-01-05'}, LIST{'2024-01-05 10:11:12'}," +
          " MULTISET{'1 02:03:04', '1 02:03:04'}, LIST{1.5, 2.25}, ROW('2024-02-29', '10:30', '2-03', 1.125))"
      )
      const q = Informix.qualifier
      const date = new Informix.LocalDate(2024, 1, 5)
      const stamp = Informix.DateTime.fromDate(new Date(Date.UTC(2024, 0, 5, 10, 11, 12)), q("YEAR", "SECOND"))
      const span = Option.getOrThrow(
        Informix.IntervalDayTime.parse("1 02:03:04", q("DAY", "SECOND", { leadingPrecision: 3 }))
      )
      const months = Option.getOrThrow(Informix.IntervalYearMonth.parse("2-03", q("YEAR", "MONTH")))
      const hhmm = Informix.DateTime.fromDate(new Date(Date.UTC(2000, 0, 1, 10, 30)), q("HOUR", "MINUTE"))
      yield* conn.execute("INSERT INTO t VALUES (2, ?, ?, ?, ?, ?)", [
        Informix.collection("set(date not null)", [date, new Informix.LocalDate(1999, 12, 31), date]),
        Informix.collection("list(datetime year to second not null)", [stamp]),
        Informix.collection("multiset(interval day(3) to second not null)", [span, span]),
        Informix.collection("list(decimal(10,2) not null)", [
          BigDecimal.fromStringUnsafe("1.5"),
          BigDecimal.fromStringUnsafe("2.25")
        ]),
        Informix.row("row(d date, t datetime hour to minute, i interval year to month, m decimal(8,3))", {
          d: new Informix.LocalDate(2024, 2, 29),
          t: hhmm,
          i: months,
          m: BigDecimal.fromStringUnsafe("1.125")
        })
      ])
      const rows = yield* conn.query("SELECT d, ts, i, m, r FROM t ORDER BY id")
      const expected = {
        d: [date, new Informix.LocalDate(1999, 12, 31)],
        ts: [stamp],
        i: [span, span],
        m: [BigDecimal.fromStringUnsafe("1.50"), BigDecimal.fromStringUnsafe("2.25")],
        r: { d: new Informix.LocalDate(2024, 2, 29), t: hhmm, i: months, m: BigDecimal.fromStringUnsafe("1.125") }
      }
      assert.deepStrictEqual(rows, [expected, expected])
      const { columns } = yield* conn.queryWithColumns("SELECT ts, i FROM t")
      assert.deepStrictEqual(columns.map((c) => c.extendedName), [
        "list(datetime year to second not null)",
        "multiset(interval day(3) to second not null)"
      ])
    }).pipe(Effect.scoped))

  it.live("executeMany binds them per row; a scroll cursor reads them (SQ_RET_TYPE before SFETCH)", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.executeMany(
        "INSERT INTO c (id, s) VALUES (?, ?)",
        [1, 2, 3].map((id) => [id, Informix.collection("set(integer not null)", [id, id * 10])])
      )
      const cursor = yield* conn.scroll("SELECT id, s FROM c ORDER BY id")
      assert.deepStrictEqual(Option.getOrThrow(yield* cursor.last), { id: 3, s: [3, 30] })
      assert.deepStrictEqual(Option.getOrThrow(yield* cursor.absolute(1)), { id: 1, s: [1, 10] })
    }).pipe(Effect.scoped))

  it.live("bad input is a typed error and the connection stays usable", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const wrongElement = yield* Effect.exit(
        conn.execute("INSERT INTO c (id, s) VALUES (1, ?)", [Informix.collection("set(integer not null)", [1, "x"])])
      )
      assert.isTrue(Exit.isFailure(wrongElement))
      const nullElement = yield* Effect.exit(
        conn.execute("INSERT INTO c (id, l) VALUES (1, ?)", [
          Informix.collection("list(varchar(20) not null)", ["a", null])
        ])
      )
      assert.isTrue(Exit.isFailure(nullElement))
      const badType = yield* Effect.exit(
        conn.execute("INSERT INTO c (id, s) VALUES (1, ?)", [Informix.collection("set(blob not null)", [])])
      )
      assert.isTrue(Exit.isFailure(badType))
      const serverSide = yield* Effect.exit(conn.execute("INSERT INTO c (id, s) VALUES (1, SET{'x'})"))
      assert.isTrue(Exit.isFailure(serverSide))
      const nullLiteral = yield* Effect.exit(conn.execute("INSERT INTO c (id, s) VALUES (1, SET{1, NULL})"))
      assert.isTrue(Exit.isFailure(nullLiteral))
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM c"), [[0]])
    }).pipe(Effect.scoped))
})
