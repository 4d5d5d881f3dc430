/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * OPTOFC in the session environment (SQ_INFO): the fetch that returns a forward cursor's last row also closes the
 * cursor and says so with SQ_CLOSE (JDBC then sends no CLOSE: `SQ_CLOSERecvd`, IfxSqli.executeClose). Without it
 * the cursor stays open after SQ_DONE until the client's CLOSE (SQLI.md §8.6). A BYTE/TEXT value of a row is still
 * fetched after that close (SQ_FETCHBLOB by its descriptor, as JDBC does), without a CLOSE from our stream either.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Connection from "../../src/Connection.ts"
import { concat } from "../../src/internal/wire/concat.ts"
import * as TestServer from "../../src/TestServer.ts"
import { command, errOf, openAndFetch, prepare, session, tags, type WireClient } from "./wire.ts"

const fetch = (client: WireClient, statementId: number, bufferSize: number) =>
  Effect.andThen(
    client.send([{ _tag: "Id", statementId }, { _tag: "NFetch", bufferSize, fetchArraySize: 0 }, { _tag: "Eot" }]),
    client.group
  )

const close = (client: WireClient, statementId: number) =>
  Effect.andThen(client.send([{ _tag: "Id", statementId }, { _tag: "Close" }, { _tag: "Eot" }]), client.group)

/** A TestServer and our Connection to it; `closes()` counts the request batches that carried a CLOSE so far. */
const traced = (optofc: boolean) =>
  Effect.gen(function*() {
    const batches: Array<ReadonlyArray<string>> = []
    const server = yield* TestServer.make({
      protocolTrace: (event) => {
        if (event._tag === "Batch") batches.push(event.messages.map((m) => m._tag))
      }
    })
    const conn = yield* Connection.make({ url: server.url, optofc })
    return { conn, server, closes: () => batches.filter((tags) => tags.includes("Close")).length }
  })

const selectThree = (env: ReadonlyArray<readonly [string, string]>) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make()
    const client = yield* session(server.port, { env })
    yield* command(client, "CREATE TABLE t (k INTEGER)")
    for (let k = 0; k < 3; k++) yield* command(client, `INSERT INTO t VALUES (${k})`)
    const described = yield* prepare(client, "SELECT k FROM t ORDER BY k")
    const id = described[0]?._tag === "Describe" ? described[0].statementId : -1
    return { client, id, server }
  })

describe("OPTOFC", () => {
  it.live("the fetch that ends the result closes the cursor and sends SQ_CLOSE; CLOSE is still accepted", () =>
    Effect.gen(function*() {
      const { client, id, server } = yield* selectThree([["OPTOFC", "1"]])
      assert.strictEqual(tags(yield* openAndFetch(client, id, "c1")), "Tuple Tuple Tuple Done Cost CursorClosed Eot")
      assert.strictEqual((yield* server.stats).cursors, 0)
      assert.strictEqual(errOf(yield* fetch(client, id, 4096))?.sqlcode, -259)
      // A CLOSE sent before the client read the SQ_CLOSE is no error.
      assert.strictEqual(tags(yield* close(client, id)), "Eot")
      // Opened again: rows that do not fit one fetch leave the cursor open until the last one.
      yield* client.send([
        { _tag: "Id", statementId: id },
        { _tag: "CurName", name: "c1" },
        { _tag: "Open" },
        { _tag: "Id", statementId: id },
        { _tag: "NFetch", bufferSize: 4, fetchArraySize: 0 },
        { _tag: "Eot" }
      ])
      assert.strictEqual(tags(yield* client.group), "Tuple Eot")
      assert.strictEqual(tags(yield* fetch(client, id, 8)), "Tuple Tuple Done Cost CursorClosed Eot")
    }))

  it.live("a cursor of EXECUTE FUNCTION stays open: OPTOFC is for SELECT cursors (IBM)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port, { env: [["OPTOFC", "1"]] })
      const described = yield* prepare(client, "EXECUTE FUNCTION sysproc_sleep(0)")
      const id = described[0]?._tag === "Describe" ? described[0].statementId : -1
      assert.strictEqual(tags(yield* openAndFetch(client, id, "f1")), "Tuple Done Cost Eot")
      assert.strictEqual((yield* server.stats).cursors, 1)
      assert.strictEqual(tags(yield* close(client, id)), "Eot")
    }))

  it.live("without OPTOFC the cursor stays open after SQ_DONE until CLOSE", () =>
    Effect.gen(function*() {
      const { client, id, server } = yield* selectThree([])
      assert.strictEqual(tags(yield* openAndFetch(client, id, "c1")), "Tuple Tuple Tuple Done Cost Eot")
      assert.strictEqual((yield* server.stats).cursors, 1)
      assert.strictEqual(tags(yield* fetch(client, id, 4096)), "Done Cost Eot")
      assert.strictEqual(tags(yield* close(client, id)), "Eot")
      assert.strictEqual((yield* server.stats).cursors, 0)
    }))

  it.live("our Connection asks for OPTOFC (no CLOSE after a query) unless `optofc: false` (a CLOSE after each)", () =>
    Effect.gen(function*() {
      for (const optofc of [true, false]) {
        const { closes, conn, server } = yield* traced(optofc)
        yield* conn.execute("CREATE TABLE t (k INTEGER)")
        for (let i = 0; i < 3; i++) yield* conn.values("SELECT k FROM t WHERE k > ?", [i])
        // A CLOSE still waiting to be sent travels in front of this request.
        yield* conn.execute("DROP TABLE t")
        assert.strictEqual(closes(), optofc ? 0 : 3, `optofc: ${optofc}`)
        assert.strictEqual((yield* server.stats).cursors, 0)
      }
    }).pipe(Effect.scoped))

  it.live("streamBlob of one row: the server closed the cursor, the BYTE value still streams, no CLOSE is sent", () =>
    Effect.gen(function*() {
      for (const optofc of [true, false]) {
        const { closes, conn, server } = yield* traced(optofc)
        yield* conn.execute("CREATE TABLE docs (id INTEGER, b BYTE)")
        const data = Uint8Array.from({ length: 3 * 1024 + 7 }, (_, i) => (i * 31) & 0xff)
        yield* conn.execute("INSERT INTO docs VALUES (?, ?)", [1, data])
        const chunks = yield* Stream.runCollect(conn.streamBlob("SELECT b FROM docs WHERE id = ?", [1]))
        assert.deepStrictEqual(concat(chunks), data)
        yield* conn.execute("DROP TABLE docs")
        assert.strictEqual(closes(), optofc ? 0 : 1, `optofc: ${optofc}`)
        assert.strictEqual((yield* server.stats).cursors, 0)
      }
    }).pipe(Effect.scoped))
})
