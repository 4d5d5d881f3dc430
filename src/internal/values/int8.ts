/**
 * INT8 / SERIAL8: the 10-byte sign-magnitude form (VALUES.md §8.3): `sign:i16` (1 = positive or zero, −1 =
 * negative, 0 = NULL), then the magnitude as `low:u32`, `high:u32` — low half first.
 */
import { bigIntFromWords, bigIntOfSafe } from "./wordScratch.ts"
import { CodecFailure } from "./CodecFailure.ts"

export const INT8_MAX = (1n << 63n) - 1n

export const decodeInt8 = (bytes: Uint8Array, offset: number): bigint | null | CodecFailure => {
  // Read in place (the row decoder calls this for every INT8 value): no view, and one BigInt made from the words.
  const sign = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16)) >> 16
  if (sign === 0) return null
  if (sign !== 1 && sign !== -1) return new CodecFailure(`INT8 sign word ${sign} is not 1, -1 or 0 (NULL)`)
  const low = uint32At(bytes, offset + 2)
  const high = uint32At(bytes, offset + 6)
  // A magnitude of 2^63 or more (never sent: INT8 holds ±(2^63 − 1)) is not an int64; it stays what it says.
  if (high >= 0x80000000) {
    const magnitude = (BigInt(high) << 32n) | BigInt(low)
    return sign === 1 ? magnitude : -magnitude
  }
  // Negated as a double while that is exact (a magnitude below 2^53), else as a BigInt.
  if (sign === 1) return bigIntFromWords(high, low)
  return high < 0x200000 ? bigIntOfSafe(-(high * 0x100000000 + low)) : -bigIntFromWords(high, low)
}

const uint32At = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0

export const encodeInt8 = (value: bigint | null): Uint8Array | CodecFailure => {
  const out = new Uint8Array(10)
  if (value === null) return out
  if (value > INT8_MAX || value < -INT8_MAX) return new CodecFailure("INT8 cannot hold the value (range ±(2^63-1))")
  const view = new DataView(out.buffer)
  const magnitude = value < 0n ? -value : value
  view.setInt16(0, value < 0n ? -1 : 1)
  view.setUint32(2, Number(magnitude & 0xffffffffn))
  view.setUint32(6, Number(magnitude >> 32n))
  return out
}
