/**
 * Smart large objects with bounded memory: a 1 GiB BLOB (`SMARTLOB_BENCH_BYTES` to change) written from a lazily
 * generated stream with `createSmartLob` and read back with `readSmartLob`, checking every byte on the fly.
 *
 * The TestServer runs in a child process (`--serve`), so this process holds only the client and its memory is the
 * driver's. Every 16 MiB written or read, a full GC runs (`--expose-gc`, as bench/run.ts starts scripts) and the live
 * memory (heapUsed + arrayBuffers) is sampled: `peak_growth_mib` is the largest sample above the level before the
 * run, which must stay under 64 MiB for a 1 GiB object (`within_64mib`). The driver holds one SQ_LODATA message
 * (256 000 bytes) at a time, never the object.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import { serve, startServer } from "./childServer.ts"
import { nowMs, round } from "./stats.ts"

const SIZE = Number(process.env["SMARTLOB_BENCH_BYTES"] ?? 2 ** 30)
const PIECE = 64 * 1024
const MIB = 2 ** 20

/** Byte `i` of the object: cheap to generate and to check, and not periodic in any transfer size. */
const byteAt = (i: number): number => (i * 31 + Math.floor(i / 65521)) & 0xff

const main = Effect.gen(function*() {
  const { url } = yield* startServer(import.meta.filename)
  const conn = yield* Connection.make(url)
  ;(globalThis as { gc?: () => void }).gc?.()
  const base = process.memoryUsage()
  const baseline = base.heapUsed + base.arrayBuffers
  let peak = 0
  let nextSample = 0
  const sample = (position: number) => {
    if (position < nextSample) return
    nextSample = position + 16 * MIB
    ;(globalThis as { gc?: () => void }).gc?.()
    const m = process.memoryUsage()
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers - baseline)
    if (process.env["SMARTLOB_TRACE"]) {
      process.stderr.write(`${position} heap=${round(m.heapUsed / MIB)} ab=${round(m.arrayBuffers / MIB)}\n`)
    }
  }
  // One piece per pull (Stream.fromIterable would drain the generator into an array first).
  const input = Stream.paginate(0, (at: number) =>
    Effect.sync(() => {
      const piece = new Uint8Array(Math.min(PIECE, SIZE - at))
      for (let i = 0; i < piece.length; i++) piece[i] = byteAt(at + i)
      sample(at)
      const next = at + piece.length
      return [[piece], next < SIZE ? Option.some(next) : Option.none()] as const
    }))
  const writeStart = nowMs()
  const locator = yield* conn.createSmartLob("BLOB", input)
  const writeMs = nowMs() - writeStart

  nextSample = 0
  const readStart = nowMs()
  let read = 0
  let mismatches = 0
  yield* Stream.runForEach(conn.readSmartLob(locator), (chunk) =>
    Effect.sync(() => {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== byteAt(read + i)) mismatches++
      read += chunk.length
      sample(read)
    }))
  const readMs = nowMs() - readStart
  if (read !== SIZE || mismatches !== 0) {
    return yield* Effect.die(`read ${read} of ${SIZE} bytes, ${mismatches} wrong`)
  }
  const metrics = {
    bytes: SIZE,
    write_mib_per_s: round((SIZE / MIB) / (writeMs / 1000), 1),
    read_mib_per_s: round((SIZE / MIB) / (readMs / 1000), 1),
    peak_growth_mib: round(peak / MIB, 1),
    within_64mib: peak < 64 * MIB ? "yes" : "NO"
  }
  process.stdout.write(`smart LOB ${SIZE} bytes: ${JSON.stringify(metrics)}\n`)
  process.stdout.write(JSON.stringify({ results: [{ name: "smartLob", metrics }] }) + "\n")
}).pipe(Effect.scoped)

const program: Effect.Effect<unknown, unknown> = process.argv.includes("--serve") ? serve() : main
Effect.runPromise(program).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`)
  process.exit(1)
})
