/**
 * Pool load run: throughput and latency percentiles of a one-row query (`PreparedStatement`-style replay result:
 * INTEGER, VARCHAR(40), DECIMAL(16,2)) through `Pool.use` with 10 sessions, at 1, 100, 1,000 and 10,000 concurrent
 * fibers, against a TestServer in a child process (so the server does not share this event loop).
 *
 * Baseline, measured in the same run: one `Connection` without a pool, one query after another. `c1_ratio_to_direct`
 * = pooled throughput at concurrency 1 ÷ direct throughput: the cost of checkout, hygiene and metrics per query.
 *
 * Latency is per query from the call to `pool.use` to its end, so at high concurrency it is mostly time spent
 * waiting for a session (10 sessions serve 10,000 fibers). Every figure is the median of `RUNS` runs. At 10,000
 * fibers the heap is also reported: in use after a full GC before the runs and after each run (flat when nothing
 * stays behind per fiber), and the peak sampled every 20 ms while the fibers are in flight.
 *
 * Pool overhead alone, also measured here: checkouts per second through `Pool.use` over fake sessions (no I/O), and
 * the same through effect's bare `Pool.makeWithTTL` + `Pool.use`; `overhead_ratio` = bare ÷ ours (how many times
 * slower a checkout with hygiene, checks and metrics is than effect's pool alone).
 *
 * Prints one JSON line: `{ results: [{ name: "pool", metrics }] }` (see run.ts).
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as EffectPool from "effect/Pool"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as Pool from "../src/Pool.ts"
import { ONE_ROW_SQL, startServerProcess } from "./decode-e2e.ts"
import { median, nowMs, percentile, round } from "./stats.ts"

const RUNS = Number(process.env["BENCH_POOL_RUNS"] ?? 3)
const CONCURRENCY = [1, 100, 1_000, 10_000] as const
const MAX_CONNECTIONS = 10
/** Queries per run at each concurrency (each fiber runs its share one after another). */
const opsFor = (concurrency: number) => Math.max(concurrency, concurrency === 1 ? 3_000 : 20_000)

interface RunResult {
  readonly opsPerSecond: number
  readonly p50Millis: number
  readonly p99Millis: number
}

const measure = (operations: number, concurrency: number, query: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    const latencies = new Float64Array(operations)
    let next = 0
    const worker = Effect.gen(function*() {
      while (next < operations) {
        const index = next++
        const start = nowMs()
        yield* query
        latencies[index] = nowMs() - start
      }
    })
    const started = nowMs()
    yield* Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency: "unbounded", discard: true })
    const elapsed = nowMs() - started
    const samples = Array.from(latencies)
    return {
      opsPerSecond: operations / (elapsed / 1000),
      p50Millis: percentile(samples, 50),
      p99Millis: percentile(samples, 99)
    } satisfies RunResult
  })

const medianOf = (runs: ReadonlyArray<RunResult>): RunResult => ({
  opsPerSecond: median(runs.map((run) => run.opsPerSecond)),
  p50Millis: median(runs.map((run) => run.p50Millis)),
  p99Millis: median(runs.map((run) => run.p99Millis))
})

/**
 * A session that never touches the network: enough for the pool to lease, check and return it. Its queries answer
 * no rows through `reply` (at once by default; bench/layers.ts answers on a later event-loop turn).
 */
export const fakeSession = (
  reply: <A>(value: A) => Effect.Effect<A> = Effect.succeed
): Connection.Connection => ({
  [Connection.TypeId]: Connection.TypeId,
  readOnly: false,
  database: undefined,
  databaseInfo: {
    database: undefined,
    logged: false,
    ansi: false,
    readOnly: false,
    localeMismatch: false,
    openWarnings: 0,
    loginWarnings: 0
  },
  host: "fake",
  port: 0,
  state: "idle",
  awaitSettled: Effect.void,
  inTransaction: false,
  changedSettings: new Set(),
  resetSession: Effect.succeed(true),
  serverInterruptSupported: false,
  serverVersion: undefined,
  deadWith: undefined,
  onRetire: () => () => true,
  query: () => reply([]),
  values: () => reply([]),
  queryWithColumns: () => Effect.succeed({ columns: [], rows: [] }),
  execute: () => Effect.succeed({ rowsAffected: 0 }),
  stream: () => Stream.empty,
  streamValues: () => Stream.empty,
  executeMany: () => Effect.die("unused"),
  scroll: () => Effect.die("unused"),
  prepare: () => Effect.die("unused"),
  createSmartLob: () => Effect.die("unused"),
  readSmartLob: () => Stream.die("unused"),
  streamBlob: () => Stream.die("unused"),
  readClobText: () => Effect.die("unused"),
  transaction: (effect) => effect,
  close: Effect.void
})

/** Heap in use (MiB) after a full GC (bench/run.ts starts the scripts with --expose-gc). */
const settledHeapMiB = (): number => {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed / 2 ** 20
}

const CHECKOUTS = 200_000

/** Checkouts per second of our pool and of effect's bare pool, over fake sessions. */
const overhead = (concurrency: number) =>
  Effect.scoped(Effect.gen(function*() {
    const ours = yield* Pool.makeWith({ acquire: Effect.sync(() => fakeSession()), maxConnections: MAX_CONNECTIONS })
    const bare = yield* EffectPool.makeWithTTL({
      acquire: Effect.sync(() => fakeSession()),
      min: 0,
      max: MAX_CONNECTIONS,
      timeToLive: "60 seconds"
    })
    const oursRuns: Array<number> = []
    const bareRuns: Array<number> = []
    for (let run = 0; run < RUNS; run++) {
      oursRuns.push((yield* measure(CHECKOUTS, concurrency, ours.use(() => Effect.void))).opsPerSecond)
      bareRuns.push((yield* measure(CHECKOUTS, concurrency, EffectPool.use(bare, () => Effect.void))).opsPerSecond)
    }
    return { ours: median(oursRuns), bare: median(bareRuns) }
  }))

const main = Effect.gen(function*() {
  const metrics: Record<string, number | string> = { max_connections: MAX_CONNECTIONS, runs: RUNS }
  for (const concurrency of [1, 1_000]) {
    const result = yield* overhead(concurrency)
    metrics[`fake_c${concurrency}_checkouts_per_s`] = round(result.ours)
    metrics[`fake_c${concurrency}_bare_effect_pool_per_s`] = round(result.bare)
    metrics[`fake_c${concurrency}_overhead_ratio`] = round(result.bare / result.ours)
  }
  const info = yield* startServerProcess(10)

  // Baseline: one session, no pool.
  const direct = yield* Effect.scoped(Effect.gen(function*() {
    const connection = yield* Connection.make(info.url)
    const query = connection.values(ONE_ROW_SQL)
    yield* measure(500, 1, query) // warm-up: statement cache, JIT
    const runs: Array<RunResult> = []
    for (let run = 0; run < RUNS; run++) runs.push(yield* measure(opsFor(1), 1, query))
    return medianOf(runs)
  }))
  metrics["direct_ops_per_s"] = round(direct.opsPerSecond)
  metrics["direct_p50_ms"] = round(direct.p50Millis)
  metrics["direct_p99_ms"] = round(direct.p99Millis)

  const scope = yield* Scope.make()
  const pool = yield* Pool.make({ url: info.url, maxConnections: MAX_CONNECTIONS, acquireTimeout: "10 minutes" })
    .pipe(Scope.provide(scope))
  const query = pool.use((connection) => connection.values(ONE_ROW_SQL))
  yield* measure(2_000, MAX_CONNECTIONS, query) // warm-up: open every session, fill their statement caches
  for (const concurrency of CONCURRENCY) {
    const runs: Array<RunResult> = []
    const heapAfter: Array<number> = []
    let peak = 0
    const baseline = settledHeapMiB()
    for (let run = 0; run < RUNS; run++) {
      // Heap in use sampled while the fibers are in flight (peak), and after each run once garbage is collected: a
      // run that leaves something behind per fiber shows as growth from run to run.
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20)), 20)
      runs.push(yield* measure(opsFor(concurrency), concurrency, query))
      clearInterval(sampler)
      heapAfter.push(settledHeapMiB())
    }
    if (concurrency === 10_000) {
      metrics["c10000_heap_before_mib"] = round(baseline)
      metrics["c10000_heap_peak_mib"] = round(peak)
      metrics["c10000_heap_after_runs_mib"] = heapAfter.map((mib) => round(mib)).join(" / ")
      metrics["c10000_heap_growth_mib"] = round(heapAfter[heapAfter.length - 1]! - baseline)
    }
    const result = medianOf(runs)
    metrics[`c${concurrency}_ops_per_s`] = round(result.opsPerSecond)
    metrics[`c${concurrency}_p50_ms`] = round(result.p50Millis)
    metrics[`c${concurrency}_p99_ms`] = round(result.p99Millis)
    process.stdout.write(
      `concurrency ${concurrency}: ${round(result.opsPerSecond)} ops/s, p50 ${round(result.p50Millis)} ms, ` +
        `p99 ${round(result.p99Millis)} ms\n`
    )
  }
  metrics["c1_ratio_to_direct"] = round(Number(metrics["c1_ops_per_s"]) / direct.opsPerSecond)
  const stats = yield* pool.stats
  metrics["sessions_opened"] = stats.opened
  metrics["sessions_retired"] = stats.retired
  yield* Scope.close(scope, Exit.void)
  return metrics
}).pipe(Effect.scoped)

if (import.meta.main) {
  Effect.runPromise(main).then(
    (metrics) => {
      process.stdout.write(JSON.stringify({ results: [{ name: "pool", metrics }] }) + "\n")
    },
    (error: unknown) => {
      process.stderr.write(`pool benchmark failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
