/**
 * TestServer as an Informix instance, through the wire with our own client: logging in without a database,
 * CREATE / DROP / DATABASE / CLOSE DATABASE with IBM's codes, the read-only sysmaster, persistence with a
 * directory, and names of tables in other databases (`db:table`, `db@server:table`).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Connection from "../../src/Connection.ts"
import type { InformixError } from "../../src/InformixError.ts"
import * as TestServer from "../../src/TestServer.ts"

/** A session on `server` with no database (or `database`). */
const connect = (server: TestServer.TestServer, extra: Partial<Connection.Options> = {}) =>
  Connection.make({
    host: server.host,
    port: server.port,
    server: server.serverName,
    user: server.user,
    password: Redacted.make(server.password),
    ...extra
  })

/** The sqlcode a failing statement reports. */
const codeOf = <A>(effect: Effect.Effect<A, InformixError>) =>
  Effect.map(Effect.flip(effect), (e) => ("sqlcode" in e ? e.sqlcode : 0))

const trimmed = (rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
  rows.map((r) => r.map((v) => (typeof v === "string" ? v.trimEnd() : v)))

describe("TestServer instance", () => {
  it.live("no database at login: -349 until CREATE DATABASE, which opens it; DROP needs it closed", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* connect(server)
      assert.strictEqual(yield* codeOf(conn.values("SELECT 1 FROM systables")), -349)
      yield* conn.execute("CREATE DATABASE shop WITH LOG")
      yield* conn.execute("CREATE TABLE item (id INTEGER, name VARCHAR(20))")
      yield* conn.execute("INSERT INTO item VALUES (1, 'pen')")
      assert.deepStrictEqual(yield* conn.values("SELECT DBINFO('dbname') FROM systables WHERE tabid = 1"), [["shop"]])
      // -330 (ISAM -100): the name is taken; IF NOT EXISTS is quiet about it.
      assert.strictEqual(yield* codeOf(conn.execute("CREATE DATABASE shop")), -330)
      yield* conn.execute("CREATE DATABASE IF NOT EXISTS shop")
      // -359: the current database cannot be dropped.
      assert.strictEqual(yield* codeOf(conn.execute("DROP DATABASE shop")), -359)
      yield* conn.execute("CLOSE DATABASE")
      assert.strictEqual(yield* codeOf(conn.values("SELECT 1 FROM systables")), -349)
      assert.strictEqual(yield* codeOf(conn.execute("CLOSE DATABASE")), -349)
      yield* conn.execute("DATABASE shop")
      assert.deepStrictEqual(yield* conn.values("SELECT id, name FROM item"), [[1, "pen"]])
      // -377: a transaction must end before its database is closed or another is opened.
      yield* conn.execute("BEGIN WORK")
      assert.strictEqual(yield* codeOf(conn.execute("CLOSE DATABASE")), -377)
      assert.strictEqual(yield* codeOf(conn.execute("DATABASE testdb")), -377)
      assert.strictEqual(yield* codeOf(conn.execute("CREATE DATABASE other")), -377)
      yield* conn.execute("COMMIT WORK")
      yield* conn.execute("CLOSE DATABASE")
      yield* conn.execute("DROP DATABASE shop")
      assert.strictEqual(yield* codeOf(conn.execute("DATABASE shop")), -329)
      assert.strictEqual(yield* codeOf(conn.execute("DROP DATABASE shop")), -329)
      yield* conn.execute("DROP DATABASE IF EXISTS shop")
      assert.strictEqual(yield* codeOf(conn.execute("CREATE DATABASE 9lives")), -201)
      assert.strictEqual(yield* codeOf(conn.execute("CREATE DATABASE x WITH BUFFERED LOG MODE ANSI")), -201)
    }).pipe(Effect.scoped))

  it.live("sysmaster: sysdatabases / sysdbslocale describe each logging mode and locale; read-only", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* connect(server)
      yield* conn.execute("CREATE DATABASE d_unlogged")
      yield* conn.execute("CREATE DATABASE d_logged IN rootdbs WITH LOG")
      yield* conn.execute("CREATE DATABASE d_buffered WITH BUFFERED LOG")
      yield* conn.execute("CREATE DATABASE d_ansi WITH LOG MODE ANSI")
      const utf8 = yield* connect(server, { dbLocale: "en_US.utf8" })
      yield* utf8.execute("CREATE DATABASE d_utf8 WITH LOG")
      // The new database's catalog names its locale as JDBC reads it (' GL_CTYPE').
      assert.deepStrictEqual(
        yield* utf8.values("SELECT site FROM systables WHERE tabname = ' GL_CTYPE'"),
        [["en_US.57372"]]
      )
      yield* conn.execute("DATABASE sysmaster")
      const rows = yield* conn.values(
        "SELECT name, is_logging, is_buff_log, is_ansi, owner FROM sysdatabases WHERE name MATCHES 'd_*' ORDER BY name"
      )
      assert.deepStrictEqual(trimmed(rows), [
        ["d_ansi", 1, 0, 1, "informix"],
        ["d_buffered", 1, 1, 0, "informix"],
        ["d_logged", 1, 0, 0, "informix"],
        ["d_unlogged", 0, 0, 0, "informix"],
        ["d_utf8", 1, 0, 0, "informix"]
      ])
      assert.deepStrictEqual(
        trimmed(
          yield* conn.values(
            "SELECT dbs_collate FROM sysdbslocale WHERE dbs_dbsname IN ('d_utf8', 'd_logged') ORDER BY dbs_dbsname"
          )
        ),
        [["en_US.8859-1"], ["en_US.utf8"]]
      )
      // The system databases are there from the start.
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT name FROM sysdatabases WHERE name MATCHES 'sys*' ORDER BY name")),
        [["sysadmin"], ["syscdcv1"], ["sysmaster"], ["sysuser"], ["sysutils"]]
      )
      // Its own catalog describes its tables.
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT c.colname FROM systables t, syscolumns c WHERE t.tabid = c.tabid AND t.tabname = 'sysdbslocale' " +
            "ORDER BY c.colno"
        ),
        [["dbs_dbsname"], ["dbs_collate"]]
      )
      assert.strictEqual(yield* codeOf(conn.execute("DELETE FROM sysdatabases")), -274)
      assert.strictEqual(yield* codeOf(conn.execute("UPDATE sysdatabases SET owner = 'x'")), -273)
      assert.strictEqual(yield* codeOf(conn.execute("INSERT INTO sysdbslocale VALUES ('a', 'b')")), -275)
      assert.strictEqual(yield* codeOf(conn.execute("CREATE TABLE mine (a INTEGER)")), -388)
      assert.strictEqual(yield* codeOf(conn.execute("DROP DATABASE sysmaster")), -359)
      yield* conn.execute("CLOSE DATABASE")
      assert.strictEqual(yield* codeOf(conn.execute("DROP DATABASE sysutils")), -425)
      yield* conn.execute("DATABASE d_logged")
      assert.strictEqual(yield* codeOf(conn.execute("DELETE FROM sysmaster:sysdatabases")), -274)
    }).pipe(Effect.scoped))

  it.live("sysmaster:syssessions lists the live sessions, with or without a database", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const idle = yield* connect(server)
      const conn = yield* connect(server, { database: "testdb" })
      const count = () =>
        Effect.map(
          conn.values("SELECT count(*) FROM sysmaster:syssessions WHERE username = 'informix'"),
          (rows) => rows[0]![0]
        )
      assert.strictEqual(yield* count(), 2)
      yield* idle.close
      assert.strictEqual(yield* count(), 1)
    }).pipe(Effect.scoped))

  it.live("created databases persist across restarts with a directory", () =>
    Effect.gen(function*() {
      const directory = mkdtempSync(join(tmpdir(), "ifx-instance-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
      yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* TestServer.make({ directory })
        const conn = yield* connect(server, { dbLocale: "en_US.utf8" })
        yield* conn.execute("CREATE DATABASE kept WITH LOG MODE ANSI")
        yield* conn.execute("CREATE TABLE t (a VARCHAR(10))")
        yield* conn.execute("INSERT INTO t VALUES ('é')")
        yield* conn.execute("COMMIT WORK")
      }))
      const server = yield* TestServer.make({ directory })
      const conn = yield* connect(server, { dbLocale: "en_US.utf8", database: "kept" })
      assert.deepStrictEqual(yield* conn.values("SELECT a FROM t"), [["é"]])
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT is_ansi FROM sysmaster:sysdatabases WHERE name = 'kept'")),
        [[1]]
      )
    }).pipe(Effect.scoped))

  it.live("DATABASE ... EXCLUSIVE: -425 for others while held; -702 when another session has it open", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const a = yield* connect(server)
      const b = yield* connect(server)
      yield* a.execute("CREATE DATABASE solo WITH LOG")
      assert.strictEqual(yield* codeOf(b.execute("DATABASE solo EXCLUSIVE")), -702)
      yield* a.execute("CLOSE DATABASE")
      yield* b.execute("DATABASE solo EXCLUSIVE")
      assert.strictEqual(yield* codeOf(a.execute("DATABASE solo")), -425)
      // Another session's database cannot be dropped.
      assert.strictEqual(yield* codeOf(a.execute("DROP DATABASE solo")), -425)
      yield* b.execute("CLOSE DATABASE")
      yield* a.execute("DATABASE solo")
    }).pipe(Effect.scoped))
})

describe("cross-database names", () => {
  it.live("db:table, db:owner.table, db@server:table in SELECT, joins, INSERT, UPDATE, DELETE", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* connect(server)
      yield* conn.execute("CREATE DATABASE stock WITH LOG")
      yield* conn.execute("CREATE TABLE part (id INTEGER, qty INTEGER)")
      yield* conn.execute("INSERT INTO part VALUES (1, 10)")
      yield* conn.execute("DATABASE testdb")
      yield* conn.execute("CREATE TABLE ord (id INTEGER, part INTEGER)")
      yield* conn.execute("INSERT INTO ord VALUES (7, 1)")
      assert.deepStrictEqual(
        yield* conn.values("SELECT o.id, p.qty FROM ord o, stock:part p WHERE p.id = o.part"),
        [[7, 10]]
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT o.id FROM ord o JOIN stock:informix.part p ON p.id = o.part"),
        [[7]]
      )
      assert.deepStrictEqual(yield* conn.values("SELECT qty FROM stock@ol_test:part WHERE id = ?", [1]), [[10]])
      yield* conn.execute("INSERT INTO stock:part VALUES (?, ?)", [2, 20])
      yield* conn.execute("UPDATE stock:part SET qty = qty + 1 WHERE id = 2")
      yield* conn.execute("DELETE FROM stock:part WHERE id = 1")
      assert.deepStrictEqual(yield* conn.values("SELECT id, qty FROM stock:part"), [[2, 21]])
      // The current database by name.
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM testdb:ord"), [[7]])
      // DESCRIBE of another database's column comes from its catalog.
      const described = yield* conn.queryWithColumns("SELECT qty FROM stock:part")
      assert.strictEqual(described.columns[0]!.name, "qty")
      assert.strictEqual(yield* codeOf(conn.values("SELECT * FROM nosuchdb:part")), -329)
      assert.strictEqual(yield* codeOf(conn.values("SELECT * FROM stock:nosuch")), -206)
      assert.strictEqual(yield* codeOf(conn.values("SELECT * FROM stock@elsewhere:part")), -908)
      assert.strictEqual(yield* codeOf(conn.execute("CREATE TABLE stock:other (a INTEGER)")), -556)
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT tabname FROM stock:systables WHERE tabname = 'part'")),
        [["part"]]
      )
    }).pipe(Effect.scoped))

  it.live("one transaction over two logged databases commits or rolls back both", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* connect(server)
      yield* conn.execute("CREATE DATABASE ledger WITH LOG")
      yield* conn.execute("CREATE TABLE entry (a INTEGER)")
      yield* conn.execute("DATABASE testdb")
      yield* conn.execute("CREATE TABLE entry (a INTEGER)")
      yield* conn.execute("BEGIN WORK")
      yield* conn.execute("INSERT INTO entry VALUES (1)")
      yield* conn.execute("INSERT INTO ledger:entry VALUES (1)")
      yield* conn.execute("ROLLBACK WORK")
      const both = "SELECT (SELECT count(*) FROM entry), (SELECT count(*) FROM ledger:entry) FROM systables " +
        "WHERE tabid = 1"
      assert.deepStrictEqual(yield* conn.values(both), [[0, 0]])
      yield* conn.execute("BEGIN WORK")
      yield* conn.execute("INSERT INTO entry VALUES (2)")
      yield* conn.execute("INSERT INTO ledger:entry VALUES (2)")
      // Another session sees neither row before COMMIT, both after.
      const other = yield* connect(server, { database: "ledger" })
      yield* other.execute("SET ISOLATION TO DIRTY READ")
      assert.deepStrictEqual(yield* other.values("SELECT count(*) FROM entry"), [[0]])
      yield* conn.execute("COMMIT WORK")
      assert.deepStrictEqual(yield* other.values("SELECT count(*) FROM entry"), [[1]])
      assert.deepStrictEqual(yield* conn.values(both), [[1, 1]])
      // A writer of one database does not block writers of another.
      yield* conn.execute("BEGIN WORK")
      yield* conn.execute("INSERT INTO entry VALUES (3)")
      yield* other.execute("INSERT INTO entry VALUES (3)")
      yield* conn.execute("COMMIT WORK")
    }).pipe(Effect.scoped))
})
