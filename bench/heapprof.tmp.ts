import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Inspector from "node:inspector/promises"
import { run } from "./layers.ts"
const session = new Inspector.Session()
session.connect()
const mode = process.argv[2] as any
await Effect.runPromise(run("fake", [mode]))
await session.post("HeapProfiler.enable")
await session.post(
  "HeapProfiler.startSampling",
  { samplingInterval: 256, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true } as any
)
await Effect.runPromise(run("fake", [mode]))
const { profile } = await session.post("HeapProfiler.stopSampling")
Fs.writeFileSync(`/tmp/cp/${mode}.heapprofile`, JSON.stringify(profile))
