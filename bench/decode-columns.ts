/**
 * The pure row decoder per column type: the 12-column table of decode-e2e.ts decoded whole (as arrays, through
 * `decodeRowValues`, and as objects keyed by column name, through the connection's row decoder) and each column
 * decoded alone (a one-column payload cut from the same rows), in process, no sockets. The payloads lie in 64 KiB
 * buffers as the socket's chunks hold them; `row-separate` decodes the whole rows from one buffer each instead.
 *
 * Figures are per CPU second of this process (`process.cpuUsage`), the steady measure on a shared machine, and
 * bytes allocated per row by the `v8.GCProfiler` method of decode-e2e.ts. `BENCH_DECODE_ROWS` sets the rows per
 * run (default 1,000,000), `BENCH_DECODE_RUNS` the runs after one warm-up (default 3; the median is reported).
 * Run it under `--cpu-prof` to see where a column's time goes. Last stdout line: `{ "results": [...] }`.
 */
import * as Effect from "effect/Effect"
import type { Value } from "../src/InformixValue.ts"
import { makeRowDecoder } from "../src/internal/connection/codecView.ts"
import { columnKeys, toObjects } from "../src/internal/connection/results.ts"
import type { DescribeField } from "../src/internal/protocol/messages.ts"
import { latin1Charset } from "../src/internal/values/charset.ts"
import { isCodecFailure } from "../src/internal/values/CodecFailure.ts"
import { type ColumnInfo, decodeRowValues, encodeRow, prepareColumns } from "../src/internal/values/row.ts"
import { measureAllocation, wideColumns, wideRow } from "./decode-e2e.ts"
import { asChunkViews } from "./payloadLayout.ts"
import { median, round } from "./stats.ts"

const ROWS = Number(process.env["BENCH_DECODE_ROWS"] ?? 1_000_000)
const RUNS = Number(process.env["BENCH_DECODE_RUNS"] ?? 3)
const DISTINCT = 100_000
/** Rows turned into objects at once: about one 64 KiB fetch reply of this table. */
const OBJECT_BATCH = 600
const ctx = { charset: latin1Charset }

const columns: ReadonlyArray<ColumnInfo> = wideColumns.map((c) => ({
  columnType: c.columnType,
  encodedLength: c.encodedLength,
  extendedId: c.extendedId ?? 0,
  extendedName: c.extendedName ?? ""
}))

const fields: ReadonlyArray<DescribeField> = wideColumns.map((c, i) => ({
  ...columns[i]!,
  name: c.name,
  sourceType: 0
} as unknown as DescribeField))

/**
 * The payloads of `cols` for the table's first rows, as views of 64 KiB buffers like the connection's (see
 * `asChunkViews`), or with `separate` each in a buffer of its own, as `encodeRow` returns them: a layout the driver
 * never decodes from, kept as the `row-separate` workload to compare with figures from before round 7.
 */
const encodeAll = (
  cols: ReadonlyArray<ColumnInfo>,
  pick: (row: ReadonlyArray<Value>) => ReadonlyArray<Value>,
  separate = false
) => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < Math.min(ROWS, DISTINCT); i++) {
    const payload = encodeRow(cols, pick(wideRow(i)), ctx)
    if (isCodecFailure(payload)) throw new Error(payload.message)
    out.push(payload)
  }
  return separate ? out : asChunkViews(out)
}

interface Figures {
  readonly rowsPerCpuSecond: number
  readonly nsPerRow: number
  readonly bytesPerRow: number
}

/** Runs `decodeOne` over ROWS payloads (cycling), RUNS times after a warm-up; medians. */
const measure = (payloads: ReadonlyArray<Uint8Array>, decodeOne: (payload: Uint8Array) => unknown): Figures => {
  const cpu: Array<number> = []
  const bytes: Array<number> = []
  for (let run = 0; run < RUNS + 1; run++) {
    const measured = Effect.runSync(measureAllocation(Effect.sync(() => {
      let sink = 0
      for (let i = 0; i < ROWS; i++) {
        const row = decodeOne(payloads[i % payloads.length]!)
        if (isCodecFailure(row)) throw new Error(row.message)
        if (row !== undefined) sink++
      }
      return sink
    })))
    if (run > 0) {
      cpu.push(measured.cpuMillis)
      bytes.push(measured.allocatedBytes / ROWS)
    }
  }
  const cpuMillis = median(cpu)
  return {
    rowsPerCpuSecond: ROWS / (cpuMillis / 1000),
    nsPerRow: (cpuMillis * 1e6) / ROWS,
    bytesPerRow: median(bytes)
  }
}

const metrics: Record<string, number> = { rows: ROWS, runs: RUNS }
const report = (name: string, f: Figures) => {
  metrics[`${name}_rows_per_cpu_s`] = round(f.rowsPerCpuSecond)
  metrics[`${name}_ns`] = round(f.nsPerRow)
  metrics[`${name}_bytes`] = round(f.bytesPerRow)
  process.stdout.write(
    `${name.padEnd(16)} ${round(f.rowsPerCpuSecond / 1e6)}M rows/CPU-s  ${round(f.nsPerRow)} ns  ${
      round(f.bytesPerRow)
    } B\n`
  )
}

const only = process.argv.slice(2)
const wanted = (name: string) => only.length === 0 || only.includes(name)

const payloads = encodeAll(columns, (row) => row)
const prepared = prepareColumns(columns)
if (isCodecFailure(prepared)) throw new Error(prepared.message)
if (wanted("row")) report("row", measure(payloads, (p) => decodeRowValues(p, prepared, ctx)))
if (wanted("row-separate")) {
  report("row-separate", measure(encodeAll(columns, (row) => row, true), (p) => decodeRowValues(p, prepared, ctx)))
}
if (wanted("objects")) {
  const decoder = makeRowDecoder(fields, ctx)
  if (isCodecFailure(decoder)) throw new Error(decoder.message)
  const keys = columnKeys(fields)
  // As the connection does: a fetch reply's rows decoded as arrays, then turned into objects together.
  let batch: Array<Array<Value>> = []
  report(
    "objects",
    measure(payloads, (p) => {
      const row = decoder.decode(p)
      if (isCodecFailure(row)) return row
      batch.push(row)
      if (batch.length < OBJECT_BATCH) return row
      const objects = toObjects(batch, keys)
      batch = []
      return objects
    })
  )
}
for (let c = 0; c < columns.length; c++) {
  const name = wideColumns[c]!.name
  if (!wanted(name)) continue
  const single = [columns[c]!]
  const preparedOne = prepareColumns(single)
  if (isCodecFailure(preparedOne)) throw new Error(preparedOne.message)
  report(name, measure(encodeAll(single, (row) => [row[c]!]), (p) => decodeRowValues(p, preparedOne, ctx)))
}
process.stdout.write(JSON.stringify({ results: [{ name: "decode-columns", metrics }] }) + "\n")
