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
import * as Latch from "effect/Latch"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as InformixChanges from "../src/InformixChanges.ts"
import { mixedChanges, setup, shopServer } from "./changesSupport.ts"
import { eventually } from "./eventually.ts"

type Event = InformixChanges.TriggerEvent<unknown>

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
 * reads the next n events other than Idle; `consume` runs before each later event is queued (a slow consumer). The fiber lives until the test's scope closes (or `stop`).
 */
const watch = <A>(options: InformixChanges.SmartTriggerOptions<A>, consume: Effect.Effect<void> = Effect.void) =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<InformixChanges.TriggerEvent<A>>()
    const fiber = yield* Effect.forkScoped(
      InformixChanges.smartTrigger({ timeout: 1, ...options }).pipe(
        Stream.runForEach((e) => Effect.andThen(e._tag === "Attached" ? Effect.void : consume, Queue.offer(queue, e)))
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
      yield* mixedChanges(conn)
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

  it.live("the WHERE filter: on the new row for inserts and updates, the old row for deletes; two labels on one session", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const { take } = yield* watch({
        connection: url,
        watches: [
          { ...ALL, query: "SELECT id, qty FROM orders WHERE qty > 10", label: "big" },
          { ...ALL, query: "SELECT item FROM orders WHERE item LIKE 'a%'", label: "a_items" }
        ]
      })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 3)") // a_items only
      yield* conn.execute("INSERT INTO orders VALUES (2, 'pear', 20)") // big only
      yield* conn.execute("UPDATE orders SET qty = 30 WHERE id = 1") // enters big; still a_items
      yield* conn.execute("UPDATE orders SET qty = 5 WHERE id = 2") // leaves big: no event
      yield* conn.execute("INSERT INTO orders VALUES (3, 'plum', 1)") // neither
      yield* conn.execute("DELETE FROM orders WHERE id = 2") // old row matches neither
      yield* conn.execute("DELETE FROM orders WHERE id = 1") // old row matches both
      const events = yield* take(6)
      assert.deepStrictEqual(events.map(shape), [
        `a_items Insert {"item":"apple"}`,
        `big Insert {"id":2,"qty":20}`,
        `big Update {"id":1,"qty":3} -> {"id":1,"qty":30}`,
        `a_items Update {"item":"apple"} -> {"item":"apple"}`,
        `big Delete {"id":1,"qty":30}`,
        `a_items Delete {"item":"apple"}`
      ])
    }).pipe(Effect.scoped))

  it.live("rows decoded with a watch's Schema; values as JSON (CHAR padded, DATE as text, NULL as null)", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      yield* conn.execute(
        "CREATE TABLE kinds (id INTEGER PRIMARY KEY, c CHAR(4), d DECIMAL(8,2), dt DATE, f FLOAT, b BIGINT, v VARCHAR(9))"
      )
      const Order = Schema.Struct({ id: Schema.Number, item: Schema.String, qty: Schema.Number })
      const typed = yield* watch({ connection: url, watches: [{ ...ALL, schema: Order }] })
      const plain = yield* watch({
        connection: url,
        watches: [{ table: "kinds", database: "shop", query: "SELECT * FROM kinds" }]
      })
      yield* conn.execute("INSERT INTO kinds VALUES (1, 'ab', 123.45, '2024-02-29', 1.5, -7, NULL)")
      const [kinds] = yield* plain.take(1)
      assert.deepStrictEqual((kinds as InformixChanges.TriggerInsert).row, {
        id: 1,
        c: "ab  ",
        d: 123.45,
        dt: "2024-02-29",
        f: 1.5,
        b: -7,
        v: null
      })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 3)")
      const [inserted] = yield* typed.take(1)
      const order: typeof Order.Type = (inserted as InformixChanges.TriggerInsert<typeof Order.Type>).row
      assert.deepStrictEqual(order, { id: 1, item: "apple", qty: 3 })
      yield* conn.execute("INSERT INTO orders VALUES (2, NULL, 3)")
      const failed = yield* Effect.exit(Fiber.join(typed.fiber))
      assert.isTrue(Exit.isFailure(failed) && String(failed.cause).includes("ResultDecodeError"))
    }).pipe(Effect.scoped))

  it.live("an idle timeout is an Idle event when asked for", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      yield* setup(url)
      const events = yield* InformixChanges.smartTrigger({ connection: url, watches: [ALL], timeout: 1, idle: true })
        .pipe(Stream.take(2), Stream.runCollect)
      assert.deepStrictEqual(events.map((e) => e._tag), ["Attached", "Idle"])
    }).pipe(Effect.scoped))

  it.live("over max_pending_ops the server discards and reports it: Skipped, between the events around the loss", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const gate = yield* Latch.make(false)
      const { take } = yield* watch({ connection: url, watches: [ALL], maxPendingOps: 2 }, gate.await)
      // One transaction: the server queues its rows at commit, all at once, before any read takes one.
      yield* conn.transaction(
        Effect.forEach([1, 2, 3, 4, 5], (id) => conn.execute(`INSERT INTO orders VALUES (${id}, 'x', 1)`))
      )
      yield* gate.open
      yield* conn.execute("INSERT INTO orders VALUES (6, 'y', 1)")
      const events = yield* take(4)
      assert.deepStrictEqual(events.map(shape), [
        `push_1 Insert {"id":1,"item":"x","qty":1}`,
        `push_1 Insert {"id":2,"item":"x","qty":1}`,
        "Skipped 3/3",
        `push_1 Insert {"id":6,"item":"y","qty":1}`
      ])
    }).pipe(Effect.scoped))

  it.live("a slow consumer under a fast writer loses nothing within max_pending_ops (and nothing with 0: unlimited)", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      for (const maxPendingOps of [60, 0]) {
        yield* conn.execute("DELETE FROM orders")
        const gate = yield* Latch.make(false)
        const { take, stop } = yield* watch({ connection: url, watches: [ALL], maxPendingOps }, gate.await)
        for (let id = 1; id <= 60; id++) yield* conn.execute(`INSERT INTO orders VALUES (${id}, 'x', ${id})`)
        yield* gate.open
        const events = yield* take(60)
        assert.deepStrictEqual(
          events.map((e) => (e._tag === "Insert" ? (e.row as { id: number }).id : e._tag)),
          Array.from({ length: 60 }, (_, i) => i + 1)
        )
        yield* stop
      }
    }).pipe(Effect.scoped))

  it.live("interrupting deregisters and closes the connection; a detachable session is deleted unless kept", () =>
    Effect.gen(function*() {
      const server = yield* shopServer()
      const { url } = server
      yield* setup(url)
      const admin = yield* Connection.make({ url, database: "sysadmin" })
      const task = (command: string, json: string) =>
        Effect.map(admin.values("EXECUTE FUNCTION informix.task(?, ?)", [command, json]), (rows) => rows[0]?.[0])
      const before = (yield* server.stats).sessions
      // A read waits on the server for up to a minute: interrupting does not wait for it (the urgent byte stops it;
      // without one the connection is retired).
      const plain = yield* watch({ connection: url, watches: [ALL], timeout: 60 })
      assert.strictEqual((yield* server.stats).sessions, before + 1)
      yield* plain.stop
      assert.strictEqual((yield* eventually(server.stats, (stats) => stats.sessions === before)).sessions, before)
      // The server dropped that session with its connection: its fd (the first one) is free again.
      const fd = yield* Effect.map(
        admin.values("EXECUTE FUNCTION informix.task('pushdata open')"),
        (rows) => rows[0]?.[0]
      )
      assert.strictEqual(fd, "8193")

      const deleted = yield* watch({ connection: url, watches: [ALL], detachable: true })
      assert.isString(deleted.sessionId)
      yield* deleted.stop
      assert.strictEqual(yield* task("pushdata join", `{session_id:"${deleted.sessionId}"}`), "ERROR")
      assert.strictEqual((yield* eventually(server.stats, (stats) => stats.sessions === before)).sessions, before)
    }).pipe(Effect.scoped))

  it.live("a kept detachable session collects events while detached; join resumes with them, in order", () =>
    Effect.gen(function*() {
      const server = yield* shopServer()
      const { url } = server
      const conn = yield* setup(url)
      const before = (yield* server.stats).sessions
      const first = yield* watch({
        connection: url,
        watches: [{ ...ALL, label: "orders" }],
        detachable: true,
        keep: true
      })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'before', 1)")
      assert.deepStrictEqual((yield* first.take(1)).map(shape), [`orders Insert {"id":1,"item":"before","qty":1}`])
      yield* first.stop
      // Its connection is gone once the server has seen it close (without the urgent byte, after the read's timeout).
      yield* eventually(server.stats, (stats) => stats.sessions === before)
      yield* conn.execute("INSERT INTO orders VALUES (2, 'while', 1)")
      yield* conn.execute("UPDATE orders SET qty = 2 WHERE id = 1")
      const Order = Schema.Struct({ id: Schema.Number, item: Schema.String, qty: Schema.Number })
      const again = yield* watch({
        connection: url,
        watches: [{ ...ALL, label: "orders", schema: Order }],
        join: first.sessionId!
      })
      assert.strictEqual(again.sessionId, first.sessionId)
      yield* conn.execute("DELETE FROM orders WHERE id = 2")
      assert.deepStrictEqual((yield* again.take(3)).map(shape), [
        `orders Insert {"id":2,"item":"while","qty":1}`,
        `orders Update {"id":1,"item":"before","qty":1} -> {"id":1,"item":"before","qty":2}`,
        `orders Delete {"id":2,"item":"while","qty":1}`
      ])
      // Joining a session somebody holds, or one that does not exist: refused.
      const refused = yield* Effect.exit(
        Stream.runDrain(InformixChanges.smartTrigger({ connection: url, watches: [], join: first.sessionId! }))
      )
      assert.isTrue(Exit.isFailure(refused) && String(refused.cause).includes("ChangeStreamError"))
    }).pipe(Effect.scoped))

  it.live("every refused registration is a typed error carrying the server's reason", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      yield* conn.execute("CREATE TABLE nokey (id INTEGER, item VARCHAR(20))")
      yield* conn.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, body CLOB, raw BYTE)")
      const scratch = yield* Connection.make({ url, database: "scratch" })
      yield* scratch.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
      const refusal = (watch: InformixChanges.Watch) =>
        Effect.map(
          Effect.flip(Stream.runDrain(InformixChanges.smartTrigger({ connection: url, watches: [watch] }))),
          (e) => `${e._tag}: ${e.message}`
        )
      const reasons = yield* Effect.forEach([
        { ...ALL, table: "nosuch", query: "SELECT * FROM nosuch" },
        { ...ALL, database: "nosuchdb" },
        { table: "t", database: "scratch", query: "SELECT * FROM t" },
        { table: "nokey", database: "shop", query: "SELECT * FROM nokey" },
        { table: "docs", database: "shop", query: "SELECT id, body FROM docs" },
        { table: "docs", database: "shop", query: "SELECT id, raw FROM docs" },
        { ...ALL, query: "SELECT * FROM orders WHERE id IN (SELECT id FROM nokey)" },
        { ...ALL, query: "SELECT o.id FROM orders o, nokey n WHERE o.id = n.id" },
        { ...ALL, query: "SELECT nosuch FROM orders" },
        { ...ALL, query: "SELECT * FROM nokey" }
      ], refusal)
      for (
        const [i, pattern] of [
          /ChangeStreamError: .*'shop:nosuch' not found/,
          /ChangeStreamError: .*database 'nosuchdb' not found/,
          /ChangeStreamError: .*'scratch' has no logging/,
          /ChangeStreamError: .*'nokey' has no primary key or unique index/,
          /ChangeStreamError: .*projects a LOB/,
          /ChangeStreamError: .*projects a LOB/,
          /ChangeStreamError: .*without subqueries/,
          /ChangeStreamError: .*'orders' and no other table/,
          /ChangeStreamError: .*SQL error -217/,
          /ChangeStreamError: .*'orders' and no other table/
        ].entries()
      ) {
        assert.match(reasons[i]!, pattern, `watch ${i}`)
      }
      // Options the server could not take, refused before anything is sent.
      const config = yield* Effect.forEach([
        { watches: [{ ...ALL, query: "SELECT * FROM orders WHERE item = \"x\"" }] },
        { watches: [{ ...ALL, label: "x".repeat(33) }] },
        { watches: [ALL, { ...ALL, label: "push_1" }] },
        { watches: [] },
        { watches: [ALL], maxPendingOps: -1 },
        { watches: [ALL], bufferSize: 10 }
      ], (o) =>
        Effect.map(Effect.flip(Stream.runDrain(InformixChanges.smartTrigger({ connection: url, ...o }))), (e) =>
          e._tag))
      assert.deepStrictEqual(config, Array(6).fill("ConfigError"))
    }).pipe(Effect.scoped))

  it.live("a read smaller than the next event is the server's ifx_error, a typed failure", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const { fiber } = yield* watch({ connection: url, watches: [ALL], bufferSize: 64 })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'a longer item name', 1)")
      const failed = yield* Effect.exit(Fiber.join(fiber))
      assert.isTrue(Exit.isFailure(failed) && String(failed.cause).includes("buffer size 64 is too small"))
    }).pipe(Effect.scoped))

  it.live("TestServer's task(): JDBC's relaxed JSON; bad commands and documents answer ERROR with the reason", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      yield* setup(url)
      const admin = yield* Connection.make({ url, database: "sysadmin" })
      const task = (...args: ReadonlyArray<string>) =>
        Effect.map(
          admin.values(`EXECUTE FUNCTION informix.task(${args.map(() => "?").join(", ")})`, args),
          (rows) => String(rows[0]?.[0])
        )
      assert.match(yield* task("pushdata register", "{timeout:\"60\"}"), /^ERROR: no pushdata session/)
      assert.match(yield* task("pushdata open"), /^\d+$/)
      // Exactly what IBM JDBC sends (IfxSmartTrigger.registerPushData / WatchTableInfo.toJson).
      assert.strictEqual(
        yield* task("pushdata register", "{timeout:\"60\", max_pending_ops:\"0\", maxrecs:\"0\"}"),
        "OK"
      )
      assert.strictEqual(
        yield* task(
          "pushdata register",
          "{table:\"orders\", owner:\"informix\", database:\"shop\", query:\"select * from orders\", label:\"L1\"}"
        ),
        "OK"
      )
      // Quoted keys and a literal argument work too.
      const literal = yield* Effect.map(
        admin.values("EXECUTE FUNCTION informix.task('pushdata deregister', '{\"label\":\"L1\"}')"),
        (rows) => rows[0]?.[0]
      )
      assert.strictEqual(literal, "OK")
      const answers = yield* Effect.forEach([
        ["pushdata frobnicate"],
        ["vacuum now"],
        ["pushdata register", "{table:\"orders\""],
        ["pushdata register", "{timeout:\"soon\"}"],
        ["pushdata register", "{table:\"orders\", database:\"shop\"}"],
        ["pushdata deregister", "{label:\"L1\"}"],
        ["pushdata delete", "{session_id:\"nosuch\"}"],
        ["pushdata join", "{session_id:\"nosuch\"}"]
      ], (args) => task(...args))
      assert.deepStrictEqual(answers.map((a) => a.replace(/:.*/, "")), [
        "ERROR",
        "ERROR",
        "ERROR",
        "ERROR",
        "ERROR",
        "ERROR",
        "ERROR",
        "ERROR"
      ])
      assert.match(answers[2]!, /not a JSON document/)
      assert.match(answers[3]!, /timeout must be a non-negative integer/)
      assert.match(answers[4]!, /needs table, database and query/)
      assert.strictEqual(answers[7], "ERROR")
    }).pipe(Effect.scoped))

  it.live("a watched query that fails on a committed row fails the stream; the writer's commit stands", () =>
    Effect.gen(function*() {
      const { url } = yield* shopServer()
      const conn = yield* setup(url)
      const { fiber } = yield* watch({
        connection: url,
        watches: [{ ...ALL, query: "SELECT id FROM orders WHERE CAST(item AS INTEGER) > 0" }]
      })
      yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 1)")
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM orders"), [[1]])
      const failed = yield* Effect.exit(Fiber.join(fiber))
      assert.isTrue(Exit.isFailure(failed) && String(failed.cause).includes("the query of a registration failed"))
    }).pipe(Effect.scoped))
})
