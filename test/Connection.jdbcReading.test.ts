/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The session reads a server the way IBM's JDBC does (JDBC-READING.md): every login accept JDBC accepts connects,
 * the warning bits of the login accept and of the DBOPEN reply become `databaseInfo`, SQ_XACTSTAT feeds
 * `inTransaction`, and an ANSI database's implicit transactions are tracked and never started with BEGIN WORK.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../src/Connection.ts"
import type { ClientMessage, ServerMessage } from "../src/internal/protocol/messages.ts"
import { describeNoColumns, done, EOT, type FakeSession, makeFakeServer, sqlOf } from "./connection/fakeServer.ts"
import { failure } from "./connectionSupport.ts"
import { conaccWithTail, fromHex, goldenVector, hexChar, hexI16 } from "./protocol/golden.ts"

const i16 = hexI16
const char = hexChar
const conacc = (tail: string, slType = 2): Uint8Array => fromHex(conaccWithTail(tail, slType))

const jdbcTail = (svcError: number, warnings: number) =>
  "0066 000b00000000" + i16(svcError) + "0000" + i16(warnings) + "0000 007f"

const xactStat = (newLevel: number): ServerMessage => ({
  _tag: "XactStat",
  event: newLevel === 1 ? 1 : 2,
  newLevel,
  oldLevel: 1 - newLevel
})

const sqlStateErr = (sqlcode: number, sqlState: string, message: string): ServerMessage => ({
  _tag: "Err",
  sqlcode,
  isamCode: 0,
  offset: 0,
  parameter: "",
  form: "sqlstate",
  sqlState,
  message
})

/** Replies to a statement: its statement type from the SQL verb, and SQ_XACTSTAT when the SQL says `-- xact n`. */
const handler = (batch: ReadonlyArray<ClientMessage>, session: FakeSession): void => {
  const first = batch[0]!
  const sql = sqlOf(first) ?? ""
  const type = /^commit/i.test(sql) ? 35 : /^rollback/i.test(sql) ? 36 : /^begin/i.test(sql) ? 34 : 6
  const xact = /-- xact (\d)/.exec(sql)
  if (first._tag === "Command" && sql.includes("-- routine error")) {
    return session.reply([sqlStateErr(-937, "45000", "boom"), EOT])
  }
  if (first._tag === "Command" && sql.includes("-- warning")) {
    return session.reply([describeNoColumns(type), sqlStateErr(0, "01I01", "note"), done(1), EOT])
  }
  if (first._tag === "Command") {
    return session.reply([describeNoColumns(type), ...(xact === null ? [] : [xactStat(Number(xact[1]))]), done(1), EOT])
  }
  session.reply([EOT])
}

const shapes = (batches: ReadonlyArray<ReadonlyArray<ClientMessage>>) =>
  batches.map((b) => b.map((m) => m._tag === "Command" ? `Command(${sqlOf(m)})` : m._tag).join(" "))

describe("login accepts JDBC accepts", () => {
  it.live("marker 127 right after the 24-byte block, and a PDU that does not end in `00 7f`", () =>
    Effect.gen(function*() {
      for (const tail of ["007f", "0066 000b00000000 0000 0000 0000 0000"]) {
        const server = yield* makeFakeServer(handler, { connectResponse: conacc(tail) })
        const conn = yield* Connection.make({ url: server.url })
        assert.deepStrictEqual(yield* conn.execute("INSERT INTO t VALUES (1)"), { rowsAffected: 1 })
        assert.isFalse(conn.databaseInfo.readOnly)
      }
    }).pipe(Effect.scoped))

  it.live("a CONACC (SL type 2) carrying svcError −951 is a login, as for JDBC (golden notes)", () =>
    Effect.gen(function*() {
      const bytes = goldenVector("server-conacc-svcerr-951-sltype2").bytes
      const server = yield* makeFakeServer(handler, { connectResponse: bytes })
      const conn = yield* Connection.make({ url: server.url })
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("login warning 0x20 is a read-only secondary", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler, { connectResponse: conacc(jdbcTail(0, 0x20)) })
      const conn = yield* Connection.make({ url: server.url })
      assert.isTrue(conn.databaseInfo.readOnly)
      assert.strictEqual(conn.databaseInfo.loginWarnings, 0x20)
    }).pipe(Effect.scoped))

  it.live("a REDIRECT not followed (maxRedirects 0) fails the connect with reason Redirected and the target", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler, {
        connectResponse: conacc("0067 0000" + char("ol_two:db2.example.com:9089"), 13)
      })
      const error = failure(yield* Effect.exit(Connection.make({ url: server.url, maxRedirects: 0 })))
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") {
        assert.strictEqual(error.reason, "Redirected")
        assert.deepStrictEqual(error.redirect, { server: "ol_two", host: "db2.example.com", port: "9089" })
        assert.match(error.message, /ol_two at db2\.example\.com:9089/)
      }
    }).pipe(Effect.scoped))

  it.live("a CONREJ without an error code is a protocol error (JDBC: −408); with one, its last error text", () =>
    Effect.gen(function*() {
      const bare = yield* makeFakeServer(handler, { connectResponse: conacc(jdbcTail(0, 0), 3) })
      assert.strictEqual(failure(yield* Effect.exit(Connection.make({ url: bare.url })))._tag, "ProtocolError")
      const list = "0001 0000" + char("Server is in single-user mode")
      const tail = "0066 000b00000000" + i16(-27002) + "0000 0000" + list + "007f"
      const rejected = yield* makeFakeServer(handler, { connectResponse: conacc(tail, 3) })
      const error = failure(yield* Effect.exit(Connection.make({ url: rejected.url })))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.match(error.message, /sqlcode -27002.*single-user mode/)
    }).pipe(Effect.scoped))
})

describe("databaseInfo and transaction state", () => {
  it.live("DBOPEN warnings are read bit by bit: 0x01 logged, 0x02 ANSI, 0x40 locale mismatch", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [number, readonly [boolean, boolean, boolean]]> = [
        [0x0005, [true, false, false]],
        [0x0007, [true, true, false]],
        [0x0004, [false, false, false]],
        [0x0045, [true, false, true]]
      ]
      for (const [warnings, expected] of cases) {
        const server = yield* makeFakeServer(handler, { dbOpenWarnings: warnings })
        const conn = yield* Connection.make({ url: server.url })
        const info = conn.databaseInfo
        assert.deepStrictEqual([info.logged, info.ansi, info.localeMismatch], expected, `warnings ${warnings}`)
        assert.deepStrictEqual([info.database, info.openWarnings], ["fakedb", warnings])
      }
    }).pipe(Effect.scoped))

  it.live("SQ_XACTSTAT's new level is the server's word on inTransaction", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.execute("INSERT INTO t VALUES (1)")
      assert.isFalse(conn.inTransaction)
      yield* conn.execute("EXECUTE PROCEDURE opens() -- xact 1")
      assert.isTrue(conn.inTransaction)
      yield* conn.execute("EXECUTE PROCEDURE ends() -- xact 0")
      assert.isFalse(conn.inTransaction)
    }).pipe(Effect.scoped))

  it.live("ANSI: any statement opens the transaction, COMMIT ends it; transaction() sends no BEGIN WORK", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler, { dbOpenWarnings: 0x0007 })
      const conn = yield* Connection.make({ url: server.url })
      assert.isFalse(conn.inTransaction)
      yield* conn.execute("INSERT INTO t VALUES (1)")
      assert.isTrue(conn.inTransaction)
      yield* conn.execute("COMMIT WORK")
      assert.isFalse(conn.inTransaction)
      server.batches.length = 0
      yield* conn.transaction(conn.execute("INSERT INTO t VALUES (2)"))
      assert.isFalse(conn.inTransaction)
      assert.deepStrictEqual(shapes(server.batches), [
        "Command(INSERT INTO t VALUES (2)) NDescribe Execute Release Eot",
        "CommitWork Eot"
      ])
    }).pipe(Effect.scoped))

  it.live("SQ_ERR with an SQLSTATE: sqlcode 0 is a warning, −937 an SqlError carrying the SQLSTATE and the text", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual(yield* conn.execute("UPDATE t SET n = 1 -- warning"), { rowsAffected: 1 })
      const error = failure(yield* Effect.exit(conn.execute("EXECUTE PROCEDURE p() -- routine error")))
      assert.strictEqual(error._tag, "SqlError")
      if (error._tag === "SqlError") {
        assert.deepStrictEqual([error.sqlcode, error.sqlState], [-937, "45000"])
        assert.match(error.message, /: boom$/)
      }
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))
})
