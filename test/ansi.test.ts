/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * MODE ANSI databases end to end (TestServer `databases: [{ ansi: true }]`): every statement runs in a transaction the
 * server opens by itself, so a pooled session is "in a transaction" after any statement and is rolled back when it
 * returns; `transaction()` and effect/sql's `withTransaction` never send BEGIN WORK there (JDBC-READING.md §2).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import * as Pool from "../src/Pool.ts"
import * as TestServer from "../src/TestServer.ts"

const ansiServer = (events?: Array<TestServer.ProtocolTraceEvent>) =>
  TestServer.make({
    databases: [{ name: "ansidb", ansi: true }],
    ...(events === undefined ? {} : { protocolTrace: (event) => events.push(event) })
  })

/** Whether any batch the server received began a transaction (SQ_BEGIN, or BEGIN WORK as SQL). */
const sentBegin = (events: ReadonlyArray<TestServer.ProtocolTraceEvent>): boolean =>
  events.some((e) =>
    e._tag === "Batch" && e.messages.some((m) =>
      m._tag === "Begin" ||
      ((m._tag === "Command" || m._tag === "Prepare") && /^\s*begin/i.test(Buffer.from(m.sql).toString("latin1")))
    )
  )

describe("ANSI databases", () => {
  it.live("the session reports the database as ANSI and logged", () =>
    Effect.gen(function*() {
      const server = yield* ansiServer()
      const conn = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual([conn.databaseInfo.ansi, conn.databaseInfo.logged, conn.databaseInfo.openWarnings], [
        true,
        true,
        0x0007
      ])
      assert.isFalse(conn.inTransaction)
      yield* conn.values("SELECT COUNT(*) FROM systables")
      assert.isTrue(conn.inTransaction)
    }).pipe(Effect.scoped))

  it.live("pool of one: borrower B sees nothing of borrower A's uncommitted row, and B's COMMIT does not commit it", () =>
    Effect.gen(function*() {
      const server = yield* ansiServer()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1 })
      yield* pool.use((c) => c.transaction(c.execute("CREATE TABLE t (n INTEGER)")))
      // Borrower A: an INSERT outside any transaction() — in an ANSI database it is inside the implicit one.
      yield* pool.use((c) =>
        Effect.gen(function*() {
          yield* c.execute("INSERT INTO t VALUES (1)")
          assert.isTrue(c.inTransaction)
        })
      )
      // Borrower B gets the same (only) session, outside any transaction.
      const seen = yield* pool.use((c) =>
        Effect.gen(function*() {
          assert.isFalse(c.inTransaction)
          const rows = yield* c.values("SELECT n FROM t")
          yield* c.execute("COMMIT WORK")
          return rows
        })
      )
      assert.deepStrictEqual(seen, [])
      const other = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual(yield* other.values("SELECT n FROM t"), [])
      assert.strictEqual((yield* pool.stats).retired, 0)
    }).pipe(Effect.scoped))

  it.live("transaction() sends no BEGIN WORK, commits with COMMIT WORK and rolls back on failure", () =>
    Effect.gen(function*() {
      const events: Array<TestServer.ProtocolTraceEvent> = []
      const server = yield* ansiServer(events)
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.transaction(conn.execute("CREATE TABLE t (n INTEGER)"))
      yield* conn.transaction(conn.execute("INSERT INTO t VALUES (1)"))
      const failed = yield* Effect.exit(
        conn.transaction(Effect.andThen(conn.execute("INSERT INTO t VALUES (2)"), Effect.fail("boom" as const)))
      )
      assert.isTrue(Exit.isFailure(failed))
      assert.isFalse(conn.inTransaction)
      const other = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual(yield* other.values("SELECT n FROM t"), [[1]])
      assert.isFalse(sentBegin(events))
    }).pipe(Effect.scoped))

  it.live("InformixClient: withTransaction commits and rolls back without BEGIN WORK; plain statements are rolled back", () =>
    Effect.gen(function*() {
      const events: Array<TestServer.ProtocolTraceEvent> = []
      const server = yield* ansiServer(events)
      const sql = yield* InformixClient.make({ url: server.url, maxConnections: 1 }).pipe(
        Effect.provide(Reactivity.layer)
      )
      yield* sql.withTransaction(sql`CREATE TABLE t (n INTEGER)`)
      yield* sql.withTransaction(sql`INSERT INTO t VALUES (1)`)
      const failed = yield* Effect.exit(
        sql.withTransaction(Effect.andThen(sql`INSERT INTO t VALUES (2)`, Effect.fail("boom" as const)))
      )
      assert.isTrue(Exit.isFailure(failed))
      // Outside a transaction nothing is committed in an ANSI database: the pool rolls the statement back.
      yield* sql`INSERT INTO t VALUES (3)`
      assert.deepStrictEqual(yield* sql`SELECT n FROM t ORDER BY n`, [{ n: 1 }])
      assert.isFalse(sentBegin(events))
    }).pipe(Effect.scoped))

  it.live("transaction({ isolation }): SET TRANSACTION as the first statement, else SET ISOLATION and restored", () =>
    Effect.gen(function*() {
      const events: Array<TestServer.ProtocolTraceEvent> = []
      const server = yield* ansiServer(events)
      const conn = yield* Connection.make({ url: server.url, isolation: "committedRead" })
      const statements = () =>
        events.flatMap((e) =>
          e._tag === "Batch"
            ? e.messages.flatMap((m) =>
              m._tag === "Command" || m._tag === "Prepare" ? [Buffer.from(m.sql).toString("latin1")] : []
            )
            : []
        )
      // Nothing ran since the last COMMIT: SET TRANSACTION opens the implicit transaction.
      yield* conn.execute("COMMIT WORK")
      events.length = 0
      yield* conn.transaction(conn.values("SELECT COUNT(*) FROM systables"), { isolation: "dirtyRead" })
      assert.deepStrictEqual(statements().slice(0, 2), [
        "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
        "SELECT COUNT(*) FROM systables"
      ])
      assert.isFalse(sentBegin(events))
      // A statement already ran in the implicit transaction: SET TRANSACTION would be refused (-876).
      yield* conn.values("SELECT COUNT(*) FROM systables")
      events.length = 0
      yield* conn.transaction(conn.values("SELECT COUNT(*) FROM systables"), { isolation: "repeatableRead" })
      const sent = statements()
      assert.strictEqual(sent[0], "SET ISOLATION TO REPEATABLE READ")
      assert.strictEqual(sent[sent.length - 1], "SET ISOLATION TO COMMITTED READ")
      assert.strictEqual(conn.changedSettings.size, 0)
    }).pipe(Effect.scoped))
})
