/**
 * A lock of one permit (the session's `wire` and `owner`), first come first served, that can also be taken
 * synchronously when it is free: a query's exchange takes the wire, writes its request and waits for the reply in one
 * `Effect.callback` (wireSession.ts `exchange`) instead of a permit effect, a mask and an exit frame per step.
 *
 * A released permit is handed straight to the longest waiter (no barging: `tryTake` fails while anyone waits), whose
 * fiber is resumed in a microtask (not inside the releasing fiber's step). A waiter interrupted after the hand-over passes the
 * permit on, so it is never lost.
 *
 * @internal
 */
import * as Effect from "effect/Effect"

interface Waiter {
  /** The permit was handed to this waiter; its fiber may not have resumed yet. */
  granted: boolean
  readonly resume: (effect: Effect.Effect<void>) => void
}

export class Permit {
  private held = false
  private readonly waiters = new Set<Waiter>()

  /** Whether the permit is held (by anyone). */
  get taken(): boolean {
    return this.held
  }

  /** Takes the permit now if it is free and nobody waits for it. */
  tryTake(): boolean {
    if (this.held) return false
    this.held = true
    return true
  }

  /** Gives the permit up: to the longest waiter if there is one, else it becomes free. */
  releaseNow(): void {
    for (const waiter of this.waiters) {
      this.waiters.delete(waiter)
      waiter.granted = true
      // Not inline: the releasing fiber finishes its step first (as effect's Semaphore wakes its waiters).
      queueMicrotask(() => waiter.resume(Effect.void))
      return
    }
    this.held = false
  }

  /** Waits for the permit (interruptible; an interrupted waiter never keeps it). */
  readonly take: Effect.Effect<void> = Effect.callback<void>((resume) => {
    if (this.tryTake()) return resume(Effect.void)
    const waiter: Waiter = { granted: false, resume }
    this.waiters.add(waiter)
    return Effect.sync(() => {
      if (waiter.granted) this.releaseNow()
      else this.waiters.delete(waiter)
    })
  })

  readonly release: Effect.Effect<void> = Effect.sync(() => this.releaseNow())

  private readonly releaseAfter = () => this.release

  /** Runs `effect` holding the permit; it is given up however `effect` ends. */
  withPermit<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return Effect.uninterruptibleMask((restore) =>
      this.tryTake()
        ? Effect.onExit(restore(effect), this.releaseAfter)
        : Effect.flatMap(restore(this.take), () => Effect.onExit(restore(effect), this.releaseAfter))
    )
  }
}

/** Gives up every one of `permits` (taken in their order), last first. */
export const releaseAll = (permits: ReadonlyArray<Permit>): void => {
  for (let i = permits.length - 1; i >= 0; i--) permits[i]!.releaseNow()
}
