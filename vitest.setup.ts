import { addEqualityTesters } from "@effect/vitest"
import { applyLaneUrgentSwitch } from "./test/lanes/urgentSwitch.ts"

addEqualityTesters()
// Inside a Node test lane (test/lanes/run.ts), hide koffi where the lane tests the fallback without urgent data.
applyLaneUrgentSwitch()
