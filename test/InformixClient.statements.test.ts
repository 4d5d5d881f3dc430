/**
 * The client's own statement constructor (src/internal/client/statements.ts) against scripted fake sessions behind a
 * real Pool: every way of running a statement finds the fiber's transaction (and its session) or leases a session of
 * its own, the `withoutTransforms()` copy keeps the client's members, and the members `SqlClient.make` built
 * (`afterCommit`, `reactive`, `safe`) stay the client's.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Sql from "effect/sql/SqlError"
import * as Stream from "effect/Stream"
import * as InformixClient from "../src/InformixClient.ts"
import * as Pool from "../src/Pool.ts"
import { eventually } from "./eventually.ts"
import { recordingTracer } from "./recordingTracer.ts"
import { type Answer, makeFakes, serverError } from "./reliability/fakeConnection.ts"

const makeClient = (answer?: Answer, config?: Partial<InformixClient.InformixClientConfig>) =>
  Effect.gen(function*() {
    const fakes = makeFakes(answer)
    const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 2 })
    const sql = yield* InformixClient.fromPool(pool, { host: "fake", user: "u", database: "test", ...config })
    return { sql, pool, fakes }
  })

describe("InformixClient statements", () => {
  it.live("every kind of statement runs on the transaction's session; a fiber outside it leases another", () =>
    Effect.gen(function*() {
      const { fakes, pool, sql } = yield* makeClient(() => [{ n: 1 }])
      const go = yield* Deferred.make<void>()
      // Started outside the transaction: it must not see the transaction's session.
      const outside = yield* Effect.forkChild(Effect.andThen(Deferred.await(go), sql`SELECT 0 FROM t`.values))
      yield* sql.withTransaction(
        Effect.gen(function*() {
          yield* sql`SELECT 1 FROM t`.values
          yield* sql`SELECT 2 FROM t WHERE n = ${2}`
          yield* sql`SELECT 3 FROM t`.raw
          yield* sql.unsafe("SELECT 4 FROM t").unprepared
          yield* Stream.runDrain(sql`SELECT 5 FROM t`.stream)
          yield* sql.withTransaction(sql`SELECT 6 FROM t`.withoutTransform)
          yield* sql`SELECT 7 FROM t`.valuesUnprepared
          yield* Deferred.succeed(go, undefined)
          assert.deepStrictEqual(yield* Fiber.join(outside), [[1]])
        }).pipe(Effect.provide(Reactivity.layer))
      )
      const inTransaction = fakes.all.find((fake) => fake.executed.includes("BEGIN WORK"))!
      assert.deepStrictEqual(inTransaction.executed, [
        "BEGIN WORK",
        "SELECT 1 FROM t",
        "SELECT 2 FROM t WHERE n = ?",
        "SELECT 3 FROM t",
        "SELECT 4 FROM t",
        "SELECT 5 FROM t",
        "SAVEPOINT effect_sql_1",
        "SELECT 6 FROM t",
        "RELEASE SAVEPOINT effect_sql_1",
        "SELECT 7 FROM t",
        "COMMIT WORK"
      ])
      const other = fakes.all.find((fake) => fake !== inTransaction)!
      assert.deepStrictEqual(other.executed, ["SELECT 0 FROM t"])
      assert.strictEqual((yield* pool.stats).inUse, 0)
    }).pipe(Effect.provide(Reactivity.layer)))

  it.live("a failed statement in a transaction rolls back on its session and fails with its typed reason", () =>
    Effect.gen(function*() {
      const { fakes, sql } = yield* makeClient((text) => text.startsWith("BAD") ? serverError(-201) : [])
      const error = yield* Effect.flip(sql.withTransaction(Effect.andThen(sql`SELECT 1 FROM t`.values, sql`BAD`)))
      assert.instanceOf(error.reason, Sql.SqlSyntaxError)
      assert.deepStrictEqual(fakes.all[0]!.executed, ["BEGIN WORK", "SELECT 1 FROM t", "BAD", "ROLLBACK WORK"])
    }).pipe(Effect.provide(Reactivity.layer)))

  it.live("statement spans (with a tracer) are children of the transaction's span", () =>
    Effect.gen(function*() {
      const { sql } = yield* makeClient()
      const { spans, tracer } = recordingTracer()
      yield* Effect.withTracer(sql.withTransaction(sql`SELECT 1 FROM t`.values), tracer)
      const transaction = spans.find((span) => span.name === "sql.transaction")!
      const statement = spans.find((span) => span.attributes.get("db.query.text") === "SELECT 1 FROM t")!
      assert.strictEqual(statement.attributes.get("effect.sql.method"), "executeValues")
      assert.strictEqual(statement.parent._tag === "Some" && statement.parent.value, transaction)
      assert.strictEqual(statement.status._tag, "Ended")
    }).pipe(Effect.provide(Reactivity.layer)))

  it.live("withoutTransforms() keeps the client's members and its statements still find the transaction", () =>
    Effect.gen(function*() {
      const { fakes, pool, sql } = yield* makeClient(() => [{ first_name: "Ann" }], {
        transformResultNames: (name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
      })
      const raw = sql.withoutTransforms()
      assert.notStrictEqual(raw, sql)
      assert.strictEqual(raw.config, sql.config)
      assert.strictEqual(raw.pool, pool)
      assert.strictEqual(raw[InformixClient.TypeId], InformixClient.TypeId)
      assert.strictEqual(raw.safe, raw)
      assert.strictEqual(raw.withoutTransforms(), raw)
      assert.strictEqual(raw.driver, "informix")
      assert.deepStrictEqual(raw.cast(1, "INT").segments, sql.cast(1, "INT").segments)
      assert.deepStrictEqual(yield* sql`SELECT first_name FROM t`, [{ firstName: "Ann" }])
      const rows = yield* sql.withTransaction(raw`SELECT first_name FROM t`)
      assert.deepStrictEqual(rows, [{ first_name: "Ann" }])
      const inTransaction = fakes.all.find((fake) => fake.executed.includes("BEGIN WORK"))!
      assert.deepStrictEqual(inTransaction.executed.slice(-3), [
        "BEGIN WORK",
        "SELECT first_name FROM t",
        "COMMIT WORK"
      ])
    }).pipe(Effect.provide(Reactivity.layer)))

  it.live("without transforms the client is its own safe and withoutTransforms() copy", () =>
    Effect.gen(function*() {
      const { sql } = yield* makeClient()
      assert.strictEqual(sql.safe, sql)
      assert.strictEqual(sql.withoutTransforms(), sql)
    }).pipe(Effect.provide(Reactivity.layer)))

  it.live("afterCommit waits for the commit and reactive queries rerun when their keys are invalidated", () =>
    Effect.gen(function*() {
      let n = 0
      const { fakes, sql } = yield* makeClient((text) => text === "SELECT n FROM t" ? [{ n: ++n }] : [])
      const order: Array<string> = []
      yield* sql.withTransaction(
        Effect.gen(function*() {
          yield* sql.afterCommit(Effect.sync(() => void order.push("after commit")))
          yield* sql`SELECT 1 FROM t`.values
          order.push("in transaction")
        }).pipe(Effect.provide(Reactivity.layer))
      )
      assert.deepStrictEqual(order, ["in transaction", "after commit"])

      const results = yield* Effect.forkChild(
        Stream.runCollect(Stream.take(sql.reactive(["t"], sql`SELECT n FROM t`.values), 2))
      )
      const ran = () => fakes.all.flatMap((fake) => fake.executed).filter((text) => text === "SELECT n FROM t").length
      assert.strictEqual(yield* eventually(Effect.sync(ran), (count) => count === 1), 1)
      // Inside a transaction the invalidation waits for the commit.
      yield* sql.withTransaction(Reactivity.invalidate(["t"]))
      assert.deepStrictEqual(yield* Fiber.join(results), [[[1]], [[2]]])
    }).pipe(Effect.provide(Reactivity.layer)))
})
