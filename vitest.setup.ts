import { addEqualityTesters } from "@effect/vitest"
import { applyLaneUrgentSwitch, laneUrgent } from "./test/lanes/urgentSwitch.ts"

addEqualityTesters()
// Inside a Node test lane (test/lanes/run.ts), hide koffi where the lane tests the fallback without urgent data.
applyLaneUrgentSwitch()

// Outside a lane the suite runs on the `node` devDependency (Node 26). The lanes' Node packages (`node22`, `node24`)
// declare the same `node` bin; a fresh `npm ci` always links the main one, but reinstalling just an alias can take
// node_modules/.bin/node over — say so instead of failing somewhere in the urgent-data tests.
const major = Number(process.versions.node.split(".")[0])
if (laneUrgent() === undefined && major < 26) {
  throw new Error(
    `npm scripts run on Node ${process.version}, not on the node devDependency (26): node_modules/.bin/node was ` +
      "taken over by a lane's Node package (node22/node24); run `npm ci` (or relink it to ../node/bin/node)"
  )
}
