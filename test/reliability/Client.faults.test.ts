/**
 * InformixClient under server faults (TestServer fault injection): a reply cut short, a corrupt frame, a server
 * error on demand, the server dropping every session in the middle of a transaction, a statement stalled and
 * abandoned by a timeout. In every case the caller gets the right SqlError reason, a broken session is retired and
 * replaced, and the next statement gets its own correct answer.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Sql from "effect/sql/SqlError"
import * as InformixClient from "../../src/InformixClient.ts"
import { ProtocolError } from "../../src/InformixError.ts"
import * as TestServer from "../../src/TestServer.ts"
import { eventually } from "../eventually.ts"

const setup = Effect.gen(function*() {
  const server = yield* TestServer.make()
  const sql = yield* InformixClient.make({ url: server.url, maxConnections: 2 }).pipe(Effect.provide(Reactivity.layer))
  const answer = (n: number) =>
    Effect.map(
      sql<{ readonly v: number }>`SELECT ${sql.cast(n, "INTEGER")} AS v FROM systables WHERE tabid = 1`,
      (rows) => rows[0]?.v
    )
  return { server, sql, answer, pool: sql.pool! }
})

describe("InformixClient under server faults", () => {
  it.live("a reply cut short: ConnectionError, the session is retired and replaced", () =>
    Effect.gen(function*() {
      const { answer, pool, server } = yield* setup
      assert.strictEqual(yield* answer(1), 1)
      yield* server.faults.closeAfterBytes(3)
      const error = yield* Effect.flip(answer(2))
      assert.instanceOf(error.reason, Sql.ConnectionError)
      assert.strictEqual(yield* answer(3), 3)
      assert.strictEqual((yield* pool.stats).retired, 1)
    }))

  it.live("a corrupt frame: ConnectionError caused by a ProtocolError, then a fresh session", () =>
    Effect.gen(function*() {
      const { answer, pool, server } = yield* setup
      assert.strictEqual(yield* answer(1), 1)
      yield* server.faults.corruptNextReply({ _tag: "UnknownOpcode" })
      const error = yield* Effect.flip(answer(2))
      assert.instanceOf(error.reason, Sql.ConnectionError)
      assert.instanceOf(error.reason.cause, ProtocolError)
      assert.strictEqual(yield* answer(4), 4)
      assert.strictEqual((yield* pool.stats).retired, 1)
    }))

  it.live("a server error is the statement's failure only: the session stays in service", () =>
    Effect.gen(function*() {
      const { answer, pool, server } = yield* setup
      assert.strictEqual(yield* answer(1), 1)
      yield* server.faults.failNextStatement({ sqlcode: -244, isamCode: -154 })
      const error = yield* Effect.flip(answer(2))
      assert.instanceOf(error.reason, Sql.LockTimeoutError)
      assert.strictEqual(yield* answer(5), 5)
      const stats = yield* pool.stats
      assert.strictEqual(stats.retired, 0)
      assert.strictEqual(stats.opened, 1)
    }))

  it.live("the server drops every session during a transaction: the transaction fails, the pool recovers", () =>
    Effect.gen(function*() {
      const { answer, pool, server, sql } = yield* setup
      yield* sql`CREATE TABLE dropped (n INTEGER)`
      const error = yield* Effect.flip(sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO dropped VALUES (1)`
        yield* server.dropConnections
        yield* Effect.sleep("20 millis")
        yield* sql`INSERT INTO dropped VALUES (2)`
      })))
      assert.instanceOf(error.reason, Sql.ConnectionError)
      assert.deepStrictEqual(yield* sql`SELECT n FROM dropped`, [])
      assert.strictEqual(yield* answer(6), 6)
      assert.isAtLeast((yield* pool.stats).retired, 1)
      assert.strictEqual((yield* server.stats).transactions, 0)
    }))

  it.live("a stalled statement abandoned by a timeout leaves the session answering correctly", () =>
    Effect.gen(function*() {
      const { answer, pool, server } = yield* setup
      assert.strictEqual(yield* answer(1), 1)
      yield* server.faults.stallNextReply("30 seconds")
      const timedOut = yield* Effect.flip(Effect.timeout(answer(2), "100 millis"))
      assert.isTrue(Cause.isTimeoutError(timedOut))
      assert.strictEqual(yield* answer(7), 7)
      assert.strictEqual((yield* eventually(server.stats, (s) => s.cursors === 0)).cursors, 0)
      assert.strictEqual((yield* pool.stats).inUse, 0)
    }))
})
