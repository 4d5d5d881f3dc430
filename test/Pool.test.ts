/**
 * Pool behaviour against a scripted fake session (no sockets): hygiene on return, checks on checkout,
 * retirement, timeouts, shutdown and metrics. The pool against the real TestServer is in Pool.integration.test.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { ConfigError, ConnectionError, PoolTimeoutError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import { asFake, makeFakes } from "./reliability/fakeConnection.ts"

/** Polls a condition every millisecond (bounded), instead of guessing how long something takes under load. */
const waitUntilEffect = (condition: Effect.Effect<boolean>) =>
  Effect.repeat(condition, { until: (done) => done, schedule: Schedule.spaced("1 millis") }).pipe(
    Effect.timeout("10 seconds"),
    Effect.orDie
  )
const waitUntil = (condition: () => boolean) => waitUntilEffect(Effect.sync(condition))

describe("Pool (fake sessions)", () => {
  it.live("rolls back a transaction left open by a borrower before anyone else gets the session", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      yield* pool.use((c) => Effect.sync(() => void (asFake(c).inTransaction = true)))
      const next = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.strictEqual(next, fakes.all[0])
      assert.deepStrictEqual(next.executed, ["ROLLBACK WORK"])
      assert.isFalse(next.inTransaction)
      assert.strictEqual((yield* pool.stats).retired, 0)
    }))

  it.live("retires a session whose rollback fails and hands out a fresh one", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      yield* pool.use((c) =>
        Effect.sync(() => {
          asFake(c).inTransaction = true
          asFake(c).failRollback = true
        })
      )
      const next = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(next, fakes.all[0])
      assert.isTrue(fakes.all[0]!.closed)
      assert.strictEqual((yield* pool.stats).retired, 1)
    }))

  it.live("waits for a draining session to settle, and retires one that does not settle in time", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, drainTimeout: "300 millis" })
      yield* pool.use((c) =>
        Effect.sync(() => {
          asFake(c).state = "draining"
          setTimeout(() => (asFake(c).state = "idle"), 20)
        })
      )
      assert.strictEqual(yield* pool.use((c) => Effect.succeed(asFake(c))), fakes.all[0])
      yield* pool.use((c) => Effect.sync(() => void (asFake(c).state = "draining")))
      const third = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(third, fakes.all[0])
      assert.isTrue(fakes.all[0]!.closed)
      assert.strictEqual((yield* pool.stats).retired, 1)
    }))

  it.live("replaces a session retired while idle (retire hook) and one returned dead", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 2 })
      const first = yield* pool.use((c) => Effect.succeed(asFake(c)))
      first.retireNow(new ConnectionError({ reason: "Reset", host: "fake", port: 0, message: "reset" }))
      yield* waitUntil(() => first.closed)
      assert.isTrue(first.closed)
      const second = yield* pool.use((c) =>
        Effect.sync(() => {
          asFake(c).state = "dead"
          return asFake(c)
        })
      )
      assert.notStrictEqual(second, first)
      const third = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(third, second)
      assert.strictEqual((yield* pool.stats).retired, 2)
    }))

  it.live("never hands out a session that died after it was returned", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const first = yield* pool.use((c) => Effect.succeed(asFake(c)))
      first.state = "dead" // no hook fired: the pool must notice on checkout
      const second = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(second, first)
      assert.strictEqual(second.state, "idle")
    }))

  it.live("get never hands out a session that died after it was returned", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const first = yield* Effect.scoped(Effect.map(pool.get, asFake))
      first.state = "dead"
      const second = yield* Effect.scoped(Effect.map(pool.get, asFake))
      assert.notStrictEqual(second, first)
      assert.strictEqual(second.state, "idle")
      assert.strictEqual((yield* pool.stats).retired, 1)
    }))

  it.effect("a get that connects: a new session unfit at once is retired and the next one connected", () =>
    Effect.gen(function*() {
      // Connecting takes 1 s of the pool's clock; the first session opened is already dead.
      const fakes = makeFakes()
      const acquire = Effect.andThen(
        Effect.sleep("1 second"),
        Effect.map(fakes.acquire, (c) => {
          if (asFake(c).id === 0) asFake(c).state = "dead"
          return c
        })
      )
      const attributes = { pool: `connect-${Math.random()}` }
      const pool = yield* Pool.makeWith({ acquire, maxConnections: 2, metricAttributes: attributes })
      const got = yield* Effect.forkChild(Effect.scoped(Effect.map(pool.get, asFake)))
      for (let turn = 0; turn < 100 && (yield* pool.stats).waiting < 1; turn++) yield* Effect.yieldNow
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("1 second")
      const session = yield* Fiber.join(got)
      assert.strictEqual(session.id, 1)
      const stats = yield* pool.stats
      assert.deepStrictEqual([stats.opened, stats.retired, stats.waiting], [2, 1, 0])
      // The wait counts both connects (2 s of the pool's clock).
      const wait = yield* Metric.value(Metric.withAttributes(Pool.metrics.acquireWait, attributes))
      assert.deepStrictEqual([wait.count, wait.max], [1, 2000])
    }))

  it.effect("a get whose connect outlasts acquireTimeout fails typed; the session connected later serves the next", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      let connects = 0
      const acquire = Effect.suspend(() =>
        connects++ === 0 ? Effect.andThen(Effect.sleep("1 minute"), fakes.acquire) : fakes.acquire
      )
      const pool = yield* Pool.makeWith({ acquire, maxConnections: 2, acquireTimeout: "1 second" })
      const got = yield* Effect.forkChild(Effect.scoped(pool.get))
      for (let turn = 0; turn < 100 && (yield* pool.stats).waiting < 1; turn++) yield* Effect.yieldNow
      yield* TestClock.adjust("1 second")
      const error = yield* Effect.flip(Fiber.join(got))
      assert.instanceOf(error, PoolTimeoutError)
      assert.strictEqual(
        (error as PoolTimeoutError).message,
        "No Informix session became available within 1000 ms (maxConnections 2)"
      )
      assert.strictEqual((yield* pool.stats).waiting, 0)
      // The connect itself goes on (effect's pool opens one session at a time); once it ends, its session serves.
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Effect.scoped(Effect.map(pool.get, (c) => asFake(c).id)), 0)
    }))

  it.effect("a get that finds its idle session dead and must connect another is still bounded by acquireTimeout", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      let connects = 0
      const acquire = Effect.suspend(() =>
        connects++ === 0 ? fakes.acquire : Effect.andThen(Effect.sleep("1 minute"), fakes.acquire)
      )
      const pool = yield* Pool.makeWith({ acquire, maxConnections: 1, acquireTimeout: "1 second" })
      const first = yield* Effect.scoped(Effect.map(pool.get, asFake))
      first.state = "dead"
      const got = yield* Effect.forkChild(Effect.scoped(pool.get))
      // `connects` moves in the pool's connecting fiber: yield until its second connect has begun.
      const connecting = () => connects < 2
      for (let turn = 0; turn < 100 && connecting(); turn++) yield* Effect.yieldNow
      yield* TestClock.adjust("1 second")
      assert.instanceOf(yield* Effect.flip(Fiber.join(got)), PoolTimeoutError)
    }))

  it.live("never hands out a session found in a transaction while idle", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const first = yield* pool.use((c) => Effect.succeed(asFake(c)))
      first.inTransaction = true // e.g. a BEGIN that slipped past the return hygiene
      const second = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(second, first)
      assert.isTrue(first.closed)
    }))

  it.live("replaces sessions past maxLifetime", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, maxLifetime: "500 millis" })
      const first = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.strictEqual(yield* pool.use((c) => Effect.succeed(asFake(c))), first)
      yield* Effect.sleep("600 millis")
      const later = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(later, first)
      assert.isTrue(first.closed)
    }))

  // Under the test clock the first checkout's timeout cannot fire however loaded the machine is (a live 50 ms bound
  // once ran out on the first connect); the full pool's queue times out on the same clock.
  it.effect("fails a checkout that waits longer than acquireTimeout with PoolTimeoutError", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, acquireTimeout: "50 millis" })
      yield* pool.get
      const waiters = [
        yield* Effect.forkChild(pool.use(() => Effect.void)),
        yield* Effect.forkChild(Effect.asVoid(pool.get))
      ]
      for (let turn = 0; turn < 100 && (yield* pool.stats).waiting < 2; turn++) yield* Effect.yieldNow
      assert.strictEqual((yield* pool.stats).waiting, 2)
      yield* TestClock.adjust("50 millis")
      for (const waiter of waiters) assert.instanceOf(yield* Effect.flip(Fiber.join(waiter)), PoolTimeoutError)
      assert.strictEqual((yield* pool.stats).waiting, 0)
    }))

  it.live("leases are exclusive under contention, and every session is closed at shutdown", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const scope = yield* Scope.make()
      const pool = yield* Scope.provide(Pool.makeWith({ acquire: fakes.acquire, maxConnections: 4 }), scope)
      let overlaps = 0
      yield* Effect.forEach(
        Array.from({ length: 400 }, (_, i) => i),
        (i) =>
          pool.use((c) =>
            Effect.gen(function*() {
              const fake = asFake(c)
              fake.holders++
              if (fake.holders > 1) overlaps++
              if (i % 3 === 0) yield* Effect.yieldNow
              fake.holders--
            })
          ),
        { concurrency: "unbounded", discard: true }
      )
      assert.strictEqual(overlaps, 0)
      assert.isAtMost(fakes.all.length, 4)
      // A lease held across shutdown delays it until the lease ends.
      const held = yield* Effect.forkChild(pool.use(() => Effect.sleep("30 millis")))
      yield* waitUntilEffect(Effect.map(pool.stats, (stats) => stats.inUse === 1))
      yield* Scope.close(scope, Exit.void)
      yield* Fiber.join(held)
      assert.isTrue(fakes.all.every((fake) => fake.closed))
      const stats = yield* pool.stats
      assert.strictEqual(stats.open, 0)
      assert.strictEqual(stats.closed, stats.opened)
    }))

  it.live("rejects invalid sizes and durations with a ConfigError naming the field", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const cases: ReadonlyArray<readonly [Pool.PoolOptions, string]> = [
        [{ maxConnections: 0 }, "maxConnections"],
        [{ maxConnections: 2, minConnections: 3 }, "minConnections"],
        [{ minConnections: -1 }, "minConnections"],
        [{ acquireTimeout: -5 }, "acquireTimeout"],
        [{ idleTimeout: "soon" as never }, "idleTimeout"]
      ]
      for (const [options, field] of cases) {
        const error = yield* Effect.flip(Pool.makeWith({ acquire: fakes.acquire, ...options }))
        assert.instanceOf(error, ConfigError)
        assert.strictEqual(error.field, field)
      }
      assert.strictEqual(fakes.all.length, 0)
    }))

  it.effect("closes idle sessions above minConnections after idleTimeout", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({
        acquire: fakes.acquire,
        minConnections: 1,
        maxConnections: 3,
        idleTimeout: "1 second"
      })
      yield* Effect.scoped(Effect.all([pool.get, pool.get, pool.get]))
      assert.strictEqual((yield* pool.stats).open, 3)
      yield* TestClock.adjust("500 millis")
      assert.strictEqual((yield* pool.stats).open, 3)
      // The usage strategy looks once per idleTimeout, so an idle session goes within two periods.
      yield* TestClock.adjust("3 seconds")
      const stats = yield* pool.stats
      assert.strictEqual(stats.open, 1)
      assert.strictEqual(stats.retired, 0, "idle expiry is not a retirement")
      assert.strictEqual(fakes.all.filter((fake) => fake.closed).length, 2)
    }))

  it.live("counts retirements in the retired metric", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const attributes = { pool: `retired-${Math.random()}` }
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, metricAttributes: attributes })
      yield* pool.use((c) => Effect.sync(() => void (asFake(c).state = "dead")))
      yield* pool.use(() => Effect.void)
      const retired = yield* Metric.value(Metric.withAttributes(Pool.metrics.retired, attributes))
      assert.strictEqual(retired.count, 1)
    }))

  it.live("publishes gauges and the acquire-wait histogram", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const attributes = { pool: `metrics-${Math.random()}` }
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 2, metricAttributes: attributes })
      const inUse = Metric.withAttributes(Pool.metrics.inUse, attributes)
      const open = Metric.withAttributes(Pool.metrics.open, attributes)
      const seen = yield* pool.use(() => Metric.value(inUse))
      assert.strictEqual(seen.value, 1)
      assert.strictEqual((yield* Metric.value(inUse)).value, 0)
      assert.strictEqual((yield* Metric.value(open)).value, 1)
      const wait = yield* Metric.value(Metric.withAttributes(Pool.metrics.acquireWait, attributes))
      assert.strictEqual(wait.count, 1)
    }))

  it.effect("a metrics snapshot reads the gauges from the pool; once it closes they keep their last values", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const attributes = { pool: `snapshot-${Math.random()}` }
      const gauges = Effect.map(Metric.snapshot, (snapshots) =>
        Object.fromEntries(
          snapshots
            .filter((s) => s.type === "Gauge" && s.attributes?.["pool"] === attributes.pool)
            .map((s) => [s.id.replace("informix_pool_", ""), Number((s.state as Metric.GaugeState<number>).value)])
        ))
      const scope = yield* Scope.make()
      const pool = yield* Scope.provide(
        Pool.makeWith({ acquire: fakes.acquire, maxConnections: 2, metricAttributes: attributes }),
        scope
      )
      yield* Scope.provide(pool.get, scope)
      const during = yield* pool.use(() => gauges)
      assert.deepStrictEqual(during, { connections_open: 2, connections_idle: 0, connections_in_use: 2, waiting: 0 })
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(yield* gauges, {
        connections_open: 0,
        connections_idle: 0,
        connections_in_use: 0,
        waiting: 0
      })
      assert.isTrue(fakes.all.every((fake) => fake.closed))
    }))
})
