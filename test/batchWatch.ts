/**
 * Knowing when TestServer works on a request: under the test clock a test must not send an urgent byte (or move
 * the clock) before the server has taken the batch it is meant for, and no fixed sleep says when that is.
 */
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import type { ProtocolTraceEvent } from "../src/TestServer.ts"
import { eventually } from "./eventually.ts"

/** A `protocolTrace` for TestServer that notes each batch the server takes, and a wait for the next holding `tag`. */
export const batchWatch = () => {
  const batches: Array<ReadonlyArray<string>> = []
  return {
    protocolTrace: (event: ProtocolTraceEvent): void => {
      if (event._tag === "Batch") batches.push(event.messages.map((message) => message._tag))
    },
    /**
     * Waits (in real time, at most 5 s) until the server takes a batch with a message tagged `tag`, counting only
     * the batches it takes from this call on: call it before sending the request, run it after.
     */
    next: (tag: string): Effect.Effect<void> => {
      const from = batches.length
      return Effect.asVoid(TestClock.withLive(eventually(
        Effect.sync(() => batches.slice(from).some((batch) => batch.includes(tag))),
        (found) => found
      )))
    }
  }
}
