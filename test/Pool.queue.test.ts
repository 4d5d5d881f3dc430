/**
 * `Pool.use` on a full pool (every session leased, `maxConnections` reached): borrowers queue in arrival order, each
 * returned or retired session wakes the next one, an interrupted borrower leaves the queue without costing anyone a
 * turn, and the wait is bounded by `acquireTimeout` from the first time the borrower queued. Then the queue's inner
 * workings: a linked list waiters may leave from anywhere, and one timer for all of them with which each still fails
 * at its own deadline. The timer runs on the pool's clock: the timeouts here are moved with the TestClock (no real
 * waits). Fake sessions, no sockets.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/testing/TestClock"
import { PoolTimeoutError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import { asFake, type Fake, makeFakes } from "./reliability/fakeConnection.ts"

/** Real time passes (the TestClock does not move), so real timers and other fibers run. */
const realSleep = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

/** Polls `condition` on real time (bounded), instead of guessing how long something takes under load. */
const waitUntil = (condition: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000; i++) {
      if (yield* condition) return
      yield* realSleep
    }
    assert.fail("condition not reached")
  })

const waiting = (pool: Pool.Pool, n: number) => waitUntil(Effect.map(pool.stats, (stats) => stats.waiting === n))

/**
 * A pool of one fake session, leased by a holder until `free` (which also waits for the holder's lease to end);
 * `onFree` runs on the session as the holder lets go.
 */
const heldPool = (
  options: Partial<Pick<Pool.PoolOptions, "acquireTimeout" | "metricAttributes">> = {},
  onFree: (connection: Fake) => void = () => {}
) =>
  Effect.gen(function*() {
    const fakes = makeFakes()
    const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, ...options })
    const release = yield* Deferred.make<void>()
    const holder = yield* Effect.forkChild(
      pool.use((c) => Effect.andThen(Deferred.await(release), Effect.sync(() => onFree(asFake(c)))))
    )
    yield* waitUntil(Effect.map(pool.stats, (stats) => stats.inUse === 1))
    return { fakes, pool, free: Effect.andThen(Deferred.succeed(release, undefined), Fiber.join(holder)) }
  })

describe("Pool.use on a full pool", () => {
  it.live("serves queued borrowers in arrival order, one per returned session", () =>
    Effect.gen(function*() {
      const attributes = { pool: `queue-${Math.random()}` }
      const { fakes, free, pool } = yield* heldPool({ metricAttributes: attributes })
      const served: Array<number> = []
      const borrowers: Array<Fiber.Fiber<void, unknown>> = []
      for (let i = 1; i <= 3; i++) {
        borrowers.push(yield* Effect.forkChild(pool.use(() => Effect.sync(() => void served.push(i)))))
        yield* waiting(pool, i)
      }
      yield* free
      for (const borrower of borrowers) yield* Fiber.join(borrower)
      assert.deepStrictEqual(served, [1, 2, 3])
      assert.strictEqual(fakes.all.length, 1)
      const stats = yield* pool.stats
      assert.strictEqual(stats.waiting, 0)
      assert.strictEqual(stats.inUse, 0)
      // Every checkout is observed once, queued or not.
      const wait = yield* Metric.value(Metric.withAttributes(Pool.metrics.acquireWait, attributes))
      assert.strictEqual(wait.count, 4)
    }))

  it.live("a queued borrower gets a new session when the leased one is retired", () =>
    Effect.gen(function*() {
      const { fakes, free, pool } = yield* heldPool({}, (session) => void (session.state = "dead"))
      const borrower = yield* Effect.forkChild(pool.use((c) => Effect.succeed(asFake(c))))
      yield* waiting(pool, 1)
      yield* free
      const got = yield* Fiber.join(borrower)
      assert.strictEqual(fakes.all.length, 2)
      assert.strictEqual(got, fakes.all[1])
      assert.isTrue(fakes.all[0]!.closed)
    }))

  it.live("an interrupted borrower leaves the queue; the next one is served", () =>
    Effect.gen(function*() {
      const { free, pool } = yield* heldPool()
      const first = yield* Effect.forkChild(pool.use(() => Effect.succeed("first")))
      yield* waiting(pool, 1)
      const second = yield* Effect.forkChild(pool.use(() => Effect.succeed("second")))
      yield* waiting(pool, 2)
      yield* Fiber.interrupt(first)
      yield* waiting(pool, 1)
      yield* free
      assert.strictEqual(yield* Fiber.join(second), "second")
      assert.strictEqual((yield* pool.stats).waiting, 0)
    }))

  it.effect("the wait is bounded by acquireTimeout, and a timed-out borrower costs the others nothing", () =>
    Effect.gen(function*() {
      const { free, pool } = yield* heldPool({ acquireTimeout: "50 millis" })
      const impatient = yield* Effect.forkChild(pool.use(() => Effect.void))
      yield* waiting(pool, 1)
      yield* TestClock.adjust("50 millis")
      const error = yield* Effect.flip(Fiber.join(impatient))
      assert.instanceOf(error, PoolTimeoutError)
      assert.strictEqual(error.timeoutMillis, 50)
      assert.strictEqual((yield* pool.stats).waiting, 0)
      yield* free
      assert.strictEqual(yield* pool.use(() => Effect.succeed("served")), "served")
    }))
})

describe("Pool.use wait queue", () => {
  it.live("waiters that leave from the middle and the end of the queue lose no one behind them", () =>
    Effect.gen(function*() {
      const { free, pool } = yield* heldPool()
      const served: Array<number> = []
      const borrower = (i: number) => Effect.forkChild(pool.use(() => Effect.sync(() => void served.push(i))))
      const queued: Array<Fiber.Fiber<void, unknown>> = []
      for (let i = 1; i <= 4; i++) {
        queued.push(yield* borrower(i))
        yield* waiting(pool, i)
      }
      // One leaves from the middle, one from the end, and a newcomer queues behind the rest.
      yield* Fiber.interrupt(queued[1]!)
      yield* Fiber.interrupt(queued[3]!)
      assert.strictEqual((yield* pool.stats).waiting, 2)
      const fifth = yield* borrower(5)
      yield* waiting(pool, 3)
      yield* free
      for (const fiber of [queued[0]!, queued[2]!, fifth]) yield* Fiber.join(fiber)
      assert.deepStrictEqual(served, [1, 3, 5])
      assert.strictEqual((yield* pool.stats).waiting, 0)
    }))

  it.effect("every queued borrower times out at its own deadline", () =>
    Effect.gen(function*() {
      const { free, pool } = yield* heldPool({ acquireTimeout: "300 millis" })
      const first = yield* Effect.forkChild(pool.use(() => Effect.void))
      yield* waiting(pool, 1)
      // The second queues 200 ms later: its deadline is 200 ms after the first's.
      yield* TestClock.adjust("200 millis")
      const second = yield* Effect.forkChild(pool.use(() => Effect.void))
      yield* waiting(pool, 2)
      yield* TestClock.adjust("99 millis")
      assert.isUndefined(first.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      assert.instanceOf(yield* Effect.flip(Fiber.join(first)), PoolTimeoutError)
      // The first deadline passed, not the second's: the timer is armed again for it.
      assert.strictEqual((yield* pool.stats).waiting, 1)
      yield* TestClock.adjust("199 millis")
      assert.isUndefined(second.pollUnsafe())
      assert.strictEqual((yield* pool.stats).waiting, 1)
      yield* TestClock.adjust("1 millis")
      assert.instanceOf(yield* Effect.flip(Fiber.join(second)), PoolTimeoutError)
      assert.strictEqual((yield* pool.stats).waiting, 0)
      yield* free
      assert.strictEqual(yield* pool.use(() => Effect.succeed("served")), "served")
    }))
})
