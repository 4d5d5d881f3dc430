/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { ClientMessageDecoder, ServerMessageDecoder } from "../../src/internal/protocol/codec.ts"
import { EXTENDED_FRAMING, NARROW_FRAMING, WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import { isOutOfBand, loadGolden } from "./golden.ts"

const golden = loadGolden().filter((v) => !isOutOfBand(v))
const MAX = 4096

const framing = fc.constantFrom(WIDE_FRAMING, NARROW_FRAMING, EXTENDED_FRAMING)

/** Feeds `bytes` in chunks cut at `cuts`; checks the decoder's invariants on every push. */
const feed = (
  side: "client" | "server",
  expectConnect: boolean,
  f: typeof WIDE_FRAMING,
  bytes: Uint8Array,
  cuts: ReadonlyArray<number>
) => {
  const options = { framing: f, expectConnect, maxMessageSize: MAX }
  const decoder = side === "client" ? new ClientMessageDecoder(options) : new ServerMessageDecoder(options)
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].toSorted((a, b) => a - b)
  let from = 0
  let failed = false
  for (const to of [...points, bytes.length]) {
    const result = decoder.push(bytes.subarray(from, to))
    from = to
    assert.isAtMost(decoder.bufferedBytes, MAX)
    if (failed) {
      // Once failed, a decoder stays failed and yields nothing more.
      assert.isDefined(result.error)
      assert.strictEqual(result.messages.length, 0)
    }
    if (result.error !== undefined) {
      assert.strictEqual(result.error._tag, "ProtocolCodecError")
      assert.isString(result.error.message)
      failed = true
    }
  }
}

describe("decoder fuzzing", () => {
  it("random bytes in random chunks: only messages or a ProtocolCodecError, never a throw", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("client" as const, "server" as const),
        fc.boolean(),
        framing,
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (side, expectConnect, f, bytes, cuts) => feed(side, expectConnect, f, bytes, cuts)
      ),
      { numRuns: 2000 }
    )
  })

  it("an SQ_LODATA read-with-seek cut inside its 10-byte offset is incomplete or an error, never a throw", () => {
    // Found by the golden-vector fuzzing below (Node 24 lane): the INT8 offset was read from a short buffer.
    // opcode 97 (SQ_LODATA), op 1 (read with seek), fd 3, length 4096, buffer size 4096, then 4 of the 10 bytes.
    const bytes = Uint8Array.of(0, 97, 0, 1, 0, 3, 0, 0, 16, 0, 16, 0, 0, 1, 0, 0)
    for (const f of [WIDE_FRAMING, NARROW_FRAMING, EXTENDED_FRAMING]) feed("client", false, f, bytes, [])
  })

  it("random bytes behind a plausible opcode", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("client" as const, "server" as const),
        framing,
        fc.integer({ min: 0, max: 142 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (side, f, opcode, body, cuts) => {
          const bytes = new Uint8Array(body.length + 2)
          bytes[1] = opcode
          bytes.set(body, 2)
          feed(side, false, f, bytes, cuts)
        }
      ),
      { numRuns: 3000 }
    )
  })

  it("mutated golden vectors in random chunks", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...golden),
        framing,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (v, f, mutations, cuts) => {
          const bytes = v.bytes.slice()
          for (const [at, value] of mutations) bytes[at % bytes.length] = value
          const side = v.direction === "client-to-server" ? "client" : "server"
          const connect = v.name.includes("-login-") || v.name.startsWith("server-con")
          feed(side, connect, f, bytes, cuts)
        }
      ),
      { numRuns: 3000 }
    )
  })

  it("a length field beyond maxMessageSize fails immediately instead of buffering", () => {
    const decoder = new ServerMessageDecoder({ expectConnect: false, maxMessageSize: 1024 })
    // SQ_TUPLE with a 1 MiB payload announced.
    const result = decoder.push(Uint8Array.of(0x00, 0x0e, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00))
    assert.isDefined(result.error)
    assert.match(result.error!.message, /out of range|maxMessageSize/)
  })

  it("a partial message larger than maxMessageSize is refused", () => {
    const decoder = new ServerMessageDecoder({ expectConnect: false, maxMessageSize: 1024 })
    // SQ_TUPLE announcing 1000 bytes is allowed; the header says 1000 but the buffered bytes stay under the cap.
    const head = decoder.push(Uint8Array.of(0x00, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8))
    assert.isUndefined(head.error)
    assert.strictEqual(head.messages.length, 0)
    const body = decoder.push(new Uint8Array(1000))
    assert.isUndefined(body.error)
    assert.strictEqual(body.messages.length, 1)
    // A DESCRIBE whose string table would exceed the cap.
    const big = decoder.push(
      Uint8Array.of(0x00, 0x08, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0x00, 0x01, 0x00, 0x00)
    )
    assert.isDefined(big.error)
  })
})
