/**
 * End-to-end decode throughput: a wide mixed-type result (1,000,000 rows by default) streamed from a TestServer in
 * replay mode through `Connection.streamValues` / `Connection.stream` (rows keyed by name) and `Connection.values`
 * (one array of all rows), over loopback TCP.
 *
 * The TestServer runs in a child process (`--serve`), so the measured process holds only the client: its CPU time
 * and its allocations are the driver's alone, and on a 2-core machine server and client each get a core.
 *
 * Baseline measured in the same run: the pure row codec (`decodeRowValues`) over the same pre-encoded SQ_TUPLE
 * payloads, laid out as views of 64 KiB buffers like the socket's chunks (`asChunkViews`), in-process without
 * sockets. `ratio_to_codec` = end-to-end rows/s ÷ codec rows/s (1.0 would mean the
 * socket, framing, cursor round trips and Stream cost nothing). `codec_rows_per_cpu_s` and `<mode>_cpu_us_per_row`
 * divide by this process's CPU time instead of wall time: on a machine shared with other work they move far less.
 *
 * Bytes allocated per row: V8 has no allocation counter, so the method is `v8.GCProfiler` — the heap used just
 * before each GC minus the heap used just after the previous one is what was allocated in between; the sum over a
 * run (plus the growth after the last GC) is the run's allocation, divided by its row count. It counts every JS
 * heap allocation of the process during the run (driver, Effect runtime, Node's socket buffers on the JS heap), not
 * off-heap Buffer backing stores larger than V8's on-heap threshold. The process is started with `--expose-gc`
 * (bench/run.ts does) so a full GC before each run gives a clean starting point.
 *
 * This module also exports the shared workload (the wide replay table, the one-row statement, the server child
 * process and the raw TCP floor listener) used by roundtrip.ts, interrupt.ts and peer-python.ts.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as ChildProcess from "node:child_process"
import * as Net from "node:net"
import * as Readline from "node:readline"
import * as V8 from "node:v8"
import * as Connection from "../src/Connection.ts"
import { DateTime, LocalDate, Qualifier } from "../src/InformixValue.ts"
import type { Value } from "../src/InformixValue.ts"
import { latin1Charset } from "../src/internal/values/charset.ts"
import { isCodecFailure } from "../src/internal/values/CodecFailure.ts"
import { decodeRowValues, encodeRow, prepareColumns } from "../src/internal/values/row.ts"
import * as TestServer from "../src/TestServer.ts"
import { asChunkViews } from "./payloadLayout.ts"
import { median, nowMs, round } from "./stats.ts"

// ---------------------------------------------------------------------------------------------------------------
// Shared workload
// ---------------------------------------------------------------------------------------------------------------

/** The wide result's SQL text (served by replay; no table exists). */
export const WIDE_SQL = "SELECT * FROM bench_wide"

/** A one-row result for round-trip latency. */
export const ONE_ROW_SQL = "SELECT id, name, amount FROM bench_one"

const fraction3 = new Qualifier("YEAR", "FRACTION", { fractionDigits: 3 })
const BOOLEAN_UDT = { columnType: 41, extendedId: 5, extendedName: "boolean" } as const

/**
 * INTEGER NOT NULL, BIGINT, DECIMAL(16,2), VARCHAR(40), DATE, DATETIME YEAR TO FRACTION(3), FLOAT, CHAR(10),
 * SMALLINT, BOOLEAN, SMALLFLOAT, MONEY(12,2) — the shape of a typical business table.
 */
export const wideColumns: ReadonlyArray<TestServer.ReplayColumn> = [
  { name: "id", columnType: 2 | 0x100, encodedLength: 4 },
  { name: "big", columnType: 52, encodedLength: 8 },
  { name: "amount", columnType: 5, encodedLength: (16 << 8) | 2 },
  { name: "name", columnType: 13, encodedLength: 40 },
  { name: "day", columnType: 7, encodedLength: 4 },
  { name: "stamp", columnType: 10, encodedLength: fraction3.encoded },
  { name: "ratio", columnType: 3, encodedLength: 8 },
  { name: "code", columnType: 0, encodedLength: 10 },
  { name: "small", columnType: 1, encodedLength: 2 },
  { name: "flag", encodedLength: 1, ...BOOLEAN_UDT },
  { name: "weight", columnType: 4, encodedLength: 4 },
  { name: "price", columnType: 8, encodedLength: (12 << 8) | 2 }
]

const baseMillis = Date.UTC(2024, 0, 1)

/** Row `i` of the wide result; every 10th row has NULLs in the nullable columns. */
export const wideRow = (i: number): ReadonlyArray<Value> => {
  const nulls = i % 10 === 9
  return [
    i,
    nulls ? null : BigInt(i) * 1_000_003n,
    nulls ? null : BigDecimal.fromStringUnsafe(`${i % 100000}.${String(i % 100).padStart(2, "0")}`),
    nulls ? null : `customer name ${i} ${"x".repeat(i % 20)}`,
    nulls ? null : LocalDate.fromDayNumber(45000 + (i % 3650)),
    nulls ? null : DateTime.fromDate(new Date(baseMillis + i * 1_237), fraction3),
    nulls ? null : i / 7,
    nulls ? null : `C${i % 1000}`,
    nulls ? null : i % 32000,
    nulls ? null : i % 2 === 0,
    nulls ? null : (i % 1000) / 4,
    nulls ? null : BigDecimal.fromStringUnsafe(`${i % 1000}.99`)
  ]
}

export const oneRowColumns: ReadonlyArray<TestServer.ReplayColumn> = [
  { name: "id", columnType: 2 | 0x100, encodedLength: 4 },
  { name: "name", columnType: 13, encodedLength: 40 },
  { name: "amount", columnType: 5, encodedLength: (16 << 8) | 2 }
]

export const oneRow: ReadonlyArray<Value> = [42, "the answer", BigDecimal.fromStringUnsafe("1234.56")]

/** What the server child reports on its first stdout line. */
export interface ServerInfo {
  readonly host: string
  readonly port: number
  /** The raw ping-pong listener for round-trip floors (see `floorListener`). */
  readonly floorPort: number
  readonly user: string
  readonly password: string
  readonly database: string
  readonly serverName: string
  readonly url: string
  readonly stallSql: string
  readonly wideRows: number
}

/**
 * Raw TCP ping-pong: the client sends frames `[u32 request length][u32 reply length][padding to request length]`;
 * the server answers each complete frame with `reply length` bytes. Nothing is parsed beyond that, so a round trip
 * of the same sizes as an SQLI exchange costs only the sockets and the event loop — the floor.
 */
const floorListener = (): Promise<Net.Server> =>
  new Promise((resolve) => {
    const server = Net.createServer((socket) => {
      socket.setNoDelay(true)
      let pending: Buffer = Buffer.alloc(0)
      socket.on("data", (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
        while (pending.length >= 8) {
          const requestLength = pending.readUInt32BE(0)
          if (pending.length < requestLength) break
          const replyLength = pending.readUInt32BE(4)
          pending = pending.subarray(requestLength)
          socket.write(Buffer.alloc(replyLength, 0x2a))
        }
      })
      socket.on("error", () => socket.destroy())
    })
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

/** Body of the `--serve <rows>` child: TestServer with the replay entries, plus the floor listener. */
const serve = (wideRows: number) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make({
      replay: [
        { sql: WIDE_SQL, columns: wideColumns, rows: { count: wideRows, row: wideRow } },
        { sql: ONE_ROW_SQL, columns: oneRowColumns, rows: [oneRow] }
      ]
    })
    const floor = yield* Effect.acquireRelease(
      Effect.promise(floorListener),
      (s) => Effect.sync(() => s.close())
    )
    const address = floor.address() as Net.AddressInfo
    const info: ServerInfo = {
      host: server.host,
      port: server.port,
      floorPort: address.port,
      user: server.user,
      password: server.password,
      database: server.database,
      serverName: server.serverName,
      url: server.url,
      stallSql: server.stallSql,
      wideRows
    }
    process.stdout.write(JSON.stringify(info) + "\n")
    // Live until the parent closes our stdin (or dies).
    yield* Effect.callback<void>((resume) => {
      process.stdin.on("end", () => resume(Effect.void))
      process.stdin.on("close", () => resume(Effect.void))
      process.stdin.resume()
    })
  }).pipe(Effect.scoped)

/**
 * Starts the server child (`node decode-e2e.ts --serve <rows>`) and waits for its info line; the child is stopped
 * when the scope closes. Encoding the replay rows happens once in the child, before it reports ready.
 */
export const startServerProcess = (wideRows: number): Effect.Effect<ServerInfo, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<{ readonly child: ChildProcess.ChildProcess; readonly info: ServerInfo }, Error>((resume) => {
      const child = ChildProcess.spawn(process.execPath, [import.meta.filename, "--serve", String(wideRows)], {
        stdio: ["pipe", "pipe", "inherit"],
        env: { ...process.env, NODE_NO_WARNINGS: "1" }
      })
      const lines = Readline.createInterface({ input: child.stdout! })
      lines.once("line", (line) => {
        lines.close()
        resume(Effect.succeed({ child, info: JSON.parse(line) as ServerInfo }))
      })
      child.once("exit", (code) => resume(Effect.fail(new Error(`server child exited with ${code}`))))
    }),
    ({ child }) =>
      Effect.callback<void>((resume) => {
        if (child.exitCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.stdin?.end()
        // A child that ignores stdin is stopped anyway; only this child, by its handle.
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref()
      })
  ).pipe(Effect.map(({ info }) => info))

/** Connection config for the server child (plain TCP, its user and database). */
export const connectionConfig = (info: ServerInfo, extra: Record<string, unknown> = {}) => ({
  url: info.url,
  ...extra
})

// ---------------------------------------------------------------------------------------------------------------
// Allocation measurement
// ---------------------------------------------------------------------------------------------------------------

const forceGc = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) gc()
}

interface GcStatistics {
  readonly statistics: ReadonlyArray<{
    readonly beforeGC: { readonly heapStatistics: { readonly usedHeapSize: number } }
    readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number } }
  }>
}

/**
 * Runs `effect` and reports the JS heap bytes it allocated (see the module comment for the method), its duration,
 * and its result.
 */
export const measureAllocation = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<
  { readonly value: A; readonly millis: number; readonly cpuMillis: number; readonly allocatedBytes: number },
  E,
  R
> =>
  Effect.gen(function*() {
    forceGc()
    const profiler = new V8.GCProfiler()
    const startUsed = process.memoryUsage().heapUsed
    profiler.start()
    const started = nowMs()
    const cpu = process.cpuUsage()
    const value = yield* effect
    const millis = nowMs() - started
    const cpuUsed = process.cpuUsage(cpu)
    const cpuMillis = (cpuUsed.user + cpuUsed.system) / 1000
    const endUsed = process.memoryUsage().heapUsed
    const stats = profiler.stop() as unknown as GcStatistics | undefined
    let allocated = 0
    let previousAfter = startUsed
    for (const gc of stats?.statistics ?? []) {
      allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - previousAfter)
      previousAfter = gc.afterGC.heapStatistics.usedHeapSize
    }
    allocated += Math.max(0, endUsed - previousAfter)
    return { value, millis, cpuMillis, allocatedBytes: allocated }
  })

// ---------------------------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------------------------

const ROWS = Number(process.env["BENCH_DECODE_ROWS"] ?? 1_000_000)
const RUNS = Number(process.env["BENCH_DECODE_RUNS"] ?? 3)
/** The codec baseline decodes this many distinct payloads repeatedly (encoding 1M rows twice would double setup). */
const CODEC_ROWS = 100_000

interface ModeResult {
  readonly rowsPerSecond: number
  /** Rows per second of this process's CPU time: steadier than wall time on a loaded machine. */
  readonly rowsPerCpuSecond: number
  readonly bytesPerRow: number
}

interface Run {
  readonly millis: number
  readonly cpuMillis: number
  readonly allocatedBytes: number
  readonly rows: number
}

const summarise = (runs: ReadonlyArray<Run>): ModeResult => ({
  rowsPerSecond: median(runs.map((r) => (r.rows / r.millis) * 1000)),
  rowsPerCpuSecond: median(runs.map((r) => (r.rows / r.cpuMillis) * 1000)),
  bytesPerRow: median(runs.map((r) => r.allocatedBytes / r.rows))
})

/** The pure codec over the same payloads, no sockets: the in-run baseline. */
const codecBaseline = (): ModeResult => {
  const charset = latin1Charset
  const columns = wideColumns.map((c) => ({
    columnType: c.columnType,
    encodedLength: c.encodedLength,
    extendedId: c.extendedId ?? 0,
    extendedName: c.extendedName ?? ""
  }))
  const payloads: Array<Uint8Array> = []
  for (let i = 0; i < Math.min(ROWS, CODEC_ROWS); i++) {
    const payload = encodeRow(columns, wideRow(i), { charset })
    if (isCodecFailure(payload)) throw new Error(payload.message)
    payloads.push(payload)
  }
  const views = asChunkViews(payloads)
  const prepared = prepareColumns(columns)
  if (isCodecFailure(prepared)) throw new Error(prepared.message)
  const runs: Array<Run> = []
  for (let run = 0; run < RUNS + 1; run++) {
    const measured = Effect.runSync(measureAllocation(Effect.sync(() => {
      // Exactly ROWS rows, cycling through the distinct payloads.
      let sink = 0
      for (let i = 0; i < ROWS; i++) {
        const row = decodeRowValues(views[i % views.length]!, prepared, { charset })
        if (isCodecFailure(row)) throw new Error(row.message)
        sink += row.length
      }
      return sink
    })))
    // The first run warms the JIT and is not counted.
    if (run > 0) runs.push({ ...measured, rows: ROWS })
  }
  return summarise(runs)
}

const countStream = <A, E>(stream: Stream.Stream<A, E>) => Stream.runFold(stream, () => 0, (n) => n + 1)

/** End-to-end modes, each run `RUNS` times after one warm-up. */
export const measureDriver = (info: ServerInfo, options: { readonly runs: number; readonly fetchSize?: number }) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make(connectionConfig(info))
    const streamOptions = options.fetchSize === undefined ? {} : { fetchSize: options.fetchSize }
    const modes = {
      streamValues: countStream(conn.streamValues(WIDE_SQL, [], streamOptions)),
      stream: countStream(conn.stream(WIDE_SQL, [], streamOptions)),
      values: Effect.map(conn.values(WIDE_SQL), (rows) => rows.length)
    }
    const results: Record<string, ModeResult> = {}
    for (const [name, run] of Object.entries(modes)) {
      const runs: Array<Run> = []
      for (let i = 0; i < options.runs + 1; i++) {
        const measured = yield* measureAllocation(run)
        if (measured.value !== info.wideRows) {
          return yield* Effect.fail(new Error(`${name} returned ${measured.value} rows, expected ${info.wideRows}`))
        }
        process.stdout.write(
          `${name} run ${i}${i === 0 ? " (warm-up)" : ""}: ${round((info.wideRows / measured.millis) * 1000)} rows/s\n`
        )
        if (i > 0) runs.push({ ...measured, rows: info.wideRows })
      }
      results[name] = summarise(runs)
    }
    return results
  }).pipe(Effect.scoped)

const main = Effect.gen(function*() {
  process.stdout.write(`codec baseline: ${ROWS} rows of ${wideColumns.length} columns\n`)
  const codec = codecBaseline()
  process.stdout.write(`codec: ${round(codec.rowsPerSecond)} rows/s, ${round(codec.bytesPerRow)} B/row\n`)
  process.stdout.write(`starting the server child (${ROWS} replay rows)\n`)
  const info = yield* startServerProcess(ROWS)
  const modes = yield* measureDriver(info, { runs: RUNS })
  const large = yield* measureDriver(info, { runs: Math.max(1, Math.floor(RUNS / 2)), fetchSize: 65536 })
  const metrics: Record<string, number | string> = {
    rows: ROWS,
    columns: wideColumns.length,
    runs: RUNS,
    codec_rows_per_s: round(codec.rowsPerSecond),
    codec_rows_per_cpu_s: round(codec.rowsPerCpuSecond),
    codec_bytes_per_row: round(codec.bytesPerRow)
  }
  for (const [name, result] of Object.entries(modes)) {
    metrics[`${name}_rows_per_s`] = round(result.rowsPerSecond)
    metrics[`${name}_cpu_us_per_row`] = round(1e6 / result.rowsPerCpuSecond)
    metrics[`${name}_bytes_per_row`] = round(result.bytesPerRow)
    metrics[`${name}_ratio_to_codec`] = round(result.rowsPerSecond / codec.rowsPerSecond)
  }
  for (const [name, result] of Object.entries(large)) {
    metrics[`${name}_fetch64k_rows_per_s`] = round(result.rowsPerSecond)
  }
  metrics["alloc_method"] = "v8.GCProfiler heap-used deltas between GCs, --expose-gc full GC before each run"
  return metrics
}).pipe(Effect.scoped)

if (import.meta.main) {
  const serveIndex = process.argv.indexOf("--serve")
  if (serveIndex >= 0) {
    Effect.runPromise(serve(Number(process.argv[serveIndex + 1] ?? ROWS))).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`server child failed: ${String(error)}\n`)
        process.exit(1)
      }
    )
  } else {
    Effect.runPromise(main).then(
      (metrics) => {
        process.stdout.write(JSON.stringify({ results: [{ name: "decode-e2e", metrics }] }) + "\n")
      },
      (error: unknown) => {
        process.stderr.write(`decode-e2e failed: ${String(error)}\n`)
        process.exit(1)
      }
    )
  }
}
