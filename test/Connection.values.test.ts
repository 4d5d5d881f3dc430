/**
 * Every value type round-trips through SQ_BIND and SQ_TUPLE against the TestServer: bound as a parameter (inferred
 * from the JS value or explicitly typed), stored, fetched back and decoded — including NULL and edge values. BYTE and
 * TEXT go in through the SQ_BBIND stream and out through SQ_FETCHBLOB while the cursor is open.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as Informix from "../src/InformixValue.ts"
import * as TestServer from "../src/TestServer.ts"
import { eventually } from "./eventually.ts"

const q = (text: string): Informix.Qualifier => Option.getOrThrow(Informix.parseQualifier(text))
const dec = (text: string) => BigDecimal.fromStringUnsafe(text)

interface Case {
  readonly type: string
  /** Values to bind; each is expected back unchanged unless `expected` says otherwise. */
  readonly values: ReadonlyArray<unknown>
  readonly expected?: ReadonlyArray<unknown>
}

const ymdhmsf = q("YEAR TO FRACTION(3)")
const ymd = q("YEAR TO DAY")
const hm = q("HOUR TO MINUTE")
const dts = q("DAY(3) TO SECOND")
const dtf = q("DAY TO FRACTION(5)")
const ym = q("YEAR TO MONTH")

const bytes = Uint8Array.from({ length: 3000 }, (_, i) => i % 256)
const longText = "lorem ipsum dolor sit amet ".repeat(200)

const cases: ReadonlyArray<Case> = [
  { type: "SMALLINT", values: [0, 1, -1, 32767, -32767, null] },
  { type: "INTEGER", values: [0, 42, -42, 2147483647, -2147483647, null] },
  { type: "INT8", values: [0n, 9223372036854775807n, -9223372036854775807n, null] },
  { type: "BIGINT", values: [0n, 9007199254740993n, -9223372036854775807n, null] },
  { type: "SMALLFLOAT", values: [0, 1.5, -0.25, 3.4028234663852886e38, null] },
  { type: "FLOAT", values: [0, Math.PI, -1e300, 5e-324, Number.MAX_VALUE, null] },
  {
    type: "DECIMAL(16,2)",
    values: [dec("0"), dec("12345678901234.56"), dec("-0.01"), dec("1.5"), null],
    expected: [dec("0.00"), dec("12345678901234.56"), dec("-0.01"), dec("1.50"), null]
  },
  {
    type: "DECIMAL(32,10)",
    values: [dec("1234567890123456789012.0123456789"), dec("-0.0000000001"), null]
  },
  { type: "MONEY(8,2)", values: [dec("-99.99"), dec("123456.78"), null] },
  {
    type: "DATE",
    values: [
      new Informix.LocalDate(1899, 12, 31),
      new Informix.LocalDate(2026, 11, 25),
      new Informix.LocalDate(2000, 2, 29),
      new Informix.LocalDate(9999, 12, 31),
      new Informix.LocalDate(1, 1, 1),
      null
    ]
  },
  {
    type: "DATETIME YEAR TO FRACTION(3)",
    values: [
      new Informix.DateTime(ymdhmsf, {
        year: 2026,
        month: 11,
        day: 25,
        hour: 13,
        minute: 45,
        second: 7,
        fraction: 12300
      }),
      new Informix.DateTime(ymdhmsf, { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 }),
      null
    ]
  },
  {
    type: "DATETIME YEAR TO DAY",
    values: [new Informix.DateTime(ymd, { year: 2024, month: 2, day: 29 }), null]
  },
  {
    type: "DATETIME HOUR TO MINUTE",
    values: [new Informix.DateTime(hm, { hour: 23, minute: 59 }), new Informix.DateTime(hm, { hour: 0, minute: 0 })]
  },
  {
    type: "INTERVAL DAY(3) TO SECOND",
    values: [
      new Informix.IntervalDayTime(dts, { days: 999, hours: 23, minutes: 59, seconds: 59 }),
      new Informix.IntervalDayTime(dts, { negative: true, days: 1, hours: 2, minutes: 3, seconds: 4 }),
      null
    ]
  },
  {
    type: "INTERVAL DAY TO FRACTION(5)",
    values: [new Informix.IntervalDayTime(dtf, { days: 3, hours: 4, minutes: 5, seconds: 6, fraction: 78901 })]
  },
  {
    type: "INTERVAL YEAR TO MONTH",
    values: [
      new Informix.IntervalYearMonth(ym, { years: 12, months: 11 }),
      new Informix.IntervalYearMonth(ym, { negative: true, years: 1, months: 6 }),
      null
    ]
  },
  { type: "CHAR(6)", values: ["abc", "", "abcdef", null], expected: ["abc   ", "      ", "abcdef", null] },
  { type: "VARCHAR(40)", values: ["hello", "", "héllo wörld ÿ", "x".repeat(40), null] },
  { type: "NCHAR(4)", values: ["ab", null], expected: ["ab  ", null] },
  { type: "NVARCHAR(20)", values: ["nvarchar", null] },
  { type: "LVARCHAR(5000)", values: ["l".repeat(4000), "", null] },
  { type: "BOOLEAN", values: [true, false, null] },
  { type: "BYTE", values: [bytes, new Uint8Array(0), Uint8Array.of(0), null] },
  { type: "TEXT", values: [longText, "t", null] }
]

describe("value round trips (bind → store → fetch)", () => {
  for (const [index, c] of cases.entries()) {
    it.live(c.type, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make()
        const conn = yield* Connection.make(server.url)
        const table = `v${index}`
        yield* conn.execute(`CREATE TABLE ${table} (seq INTEGER, x ${c.type})`)
        for (const [i, value] of c.values.entries()) {
          const inserted = yield* conn.execute(`INSERT INTO ${table} VALUES (?, ?)`, [i, value])
          assert.strictEqual(inserted.rowsAffected, 1)
        }
        const rows = yield* conn.values(`SELECT x FROM ${table} ORDER BY seq`)
        const expected = c.expected ?? c.values
        assert.deepStrictEqual(rows.map((r) => r[0]), expected as Array<unknown>)
        // Also as a parameter of a WHERE clause (bind → compare on the server), for non-NULL scalar values.
        const probe = c.values.find((v) => v !== null && !(v instanceof Uint8Array) && c.type !== "TEXT")
        if (probe !== undefined && !c.type.startsWith("SMALLFLOAT")) {
          const found = yield* conn.values(`SELECT seq FROM ${table} WHERE x = ?`, [probe])
          assert.isAtLeast(found.length, 1, `WHERE x = ? found nothing for ${c.type}`)
        }
        // And through a stream (SQ_FETCHBLOB while the cursor is open for BYTE/TEXT).
        const streamed = yield* Stream.runCollect(conn.streamValues(`SELECT x FROM ${table} ORDER BY seq`))
        assert.deepStrictEqual(streamed.map((r) => r[0]), expected as Array<unknown>)
        // The stream read its cursor to the end: the CLOSE goes out once the session stays idle.
        assert.strictEqual((yield* eventually(server.stats, (s) => s.cursors === 0)).cursors, 0)
      }).pipe(Effect.scoped))
  }

  it.live("explicitly typed parameters override inference", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE typed (d DECIMAL(10,2), b BOOLEAN, s SMALLINT, t DATE, l LVARCHAR(100))")
      yield* conn.execute("INSERT INTO typed VALUES (?, ?, ?, ?, ?)", [
        Informix.decimal("1.10"),
        Informix.boolean(true),
        Informix.smallint(7),
        Informix.date("2026-11-25"),
        Informix.lvarchar("long")
      ])
      assert.deepStrictEqual(yield* conn.values("SELECT d, b, s, t, l FROM typed"), [[
        dec("1.10"),
        true,
        7,
        new Informix.LocalDate(2026, 11, 25),
        "long"
      ]])
    }).pipe(Effect.scoped))
})

describe("undefined parameters", () => {
  // Decision (Connection.Parameter JSDoc): `undefined` binds NULL like `null`, as effect/sql's Statement treats it.
  it.live("undefined and array holes bind NULL, exactly like null", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE u (id INTEGER, v VARCHAR(10), n INTEGER)")
      yield* conn.execute("INSERT INTO u VALUES (?, ?, ?)", [1, undefined, undefined])
      yield* conn.execute("INSERT INTO u VALUES (?, ?, ?)", [2, null, null])
      // oxlint-disable-next-line no-sparse-arrays -- the hole is the point: it reads as undefined
      yield* conn.execute("INSERT INTO u VALUES (?, ?, ?)", [3, , 7])
      assert.deepStrictEqual(yield* conn.values("SELECT id, v, n FROM u ORDER BY id"), [
        [1, null, null],
        [2, null, null],
        [3, null, 7]
      ])
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM u WHERE v IS NULL ORDER BY id"), [[1], [2], [3]])
    }).pipe(Effect.scoped))
})
