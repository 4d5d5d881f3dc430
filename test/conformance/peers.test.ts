/**
 * The conformance peers as part of `npm test`: IBM's JDBC driver (against TestServer's default narrow framing,
 * against the extended framing a real Informix 15 grants it, and with its OPTOFC=1 property) and informix-driver run
 * every scenario of conformance/README.md against a fresh in-process TestServer each. Every scenario must pass, or be
 * skipped by the client for a stated reason, except the known server bugs listed below — each of which must still
 * fail, so that a fix is noticed and the entry removed. Needs Java, Maven and Python (conformance/setup.sh installs
 * the peers).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import type { Run, ScenarioResult } from "../../conformance/peers.ts"
import { makeCertificates, outDir, runArgs, runPeer, runs, runSetup, scenarios } from "../../conformance/peers.ts"
import { startServer } from "../../conformance/server.ts"

/**
 * Open TestServer bugs found by the peers ("run/scenario" → what is wrong). Remove an entry when it is fixed: the
 * test fails while a listed scenario passes.
 */
const knownServerBugs: Readonly<Record<string, string>> = {}

const runOne = (run: Run) =>
  Effect.scoped(Effect.gen(function*() {
    const target = yield* startServer({
      user: "informix",
      password: "in4mix",
      database: "testdb",
      server: "ol_test",
      extendedFraming: run.extendedFraming,
      ...makeCertificates()
    })
    return yield* Effect.promise(() => runPeer(run.label, run.peer, target, "", 60, scenarios, runArgs(run)))
  }))

describe("conformance peers against TestServer", () => {
  for (const run of runs) {
    it.live(run.label, () =>
      Effect.gen(function*() {
        fs.mkdirSync(outDir, { recursive: true })
        runSetup()
        const results: ReadonlyArray<ScenarioResult> = yield* runOne(run)
        const failures: Array<string> = []
        for (const scenario of scenarios) {
          const result = results.find((r) => r.scenario === scenario)
          const key = `${run.label}/${scenario}`
          const known = knownServerBugs[key] ?? knownServerBugs[`*/${scenario}`]
          if (result === undefined) failures.push(`${scenario}: not reported`)
          else if (known !== undefined && result.ok) {
            failures.push(`${scenario} passes now: remove its knownServerBugs entry`)
          } else if (known === undefined && !result.ok) failures.push(`${scenario}: ${result.detail}`)
        }
        assert.deepStrictEqual(failures, [], `${run.label}:\n${failures.join("\n")}`)
      }), { timeout: 300_000 })
  }
})
