/**
 * INT8 / SERIAL8: the 10-byte sign-magnitude form (VALUES.md §8.3): `sign:i16` (1 = positive or zero, −1 =
 * negative, 0 = NULL), then the magnitude as `low:u32`, `high:u32` — low half first.
 */
import { CodecFailure } from "./CodecFailure.ts"

export const INT8_MAX = (1n << 63n) - 1n

export const decodeInt8 = (bytes: Uint8Array, offset: number): bigint | null | CodecFailure => {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 10)
  const sign = view.getInt16(0)
  if (sign === 0) return null
  const magnitude = (BigInt(view.getUint32(6)) << 32n) | BigInt(view.getUint32(2))
  if (sign === 1) return magnitude
  if (sign === -1) return -magnitude
  return new CodecFailure(`INT8 sign word ${sign} is not 1, -1 or 0 (NULL)`)
}

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
