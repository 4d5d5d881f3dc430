/**
 * Pool against the TestServer: the hygiene and retirement paths with real sessions (server-side transaction state,
 * dropped sockets, interrupted statements), minimum size, and graceful shutdown (every session ends with SQ_EXIT).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import { PoolTimeoutError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import * as TestServer from "../src/TestServer.ts"
import { eventually } from "./eventually.ts"
import { urgentAvailable } from "./urgentSupport.ts"

describe("Pool (TestServer)", () => {
  it.live("a transaction left open by a borrower is rolled back on the server before reuse", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1 })
      yield* pool.use((c) => c.execute("CREATE TABLE t (n INTEGER)"))
      yield* pool.use((c) => Effect.andThen(c.execute("BEGIN WORK"), c.execute("INSERT INTO t VALUES (1)")))
      assert.strictEqual((yield* server.stats).transactions, 0)
      const rows = yield* pool.use((c) =>
        Effect.gen(function*() {
          assert.isFalse(c.inTransaction)
          return yield* c.query("SELECT n FROM t")
        })
      )
      assert.deepStrictEqual(rows, [])
      assert.strictEqual((yield* pool.stats).retired, 0)
    }))

  it.live("a session sending its deferred CLOSE on its own (idle in the pool) is handed out, not retired", () =>
    Effect.gen(function*() {
      // A server that ignores OPTOFC: it leaves the CLOSE of an exhausted cursor to the client.
      const server = yield* TestServer.make({ honourOptofc: false })
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1 })
      yield* pool.use((c) => c.execute("CREATE TABLE d (n INTEGER)"))
      yield* pool.use((c) => c.values("SELECT n FROM d WHERE n > ?", [0]))
      // The SELECT's cursor was read to the end: its CLOSE waits for the session's next request, or goes out alone
      // after the session stayed idle for a moment. A slow reply keeps that lone CLOSE on the wire.
      yield* server.faults.slowReplies({ delay: "300 millis" })
      yield* Effect.sleep("50 millis")
      const state = yield* pool.use((c) => Effect.succeed(c.state))
      yield* server.faults.slowReplies(undefined)
      const stats = yield* pool.stats
      assert.strictEqual(stats.retired, 0)
      assert.strictEqual(stats.opened, 1)
      assert.strictEqual(state, "busy", "the borrower got the session while its CLOSE was in flight")
      assert.deepStrictEqual(yield* pool.use((c) => c.values("SELECT n FROM d WHERE n > ?", [0])), [])
    }))

  it.live("sessions the server dropped are retired through their hooks and replaced", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 3, minConnections: 3 })
      yield* eventually(pool.stats, (stats) => stats.open === 3)
      assert.strictEqual((yield* server.stats).sessions, 3)
      yield* server.dropConnections
      const stats = yield* eventually(pool.stats, (stats) => stats.retired === 3 && stats.open === 3)
      assert.strictEqual(stats.retired, 3)
      const rows = yield* pool.use((c) => c.query("SELECT tabid FROM systables WHERE tabid = ?", [1]))
      assert.deepStrictEqual(rows, [{ tabid: 1 }])
    }))

  it.live("an interrupted statement leaves a session that answers the next statement correctly", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1, drainTimeout: "1 second" })
      const fiber = yield* Effect.forkChild(pool.use((c) => c.execute(server.stallSql)))
      yield* Effect.sleep("100 millis")
      yield* Fiber.interrupt(fiber)
      const rows = yield* pool.use((c) =>
        c.query("SELECT ?::INTEGER + 1 AS answer FROM systables WHERE tabid = 1", [41])
      )
      assert.deepStrictEqual(rows, [{ answer: 42 }])
      const stats = yield* pool.stats
      if (urgentAvailable) {
        // The server stopped the statement (urgent byte, -213), so the same session was reused rather than replaced.
        assert.strictEqual(stats.opened, 1)
        assert.strictEqual(stats.retired, 0)
      } else {
        // No urgent data here: the stalled reply never ended within drainTimeout, so the session was retired.
        assert.strictEqual(stats.opened, 2)
        assert.strictEqual(stats.retired, 1)
      }
    }))

  it.live("a checkout that cannot be served in time fails with PoolTimeoutError", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      // The timeout also bounds the holder's own connect, so it leaves room for a loaded machine; the holder never
      // gives its session back, so the second checkout cannot be served however long it waits.
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1, acquireTimeout: "1 second" })
      const holder = yield* Effect.forkChild(pool.use(() => Effect.never))
      yield* eventually(pool.stats, (stats) => stats.inUse === 1)
      const error = yield* Effect.flip(pool.use(() => Effect.void))
      assert.instanceOf(error, PoolTimeoutError)
      yield* Fiber.interrupt(holder)
    }))

  it.live("shutdown waits for leases and closes every session on the server with SQ_EXIT", () =>
    Effect.gen(function*() {
      // Sessions that said goodbye with SQ_EXIT (as opposed to just dropping the socket).
      const exited = new Set<number>()
      const server = yield* TestServer.make({
        protocolTrace: (event) => {
          // oxlint-disable-next-line no-underscore-dangle -- `_tag` is the trace event's discriminant
          if (event._tag === "Batch" && event.messages.some((message) => message._tag === "Exit")) {
            exited.add(event.session)
          }
        }
      })
      const scope = yield* Scope.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 4 }).pipe(Scope.provide(scope))
      yield* Effect.forEach(
        [1, 2, 3, 4],
        (n) => pool.use((c) => c.query("SELECT tabid FROM systables WHERE tabid = ?", [n])),
        {
          concurrency: "unbounded",
          discard: true
        }
      )
      const open = (yield* pool.stats).open
      assert.isAtLeast(open, 1)
      assert.strictEqual((yield* server.stats).sessions, open)
      const held = yield* Effect.forkChild(
        pool.use((c) =>
          Effect.andThen(Effect.sleep("50 millis"), c.query("SELECT 1 AS one FROM systables WHERE tabid = 1"))
        )
      )
      yield* eventually(pool.stats, (stats) => stats.inUse === 1)
      yield* Scope.close(scope, Exit.void)
      // The lease that was running when shutdown began completed normally.
      assert.deepStrictEqual(yield* Fiber.join(held), [{ one: 1 }])
      const after = yield* eventually(server.stats, (stats) => stats.sessions === 0)
      assert.strictEqual(after.sessions, 0)
      assert.strictEqual((yield* pool.stats).open, 0)
    }))
})
