/**
 * The connection's view of the pure codecs: batch encoding, the server-stream decoder, row decoding and parameter
 * binding, each returning plain values or a failure description (never throwing), so the connection can map them
 * onto its own error policy (decode failures retire the session; bind failures only fail the statement).
 *
 * @internal
 */
import * as Result from "effect/Result"
import type { Value } from "../../InformixValue.ts"
import { encodeClientBatch, ServerMessageDecoder } from "../protocol/codec.ts"
import type { BindValue, ClientMessage, DescribeField, Framing } from "../protocol/messages.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { decodeRowValues, prepareColumns, type PreparedColumn, type ValueContext } from "../values/row.ts"
import type { SessionDecoder } from "./wireSession.ts"

export type { ValueContext }

/** Encodes one batch (the caller appends the trailing `Eot`); a failure is a message for the caller's error. */
export const encodeBatch = (messages: ReadonlyArray<ClientMessage>, framing: Framing): Uint8Array | CodecFailure => {
  const result = encodeClientBatch(messages, framing)
  return Result.isSuccess(result) ? result.success : new CodecFailure(result.failure.message)
}

/** The server-stream decoder (connect PDU first, then bare messages) adapted to the session's interface. */
export const makeDecoder = (maxMessageSize: number): SessionDecoder => {
  // A socket's data chunks are fresh for each read and never written again: row payloads can be views of them.
  const decoder = new ServerMessageDecoder({ maxMessageSize, keepChunks: true })
  return {
    push: (chunk, out) => decoder.pushInto(chunk, out),
    setFraming: (framing) => decoder.setFraming(framing)
  }
}

/**
 * Row decoding resolved once per DESCRIBE: the column codecs are prepared here, so each row costs one pass over
 * its payload and one array.
 */
export interface RowDecoder {
  readonly decode: (payload: Uint8Array) => Array<Value> | CodecFailure
}

export const makeRowDecoder = (
  fields: ReadonlyArray<DescribeField>,
  ctx: ValueContext
): RowDecoder | CodecFailure => {
  const prepared: ReadonlyArray<PreparedColumn> | CodecFailure = prepareColumns(fields)
  if (prepared instanceof CodecFailure) return prepared
  return { decode: (payload) => decodeRowValues(payload, prepared, ctx) }
}

export type { BindValue }
