/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message and error unions */
/**
 * Batches (`executeMany`) through the wire: the batch shape IBM JDBC's `executeBatch` sends (one PREPARE, `ID (BIND
 * EXECUTE)×n EOT` split at ~32 KiB, one SQ_DONE per row), per-row results with generated SERIAL / SERIAL8 /
 * BIGSERIAL, the failing row's index in `BatchError`, stop vs continue, bad input rejected before anything is sent,
 * and an interrupted or timed-out batch leaving the session usable.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Connection from "../src/Connection.ts"
import type { ClientMessage } from "../src/internal/protocol/messages.ts"
import * as TestServer from "../src/TestServer.ts"
import { describeNoColumns, done, EOT, err, makeFakeServer } from "./connection/fakeServer.ts"
import { failure, serverAndConnection } from "./connectionSupport.ts"
import { itUrgent } from "./urgentSupport.ts"

const setup = serverAndConnection

const keys = (conn: Connection.Connection, table: string) =>
  Effect.map(conn.values(`SELECT k FROM ${table} ORDER BY k`), (rows) => rows.map((row) => row[0]))

describe("Connection.executeMany", () => {
  it.live("inserts every row with one result per row, generated SERIALs included", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE b1 (id SERIAL, k INTEGER, v VARCHAR(20))")
      const results = yield* conn.executeMany("INSERT INTO b1 (k, v) VALUES (?, ?)", [[10, "a"], [20, "b"], [30, null]])
      assert.deepStrictEqual(results, [
        { rowsAffected: 1, serial: 1 },
        { rowsAffected: 1, serial: 2 },
        { rowsAffected: 1, serial: 3 }
      ])
      assert.deepStrictEqual(yield* conn.values("SELECT id, k, v FROM b1 ORDER BY id"), [
        [1, 10, "a"],
        [2, 20, "b"],
        [3, 30, null]
      ])
    }).pipe(Effect.scoped))

  it.live("SERIAL8 and BIGSERIAL of each row, on execute and executeMany", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE b8 (id SERIAL8, k INTEGER)")
      yield* conn.execute("CREATE TABLE bb (id BIGSERIAL, k INTEGER)")
      assert.deepStrictEqual(yield* conn.execute("INSERT INTO b8 (k) VALUES (?)", [1]), {
        rowsAffected: 1,
        serial8: 1n
      })
      assert.deepStrictEqual(yield* conn.executeMany("INSERT INTO b8 (k) VALUES (?)", [[2], [3]]), [
        { rowsAffected: 1, serial8: 2n },
        { rowsAffected: 1, serial8: 3n }
      ])
      assert.deepStrictEqual(yield* conn.execute("INSERT INTO bb (k) VALUES (?)", [1]), {
        rowsAffected: 1,
        bigserial: 1n
      })
      assert.deepStrictEqual(yield* conn.executeMany("INSERT INTO bb (id, k) VALUES (?, ?)", [[100n, 2], [0, 3]]), [
        { rowsAffected: 1, bigserial: 100n },
        { rowsAffected: 1, bigserial: 101n }
      ])
    }).pipe(Effect.scoped))

  it.live("BYTE and TEXT values travel in the batch (SQ_BBIND after each row's BIND)", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bb2 (k INTEGER, b BYTE, t TEXT)")
      const blob = (n: number) => Uint8Array.from({ length: 3000 }, (_, i) => (i * n) % 256)
      yield* conn.executeMany("INSERT INTO bb2 VALUES (?, ?, ?)", [[1, blob(1), null], [2, blob(7), null], [
        3,
        null,
        null
      ]])
      const rows = yield* conn.values("SELECT k, b FROM bb2 ORDER BY k")
      assert.deepStrictEqual(rows, [[1, blob(1)], [2, blob(7)], [3, null]])
    }).pipe(Effect.scoped))

  it.live("stops at the first failing row: BatchError names it, the rows before it stay", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bk (k INTEGER PRIMARY KEY)")
      const error = failure(yield* Effect.exit(conn.executeMany("INSERT INTO bk VALUES (?)", [[1], [2], [1], [3]])))
      assert.strictEqual(error._tag, "BatchError")
      if (error._tag !== "BatchError") return
      assert.strictEqual(error.index, 2)
      assert.isTrue(error.cause.isUniqueViolation)
      assert.deepStrictEqual(error.failures.map((f) => f.index), [2])
      assert.deepStrictEqual(error.results, [{ rowsAffected: 1 }, { rowsAffected: 1 }, null, null])
      assert.match(error.message, /Row 2 of the batch failed/)
      assert.deepStrictEqual(yield* keys(conn, "bk"), [1, 2])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("onError continue runs every row and reports every failure", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bc (k INTEGER PRIMARY KEY)")
      const exit = yield* Effect.exit(
        conn.executeMany("INSERT INTO bc VALUES (?)", [[1], [1], [2], [2], [3], [1]], { onError: "continue" })
      )
      const error = failure(exit)
      assert.strictEqual(error._tag, "BatchError")
      if (error._tag !== "BatchError") return
      assert.strictEqual(error.index, 1)
      assert.deepStrictEqual(error.failures.map((f) => f.index), [1, 3, 5])
      assert.deepStrictEqual(error.results.map((r) => r?.rowsAffected ?? null), [1, null, 1, null, 1, null])
      assert.match(error.message, /and 2 more rows/)
      assert.deepStrictEqual(yield* keys(conn, "bc"), [1, 2, 3])
    }).pipe(Effect.scoped))

  it.live("3,000 rows go out in batches of at most 32 KiB; a failure in a later batch keeps its index", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bl (k INTEGER PRIMARY KEY, v VARCHAR(40))")
      const rows = Array.from({ length: 3_000 }, (_, i) => [i, `row ${i} of the large batch`])
      const results = yield* conn.executeMany("INSERT INTO bl VALUES (?, ?)", rows)
      assert.strictEqual(results.length, 3_000)
      assert.isTrue(results.every((r) => r.rowsAffected === 1))
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*), MIN(k), MAX(k) FROM bl"), [[3_000, 0, 2_999]])
      // A duplicate of row 0 at 2,500 (past the first batches), then continue with the rows after it.
      const again = Array.from({ length: 2_505 }, (_, i) => [i < 2_500 ? 20_000 + i : i === 2_500 ? 0 : 30_000 + i, ""])
      const error = failure(
        yield* Effect.exit(conn.executeMany("INSERT INTO bl VALUES (?, ?)", again, { onError: "continue" }))
      )
      assert.strictEqual(error._tag, "BatchError")
      if (error._tag !== "BatchError") return
      assert.strictEqual(error.index, 2_500)
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM bl"), [[3_000 + 2_504]])
    }).pipe(Effect.scoped))

  it.live("ANSI database: a row that touches nothing (SQ_ERR 100 ends the server's batch) is not a failure", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: [{ name: "ansidb", ansi: true }] })
      const conn = yield* Connection.make({ url: server.url, database: "ansidb" })
      yield* conn.execute("CREATE TABLE ba (k INTEGER, v INTEGER)")
      yield* conn.executeMany("INSERT INTO ba VALUES (?, 0)", [[1], [2], [3]])
      const results = yield* conn.executeMany("UPDATE ba SET v = v + 1 WHERE k = ?", [[1], [9], [2], [9], [3]])
      assert.deepStrictEqual(results.map((r) => r.rowsAffected), [1, 0, 1, 0, 1])
      assert.deepStrictEqual(yield* conn.values("SELECT k, v FROM ba ORDER BY k"), [[1, 1], [2, 1], [3, 1]])
      yield* conn.execute("COMMIT WORK")
    }).pipe(Effect.scoped))

  it.live("bad rows fail with ParameterError naming the row before anything is sent", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bp (k INTEGER, v VARCHAR(10))")
      const sql = "INSERT INTO bp VALUES (?, ?)"
      const width = failure(yield* Effect.exit(conn.executeMany(sql, [[1, "a"], [2]])))
      assert.strictEqual(width._tag, "ParameterError")
      if (width._tag === "ParameterError") {
        assert.strictEqual(width.row, 1)
        assert.match(width.message, /Row 1 has 1 parameters but row 0 has 2/)
      }
      const unbindable = failure(yield* Effect.exit(conn.executeMany(sql, [[1, "a"], [2, "b"], [3, Symbol("x")]])))
      assert.strictEqual(unbindable._tag, "ParameterError")
      if (unbindable._tag === "ParameterError") {
        assert.strictEqual(unbindable.row, 2)
        assert.strictEqual(unbindable.index, 1)
        assert.match(unbindable.message, /Row 2, parameter 2 cannot be bound/)
      }
      const notRow = failure(yield* Effect.exit(conn.executeMany(sql, [[1, "a"], 5 as never])))
      assert.strictEqual(notRow._tag, "ParameterError")
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM bp"), [[0]])
      assert.deepStrictEqual(yield* conn.executeMany(sql, []), [])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("a PreparedStatement runs batches on its statement; after its scope it is released", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bs (k INTEGER)")
      const statement = yield* Effect.scoped(Effect.gen(function*() {
        const insert = yield* conn.prepare("INSERT INTO bs VALUES (?)")
        assert.strictEqual((yield* insert.executeMany([[1], [2]])).length, 2)
        assert.strictEqual((yield* insert.executeMany([[3]])).length, 1)
        return insert
      }))
      assert.deepStrictEqual(yield* keys(conn, "bs"), [1, 2, 3])
      const released = failure(yield* Effect.exit(statement.executeMany([[4]])))
      assert.strictEqual(released._tag, "StatementReleasedError")
    }).pipe(Effect.scoped))

  it.live("a statement with a result set runs row by row, as execute does", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE bq (k INTEGER)")
      yield* conn.executeMany("INSERT INTO bq VALUES (?)", [[1], [2], [2]])
      const results = yield* conn.executeMany("SELECT k FROM bq WHERE k = ?", [[1], [2], [3]])
      assert.deepStrictEqual(results.map((r) => r.rowsAffected), [1, 2, 0])
    }).pipe(Effect.scoped))

  itUrgent("an interrupted batch leaves the session usable and releases its statement", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      // No statement cache, so every statement the server still holds afterwards would be a leak.
      const conn = yield* Connection.make({ url: server.url, statementCacheSize: 0 })
      const fiber = yield* Effect.forkChild(
        conn.executeMany("EXECUTE PROCEDURE sysproc_sleep(?)", [[0], [30], [0]])
      )
      yield* Effect.sleep("150 millis")
      yield* Fiber.interrupt(fiber)
      yield* conn.awaitSettled
      assert.notStrictEqual(conn.state, "dead")
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM systables WHERE tabid = 1"), [[1]])
      assert.strictEqual((yield* server.stats).statements, 0)
    }).pipe(Effect.scoped))

  itUrgent("a timed-out batch stops even with onError continue", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const error = failure(
        yield* Effect.exit(
          conn.executeMany("EXECUTE PROCEDURE sysproc_sleep(?)", [[0], [30], [0]], {
            onError: "continue",
            timeout: "200 millis"
          })
        )
      )
      if (conn.serverInterruptSupported) {
        assert.strictEqual(error._tag, "BatchError")
        if (error._tag === "BatchError") {
          assert.strictEqual(error.index, 1)
          assert.strictEqual(error.cause.sqlcode, -213)
          assert.deepStrictEqual(error.failures.map((f) => f.index), [1])
        }
      }
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM systables WHERE tabid = 1"), [[1]])
    }).pipe(Effect.scoped))
})

describe("executeMany on the wire", () => {
  const handler = (batch: ReadonlyArray<ClientMessage>, session: { reply: (m: ReadonlyArray<never>) => void }) => {
    const first = batch[0]!
    if (first._tag === "Prepare") return session.reply([describeNoColumns(6, 9), done(0), EOT] as never)
    const executes = batch.filter((m) => m._tag === "Execute").length
    if (executes > 0) {
      // The second row of a batch fails; the rest of that batch is skipped (SQLI.md §8.15).
      const values = batch.filter((m) => m._tag === "Bind").map((m) => (m as { params: ReadonlyArray<unknown> }).params)
      const out: Array<unknown> = []
      for (const params of values) {
        const first = (params[0] as { data: Uint8Array }).data
        if (first[3] === 99) {
          out.push(err(-268, "pk"))
          break
        }
        out.push(done(1, first[3]!), { _tag: "Cost", estimatedRows: 0, estimatedCost: 0 })
      }
      return session.reply([...out, EOT] as never)
    }
    return session.reply([EOT] as never)
  }

  it.live("one PREPARE, then ID (BIND EXECUTE)×n EOT, a retry batch after the failing row, then RELEASE", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const exit = yield* Effect.exit(conn.executeMany("INSERT INTO t VALUES (?)", [[1], [99], [3], [4]], {
        onError: "continue"
      }))
      const error = failure(exit)
      assert.strictEqual(error._tag, "BatchError")
      if (error._tag === "BatchError") {
        assert.strictEqual(error.index, 1)
        assert.deepStrictEqual(error.results, [{ rowsAffected: 1, serial: 1 }, null, { rowsAffected: 1, serial: 3 }, {
          rowsAffected: 1,
          serial: 4
        }])
      }
      const shapes = server.batches.map((b) => b.map((m) => m._tag).join(" "))
      assert.deepStrictEqual(shapes, [
        "Prepare NDescribe WantDone Eot",
        "Id Bind Execute Bind Execute Bind Execute Bind Execute Eot",
        "Id Bind Execute Bind Execute Eot",
        "Id Release Eot"
      ])
    }).pipe(Effect.scoped))
})
