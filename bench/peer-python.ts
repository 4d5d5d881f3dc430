/**
 * The peer ratio: the same decode and round-trip workloads through the Python informix-driver (a pure-Python SQLI
 * client) and through our driver, against the same TestServer child process, in the same run.
 *
 * - decode: the wide replay result (decode-e2e.ts), `PEER_ROWS` rows, materialised — informix-driver's
 *   `cursor.execute` + `fetchall` vs our `Connection.values` (both read the whole result with 4096-byte NFETCHes,
 *   the default of both). Our `streamValues` is reported too.
 * - roundtrip: the one-row SELECT — informix-driver's `execute` + `fetchall` on one cursor (it prepares, opens,
 *   closes and releases every time; it has no prepared-statement handle) vs our `conn.values(sql)` (statement cache)
 *   and our prepared `PreparedStatement.values()`.
 * - batch: `BATCH_ROWS` rows of INSERT (id, name, amount) into a fresh table per run — informix-driver's
 *   `executemany` vs our `Connection.executeMany` (one PREPARE, `BIND EXECUTE` pairs in ~32 KiB batches, as JDBC's
 *   `executeBatch`) and, for scale, our prepared `execute` once per row.
 *
 * The peer comes from `conformance/setup.sh` (venv `conformance/.venv`). If it is missing or fails, the metric is a
 * string saying why — never a number that was not measured.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Connection from "../src/Connection.ts"
import {
  connectionConfig,
  measureDriver,
  ONE_ROW_SQL,
  type ServerInfo,
  startServerProcess,
  WIDE_SQL
} from "./decode-e2e.ts"
import { measureLatency } from "./roundtrip.ts"
import { median, round } from "./stats.ts"

const PEER_ROWS = Number(process.env["BENCH_PEER_ROWS"] ?? 200_000)
const RUNS = Number(process.env["BENCH_PEER_RUNS"] ?? 3)
const SAMPLES = Number(process.env["BENCH_PEER_SAMPLES"] ?? 2000)
const BATCH_ROWS = Number(process.env["BENCH_PEER_BATCH_ROWS"] ?? 10_000)

const python = Path.join(import.meta.dirname, "..", "conformance", ".venv", "bin", "python")
const workloads = Path.join(import.meta.dirname, "peer", "workloads.py")

type PeerOutcome = { readonly ok: true; readonly json: Record<string, unknown> } | {
  readonly ok: false
  readonly why: string
}

/** Runs one peer workload (blocking is fine: the server lives in its own process). */
const runPeer = (info: ServerInfo, args: ReadonlyArray<string>): PeerOutcome => {
  if (!Fs.existsSync(python)) return { ok: false, why: "not run: conformance/.venv missing (run conformance/setup.sh)" }
  const run = ChildProcess.spawnSync(python, [
    workloads,
    "--host",
    info.host,
    "--port",
    String(info.port),
    "--user",
    info.user,
    "--password",
    info.password,
    "--database",
    info.database,
    "--server",
    info.serverName,
    ...args
  ], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 15 * 60_000 })
  const last = run.stdout.trim().split("\n").at(-1) ?? ""
  if (!last.startsWith("{")) return { ok: false, why: `failed: exit ${run.status}, ${run.error?.message ?? "no JSON"}` }
  const json = JSON.parse(last) as Record<string, unknown>
  if (typeof json["error"] === "string") return { ok: false, why: `failed: ${json["error"]}` }
  return { ok: true, json }
}

const ourRoundtrip = (info: ServerInfo) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make(connectionConfig(info))
    const settings = { runs: RUNS, samples: SAMPLES, warmup: 500 }
    const cached = yield* measureLatency(conn.values(ONE_ROW_SQL), settings)
    const statement = yield* conn.prepare(ONE_ROW_SQL)
    const prepared = yield* measureLatency(statement.values(), settings)
    return { cached, prepared }
  }).pipe(Effect.scoped)

const batchRows = Array.from({ length: BATCH_ROWS }, (_, i) => {
  const id = i + 1
  return [id, `name ${id}`, BigDecimal.fromStringUnsafe((id * 1.25).toFixed(2))]
})

/** Rows per second of `RUNS` inserts of `BATCH_ROWS` rows (after one warm-up), each into a fresh table. */
const ourBatch = (info: ServerInfo, how: "executeMany" | "executePerRow") =>
  Effect.gen(function*() {
    const conn = yield* Connection.make(connectionConfig(info))
    const rates: Array<number> = []
    for (let run = 0; run <= RUNS; run++) {
      const table = `ours_${how}_${run}`
      yield* conn.execute(`CREATE TABLE ${table} (id INTEGER, name VARCHAR(40), amount DECIMAL(10,2))`)
      const sql = `INSERT INTO ${table} VALUES (?, ?, ?)`
      const started = performance.now()
      if (how === "executeMany") {
        yield* conn.executeMany(sql, batchRows)
      } else {
        yield* Effect.scoped(Effect.gen(function*() {
          const insert = yield* conn.prepare(sql)
          for (const row of batchRows) yield* insert.execute(row)
        }))
      }
      const seconds = (performance.now() - started) / 1000
      const [[count]] = (yield* conn.values(`SELECT COUNT(*) FROM ${table}`)) as [[number]]
      if (count !== BATCH_ROWS) return yield* Effect.die(new Error(`${count} of ${BATCH_ROWS} rows inserted`))
      process.stdout.write(
        `ours ${how} run ${run}${run === 0 ? " (warm-up)" : ""}: ${round(BATCH_ROWS / seconds)} rows/s\n`
      )
      if (run > 0) rates.push(BATCH_ROWS / seconds)
      yield* conn.execute(`DROP TABLE ${table}`)
    }
    return median(rates)
  }).pipe(Effect.scoped)

const main = Effect.gen(function*() {
  process.stdout.write(`starting the server child (${PEER_ROWS} replay rows)\n`)
  const info = yield* startServerProcess(PEER_ROWS)
  const metrics: Record<string, number | string> = { rows: PEER_ROWS, runs: RUNS }

  const ours = yield* measureDriver(info, { runs: RUNS })
  metrics["ours_values_rows_per_s"] = round(ours["values"]!.rowsPerSecond)
  metrics["ours_streamValues_rows_per_s"] = round(ours["streamValues"]!.rowsPerSecond)
  const decode = runPeer(info, [
    "--mode",
    "decode",
    "--sql",
    WIDE_SQL,
    "--rows",
    String(PEER_ROWS),
    "--runs",
    String(RUNS)
  ])
  if (decode.ok) {
    const runs = decode.json["runs"] as Array<{ seconds: number; rows: number }>
    const peerRate = median(runs.map((r) => r.rows / r.seconds))
    metrics["python_rows_per_s"] = round(peerRate)
    metrics["decode_ours_over_python"] = round(ours["values"]!.rowsPerSecond / peerRate)
    metrics["peer"] = String(decode.json["driver"])
  } else {
    metrics["python_decode"] = decode.why
  }

  const latency = yield* ourRoundtrip(info)
  metrics["ours_cached_sql_p50_us"] = round(latency.cached.p50Micros)
  metrics["ours_cached_sql_p99_us"] = round(latency.cached.p99Micros)
  metrics["ours_prepared_p50_us"] = round(latency.prepared.p50Micros)
  metrics["ours_prepared_p99_us"] = round(latency.prepared.p99Micros)
  const roundtrip = runPeer(info, [
    "--mode",
    "roundtrip",
    "--sql",
    ONE_ROW_SQL,
    "--runs",
    String(RUNS),
    "--samples",
    String(SAMPLES)
  ])
  if (roundtrip.ok) {
    const runs = roundtrip.json["runs"] as Array<{ p50_us: number; p99_us: number }>
    const p50 = median(runs.map((r) => r.p50_us))
    const p99 = median(runs.map((r) => r.p99_us))
    metrics["python_p50_us"] = round(p50)
    metrics["python_p99_us"] = round(p99)
    metrics["roundtrip_python_over_ours_cached_p50"] = round(p50 / latency.cached.p50Micros)
    metrics["roundtrip_python_over_ours_prepared_p50"] = round(p50 / latency.prepared.p50Micros)
  } else {
    metrics["python_roundtrip"] = roundtrip.why
  }

  metrics["batch_rows"] = BATCH_ROWS
  const many = yield* ourBatch(info, "executeMany")
  metrics["ours_executeMany_rows_per_s"] = round(many)
  metrics["ours_execute_per_row_rows_per_s"] = round(yield* ourBatch(info, "executePerRow"))
  const batch = runPeer(info, ["--mode", "batch", "--rows", String(BATCH_ROWS), "--runs", String(RUNS)])
  if (batch.ok) {
    const runs = batch.json["runs"] as Array<{ seconds: number; rows: number }>
    const peerRate = median(runs.map((r) => r.rows / r.seconds))
    metrics["python_executemany_rows_per_s"] = round(peerRate)
    metrics["batch_ours_over_python"] = round(many / peerRate)
  } else {
    metrics["python_batch"] = batch.why
  }
  return metrics
}).pipe(Effect.scoped)

if (import.meta.main) {
  Effect.runPromise(main).then(
    (metrics) => process.stdout.write(JSON.stringify({ results: [{ name: "peer-python", metrics }] }) + "\n"),
    (error: unknown) => {
      process.stderr.write(`peer-python failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
