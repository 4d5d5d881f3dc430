/**
 * The interruption storm without the server-side interrupt (`serverInterrupt: false`, as on a platform that cannot
 * send TCP urgent data): every interrupted statement is drained to its natural end before the session is used again.
 * Same operation mix and assertions as storm.test.ts (own answers, nothing but interruptions fails, no leaks), and no
 * urgent byte may reach the server. `STORM_FALLBACK_OPERATIONS` overrides the count.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Scope from "effect/Scope"
import * as Connection from "../../src/Connection.ts"
import { startServerProcess } from "./serverProcess.ts"
import { assertTally, makeFiberCounter, prepareSessions, SESSIONS, settings, storm, waitFor } from "./stormKit.ts"

const TOTAL = Number(process.env["STORM_FALLBACK_OPERATIONS"] ?? 20_000)

describe("interruption storm without server interrupt", () => {
  it.live(`${TOTAL} operations, interrupted ones drained: own answers, no leaks`, () =>
    Effect.gen(function*() {
      const server = yield* startServerProcess
      const fibers = makeFiberCounter()
      const result = yield* Effect.gen(function*() {
        const scope = yield* Scope.make()
        const sessions = yield* Effect.forEach(
          Array.from({ length: SESSIONS }, (_, s) => s),
          () => Connection.make(settings(server.url, { serverInterrupt: false })),
          { concurrency: SESSIONS }
        ).pipe(Scope.provide(scope))
        assert.isTrue(sessions.every((conn) => !conn.serverInterruptSupported))
        const tally = yield* storm(TOTAL, 31, yield* prepareSessions(sessions, scope))
        yield* waitFor(Effect.sync(() => sessions.map((c) => c.state)), (states) => states.every((s) => s === "idle"))
        const states = sessions.map((c) => c.state)
        // An exhausted cursor's CLOSE goes out once its session stays idle (deferred CLOSE); a leaked one never does.
        yield* waitFor(server.stats, (s) => s.stats.cursors === 0)
        const during = yield* server.stats
        yield* Scope.close(scope, Exit.void)
        return { tally, states, during }
      }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers.service))

      assertTally("fallback", result.tally, TOTAL)
      assert.deepStrictEqual(result.states, Array.from({ length: SESSIONS }, () => "idle"), "no session was retired")
      assert.strictEqual(result.during.stats.cursors, 0, "no cursor left open")
      assert.strictEqual(result.during.stats.transactions, 0, "no transaction left open")
      assert.strictEqual(result.during.urgent, 0, "no urgent byte interrupted a request")
      assert.strictEqual(result.during.urgentIdle, 0, "no urgent byte arrived while the server was idle")
      const after = yield* Effect.map(server.stats, (s) => s.stats)
      yield* waitFor(Effect.map(server.stats, (s) => s.stats.sessions), (n) => n === 0)
      const closed = yield* Effect.map(server.stats, (s) => s.stats)
      assert.strictEqual(closed.sessions, 0, `sessions left (${after.sessions} right after close)`)
      assert.strictEqual(closed.statements, 0)
      yield* waitFor(Effect.sync(() => fibers.counter.started - fibers.counter.ended), (live) => live === 0)
      assert.strictEqual(fibers.counter.started - fibers.counter.ended, 0, "every fiber started by the storm ended")
    }).pipe(Effect.scoped), { timeout: 300_000 })
})
