/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of TestServer's trace events and messages */
/**
 * IBM's JDBC driver on the TestServer's smart large objects (JDBC-LOB.md §4.6): `setBytes` / `setBinaryStream` /
 * `setString` into BLOB and CLOB parameters (ifx_lo_col_sbinfo, ifx_lo_create, SQ_LODATA writes, ifx_lo_close, then a
 * type-44 locator bind), and `getBytes` / `getBinaryStream` / `getBlob` / `getString` / `getClob` on the rows
 * (binary locators because JDBC's SQ_RET_TYPE asks for type 44; ifx_lo_open, ifx_lo_stat, SQ_LODATA reads). A probe,
 * not a conformance scenario: conformance/jdbc/probes/LobProbe.java is compiled with javac against the installed
 * JDBC jars (probes.ts). Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

describe("IBM JDBC on TestServer smart large objects", () => {
  it.live(
    "setBytes / setBinaryStream / setString in, getBytes / getBinaryStream / getBlob / getClob out",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const tags: Array<string> = []
        const server = yield* TestServer.make({
          protocolTrace: (event) => {
            if (event._tag === "Batch") tags.push(...event.messages.map((m) => m._tag))
          }
        })
        const output = yield* runJdbcProbe("LobProbe", [String(server.port)])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.deepStrictEqual(seen, {
          "insert.setBytes": "1",
          "insert.setBinaryStream": "1",
          "insert.null": "1",
          "1.getBytes": "true",
          "1.getBinaryStream": "true",
          "1.blob.length": "70000",
          "1.blob.getBytes": "true",
          "1.getString": "hello clob",
          "1.clob.length": "10",
          "2.getBinaryStream": "true",
          "2.getString": "second",
          "3.blob": "null,wasNull=true",
          done: "true"
        }, output)
        // The bytes went through the fast path and SQ_LODATA, not inline.
        for (const tag of ["GetRoutine", "ExFpRoutine", "LoData", "RetType"]) assert.include(tags, tag)
      }),
    { timeout: 120_000 }
  )
})
