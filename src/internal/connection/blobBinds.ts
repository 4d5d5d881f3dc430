/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * BYTE/TEXT parameters bound from a Stream (`InformixValue.byteStream` / `textStream`): the request is written in
 * three parts — the messages up to the first streamed value, a body pulled from the streams and framed as SQ_BLOB
 * chunks as it comes, the rest of the batch — so the value is never held whole (SQLI.md §7.16, JDBC-LOB.md §3.2).
 *
 * IBM JDBC does the same with an InputStream (`IfxSqli.sendBlob` / `sendStreamBlob`): SQ_BIND with the descriptor,
 * SQ_BBIND, then 1024-byte SQ_BLOB chunks read from the stream and written as they are read, an empty SQ_BLOB after
 * each value, then SQ_EXECUTE and EOT. When the stream fails, JDBC writes SQ_FERR and reads the server's (error)
 * reply; so does this module (`abort` = `FERR EOT`), and the stream's failure becomes the statement's
 * `ParameterError`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { ParameterError } from "../../InformixError.ts"
import type { BlobStreamParameter } from "../../InformixValue.ts"
import type * as M from "../protocol/messages.ts"
import { Opcode } from "../protocol/opcodes.ts"
import { encodeText } from "../values/charset.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { encodeBatch, type ValueContext } from "./codecView.ts"
import { BLOB_CHUNK, EOT } from "./prebuiltMessages.ts"

/** Where a streamed BYTE/TEXT value goes in a request: between its SQ_BBIND and its terminating empty SQ_BLOB. */
export interface StreamedBlob {
  readonly _tag: "StreamedBlob"
  /** The parameter's position (0-based), for errors. */
  readonly index: number
  readonly content: BlobStreamParameter
}

/** What the connection sends in one batch: client messages, and the places of streamed BYTE/TEXT values. */
export type RequestPart = M.ClientMessage | StreamedBlob

export const isStreamedBlob = (part: RequestPart): part is StreamedBlob => part._tag === "StreamedBlob"

/** A batch written in parts (see `Session.exchange`'s `body`). */
export interface StreamedRequest {
  /** The messages before the first streamed value (ID, BIND, BBIND …). */
  readonly head: Uint8Array
  /** The values' SQ_BLOB chunks and the messages between them, framed as pulled. */
  readonly body: Stream.Stream<Uint8Array, ParameterError>
  /** The rest of the batch (the last terminator, EXECUTE …, EOT). */
  readonly tail: Uint8Array
  /** Written instead of the rest of the batch when the body fails or is interrupted: `FERR EOT`. */
  readonly abort: Uint8Array
}

/** `data` as SQ_BLOB messages of at most `BLOB_CHUNK` bytes (`u16 39, u16 len, bytes, pad to even`). */
export const frameBlobChunks = (data: Uint8Array): Uint8Array => {
  const full = Math.floor(data.length / BLOB_CHUNK)
  const rest = data.length - full * BLOB_CHUNK
  const size = full * (4 + BLOB_CHUNK) + (rest === 0 ? 0 : 4 + rest + (rest % 2))
  const out = new Uint8Array(size)
  let at = 0
  for (let offset = 0; offset < data.length; offset += BLOB_CHUNK) {
    const n = Math.min(BLOB_CHUNK, data.length - offset)
    out[at] = Opcode.BLOB >> 8
    out[at + 1] = Opcode.BLOB & 0xff
    out[at + 2] = n >> 8
    out[at + 3] = n & 0xff
    out.set(data.subarray(offset, offset + n), at + 4)
    at += 4 + n + (n % 2)
  }
  return out
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff

/** The value's content as framed SQ_BLOB messages; a failing stream or unencodable text is a `ParameterError`. */
const framedContent = (
  part: StreamedBlob,
  ctx: ValueContext,
  sql: string
): Stream.Stream<Uint8Array, ParameterError> => {
  const { content, index } = part
  const failed = (message: string, cause?: unknown) =>
    new ParameterError({ message: `Parameter ${index + 1} (${content.type} stream) ${message}`, index, sql, cause })
  return Stream.suspend(() => {
    // A TEXT piece ending in the first half of a surrogate pair waits for the next piece's second half.
    let carry = ""
    const encode = (piece: unknown, last: boolean): Effect.Effect<Uint8Array, ParameterError> => {
      if (content.type === "BYTE") {
        return piece instanceof Uint8Array
          ? Effect.succeed(piece)
          : Effect.fail(failed(`produced a ${typeof piece}, not a Uint8Array`))
      }
      if (typeof piece !== "string") return Effect.fail(failed(`produced a ${typeof piece}, not a string`))
      let text = carry + piece
      carry = ""
      if (!last && text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
        carry = text.slice(-1)
        text = text.slice(0, -1)
      }
      const encoded = encodeText(ctx.charset, text)
      return encoded instanceof CodecFailure
        ? Effect.fail(failed(`cannot be encoded: ${encoded.message}`))
        : Effect.succeed(encoded)
    }
    const pieces = content.content.pipe(
      Stream.mapError((cause) => failed("failed", cause)),
      Stream.mapEffect((piece) => encode(piece, false))
    )
    const end = Stream.suspend(() => carry.length === 0 ? Stream.empty : Stream.fromEffect(encode("", true)))
    return Stream.concat(pieces, end)
  }).pipe(Stream.filter((bytes) => bytes.length > 0), Stream.map(frameBlobChunks))
}

/**
 * Splits `parts` (which hold at least one `StreamedBlob`) into a `StreamedRequest`, or fails if a message cannot be
 * encoded.
 */
export const streamedRequest = (
  parts: ReadonlyArray<RequestPart>,
  framing: M.Framing,
  ctx: ValueContext,
  sql: string
): StreamedRequest | CodecFailure => {
  const segments: Array<Uint8Array | StreamedBlob> = []
  let pending: Array<M.ClientMessage> = []
  const flush = (): CodecFailure | undefined => {
    const bytes = encodeBatch(pending, framing)
    if (bytes instanceof CodecFailure) return bytes
    segments.push(bytes)
    pending = []
    return undefined
  }
  for (const part of parts) {
    if (!isStreamedBlob(part)) {
      pending.push(part)
      continue
    }
    const failure = flush()
    if (failure !== undefined) return failure
    segments.push(part)
  }
  pending.push(EOT)
  const failure = flush()
  if (failure !== undefined) return failure
  const abort = encodeBatch([{ _tag: "Ferr" }, EOT], framing)
  if (abort instanceof CodecFailure) return abort
  const body = segments.slice(1, -1).map((segment) =>
    segment instanceof Uint8Array ? Stream.succeed(segment) : framedContent(segment, ctx, sql)
  )
  return {
    head: segments[0] as Uint8Array,
    body: body.reduce(
      (all, next) => Stream.concat(all, next),
      Stream.empty as Stream.Stream<Uint8Array, ParameterError>
    ),
    tail: segments[segments.length - 1] as Uint8Array,
    abort
  }
}
