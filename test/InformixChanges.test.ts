/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * Change streams over CDC, end to end against TestServer: the engine records the changes the statements make and
 * serves them through the syscdcv1 routines and the session's smart-LO reads; the driver's Stream turns them into
 * events. Each capture is started with `idle: true` and waits for its first Idle event, so the writes that follow
 * are certainly captured (nothing here depends on timing).
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as InformixChanges from "../src/InformixChanges.ts"
import type * as TestServer from "../src/TestServer.ts"
import { mixedChanges, setup, shopServer } from "./changesSupport.ts"

type Event = InformixChanges.ChangeEvent<unknown>

const TABLE = "shop:informix.orders"

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x))

/** Events by shape (no times, positions or transaction ids). */
const shape = (e: Event): string => {
  switch (e._tag) {
    case "Insert":
    case "Delete":
      return `${e._tag} ${json(e.row)}`
    case "Update":
      return `Update ${json(e.before)} -> ${json(e.after)}`
    default:
      return e._tag
  }
}

/**
 * Starts a capture into a queue and returns once it runs (its first Idle event): `take(n)` then reads the next n
 * events other than Idle. The capture fiber lives until the test's scope closes (or `stop`).
 */
const capture = <A>(options: InformixChanges.CdcOptions<A>, consume: Effect.Effect<void> = Effect.void) =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<InformixChanges.ChangeEvent<A>>()
    const fiber = yield* Effect.forkScoped(
      InformixChanges.cdc({ timeout: 1, ...options, idle: true }).pipe(
        Stream.runForEach((e) => Effect.andThen(consume, Queue.offer(queue, e)))
      )
    )
    // Events before the first Idle (a resumed capture's backlog) are kept for `take`.
    const early: Array<InformixChanges.ChangeEvent<A>> = []
    for (let e = yield* Queue.take(queue); e._tag !== "Idle"; e = yield* Queue.take(queue)) early.push(e)
    const take = (n: number) =>
      Effect.gen(function*() {
        const out = early.splice(0, n)
        while (out.length < n) {
          const e = yield* Queue.take(queue)
          if (e._tag !== "Idle") out.push(e)
        }
        return out
      })
    return { take, fiber, stop: Fiber.interrupt(fiber) }
  })

const positionOf = (e: Event): bigint => e.position

describe("InformixChanges.cdc", () => {
  it.live("every kind of change, in commit order, with transaction boundaries; nothing of rolled-back work", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const { take } = yield* capture({ connection: url, tables: [{ table: TABLE }] })
      yield* mixedChanges(conn)
      yield* conn.execute("UPDATE orders SET qty = qty + 1")
      const events = yield* take(13)
      assert.deepStrictEqual(events.map(shape), [
        "Begin",
        `Insert {"id":1,"item":"apple","qty":3}`,
        "Commit",
        "Begin",
        `Insert {"id":2,"item":"pear","qty":1}`,
        `Update {"id":1,"item":"apple","qty":3} -> {"id":1,"item":"apple","qty":5}`,
        "Commit",
        "Begin",
        `Delete {"id":2,"item":"pear","qty":1}`,
        "Commit",
        "Begin",
        `Update {"id":1,"item":"apple","qty":5} -> {"id":1,"item":"apple","qty":6}`,
        "Commit"
      ])
      const positions = events.map(positionOf)
      assert.deepStrictEqual(positions.toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0)), positions)
      assert.strictEqual(new Set(positions).size, positions.length)
      const tx = events.map((e) => ("transactionId" in e ? e.transactionId : -1))
      assert.deepStrictEqual([tx[4], tx[5], tx[6]], [tx[3], tx[3], tx[3]])
      assert.notStrictEqual(tx[0], tx[3])
      assert.strictEqual((events[1] as InformixChanges.Insert).table, TABLE)
    }).pipe(Effect.scoped))

  it.live("a row whose SERIAL / SERIAL8 the server assigns is one Insert carrying the assigned values", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* Connection.make({ url, database: "shop" })
      yield* conn.execute("CREATE TABLE tickets (id SERIAL NOT NULL PRIMARY KEY, seq SERIAL8, note VARCHAR(10))")
      const { take } = yield* capture({ connection: url, tables: [{ table: "shop:informix.tickets" }] })
      yield* conn.execute("INSERT INTO tickets VALUES (0, 0, 'first')")
      yield* conn.execute("INSERT INTO tickets (note) VALUES ('second')")
      yield* conn.execute("INSERT INTO tickets VALUES (10, 7, 'given')")
      yield* conn.execute("UPDATE tickets SET note = 'changed' WHERE id = 1")
      yield* conn.execute("INSERT INTO tickets (note) SELECT 'copy' FROM tickets WHERE id <= 2")
      const events = yield* take(16)
      assert.deepStrictEqual(events.map(shape), [
        "Begin",
        `Insert {"id":1,"seq":"1n","note":"first"}`,
        "Commit",
        "Begin",
        `Insert {"id":2,"seq":"2n","note":"second"}`,
        "Commit",
        "Begin",
        `Insert {"id":10,"seq":"7n","note":"given"}`,
        "Commit",
        "Begin",
        `Update {"id":1,"seq":"1n","note":"first"} -> {"id":1,"seq":"1n","note":"changed"}`,
        "Commit",
        "Begin",
        `Insert {"id":11,"seq":"8n","note":"copy"}`,
        `Insert {"id":12,"seq":"9n","note":"copy"}`,
        "Commit"
      ])
    }).pipe(Effect.scoped))

  it.live("values of every type the CDC row image carries, and rows decoded with a Schema", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* Connection.make({ url, database: "shop" })
      yield* conn.execute(
        "CREATE TABLE kinds (i INTEGER, s SMALLINT, b BIGINT, i8 INT8, f FLOAT, sf SMALLFLOAT, d DECIMAL(8,2), " +
          "m MONEY(10,2), dt DATE, ts DATETIME YEAR TO SECOND, c CHAR(4), v VARCHAR(10), n NVARCHAR(10), " +
          "lv LVARCHAR(200), ok BOOLEAN)"
      )
      const { take } = yield* capture({ connection: url, tables: [{ table: "shop:kinds" }] })
      yield* conn.execute(
        "INSERT INTO kinds VALUES (-7, 12, 9007199254740993, -5, 1.5, 0.25, 123.45, 9.99, '2024-02-29', " +
          "'2024-02-29 23:59:58', 'ab', 'héllo', 'nv', 'a long text', 't')"
      )
      yield* conn.execute("INSERT INTO kinds (i) VALUES (NULL)")
      const [, full, , , nulls] = yield* take(6)
      assert.strictEqual(full?._tag, "Insert")
      const row = (full as InformixChanges.Insert).row
      assert.deepStrictEqual(
        [row.i, row.s, row.b, row.i8, row.f, row.sf, row.c, row.v, row.n, row.lv, row.ok],
        [-7, 12, 9007199254740993n, -5n, 1.5, 0.25, "ab  ", "héllo", "nv", "a long text", true]
      )
      assert.isTrue(BigDecimal.equals(row.d as BigDecimal.BigDecimal, BigDecimal.fromStringUnsafe("123.45")))
      assert.isTrue(BigDecimal.equals(row.m as BigDecimal.BigDecimal, BigDecimal.fromStringUnsafe("9.99")))
      assert.strictEqual(String(row.dt), "2024-02-29")
      assert.strictEqual(String(row.ts), "2024-02-29 23:59:58")
      assert.deepStrictEqual(Object.values((nulls as InformixChanges.Insert).row), Array(15).fill(null))

      // With a Schema: rows come decoded (and a row the Schema rejects fails the stream).
      const Order = Schema.Struct({ id: Schema.Number, item: Schema.String, qty: Schema.Number })
      yield* conn.execute("CREATE TABLE orders (id INTEGER, item VARCHAR(20), qty SMALLINT)")
      const typed = yield* capture({ connection: url, tables: [{ table: TABLE, schema: Order }] })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 3)")
      const [, inserted] = yield* typed.take(2)
      const order: typeof Order.Type = (inserted as InformixChanges.Insert<typeof Order.Type>).row
      assert.deepStrictEqual(order, { id: 1, item: "apple", qty: 3 })
      yield* conn.execute("INSERT INTO orders VALUES (2, NULL, 3)")
      const failed = yield* Effect.exit(Fiber.join(typed.fiber))
      assert.isTrue(Exit.isFailure(failed) && String(failed.cause).includes("ResultDecodeError"))
    }).pipe(Effect.scoped))

  it.live("changes made by MERGE, an Informix trigger and an SPL procedure are captured like any other", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      yield* conn.execute("CREATE TABLE incoming (id INTEGER, item VARCHAR(20), qty SMALLINT)")
      yield* conn.execute("INSERT INTO incoming VALUES (1, 'apple', 2)")
      yield* conn.execute("CREATE TABLE audit (id INTEGER, note VARCHAR(20))")
      yield* conn.execute(
        "CREATE TRIGGER orders_ins INSERT ON orders REFERENCING NEW AS n " +
          "FOR EACH ROW (INSERT INTO audit VALUES (n.id, 'added'))"
      )
      yield* conn.execute(
        "CREATE PROCEDURE restock(n INT) UPDATE orders SET qty = qty + n; END PROCEDURE"
      )
      const { take } = yield* capture({
        connection: url,
        tables: [{ table: TABLE }, { table: "shop:informix.audit" }]
      })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 1)")
      yield* conn.execute(
        "MERGE INTO orders o USING incoming i ON o.id = i.id WHEN MATCHED THEN UPDATE SET qty = i.qty " +
          "WHEN NOT MATCHED THEN INSERT (id, item, qty) VALUES (i.id, i.item, i.qty)"
      )
      yield* conn.execute("EXECUTE PROCEDURE restock(3)")
      const events = yield* take(10)
      assert.deepStrictEqual(events.map((e) => `${shape(e)}${"table" in e ? ` ${e.table}` : ""}`), [
        "Begin",
        `Insert {"id":1,"item":"apple","qty":1} ${TABLE}`,
        `Insert {"id":1,"note":"added"} shop:informix.audit`,
        "Commit",
        "Begin",
        `Update {"id":1,"item":"apple","qty":1} -> {"id":1,"item":"apple","qty":2} ${TABLE}`,
        "Commit",
        "Begin",
        `Update {"id":1,"item":"apple","qty":2} -> {"id":1,"item":"apple","qty":5} ${TABLE}`,
        "Commit"
      ])
    }).pipe(Effect.scoped))

  it.live("a record larger than the read fails the stream and is kept: a larger read gets it", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* Connection.make({ url, database: "shop" })
      yield* conn.execute("CREATE TABLE notes (id INTEGER, note LVARCHAR(2000))")
      const notes = [{ table: "shop:notes" }]
      const first = yield* capture({ connection: url, tables: notes })
      yield* conn.execute("INSERT INTO notes VALUES (1, 'short')")
      const saved = positionOf((yield* first.take(3))[2]!)
      yield* first.stop
      const long = "x".repeat(1000)
      yield* conn.execute("INSERT INTO notes VALUES (2, ?)", [long])
      // 512 bytes hold the TABSCHEMA and BEGIN records, not the row.
      const small = yield* Effect.flip(
        Stream.runDrain(InformixChanges.cdc({ connection: url, tables: notes, from: saved, bufferSize: 512 }))
      )
      assert.strictEqual(small._tag, "SqlError")
      assert.strictEqual((small as { sqlcode: number }).sqlcode, -9810)
      const large = yield* capture({ connection: url, tables: notes, from: saved })
      assert.deepStrictEqual((yield* large.take(3)).map(shape), ["Begin", `Insert {"id":2,"note":"${long}"}`, "Commit"])
    }).pipe(Effect.scoped))

  it.live("restart from a saved position loses nothing and repeats only what follows it", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const first = yield* capture({ connection: url, tables: [{ table: TABLE }] })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'a', 1)")
      yield* conn.execute("INSERT INTO orders VALUES (2, 'b', 1)")
      const seen = yield* first.take(6)
      // The consumer persisted the position of the last Commit it processed, then stopped.
      const saved = positionOf(seen[5]!)
      yield* first.stop
      // Changes made while no stream runs stay logged.
      yield* conn.execute("INSERT INTO orders VALUES (3, 'c', 1)")
      yield* conn.transaction(Effect.andThen(
        conn.execute("UPDATE orders SET qty = 2 WHERE id = 1"),
        conn.execute("DELETE FROM orders WHERE id = 2")
      ))
      const resumed = yield* capture({ connection: url, tables: [{ table: TABLE }], from: saved })
      yield* conn.execute("INSERT INTO orders VALUES (4, 'd', 1)")
      const after = yield* resumed.take(10)
      assert.deepStrictEqual(after.map(shape), [
        "Begin",
        `Insert {"id":3,"item":"c","qty":1}`,
        "Commit",
        "Begin",
        `Update {"id":1,"item":"a","qty":1} -> {"id":1,"item":"a","qty":2}`,
        `Delete {"id":2,"item":"b","qty":1}`,
        "Commit",
        "Begin",
        `Insert {"id":4,"item":"d","qty":1}`,
        "Commit"
      ])
      assert.isTrue(after.every((e) => e.position > saved))
      yield* resumed.stop

      // A position inside a transaction (its update event) resumes at that transaction's Begin: the whole
      // transaction again, nothing before it.
      const inside = positionOf(after[4]!)
      const again = yield* capture({ connection: url, tables: [{ table: TABLE }], from: inside })
      const replay = yield* again.take(7)
      assert.deepStrictEqual(replay.map(shape), after.slice(3).map(shape))
      assert.deepStrictEqual(replay.map(positionOf), after.slice(3).map(positionOf))

      // A position the server never logged: the CDC API's error.
      const beyond = yield* Effect.exit(
        Stream.runDrain(InformixChanges.cdc({ connection: url, tables: [{ table: TABLE }], from: saved * 1000n }))
      )
      assert.isTrue(Exit.isFailure(beyond) && String(beyond.cause).includes("-83713"))
    }).pipe(Effect.scoped))

  it.live("a slow consumer under a fast writer loses nothing", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const rows = 300
      // The consumer takes a little time per event; the writer does not wait for it.
      const { take } = yield* capture({ connection: url, tables: [{ table: TABLE }] }, Effect.sleep(2))
      const writer = yield* Effect.forkChild(Effect.forEach(
        Array.from({ length: rows }, (_, i) => i),
        (i) => conn.execute(`INSERT INTO orders VALUES (${i}, 'x${i}', ${i % 100})`),
        { discard: true }
      ))
      yield* Fiber.join(writer)
      const events = yield* take(rows * 3)
      const inserted = events.flatMap((e) => (e._tag === "Insert" ? [(e.row as Connection.Row).id] : []))
      assert.deepStrictEqual(inserted, Array.from({ length: rows }, (_, i) => i))
    }).pipe(Effect.scoped))

  it.live("interrupting the stream ends capture and closes its session, even during a blocked read", () =>
    Effect.gen(function*() {
      const trace: Array<TestServer.ProtocolTraceEvent> = []
      const { url } = yield* shopServer(trace)
      yield* setup(url)
      // The read is blocked on the server when the interrupt comes. Where the urgent byte works it ends the read at
      // once; elsewhere the driver drains the read's reply, which the server sends after its 2-second timeout
      // (within the 5-second drainTimeout), and the session is usable for the closing calls either way.
      const fiber = yield* Effect.forkChild(
        Stream.runDrain(InformixChanges.cdc({ connection: url, tables: [{ table: TABLE }], timeout: 2 }))
      )
      // Wait (polling the trace) until the stream's first read has reached the server, where it now waits.
      while (!trace.some((e) => e._tag === "Batch" && e.messages.some((m) => m._tag === "LoData"))) {
        yield* Effect.sleep(10)
      }
      yield* Fiber.interrupt(fiber)
      const sql = trace.flatMap((e) =>
        e._tag === "Batch"
          ? e.messages.flatMap((m) =>
            "sql" in m && m.sql instanceof Uint8Array ? [Buffer.from(m.sql).toString("latin1")] : []
          )
          : []
      )
      const closing = sql.filter((s) => /cdc_endcapture|cdc_closesess/.test(s))
      assert.deepStrictEqual(closing.map((s) => /cdc_\w+/.exec(s)![0]), ["cdc_endcapture", "cdc_closesess"])
    }).pipe(Effect.scoped))

  it.live("the CDC API's errors: no such table, an unlogged database", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* Connection.make({ url, database: "scratch" })
      yield* conn.execute("CREATE TABLE t (n INTEGER)")
      const code = (table: string) =>
        Effect.flip(Stream.runDrain(InformixChanges.cdc({ connection: url, tables: [{ table, columns: ["n"] }] })))
      const missing = yield* code("shop:nosuch")
      const unlogged = yield* code("scratch:t")
      assert.deepStrictEqual(
        [missing._tag, (missing as InformixChanges.ChangeStreamError).code],
        ["ChangeStreamError", -83705]
      )
      assert.strictEqual((unlogged as InformixChanges.ChangeStreamError).code, -83704)
    }).pipe(Effect.scoped))
})
