/**
 * InformixClient against scripted fake sessions behind a real Pool: statement routing, the transaction statement
 * sequence, error reasons, streams and layer wiring. The same behaviour against the TestServer is in
 * InformixClient.integration.test.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Schedule from "effect/Schedule"
import * as SqlClient from "effect/sql/SqlClient"
import * as Sql from "effect/sql/SqlError"
import * as Stream from "effect/Stream"
import * as InformixClient from "../src/InformixClient.ts"
import * as Pool from "../src/Pool.ts"
import { recordingTracer } from "./recordingTracer.ts"
import { type Answer, makeFakes, serverError } from "./reliability/fakeConnection.ts"

const makeClient = (answer?: Answer, poolOptions?: Pool.PoolOptions) =>
  Effect.gen(function*() {
    const fakes = makeFakes(answer)
    const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 2, ...poolOptions })
    const sql = yield* InformixClient.fromPool(pool, { host: "fake", user: "u", database: "test" })
    const statements = () => fakes.all.flatMap((fake) => fake.executed)
    return { sql, pool, fakes, statements }
  }).pipe(Effect.provide(Reactivity.layer))

describe("InformixClient (fake sessions)", () => {
  it.live("runs compiled statements on a pooled session with their parameters", () =>
    Effect.gen(function*() {
      const { fakes, sql } = yield* makeClient(() => [{ n: 1 }])
      const rows = yield* sql`SELECT n FROM t WHERE a = ${1} AND b = ${"x"}`
      assert.deepStrictEqual(rows, [{ n: 1 }])
      assert.deepStrictEqual(fakes.all[0]!.executed, ["SELECT n FROM t WHERE a = ? AND b = ?"])
      assert.deepStrictEqual(fakes.all[0]!.params, [[1, "x"]])
      assert.strictEqual(sql.driver, "informix")
    }))

  it.live("commits a transaction with BEGIN WORK / COMMIT WORK on one session", () =>
    Effect.gen(function*() {
      const { sql, statements } = yield* makeClient()
      yield* sql.withTransaction(Effect.all([sql`INSERT INTO t VALUES (1)`, sql`INSERT INTO t VALUES (2)`]))
      assert.deepStrictEqual(statements(), [
        "BEGIN WORK",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t VALUES (2)",
        "COMMIT WORK"
      ])
    }))

  it.live("rolls back on failure and uses savepoints for nested transactions", () =>
    Effect.gen(function*() {
      const { sql, statements } = yield* makeClient((text) => text.startsWith("BAD") ? serverError(-201) : [])
      const exit = yield* Effect.exit(sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO t VALUES (1)`
        yield* sql.withTransaction(sql`INSERT INTO t VALUES (2)`)
        yield* Effect.ignore(sql.withTransaction(sql`BAD`))
        yield* sql`BAD`
      })))
      assert.isTrue(Exit.isFailure(exit))
      assert.deepStrictEqual(statements(), [
        "BEGIN WORK",
        "INSERT INTO t VALUES (1)",
        "SAVEPOINT effect_sql_1",
        "INSERT INTO t VALUES (2)",
        "RELEASE SAVEPOINT effect_sql_1",
        "SAVEPOINT effect_sql_1",
        "BAD",
        "ROLLBACK WORK TO SAVEPOINT effect_sql_1",
        "RELEASE SAVEPOINT effect_sql_1",
        "BAD",
        "ROLLBACK WORK"
      ])
    }))

  it.live("an interrupted transaction is rolled back and the session comes back clean", () =>
    Effect.gen(function*() {
      const { fakes, sql } = yield* makeClient(undefined, { maxConnections: 1 })
      const fiber = yield* Effect.forkChild(
        sql.withTransaction(Effect.andThen(sql`INSERT INTO t VALUES (1)`, Effect.never))
      )
      // Interrupt once the transaction is inside its body.
      yield* Effect.repeat(Effect.sync(() => fakes.all[0]?.executed.length ?? 0), {
        until: (executed) => executed >= 2,
        schedule: Schedule.spaced("1 millis")
      })
      yield* Fiber.interrupt(fiber)
      assert.isFalse(fakes.all[0]!.inTransaction)
      yield* sql`SELECT 1 FROM t`
      assert.deepStrictEqual(fakes.all[0]!.executed, [
        "BEGIN WORK",
        "INSERT INTO t VALUES (1)",
        "ROLLBACK WORK",
        "SELECT 1 FROM t"
      ])
      assert.strictEqual(fakes.all.length, 1)
    }))

  it.live("reports server errors as SqlError reasons with the Informix error as cause", () =>
    Effect.gen(function*() {
      const { sql } = yield* makeClient((text) =>
        text.includes("dup") ? serverError(-268, -100, "u_t_id") : text.includes("lock") ? serverError(-244, -154) : []
      )
      const unique = yield* Effect.flip(sql`INSERT INTO dup VALUES (1)`)
      assert.instanceOf(unique.reason, Sql.UniqueViolation)
      assert.strictEqual((unique.reason as Sql.UniqueViolation).constraint, "u_t_id")
      assert.strictEqual((unique.reason.cause as { sqlcode: number }).sqlcode, -268)
      const lock = yield* Effect.flip(sql`SELECT * FROM lock`)
      assert.instanceOf(lock.reason, Sql.LockTimeoutError)
      assert.isTrue(lock.isRetryable)
      const caught = yield* sql`INSERT INTO dup VALUES (1)`.pipe(
        Effect.catchReason("SqlError", "UniqueViolation", (reason) => Effect.succeed(reason.constraint))
      )
      assert.strictEqual(caught, "u_t_id")
    }))

  it.live("a stream keeps its session for its lifetime and closes the cursor when ended early", () =>
    Effect.gen(function*() {
      const { fakes, pool, sql } = yield* makeClient(() => Array.from({ length: 10 }, (_, n) => ({ n })))
      const firstThree = yield* Stream.runCollect(Stream.take(sql`SELECT n FROM t`.stream, 3))
      assert.deepStrictEqual(firstThree.map((row) => row.n), [0, 1, 2])
      assert.strictEqual(fakes.all[0]!.openCursors, 0)
      assert.strictEqual((yield* pool.stats).inUse, 0)
    }))

  it.live("transforms result and query names", () =>
    Effect.gen(function*() {
      const fakes = makeFakes(() => [{ first_name: "Ann" }])
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire })
      const sql = yield* InformixClient.fromPool(pool, {
        host: "fake",
        user: "u",
        transformQueryNames: (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        transformResultNames: (name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
      }).pipe(Effect.provide(Reactivity.layer))
      const rows = yield* sql`SELECT ${sql("firstName")} FROM t`
      assert.deepStrictEqual(rows, [{ firstName: "Ann" }])
      assert.deepStrictEqual(fakes.all[0]!.executed, ["SELECT first_name FROM t"])
      const streamed = yield* Stream.runCollect(sql`SELECT ${sql("firstName")} FROM t`.stream)
      assert.deepStrictEqual(streamed, [{ firstName: "Ann" }])
      const raw = yield* sql`SELECT ${sql("firstName")} FROM t`.withoutTransform
      assert.deepStrictEqual(raw, [{ first_name: "Ann" }])
    }))

  it.live("layerFrom provides the same client as InformixClient and SqlClient", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const layer = InformixClient.layerFrom(
        Effect.flatMap(
          Pool.makeWith({ acquire: fakes.acquire }),
          (pool) => InformixClient.fromPool(pool, { user: "u" })
        )
      )
      const [informix, sql] = yield* Effect.all([InformixClient.InformixClient, SqlClient.SqlClient]).pipe(
        Effect.provide(layer)
      )
      assert.strictEqual(informix, sql)
      assert.strictEqual(typeof informix.cast, "function")
    }))

  it.live("statement spans carry the OpenTelemetry database attributes", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire })
      const sql = yield* InformixClient.fromPool(pool, {
        url: "informix://u@db.example:9090/stores?server=ol",
        spanAttributes: { "service.name": "orders" }
      }).pipe(Effect.provide(Reactivity.layer))
      const { spans, tracer } = recordingTracer()
      yield* Effect.withTracer(sql`SELECT 1 FROM t`, tracer)
      const statement = spans.find((span) => span.attributes.get("db.query.text") === "SELECT 1 FROM t")
      assert.isDefined(statement)
      const attributes = Object.fromEntries(statement!.attributes)
      assert.strictEqual(attributes["db.system.name"], "informix")
      assert.strictEqual(attributes["db.namespace"], "stores")
      assert.strictEqual(attributes["server.address"], "db.example")
      assert.strictEqual(attributes["server.port"], 9090)
      assert.strictEqual(attributes["service.name"], "orders")
    }))

  it.live("sql.reserve leases a session until its scope ends", () =>
    Effect.gen(function*() {
      const { pool, sql } = yield* makeClient()
      yield* Effect.scoped(Effect.gen(function*() {
        const connection = yield* sql.reserve
        yield* connection.execute("SELECT 1 FROM t", [], undefined)
        assert.strictEqual((yield* pool.stats).inUse, 1)
      }))
      assert.strictEqual((yield* pool.stats).inUse, 0)
    }))

  it.live("propagates a pool timeout as a ConnectionError reason", () =>
    Effect.gen(function*() {
      const { pool, sql } = yield* makeClient(undefined, { maxConnections: 1, acquireTimeout: "500 millis" })
      yield* pool.get
      const error = yield* Effect.flip(sql`SELECT 1 FROM t`)
      assert.instanceOf(error.reason, Sql.ConnectionError)
      assert.strictEqual(error.reason.operation, "acquireConnection")
    }))
})
