/**
 * The interruption storm's parts, shared by storm.test.ts (plain TCP, server in a child process) and
 * stormTls.test.ts (TLS, in-process server): the operation mix, the storm driver, the tally and its assertions.
 */
import { assert } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Connection from "../../src/Connection.ts"
import * as TestServer from "../../src/TestServer.ts"

export const SESSIONS = 8
export const IN_FLIGHT = 48
export const INTERRUPT_SHARE = 0.25

/** The bound values come back as the row, so the answer names its operation. */
export const ECHO_SQL = "SELECT ?::INTEGER AS n, ?::VARCHAR(40) AS s FROM systables WHERE tabid = 1"
/** A three-row window of `nums` starting at the bound value. */
export const WINDOW_SQL = "SELECT n, s FROM nums WHERE n >= ? AND n < ? ORDER BY n"
export const NUMS = 500
/**
 * Session settings of every storm. Lock wait: the TestServer's SQLite engine takes its database-wide write lock
 * for writes to temp tables too (Informix does not: temp tables are private to their session), so two sessions'
 * transactions on their own `mine` tables can collide there; waiting keeps that server artefact from surfacing as
 * -346/-107 failures.
 */
export const settings = (url: string, extra: Connection.Options = {}): Connection.Options => ({
  url,
  lockWait: { seconds: 30 },
  ...extra
})

/** Counts fibers started and ended under the storm (a supervisor by another name). */
export const makeFiberCounter = () => {
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
export const makeRandom = (seed: number) => {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state / 0x7fffffff
  }
}

export interface Tally {
  completed: number
  interrupted: number
  wrong: Array<string>
  failed: Array<string>
  failures: number
  /** Failures the caller declared expected (e.g. ConnectionError while the server drops connections). */
  tolerated: number
  byKind: Record<string, number>
}

export const newTally = (): Tally => ({
  completed: 0,
  interrupted: 0,
  wrong: [],
  failed: [],
  failures: 0,
  tolerated: 0,
  byKind: {}
})

/**
 * One operation of kind chosen by `pick`, on `conn`; resolves to an error description when the answer was not its
 * own, or undefined.
 */
export const operation = (
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
  if (pick < 0.91) {
    // The session's own temp-table row (no lock shared with other sessions): write i, read it back inside the
    // same transaction. The table is made sure of first: a pooled session that created it is retired on return
    // (temp tables never reach the next borrower), so the next lease may be a new session.
    return {
      kind: "transaction",
      run: withOwnTable(
        conn,
        Effect.gen(function*() {
          yield* conn.execute("UPDATE mine SET v = ?", [i])
          const rows = yield* conn.values("SELECT v FROM mine")
          return rows.length === 1 && rows[0]![0] === i ? undefined : `transaction ${i}: ${show(rows)}`
        })
      )
    }
  }
  if (pick < 0.94) {
    // A nested transaction (savepoint) that fails is rolled back to its savepoint; the outer write stays.
    return {
      kind: "savepoint",
      run: withOwnTable(
        conn,
        Effect.gen(function*() {
          yield* conn.execute("UPDATE mine SET v = ?", [i])
          const inner = yield* Effect.exit(conn.transaction(
            Effect.andThen(conn.execute("UPDATE mine SET v = ?", [-i - 1]), Effect.fail("undo" as const))
          ))
          const rows = yield* conn.values("SELECT v FROM mine")
          const innerOk = Exit.isFailure(inner)
          return innerOk && rows.length === 1 && rows[0]![0] === i ? undefined : `savepoint ${i}: ${show(rows)}`
        })
      )
    }
  }
  // A statement the server works on for 3 ms (interrupted ones are stopped with the urgent byte).
  return {
    kind: "stall",
    run: Effect.as(conn.execute(TestServer.sleepSql(0.003)), undefined)
  }
}

export const show = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)).slice(0, 200)

/** Runs `count` operations with `IN_FLIGHT` at a time; `session(i)` lends the session operation `i` runs on. */
export const storm = (
  count: number,
  seed: number,
  withSession: <A>(
    i: number,
    f: (
      conn: Connection.Connection,
      prepare: Effect.Effect<Connection.PreparedStatement, unknown, Scope.Scope>
    ) => Effect.Effect<A, unknown>
  ) => Effect.Effect<A, unknown>,
  options: { readonly tolerate?: ((error: unknown) => boolean) | undefined } = {}
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
          } else if (
            options.tolerate !== undefined && !Cause.hasDies(exit.cause) && options.tolerate(Cause.squash(exit.cause))
          ) {
            tally.tolerated++
          } else {
            tally.failures++
            if (tally.failed.length < 10) tally.failed.push(`${kind} ${i}: ${String(exit.cause)}`)
          }
        }),
      { concurrency: IN_FLIGHT, discard: true }
    )
    return tally
  })

export const setUp = (conn: Connection.Connection) =>
  Effect.gen(function*() {
    yield* conn.execute(`CREATE TABLE nums (n INTEGER, s VARCHAR(20))`)
    yield* conn.transaction(Effect.gen(function*() {
      for (let n = 0; n < NUMS; n++) yield* conn.execute("INSERT INTO nums VALUES (?, ?)", [n, `n${n}`])
    }))
  })

/**
 * Readies `sessions` for a storm — the shared `nums` table, each session's own temp table, a prepared echo statement
 * per session (released with `scope`) — and returns the `withSession` lender for `storm`: operation `i` runs on
 * session `i mod n`.
 */
export const prepareSessions = (sessions: ReadonlyArray<Connection.Connection>, scope: Scope.Scope) =>
  Effect.gen(function*() {
    yield* setUp(sessions[0]!)
    yield* Effect.forEach(sessions, ensureOwnTable, { discard: true })
    const prepared = yield* Effect.forEach(sessions, (conn) => conn.prepare(ECHO_SQL)).pipe(Scope.provide(scope))
    return <A>(
      i: number,
      f: (
        conn: Connection.Connection,
        prepare: Effect.Effect<Connection.PreparedStatement, unknown, Scope.Scope>
      ) => Effect.Effect<A, unknown>
    ) => f(sessions[i % sessions.length]!, Effect.succeed(prepared[i % sessions.length]!))
  })

/** Runs `effect` in a transaction after making sure of the session's own table. */
const withOwnTable = <A, E>(conn: Connection.Connection, effect: Effect.Effect<A, E>) =>
  Effect.andThen(ensureOwnTable(conn), conn.transaction(effect))

/** The session's private one-row table for transactions (temp tables take no lock other sessions need). */
export const ensureOwnTable = (conn: Connection.Connection) =>
  Effect.uninterruptible(Effect.gen(function*() {
    yield* conn.execute("CREATE TEMP TABLE IF NOT EXISTS mine (v INTEGER)")
    const rows = yield* conn.values("SELECT COUNT(*) FROM mine")
    if (rows[0]![0] === 0) yield* conn.execute("INSERT INTO mine VALUES (0)")
  }))

export const assertTally = (name: string, tally: Tally, count: number) => {
  assert.deepStrictEqual(tally.wrong, [], `${name}: answers that were not their own`)
  assert.deepStrictEqual(tally.failed, [], `${name}: ${tally.failures} operations failed without being interrupted`)
  assert.strictEqual(tally.completed + tally.interrupted + tally.tolerated + tally.failures, count)
  assert.isAbove(tally.interrupted, count * INTERRUPT_SHARE * 0.2, `${name}: the interruptions happened`)
  assert.isAbove(tally.completed, count * 0.5, `${name}: most operations completed`)
  for (const kind of ["echo", "prepared", "stream", "transaction", "savepoint", "stall"]) {
    assert.isAbove(tally.byKind[kind] ?? 0, 0, `${name}: ${kind} operations ran`)
  }
}

export const waitFor = <A>(effect: Effect.Effect<A>, until: (a: A) => boolean) =>
  Effect.repeat(effect, { until, schedule: Schedule.spaced("20 millis") }).pipe(
    Effect.timeout("10 seconds"),
    Effect.ignore
  )

/**
 * Every urgent byte the sessions sent reached the server at a message boundary: either while its statement was
 * still unanswered (it interrupted it) or while the server had nothing unanswered (ignored). None was lost or landed
 * inside a message. Bytes that arrive while the server is idle are expected: the client sends the byte while its
 * reply has not been read yet, but the server may have written that reply already. A byte sent after the reply was
 * read would interrupt the next statement instead, which the tally reports as a failure that was not an interrupt.
 */
export const assertUrgentAccounted = (
  name: string,
  counts: { readonly urgent: number; readonly urgentIdle: number; readonly urgentSent: number }
) => {
  assert.strictEqual(
    counts.urgent + counts.urgentIdle,
    counts.urgentSent,
    `${name}: urgent bytes that interrupted (${counts.urgent}) + arrived while idle (${counts.urgentIdle}) = sent`
  )
}
