/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the error union */
/**
 * Connection against the embedded TestServer: connect/login outcomes, statements, typed errors, streams and cursor
 * hygiene, prepared statements, transactions. Interruption with exact timing control is in
 * Connection.interrupt.test.ts; server-side faults in Connection.faults.test.ts; value round trips in
 * Connection.values.test.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import * as Net from "node:net"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import type { ConnectionImpl } from "../src/internal/connection/connectionImpl.ts"
import * as TestServer from "../src/TestServer.ts"
import { failure, serverAndConnection } from "./connectionSupport.ts"
import { eventually } from "./eventually.ts"

const setup = serverAndConnection

describe("Connection.make", () => {
  it.live("logs in, opens the database, reports its state and closes with SQ_EXIT", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const exit = yield* Effect.scoped(Effect.gen(function*() {
        const conn = yield* Connection.make(server.url)
        assert.strictEqual(conn.state, "idle")
        assert.strictEqual(conn.database, server.database)
        assert.strictEqual(conn.serverVersion, "15.0.1.0.3")
        assert.isFalse(conn.inTransaction)
        assert.strictEqual((yield* server.stats).sessions, 1)
        return conn
      }))
      assert.strictEqual(exit.state, "dead")
      // The server saw the session end.
      yield* Effect.sleep("50 millis")
      assert.strictEqual((yield* server.stats).sessions, 0)
    }))

  it.live("accepts the object form with a Redacted password", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({
        host: server.host,
        port: server.port,
        server: server.serverName,
        database: server.database,
        user: server.user,
        password: Redacted.make(server.password)
      })
      assert.deepStrictEqual(yield* conn.values("SELECT 1 FROM systables WHERE tabid = 1"), [[1]])
    }).pipe(Effect.scoped))

  it.live("wrong password → AuthenticationError without the password in it", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const exit = yield* Effect.exit(Effect.scoped(Connection.make({
        host: server.host,
        port: server.port,
        server: server.serverName,
        database: server.database,
        user: server.user,
        password: Redacted.make("very-secret-wrong")
      })))
      const error = failure(exit)
      assert.strictEqual(error._tag, "AuthenticationError")
      if (error._tag === "AuthenticationError") assert.strictEqual(error.sqlcode, -951)
      assert.notInclude(JSON.stringify(error), "very-secret-wrong")
      assert.notInclude(String(error), "very-secret-wrong")
    }))

  it.live("unknown database → SqlError -329", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const exit = yield* Effect.exit(Effect.scoped(Connection.make({ url: server.url, database: "nosuchdb" })))
      const error = failure(exit)
      assert.strictEqual(error._tag, "SqlError")
      if (error._tag === "SqlError") assert.strictEqual(error.sqlcode, -329)
      yield* Effect.sleep("50 millis")
      assert.strictEqual((yield* server.stats).sessions, 0)
    }))

  it.live("wrong server name → AuthenticationError -761", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const exit = yield* Effect.exit(Effect.scoped(Connection.make({ url: server.url, server: "wrong_name" })))
      const error = failure(exit)
      assert.strictEqual(error._tag, "AuthenticationError")
      if (error._tag === "AuthenticationError") assert.strictEqual(error.sqlcode, -761)
    }))

  it.live("refused → ConnectionError(Refused)", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const exit = yield* Effect.exit(Effect.scoped(Connection.make({
        host: "127.0.0.1",
        port,
        user: "informix",
        password: Redacted.make("x")
      })))
      const error = failure(exit)
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Refused")
    }))

  it.effect("connect timeout fires at connectTimeout, not before, against a listener that never answers", () =>
    Effect.gen(function*() {
      const sockets: Array<Net.Socket> = []
      let closed = 0
      let received = 0
      const silent = Net.createServer((socket) => {
        sockets.push(socket)
        // Read (and ignore) the login request; notice when the client goes away.
        socket.on("data", () => received++)
        socket.on("close", () => closed++)
      })
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => {
          silent.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () =>
          Effect.callback<void>((resume) => {
            for (const s of sockets) s.destroy()
            silent.close(() => resume(Effect.void))
          })
      )
      const port = (silent.address() as Net.AddressInfo).port
      // The test clock measures the wait: real time only moves the sockets.
      const connecting = yield* Effect.forkChild(Effect.exit(Effect.scoped(Connection.make({
        host: "127.0.0.1",
        port,
        user: "informix",
        password: Redacted.make("x"),
        connectTimeout: "300 millis"
      }))))
      yield* TestClock.withLive(eventually(Effect.sync(() => received), (n) => n > 0))
      yield* TestClock.adjust("299 millis")
      assert.isUndefined(connecting.pollUnsafe(), "still waiting for the login reply")
      yield* TestClock.adjust("1 millis")
      const ended = yield* TestClock.withLive(eventually(Effect.sync(() => connecting.pollUnsafe()), Exit.isExit))
      assert.isDefined(ended, "given up at connectTimeout")
      const error = failure(yield* Fiber.join(connecting))
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
      // The half-open socket was destroyed, not leaked.
      yield* TestClock.withLive(eventually(Effect.sync(() => closed), (n) => n > 0))
      assert.strictEqual(sockets.length, 1)
      assert.strictEqual(closed, 1)
    }).pipe(Effect.scoped))
})

describe("layers", () => {
  it.live("layer provides a Connection service closed with the layer", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const result = yield* Effect.gen(function*() {
        const conn = yield* Connection.Connection
        return yield* conn.values("SELECT 1 FROM systables WHERE tabid = 1")
      }).pipe(Effect.provide(Connection.layer(server.url)))
      assert.deepStrictEqual(result, [[1]])
      yield* Effect.sleep("50 millis")
      assert.strictEqual((yield* server.stats).sessions, 0)
    }).pipe(Effect.scoped))

  it.live("layerConfig reads the INFORMIX_* environment (password as Redacted)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const env = ConfigProvider.fromEnv({
        env: {
          INFORMIX_HOST: server.host,
          INFORMIX_PORT: String(server.port),
          INFORMIXSERVER: server.serverName,
          INFORMIX_DATABASE: server.database,
          INFORMIX_USER: server.user,
          INFORMIX_PASSWORD: server.password
        }
      })
      const database = yield* Effect.map(Connection.Connection, (conn) => conn.database).pipe(
        Effect.provide(Connection.layerConfig().pipe(Layer.provide(ConfigProvider.layer(env))))
      )
      assert.strictEqual(database, server.database)
    }).pipe(Effect.scoped))
})

const freePort = Effect.callback<number>((resume) => {
  const probe = Net.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as Net.AddressInfo).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})

describe("statements", () => {
  it.live("execute without parameters (SQ_COMMAND), with parameters, and serial values", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const created = yield* conn.execute("CREATE TABLE s (id SERIAL, name VARCHAR(10))")
      assert.strictEqual(created.rowsAffected, 0)
      const first = yield* conn.execute("INSERT INTO s (name) VALUES ('a')")
      assert.strictEqual(first.rowsAffected, 1)
      assert.strictEqual(first.serial, 1)
      const second = yield* conn.execute("INSERT INTO s (name) VALUES (?)", ["b"])
      assert.strictEqual(second.serial, 2)
      const updated = yield* conn.execute("UPDATE s SET name = ? WHERE id > ?", ["z", 0])
      assert.strictEqual(updated.rowsAffected, 2)
      const deleted = yield* conn.execute("DELETE FROM s WHERE id = 42")
      assert.strictEqual(deleted.rowsAffected, 0)
    }).pipe(Effect.scoped))

  it.live("SERIAL8 and BIGSERIAL values come from SQ_INSERTDONE", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE s8 (id SERIAL8, v INTEGER)")
      const a = yield* conn.execute("INSERT INTO s8 (v) VALUES (?)", [1])
      assert.strictEqual(a.serial8, 1n)
      yield* conn.execute("CREATE TABLE bs (id BIGSERIAL, v INTEGER)")
      const b = yield* conn.execute("INSERT INTO bs (v) VALUES (1)")
      assert.strictEqual(b.bigserial, 1n)
    }).pipe(Effect.scoped))

  it.live("rows keyed by column name; duplicate names get a suffix; values mode keeps order", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE a (id INTEGER, v VARCHAR(5))")
      yield* conn.execute("CREATE TABLE b (id INTEGER, w VARCHAR(5))")
      yield* conn.execute("INSERT INTO a VALUES (1, 'x')")
      yield* conn.execute("INSERT INTO b VALUES (1, 'y')")
      const rows = yield* conn.query("SELECT a.id, b.id, v, w FROM a, b WHERE a.id = b.id")
      assert.deepStrictEqual(rows, [{ id: 1, id_2: 1, v: "x", w: "y" }])
      const values = yield* conn.values("SELECT a.id, b.id, v, w FROM a, b WHERE a.id = b.id")
      assert.deepStrictEqual(values, [[1, 1, "x", "y"]])
      const described = yield* conn.queryWithColumns("SELECT a.id, v FROM a")
      assert.deepStrictEqual(described.columns.map((c) => [c.name, c.type]), [["id", 2], ["v", 13]])
    }).pipe(Effect.scoped))

  it.live("a large result arrives over many NFETCH batches", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE big (id INTEGER, pad CHAR(100))")
      yield* conn.transaction(Effect.forEach(
        Array.from({ length: 500 }, (_, i) => i),
        (i) => conn.execute("INSERT INTO big VALUES (?, ?)", [i, "p"]),
        { discard: true }
      ))
      const rows = yield* conn.values("SELECT id FROM big ORDER BY id")
      assert.strictEqual(rows.length, 500)
      assert.deepStrictEqual(rows[499], [499])
    }).pipe(Effect.scoped))

  it.live("prepared statements are cached and released; failed statements leave nothing behind", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url, statementCacheSize: 2 })
      yield* conn.execute("CREATE TABLE c (id INTEGER)")
      for (let i = 0; i < 5; i++) yield* conn.execute("INSERT INTO c VALUES (?)", [i])
      assert.strictEqual((yield* server.stats).statements, 1)
      yield* conn.query("SELECT id FROM c WHERE id = ?", [1])
      yield* conn.query("SELECT id FROM c WHERE id > ?", [1])
      // Cache size 2: the INSERT was evicted and released.
      assert.strictEqual((yield* server.stats).statements, 2)
      yield* Effect.exit(conn.query("SELEC nonsense"))
      yield* Effect.exit(conn.query("SELECT nope FROM c WHERE id = ?", [1]))
      const stats = yield* server.stats
      assert.strictEqual(stats.statements, 2)
      assert.strictEqual(stats.cursors, 0)
    }).pipe(Effect.scoped))

  it.live("a cached statement the server invalidated (-710) is re-prepared once, transparently", () =>
    Effect.gen(function*() {
      const { server, conn } = yield* setup
      yield* conn.execute("CREATE TABLE inv (id INTEGER)")
      yield* conn.execute("INSERT INTO inv VALUES (?)", [1])
      yield* server.faults.failNextStatement({ sqlcode: -710, parameter: "inv", on: "execute" })
      const result = yield* conn.execute("INSERT INTO inv VALUES (?)", [2])
      assert.strictEqual(result.rowsAffected, 1)
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM inv ORDER BY id"), [[1], [2]])
      // The stale statement was released, the fresh one (and the SELECT) are cached.
      assert.strictEqual((yield* server.stats).statements, 2)
    }).pipe(Effect.scoped))

  it.live("a cached query the server invalidated (-710) at its OPEN is re-prepared once, transparently", () =>
    Effect.gen(function*() {
      const { server, conn } = yield* setup
      yield* conn.execute("CREATE TABLE inv3 (id INTEGER)")
      yield* conn.execute("INSERT INTO inv3 VALUES (?)", [1])
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM inv3"), [[1]])
      yield* server.faults.failNextStatement({ sqlcode: -710, parameter: "inv3", on: "execute" })
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM inv3"), [[1]])
      // The stale statement was released and its fresh one took its place in the cache (with the INSERT).
      const stats = yield* eventually(server.stats, (s) => s.cursors === 0)
      assert.strictEqual(stats.statements, 2)
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM inv3"), [[1]])
      assert.strictEqual((yield* server.stats).statements, 2)
    }).pipe(Effect.scoped))

  it.live("a stream on a cached statement the server invalidated (-710) opens on a fresh PREPARE, transparently", () =>
    Effect.gen(function*() {
      const { server, conn } = yield* setup
      yield* conn.execute("CREATE TABLE inv2 (id INTEGER)")
      yield* conn.execute("INSERT INTO inv2 VALUES (?)", [1])
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM inv2"), [[1]])
      assert.strictEqual((yield* server.stats).statements, 2)
      yield* server.faults.failNextStatement({ sqlcode: -710, parameter: "inv2", on: "execute" })
      assert.deepStrictEqual(yield* Stream.runCollect(conn.streamValues("SELECT id FROM inv2")), [[1]])
      // The stale statement left the cache and was released; the stream's fresh one was its own.
      const stats = yield* eventually(server.stats, (s) => s.cursors === 0)
      assert.strictEqual(stats.statements, 1)
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM inv2"), [[1]])
    }).pipe(Effect.scoped))

  it.live("prepare: reusable statement with execute/query/stream, released when its scope closes", () =>
    Effect.gen(function*() {
      const { server, conn } = yield* setup
      yield* conn.execute("CREATE TABLE p (id INTEGER, name VARCHAR(10))")
      yield* Effect.scoped(Effect.gen(function*() {
        const insert = yield* conn.prepare("INSERT INTO p VALUES (?, ?)")
        assert.isFalse(insert.returnsRows)
        for (let i = 0; i < 3; i++) yield* insert.execute([i, `n${i}`])
        const select = yield* conn.prepare("SELECT id, name FROM p WHERE id >= ? ORDER BY id")
        assert.isTrue(select.returnsRows)
        assert.deepStrictEqual(yield* select.query([1]), [{ id: 1, name: "n1" }, { id: 2, name: "n2" }])
        assert.deepStrictEqual(yield* select.values([2]), [[2, "n2"]])
        const streamed = yield* Stream.runCollect(select.stream([0]))
        assert.strictEqual(streamed.length, 3)
        assert.isAtLeast((yield* server.stats).statements, 2)
      }))
      const stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
      assert.strictEqual(stats.statements, 0)
    }).pipe(Effect.scoped))
})

const sqlcodeOf = (exit: Exit.Exit<unknown, InformixError>) => {
  const error = failure(exit)
  assert.strictEqual(error._tag, "SqlError", `expected SqlError, got ${error._tag}: ${error.message}`)
  return error._tag === "SqlError" ? error : undefined
}

describe("concurrency", () => {
  it.live("a defect while a one-step query holds the session's permits gives them up: the session goes on", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const impl = conn as unknown as ConnectionImpl
      yield* conn.execute("CREATE TABLE dfx (id INTEGER)")
      yield* conn.execute("INSERT INTO dfx VALUES (?)", [1])
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM dfx"), [[1]])
      // The cached statement's row decoder throws (a bug, not a refused value): the query dies with the defect.
      const cached = impl.cache.take("SELECT id FROM dfx")!
      const decoder = cached.rows
      ;(cached as { rows: unknown }).rows = {
        decode: () => {
          throw new Error("decoder bug")
        }
      }
      const exit = yield* Effect.exit(conn.values("SELECT id FROM dfx"))
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
      ;(cached as { rows: unknown }).rows = decoder
      assert.isFalse(impl.session.owner.taken)
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM dfx"), [[1]])
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM dfx"), [[1]])
    }).pipe(Effect.scoped))

  it.live("many fibers share one session: round trips are serialised, every answer is its own", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const results = yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) =>
          i % 3 === 0
            ? Effect.map(
              Stream.runCollect(conn.streamValues("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [i])),
              (rows) => rows[0]![0]
            )
            : Effect.map(conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [i]), (rows) => rows[0]![0]),
        { concurrency: 50 }
      )
      assert.deepStrictEqual(results, Array.from({ length: 200 }, (_, i) => i))
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("concurrent uses of one prepared statement queue instead of clashing on its cursor", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const select = yield* conn.prepare("SELECT ?::INTEGER AS n FROM systables WHERE tabid = 1")
      const results = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => Effect.map(select.query([i]), (rows) => rows[0]!.n),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(results, Array.from({ length: 20 }, (_, i) => i))
    }).pipe(Effect.scoped))

  it.live("a prepared query built before its scope closed and run after it → StatementReleasedError", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const [plain, withParameter] = yield* Effect.scoped(Effect.map(
        conn.prepare("SELECT tabid FROM systables WHERE tabid = 1"),
        (statement) => [statement.values(), statement.query([1])] as const
      ))
      assert.strictEqual(failure(yield* Effect.exit(plain))._tag, "StatementReleasedError")
      assert.strictEqual(failure(yield* Effect.exit(withParameter))._tag, "StatementReleasedError")
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))
})

describe("errors", () => {
  it.live("map to SqlError with the right codes and keep the session usable", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, name VARCHAR(10) NOT NULL)")
      yield* conn.execute("CREATE UNIQUE INDEX e_name ON e (name)")
      yield* conn.execute("INSERT INTO e VALUES (1, 'a')")

      const syntax = sqlcodeOf(yield* Effect.exit(conn.query("SELEKT * FROM e")))
      assert.strictEqual(syntax?.sqlcode, -201)
      assert.isTrue(syntax?.isSyntax)
      assert.strictEqual(syntax?.sql, "SELEKT * FROM e")

      const table = sqlcodeOf(yield* Effect.exit(conn.query("SELECT * FROM nosuchtable")))
      assert.strictEqual(table?.sqlcode, -206)
      assert.strictEqual(table?.parameter, "nosuchtable")

      const column = sqlcodeOf(yield* Effect.exit(conn.query("SELECT nosuchcolumn FROM e")))
      assert.strictEqual(column?.sqlcode, -217)

      const unique = sqlcodeOf(yield* Effect.exit(conn.execute("INSERT INTO e VALUES (?, ?)", [1, "secret-value"])))
      assert.include([-268, -239], unique?.sqlcode)
      assert.isTrue(unique?.isUniqueViolation)
      // Parameter values never appear in errors.
      assert.notInclude(JSON.stringify(unique), "secret-value")

      const notNull = sqlcodeOf(yield* Effect.exit(conn.execute("INSERT INTO e VALUES (2, NULL)")))
      assert.strictEqual(notNull?.sqlcode, -391)

      assert.deepStrictEqual(yield* conn.values("SELECT id FROM e"), [[1]])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("a parameter that cannot be bound fails the statement only", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      const exit = yield* Effect.exit(conn.query("SELECT 1 FROM systables WHERE tabid = ?", [Symbol("nope")]))
      const error = failure(exit)
      // A client-side failure, not an SqlError: no server code is involved (and sqlcode 0 would mean success).
      assert.strictEqual(error._tag, "ParameterError")
      assert.strictEqual((error as Extract<InformixError, { _tag: "ParameterError" }>).index, 0)
      assert.match(error.message, /Parameter 1/)
      assert.deepStrictEqual(yield* conn.values("SELECT 1 FROM systables WHERE tabid = ?", [1]), [[1]])
    }).pipe(Effect.scoped))
})

describe("streams", () => {
  it.live("stream pulls NFETCH batches lazily and frees the cursor at the end", () =>
    Effect.gen(function*() {
      const { server, conn } = yield* setup
      yield* conn.execute("CREATE TABLE st (id INTEGER, pad CHAR(200))")
      yield* conn.transaction(Effect.forEach(
        Array.from({ length: 300 }, (_, i) => i),
        (i) => conn.execute("INSERT INTO st VALUES (?, 'x')", [i]),
        { discard: true }
      ))
      const all = yield* Stream.runCollect(conn.stream("SELECT id FROM st ORDER BY id", [], { fetchSize: 512 }))
      assert.strictEqual(all.length, 300)
      assert.deepStrictEqual(all[0], { id: 0 })
      // Read to the end: the CLOSE goes out once the session stays idle (or in front of its next request).
      const stats = yield* eventually(server.stats, (s) => s.cursors === 0)
      assert.strictEqual(stats.cursors, 0)
    }).pipe(Effect.scoped))

  it.live("early termination closes the server cursor; streams reuse the cached statement", () =>
    Effect.gen(function*() {
      // Every batch the server receives, as the tags of its messages.
      const batches: Array<ReadonlyArray<string>> = []
      const server = yield* TestServer.make({
        protocolTrace: (event) => {
          if (event._tag === "Batch") batches.push(event.messages.map((m) => m._tag))
        }
      })
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE st2 (id INTEGER)")
      yield* conn.transaction(Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => conn.execute("INSERT INTO st2 VALUES (?)", [i]),
        { discard: true }
      ))
      const before = (yield* server.stats).statements
      // 64-byte fetches hold 16 rows: the cursor is still open on the server when the consumer stops, so only the
      // stream's finalizer can close it.
      const sinceHere = (from: number) => batches.slice(from)
      const fetches = (from: number) => sinceHere(from).filter((tags) => tags.includes("NFetch")).length
      const closes = (from: number) => sinceHere(from).filter((tags) => tags.includes("Close")).length
      const prepares = (from: number) => sinceHere(from).filter((tags) => tags.includes("Prepare")).length
      let mark = batches.length
      const firstThree = yield* Stream.runCollect(
        conn.streamValues("SELECT id FROM st2 ORDER BY id", [], { fetchSize: 64 }).pipe(Stream.take(3))
      )
      assert.deepStrictEqual(firstThree, [[0], [1], [2]])
      assert.strictEqual(fetches(mark), 1, "stopped after the first of many fetches")
      assert.strictEqual(closes(mark), 1, "the finalizer sent CLOSE")
      let stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
      // The stream's statement went to the statement cache (no RELEASE), ...
      assert.strictEqual(stats.statements, before + 1)

      // A failing consumer also frees it.
      mark = batches.length
      const failed = yield* Effect.exit(Stream.runDrain(
        conn.stream("SELECT id FROM st2 ORDER BY id", [], { fetchSize: 64 }).pipe(
          Stream.mapEffect((row) => row.id === 20 ? Effect.fail("boom") : Effect.void)
        )
      ))
      assert.isTrue(Exit.isFailure(failed))
      assert.strictEqual(fetches(mark), 2, "failed in the second of many fetches")
      assert.strictEqual(closes(mark), 1, "the finalizer sent CLOSE")
      // ... and the next stream of the same text opened its cursor on it, without a PREPARE.
      assert.strictEqual(prepares(mark), 0)
      stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
      assert.strictEqual(stats.statements, before + 1)
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM st2"), [[200]])
    }).pipe(Effect.scoped))

  it.live("a stream's timeout bounds each round trip, not how slowly the consumer pulls", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE slow (id INTEGER)")
      for (let i = 0; i < 3; i++) yield* conn.execute("INSERT INTO slow VALUES (?)", [i])
      const rows = yield* Stream.runCollect(
        conn.stream("SELECT id FROM slow ORDER BY id", [], { fetchSize: 1, timeout: "150 millis" }).pipe(
          Stream.tap(() => Effect.sleep("200 millis"))
        )
      )
      assert.deepStrictEqual(rows, [{ id: 0 }, { id: 1 }, { id: 2 }])
      // No round trip hit its timeout, so no interrupt was ever requested.
      assert.strictEqual((conn as unknown as ConnectionImpl).interruptsSent, 0)
    }).pipe(Effect.scoped))

  it.live("statements can run between pulls of an open stream", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE src (id INTEGER)")
      yield* conn.execute("CREATE TABLE dst (id INTEGER)")
      for (let i = 0; i < 20; i++) yield* conn.execute("INSERT INTO src VALUES (?)", [i])
      yield* Stream.runDrain(
        conn.stream("SELECT id FROM src", [], { fetchSize: 16 }).pipe(
          Stream.mapEffect((row) => conn.execute("INSERT INTO dst VALUES (?)", [row.id]))
        )
      )
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM dst"), [[20]])
    }).pipe(Effect.scoped))
})

describe("transactions", () => {
  it.live("commit on success, rollback on failure, state tracked", () =>
    Effect.gen(function*() {
      const { server, conn } = yield* setup
      yield* conn.execute("CREATE TABLE tx (id INTEGER)")
      yield* conn.transaction(Effect.gen(function*() {
        assert.isTrue(conn.inTransaction)
        yield* conn.execute("INSERT INTO tx VALUES (1)")
      }))
      assert.isFalse(conn.inTransaction)
      const failed = yield* Effect.exit(conn.transaction(Effect.gen(function*() {
        yield* conn.execute("INSERT INTO tx VALUES (2)")
        return yield* Effect.fail("nope")
      })))
      assert.isTrue(Exit.isFailure(failed))
      assert.isFalse(conn.inTransaction)
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM tx ORDER BY id"), [[1]])
      assert.strictEqual((yield* server.stats).transactions, 0)
    }).pipe(Effect.scoped))

  it.live("nested transactions use savepoints", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE sp (id INTEGER)")
      yield* conn.transaction(Effect.gen(function*() {
        yield* conn.execute("INSERT INTO sp VALUES (1)")
        yield* Effect.exit(conn.transaction(Effect.gen(function*() {
          yield* conn.execute("INSERT INTO sp VALUES (2)")
          return yield* Effect.fail("inner")
        })))
        yield* conn.transaction(conn.execute("INSERT INTO sp VALUES (3)"))
      }))
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM sp ORDER BY id"), [[1], [3]])
    }).pipe(Effect.scoped))

  it.live("BEGIN/COMMIT as SQL text are tracked from the statement type", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("BEGIN WORK")
      assert.isTrue(conn.inTransaction)
      yield* conn.execute("COMMIT WORK")
      assert.isFalse(conn.inTransaction)
    }).pipe(Effect.scoped))

  it.live("other fibers wait while a transaction holds the session", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE iso (id INTEGER)")
      const order: Array<string> = []
      yield* Effect.all([
        conn.transaction(Effect.gen(function*() {
          yield* conn.execute("INSERT INTO iso VALUES (1)")
          yield* Effect.sleep("50 millis")
          order.push("tx done")
        })),
        Effect.sleep("10 millis").pipe(
          Effect.andThen(conn.values("SELECT COUNT(*) FROM iso")),
          Effect.tap(() => Effect.sync(() => order.push("outside")))
        )
      ], { concurrency: "unbounded" })
      assert.deepStrictEqual(order, ["tx done", "outside"])
    }).pipe(Effect.scoped))
})
