/**
 * Change streams (InformixChanges.cdc) end to end: the TestServer in a child process (childServer.ts), a writer
 * connection, and a CDC stream.
 *
 * - `live_events_per_s`: the writer commits `CHANGES_BENCH_ROWS` inserts in transactions of 50 while the stream reads;
 *   events (Begin + Insert + Commit) per second from the first write to the last event.
 * - `backlog_events_per_s`: the same changes read again from a saved position (the server's log, no writer),
 *   connecting and starting the session included.
 * - `commit_to_event_p50_ms` / `_p99_ms`: one autocommit INSERT at a time, from sending it to its Insert event;
 *   `insert_roundtrip_p50_ms` is the INSERT's own round trip on the same connection, for scale.
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as InformixChanges from "../src/InformixChanges.ts"
import { startServer } from "./childServer.ts"
import { nowMs, percentile, round } from "./stats.ts"

const ROWS = Number(process.env["CHANGES_BENCH_ROWS"] ?? 5000)
const PER_TX = 50
const SAMPLES = 200
const TABLE = "testdb:informix.orders"

/** A running capture feeding a queue, returned once it is active (its first Idle event; at once when resuming). */
const capture = (url: string, from?: bigint) =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<InformixChanges.ChangeEvent>()
    yield* Effect.forkScoped(
      InformixChanges.cdc({ connection: url, tables: [{ table: TABLE }], timeout: 1, idle: true, from }).pipe(
        Stream.runForEach((e) => Queue.offer(queue, e))
      )
    )
    const early: Array<InformixChanges.ChangeEvent> = []
    if (from === undefined) {
      for (let e = yield* Queue.take(queue); e._tag !== "Idle"; e = yield* Queue.take(queue)) early.push(e)
    }
    const next = Effect.suspend(() => {
      const first = early.shift()
      return first !== undefined ? Effect.succeed(first) : Queue.take(queue)
    })
    const nextChange = Effect.gen(function*() {
      for (let e = yield* next;; e = yield* next) if (e._tag !== "Idle") return e
    })
    return nextChange
  })

const main = Effect.gen(function*() {
  const { url } = yield* startServer
  const conn = yield* Connection.make({ url, database: "testdb" })
  yield* conn.execute("CREATE TABLE orders (id INTEGER, item VARCHAR(20), qty INTEGER)")

  // Live: writer and reader at once.
  const live = yield* Effect.scoped(Effect.gen(function*() {
    const next = yield* capture(url)
    const start = nowMs()
    yield* Effect.forkChild(
      Effect.forEach(Array.from({ length: ROWS / PER_TX }, (_, t) => t), (t) =>
        conn.transaction(Effect.forEach(
          Array.from({ length: PER_TX }, (_, i) => t * PER_TX + i),
          (id) => conn.execute("INSERT INTO orders VALUES (?, ?, ?)", [id, `item ${id}`, id % 7]),
          { discard: true }
        )), { discard: true })
    )
    const events = ROWS + 2 * (ROWS / PER_TX)
    let first: InformixChanges.ChangeEvent | undefined
    for (let i = 0; i < events; i++) {
      const e = yield* next
      first ??= e
    }
    return { ms: nowMs() - start, events, before: first!.position - 1n }
  }))

  // Backlog: the same changes again, from the position before them.
  const backlog = yield* Effect.scoped(Effect.gen(function*() {
    const start = nowMs()
    const next = yield* capture(url, live.before)
    for (let i = 0; i < live.events; i++) yield* next
    return nowMs() - start
  }))

  // Latency: one change at a time.
  const latency = yield* Effect.scoped(Effect.gen(function*() {
    const next = yield* capture(url)
    const toEvent: Array<number> = []
    const roundTrip: Array<number> = []
    for (let i = 0; i < SAMPLES; i++) {
      const sent = nowMs()
      yield* conn.execute("INSERT INTO orders VALUES (?, 'latency', 0)", [ROWS + i])
      roundTrip.push(nowMs() - sent)
      for (let e = yield* next; e._tag !== "Insert"; e = yield* next) {
        // Begin before it; its Commit is read with the next sample's Begin skipped the same way
      }
      toEvent.push(nowMs() - sent)
    }
    return { toEvent, roundTrip }
  }))

  const metrics = {
    rows: ROWS,
    live_events_per_s: round(live.events / (live.ms / 1000)),
    backlog_events_per_s: round(live.events / (backlog / 1000)),
    commit_to_event_p50_ms: round(percentile(latency.toEvent, 50)),
    commit_to_event_p99_ms: round(percentile(latency.toEvent, 99)),
    insert_roundtrip_p50_ms: round(percentile(latency.roundTrip, 50))
  }
  process.stdout.write(`changes: ${JSON.stringify(metrics)}\n`)
  process.stdout.write(JSON.stringify({ results: [{ name: "changes", metrics }] }) + "\n")
}).pipe(Effect.scoped)

Effect.runPromise(main).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`)
  process.exit(1)
})
