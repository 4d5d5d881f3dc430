/**
 * The harness of the bounded-memory benchmarks (smartLob.ts, byteText.ts): one large value written from a lazily
 * generated Stream and read back as a Stream, every byte checked on the fly.
 *
 * The TestServer runs in a child process (childServer.ts), so this process holds only the client and its memory is
 * the driver's. Every 16 MiB written or read, a full GC runs (`--expose-gc`, as bench/run.ts starts scripts) and the
 * live memory (heapUsed + arrayBuffers) is sampled: `peak_growth_mib` is the largest sample above the level before
 * the run, which must stay under 64 MiB (`within_64mib`). `<NAME>_TRACE=1` prints each sample.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import { startServer } from "./childServer.ts"
import { nowMs, round } from "./stats.ts"

const PIECE = 64 * 1024
const MIB = 2 ** 20

/** Byte `i` of the value: cheap to generate and to check, and not periodic in any transfer size. */
const byteAt = (i: number): number => (i * 31 + Math.floor(i / 65521)) & 0xff

export interface LargeValueBench<A> {
  /** The result name (bench/run.ts table) and the prefix of its environment variables. */
  readonly name: string
  readonly label: string
  readonly size: number
  /** Writes the value from `input`; what it returns is handed to `read`. */
  readonly write: (conn: Connection.Connection, input: Stream.Stream<Uint8Array>) => Effect.Effect<A, InformixError>
  readonly read: (conn: Connection.Connection, written: A) => Stream.Stream<Uint8Array, InformixError>
}

export const runLargeValueBench = <A>(bench: LargeValueBench<A>): void => {
  const { size } = bench
  const trace = process.env[`${bench.name.toUpperCase()}_TRACE`] !== undefined
  const main = Effect.gen(function*() {
    const { url } = yield* startServer
    const conn = yield* Connection.make(url)
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const base = process.memoryUsage()
    const baseline = base.heapUsed + base.arrayBuffers
    let peak = 0
    let nextSample = 0
    const sample = (position: number) => {
      if (position < nextSample) return
      nextSample = position + 16 * MIB
      gc?.()
      const m = process.memoryUsage()
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - baseline)
      if (trace) process.stderr.write(`${position} heap=${round(m.heapUsed / MIB)} ab=${round(m.arrayBuffers / MIB)}\n`)
    }
    // One piece per pull (Stream.fromIterable would drain the generator into an array first).
    const input = Stream.paginate(0, (at: number) =>
      Effect.sync(() => {
        const piece = new Uint8Array(Math.min(PIECE, size - at))
        for (let i = 0; i < piece.length; i++) piece[i] = byteAt(at + i)
        sample(at)
        const next = at + piece.length
        return [[piece], next < size ? Option.some(next) : Option.none()] as const
      }))
    const writeStart = nowMs()
    const written = yield* bench.write(conn, input)
    const writeMs = nowMs() - writeStart

    nextSample = 0
    const readStart = nowMs()
    let read = 0
    let mismatches = 0
    yield* Stream.runForEach(bench.read(conn, written), (chunk) =>
      Effect.sync(() => {
        for (let i = 0; i < chunk.length; i++) if (chunk[i] !== byteAt(read + i)) mismatches++
        read += chunk.length
        sample(read)
      }))
    const readMs = nowMs() - readStart
    if (read !== size || mismatches !== 0) {
      return yield* Effect.die(`read ${read} of ${size} bytes, ${mismatches} wrong`)
    }
    const metrics = {
      bytes: size,
      write_mib_per_s: round((size / MIB) / (writeMs / 1000), 1),
      read_mib_per_s: round((size / MIB) / (readMs / 1000), 1),
      peak_growth_mib: round(peak / MIB, 1),
      within_64mib: peak < 64 * MIB ? "yes" : "NO"
    }
    process.stdout.write(`${bench.label} ${size} bytes: ${JSON.stringify(metrics)}\n`)
    process.stdout.write(JSON.stringify({ results: [{ name: bench.name, metrics }] }) + "\n")
  }).pipe(Effect.scoped)
  Effect.runPromise(main).catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`)
    process.exit(1)
  })
}
