/**
 * MODE ANSI databases: a statement that touches no row reports SQLCODE 100 NOT FOUND as SQ_ERR(100) (SQLI.md §9.1),
 * which clients read as "0 rows", not as a failure.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../../src/Connection.ts"
import type { ServerMessage } from "../../src/internal/protocol/messages.ts"
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

describe("DBOPEN reply warnings (read bit by bit by JDBC, JDBC-READING.md §2)", () => {
  const openWarnings = (port: number, database: string, env?: ReadonlyArray<readonly [string, string]>) =>
    Effect.gen(function*() {
      const client = yield* session(port, { database: undefined, ...(env === undefined ? {} : { login: { env } }) })
      yield* client.send([{ _tag: "DbOpen", name: database, mode: 0 }, { _tag: "Eot" }])
      const opened = yield* client.group
      assert.strictEqual(tags(opened), "Done Eot", database)
      return opened[0]?._tag === "Done" ? opened[0].warnings : -1
    })

  it.live("0x0005 logged, 0x0007 ANSI, 0x0004 unlogged; 0x0040 more when the client's DB_LOCALE is not the database's", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({
        databases: ["logged", { name: "ansidb", ansi: true }, { name: "plain", logged: false }, {
          name: "utf8db",
          locale: "en_US.utf8"
        }]
      })
      assert.strictEqual(yield* openWarnings(server.port, "logged"), 0x0005)
      assert.strictEqual(yield* openWarnings(server.port, "ansidb"), 0x0007)
      assert.strictEqual(yield* openWarnings(server.port, "plain"), 0x0004)
      // No DB_LOCALE sent means en_US.8859-1; another spelling of the same locale is no mismatch.
      assert.strictEqual(yield* openWarnings(server.port, "utf8db"), 0x0045)
      assert.strictEqual(yield* openWarnings(server.port, "utf8db", [["DB_LOCALE", "en_US.utf8"]]), 0x0005)
      assert.strictEqual(yield* openWarnings(server.port, "logged", [["DB_LOCALE", "en_US.819"]]), 0x0005)
      assert.strictEqual(yield* openWarnings(server.port, "logged", [["DB_LOCALE", "de_DE.8859-1"]]), 0x0045)
    }))

  it.live("ANSI: SQ_XACTSTAT when a statement opens the implicit transaction and when COMMIT/ROLLBACK ends it", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: [{ name: "ansidb", ansi: true }] })
      const client = yield* session(server.port, { database: "ansidb" })
      const xact = (group: ReadonlyArray<ServerMessage>) =>
        group.flatMap((m) => m._tag === "XactStat" ? [[m.newLevel, m.oldLevel]] : [])
      assert.deepStrictEqual(xact(yield* command(client, "CREATE TABLE t (a INTEGER)")), [[1, 0]])
      assert.deepStrictEqual(xact(yield* command(client, "INSERT INTO t VALUES (1)")), [])
      assert.deepStrictEqual(xact(yield* command(client, "COMMIT WORK")), [[0, 1]])
      assert.deepStrictEqual(xact(yield* command(client, "INSERT INTO t VALUES (2)")), [[1, 0]])
      assert.deepStrictEqual(xact(yield* command(client, "ROLLBACK WORK")), [[0, 1]])
    }))
})
