/**
 * IBM's JDBC driver on an SPL function with an OUT parameter: CallableStatement.registerOutParameter, the value read
 * with getInt, the function's return value as the result set. A probe (conformance/jdbc/probes/OutParamProbe.java,
 * compiled against the installed JDBC jars by probes.ts), not a shared scenario: informix-driver has no OUT parameter
 * API. Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

describe("IBM JDBC CallableStatement OUT parameters", () => {
  it.live("registerOutParameter reads the OUT value; the return value is the result set", () =>
    Effect.gen(function*() {
      ensurePeers()
      const server = yield* TestServer.make()
      const output = yield* runJdbcProbe("OutParamProbe", [String(server.port)])
      const seen = observations(output)
      assert.deepStrictEqual(seen, {
        "execute": "true",
        "out": "4",
        "return": "5",
        "again.out": "10",
        "done": "true"
      }, output)
    }).pipe(Effect.scoped), 60_000)
})
