/**
 * Smart large objects end to end against the TestServer: created from bytes, text or a stream, read back as a stream
 * in SQ_LODATA chunks, CLOB text in the connection's code set, and typed errors for bad locators.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import { SmartLobLocator } from "../src/InformixValue.ts"
import { TRANSFER } from "../src/internal/connection/smartLobs.ts"
import { LODATA_CHUNK } from "../src/internal/protocol/smartLobMessages.ts"
import * as TestServer from "../src/TestServer.ts"

const pattern = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 11)) & 0xff)

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const withConnection = <A, E>(
  f: (conn: Connection.Connection) => Effect.Effect<A, E>,
  options?: { readonly utf8?: boolean }
) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(
      options?.utf8 === true ? { databases: [{ name: "testdb", locale: "en_US.utf8" }] } : undefined
    )
    const conn = yield* Connection.make(
      options?.utf8 === true
        ? { url: server.url, clientLocale: "en_US.utf8", dbLocale: "en_US.utf8" }
        : server.url
    )
    return yield* f(conn)
  }).pipe(Effect.scoped)

describe("smart large objects", () => {
  it.live("a BLOB of several transfers round-trips, written from a stream and read in ≤ 32000-byte chunks", () =>
    withConnection((conn) =>
      Effect.gen(function*() {
        const size = 2 * TRANSFER + 12345
        const data = pattern(size)
        // Input chunks that do not line up with the transfer size.
        const pieces = Stream.fromIterable(
          Array.from({ length: Math.ceil(size / 77777) }, (_, i) => data.subarray(i * 77777, (i + 1) * 77777))
        )
        const locator = yield* conn.createSmartLob("BLOB", pieces)
        assert.strictEqual(locator.kind, "BLOB")
        assert.strictEqual(locator.hex.length, 144)
        const chunks = yield* Stream.runCollect(conn.readSmartLob(locator))
        assert.isTrue(chunks.every((c) => c.length <= LODATA_CHUNK))
        assert.strictEqual(chunks.length, Math.ceil(size / LODATA_CHUNK) + 0)
        assert.deepStrictEqual(concat(chunks), data)
        // The same object again, and a second one: objects are independent and re-readable.
        const other = yield* conn.createSmartLob("BLOB", pattern(10, 3))
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.readSmartLob(other))), pattern(10, 3))
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.readSmartLob(locator))), data)
      })
    ))

  it.live("empty objects, and a CLOB read as text in the connection's code set", () =>
    withConnection((conn) =>
      Effect.gen(function*() {
        const empty = yield* conn.createSmartLob("BLOB", new Uint8Array(0))
        assert.deepStrictEqual(yield* Stream.runCollect(conn.readSmartLob(empty)), [])
        const text = "Grüße, 東京 — ".repeat(5000)
        const clob = yield* conn.createSmartLob("CLOB", text)
        assert.strictEqual(yield* conn.readClobText(clob), text)
        const bytes = concat(yield* Stream.runCollect(conn.readSmartLob(clob)))
        assert.deepStrictEqual(bytes, new TextEncoder().encode(text))
      }), { utf8: true }))

  it.live("a stream stopped early closes the object and leaves the session usable", () =>
    withConnection((conn) =>
      Effect.gen(function*() {
        const data = pattern(3 * TRANSFER)
        const locator = yield* conn.createSmartLob("BLOB", data)
        const first = yield* Stream.runCollect(Stream.take(conn.readSmartLob(locator), 1))
        assert.deepStrictEqual(first[0], data.subarray(0, LODATA_CHUNK))
        assert.strictEqual(conn.state, "idle")
        const rows = yield* conn.query("SELECT 1 AS one FROM systables WHERE tabid = 1")
        assert.deepStrictEqual(rows, [{ one: 1 }])
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.readSmartLob(locator))), data)
      })
    ))

  it.live("locators go into BLOB/CLOB columns and come back out of them", () =>
    withConnection((conn) =>
      Effect.gen(function*() {
        yield* conn.execute("CREATE TABLE docs (id INTEGER, body BLOB, note CLOB)")
        const body = pattern(TRANSFER + 99)
        const blob = yield* conn.createSmartLob("BLOB", body)
        const clob = yield* conn.createSmartLob("CLOB", "a note")
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [1, blob, clob])
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [2, null, null])
        // Content bound straight into the column (no locator) is served as an object of its own.
        yield* conn.execute("INSERT INTO docs VALUES (?, ?, ?)", [3, pattern(40, 5), "inline"])
        const rows = yield* conn.query("SELECT id, body, note FROM docs ORDER BY id")
        const [one, two, three] = rows
        assert.instanceOf(one!["body"], SmartLobLocator)
        assert.strictEqual((one!["body"] as SmartLobLocator).hex, blob.hex)
        assert.deepStrictEqual(
          concat(yield* Stream.runCollect(conn.readSmartLob(one!["body"] as SmartLobLocator))),
          body
        )
        assert.strictEqual(yield* conn.readClobText(one!["note"] as SmartLobLocator), "a note")
        assert.deepStrictEqual([two!["body"], two!["note"]], [null, null])
        assert.deepStrictEqual(
          concat(yield* Stream.runCollect(conn.readSmartLob(three!["body"] as SmartLobLocator))),
          pattern(40, 5)
        )
        assert.strictEqual(yield* conn.readClobText(three!["note"] as SmartLobLocator), "inline")
      })
    ))

  it.live("bad locators fail with typed errors and lose nothing", () =>
    withConnection((conn) =>
      Effect.gen(function*() {
        const short = yield* Effect.exit(Stream.runCollect(conn.readSmartLob(new SmartLobLocator("BLOB", "abcd"))))
        assert.isTrue(Exit.isFailure(short))
        const shortError = Exit.isFailure(short) ? Exit.findErrorOption(short) : undefined
        assert.strictEqual(shortError?._tag === "Some" ? shortError.value._tag : undefined, "ParameterError")

        const unknown = yield* Effect.flip(
          Stream.runCollect(conn.readSmartLob(new SmartLobLocator("BLOB", "00".repeat(72))))
        )
        assert.strictEqual(unknown._tag, "SqlError")
        assert.strictEqual(unknown._tag === "SqlError" ? unknown.sqlcode : 0, -9810)

        const blob = yield* conn.createSmartLob("BLOB", pattern(5))
        const wrongKind = yield* Effect.flip(conn.readClobText(blob))
        assert.strictEqual(wrongKind._tag, "ParameterError")

        // A failing input stream: the object is closed, the error is the stream's own, the session goes on.
        const failed = yield* Effect.flip(
          conn.createSmartLob(
            "BLOB",
            Stream.concat(Stream.make(pattern(TRANSFER + 5)), Stream.fail("source broke" as const))
          )
        )
        assert.strictEqual(failed, "source broke")
        assert.deepStrictEqual(concat(yield* Stream.runCollect(conn.readSmartLob(blob))), pattern(5))
      })
    ))
})
