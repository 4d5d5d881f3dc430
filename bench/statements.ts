/**
 * effect/sql's statement path through `InformixClient` alone: one fiber runs `OPS` statements over one fake session
 * lent synchronously (`makeWith` with a borrower that hands the session over at once, which answers at once), so
 * neither a pool, a socket nor a fiber suspension is measured — only what a statement costs between the application
 * and the session: effect's `Statement` (the template, its span, compile) and the adapter (compiler, transaction
 * lookup, `SqlConnection` view). Modes:
 *
 * - `floor`: `session.values(sql)` itself (the loop and the fake session's answer);
 * - `values`: `` sql`SELECT ...`.values `` (the statement of `layers.ts` and `peer-jdbc.ts`'s `client`);
 * - `rows`: the same run as an Effect (`yield* sql\`...\``), rows as objects;
 * - `param`: `` sql`... WHERE id = ${i}`.values ``, a statement with a bound value;
 * - `transaction`: `values` inside one `sql.withTransaction` (the statement finds the transaction's session).
 *
 * Each mode runs with the statement span (effect's default) and without (`References.TracerEnabled` false, the
 * application's choice). Reported per statement: CPU (`process.cpuUsage`) and allocation (`v8.GCProfiler`), medians
 * of `RUNS` runs. `node --expose-gc bench/statements.ts [mode…]`. docs/benchmarks.md "Round 5" has the figures.
 */
import * as Effect from "effect/Effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as References from "effect/References"
import type * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import { measureAllocation } from "./decode-e2e.ts"
import { fakeSession } from "./pool.ts"
import { median, round } from "./stats.ts"

const RUNS = Number(process.env["BENCH_STATEMENTS_RUNS"] ?? 7)
const OPS = Number(process.env["BENCH_STATEMENTS_OPS"] ?? 100_000)

type Mode = "floor" | "values" | "rows" | "param" | "transaction"
const allModes: ReadonlyArray<Mode> = ["floor", "values", "rows", "param", "transaction"]

const run = (modes: ReadonlyArray<Mode>, tracer: boolean) =>
  Effect.gen(function*() {
    const session = fakeSession()
    const sql = yield* InformixClient.makeWith({
      acquirer: Effect.succeed(session),
      transactionAcquirer: Effect.succeed(session),
      borrower: (f: (connection: Connection.Connection) => Effect.Effect<any, any, any>) => f(session),
      config: {},
      host: "fake",
      port: 0,
      database: "stores"
    })
    const statements: Record<Mode, (i: number) => Effect.Effect<unknown, unknown>> = {
      floor: () => session.values("SELECT id, name, amount FROM bench_one"),
      values: () => sql`SELECT id, name, amount FROM bench_one`.values,
      rows: () => sql`SELECT id, name, amount FROM bench_one`,
      param: (i) => sql`SELECT id, name, amount FROM bench_one WHERE id = ${i}`.values,
      transaction: () => sql`SELECT id, name, amount FROM bench_one`.values
    }
    const loop = (mode: Mode) => {
      const statement = statements[mode]
      const all = Effect.gen(function*() {
        for (let i = 0; i < OPS; i++) yield* statement(i)
      })
      return mode === "transaction" ? sql.withTransaction(all) : all
    }
    for (const mode of modes) yield* loop(mode)
    const samples = new Map<Mode, Array<{ cpu: number; bytes: number }>>()
    for (let r = 0; r < RUNS; r++) {
      for (const mode of modes) {
        const measured = yield* measureAllocation(loop(mode))
        const list = samples.get(mode) ?? []
        list.push({ cpu: (measured.cpuMillis * 1000) / OPS, bytes: measured.allocatedBytes / OPS })
        samples.set(mode, list)
      }
    }
    const prefix = tracer ? "span" : "nospan"
    const metrics: Record<string, number> = {}
    for (const mode of modes) {
      const list = samples.get(mode)!
      metrics[`${prefix}_${mode}_cpu_us_per_statement`] = round(median(list.map((s) => s.cpu)))
      metrics[`${prefix}_${mode}_alloc_bytes_per_statement`] = round(median(list.map((s) => s.bytes)))
      process.stdout.write(
        `${prefix} ${mode}: ${list.map((s) => `${round(s.cpu)} µs ${round(s.bytes)} B`).join(", ")}\n`
      )
    }
    return metrics
  }).pipe(Effect.provide(Reactivity.layer), Effect.provideService(References.TracerEnabled, tracer))

const args = process.argv.slice(2)
const selectedModes = allModes.filter((mode) => args.length === 0 || args.includes(mode))

if (import.meta.main) {
  Effect.runPromise(
    Effect.gen(function*() {
      const metrics: Record<string, number> = { runs: RUNS, ops: OPS }
      Object.assign(metrics, yield* run(selectedModes, true))
      Object.assign(metrics, yield* run(selectedModes, false))
      return metrics
    })
  ).then(
    (metrics) => process.stdout.write(JSON.stringify({ results: [{ name: "statements", metrics }] }) + "\n"),
    (error: unknown) => {
      process.stderr.write(`statements failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
