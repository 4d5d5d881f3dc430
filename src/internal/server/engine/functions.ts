/**
 * SQLite functions that give the translated SQL Informix semantics (registered on every session connection, so
 * they can read the session's state such as the last SERIAL for DBINFO('sqlca.sqlerrd1')).
 *
 * Values arriving here are in storage form (values.ts): DATE = day number, DATETIME = canonical text,
 * INTERVAL = integer, BOOLEAN = 't'/'f'.
 */
import type { DatabaseSync, SQLOutputValue } from "node:sqlite"
import { DateTime, IntervalDayTime, IntervalYearMonth, LocalDate, Qualifier } from "../../../InformixValue.ts"
import { civilFromDays, daysFromCivil, daysInMonth } from "../../values/calendar.ts"
import { udfFailure } from "./engineErrors.ts"
import { builtinXname, family, type IfxType } from "./types.ts"
import { fromStorage, isConversionError, parseDateTimeText, type Stored, toStorage, type Value } from "./values.ts"

export interface FunctionState {
  readonly now: () => Date
  readonly dbinfo: (name: string) => number | bigint
  /** Bytes of a text in the database code set (LENGTH counts bytes: IBM "LENGTH function"). */
  readonly byteLength: (text: string) => number
}

const localFields = (d: Date) => ({
  year: d.getFullYear(),
  month: d.getMonth() + 1,
  day: d.getDate(),
  hour: d.getHours(),
  minute: d.getMinutes(),
  second: d.getSeconds(),
  fraction: d.getMilliseconds() * 100
})

const xname = builtinXname

/** Calendar fields of a stored DATE (day number) or DATETIME (text). */
const fieldsOf = (v: SQLOutputValue): { year: number; month: number; day: number } | undefined => {
  if (v === null) return undefined
  if (typeof v === "number" || typeof v === "bigint") return LocalDate.fromDayNumber(Number(v))
  if (typeof v === "string") {
    const dt = parseDateTimeText(v, new Qualifier("YEAR", "FRACTION", { fractionDigits: 5 }))
    if (dt !== undefined) return dt
  }
  throw udfFailure(-1218)
}

const asStored = (v: SQLOutputValue): Stored => v as Stored

const isInterval = (v: Value) => v instanceof IntervalYearMonth || v instanceof IntervalDayTime
const isPoint = (v: Value) => v instanceof DateTime || v instanceof LocalDate

const typeOf = (code: unknown, length: unknown): IfxType => ({
  code: Number(code),
  length: Number(length),
  xid: 0,
  xname: ""
})

interface Fields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  fraction: number
}

const fieldsOfValue = (v: DateTime | LocalDate): Fields =>
  v instanceof LocalDate
    ? { year: v.year, month: v.month, day: v.day, hour: 0, minute: 0, second: 0, fraction: 0 }
    : {
      // A DATETIME without date fields counts from 1970-01-01 for the arithmetic (fields outside it are dropped).
      year: v.qualifier.startCode <= 0 ? v.year : 1970,
      month: v.qualifier.startCode <= 2 ? v.month || 1 : 1,
      day: v.qualifier.startCode <= 4 ? v.day || 1 : 1,
      hour: v.hour,
      minute: v.minute,
      second: v.second,
      fraction: v.fraction
    }

const totalFractions = (f: Fields): bigint =>
  ((BigInt(daysFromCivil(f.year, f.month, f.day)) * 24n + BigInt(f.hour)) * 60n + BigInt(f.minute)) * 60n *
    100000n + BigInt(f.second) * 100000n + BigInt(f.fraction)

const fromTotalFractions = (total: bigint): Fields => {
  const fraction = Number(((total % 100000n) + 100000n) % 100000n)
  let rest = (total - BigInt(fraction)) / 100000n
  const second = Number(((rest % 60n) + 60n) % 60n)
  rest = (rest - BigInt(second)) / 60n
  const minute = Number(((rest % 60n) + 60n) % 60n)
  rest = (rest - BigInt(minute)) / 60n
  const hour = Number(((rest % 24n) + 24n) % 24n)
  const days = Number((rest - BigInt(hour)) / 24n)
  return { ...civilFromDays(days), hour, minute, second, fraction }
}

/** DATETIME/DATE ± INTERVAL (IBM "Arithmetic with DATETIME and INTERVAL values"); invalid dates: -1267. */
const shift = (base: DateTime | LocalDate, interval: IntervalYearMonth | IntervalDayTime, sign: 1 | -1): Stored => {
  let f = fieldsOfValue(base)
  if (interval instanceof IntervalYearMonth) {
    const months = f.year * 12 + (f.month - 1) + sign * interval.totalMonths
    const year = Math.floor(months / 12)
    const month = months - year * 12 + 1
    // IBM -1267: "The result of a datetime computation is out of range" (e.g. 2024-01-31 + 1 month).
    if (f.day > daysInMonth(year, month)) throw udfFailure(-1267)
    f = { ...f, year, month }
  } else {
    f = fromTotalFractions(totalFractions(f) + BigInt(sign) * interval.totalFractions)
  }
  if (f.year < 1 || f.year > 9999) throw udfFailure(-1267)
  if (base instanceof LocalDate) return new LocalDate(f.year, f.month, f.day).toDayNumber()
  return new DateTime(base.qualifier, f).toString()
}

/** CHAR_LENGTH: characters, not bytes. */
const characters = (v: unknown) => v === null ? null : v instanceof Uint8Array ? v.length : [...String(v)].length

export const registerFunctions = (db: DatabaseSync, state: FunctionState) => {
  db.function("ifx_today", { deterministic: false }, () => {
    const f = localFields(state.now())
    return new LocalDate(f.year, f.month, f.day).toDayNumber()
  })
  db.function("ifx_current", { deterministic: false }, (encoded) => {
    const q = Qualifier.fromEncoded(Number(encoded)) ?? new Qualifier("YEAR", "FRACTION", { fractionDigits: 3 })
    return new DateTime(q, localFields(state.now())).toString()
  })
  db.function("ifx_dbinfo", { deterministic: false }, (name) => state.dbinfo(String(name)))
  db.function("ifx_div", { deterministic: true, useBigIntArguments: true }, (a, b) => {
    if (a === null || b === null) return null
    const x = Number(a)
    const y = Number(b)
    if (y === 0) throw udfFailure(-1202)
    return x / y
  })
  db.function(
    "ifx_cast",
    // varargs: the source's extended id (JSON/BSON sources) is an optional seventh argument.
    { deterministic: true, useBigIntArguments: true, varargs: true },
    (v, srcCode, srcLength, dstCode, dstLength, dstXid, srcXid) => {
      if (v === null) return null
      const dst: IfxType = {
        code: Number(dstCode),
        length: Number(dstLength),
        xid: Number(dstXid),
        xname: xname(Number(dstXid))
      }
      const src: IfxType | undefined = Number(srcCode) < 0
        ? undefined
        : { code: Number(srcCode), length: Number(srcLength), xid: Number(srcXid ?? 0), xname: "" }
      const srcFamily = src === undefined ? undefined : family(src)
      const dstFamily = family(dst)
      // DATE <-> integer casts use the day number, as Informix does.
      if (srcFamily === "date" && (dstFamily === "int" || dstFamily === "bigint")) return v as number
      const value: Value = src === undefined ? (v as Value) : fromStorage(asStored(v), src)
      const stored = toStorage(
        typeof value === "string" && src !== undefined && srcFamily === "char" ? value.trimEnd() : value,
        dst
      )
      if (isConversionError(stored)) throw udfFailure(stored.sqlcode)
      if (typeof stored === "string" && (dstFamily === "char" || dstFamily === "string")) {
        const max = dst.code === 13 || dst.code === 16
          ? dst.length & 0xff
          : dstFamily === "char"
          ? dst.length
          : Infinity
        return stored.length > max ? stored.slice(0, max) : stored
      }
      return stored
    }
  )
  db.function(
    "ifx_dtarith",
    { deterministic: true, useBigIntArguments: true },
    (l, lCode, lLength, r, rCode, rLength, op) => {
      if (l === null || r === null) return null
      const left = fromStorage(asStored(l), typeOf(lCode, lLength))
      const right = fromStorage(asStored(r), typeOf(rCode, rLength))
      const sign = op === "-" ? -1 : 1
      if (isPoint(left) && isInterval(right)) {
        return shift(left as DateTime | LocalDate, right as IntervalYearMonth | IntervalDayTime, sign)
      }
      if (isInterval(left) && isPoint(right) && sign === 1) {
        return shift(right as DateTime | LocalDate, left as IntervalYearMonth | IntervalDayTime, 1)
      }
      if (isPoint(left) && isPoint(right) && sign === -1) {
        // DATETIME − DATETIME = INTERVAL DAY(9) TO FRACTION(5), stored as 1e-5 seconds.
        return totalFractions(fieldsOfValue(left as DateTime)) - totalFractions(fieldsOfValue(right as DateTime))
      }
      // IBM -1263: "A field in a datetime or interval value is incorrect or an illegal operation specified".
      throw udfFailure(-1263)
    }
  )
  db.function("nvl", { deterministic: true, useBigIntArguments: true }, (a, b) => (a === null ? b : a))
  db.function("decode", { deterministic: true, useBigIntArguments: true, varargs: true }, (...args) => {
    const [expr, ...rest] = args
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const candidate = rest[i]
      // DECODE matches NULL with NULL (IBM: "if expr is NULL and a when value is NULL, returns its then value").
      if ((expr === null && candidate === null) || (expr !== null && candidate !== null && compare(expr, candidate))) {
        return rest[i + 1] ?? null
      }
    }
    return rest.length % 2 === 1 ? rest[rest.length - 1] ?? null : null
  })
  db.function("mdy", { deterministic: true }, (m, d, y) => {
    if (m === null || d === null || y === null) return null
    const date = new LocalDate(Number(y), Number(m), Number(d))
    // IBM: -1205 "Invalid month in date", -1206 "Invalid day in date", -1204 "Invalid year in date".
    if (!(Number(m) >= 1 && Number(m) <= 12)) throw udfFailure(-1205)
    if (!(Number(y) >= 1 && Number(y) <= 9999)) throw udfFailure(-1204)
    if (!date.isValid) throw udfFailure(-1206)
    return date.toDayNumber()
  })
  db.function("date", { deterministic: true }, (v) => {
    if (v === null) return null
    if (typeof v === "number" || typeof v === "bigint") return Number(v)
    const stored = toStorage(String(v), { code: 7, length: 4, xid: 0, xname: "" })
    if (isConversionError(stored)) {
      const f = fieldsOf(v)
      return f === undefined ? null : new LocalDate(f.year, f.month, f.day).toDayNumber()
    }
    return stored
  })
  db.function("year", { deterministic: true }, (v) => fieldsOf(v)?.year ?? null)
  db.function("month", { deterministic: true }, (v) => fieldsOf(v)?.month ?? null)
  db.function("day", { deterministic: true }, (v) => fieldsOf(v)?.day ?? null)
  db.function("weekday", { deterministic: true }, (v) => {
    const f = fieldsOf(v)
    if (f === undefined) return null
    // Day 0 (1899-12-31) was a Sunday; WEEKDAY returns 0 for Sunday.
    const n = new LocalDate(f.year, f.month, f.day).toDayNumber()
    return ((n % 7) + 7) % 7
  })
  // Informix LENGTH counts bytes in the database code set and not trailing blanks (IBM "LENGTH function";
  // CHAR_LENGTH counts characters).
  db.function("length", { deterministic: true }, (v) => {
    if (v === null) return null
    if (v instanceof Uint8Array) return v.length
    return state.byteLength(String(v).replace(/ +$/, ""))
  })
  db.function("char_length", { deterministic: true }, characters)
  db.function("character_length", { deterministic: true }, characters)
  db.function(
    "octet_length",
    { deterministic: true },
    (v) => v === null ? null : v instanceof Uint8Array ? v.length : state.byteLength(String(v))
  )
  db.function("trunc", { deterministic: true, varargs: true }, (v, n) => {
    if (v === null) return null
    const digits = n === undefined || n === null ? 0 : Number(n)
    const f = 10 ** digits
    return Math.trunc(Number(v) * f) / f
  })
}

const compare = (a: SQLOutputValue, b: SQLOutputValue): boolean => {
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return Number(a) === Number(b)
  }
  if (typeof a === "string" && typeof b === "string") return a.trimEnd() === b.trimEnd()
  return String(a) === String(b)
}
