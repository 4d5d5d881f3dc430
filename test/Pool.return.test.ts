/**
 * The pool's return path, decision by decision (src/Pool.ts `onReturn` / `cleanUp`), against scripted fake
 * sessions: a session that must not be reused is retired the moment its lease ends — not later, when the next
 * borrower happens to check it out — and one that can be reused comes back clean, with the lease count released on
 * every path. Pool.test.ts covers the same hygiene as seen by the next borrower.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import type * as Connection from "../src/Connection.ts"
import { ConnectionError, type InformixError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import { asFake, type Fake, makeFakes, serverError } from "./reliability/fakeConnection.ts"

/** Leases the pool's session, lets `borrow` leave it in some state, returns it; then the pool's counts. */
const returnOnce = (pool: Pool.Pool, borrow: (fake: Fake) => void) =>
  Effect.gen(function*() {
    const fake = yield* pool.use((c) => Effect.sync(() => (borrow(asFake(c)), asFake(c))))
    return { fake, stats: yield* pool.stats }
  })

describe("Pool return path (fake sessions)", () => {
  it.live("a session returned dead is retired on return", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => (fake.state = "dead"))
      assert.strictEqual(stats.retired, 1)
      assert.strictEqual(stats.inUse, 0)
      assert.isTrue(fake.closed)
      assert.deepStrictEqual(fake.executed, [])
    }))

  it.live("a session returned dead inside a transaction is retired without a rollback attempt", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => {
        fake.inTransaction = true
        fake.state = "dead"
      })
      assert.strictEqual(stats.retired, 1)
      assert.deepStrictEqual(fake.executed, [])
    }))

  it.live("a draining session is waited for, then reused once its drain ends", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, drainTimeout: "10 seconds" })
      const { fake, stats } = yield* returnOnce(pool, (fake) => {
        fake.state = "draining"
        setTimeout(() => (fake.state = "idle"), 20)
      })
      // The lease ended only after the drain: the session came back idle and was kept.
      assert.strictEqual(fake.state, "idle")
      assert.strictEqual(stats.retired, 0)
      assert.strictEqual(stats.inUse, 0)
      assert.isFalse(fake.closed)
    }))

  it.live("a draining session that dies while waited for is retired on return", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, drainTimeout: "10 seconds" })
      const { stats } = yield* returnOnce(pool, (fake) => {
        fake.state = "draining"
        setTimeout(() => (fake.state = "dead"), 20)
      })
      assert.strictEqual(stats.retired, 1)
    }))

  it.live("a session still draining at drainTimeout is retired on return", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, drainTimeout: "50 millis" })
      const { fake, stats } = yield* returnOnce(pool, (fake) => (fake.state = "draining"))
      assert.strictEqual(stats.retired, 1)
      assert.isTrue(fake.closed)
      assert.strictEqual(stats.inUse, 0)
    }))

  it.live("an open transaction is rolled back and the session kept", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => (fake.inTransaction = true))
      assert.deepStrictEqual(fake.executed, ["ROLLBACK WORK"])
      assert.isFalse(fake.inTransaction)
      assert.strictEqual(stats.retired, 0)
      assert.strictEqual(stats.inUse, 0)
    }))

  it.live("a session whose rollback fails is retired on return", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => {
        fake.inTransaction = true
        fake.failRollback = true
      })
      assert.deepStrictEqual(fake.executed, ["ROLLBACK WORK"])
      assert.strictEqual(stats.retired, 1)
      assert.strictEqual(stats.inUse, 0)
    }))

  it.live("a rollback answered with an error retires the session, even when no transaction is left", () =>
    Effect.gen(function*() {
      // The server ended the transaction but reported an error for the ROLLBACK: the session's state is in doubt.
      const fakes = makeFakes((sql) => (sql === "ROLLBACK WORK" ? serverError(-255) : []))
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => (fake.inTransaction = true))
      assert.deepStrictEqual(fake.executed, ["ROLLBACK WORK"])
      assert.isFalse(fake.inTransaction)
      assert.strictEqual(stats.retired, 1)
    }))

  it.live("a rollback that does not answer within rollbackTimeout retires the session", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, rollbackTimeout: "50 millis" })
      const { fake, stats } = yield* returnOnce(pool, (fake) => {
        fake.inTransaction = true
        const execute = fake.execute
        // A rollback that never answers: a real session would stay busy (then draining) meanwhile.
        Object.assign(
          fake,
          {
            execute: (sql: string, params?: ReadonlyArray<unknown>) =>
              sql === "ROLLBACK WORK" ? Effect.never : execute(sql, params as never)
          } satisfies Partial<Connection.Connection>
        )
      })
      assert.isTrue(fake.inTransaction)
      assert.strictEqual(stats.retired, 1)
    }))

  it.live("a rollback that answers but leaves the transaction open retires the session", () =>
    Effect.gen(function*() {
      const fakes = makeFakes((sql) => {
        // The server acknowledged the ROLLBACK, yet the session still reports a transaction.
        if (sql === "ROLLBACK WORK") fakes.all[0]!.inTransaction = true
        return []
      })
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => (fake.inTransaction = true))
      assert.deepStrictEqual(fake.executed, ["ROLLBACK WORK"])
      assert.strictEqual(stats.retired, 1)
    }))

  it.live("a rollback that answers but leaves the session busy retires it", () =>
    Effect.gen(function*() {
      const fakes = makeFakes((sql) => {
        if (sql === "ROLLBACK WORK") fakes.all[0]!.state = "busy"
        return []
      })
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, (fake) => (fake.inTransaction = true))
      assert.isFalse(fake.inTransaction)
      assert.strictEqual(stats.retired, 1)
    }))

  /** A session on which `SET EXPLAIN ON` ran: its reset runs `reset` (recorded as "reset"). */
  const changedThenReset = (reset: (fake: Fake) => Effect.Effect<boolean, InformixError>) => (fake: Fake) => {
    ;(fake.changedSettings as Set<Connection.SessionSetting>).add("explain")
    Object.assign(
      fake,
      {
        resetSession: Effect.suspend(() => {
          fake.executed.push("reset")
          return reset(fake)
        })
      } satisfies Partial<Connection.Connection>
    )
  }

  it.live("a session with changed settings is reset on return and kept", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const first = yield* returnOnce(
        pool,
        changedThenReset((fake) =>
          Effect.sync(() => {
            ;(fake.changedSettings as Set<Connection.SessionSetting>).clear()
            return true
          })
        )
      )
      assert.deepStrictEqual(first.fake.executed, ["reset"])
      assert.strictEqual(first.stats.retired, 0)
      assert.strictEqual(first.stats.inUse, 0)
      const second = yield* returnOnce(pool, () => {})
      assert.strictEqual(second.fake, first.fake)
      assert.deepStrictEqual(second.fake.executed, ["reset"])
    }))

  it.live("a session whose settings cannot all be reset is retired on return", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { fake, stats } = yield* returnOnce(pool, changedThenReset(() => Effect.succeed(false)))
      assert.deepStrictEqual(fake.executed, ["reset"])
      assert.strictEqual(stats.retired, 1)
      assert.isTrue(fake.closed)
      assert.strictEqual(stats.inUse, 0)
    }))

  it.live("a reset answered with an error retires the session", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { stats } = yield* returnOnce(
        pool,
        changedThenReset(() =>
          Effect.fail(new ConnectionError({ reason: "Closed", host: "fake", port: 0, message: "x" }))
        )
      )
      assert.strictEqual(stats.retired, 1)
    }))

  it.live("a reset that does not answer within rollbackTimeout retires the session", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, rollbackTimeout: "50 millis" })
      const { stats } = yield* returnOnce(pool, changedThenReset(() => Effect.never))
      assert.strictEqual(stats.retired, 1)
      assert.strictEqual(stats.inUse, 0)
    }))

  it.live("a reset that succeeds but leaves the session busy retires it", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { stats } = yield* returnOnce(
        pool,
        changedThenReset((fake) =>
          Effect.sync(() => {
            ;(fake.changedSettings as Set<Connection.SessionSetting>).clear()
            fake.state = "busy"
            return true
          })
        )
      )
      assert.strictEqual(stats.retired, 1)
    }))

  it.live("a session past maxLifetime is retired on return, with or without a transaction to roll back", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, maxLifetime: "100 millis" })
      const plain = yield* returnOnce(pool, () => {})
      assert.strictEqual(plain.stats.retired, 0)
      const expired = yield* pool.use((c) => Effect.as(Effect.sleep("150 millis"), asFake(c)))
      assert.strictEqual(expired, plain.fake)
      assert.strictEqual((yield* pool.stats).retired, 1)
      assert.isTrue(expired.closed)
      const inTransaction = yield* pool.use((c) =>
        Effect.as(Effect.sleep("150 millis"), asFake(c)).pipe(
          Effect.tap((fake) => Effect.sync(() => (fake.inTransaction = true)))
        )
      )
      assert.notStrictEqual(inTransaction, expired)
      assert.deepStrictEqual(inTransaction.executed, ["ROLLBACK WORK"])
      assert.strictEqual((yield* pool.stats).retired, 2)
    }))

  it.live("a session retired while leased (retire hook) and then returned dead counts as one retirement", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const { stats } = yield* returnOnce(
        pool,
        (fake) => fake.retireNow(new ConnectionError({ reason: "Reset", host: "fake", port: 0, message: "reset" }))
      )
      assert.strictEqual(stats.retired, 1)
      assert.strictEqual((yield* pool.stats).retired, 1)
    }))

  it.effect("maxLifetime is inclusive: a session exactly that old is retired on return", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1, maxLifetime: "1 second" })
      const young = yield* pool.use((c) => Effect.as(TestClock.adjust("999 millis"), asFake(c)))
      assert.isFalse(young.closed)
      assert.strictEqual((yield* pool.stats).retired, 0)
      yield* pool.use(() => TestClock.adjust("1 millis"))
      assert.strictEqual((yield* pool.stats).retired, 1)
      assert.isTrue(young.closed)
    }))

  it.live("a clean session takes the quick path: kept, nothing sent", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const first = yield* returnOnce(pool, () => {})
      const second = yield* returnOnce(pool, () => {})
      assert.strictEqual(second.fake, first.fake)
      assert.deepStrictEqual(first.fake.executed, [])
      assert.strictEqual(second.stats.retired, 0)
      assert.strictEqual(second.stats.inUse, 0)
      assert.strictEqual(second.stats.idle, 1)
      assert.strictEqual(second.stats.opened, 1)
      // While leased, the one open session is in use and none is idle.
      const during = yield* pool.use(() => pool.stats)
      assert.strictEqual(during.inUse, 1)
      assert.strictEqual(during.idle, 0)
    }))

  it.live("a session the borrower invalidates is retired when its lease ends, and the next borrower gets a new one", () =>
    Effect.gen(function*() {
      const fakes = makeFakes()
      const pool = yield* Pool.makeWith({ acquire: fakes.acquire, maxConnections: 1 })
      const first = yield* pool.use((c) => Effect.as(pool.invalidate(c), asFake(c)))
      const stats = yield* pool.stats
      assert.strictEqual(stats.retired, 1)
      const second = yield* pool.use((c) => Effect.succeed(asFake(c)))
      assert.notStrictEqual(second, first)
      assert.isTrue(first.closed)
    }))
})
