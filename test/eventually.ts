/**
 * Polls `effect` until `until` holds (every 10 ms, for up to 5 s), then returns its last value for the test to
 * assert on: for state that settles in the background (pool sessions closing, a session's deferred CLOSE sent after
 * it stayed idle). A state that never settles still fails the assertion that follows.
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

export const eventually = <A, E>(effect: Effect.Effect<A, E>, until: (a: A) => boolean): Effect.Effect<A, E> =>
  Effect.repeat(effect, { until, schedule: Schedule.spaced("10 millis") }).pipe(
    Effect.timeoutOrElse({ duration: "5 seconds", orElse: () => effect })
  )
