/**
 * Node-version lanes (`npm run test:lanes`, part of `npm test`): the unit and integration suites again on the oldest
 * Node `engines` allows and on Node 24, each lane on its own urgent-byte path. The main run (`npm run test:unit`)
 * covers Node 26, where `node:ffi` sends the urgent byte.
 *
 * | lane   | Node binary (devDependency)           | urgent path                                               |
 * | ------ | ------------------------------------- | --------------------------------------------------------- |
 * | node22 | `node22` = npm `node@22.20.0`         | `koffi` (the devDependency; Node 22 has no `node:ffi`)    |
 * | node24 | `node24` = npm `node@^24`             | none: koffi hidden, so the drain-then-retire fallback runs |
 *
 * Each lane first probes, on its own Node with its own switch (test/lanes/urgentSwitch.ts), which urgent path the
 * library picks and prints it; test/urgent.test.ts ("reports a mechanism") asserts the same inside the suite. The
 * conformance peers (JDBC, Python: independent of our Node version) and the robustness storms (child processes,
 * minutes of load) run only in the main run.
 *
 * Usage: `node test/lanes/run.ts [node22|node24 ...]` (default: every lane, one after the other).
 *
 * A script, not library code: plain synchronous child processes at the edge.
 */
import { spawnSync } from "node:child_process"
import * as Path from "node:path"
import type { LaneUrgent } from "./urgentSwitch.ts"

interface Lane {
  readonly name: string
  /** The devDependency whose `bin/node` runs the lane (an npm alias of the `node` package). */
  readonly nodePackage: string
  readonly urgent: LaneUrgent
}

const lanes: ReadonlyArray<Lane> = [
  { name: "node22", nodePackage: "node22", urgent: "koffi" },
  { name: "node24", nodePackage: "node24", urgent: "none" }
]

/** Left to the main run (see the module comment). */
const excluded = ["test/conformance/**", "test/robustness/**"]

const root = Path.resolve(import.meta.dirname, "../..")

// Prints the urgent path the library picks in this lane's process (same switch as vitest.setup.ts).
const probe = `
const { applyLaneUrgentSwitch } = await import("./test/lanes/urgentSwitch.ts")
applyLaneUrgentSwitch()
const { urgentSupport } = await import("./src/internal/urgent.ts")
process.stdout.write(process.version + " " + urgentSupport())
`

const runLane = (lane: Lane): boolean => {
  const node = Path.join(root, "node_modules", lane.nodePackage, "bin", "node")
  const env = { ...process.env, EFFECT_INFORMIX_LANE_URGENT: lane.urgent }
  const probed = spawnSync(node, ["--no-warnings", "--input-type=module", "-e", probe], {
    cwd: root,
    env,
    encoding: "utf8"
  })
  if (probed.status !== 0) {
    process.stdout.write(`lane ${lane.name}: cannot start ${node}\n${probed.stderr}\n`)
    return false
  }
  const [version, urgent] = probed.stdout.trim().split(" ")
  process.stdout.write(
    `\n=== lane ${lane.name}: Node ${version}, urgent path: ${urgent} (expected ${lane.urgent}) ===\n`
  )
  if (urgent !== lane.urgent) return false
  const started = process.hrtime.bigint()
  const vitest = spawnSync(
    node,
    [
      Path.join(root, "node_modules", "vitest", "vitest.mjs"),
      "run",
      ...excluded.flatMap((glob) => ["--exclude", glob])
    ],
    { cwd: root, env, stdio: "inherit" }
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  process.stdout.write(
    `=== lane ${lane.name} (Node ${version}, urgent ${urgent}): ${vitest.status === 0 ? "passed" : "FAILED"} in ${
      seconds.toFixed(1)
    } s ===\n`
  )
  return vitest.status === 0
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !lanes.some((lane) => lane.name === name))
if (unknown.length > 0) {
  process.stderr.write(`unknown lane(s): ${unknown.join(", ")}; known: ${lanes.map((l) => l.name).join(", ")}\n`)
  process.exit(2)
}
const selected = wanted.length === 0 ? lanes : lanes.filter((lane) => wanted.includes(lane.name))
const failed = selected.filter((lane) => !runLane(lane))
if (failed.length > 0) {
  process.stdout.write(`\nlanes failed: ${failed.map((lane) => lane.name).join(", ")}\n`)
  process.exit(1)
}
