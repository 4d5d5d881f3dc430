/**
 * Load and interruption check of Pool + Connection against the TestServer: 10,000 fibers over a pool of 10, each
 * running a query whose answer identifies it, while 30 % are interrupted at random moments (some while waiting for
 * a session, some in the middle of their query).
 *
 * Asserted behaviour (never timings):
 * - every query that completed got its own answer (no stale or foreign reply was ever delivered), and some of the
 *   interruptions reached a statement on the wire (the server saw urgent bytes);
 * - the server never saw more sessions than the pool allows (plus one per retired session, whose replacement may
 *   connect before the retired one is closed), and none is left after the pool closes;
 * - no cursor is left open on the server while the pool runs (prepared statements stay in each session's cache
 *   until it closes) and no statement after; nothing is leased or waiting in the pool;
 * - every forked fiber ended, Node's socket handles are back to the baseline;
 * - the heap after a second round of the same load is not meaningfully larger than after the first.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import * as Pool from "../../src/Pool.ts"
import * as TestServer from "../../src/TestServer.ts"
import { eventually } from "../eventually.ts"
import { urgentAvailable } from "../urgentSupport.ts"

/** A statement whose only row is computed from the bound value, so each answer names the fiber that asked. */
export const identifyingQuery = "SELECT tabid + ? AS answer FROM systables WHERE tabid = 1"
export const expectedAnswer = (i: number) => i + 1

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const socketHandles = () => process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length

interface RoundResult {
  readonly completed: number
  readonly interrupted: number
  readonly wrong: number
}

/** Runs `fibers` queries; `interruptShare` of them are interrupted at a random moment. */
const round = (pool: Pool.Pool, fibers: number, interruptShare: number, seed: number) =>
  Effect.gen(function*() {
    let state = seed
    // A small deterministic generator, so a failure can be replayed with the same seed.
    const random = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff
      return state / 0x7fffffff
    }
    let wrong = 0
    const check = (i: number) => (rows: ReadonlyArray<Record<string, unknown>>) => {
      if (rows.length !== 1 || Number(rows[0]!["answer"]) !== expectedAnswer(i)) wrong++
    }
    const handles: Array<Fiber.Fiber<void, unknown>> = []
    const interrupters: Array<Fiber.Fiber<void>> = []
    for (let i = 0; i < fibers; i++) {
      const interrupt = random() < interruptShare
      const midQuery = random() < 0.5
      const delayMillis = random() * 1.5
      // Mid-query: once the session is leased, the query is cut after a random 0-1.5 ms, wherever it is then
      // (being written, waiting for the reply, reading it). The lease then ends with the session possibly draining.
      const body = pool.use((connection) => {
        const query = Effect.map(connection.query(identifyingQuery, [i]), check(i))
        return interrupt && midQuery
          ? Effect.timeoutOrElse(query, { duration: `${delayMillis} millis`, orElse: () => Effect.interrupt })
          : query
      })
      const fiber = yield* Effect.forkChild(body, { startImmediately: true })
      handles.push(fiber)
      if (interrupt && !midQuery) {
        // From outside, at a random moment of the whole round (mostly while waiting for a session).
        const at = random() * fibers / 10
        interrupters.push(yield* Effect.forkChild(Effect.andThen(Effect.sleep(`${at} millis`), Fiber.interrupt(fiber))))
      }
    }
    const exits = yield* Effect.forEach(handles, Fiber.await)
    yield* Effect.forEach(interrupters, Fiber.await, { discard: true })
    let completed = 0
    let interrupted = 0
    for (const exit of exits) {
      if (Exit.isSuccess(exit)) completed++
      else if (Exit.hasInterrupts(exit)) interrupted++
      else assert.fail(`a query failed: ${String(exit.cause)}`)
    }
    return { completed, interrupted, wrong } satisfies RoundResult
  })

describe("Pool under load with interruptions (TestServer)", () => {
  it.live("10,000 fibers over 10 sessions, 30 % interrupted: own answers, no leaks", () =>
    Effect.gen(function*() {
      // Urgent bytes the server received: each is an interruption that reached a statement on the wire.
      let urgent = 0
      const server = yield* TestServer.make({
        protocolTrace: (event) => {
          // oxlint-disable-next-line no-underscore-dangle -- `_tag` is the trace event's discriminant
          if (event._tag === "Urgent") urgent++
        }
      })
      const baselineSockets = socketHandles()
      const poolScope = yield* Scope.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 10, acquireTimeout: "120 seconds" }).pipe(
        Scope.provide(poolScope)
      )

      const first = yield* round(pool, 5_000, 0.3, 1)
      gc()
      const heapAfterFirst = process.memoryUsage().heapUsed
      const second = yield* round(pool, 5_000, 0.3, 2)
      gc()
      const heapAfterSecond = process.memoryUsage().heapUsed

      for (const result of [first, second]) {
        assert.strictEqual(result.wrong, 0, "a query received an answer that was not its own")
        assert.strictEqual(result.completed + result.interrupted, 5_000)
        assert.isAbove(result.completed, 2_500, "most uninterrupted queries complete")
        assert.isAbove(result.interrupted, 500, "the interruptions happened")
      }

      // Where this process cannot send urgent data, interrupted statements are drained instead: no byte at all.
      assert.strictEqual(urgent > 0, urgentAvailable, "urgent bytes reached the server exactly where supported")
      const poolStats = yield* pool.stats
      assert.strictEqual(poolStats.inUse, 0)
      assert.strictEqual(poolStats.waiting, 0)
      // Exhausted cursors' CLOSEs go out once their sessions stay idle; a leaked cursor never closes.
      const serverStats = yield* eventually(server.stats, (s) => s.cursors === 0)
      assert.isAtMost(serverStats.peakSessions, 10 + poolStats.retired)
      assert.strictEqual(serverStats.cursors, 0, "no cursor left open on the server")
      assert.strictEqual(serverStats.transactions, 0)

      // Heap: the second round must not have kept what the first allocated (generous bound: no timing, no GC luck).
      assert.isBelow(heapAfterSecond, heapAfterFirst * 1.5 + 32 * 1024 * 1024)

      yield* Scope.close(poolScope, Exit.void)
      const closed = yield* pool.stats
      assert.strictEqual(closed.open, 0)
      assert.strictEqual(closed.closed, closed.opened)
      // The server notices each SQ_EXIT / socket close asynchronously.
      yield* Effect.repeat(server.stats, {
        until: (stats) => stats.sessions === 0,
        schedule: Schedule.spaced("20 millis")
      })
        .pipe(Effect.timeout("10 seconds"))
      const finalStats = yield* server.stats
      assert.strictEqual(finalStats.sessions, 0)
      assert.strictEqual(finalStats.statements, 0, "no statement left allocated on the server")
      // Destroyed sockets release their handles on a later turn of the event loop.
      yield* Effect.repeat(Effect.sync(socketHandles), {
        until: (handles) => handles <= baselineSockets,
        schedule: Schedule.spaced("20 millis")
      }).pipe(Effect.timeout("10 seconds"), Effect.ignore)
      assert.isAtMost(socketHandles(), baselineSockets)
    }), 300_000)
})
