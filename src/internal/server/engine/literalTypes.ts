/**
 * Type inference helpers for the translator: the Informix type of a numeric literal, of DBINFO(...), of a function's
 * arguments and of two operands combined, and the storage form of a literal.
 */
import { TypeCode } from "../../values/typeCodes.ts"
import { quoteString, type Token } from "./tokenizer.ts"
import { type IfxType, Types } from "./types.ts"
import type { Stored } from "./values.ts"

const decimalLiteralType = (text: string): IfxType => {
  if (/[eE]/.test(text)) return Types.float
  const [whole = "", fraction = ""] = text.split(".")
  const digits = (whole.replace(/^0+/, "") + fraction).length || 1
  return Types.decimal(Math.min(32, Math.max(digits, fraction.length)), fraction.length)
}

export const numberLiteralType = (text: string): IfxType => {
  if (/^\d+$/.test(text)) {
    const n = BigInt(text)
    return n <= 2147483647n ? Types.integer : n <= 9223372036854775807n ? Types.int8 : decimalLiteralType(text)
  }
  return decimalLiteralType(text)
}

/** SQLite literal of a stored value. */
export const storageLiteral = (v: Stored): string => {
  if (v === null) return "NULL"
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(17)
  if (typeof v === "bigint") return String(v)
  if (typeof v === "string") return quoteString(v)
  return `X'${Buffer.from(v).toString("hex")}'`
}

/** A SERIAL operand's value type (a parameter is never itself a SERIAL). */
export const withoutSerial = (t: IfxType | undefined): IfxType | undefined =>
  t?.code === TypeCode.SERIAL
    ? Types.integer
    : t?.code === TypeCode.SERIAL8
    ? Types.int8
    : t?.code === TypeCode.BIGSERIAL
    ? Types.bigint
    : t

export const dbinfoType = (arg: string): IfxType =>
  arg === "serial8" ? Types.int8 : arg === "bigserial" ? Types.bigint : arg.startsWith("sqlca.") || arg === "sessionid"
    ? Types.integer
    : arg === "utc_current"
    ? Types.integer
    : Types.varchar(255)

export const argRanges = (tokens: ReadonlyArray<Token>, open: number, close: number): Array<[number, number]> => {
  const ranges: Array<[number, number]> = []
  let start = open + 1
  let depth = 0
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!
    if (t.kind === "punct" && t.text === "(") depth++
    else if (t.kind === "punct" && t.text === ")") depth--
    else if (depth === 0 && t.kind === "punct" && t.text === ",") {
      ranges.push([start, i])
      start = i + 1
    }
  }
  if (close > open + 1) ranges.push([start, close])
  return ranges
}

/** One type for several alternative results (CASE, DECODE, NVL): character types widen to the longest. */
export const combineTypes = (types: ReadonlyArray<IfxType | undefined>): IfxType | undefined => {
  const known = types.filter((t): t is IfxType => t !== undefined)
  if (known.length === 0) return undefined
  const lengths = known.map(charLength)
  if (lengths.every((l) => l !== undefined)) {
    const max = Math.max(...(lengths as Array<number>))
    if (known.every((t) => t.code === TypeCode.CHAR || t.code === TypeCode.NCHAR)) return Types.char(max)
    return max <= 255 ? Types.varchar(max) : Types.lvarchar(max)
  }
  return known[0]
}

export const charLength = (t: IfxType | undefined): number | undefined => {
  if (t === undefined) return undefined
  if (t.code === TypeCode.CHAR || t.code === TypeCode.NCHAR) return t.length
  if (t.code === TypeCode.VARCHAR || t.code === TypeCode.NVARCHAR) return t.length & 0xff
  return undefined
}
