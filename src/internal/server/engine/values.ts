/**
 * Conversion between the driver's value model (src/InformixValue.ts, DESIGN.md §4) and what the engine stores in
 * SQLite (docs/sql-subset.md "Storage"):
 *   integers → INTEGER; floats → REAL; DECIMAL/MONEY → a number when the value has at most 15 significant digits
 *   (a double then holds it exactly enough to be recovered digit for digit), else exact canonical text;
 *   DATE → Informix day number (days since 1899-12-31); DATETIME → canonical text in the column's qualifier
 *   (sorts chronologically); INTERVAL → INTEGER months (year-month) or 1e-5 seconds (day-time);
 *   BOOLEAN → 't'/'f' (Informix's own literals); CHAR → text compared with RTRIM collation, padded on read.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Option from "effect/Option"
import {
  DateTime,
  IntervalDayTime,
  IntervalYearMonth,
  LocalDate,
  type Qualifier,
  type Value
} from "../../../InformixValue.ts"
import { ExtendedId, TypeCode } from "../../values/typeCodes.ts"
import { complexFromStorage, complexToStorage, isComplexType } from "./complexTypes.ts"
import { bsonToStorage, isBsonType, isJsonType, jsonToStorage } from "./documentTypes.ts"
import { decimalPrecision, decimalScale, family, type IfxType, qualifierOf } from "./types.ts"

export type { Value }

export type Stored = null | number | bigint | string | Uint8Array

/** A conversion failure: the Informix sqlcode to report. */
export interface ConversionError {
  readonly sqlcode: number
}

export const isConversionError = (u: unknown): u is ConversionError =>
  typeof u === "object" && u !== null && "sqlcode" in u && !(u instanceof Uint8Array)

// IBM error message catalog: -1213 "A character to numeric conversion process failed", -1218 "String to date
// conversion error", -1262 "Non-numeric character in datetime or interval", -1226 "Decimal or money value
// exceeds maximum precision", -1214 "Value too large to fit in a SMALLINT", -1215 "Value too large to fit in
// an INTEGER", -1205 "Invalid month in date", -1206 "Invalid day in date".
export const Codes = {
  charToNumeric: -1213,
  stringToDate: -1218,
  datetimeChar: -1262,
  decimalOverflow: -1226,
  smallintOverflow: -1214,
  integerOverflow: -1215
} as const

/** Plain (never exponential) text of a BigDecimal. */
export const decimalText = (d: BigDecimal.BigDecimal): string => {
  const n = BigDecimal.normalize(d)
  const negative = n.value < 0n
  const digits = (negative ? -n.value : n.value).toString()
  let text: string
  if (n.scale <= 0) text = digits + "0".repeat(-n.scale)
  else {
    const padded = digits.padStart(n.scale + 1, "0")
    text = `${padded.slice(0, padded.length - n.scale)}.${padded.slice(padded.length - n.scale)}`
  }
  return negative && text !== "0" ? `-${text}` : text
}

const significantDigits = (d: BigDecimal.BigDecimal): number => {
  const n = BigDecimal.normalize(d)
  return n.value === 0n ? 1 : (n.value < 0n ? -n.value : n.value).toString().length
}

/** Storage form of a decimal: a number when exactly recoverable (≤ 15 significant digits), else text. */
export const decimalStorage = (d: BigDecimal.BigDecimal): number | string => {
  const text = decimalText(d)
  return significantDigits(d) <= 15 ? Number(text) : text
}

/** A number (e.g. the REAL result of SUM) back to a decimal, keeping the 15 digits a double carries exactly. */
export const decimalFromNumber = (n: number): BigDecimal.BigDecimal => {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return BigDecimal.fromBigInt(BigInt(n))
  return BigDecimal.normalize(BigDecimal.fromStringUnsafe(n.toPrecision(15)))
}

const parseDecimal = (text: string): BigDecimal.BigDecimal | undefined => {
  const trimmed = text.trim()
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined
  const parsed = BigDecimal.fromString(trimmed.startsWith("+") ? trimmed.slice(1) : trimmed)
  return Option.getOrUndefined(parsed)
}

export const toDecimal = (v: Stored | boolean): BigDecimal.BigDecimal | undefined => {
  if (typeof v === "number") return Number.isFinite(v) ? decimalFromNumber(v) : undefined
  if (typeof v === "bigint") return BigDecimal.fromBigInt(v)
  if (typeof v === "string") return parseDecimal(v)
  return undefined
}

/** Checks DECIMAL(p,s) range: the integer part may have at most p − s digits (-1226 otherwise). */
export const checkDecimal = (d: BigDecimal.BigDecimal, t: IfxType): BigDecimal.BigDecimal | ConversionError => {
  const p = decimalPrecision(t)
  const s = decimalScale(t)
  if (s === undefined) {
    return significantDigits(d) > p
      ? BigDecimal.round(d, { scale: p - 1 - Math.floor(Math.log10(Math.abs(BigDecimal.toNumberUnsafe(d)))) })
      : d
  }
  const rounded = BigDecimal.round(d, { scale: s, mode: "half-from-zero" })
  const integerDigits = decimalText(BigDecimal.abs(BigDecimal.truncate(rounded))).replace(/^0$/, "").length
  return integerDigits > p - s ? { sqlcode: Codes.decimalOverflow } : rounded
}

const intervalFromTotal = (total: bigint | number, q: Qualifier): IntervalYearMonth | IntervalDayTime => {
  if (q.isYearMonth) {
    const months = Number(total)
    const negative = months < 0
    const abs = Math.abs(months)
    return q.startCode === 0
      ? new IntervalYearMonth(q, { negative, years: Math.floor(abs / 12), months: abs % 12 })
      : new IntervalYearMonth(q, { negative, months: abs })
  }
  const all = BigInt(total)
  const negative = all < 0n
  let rest = negative ? -all : all
  const fraction = Number(rest % 100000n)
  rest /= 100000n
  const s = q.startCode
  // The leading field absorbs everything above it (INTERVAL HOUR TO MINUTE may show 100 hours).
  const seconds = s === 10 ? rest : rest % 60n
  const totalMinutes = rest / 60n
  const minutes = s === 8 ? totalMinutes : totalMinutes % 60n
  const totalHours = totalMinutes / 60n
  const hours = s === 6 ? totalHours : totalHours % 24n
  const days = totalHours / 24n
  return new IntervalDayTime(q, {
    negative,
    days: Number(days),
    hours: Number(hours),
    minutes: Number(minutes),
    seconds: Number(seconds),
    fraction
  })
}

const intervalTotal = (v: IntervalYearMonth | IntervalDayTime): number | bigint =>
  v instanceof IntervalYearMonth ? v.totalMonths : v.totalFractions

/** Loose DATETIME text parser: accepts any canonical prefix/suffix form ("2024-01-02 03:04:05.123", "03:04"). */
export const parseDateTimeText = (text: string, q: Qualifier): DateTime | undefined => {
  const exact = DateTime.parse(text, q)
  if (Option.isSome(exact)) return exact.value
  const m = /^\s*(?:(\d{1,4})-(\d{1,2})-(\d{1,2}))?\s*(?:(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,5}))?)?)?\s*$/.exec(
    text
  )
  if (m === null || (m[1] === undefined && m[4] === undefined)) return undefined
  return new DateTime(q, {
    year: Number(m[1] ?? 0),
    month: Number(m[2] ?? 0),
    day: Number(m[3] ?? 0),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    fraction: Number((m[7] ?? "").padEnd(5, "0"))
  })
}

/** Date text as DBDATE Y4MD- (JDBC's default env, golden/README.md) or MDY4/ (Informix's own default). */
export const parseDateText = (text: string): LocalDate | undefined => {
  const iso = LocalDate.parse(text)
  if (Option.isSome(iso)) return iso.value
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text)
  if (m === null) return undefined
  const d = new LocalDate(Number(m[3]), Number(m[1]), Number(m[2]))
  return d.isValid ? d : undefined
}

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()

/** Value bound without a known target type (expressions, WHERE clauses). */
export const toStorageUntyped = (v: Value): Stored | ConversionError => {
  if (v === null || typeof v === "number" || typeof v === "bigint" || typeof v === "string") return v
  if (typeof v === "boolean") return v ? "t" : "f"
  if (v instanceof Uint8Array) return v
  if (BigDecimal.isBigDecimal(v)) return decimalStorage(v)
  if (v instanceof LocalDate) return v.isValid ? v.toDayNumber() : { sqlcode: Codes.stringToDate }
  if (v instanceof DateTime) return v.toString()
  if (v instanceof IntervalYearMonth || v instanceof IntervalDayTime) return intervalTotal(v)
  return { sqlcode: Codes.charToNumeric }
}

/** Informix's text form of a value (CAST to CHAR, concatenation); DATE as DBDATE Y4MD- (JDBC's default env). */
export const valueText = (v: Value): string => {
  if (typeof v === "boolean") return v ? "t" : "f"
  if (BigDecimal.isBigDecimal(v)) return decimalText(v)
  if (v === null) return ""
  if (v instanceof Uint8Array) return utf8Decoder.decode(v)
  return String(v)
}

/** Value stored into (or compared with) a column of type `t`: converted like Informix converts host values. */
export const toStorage = (v: Value, t: IfxType): Stored | ConversionError => {
  if (v === null) return null
  if (isComplexType(t)) return complexToStorage(v, t)
  if (isJsonType(t)) return jsonToStorage(v)
  if (isBsonType(t)) return bsonToStorage(v)
  switch (family(t)) {
    case "int": {
      const n = typeof v === "string" ? Number(v.trim()) : typeof v === "bigint" ?
        Number(v) :
        BigDecimal.isBigDecimal(v)
        ? BigDecimal.toNumberUnsafe(v)
        : typeof v === "number"
        ? v
        : NaN
      if (typeof v === "string" && v.trim() === "") return { sqlcode: Codes.charToNumeric }
      if (!Number.isFinite(n)) return { sqlcode: Codes.charToNumeric }
      const i = Math.trunc(n)
      const limit = t.code === TypeCode.SMALLINT ? 32767 : 2147483647
      if (i > limit || i < -limit) {
        return { sqlcode: t.code === TypeCode.SMALLINT ? Codes.smallintOverflow : Codes.integerOverflow }
      }
      return i
    }
    case "bigint": {
      let b: bigint
      if (typeof v === "bigint") b = v
      else if (typeof v === "number" && Number.isFinite(v)) b = BigInt(Math.trunc(v))
      else if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) b = BigInt(v.trim())
      else if (BigDecimal.isBigDecimal(v)) b = BigDecimal.truncate(v).value * 10n ** BigInt(-Math.min(0, v.scale))
      else return { sqlcode: Codes.charToNumeric }
      if (b > 9223372036854775807n || b < -9223372036854775807n) return { sqlcode: Codes.integerOverflow }
      return b
    }
    case "float": {
      const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "string"
        ? Number(v.trim())
        : BigDecimal.isBigDecimal(v)
        ? BigDecimal.toNumberUnsafe(v)
        : NaN
      return Number.isNaN(n) || (typeof v === "string" && v.trim() === "") ? { sqlcode: Codes.charToNumeric } : n
    }
    case "decimal": {
      const d = BigDecimal.isBigDecimal(v)
        ? v
        : typeof v === "boolean" || typeof v === "object"
        ? undefined
        : toDecimal(v)
      if (d === undefined) return { sqlcode: Codes.charToNumeric }
      const checked = checkDecimal(d, t)
      return isConversionError(checked) ? checked : decimalStorage(checked)
    }
    case "date": {
      if (v instanceof LocalDate) return v.isValid ? v.toDayNumber() : { sqlcode: Codes.stringToDate }
      if (v instanceof DateTime) return new LocalDate(v.year, v.month, v.day).toDayNumber()
      if (typeof v === "number" && Number.isInteger(v)) return v
      if (typeof v === "string") return parseDateText(v)?.toDayNumber() ?? { sqlcode: Codes.stringToDate }
      return { sqlcode: Codes.stringToDate }
    }
    case "datetime": {
      const q = qualifierOf(t)
      if (v instanceof DateTime) return new DateTime(q, v).toString()
      if (v instanceof LocalDate) return new DateTime(q, v).toString()
      if (typeof v === "string") return parseDateTimeText(v, q)?.toString() ?? { sqlcode: Codes.datetimeChar }
      return { sqlcode: Codes.datetimeChar }
    }
    case "interval": {
      const q = qualifierOf(t)
      if (v instanceof IntervalYearMonth || v instanceof IntervalDayTime) {
        if (v instanceof IntervalYearMonth !== q.isYearMonth) return { sqlcode: Codes.datetimeChar }
        return intervalTotal(v)
      }
      if (typeof v === "string") {
        const parsed: IntervalYearMonth | IntervalDayTime | undefined = q.isYearMonth
          ? Option.getOrUndefined(IntervalYearMonth.parse(v, q))
          : Option.getOrUndefined(IntervalDayTime.parse(v, q))
        return parsed !== undefined ? intervalTotal(parsed) : { sqlcode: Codes.datetimeChar }
      }
      return { sqlcode: Codes.datetimeChar }
    }
    case "boolean": {
      if (typeof v === "boolean") return v ? "t" : "f"
      if (typeof v === "string" && /^[tf10]$/i.test(v.trim())) return /^[t1]$/i.test(v.trim()) ? "t" : "f"
      if (typeof v === "number") return v !== 0 ? "t" : "f"
      return { sqlcode: Codes.charToNumeric }
    }
    case "bytes":
      return v instanceof Uint8Array ? v : typeof v === "string" ? utf8.encode(v) : { sqlcode: Codes.charToNumeric }
    case "char":
    case "string":
    case "null": {
      if (typeof v === "string") return v
      if (v instanceof Uint8Array) return isClob(t) ? v : utf8Decoder.decode(v)
      return valueText(v)
    }
  }
}

/**
 * A CLOB column stores what was bound: text (inline content) as text, and a bound 72-byte locator as the bytes
 * themselves. Through text, a locator would be lost: its id bytes are not UTF-8, and Node 22's node:sqlite cuts a
 * string at its first NUL.
 */
const isClob = (t: IfxType): boolean => t.code === TypeCode.UDTFIXED && t.xid === ExtendedId.CLOB

/**
 * The declared capacity, in characters, of a character column, or undefined for other types: CHAR/NCHAR(n) → n,
 * VARCHAR/NVARCHAR(m[,r]) → m (the low byte of collen; the high byte is the reserve), LVARCHAR(n) → n.
 */
const characterCapacity = (t: IfxType): number | undefined => {
  switch (t.code) {
    case TypeCode.CHAR:
    case TypeCode.NCHAR:
      return t.length
    case TypeCode.VARCHAR:
    case TypeCode.NVARCHAR:
      return t.length & 0xff
    case TypeCode.UDTVAR:
      return t.xid === ExtendedId.LVARCHAR ? t.length : undefined
    default:
      return undefined
  }
}

/**
 * A value assigned to a character column, cut to the column's size: Informix truncates over-long CHAR/VARCHAR values
 * on INSERT/UPDATE without an error in a non-ANSI database (VALUES.md §7.1, informix-driver's observation on real
 * servers). Lengths count characters here, not bytes (docs/sql-subset.md "Known limits").
 */
export const fitToColumn = (stored: Stored, t: IfxType): Stored => {
  if (typeof stored !== "string") return stored
  const capacity = characterCapacity(t)
  return capacity !== undefined && stored.length > capacity ? stored.slice(0, capacity) : stored
}

/** Stored value of a column (or inferred expression type) → value model. */
export const fromStorage = (v: Stored | boolean, t: IfxType): Value => {
  if (v === null || v === undefined) return null
  if (isComplexType(t)) return complexFromStorage(v, t)
  switch (family(t)) {
    case "int":
      return typeof v === "string" ? Number(v) : Number(v)
    case "bigint":
      return typeof v === "bigint" ? v : typeof v === "number" ? BigInt(Math.trunc(v)) : BigInt(String(v))
    case "float":
      return t.code === TypeCode.SMALLFLOAT ? Math.fround(Number(v)) : Number(v)
    case "decimal": {
      const d = toDecimal(v instanceof Uint8Array ? utf8Decoder.decode(v) : v)
      if (d === undefined) return null
      const s = decimalScale(t)
      return s === undefined ? BigDecimal.normalize(d) : BigDecimal.round(d, { scale: s, mode: "half-from-zero" })
    }
    case "date":
      if (typeof v === "string") return parseDateText(v) ?? null
      return LocalDate.fromDayNumber(Number(v))
    case "datetime":
      return parseDateTimeText(String(v), qualifierOf(t)) ?? null
    case "interval":
      return intervalFromTotal(
        typeof v === "string" ? BigInt(v) : typeof v === "bigint" ? v : Math.trunc(Number(v)),
        qualifierOf(t)
      )
    case "boolean":
      return v === "t" || v === "T" || v === 1 || v === 1n || v === "1" || v === true
    case "bytes":
      return v instanceof Uint8Array ? v : utf8.encode(String(v))
    case "char": {
      const s = v instanceof Uint8Array ? utf8Decoder.decode(v) : String(v)
      return s.length >= t.length ? s.slice(0, t.length) : s.padEnd(t.length, " ")
    }
    case "string":
    case "null": {
      if (v instanceof Uint8Array && isClob(t)) return v
      const s = v instanceof Uint8Array ? utf8Decoder.decode(v) : String(v)
      if (t.code === TypeCode.VARCHAR || t.code === TypeCode.NVARCHAR) return s.slice(0, t.length & 0xff)
      return s
    }
  }
}
