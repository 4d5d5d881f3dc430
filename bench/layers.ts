/**
 * Where the CPU and allocation of a pooled one-row query go, layer by layer: the same 100 fibers over 10 sessions
 * issue `OPS` one-row queries through
 *
 * - `direct`: the sessions themselves, fiber i on session i mod 10 (the Connection alone);
 * - `bare`: effect's own `Pool.use` over the same kind of sessions (no hygiene, metrics or acquire timeout): the floor
 *   of any pool built on it;
 * - `pool`: `Pool.use((session) => session.values(sql))` (Connection + the pool's checkout and return);
 * - `client`: `sql\`...\`.values` through `InformixClient.fromPool` (+ effect/sql's Statement: compile, span,
 *   transaction lookup, the borrower);
 * - `clientRows`: the same statement run as an Effect (`yield* sql\`...\``), rows as objects.
 *
 * Each mode runs over fake sessions that answer on the next event-loop turn without I/O (`fake`: the cost of the layers
 * above the Connection, nearly noise-free) and against a TestServer child (`real`, bench/decode-e2e.ts). Reported per query: client
 * CPU (process.cpuUsage) and heap allocation (v8.GCProfiler, see decode-e2e.ts), and queries per second (wall time:
 * mostly the machine's load, compare modes of one run only). Modes alternate within a run so machine load hits each
 * alike; every figure is the median of `RUNS` runs.
 *
 * `node --expose-gc bench/layers.ts [fake|real] [mode…]` (default: both, every mode); `BENCH_LAYERS_TRACER=off` runs
 * without spans. Prints one JSON line like the other scripts. docs/benchmarks.md "Round 4" has the figures.
 */
import * as Effect from "effect/Effect"
import * as EffectPool from "effect/Pool"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import type * as SqlClient from "effect/sql/SqlClient"
import * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import type { InformixError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import { measureAllocation, ONE_ROW_SQL, startServerProcess } from "./decode-e2e.ts"
import { fakeSession } from "./pool.ts"
import { median, round } from "./stats.ts"

const RUNS = Number(process.env["BENCH_LAYERS_RUNS"] ?? 5)
const OPS = Number(process.env["BENCH_LAYERS_OPS"] ?? 20_000)
/** `BENCH_LAYERS_TRACER=off`: run with `References.TracerEnabled` false (what the spans cost). */
const TRACER_OFF = process.env["BENCH_LAYERS_TRACER"] === "off"
const FIBERS = 100
const SESSIONS = 10

// Answered on a later event-loop turn, as a socket reply is: the session stays leased meanwhile, so 100 fibers over
// 10 sessions queue for them as they do against a server.
const reply = <A>(value: A): Effect.Effect<A> =>
  Effect.callback<A>((resume) => {
    setImmediate(() => resume(Effect.succeed(value)))
  })

type Mode = "direct" | "bare" | "pool" | "client" | "clientRows"
const allModes: ReadonlyArray<Mode> = ["direct", "bare", "pool", "client", "clientRows"]

/** OPS queries from FIBERS fibers; `query(i)` is the fiber's query. */
const loop = (query: (fiber: number) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    let next = 0
    const worker = (fiber: number) => {
      const q = query(fiber)
      return Effect.gen(function*() {
        while (next++ < OPS) yield* q
      })
    }
    yield* Effect.all(Array.from({ length: FIBERS }, (_, i) => worker(i)), { concurrency: "unbounded", discard: true })
  })

export const run = (kind: "fake" | "real", modes: ReadonlyArray<Mode>) =>
  Effect.gen(function*() {
    const url = kind === "fake" ? undefined : (yield* startServerProcess(10)).url
    // The pool's sessions come from `acquire` (scoped to the pool); the direct mode's are opened here.
    const acquire: Effect.Effect<Connection.Connection, InformixError, Scope.Scope> = url === undefined
      ? Effect.sync(() => fakeSession(reply))
      : Connection.make(url)
    const sessions: Array<Connection.Connection> = []
    for (let i = 0; i < SESSIONS; i++) sessions.push(yield* acquire)
    const pool = yield* Pool.makeWith({ acquire, maxConnections: SESSIONS, acquireTimeout: "10 minutes" })
    const bare = yield* EffectPool.makeWithTTL({ acquire, min: 0, max: SESSIONS, timeToLive: "60 seconds" })
    const client: SqlClient.SqlClient = yield* InformixClient.fromPool(pool, {}, {
      host: "fake",
      port: 0,
      database: undefined
    }).pipe(Effect.provide(Reactivity.layer))
    const queries: Record<Mode, (fiber: number) => Effect.Effect<unknown, unknown>> = {
      direct: (fiber) => sessions[fiber % SESSIONS]!.values(ONE_ROW_SQL),
      bare: () => EffectPool.use(bare, (session) => session.values(ONE_ROW_SQL)),
      pool: () => pool.use((session) => session.values(ONE_ROW_SQL)),
      client: () => Effect.suspend(() => client`SELECT id, name, amount FROM bench_one`.values),
      clientRows: () => Effect.suspend(() => client`SELECT id, name, amount FROM bench_one`)
    }
    // Warm-up: JIT, every pool session open, statement caches.
    for (const mode of modes) yield* loop(queries[mode])
    const samples = new Map<Mode, Array<{ cpu: number; bytes: number; qps: number }>>()
    for (let r = 0; r < RUNS; r++) {
      for (const mode of modes) {
        const measured = yield* measureAllocation(loop(queries[mode]))
        const list = samples.get(mode) ?? []
        list.push({
          cpu: (measured.cpuMillis * 1000) / OPS,
          bytes: measured.allocatedBytes / OPS,
          qps: OPS / (measured.millis / 1000)
        })
        samples.set(mode, list)
      }
    }
    const metrics: Record<string, number> = {}
    for (const mode of modes) {
      const list = samples.get(mode)!
      metrics[`${kind}_${mode}_cpu_us_per_query`] = round(median(list.map((s) => s.cpu)))
      metrics[`${kind}_${mode}_alloc_bytes_per_query`] = round(median(list.map((s) => s.bytes)))
      metrics[`${kind}_${mode}_queries_per_s`] = round(median(list.map((s) => s.qps)))
      process.stdout.write(
        `${kind} ${mode}: ${list.map((s) => `${round(s.cpu)} µs ${round(s.bytes)} B ${round(s.qps)}/s`).join(", ")}\n`
      )
    }
    return metrics
  }).pipe(Effect.scoped)

const args = process.argv.slice(2)
const kinds = (["fake", "real"] as const).filter((kind) => args.length === 0 || args.includes(kind))
const selectedModes = allModes.filter((mode) => !args.some((a) => allModes.includes(a as Mode)) || args.includes(mode))

if (import.meta.main) {
  Effect.runPromise(
    Effect.gen(function*() {
      const metrics: Record<string, number> = { runs: RUNS, ops: OPS, fibers: FIBERS, sessions: SESSIONS }
      for (const kind of kinds) Object.assign(metrics, yield* run(kind, selectedModes))
      return metrics
    }).pipe(Effect.provideService(References.TracerEnabled, !TRACER_OFF))
  ).then(
    (metrics) => process.stdout.write(JSON.stringify({ results: [{ name: "layers", metrics }] }) + "\n"),
    (error: unknown) => {
      process.stderr.write(`layers failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
