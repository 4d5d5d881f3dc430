/**
 * The codec's one error type. Decoders return it (never throw) when the byte stream is malformed — after which the
 * stream cannot be resynchronised (no framing after login, SQLI.md §2.3) and the connection must be retired — and
 * encoders return it when a value cannot be represented (a string longer than its u16 length field, …).
 *
 * @internal
 */
import * as Data from "effect/Data"

export class ProtocolCodecError extends Data.TaggedError("ProtocolCodecError")<{
  readonly message: string
  /** Absolute stream offset (decoders) or byte offset in the output (encoders) where the problem was found. */
  readonly offset?: number
  /** Opcode of the message being decoded/encoded, when known. */
  readonly opcode?: number
}> {}
