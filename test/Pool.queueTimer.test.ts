/**
 * The full pool's queue keeps `acquireTimeout` with one timer for all its waiters, armed for the earliest deadline:
 * each waiter still fails at its own deadline (not at the first waiter's, and not never). Fake sessions, no sockets;
 * the deadlines are spread with the TestClock (the timer itself runs on real time, see src/Pool.ts).
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

describe("Pool.use queue timer", () => {
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
