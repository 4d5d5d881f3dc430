/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The exact batches the connection sends for each operation (SQLI.md §8), checked against a scripted server that
 * records them: immediate DDL/DML, prepare + cursor with binds in one batch, statement ids from the DESCRIBE,
 * procedure calls classified by the DESCRIBE (type 56 → cursor iff it has columns), transaction and savepoint
 * messages, and the span attributes of a statement.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import type { ConnectionImpl } from "../src/internal/connection/connectionImpl.ts"
import type { ClientMessage } from "../src/internal/protocol/messages.ts"
import {
  describeNoColumns,
  describeWith,
  done,
  EOT,
  type FakeSession,
  intRow,
  makeFakeServer,
  sqlOf
} from "./connection/fakeServer.ts"
import { eventually } from "./eventually.ts"
import { recordingTracer } from "./recordingTracer.ts"

let fetchesOfMany = 0

/** Scripted answers keyed by SQL text / batch shape. */
const handler = (batch: ReadonlyArray<ClientMessage>, session: FakeSession): void => {
  const first = batch[0]!
  const sql = sqlOf(first)
  if (first._tag === "Command") {
    // 48 = SET ISOLATION (the connection stops deferring CLOSE after one of its own).
    return session.reply([describeNoColumns(sql?.startsWith("SET ISOLATION") ? 48 : 14), done(0), EOT])
  }
  if (first._tag === "Prepare") {
    if (sql === "SELECT a FROM t WHERE x = ?") return session.reply([describeWith(2, 5, ["a"]), done(0), EOT])
    if (sql === "EXECUTE FUNCTION f(?)") return session.reply([describeWith(56, 6, ["result"]), done(0), EOT])
    if (sql === "EXECUTE PROCEDURE p(?)") return session.reply([describeNoColumns(56, 7), done(0), EOT])
    if (sql === "INSERT INTO t VALUES (?)") return session.reply([describeNoColumns(6, 8), done(0), EOT])
  }
  if (first._tag === "Prepare" && sql === "SELECT b FROM many") {
    return session.reply([describeWith(2, 9, ["b"]), done(0), EOT])
  }
  if (first._tag === "Id" && first.statementId === 9 && batch.some((m) => m._tag === "NFetch")) {
    // One row per fetch; the 7th fetch ends the result.
    fetchesOfMany = batch.some((m) => m._tag === "Open") ? 1 : fetchesOfMany + 1
    return session.reply(fetchesOfMany < 7 ? [intRow(fetchesOfMany), EOT] : [done(6), EOT])
  }
  if (batch.some((m) => m._tag === "Open")) {
    const id = (first as { statementId: number }).statementId
    return session.reply(id === 6 ? [intRow(42), done(1), EOT] : [intRow(1), intRow(2), done(2), EOT])
  }
  if (batch.some((m) => m._tag === "Execute")) return session.reply([done(1), EOT])
  session.reply([EOT])
}

const shapes = (batches: ReadonlyArray<ReadonlyArray<ClientMessage>>) =>
  batches.map((b) => b.map((m) => m._tag === "Id" ? `Id(${m.statementId})` : m._tag).join(" "))

describe("message flows", () => {
  it.live("execute without parameters is one SQ_COMMAND round trip", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE t (a INTEGER)")
      assert.deepStrictEqual(shapes(server.batches), ["Command NDescribe Execute Release Eot"])
    }).pipe(Effect.scoped))

  it.live("a parameterised query: PREPARE, then CURNAME+BIND+OPEN+NFETCH in one batch, CLOSE; cached afterwards", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const session = (conn as unknown as ConnectionImpl).session
      assert.deepStrictEqual(yield* conn.query("SELECT a FROM t WHERE x = ?", [1]), [{ a: 1 }, { a: 2 }])
      const exchanges = session.generation
      assert.deepStrictEqual(yield* conn.values("SELECT a FROM t WHERE x = ?", [2]), [[1], [2]])
      // The first fetch exhausted the cursor: its CLOSE waits for the next request, so a cached query is one exchange.
      assert.strictEqual(session.generation - exchanges, 1)
      assert.deepStrictEqual(shapes(server.batches), [
        "Prepare NDescribe WantDone Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot",
        "Id(5) Close Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot"
      ])
      // In a transaction (row locks) the CLOSE is immediate; the waiting one travels in front of BEGIN.
      yield* conn.transaction(Effect.gen(function*() {
        const before = session.generation
        yield* conn.values("SELECT a FROM t WHERE x = ?", [3])
        assert.strictEqual(session.generation - before, 2)
      }))
      assert.deepStrictEqual(shapes(server.batches).slice(4), [
        "Id(5) Close Eot",
        "Begin Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot",
        "Id(5) Close Eot",
        "CommitWork Eot"
      ])
      const names = server.batches.flatMap((b) => b.flatMap((m) => m._tag === "CurName" ? [m.name] : []))
      // A statement's cursor keeps its name from one execution to the next, as IBM JDBC's (IfxStatement.getCursorName).
      assert.deepStrictEqual(names, ["_ifxc0000000000000", "_ifxc0000000000000", "_ifxc0000000000000"])
      // Another statement's cursor has a name of its own.
      yield* Effect.scoped(Effect.flatMap(conn.prepare("SELECT a FROM t WHERE x = ?"), (s) => s.values([4])))
      const all = server.batches.flatMap((b) => b.flatMap((m) => m._tag === "CurName" ? [m.name] : []))
      assert.deepStrictEqual(all.slice(3), ["_ifxc0000000000001"])
      const prepare = server.batches[0]![0]!
      assert.strictEqual(prepare._tag === "Prepare" ? prepare.numQmarks : -1, 1)
    }).pipe(Effect.scoped))

  it.live("a deferred CLOSE goes out on its own once the session stays idle", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      yield* conn.values("SELECT a FROM t WHERE x = ?", [1])
      const batches = yield* eventually(Effect.sync(() => shapes(server.batches)), (b) => b.length === 3)
      assert.deepStrictEqual(batches, [
        "Prepare NDescribe WantDone Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot",
        "Id(5) Close Eot"
      ])
      yield* conn.awaitSettled
      assert.strictEqual(conn.state, "idle")
      assert.deepStrictEqual(yield* conn.values("SELECT a FROM t WHERE x = ?", [2]), [[1], [2]])
    }).pipe(Effect.scoped))

  it.live("a server that closes the cursor itself (SQ_CLOSE, OPTOFC) gets no CLOSE from us, in any path", () =>
    Effect.gen(function*() {
      // The same answers, with SQ_CLOSE after the DONE that ends a fetch (where JDBC would also read it).
      const server = yield* makeFakeServer((batch, session) =>
        handler(batch, {
          ...session,
          reply: (messages) =>
            session.reply(
              batch.some((m) => m._tag === "NFetch") && messages.some((m) => m._tag === "Done")
                ? [...messages.slice(0, -1), { _tag: "CursorClosed" }, EOT]
                : messages
            )
        })
      )
      const conn = yield* Connection.make(server.url)
      assert.deepStrictEqual(yield* conn.values("SELECT a FROM t WHERE x = ?", [1]), [[1], [2]])
      assert.deepStrictEqual(yield* conn.values("SELECT a FROM t WHERE x = ?", [2]), [[1], [2]])
      // In a transaction, where a CLOSE of ours would be immediate.
      yield* conn.transaction(conn.values("SELECT a FROM t WHERE x = ?", [3]))
      // A result of several fetches, collected and streamed.
      assert.strictEqual((yield* conn.values("SELECT b FROM many")).length, 6)
      assert.strictEqual(yield* Stream.runCount(conn.streamValues("SELECT b FROM many")), 6)
      // A CLOSE still waiting to be sent would travel in front of this request.
      yield* conn.execute("CREATE TABLE t (a INTEGER)")
      const shown = shapes(server.batches)
      assert.deepStrictEqual(shown.filter((b) => b.includes("Close")), [])
      assert.strictEqual(shown.at(-1), "Command NDescribe Execute Release Eot")
      assert.deepStrictEqual(shown.slice(0, 6), [
        "Prepare NDescribe WantDone Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot",
        "Begin Eot",
        "Id(5) CurName Bind Open Id(5) NFetch Eot",
        "CommitWork Eot"
      ])
    }).pipe(Effect.scoped))

  it.live("the fetch budget doubles while a result goes on, up to 64 KiB; an explicit fetchSize is kept", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const budgets = () =>
        server.batches.splice(0).flatMap((b) => b.flatMap((m) => m._tag === "NFetch" ? [m.bufferSize] : []))
      assert.strictEqual((yield* conn.values("SELECT b FROM many")).length, 6)
      assert.deepStrictEqual(budgets(), [4096, 8192, 16384, 32768, 65536, 65536, 65536])
      assert.strictEqual(yield* Stream.runCount(conn.streamValues("SELECT b FROM many")), 6)
      assert.deepStrictEqual(budgets(), [4096, 8192, 16384, 32768, 65536, 65536, 65536])
      yield* Stream.runDrain(conn.streamValues("SELECT b FROM many", [], { fetchSize: 1000 }))
      assert.deepStrictEqual(budgets(), [1000, 1000, 1000, 1000, 1000, 1000, 1000])
    }).pipe(Effect.scoped))

  it.live("EXECUTE FUNCTION with a result opens a cursor; EXECUTE PROCEDURE without one executes", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION f(?)", [1]), [{ result: 42 }])
      const result = yield* conn.execute("EXECUTE PROCEDURE p(?)", [1])
      assert.strictEqual(result.rowsAffected, 1)
      assert.deepStrictEqual(shapes(server.batches), [
        "Prepare NDescribe WantDone Eot",
        "Id(6) CurName Bind Open Id(6) NFetch Eot",
        "Id(6) Close Eot",
        "Prepare NDescribe WantDone Eot",
        "Id(7) Bind Execute Eot"
      ])
    }).pipe(Effect.scoped))

  it.live("uncached statements are released after use (cache disabled)", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make({ url: server.url, statementCacheSize: 0 })
      yield* conn.execute("INSERT INTO t VALUES (?)", [1])
      assert.deepStrictEqual(shapes(server.batches), [
        "Prepare NDescribe WantDone Eot",
        "Id(8) Bind Execute Eot",
        "Id(8) Release Eot"
      ])
    }).pipe(Effect.scoped))

  it.live("transactions send SQ_BEGIN / SQ_CMMTWORK / SQ_RBWORK; nested ones use savepoint messages", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      yield* conn.transaction(Effect.gen(function*() {
        yield* Effect.exit(conn.transaction(Effect.fail("inner")))
        yield* conn.transaction(Effect.void)
      }))
      yield* Effect.exit(conn.transaction(Effect.fail("outer")))
      assert.deepStrictEqual(shapes(server.batches), [
        "Begin Eot",
        "SetSavepoint Eot",
        "RollbackSavepoint Eot",
        "ReleaseSavepoint Eot",
        "SetSavepoint Eot",
        "ReleaseSavepoint Eot",
        "CommitWork Eot",
        "Begin Eot",
        "RollbackWork Eot"
      ])
    }).pipe(Effect.scoped))

  it.live("a transaction's isolation lasts for the transaction: SET TRANSACTION after BEGIN, or SET ISOLATION restored", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const sent = () => server.batches.map((b) => sqlOf(b[0]!) ?? b.map((m) => m._tag).join(" "))
      const conn = yield* Connection.make(server.url)
      yield* conn.transaction(Effect.void, { isolation: "repeatableRead" })
      assert.deepStrictEqual(sent(), [
        "Begin Eot",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "CommitWork Eot"
      ])
      assert.strictEqual(conn.changedSettings.size, 0)

      // Cursor stability has no SET TRANSACTION form: SET ISOLATION inside, the configured level restored after.
      const configured = yield* Connection.make({ url: server.url, isolation: "committedRead" })
      server.batches.length = 0
      yield* configured.transaction(Effect.void, { isolation: "cursorStability" })
      assert.deepStrictEqual(sent(), [
        "Begin Eot",
        "SET ISOLATION TO CURSOR STABILITY",
        "CommitWork Eot",
        "SET ISOLATION TO COMMITTED READ"
      ])
      assert.strictEqual(configured.changedSettings.size, 0)

      // Without a configured level there is nothing to restore: the change is noted for the pool.
      server.batches.length = 0
      yield* conn.transaction(Effect.void, { isolation: "lastCommitted" })
      assert.deepStrictEqual(sent(), ["Begin Eot", "SET ISOLATION TO COMMITTED READ LAST COMMITTED", "CommitWork Eot"])
      assert.deepStrictEqual([...conn.changedSettings], ["isolation"])
    }).pipe(Effect.scoped))

  it.live("connect-time session settings: isolation and lock wait as SQL text", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      yield* Connection.make({ url: server.url, isolation: "committedRead", lockWait: { seconds: 5 } })
      assert.deepStrictEqual(server.batches.map((b) => sqlOf(b[0]!)), [
        "SET ISOLATION TO COMMITTED READ",
        "SET LOCK MODE TO WAIT 5"
      ])
    }).pipe(Effect.scoped))

  it.live("an exhausted cursor closes at once under CURSOR STABILITY and after the session's own SET ISOLATION", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const exchangesPerQuery = (conn: Connection.Connection) =>
        Effect.gen(function*() {
          const session = (conn as unknown as ConnectionImpl).session
          const before = session.generation
          yield* conn.values("SELECT a FROM t WHERE x = ?", [1])
          return session.generation - before
        })
      const committed = yield* Connection.make({ url: server.url, isolation: "committedRead" })
      yield* exchangesPerQuery(committed) // PREPARE
      assert.strictEqual(yield* exchangesPerQuery(committed), 1)
      const stability = yield* Connection.make({ url: server.url, isolation: "cursorStability" })
      yield* exchangesPerQuery(stability)
      assert.strictEqual(yield* exchangesPerQuery(stability), 2)
      yield* committed.execute("SET ISOLATION TO CURSOR STABILITY")
      assert.strictEqual(yield* exchangesPerQuery(committed), 2)
    }).pipe(Effect.scoped))

  it.live("statements get a client span with the OTel database attributes (no parameter values)", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(handler)
      const conn = yield* Connection.make(server.url)
      const { spans, tracer } = recordingTracer()
      yield* conn.query("SELECT a FROM t WHERE x = ?", ["secret-param"]).pipe(Effect.withTracer(tracer))
      const span = spans.find((s) => s.name === "informix.query")
      assert.isDefined(span)
      const attributes = Object.fromEntries(span!.attributes)
      assert.strictEqual(attributes["db.system.name"], "informix")
      assert.strictEqual(attributes["db.namespace"], "fakedb")
      assert.strictEqual(attributes["server.address"], "127.0.0.1")
      assert.strictEqual(attributes["server.port"], server.port)
      assert.strictEqual(attributes["db.query.text"], "SELECT a FROM t WHERE x = ?")
      assert.strictEqual(attributes["db.operation.name"], "SELECT")
      assert.notInclude(JSON.stringify(attributes), "secret-param")
      assert.notInclude(JSON.stringify(attributes), "secret")
    }).pipe(Effect.scoped))
})
