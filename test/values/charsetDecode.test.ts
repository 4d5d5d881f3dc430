/**
 * The charset decoders' fast paths (native latin1 slice for ISO-8859-1 and for ASCII runs) agree with the plain
 * definitions: one code point per byte for 8859-1, WHATWG UTF-8 for utf8, iconv-lite's tables for the others — on
 * random bytes read through views at random offsets into a larger buffer, as the row decoder passes them.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import iconv from "iconv-lite"
import { charsetForCodeSet } from "../../src/internal/values/index.ts"

const viewAt = (bytes: Uint8Array, offset: number): Uint8Array => {
  const buffer = new Uint8Array(offset + bytes.length + 3).fill(0x41)
  buffer.set(bytes, offset)
  return buffer.subarray(offset, offset + bytes.length)
}

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc.uint8Array({ maxLength: 80 }).map((b) => b.map((x) => x & 0x7f))
)

describe("charset decode fast paths", () => {
  it("8859-1: one code point per byte", () => {
    const charset = charsetForCodeSet("8859-1")!
    fc.assert(
      fc.property(bytesArb, fc.nat(7), (bytes, offset) => {
        assert.strictEqual(
          charset.decode(viewAt(bytes, offset)),
          Array.from(bytes, (b) => String.fromCharCode(b)).join("")
        )
      }),
      { numRuns: 1000 }
    )
  })

  it("utf8: the WHATWG decoder's result (replacement characters included)", () => {
    const charset = charsetForCodeSet("utf8")!
    const decoder = new TextDecoder("utf-8")
    fc.assert(
      fc.property(bytesArb, fc.nat(7), (bytes, offset) => {
        assert.strictEqual(charset.decode(viewAt(bytes, offset)), decoder.decode(bytes))
      }),
      { numRuns: 1000 }
    )
  })

  it("other code sets: iconv-lite's decoding", () => {
    for (const [codeSet, encoding] of [["CP1252", "windows-1252"], ["8859-15", "iso-8859-15"], ["sjis", "shift_jis"]]) {
      const charset = charsetForCodeSet(codeSet!)!
      fc.assert(
        fc.property(bytesArb, fc.nat(7), (bytes, offset) => {
          assert.strictEqual(charset.decode(viewAt(bytes, offset)), iconv.decode(Buffer.from(bytes), encoding!))
        }),
        { numRuns: 300 }
      )
    }
  })

  it("decodeRange(b, start, end) is decode(b.subarray(start, end)) in every code set", () => {
    for (const codeSet of ["8859-1", "utf8", "CP1252", "8859-15", "sjis", "CP864"]) {
      const charset = charsetForCodeSet(codeSet)!
      fc.assert(
        fc.property(bytesArb, fc.nat(80), fc.nat(80), (bytes, a, b) => {
          const start = Math.min(a, b, bytes.length)
          const end = Math.min(Math.max(a, b), bytes.length)
          assert.strictEqual(charset.decodeRange(bytes, start, end), charset.decode(bytes.subarray(start, end)))
        }),
        { numRuns: 300 }
      )
    }
  })
})

describe("short text (the fixed-arity path, up to 24 bytes, and the native slice after it)", () => {
  // Every length from 0 to past the cutover, each position holding a different byte, at an odd offset of a
  // larger buffer: a wrong argument, a dropped byte or an off-by-one at the cutover changes the string.
  const sample = (length: number, high: boolean): Uint8Array =>
    Uint8Array.from({ length }, (_, i) => (high && i === length - 1 ? 0xe9 : 0x41 + ((i * 7) % 26)))

  it("every length, ASCII and not, decodes as the reference decoder of its code set", () => {
    const utf8 = new TextDecoder("utf-8")
    const references: ReadonlyArray<readonly [string, (b: Uint8Array) => string]> = [
      ["8859-1", (b) => Array.from(b, (x) => String.fromCharCode(x)).join("")],
      ["utf8", (b) => utf8.decode(b)],
      ["CP1252", (b) => iconv.decode(Buffer.from(b), "windows-1252")],
      ["sjis", (b) => iconv.decode(Buffer.from(b), "shift_jis")]
    ]
    for (const [codeSet, reference] of references) {
      const charset = charsetForCodeSet(codeSet)!
      for (let length = 0; length <= 30; length++) {
        for (const high of length === 0 ? [false] : [false, true]) {
          const bytes = sample(length, high)
          const buffer = new Uint8Array(length + 8).fill(0x7a)
          buffer.set(bytes, 5)
          const expected = reference(bytes)
          assert.strictEqual(charset.decodeRange(buffer, 5, 5 + length), expected, `${codeSet} ${length} ${high}`)
          assert.strictEqual(charset.decode(viewAt(bytes, 3)), expected, `${codeSet} ${length} ${high} view`)
        }
      }
    }
  })
})
