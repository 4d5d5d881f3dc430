/**
 * SET, MULTISET, LIST and ROW values in the form IBM JDBC asks for with SQ_RET_TYPE code 44 and binds as type 44
 * (../shared/protocol/JDBC-COMPLEX-TYPES.md §4–§7; docs/protocol-evidence.md "Collections and ROW types").
 *
 * A value is `i32 N` + N bytes: a 136-byte header whose last u16 counts the type records, that many 414-byte type
 * records (pre-order: level 0 is the collection/ROW itself, level 1 its element or fields, deeper levels nested
 * types), a 12-byte trailer (`i32 0, i32 dataSize, i32 flags`, flag 0x80000000 = NULL), then the data. The element
 * and field types travel inside every value: the DESCRIBE has only the top-level type word.
 *
 * Collections decode to arrays, ROWs to plain objects keyed by field name. Scalars inside the data are framed as in
 * a tuple (row.ts) except BOOLEAN (6 bytes: flag, i32 1, 01/00, also when NULL). Nested collections/ROWs carry a
 * small header aligned on 8 bytes of the enclosing data area. Collections whose elements have in-band lengths end
 * with an offset table; fixed-width element collections must not have one (JDBC would read it as elements).
 */
import { Qualifier, type Value } from "../../InformixValue.ts"
import { Writer } from "../wire/Writer.ts"
import { CodecFailure } from "./CodecFailure.ts"
import { describeJs } from "./coerce.ts"
import { parseComplexType } from "./complexTypeText.ts"
import type { ColumnInfo, ValueContext } from "./row.ts"
import { decodeValueAt, encodeRowValues, prepareColumns, type PreparedColumn } from "./row.ts"
import { ExtendedId, NAMED_ROW_FLAG, NOT_NULL_FLAG, TypeCode, typeName } from "./typeCodes.ts"

/** A decoded collection element or ROW field: a scalar, an array (collection) or an object (ROW). */
export type ComplexValue = Value

/** The type of a complex value or of one of its elements/fields, as the in-band type records describe it. */
export type ComplexType =
  | {
    readonly _tag: "Scalar"
    /** Type word without flags (40/41 for LVARCHAR/BOOLEAN with their extended id). */
    readonly code: number
    /** Encoded length (CHAR n, VARCHAR max, DECIMAL (p<<8)|s, DATETIME qualifier…). */
    readonly length: number
    readonly extendedId: number
    /** Type name for opaque types ("lvarchar", "boolean"), "" otherwise. */
    readonly name: string
  }
  | { readonly _tag: "Collection"; readonly kind: "SET" | "MULTISET" | "LIST"; readonly element: ComplexType }
  | {
    readonly _tag: "Row"
    /** Named ROW type's name; undefined for an unnamed ROW. */
    readonly name: string | undefined
    readonly fields: ReadonlyArray<{ readonly name: string; readonly type: ComplexType }>
  }

/** A collection or ROW type (what a column or a bind has at level 0). */
export type CompositeType = Exclude<ComplexType, { _tag: "Scalar" }>

const HEADER_SIZE = 136
const RECORD_SIZE = 414
const TRAILER_SIZE = 12
const NULL_FLAG = 0x80000000
const LONG_NESTED_FLAG = 0x20
const NAME_SLOT = 128

const collectionCodes = { SET: TypeCode.SET, MULTISET: TypeCode.MULTISET, LIST: TypeCode.LIST } as const

// ---------------------------------------------------------------------------------------------------------------
// Type records
// ---------------------------------------------------------------------------------------------------------------

interface TypeRecord {
  readonly level: number
  readonly fieldName: string
  readonly word: number
  readonly length: number
  readonly extendedId: number
  readonly typeName: string
}

const readU16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!
const readI32 = (b: Uint8Array, at: number): number =>
  (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!
const latin1 = new TextDecoder("latin1")
const readName = (b: Uint8Array, lengthAt: number): string => {
  const n = Math.min(readU16(b, lengthAt), NAME_SLOT)
  return latin1.decode(b.subarray(lengthAt + 2, lengthAt + 2 + n)).trimEnd()
}

const readRecord = (b: Uint8Array, at: number): TypeRecord => ({
  level: readU16(b, at + 2),
  fieldName: readName(b, at + 6),
  word: readU16(b, at + 138),
  length: readU16(b, at + 140),
  extendedId: readI32(b, at + 142),
  typeName: readName(b, at + 148)
})

/** Rebuild the type tree from pre-order records: a deeper record starts the children of the one before it. */
const typeFromRecords = (records: ReadonlyArray<TypeRecord>): ComplexType | CodecFailure => {
  let index = 0
  const node = (): ComplexType | CodecFailure => {
    const record = records[index++]!
    const code = record.word & 0xff
    const children: Array<{ name: string; type: ComplexType }> = []
    while (index < records.length && records[index]!.level > record.level) {
      if (records[index]!.level !== record.level + 1) {
        return new CodecFailure(
          `type record ${index + 1} skips a level (${records[index]!.level} after ${record.level})`
        )
      }
      const name = records[index]!.fieldName
      const child = node()
      if (child instanceof CodecFailure) return child
      children.push({ name, type: child })
    }
    switch (code) {
      case TypeCode.SET:
      case TypeCode.MULTISET:
      case TypeCode.LIST: {
        if (children.length !== 1) {
          return new CodecFailure(`${typeName(code)} type has ${children.length} element types`)
        }
        const kind = code === TypeCode.SET ? "SET" : code === TypeCode.MULTISET ? "MULTISET" : "LIST"
        return { _tag: "Collection", kind, element: children[0]!.type }
      }
      case TypeCode.ROW:
        return {
          _tag: "Row",
          name: (record.word & NAMED_ROW_FLAG) !== 0 ? record.typeName : undefined,
          fields: children
        }
      default:
        if (children.length > 0) return new CodecFailure(`scalar type ${typeName(code)} has nested type records`)
        return { _tag: "Scalar", code, length: record.length, extendedId: record.extendedId, name: record.typeName }
    }
  }
  if (records.length === 0) return new CodecFailure("complex value has no type records")
  const root = node()
  if (root instanceof CodecFailure) return root
  if (index !== records.length) {
    return new CodecFailure(`complex value has ${records.length - index} stray type records`)
  }
  return root
}

// ---------------------------------------------------------------------------------------------------------------
// Scalars inside the data area
// ---------------------------------------------------------------------------------------------------------------

const isBoolean = (t: ComplexType): boolean =>
  t._tag === "Scalar" &&
  (t.code === TypeCode.BOOLEAN ||
    ((t.code === TypeCode.UDTFIXED || t.code === TypeCode.UDTVAR) &&
      (t.extendedId === ExtendedId.BOOLEAN || t.name.toLowerCase() === "boolean")))

/**
 * The row codec's column for a scalar element/field. JDBC's writer records String elements as bare LVARCHAR 43 but
 * writes them like LVARCHAR 40/xid 1 (`u8 flag, i32 len, bytes`, JDBC-COMPLEX-TYPES.md §7.2), so 43 decodes as that.
 */
const scalarColumn = (t: Extract<ComplexType, { _tag: "Scalar" }>): ColumnInfo =>
  t.code === TypeCode.LVARCHAR
    ? {
      columnType: TypeCode.UDTVAR,
      extendedId: ExtendedId.LVARCHAR,
      extendedName: "lvarchar",
      encodedLength: t.length
    }
    : { columnType: t.code, extendedId: t.extendedId, extendedName: t.name, encodedLength: t.length }

/**
 * True when a collection of this element type carries the offset table (JDBC builds it for VARCHAR, opaque,
 * BOOLEAN and nested elements; NVARCHAR readers tolerate it, so it is sent for NVARCHAR too).
 */
const needsOffsetTable = (element: ComplexType): boolean => {
  if (element._tag !== "Scalar") return true
  switch (element.code) {
    case TypeCode.VARCHAR:
    case TypeCode.NVARCHAR:
    case TypeCode.UDTVAR:
    case TypeCode.UDTFIXED:
    case TypeCode.LVARCHAR:
    case TypeCode.BOOLEAN:
      return true
    default:
      return false
  }
}

/** Pad from a nested header's start `s` to its flags word, which sits on an 8-byte boundary (getUDToffset). */
const nestedPad = (s: number): number => ((s + 3) % 8 === 0 ? 3 : 11 - ((s + 3) % 8))

// ---------------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------------

interface DataCursor {
  pos: number
}

const decodeScalar = (
  data: Uint8Array,
  cursor: DataCursor,
  type: Extract<ComplexType, { _tag: "Scalar" }>,
  ctx: ValueContext
): Value | CodecFailure => {
  const at = cursor.pos
  if (isBoolean(type)) {
    if (at + 6 > data.length) return new CodecFailure("data ends inside a BOOLEAN")
    cursor.pos = at + 6
    if (data[at] !== 0) return null
    const b = data[at + 5]!
    if (b === 0x01 || b === 0x74) return true
    if (b === 0x00 || b === 0x66) return false
    return new CodecFailure(`BOOLEAN byte 0x${b.toString(16)} is not 01 or 00`)
  }
  const column = preparedScalar(type)
  if (column instanceof CodecFailure) return column
  return decodeValueAt(data, cursor, column, ctx)
}

const preparedScalars = new WeakMap<object, PreparedColumn | CodecFailure>()

/** The row codec's prepared form of a scalar element/field type (once per type object). */
const preparedScalar = (type: Extract<ComplexType, { _tag: "Scalar" }>): PreparedColumn | CodecFailure => {
  let prepared = preparedScalars.get(type)
  if (prepared === undefined) {
    const columns = prepareColumns([scalarColumn(type)])
    prepared = columns instanceof CodecFailure ? columns : columns[0]!
    preparedScalars.set(type, prepared)
  }
  return prepared
}

const decodeElement = (
  data: Uint8Array,
  cursor: DataCursor,
  type: ComplexType,
  ctx: ValueContext,
  flags: number
): ComplexValue | CodecFailure => {
  if (type._tag === "Scalar") return decodeScalar(data, cursor, type, ctx)
  const s = cursor.pos
  if (s + 2 > data.length) return new CodecFailure("data ends inside a nested header")
  const length = readU16(data, s)
  if (length === 1) {
    cursor.pos = s + 3
    return null
  }
  if (length === 0) {
    return new CodecFailure(
      (flags & LONG_NESTED_FLAG) !== 0
        ? "nested value in the long-length form (flag 0x20) is not supported"
        : "nested header has length 0"
    )
  }
  const o = nestedPad(s)
  const start = s + o + 8
  const end = s + 2 + length
  if (start > end || end > data.length) return new CodecFailure(`nested header length ${length} overruns the data`)
  cursor.pos = end
  return decodeData(data.subarray(start, end), type, ctx, flags)
}

const decodeData = (
  data: Uint8Array,
  type: CompositeType,
  ctx: ValueContext,
  flags: number
): ComplexValue | CodecFailure => {
  const cursor: DataCursor = { pos: 0 }
  if (type._tag === "Row") {
    const out: Record<string, ComplexValue> = {}
    for (const field of type.fields) {
      const value = decodeElement(data, cursor, field.type, ctx, flags)
      if (value instanceof CodecFailure) return new CodecFailure(`field ${field.name}: ${value.message}`)
      out[field.name] = value
    }
    // Whatever follows the fields is the optional offset table, which ROW readers ignore (JDBC: fields in order).
    return out
  }
  const out: Array<ComplexValue> = []
  if (needsOffsetTable(type.element)) {
    // Offset table: -1, then the element offsets in reverse order, at the end of the data.
    let marker = data.length - 4
    while (marker >= 0 && readI32(data, marker) !== -1) marker -= 4
    if (marker < 0) return new CodecFailure(`${type.kind} of ${describeType(type.element)} has no offset table`)
    for (let at = data.length - 4; at > marker; at -= 4) {
      const offset = readI32(data, at)
      if (offset < cursor.pos || offset > marker) return new CodecFailure(`element offset ${offset} out of order`)
      cursor.pos = offset
      const value = decodeElement(data.subarray(0, marker), cursor, type.element, ctx, flags)
      if (value instanceof CodecFailure) return new CodecFailure(`element ${out.length + 1}: ${value.message}`)
      out.push(value)
    }
    return out
  }
  while (cursor.pos < data.length) {
    const value = decodeElement(data, cursor, type.element, ctx, flags)
    if (value instanceof CodecFailure) return new CodecFailure(`element ${out.length + 1}: ${value.message}`)
    out.push(value)
  }
  return out
}

/** The decoded value and its in-band type. */
export interface DecodedComplex {
  readonly type: ComplexType
  readonly value: ComplexValue
}

/** Decode the N bytes after a complex value's `i32 N` (§4.2): header, type records, trailer, data. */
export const decodeComplexBody = (body: Uint8Array, ctx: ValueContext): DecodedComplex | CodecFailure => {
  if (body.length < HEADER_SIZE) return new CodecFailure(`complex value of ${body.length} bytes has no header`)
  const count = readU16(body, HEADER_SIZE - 2)
  const trailer = HEADER_SIZE + count * RECORD_SIZE
  if (trailer + TRAILER_SIZE > body.length) {
    return new CodecFailure(`complex value of ${body.length} bytes is too short for ${count} type records`)
  }
  const records: Array<TypeRecord> = []
  for (let i = 0; i < count; i++) records.push(readRecord(body, HEADER_SIZE + i * RECORD_SIZE))
  const type = typeFromRecords(records)
  if (type instanceof CodecFailure) return type
  if (type._tag === "Scalar") return new CodecFailure(`complex value's level-0 type is ${typeName(type.code)}`)
  const dataSize = readI32(body, trailer + 4)
  const flags = readI32(body, trailer + 8)
  const dataStart = trailer + TRAILER_SIZE
  if (dataSize < 0 || dataStart + dataSize !== body.length) {
    return new CodecFailure(`complex value's data size ${dataSize} does not match its ${body.length - dataStart} bytes`)
  }
  if ((flags & NULL_FLAG) !== 0) return { type, value: null }
  const value = decodeData(body.subarray(dataStart), type, ctx, flags)
  return value instanceof CodecFailure ? value : { type, value }
}

/** Width of a complex value at `offset` in a tuple (`i32 N` + N, no indicator byte, §4.1). */
export const complexValueWidth = (payload: Uint8Array, offset: number): number | CodecFailure => {
  if (offset + 4 > payload.length) return new CodecFailure("row payload ends inside a complex value length")
  const n = readI32(payload, offset)
  if (n < 0) return new CodecFailure(`negative length ${n}`)
  return 4 + n
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------------

/** SQL text of a type, as a real server names an unnamed ROW (`row(a integer, b varchar(10))`). */
export const describeType = (type: ComplexType): string => {
  switch (type._tag) {
    case "Collection":
      return `${type.kind.toLowerCase()}(${describeType(type.element)} not null)`
    case "Row":
      return type.name ?? `row(${type.fields.map((f) => `${f.name} ${describeType(f.type)}`).join(", ")})`
    case "Scalar":
      return scalarName(type)
  }
}

const scalarName = (t: Extract<ComplexType, { _tag: "Scalar" }>): string => {
  switch (t.code) {
    case TypeCode.CHAR:
    case TypeCode.NCHAR:
      return `${typeName(t.code).toLowerCase()}(${t.length})`
    case TypeCode.VARCHAR:
    case TypeCode.NVARCHAR:
      return `${typeName(t.code).toLowerCase()}(${t.length & 0xff})`
    case TypeCode.DECIMAL:
    case TypeCode.MONEY:
      return `${typeName(t.code).toLowerCase()}(${t.length >> 8},${t.length & 0xff})`
    case TypeCode.UDTVAR:
    case TypeCode.UDTFIXED:
      return t.name
    case TypeCode.DATETIME:
      return `datetime ${Qualifier.fromEncoded(t.length)?.toString().toLowerCase() ?? ""}`
    case TypeCode.INTERVAL:
      return `interval ${Qualifier.fromEncoded(t.length)?.toIntervalString().toLowerCase() ?? ""}`
    default:
      return typeName(t.code).toLowerCase()
  }
}

const writeName = (w: Writer, text: string): void => {
  const bytes = new TextEncoder().encode(text).subarray(0, NAME_SLOT)
  w.u16(bytes.length)
  const slot = new Uint8Array(NAME_SLOT)
  slot.set(bytes)
  w.bytes(slot)
}

/** Pre-order type records (seqno, level, parent, field name, fieldno, type word, length, xid, names). */
const writeRecords = (w: Writer, type: ComplexType): number => {
  let seqno = 0
  const visit = (t: ComplexType, level: number, parent: number, fieldName: string, fieldNo: number, flags: number) => {
    const own = ++seqno
    w.u16(own).u16(level).u16(parent)
    writeName(w, fieldName)
    w.u16(fieldNo)
    switch (t._tag) {
      case "Collection":
        w.u16(collectionCodes[t.kind] | flags).u16(0).i32(0).u16(0)
        writeName(w, "")
        break
      case "Row":
        w.u16(TypeCode.ROW | flags | (t.name !== undefined ? NAMED_ROW_FLAG : 0)).u16(0).i32(0).u16(0)
        writeName(w, t.name ?? "")
        break
      case "Scalar":
        w.u16(t.code | flags).u16(t.length).i32(t.extendedId).u16(0)
        writeName(w, t.name)
    }
    writeName(w, "") // owner
    w.u16(0).i32(0) // alignment, source type
    if (t._tag === "Collection") visit(t.element, level + 1, own, "", 0, NOT_NULL_FLAG)
    if (t._tag === "Row") t.fields.forEach((f, i) => visit(f.type, level + 1, own, f.name, i + 1, 0))
  }
  visit(type, 0, 0, "", 0, 0)
  return seqno
}

const encodeScalar = (
  w: Writer,
  type: Extract<ComplexType, { _tag: "Scalar" }>,
  value: ComplexValue,
  ctx: ValueContext
): CodecFailure | undefined => {
  if (Array.isArray(value) || isPlainObject(value)) {
    return new CodecFailure(
      `${describeType(type)} expects a scalar, got ${Array.isArray(value) ? "an array" : "an object"}`
    )
  }
  const scalar = value as Value
  if (isBoolean(type)) {
    if (scalar === null) return void w.bytes(Uint8Array.of(1, 0, 0, 0, 0, 0))
    if (typeof scalar !== "boolean") return new CodecFailure(`BOOLEAN expects a boolean, got ${describeJs(scalar)}`)
    return void w.bytes(Uint8Array.of(0, 0, 0, 0, 1, scalar ? 1 : 0))
  }
  const column = preparedScalar(type)
  if (column instanceof CodecFailure) return column
  const bytes = encodeRowValues([column], [scalar], ctx)
  if (bytes instanceof CodecFailure) return bytes
  w.bytes(bytes)
}

/** A ROW value: an object literal (or a null-prototype record), not an array or a value class instance. */
const isPlainObject = (u: unknown): u is { readonly [field: string]: ComplexValue } => {
  if (typeof u !== "object" || u === null) return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const encodeElement = (
  w: Writer,
  type: ComplexType,
  value: ComplexValue,
  ctx: ValueContext
): CodecFailure | undefined => {
  if (type._tag === "Scalar") return encodeScalar(w, type, value, ctx)
  const s = w.length
  if (value === null) return void w.u16(1).u8(1)
  const nested = encodeData(type, value, ctx)
  if (nested instanceof CodecFailure) return nested
  const o = nestedPad(s)
  const length = o + 6 + nested.length
  if (length > 0xffff) return new CodecFailure(`nested ${describeType(type)} of ${nested.length} bytes is too long`)
  w.u16(length)
  w.bytes(new Uint8Array(o - 2))
  w.i32(1).i32(0)
  w.bytes(nested)
}

const encodeData = (
  type: CompositeType,
  value: ComplexValue,
  ctx: ValueContext
): Uint8Array | CodecFailure => {
  const w = new Writer(64)
  if (type._tag === "Row") {
    if (!isPlainObject(value)) {
      return new CodecFailure(`${describeType(type)} expects an object, got ${describeJs(value)}`)
    }
    const known = new Set(type.fields.map((f) => f.name))
    const stray = Object.keys(value).find((k) => !known.has(k))
    if (stray !== undefined) return new CodecFailure(`${describeType(type)} has no field ${stray}`)
    for (const field of type.fields) {
      const failure = encodeElement(w, field.type, value[field.name] ?? null, ctx)
      if (failure !== undefined) return new CodecFailure(`field ${field.name}: ${failure.message}`)
    }
    return w.toBytes()
  }
  if (!Array.isArray(value)) {
    return new CodecFailure(`${describeType(type)} expects an array, got ${describeJs(value)}`)
  }
  const offsets: Array<number> = []
  for (let i = 0; i < value.length; i++) {
    const element = value[i] as ComplexValue
    // Informix collection elements are NOT NULL (the DDL requires it); a NULL element is rejected, not dropped.
    if (element === null || element === undefined) {
      return new CodecFailure(`element ${i + 1}: NULL in a ${type.kind} (collection elements are NOT NULL)`)
    }
    offsets.push(w.length)
    const failure = encodeElement(w, type.element, element, ctx)
    if (failure !== undefined) return new CodecFailure(`element ${i + 1}: ${failure.message}`)
  }
  if (needsOffsetTable(type.element)) {
    w.i32(-1)
    for (let i = offsets.length - 1; i >= 0; i--) w.i32(offsets[i]!)
  }
  return w.toBytes()
}

/**
 * Encode a complex value as its tuple/bind form: `i32 N` + header + type records + trailer + data (§4.2, §7.1).
 * Bad input (an element of the wrong type, NULL in a collection, an unknown field) is a CodecFailure.
 */
export const encodeComplexValue = (
  type: CompositeType,
  value: ComplexValue,
  ctx: ValueContext
): Uint8Array | CodecFailure => {
  const data = value === null ? new Uint8Array(0) : encodeData(type, value, ctx)
  if (data instanceof CodecFailure) return data
  const records = new Writer(RECORD_SIZE * 2)
  const count = writeRecords(records, type)
  const w = new Writer(4 + HEADER_SIZE + count * RECORD_SIZE + TRAILER_SIZE + data.length)
  w.i32(HEADER_SIZE + count * RECORD_SIZE + TRAILER_SIZE + data.length)
  w.bytes(new Uint8Array(HEADER_SIZE - 2)).u16(count)
  w.bytes(records.toBytes())
  w.i32(0).i32(data.length).i32(value === null ? NULL_FLAG | 0 : 1)
  w.bytes(data)
  return w.toBytes()
}

const parsedNames = new Map<string, CompositeType | CodecFailure>()

/**
 * The type a column's values are encoded with: the one the column carries (a server knows its named ROW types), else
 * its described name parsed as type text (`set(integer not null)`, `row(a int, b varchar(10))`).
 */
export const complexTypeOfColumn = (
  column: ColumnInfo
): CompositeType | CodecFailure => {
  if (column.complexType !== undefined) return column.complexType
  let parsed = parsedNames.get(column.extendedName)
  if (parsed === undefined) {
    parsed = parseComplexType(column.extendedName)
    if (parsedNames.size < 1024) parsedNames.set(column.extendedName, parsed)
  }
  return parsed
}
