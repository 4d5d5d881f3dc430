/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Decode throughput of the SQLI codec: a wide mixed-type SQ_TUPLE stream (22 columns: INT, BIGINT, SMALLINT, FLOAT,
 * SMALLFLOAT, DATE, DECIMAL(16,2), DATETIME YEAR TO FRACTION(5), CHAR(20), VARCHAR(64), INT8, repeated) as a server
 * sends it for a cursor — SQ_TUPLEs in 4096-byte fetch batches, each batch ending with SQ_EOT, then DONE/COST/EOT —
 * fed to `ServerMessageDecoder` in 64 KiB chunks (a typical socket read) and in 1460-byte chunks (one TCP segment).
 * Reports the median over repeated runs. Last stdout line: `{ "results": [...] }` for bench/run.ts.
 */
import * as Result from "effect/Result"
import { encodeServerMessages, ServerMessageDecoder } from "../src/internal/protocol/codec.ts"
import { WIDE_FRAMING } from "../src/internal/protocol/framing.ts"
import type { ServerMessage } from "../src/internal/protocol/messages.ts"
import { median, nowMs, round } from "./stats.ts"

const ROWS = 200_000
const RUNS = 7

/** One row's payload: every value present, widths as in VALUES.md (VARCHAR with its 1-byte length). */
const makeRow = (i: number): Uint8Array => {
  const parts: Array<number> = []
  const view = (n: number, write: (d: DataView) => void) => {
    const b = new Uint8Array(n)
    write(new DataView(b.buffer))
    parts.push(...b)
  }
  for (let group = 0; group < 2; group++) {
    view(4, (d) => d.setInt32(0, i)) // INT
    view(8, (d) => d.setBigInt64(0, BigInt(i) * 1_000_003n)) // BIGINT
    view(2, (d) => d.setInt16(0, i & 0x7fff)) // SMALLINT
    view(8, (d) => d.setFloat64(0, i * 1.5)) // FLOAT
    view(4, (d) => d.setFloat32(0, i * 0.25)) // SMALLFLOAT
    view(4, (d) => d.setInt32(0, 45000 + (i % 365))) // DATE
    parts.push(0xc4, 0x01, 0x23, 0x45, 0x67, 0x00, 0x00, 0x00, 0x00, 0x00) // DECIMAL(16,2): 10 bytes
    parts.push(0xc7, 20, 24, 1, 31, 12, 34, 56, 78, 90, 0) // DATETIME YEAR TO FRACTION(5): 11 bytes
    for (let c = 0; c < 20; c++) parts.push(0x61 + ((i + c) % 26)) // CHAR(20)
    const text = `row-${i}-${"x".repeat(i % 40)}` // VARCHAR(64)
    parts.push(text.length, ...Array.from(text, (ch) => ch.charCodeAt(0)))
    parts.push(0x00, 0x01, 0, 0, 0, i & 0xff, 0, 0, 0, 0) // INT8
  }
  return Uint8Array.from(parts)
}

const buildStream = (): Uint8Array => {
  const messages: Array<ServerMessage> = []
  let batch = 0
  for (let i = 0; i < ROWS; i++) {
    const payload = makeRow(i)
    if (batch + payload.length > 4096) {
      messages.push({ _tag: "Eot" })
      batch = 0
    }
    batch += payload.length
    messages.push({ _tag: "Tuple", warnings: 0, payload })
  }
  messages.push({ _tag: "Done", warnings: 0, rows: ROWS, rowid: 0, serial: 0 })
  messages.push({ _tag: "Cost", estimatedRows: ROWS, estimatedCost: 1 })
  messages.push({ _tag: "Eot" })
  const encoded = encodeServerMessages(messages, WIDE_FRAMING)
  if (Result.isFailure(encoded)) throw new Error(encoded.failure.message)
  return encoded.success
}

const decodeOnce = (stream: Uint8Array, chunkSize: number): { ms: number; rows: number } => {
  const decoder = new ServerMessageDecoder({ expectConnect: false, framing: WIDE_FRAMING })
  let rows = 0
  const start = nowMs()
  for (let at = 0; at < stream.length; at += chunkSize) {
    const { messages, error } = decoder.push(stream.subarray(at, at + chunkSize))
    if (error !== undefined) throw new Error(error.message)
    for (const m of messages) if (m._tag === "Tuple") rows++
  }
  return { ms: nowMs() - start, rows }
}

const stream = buildStream()
const metrics: Record<string, number> = {
  rows: ROWS,
  columns: 22,
  streamMiB: round(stream.length / 1024 / 1024)
}
for (const [label, chunk] of [["64k", 65536], ["1460", 1460]] as const) {
  decodeOnce(stream, chunk) // warm-up
  const times: Array<number> = []
  for (let run = 0; run < RUNS; run++) {
    const { ms, rows } = decodeOnce(stream, chunk)
    if (rows !== ROWS) throw new Error(`decoded ${rows} rows, expected ${ROWS}`)
    times.push(ms)
  }
  const ms = median(times)
  metrics[`rowsPerSec_${label}`] = Math.round(ROWS / (ms / 1000))
  metrics[`MiBPerSec_${label}`] = round(stream.length / 1024 / 1024 / (ms / 1000))
  process.stdout.write(`chunk ${label}: median ${round(ms)} ms for ${ROWS} rows\n`)
}
process.stdout.write(JSON.stringify({ results: [{ name: "decode", metrics }] }) + "\n")
