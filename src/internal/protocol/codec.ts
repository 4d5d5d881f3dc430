/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Whole-message encoders and the incremental stream decoders.
 *
 * Decoders are push-based state machines: `push(chunk)` accepts bytes split anywhere and returns every message that is
 * now complete, plus a `ProtocolCodecError` when the stream is malformed (after which the decoder stays failed: without
 * framing the stream cannot be resynchronised, SQLI.md §2.3). Nothing here throws, allocates beyond the caps, or
 * re-parses quadratically: after a short read the decoder records how many bytes the message needs (`Reader.need`)
 * and does not try again until that many are buffered.
 *
 * @internal
 */
import * as Result from "effect/Result"
import { Reader } from "../wire/Reader.ts"
import { CheckedWriter } from "./checkedWriter.ts"
import { readClientMessage, type ReadLimits, writeClientMessage } from "./clientMessages.ts"
import { WIDE_FRAMING } from "./framing.ts"
import { readConnectResponse, readLoginRequest, writeConnectResponse, writeLoginRequest } from "./loginPdu.ts"
import type { ClientMessage, ConnectResponse, Framing, LoginRequest, ServerMessage } from "./messages.ts"
import { SlType } from "./opcodes.ts"
import { ProtocolCodecError } from "./protocolCodecError.ts"
import { readServerMessage, writeServerMessage } from "./serverMessages.ts"

// ---------------------------------------------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------------------------------------------

const finish = (w: CheckedWriter): Result.Result<Uint8Array, ProtocolCodecError> =>
  w.error === undefined
    ? Result.succeed(w.out.toBytes())
    : Result.fail(
      new ProtocolCodecError({
        message: `cannot encode: ${w.error}`,
        offset: w.length,
        ...(w.opcode === undefined ? {} : { opcode: w.opcode })
      })
    )

/**
 * Encode client messages back to back. The caller includes the trailing `Eot` explicitly (and sends `Exit` bare), so
 * one call can also produce several pipelined batches.
 */
export const encodeClientBatch = (
  messages: ReadonlyArray<ClientMessage>,
  framing: Framing
): Result.Result<Uint8Array, ProtocolCodecError> => {
  // Taken while in use, so a nested call (there is none today) would get a writer of its own.
  const w = spareBatchWriter ?? new CheckedWriter()
  spareBatchWriter = undefined
  w.reset()
  for (const m of messages) {
    writeClientMessage(w, m, framing)
    if (w.error !== undefined) break
  }
  const result = finish(w)
  if (w.out.capacity <= MAX_SPARE_CAPACITY) spareBatchWriter = w
  return result
}

/**
 * One writer kept for the next client batch: encoding is synchronous, so every request (one per query) reuses its
 * buffer and costs a single copy of its bytes, instead of a fresh growable buffer, its view and the copy. A writer
 * grown past `MAX_SPARE_CAPACITY` (a large bind) is not kept.
 */
let spareBatchWriter: CheckedWriter | undefined
const MAX_SPARE_CAPACITY = 64 * 1024

/** Encode server messages back to back (a response group ends with an explicit `Eot`). */
export const encodeServerMessages = (
  messages: ReadonlyArray<ServerMessage>,
  framing: Framing
): Result.Result<Uint8Array, ProtocolCodecError> => {
  const w = new CheckedWriter()
  for (const m of messages) {
    writeServerMessage(w, m, framing)
    if (w.error !== undefined) break
  }
  return finish(w)
}

/** Encode the SL-framed CONREQ login PDU. */
export const encodeLoginRequest = (login: LoginRequest): Result.Result<Uint8Array, ProtocolCodecError> => {
  const w = new CheckedWriter()
  writeLoginRequest(w, login)
  return finish(w)
}

/** Encode the SL-framed CONACC/CONREJ PDU. */
export const encodeConnectResponse = (response: ConnectResponse): Result.Result<Uint8Array, ProtocolCodecError> => {
  const w = new CheckedWriter()
  writeConnectResponse(w, response)
  return finish(w)
}

// ---------------------------------------------------------------------------------------------------------------
// Incremental decoders
// ---------------------------------------------------------------------------------------------------------------

/** What one `push` produced: the messages completed by this chunk, and the error that stopped the stream, if any. */
export interface DecodeResult<M> {
  readonly messages: Array<M>
  readonly error: ProtocolCodecError | undefined
}

export interface DecoderOptions {
  /** Largest message (and largest buffered partial message) accepted; default 64 MiB. */
  readonly maxMessageSize?: number
  /** Framing to start with (default: wide, bits 69/70 off). Switch with `setFraming` after SQ_PROTOCOLS. */
  readonly framing?: Framing
  /** Expect the SL-framed connect PDU first (default true); false starts directly with bare messages. */
  readonly expectConnect?: boolean
  /**
   * The caller hands every pushed chunk over and never writes into it again (a socket's `data` Buffers are fresh for
   * each read, and so is the session's copy of each `onread` read: connection/socketReads.ts). SQ_TUPLE payloads are
   * then views of the received bytes instead of one copy (and one ArrayBuffer) per row, and the decoder never moves
   * bytes inside a buffer a message may view. Default false: payloads are copies.
   */
  readonly keepChunks?: boolean
}

export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024

const EMPTY: Uint8Array = new Uint8Array(0)

type Step<M> =
  | { readonly _tag: "Message"; readonly message: M; readonly end: number }
  | { readonly _tag: "Short"; readonly need: number }
  | { readonly _tag: "Fail"; readonly message: string; readonly opcode?: number }

/**
 * Shared buffering and control loop; `parseConnect` and `parseMessage` are the two sides' parsers. Offsets in
 * errors are absolute stream positions (bytes consumed before + position in the buffer).
 */
abstract class StreamDecoder<C, M> {
  protected framing: Framing
  readonly maxMessageSize: number
  private buffer: Uint8Array = EMPTY
  private start = 0
  private end = 0
  /** Bytes (relative to `start`) the current message needs before parsing is worth retrying. */
  private need = 0
  /** Absolute stream offset of `buffer[0]`. */
  private base = 0
  private connected: boolean
  private failure: ProtocolCodecError | undefined = undefined
  private readonly keepChunks: boolean
  /** The parsers' limits, one object for every message. */
  protected readonly limits: ReadLimits

  constructor(options: DecoderOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE
    this.framing = options.framing ?? WIDE_FRAMING
    this.connected = options.expectConnect === false
    this.keepChunks = options.keepChunks === true
    this.limits = { maxLength: this.maxMessageSize, viewTuples: this.keepChunks }
  }

  /** Switch field widths (after the SQ_PROTOCOLS exchange). Applies to messages not yet decoded. */
  setFraming(framing: Framing): void {
    this.framing = framing
  }

  get currentFraming(): Framing {
    return this.framing
  }

  /** Bytes received but not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.end - this.start
  }

  /** The error that stopped this decoder, if any. */
  get error(): ProtocolCodecError | undefined {
    return this.failure
  }

  protected abstract parseConnect(r: Reader, slType: number, slAttribute: number, slOptions: number, end: number): C
  protected abstract connectTypeOk(slType: number): string | undefined
  protected abstract parseMessage(r: Reader, opcode: number): M | undefined

  push(chunk: Uint8Array): DecodeResult<C | M> {
    const messages: Array<C | M> = []
    const decoded = this.pushInto(chunk, messages)
    return { messages, error: typeof decoded === "number" ? undefined : decoded }
  }

  /**
   * `push` that writes the messages to `out[0]`, `out[1]`, … and returns how many (or the error, the messages decoded
   * before it left in `out`). The caller may reuse `out` for every chunk: no result object and no array per chunk
   * (entries past the count are the caller's).
   */
  pushInto(chunk: Uint8Array, out: Array<C | M | undefined>): number | ProtocolCodecError {
    if (this.failure !== undefined) return this.failure
    this.append(chunk)
    let count = 0
    while (this.end - this.start >= Math.max(this.need, 2)) {
      const step = this.connected ? this.stepMessage() : this.stepConnect()
      if (step._tag === "Message") {
        out[count++] = step.message
        this.start = step.end
        this.need = 0
        continue
      }
      if (step._tag === "Fail") return this.fail(step.message, step.opcode)
      this.need = step.need
      if (this.need > this.maxMessageSize) {
        return this.fail(`frame larger than maxMessageSize (${this.need} > ${this.maxMessageSize} bytes)`)
      }
      break
    }
    if (this.end - this.start > this.maxMessageSize) {
      return this.fail(`frame larger than maxMessageSize (${this.end - this.start} bytes buffered)`)
    }
    this.release()
    return count
  }

  /** Record the error and drop everything buffered: a failed stream is never parsed again. */
  private fail(message: string, opcode?: number): ProtocolCodecError {
    this.failure = new ProtocolCodecError({
      message,
      offset: this.base + this.start,
      ...(opcode === undefined ? {} : { opcode })
    })
    this.buffer = EMPTY
    this.borrowed = undefined
    this.start = 0
    this.end = 0
    return this.failure
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    if (this.start === this.end) {
      // Nothing pending: parse straight from the caller's chunk; only an unfinished tail is copied (in `release`).
      this.base += this.end
      this.buffer = chunk
      this.borrowed = chunk
      this.start = 0
      this.end = chunk.length
      return
    }
    const pending = this.end - this.start
    if (this.buffer.length - this.end < chunk.length || this.buffer === this.borrowed) {
      // Doubling keeps a large message arriving in small chunks linear overall.
      const next = new Uint8Array(Math.max(1024, pending + chunk.length, this.buffer.length * 2))
      next.set(this.buffer.subarray(this.start, this.end))
      this.base += this.start
      this.buffer = next
      this.start = 0
      this.end = pending
      this.borrowed = undefined
    }
    this.buffer.set(chunk, this.end)
    this.end += chunk.length
  }

  /** The caller's chunk when it is used as the buffer (it must not be written into or kept). */
  private borrowed: Uint8Array | undefined = undefined

  private release(): void {
    if (this.start === this.end) {
      this.base += this.end
      this.buffer = EMPTY
      this.start = 0
      this.end = 0
      this.borrowed = undefined
      return
    }
    const tailLength = this.end - this.start
    if (this.borrowed === undefined && !this.keepChunks && this.buffer.length <= Math.max(4 * tailLength, 65536)) {
      // Our own buffer of a sensible size: move the tail to the front in place (no allocation per push).
      if (this.start > 0) this.buffer.copyWithin(0, this.start, this.end)
    } else {
      // The caller's chunk (which we must not keep), a buffer messages may view (keepChunks) or an oversized buffer:
      // keep a copy of the tail only.
      this.buffer = this.buffer.slice(this.start, this.end)
    }
    this.base += this.start
    this.start = 0
    this.end = tailLength
    this.borrowed = undefined
  }

  private stepConnect(): Step<C | M> {
    const r = new Reader(this.buffer, this.start, this.end)
    const length = r.u16()
    if (!r.ok) return { _tag: "Short", need: 2 }
    if (length < 6) return { _tag: "Fail", message: `connect PDU length ${length} is shorter than its SL header` }
    if (this.end - this.start < length) return { _tag: "Short", need: length }
    const slType = r.u8()
    const slAttribute = r.u8()
    const slOptions = r.u16()
    const typeError = this.connectTypeOk(slType)
    if (typeError !== undefined) return { _tag: "Fail", message: typeError }
    const pduEnd = this.start + length
    const body = new Reader(this.buffer, r.pos, pduEnd)
    const message = this.parseConnect(body, slType, slAttribute, slOptions, pduEnd)
    if (body.error !== undefined) return { _tag: "Fail", message: `malformed connect PDU: ${body.error}` }
    if (body.short) return { _tag: "Fail", message: "connect PDU is shorter than its fields" }
    this.connected = true
    return { _tag: "Message", message, end: pduEnd }
  }

  /** Reused for every message (see `Reader.reset`). */
  private readonly reader = new Reader(EMPTY)
  /** The step of every decoded message, refilled each time (`pushInto` reads it at once): no object per message. */
  private readonly decoded: { readonly _tag: "Message"; message: C | M; end: number } = {
    _tag: "Message",
    message: undefined as unknown as C | M,
    end: 0
  }

  private stepMessage(): Step<C | M> {
    const r = this.reader
    r.reset(this.buffer, this.start, this.end)
    const opcode = r.u16()
    if (!r.ok) return { _tag: "Short", need: 2 }
    const message = this.parseMessage(r, opcode)
    if (r.error !== undefined) return { _tag: "Fail", message: r.error, opcode }
    if (r.short) return { _tag: "Short", need: r.need - this.start }
    if (message === undefined) {
      return { _tag: "Fail", message: `unknown opcode ${opcode}; the stream cannot be resynchronised`, opcode }
    }
    const decoded = this.decoded
    decoded.message = message
    decoded.end = r.pos
    return decoded
  }
}

/**
 * Server side: decodes what a client sends — first the SL-framed login PDU (`LoginRequest`), then bare
 * `ClientMessage`s.
 */
export class ClientMessageDecoder extends StreamDecoder<LoginRequest, ClientMessage> {
  protected parseConnect(r: Reader, _slType: number, slAttribute: number, slOptions: number, end: number) {
    return readLoginRequest(r, slAttribute, slOptions, end)
  }
  protected connectTypeOk(slType: number): string | undefined {
    return slType === SlType.CONREQ ? undefined : `expected a CONREQ login PDU (SL type 1), got SL type ${slType}`
  }
  protected parseMessage(r: Reader, opcode: number): ClientMessage | undefined {
    return readClientMessage(r, opcode, this.framing, this.limits)
  }
}

/**
 * Client side: decodes what a server sends — first the SL-framed CONACC/CONREJ (`ConnectResponse`), then bare
 * `ServerMessage`s.
 */
export class ServerMessageDecoder extends StreamDecoder<ConnectResponse, ServerMessage> {
  protected parseConnect(r: Reader, slType: number, slAttribute: number, slOptions: number, end: number) {
    return readConnectResponse(r, slType, slAttribute, slOptions, end)
  }
  protected connectTypeOk(slType: number): string | undefined {
    // JDBC reads exactly these three SL types and refuses any other with −408 (Connection.recvConnectionResponse).
    if (slType === SlType.CONACC || slType === SlType.CONREJ || slType === SlType.REDIRECT) return undefined
    return `expected CONACC/CONREJ/REDIRECT (SL type 2/3/13), got SL type ${slType}`
  }
  protected parseMessage(r: Reader, opcode: number): ServerMessage | undefined {
    return readServerMessage(r, opcode, this.framing, this.limits)
  }
}
