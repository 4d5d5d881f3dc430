import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { Permit } from "../../src/internal/connection/permit.ts"

describe("Permit (the session's wire and owner lock)", () => {
  it.effect("is taken synchronously when free, and not twice", () =>
    Effect.sync(() => {
      const permit = new Permit()
      assert.isTrue(permit.tryTake())
      assert.isTrue(permit.taken)
      assert.isFalse(permit.tryTake())
      permit.releaseNow()
      assert.isFalse(permit.taken)
      assert.isTrue(permit.tryTake())
    }))

  it.live("waiters get it first come first served, handed over without a free moment in between", () =>
    Effect.gen(function*() {
      const permit = new Permit()
      assert.isTrue(permit.tryTake())
      const order: Array<number> = []
      const waiter = (n: number) =>
        Effect.forkChild(
          Effect.andThen(permit.take, Effect.sync(() => order.push(n))),
          { startImmediately: true }
        )
      const first = yield* waiter(1)
      const second = yield* waiter(2)
      permit.releaseNow()
      // Handed to the first waiter: nobody else can take it meanwhile.
      assert.isTrue(permit.taken)
      assert.isFalse(permit.tryTake())
      yield* Fiber.join(first)
      assert.deepStrictEqual(order, [1])
      permit.releaseNow()
      yield* Fiber.join(second)
      assert.deepStrictEqual(order, [1, 2])
      permit.releaseNow()
      assert.isFalse(permit.taken)
    }))

  it.live("a waiter interrupted after the hand-over passes the permit on", () =>
    Effect.gen(function*() {
      const permit = new Permit()
      permit.tryTake()
      const first = yield* Effect.forkChild(permit.take, { startImmediately: true })
      const second = yield* Effect.forkChild(permit.take, { startImmediately: true })
      // Handed to `first`, interrupted before its fiber resumes (the resume is a microtask away).
      permit.releaseNow()
      yield* Fiber.interrupt(first)
      yield* Fiber.join(second)
      assert.isTrue(permit.taken)
      permit.releaseNow()
      assert.isFalse(permit.taken)
    }))

  it.live("a waiter interrupted before the hand-over leaves the line", () =>
    Effect.gen(function*() {
      const permit = new Permit()
      permit.tryTake()
      const gone = yield* Effect.forkChild(permit.take, { startImmediately: true })
      yield* Fiber.interrupt(gone)
      permit.releaseNow()
      assert.isFalse(permit.taken)
    }))

  it.live("withPermit gives it up however the effect ends", () =>
    Effect.gen(function*() {
      const permit = new Permit()
      yield* Effect.exit(permit.withPermit(Effect.fail("boom")))
      assert.isFalse(permit.taken)
      permit.tryTake()
      const waiting = yield* Effect.forkChild(permit.withPermit(Effect.never), { startImmediately: true })
      permit.releaseNow()
      yield* Effect.yieldNow
      assert.isTrue(permit.taken)
      yield* Fiber.interrupt(waiting)
      assert.isFalse(permit.taken)
    }))
})
