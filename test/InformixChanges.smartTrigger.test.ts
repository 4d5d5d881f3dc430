/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * Smart triggers (push data), end to end against TestServer: the engine queues a JSON document per committed row
 * that matches a watched query and serves them through sysadmin's task('pushdata ...') and the session fd's
 * smart-LO reads; the driver's Stream turns them into events. Each stream is awaited up to its first event
 * (Attached: the watches are registered), so the writes that follow are certainly seen (nothing here depends on
 * timing).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as InformixChanges from "../src/InformixChanges.ts"
import * as TestServer from "../src/TestServer.ts"

type Event = InformixChanges.TriggerEvent<unknown>

const shopServer = () =>
  TestServer.make({ databases: [{ name: "shop", logged: true }, { name: "scratch", logged: false }] })

const setup = (url: string) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make({ url, database: "shop" })
    yield* conn.execute("CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, item VARCHAR(20), qty SMALLINT)")
    return conn
  })

const ALL = { table: "orders", database: "shop", query: "SELECT * FROM orders" }

/** Events by shape (no times or transaction ids). */
const shape = (e: Event): string => {
  switch (e._tag) {
    case "Insert":
    case "Delete":
      return `${e.label} ${e._tag} ${JSON.stringify(e.row)}`
    case "Update":
      return `${e.label} Update ${JSON.stringify(e.before)} -> ${JSON.stringify(e.after)}`
    case "Skipped":
      return `Skipped ${e.lost}/${e.total}`
    default:
      return e._tag
  }
}

/**
 * Starts a smart trigger into a queue and returns once its watches are registered (the Attached event): `take(n)`
 * reads the next n events other than Idle. The fiber lives until the test's scope closes (or `stop`).
 */
const watch = <A>(options: InformixChanges.SmartTriggerOptions<A>, consume: Effect.Effect<void> = Effect.void) =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<InformixChanges.TriggerEvent<A>>()
    const fiber = yield* Effect.forkScoped(
      InformixChanges.smartTrigger({ timeout: 1, ...options }).pipe(
        Stream.runForEach((e) => Effect.andThen(consume, Queue.offer(queue, e)))
      )
    )
    const attached = yield* Queue.take(queue)
    assert.strictEqual(attached._tag, "Attached")
    const take = (n: number) =>
      Effect.gen(function*() {
        const out: Array<InformixChanges.TriggerEvent<A>> = []
        while (out.length < n) {
          const e = yield* Queue.take(queue)
          if (e._tag !== "Idle") out.push(e)
        }
        return out
      })
    return {
      take,
      fiber,
      sessionId: (attached as InformixChanges.TriggerAttached).sessionId,
      stop: Fiber.interrupt(fiber)
    }
  })

describe("InformixChanges.smartTrigger", () => {
  it.live("every kind of change, in commit order; nothing of rolled-back work", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const { take } = yield* watch({ connection: url, watches: [{ ...ALL, label: "all" }] })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 3)")
      yield* conn.transaction(Effect.gen(function*() {
        yield* conn.execute("INSERT INTO orders VALUES (2, 'pear', 1)")
        yield* conn.execute("UPDATE orders SET qty = 5 WHERE id = 1")
        yield* Effect.exit(conn.transaction(Effect.andThen(
          conn.execute("INSERT INTO orders VALUES (9, 'nested', 9)"),
          Effect.fail("undo nested")
        )))
      }))
      yield* Effect.exit(conn.transaction(Effect.andThen(
        conn.execute("INSERT INTO orders VALUES (3, 'plum', 9)"),
        Effect.fail("undo")
      )))
      yield* Effect.exit(conn.execute("INSERT INTO orders VALUES (1, 'again', 1)"))
      yield* conn.execute("DELETE FROM orders WHERE id = 2")
      const events = yield* take(4)
      assert.deepStrictEqual(events.map(shape), [
        `all Insert {"id":1,"item":"apple","qty":3}`,
        `all Insert {"id":2,"item":"pear","qty":1}`,
        `all Update {"id":1,"item":"apple","qty":3} -> {"id":1,"item":"apple","qty":5}`,
        `all Delete {"id":2,"item":"pear","qty":1}`
      ])
      const [first, second, third, fourth] = events as Array<InformixChanges.TriggerInsert<unknown>>
      assert.strictEqual(first!.table, "orders")
      assert.strictEqual(first!.database, "shop")
      assert.strictEqual(first!.owner, "informix")
      assert.strictEqual(second!.transactionId, third!.transactionId)
      assert.notStrictEqual(first!.transactionId, second!.transactionId)
      assert.notStrictEqual(third!.transactionId, fourth!.transactionId)
      assert.instanceOf(first!.commitTime, Date)
    }).pipe(Effect.scoped))
})
