/**
 * IBM JDBC through a TestServer cluster's Connection Manager (JDBC-READING.md §5): a plain connect to a service
 * level's port gets the redirect (SL type 13, marker 103, `server:host:port`), JDBC opens a new socket to the named
 * server, logs in there with that INFORMIXSERVER and runs its statements: writes on the primary, reads on a secondary
 * it knows to be read-only (login warning 0x20), whose writes fail with the secondary's error. A probe, not a shared
 * scenario: conformance/jdbc/probes/RedirectProbe.java is compiled here with javac against the installed JDBC jars.
 *
 * Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

describe("IBM JDBC and the TestServer Connection Manager", () => {
  it.live(
    "follows the redirect of each service level and runs statements on the server it names",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const cluster = yield* TestServer.cluster()
        const port = (sla: string) => String(cluster.serviceLevels.find((l) => l.name === sla)!.port)
        const output = yield* runJdbcProbe("RedirectProbe", [port("oltp"), port("report")])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.deepStrictEqual(
          [seen["oltp.server"], seen["oltp.readOnly"], seen["oltp.inserted"]],
          ["ol_primary", "false", "1"]
        )
        assert.deepStrictEqual(
          [seen["report.server"], seen["report.readOnly"], seen["report.sees"], seen["report.insert"]],
          ["ol_sds1", "true", "42", "-271"]
        )
        // Each login reached the member the redirect named (the service levels only redirect).
        assert.strictEqual((yield* cluster.server("ol_primary")!.stats).totalSessions, 1)
        assert.strictEqual((yield* cluster.server("ol_sds1")!.stats).totalSessions, 1)
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )
})
