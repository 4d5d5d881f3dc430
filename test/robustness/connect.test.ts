/**
 * Interrupting `Connection.make` at random moments of the connect sequence (TCP connect, login PDU, SQ_PROTOCOLS,
 * SQ_INFO, SQ_DBOPEN, session settings): no session may be left on the server, no socket handle in this process,
 * and a session that did open must work.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Connection from "../../src/Connection.ts"
import * as TestServer from "../../src/TestServer.ts"

const ATTEMPTS = 300

const socketHandles = () => process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length

describe("interrupted connects", () => {
  it.live(`${ATTEMPTS} connects interrupted at random moments leave nothing behind`, () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const baseline = socketHandles()
      let state = 99
      const random = () => {
        state = (state * 1103515245 + 12345) & 0x7fffffff
        return state / 0x7fffffff
      }
      let opened = 0
      let interrupted = 0
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        // Connect with isolation and lock-wait settings, so the sequence has more round trips to be cut in.
        const connect = Effect.scoped(Effect.gen(function*() {
          const conn = yield* Connection.make({ url: server.url, isolation: "committedRead", lockWait: { seconds: 5 } })
          const rows = yield* conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [attempt])
          assert.deepStrictEqual(rows, [[attempt]])
        }))
        const fiber = yield* Effect.forkChild(connect, { startImmediately: true })
        yield* Effect.sleep(`${Math.floor(random() * 12_000)} micros`)
        yield* Fiber.interrupt(fiber)
        const exit = yield* Fiber.await(fiber)
        if (Exit.isSuccess(exit)) opened++
        else if (Exit.hasInterrupts(exit)) interrupted++
        else assert.fail(`a connect failed without being interrupted: ${String(exit.cause)}`)
      }
      assert.isAbove(interrupted, 0, "some connects were cut")
      assert.isAbove(opened, 0, "some connects completed")
      const stats = yield* Effect.repeat(server.stats, {
        until: (s) => s.sessions === 0,
        schedule: Schedule.spaced("20 millis")
      }).pipe(Effect.timeout("10 seconds"))
      assert.strictEqual(stats.sessions, 0, `sessions left on the server (${opened} opened, ${interrupted} cut)`)
      assert.strictEqual(stats.statements, 0)
      const handles = yield* Effect.repeat(Effect.sync(socketHandles), {
        until: (n) => n <= baseline,
        schedule: Schedule.spaced("20 millis")
      }).pipe(Effect.timeout("10 seconds"), Effect.orElseSucceed(socketHandles))
      assert.isAtMost(handles, baseline, "socket handles left open in the client")
    }).pipe(Effect.scoped), { timeout: 120_000 })
})
