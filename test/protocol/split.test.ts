/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import { ClientMessageDecoder, ServerMessageDecoder } from "../../src/internal/protocol/codec.ts"
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
