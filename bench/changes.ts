/**
 * Change streams (InformixChanges.cdc and InformixChanges.smartTrigger) end to end: the TestServer in a child
 * process (childServer.ts), a writer connection, and a CDC stream or a smart trigger.
 *
 * - `live_events_per_s`: the writer commits `CHANGES_BENCH_ROWS` inserts in transactions of 50 while the stream reads;
 *   events (Begin + Insert + Commit) per second from the first write to the last event.
 * - `backlog_events_per_s`: the same changes read again from a saved position (the server's log, no writer),
 *   connecting and starting the session included.
 * - `commit_to_event_p50_ms` / `_p99_ms`: one autocommit INSERT at a time, from sending it to its Insert event;
 *   `insert_roundtrip_p50_ms` is the INSERT's own round trip on the same connection, for scale.
 * - `smart_live_events_per_s`, `smart_commit_to_event_p50_ms` / `_p99_ms`: the same live write and one-at-a-time
 *   latency with a smart trigger watching `SELECT * FROM watched` (one event per row, one read per event).
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

/** A running smart trigger feeding a queue, returned once its watch is registered (its Attached event). */
const watch = (url: string) =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<InformixChanges.TriggerEvent>()
    yield* Effect.forkScoped(
      InformixChanges.smartTrigger({
        connection: url,
        watches: [{ table: "watched", database: "testdb", query: "SELECT * FROM watched" }],
        timeout: 1
      }).pipe(Stream.runForEach((e) => Queue.offer(queue, e)))
    )
    yield* Queue.take(queue)
    return Queue.take(queue)
  })

/** `rows` inserts into `table` in transactions of PER_TX. */
const write = (conn: Connection.Connection, table: string, rows: number) =>
  Effect.forEach(Array.from({ length: rows / PER_TX }, (_, t) => t), (t) =>
    conn.transaction(Effect.forEach(
      Array.from({ length: PER_TX }, (_, i) => t * PER_TX + i),
      (id) => conn.execute(`INSERT INTO ${table} VALUES (?, ?, ?)`, [id, `item ${id}`, id % 7]),
      { discard: true }
    )), { discard: true })

/** From sending one autocommit INSERT to the event `next` yields for it, SAMPLES times. */
const latencies = <E>(conn: Connection.Connection, table: string, next: Effect.Effect<E>, isRow: (e: E) => boolean) =>
  Effect.gen(function*() {
    const toEvent: Array<number> = []
    const roundTrip: Array<number> = []
    for (let i = 0; i < SAMPLES; i++) {
      const sent = nowMs()
      yield* conn.execute(`INSERT INTO ${table} VALUES (?, 'latency', 0)`, [ROWS + i])
      roundTrip.push(nowMs() - sent)
      for (let e = yield* next; !isRow(e); e = yield* next) {
        // CDC: the Begin before it; its Commit is skipped the same way with the next sample's Begin
      }
      toEvent.push(nowMs() - sent)
    }
    return { toEvent, roundTrip }
  })

const main = Effect.gen(function*() {
  const { url } = yield* startServer
  const conn = yield* Connection.make({ url, database: "testdb" })
  yield* conn.execute("CREATE TABLE orders (id INTEGER, item VARCHAR(20), qty INTEGER)")
  yield* conn.execute("CREATE TABLE watched (id INTEGER PRIMARY KEY, item VARCHAR(20), qty INTEGER)")

  // Live: writer and reader at once.
  const live = yield* Effect.scoped(Effect.gen(function*() {
    const next = yield* capture(url)
    const start = nowMs()
    yield* Effect.forkChild(write(conn, "orders", ROWS))
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
    return yield* latencies(conn, "orders", yield* capture(url), (e) => e._tag === "Insert")
  }))

  // Smart trigger: live events (one per row), then one change at a time.
  const smartLive = yield* Effect.scoped(Effect.gen(function*() {
    const next = yield* watch(url)
    const start = nowMs()
    yield* Effect.forkChild(write(conn, "watched", ROWS))
    for (let i = 0; i < ROWS; i++) yield* next
    return nowMs() - start
  }))
  const smartLatency = yield* Effect.scoped(Effect.gen(function*() {
    return yield* latencies(conn, "watched", yield* watch(url), (e) => e._tag === "Insert")
  }))

  const metrics = {
    rows: ROWS,
    live_events_per_s: round(live.events / (live.ms / 1000)),
    backlog_events_per_s: round(live.events / (backlog / 1000)),
    commit_to_event_p50_ms: round(percentile(latency.toEvent, 50)),
    commit_to_event_p99_ms: round(percentile(latency.toEvent, 99)),
    insert_roundtrip_p50_ms: round(percentile(latency.roundTrip, 50)),
    smart_live_events_per_s: round(ROWS / (smartLive / 1000)),
    smart_commit_to_event_p50_ms: round(percentile(smartLatency.toEvent, 50)),
    smart_commit_to_event_p99_ms: round(percentile(smartLatency.toEvent, 99))
  }
  process.stdout.write(`changes: ${JSON.stringify(metrics)}\n`)
  process.stdout.write(JSON.stringify({ results: [{ name: "changes", metrics }] }) + "\n")
}).pipe(Effect.scoped)

Effect.runPromise(main).catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`)
  process.exit(1)
})
