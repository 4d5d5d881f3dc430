/**
 * A pool of Informix sessions on top of effect's `Pool.makeWithTTL`.
 *
 * effect's pool does the sizing (min/max, idle TTL, connecting); this module adds what a database pool needs on top:
 *
 * - **hygiene on every return**: a lease that ends while the session is still reading an interrupted reply waits
 *   for the drain (bounded by `drainTimeout`, else the session is retired); an open transaction is rolled back
 *   (the pool must never hand out a session in the middle of someone else's transaction); session state the
 *   borrower changed (`Connection.changedSettings`: SET ISOLATION / LOCK MODE / EXPLAIN / ROLE / ENVIRONMENT,
 *   another database, temp tables) is reset to the configured defaults (`Connection.resetSession`), and where that
 *   is impossible (a role, the environment, another database, temp tables, an isolation level with no configured
 *   one) the session is retired; a session that is dead, or whose rollback or reset failed, or that outlived
 *   `maxLifetime`, is invalidated instead of returned;
 * - **checks on every checkout**: a session that died while idle (server restart, network) or outlived its lifetime
 *   is replaced before anyone sees it;
 * - **retirement**: a session retired by the connection layer (socket or protocol failure, drain timeout) is
 *   invalidated at once through its `onRetire` hook, so the pool replaces it — after a failover, through the server
 *   group or the Connection Manager of the configuration (`Connection.make`); a statement is never retried;
 * - **one first-come queue**: when every session is leased and the pool is at `maxConnections`, `use`, `get` and
 *   `reserve` borrowers wait in one arrival order (a transaction does not overtake a queued query, nor the reverse);
 * - **acquire timeout**: waiting for a session (including connecting a new one) fails with `PoolTimeoutError`, on the
 *   clock of the pool's context (a `TestClock` in tests);
 * - **metrics**: open / idle / in-use sessions, waiting fibers (gauges read from the pool when metrics are read),
 *   acquire wait time, retired sessions;
 * - **graceful shutdown**: closing the pool's scope waits for leased sessions to come back and closes every
 *   session with SQ_EXIT (the connection's own finalizer).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import { constVoid } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as EffectPool from "effect/Pool"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Connection from "./Connection.ts"
import type { InformixError } from "./InformixError.ts"
import { ConfigError, PoolTimeoutError } from "./InformixError.ts"
import { checkDurationInput } from "./internal/config/parse.ts"

/**
 * @since 0.1.0
 * @category type IDs
 */
export const TypeId: TypeId = "~effect-informix/Pool"

/**
 * @since 0.1.0
 * @category type IDs
 */
export type TypeId = "~effect-informix/Pool"

/**
 * Sizing and lifetime settings of a pool. Every field is optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface PoolOptions {
  /** Sessions kept open even when idle (default 0). */
  readonly minConnections?: number | undefined
  /** Upper bound of open sessions (default 10). */
  readonly maxConnections?: number | undefined
  /** An idle session above `minConnections` is closed after this long without use (default 60 s). */
  readonly idleTimeout?: Duration.Input | undefined
  /** A session older than this is closed when it is next returned or checked out (default: no limit). */
  readonly maxLifetime?: Duration.Input | undefined
  /** How long a checkout may wait for a session, including connecting one (default 30 s). */
  readonly acquireTimeout?: Duration.Input | undefined
  /** How long a returned session may take to finish draining an interrupted reply before it is retired (5 s). */
  readonly drainTimeout?: Duration.Input | undefined
  /**
   * How long the rollback of a transaction left open by a borrower, or the reset of settings it changed, may take
   * before the session is retired (5 s).
   */
  readonly rollbackTimeout?: Duration.Input | undefined
  /** Attributes added to every pool metric (e.g. `{ pool: "orders" }`) to tell pools apart. */
  readonly metricAttributes?: Readonly<Record<string, string>> | undefined
}

/**
 * A point-in-time view of the pool.
 *
 * @since 0.1.0
 * @category models
 */
export interface PoolStats {
  /** Sessions connected and not yet closed. */
  readonly open: number
  /** Open sessions not leased to anyone. */
  readonly idle: number
  /** Sessions leased to a borrower (including reserved ones). */
  readonly inUse: number
  /** Fibers waiting for a session. */
  readonly waiting: number
  /** Sessions opened since the pool started. */
  readonly opened: number
  /** Sessions closed since the pool started (idle expiry, retirement, shutdown). */
  readonly closed: number
  /** Sessions taken out of service because they were dead, dirty or too old. */
  readonly retired: number
}

/**
 * A pool of Informix sessions.
 *
 * Leases are exclusive: a session serves one borrower at a time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pool {
  readonly [TypeId]: TypeId
  /** Leases a session until the current scope closes; it then goes through the return hygiene. */
  readonly get: Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
  /** Leases a session for the duration of `f`. */
  readonly use: <A, E, R>(f: (connection: Connection.Connection) => Effect.Effect<A, E, R>) => Effect.Effect<
    A,
    E | InformixError,
    R
  >
  /**
   * Leases a session pinned to the current scope for a transaction. With exclusive leases this is `get` under its
   * own name: the lease is what pins the session, and the return hygiene rolls back whatever transaction the scope
   * left open (e.g. when it was interrupted between BEGIN WORK and COMMIT WORK).
   */
  readonly reserve: Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
  /** Takes a session out of service; it is closed once its lease (if any) ends, and replaced as needed. */
  readonly invalidate: (connection: Connection.Connection) => Effect.Effect<void>
  /** Current counts. */
  readonly stats: Effect.Effect<PoolStats>
  /** The settings in effect, with defaults applied. */
  readonly options: ResolvedPoolOptions
}

/**
 * Pool settings with defaults applied.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedPoolOptions {
  readonly minConnections: number
  readonly maxConnections: number
  readonly idleTimeout: Duration.Duration
  readonly maxLifetime: Duration.Duration | undefined
  readonly acquireTimeout: Duration.Duration
  readonly drainTimeout: Duration.Duration
  readonly rollbackTimeout: Duration.Duration
  readonly metricAttributes: Readonly<Record<string, string>>
}

/**
 * Service tag of the pool (provided by `layer` / `layerWith`).
 *
 * @since 0.1.0
 * @category services
 */
export const Pool: Context.Service<Pool, Pool> = Context.Service<Pool>("effect-informix/Pool")

/**
 * The pool's metrics. Each is reported with the pool's `metricAttributes`.
 *
 * - `informix_pool_connections_open`, `_idle`, `_in_use`: gauges of sessions;
 * - `informix_pool_waiting`: gauge of fibers waiting for a session;
 * - `informix_pool_acquire_wait_ms`: histogram of checkout wait (milliseconds, including connecting);
 * - `informix_pool_connections_retired_total`: counter of sessions retired (dead, dirty, expired lifetime).
 *
 * The four gauges are series registered by the pool (`Metric.registerUnsafe`) and read from its counts whenever
 * metrics are read; when the pool closes they stay in the registry with their last values. Pools sharing a metric
 * registry need distinct `metricAttributes` (a second pool with the same ones takes the series over).
 *
 * @since 0.1.0
 * @category models
 */
export const metrics = {
  open: Metric.gauge("informix_pool_connections_open", { description: "Informix sessions open" }),
  idle: Metric.gauge("informix_pool_connections_idle", { description: "Informix sessions open and not leased" }),
  inUse: Metric.gauge("informix_pool_connections_in_use", { description: "Informix sessions leased" }),
  waiting: Metric.gauge("informix_pool_waiting", { description: "Fibers waiting for an Informix session" }),
  acquireWait: Metric.histogram("informix_pool_acquire_wait_ms", {
    description: "Time to check out an Informix session (ms), including connecting",
    boundaries: Metric.exponentialBoundaries({ start: 0.25, factor: 2, count: 18 })
  }),
  retired: Metric.counter("informix_pool_connections_retired_total", {
    description: "Informix sessions retired because they were dead, dirty or past their lifetime",
    incremental: true
  })
} as const

const invalid = (field: string, reason: string) => new ConfigError({ field, message: `Invalid ${field}: ${reason}` })

const durationOption = (
  field: string,
  input: Duration.Input | undefined,
  fallback: Duration.Duration
): Effect.Effect<Duration.Duration, ConfigError> => {
  if (input === undefined) return Effect.succeed(fallback)
  const checked = checkDurationInput(input)
  return Result.isSuccess(checked) ? Effect.succeed(checked.success) : Effect.fail(invalid(field, checked.failure))
}

/**
 * Applies the defaults and checks the settings: `maxConnections` >= 1, 0 <= `minConnections` <= `maxConnections`,
 * durations valid and not negative.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveOptions = (options: PoolOptions): Effect.Effect<ResolvedPoolOptions, ConfigError> =>
  Effect.gen(function*() {
    const maxConnections = options.maxConnections ?? 10
    if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) {
      return yield* invalid("maxConnections", `${maxConnections} is not an integer >= 1`)
    }
    const minConnections = options.minConnections ?? 0
    if (!Number.isSafeInteger(minConnections) || minConnections < 0 || minConnections > maxConnections) {
      return yield* invalid("minConnections", `${minConnections} is not an integer between 0 and maxConnections`)
    }
    return {
      minConnections,
      maxConnections,
      idleTimeout: yield* durationOption("idleTimeout", options.idleTimeout, Duration.seconds(60)),
      maxLifetime: options.maxLifetime === undefined
        ? undefined
        : yield* durationOption("maxLifetime", options.maxLifetime, Duration.infinity),
      acquireTimeout: yield* durationOption("acquireTimeout", options.acquireTimeout, Duration.seconds(30)),
      drainTimeout: yield* durationOption("drainTimeout", options.drainTimeout, Duration.seconds(5)),
      rollbackTimeout: yield* durationOption("rollbackTimeout", options.rollbackTimeout, Duration.seconds(5)),
      metricAttributes: options.metricAttributes ?? {}
    }
  })

/** Where a borrower goes next (see `route` in `makeWith`). */
const LEASE = 0
const QUEUE = 1
const CHECKOUT = 2
type Route = typeof LEASE | typeof QUEUE | typeof CHECKOUT

/** Nothing left on the session's wire: it can be judged (and reused or closed). */
const settled = (connection: Connection.Connection) => connection.state === "idle" || connection.state === "dead"

/**
 * Builds a pool from any scoped way of opening a session (`Connection.make(config)` in `make`; a fake in tests).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = Effect.fnUntraced(function*<R>(
  options: PoolOptions & { readonly acquire: Effect.Effect<Connection.Connection, InformixError, R> }
): Effect.fn.Return<Pool, ConfigError, Scope.Scope | R> {
  const resolved = yield* resolveOptions(options)
  const context = yield* Effect.context<never>()
  // Read once: the hot paths below take the time synchronously (the TestClock, when one is installed, still applies).
  const clock = yield* Clock.Clock
  // The pool's attributes are added to the context once, here: `Metric.withAttributes` would add them to a copy of
  // the context on every update (several per checkout). The series are the same ones `withAttributes` addresses.
  const metricContext = Context.add(context, Metric.CurrentMetricAttributes, {
    ...Context.get(context, Metric.CurrentMetricAttributes),
    ...resolved.metricAttributes
  })

  // Plain counters, updated synchronously (some updates come from socket callbacks through retire hooks). The four
  // gauges read them when metrics are read (`Metric.value`, a snapshot, an exporter): series registered with their
  // own `get` (`Metric.registerUnsafe`, in the registry of the context captured at construction, with the pool's
  // attributes), instead of gauges updated on every checkout, wait and return — each update looks its series up in
  // the registry, six of them per queued checkout. When the pool closes they become plain gauges again, holding
  // their last values.
  const counts = { open: 0, inUse: 0, waiting: 0, opened: 0, closed: 0, retired: 0 }
  const gauges: ReadonlyArray<readonly [Metric.Metric<number, Metric.GaugeState<number>>, () => number]> = [
    [metrics.open, () => counts.open],
    [metrics.idle, () => counts.open - counts.inUse],
    [metrics.inUse, () => counts.inUse],
    [metrics.waiting, () => counts.waiting]
  ]
  const registrations = gauges.map(([gauge, read]) =>
    Metric.registerUnsafe(gauge, metricContext, {
      get: () => ({ value: read() }),
      update: constVoid,
      modify: constVoid
    })
  )
  // Registered before effect's pool, so it runs after the pool's shutdown (every session closed).
  yield* Effect.addFinalizer(() =>
    Effect.sync(() => {
      for (const registration of registrations) registration.remove()
      for (const [gauge, read] of gauges) gauge.updateUnsafe(read(), metricContext)
    })
  )

  const createdAt = new WeakMap<Connection.Connection, number>()
  const retiredSessions = new WeakSet<Connection.Connection>()
  // The effect pool only exists after `makeWithTTL` returns, but retire hooks registered by `acquire` may fire
  // later at any time; they read it from here.
  let effectPool: EffectPool.Pool<Connection.Connection, InformixError> | undefined

  const retire = (connection: Connection.Connection): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (!retiredSessions.has(connection)) {
        retiredSessions.add(connection)
        counts.retired++
        metrics.retired.updateUnsafe(1, metricContext)
      }
      // A retired session frees its place: a fiber queued for a full pool may connect a new one.
      return effectPool === undefined
        ? Effect.void
        : Effect.andThen(EffectPool.invalidate(effectPool, connection), wakeNext)
    })

  const acquire = Effect.gen(function*() {
    const connection = yield* options.acquire
    createdAt.set(connection, clock.currentTimeMillisUnsafe())
    counts.open++
    counts.opened++
    // Registered after the connection's own finalizer, so it runs first: the hook is removed before the pool
    // closes the session on purpose (which would otherwise count as a retirement).
    const unregister = connection.onRetire(() => {
      Effect.runForkWith(context)(retire(connection))
    })
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        unregister()
        counts.open--
        counts.closed++
      })
    )
    return connection
  })

  // Registered before effect's pool, so it runs after the pool's shutdown: borrowers still queued meanwhile keep
  // their deadline.
  yield* Effect.addFinalizer(() => Effect.sync(() => stopTimer()))

  const pool = yield* EffectPool.makeWithTTL({
    acquire,
    min: resolved.minConnections,
    max: resolved.maxConnections,
    concurrency: 1,
    timeToLive: resolved.idleTimeout,
    timeToLiveStrategy: "usage"
  })
  effectPool = pool

  const maxLifetimeMillis = resolved.maxLifetime === undefined ? undefined : Duration.toMillis(resolved.maxLifetime)
  /** The session outlived `maxLifetime` (the clock is read only when there is a lifetime to check). */
  const isExpiredNow = (connection: Connection.Connection): boolean => {
    if (maxLifetimeMillis === undefined) return false
    const now = clock.currentTimeMillisUnsafe()
    return now - (createdAt.get(connection) ?? now) >= maxLifetimeMillis
  }

  /** Idle, outside any transaction, as configured and within its lifetime: what a return must leave behind. */
  const isUsable = (connection: Connection.Connection): boolean => connection.state === "idle" && isClean(connection)
  const isClean = (connection: Connection.Connection): boolean =>
    !connection.inTransaction && connection.changedSettings.size === 0 && !isExpiredNow(connection)

  /**
   * A checked-out session must be alive, outside any transaction and as configured; else it is never handed out.
   * Idle in the pool it may also be "busy": every return waited for its wire to settle, so the only exchange it can
   * have started since is its own — the CLOSE batches it sends after staying unused (wireSession.ts `deferred`); the
   * borrower's first statement waits for that round trip.
   */
  const isUsableAtCheckout = (connection: Connection.Connection): boolean =>
    (connection.state === "idle" || connection.state === "busy") && isClean(connection)

  /**
   * Waits (bounded) until a returned session has finished whatever is still on its wire. Woken by the connection's
   * `awaitSettled` signal (drain ended, or session retired), not by polling.
   */
  const awaitSettled = (connection: Connection.Connection): Effect.Effect<boolean> =>
    settled(connection) ? Effect.succeed(true) : connection.awaitSettled.pipe(
      Effect.as(true),
      Effect.timeoutOrElse({ duration: resolved.drainTimeout, orElse: () => Effect.succeed(false) })
    )

  const released = Effect.sync(() => {
    counts.inUse--
  })

  /** The full return path: wait for a drain, roll back, reset changed settings, retire what cannot be reused. */
  const cleanUp = (connection: Connection.Connection): Effect.Effect<void> =>
    Effect.gen(function*() {
      if (!(yield* awaitSettled(connection)) || connection.state === "dead") {
        return yield* retire(connection)
      }
      if (connection.inTransaction) {
        const rolledBack = yield* connection.execute("ROLLBACK WORK").pipe(
          Effect.timeoutOrElse({ duration: resolved.rollbackTimeout, orElse: () => Effect.succeed(false as const) }),
          Effect.map((result) => result !== false),
          Effect.catch(() => Effect.succeed(false))
        )
        if (!rolledBack || connection.inTransaction || connection.state !== "idle") {
          return yield* retire(connection)
        }
      }
      if (connection.changedSettings.size > 0) {
        const reset = yield* connection.resetSession.pipe(
          Effect.timeoutOrElse({ duration: resolved.rollbackTimeout, orElse: () => Effect.succeed(false) }),
          Effect.catch(() => Effect.succeed(false))
        )
        if (!reset || connection.state !== "idle") return yield* retire(connection)
      }
      if (isExpiredNow(connection)) {
        return yield* retire(connection)
      }
    })

  /**
   * Return hygiene, run when a lease ends (uninterruptible: a scope finalizer, or `use`'s `onExit`, which calls it
   * when the borrower's effect ends). Decides whether the session goes back to the idle list or is invalidated
   * (closed once the lease is released). A session that comes back idle, outside a transaction, with its settings
   * untouched and within its lifetime — nearly every return — takes the cheap path.
   */
  const returnNow = (connection: Connection.Connection): Effect.Effect<void> =>
    isUsable(connection) ? released : Effect.ensuring(cleanUp(connection), released)
  /** `returnNow` as a finalizer, decided when it runs. */
  const onReturn = (connection: Connection.Connection): Effect.Effect<void> =>
    Effect.suspend(() => returnNow(connection))

  /**
   * Leases a usable session into `scope`. Each attempt leases into its own child scope so that a session found
   * unusable is released (and closed) at once instead of staying leased until the caller's scope ends. `queuedMillis`:
   * how long the borrower waited in the pool's queue before (the wait metric adds the checkout's own time).
   *
   * With `once` (a free session is there and it is the caller's turn: nothing to wait for), it makes one attempt and
   * returns `undefined` when the session was unusable (the caller then looks again); `ticket`, the turn of a woken
   * waiter, is given up in the step that leases. Without it, it waits in effect's pool (for a session to connect).
   */
  const checkout = (
    scope: Scope.Scope,
    once: boolean,
    queuedMillis: number,
    ticket: Ticket | undefined
  ): Effect.Effect<Connection.Connection | undefined, InformixError> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const start = clock.currentTimeNanosUnsafe()
        if (!once) counts.waiting++
        let outcome: Exit.Exit<Connection.Connection | undefined, InformixError> | undefined
        while (outcome === undefined) {
          const lease = yield* Scope.fork(scope)
          // Runs last, after effect's pool took the session back: a fiber queued for a full pool may take it now.
          yield* Scope.addFinalizer(lease, wakeNext)
          const got = yield* Effect.exit(restore(Scope.provide(EffectPool.get(pool), lease)))
          if (Exit.isFailure(got)) {
            yield* Scope.close(lease, got)
            outcome = got
            continue
          }
          if (ticket !== undefined) giveUp(ticket, false)
          if (isUsableAtCheckout(got.value)) {
            const connection = got.value
            counts.inUse++
            yield* Scope.addFinalizer(lease, onReturn(connection))
            // More than one session came back while borrowers were queued: the next need not wait for another.
            if (queue.size > 0 && canLeaseAtOnce()) yield* wakeNext
            outcome = got
          } else {
            yield* retire(got.value)
            yield* Scope.close(lease, Exit.void)
            if (once) outcome = Exit.succeed(undefined)
          }
        }
        if (!once) counts.waiting--
        const waited = queuedMillis + Number(clock.currentTimeNanosUnsafe() - start) / 1e6
        metrics.acquireWait.updateUnsafe(waited, metricContext)
        return yield* outcome
      })
    )

  const acquireTimeoutMillis = Duration.toMillis(resolved.acquireTimeout)
  const timeoutError = () =>
    new PoolTimeoutError({
      message: `No Informix session became available within ${acquireTimeoutMillis} ms ` +
        `(maxConnections ${resolved.maxConnections})`,
      timeoutMillis: acquireTimeoutMillis
    })
  const timedOut = () => Effect.fail(timeoutError())
  /** How long a borrower has been queued, from `since` (when it first queued, if it did). */
  const queuedSince = (since: number | undefined) => since === undefined ? 0 : clock.currentTimeMillisUnsafe() - since

  /** Checks a session out through effect's pool, waiting there (for a session to connect) up to `acquireTimeout`. */
  const timedCheckout = (scope: Scope.Scope, since: number | undefined) =>
    Effect.timeoutOrElse(
      checkout(scope, false, queuedSince(since), undefined) as Effect.Effect<
        Connection.Connection,
        InformixError
      >,
      { duration: resolved.acquireTimeout, orElse: timedOut }
    )

  // Every borrower — `use`, `get`, `reserve` — takes a free session at once when nobody is ahead of it (effect's
  // pool leases it without waiting; `use` without a scope, a checkout fiber or a timer). When every session is
  // leased and the pool is at `maxConnections`, the borrower queues here, in one arrival order for all kinds, woken
  // by the next lease that ends or session that is retired; `acquireTimeout` is kept by one timer for the whole
  // queue instead of a timeout fiber (or a timer) per waiter. Anything else (a session to connect first, effect's
  // own waiters ahead, shutdown) takes the timed checkout through effect's pool.
  const canLeaseAtOnce = () => {
    const state = pool.state
    return state.waiters.size === 0 && state.availableHead !== undefined && Exit.isSuccess(state.availableHead.exit)
  }

  interface Waiter {
    readonly resume: (effect: Effect.Effect<void, PoolTimeoutError>) => void
    /** When the wait fails with PoolTimeoutError (ms on the pool's clock). */
    readonly deadline: number
    /** Its turn, held from the wake until its lease (or until it gives the turn up). */
    readonly ticket: Ticket
    /** Still in the queue (not woken, timed out or interrupted yet). */
    queued: boolean
    /** Its neighbours in arrival order while queued. */
    previous: Waiter | undefined
    next: Waiter | undefined
  }
  // Arrival order as a linked list: a waiter leaves from anywhere (timeout, interrupt) in constant time, and the
  // oldest is found without stepping over the ones that left before it (as a Set's iterator would).
  const queue: { head: Waiter | undefined; tail: Waiter | undefined; size: number } = {
    head: undefined,
    tail: undefined,
    size: 0
  }
  /**
   * A woken waiter's turn. It counts in `woken` from the wake until the waiter holds its lease, takes another way or
   * ends (interrupted anywhere on the way): until then no newcomer takes the session it was woken for.
   */
  interface Ticket {
    held: boolean
  }
  /** Turns held by woken waiters that have not leased yet: they come before newcomers that find a free session. */
  let woken = 0
  /** Gives a turn up without a lease; `passOn` wakes the next in line for the session it was woken for. */
  const giveUp = (ticket: Ticket, passOn: boolean) => {
    if (!ticket.held) return
    ticket.held = false
    woken--
    if (passOn) wakeOne()
  }

  // The queue's timer: one fiber sleeping on the pool's clock (the TestClock, when one is installed) until the
  // earliest deadline of a queued borrower. It is forked only when a borrower queues on a full pool, so a pool that
  // is not full never pays for it; and it is not stopped when the queue empties (it then wakes once, finds nobody
  // past its deadline and ends): a pool that keeps going full and back would otherwise fork a fiber each time. An
  // earlier deadline (a woken waiter queuing again) re-arms it; closing the pool stops it. `generation` tells the
  // armed fiber from one replaced or already fired, whose wake-up must do nothing.
  let timer: Fiber.Fiber<void> | undefined
  let timerDeadline = Number.POSITIVE_INFINITY
  let timerGeneration = 0
  const armTimer = (deadline: number) => {
    if (timerDeadline <= deadline) return
    timer?.interruptUnsafe()
    timerDeadline = deadline
    const generation = ++timerGeneration
    const sleep = clock.sleep(Duration.millis(Math.max(0, deadline - clock.currentTimeMillisUnsafe())))
    const fiber = Effect.runForkWith(context)(Effect.andThen(
      sleep,
      Effect.sync(() => {
        if (generation === timerGeneration) expire()
      })
    ))
    // A deadline already past may have fired (and disarmed) synchronously, on a TestClock.
    if (generation === timerGeneration) timer = fiber
  }
  const stopTimer = () => {
    timer?.interruptUnsafe()
    timer = undefined
    timerDeadline = Number.POSITIVE_INFINITY
    timerGeneration++
  }
  const expire = () => {
    // The deadline it was armed for counts as reached (a real timer may fire a millisecond before the wall clock).
    const now = Math.max(clock.currentTimeMillisUnsafe(), timerDeadline)
    timer = undefined
    timerDeadline = Number.POSITIVE_INFINITY
    timerGeneration++
    const expired: Array<Waiter> = []
    let earliest = Number.POSITIVE_INFINITY
    for (let waiter = queue.head; waiter !== undefined; waiter = waiter.next) {
      if (waiter.deadline <= now) expired.push(waiter)
      else earliest = Math.min(earliest, waiter.deadline)
    }
    for (const waiter of expired) leave(waiter)
    if (earliest !== Number.POSITIVE_INFINITY) armTimer(earliest)
    for (const waiter of expired) waiter.resume(Effect.fail(timeoutError()))
  }

  /** Takes a waiter out of the queue (woken, timed out or interrupted). */
  const leave = (waiter: Waiter) => {
    waiter.queued = false
    if (waiter.previous === undefined) queue.head = waiter.next
    else waiter.previous.next = waiter.next
    if (waiter.next === undefined) queue.tail = waiter.previous
    else waiter.next.previous = waiter.previous
    waiter.previous = waiter.next = undefined
    queue.size--
    counts.waiting--
  }

  /**
   * Nothing to connect, and nothing to lease (or only what effect's own waiters, ahead of us, will take) until a
   * lease ends or a session is retired.
   */
  const isFull = () => {
    const state = pool.state
    return !state.isShuttingDown && (state.availableHead === undefined || state.waiters.size > 0) &&
      state.items.size - state.invalidated.size >= resolved.maxConnections
  }

  /**
   * Wakes the oldest queued fiber to look again, from a microtask: never inside the caller's step (its fiber would
   * run nested in ours), and without a task on the caller's own dispatcher, which costs a `setImmediate` per fiber.
   */
  const wakeNext: Effect.Effect<void> = Effect.sync(() => {
    if (queue.size > 0) queueMicrotask(wakeOne)
  })
  const wakeOne = () => {
    const waiter = queue.head
    if (waiter === undefined) return
    leave(waiter)
    waiter.ticket.held = true
    woken++
    waiter.resume(Effect.void)
  }

  /**
   * Waits in the queue for a wake until `deadline` (ms on the pool's clock); fails with PoolTimeoutError past it.
   * The wake sets `ticket.held`: the caller owns the turn from then on.
   */
  const awaitTurn = (deadline: number, ticket: Ticket): Effect.Effect<void, PoolTimeoutError> =>
    Effect.callback<void, PoolTimeoutError>((resume) => {
      const waiter: Waiter = { resume, deadline, ticket, queued: true, previous: queue.tail, next: undefined }
      if (queue.tail === undefined) queue.head = waiter
      else queue.tail.next = waiter
      queue.tail = waiter
      queue.size++
      counts.waiting++
      armTimer(deadline)
      // Interrupted after its wake, the turn is given up by `queueThen`'s `onExit`.
      return Effect.sync(() => {
        if (waiter.queued) leave(waiter)
      })
    })

  /**
   * Queues until woken (failing at `acquireTimeout` after `since`, when the borrower first queued), then looks again
   * with its turn (`next`). Wherever an interruption lands between the wake and the lease, the turn passes to the
   * next in line.
   */
  const queueThen = <A, E, R>(
    since: number | undefined,
    next: (since: number, ticket: Ticket) => Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | PoolTimeoutError, R> => {
    const start = since ?? clock.currentTimeMillisUnsafe()
    const ticket: Ticket = { held: false }
    return Effect.onExit(
      Effect.flatMap(awaitTurn(start + acquireTimeoutMillis, ticket), () => next(start, ticket)),
      () => {
        giveUp(ticket, true)
        return Effect.void
      }
    )
  }

  /**
   * Where a borrower goes now: `LEASE` a free session at once (its turn, or nobody queued or woken ahead of it),
   * `QUEUE` (the pool is full, or others are ahead), or `CHECKOUT` (a session to connect, effect's own waiters
   * ahead, shutdown). `turn`: the borrower was woken and holds its ticket.
   */
  const route = (turn: boolean): Route =>
    (turn || (queue.size === 0 && woken === 0)) && canLeaseAtOnce()
      ? LEASE
      : isFull() || (!turn && (queue.size > 0 || woken > 0))
      ? QUEUE
      : CHECKOUT

  /** `get` / `reserve`: `since` and `ticket` as in `useFrom`. */
  const getFrom = (
    scope: Scope.Scope,
    since: number | undefined,
    ticket: Ticket | undefined
  ): Effect.Effect<Connection.Connection, InformixError> =>
    Effect.suspend(() => {
      const turn = ticket !== undefined && ticket.held
      const next = route(turn)
      if (next === LEASE) {
        return Effect.flatMap(
          checkout(scope, true, queuedSince(since), turn ? ticket : undefined),
          (connection) => connection === undefined ? getFrom(scope, since, undefined) : Effect.succeed(connection)
        )
      }
      // Woken but nothing to lease at once (a retired session to replace, say): the turn ends here.
      if (turn) giveUp(ticket, false)
      if (next === QUEUE) return queueThen(since, (start, ticket) => getFrom(scope, start, ticket))
      // The next in line looks again too (capacity may have been freed for more than one).
      return Effect.andThen(wakeNext, timedCheckout(scope, since))
    })

  const get: Effect.Effect<Connection.Connection, InformixError, Scope.Scope> = Effect.flatMap(
    Effect.scope,
    (scope) => getFrom(scope, undefined, undefined)
  )

  const UNUSABLE: unique symbol = Symbol("UNUSABLE")

  /** Hands a leased session to `f` (hygiene on exit), or retires it when it is not fit to be handed out. */
  const lease = <A, E, R>(
    connection: Connection.Connection,
    f: (connection: Connection.Connection) => Effect.Effect<A, E, R>,
    waitedMillis: number
  ): Effect.Effect<A | typeof UNUSABLE, E, R> =>
    Effect.uninterruptibleMask((restore): Effect.Effect<A | typeof UNUSABLE, E, R> => {
      if (!isUsableAtCheckout(connection)) return Effect.as(retire(connection), UNUSABLE)
      counts.inUse++
      metrics.acquireWait.updateUnsafe(waitedMillis, metricContext)
      const leased = Effect.onExit(restore(f(connection)), () => returnNow(connection))
      // More than one session came back while fibers were queued: the next in line need not wait for another.
      return queue.size > 0 && canLeaseAtOnce() ? Effect.andThen(wakeNext, leased) : leased
    })

  /**
   * `use`: `since` is when the fiber first queued (ms on the pool's clock), `ticket` its turn once woken (its place
   * comes before newcomers' until it holds its lease).
   */
  const useFrom = <A, E, R>(
    f: (connection: Connection.Connection) => Effect.Effect<A, E, R>,
    since: number | undefined,
    ticket: Ticket | undefined
  ): Effect.Effect<A, E | InformixError, R> =>
    Effect.suspend(() => {
      const turn = ticket !== undefined && ticket.held
      const next = route(turn)
      if (next === LEASE) {
        const waited = queuedSince(since)
        return Effect.flatMap(
          Effect.ensuring(
            EffectPool.use(pool, (connection) => {
              if (turn) giveUp(ticket, false)
              return lease(connection, f, waited)
            }),
            wakeNext
          ),
          (result) => result === UNUSABLE ? useFrom(f, since, undefined) : Effect.succeed(result)
        )
      }
      if (turn) giveUp(ticket, false)
      if (next === QUEUE) return queueThen(since, (start, ticket) => useFrom(f, start, ticket))
      return Effect.andThen(
        wakeNext,
        Effect.scoped(Effect.flatMap(Effect.flatMap(Effect.scope, (scope) => timedCheckout(scope, since)), f))
      )
    })

  return {
    [TypeId]: TypeId,
    get,
    reserve: get,
    use: (f) => useFrom(f, undefined, undefined),
    invalidate: (connection) => retire(connection),
    stats: Effect.sync(() => ({
      open: counts.open,
      idle: counts.open - counts.inUse,
      inUse: counts.inUse,
      waiting: counts.waiting,
      opened: counts.opened,
      closed: counts.closed,
      retired: counts.retired
    })),
    options: resolved
  }
})

/**
 * Session settings (`Connection.Options`: host, port, server, database, user, password or `url`, …) plus the pool
 * settings. `drainTimeout` serves both: how long an interrupted session may drain, and how long the pool waits for
 * that on return.
 *
 * @since 0.1.0
 * @category models
 */
export interface PoolConfig extends Connection.Options, PoolOptions {}

/**
 * A pool of sessions opened with `Connection.make(config)`. No session is opened before the first checkout unless
 * `minConnections` > 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: PoolConfig): Effect.Effect<Pool, ConfigError, Scope.Scope> =>
  makeWith({ ...config, acquire: Connection.make(config) })

/**
 * A layer providing `Pool`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: PoolConfig): Layer.Layer<Pool, ConfigError> => Layer.effect(Pool, make(config))

/**
 * A layer providing `Pool` from any scoped way of opening a session.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = <R>(
  options: PoolOptions & { readonly acquire: Effect.Effect<Connection.Connection, InformixError, R> }
): Layer.Layer<Pool, ConfigError, Exclude<R, Scope.Scope>> => Layer.effect(Pool, makeWith(options))
