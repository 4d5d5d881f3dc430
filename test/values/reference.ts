/**
 * The row decoder as it was before the in-place fast paths (commit bf8179f): a `Reader` per row, a view per value,
 * DECIMAL through an unpacked digit array, DATETIME through the general field unpacker. Kept test-side only, as the
 * oracle the optimised decoder must match value for value and failure message for failure message.
 *
 * Two deliberate differences, both bugs of the old decoder that the new one fixes:
 * - a packed digit byte above 99 is rejected before the 100's complement (the old code complemented first, so such
 *   bytes in a negative DECIMAL slipped through as out-of-range digits);
 * - a SMALLINT/INTEGER/DATE/BIGINT cut short by the end of the payload is a failure (the old code did not look at
 *   `r.ok` after these reads, so a last column cut short decoded as 0 and the row passed the length check).
 */
import type * as BigDecimal from "effect/BigDecimal"
import { BlobDescriptor, LocalDate, OpaqueValue, SmartLobLocator, type Value } from "../../src/InformixValue.ts"
import { CodecFailure } from "../../src/internal/values/CodecFailure.ts"
import {
  type Exact,
  exactToBigDecimal,
  isPackedNull,
  packedWidth,
  toExact,
  unpack
} from "../../src/internal/values/decimal.ts"
import { decodeInt8 } from "../../src/internal/values/int8.ts"
import {
  type ColumnInfo,
  describeColumn,
  prepareColumns,
  type PreparedColumn,
  type ValueContext
} from "../../src/internal/values/row.ts"
import { decodeDateTime, decodeInterval } from "../../src/internal/values/timeValue.ts"
import { baseType, ExtendedId } from "../../src/internal/values/typeCodes.ts"
import { Reader } from "../../src/internal/wire/Reader.ts"

const pow10 = (n: number): bigint => 10n ** BigInt(n)

const withScale = (x: Exact, scale: number): Exact => {
  if (x.scale === scale) return x
  if (x.scale < scale) return { ...x, coefficient: x.coefficient * pow10(scale - x.scale), scale }
  const divisor = pow10(x.scale - scale)
  return x.coefficient % divisor === 0n ? { ...x, coefficient: x.coefficient / divisor, scale } : x
}

const normalizeExact = (x: Exact): Exact => {
  let { coefficient, scale } = x
  if (coefficient === 0n) return { negative: false, coefficient, scale: 0 }
  while (scale > 0 && coefficient % 10n === 0n) {
    coefficient /= 10n
    scale--
  }
  return { negative: x.negative, coefficient, scale }
}

/** DECIMAL via unpack → digit array → Exact → BigDecimal. */
export const referenceDecimal = (bytes: Uint8Array, scale: number): BigDecimal.BigDecimal | null | CodecFailure => {
  if (isPackedNull(bytes)) return null
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i]! > 99) {
      return new CodecFailure(`packed decimal digit byte ${bytes[i]} is not a base-100 digit (0..99)`)
    }
  }
  const unpacked = unpack(bytes)
  if (unpacked instanceof CodecFailure) return unpacked
  const exact = toExact(unpacked)
  return exactToBigDecimal(scale === 255 ? normalizeExact(exact) : withScale(exact, scale))
}

const isClob = (column: ColumnInfo): boolean =>
  column.extendedId === ExtendedId.CLOB || column.extendedName.toLowerCase() === "clob"

const BLOB_DESCRIPTOR_SIZE = 56

const decodeOne = (r: Reader, p: PreparedColumn, ctx: ValueContext): Value | CodecFailure => {
  const { column, kind } = p
  switch (kind) {
    case "char": {
      const bytes = r.bytesView(column.encodedLength)
      if (!r.ok) break
      if (bytes.length > 0 && bytes[0] === 0) return null
      const text = ctx.charset.decode(bytes)
      return ctx.trimChar === true ? text.replace(/ +$/, "") : text
    }
    case "smallint": {
      const v = r.i16()
      if (!r.ok) break
      return v === -32768 ? null : v
    }
    case "integer": {
      const v = r.i32()
      if (!r.ok) break
      return v === -2147483648 ? null : v
    }
    case "date": {
      const v = r.i32()
      if (!r.ok) break
      return v === -2147483648 ? null : LocalDate.fromDayNumber(v)
    }
    case "smallfloat": {
      const bytes = r.bytesView(4)
      if (!r.ok) break
      if (bytes.every((b) => b === 0xff)) return null
      return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0)
    }
    case "float": {
      const bytes = r.bytesView(8)
      if (!r.ok) break
      if (bytes.every((b) => b === 0xff)) return null
      return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0)
    }
    case "bigint": {
      const v = r.i64()
      if (!r.ok) break
      return v === -(1n << 63n) ? null : v
    }
    case "int8": {
      const start = r.pos
      r.skip(10)
      if (!r.ok) break
      return decodeInt8(r.bytes, start)
    }
    case "decimal": {
      const bytes = r.bytesView(packedWidth(column.encodedLength))
      if (!r.ok) break
      return referenceDecimal(bytes, column.encodedLength & 0xff)
    }
    case "datetime": {
      const bytes = r.bytesView(packedWidth(column.encodedLength))
      if (!r.ok) break
      return decodeDateTime(bytes, p.qualifier!)
    }
    case "interval": {
      const bytes = r.bytesView(packedWidth(column.encodedLength))
      if (!r.ok) break
      return decodeInterval(bytes, p.qualifier!)
    }
    case "blobDescriptor": {
      const bytes = r.bytesCopy(BLOB_DESCRIPTOR_SIZE)
      if (!r.ok) break
      return new BlobDescriptor(baseType(column.columnType), bytes)
    }
    case "varchar": {
      const length = r.u8()
      const bytes = r.bytesView(length)
      if (!r.ok) break
      if (length === 1 && bytes[0] === 0) return null
      return ctx.charset.decode(bytes)
    }
    case "bareLvarchar": {
      const length = r.i32()
      const bytes = r.bytesView(length)
      if (!r.ok) break
      return ctx.charset.decode(bytes)
    }
    default: {
      const indicator = r.u8()
      const length = r.i32()
      if (!r.ok) break
      if (indicator !== 0) return null
      const bytes = r.bytesView(length)
      if (!r.ok) break
      switch (kind) {
        case "lvarchar":
          return ctx.charset.decode(bytes)
        case "boolean": {
          if (length !== 1) return new CodecFailure(`BOOLEAN body of ${length} bytes (expected 1)`)
          const b = bytes[0]!
          if (b === 0x74 || b === 0x54 || b === 0x01) return true
          if (b === 0x66 || b === 0x46 || b === 0x00) return false
          return new CodecFailure(`BOOLEAN byte 0x${b.toString(16)} is not 't' or 'f'`)
        }
        case "smartLob":
          return new SmartLobLocator(isClob(column) ? "CLOB" : "BLOB", new TextDecoder("latin1").decode(bytes))
        default:
          return new OpaqueValue(baseType(column.columnType), column.extendedName, bytes.slice())
      }
    }
  }
  return new CodecFailure(r.error ?? `row payload ends inside a ${kind} value`)
}

/** The old `decodeRow`. */
export const referenceDecodeRow = (
  payload: Uint8Array,
  columns: ReadonlyArray<ColumnInfo>,
  ctx: ValueContext
): Array<Value> | CodecFailure => {
  const prepared = prepareColumns(columns)
  if (prepared instanceof CodecFailure) return prepared
  const r = new Reader(payload)
  const out: Array<Value> = []
  for (let i = 0; i < prepared.length; i++) {
    const value = decodeOne(r, prepared[i]!, ctx)
    if (value instanceof CodecFailure) {
      return new CodecFailure(`column ${i + 1} (${describeColumn(prepared[i]!.column)}): ${value.message}`)
    }
    out[i] = value
  }
  if (r.pos !== payload.length) {
    return new CodecFailure(
      `row payload has ${payload.length} bytes but the columns [${
        prepared.map((p) => describeColumn(p.column)).join(", ")
      }] consumed ${r.pos}`
    )
  }
  return out
}
