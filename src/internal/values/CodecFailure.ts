/**
 * The failure value of the pure value codecs: returned, never thrown, so row decoding stays a tight loop without
 * try/catch and callers decide how to surface it (ProtocolError on decode, a bind error on encode).
 *
 * Messages say what is wrong (type, range, size, code set, position) but never quote the value: bound values can be
 * secrets or personal data, and these messages end up in errors, logs and spans.
 */
export class CodecFailure {
  readonly _tag = "CodecFailure"
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

/**
 * A well-framed value that a user codec (the `types` option) rejected: the byte stream is intact, so the statement
 * fails but the session need not retire.
 */
export class ValueRejected extends CodecFailure {}

export const isCodecFailure = (u: unknown): u is CodecFailure => u instanceof CodecFailure
