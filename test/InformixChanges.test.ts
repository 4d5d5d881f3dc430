/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * Change streams over CDC, end to end against TestServer: the engine records the changes the statements make and
 * serves them through the syscdcv1 routines and the session's smart-LO reads; the driver's Stream turns them into
 * events.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as InformixChanges from "../src/InformixChanges.ts"
import { BigDecimal } from "effect"
import * as TestServer from "../src/TestServer.ts"

const server = TestServer.make({ databases: [{ name: "shop", logged: true }] })

const setup = (conn: Connection.Connection) =>
  conn.execute(
    "CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, item VARCHAR(20), qty SMALLINT, price DECIMAL(8,2), " +
      "note LVARCHAR(100), paid BOOLEAN, placed DATE, code CHAR(4))"
  )

/** Events without their times and transaction ids (compared by shape). */
const shape = (e: InformixChanges.ChangeEvent) => {
  switch (e._tag) {
    case "Begin":
    case "Commit":
      return e._tag
    case "Insert":
    case "Delete":
      return `${e._tag} ${e.table} ${JSON.stringify(e.row, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`
    case "Update":
      return `Update ${e.table} ${JSON.stringify(e.before)} -> ${JSON.stringify(e.after)}`
    default:
      return e._tag
  }
}

/** Collects `n` events of a running stream (started before the writes). */
const collect = <A>(stream: Stream.Stream<A, unknown>, n: number) =>
  Effect.forkChild(Stream.runCollect(Stream.take(stream, n)))

describe("InformixChanges.cdc", () => {
  it.live("every kind of change, in commit order, with transaction boundaries; nothing of rolled-back work", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const conn = yield* Connection.make({ url, database: "shop" })
      yield* setup(conn)
      const events: Array<InformixChanges.ChangeEvent> = []
      const ready = yield* Effect.forkChild(
        InformixChanges.cdc({
          connection: { url },
          tables: [{ table: "shop:informix.orders", columns: ["id", "item", "qty"] }],
          timeout: 1
        }).pipe(Stream.take(11), Stream.runForEach((e) => Effect.sync(() => events.push(e))))
      )
      // Capture starts asynchronously: wait until the session exists (its TABSCHEMA has been read).
      yield* Effect.sleep(300)
      yield* conn.execute("INSERT INTO orders (id, item, qty) VALUES (1, 'apple', 3)")
      yield* conn.transaction(Effect.gen(function*() {
        yield* conn.execute("INSERT INTO orders (id, item, qty) VALUES (2, 'pear', 1)")
        yield* conn.execute("UPDATE orders SET qty = 5 WHERE id = 1")
      }))
      // Rolled back: never seen.
      yield* Effect.exit(conn.transaction(Effect.gen(function*() {
        yield* conn.execute("INSERT INTO orders (id, item, qty) VALUES (3, 'plum', 9)")
        return yield* Effect.fail("undo")
      })))
      yield* conn.execute("DELETE FROM orders WHERE id = 2")
      yield* conn.execute("INSERT INTO orders (id, item, qty) VALUES (4, 'fig', 2)")
      yield* Fiber.join(ready)
      assert.deepStrictEqual(events.map(shape), [
        "Begin",
        `Insert shop:informix.orders {"id":1,"item":"apple","qty":3}`,
        "Commit",
        "Begin",
        `Insert shop:informix.orders {"id":2,"item":"pear","qty":1}`,
        `Update shop:informix.orders {"id":1,"item":"apple","qty":3} -> {"id":1,"item":"apple","qty":5}`,
        "Commit",
        "Begin",
        `Delete shop:informix.orders {"id":2,"item":"pear","qty":1}`,
        "Commit",
        "Begin"
      ])
      // Positions rise; one transaction's events share its id.
      const positions = events.map((e) => e.position)
      assert.deepStrictEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), positions)
      assert.strictEqual(new Set(positions).size, positions.length)
      const tx = (i: number) => (events[i] as { transactionId: number }).transactionId
      assert.strictEqual(tx(3), tx(6))
      assert.notStrictEqual(tx(0), tx(3))
    }).pipe(Effect.scoped))
})

void BigDecimal
void Schema
void collect
