/**
 * The row decoder of two source trees side by side, for a before/after comparison on a loaded machine:
 * `node bench/decode-ab.ts <other-tree> [row objects <column>… x<n><column>… <column>,<column>…]`.
 * `<other-tree>` is another checkout of this repository (e.g. `git worktree add` or
 * `git archive main | tar -x -C /tmp/before`, with a `node_modules` link); "base" is that tree, "new" this one.
 *
 * Both decoders run on the same payloads (decode-columns.ts's 12-column table, a column alone, `x<n><column>`: n
 * copies of one column, or a comma-separated list of columns; views of 64 KiB buffers, as payloadLayout.ts lays
 * them out) in short slices, base and new alternating and swapping order each round, so a change in the machine's
 * load hits both alike; the figures are CPU nanoseconds per row (`process.cpuUsage`), median and minimum over the
 * rounds. `BENCH_AB_SLICE` rows per slice (default 100,000), `BENCH_AB_ROUNDS` rounds (default 21).
 *
 * By default both trees are loaded into one process. That comparison is biased: two identical trees differ by up
 * to 5% on the whole row and a change measured 0.67 one way round and 1.07 the other on one column repeated
 * (x6stamp), since the JIT compiles the two copies differently. `BENCH_AB_PROCESSES=<pairs>` runs each tree in its
 * own child process instead (base, new, then new, base, …; each child warms up and reports the median of its
 * rounds) and reports the median over the pairs: slower (about 5 s per child), but two identical trees then agree
 * within 3% on the row and 1% on x6stamp with other benchmarks running on the machine.
 * Last stdout line: `{ "results": [...] }`.
 */
import { spawnSync } from "node:child_process"
import * as Path from "node:path"
import type { Value } from "../src/InformixValue.ts"
import type * as CodecViewModule from "../src/internal/connection/codecView.ts"
import type * as ResultsModule from "../src/internal/connection/results.ts"
import type * as CharsetModule from "../src/internal/values/charset.ts"
import type * as RowModule from "../src/internal/values/row.ts"
import type * as TableModule from "./decode-e2e.ts"
import { asChunkViews } from "./payloadLayout.ts"
import { median, round } from "./stats.ts"

type Row = typeof RowModule
type Charsets = typeof CharsetModule
type CodecView = typeof CodecViewModule
type Results = typeof ResultsModule
type Table = typeof TableModule

interface Tree {
  readonly row: Row
  readonly charsets: Charsets
  readonly codecView: CodecView
  readonly results: Results
  readonly table: Table
}

const SLICE = Number(process.env["BENCH_AB_SLICE"] ?? 100_000)
const ROUNDS = Number(process.env["BENCH_AB_ROUNDS"] ?? 21)
const DISTINCT = 100_000
/** Rows turned into objects at once, as decode-columns.ts does (about one fetch reply). */
const OBJECT_BATCH = 600

const load = async (root: string): Promise<Tree> => {
  const at = (path: string) => Path.resolve(root, path)
  return {
    row: await import(at("src/internal/values/row.ts")) as Row,
    charsets: await import(at("src/internal/values/charset.ts")) as Charsets,
    codecView: await import(at("src/internal/connection/codecView.ts")) as CodecView,
    results: await import(at("src/internal/connection/results.ts")) as Results,
    table: await import(at("bench/decode-e2e.ts")) as Table
  }
}

interface Subject {
  readonly payloads: ReadonlyArray<Uint8Array>
  readonly decode: (payload: Uint8Array) => unknown
}

/** The columns of the workload `name` as indices into the 12-column table. */
const columnsOf = (table: Table, name: string): ReadonlyArray<number> => {
  const names = table.wideColumns.map((c) => c.name)
  if (name === "row" || name === "objects") return names.map((_, i) => i)
  if (name.includes(",")) return name.split(",").flatMap((part) => columnsOf(table, part))
  const repeated = /^x(\d+)(\w+)$/.exec(name)
  const column = names.indexOf(repeated === null ? name : repeated[2]!)
  if (column < 0) throw new Error(`no column ${name}; columns: ${names.join(", ")}`)
  return Array.from({ length: repeated === null ? 1 : Number(repeated[1]) }, () => column)
}

const subject = (tree: Tree, name: string): Subject => {
  const ctx = { charset: tree.charsets.latin1Charset }
  const all = tree.table.wideColumns.map((c) => ({
    columnType: c.columnType,
    encodedLength: c.encodedLength,
    extendedId: c.extendedId ?? 0,
    extendedName: c.extendedName ?? ""
  }))
  const picked = columnsOf(tree.table, name)
  const columns = picked.map((i) => all[i]!)
  const encoded: Array<Uint8Array> = []
  for (let i = 0; i < DISTINCT; i++) {
    const values = tree.table.wideRow(i)
    const payload = tree.row.encodeRow(columns, picked.map((c) => values[c]!), ctx)
    if (!(payload instanceof Uint8Array)) throw new Error(payload.message)
    encoded.push(payload)
  }
  const payloads = asChunkViews(encoded)
  if (name === "objects") {
    const fields = tree.table.wideColumns.map((c, i) => ({ ...all[i]!, name: c.name, sourceType: 0 }))
    const decoder = tree.codecView.makeRowDecoder(fields as never, ctx)
    if (!("decode" in decoder)) throw new Error(decoder.message)
    const keys = tree.results.columnKeys(fields as never)
    let batch: Array<Array<Value>> = []
    return {
      payloads,
      decode: (payload) => {
        const row = decoder.decode(payload)
        if (!Array.isArray(row)) return row
        batch.push(row)
        if (batch.length < OBJECT_BATCH) return row
        const objects = tree.results.toObjects(batch, keys)
        batch = []
        return objects
      }
    }
  }
  const prepared = tree.row.prepareColumns(columns)
  if (!Array.isArray(prepared)) throw new Error("columns did not prepare")
  return { payloads, decode: (payload) => tree.row.decodeRowValues(payload, prepared, ctx) }
}

/** CPU nanoseconds per row over one slice starting at payload `start`. */
const slice = (s: Subject, start: number): number => {
  const n = s.payloads.length
  let sink = 0
  const cpu = process.cpuUsage()
  for (let i = 0; i < SLICE; i++) if (s.decode(s.payloads[(start + i) % n]!) !== undefined) sink++
  const used = process.cpuUsage(cpu)
  if (sink !== SLICE) throw new Error("a row did not decode")
  return ((used.user + used.system) * 1000) / SLICE
}

/** The median CPU ns per row of `s` over ROUNDS slices, after a warm-up (a child process's whole measurement). */
const alone = (s: Subject): number => {
  for (let warm = 0; warm < 3; warm++) slice(s, warm * SLICE)
  return median(Array.from({ length: ROUNDS }, (_, r) => slice(s, r * SLICE)))
}

/** One child process measuring `name` on `tree` alone; its last stdout line is the median. */
const child = (tree: string, name: string): number => {
  const run = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, "--child", tree, name], {
    encoding: "utf8"
  })
  const figure = Number(run.stdout.trim().split("\n").at(-1))
  if (run.status !== 0 || !Number.isFinite(figure)) throw new Error(`child ${tree} ${name} failed: ${run.stderr}`)
  return figure
}

const args = process.argv.slice(2)
if (args[0] === "--child") {
  process.stdout.write(`${alone(subject(await load(args[1]!), args[2]!))}\n`)
} else {
  const [other, ...wanted] = args
  if (other === undefined) throw new Error("usage: node bench/decode-ab.ts <other-tree> [row objects <column>…]")
  const baseRoot = Path.resolve(other)
  const nextRoot = Path.resolve(import.meta.dirname, "..")
  const pairs = Number(process.env["BENCH_AB_PROCESSES"] ?? 0)
  const metrics: Record<string, number> = { slice: SLICE, rounds: ROUNDS, processes: pairs }
  const base = pairs > 0 ? undefined : await load(baseRoot)
  const next = pairs > 0 ? undefined : await load(nextRoot)
  for (const name of wanted.length === 0 ? ["row", "objects"] : wanted) {
    const before: Array<number> = []
    const after: Array<number> = []
    if (base === undefined || next === undefined) {
      for (let r = 0; r < pairs; r++) {
        if (r % 2 === 0) {
          before.push(child(baseRoot, name))
          after.push(child(nextRoot, name))
        } else {
          after.push(child(nextRoot, name))
          before.push(child(baseRoot, name))
        }
      }
    } else {
      const a = subject(base, name)
      const b = subject(next, name)
      for (let warm = 0; warm < 3; warm++) {
        slice(a, 0)
        slice(b, 0)
      }
      for (let r = 0; r < ROUNDS; r++) {
        if (r % 2 === 0) {
          before.push(slice(a, r * SLICE))
          after.push(slice(b, r * SLICE))
        } else {
          after.push(slice(b, r * SLICE))
          before.push(slice(a, r * SLICE))
        }
      }
    }
    const [mb, ma] = [median(before), median(after)]
    metrics[`${name}_base_ns`] = round(mb)
    metrics[`${name}_new_ns`] = round(ma)
    metrics[`${name}_ratio`] = round(ma / mb)
    process.stdout.write(
      `${name.padEnd(10)} base ${round(mb)} ns  new ${round(ma)} ns  new/base ${round(ma / mb)}  (min ${
        round(Math.min(...before))
      } / ${round(Math.min(...after))})\n`
    )
  }
  process.stdout.write(JSON.stringify({ results: [{ name: "decode-ab", metrics }] }) + "\n")
}
