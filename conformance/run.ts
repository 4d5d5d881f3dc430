/**
 * Conformance runner: two independent, real Informix clients (IBM's JDBC driver and the pure-Python
 * informix-driver) run the same scenario list against our embedded TestServer. Their failures are our server's bugs
 * until shown otherwise.
 *
 * Usage: `npm run conformance` (or `npx node conformance/run.ts [options]`)
 *   --only a,b        run only these scenarios
 *   --clients jdbc    run only these clients (jdbc, python)
 *   --external H:P    skip the in-process server and test a server already listening on H:P
 *                     (with --tls-port N --ca FILE for its TLS listener)
 *   --timeout S       per-scenario timeout in seconds (default 90)
 *
 * Steps: run conformance/setup.sh (a no-op when the peers are installed), make a throwaway CA and server
 * certificate with openssl, start TestServer in-process (plain and TLS listener), run each peer as a child
 * process (one JSON line per scenario on its stdout), print a scenario × client table, write
 * conformance/out/results.json, exit non-zero when any scenario failed or was never reported.
 *
 * This is a script, not library code: plain async at the edge, Effect only to hold the TestServer's scope.
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { parseArgs } from "node:util"
import type { ScenarioResult, Target } from "./peers.ts"
import { makeCertificates, outDir, peers, runArgs, runPeer, runs, runSetup, scenarios } from "./peers.ts"

const printTable = (results: ReadonlyArray<ScenarioResult>, clients: ReadonlyArray<string>): void => {
  const cell = (client: string, scenario: string): string => {
    const result = results.find((r) => r.client === client && r.scenario === scenario)
    if (result === undefined) return "-"
    return result.skipped === true ? "skip" : result.ok ? "pass" : "FAIL"
  }
  const rows = [...new Set(results.map((r) => r.scenario))]
  const width = Math.max(8, ...rows.map((s) => s.length))
  const widths = clients.map((client) => Math.max(6, client.length))
  const line = (first: string, rest: ReadonlyArray<string>): string =>
    `| ${first.padEnd(width)} | ${rest.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  process.stdout.write(`\n${line("scenario", clients)}\n`)
  process.stdout.write(`|${"-".repeat(width + 2)}|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`)
  for (const scenario of rows) process.stdout.write(`${line(scenario, clients.map((c) => cell(c, scenario)))}\n`)
  const failures = results.filter((r) => !r.ok)
  if (failures.length > 0) {
    process.stdout.write(`\nFailures:\n`)
    for (const failure of failures) process.stdout.write(`- ${failure.client} ${failure.scenario}: ${failure.detail}\n`)
  }
}

const announce = (label: string, target: Target): void => {
  process.stdout.write(
    `conformance: ${label} -> ${target.host}:${target.port}`
      + (target.tlsPort !== undefined ? `, TLS ${target.tlsPort}` : "")
      + (target.stallSql === "" ? ", no stall hook" : `, stall hook ${JSON.stringify(target.stallSql)}`) + "\n"
  )
}

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      only: { type: "string", default: "" },
      clients: { type: "string", default: runs.map((run) => run.label).join(",") },
      external: { type: "string" },
      "tls-port": { type: "string" },
      ca: { type: "string" },
      "stall-sql": { type: "string", default: "" },
      timeout: { type: "string", default: "90" }
    }
  })
  const only = values.only
  const timeoutSeconds = Number(values.timeout)
  const chosen = runs.filter((run) => values.clients.split(",").includes(run.label))
  const expected = only === "" ? [...scenarios] : only.split(",")
  fs.mkdirSync(outDir, { recursive: true })
  runSetup()

  const defaults = { user: "informix", password: "in4mix", database: "testdb", server: "ol_test" }
  const results: Array<ScenarioResult> = []
  if (values.external !== undefined) {
    const [host = "127.0.0.1", port = "9088"] = values.external.split(":")
    const target: Target = {
      ...defaults,
      host,
      port: Number(port),
      tlsPort: values["tls-port"] === undefined ? undefined : Number(values["tls-port"]),
      caFile: values.ca,
      stallSql: values["stall-sql"]
    }
    // The framing mode is the external server's business: run each peer once.
    for (const peer of peers.filter((p) => chosen.some((run) => run.peer === p))) {
      announce(peer.client, target)
      results.push(...await runPeer(peer.client, peer, target, only, timeoutSeconds, expected))
    }
  } else {
    const certificates = makeCertificates()
    // Loaded here, not at the top, so `--external` runs do not need our server to load at all.
    const { startServer } = await import("./server.ts")
    // One fresh server per run (tables are per client, but a fresh catalog keeps runs independent); one run at a
    // time so timings stay readable.
    for (const run of chosen) {
      results.push(
        ...await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
          const target = yield* startServer({ ...defaults, ...certificates, extendedFraming: run.extendedFraming })
          announce(run.label, target)
          return yield* Effect.promise(() =>
            runPeer(run.label, run.peer, target, only, timeoutSeconds, expected, runArgs(run))
          )
        })))
      )
    }
  }

  printTable(results, [...new Set(results.map((result) => result.client))])
  const failed = results.filter((r) => !r.ok).length
  const skipped = results.filter((r) => r.skipped === true).length
  const passed = results.length - failed - skipped
  fs.writeFileSync(
    path.join(outDir, "results.json"),
    JSON.stringify({ finishedAt: new Date().toISOString(), passed, failed, skipped, results }, null, 2) + "\n"
  )
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), path.join(outDir, "results.json"))}\n`)
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  return failed === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    process.exit(2)
  }
)
