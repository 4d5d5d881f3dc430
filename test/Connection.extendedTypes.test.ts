/**
 * DISTINCT, named ROW, opaque, JSON and BSON types through the wire against the TestServer: DDL and catalog, the
 * describe a real server sends (flags, extended id/name, sourceType), decoding and binding, casts, the `types` codec
 * registry, and the typed errors of bad input.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"
import * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import * as Informix from "../src/InformixValue.ts"
import * as TestServer from "../src/TestServer.ts"

const setup = (options?: Partial<Connection.ConnectionConfig>) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make()
    const conn = yield* Connection.make({ url: server.url, ...options })
    return { server, conn }
  })

describe("DISTINCT types", () => {
  it.live("columns describe as base | 0x0800 with the type's own xid and name, and decode/bind as the base", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup()
      yield* conn.execute("CREATE DISTINCT TYPE dollars AS DECIMAL(10,2)")
      yield* conn.execute("CREATE DISTINCT TYPE flag AS BOOLEAN")
      yield* conn.execute("CREATE TABLE acct (id INT, bal dollars, ok flag)")
      yield* conn.execute("INSERT INTO acct VALUES (1, 12.5::dollars, 't')")
      yield* conn.execute("INSERT INTO acct VALUES (?, ?, ?)", [
        2,
        BigDecimal.fromStringUnsafe("3.25"),
        Informix.boolean(false)
      ])
      const rows = yield* conn.query("SELECT bal, ok FROM acct ORDER BY id")
      assert.deepStrictEqual(rows, [
        { bal: BigDecimal.fromStringUnsafe("12.50"), ok: true },
        { bal: BigDecimal.fromStringUnsafe("3.25"), ok: false }
      ])
      const { columns } = yield* conn.queryWithColumns("SELECT bal, ok FROM acct")
      const xtd = yield* conn.query(
        "SELECT extended_id, mode, name, type, source FROM sysxtdtypes WHERE name IN ('dollars', 'flag') ORDER BY name"
      )
      assert.deepStrictEqual(xtd.map((r) => [r.mode, r.name, r.type, r.source]), [["D", "dollars", 5, 0], [
        "D",
        "flag",
        41,
        5
      ]])
      assert.deepStrictEqual(columns.map((c) => [c.type, c.distinct, c.extendedId, c.extendedName]), [
        [5, true, xtd[0]!.extended_id, "dollars"],
        [41, true, xtd[1]!.extended_id, "flag"]
      ])
      const [sum] = yield* conn.query("SELECT sum(bal::DECIMAL(10,2)) AS s FROM acct")
      assert.deepStrictEqual(sum, { s: BigDecimal.fromStringUnsafe("15.75") })
    }).pipe(Effect.scoped))
})

describe("user type DDL", () => {
  it.live("types persist in the catalog, are refused twice, and DROP TYPE refuses types in use", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup()
      yield* conn.execute("CREATE DISTINCT TYPE dollars AS MONEY(8,2)")
      yield* conn.execute("CREATE DISTINCT TYPE euros AS dollars")
      yield* conn.execute("CREATE TABLE t (e euros)")
      const code = (sql: string) =>
        conn.execute(sql).pipe(Effect.flip, Effect.map((e) => (e as { sqlcode?: number }).sqlcode))
      assert.strictEqual(yield* code("CREATE DISTINCT TYPE dollars AS INT"), -9996)
      assert.strictEqual(yield* code("DROP TYPE nosuch RESTRICT"), -9628)
      assert.strictEqual(yield* code("DROP TYPE dollars RESTRICT"), -9640)
      assert.strictEqual(yield* code("DROP TYPE euros RESTRICT"), -9630)
      assert.strictEqual(yield* code("CREATE DISTINCT TYPE bad AS SET(INT NOT NULL)"), -9656)
      assert.strictEqual(yield* code("CREATE TABLE u (c nosuch)"), -9628)
      // A second session reads the column's type back from syscolumns (coltype with 0x0800, extended_id).
      const other = yield* Connection.make(server.url)
      yield* other.execute("INSERT INTO t VALUES (?)", ["7.5"])
      const { columns, rows } = yield* other.queryWithColumns("SELECT e FROM t")
      assert.deepStrictEqual(rows, [[BigDecimal.fromStringUnsafe("7.50")]])
      assert.deepStrictEqual([columns[0]!.type, columns[0]!.distinct, columns[0]!.extendedName], [8, true, "euros"])
      const [col] = yield* other.query("SELECT coltype FROM syscolumns WHERE colname = 'e'")
      assert.strictEqual(col!.coltype, 8 | 0x800)
      yield* other.execute("DROP TABLE t")
      yield* other.execute("DROP TYPE euros RESTRICT")
      yield* other.execute("DROP TYPE dollars RESTRICT")
      const left = yield* other.query("SELECT count(*) AS n FROM sysxtdtypes WHERE extended_id >= 2048")
      assert.deepStrictEqual(left, [{ n: 0 }])
    }).pipe(Effect.scoped))
})

describe("JSON and BSON", () => {
  it.live("JSON columns decode to JS values; json() binds; invalid JSON is -9660", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup()
      yield* conn.execute("CREATE TABLE docs (id INT, j JSON, b BSON)")
      yield* conn.execute(`INSERT INTO docs (id, j) VALUES (1, '{"a": [1, 2], "b": "x"}')`)
      yield* conn.execute("INSERT INTO docs (id, j) VALUES (?, ?)", [2, Informix.json({ n: null, t: true, s: "é" })])
      yield* conn.execute("INSERT INTO docs (id, j) VALUES (?, ?)", [3, Informix.json(null)])
      const rows = yield* conn.query("SELECT j FROM docs ORDER BY id")
      assert.deepStrictEqual(rows.map((r) => r.j), [{ a: [1, 2], b: "x" }, { n: null, t: true, s: "é" }, null])
      const { columns } = yield* conn.queryWithColumns("SELECT j, b FROM docs")
      assert.deepStrictEqual(columns.map((c) => [c.type, c.extendedId, c.extendedName]), [[40, 25, "json"], [
        40,
        26,
        "bson"
      ]])
      const bad = yield* conn.execute("INSERT INTO docs (id, j) VALUES (4, '{oops')").pipe(Effect.flip)
      assert.strictEqual((bad as { sqlcode?: number }).sqlcode, -9660)
      const unserialisable = yield* conn.execute("INSERT INTO docs (id, j) VALUES (?, ?)", [5, Informix.json(1n)]).pipe(
        Effect.exit
      )
      assert.isTrue(Exit.isFailure(unserialisable))
      assert.deepStrictEqual(yield* conn.query("SELECT count(*) AS n FROM docs"), [{ n: 3 }])
    }).pipe(Effect.scoped))

  it.live("BSON columns decode through the bson package; bson() binds; casts between JSON and BSON", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup()
      yield* conn.execute("CREATE TABLE docs (id INT, b BSON)")
      yield* conn.execute("INSERT INTO docs VALUES (?, ?)", [
        1,
        Informix.bson({ a: 1, big: 2n ** 40n, nested: { s: "x" } })
      ])
      yield* conn.execute(`INSERT INTO docs VALUES (2, '{"k": [true, 1.5]}'::json::bson)`)
      yield* conn.execute("INSERT INTO docs VALUES (?, ?)", [3, Informix.bson(null)])
      const rows = yield* conn.query("SELECT b FROM docs ORDER BY id")
      assert.deepStrictEqual(rows.map((r) => r.b), [
        { a: 1, big: 2n ** 40n, nested: { s: "x" } },
        { k: [true, 1.5] },
        null
      ])
      const [asJson] = yield* conn.query("SELECT b::json AS j FROM docs WHERE id = 2")
      assert.deepStrictEqual(asJson, { j: { k: [true, 1.5] } })
      const notADocument = yield* conn.execute("INSERT INTO docs VALUES (?, ?)", [4, Informix.bson([1, 2])]).pipe(
        Effect.flip
      )
      assert.match(String((notADocument as { message?: string }).message), /BSON expects a document/)
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      const cycle = yield* conn.execute("INSERT INTO docs VALUES (?, ?)", [5, Informix.bson(cyclic)]).pipe(Effect.flip)
      assert.match(String((cycle as { message?: string }).message), /BSON cannot serialise/)
      assert.deepStrictEqual(yield* conn.query("SELECT count(*) AS n FROM docs"), [{ n: 3 }])
    }).pipe(Effect.scoped))
})

/** `point`: two big-endian doubles, the bytes of a fixed-length opaque type. */
const Point = Schema.Uint8Array.pipe(
  Schema.decodeTo(Schema.Struct({ x: Schema.Number, y: Schema.Number }), {
    decode: SchemaGetter.transformEffect((bytes: Uint8Array) =>
      bytes.length === 16
        ? Effect.succeed({
          x: new DataView(bytes.buffer, bytes.byteOffset).getFloat64(0),
          y: new DataView(bytes.buffer, bytes.byteOffset).getFloat64(8)
        })
        : Effect.fail(new SchemaIssue.InvalidValue({ message: "a point is 16 bytes" }))
    ),
    encode: SchemaGetter.transform(({ x, y }: { readonly x: number; readonly y: number }) => {
      const bytes = new Uint8Array(16)
      new DataView(bytes.buffer).setFloat64(0, x)
      new DataView(bytes.buffer).setFloat64(8, y)
      return bytes
    })
  })
)

describe("opaque types and the codec registry", () => {
  it.live("without a codec an opaque column is { typeName, bytes }; with one it decodes and namedType() encodes", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup()
      yield* conn.execute("CREATE OPAQUE TYPE point (INTERNALLENGTH = 16)")
      yield* conn.execute("CREATE TABLE shapes (id INT, p point)")
      const raw = Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0x3f : i === 1 ? 0xf0 : 0))
      yield* conn.execute("INSERT INTO shapes VALUES (?, ?)", [1, Informix.namedType("point", raw)])
      const [opaque] = yield* conn.query("SELECT p FROM shapes")
      assert.instanceOf(opaque!.p, Informix.OpaqueValue)
      const value = opaque!.p as Informix.OpaqueValue
      assert.deepStrictEqual([value.typeCode, value.typeName, Array.from(value.bytes)], [41, "point", Array.from(raw)])
      assert.isTrue(Schema.is(Informix.OpaqueValueFromSelf)(value))
      // The OpaqueValue binds back as it came.
      yield* conn.execute("INSERT INTO shapes VALUES (?, ?)", [2, value])

      const typed = yield* Connection.make({ url: server.url, types: { POINT: Point } })
      yield* typed.execute("INSERT INTO shapes VALUES (?, ?)", [3, Informix.namedType("point", { x: -2.5, y: 4 })])
      const rows = yield* typed.query("SELECT id, p FROM shapes ORDER BY id")
      assert.deepStrictEqual(rows, [{ id: 1, p: { x: 1, y: 0 } }, { id: 2, p: { x: 1, y: 0 } }, {
        id: 3,
        p: { x: -2.5, y: 4 }
      }])
    }).pipe(Effect.scoped))

  it.live("bad binds and bad bytes are typed errors that name the type", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup()
      yield* conn.execute("CREATE OPAQUE TYPE point (INTERNALLENGTH = 16)")
      yield* conn.execute("CREATE TABLE shapes (id INT, p point)")
      const noCodec = yield* conn.execute("INSERT INTO shapes VALUES (?, ?)", [
        1,
        Informix.namedType("point", { x: 1 })
      ])
        .pipe(Effect.flip)
      assert.match(String((noCodec as { message?: string }).message), /no codec is registered for type point/)
      yield* conn.execute("INSERT INTO shapes VALUES (?, ?)", [2, Informix.namedType("point", Uint8Array.of(1, 2, 3))])
      const typed = yield* Connection.make({ url: server.url, types: { point: Point } })
      const wrongShape = yield* typed.execute("INSERT INTO shapes VALUES (?, ?)", [3, Informix.namedType("point", "x")])
        .pipe(Effect.flip)
      assert.match(
        String((wrongShape as { message?: string }).message),
        /codec registered for type point cannot encode/
      )
      const badBytes = yield* typed.query("SELECT p FROM shapes").pipe(Effect.flip)
      assert.strictEqual(badBytes._tag, "ResultDecodeError")
      assert.match(
        String((badBytes as { message?: string }).message),
        /codec registered for type point rejected a 3-byte value/
      )
      // The connection stays usable.
      assert.deepStrictEqual(yield* typed.query("SELECT count(*) AS n FROM shapes"), [{ n: 1 }])
      const invalid = yield* Connection.make({ url: server.url, types: { point: (() => 1) as never } }).pipe(
        Effect.flip
      )
      assert.strictEqual(invalid._tag, "ConfigError")
    }).pipe(Effect.scoped))
})

describe("named ROW types", () => {
  it.live("CREATE ROW TYPE, columns of it, ROW(...)::name literals, row() binds and typed tables", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup()
      yield* conn.execute("CREATE ROW TYPE person_t (name VARCHAR(30), age INT)")
      yield* conn.execute("CREATE TABLE people (id INT, p person_t)")
      yield* conn.execute("INSERT INTO people VALUES (1, ROW('Ann', 41)::person_t)")
      // Bound as the ROW's structure: the server casts it to the named type, as Informix casts unnamed to named rows.
      const personRow = "row(name varchar(30), age int)"
      yield* conn.execute("INSERT INTO people VALUES (?, ?)", [2, Informix.row(personRow, { name: "Bo", age: 7 })])
      yield* conn.execute("INSERT INTO people VALUES (3, NULL)")
      const { columns, rows } = yield* conn.queryWithColumns("SELECT p FROM people ORDER BY id")
      assert.deepStrictEqual(rows.map((r) => r[0]), [{ name: "Ann", age: 41 }, { name: "Bo", age: 7 }, null])
      assert.deepStrictEqual([columns[0]!.type, columns[0]!.extendedName], [22, "person_t"])
      const [col] = yield* conn.query("SELECT coltype, extended_id FROM syscolumns WHERE colname = 'p'")
      assert.strictEqual(col!.coltype, 22 | 0x1000)
      const attrs = yield* conn.query(
        "SELECT seqno, levelno, parent_no, fieldname, type FROM sysattrtypes WHERE extended_id = ? ORDER BY seqno",
        [col!.extended_id]
      )
      assert.deepStrictEqual(attrs.map((a) => [a.seqno, a.levelno, a.parent_no, a.fieldname, a.type]), [
        [1, 0, 0, "", 22],
        [2, 1, 1, "name", 13],
        [3, 1, 1, "age", 2]
      ])
      // A second session reads the column's type back from the catalog.
      const other = yield* Connection.make(server.url)
      assert.deepStrictEqual(yield* other.query("SELECT p FROM people WHERE id = 1"), [{ p: { name: "Ann", age: 41 } }])
      const code = (sql: string) =>
        other.execute(sql).pipe(Effect.flip, Effect.map((e) => (e as { sqlcode?: number }).sqlcode))
      assert.strictEqual(yield* code("CREATE ROW TYPE person_t (x INT)"), -9991)
      assert.strictEqual(yield* code("DROP TYPE person_t RESTRICT"), -9641)
      assert.strictEqual(yield* code("DROP ROW TYPE person_t RESTRICT"), -9630)
      const unknownName = yield* other.execute("INSERT INTO people VALUES (?, ?)", [4, Informix.row("person_t", {})])
        .pipe(Effect.flip)
      assert.strictEqual(unknownName._tag, "ParameterError")
      const wrongShape = yield* other.execute("INSERT INTO people VALUES (?, ?)", [
        4,
        Informix.row("row(name varchar(30), age int)", { zz: 1 })
      ]).pipe(Effect.flip)
      assert.strictEqual(wrongShape._tag, "ParameterError")
      assert.match(String((wrongShape as { message?: string }).message), /zz/)
      const otherStructure = yield* other.execute("INSERT INTO people VALUES (?, ?)", [
        4,
        Informix.row("row(a int)", { a: 1 })
      ]).pipe(Effect.flip)
      assert.strictEqual((otherStructure as { sqlcode?: number }).sqlcode, -9634)
      // A typed table: the type's fields are its columns.
      yield* other.execute("CREATE TABLE staff OF TYPE person_t (PRIMARY KEY (name))")
      yield* other.execute("INSERT INTO staff VALUES ('Cy', 30)")
      const dup = yield* other.execute("INSERT INTO staff VALUES ('Cy', 31)").pipe(Effect.flip)
      assert.strictEqual((dup as { sqlcode?: number }).sqlcode, -268)
      assert.deepStrictEqual(yield* other.query("SELECT * FROM staff"), [{ name: "Cy", age: 30 }])
      assert.strictEqual(yield* code("CREATE TABLE bad OF TYPE nosuch_t"), -9992)
      yield* other.execute("DROP TABLE staff")
      yield* other.execute("DROP TABLE people")
      yield* other.execute("DROP ROW TYPE person_t RESTRICT")
    }).pipe(Effect.scoped))
})

describe("BSON functions", () => {
  it.live("bson_value_* read a field at a dotted path; bson_get gives a document with it", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup()
      yield* conn.execute("CREATE TABLE docs (id INT, b BSON)")
      yield* conn.execute("INSERT INTO docs VALUES (?, ?)", [
        1,
        Informix.bson({ n: 7, big: 2n ** 40n, x: 1.5, s: "hi", ok: true, a: { b: [10, 20] } })
      ])
      const [row] = yield* conn.query(
        "SELECT bson_value_int(b, 'n') AS n, bson_value_bigint(b, 'big') AS big, bson_value_double(b, 'x') AS x," +
          " bson_value_lvarchar(b, 's') AS s, bson_value_varchar(b, 'a.b.1') AS v, bson_value_boolean(b, 'ok') AS ok," +
          " bson_value_int(b, 'missing') AS missing, bson_get(b, 'a') AS got FROM docs"
      )
      assert.deepStrictEqual(row, {
        n: 7,
        big: 2n ** 40n,
        x: 1.5,
        s: "hi",
        v: "20",
        ok: true,
        missing: null,
        got: { a: { b: [10, 20] } }
      })
      const found = yield* conn.query("SELECT id FROM docs WHERE bson_value_int(b, 'a.b.0') = 10")
      assert.deepStrictEqual(found, [{ id: 1 }])
    }).pipe(Effect.scoped))
})

describe("through InformixClient", () => {
  it.live("json(), bson() and namedType() are statement parameters; the types option reaches every pooled session", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const sql = yield* InformixClient.make({ url: server.url, maxConnections: 2, types: { point: Point } }).pipe(
        Effect.provide(Reactivity.layer)
      )
      yield* sql`CREATE OPAQUE TYPE point (INTERNALLENGTH = 16)`
      yield* sql`CREATE TABLE t (j JSON, b BSON, p point)`
      yield* sql`INSERT INTO t VALUES (${Informix.json([1])}, ${Informix.bson({ k: "v" })}, ${
        Informix.namedType("point", { x: 1, y: 2 })
      })`
      assert.deepStrictEqual(yield* sql`SELECT j, b, p FROM t`, [{ j: [1], b: { k: "v" }, p: { x: 1, y: 2 } }])
    }).pipe(Effect.scoped))
})
