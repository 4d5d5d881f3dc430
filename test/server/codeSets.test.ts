/**
 * Code sets (VALUES.md §11.1): the server stores and sends text as bytes in the *database* code set and treats the
 * client's CLIENT_LOCALE / DB_LOCALE as declarations, never as instructions to convert.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Connection from "../../src/Connection.ts"
import * as TestServer from "../../src/TestServer.ts"

describe("TestServer code sets", () => {
  it.live("a CLIENT_LOCALE=en_US.utf8 client sending Latin-1 bytes (JDBC) is read back by a default session", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      // Our client, like JDBC, converts to the database code set (DB_LOCALE default 8859-1) and declares only
      // CLIENT_LOCALE=en_US.utf8: "héllo" travels as 68 e9 6c 6c 6f.
      const utf8 = yield* Connection.make({ url: server.url, clientLocale: "en_US.utf8" })
      yield* utf8.execute("CREATE TABLE cs (v VARCHAR(40))")
      yield* utf8.execute("INSERT INTO cs VALUES (?)", ["héllo wörld ñandú Å"])
      assert.deepStrictEqual(yield* utf8.values("SELECT v, LENGTH(v) FROM cs"), [["héllo wörld ñandú Å", 19]])
      const plain = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual(yield* plain.values("SELECT v FROM cs"), [["héllo wörld ñandú Å"]])
      assert.deepStrictEqual(yield* plain.values("SELECT v FROM cs WHERE v = 'héllo wörld ñandú Å'"), [[
        "héllo wörld ñandú Å"
      ]])
    }).pipe(Effect.scoped))

  it.live("a UTF-8 database keeps characters outside Latin-1; its catalog site names code set 57372", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: [{ name: "testdb", locale: "en_US.utf8" }] })
      const conn = yield* Connection.make({ url: server.url, clientLocale: "en_US.utf8", dbLocale: "en_US.utf8" })
      yield* conn.execute("CREATE TABLE u8 (s VARCHAR(60))")
      const text = "héllo ✓ 日本語 🙂"
      yield* conn.execute("INSERT INTO u8 VALUES (?)", [text])
      assert.deepStrictEqual(yield* conn.values("SELECT s, LENGTH(s) FROM u8"), [[text, 25]])
      assert.deepStrictEqual(yield* conn.values("SELECT s FROM u8 WHERE s = ?", [text]), [[text]])
      assert.deepStrictEqual(
        yield* conn.values("SELECT site FROM systables WHERE tabname = ' GL_CTYPE'"),
        [["en_US.57372"]]
      )
    }).pipe(Effect.scoped))

  it.live("a DB_LOCALE naming another code set than the database's is refused at DBOPEN with -23197", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const exit = yield* Effect.exit(
        Effect.scoped(Connection.make({ url: server.url, clientLocale: "en_US.utf8", dbLocale: "en_US.utf8" }))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(exit.cause), "-23197")
      // The same code set under another spelling is the same database locale.
      const same = yield* Connection.make({ url: server.url, dbLocale: "en_us.819" })
      assert.deepStrictEqual(yield* same.values("SELECT COUNT(*) FROM systables WHERE tabid = 1"), [[1]])
    }).pipe(Effect.scoped))

  it.live("a computed character the code set cannot hold does not break the reply", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url })
      // UPPER('ÿ') is U+0178 in JavaScript, outside 8859-1: the row still arrives and the session keeps working.
      const rows = yield* conn.values("SELECT UPPER('aÿ') FROM systables WHERE tabid = 1")
      assert.strictEqual(rows.length, 1)
      assert.deepStrictEqual(yield* conn.values("SELECT 1 FROM systables WHERE tabid = 1"), [[1]])
    }).pipe(Effect.scoped))
})
