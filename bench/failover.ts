/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged error union */
/**
 * Failover under load (issue #20), against `TestServer.cluster`: a pool behind the Connection Manager's `oltp`
 * service level (redirects to the current primary) serves many concurrent fibers, each running a few requests
 * (INSERT of its own ids, or a read); part-way through, the primary is stopped (sockets cut mid-reply) and, shortly
 * after, the secondary is promoted.
 *
 * Reported: how each request ended (succeeded, or the tag/reason/sqlcode it failed with; a defect is counted
 * apart), the acknowledged INSERTs missing when read back from the new primary, successful requests answered by a
 * session that was not on the primary of the moment, and the recovery times: from the stop, and from the
 * promotion, to the first request that succeeded afterwards.
 *
 * `test/failover.cluster.test.ts` runs it and asserts on the outcome; `npm run bench failover` reports the times.
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Connection from "../src/Connection.ts"
import { isInformixError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import * as TestServer from "../src/TestServer.ts"
import { nowMs, round } from "./stats.ts"

export interface FailoverOptions {
  /** Concurrent fibers. */
  readonly fibers: number
  /** Requests each fiber runs one after another. */
  readonly requestsPerFiber: number
  readonly poolSize: number
  /** The primary is stopped once this many requests have ended. */
  readonly stopAfter: number
  /** Time between the stop and the promotion. */
  readonly promoteAfterMillis: number
}

export interface FailoverOutcome {
  readonly requests: number
  readonly succeeded: number
  /** Failed requests by kind: `Tag`, `Tag/reason` or `Tag/sqlcode`. */
  readonly failedByKind: Readonly<Record<string, number>>
  /** Failures that were not typed Informix errors (defects, interruptions). */
  readonly untyped: number
  readonly acknowledgedWrites: number
  /** Acknowledged INSERT ids not found when read back. */
  readonly lostWrites: ReadonlyArray<number>
  /** Successful requests whose session was read-only or on a server that was not primary when the request ran. */
  readonly answeredByNonPrimary: number
  /** Stop → first request that succeeded after it (on the new primary). */
  readonly recoveryFromStopMillis: number
  /** Promotion finished → first request that succeeded after it. */
  readonly recoveryFromPromoteMillis: number
}

interface Ended {
  readonly ok: boolean
  readonly kind?: string
  readonly typed?: boolean
  readonly port?: number
  readonly readOnly?: boolean
  readonly startedAt: number
  readonly endedAt: number
}

const kindOf = (cause: Cause.Cause<unknown>): { readonly kind: string; readonly typed: boolean } => {
  const error = Cause.findErrorOption(cause)
  if (error._tag === "None" || !isInformixError(error.value)) return { kind: "untyped", typed: false }
  const e = error.value
  const detail = "reason" in e ? e.reason : "sqlcode" in e ? e.sqlcode : undefined
  return { kind: detail === undefined ? e._tag : `${e._tag}/${detail}`, typed: true }
}

/** Runs the scenario on a fresh cluster (scoped: the cluster and pool close with the scope). */
export const failoverScenario = (options: FailoverOptions) =>
  Effect.gen(function*() {
    const cluster = yield* TestServer.cluster({ secondaries: ["ol_sds1"] })
    const oltp = cluster.serviceLevels.find((level) => level.name === "oltp")!
    const primaryPort = cluster.servers.find((s) => s.name === "ol_primary")!.port
    const secondaryPort = cluster.servers.find((s) => s.name === "ol_sds1")!.port
    yield* Effect.scoped(
      Effect.flatMap(
        Connection.make({ url: oltp.url }),
        (conn) => conn.execute("CREATE TABLE ha_orders (id INTEGER NOT NULL, fiber INTEGER)")
      )
    )
    const pool = yield* Pool.make({
      url: oltp.url,
      maxConnections: options.poolSize,
      acquireTimeout: "5 seconds",
      connectTimeout: "2 seconds",
      targetServerType: "primary"
    })

    let ended = 0
    const reachedStop = yield* Deferred.make<void>()
    const times = { stoppedAt: Infinity, promoting: Infinity, promotedAt: Infinity }
    const acknowledged: Array<number> = []

    const request = (fiber: number, n: number): Effect.Effect<Ended> =>
      Effect.suspend(() => {
        const startedAt = nowMs()
        const id = fiber * options.requestsPerFiber + n
        const write = (fiber + n) % 2 === 0
        return pool.use((conn) =>
          Effect.map(
            write
              ? Effect.asVoid(conn.execute("INSERT INTO ha_orders VALUES (?, ?)", [id, fiber]))
              : Effect.asVoid(conn.query("SELECT COUNT(*) AS n FROM ha_orders")),
            () => ({ port: conn.port, readOnly: conn.readOnly })
          )
        ).pipe(
          Effect.exit,
          Effect.map((exit): Ended => {
            const endedAt = nowMs()
            if (++ended === options.stopAfter) Deferred.doneUnsafe(reachedStop, Exit.void)
            if (Exit.isSuccess(exit)) {
              if (write) acknowledged.push(id)
              return { ok: true, ...exit.value, startedAt, endedAt }
            }
            return { ok: false, ...kindOf(exit.cause), startedAt, endedAt }
          })
        )
      })

    const failover = yield* Effect.forkChild(Effect.gen(function*() {
      yield* Deferred.await(reachedStop)
      times.stoppedAt = nowMs()
      yield* cluster.stop("ol_primary")
      yield* Effect.sleep(options.promoteAfterMillis)
      times.promoting = nowMs()
      yield* cluster.promote("ol_sds1")
      times.promotedAt = nowMs()
    }))

    const results = yield* Effect.forEach(
      Array.from({ length: options.fibers }, (_, fiber) => fiber),
      (fiber) =>
        Effect.forEach(Array.from({ length: options.requestsPerFiber }, (_, n) => n), (n) => request(fiber, n)),
      { concurrency: "unbounded" }
    ).pipe(Effect.map((perFiber) => perFiber.flat()))
    yield* Fiber.join(failover)

    // The pool must serve again: keep asking (a fresh request each time) until one succeeds on the new primary.
    const probe = yield* request(options.fibers, 0).pipe(
      Effect.repeat({ until: (r) => r.ok, schedule: Schedule.spaced("20 millis") }),
      Effect.timeoutOrElse({ duration: "20 seconds", orElse: () => Effect.succeed(undefined) })
    )
    const all = probe === undefined ? results : [...results, probe]

    const firstAfter = (t: number) =>
      Math.min(...all.filter((r) => r.ok && r.endedAt > t && r.port === secondaryPort).map((r) => r.endedAt))
    const failedByKind: Record<string, number> = {}
    for (const r of all) if (!r.ok) failedByKind[r.kind!] = (failedByKind[r.kind!] ?? 0) + 1

    // A success on the old primary must have started before it was stopped; one on the secondary must have ended
    // after its promotion began.
    const answeredByNonPrimary = all.filter((r) =>
      r.ok && (r.readOnly === true ||
        (r.port === primaryPort && r.startedAt > times.stoppedAt) ||
        (r.port === secondaryPort && r.endedAt < times.promoting) ||
        (r.port !== primaryPort && r.port !== secondaryPort))
    ).length

    const stored = yield* Effect.scoped(
      Effect.flatMap(Connection.make({ url: oltp.url }), (conn) => conn.query("SELECT id FROM ha_orders"))
    )
    const ids = new Set(stored.map((row) => row["id"] as number))

    const outcome: FailoverOutcome = {
      requests: all.length,
      succeeded: all.filter((r) => r.ok).length,
      failedByKind,
      untyped: all.filter((r) => !r.ok && r.typed !== true).length,
      acknowledgedWrites: acknowledged.length,
      lostWrites: acknowledged.filter((id) => !ids.has(id)),
      answeredByNonPrimary,
      recoveryFromStopMillis: round(firstAfter(times.stoppedAt) - times.stoppedAt),
      recoveryFromPromoteMillis: round(firstAfter(times.promotedAt) - times.promotedAt)
    }
    return outcome
  })

export const defaultOptions: FailoverOptions = {
  fibers: 1000,
  requestsPerFiber: 3,
  poolSize: 10,
  stopAfter: 600,
  promoteAfterMillis: 100
}

if (import.meta.main) {
  Effect.runPromise(Effect.scoped(failoverScenario(defaultOptions))).then(
    (outcome) => {
      process.stdout.write(JSON.stringify(outcome, null, 2) + "\n")
      const metrics = {
        fibers: defaultOptions.fibers,
        pool: defaultOptions.poolSize,
        requests: outcome.requests,
        succeeded: outcome.succeeded,
        lost_writes: outcome.lostWrites.length,
        recovery_from_stop_ms: outcome.recoveryFromStopMillis,
        recovery_from_promote_ms: outcome.recoveryFromPromoteMillis
      }
      process.stdout.write(JSON.stringify({ results: [{ name: "failover", metrics }] }) + "\n")
    },
    (error: unknown) => {
      process.stderr.write(`failover failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
