/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the error union */
/**
 * Connection against a misbehaving TestServer: the server closes mid-row, sends garbage, stalls a statement (which the
 * urgent byte interrupts), and the fallback path without urgent support.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import * as TestServer from "../src/TestServer.ts"
import { batchWatch } from "./batchWatch.ts"
import { failure } from "./connectionSupport.ts"
import { eventually } from "./eventually.ts"
import { measure, withoutTime } from "./testClockSteps.ts"
import { itUrgent, itUrgentEffect } from "./urgentSupport.ts"

const withTable = (conn: Connection.Connection, rows: number) =>
  Effect.gen(function*() {
    yield* conn.execute("CREATE TABLE f (id INTEGER, name VARCHAR(40))")
    yield* conn.transaction(Effect.forEach(
      Array.from({ length: rows }, (_, i) => i),
      (i) => conn.execute("INSERT INTO f VALUES (?, ?)", [i, `row number ${i}`]),
      { discard: true }
    ))
  })

const retiredHook = (conn: Connection.Connection) =>
  Effect.gen(function*() {
    const retired = yield* Deferred.make<InformixError>()
    conn.onRetire((cause) => Deferred.doneUnsafe(retired, Effect.succeed(cause)))
    return retired
  })

describe("Connection faults", () => {
  it.live("server closes mid-row → ConnectionError, session dead, retire hook fires", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* withTable(conn, 50)
      const retired = yield* retiredHook(conn)
      // Prepared once (and cached), so the next reply is the OPEN + NFETCH one: cut it inside the first tuples.
      assert.strictEqual((yield* conn.query("SELECT id, name FROM f")).length, 50)
      yield* server.faults.closeAfterBytes(30)
      const error = failure(yield* Effect.exit(conn.query("SELECT id, name FROM f")))
      assert.include(["ConnectionError", "ProtocolError"], error._tag)
      assert.strictEqual(conn.state, "dead")
      assert.strictEqual((yield* Deferred.await(retired))._tag, error._tag)
      const next = failure(yield* Effect.exit(conn.query("SELECT 1 FROM systables WHERE tabid = 1")))
      assert.strictEqual(next._tag, "ConnectionError")
    }).pipe(Effect.scoped))

  it.live("garbage bytes (corrupt frame) → ProtocolError and the session is retired", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      const retired = yield* retiredHook(conn)
      yield* server.faults.corruptNextReply({ _tag: "UnknownOpcode" })
      const error = failure(yield* Effect.exit(conn.query("SELECT tabid FROM systables WHERE tabid = 1")))
      assert.strictEqual(error._tag, "ProtocolError")
      assert.strictEqual(conn.state, "dead")
      assert.strictEqual((yield* Deferred.await(retired))._tag, "ProtocolError")
    }).pipe(Effect.scoped))

  it.live("a flipped byte inside a reply is detected (ProtocolError or a typed failure), never a wrong result", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* withTable(conn, 3)
      yield* server.faults.corruptNextReply({ _tag: "FlipByte", offset: 1 })
      const exit = yield* Effect.exit(conn.values("SELECT id FROM f ORDER BY id"))
      if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value, [[0], [1], [2]])
      else assert.include(["ProtocolError", "ConnectionError", "SqlError"], failure(exit)._tag)
    }).pipe(Effect.scoped))

  itUrgentEffect(
    "interrupting a stalled statement via the urgent byte frees the session, transaction intact",
    () =>
      Effect.gen(function*() {
        const watch = batchWatch()
        const server = yield* TestServer.make({ protocolTrace: watch.protocolTrace })
        const conn = yield* Connection.make(server.url)
        assert.isTrue(conn.serverInterruptSupported)
        yield* conn.execute("CREATE TABLE u (id INTEGER)")
        yield* conn.transaction(Effect.gen(function*() {
          yield* conn.execute("INSERT INTO u VALUES (1)")
          const executing = watch.next("Execute")
          const stalled = yield* Effect.forkChild(conn.execute(server.stallSql))
          // The server sleeps in the statement; the test clock stands still, so only the interrupt can end it.
          yield* executing
          yield* Fiber.interrupt(stalled)
          // The next statement waits for the drain, then runs in the same, still open transaction.
          assert.deepStrictEqual(yield* withoutTime(conn.values("SELECT COUNT(*) FROM u")), [[1]])
          assert.isTrue(conn.inTransaction)
          assert.strictEqual(conn.state, "idle")
          assert.strictEqual((yield* server.stats).transactions, 1)
        }))
        assert.deepStrictEqual(yield* conn.values("SELECT id FROM u"), [[1]])
      }).pipe(Effect.scoped)
  )

  itUrgentEffect(
    "statement timeout on a stalled statement → SqlError -213 at the timeout, session usable",
    () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make()
        const conn = yield* Connection.make(server.url)
        // The test clock measures the timeout; the statement itself would sleep 30 s of it.
        const timed = yield* measure(Effect.exit(conn.execute(server.stallSql, [], { timeout: "200 millis" })))
        assert.isAtLeast(timed.millis, 200)
        assert.isBelow(timed.millis, 30_000)
        const error = failure(timed.value)
        assert.strictEqual(error._tag, "SqlError")
        if (error._tag === "SqlError") {
          assert.strictEqual(error.sqlcode, -213)
          assert.isTrue(error.isInterrupted)
        }
        assert.deepStrictEqual(yield* conn.values("SELECT 1 FROM systables WHERE tabid = 1"), [[1]])
      }).pipe(Effect.scoped)
  )

  itUrgent("a stalled reply (fault hook) is interrupted by the urgent byte as well", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* server.faults.stallNextReply("30 seconds")
      const fiber = yield* Effect.forkChild(conn.values("SELECT 1 FROM systables WHERE tabid = 1"))
      yield* Effect.sleep("100 millis")
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(yield* conn.values("SELECT 2 FROM systables WHERE tabid = 1"), [[2]])
    }).pipe(Effect.scoped))

  it.live("fallback without urgent support: the stalled reply is drained until drainTimeout, then the session retires", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false, drainTimeout: "300 millis" })
      assert.isFalse(conn.serverInterruptSupported)
      const retired = yield* retiredHook(conn)
      const fiber = yield* Effect.forkChild(conn.execute(server.stallSql))
      yield* Effect.sleep("100 millis")
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(conn.state, "draining")
      const cause = yield* Deferred.await(retired)
      assert.strictEqual(cause._tag, "ConnectionError")
      assert.strictEqual(conn.state, "dead")
      yield* Effect.sleep("50 millis")
      assert.strictEqual((yield* server.stats).sessions, 0)
    }).pipe(Effect.scoped))

  it.live("fallback without urgent support: a reply that ends within drainTimeout keeps the session", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false, drainTimeout: "5 seconds" })
      const fiber = yield* Effect.forkChild(conn.execute(TestServer.sleepSql(0.3)))
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(yield* conn.values("SELECT 3 FROM systables WHERE tabid = 1"), [[3]])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("an interrupted query returns at once; its cursor is closed right after the drain (no urgent byte)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false })
      yield* withTable(conn, 10)
      // Prepared and cached first, so the stalled reply is the OPEN + NFETCH one.
      assert.strictEqual((yield* conn.values("SELECT id FROM f")).length, 10)
      yield* server.faults.stallNextReply("300 millis")
      const fiber = yield* Effect.forkChild(conn.values("SELECT id FROM f"))
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(fiber)
      // Back before the stalled reply was read: the session is still draining it.
      assert.strictEqual(conn.state, "draining")
      while (conn.state !== "idle") yield* Effect.sleep("20 millis")
      const stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM f"), [[10]])
    }).pipe(Effect.scoped))

  it.live("interrupted mid-stream: the cursor is closed and the next statement is correct", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* withTable(conn, 400)
      yield* server.faults.slowReplies({ delay: "20 millis", chunkSize: 64 })
      const fiber = yield* Effect.forkChild(
        Stream.runDrain(conn.stream("SELECT id, name FROM f ORDER BY id", [], { fetchSize: 2048 }))
      )
      yield* Effect.sleep("150 millis")
      yield* Fiber.interrupt(fiber)
      yield* server.faults.slowReplies(undefined)
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM f"), [[400]])
      // The COUNT's own cursor was read to the end: its CLOSE goes out once the session stays idle.
      const stats = yield* eventually(server.stats, (s) => s.cursors === 0)
      assert.strictEqual(stats.cursors, 0)
      // The server counts the cursor closed before its reply reaches us: the session settles once it is read.
      yield* conn.awaitSettled
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.effect("closing waits a second for the server's SQ_EXIT, not for a stalled one, then destroys the socket", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const scope = yield* Scope.make()
      const conn = yield* Connection.make(server.url).pipe(Scope.provide(scope))
      yield* server.faults.stallEveryReply("30 seconds")
      // The test clock measures the wait.
      const closing = yield* measure(Scope.close(scope, Exit.void))
      assert.isAtLeast(closing.millis, 1000)
      assert.isBelow(closing.millis, 30_000)
      assert.strictEqual(conn.state, "dead")
    }))

  it.live("an injected server error fails only that statement", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* server.faults.failNextStatement({ sqlcode: -243, isamCode: -107, parameter: "f", on: "execute" })
      const error = failure(yield* Effect.exit(conn.execute("CREATE TABLE g (id INTEGER)")))
      assert.strictEqual(error._tag, "SqlError")
      if (error._tag === "SqlError") {
        assert.strictEqual(error.sqlcode, -243)
        assert.isTrue(error.isLockTimeout)
      }
      yield* conn.execute("CREATE TABLE g (id INTEGER)")
    }).pipe(Effect.scoped))

  it.live(
    "storm against the TestServer: 1,000 random interrupts never alter another statement",
    () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make()
        const conn = yield* Connection.make(server.url)
        let completed = 0
        let interrupted = 0
        for (let i = 0; i < 1000; i++) {
          const n = i + 1
          // Mostly quick statements, some that run a few milliseconds on the server.
          const statement = Math.random() < 0.2
            ? Effect.andThen(
              conn.execute(TestServer.sleepSql(0.003)),
              conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [n])
            )
            : conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [n])
          const fiber = yield* Effect.forkChild(statement)
          const wait = Math.random() * 4
          if (wait > 0.5) yield* Effect.sleep(`${wait} millis`)
          const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
          if (Exit.isSuccess(exit)) {
            assert.deepStrictEqual(exit.value, [[n]])
            completed++
          } else {
            assert.isTrue(Cause.hasInterruptsOnly(exit.cause), `statement ${n} failed: ${Cause.pretty(exit.cause)}`)
            interrupted++
          }
        }
        assert.strictEqual(conn.state === "dead", false)
        assert.deepStrictEqual(yield* conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [-1]), [[-1]])
        assert.isAbove(completed, 0)
        assert.isAbove(interrupted, 0)
        const stats = yield* eventually(server.stats, (s) => s.cursors === 0)
        assert.strictEqual(stats.cursors, 0)
      }).pipe(Effect.scoped),
    120_000
  )
})
