/**
 * BYTE / TEXT values read as a Stream of the SQ_BLOB chunks the server sends (`Connection.streamBlob`), end to end
 * against the TestServer (which sends 1024-byte chunks): content over several chunks, TEXT as text, NULL / no row,
 * a typed error for a query without a BYTE/TEXT column, and cursor and statement gone after an early stop; a slow
 * consumer pauses the socket (the driver never reads far ahead of it), also when it stops half-way. The stream
 * after an OPTOFC close: test/server/optofc.test.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import { HIGH_WATER } from "../src/internal/connection/blobReader.ts"
import type { ConnectionImpl } from "../src/internal/connection/connectionImpl.ts"
import { concat } from "../src/internal/wire/concat.ts"
import * as TestServer from "../src/TestServer.ts"

const CHUNK = 1024
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 10)) & 0xff)

const withTable = <A, E>(f: (conn: Connection.Connection, server: TestServer.TestServer) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make()
    const conn = yield* Connection.make(server.url)
    yield* conn.execute("CREATE TABLE docs (id INTEGER, b BYTE, t TEXT)")
    return yield* f(conn, server)
  }).pipe(Effect.scoped)

/** Waits (polling, no deadline asserted) until `done()` holds. */
const until = (done: () => boolean): Effect.Effect<void> =>
  Effect.suspend(() => done() ? Effect.void : Effect.andThen(Effect.sleep("2 millis"), until(done)))

const BIG = 8 * 2 ** 20

describe("BYTE / TEXT streams", () => {
  it.live("a BYTE value of several chunks round-trips, read as the server's 1024-byte chunks", () =>
    withTable((conn, server) =>
      Effect.gen(function*() {
        const data = pattern(5 * CHUNK + 321)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, data, "x"])
        const before = (yield* server.stats).statements // the INSERT stays in the statement cache
        const chunks = yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs WHERE id = ?", [1]))
        assert.strictEqual(chunks.length, 6)
        assert.isTrue(chunks.every((c) => c.length <= CHUNK))
        assert.deepStrictEqual(concat(chunks), data)
        const stats = yield* server.stats
        assert.deepStrictEqual([stats.cursors, stats.statements], [0, before])
      })
    ))

  it.live("a TEXT value streams as its bytes, decodable as text; the first BYTE/TEXT column is the one read", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const text = "line of text\n".repeat(400)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, null, text])
        const decoded = yield* conn.streamBlob("SELECT id, t FROM docs").pipe(Stream.decodeText, Stream.mkString)
        assert.strictEqual(decoded, text)
      })
    ))

  it.live("NULL and no row are empty streams; a query without BYTE/TEXT fails with ParameterError", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, null, null])
        assert.strictEqual((yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs"))).length, 0)
        assert.strictEqual((yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs WHERE id = 2"))).length, 0)
        const exit = yield* Effect.exit(Stream.runCollect(conn.streamBlob("SELECT id FROM docs")))
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), "ParameterError")
      })
    ))

  it.live("a stream stopped after its first chunk frees its cursor and statement and leaves the connection usable", () =>
    withTable((conn, server) =>
      Effect.gen(function*() {
        const data = pattern(40 * CHUNK)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, data, null])
        const before = (yield* server.stats).statements // the INSERT stays in the statement cache
        const first = yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs").pipe(Stream.take(1)))
        assert.deepStrictEqual(first[0], data.subarray(0, CHUNK))
        const stats = yield* server.stats
        assert.deepStrictEqual([stats.cursors, stats.statements], [0, before])
        assert.deepStrictEqual(yield* conn.values("SELECT id FROM docs"), [[1]])
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs"))), data)
      })
    ))

  it.live("a consumer that falls behind pauses the socket: the driver reads ahead at most HIGH_WATER plus one read", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const data = pattern(BIG)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, data, null])
        const socket = (conn as unknown as ConnectionImpl).session.socket
        const start = socket.bytesRead
        const received: Array<Uint8Array> = []
        let readAhead = -1
        yield* Stream.runForEach(conn.streamBlob("SELECT b FROM docs"), (chunk) =>
          Effect.gen(function*() {
            if (received.length === 0) {
              // The first chunk is not consumed until the socket paused or the whole value arrived regardless.
              yield* until(() => socket.isPaused() || socket.bytesRead - start >= BIG)
              readAhead = socket.bytesRead - start
            }
            received.push(chunk)
          }))
        assert.isTrue(readAhead > 0)
        assert.isBelow(readAhead, HIGH_WATER + 256 * 1024)
        assert.deepStrictEqual(concat(received), data)
        assert.isFalse(socket.isPaused())
        assert.deepStrictEqual(yield* conn.values("SELECT id FROM docs"), [[1]])
      })
    ))

  it.live("a stream stopped while the socket is paused drains the rest of the value; the session stays in step", () =>
    withTable((conn, server) =>
      Effect.gen(function*() {
        const data = pattern(BIG)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, data, null])
        const before = (yield* server.stats).statements
        const socket = (conn as unknown as ConnectionImpl).session.socket
        const start = socket.bytesRead
        const first = yield* conn.streamBlob("SELECT b FROM docs").pipe(
          Stream.tap(() => until(() => socket.isPaused() || socket.bytesRead - start >= BIG)),
          Stream.take(1),
          Stream.runCollect
        )
        assert.deepStrictEqual(first[0], data.subarray(0, CHUNK))
        const stats = yield* server.stats
        assert.deepStrictEqual([stats.cursors, stats.statements], [0, before])
        assert.strictEqual(conn.state, "idle")
        assert.deepStrictEqual(yield* conn.values("SELECT id FROM docs"), [[1]])
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs"))), data)
      })
    ))

  it.live("a timeout that fires while the socket is paused fails the stream (never a short value); the session stays usable", () =>
    withTable((conn) =>
      Effect.gen(function*() {
        const data = pattern(BIG)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, data, null])
        let first = true
        let settled = ""
        const exit = yield* conn.streamBlob("SELECT b FROM docs", [], { timeout: "1 second" }).pipe(
          Stream.tap(() => {
            if (!first) return Effect.void
            first = false
            // The consumer holds on to its first chunk until the timeout fired and the session drained the reply
            // without it (or retired the session: the pause was never lifted).
            return Effect.andThen(
              until(() => conn.state === "idle" || conn.state === "dead"),
              Effect.sync(() => (settled = conn.state))
            )
          }),
          Stream.runDrain,
          Effect.exit
        )
        // (On a machine so loaded that the timeout fired before the first chunk reached the consumer, there is no
        // consumer to wait for: the failure below is all there is to see.)
        if (settled !== "") assert.strictEqual(settled, "idle")
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), "timed out")
        assert.deepStrictEqual(yield* conn.values("SELECT id FROM docs"), [[1]])
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs"))), data)
      })
    ))
})
