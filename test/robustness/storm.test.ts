/**
 * Interruption storm: 100,000 mixed operations (single queries, prepared statements, streamed cursors, transactions
 * and server-side stalls) over a few sessions, a quarter of them interrupted at a random moment — by a timeout that
 * fires while the statement is being written, waited for or read, or by a fiber interrupting them from outside.
 *
 * Asserted (never timings):
 * - every operation that completed returned its own answer: each one binds values that come back in its result
 *   (or, for transactions, writes and reads back a value that identifies it), so a stale reply is caught;
 * - nothing failed except by interruption (an interrupt may never surface as someone else's −213);
 * - nothing leaks: no cursor or transaction is left on the server while the sessions live, no session or prepared
 *   statement after they close, every fiber started under the storm ended (counted with a fiber-runtime hook, the
 *   Effect 4 stand-in for a supervisor), and the sessions are idle again.
 *
 * Phase A runs over eight `Connection`s directly (the sessions must survive every interrupt: the urgent byte stops
 * the server's work and the reply is drained); phase B runs over a `Pool` of eight, which also exercises checkout
 * interruption and return hygiene. The TestServer runs in a child process (serverChild.ts), so on a 2-core machine
 * the driver and the server each get a core; `STORM_OPERATIONS` overrides the count.
 *
 * Mix: 70 % echo queries (statement cache), 12 % prepared statements, 6 % streamed cursors, 6 % transactions, 6 %
 * 3 ms server stalls.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Connection from "../../src/Connection.ts"
import * as Pool from "../../src/Pool.ts"
import * as TestServer from "../../src/TestServer.ts"
import { startServerProcess } from "./serverProcess.ts"

const TOTAL = Number(process.env["STORM_OPERATIONS"] ?? 100_000)
const PHASE_A = Math.round(TOTAL * 0.6)
const PHASE_B = TOTAL - PHASE_A
const SESSIONS = 8
const IN_FLIGHT = 48
const INTERRUPT_SHARE = 0.25

/** The bound values come back as the row, so the answer names its operation. */
const ECHO_SQL = "SELECT ?::INTEGER AS n, ?::VARCHAR(40) AS s FROM systables WHERE tabid = 1"
/** A three-row window of `nums` starting at the bound value. */
const WINDOW_SQL = "SELECT n, s FROM nums WHERE n >= ? AND n < ? ORDER BY n"
const NUMS = 500
const settings = (server: { readonly url: string }): Connection.Options => ({ url: server.url })

/** Counts fibers started and ended under the storm (a supervisor by another name). */
const makeFiberCounter = () => {
  const counter = { started: 0, ended: 0 }
  const service: Metric.FiberRuntimeMetricsService = {
    recordFiberStart: () => {
      counter.started++
    },
    recordFiberEnd: () => {
      counter.ended++
    }
  }
  return { counter, service }
}

/** Deterministic generator so a failing storm can be replayed with its seed. */
const makeRandom = (seed: number) => {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state / 0x7fffffff
  }
}

interface Tally {
  completed: number
  interrupted: number
  wrong: Array<string>
  failed: Array<string>
  failures: number
  byKind: Record<string, number>
}

const newTally = (): Tally => ({ completed: 0, interrupted: 0, wrong: [], failed: [], failures: 0, byKind: {} })

/**
 * One operation of kind chosen by `pick`, on `conn`; resolves to an error description when the answer was not its
 * own, or undefined.
 */
const operation = (
  conn: Connection.Connection,
  prepare: Effect.Effect<Connection.PreparedStatement, unknown, Scope.Scope>,
  i: number,
  pick: number
): { readonly kind: string; readonly run: Effect.Effect<string | undefined, unknown> } => {
  const tag = `op-${i}`
  if (pick < 0.7) {
    return {
      kind: "echo",
      run: Effect.map(
        conn.values(ECHO_SQL, [i, tag]),
        (rows) => rows.length === 1 && rows[0]![0] === i && rows[0]![1] === tag ? undefined : `echo ${i}: ${show(rows)}`
      )
    }
  }
  if (pick < 0.82) {
    return {
      kind: "prepared",
      run: Effect.map(
        Effect.scoped(Effect.flatMap(prepare, (statement) => statement.query([i, tag]))),
        (rows) =>
          rows.length === 1 && rows[0]!["n"] === i && rows[0]!["s"] === tag ? undefined : `prepared ${i}: ${show(rows)}`
      )
    }
  }
  if (pick < 0.88) {
    const start = i % (NUMS - 3)
    return {
      kind: "stream",
      run: Effect.map(
        Stream.runCollect(conn.streamValues(WINDOW_SQL, [start, start + 3], { fetchSize: 64 })),
        (rows) => {
          const got = Array.from(rows)
          const ok = got.length === 3 && got.every((row, k) => row[0] === start + k && row[1] === `n${start + k}`)
          return ok ? undefined : `stream ${i}: ${show(got)}`
        }
      )
    }
  }
  if (pick < 0.94) {
    // The session's own temp-table row (no lock shared with other sessions): write i, read it back inside the
    // same transaction.
    return {
      kind: "transaction",
      run: conn.transaction(Effect.gen(function*() {
        yield* conn.execute("UPDATE mine SET v = ?", [i])
        const rows = yield* conn.values("SELECT v FROM mine")
        return rows.length === 1 && rows[0]![0] === i ? undefined : `transaction ${i}: ${show(rows)}`
      }))
    }
  }
  // A statement the server works on for 3 ms (interrupted ones are stopped with the urgent byte).
  return {
    kind: "stall",
    run: Effect.as(conn.execute(TestServer.sleepSql(0.003)), undefined)
  }
}

const show = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)).slice(0, 200)

/** Runs `count` operations with `IN_FLIGHT` at a time; `session(i)` lends the session operation `i` runs on. */
const storm = (
  count: number,
  seed: number,
  withSession: <A>(
    i: number,
    f: (
      conn: Connection.Connection,
      prepare: Effect.Effect<Connection.PreparedStatement, unknown, Scope.Scope>
    ) => Effect.Effect<A, unknown>
  ) => Effect.Effect<A, unknown>
) =>
  Effect.gen(function*() {
    const random = makeRandom(seed)
    const tally = newTally()
    yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      (i) =>
        Effect.gen(function*() {
          const pick = random()
          const interrupt = random() < INTERRUPT_SHARE
          const fromOutside = random() < 0.3
          const delayMicros = Math.floor(random() * 1500)
          let kind = "?"
          const body = withSession(i, (conn, prepare) => {
            const op = operation(conn, prepare, i, pick)
            kind = op.kind
            return interrupt && !fromOutside
              ? Effect.timeoutOrElse(op.run, { duration: `${delayMicros} micros`, orElse: () => Effect.interrupt })
              : op.run
          })
          const fiber = yield* Effect.forkChild(body, { startImmediately: true })
          if (interrupt && fromOutside) {
            yield* Effect.sleep(`${delayMicros} micros`)
            yield* Fiber.interrupt(fiber)
          }
          const exit = yield* Fiber.await(fiber)
          tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1
          if (Exit.isSuccess(exit)) {
            tally.completed++
            if (exit.value !== undefined) tally.wrong.push(exit.value)
          } else if (Exit.hasInterrupts(exit)) {
            tally.interrupted++
          } else {
            tally.failures++
            if (tally.failed.length < 10) tally.failed.push(`${kind} ${i}: ${String(exit.cause)}`)
          }
        }),
      { concurrency: IN_FLIGHT, discard: true }
    )
    return tally
  })

const setUp = (conn: Connection.Connection) =>
  Effect.gen(function*() {
    yield* conn.execute(`CREATE TABLE nums (n INTEGER, s VARCHAR(20))`)
    yield* conn.transaction(Effect.gen(function*() {
      for (let n = 0; n < NUMS; n++) yield* conn.execute("INSERT INTO nums VALUES (?, ?)", [n, `n${n}`])
    }))
  })

/** The session's private one-row table for transactions (temp tables take no lock other sessions need). */
const ensureOwnTable = (conn: Connection.Connection) =>
  Effect.uninterruptible(Effect.gen(function*() {
    yield* conn.execute("CREATE TEMP TABLE IF NOT EXISTS mine (v INTEGER)")
    const rows = yield* conn.values("SELECT COUNT(*) FROM mine")
    if (rows[0]![0] === 0) yield* conn.execute("INSERT INTO mine VALUES (0)")
  }))

const assertTally = (name: string, tally: Tally, count: number) => {
  assert.deepStrictEqual(tally.wrong, [], `${name}: answers that were not their own`)
  assert.deepStrictEqual(tally.failed, [], `${name}: ${tally.failures} operations failed without being interrupted`)
  assert.strictEqual(tally.completed + tally.interrupted + tally.failures, count)
  assert.isAbove(tally.interrupted, count * INTERRUPT_SHARE * 0.2, `${name}: the interruptions happened`)
  assert.isAbove(tally.completed, count * 0.5, `${name}: most operations completed`)
  for (const kind of ["echo", "prepared", "stream", "transaction", "stall"]) {
    assert.isAbove(tally.byKind[kind] ?? 0, 0, `${name}: ${kind} operations ran`)
  }
}

const waitFor = <A>(effect: Effect.Effect<A>, until: (a: A) => boolean) =>
  Effect.repeat(effect, { until, schedule: Schedule.spaced("20 millis") }).pipe(
    Effect.timeout("10 seconds"),
    Effect.ignore
  )

describe("interruption storm", () => {
  it.live(`${TOTAL} operations with random interrupts: own answers, no leaks`, () =>
    Effect.gen(function*() {
      // The server runs in a child process: on two cores the driver and the server each get one.
      const server = yield* startServerProcess
      const serverStats = Effect.map(server.stats, (s) => s.stats)
      const fibers = makeFiberCounter()

      // Phase A: sessions used directly, each with one long-lived prepared statement.
      const phaseA = yield* Effect.gen(function*() {
        const scope = yield* Scope.make()
        const sessions = yield* Effect.forEach(
          Array.from({ length: SESSIONS }, (_, s) => s),
          () => Connection.make(settings(server)),
          { concurrency: SESSIONS }
        ).pipe(Scope.provide(scope))
        yield* setUp(sessions[0]!)
        yield* Effect.forEach(sessions, ensureOwnTable, { discard: true })
        const prepared = yield* Effect.forEach(sessions, (conn) => conn.prepare(ECHO_SQL)).pipe(Scope.provide(scope))
        const tally = yield* storm(PHASE_A, 7, (i, f) => {
          const s = i % SESSIONS
          return f(sessions[s]!, Effect.succeed(prepared[s]!))
        })
        // Drains of the last interrupted statements finish on their own.
        yield* waitFor(Effect.sync(() => sessions.map((c) => c.state)), (states) => states.every((s) => s === "idle"))
        const states = sessions.map((c) => c.state)
        const { stats: during, urgent } = yield* server.stats
        yield* Scope.close(scope, Exit.void)
        return { tally, states, during, urgent }
      }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers.service))

      assertTally("phase A", phaseA.tally, PHASE_A)
      assert.deepStrictEqual(phaseA.states, Array.from({ length: SESSIONS }, () => "idle"))
      assert.strictEqual(phaseA.during.cursors, 0, "phase A: no cursor left open")
      assert.strictEqual(phaseA.during.transactions, 0, "phase A: no transaction left open")
      assert.isAbove(phaseA.urgent, 0, "interrupts reached statements on the wire")

      // Phase B: a pool of the same size.
      const phaseB = yield* Effect.gen(function*() {
        const scope = yield* Scope.make()
        const pool = yield* Pool.make({ ...settings(server), maxConnections: SESSIONS, acquireTimeout: "60 seconds" })
          .pipe(Scope.provide(scope))
        const ready = new WeakSet<Connection.Connection>()
        const tally = yield* storm(PHASE_B, 11, (_i, f) =>
          pool.use((conn) =>
            Effect.gen(function*() {
              if (!ready.has(conn)) {
                yield* ensureOwnTable(conn)
                ready.add(conn)
              }
              // Pooled sessions prepare per lease; the statement is released when the operation ends.
              return yield* f(conn, conn.prepare(ECHO_SQL))
            })
          ))
        yield* waitFor(pool.stats, (stats) => stats.inUse === 0)
        const poolStats = yield* pool.stats
        const during = yield* serverStats
        yield* Scope.close(scope, Exit.void)
        return { tally, poolStats, during }
      }).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers.service))

      assertTally("phase B", phaseB.tally, PHASE_B)
      assert.strictEqual(phaseB.poolStats.inUse, 0)
      assert.strictEqual(phaseB.poolStats.waiting, 0)
      assert.strictEqual(phaseB.during.cursors, 0, "phase B: no cursor left open")
      assert.strictEqual(phaseB.during.transactions, 0, "phase B: no transaction left open")

      yield* waitFor(serverStats, (stats) => stats.sessions === 0)
      const after = yield* serverStats
      assert.strictEqual(after.sessions, 0, "every session closed")
      assert.strictEqual(after.statements, 0, "no prepared statement left on the server")
      assert.strictEqual(after.cursors, 0)
      yield* waitFor(Effect.sync(() => fibers.counter.started - fibers.counter.ended), (live) => live === 0)
      assert.isAbove(fibers.counter.started, TOTAL, "the fiber counter saw the storm")
      assert.strictEqual(fibers.counter.started - fibers.counter.ended, 0, "every fiber started by the storm ended")
    }), { timeout: 600_000 })
})
