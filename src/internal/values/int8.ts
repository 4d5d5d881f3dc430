/**
 * INT8 / SERIAL8: the 10-byte sign-magnitude form (VALUES.md §8.3): `sign:i16` (1 = positive or zero, −1 =
 * negative, 0 = NULL), then the magnitude as `low:u32`, `high:u32` — low half first.
 */
import { CodecFailure } from "./CodecFailure.ts"
import { bigIntOf } from "./wordScratch.ts"

export const INT8_MAX = (1n << 63n) - 1n

export const decodeInt8 = (bytes: Uint8Array, offset: number): bigint | null | CodecFailure => {
  // Read in place (the row decoder calls this for every INT8 value): no view, and one BigInt when the magnitude
  // fits in 53 bits (exact as a double), which is nearly every value (through the inline int32 path below 2^31).
  const sign = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16)) >> 16
  if (sign === 0) return null
  if (sign !== 1 && sign !== -1) return new CodecFailure(`INT8 sign word ${sign} is not 1, -1 or 0 (NULL)`)
  const low = uint32At(bytes, offset + 2)
  const high = uint32At(bytes, offset + 6)
  if (high < 0x200000) return bigIntOf(sign * (high * 0x100000000 + low))
  const magnitude = (BigInt(high) << 32n) | BigInt(low)
  return sign === 1 ? magnitude : -magnitude
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
