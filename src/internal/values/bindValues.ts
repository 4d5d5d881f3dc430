/**
 * SQ_BIND parameter values (VALUES.md §7).
 *
 * `BindValue.data` is the value's content bytes WITHOUT the u16/u32 length prefix and WITHOUT the even pad: the
 * message layer adds the prefix by type class (`bindLengthPrefix`) and the owner/type-name block for extended types
 * (`isExtendedBindType`). BYTE/TEXT: `data` is the 56-byte descriptor and `blob` the content streamed in SQ_BBIND.
 *
 * Inference follows the peers (§7.2) so that only forms real servers have accepted are sent.
 */
import * as BigDecimal from "effect/BigDecimal"
import {
  BlobStreamParameter,
  ComplexParameter,
  DateTime,
  IntervalDayTime,
  IntervalYearMonth,
  LocalDate,
  NamedTypeParameter,
  OpaqueValue,
  Qualifier,
  SmartLobLocator,
  TypedParameter,
  type Value
} from "../../InformixValue.ts"
import { encodeText } from "./charset.ts"
import { CodecFailure } from "./CodecFailure.ts"
import { describeJs, toDayNumber, toExactDecimal, toInteger } from "./coerce.ts"
import { decodeComplexBody, describeType, encodeComplexValue } from "./collections.ts"
import { parseComplexType } from "./complexTypeText.ts"
import { decodeDecimal, encodeDecimalBind, isPackedNull } from "./decimal.ts"
import { bindNamed } from "./extendedValues.ts"
import { decodeInt8, encodeInt8 } from "./int8.ts"
import type { ValueContext } from "./row.ts"
import { makeBlobDescriptorBytes } from "./row.ts"
import { decodeDateTime, decodeInterval, encodeDateTime, encodeInterval } from "./timeValue.ts"
import { TypeCode, typeName } from "./typeCodes.ts"

export interface BindValue {
  /** Type code (no flag bits, §3). */
  readonly type: number
  /** Extended types (> 18 except 52/53): owner name of the type ("" for built-ins). */
  readonly ownerName?: string
  /** Extended types: type name (`boolean`; "" for LVARCHAR as JDBC sends it). */
  readonly extendedName?: string
  /** 0 = value, −1 = NULL (no data). */
  readonly indicator: number
  readonly prec: number
  /** Content without length prefix and pad. */
  readonly data: Uint8Array
  /** BYTE/TEXT content, streamed after the bind with SQ_BBIND / SQ_BLOB. */
  readonly blob?: Uint8Array
  /** BYTE/TEXT content still to be pulled from a Stream (`InformixValue.byteStream` / `textStream`) instead of `blob`. */
  readonly blobStream?: BlobStreamParameter
}

const EMPTY = new Uint8Array(0)

// prec words the peers send (§7.2): INTEGER 0x0A00 and BIGINT 0x1300 ("width 10/19, scale 0") are what both
// informix-driver (verified on real servers) and IBM JDBC send; SMALLINT 0x0500 is JDBC's setShort.
const PREC_SMALLINT = 0x0500
const PREC_INTEGER = 0x0a00
const PREC_BIGINT = 0x1300

const INT32_MAX = 2147483647
const BIGINT_LIMIT = (1n << 63n) - 1n

const fixed = (type: number, prec: number, size: number, write: (view: DataView) => void): BindValue => {
  const data = new Uint8Array(size)
  write(new DataView(data.buffer))
  return { type, indicator: 0, prec, data }
}

const nullOf = (type: number): BindValue => {
  const base: BindValue = { type, indicator: -1, prec: 0, data: EMPTY }
  if (type === TypeCode.BOOLEAN) return { ...base, ownerName: "", extendedName: "boolean" }
  if (type === TypeCode.LVARCHAR) return { ...base, ownerName: "", extendedName: "" }
  return base
}

const bindSmallint = (value: unknown): BindValue | CodecFailure => {
  const n = toInteger(value, 32767n, "SMALLINT")
  if (n instanceof CodecFailure) return n
  return fixed(TypeCode.SMALLINT, PREC_SMALLINT, 2, (v) => v.setInt16(0, Number(n)))
}

const bindInteger = (value: unknown): BindValue | CodecFailure => {
  const n = toInteger(value, 2147483647n, "INTEGER")
  if (n instanceof CodecFailure) return n
  return fixed(TypeCode.INTEGER, PREC_INTEGER, 4, (v) => v.setInt32(0, Number(n)))
}

const bindBigint = (value: unknown): BindValue | CodecFailure => {
  const n = toInteger(value, BIGINT_LIMIT, "BIGINT")
  if (n instanceof CodecFailure) return n
  return fixed(TypeCode.BIGINT, PREC_BIGINT, 8, (v) => v.setBigInt64(0, n))
}

const bindFloat = (value: unknown, single: boolean): BindValue | CodecFailure => {
  const label = single ? "SMALLFLOAT" : "FLOAT"
  if (typeof value !== "number") return new CodecFailure(`${label} expects a number, got ${describeJs(value)}`)
  // All-0xFF is the NULL pattern and no peer has shown a server accepting NaN/±Infinity (VALUES.md §14 Q16).
  if (!Number.isFinite(value)) return new CodecFailure(`${label} cannot bind ${value}`)
  return single
    ? fixed(TypeCode.SMALLFLOAT, 0, 4, (v) => v.setFloat32(0, value))
    : fixed(TypeCode.FLOAT, 0, 8, (v) => v.setFloat64(0, value))
}

/**
 * DECIMAL/MONEY prec: we send informix-driver's `(p << 8) | s` (verified on three real server versions). Its low
 * byte is the scale, which is all IBM JDBC sends (golden/jdbc-prep-06/-08), so a server reading only the scale sees
 * the same value from either client (VALUES.md §14 Q8).
 */
const bindDecimal = (value: unknown, type: number, param?: TypedParameter): BindValue | CodecFailure => {
  const label = typeName(type)
  const exact = toExactDecimal(value, label)
  if (exact instanceof CodecFailure) return exact
  const encoded = encodeDecimalBind(exact)
  if (encoded instanceof CodecFailure) return encoded
  const precision = param?.precision ?? encoded.precision
  const scale = param?.scale ?? encoded.scale
  if (precision < 1 || precision > 32 || scale < 0 || (scale > precision && scale !== 255)) {
    return new CodecFailure(`${label}(${precision},${scale}) is not a valid precision/scale`)
  }
  return { type, indicator: 0, prec: ((precision & 0xff) << 8) | (scale & 0xff), data: encoded.bytes }
}

const bindDate = (value: unknown): BindValue | CodecFailure => {
  const day = toDayNumber(value)
  if (day instanceof CodecFailure) return day
  // prec 0 as informix-driver, libsqli and JDBC setDate send (JDBC's setObject(LocalDate) 0x0004 is unexplained).
  return fixed(TypeCode.DATE, 0, 4, (v) => v.setInt32(0, day))
}

/** JS `Date` → DATETIME YEAR TO FRACTION(3): millisecond precision, UTC fields (no time zone in Informix). */
const bindDateTime = (value: unknown): BindValue | CodecFailure => {
  let dt: DateTime
  if (value instanceof DateTime) dt = value
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return new CodecFailure("DATETIME: invalid JS Date")
    dt = DateTime.fromDate(value)
  } else return new CodecFailure(`DATETIME expects a DateTime or Date, got ${describeJs(value)}`)
  const data = encodeDateTime(dt)
  if (data instanceof CodecFailure) return data
  return { type: TypeCode.DATETIME, indicator: 0, prec: dt.qualifier.encoded, data }
}

const bindInterval = (value: unknown): BindValue | CodecFailure => {
  if (!(value instanceof IntervalYearMonth || value instanceof IntervalDayTime)) {
    return new CodecFailure(`INTERVAL expects an IntervalYearMonth or IntervalDayTime, got ${describeJs(value)}`)
  }
  const data = encodeInterval(value)
  if (data instanceof CodecFailure) return data
  return { type: TypeCode.INTERVAL, indicator: 0, prec: value.qualifier.encoded, data }
}

const MAX_U16 = 0xffff

const bindString = (value: unknown, type: number, ctx: ValueContext): BindValue | CodecFailure => {
  if (typeof value !== "string") return new CodecFailure(`${typeName(type)} expects a string, got ${describeJs(value)}`)
  const data = encodeText(ctx.charset, value)
  if (data instanceof CodecFailure) return data
  if (type === TypeCode.LVARCHAR) {
    // JDBC's setString on an LVARCHAR parameter: type 43, empty owner and type name, u32 length (jdbc-prep-21).
    return { type, ownerName: "", extendedName: "", indicator: 0, prec: 0, data }
  }
  if (data.length > MAX_U16) {
    return new CodecFailure(`a ${typeName(type)} parameter holds at most 65535 bytes (got ${data.length}); bind TEXT`)
  }
  // CHAR/NCHAR: prec 0 (JDBC, informix-driver). VARCHAR (13): libsqli, the only peer binding 13, sends the length.
  return { type, indicator: 0, prec: type === TypeCode.VARCHAR ? Math.min(data.length, MAX_U16) : 0, data }
}

const bindBlob = (type: number, content: Uint8Array): BindValue => // prec 0 and the exact size, as informix-driver (verified on real servers); JDBC sends prec 56 for BYTE and, for
// TEXT, a size one larger than it streams (golden/jdbc-prep-25, VALUES.md §14 Q7).
({ type, indicator: 0, prec: 0, data: makeBlobDescriptorBytes(content.length), blob: content })

const bindTyped = (param: TypedParameter, ctx: ValueContext): BindValue | CodecFailure => {
  const v = param.value
  const type = parameterTypeCode[param.type]
  if (v === null || v === undefined) return nullOf(type)
  switch (param.type) {
    case "SMALLINT":
      return bindSmallint(v)
    case "INTEGER":
      return bindInteger(v)
    case "BIGINT":
      return bindBigint(v)
    case "INT8": {
      const n = toInteger(v, BIGINT_LIMIT, "INT8")
      if (n instanceof CodecFailure) return n
      const data = encodeInt8(n)
      if (data instanceof CodecFailure) return data
      // The row's 10 bytes with BIGINT's prec 0x1300: what IBM JDBC 15 sends for an INT8 parameter (captured by the
      // conformance proxy, test/conformance/capture.test.ts); VALUES.md §8.3 had no peer capture.
      return { type: TypeCode.INT8, indicator: 0, prec: PREC_BIGINT, data }
    }
    case "SMALLFLOAT":
      return bindFloat(v, true)
    case "FLOAT":
      return bindFloat(v, false)
    case "DECIMAL":
    case "MONEY":
      return bindDecimal(v, type, param)
    case "DATE":
      return bindDate(v)
    case "DATETIME":
      return bindDateTime(v)
    case "INTERVAL":
      return bindInterval(v)
    case "CHAR":
    case "NCHAR":
    case "VARCHAR":
    case "NVARCHAR":
    case "LVARCHAR":
      return bindString(v, type, ctx)
    case "BOOLEAN":
      if (typeof v !== "boolean") return new CodecFailure(`BOOLEAN expects a boolean, got ${describeJs(v)}`)
      // JDBC's setBoolean: type 45 with owner "" and name "boolean", prec 1, one byte 01/00 (jdbc-prep-21). A
      // *bare* 45 without the name block makes real servers hang (informix-driver), so the names are mandatory.
      return { type, ownerName: "", extendedName: "boolean", indicator: 0, prec: 1, data: Uint8Array.of(v ? 1 : 0) }
    case "BYTE":
      if (!(v instanceof Uint8Array)) return new CodecFailure(`BYTE expects a Uint8Array, got ${describeJs(v)}`)
      return bindBlob(type, v)
    case "TEXT":
      if (typeof v !== "string") return new CodecFailure(`TEXT expects a string, got ${describeJs(v)}`)
      {
        const content = encodeText(ctx.charset, v)
        return content instanceof CodecFailure ? content : bindBlob(type, content)
      }
  }
}

const parameterTypeCode: Record<TypedParameter["type"], number> = {
  CHAR: TypeCode.CHAR,
  NCHAR: TypeCode.NCHAR,
  VARCHAR: TypeCode.VARCHAR,
  NVARCHAR: TypeCode.NVARCHAR,
  LVARCHAR: TypeCode.LVARCHAR,
  SMALLINT: TypeCode.SMALLINT,
  INTEGER: TypeCode.INTEGER,
  INT8: TypeCode.INT8,
  BIGINT: TypeCode.BIGINT,
  SMALLFLOAT: TypeCode.SMALLFLOAT,
  FLOAT: TypeCode.FLOAT,
  DECIMAL: TypeCode.DECIMAL,
  MONEY: TypeCode.MONEY,
  DATE: TypeCode.DATE,
  DATETIME: TypeCode.DATETIME,
  INTERVAL: TypeCode.INTERVAL,
  BOOLEAN: TypeCode.BOOLEAN,
  BYTE: TypeCode.BYTE,
  TEXT: TypeCode.TEXT
}

/**
 * Client: the bind form of a JS value (inferred) or a TypedParameter (explicit).
 *
 * Inference (VALUES.md §7.2): integers in i32 range → INTEGER (the form both JDBC and informix-driver send); other
 * safe-range integers → BIGINT; other numbers → FLOAT; bigint → BIGINT; string → CHAR in the session code set
 * (JDBC and informix-driver bind every string as CHAR and the server converts); boolean → CHAR 't'/'f'
 * (informix-driver's form, verified on real servers; JDBC's type-45 form only via `InformixValue.boolean`);
 * Uint8Array → BYTE; BigDecimal → DECIMAL; LocalDate → DATE; DateTime → its own qualifier; JS Date → DATETIME
 * YEAR TO FRACTION(3) from its UTC fields; intervals → INTERVAL; null/undefined → NULL as type 0 (informix-driver's
 * form, verified on real servers).
 */
export const encodeBind = (value: unknown, ctx: ValueContext): BindValue | CodecFailure => {
  if (value === null || value === undefined) return nullOf(TypeCode.CHAR)
  switch (typeof value) {
    case "number":
      if (Number.isInteger(value)) {
        // -2^31 is INTEGER's NULL pattern, so it goes as BIGINT like every other value outside ±(2^31−1).
        if (Math.abs(value) <= INT32_MAX) return bindInteger(value)
        if (Number.isSafeInteger(value)) return bindBigint(value)
      }
      // Non-integers, unsafe integers (already inexact as a double): FLOAT. NaN/±Infinity fail there.
      return bindFloat(value, false)
    case "bigint":
      return bindBigint(value)
    case "string":
      return bindString(value, TypeCode.CHAR, ctx)
    case "boolean":
      return { type: TypeCode.CHAR, indicator: 0, prec: 0, data: Uint8Array.of(value ? 0x74 : 0x66) }
    case "object":
      break
    default:
      return new CodecFailure(`cannot bind a value of JS type ${typeof value}`)
  }
  if (value instanceof TypedParameter) return bindTyped(value, ctx)
  if (value instanceof ComplexParameter) return bindComplex(value, ctx)
  if (value instanceof NamedTypeParameter) return bindNamed(value.typeName, value.value, ctx)
  if (value instanceof OpaqueValue) return bindNamed(value.typeName, value, ctx)
  if (value instanceof Uint8Array) return bindBlob(TypeCode.BYTE, value)
  if (value instanceof SmartLobLocator) return bindSmartLob(value)
  if (value instanceof BlobStreamParameter) return bindBlobStream(value)
  if (BigDecimal.isBigDecimal(value)) return bindDecimal(value, TypeCode.DECIMAL)
  if (value instanceof LocalDate) return bindDate(value)
  if (value instanceof DateTime || value instanceof Date) return bindDateTime(value)
  if (value instanceof IntervalYearMonth || value instanceof IntervalDayTime) return bindInterval(value)
  return new CodecFailure(`cannot bind a value of JS type ${describeJs(value)}`)
}

/**
 * A BYTE/TEXT whose length is not known up front: size −1 in the descriptor, as IBM JDBC's `setBinaryStream` without
 * a length (`IfxBlob.fromInputStream(in, -1)` → `setBlobLength(-1)`; the server takes the length from the SQ_BLOB
 * stream, JDBC-LOB.md §3.2). The content follows from the stream (connection/blobBinds.ts).
 */
const bindBlobStream = (param: BlobStreamParameter): BindValue => ({
  type: param.type === "BYTE" ? TypeCode.BYTE : TypeCode.TEXT,
  indicator: 0,
  prec: 0,
  data: makeBlobDescriptorBytes(-1),
  blobStream: param
})

/**
 * A collection or ROW as JDBC binds a typed one (JDBC-COMPLEX-TYPES.md §7.1): type 44, owner "", the type text,
 * prec 0, and the type-44 body (the message layer's u32 length is its `i32 N`). NULL keeps the name.
 */
const bindComplex = (param: ComplexParameter, ctx: ValueContext): BindValue | CodecFailure => {
  const type = parseComplexType(param.typeText)
  if (type instanceof CodecFailure) return type
  const base = { type: TypeCode.SENDRECV, ownerName: "", extendedName: describeType(type), prec: 0 }
  if (param.value === null) return { ...base, indicator: -1, data: EMPTY }
  const encoded = encodeComplexValue(type, param.value, ctx)
  if (encoded instanceof CodecFailure) return encoded
  return { ...base, indicator: 0, data: encoded.subarray(4) }
}

/**
 * A BLOB/CLOB locator as IBM JDBC binds it (`IfxSqli.sendBind` for an IfxSmBlob, JDBC-LOB.md §4.5): type 44
 * (SQLSENDRECV), owner "informix", name "blob"/"clob", prec 72, the 72 raw locator bytes.
 */
const bindSmartLob = (locator: SmartLobLocator): BindValue | CodecFailure => {
  const data = locatorBytes(locator)
  if (data === undefined) {
    return new CodecFailure(
      `a ${locator.kind} locator is 72 bytes (144 hex digits), got ${locator.hex.length} characters`
    )
  }
  return { type: 44, ownerName: "informix", extendedName: locator.kind.toLowerCase(), indicator: 0, prec: 72, data }
}

/** The 72 raw bytes of a locator (`SB_LOCSIZE`), or undefined when its hex is not 144 hex digits. */
export const locatorBytes = (locator: SmartLobLocator): Uint8Array | undefined => {
  const hex = locator.hex
  if (hex.length !== 144 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined
  const data = new Uint8Array(72)
  for (let i = 0; i < 72; i++) data[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return data
}

/** Collections and ROWs bind as 44 with the type-44 body (its i32 N was the length prefix). */
/** True when bytes open like a type-44 complex body: a 136-byte header whose record count fits the length. */
const isComplexBody = (data: Uint8Array): boolean => {
  if (data.length < 136 + 414 + 12) return false
  const count = (data[134]! << 8) | data[135]!
  return count >= 1 && 136 + count * 414 + 12 <= data.length
}

const decodeComplexBind = (bind: BindValue, ctx: ValueContext): Value | CodecFailure => {
  const decoded = decodeComplexBody(bind.data, ctx)
  return decoded instanceof CodecFailure
    ? new CodecFailure(`${bind.extendedName ?? typeName(bind.type)} parameter: ${decoded.message}`)
    : decoded.value
}

const readInt = (data: Uint8Array, size: number, label: string): DataView | CodecFailure =>
  data.length === size
    ? new DataView(data.buffer, data.byteOffset, size)
    : new CodecFailure(`${label} parameter has ${data.length} bytes (expected ${size})`)

/**
 * Server: the value a client bound. Accepts every form of §7.2 (JDBC's, informix-driver's and libsqli's
 * type/prec choices): the prec word is used only where it carries the qualifier (DATETIME/INTERVAL) or the scale
 * (low byte of DECIMAL's prec in both JDBC's and informix-driver's form).
 */
export const decodeBind = (bind: BindValue, ctx: ValueContext): Value | CodecFailure => {
  if (bind.indicator === -1) return null
  const { data, type } = bind
  switch (type) {
    case TypeCode.CHAR:
    case TypeCode.VARCHAR:
    case TypeCode.NCHAR:
    case TypeCode.NVARCHAR:
    case TypeCode.LVARCHAR:
    case TypeCode.UDTVAR:
      return ctx.charset.decode(data)
    case TypeCode.SMALLINT: {
      const view = readInt(data, 2, "SMALLINT")
      return view instanceof CodecFailure ? view : view.getInt16(0)
    }
    case TypeCode.INTEGER:
    case TypeCode.SERIAL: {
      const view = readInt(data, 4, "INTEGER")
      return view instanceof CodecFailure ? view : view.getInt32(0)
    }
    case TypeCode.BIGINT:
    case TypeCode.BIGSERIAL: {
      const view = readInt(data, 8, "BIGINT")
      return view instanceof CodecFailure ? view : view.getBigInt64(0)
    }
    case TypeCode.INT8:
    case TypeCode.SERIAL8:
      if (data.length !== 10) return new CodecFailure(`INT8 parameter has ${data.length} bytes (expected 10)`)
      return decodeInt8(data, 0)
    case TypeCode.FLOAT: {
      const view = readInt(data, 8, "FLOAT")
      return view instanceof CodecFailure ? view : view.getFloat64(0)
    }
    case TypeCode.SMALLFLOAT: {
      const view = readInt(data, 4, "SMALLFLOAT")
      return view instanceof CodecFailure ? view : view.getFloat32(0)
    }
    case TypeCode.DECIMAL:
    case TypeCode.MONEY: {
      if (data.length === 0 || isPackedNull(data)) return null
      // Present with the scale the client declared: the prec word's low byte is the scale in JDBC's form (scale
      // only), informix-driver's ((p << 8) | s) and libsqli's. Digits finer than that are kept, never dropped.
      return decodeDecimal(data, bind.prec & 0xff)
    }
    case TypeCode.DATE: {
      const view = readInt(data, 4, "DATE")
      if (view instanceof CodecFailure) return view
      const day = view.getInt32(0)
      return day === -2147483648 ? null : LocalDate.fromDayNumber(day)
    }
    case TypeCode.DATETIME:
    case TypeCode.INTERVAL: {
      const q = Qualifier.fromEncoded(bind.prec)
      if (q === undefined) {
        return new CodecFailure(`${typeName(type)} parameter has an invalid qualifier 0x${bind.prec.toString(16)}`)
      }
      return type === TypeCode.DATETIME ? decodeDateTime(data, q) : decodeInterval(data, q)
    }
    case TypeCode.BYTE:
    case TypeCode.TEXT: {
      if (data.length >= 40 && data[39] === 1) return null
      if (bind.blob === undefined) return new CodecFailure(`${typeName(type)} parameter content (SQ_BBIND) missing`)
      return type === TypeCode.BYTE ? bind.blob : ctx.charset.decode(bind.blob)
    }
    case TypeCode.BOOLEAN:
    case TypeCode.UDTFIXED:
    case TypeCode.SENDRECV: {
      // A smart-LOB locator (type 44 from JDBC and this driver, 41 from others): the row stores the locator bytes.
      const name = (bind.extendedName ?? "").toLowerCase()
      if (name === "blob" || name === "clob") return data.slice()
      // Any other 44: a collection or ROW in the type-44 form (its name is type text, or a named ROW whose body
      // carries its type records), else a named opaque value (bson, a UDT): its bytes, which the column's type
      // interprets when the engine stores them.
      if (type === TypeCode.SENDRECV) {
        if (isComplexBody(data) || !(parseComplexType(name) instanceof CodecFailure)) {
          return decodeComplexBind(bind, ctx)
        }
        return data.slice()
      }
      if (type === TypeCode.UDTFIXED && (bind.extendedName ?? "").toLowerCase() !== "boolean") {
        return new CodecFailure(`cannot bind opaque type ${bind.extendedName ?? "?"}`)
      }
      if (data.length !== 1) return new CodecFailure(`BOOLEAN parameter has ${data.length} bytes (expected 1)`)
      const b = data[0]!
      if (b === 1 || b === 0x74 || b === 0x54) return true
      if (b === 0 || b === 0x66 || b === 0x46) return false
      return new CodecFailure(`BOOLEAN parameter byte 0x${b.toString(16)} is not 0/1/'t'/'f'`)
    }
    case TypeCode.NULL:
      return null
    case TypeCode.SET:
    case TypeCode.MULTISET:
    case TypeCode.LIST:
    case TypeCode.ROW:
      return decodeComplexBind(bind, ctx)
    default:
      return new CodecFailure(`cannot decode a bound parameter of ${typeName(type)}`)
  }
}
