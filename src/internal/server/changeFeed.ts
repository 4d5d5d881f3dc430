/**
 * Reads of a CDC session's fd (SQ_LODATA LO_READ on the id cdc_opensess returned): whole records only, at most the
 * session's max_records of them (IBM CDC API; IBM JDBC's CDC engine asks for 1 and parses one record from byte 0,
 * re-parsing a stale buffer on an empty read, JDBC-PAM-TRIGGERS-CDC.md §3.3). A read with nothing committed waits — without blocking the event loop, interruptible by the
 * urgent byte like any request — until a transaction with captured changes commits, or answers a TIMEOUT record
 * after the session's timeout. A record larger than the read's byte count fails the read with SQ_ERR −9810 and
 * stays first in line (nothing is lost; a larger read gets it).
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type CdcRecord, encodeCdcRecord } from "../protocol/cdcRecords.ts"
import { LODATA_CHUNK } from "../protocol/smartLobMessages.ts"
import { encodeCdcRow, isVariableCdcColumn } from "../values/cdcRow.ts"
import { isCodecFailure } from "../values/CodecFailure.ts"
import { packedWidth } from "../values/decimal.ts"
import type { BatchState, Session } from "./clientSession.ts"
import type { CaptureReader, CaptureRecord } from "./engine/api.ts"
import { isEngineError } from "./engine/api.ts"
import { BatchFailure, concat, err, fromEngine } from "./sessionReplies.ts"

/** −9810 "Smart-large-object error": the read cannot take the record. */
const SQL_SMART_LOB = -9810

const fixedWidth = (c: CaptureRecord & { kind: "tabschema" }, i: number): number => {
  const column = c.columns[i]!
  const code = column.columnType & 0xff
  // DECIMAL/MONEY are packed; the others' described length is their width.
  return code === 5 || code === 8 ? packedWidth(column.encodedLength) : column.encodedLength
}

/** The wire record of an engine record (undefined: a value the row image cannot carry). */
const toRecord = (session: Session, record: CaptureRecord): CdcRecord | string => {
  switch (record.kind) {
    case "tabschema": {
      const fixed = record.columns.map((c, i) => ({ c, i })).filter(({ c }) => !isVariableCdcColumn(c))
      // IBM: fixed-length columns first, then variable-length ones; the engine keeps the table's order, as JDBC
      // decodes in the order of this list whatever it is.
      return {
        _tag: "TabSchema",
        label: record.label,
        fixedBytes: fixed.reduce((n, { i }) => n + fixedWidth(record, i), 0),
        fixedColumns: fixed.length,
        varColumns: record.columns.length - fixed.length,
        columns: record.columns.map((c) => `${c.name} ${c.typeText}`).join(", ")
      }
    }
    case "begin":
      return { _tag: "Begin", seq: record.seq, txid: record.txid, time: BigInt(record.time), userId: 0 }
    case "commit":
      return { _tag: "Commit", seq: record.seq, txid: record.txid, time: BigInt(record.time) }
    case "row": {
      const image = encodeCdcRow(record.columns, record.values, { charset: session.charset })
      if (isCodecFailure(image)) return image.message
      return {
        _tag: "Row",
        type: record.op as 40 | 41 | 42 | 43,
        seq: record.seq,
        txid: record.txid,
        label: record.label,
        varSizes: image.varSizes,
        payload: image.payload
      }
    }
  }
}

const encoded = (session: Session, next: CaptureRecord): Uint8Array | BatchFailure => {
  const record = toRecord(session, next)
  return typeof record === "string" ? new BatchFailure(err(SQL_SMART_LOB, 0, record)) : encodeCdcRecord(record)
}

/** An SQ_LODATA read's reply: the bytes in ≤ 32000-byte chunks (also the push-data reads', pushFeed.ts). */
export const reply = (state: BatchState, records: ReadonlyArray<Uint8Array>) => {
  const bytes = concat(records)
  const chunks: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += LODATA_CHUNK) chunks.push(bytes.subarray(i, i + LODATA_CHUNK))
  state.out.push({ _tag: "LoDataReply", op: 0, size: bytes.length, chunks })
}

/** Waits until the reader signals a change (true) or `seconds` pass (false). */
export const changeOrTimeout = (reader: Pick<CaptureReader, "onChange">, seconds: number): Effect.Effect<boolean> =>
  Effect.callback<void>((resume) => {
    const off = reader.onChange(() => {
      off()
      resume(Effect.void)
    })
    return Effect.sync(off)
  }).pipe(
    Effect.timeoutOption(Duration.seconds(seconds)),
    Effect.map(Option.isSome)
  )

export const captureRead = (
  session: Session,
  reader: CaptureReader,
  length: number,
  state: BatchState
): Effect.Effect<void, BatchFailure> =>
  Effect.gen(function*() {
    let waited = false
    while (true) {
      const next = reader.next()
      if (isEngineError(next)) return yield* Effect.fail(new BatchFailure(fromEngine(next)))
      if (next === undefined) {
        // Idle for the whole timeout: a TIMEOUT record (JDBC never gets an empty read).
        if (waited || reader.timeoutSeconds <= 0) {
          return reply(state, [encodeCdcRecord({ _tag: "Timeout", seq: reader.lastSequence })])
        }
        waited = !(yield* changeOrTimeout(reader, reader.timeoutSeconds))
        continue
      }
      const first = encoded(session, next)
      if (first instanceof BatchFailure) return yield* Effect.fail(first)
      if (first.length > length) {
        return yield* Effect.fail(
          new BatchFailure(err(SQL_SMART_LOB, 0, `CDC record of ${first.length} bytes > read of ${length}`))
        )
      }
      reader.delivered()
      // cdc_opensess's max_records: more records that are ready and fit the read go with the first (IBM CDC API;
      // JDBC asks for 1).
      const records = [first]
      let size = first.length
      while (records.length < reader.maxRecords) {
        const more = reader.next()
        if (more === undefined || isEngineError(more)) break
        const bytes = encoded(session, more)
        if (bytes instanceof BatchFailure || size + bytes.length > length) break
        reader.delivered()
        records.push(bytes)
        size += bytes.length
      }
      return reply(state, records)
    }
  })
