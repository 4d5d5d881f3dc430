/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Result from "effect/Result"
import * as fc from "fast-check"
import { ClientMessageDecoder, encodeServerMessages, ServerMessageDecoder } from "../../src/internal/protocol/codec.ts"
import { WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import type { ServerMessage } from "../../src/internal/protocol/messages.ts"
import { framingOf, type GoldenVector, isConnectPdu, isOutOfBand, loadGolden, rejectedByDecoder } from "./golden.ts"

const vectors = loadGolden().filter((v) => !isOutOfBand(v) && !rejectedByDecoder.has(v.name))

const newDecoder = (v: GoldenVector) => {
  const options = { framing: framingOf(v), expectConnect: isConnectPdu(v) }
  return v.direction === "client-to-server" ? new ClientMessageDecoder(options) : new ServerMessageDecoder(options)
}

const decodeChunks = (v: GoldenVector, chunks: ReadonlyArray<Uint8Array>) => {
  const decoder = newDecoder(v)
  const messages: Array<unknown> = []
  for (const chunk of chunks) {
    const result = decoder.push(chunk)
    assert.isUndefined(result.error, `${v.name}: ${result.error?.message}`)
    messages.push(...result.messages)
  }
  assert.strictEqual(decoder.bufferedBytes, 0)
  return messages
}

describe("split decoding", () => {
  it("every vector split at every byte position gives the same messages", () => {
    for (const v of vectors) {
      const whole = decodeChunks(v, [v.bytes])
      for (let p = 1; p < v.bytes.length; p++) {
        const parts = decodeChunks(v, [v.bytes.subarray(0, p), v.bytes.subarray(p)])
        assert.deepStrictEqual(parts, whole, `${v.name} split at ${p}`)
      }
    }
  })

  it("every vector fed one byte at a time gives the same messages", () => {
    for (const v of vectors) {
      const whole = decodeChunks(v, [v.bytes])
      const single = Array.from(v.bytes, (b) => Uint8Array.of(b))
      assert.deepStrictEqual(decodeChunks(v, single), whole, v.name)
    }
  })

  it("all vectors of one direction concatenated into one stream decode as the sum of their parts", () => {
    const postLogin = vectors.filter((v) =>
      v.direction === "server-to-client" && !isConnectPdu(v) && !v.name.startsWith("nmap-")
      && framingOf(v).done22 === false
    )
    const total = postLogin.reduce((n, v) => n + v.bytes.length, 0)
    const stream = new Uint8Array(total)
    let at = 0
    const expected: Array<unknown> = []
    for (const v of postLogin) {
      stream.set(v.bytes, at)
      at += v.bytes.length
      expected.push(...decodeChunks(v, [v.bytes]))
    }
    // 7-byte chunks: boundaries fall everywhere relative to messages.
    const chunks: Array<Uint8Array> = []
    for (let i = 0; i < stream.length; i += 7) chunks.push(stream.subarray(i, i + 7))
    assert.deepStrictEqual(decodeChunks(postLogin[0]!, chunks), expected)
  })
})

describe("keepChunks: row payloads as views of the received chunks", () => {
  // Rows of 0..40 bytes (odd sizes carry a pad byte), each byte distinct enough that a moved or overwritten byte shows.
  const stream = (() => {
    const messages: Array<ServerMessage> = []
    for (let i = 0; i < 300; i++) {
      const payload = Uint8Array.from({ length: i % 41 }, (_, j) => (i * 31 + j * 7) & 0xff)
      messages.push({ _tag: "Tuple", warnings: 0, payload })
      if (i % 50 === 49) messages.push({ _tag: "Eot" })
    }
    messages.push({ _tag: "Eot" })
    const encoded = encodeServerMessages(messages, WIDE_FRAMING)
    if (Result.isFailure(encoded)) throw new Error(encoded.failure.message)
    return encoded.success
  })()

  const decodeAll = (chunks: ReadonlyArray<Uint8Array>, keepChunks: boolean) => {
    const decoder = new ServerMessageDecoder({ expectConnect: false, keepChunks })
    const messages: Array<unknown> = []
    for (const chunk of chunks) {
      const result = decoder.push(chunk)
      assert.isUndefined(result.error)
      messages.push(...result.messages)
    }
    return messages as Array<ServerMessage>
  }

  it("messages kept until the end equal the copying decoder's, for any chunking (fresh chunks, as a socket gives)", () => {
    const expected = decodeAll([stream], false)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        const chunks: Array<Uint8Array> = []
        for (let at = 0, i = 0; at < stream.length; i++) {
          const size = sizes[i % sizes.length]!
          chunks.push(stream.slice(at, at + size))
          at += size
        }
        // Compared only after every chunk was pushed: a buffer reused under an earlier message's view would show.
        assert.deepStrictEqual(decodeAll(chunks, true), expected)
      }),
      { numRuns: 200 }
    )
  })

  it("a payload inside one chunk is a view of that chunk, not a copy", () => {
    const messages = decodeAll([stream], true)
    const tuples = messages.filter((m) => m._tag === "Tuple")
    assert.strictEqual(tuples.length, 300)
    for (const m of tuples) assert.strictEqual(m.payload.buffer, stream.buffer)
    for (const m of decodeAll([stream], false)) {
      if (m._tag === "Tuple") assert.notStrictEqual(m.payload.buffer, stream.buffer)
    }
  })

  it("a payload in a chunk of at most 64 bytes is a copy (such a chunk lives in V8's heap until its buffer is read)", () => {
    const tuple = Uint8Array.from({ length: 40 }, (_, j) => j * 3)
    for (const count of [1, 2]) {
      const messages: Array<ServerMessage> = [
        ...Array.from({ length: count }, () => ({ _tag: "Tuple" as const, warnings: 0, payload: tuple })),
        { _tag: "Eot" }
      ]
      const encoded = encodeServerMessages(messages, WIDE_FRAMING)
      if (Result.isFailure(encoded)) throw new Error(encoded.failure.message)
      const chunk = encoded.success.slice()
      assert.strictEqual(chunk.length <= 64, count === 1)
      const tuples = decodeAll([chunk], true).filter((m) => m._tag === "Tuple")
      assert.strictEqual(tuples.length, count)
      for (const m of tuples) {
        assert.deepStrictEqual(m.payload, tuple)
        if (count === 1) assert.notStrictEqual(m.payload.buffer, chunk.buffer)
        else assert.strictEqual(m.payload.buffer, chunk.buffer)
      }
    }
  })
})
