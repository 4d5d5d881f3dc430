/**
 * Reads of a push-data session's fd (SQ_LODATA LO_READ on the fd `task('pushdata open')` returned, IBM JDBC's
 * IfxSmartTrigger.readTriggerEvent, JDBC-PAM-TRIGGERS-CDC.md §2.3): one whole JSON document per read (HCL: "a read
 * call always returns completed event documents"; JDBC hands each read to its callbacks as one string). A read with
 * nothing queued waits — without blocking the event loop, interruptible by the urgent byte like any request — until
 * a document is queued or the session's `timeout` passes, then answers `{"ifx_isTimeout":"true"}`. A read smaller
 * than the next document answers `{"ifx_error":"..."}` and the document stays first in line (nothing is lost; a
 * larger read gets it). The special documents have quoted keys and no space after `{`: JDBC dispatches them by
 * those exact prefixes (§2.4), although HCL's documentation prints them with unquoted keys.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { changeOrTimeout, reply } from "./changeFeed.ts"
import type { BatchState } from "./clientSession.ts"
import type { PushReader } from "./engine/api.ts"

const TIMEOUT_DOCUMENT = "{\"ifx_isTimeout\":\"true\"}"
const utf8 = new TextEncoder()

/**
 * HCL documents the buffer error as `{ifx_error:"Smartblob read API buffer size ## is too small"}`; the number is
 * the read's size here [inferred].
 */
const tooSmall = (length: number) => `{"ifx_error":"Smartblob read API buffer size ${length} is too small"}`

export const pushRead = (reader: PushReader, length: number, state: BatchState): Effect.Effect<void> =>
  Effect.gen(function*() {
    const deadline = (yield* Clock.currentTimeMillis) + reader.timeoutSeconds * 1000
    while (true) {
      const next = reader.next()
      if (next === undefined) {
        const left = deadline - (yield* Clock.currentTimeMillis)
        if (left <= 0 || !(yield* changeOrTimeout(reader, left / 1000))) {
          return reply(state, [utf8.encode(TIMEOUT_DOCUMENT)])
        }
        continue
      }
      // JSON travels as UTF-8 (JDBC decodes with the platform charset) [inferred].
      const bytes = utf8.encode(next)
      if (bytes.length > length) return reply(state, [utf8.encode(tooSmall(length)).subarray(0, length)])
      reader.delivered()
      return reply(state, [bytes])
    }
  })
