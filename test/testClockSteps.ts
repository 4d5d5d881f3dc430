/**
 * Durations measured on the test clock while real sockets carry the bytes (TestServer's stalls, lock waits and
 * `sysproc_sleep` sleep on the Effect clock, so under `it.effect` they end only when the test clock reaches them).
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"

/**
 * Advances the test clock in `step`s until `done` holds, giving the sockets a moment of real time after each step,
 * and returns the test clock's time then. Something that ends too early ends at an earlier test time whatever the
 * machine's speed (a slow machine only makes the time found later); something that never ends dies at `limit`.
 */
export const advanceUntil = (
  done: () => boolean,
  options: { readonly step?: Duration.Input; readonly limit?: Duration.Input } = {}
): Effect.Effect<number> =>
  Effect.gen(function*() {
    const step = options.step ?? "10 millis"
    const limit = Duration.toMillis(options.limit ?? "60 seconds")
    while (!done()) {
      if ((yield* Clock.currentTimeMillis) >= limit) return yield* Effect.die(new Error("never done on the test clock"))
      yield* TestClock.adjust(step)
      yield* TestClock.withLive(Effect.sleep("1 millis"))
    }
    return yield* Clock.currentTimeMillis
  })

/** Waits in real time (at most 10 s) for `effect`, with the test clock standing still: it must end by itself. */
export const withoutTime = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  TestClock.withLive(Effect.timeoutOrElse(effect, {
    duration: "10 seconds",
    orElse: () => Effect.die(new Error("did not end while the test clock stood still"))
  }))

/**
 * Runs `effect` in a child fiber, advancing the test clock (see {@link advanceUntil}) until it ends: its result and
 * how much test time passed meanwhile.
 */
export const measure = <A, E>(
  effect: Effect.Effect<A, E>,
  options?: Parameters<typeof advanceUntil>[1]
): Effect.Effect<{ readonly value: A; readonly millis: number }, E> =>
  Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    const fiber = yield* Effect.forkChild(effect)
    const ended = yield* advanceUntil(() => fiber.pollUnsafe() !== undefined, options)
    return { value: yield* Fiber.join(fiber), millis: ended - started }
  })
