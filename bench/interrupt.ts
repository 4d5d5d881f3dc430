/**
 * Time from interrupting a statement to a free session, against a TestServer stall (`EXECUTE PROCEDURE
 * sysproc_sleep(n)`, served as an interruptible sleep in the server child process).
 *
 * One sample: start the stalled statement in a fiber, wait until the server is working on it, then
 * t0 → `Fiber.interrupt` → the next statement on the same session (the prepared one-row SELECT) answers → t1.
 * `t1 − t0` is "interrupt to free session" including that one round trip; the one-row round trip alone is reported
 * as `next_query_alone_p50_us` so it can be subtracted by the reader.
 *
 * Modes, all measured in this run:
 * - `urgent`: `serverInterrupt: true` — the driver sends the TCP urgent byte, the server stops the sleep with −213,
 *   the session drains that short reply and is free again.
 * - `drain`: `serverInterrupt: false` — nothing tells the server; the session drains until the statement ends
 *   on its own (a 1 s stall here), then is free.
 * - `retire`: `serverInterrupt: false` with a 30 s stall and `drainTimeout` 200 ms — the drain gives up, the
 *   session is retired, and a new session is connected (time until that new session answered).
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Result from "effect/Result"
import * as Connection from "../src/Connection.ts"
import { sleepSql } from "../src/TestServer.ts"
import { connectionConfig, ONE_ROW_SQL, type ServerInfo, startServerProcess } from "./decode-e2e.ts"
import { nowMs, percentile, round } from "./stats.ts"

const URGENT_SAMPLES = Number(process.env["BENCH_INTERRUPT_SAMPLES"] ?? 200)
const FALLBACK_SAMPLES = Number(process.env["BENCH_INTERRUPT_FALLBACK_SAMPLES"] ?? 5)
/** How long to let the stalled statement run before interrupting it (the server is then inside the sleep). */
const SETTLE_MILLIS = 20

interface Samples {
  readonly label: string
  readonly micros: Array<number>
  readonly failures: number
}

const summary = (samples: Samples) => ({
  p50: round(percentile(samples.micros, 50)),
  p99: round(percentile(samples.micros, 99))
})

/** Interrupt a `stallSeconds` statement on `conn`, then time until `next` (on the free session) answered. */
const interruptOnce = (
  conn: Connection.Connection,
  stallSeconds: number,
  next: Effect.Effect<unknown, unknown>
) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(conn.execute(sleepSql(stallSeconds)))
    yield* Effect.sleep(SETTLE_MILLIS)
    if (conn.state !== "busy") return yield* Effect.fail(new Error(`expected a busy session, found ${conn.state}`))
    const started = nowMs()
    yield* Fiber.interrupt(fiber)
    yield* next
    return (nowMs() - started) * 1000
  })

const sameSession = (
  info: ServerInfo,
  options: {
    readonly serverInterrupt: boolean
    readonly stallSeconds: number
    readonly samples: number
    readonly label: string
  }
) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make(connectionConfig(info, { serverInterrupt: options.serverInterrupt }))
    if (options.serverInterrupt && !conn.serverInterruptSupported) {
      return { label: options.label, micros: [], failures: 0, unsupported: true }
    }
    const statement = yield* conn.prepare(ONE_ROW_SQL)
    for (let i = 0; i < 200; i++) yield* statement.values()
    const micros: Array<number> = []
    let failures = 0
    for (let i = 0; i < options.samples; i++) {
      const sample = yield* Effect.result(interruptOnce(conn, options.stallSeconds, statement.values()))
      if (Result.isSuccess(sample)) micros.push(sample.success)
      else failures++
    }
    process.stdout.write(
      `${options.label}: ${micros.length} samples, p50 ${round(percentile(micros, 50))} µs, p99 ${
        round(percentile(micros, 99))
      } µs, failures ${failures}\n`
    )
    return { label: options.label, micros, failures, unsupported: false }
  }).pipe(Effect.scoped)

/** Fallback with a drain deadline shorter than the stall: the session is retired and replaced. */
const retireAndReplace = (info: ServerInfo, samples: number) =>
  Effect.gen(function*() {
    const micros: Array<number> = []
    let failures = 0
    const settings = connectionConfig(info, { serverInterrupt: false, drainTimeout: "200 millis" })
    for (let i = 0; i < samples; i++) {
      const sample = yield* Effect.result(Effect.scoped(Effect.gen(function*() {
        const conn = yield* Connection.make(settings)
        const retired = yield* Effect.callback<void>((resume) => {
          conn.onRetire(() => resume(Effect.void))
        }).pipe(Effect.forkChild)
        const fiber = yield* Effect.forkChild(conn.execute(sleepSql(30)))
        yield* Effect.sleep(SETTLE_MILLIS)
        const started = nowMs()
        yield* Fiber.interrupt(fiber)
        yield* Fiber.join(retired)
        const replacement = yield* Connection.make(settings)
        yield* replacement.values(ONE_ROW_SQL)
        return (nowMs() - started) * 1000
      })))
      if (Result.isSuccess(sample)) micros.push(sample.success)
      else failures++
    }
    process.stdout.write(
      `retire: ${micros.length} samples, p50 ${round(percentile(micros, 50))} µs, failures ${failures}\n`
    )
    return { label: "retire", micros, failures }
  })

const nextQueryAlone = (info: ServerInfo) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make(connectionConfig(info))
    const statement = yield* conn.prepare(ONE_ROW_SQL)
    for (let i = 0; i < 500; i++) yield* statement.values()
    const micros: Array<number> = []
    for (let i = 0; i < 2000; i++) {
      const started = nowMs()
      yield* statement.values()
      micros.push((nowMs() - started) * 1000)
    }
    return percentile(micros, 50)
  }).pipe(Effect.scoped)

const main = Effect.gen(function*() {
  const info = yield* startServerProcess(10)
  const alone = yield* nextQueryAlone(info)
  const urgent = yield* sameSession(info, {
    serverInterrupt: true,
    stallSeconds: 30,
    samples: URGENT_SAMPLES,
    label: "urgent"
  })
  const drain = yield* sameSession(info, {
    serverInterrupt: false,
    stallSeconds: 1,
    samples: FALLBACK_SAMPLES,
    label: "drain"
  })
  const retire = yield* retireAndReplace(info, FALLBACK_SAMPLES)
  const metrics: Record<string, number | string> = {
    next_query_alone_p50_us: round(alone),
    settle_ms: SETTLE_MILLIS
  }
  if (urgent.unsupported) {
    metrics["urgent"] = "server interrupt unsupported on this platform (no urgent byte sender)"
  } else {
    const s = summary(urgent)
    metrics["urgent_samples"] = urgent.micros.length
    metrics["urgent_failures"] = urgent.failures
    metrics["urgent_p50_us"] = s.p50
    metrics["urgent_p99_us"] = s.p99
  }
  const d = summary(drain)
  metrics["drain_stall_s"] = 1
  metrics["drain_samples"] = drain.micros.length
  metrics["drain_failures"] = drain.failures
  metrics["drain_p50_us"] = d.p50
  metrics["drain_p99_us"] = d.p99
  const r = summary(retire)
  metrics["retire_drain_timeout_ms"] = 200
  metrics["retire_samples"] = retire.micros.length
  metrics["retire_failures"] = retire.failures
  metrics["retire_p50_us"] = r.p50
  metrics["retire_p99_us"] = r.p99
  if (!urgent.unsupported && urgent.micros.length > 0) {
    metrics["drain_over_urgent_p50"] = round(d.p50 / summary(urgent).p50)
  }
  return metrics
}).pipe(Effect.scoped)

if (import.meta.main) {
  Effect.runPromise(main).then(
    (metrics) => process.stdout.write(JSON.stringify({ results: [{ name: "interrupt", metrics }] }) + "\n"),
    (error: unknown) => {
      process.stderr.write(`interrupt failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
