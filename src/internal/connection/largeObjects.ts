/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * BYTE / TEXT columns on a connection: their contents are fetched with SQ_FETCHBLOB while the cursor is open and
 * replace the descriptors in the rows (TEXT decoded with the connection's charset).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { InformixError } from "../../InformixError.ts"
import { BlobDescriptor, type Value } from "../../InformixValue.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { id } from "./prebuiltMessages.ts"
import type { StatementContext } from "./statementContext.ts"
import type { Prepared } from "./statements.ts"
import type { Incoming } from "./wireSession.ts"

export const TYPE_BYTE = 11
export const TYPE_TEXT = 12

const concatBlobChunks = (reply: ReadonlyArray<Incoming>): Uint8Array => {
  let size = 0
  for (const m of reply) if (m._tag === "Blob") size += m.data.length
  const out = new Uint8Array(size)
  let offset = 0
  for (const m of reply) {
    if (m._tag === "Blob") {
      out.set(m.data, offset)
      offset += m.data.length
    }
  }
  return out
}

export function fetchBlobs(
  this: ConnectionImpl,
  prepared: Prepared,
  rows: Array<Array<Value>>,
  start: number,
  stmt: StatementContext
): Effect.Effect<void, InformixError> {
  return Effect.gen({ self: this }, function*() {
    for (let r = start; r < rows.length; r++) {
      const row = rows[r]!
      for (const c of prepared.blobColumns) {
        const value = row[c]
        if (!(value instanceof BlobDescriptor)) continue
        if (value.isNull) {
          row[c] = null
          continue
        }
        const reply = yield* this.roundTrip([id(prepared.id), { _tag: "FetchBlob", descriptor: value.bytes }], stmt)
        const content = concatBlobChunks(reply)
        row[c] = value.type === TYPE_TEXT ? this.settings.values.charset.decode(content) : content
      }
    }
  })
}
