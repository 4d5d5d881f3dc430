/**
 * The test lanes' urgent-path switch (see test/lanes/run.ts). A lane sets `EFFECT_INFORMIX_LANE_URGENT` to the
 * urgent-byte mechanism it exists to exercise; `"none"` makes the optional `koffi` package unresolvable in this
 * process, exactly as for an application that did not install it, so `urgentSupport()` is `"none"` on a Node
 * without `node:ffi` and the drain-then-retire fallback runs. The library itself has no switch for this: the hook
 * lives only in the test setup (vitest.setup.ts) and the lane runner's probe.
 */
import * as Module from "node:module"

/** The mechanisms a lane can ask for (the values of `urgentSupport()`). */
export type LaneUrgent = "ffi" | "koffi" | "none"

const variable = "EFFECT_INFORMIX_LANE_URGENT"

/** The urgent path this process's lane expects, or `undefined` outside a lane (the default `npm run test:unit`). */
export const laneUrgent = (): LaneUrgent | undefined => {
  const value = process.env[variable]
  if (value === undefined || value === "") return undefined
  if (value === "ffi" || value === "koffi" || value === "none") return value
  throw new Error(`${variable} must be ffi, koffi or none, not ${JSON.stringify(value)}`)
}

let hidden = false

/** Applies the lane's switch to this process (idempotent); a no-op outside a lane. */
export const applyLaneUrgentSwitch = (): void => {
  if (laneUrgent() !== "none" || hidden) return
  hidden = true
  // Synchronous resolution hooks (Node >= 22.15) also cover `require`, which is how urgent.ts loads koffi.
  Module.registerHooks({
    resolve: (specifier, context, nextResolve) => {
      if (specifier === "koffi" || specifier.startsWith("koffi/")) {
        throw Object.assign(new Error(`Cannot find module '${specifier}' (hidden by the test lane)`), {
          code: "MODULE_NOT_FOUND"
        })
      }
      return nextResolve(specifier, context)
    }
  })
}
