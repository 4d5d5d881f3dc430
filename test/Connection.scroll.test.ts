/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message and error unions */
/**
 * Scroll cursors through the wire against TestServer: every move (next / prior / first / last / absolute /
 * relative, negative positions), past either end as `Option.none()`, streams from a position, bad positions as
 * `UsageError`, the batches sent (SCROLL OPEN, one SFETCH per move), and the cursor closed and its statement released
 * when the scope closes, also after interruption.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import type { ClientMessage } from "../src/internal/protocol/messages.ts"
import * as TestServer from "../src/TestServer.ts"
import { describeWith, done, EOT, type FakeSession, intRow, makeFakeServer } from "./connection/fakeServer.ts"
import { failure } from "./connectionSupport.ts"
import { itUrgent } from "./urgentSupport.ts"

/** A session without a statement cache, over a 20-row table `s` (k = 1…20, v = "v<k>"). */
const setup = Effect.gen(function*() {
  const server = yield* TestServer.make()
  const conn = yield* Connection.make({ url: server.url, statementCacheSize: 0 })
  yield* conn.execute("CREATE TABLE s (k INTEGER, v VARCHAR(10))")
  yield* conn.executeMany("INSERT INTO s VALUES (?, ?)", Array.from({ length: 20 }, (_, i) => [i + 1, `v${i + 1}`]))
  return { server, conn }
})

/** The k of a move's row, or undefined for none. */
const k = <E>(move: Effect.Effect<Option.Option<Connection.Row>, E>) =>
  Effect.map(move, (row) => Option.isSome(row) ? row.value.k : undefined)

describe("Connection.scroll", () => {
  it.live("moves in every direction; past either end is none, and the cursor comes back from there", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* Effect.scoped(Effect.gen(function*() {
        const cursor = yield* conn.scroll("SELECT k, v FROM s WHERE k <= ? ORDER BY k", [20])
        assert.deepStrictEqual(cursor.columns.map((c) => c.name), ["k", "v"])
        assert.strictEqual(yield* cursor.position, 0)
        assert.strictEqual(yield* k(cursor.prior), undefined)
        assert.deepStrictEqual(yield* cursor.next, Option.some({ k: 1, v: "v1" }))
        assert.strictEqual(yield* k(cursor.next), 2)
        assert.strictEqual(yield* k(cursor.absolute(5)), 5)
        assert.strictEqual(yield* cursor.position, 5)
        assert.strictEqual(yield* k(cursor.prior), 4)
        assert.strictEqual(yield* k(cursor.relative(3)), 7)
        assert.strictEqual(yield* k(cursor.relative(-2)), 5)
        assert.strictEqual(yield* k(cursor.relative(0)), 5)
        assert.strictEqual(yield* k(cursor.last), 20)
        assert.strictEqual(yield* cursor.position, 20)
        assert.strictEqual(yield* k(cursor.first), 1)
        assert.strictEqual(yield* k(cursor.absolute(-1)), 20)
        assert.strictEqual(yield* k(cursor.absolute(-20)), 1)
        // Past the end: none, then prior comes back to the last row.
        assert.strictEqual(yield* k(cursor.absolute(21)), undefined)
        assert.strictEqual(yield* cursor.position, 21)
        assert.strictEqual(yield* k(cursor.next), undefined)
        assert.strictEqual(yield* k(cursor.prior), 20)
        assert.strictEqual(yield* k(cursor.next), undefined)
        assert.strictEqual(yield* k(cursor.relative(-3)), 18)
        // Before the start: none, then next comes back to the first row.
        assert.strictEqual(yield* k(cursor.relative(-30)), undefined)
        assert.strictEqual(yield* cursor.position, 0)
        assert.strictEqual(yield* k(cursor.next), 1)
        assert.strictEqual(yield* k(cursor.absolute(-21)), undefined)
        assert.strictEqual(yield* k(cursor.absolute(0)), undefined)
        assert.strictEqual(yield* k(cursor.relative(0)), undefined)
        assert.strictEqual(yield* k(cursor.absolute(3)), 3)
      }))
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("a miss after the last row learns the count without SFETCH LAST; an empty result has no rows", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* Effect.scoped(Effect.gen(function*() {
        const cursor = yield* conn.scroll("SELECT k FROM s WHERE k > 18 ORDER BY k")
        assert.strictEqual(yield* k(cursor.next), 19)
        assert.strictEqual(yield* k(cursor.next), 20)
        assert.strictEqual(yield* k(cursor.next), undefined)
        assert.strictEqual(yield* cursor.position, 3)
        assert.strictEqual(yield* k(cursor.relative(-1)), 20)
      }))
      yield* Effect.scoped(Effect.gen(function*() {
        const cursor = yield* conn.scroll("SELECT k FROM s WHERE k > 100")
        assert.strictEqual(yield* k(cursor.last), undefined)
        assert.strictEqual(yield* k(cursor.first), undefined)
        assert.strictEqual(yield* k(cursor.absolute(-1)), undefined)
        assert.strictEqual(yield* cursor.position, 0)
      }))
    }).pipe(Effect.scoped))

  it.live("streams from a position to the end, and again from elsewhere", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* Effect.scoped(Effect.gen(function*() {
        const cursor = yield* conn.scroll("SELECT k FROM s ORDER BY k")
        const tail = yield* Stream.runCollect(cursor.stream({ from: 17 }))
        assert.deepStrictEqual(tail.map((row) => row.k), [17, 18, 19, 20])
        assert.strictEqual(yield* k(cursor.prior), 20)
        assert.strictEqual(yield* k(cursor.absolute(2)), 2)
        const fromHere = yield* Stream.runCollect(Stream.take(cursor.stream(), 3))
        assert.deepStrictEqual(fromHere.map((row) => row.k), [3, 4, 5])
        const lastTwo = yield* Stream.runCollect(cursor.stream({ from: -2 }))
        assert.deepStrictEqual(lastTwo.map((row) => row.k), [19, 20])
        assert.deepStrictEqual(yield* Stream.runCollect(cursor.stream({ from: 30 })), [])
      }))
    }).pipe(Effect.scoped))

  it.live("bad positions and statements without rows fail with UsageError; the session stays usable", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup
      yield* Effect.scoped(Effect.gen(function*() {
        const cursor = yield* conn.scroll("SELECT k FROM s ORDER BY k")
        for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          const error = failure(yield* Effect.exit(cursor.absolute(bad)))
          assert.strictEqual(error._tag, "UsageError")
          assert.match(error.message, /must be a safe integer/)
        }
        assert.strictEqual(failure(yield* Effect.exit(cursor.relative(0.5)))._tag, "UsageError")
        assert.strictEqual(yield* k(cursor.next), 1)
      }))
      const notRows = failure(yield* Effect.exit(Effect.scoped(conn.scroll("INSERT INTO s VALUES (99, 'x')"))))
      assert.strictEqual(notRows._tag, "UsageError")
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM s"), [[20]])
      const syntax = failure(yield* Effect.exit(Effect.scoped(conn.scroll("SELEC k FROM s"))))
      assert.strictEqual(syntax._tag, "SqlError")
      const stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
      assert.strictEqual(stats.statements, 0)
    }).pipe(Effect.scoped))

  itUrgent(
    "the scope closes the cursor and releases the statement, also when interrupted",
    () =>
      Effect.gen(function*() {
        const { conn, server } = yield* setup
        const opened = yield* Effect.scoped(Effect.gen(function*() {
          const cursor = yield* conn.scroll("SELECT k FROM s ORDER BY k")
          yield* cursor.next
          return yield* server.stats
        }))
        assert.strictEqual(opened.cursors, 1)
        assert.strictEqual(opened.statements, 1)
        assert.deepStrictEqual(yield* server.stats, { ...opened, cursors: 0, statements: 0 })
        // Interrupted while the scope is open (between moves): finalizers close and release.
        const fiber = yield* Effect.forkChild(Effect.scoped(Effect.gen(function*() {
          const cursor = yield* conn.scroll("SELECT k FROM s ORDER BY k")
          yield* cursor.last
          return yield* Effect.never
        })))
        yield* Effect.sleep("150 millis")
        yield* Fiber.interrupt(fiber)
        yield* conn.awaitSettled
        const after = yield* server.stats
        assert.strictEqual(after.cursors, 0)
        assert.strictEqual(after.statements, 0)
        // Interrupted during an OPEN that stalls on the server: drained, then closed; the session works.
        const stalled = yield* Effect.forkChild(Effect.scoped(Effect.gen(function*() {
          const cursor = yield* conn.scroll("EXECUTE FUNCTION sysproc_sleep(?)", [30])
          return yield* cursor.next
        })))
        yield* Effect.sleep("150 millis")
        yield* Fiber.interrupt(stalled)
        yield* conn.awaitSettled
        assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM s"), [[20]])
        const end = yield* server.stats
        assert.strictEqual(end.cursors, 0)
        assert.strictEqual(end.statements, 0)
      }).pipe(Effect.scoped)
  )
})

describe("scroll cursors on the wire", () => {
  /** A 3-row result (k = row number); a scroll fetch answers TUPLE TUPID, or a bare EOT outside the rows. */
  const handler = (batch: ReadonlyArray<ClientMessage>, session: FakeSession): void => {
    if (batch[0]!._tag === "Prepare") return session.reply([describeWith(2, 4, ["k"]), done(0), EOT])
    const fetch = batch.find((m) => m._tag === "SFetch")
    if (fetch === undefined) return session.reply([EOT])
    const row = fetch.scrollType === 4 ? 3 : fetch.target
    if (row < 1 || row > 3) return session.reply([EOT])
    session.reply([intRow(row), { _tag: "TupId", rowNumber: row }, EOT])
  }

  it.live("SCROLL OPEN, one SFETCH per move (ABSOLUTE, LAST), CLOSE then RELEASE when the scope closes", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make({ url: server.url, statementCacheSize: 0 })
      yield* Effect.scoped(Effect.gen(function*() {
        const cursor = yield* conn.scroll("SELECT k FROM t")
        assert.strictEqual(yield* k(cursor.next), 1)
        assert.strictEqual(yield* k(cursor.last), 3)
        assert.strictEqual(yield* k(cursor.next), undefined)
        assert.strictEqual(yield* k(cursor.absolute(-3)), 1)
      }))
      const sent = server.batches.map((b) =>
        b.map((m) => m._tag === "SFetch" ? `SFetch(${m.scrollType},${m.target})` : m._tag).join(" ")
      )
      assert.deepStrictEqual(sent, [
        "Prepare NDescribe WantDone Eot",
        "Id CurName Scroll Open Eot",
        "Id SFetch(6,1) Eot",
        "Id SFetch(4,0) Eot",
        "Id SFetch(6,4) Eot",
        "Id SFetch(6,1) Eot",
        "Id Close Eot",
        "Id Release Eot"
      ])
    }).pipe(Effect.scoped))
})
