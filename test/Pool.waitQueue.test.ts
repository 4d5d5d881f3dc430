/**
 * The inner workings of the full pool's wait queue (src/Pool.ts): a linked list in arrival order, which waiters may
 * leave from anywhere (interrupted) without losing the ones behind them, and one timer for all of them, armed for the
 * earliest deadline, with which each waiter still fails at its own deadline (not at the first waiter's, and not
 * never). Fake sessions, no sockets; deadlines are spread with the TestClock (the timer runs on real time).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { PoolTimeoutError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import { makeFakes } from "./reliability/fakeConnection.ts"

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

describe("Pool.use wait queue", () => {
  it.live("waiters that leave from the middle and the end of the queue lose no one behind them", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.forkChild(pool.use(() => Deferred.await(release)))
      yield* waitUntil(Effect.map(pool.stats, (stats) => stats.inUse === 1))
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
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      for (const fiber of [queued[0]!, queued[2]!, fifth]) yield* Fiber.join(fiber)
      assert.deepStrictEqual(served, [1, 3, 5])
      assert.strictEqual((yield* pool.stats).waiting, 0)
    }))

  it.effect("every queued borrower times out at its own deadline", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, acquireTimeout: "300 millis" })
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.forkChild(pool.use(() => Deferred.await(release)))
      yield* waitUntil(Effect.map(pool.stats, (stats) => stats.inUse === 1))
      const first = yield* Effect.forkChild(pool.use(() => Effect.void))
      yield* waiting(pool, 1)
      // The second queues 60 s later on the pool's clock: its deadline is 60 s after the first's.
      yield* TestClock.adjust("60 seconds")
      const second = yield* Effect.forkChild(pool.use(() => Effect.void))
      yield* waiting(pool, 2)

      assert.instanceOf(yield* Effect.flip(Fiber.join(first)), PoolTimeoutError)
      // The first deadline passed, not the second's: the timer is armed again for it (300 ms of real time).
      assert.strictEqual((yield* pool.stats).waiting, 1)
      assert.isUndefined(second.pollUnsafe())

      assert.instanceOf(yield* Effect.flip(Fiber.join(second)), PoolTimeoutError)
      assert.strictEqual((yield* pool.stats).waiting, 0)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      assert.strictEqual(yield* pool.use(() => Effect.succeed("served")), "served")
    }))
})
