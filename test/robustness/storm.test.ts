/**
 * Interruption storm: 100,000 mixed operations (single queries, prepared statements, streamed cursors, transactions
 * and server-side stalls) over a few sessions, a quarter of them interrupted at a random moment — by a timeout that
 * fires while the statement is being written, waited for or read, or by a fiber interrupting them from outside.
 *
 * Asserted (never timings):
 * - every operation that completed returned its own answer: each one binds values that come back in its result
 *   (or, for transactions, writes and reads back a value that identifies it), so a stale reply is caught;
 * - nothing failed except by interruption (an interrupt may never surface as someone else's −213);
 * - nothing leaks: no cursor or transaction is left on the server while the sessions live, no session or prepared
 *   statement after they close, every fiber started under the storm ended (counted with a fiber-runtime hook, the
 *   Effect 4 stand-in for a supervisor), and the sessions are idle again.
 *
 * Phase A runs over eight `Connection`s directly (the sessions must survive every interrupt: the urgent byte stops
 * the server's work and the reply is drained); phase B runs over a `Pool` of eight, which also exercises checkout
 * interruption and return hygiene. The TestServer runs in a child process (serverChild.ts), so on a 2-core machine
 * the driver and the server each get a core; `STORM_OPERATIONS` overrides the count.
 *
 * Mix (stormKit.ts): 70 % echo queries (statement cache), 12 % prepared statements, 6 % streamed cursors, 3 %
 * transactions, 3 % nested transactions whose savepoint is rolled back, 6 % 3 ms server stalls.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Scope from "effect/Scope"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import * as Connection from "../../src/Connection.ts"
import type { ConnectionImpl } from "../../src/internal/connection/connectionImpl.ts"
import * as Pool from "../../src/Pool.ts"
import { startServerProcess } from "./serverProcess.ts"
import {
  assertTally,
  assertUrgentAccounted,
  ECHO_SQL,
  makeFiberCounter,
  prepareSessions,
  SESSIONS,
  settings,
  storm,
  type Tally,
  waitFor
} from "./stormKit.ts"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

/** Sums two tallies of consecutive storms. */
const mergeTallies = (a: Tally, b: Tally): Tally => {
  const byKind: Record<string, number> = { ...a.byKind }
  for (const [kind, n] of Object.entries(b.byKind)) byKind[kind] = (byKind[kind] ?? 0) + n
  return {
    completed: a.completed + b.completed,
    interrupted: a.interrupted + b.interrupted,
    wrong: [...a.wrong, ...b.wrong],
    failed: [...a.failed, ...b.failed],
    failures: a.failures + b.failures,
    tolerated: a.tolerated + b.tolerated,
    byKind
  }
}

const TOTAL = Number(process.env["STORM_OPERATIONS"] ?? 100_000)
const PHASE_A = Math.round(TOTAL * 0.6)
const PHASE_B = TOTAL - PHASE_A

describe("interruption storm", () => {
  it.live(`${TOTAL} operations with random interrupts: own answers, no leaks`, () =>
    Effect.gen(function*() {
      // The server runs in a child process: on two cores the driver and the server each get one.
      const server = yield* startServerProcess
      const serverStats = Effect.map(server.stats, (s) => s.stats)
      const fibers = makeFiberCounter()

      // Phase A: sessions used directly, each with one long-lived prepared statement.
      const phaseA = yield* Effect.gen(function*() {
        const scope = yield* Scope.make()
        const sessions = yield* Effect.forEach(
          Array.from({ length: SESSIONS }, (_, s) => s),
          () => Connection.make(settings(server.url)),
          { concurrency: SESSIONS }
        ).pipe(Scope.provide(scope))
        const onSession = yield* prepareSessions(sessions, scope)
        // Two halves, with the heap measured after each: the second must not keep what the first allocated.
        const first = yield* storm(Math.floor(PHASE_A / 2), 7, onSession)
        gc()
        const heapAfterFirst = process.memoryUsage().heapUsed
        const second = yield* storm(PHASE_A - Math.floor(PHASE_A / 2), 8, onSession)
        gc()
        const heapAfterSecond = process.memoryUsage().heapUsed
        const tally = mergeTallies(first, second)
        // Drains of the last interrupted statements finish on their own.
        yield* waitFor(Effect.sync(() => sessions.map((c) => c.state)), (states) => states.every((s) => s === "idle"))
        const states = sessions.map((c) => c.state)
        // An exhausted cursor's CLOSE goes out once its session stays idle (deferred CLOSE); a leaked one never does.
        yield* waitFor(server.stats, (s) => s.stats.cursors === 0)
        const { stats: during, urgent, urgentIdle } = yield* server.stats
        const urgentSent = sessions.reduce((n, conn) => n + (conn as ConnectionImpl).interruptsSent, 0)
        yield* Scope.close(scope, Exit.void)
        return { tally, states, during, urgent, urgentIdle, urgentSent, heapAfterFirst, heapAfterSecond }
      }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers.service))

      assertTally("phase A", phaseA.tally, PHASE_A)
      // Generous bound (no timing, no GC luck): the second half must not have kept what the first allocated.
      assert.isBelow(phaseA.heapAfterSecond, phaseA.heapAfterFirst * 1.5 + 32 * 1024 * 1024, "the heap stays flat")
      assert.deepStrictEqual(phaseA.states, Array.from({ length: SESSIONS }, () => "idle"))
      assert.strictEqual(phaseA.during.cursors, 0, "phase A: no cursor left open")
      assert.strictEqual(phaseA.during.transactions, 0, "phase A: no transaction left open")
      assert.isAbove(phaseA.urgent, 0, "interrupts reached statements on the wire")
      assertUrgentAccounted("phase A", phaseA)

      // Phase B: a pool of the same size.
      const phaseB = yield* Effect.gen(function*() {
        const scope = yield* Scope.make()
        const pool = yield* Pool.make({
          ...settings(server.url),
          maxConnections: SESSIONS,
          acquireTimeout: "60 seconds"
        })
          .pipe(Scope.provide(scope))
        // Pooled sessions prepare per lease; the statement is released when the operation ends.
        const tally = yield* storm(PHASE_B, 11, (_i, f) => pool.use((conn) => f(conn, conn.prepare(ECHO_SQL))))
        yield* waitFor(pool.stats, (stats) => stats.inUse === 0)
        const poolStats = yield* pool.stats
        // An exhausted cursor's CLOSE goes out once its session stays idle (deferred CLOSE); a leaked one never does.
        yield* waitFor(serverStats, (s) => s.cursors === 0)
        const during = yield* serverStats
        yield* Scope.close(scope, Exit.void)
        return { tally, poolStats, during }
      }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers.service))

      assertTally("phase B", phaseB.tally, PHASE_B)
      assert.strictEqual(phaseB.poolStats.inUse, 0)
      assert.strictEqual(phaseB.poolStats.waiting, 0)
      assert.strictEqual(phaseB.during.cursors, 0, "phase B: no cursor left open")
      assert.strictEqual(phaseB.during.transactions, 0, "phase B: no transaction left open")

      yield* waitFor(serverStats, (stats) => stats.sessions === 0)
      const after = yield* serverStats
      assert.strictEqual(after.sessions, 0, "every session closed")
      assert.strictEqual(after.statements, 0, "no prepared statement left on the server")
      assert.strictEqual(after.cursors, 0)
      yield* waitFor(Effect.sync(() => fibers.counter.started - fibers.counter.ended), (live) => live === 0)
      assert.isAbove(fibers.counter.started, TOTAL, "the fiber counter saw the storm")
      assert.strictEqual(fibers.counter.started - fibers.counter.ended, 0, "every fiber started by the storm ended")
    }), { timeout: 600_000 })
})
