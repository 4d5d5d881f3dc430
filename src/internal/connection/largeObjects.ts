/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * BYTE / TEXT columns on a connection: their contents are fetched with SQ_FETCHBLOB while the cursor is open and
 * replace the descriptors in the rows (TEXT decoded with the connection's charset); or one value's content as a
 * Stream of its SQ_BLOB chunks, handed over as they are read and never collected, with the socket paused while the
 * consumer is behind (`streamBlob`, blobReader.ts).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as Connection from "../../Connection.ts"
import { type InformixError, ParameterError } from "../../InformixError.ts"
import { BlobDescriptor, type Value } from "../../InformixValue.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { BlobReader } from "./blobReader.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { closedByServer, openBatch } from "./cursorStreams.ts"
import { id } from "./prebuiltMessages.ts"
import { renew, type StatementContext } from "./statementContext.ts"
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

/**
 * The BYTE/TEXT content of the first row's first BYTE/TEXT column as a Stream of the SQ_BLOB chunks the server
 * sends (SQLI.md §7.16): `ID CURNAME [BIND] OPEN ID NFETCH`, then `ID FETCHBLOB descriptor` (the cursor open, or
 * closed by the server under OPTOFC, which keeps the fetched row's blobs), each chunk handed to the stream as its
 * message is read (`Exchange.onMessage`) instead of kept in the reply; a consumer that falls behind pauses the
 * socket (`BlobReader`), so memory stays bounded whatever the value's size. No row or NULL: an empty stream. The
 * cursor is closed (unless the server closed it: SQ_CLOSE in the OPEN's reply) and the statement released when the
 * stream ends, fails or is interrupted; a stream stopped during the FETCHBLOB reply drains it under the wire permit
 * (`Session.abandon`).
 */
export function streamBlob(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StatementOptions
): Stream.Stream<Uint8Array, InformixError> {
  return Stream.unwrap(Effect.gen({ self: this }, function*() {
    // Its own statement: the cursor opens here, with no stale-statement retry (see `streamRows`).
    const { binds, lease: { prepared }, stmt } = yield* this.prepareForStream(sql, params, options, false)
    const column = prepared.blobColumns[0]
    if (column === undefined || prepared.rows === undefined) {
      return yield* new ParameterError({ message: "streamBlob needs a query with a BYTE or TEXT column", sql })
    }
    let serverClosed = false
    yield* Effect.addFinalizer((exit) => serverClosed ? Effect.void : this.owned(this.closeCursorAfter(prepared, exit)))
    const reply = yield* this.owned(
      this.roundTrip(openBatch(prepared, this.nextCursorName(), binds, prepared.fetchBuffer), stmt)
    )
    // Under OPTOFC a fetch that reached the end closed the cursor (SQ_CLOSE): the row's BYTE/TEXT is still fetched
    // by its descriptor, as IBM JDBC does after SQ_CLOSERecvd, and no CLOSE of ours follows (JDBC sends none).
    serverClosed = closedByServer(reply)
    const tuple = reply.find((m) => m._tag === "Tuple")
    if (tuple?._tag !== "Tuple") return Stream.empty
    const values = prepared.rows.decode(tuple.payload)
    if (values instanceof CodecFailure) return yield* this.desync(`A row could not be decoded: ${values.message}`)
    const value = values[column]
    if (!(value instanceof BlobDescriptor) || value.isNull) return Stream.empty
    // The timeout bounds the FETCHBLOB round trip on its own, as it bounds each round trip of a row stream.
    const fetchStmt = yield* renew(stmt)
    const reader = new BlobReader(this.session, fetchStmt)
    // Finalizers run last-added first: the reader drops what it holds before the round trip is interrupted.
    yield* Effect.forkScoped(
      this.owned(this.roundTrip(
        [id(prepared.id), { _tag: "FetchBlob", descriptor: value.bytes }],
        fetchStmt,
        undefined,
        reader.onMessage
      )).pipe(Effect.onExit((exit) => Effect.sync(() => reader.finish(exit))))
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => reader.close()))
    return Stream.fromPull(Effect.succeed(reader.pull))
  })).pipe(this.streamSpan("streamBlob", sql))
}
