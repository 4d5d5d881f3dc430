/**
 * Row images of the Informix Change Data Capture API (IBM CDC_REC_INSERT/DELETE/UPDBEF/UPDAFT payloads) and the
 * column list of its CDC_REC_TABSCHEMA record, as IBM JDBC 15 reads them (`CDCOperationRecord.getData`,
 * `CDCRecordBuilder`; JDBC-PAM-TRIGGERS-CDC.md §3.5): the columns one after the other in TABSCHEMA order; fixed
 * types, CHAR and VARCHAR as in SQ_TUPLE; BOOLEAN as two bytes (indicator, then 1 / 0, 0xFF for NULL); LVARCHAR as
 * `u16 L`, a NULL flag byte, then L − 1 bytes. JDBC refuses INTERVAL, BYTE/TEXT, smart LOBs, collections and ROW
 * (so do these codecs).
 */
import type { Value } from "../../InformixValue.ts"
import { encodeText } from "./charset.ts"
import { CodecFailure, isCodecFailure } from "./CodecFailure.ts"
import { parseTypeText } from "./complexTypeText.ts"
import { type ColumnInfo, decodeRow, encodeRow, rowValueWidth, type ValueContext } from "./row.ts"
import { ExtendedId, TypeCode } from "./typeCodes.ts"

/** A captured column: its name and type as the TABSCHEMA record spells them. */
export interface CdcColumn extends ColumnInfo {
  readonly name: string
}

/**
 * A column's type text as a type code and length: the one type-text parser of `complexTypeText.ts`, read as a
 * table column (SERIAL types keep their codes), which is how JDBC reads it too — it parses the whole TABSCHEMA text
 * as `row(<columns>)` with its `ComplexTypeParser`. JDBC's CDC reader refuses INTERVAL, collections and ROW.
 */
const columnType = (name: string, typeText: string): CdcColumn | CodecFailure => {
  const type = parseTypeText(typeText, { column: true })
  if (isCodecFailure(type)) return new CodecFailure(`column ${name}: ${type.message}`)
  if (type._tag !== "Scalar" || type.code === TypeCode.INTERVAL) {
    return new CodecFailure(`column ${name}: unsupported CDC column type ${JSON.stringify(typeText)}`)
  }
  return {
    name,
    columnType: type.code,
    encodedLength: type.length,
    extendedId: type.extendedId,
    extendedName: type.name
  }
}

/** Splits at commas outside parentheses. */
const splitTop = (text: string): Array<string> => {
  const out: Array<string> = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "(") depth++
    else if (c === ")") depth--
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i))
      start = i + 1
    }
  }
  out.push(text.slice(start))
  return out
}

/** Parses a TABSCHEMA column list (`id integer, name varchar(20,0) not null, at datetime year to second`). */
export const parseCdcColumns = (text: string): ReadonlyArray<CdcColumn> | CodecFailure => {
  const trimmed = text.replace(/[\s\0]+$/, "")
  const columns: Array<CdcColumn> = []
  for (const part of splitTop(trimmed)) {
    const match = /^\s*("[^"]+"|[A-Za-z_][\w$]*)\s+(.*?)(?:\s+not\s+null)?\s*$/i.exec(part)
    if (match === null) return new CodecFailure(`TABSCHEMA column ${JSON.stringify(part)}`)
    const c = columnType(match[1]!.replace(/^"|"$/g, ""), match[2]!)
    if (isCodecFailure(c)) return c
    columns.push(c)
  }
  return columns
}

const isBoolean = (c: ColumnInfo) => (c.columnType & 0xff) === TypeCode.UDTFIXED && c.extendedId === ExtendedId.BOOLEAN
const isLvarchar = (c: ColumnInfo) => (c.columnType & 0xff) === TypeCode.UDTVAR && c.extendedId === ExtendedId.LVARCHAR

/** A variable-length column (the record header carries a size field for each, IBM CDC API). */
export const isVariableCdcColumn = (c: ColumnInfo): boolean => {
  const code = c.columnType & 0xff
  return code === TypeCode.VARCHAR || code === TypeCode.NVARCHAR || isLvarchar(c)
}

/** One row image: its payload and the size of each variable-length column's value (for the record header). */
export const encodeCdcRow = (
  columns: ReadonlyArray<ColumnInfo>,
  values: ReadonlyArray<Value>,
  ctx: ValueContext
): { readonly payload: Uint8Array; readonly varSizes: ReadonlyArray<number> } | CodecFailure => {
  const parts: Array<Uint8Array> = []
  const varSizes: Array<number> = []
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!
    const v = values[i] ?? null
    let bytes: Uint8Array
    if (isBoolean(c)) {
      bytes = v === null ? Uint8Array.of(1, 0xff) : Uint8Array.of(0, v === true ? 1 : 0)
    } else if (isLvarchar(c)) {
      const text = v === null ? new Uint8Array(0) : typeof v === "string" ? encodeText(ctx.charset, v) : undefined
      if (text === undefined || isCodecFailure(text)) return new CodecFailure(`column ${i + 1}: LVARCHAR value`)
      if (text.length + 1 > 0xffff) return new CodecFailure(`column ${i + 1}: LVARCHAR over 65534 bytes`)
      bytes = new Uint8Array(3 + text.length)
      new DataView(bytes.buffer).setUint16(0, text.length + 1)
      bytes[2] = v === null ? 1 : 0
      bytes.set(text, 3)
    } else {
      const encoded = encodeRow([c], [v], ctx)
      if (isCodecFailure(encoded)) return encoded
      bytes = encoded
    }
    if (isVariableCdcColumn(c)) varSizes.push(bytes.length)
    parts.push(bytes)
  }
  const payload = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    payload.set(p, at)
    at += p.length
  }
  return { payload, varSizes }
}

/** Decodes one row image in column order; the payload must hold exactly the columns' values. */
export const decodeCdcRow = (
  payload: Uint8Array,
  columns: ReadonlyArray<ColumnInfo>,
  ctx: ValueContext
): Array<Value> | CodecFailure => {
  const out: Array<Value> = []
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  let pos = 0
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!
    const short = () => new CodecFailure(`column ${i + 1}: row image ends at byte ${payload.length}`)
    if (isBoolean(c)) {
      if (pos + 2 > payload.length) return short()
      const b = payload[pos + 1]!
      out.push(b === 0xff ? null : b === 1)
      pos += 2
    } else if (isLvarchar(c)) {
      if (pos + 3 > payload.length) return short()
      const length = view.getUint16(pos)
      if (length < 1 || pos + 2 + length > payload.length) return short()
      const isNull = payload[pos + 2] === 1 && length === 1
      out.push(isNull ? null : ctx.charset.decode(payload.subarray(pos + 3, pos + 2 + length)))
      pos += 2 + length
    } else {
      const width = rowValueWidth(payload, pos, c)
      if (isCodecFailure(width)) return width
      if (pos + width > payload.length) return short()
      const value = decodeRow(payload.subarray(pos, pos + width), [c], ctx)
      if (isCodecFailure(value)) return new CodecFailure(`column ${i + 1}: ${value.message}`)
      out.push(value[0]!)
      pos += width
    }
  }
  if (pos !== payload.length) return new CodecFailure(`row image has ${payload.length - pos} bytes left over`)
  return out
}
