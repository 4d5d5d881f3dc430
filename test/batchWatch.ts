/**
 * Knowing when TestServer works on a request: under the test clock a test must not send an urgent byte (or move
 * the clock) before the server has taken the batch it is meant for, and no fixed sleep says when that is.
 */
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import type { ProtocolTraceEvent } from "../src/TestServer.ts"
import { eventually } from "./eventually.ts"

/** A `protocolTrace` for TestServer that notes each batch the server takes, and a wait for one holding `tag`. */
export const batchWatch = () => {
  const batches: Array<ReadonlyArray<string>> = []
  return {
    protocolTrace: (event: ProtocolTraceEvent): void => {
      if (event._tag === "Batch") batches.push(event.messages.map((message) => message._tag))
    },
    /** Waits (in real time, at most 5 s) until the server took a batch with a message tagged `tag`. */
    took: (tag: string): Effect.Effect<void> =>
      Effect.asVoid(
        TestClock.withLive(eventually(Effect.sync(() => batches.some((b) => b.includes(tag))), (found) => found))
      )
  }
}
