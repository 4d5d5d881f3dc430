/**
 * Informix built-in functions that SQLite lacks or spells differently, in three parts: SQLite functions working on
 * storage values (registerBuiltins), rewrites the translator applies where the Informix type of an argument decides
 * the meaning (rewriteBuiltin: TO_CHAR, ROUND/TRUNC of dates, DBSERVERNAME, SITENAME) and the describe types of
 * their results (builtinType).
 *
 * Storage forms (values.ts): DATE = day number (0 = 1899-12-31), DATETIME = canonical text in its qualifier.
 * IBM references: "TO_CHAR function", "TO_DATE function", "ADD_MONTHS function", "LAST_DAY function",
 * "MONTHS_BETWEEN function", "ROUND / TRUNC function" (date formats 'YEAR', 'MONTH', 'DAY' ...), "NVL2 function",
 * "LPAD / RPAD function", "REPLACE function", "INSTR function" (Informix Guide to SQL: Syntax, Expression segment).
 */
import type { DatabaseSync, SQLOutputValue } from "node:sqlite"
import { LocalDate, Qualifier } from "../../../InformixValue.ts"
import { daysInMonth } from "../../values/calendar.ts"
import { TypeCode } from "../../values/typeCodes.ts"
import { documentFunctions, documentFunctionType } from "./documentTypes.ts"
import { udfFailure } from "./engineErrors.ts"
import { argRanges, charLength } from "./literalTypes.ts"
import { matchParen, quoteString, type Token } from "./tokenizer.ts"
import { family, type IfxType, Types } from "./types.ts"
import { parseDateTimeText } from "./values.ts"

const yearToFraction5 = new Qualifier("YEAR", "FRACTION", { fractionDigits: 5 })

interface Fields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  fraction: number
}

/** Calendar fields of a stored DATE (day number) or DATETIME (canonical text); -1218 / -1262 otherwise. */
const fieldsOf = (v: SQLOutputValue): Fields => {
  if (typeof v === "number" || typeof v === "bigint") {
    const d = LocalDate.fromDayNumber(Number(v))
    return { year: d.year, month: d.month, day: d.day, hour: 0, minute: 0, second: 0, fraction: 0 }
  }
  const dt = typeof v === "string" ? parseDateTimeText(v, yearToFraction5) : undefined
  if (dt === undefined) throw udfFailure(-1262)
  return {
    year: dt.year,
    month: dt.month,
    day: dt.day,
    hour: dt.hour,
    minute: dt.minute,
    second: dt.second,
    fraction: dt.fraction
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** A result of the same storage form as `like`: a day number for a DATE, canonical text for a DATETIME. */
const sameForm = (like: SQLOutputValue, f: Fields): number | string => {
  if (typeof like === "number" || typeof like === "bigint") return new LocalDate(f.year, f.month, f.day).toDayNumber()
  // A DATETIME keeps its own fields (its text's length): the canonical text cut to it.
  const text = String(like)
  return /^\d{4}-/.test(text) ? fullText(f).slice(0, Math.max(10, text.length)) : text
}

/** Canonical DATETIME YEAR TO FRACTION(5) text. */
const fullText = (f: Fields) =>
  `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)} ${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}.${
    pad(f.fraction, 5)
  }`

const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December"
]
const dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

/** GL_DATETIME-style directives (IBM "GL_DATETIME environment variable"). */
const formatDate = (f: Fields, format: string): string =>
  format.replace(/%(-?)(\d?)([A-Za-z%])/g, (_m, _dash: string, digits: string, d: string) => {
    const weekday = ((new LocalDate(f.year, f.month, f.day).toDayNumber() % 7) + 7) % 7
    switch (d) {
      case "Y":
        return pad(f.year, 4)
      case "y":
        return pad(f.year % 100, 2)
      case "m":
        return pad(f.month, 2)
      case "d":
        return pad(f.day, 2)
      case "e":
        return String(f.day).padStart(2, " ")
      case "H":
        return pad(f.hour, 2)
      case "I":
        return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2)
      case "M":
        return pad(f.minute, 2)
      case "S":
        return pad(f.second, 2)
      case "F":
        return pad(f.fraction, 5).slice(0, digits === "" ? 5 : Number(digits))
      case "p":
        return f.hour < 12 ? "AM" : "PM"
      case "b":
      case "h":
        return monthNames[f.month - 1]!.slice(0, 3)
      case "B":
        return monthNames[f.month - 1]!
      case "a":
        return dayNames[weekday]!.slice(0, 3)
      case "A":
        return dayNames[weekday]!
      case "j": {
        const first = new LocalDate(f.year, 1, 1).toDayNumber()
        return pad(new LocalDate(f.year, f.month, f.day).toDayNumber() - first + 1, 3)
      }
      case "%":
        return "%"
      default:
        throw udfFailure(-1260)
    }
  })

/** TO_DATE: reads the text with the same directives; missing fields are 0 (time) or 1 (date). */
/** IBM -1277: "Input does not match format specification." */
const fail = () => udfFailure(-1277)

const parseWithFormat = (text: string, format: string): Fields => {
  const f: Fields = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 }
  let pm: boolean | undefined
  let i = 0
  const number = (max: number) => {
    const m = new RegExp(`^\\s*\\d{1,${max}}`).exec(text.slice(i))
    if (m === null) throw fail()
    i += m[0].length
    return Number(m[0])
  }
  for (let k = 0; k < format.length; k++) {
    const c = format[k]!
    if (c !== "%") {
      if (text[i] !== c) throw fail()
      i++
      continue
    }
    let d = format[++k]
    if (d === "-") d = format[++k]
    if (d !== undefined && /\d/.test(d)) d = format[++k]
    switch (d) {
      case "Y":
        f.year = number(4)
        break
      case "y":
        f.year = 2000 + number(2)
        break
      case "m":
        f.month = number(2)
        break
      case "d":
      case "e":
        f.day = number(2)
        break
      case "H":
      case "I":
        f.hour = number(2)
        break
      case "M":
        f.minute = number(2)
        break
      case "S":
        f.second = number(2)
        break
      case "F": {
        const m = /^\d{1,5}/.exec(text.slice(i))
        if (m === null) throw fail()
        f.fraction = Number(m[0].padEnd(5, "0"))
        i += m[0].length
        break
      }
      case "p":
        pm = /^pm/i.test(text.slice(i, i + 2))
        i += 2
        break
      case "b":
      case "h":
      case "B": {
        const index = monthNames.findIndex((n) =>
          text.slice(i, i + (d === "B" ? n.length : 3)).toLowerCase() === (d === "B" ? n : n.slice(0, 3)).toLowerCase()
        )
        if (index < 0) throw fail()
        f.month = index + 1
        i += d === "B" ? monthNames[index]!.length : 3
        break
      }
      case "%":
        if (text[i] !== "%") throw fail()
        i++
        break
      default:
        throw fail()
    }
  }
  if (text.slice(i).trim() !== "") throw fail()
  if (pm === true && f.hour < 12) f.hour += 12
  if (pm === false && f.hour === 12) f.hour = 0
  if (!new LocalDate(f.year, f.month, f.day).isValid) throw udfFailure(-1218)
  return f
}

/** TO_CHAR of a number with an Informix numeric format (`#` digit or blank, `0` digit, `,`, `.`, leading `$`). */
const formatNumber = (n: number, format: string): string => {
  const dot = format.indexOf(".")
  const decimals = dot < 0 ? 0 : format.slice(dot + 1).replace(/[^#0]/g, "").length
  const fixed = Math.abs(n).toFixed(decimals)
  const [whole = "", fraction = ""] = fixed.split(".")
  const integerPattern = dot < 0 ? format : format.slice(0, dot)
  const grouping = integerPattern.includes(",")
  const zeroes = integerPattern.replace(/[^0]/g, "").length
  let digits = whole.padStart(zeroes, "0")
  if (digits === "0" && zeroes === 0 && decimals > 0) digits = ""
  if (grouping) digits = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  const sign = n < 0 ? "-" : ""
  const dollar = integerPattern.includes("$") ? "$" : ""
  const body = `${sign}${dollar}${digits}${decimals > 0 ? `.${fraction}` : ""}`
  return body.padStart(format.length, " ")
}

const num = (v: SQLOutputValue): number => Number(v)

/** LPAD / RPAD: pads to `n` characters with `fill` (default blank), or cuts to `n`. */
const padding = (left: boolean) => (s: SQLOutputValue, n: SQLOutputValue, fill?: SQLOutputValue) => {
  if (s === null || n === null) return null
  const text = String(s)
  const size = num(n)
  const filling = fill === undefined || fill === null || String(fill) === "" ? " " : String(fill)
  if (text.length >= size) return text.slice(0, Math.max(0, size))
  const filler = filling.repeat(Math.ceil((size - text.length) / filling.length)).slice(0, size - text.length)
  return left ? filler + text : text + filler
}

const secondsOfMonth = (f: Fields) => f.day * 86400 + f.hour * 3600 + f.minute * 60 + f.second

/** ROUND / TRUNC of a DATE or DATETIME to 'YEAR', 'MONTH' or 'DAY' (the default). */
const dateUnit = (round: boolean) => (v: SQLOutputValue, unit: SQLOutputValue) => {
  if (v === null) return null
  const f = fieldsOf(v)
  const u = unit === null ? "DD" : String(unit).trim().toUpperCase()
  let out: Fields
  switch (u) {
    case "YEAR":
    case "YYYY":
    case "YY":
      out = { ...f, year: f.year + (round && f.month >= 7 ? 1 : 0), month: 1, day: 1 }
      break
    case "MONTH":
    case "MM": {
      const up = round && f.day >= 16
      const months = f.year * 12 + f.month - 1 + (up ? 1 : 0)
      out = { ...f, year: Math.floor(months / 12), month: (months % 12) + 1, day: 1 }
      break
    }
    case "DAY":
    case "DD": {
      const up = round && f.hour >= 12
      const d = LocalDate.fromDayNumber(new LocalDate(f.year, f.month, f.day).toDayNumber() + (up ? 1 : 0))
      out = { ...f, year: d.year, month: d.month, day: d.day }
      break
    }
    default:
      // IBM -1260: "It is not possible to convert between the specified types" is the closest; the unit is bad.
      throw udfFailure(-1260, String(unit))
  }
  return sameForm(v, { ...out, hour: 0, minute: 0, second: 0, fraction: 0 })
}

/** Registers the SQLite functions behind this module's rewrites (every session connection). */
export const registerBuiltins = (db: DatabaseSync, user: string) => {
  // DEFAULT USER columns call it (ddlPlanner.ts): the user of the session that inserts.
  db.function("ifx_user", { deterministic: false }, () => user)
  db.function("nvl2", { deterministic: true, useBigIntArguments: true }, (a, b, c) => (a === null ? c : b))
  for (const [name, fn] of documentFunctions) {
    db.function(name, { deterministic: true, useBigIntArguments: true }, (doc, path) => fn(doc, path) as SQLOutputValue)
  }
  db.function("lpad", { deterministic: true, varargs: true }, padding(true))
  db.function("rpad", { deterministic: true, varargs: true }, padding(false))
  // Informix REPLACE(s, from) removes `from`; SQLite's own three-argument replace stays.
  db.function("replace", { deterministic: true }, (s, from) => {
    if (s === null || from === null) return null
    const f = String(from)
    return f === "" ? s : String(s).split(f).join("")
  })
  db.function("add_months", { deterministic: true, useBigIntArguments: true }, (d, n) => {
    if (d === null || n === null) return null
    const f = fieldsOf(d)
    const months = f.year * 12 + (f.month - 1) + Math.trunc(num(n))
    const year = Math.floor(months / 12)
    const month = months - year * 12 + 1
    if (year < 1 || year > 9999) throw udfFailure(-1267)
    return sameForm(d, { ...f, year, month, day: Math.min(f.day, daysInMonth(year, month)) })
  })
  db.function("last_day", { deterministic: true, useBigIntArguments: true }, (d) => {
    if (d === null) return null
    const f = fieldsOf(d)
    return sameForm(d, { ...f, day: daysInMonth(f.year, f.month) })
  })
  db.function("months_between", { deterministic: true, useBigIntArguments: true }, (a, b) => {
    if (a === null || b === null) return null
    const x = fieldsOf(a)
    const y = fieldsOf(b)
    const months = (x.year - y.year) * 12 + (x.month - y.month)
    const lastX = x.day === daysInMonth(x.year, x.month)
    const lastY = y.day === daysInMonth(y.year, y.month)
    // Whole months when the days match or both are month ends; otherwise the day difference over 31 days.
    if (x.day === y.day || (lastX && lastY)) return months
    return months + (secondsOfMonth(x) - secondsOfMonth(y)) / (31 * 86400)
  })
  db.function("ifx_to_char", { deterministic: true, useBigIntArguments: true }, (v, code, format) => {
    if (v === null) return null
    const c = Number(code)
    const isDate = c === TypeCode.DATE
    const isDateTime = c === TypeCode.DATETIME
    if (isDate || isDateTime) {
      const text = format === null ? (isDate ? "%m/%d/%Y" : "%Y-%m-%d %H:%M:%S") : String(format)
      return formatDate(fieldsOf(v), text)
    }
    if (format === null || (typeof v !== "number" && typeof v !== "bigint")) return String(v)
    return formatNumber(num(v), String(format))
  })
  db.function("ifx_to_date", { deterministic: true }, (text, format) => {
    if (text === null) return null
    const f = parseWithFormat(String(text), format === null ? "%Y-%m-%d %H:%M:%S" : String(format))
    return fullText(f)
  })
  db.function("ifx_round_date", { deterministic: true, useBigIntArguments: true }, dateUnit(true))
  db.function("ifx_trunc_date", { deterministic: true, useBigIntArguments: true }, dateUnit(false))
}

/** The emitter operations a rewrite needs (translate.ts Emitter). */
export interface RewriteHost {
  readonly tokens: ReadonlyArray<Token>
  readonly serverName: string
  emit(from: number, to: number): string | { readonly _tag: "TranslateError" }
  inferRange(from: number, to: number): { type: IfxType | undefined }
}

export interface Rewritten {
  readonly text: string
  readonly next: number
}

const isDateFamily = (t: IfxType | undefined) => t !== undefined && ["date", "datetime"].includes(family(t))

/**
 * Rewrites of the identifier at tokens[i] whose meaning depends on the Informix type of an argument, or
 * undefined to let the translator emit it as it is.
 */
export const rewriteBuiltin = (
  host: RewriteHost,
  i: number
): Rewritten | { readonly _tag: "TranslateError" } | undefined => {
  const tk = host.tokens
  const t = tk[i]!
  const call = tk[i + 1]?.kind === "punct" && tk[i + 1]!.text === "("
  if ((t.upper === "DBSERVERNAME" || t.upper === "SITENAME") && !call) {
    return { text: quoteString(host.serverName), next: i + 1 }
  }
  if (!call) return undefined
  const close = matchParen(tk, i + 1)
  if (close < 0) return undefined
  const args = argRanges(tk, i + 1, close)
  const emitArgs = (): Array<string> | { readonly _tag: "TranslateError" } => {
    const out: Array<string> = []
    for (const [a, b] of args) {
      const text = host.emit(a, b)
      if (typeof text !== "string") return text
      out.push(text)
    }
    return out
  }
  switch (t.upper) {
    case "TO_CHAR": {
      if (args.length < 1 || args.length > 2) return undefined
      const type = host.inferRange(args[0]![0], args[0]![1]).type
      const texts = emitArgs()
      if (!Array.isArray(texts)) return texts
      return { text: `ifx_to_char(${texts[0]}, ${type?.code ?? -1}, ${texts[1] ?? "NULL"})`, next: close + 1 }
    }
    case "TO_DATE": {
      if (args.length < 1 || args.length > 2) return undefined
      const texts = emitArgs()
      if (!Array.isArray(texts)) return texts
      return { text: `ifx_to_date(${texts[0]}, ${texts[1] ?? "NULL"})`, next: close + 1 }
    }
    case "ROUND":
    case "TRUNC": {
      // ROUND(date [, 'unit']) / TRUNC(date [, 'unit']): calendar rounding; numbers keep SQLite's round/trunc.
      if (args.length < 1 || args.length > 2) return undefined
      const type = host.inferRange(args[0]![0], args[0]![1]).type
      const unit = args[1] === undefined ? undefined : tk[args[1][0]]
      if (!isDateFamily(type) && unit?.kind !== "string") return undefined
      const texts = emitArgs()
      if (!Array.isArray(texts)) return texts
      const fn = t.upper === "ROUND" ? "ifx_round_date" : "ifx_trunc_date"
      return { text: `${fn}(${texts[0]}, ${texts[1] ?? "NULL"})`, next: close + 1 }
    }
    default:
      return undefined
  }
}

const varcharOf = (n: number) => (n <= 255 ? Types.varchar(Math.max(1, n)) : Types.lvarchar(n))

/**
 * Describe types of this module's functions (undefined: not one of them). `argType(n)` is the type of argument
 * n; `literal(n)` the numeric literal value of argument n, if it is one.
 */
export const builtinType = (
  fn: string,
  argCount: number,
  argType: (n: number) => IfxType | undefined,
  literal: (n: number) => number | undefined
): { type: IfxType | undefined } | undefined => {
  switch (fn) {
    case "DBSERVERNAME":
    case "SITENAME":
      return { type: Types.varchar(128) }
    case "NVL2": {
      const a = argType(1)
      const b = argType(2)
      const la = charLength(a)
      const lb = charLength(b)
      if (la !== undefined && lb !== undefined) return { type: varcharOf(Math.max(la, lb)) }
      return { type: a ?? b }
    }
    case "LPAD":
    case "RPAD": {
      const n = literal(1)
      return { type: varcharOf(n ?? 255) }
    }
    case "REPLACE":
      return { type: varcharOf(charLength(argType(0)) ?? 255) }
    case "INSTR":
      return { type: Types.integer }
    case "ADD_MONTHS":
    case "LAST_DAY":
      return { type: argType(0) ?? Types.date }
    case "MONTHS_BETWEEN":
      return { type: Types.decimal(32, undefined) }
    case "TO_CHAR":
      return { type: Types.lvarchar(2048) }
    case "TO_DATE":
      return { type: Types.datetime(yearToFraction5) }
    case "POW":
    case "POWER":
    case "SQRT":
    case "EXP":
    case "LOG10":
    case "LOGN":
      return { type: Types.float }
    case "ROW_NUMBER":
    case "RANK":
    case "DENSE_RANK":
    case "NTILE":
      return { type: Types.integer }
    case "PERCENT_RANK":
    case "CUME_DIST":
      return { type: Types.float }
    default: {
      void argCount
      const document = documentFunctionType(fn)
      return document === undefined ? undefined : { type: document }
    }
  }
}
