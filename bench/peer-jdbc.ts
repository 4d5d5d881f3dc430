/**
 * IBM JDBC 15 as the baseline: the same four workloads through IBM's Informix JDBC driver and through ours, against
 * one TestServer child process in replay mode, in the same run, in interleaved rounds (ours, then JDBC, workload by
 * workload, `ROUNDS` times), reporting medians over the rounds:
 *
 * - fetch: the wide 12-column replay result (decode-e2e.ts), `FETCH_ROWS` rows — ours `streamValues`, JDBC
 *   `executeQuery` + `next()` + `getObject` of every column (every value decoded on both sides);
 * - latency: the prepared one-row SELECT — ours `PreparedStatement.values()`, JDBC `PreparedStatement.executeQuery`
 *   + reading the row + closing the result set; p50 and p99 per round from both drivers' samples taken in
 *   alternating blocks (`interleavedLatency`), and from each driver's 3,000 samples in a row (`*_latency_serial_*`);
 * - pool: the one-row SELECT through a pool of 10 sessions — ours `Pool.use` from `POOL_FIBERS` fibers (statement
 *   cache), JDBC `POOL_THREADS` threads over a blocking queue of 10 sessions each with its prepared statement;
 * - client (ours only, against JDBC's pool figures): the same through `InformixClient` over the same pool, as an
 *   application writes it — `` sql`SELECT ...`.values `` (effect/sql's Statement: compile, span, the pool's lease);
 * - batch: `BATCH_ROWS` rows of INSERT (id, name, amount) — JDBC `addBatch`/`executeBatch` every `BATCH_SIZE` rows,
 *   ours `executeMany` on a prepared statement with the same `BATCH_SIZE` rows per call.
 *
 * Client CPU is process CPU of the client alone (the server is another process): `process.cpuUsage()` for ours,
 * `OperatingSystemMXBean.getProcessCpuTime()` for the JVM — both include JIT and GC threads. Allocation: ours from
 * `v8.GCProfiler` (see decode-e2e.ts), JDBC from `ThreadMXBean.getThreadAllocatedBytes` of the threads that ran the
 * workload. Default settings on both sides (4096-byte fetch buffers).
 *
 * The JDBC side is bench/peer/JdbcBench.java, launched as a single-file Java program against the jar that
 * conformance/setup.sh installs (conformance/jdbc/target/lib); nothing is built into the repository. If Java or the
 * jar is missing, its metrics are strings saying why — never a number that was not measured.
 */
import * as Effect from "effect/Effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Stream from "effect/Stream"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Readline from "node:readline"
import * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import * as Pool from "../src/Pool.ts"
import {
  connectionConfig,
  measureAllocation,
  ONE_ROW_SQL,
  type ServerInfo,
  startServerProcess,
  WIDE_SQL
} from "./decode-e2e.ts"
import { median, nowMs, percentile, round } from "./stats.ts"

const ROUNDS = Number(process.env["BENCH_JDBC_ROUNDS"] ?? 3)
const FETCH_ROWS = Number(process.env["BENCH_JDBC_ROWS"] ?? 200_000)
const SAMPLES = Number(process.env["BENCH_JDBC_SAMPLES"] ?? 3000)
/** Samples per block of the interleaved latency measurement (`interleavedLatency`). */
const LATENCY_BLOCK = Number(process.env["BENCH_JDBC_LATENCY_BLOCK"] ?? 100)
/**
 * Milliseconds of quiet before each block, so that no block starts while the other driver's process is still busy
 * with its last one. Without it, on our 2-core virtual machine, JDBC's blocks (each right after one of ours) ran at a
 * p50 of 290 µs and ours (right after JDBC's) at 41–44 µs in two rounds of three; with 50 or 200 ms both ran as in
 * the first round (ours 38–47 µs, JDBC 69–82 µs).
 */
const LATENCY_SETTLE_MS = Number(process.env["BENCH_JDBC_LATENCY_SETTLE_MS"] ?? 50)
const POOL_OPS = Number(process.env["BENCH_JDBC_POOL_OPS"] ?? 20_000)
const POOL_FIBERS = Number(process.env["BENCH_JDBC_POOL_FIBERS"] ?? 100)
const POOL_THREADS = Number(process.env["BENCH_JDBC_POOL_THREADS"] ?? 10)
const BATCH_ROWS = Number(process.env["BENCH_JDBC_BATCH_ROWS"] ?? 2000)
/**
 * `BENCH_JDBC_OPTOFC=1` runs IBM JDBC with its `OPTOFC=1` property (not its default): the server then closes a
 * cursor at its last row for JDBC too, as it does for ours, whose session asks for OPTOFC by default.
 */
const JDBC_OPTOFC = process.env["BENCH_JDBC_OPTOFC"] === "1"
const BATCH_SIZE = 1000
const POOL_SIZE = 10

const jdbcLib = Path.join(import.meta.dirname, "..", "conformance", "jdbc", "target", "lib")
const jdbcProgram = Path.join(import.meta.dirname, "peer", "JdbcBench.java")

/** One measured workload run, from either side. */
interface Sample {
  readonly seconds: number
  readonly cpuSeconds: number
  readonly allocatedBytes: number
  /** Rows (fetch, batch) or queries (latency, pool) in this run. */
  readonly units: number
  readonly p50Micros?: number
  readonly p99Micros?: number
}

type Workload = "fetch" | "latency" | "pool" | "client" | "batch"

// ---------------------------------------------------------------------------------------------------------------
// Our side
// ---------------------------------------------------------------------------------------------------------------

const cpuSecondsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1e6
}

/** Wall time, process CPU and heap allocation of `effect`, which returns how many units it did. */
const meter = <E, R>(effect: Effect.Effect<{ units: number; p50Micros?: number; p99Micros?: number }, E, R>) =>
  Effect.gen(function*() {
    const cpu = process.cpuUsage()
    const measured = yield* measureAllocation(effect)
    return {
      seconds: measured.millis / 1000,
      cpuSeconds: cpuSecondsSince(cpu),
      allocatedBytes: measured.allocatedBytes,
      ...measured.value
    } satisfies Sample
  })

const ourSide = (info: ServerInfo) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make(connectionConfig(info))
    const statement = yield* conn.prepare(ONE_ROW_SQL)
    const pool = yield* Pool.make({ url: info.url, maxConnections: POOL_SIZE, acquireTimeout: "10 minutes" })
    const poolQuery = pool.use((session) => session.values(ONE_ROW_SQL))
    const sql = yield* InformixClient.fromPool(pool, { url: info.url }).pipe(Effect.provide(Reactivity.layer))
    const clientQuery = Effect.suspend(() => sql`SELECT id, name, amount FROM bench_one`.values)
    let batchTable = 0

    const fetch = meter(Effect.gen(function*() {
      const rows = yield* Stream.runFold(conn.streamValues(WIDE_SQL), () => 0, (n) => n + 1)
      if (rows !== FETCH_ROWS) return yield* Effect.fail(new Error(`fetched ${rows} rows, expected ${FETCH_ROWS}`))
      return { units: rows }
    }))

    const timed = (samples: number) =>
      Effect.gen(function*() {
        const micros: Array<number> = []
        for (let i = 0; i < samples; i++) {
          const started = nowMs()
          yield* statement.values()
          micros.push((nowMs() - started) * 1000)
        }
        return micros
      })
    // A block of the interleaved measurement starts after the other driver's block: one untimed query first.
    const latencyBlock = (samples: number) => Effect.andThen(statement.values(), timed(samples))
    const latency = meter(Effect.map(timed(SAMPLES), (micros) => ({
      units: SAMPLES,
      p50Micros: percentile(micros, 50),
      p99Micros: percentile(micros, 99)
    })))

    const pooledWith = (query: Effect.Effect<unknown, unknown>) =>
      meter(Effect.gen(function*() {
        let next = 0
        const worker = Effect.gen(function*() {
          while (next++ < POOL_OPS) yield* query
        })
        yield* Effect.all(Array.from({ length: POOL_FIBERS }, () => worker), {
          concurrency: "unbounded",
          discard: true
        })
        return { units: POOL_OPS }
      }))
    const pooled = pooledWith(poolQuery)
    const client = pooledWith(clientQuery)

    const batch = Effect.gen(function*() {
      const table = `ours_batch_${batchTable++}`
      yield* conn.execute(`CREATE TABLE ${table} (id INTEGER, name VARCHAR(40), amount DECIMAL(16,2))`)
      const sample = yield* Effect.scoped(Effect.gen(function*() {
        const insert = yield* conn.prepare(`INSERT INTO ${table} VALUES (?, ?, ?)`)
        return yield* meter(Effect.gen(function*() {
          for (let first = 1; first <= BATCH_ROWS; first += BATCH_SIZE) {
            const rows = Array.from(
              { length: Math.min(BATCH_SIZE, BATCH_ROWS - first + 1) },
              (_, i) => [first + i, `name ${first + i}`, (((first + i) * 125) / 100).toFixed(2)]
            )
            yield* insert.executeMany(rows)
          }
          return { units: BATCH_ROWS }
        }))
      }))
      yield* conn.execute(`DROP TABLE ${table}`)
      return sample
    })

    // Warm-up: JIT, statement caches, every pool session open.
    yield* fetch
    yield* meter(Effect.as(Effect.repeat(statement.values(), { times: 1000 }), { units: 0 }))
    yield* pooled
    yield* client
    const runs = { fetch, latency, pool: pooled, client, batch } satisfies Record<
      Workload,
      Effect.Effect<Sample, unknown>
    >
    return { runs, latencyBlock }
  })

// ---------------------------------------------------------------------------------------------------------------
// The JDBC side (bench/peer/JdbcBench.java, a long-lived child answering one command per line)
// ---------------------------------------------------------------------------------------------------------------

interface JdbcPeer {
  readonly driver: string
  readonly command: (line: string) => Effect.Effect<Record<string, unknown>, Error>
}

const jdbcUrl = (info: ServerInfo) =>
  `jdbc:informix-sqli://${info.host}:${info.port}/${info.database}:INFORMIXSERVER=${info.serverName};` +
  `user=${info.user};password=${info.password}${JDBC_OPTOFC ? ";OPTOFC=1" : ""}`

/** Starts the JDBC child, or says why it cannot run. Stopped (stdin closed, then killed by handle) with the scope. */
const startJdbc = (info: ServerInfo) =>
  Effect.acquireRelease(
    Effect.callback<{ child: ChildProcess.ChildProcess; peer: JdbcPeer } | string>((resume) => {
      const jar = Fs.existsSync(jdbcLib) && Fs.readdirSync(jdbcLib).some((name) => /^jdbc-.*\.jar$/.test(name))
      if (!jar) return resume(Effect.succeed("not run: IBM JDBC jar missing (run conformance/setup.sh)"))
      const child = ChildProcess.spawn("java", [
        "-cp",
        Path.join(jdbcLib, "*"),
        jdbcProgram,
        jdbcUrl(info)
      ], { stdio: ["pipe", "pipe", "inherit"] })
      const lines = Readline.createInterface({ input: child.stdout! })
      const waiting: Array<(line: string) => void> = []
      lines.on("line", (line) => waiting.shift()?.(line))
      child.once("error", (error) => resume(Effect.succeed(`not run: ${error.message}`)))
      child.once("exit", (code) => {
        for (const waiter of waiting.splice(0)) waiter(JSON.stringify({ error: `JDBC child exited with ${code}` }))
      })
      const nextLine = Effect.callback<Record<string, unknown>, Error>((resumeLine) => {
        waiting.push((line) => {
          const json = JSON.parse(line) as Record<string, unknown>
          resumeLine(
            typeof json["error"] === "string" ? Effect.fail(new Error(json["error"])) : Effect.succeed(json)
          )
        })
      })
      waiting.push((line) => {
        const json = JSON.parse(line) as Record<string, unknown>
        if (json["ready"] !== true) return resume(Effect.succeed(`failed: ${line}`))
        resume(Effect.succeed({
          child,
          peer: {
            driver: String(json["driver"]),
            command: (command) => Effect.andThen(Effect.sync(() => child.stdin!.write(command + "\n")), nextLine)
          }
        }))
      })
    }),
    (started) =>
      typeof started === "string" ? Effect.void : Effect.callback<void>((resume) => {
        const { child } = started
        if (child.exitCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.stdin?.end()
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref()
      })
  ).pipe(Effect.map((started) => (typeof started === "string" ? started : started.peer)))

const jdbcSample = (json: Record<string, unknown>, units: number): Sample => ({
  seconds: Number(json["seconds"]),
  cpuSeconds: Number(json["cpu_seconds"]),
  allocatedBytes: Number(json["allocated_bytes"]),
  units,
  ...(json["p50_us"] === undefined ? {} : { p50Micros: Number(json["p50_us"]), p99Micros: Number(json["p99_us"]) })
})

const jdbcSide = (peer: JdbcPeer) => {
  let batchTable = 0
  const runs: Record<Exclude<Workload, "client">, Effect.Effect<Sample, Error>> = {
    fetch: Effect.map(peer.command(`fetch ${FETCH_ROWS} ${WIDE_SQL}`), (json) => jdbcSample(json, FETCH_ROWS)),
    latency: Effect.map(peer.command(`latency ${SAMPLES} ${ONE_ROW_SQL}`), (json) => jdbcSample(json, SAMPLES)),
    pool: Effect.map(
      peer.command(`pool ${POOL_THREADS} ${POOL_OPS} ${ONE_ROW_SQL}`),
      (json) => jdbcSample(json, POOL_OPS)
    ),
    batch: Effect.suspend(() =>
      Effect.map(
        peer.command(`batch ${BATCH_ROWS} ${BATCH_SIZE} jdbc_batch_${batchTable++}`),
        (json) => jdbcSample(json, BATCH_ROWS)
      )
    )
  }
  const latencyBlock = (samples: number) =>
    Effect.map(peer.command(`latencyBlock ${samples} ${ONE_ROW_SQL}`), (json) => json["micros"] as Array<number>)
  return { runs, latencyBlock }
}

/**
 * Both drivers' one-row latency in alternating blocks of `LATENCY_BLOCK` samples (ours first in even blocks, JDBC
 * first in odd ones; each block after one untimed query, as its driver has just been idle), `SAMPLES` samples each,
 * the percentiles of the round taken over each driver's samples together. On our virtual machine the round trip has
 * slow spells (waits of 1–7 ms while neither process is busy, in bursts over tens to hundreds of milliseconds), and a
 * driver that ran its 3,000 samples in one go (the `latency` workload, reported as `*_latency_serial_*`) got or
 * missed a burst by chance; in blocks, both drivers sample the same stretches of time.
 */
interface Percentiles {
  readonly p50: number
  readonly p99: number
}

const percentilesOf = (micros: ReadonlyArray<number>): Percentiles => ({
  p50: percentile(micros, 50),
  p99: percentile(micros, 99)
})

const settled = <A, E>(block: Effect.Effect<A, E>) => Effect.andThen(Effect.sleep(LATENCY_SETTLE_MS), block)

const interleavedLatency = (
  ours: (samples: number) => Effect.Effect<Array<number>, unknown>,
  theirs: ((samples: number) => Effect.Effect<Array<number>, unknown>) | undefined
) =>
  Effect.gen(function*() {
    const mine: Array<number> = []
    const jdbc: Array<number> = []
    for (let block = 0; block * LATENCY_BLOCK < SAMPLES; block++) {
      const size = Math.min(LATENCY_BLOCK, SAMPLES - block * LATENCY_BLOCK)
      if (theirs !== undefined && block % 2 === 1) jdbc.push(...(yield* settled(theirs(size))))
      mine.push(...(yield* settled(ours(size))))
      if (theirs !== undefined && block % 2 === 0) jdbc.push(...(yield* settled(theirs(size))))
    }
    return { ours: mine, jdbc }
  })

// ---------------------------------------------------------------------------------------------------------------
// Rounds and the report
// ---------------------------------------------------------------------------------------------------------------

const summarise = (prefix: string, workload: Workload, samples: ReadonlyArray<Sample>) => {
  const per = (f: (s: Sample) => number) => median(samples.map(f))
  const [unit, units] = workload === "fetch" || workload === "batch" ? ["row", "rows"] : ["query", "queries"]
  const metrics: Record<string, number> = {
    [`${prefix}_${workload}_${units}_per_s`]: round(per((s) => s.units / s.seconds)),
    [`${prefix}_${workload}_cpu_us_per_${unit}`]: round(per((s) => (s.cpuSeconds / s.units) * 1e6)),
    [`${prefix}_${workload}_client_cores`]: round(per((s) => s.cpuSeconds / s.seconds)),
    [`${prefix}_${workload}_alloc_bytes_per_${unit}`]: round(per((s) => s.allocatedBytes / s.units))
  }
  if (workload === "latency") {
    // The percentiles of the latency workload's own 3,000 samples in a row; the target figures are the
    // interleaved ones (`interleavedLatency`).
    metrics[`${prefix}_latency_serial_p50_us`] = round(per((s) => s.p50Micros ?? Number.NaN))
    metrics[`${prefix}_latency_serial_p99_us`] = round(per((s) => s.p99Micros ?? Number.NaN))
  }
  return metrics
}

const workloads: ReadonlyArray<Workload> = ["fetch", "latency", "pool", "client", "batch"]

const main = Effect.gen(function*() {
  process.stdout.write(`starting the server child (${FETCH_ROWS} replay rows)\n`)
  const info = yield* startServerProcess(FETCH_ROWS)
  const { latencyBlock, runs: ours } = yield* ourSide(info)
  const jdbc = yield* startJdbc(info)
  const jdbcSides = typeof jdbc === "string" ? undefined : jdbcSide(jdbc)
  const jdbcRuns = jdbcSides?.runs
  if (jdbcRuns !== undefined) {
    // JDBC warm-up, as ours above.
    yield* jdbcRuns.fetch
    yield* jdbcRuns.latency
    yield* jdbcRuns.pool
  }
  const samples = { ours: new Map<Workload, Array<Sample>>(), jdbc: new Map<Workload, Array<Sample>>() }
  const interleaved = { ours: [] as Array<Percentiles>, jdbc: [] as Array<Percentiles> }
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    const both = yield* interleavedLatency(latencyBlock, jdbcSides?.latencyBlock)
    const mine = percentilesOf(both.ours)
    const theirs = percentilesOf(both.jdbc)
    interleaved.ours.push(mine)
    interleaved.jdbc.push(theirs)
    process.stdout.write(
      `round ${round_} latency, interleaved: ours p50/p99 ${round(mine.p50)}/${round(mine.p99)} µs` +
        (jdbcSides === undefined ? "\n" : `, jdbc ${round(theirs.p50)}/${round(theirs.p99)} µs\n`)
    )
    for (const workload of workloads) {
      const mine = yield* ours[workload]
      samples.ours.set(workload, [...(samples.ours.get(workload) ?? []), mine])
      let line = `round ${round_} ${workload}: ours ${round(mine.units / mine.seconds)}/s`
      if (jdbcRuns !== undefined && workload !== "client") {
        const theirs = yield* jdbcRuns[workload]
        samples.jdbc.set(workload, [...(samples.jdbc.get(workload) ?? []), theirs])
        line += `, jdbc ${round(theirs.units / theirs.seconds)}/s`
      }
      process.stdout.write(line + "\n")
    }
  }
  const metrics: Record<string, number | string> = {
    rounds: ROUNDS,
    fetch_rows: FETCH_ROWS,
    latency_samples: SAMPLES,
    pool_ops: POOL_OPS,
    pool_fibers_ours: POOL_FIBERS,
    pool_threads_jdbc: POOL_THREADS,
    batch_rows: BATCH_ROWS,
    jdbc_driver: typeof jdbc === "string" ? jdbc : jdbc.driver,
    jdbc_optofc: JDBC_OPTOFC ? 1 : 0
  }
  const percentiles = (prefix: string, rounds: ReadonlyArray<Percentiles>) => {
    metrics[`${prefix}_latency_p50_us`] = round(median(rounds.map((r) => r.p50)))
    metrics[`${prefix}_latency_p99_us`] = round(median(rounds.map((r) => r.p99)))
  }
  for (const workload of workloads) Object.assign(metrics, summarise("ours", workload, samples.ours.get(workload)!))
  percentiles("ours", interleaved.ours)
  if (jdbcRuns !== undefined) {
    for (const workload of workloads) {
      if (workload !== "client") Object.assign(metrics, summarise("jdbc", workload, samples.jdbc.get(workload)!))
    }
    percentiles("jdbc", interleaved.jdbc)
    const ratio = (a: string, b: string) => round(Number(metrics[a]) / Number(metrics[b]))
    metrics["fetch_ours_over_jdbc"] = ratio("ours_fetch_rows_per_s", "jdbc_fetch_rows_per_s")
    metrics["latency_p50_ours_over_jdbc"] = ratio("ours_latency_p50_us", "jdbc_latency_p50_us")
    metrics["latency_p99_ours_over_jdbc"] = ratio("ours_latency_p99_us", "jdbc_latency_p99_us")
    metrics["latency_serial_p50_ours_over_jdbc"] = ratio("ours_latency_serial_p50_us", "jdbc_latency_serial_p50_us")
    metrics["latency_serial_p99_ours_over_jdbc"] = ratio("ours_latency_serial_p99_us", "jdbc_latency_serial_p99_us")
    metrics["pool_qps_ours_over_jdbc"] = ratio("ours_pool_queries_per_s", "jdbc_pool_queries_per_s")
    metrics["pool_cpu_ours_over_jdbc"] = ratio("ours_pool_cpu_us_per_query", "jdbc_pool_cpu_us_per_query")
    metrics["client_qps_ours_over_jdbc_pool"] = ratio("ours_client_queries_per_s", "jdbc_pool_queries_per_s")
    metrics["client_cpu_ours_over_jdbc_pool"] = ratio("ours_client_cpu_us_per_query", "jdbc_pool_cpu_us_per_query")
    metrics["batch_ours_over_jdbc"] = ratio("ours_batch_rows_per_s", "jdbc_batch_rows_per_s")
  }
  return metrics
}).pipe(Effect.scoped)

if (import.meta.main) {
  Effect.runPromise(main).then(
    (metrics) => process.stdout.write(JSON.stringify({ results: [{ name: "peer-jdbc", metrics }] }) + "\n"),
    (error: unknown) => {
      process.stderr.write(`peer-jdbc failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
