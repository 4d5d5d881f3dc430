/**
 * IBM's JDBC logs in through the TestServer's PAM mode with its own challenge handler (JDBC-PAM-TRIGGERS-CDC.md §1):
 * the loop runs after SQ_PROTOCOLS and before SQ_INFO, error / info challenges reach the handler without an answer
 * on the wire, a refusal ends in JDBC's −79885. conformance/jdbc/probes/PamProbe.java is compiled here with javac
 * against the installed JDBC jars (a probe, not a shared conformance scenario: informix-driver has no PAM handler).
 *
 * Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

describe("IBM JDBC against the TestServer's PAM mode", () => {
  it.live(
    "its IFX_PAM_CLASS handler answers password and code prompts; wrong answers and a refusal give −79885",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const server = yield* TestServer.make({
          users: { alice: "alice-pw", bob: "bob-pw", mallory: "mallory-pw" },
          pam: {
            alice: { mode: "password" },
            bob: { mode: "passwordAndCode", code: "424242" },
            mallory: { mode: "refuse" }
          }
        })
        const output = yield* runJdbcProbe("PamProbe", [String(server.port)])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.strictEqual(seen["alice.select"], "7", output)
        // (observations() trims each line: the last prompt's trailing blank is not compared)
        assert.strictEqual(seen["alice.seen"], "1:Password:")
        assert.strictEqual(seen["aliceWrong.sqlcode"], "-79885", output)
        assert.strictEqual(seen["bob.select"], "7", output)
        assert.strictEqual(
          seen["bob.seen"],
          "1:Password: |4:A verification code was sent to your device.|2:Verification code:"
        )
        assert.strictEqual(seen["bobWrong.sqlcode"], "-79885", output)
        assert.strictEqual(seen["mallory.sqlcode"], "-79885", output)
        assert.strictEqual(seen["mallory.seen"], "3:Account locked: contact the administrator.")
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )
})
