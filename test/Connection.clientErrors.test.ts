/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Failures the client detects itself (no SQ_ERR involved) are typed errors of their own — never an `SqlError`
 * with sqlcode 0, which in Informix means success — and leave the session usable.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../src/Connection.ts"
import * as InformixError from "../src/InformixError.ts"
import * as Informix from "../src/InformixValue.ts"
import { DEFAULT_SERVER_REPLY } from "../src/internal/protocol/framing.ts"
import type { ClientMessage, ServerMessage } from "../src/internal/protocol/messages.ts"
import { describeNoColumns, done, EOT, type FakeSession, makeFakeServer, sqlOf } from "./connection/fakeServer.ts"
import { failure } from "./connectionSupport.ts"

/** A DESCRIBE of a SELECT whose only column has a type word the client does not know. */
const describeUnsupported = (statementId: number): ServerMessage => ({
  _tag: "Describe",
  statementType: 2,
  statementId,
  estimatedCost: 0,
  tupleSize: 4,
  fields: [{
    name: "odd",
    columnStartPos: 0,
    columnType: 99,
    extendedId: 0,
    ownerName: "",
    extendedName: "",
    reference: 0,
    alignment: 0,
    sourceType: 0,
    encodedLength: 4,
    fieldIndex: 0
  }]
})

const handler = (batch: ReadonlyArray<ClientMessage>, session: FakeSession): void => {
  const first = batch[0]!
  if (first._tag === "Command") return session.reply([describeNoColumns(14), done(0), EOT])
  if (first._tag === "Prepare") {
    if (sqlOf(first) === "SELECT odd FROM t") return session.reply([describeUnsupported(9), done(0), EOT])
    return session.reply([describeNoColumns(6, 8), done(0), EOT])
  }
  if (batch.some((m) => m._tag === "Execute")) return session.reply([done(1), EOT])
  session.reply([EOT])
}

const shapes = (batches: ReadonlyArray<ReadonlyArray<ClientMessage>>) =>
  batches.map((b) => b.map((m) => m._tag === "Id" ? `Id(${m.statementId})` : m._tag).join(" "))

/** DEFAULT_SERVER_REPLY without bit 62 ("remove 64K limit"): SQL text lengths stay 2 bytes wide. */
const without64kLimit = (): Uint8Array => {
  const mask = Uint8Array.from(DEFAULT_SERVER_REPLY)
  mask[62 >> 3] = mask[62 >> 3]! & ~(0x80 >> (62 & 7))
  return mask
}

describe("client-detected statement failures", () => {
  it.live("a parameter that cannot be bound → ParameterError with its index, no value; nothing sent", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [Symbol("secret-symbol"), "symbol"],
        [() => "secret-function", "function"],
        [{ secret: "secret-object" }, "object"]
      ]
      for (const [value, type] of cases) {
        const before = server.batches.length
        const error = failure(yield* Effect.exit(conn.execute("INSERT INTO t VALUES (?, ?)", [1, value])))
        assert.instanceOf(error, InformixError.ParameterError)
        if (!(error instanceof InformixError.ParameterError)) continue
        assert.strictEqual(error.index, 1)
        assert.strictEqual(error.sql, "INSERT INTO t VALUES (?, ?)")
        assert.match(error.message, /^Parameter 2 cannot be bound/)
        assert.include(error.message, type)
        assert.notInclude(JSON.stringify(error), "secret")
        assert.notProperty(error, "sqlcode")
        // Rejected before the round trip: no BIND went out (the PREPARE may have been sent and cached).
        assert.isFalse(server.batches.slice(before).some((b) => b.some((m) => m._tag === "Bind")))
      }
      assert.strictEqual((yield* conn.execute("INSERT INTO t VALUES (?, ?)", [1, 2])).rowsAffected, 1)
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("a value the codec quotes (out of range, unencodable character) never reaches the message", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const cases: ReadonlyArray<readonly [unknown, string, RegExp]> = [
        [1234567890123456789012345n, "1234567890123456789012345", /cannot hold the value/],
        [Informix.smallint(40000), "40000", /SMALLINT cannot hold the value/],
        [Informix.int8("123456789012345678901234567890" as unknown as bigint), "1234567890", /cannot/],
        ["p\u00e4ss\u65e5w\u00f6rd", "\u65e5", /a character cannot be represented/]
      ]
      for (const [value, secret, reason] of cases) {
        const error = failure(yield* Effect.exit(conn.execute("INSERT INTO t VALUES (?)", [value])))
        assert.instanceOf(error, InformixError.ParameterError)
        assert.match(error.message, reason)
        assert.notInclude(JSON.stringify(error), secret)
        assert.notInclude(error.message, "65E5")
      }
    }).pipe(Effect.scoped))

  it.live("SQL text too long for 2-byte framing → ParameterError without index; the session stays usable", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler, { protocolsMask: without64kLimit() })
      const conn = yield* Connection.make(server.url)
      const sql = `CREATE TABLE t (a INTEGER) -- ${"x".repeat(70_000)}`
      const error = failure(yield* Effect.exit(conn.execute(sql)))
      assert.instanceOf(error, InformixError.ParameterError)
      if (error instanceof InformixError.ParameterError) {
        assert.strictEqual(error.index, undefined)
        assert.strictEqual(error.sql, sql)
        assert.match(error.message, /could not be encoded/)
      }
      assert.deepStrictEqual(shapes(server.batches), [], "nothing was sent")
      yield* conn.execute("CREATE TABLE t (a INTEGER)")
      assert.deepStrictEqual(shapes(server.batches), ["Command NDescribe Execute Release Eot"])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("result columns the client cannot decode → ResultDecodeError; statement released, session usable", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const error = failure(yield* Effect.exit(conn.query("SELECT odd FROM t")))
      assert.instanceOf(error, InformixError.ResultDecodeError)
      assert.match(error.message, /cannot be decoded: unsupported column type/)
      if (error instanceof InformixError.ResultDecodeError) assert.strictEqual(error.sql, "SELECT odd FROM t")
      yield* conn.execute("CREATE TABLE t (a INTEGER)")
      // The described statement is released ahead of the next request (as an orphan), then the next runs.
      assert.deepStrictEqual(shapes(server.batches), [
        "Prepare NDescribe WantDone Eot",
        "Id(9) Release Eot",
        "Command NDescribe Execute Release Eot"
      ])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("a prepared statement used after its scope closed → StatementReleasedError; nothing sent", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const statement = yield* Effect.scoped(conn.prepare("INSERT INTO t VALUES (?)"))
      const sent = server.batches.length
      const error = failure(yield* Effect.exit(statement.execute([1])))
      assert.instanceOf(error, InformixError.StatementReleasedError)
      if (error instanceof InformixError.StatementReleasedError) {
        assert.strictEqual(error.sql, "INSERT INTO t VALUES (?)")
      }
      assert.strictEqual(server.batches.length, sent)
      assert.strictEqual((yield* conn.execute("INSERT INTO t VALUES (?)", [1])).rowsAffected, 1)
    }).pipe(Effect.scoped))
})
