/**
 * The interruption storm over TLS: the urgent byte travels on the TCP socket underneath the TLS records (SQLI.md
 * §2.2), so an interrupt must never cut into a record or reach the server for the wrong statement. Eight TLS sessions
 * (certificate verified against a private CA), an in-process TestServer, the same operation mix and assertions as
 * storm.test.ts; `STORM_TLS_OPERATIONS` overrides the count.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Scope from "effect/Scope"
import * as Connection from "../../src/Connection.ts"
import type { ConnectionImpl } from "../../src/internal/connection/connectionImpl.ts"
import * as TestServer from "../../src/TestServer.ts"
import {
  assertTally,
  assertUrgentAccounted,
  makeFiberCounter,
  prepareSessions,
  SESSIONS,
  settings,
  storm,
  waitFor
} from "./stormKit.ts"
import { makeMaterial } from "./tlsMaterial.ts"

const TOTAL = Number(process.env["STORM_TLS_OPERATIONS"] ?? 10_000)

describe("interruption storm over TLS", () => {
  it.live(
    `${TOTAL} operations over TLS sessions with random interrupts: own answers, no leaks`,
    () =>
      Effect.gen(function*() {
        const material = makeMaterial()
        let urgentBytes = 0
        let urgentIdle = 0
        const server = yield* TestServer.make({
          tls: { key: material.key, cert: material.cert },
          protocolTrace: (event) => {
            if (event._tag === "Urgent" && event.ignored) urgentIdle++
            else if (event._tag === "Urgent") urgentBytes++
          }
        })
        const fibers = makeFiberCounter()
        const result = yield* Effect.gen(function*() {
          const scope = yield* Scope.make()
          const sessions = yield* Effect.forEach(
            Array.from({ length: SESSIONS }, (_, s) => s),
            () => Connection.make(settings(server.tlsUrl!, { tls: { ca: [material.ca] } })),
            { concurrency: SESSIONS }
          ).pipe(Scope.provide(scope))
          assert.isTrue(sessions.every((conn) => conn.serverInterruptSupported), "urgent byte available under TLS")
          const tally = yield* storm(TOTAL, 23, yield* prepareSessions(sessions, scope))
          yield* waitFor(Effect.sync(() => sessions.map((c) => c.state)), (states) => states.every((s) => s === "idle"))
          const states = sessions.map((c) => c.state)
          // An exhausted cursor's CLOSE goes out once its session stays idle (deferred CLOSE); a leaked one never does.
          yield* waitFor(server.stats, (s) => s.cursors === 0)
          const during = yield* server.stats
          const urgentSent = sessions.reduce((n, conn) => n + (conn as ConnectionImpl).interruptsSent, 0)
          yield* Scope.close(scope, Exit.void)
          return { tally, states, during, urgentSent }
        }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers.service))

        assertTally("TLS", result.tally, TOTAL)
        assert.deepStrictEqual(result.states, Array.from({ length: SESSIONS }, () => "idle"))
        assert.strictEqual(result.during.cursors, 0, "no cursor left open")
        assert.strictEqual(result.during.transactions, 0, "no transaction left open")
        assert.isAbove(urgentBytes, 0, "interrupts reached statements on the wire through TLS sessions")
        assertUrgentAccounted("TLS", { urgent: urgentBytes, urgentIdle, urgentSent: result.urgentSent })
        yield* waitFor(server.stats, (stats) => stats.sessions === 0)
        const after = yield* server.stats
        assert.strictEqual(after.sessions, 0)
        assert.strictEqual(after.statements, 0)
        yield* waitFor(Effect.sync(() => fibers.counter.started - fibers.counter.ended), (live) => live === 0)
        assert.strictEqual(fibers.counter.started - fibers.counter.ended, 0, "every fiber started by the storm ended")
      }).pipe(Effect.scoped),
    { timeout: 300_000 }
  )
})
