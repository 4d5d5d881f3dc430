/**
 * Round-trip latency of a prepared one-row `SELECT` (`PreparedStatement.values()`; replay result: INTEGER,
 * VARCHAR(40), DECIMAL(16,2)) against the raw TCP floor over the same loopback.
 *
 * The floor: a recording proxy first observes one prepared execution on the wire — how many request/reply exchanges
 * it takes and their byte sizes — then a bare `node:net` client plays exactly that sequence of message sizes against
 * a ping-pong listener in the same server child process (see `floorListener` in decode-e2e.ts). `ratio_to_floor` =
 * driver latency ÷ floor latency, both medians of repeated runs measured in this run.
 *
 * Tail attribution (`tail_*`): which of the slowest 1% of prepared executions overlapped a GC pause (see
 * `tailAttribution`).
 *
 * Client cost per query (`*_cpu_user_us`, `*_cpu_system_us`, `*_bytes_per_query`): `COST_QUERIES` back-to-back
 * queries (prepared, and through the statement cache), process CPU split into user and system time (the socket
 * syscalls are system time), and the JS heap allocated (`measureAllocation`, decode-e2e.ts); medians of `RUNS` runs.
 * On a loaded machine these are the figures to compare between builds (wall-clock latency mostly measures the load).
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Net from "node:net"
import * as PerfHooks from "node:perf_hooks"
import * as Connection from "../src/Connection.ts"
import { connectionConfig, measureAllocation, ONE_ROW_SQL, type ServerInfo, startServerProcess } from "./decode-e2e.ts"
import { median, nowMs, percentile, round } from "./stats.ts"

const RUNS = Number(process.env["BENCH_ROUNDTRIP_RUNS"] ?? 5)
const SAMPLES = Number(process.env["BENCH_ROUNDTRIP_SAMPLES"] ?? 4000)
const WARMUP = 2000
const COST_QUERIES = Number(process.env["BENCH_ROUNDTRIP_COST_QUERIES"] ?? 20_000)

/** One request/reply pair as observed on the wire. */
export interface ExchangeSize {
  readonly request: number
  readonly reply: number
}

export interface LatencySummary {
  readonly p50Micros: number
  readonly p99Micros: number
}

/**
 * A TCP proxy that records the direction and size of everything it forwards, so the exchanges of one operation can
 * be read back: consecutive client→server bytes form a request, the server→client bytes after it its reply.
 */
const recordingProxy = (target: { readonly host: string; readonly port: number }) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: Net.Server; readonly log: Array<[direction: "up" | "down", bytes: number]> }>(
      (resume) => {
        const log: Array<["up" | "down", number]> = []
        const server = Net.createServer((client) => {
          client.setNoDelay(true)
          const upstream = Net.connect(target.port, target.host)
          upstream.setNoDelay(true)
          client.on("data", (chunk: Buffer) => {
            log.push(["up", chunk.length])
            upstream.write(chunk)
          })
          upstream.on("data", (chunk: Buffer) => {
            log.push(["down", chunk.length])
            client.write(chunk)
          })
          client.on("close", () => upstream.destroy())
          upstream.on("close", () => client.destroy())
          client.on("error", () => upstream.destroy())
          upstream.on("error", () => client.destroy())
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, log })))
      }
    ),
    ({ server }) => Effect.sync(() => server.close())
  )

/** Folds a direction log into request/reply exchanges. */
const toExchanges = (log: ReadonlyArray<readonly ["up" | "down", number]>): Array<ExchangeSize> => {
  const exchanges: Array<{ request: number; reply: number }> = []
  for (const [direction, bytes] of log) {
    const last = exchanges.at(-1)
    if (direction === "up") {
      if (last === undefined || last.reply > 0) exchanges.push({ request: bytes, reply: 0 })
      else last.request += bytes
    } else if (last !== undefined) {
      last.reply += bytes
    }
  }
  return exchanges
}

/** The exchanges of one prepared execution of `sql` (observed after a warm-up, so the statement is prepared). */
export const observeExchanges = (
  info: ServerInfo,
  sql: string
): Effect.Effect<Array<ExchangeSize>, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const proxy = yield* recordingProxy({ host: info.host, port: info.port })
    const port = (proxy.server.address() as Net.AddressInfo).port
    // Explicit settings win over the URL's: same credentials and database, through the proxy's port.
    const conn = yield* Connection.make(connectionConfig(info, { port }))
    const statement = yield* conn.prepare(sql)
    for (let i = 0; i < 10; i++) yield* statement.values()
    proxy.log.length = 0
    yield* statement.values()
    return toExchanges(proxy.log)
  })

/** Latency of `operation`, `RUNS` runs of `SAMPLES` samples after a warm-up: medians of the per-run p50/p99. */
export const measureLatency = <E, R>(
  operation: Effect.Effect<unknown, E, R>,
  options: { readonly runs: number; readonly samples: number; readonly warmup: number }
): Effect.Effect<LatencySummary, E, R> =>
  Effect.gen(function*() {
    for (let i = 0; i < options.warmup; i++) yield* operation
    const p50s: Array<number> = []
    const p99s: Array<number> = []
    for (let run = 0; run < options.runs; run++) {
      const samples: Array<number> = []
      for (let i = 0; i < options.samples; i++) {
        const started = nowMs()
        yield* operation
        samples.push((nowMs() - started) * 1000)
      }
      p50s.push(percentile(samples, 50))
      p99s.push(percentile(samples, 99))
    }
    return { p50Micros: median(p50s), p99Micros: median(p99s) }
  })

/**
 * Runs `effect` while counting garbage collections (PerformanceObserver "gc" entries), to tell GC pauses apart from
 * other causes of tail latency.
 */
export const withGcStats = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<{ readonly value: A; readonly gcCount: number; readonly gcMillis: number }, E, R> =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const stats = { gcCount: 0, gcMillis: 0 }
      const observer = new PerfHooks.PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          stats.gcCount++
          stats.gcMillis += entry.duration
        }
      })
      observer.observe({ entryTypes: ["gc"] })
      return { stats, observer }
    }),
    ({ stats }) => Effect.map(effect, (value) => ({ value, ...stats })),
    ({ observer }) => Effect.sync(() => observer.disconnect())
  )

/**
 * Where the tail comes from: `samples` runs of `operation`, each with its start and end, and every GC pause of the
 * process in that time (PerformanceObserver "gc" entries, delivered after the loop). Reports the share of the
 * slowest 1% of operations that overlapped a GC pause, and p99 over the operations that did not: when GC were the
 * tail, the share would be high and p99 without them far lower; scheduling (a loaded machine, timers, the server
 * process) shows as a low share.
 */
export const tailAttribution = <E, R>(operation: Effect.Effect<unknown, E, R>, samples: number) =>
  Effect.gen(function*() {
    const pauses: Array<{ readonly start: number; readonly end: number }> = []
    const observer = new PerfHooks.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration })
      }
    })
    observer.observe({ entryTypes: ["gc"] })
    const starts = new Float64Array(samples)
    const ends = new Float64Array(samples)
    for (let i = 0; i < samples; i++) {
      starts[i] = PerfHooks.performance.now()
      yield* operation
      ends[i] = PerfHooks.performance.now()
    }
    // The observer's entries arrive asynchronously.
    yield* Effect.sleep("20 millis")
    observer.disconnect()
    const operations = Array.from(starts, (start, i) => ({
      micros: (ends[i]! - start) * 1000,
      duringGc: pauses.some((pause) => pause.start < ends[i]! && pause.end > start)
    }))
    const slowest = operations.toSorted((a, b) => b.micros - a.micros).slice(0, Math.max(1, samples / 100))
    const clean = operations.filter((o) => !o.duringGc).map((o) => o.micros)
    return {
      gcPauses: pauses.length,
      maxPauseMicros: Math.max(0, ...pauses.map((pause) => (pause.end - pause.start) * 1000)),
      slowestOnePercentDuringGc: slowest.filter((o) => o.duringGc).length / slowest.length,
      p99Micros: percentile(operations.map((o) => o.micros), 99),
      p99WithoutGcMicros: percentile(clean, 99)
    }
  })

export interface QueryCost {
  readonly userMicros: number
  readonly systemMicros: number
  readonly bytes: number
}

/** Client CPU (user, system) and heap bytes per run of `operation`: medians of `runs` runs of `count` in a row. */
export const queryCost = <E, R>(
  operation: Effect.Effect<unknown, E, R>,
  options: { readonly runs: number; readonly count: number }
): Effect.Effect<QueryCost, E, R> =>
  Effect.gen(function*() {
    const user: Array<number> = []
    const system: Array<number> = []
    const bytes: Array<number> = []
    for (let run = 0; run < options.runs; run++) {
      const cpu = process.cpuUsage()
      const measured = yield* measureAllocation(Effect.gen(function*() {
        for (let i = 0; i < options.count; i++) yield* operation
      }))
      const used = process.cpuUsage(cpu)
      user.push(used.user / options.count)
      system.push(used.system / options.count)
      bytes.push(measured.allocatedBytes / options.count)
    }
    return { userMicros: median(user), systemMicros: median(system), bytes: median(bytes) }
  })

/** One raw ping-pong client playing `exchanges` once per operation. */
const floorClient = (port: number, exchanges: ReadonlyArray<ExchangeSize>) =>
  Effect.acquireRelease(
    Effect.callback<Net.Socket>((resume) => {
      const socket = Net.connect(port, "127.0.0.1", () => resume(Effect.succeed(socket)))
      socket.setNoDelay(true)
    }),
    (socket) => Effect.sync(() => socket.destroy())
  ).pipe(Effect.map((socket) => {
    const frames = exchanges.map((e) => {
      const frame = Buffer.alloc(Math.max(8, e.request))
      frame.writeUInt32BE(frame.length, 0)
      frame.writeUInt32BE(e.reply, 4)
      return { frame, reply: e.reply }
    })
    let waiting: { remaining: number; done: () => void } | undefined
    socket.on("data", (chunk: Buffer) => {
      if (waiting === undefined) return
      waiting.remaining -= chunk.length
      if (waiting.remaining <= 0) {
        const done = waiting.done
        waiting = undefined
        done()
      }
    })
    const exchange = (index: number, done: () => void): void => {
      const { frame, reply } = frames[index]!
      waiting = {
        remaining: reply,
        done: () => (index + 1 < frames.length ? exchange(index + 1, done) : done())
      }
      socket.write(frame)
    }
    // One operation = the whole exchange sequence, resumed from the socket callback like the driver is.
    return Effect.callback<void>((resume) => exchange(0, () => resume(Effect.void)))
  }))

/** Driver and floor latency for the prepared one-row SELECT. */
export const measureRoundtrip = (info: ServerInfo, options: { readonly runs: number; readonly samples: number }) =>
  Effect.gen(function*() {
    const exchanges = yield* observeExchanges(info, ONE_ROW_SQL)
    process.stdout.write(
      `one prepared execution = ${exchanges.length} exchange(s): ${
        exchanges.map((e) => `${e.request} B → ${e.reply} B`).join(", ")
      }\n`
    )
    const conn = yield* Connection.make(connectionConfig(info))
    const statement = yield* conn.prepare(ONE_ROW_SQL)
    const check = yield* statement.values()
    if (check.length !== 1 || check[0]![0] !== 42) {
      return yield* Effect.fail(new Error(`unexpected one-row result ${JSON.stringify(check)}`))
    }
    const settings = { runs: options.runs, samples: options.samples, warmup: WARMUP }
    const measured = yield* withGcStats(measureLatency(statement.values(), settings))
    const driver = measured.value
    const operations = WARMUP + settings.runs * settings.samples
    const gc = { perThousandOps: (measured.gcCount / operations) * 1000, millis: measured.gcMillis }
    process.stdout.write(
      `driver prepared values(): p50 ${round(driver.p50Micros)} µs, p99 ${
        round(driver.p99Micros)
      } µs; ${measured.gcCount} GCs (${round(measured.gcMillis)} ms) over ${operations} operations\n`
    )
    const tail = yield* tailAttribution(statement.values(), settings.samples * 2)
    process.stdout.write(
      `tail: ${
        round(tail.slowestOnePercentDuringGc * 100)
      } % of the slowest 1% overlapped one of ${tail.gcPauses} GC ` +
        `pauses (max ${round(tail.maxPauseMicros)} µs); p99 ${round(tail.p99Micros)} µs, ` +
        `${round(tail.p99WithoutGcMicros)} µs without them\n`
    )
    const unprepared = yield* measureLatency(conn.values(ONE_ROW_SQL), settings)
    process.stdout.write(
      `driver conn.values(sql) (statement cache): p50 ${round(unprepared.p50Micros)} µs, p99 ${
        round(unprepared.p99Micros)
      } µs\n`
    )
    const floorOperation = yield* floorClient(info.floorPort, exchanges)
    const floor = yield* measureLatency(floorOperation, settings)
    process.stdout.write(`raw TCP floor: p50 ${round(floor.p50Micros)} µs, p99 ${round(floor.p99Micros)} µs\n`)
    const costOptions = { runs: options.runs, count: COST_QUERIES }
    const cost = {
      prepared: yield* queryCost(statement.values(), costOptions),
      cached: yield* queryCost(conn.values(ONE_ROW_SQL), costOptions),
      floor: yield* queryCost(floorOperation, costOptions)
    }
    for (const [name, c] of Object.entries(cost)) {
      process.stdout.write(
        `cost per query, ${name}: CPU ${round(c.userMicros)} µs user + ${round(c.systemMicros)} µs system, ${
          round(c.bytes)
        } B allocated\n`
      )
    }
    return { exchanges, driver, unprepared, floor, gc, tail, cost }
  }).pipe(Effect.scoped)

const main = Effect.gen(function*() {
  const info = yield* startServerProcess(10)
  const result = yield* measureRoundtrip(info, { runs: RUNS, samples: SAMPLES })
  return {
    runs: RUNS,
    samples_per_run: SAMPLES,
    exchanges_per_query: result.exchanges.length,
    request_bytes: result.exchanges.reduce((n, e) => n + e.request, 0),
    reply_bytes: result.exchanges.reduce((n, e) => n + e.reply, 0),
    prepared_p50_us: round(result.driver.p50Micros),
    prepared_p99_us: round(result.driver.p99Micros),
    cached_sql_p50_us: round(result.unprepared.p50Micros),
    cached_sql_p99_us: round(result.unprepared.p99Micros),
    floor_p50_us: round(result.floor.p50Micros),
    floor_p99_us: round(result.floor.p99Micros),
    ratio_to_floor_p50: round(result.driver.p50Micros / result.floor.p50Micros),
    ratio_to_floor_p99: round(result.driver.p99Micros / result.floor.p99Micros),
    prepared_gcs_per_1k_ops: round(result.gc.perThousandOps),
    prepared_gc_ms_total: round(result.gc.millis),
    tail_slowest_1pct_during_gc: round(result.tail.slowestOnePercentDuringGc),
    tail_p99_us: round(result.tail.p99Micros),
    tail_p99_without_gc_us: round(result.tail.p99WithoutGcMicros),
    tail_max_gc_pause_us: round(result.tail.maxPauseMicros),
    prepared_cpu_user_us: round(result.cost.prepared.userMicros),
    prepared_cpu_system_us: round(result.cost.prepared.systemMicros),
    prepared_bytes_per_query: round(result.cost.prepared.bytes),
    cached_sql_cpu_user_us: round(result.cost.cached.userMicros),
    cached_sql_cpu_system_us: round(result.cost.cached.systemMicros),
    cached_sql_bytes_per_query: round(result.cost.cached.bytes),
    floor_cpu_user_us: round(result.cost.floor.userMicros),
    floor_cpu_system_us: round(result.cost.floor.systemMicros)
  }
}).pipe(Effect.scoped)

if (import.meta.main) {
  Effect.runPromise(main).then(
    (metrics) => process.stdout.write(JSON.stringify({ results: [{ name: "roundtrip", metrics }] }) + "\n"),
    (error: unknown) => {
      process.stderr.write(`roundtrip failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
