/**
 * DATETIME and INTERVAL on the wire (VALUES.md §10): a packed decimal whose digits are the qualifier's fields
 * (leading field `leadingPrecision` digits, the others 2, FRACTION(k) k digits) with the decimal point fixed right
 * after the SECOND position, whether or not SECOND is in the qualifier.
 *
 * Encoding emits the **positional** form (exponent fixed by the qualifier, leading `00` pairs kept), the form both
 * IBM JDBC and informix-driver produce and the only one both decode in every case (§10.4, golden/*-dtform-*).
 * Decoding accepts positional and normalized forms by aligning the digits on the exponent byte, as JDBC does.
 */
import { DateTime, IntervalDayTime, IntervalYearMonth, type Qualifier } from "../../InformixValue.ts"
import { daysInMonth } from "./calendar.ts"
import { CodecFailure } from "./CodecFailure.ts"
import { complement100, isPackedNull, packedWidth } from "./decimal.ts"
import { decodedTimeFields } from "./decodedTimeFields.ts"

/** Digits before the decimal point, before even-padding (`TU_LEN + 10 − end`). */
const integerDigits = (q: Qualifier): number => q.digits + 10 - q.endCode

/** The positional exponent in powers of 100 (§10.3). */
export const positionalExponent = (q: Qualifier): number => Math.ceil(integerDigits(q) / 2)

/** Fraction digits carried by the qualifier. */
const fractionDigitCount = (q: Qualifier): number => (q.endCode > 10 ? q.endCode - 10 : 0)

interface RawFields {
  /** Values of the units from start to min(end, SECOND), in order (codes start, start+2, …). */
  readonly units: Array<number>
  /** FRACTION in units of 10^-5 s. */
  readonly fraction: number
}

const unitRange = (q: Qualifier): Array<number> => {
  const codes: Array<number> = []
  if (q.startCode > 10) return codes
  for (let code = q.startCode; code <= Math.min(q.endCode, 10); code += 2) codes.push(code)
  return codes
}

/** Pack fields into the positional form, exactly `packedWidth(q.encoded)` bytes. */
const packFields = (q: Qualifier, negative: boolean, fields: RawFields, what: string): Uint8Array | CodecFailure => {
  const codes = unitRange(q)
  let text = ""
  for (let i = 0; i < codes.length; i++) {
    const value = fields.units[i]!
    const width = i === 0 ? q.leadingPrecision : 2
    if (!Number.isInteger(value) || value < 0 || value >= 10 ** width) {
      return new CodecFailure(`${what} ${q.toIntervalString()} cannot hold the value of its field ${i + 1}`)
    }
    text += String(value).padStart(width, "0")
  }
  const intLength = integerDigits(q)
  text = text.padEnd(intLength, "0")
  if (intLength % 2 === 1) text = "0" + text
  const k = fractionDigitCount(q)
  if (k > 0) {
    if (!Number.isInteger(fields.fraction) || fields.fraction < 0 || fields.fraction > 99999) {
      return new CodecFailure(`${what} fraction ${fields.fraction} is not in 0..99999 (units of 10^-5 s)`)
    }
    let frac = String(fields.fraction).padStart(5, "0").slice(0, k)
    if (k % 2 === 1) frac += "0"
    text += frac
  }
  const width = packedWidth(q.encoded)
  const digits: Array<number> = Array.from({ length: width - 1 }, () => 0)
  for (let i = 0; i * 2 < text.length; i++) {
    const pair = Number(text.slice(i * 2, i * 2 + 2))
    if (i < digits.length) digits[i] = pair
    else if (pair !== 0) return new CodecFailure(`${what} ${q.toIntervalString()}: digits exceed the value width`)
  }
  const exponent = positionalExponent(q)
  const out = new Uint8Array(width)
  const allZero = digits.every((d) => d === 0)
  if (negative && !allZero) {
    complement100(digits)
    out[0] = ((exponent + 64) ^ 0x7f) & 0x7f
  } else {
    out[0] = 0x80 | (exponent + 64)
  }
  for (let i = 0; i < digits.length; i++) out[i + 1] = digits[i]!
  return out
}

/**
 * Unpack and align digits to the positional layout; returns the sign, the six unit values indexed by `code / 2`
 * (YEAR..SECOND; units outside the qualifier are 0) and the fraction in 10^-5 s, or null for NULL. Works on numbers
 * only (no digit strings): row decoding calls this for every DATETIME/INTERVAL value.
 */
const unpackFields = (
  bytes: Uint8Array,
  q: Qualifier,
  what: string
): { negative: boolean; values: Array<number>; fraction: number } | null | CodecFailure => {
  if (isPackedNull(bytes)) return null
  const head = bytes[0]!
  const negative = (head & 0x80) === 0
  const exponent = ((negative ? head ^ 0x7f : head) & 0x7f) - 64
  const digits = bytes.length > 1 ? bytes.subarray(1) : bytes.subarray(0, 0)
  let pairs: ArrayLike<number> = digits
  if (negative) {
    const copy = Array.from(digits)
    complement100(copy)
    pairs = copy
  }
  const values = [0, 0, 0, 0, 0, 0]
  const k = fractionDigitCount(q)
  let allZero = true
  for (let i = 0; i < pairs.length; i++) {
    const d = pairs[i]!
    if (d > 99) return new CodecFailure(`${what} digit byte ${d} is not a base-100 digit (0..99)`)
    if (d !== 0) allZero = false
  }
  if (allZero) return { negative: false, values, fraction: 0 }
  const intLength = integerDigits(q)
  const exponentPositional = Math.ceil(intLength / 2)
  const totalPairs = exponentPositional + Math.ceil(k / 2)
  const buffer = new Uint8Array(totalPairs)
  const offset = exponentPositional - exponent
  for (let i = 0; i < pairs.length; i++) {
    const at = offset + i
    if (at < 0) {
      if (pairs[i] !== 0) return new CodecFailure(`${what} ${q.toIntervalString()}: exponent ${exponent} too large`)
    } else if (at < totalPairs) buffer[at] = pairs[i]!
    // Pairs past the qualifier's last digit are dropped, as JDBC does (e.g. a 6th FRACTION digit).
  }
  const digitAt = (i: number): number => (i & 1) === 1 ? buffer[i >> 1]! % 10 : (buffer[i >> 1]! / 10) | 0
  let pos = intLength % 2
  if (pos === 1 && digitAt(0) !== 0) return new CodecFailure(`${what} ${q.toIntervalString()}: leading field overflows`)
  if (q.startCode <= 10) {
    for (let code = q.startCode; code <= Math.min(q.endCode, 10); code += 2) {
      const width = code === q.startCode ? q.leadingPrecision : 2
      let value = 0
      for (let j = 0; j < width; j++) value = value * 10 + digitAt(pos++)
      values[code / 2] = value
    }
  }
  let fraction = 0
  if (k > 0) {
    pos = intLength + (intLength % 2)
    for (let j = 0; j < 5; j++) fraction = fraction * 10 + (j < k ? digitAt(pos + j) : 0)
  }
  return { negative, values, fraction }
}

/** Range check of a DATETIME's fields (§10.5 step 5). */
const validateDateTime = (dt: DateTime): string | undefined => {
  const q = dt.qualifier
  const has = (code: number) => code >= q.startCode && code <= q.endCode
  if (has(0) && (dt.year < 1 || dt.year > 9999)) return `year ${dt.year} is not in 1..9999`
  if (has(2) && (dt.month < 1 || dt.month > 12)) return `month ${dt.month} is not in 1..12`
  if (has(4)) {
    const max = has(2) ? daysInMonth(has(0) ? dt.year : 2000, dt.month) : 31
    if (dt.day < 1 || dt.day > max) return `day ${dt.day} is not valid for the month`
  }
  if (has(6) && (dt.hour < 0 || dt.hour > 23)) return `hour ${dt.hour} is not in 0..23`
  if (has(8) && (dt.minute < 0 || dt.minute > 59)) return `minute ${dt.minute} is not in 0..59`
  if (has(10) && (dt.second < 0 || dt.second > 59)) return `second ${dt.second} is not in 0..59`
  return undefined
}

/** DATETIME value → positional bytes for qualifier `q` (default: the value's own). */
export const encodeDateTime = (dt: DateTime, q: Qualifier = dt.qualifier): Uint8Array | CodecFailure => {
  if (!q.isValid) return new CodecFailure(`DATETIME ${q} is not a valid qualifier`)
  const projected = q === dt.qualifier ? dt : new DateTime(q, dt)
  const invalid = validateDateTime(projected)
  if (invalid !== undefined) return new CodecFailure(`invalid DATETIME ${q}: ${invalid}`)
  const values = [projected.year, projected.month, projected.day, projected.hour, projected.minute, projected.second]
  const units = unitRange(q).map((code) => values[code / 2]!)
  return packFields(q, false, { units, fraction: projected.fraction }, "DATETIME")
}

export const decodeDateTime = (bytes: Uint8Array, q: Qualifier): DateTime | null | CodecFailure => {
  const unpacked = unpackFields(bytes, q, "DATETIME")
  if (unpacked === null || unpacked instanceof CodecFailure) return unpacked
  if (unpacked.negative) return new CodecFailure(`DATETIME ${q} value is negative`)
  const v = unpacked.values
  const dt = new DateTime(q, {
    year: v[0]!,
    month: v[1]!,
    day: v[2]!,
    hour: v[3]!,
    minute: v[4]!,
    second: v[5]!,
    fraction: unpacked.fraction
  })
  const invalid = validateDateTime(dt)
  return invalid === undefined ? dt : new CodecFailure(`invalid DATETIME ${q}: ${invalid}`)
}

/** What the row decoder's DATETIME fast path needs of a column's qualifier, computed once per column. */
export interface DateTimeLayout {
  readonly qualifier: Qualifier
  readonly startCode: number
  readonly endCode: number
  /** Last unit decoded from the integer digits: min(endCode, SECOND). */
  readonly lastUnitCode: number
  readonly leadingPrecision: number
  readonly intLength: number
  /** The positional exponent; a value with any other exponent takes the general path. */
  readonly exponent: number
  readonly totalPairs: number
  readonly fractionDigits: number
  /**
   * Every integer unit sits on whole base-100 pairs (an even leading precision, a qualifier starting at SECOND or
   * before): a value of `totalPairs` pairs is then read one byte per unit (`leadPairs` bytes for the leading one).
   */
  readonly aligned: boolean
  readonly leadPairs: number
}

export const dateTimeLayout = (q: Qualifier): DateTimeLayout => {
  const intLength = integerDigits(q)
  const fractionDigits = fractionDigitCount(q)
  const exponent = Math.ceil(intLength / 2)
  return {
    qualifier: q,
    startCode: q.startCode,
    endCode: q.endCode,
    lastUnitCode: Math.min(q.endCode, 10),
    leadingPrecision: q.leadingPrecision,
    intLength,
    exponent,
    totalPairs: exponent + Math.ceil(fractionDigits / 2),
    fractionDigits,
    aligned: q.leadingPrecision % 2 === 0 && q.startCode <= 10,
    leadPairs: q.leadingPrecision >> 1
  }
}

/** Base-100 pair `p` (0 past the last of `pairCount`) of the digit string starting at `bytes[first]`. */
const pairAt = (bytes: Uint8Array, first: number, pairCount: number, p: number): number =>
  p < pairCount ? bytes[first + p]! : 0

/** Decimal digit `i` of the positional digit string whose `pairCount` pairs start at `bytes[first]`. */
const positionalDigit = (bytes: Uint8Array, first: number, pairCount: number, i: number): number => {
  const p = i >> 1
  if (p >= pairCount) return 0
  const b = bytes[first + p]!
  return (i & 1) === 1 ? b % 10 : (b / 10) | 0
}

/** The checks of `validateDateTime` on plain fields (0 where the qualifier lacks the unit). */
const dateTimeFieldsValid = (
  layout: DateTimeLayout,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number
): boolean => {
  const s = layout.startCode
  const e = layout.endCode
  if (s <= 0 && e >= 0 && (year < 1 || year > 9999)) return false
  const hasMonth = s <= 2 && e >= 2
  if (hasMonth && (month < 1 || month > 12)) return false
  if (s <= 4 && e >= 4) {
    const max = hasMonth ? daysInMonth(s <= 0 ? year : 2000, month) : 31
    if (day < 1 || day > max) return false
  }
  return !((s <= 6 && e >= 6 && hour > 23) || (s <= 8 && e >= 8 && minute > 59) || (s <= 10 && e >= 10 && second > 59))
}

/**
 * {@link decodeDateTime} of the `width` bytes at `start`, read in place. The positional form every server sends
 * (positive, exponent fixed by the qualifier, §10.4) is decoded straight from the bytes with no intermediate arrays;
 * anything else (NULL, normalized forms, zero, malformed or out-of-range values) takes the general path, which
 * gives the same value or the same CodecFailure.
 */
export const decodeDateTimeAt = (
  bytes: Uint8Array,
  start: number,
  width: number,
  layout: DateTimeLayout
): DateTime | null | CodecFailure => {
  const head = width > 1 ? bytes[start]! : 0
  if ((head & 0x80) === 0 || (head & 0x7f) - 64 !== layout.exponent) {
    return decodeDateTime(bytes.subarray(start, start + width), layout.qualifier)
  }
  const first = start + 1
  const end = start + width
  let allZero = true
  for (let i = first; i < end; i++) {
    const d = bytes[i]!
    if (d > 99) return decodeDateTime(bytes.subarray(start, end), layout.qualifier)
    if (d !== 0) allZero = false
  }
  const pairCount = Math.min(width - 1, layout.totalPairs)
  let pos = layout.intLength % 2
  if (allZero || (pos === 1 && positionalDigit(bytes, first, pairCount, 0) !== 0)) {
    return decodeDateTime(bytes.subarray(start, end), layout.qualifier)
  }
  let year = 0
  let month = 0
  let day = 0
  let hour = 0
  let minute = 0
  let second = 0
  if (layout.aligned && pairCount === layout.totalPairs) {
    // One byte per unit after the leading one: unit code c (> start) is the byte at `at + (c >> 1)`.
    const s = layout.startCode
    const last = layout.lastUnitCode
    let lead = 0
    for (let i = 0; i < layout.leadPairs; i++) lead = lead * 100 + bytes[first + i]!
    const at = first + layout.leadPairs - 1 - (s >> 1)
    year = s === 0 ? lead : 0
    month = s === 2 ? lead : s < 2 && last >= 2 ? bytes[at + 1]! : 0
    day = s === 4 ? lead : s < 4 && last >= 4 ? bytes[at + 2]! : 0
    hour = s === 6 ? lead : s < 6 && last >= 6 ? bytes[at + 3]! : 0
    minute = s === 8 ? lead : s < 8 && last >= 8 ? bytes[at + 4]! : 0
    second = s === 10 ? lead : s < 10 && last >= 10 ? bytes[at + 5]! : 0
  } else {
    for (let code = layout.startCode; code <= layout.lastUnitCode; code += 2) {
      const digits = code === layout.startCode ? layout.leadingPrecision : 2
      let value = 0
      let j = 0
      // Aligned on a pair (every qualifier whose leading field has an even precision): a byte is two digits.
      if ((pos & 1) === 0) {
        for (; j + 1 < digits; j += 2) {
          value = value * 100 + pairAt(bytes, first, pairCount, pos >> 1)
          pos += 2
        }
      }
      for (; j < digits; j++) value = value * 10 + positionalDigit(bytes, first, pairCount, pos++)
      switch (code) {
        case 0:
          year = value
          break
        case 2:
          month = value
          break
        case 4:
          day = value
          break
        case 6:
          hour = value
          break
        case 8:
          minute = value
          break
        default:
          second = value
      }
    }
  }
  let fraction = 0
  const k = layout.fractionDigits
  if (k > 0) {
    // The fraction starts on a pair: its five digits are two bytes and the high digit of a third (the DateTime
    // constructor drops the digits past the qualifier's `k`).
    const p = (layout.intLength + (layout.intLength % 2)) >> 1
    fraction = pairAt(bytes, first, pairCount, p) * 1000 + pairAt(bytes, first, pairCount, p + 1) * 10 +
      ((pairAt(bytes, first, pairCount, p + 2) / 10) | 0)
  }
  if (!dateTimeFieldsValid(layout, year, month, day, hour, minute, second)) {
    return decodeDateTime(bytes.subarray(start, end), layout.qualifier)
  }
  return dateTimeOf(layout.qualifier, year, month, day, hour, minute, second, fraction)
}

/**
 * A DateTime of checked fields, through {@link decodedFields} (which the constructor masks to the qualifier) or, for
 * fields already inside the qualifier and FRACTION already cut to its digits, through `decodedTimeFields` (copied as
 * is).
 */
const dateTimeOf = (
  q: Qualifier,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: number,
  fields: typeof decodedFields = decodedFields
): DateTime => {
  fields.year = year
  fields.month = month
  fields.day = day
  fields.hour = hour
  fields.minute = minute
  fields.second = second
  fields.fraction = fraction
  return new DateTime(q, fields)
}

/**
 * A reader of one DATETIME column's values, chosen once per column: for a qualifier whose units sit on whole
 * base-100 pairs (every default one), the positional form of exactly the column's width (every unit's pair, or for
 * a qualifier ending before SECOND every pair up to its last unit) is read with the layout's offsets fixed in the
 * closure, one byte per unit; anything else (another width, NULL, zero, a normalized form, a digit byte above 99,
 * an out-of-range field) goes to {@link decodeDateTimeAt}, which gives the same value or the same CodecFailure.
 */
export const dateTimeReader = (
  layout: DateTimeLayout,
  width: number
): (bytes: Uint8Array, start: number) => DateTime | null | CodecFailure => {
  const general = (bytes: Uint8Array, start: number) => decodeDateTimeAt(bytes, start, width, layout)
  const pairs = width - 1
  const s = layout.startCode
  const last = layout.lastUnitCode
  const leadPairs = layout.leadPairs
  // A qualifier ending before SECOND (YEAR TO DAY, YEAR TO MINUTE, …) has a value narrower than its positional
  // digits: it ends with its last unit, and the pairs of the units it lacks are implicit zeros (as in the general
  // decoder), so the same offsets serve.
  const endsWithUnits = pairs === leadPairs + ((last - s) >> 1)
  if (!layout.aligned || (pairs !== layout.totalPairs && !endsWithUnits)) return general
  const head = 0x80 | (layout.exponent + 64)
  // Byte offsets (from the head byte) of each unit after the leading one, 0 when the qualifier lacks it.
  const unitAt = (code: number): number => (code > s && code <= last ? leadPairs + ((code - s) >> 1) : 0)
  const monthAt = unitAt(2)
  const dayAt = unitAt(4)
  const hourAt = unitAt(6)
  const minuteAt = unitAt(8)
  const secondAt = unitAt(10)
  // The fraction's pairs (its five digits are two bytes and the high digit of a third), 0 past the value.
  const fractionAt = 1 + (layout.intLength >> 1)
  const fraction1 = layout.fractionDigits > 0 && fractionAt <= pairs ? fractionAt : 0
  const fraction2 = layout.fractionDigits > 0 && fractionAt + 1 <= pairs ? fractionAt + 1 : 0
  const fraction3 = layout.fractionDigits > 0 && fractionAt + 2 <= pairs ? fractionAt + 2 : 0
  const q = layout.qualifier
  const hasMonth = s <= 2 && last >= 2
  const hasDay = s <= 4 && last >= 4
  if (s === 0 && leadPairs === 2 && last === 10) {
    // YEAR TO SECOND and YEAR TO FRACTION(n), the commonest qualifiers: every unit at a literal offset (YEAR bytes
    // 1-2, MONTH 3, DAY 4, HOUR 5, MINUTE 6, SECOND 7), no per-unit offset or presence test. The same checks as the
    // general reader below: YEAR 0 (which an all-zero value has) and any byte above 99 go to the general decoder.
    // Every unit is inside the qualifier and FRACTION is cut to its k digits here, so the DateTime is built through
    // decodedTimeFields, which its constructor copies as is.
    const k = layout.fractionDigits
    return (bytes, start) => {
      if (bytes[start] !== head) return general(bytes, start)
      const y1 = bytes[start + 1]!
      const y2 = bytes[start + 2]!
      const month = bytes[start + 3]!
      const day = bytes[start + 4]!
      const hour = bytes[start + 5]!
      const minute = bytes[start + 6]!
      const second = bytes[start + 7]!
      const f1 = fraction1 === 0 ? 0 : bytes[start + fraction1]!
      const f2 = fraction2 === 0 ? 0 : bytes[start + fraction2]!
      const f3 = fraction3 === 0 ? 0 : bytes[start + fraction3]!
      const year = y1 * 100 + y2
      if (
        y1 > 99 || y2 > 99 || year === 0 || month < 1 || month > 12 || day < 1 ||
        (day > 28 && day > daysInMonth(year, month)) || hour > 23 || minute > 59 || second > 59 || f1 > 99 ||
        f2 > 99 || f3 > 99
      ) return general(bytes, start)
      // FRACTION's five digits are f1, f2 and the high digit of f3; the first k of them count.
      const fraction = k <= 2
        ? (k === 2 ? f1 * 1000 : k === 1 ? ((f1 / 10) | 0) * 10000 : 0)
        : k === 3
        ? f1 * 1000 + ((f2 / 10) | 0) * 100
        : k === 4
        ? f1 * 1000 + f2 * 10
        : f1 * 1000 + f2 * 10 + ((f3 / 10) | 0)
      return dateTimeOf(q, year, month, day, hour, minute, second, fraction, decodedTimeFields)
    }
  }
  return (bytes, start) => {
    if (bytes[start] !== head) return general(bytes, start)
    let any = 0
    let over = 0
    for (let i = start + 1; i <= start + pairs; i++) {
      const d = bytes[i]!
      any |= d
      over |= d > 99 ? 1 : 0
    }
    if (any === 0 || over !== 0) return general(bytes, start)
    let lead = bytes[start + 1]!
    for (let i = 2; i <= leadPairs; i++) lead = lead * 100 + bytes[start + i]!
    // Byte 0 is the head, never a unit: a missing unit reads as 0 below.
    const year = s === 0 ? lead : 0
    const month = s === 2 ? lead : monthAt === 0 ? 0 : bytes[start + monthAt]!
    const day = s === 4 ? lead : dayAt === 0 ? 0 : bytes[start + dayAt]!
    const hour = s === 6 ? lead : hourAt === 0 ? 0 : bytes[start + hourAt]!
    const minute = s === 8 ? lead : minuteAt === 0 ? 0 : bytes[start + minuteAt]!
    const second = s === 10 ? lead : secondAt === 0 ? 0 : bytes[start + secondAt]!
    // dateTimeFieldsValid with the qualifier's units fixed: a missing unit reads 0 (valid for the time units; YEAR,
    // MONTH, DAY are checked only when present). YEAR(6) TO YEAR reads three pairs, so YEAR's upper bound too.
    if (
      (s === 0 && (year === 0 || year > 9999)) || (hasMonth && (month < 1 || month > 12)) ||
      (hasDay && (day < 1 || day > (hasMonth ? daysInMonth(s === 0 ? year : 2000, month) : 31))) ||
      hour > 23 || minute > 59 || second > 59
    ) return general(bytes, start)
    const fraction = (fraction1 === 0 ? 0 : bytes[start + fraction1]! * 1000) +
      (fraction2 === 0 ? 0 : bytes[start + fraction2]! * 10) +
      (fraction3 === 0 ? 0 : (bytes[start + fraction3]! / 10) | 0)
    return dateTimeOf(q, year, month, day, hour, minute, second, fraction)
  }
}

/** Reused by {@link decodeDateTimeAt} for every value: the constructor copies the fields, so one object serves all. */
const decodedFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, fraction: 0 }

// Day-time unit sizes in 10^-5 s.
const unitSize: Record<number, bigint> = { 4: 8_640_000_000n, 6: 360_000_000n, 8: 6_000_000n, 10: 100_000n }

/** Re-express an interval in qualifier `q` (leading field absorbs larger units; lower ones truncate). */
const projectInterval = (
  value: IntervalYearMonth | IntervalDayTime,
  q: Qualifier
): IntervalYearMonth | IntervalDayTime | CodecFailure => {
  if (value.qualifier === q) return value
  if (value instanceof IntervalYearMonth) {
    if (!q.isYearMonth) {
      return new CodecFailure(`cannot store a YEAR-MONTH interval in INTERVAL ${q.toIntervalString()}`)
    }
    const total = Math.abs(value.totalMonths)
    return q.startCode === 0
      ? new IntervalYearMonth(q, { negative: value.negative, years: Math.floor(total / 12), months: total % 12 })
      : new IntervalYearMonth(q, { negative: value.negative, months: total })
  }
  if (q.isYearMonth) return new CodecFailure(`cannot store a DAY-TIME interval in INTERVAL ${q.toIntervalString()}`)
  let rest = value.totalFractions
  const negative = rest < 0n
  if (negative) rest = -rest
  const fields: Record<string, number> = {}
  const names: Record<number, string> = { 4: "days", 6: "hours", 8: "minutes", 10: "seconds" }
  for (const code of [4, 6, 8, 10]) {
    if (code < q.startCode) continue
    const size = unitSize[code]!
    fields[names[code]!] = Number(rest / size)
    rest %= size
  }
  fields.fraction = Number(rest)
  return new IntervalDayTime(q, { negative, ...fields })
}

const validateInterval = (v: IntervalYearMonth | IntervalDayTime): string | undefined => {
  const q = v.qualifier
  const nonLeading = (code: number) => code > q.startCode && code <= q.endCode
  if (v instanceof IntervalYearMonth) {
    if (nonLeading(2) && v.months > 11) return `month ${v.months} is not in 0..11`
    return undefined
  }
  if (nonLeading(6) && v.hours > 23) return `hour ${v.hours} is not in 0..23`
  if (nonLeading(8) && v.minutes > 59) return `minute ${v.minutes} is not in 0..59`
  if (nonLeading(10) && v.seconds > 59) return `second ${v.seconds} is not in 0..59`
  return undefined
}

/** INTERVAL value → positional bytes for qualifier `q` (default: the value's own). */
export const encodeInterval = (
  value: IntervalYearMonth | IntervalDayTime,
  q: Qualifier = value.qualifier
): Uint8Array | CodecFailure => {
  if (!q.isValid) return new CodecFailure(`INTERVAL ${q.toIntervalString()} is not a valid qualifier`)
  const projected = projectInterval(value, q)
  if (projected instanceof CodecFailure) return projected
  const invalid = validateInterval(projected)
  if (invalid !== undefined) return new CodecFailure(`invalid INTERVAL ${q.toIntervalString()}: ${invalid}`)
  const codes = unitRange(q)
  let units: Array<number>
  let fraction = 0
  if (projected instanceof IntervalYearMonth) {
    units = codes.map((code) => (code === 0 ? projected.years : projected.months))
  } else {
    const values: Record<number, number> = {
      4: projected.days,
      6: projected.hours,
      8: projected.minutes,
      10: projected.seconds
    }
    units = codes.map((code) => values[code]!)
    fraction = projected.fraction
  }
  return packFields(q, projected.negative, { units, fraction }, "INTERVAL")
}

export const decodeInterval = (
  bytes: Uint8Array,
  q: Qualifier
): IntervalYearMonth | IntervalDayTime | null | CodecFailure => {
  const unpacked = unpackFields(bytes, q, "INTERVAL")
  if (unpacked === null || unpacked instanceof CodecFailure) return unpacked
  const v = unpacked.values
  const value = q.isYearMonth
    ? new IntervalYearMonth(q, { negative: unpacked.negative, years: v[0]!, months: v[1]! })
    : new IntervalDayTime(q, {
      negative: unpacked.negative,
      days: v[2]!,
      hours: v[3]!,
      minutes: v[4]!,
      seconds: v[5]!,
      fraction: unpacked.fraction
    })
  const invalid = validateInterval(value)
  return invalid === undefined ? value : new CodecFailure(`invalid INTERVAL ${q.toIntervalString()}: ${invalid}`)
}

/** Which family a qualifier's DATETIME/INTERVAL belongs to, for messages. */
export const describeQualifier = (q: Qualifier, interval: boolean): string =>
  interval ? `INTERVAL ${q.toIntervalString()}` : `DATETIME ${q}`

export const timeValueWidth = (q: Qualifier): number => packedWidth(q.encoded)
