/**
 * BYTE / TEXT parameters bound from a Stream (`InformixValue.byteStream` / `textStream`), end to end against the
 * TestServer: pieces of any size round-trip, the request is written while the stream is pulled (never concatenated
 * first), TEXT is encoded in the connection's code set (a surrogate pair split between pieces included), and a stream
 * that fails or is interrupted part-way ends the batch with SQ_FERR: a typed error, nothing inserted, the session in
 * step.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import * as InformixValue from "../src/InformixValue.ts"
import type { ConnectionImpl } from "../src/internal/connection/connectionImpl.ts"
import { concat } from "../src/internal/wire/concat.ts"
import * as TestServer from "../src/TestServer.ts"

const pattern = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed + (i >> 10)) & 0xff)

const withTable = <A, E>(
  f: (conn: Connection.Connection, server: TestServer.TestServer) => Effect.Effect<A, E>,
  utf8 = false
) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(utf8 ? { databases: [{ name: "testdb", locale: "en_US.utf8" }] } : undefined)
    const conn = yield* Connection.make(
      utf8 ? { url: server.url, clientLocale: "en_US.utf8", dbLocale: "en_US.utf8" } : server.url
    )
    yield* conn.execute("CREATE TABLE docs (id INTEGER, b BYTE, t TEXT)")
    return yield* f(conn, server)
  }).pipe(Effect.scoped)

const readBack = (conn: Connection.Connection, column: "b" | "t", id: number) =>
  Effect.map(Stream.runCollect(conn.streamBlob(`SELECT ${column} FROM docs WHERE id = ?`, [id])), concat)

describe("BYTE / TEXT bound from a Stream", () => {
  it.live("pieces of any size (empty, 1 byte, 1024, odd, several KiB) round-trip, beside a bytes-bound value", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const sizes = [0, 1, 1024, 777, 5000, 3, 2048]
        const pieces = sizes.map((n, k) => pattern(n, k))
        const text = "static text"
        const result = yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [
          1,
          InformixValue.byteStream(Stream.fromIterable(pieces)),
          text
        ])
        assert.strictEqual(result.rowsAffected, 1)
        assert.deepStrictEqual(yield* readBack(conn, "b", 1), concat(pieces))
        assert.deepStrictEqual(yield* conn.values("SELECT t FROM docs WHERE id = 1"), [[text]])
        // An empty stream is an empty value, not NULL.
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [2, InformixValue.byteStream(Stream.empty), null])
        assert.deepStrictEqual(yield* conn.values("SELECT b FROM docs WHERE id = 2"), [[new Uint8Array(0)]])
      })
    ))

  it.live("the request is written while the stream is pulled: most of a value is on the wire before its last piece", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const socket = (conn as unknown as ConnectionImpl).session.socket
        const PIECE = 64 * 1024
        const COUNT = 64
        const start = socket.bytesWritten
        const listeners = [socket.listenerCount("drain"), socket.listenerCount("close")]
        let writtenAtLastPull = -1
        const content = Stream.paginate(0, (k: number) =>
          Effect.sync(() => {
            if (k === COUNT - 1) writtenAtLastPull = socket.bytesWritten - start
            return [[pattern(PIECE, k)], k + 1 < COUNT ? Option.some(k + 1) : Option.none()] as const
          }))
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, InformixValue.byteStream(content), null])
        assert.isAbove(writtenAtLastPull, (COUNT / 2) * PIECE)
        // Waiting for Node's `drain` leaves no listener behind.
        assert.deepStrictEqual([socket.listenerCount("drain"), socket.listenerCount("close")], listeners)
        const back = yield* readBack(conn, "b", 1)
        assert.strictEqual(back.length, PIECE * COUNT)
        assert.deepStrictEqual(back.subarray((COUNT - 1) * PIECE), pattern(PIECE, COUNT - 1))
      })
    ))

  it.live("TEXT from strings is encoded in the connection's code set, a surrogate pair split between pieces kept whole", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const emoji = "😀" // two UTF-16 code units
        const pieces = ["caf\u00e9 ", emoji[0]!, emoji[1]! + " x".repeat(700), "", "end"]
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [
          1,
          null,
          InformixValue.textStream(Stream.fromIterable(pieces))
        ])
        assert.deepStrictEqual(yield* conn.values("SELECT t FROM docs"), [[pieces.join("")]])
      }), true))

  it.live("a stream that fails part-way: ParameterError with its cause, nothing inserted, the session in step", () =>
    withTable((conn, server) =>
      Effect.gen(function*() {
        const before = (yield* server.stats).statements
        const content = Stream.concat(Stream.make(pattern(5000), pattern(3000)), Stream.fail("disk gone"))
        const exit = yield* Effect.exit(
          conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, InformixValue.byteStream(content), null])
        )
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          const error = exit.cause.reasons.find((r) => r._tag === "Fail")
          assert.strictEqual(error?._tag === "Fail" ? error.error._tag : undefined, "ParameterError")
          if (error?._tag === "Fail" && error.error._tag === "ParameterError") {
            assert.strictEqual(error.error.index, 1)
            assert.strictEqual(error.error.cause, "disk gone")
          }
        }
        assert.strictEqual(conn.state, "idle")
        assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM docs"), [[0]])
        // The statement is cached as usual and works with the next stream.
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [
          2,
          InformixValue.byteStream(Stream.make(pattern(10))),
          null
        ])
        assert.deepStrictEqual(yield* readBack(conn, "b", 2), pattern(10))
        assert.isAtLeast((yield* server.stats).statements, before)
      })
    ))

  it.live("a caller interrupted while its stream is pulled: nothing inserted, the session in step", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        let pulled = 0
        const content = Stream.concat(
          Stream.fromIterable([pattern(4000), pattern(4000)]).pipe(Stream.tap(() => Effect.sync(() => pulled++))),
          Stream.never
        )
        const fiber = yield* Effect.forkChild(
          conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, InformixValue.byteStream(content), null])
        )
        yield* waitUntil(() => pulled === 2)
        yield* Fiber.interrupt(fiber)
        assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM docs"), [[0]])
        // SQ_FERR ends the statement by itself: no urgent byte was sent for it.
        assert.strictEqual((conn as unknown as ConnectionImpl).session.interruptsSent, 0)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [
          2,
          InformixValue.byteStream(Stream.make(pattern(3))),
          null
        ])
        assert.deepStrictEqual(yield* readBack(conn, "b", 2), pattern(3))
        assert.strictEqual(conn.state, "idle")
      })
    ))

  it.live("a cached statement gone stale (-710) is not retried with a stream the failed attempt consumed", () =>
    withTable((conn, server) =>
      Effect.gen(function*() {
        const sql = "INSERT INTO docs VALUES (?, ?, ?)"
        yield* conn.execute(sql, [1, InformixValue.byteStream(Stream.make(pattern(10))), null])
        yield* server.faults.failNextStatement({ sqlcode: -710, parameter: "docs", on: "execute" })
        let runs = 0
        const once = Stream.suspend(() => (++runs === 1 ? Stream.make(pattern(20)) : Stream.empty))
        const exit = yield* Effect.exit(conn.execute(sql, [2, InformixValue.byteStream(once), null]))
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), "-710")
        assert.strictEqual(runs, 1)
        // The stale statement is gone from the cache: the next call prepares afresh.
        yield* conn.execute(sql, [3, InformixValue.byteStream(Stream.make(pattern(30))), null])
        assert.deepStrictEqual(yield* conn.values("SELECT id FROM docs ORDER BY id"), [[1], [3]])
      })
    ))

  it.live("through InformixClient: a streamed value in a sql`` INSERT", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const sql = yield* InformixClient.make({ url: server.url }).pipe(Effect.provide(Reactivity.layer))
      yield* sql`CREATE TABLE docs (id INTEGER, b BYTE, t TEXT)`
      const content = Stream.make(pattern(3000), pattern(5))
      yield* sql`INSERT INTO docs VALUES (${1}, ${InformixValue.byteStream(content)}, ${
        InformixValue.textStream(Stream.make("a", "b"))
      })`
      const rows = yield* sql<{ b: Uint8Array; t: string }>`SELECT b, t FROM docs`
      assert.deepStrictEqual(rows, [{ b: concat([pattern(3000), pattern(5)]), t: "ab" }])
    }).pipe(Effect.scoped))

  it.live("a PreparedStatement binds a streamed value on each execute", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        yield* Effect.scoped(Effect.gen(function*() {
          const insert = yield* conn.prepare("INSERT INTO docs VALUES (?, ?, ?)")
          for (const id of [1, 2]) {
            yield* insert.execute([id, InformixValue.byteStream(Stream.make(pattern(1500, id))), null])
          }
        }))
        assert.deepStrictEqual(yield* readBack(conn, "b", 2), pattern(1500, 2))
      })
    ))

  it.live("executeMany refuses a streamed value before sending anything", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          conn.executeMany("INSERT INTO docs VALUES (?, ?, ?)", [[1, InformixValue.byteStream(Stream.empty), null]])
        )
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), "executeMany")
        assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM docs"), [[0]])
      })
    ))
})

const waitUntil = (done: () => boolean): Effect.Effect<void> =>
  Effect.suspend(() => done() ? Effect.void : Effect.andThen(Effect.sleep("2 millis"), waitUntil(done)))
