/**
 * MODE ANSI databases: a statement that touches no row reports SQLCODE 100 NOT FOUND as SQ_ERR(100) (SQLI.md §9.1),
 * which clients read as "0 rows", not as a failure.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../../src/Connection.ts"
import * as TestServer from "../../src/TestServer.ts"
import { command, errOf, session, tags } from "./wire.ts"

describe("ANSI databases", () => {
  it.live("UPDATE / DELETE / INSERT … SELECT touching no row: DONE(0) COST ERR(100); touching rows: no ERR", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: [{ name: "ansidb", ansi: true }] })
      const client = yield* session(server.port, { database: "ansidb" })
      // The first statement opens the implicit transaction: the server says so with SQ_XACTSTAT.
      assert.strictEqual(tags(yield* command(client, "CREATE TABLE t (a INTEGER)")), "Describe XactStat Done Cost Eot")
      assert.strictEqual(tags(yield* command(client, "INSERT INTO t VALUES (1)")), "Describe Done Cost Eot")
      for (
        const sql of [
          "UPDATE t SET a = 2 WHERE a = 99",
          "DELETE FROM t WHERE a = 99",
          "INSERT INTO t SELECT * FROM t WHERE a = 99"
        ]
      ) {
        const group = yield* command(client, sql)
        assert.strictEqual(tags(group), "Describe Done Cost Err Eot", sql)
        assert.strictEqual(errOf(group)?.sqlcode, 100, sql)
        // JDBC reads SQLCODE 100 in the standard layout (IfxSqli.receiveError; JDBC-READING.md §4).
        assert.strictEqual(errOf(group)?.form, "standard", sql)
      }
      assert.strictEqual(tags(yield* command(client, "UPDATE t SET a = 2 WHERE a = 1")), "Describe Done Cost Eot")
      const stats = yield* server.stats
      assert.strictEqual(stats.statements, 0)
    }))

  it.live("our client reads NOT FOUND as zero rows and the session keeps working", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: [{ name: "ansidb", ansi: true }] })
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.execute("CREATE TABLE t (a INTEGER)")
      yield* conn.execute("DELETE FROM t WHERE a = 1")
      yield* conn.execute("INSERT INTO t VALUES (1)")
      yield* conn.execute("COMMIT WORK")
      assert.deepStrictEqual(yield* conn.values("SELECT a FROM t"), [[1]])
    }).pipe(Effect.scoped))
})
