/**
 * Fault injection through a Pool: the TestServer closes replies mid-frame (at every byte offset of a reply),
 * corrupts frames (a flipped byte at every offset, an unknown opcode), stalls past the statement and drain
 * deadlines, trickles replies, and answers with canned SQL errors.
 *
 * For every fault: the failure is a typed `InformixError` (never a defect, never a hang — each statement is bounded
 * by `queryTimeout` + `drainTimeout`), a session that cannot be trusted any more is retired, the pool serves the
 * next query correctly, and nothing is left on the server (cursors, statements, sessions) once the pool closes.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { InformixError } from "../../src/InformixError.ts"
import * as Pool from "../../src/Pool.ts"
import * as TestServer from "../../src/TestServer.ts"

const ROWS = 40
const QUERY = "SELECT id, name FROM f WHERE id < ? ORDER BY id"
const expected = (limit: number) => Array.from({ length: limit }, (_, i) => [i, `row number ${i}`])

/** No statement may take longer than this, whatever the fault (queryTimeout + drainTimeout + margin). */
const HANG_LIMIT = "8 seconds"

const typedFailure = <A>(exit: Exit.Exit<A, unknown>): InformixError => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const cause = (exit as Exit.Failure<A, unknown>).cause
  assert.isFalse(Cause.hasDies(cause), `a defect instead of a typed error: ${String(cause)}`)
  assert.isFalse(Cause.hasInterrupts(cause), `interrupted instead of a typed error: ${String(cause)}`)
  return Cause.squash(cause) as InformixError
}

/** Runs `effect` bounded by HANG_LIMIT; a hang fails the test. */
const bounded = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.exit(Effect.timeoutOrElse(effect, {
    duration: HANG_LIMIT,
    orElse: () => Effect.die(new Error(`no answer within ${HANG_LIMIT}: the client hangs`))
  }))

const setUp = Effect.gen(function*() {
  const server = yield* TestServer.make()
  const scope = yield* Scope.make()
  const pool = yield* Pool.make({
    url: server.url,
    maxConnections: 2,
    queryTimeout: "1500 millis",
    drainTimeout: "500 millis",
    acquireTimeout: "5 seconds"
  }).pipe(Scope.provide(scope))
  yield* pool.use((conn) =>
    Effect.gen(function*() {
      yield* conn.execute("CREATE TABLE f (id INTEGER, name VARCHAR(40))")
      yield* conn.transaction(Effect.forEach(
        Array.from({ length: ROWS }, (_, i) => i),
        (i) => conn.execute("INSERT INTO f VALUES (?, ?)", [i, `row number ${i}`]),
        { discard: true }
      ))
    })
  )
  const query = (limit: number) => pool.use((conn) => conn.values(QUERY, [limit]))
  /** The pool answers correctly (after whatever the previous fault did). */
  const healthy = Effect.gen(function*() {
    const exit = yield* bounded(query(5))
    assert.isTrue(Exit.isSuccess(exit), `the pool did not recover: ${String(Exit.isFailure(exit) ? exit.cause : "")}`)
    assert.deepStrictEqual((exit as Exit.Success<ReadonlyArray<ReadonlyArray<unknown>>>).value, expected(5))
  })
  /** Closes the pool and checks that the server holds nothing any more. */
  const closeAndCheck = Effect.gen(function*() {
    // A session the client retired may still be finishing a (slowed) write on the server side.
    const during = yield* Effect.repeat(server.stats, {
      until: (stats) => stats.cursors === 0,
      schedule: Schedule.spaced("50 millis")
    }).pipe(Effect.timeout("8 seconds"), Effect.orElseSucceed(() => undefined), Effect.flatMap(() => server.stats))
    assert.strictEqual(during.cursors, 0, "no cursor left open while the pool lives")
    assert.strictEqual(during.transactions, 0, "no transaction left open")
    yield* Scope.close(scope, Exit.void)
    const after = yield* Effect.repeat(server.stats, {
      until: (stats) => stats.sessions === 0,
      schedule: Schedule.spaced("20 millis")
    }).pipe(Effect.timeout("5 seconds"))
    assert.strictEqual(after.sessions, 0, "every session closed")
    assert.strictEqual(after.statements, 0, "no statement left allocated")
  })
  /**
   * Waits until no cursor is open on the server: the CLOSE of `healthy`'s exhausted cursor waits for the session's
   * next request or 1 ms of idleness (deferred CLOSE), and a fault armed on the "next reply" must hit a statement.
   */
  const closesSent = Effect.repeat(server.stats, {
    until: (stats) => stats.cursors === 0,
    schedule: Schedule.spaced("10 millis")
  }).pipe(Effect.timeout("8 seconds"), Effect.ignore)
  return { server, pool, query, healthy, closesSent, closeAndCheck }
})

describe("fault injection through a pool", () => {
  it.live(
    "close mid-frame at every offset of a reply → ConnectionError, session retired, pool recovers",
    () =>
      Effect.gen(function*() {
        const { closeAndCheck, healthy, pool, query, server } = yield* setUp
        // Warm: the statement is prepared and cached, so the next reply is the OPEN + NFETCH one.
        yield* healthy
        let retiredBefore = (yield* pool.stats).retired
        // The cached statement's reply for 5 rows is well over 60 bytes; cut it at every offset in front of that.
        for (let offset = 0; offset < 60; offset++) {
          yield* healthy
          yield* server.faults.closeAfterBytes(offset)
          const error = typedFailure(yield* bounded(query(5)))
          assert.strictEqual(error._tag, "ConnectionError", `offset ${offset}: ${error._tag}: ${error.message}`)
          yield* healthy
          const retired = (yield* pool.stats).retired
          assert.isAbove(retired, retiredBefore, `offset ${offset}: the broken session was retired`)
          retiredBefore = retired
        }
        yield* closeAndCheck
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )

  it.live(
    "a flipped byte at every offset of a reply → a result or a typed error, never a hang; pool recovers",
    () =>
      Effect.gen(function*() {
        const { closeAndCheck, healthy, query, server } = yield* setUp
        yield* healthy
        const outcomes: Record<string, number> = {}
        for (let offset = 0; offset < 80; offset++) {
          yield* server.faults.corruptNextReply({ _tag: "FlipByte", offset })
          const exit = yield* bounded(query(5))
          // No checksum in SQLI: a flipped data byte can change a value. What must never happen is a defect, a hang,
          // or a session that keeps serving after the stream went out of step.
          const outcome = Exit.isSuccess(exit) ? "result" : typedFailure(exit)._tag
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
          yield* healthy
        }
        assert.isAbove(outcomes["ProtocolError"] ?? 0, 0, `framing damage is detected: ${JSON.stringify(outcomes)}`)
        yield* closeAndCheck
      }).pipe(Effect.scoped),
    { timeout: 180_000 }
  )

  it.live("an unknown opcode → ProtocolError, the session is retired, pool recovers", () =>
    Effect.gen(function*() {
      const { closeAndCheck, healthy, pool, query, server } = yield* setUp
      yield* healthy
      const before = (yield* pool.stats).retired
      yield* server.faults.corruptNextReply({ _tag: "UnknownOpcode" })
      const error = typedFailure(yield* bounded(query(5)))
      assert.strictEqual(error._tag, "ProtocolError")
      yield* healthy
      assert.isAbove((yield* pool.stats).retired, before)
      yield* closeAndCheck
    }).pipe(Effect.scoped))

  it.live("a reply stalled past queryTimeout → SqlError -213 (urgent byte), the session stays", () =>
    Effect.gen(function*() {
      const { closeAndCheck, closesSent, healthy, pool, query, server } = yield* setUp
      yield* healthy
      yield* closesSent
      const before = yield* pool.stats
      yield* server.faults.stallNextReply("20 seconds")
      const error = typedFailure(yield* bounded(query(5)))
      assert.strictEqual(error._tag, "SqlError")
      assert.strictEqual((error as Extract<InformixError, { _tag: "SqlError" }>).sqlcode, -213)
      yield* healthy
      const after = yield* pool.stats
      assert.strictEqual(after.retired, before.retired, "an interrupted statement does not cost the session")
      yield* closeAndCheck
    }).pipe(Effect.scoped))

  it.live("a stalled statement without server interrupt → drain deadline, ConnectionError Timeout, retired, recovers", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const scope = yield* Scope.make()
      const pool = yield* Pool.make({
        url: server.url,
        maxConnections: 1,
        serverInterrupt: false,
        queryTimeout: "300 millis",
        drainTimeout: "300 millis"
      }).pipe(Scope.provide(scope))
      const error = typedFailure(yield* bounded(pool.use((conn) => conn.execute(server.stallSql))))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.strictEqual((error as Extract<InformixError, { _tag: "ConnectionError" }>).reason, "Timeout")
      const next = yield* bounded(pool.use((conn) => conn.values("SELECT tabid FROM systables WHERE tabid = 1")))
      assert.isTrue(Exit.isSuccess(next), "the pool replaced the retired session")
      assert.strictEqual((yield* pool.stats).retired, 1)
      yield* Scope.close(scope, Exit.void)
    }).pipe(Effect.scoped))

  it.live(
    "replies trickled in 3-byte chunks decode correctly; trickled past queryTimeout fail typed",
    () =>
      Effect.gen(function*() {
        const { closeAndCheck, healthy, query, server } = yield* setUp
        yield* healthy
        yield* server.faults.slowReplies({ delay: "1 millis", chunkSize: 3 })
        const trickled = yield* bounded(query(ROWS))
        assert.isTrue(Exit.isSuccess(trickled), "a trickled reply is still a reply")
        assert.deepStrictEqual((trickled as Exit.Success<ReadonlyArray<ReadonlyArray<unknown>>>).value, expected(ROWS))
        // So slow that the statement deadline passes while the reply is still arriving: 200-byte chunks 500 ms apart.
        // (The TestServer keeps writing a slowed reply to a socket the client closed, so the retired session's
        // cursor goes away only when that loop ends; `closeAndCheck` waits for it.)
        yield* server.faults.slowReplies({ delay: "500 millis", chunkSize: 200 })
        const late = typedFailure(yield* bounded(query(ROWS)))
        assert.include(["SqlError", "ConnectionError"], late._tag, `${late._tag}: ${late.message}`)
        yield* server.faults.reset
        yield* healthy
        yield* closeAndCheck
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("replies written one byte per segment decode correctly", () =>
    Effect.gen(function*() {
      const { closeAndCheck, healthy, query, server } = yield* setUp
      yield* healthy
      yield* server.faults.splitWrites(true)
      const exit = yield* bounded(query(3))
      yield* server.faults.splitWrites(false)
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual((exit as Exit.Success<ReadonlyArray<ReadonlyArray<unknown>>>).value, expected(3))
      yield* closeAndCheck
    }).pipe(Effect.scoped), { timeout: 60_000 })

  for (const on of ["prepare", "execute", "fetch"] as const) {
    it.live(`an injected SQ_ERR on ${on} fails only that statement: typed, classified, no cursor left`, () =>
      Effect.gen(function*() {
        const { closeAndCheck, healthy, pool, server } = yield* setUp
        yield* healthy
        const before = yield* pool.stats
        yield* server.faults.failNextStatement({ sqlcode: -244, isamCode: -107, on })
        // A fresh SQL text, so the PREPARE is not served from the statement cache.
        const error = typedFailure(
          yield* bounded(pool.use((conn) => conn.values(`${QUERY} -- ${on}`, [10])))
        )
        assert.strictEqual(error._tag, "SqlError")
        const sqlError = error as Extract<InformixError, { _tag: "SqlError" }>
        assert.strictEqual(sqlError.sqlcode, -244)
        assert.strictEqual(sqlError.isamCode, -107)
        assert.isTrue(sqlError.isLockTimeout)
        assert.strictEqual(sqlError.sql, `${QUERY} -- ${on}`)
        yield* healthy
        assert.strictEqual((yield* pool.stats).retired, before.retired, "an SQL error does not cost the session")
        yield* closeAndCheck
      }).pipe(Effect.scoped))
  }

  it.live("the server drops every connection mid-stream → ConnectionError; the pool serves the next query", () =>
    Effect.gen(function*() {
      const { closeAndCheck, healthy, pool, server } = yield* setUp
      yield* healthy
      const exit = yield* bounded(pool.use((conn) =>
        conn.streamValues(QUERY, [ROWS], { fetchSize: 32 }).pipe(
          Stream.tap((row) => row[0] === 3 ? server.dropConnections : Effect.void),
          Stream.runCollect
        )
      ))
      const error = typedFailure(exit)
      assert.strictEqual(error._tag, "ConnectionError")
      yield* healthy
      assert.isAbove((yield* pool.stats).retired, 0)
      yield* closeAndCheck
    }).pipe(Effect.scoped))
})
