/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { prepare, session, tags } from "./wire.ts"

const SQL = "SELECT id, name FROM bench_rows"

describe("TestServer replay mode", () => {
  it.live("serves a precomputed result without the engine, honouring the NFETCH budget", () =>
    Effect.gen(function*() {
      let generated = 0
      const server = yield* TestServer.make({
        replay: [{
          sql: SQL,
          columns: [
            { name: "id", columnType: 2 | 0x0100, encodedLength: 4 },
            { name: "name", columnType: 13, encodedLength: 32 }
          ],
          rows: {
            count: 1000,
            row: (i) => {
              generated++
              return [i + 1, `row ${i + 1}`]
            }
          }
        }]
      })
      // Rows are generated and encoded once, at startup.
      assert.strictEqual(generated, 1000)
      const client = yield* session(server.port)
      const described = yield* prepare(client, `  ${SQL} ; `)
      assert.strictEqual(tags(described), "Describe Done Cost Eot")
      const describe = described[0]
      assert.deepStrictEqual(describe?._tag === "Describe" ? describe.fields.map((f) => f.name) : [], ["id", "name"])
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "CurName", name: "r" },
        { _tag: "Open" },
        { _tag: "Eot" }
      ])
      yield* client.group
      let rows = 0
      let last = ""
      while (true) {
        yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "NFetch", bufferSize: 4096, fetchArraySize: 0 }, {
          _tag: "Eot"
        }])
        const group = yield* client.group
        const tuples = group.filter((m) => m._tag === "Tuple")
        const bytes = tuples.reduce((n, t) => n + (t._tag === "Tuple" ? t.payload.length : 0), 0)
        assert.isAtMost(bytes, 4096)
        rows += tuples.length
        const final = tuples.at(-1)
        if (final?._tag === "Tuple") last = Buffer.from(final.payload.subarray(5)).toString("latin1")
        const done = group.find((m) => m._tag === "Done")
        if (done?._tag === "Done") {
          assert.strictEqual(done.rows, 1000)
          break
        }
      }
      assert.strictEqual(rows, 1000)
      assert.strictEqual(last, "row 1000")
      assert.strictEqual(generated, 1000)
      // Scroll access works on replayed results too.
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Close" }, { _tag: "Eot" }])
      yield* client.group
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "CurName", name: "r" },
        { _tag: "Scroll" },
        { _tag: "Open" },
        { _tag: "Id", statementId: 0 },
        { _tag: "SFetch", scrollType: 4, target: 0, bufferSize: 4096 },
        { _tag: "Eot" }
      ])
      const lastRow = yield* client.group
      assert.strictEqual(tags(lastRow), "Tuple TupId Eot")
      assert.strictEqual(lastRow[1]?._tag === "TupId" ? lastRow[1].rowNumber : 0, 1000)
    }))

  it.live("a replay row that does not fit its columns fails make with TestServerError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(TestServer.make({
        replay: [{ sql: SQL, columns: [{ name: "id", columnType: 2, encodedLength: 4 }], rows: [["not a number"]] }]
      }))
      assert.strictEqual(exit._tag, "Failure")
    }))
})
