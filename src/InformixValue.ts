/**
 * Informix values as JavaScript sees them.
 *
 * Decoding is lossless: DECIMAL and MONEY become effect `BigDecimal` (never a float), DATE a {@link LocalDate},
 * DATETIME a {@link DateTime} that keeps its qualifier, INTERVAL an {@link IntervalYearMonth} or
 * {@link IntervalDayTime} with exact fields. Bind parameters are inferred from the JS value; the typed parameter
 * constructors in this module ({@link decimal}, {@link smallint}, {@link datetime}, …) override the inference.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import type * as Stream from "effect/Stream"
import * as Calendar from "./internal/values/calendar.ts"
import { decodedTimeFields } from "./internal/values/decodedTimeFields.ts"

// ---------------------------------------------------------------------------------------------------------------
// Qualifiers
// ---------------------------------------------------------------------------------------------------------------

/**
 * A DATETIME / INTERVAL time unit. `FRACTION` as an end unit carries its digit count in
 * {@link Qualifier.fractionDigits}.
 *
 * @since 0.1.0
 * @category models
 */
export type TimeUnit = "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND" | "FRACTION"

const unitCodes: Record<TimeUnit, number> = {
  YEAR: 0,
  MONTH: 2,
  DAY: 4,
  HOUR: 6,
  MINUTE: 8,
  SECOND: 10,
  FRACTION: 12
}

const unitOfCode = (code: number): TimeUnit | undefined => {
  switch (code) {
    case 0:
      return "YEAR"
    case 2:
      return "MONTH"
    case 4:
      return "DAY"
    case 6:
      return "HOUR"
    case 8:
      return "MINUTE"
    case 10:
      return "SECOND"
    default:
      return code >= 11 && code <= 15 ? "FRACTION" : undefined
  }
}

/**
 * A DATETIME or INTERVAL qualifier: `start TO end`, with the leading field's precision (digits) and, when the end
 * unit is FRACTION, its digit count 1..5.
 *
 * The packed form (`encoded`, VALUES.md §5) is `(digits << 8) | (startCode << 4) | endCode` with unit codes YEAR 0,
 * MONTH 2, DAY 4, HOUR 6, MINUTE 8, SECOND 10, FRACTION(n) 10 + n, and a start FRACTION coded 12.
 *
 * @since 0.1.0
 * @category models
 */
export class Qualifier {
  readonly start: TimeUnit
  readonly end: TimeUnit
  /** Digits of the leading field (DATETIME: YEAR 4, others 2; INTERVAL: 1..9). */
  readonly leadingPrecision: number
  /** Digits of FRACTION when `end` is FRACTION (1..5), else 0. */
  readonly fractionDigits: number

  constructor(
    start: TimeUnit,
    end: TimeUnit,
    options?: { readonly leadingPrecision?: number; readonly fractionDigits?: number }
  ) {
    this.start = start
    this.end = end
    this.leadingPrecision = options?.leadingPrecision ?? defaultLeadingPrecision(start)
    this.fractionDigits = end === "FRACTION" ? (options?.fractionDigits ?? 3) : 0
  }

  /** Unit code of the start (FRACTION = 12). */
  get startCode(): number {
    return unitCodes[this.start]
  }

  /** Unit code of the end (FRACTION(n) = 10 + n). */
  get endCode(): number {
    return this.end === "FRACTION" ? 10 + this.fractionDigits : unitCodes[this.end]
  }

  /** Total digit count of the value (`TU_LEN`). */
  get digits(): number {
    return this.endCode - this.startCode + this.leadingPrecision
  }

  /** The packed 16-bit qualifier: `(digits << 8) | (start << 4) | end`. */
  get encoded(): number {
    return (this.digits << 8) | (this.startCode << 4) | this.endCode
  }

  /** True for YEAR/MONTH-only qualifiers (the INTERVAL YEAR TO MONTH family). */
  get isYearMonth(): boolean {
    return this.startCode <= 2 && this.endCode <= 2
  }

  /**
   * True for a qualifier Informix can declare: start not after end (FRACTION only as `FRACTION TO FRACTION(n)`),
   * FRACTION(1..5), leading precision 1..9, and the fixed DATETIME precision for YEAR/MONTH starts that run past
   * MONTH.
   */
  get isValid(): boolean {
    const s = this.startCode
    const e = this.endCode
    if (this.start === "FRACTION" ? this.end !== "FRACTION" : e < s) return false
    if (this.end === "FRACTION" && (this.fractionDigits < 1 || this.fractionDigits > 5)) return false
    if (!Number.isInteger(this.leadingPrecision) || this.leadingPrecision < 1 || this.leadingPrecision > 9) return false
    if (this.start === "FRACTION" && this.leadingPrecision !== 2) return false
    return !(s <= 2 && e > 2 && this.leadingPrecision !== defaultLeadingPrecision(this.start))
  }

  /** Text form with the leading precision, as INTERVAL qualifiers are written: `DAY(3) TO SECOND`. */
  toIntervalString(): string {
    const start = this.start === "FRACTION" ? "FRACTION" : `${this.start}(${this.leadingPrecision})`
    return `${start} TO ${this.endText()}`
  }

  /** Text form as DATETIME qualifiers are written: `YEAR TO FRACTION(3)`. */
  toString(): string {
    return `${this.start} TO ${this.endText()}`
  }

  private endText(): string {
    return this.end === "FRACTION" ? `FRACTION(${this.fractionDigits})` : this.end
  }

  /** Structural equality (same qualifier and fields), so values compare with `Equal.equals`. */
  [Equal.symbol](that: unknown): boolean {
    return that instanceof Qualifier && equalityKey(that) === equalityKey(this)
  }

  [Hash.symbol](): number {
    return Hash.string(equalityKey(this))
  }

  /**
   * Reads a packed qualifier (`encodedLength` of a DESCRIBE, or the `prec` word of a bind).
   * `undefined` when the codes are not a valid qualifier.
   */
  static fromEncoded(encoded: number): Qualifier | undefined {
    const digits = (encoded >> 8) & 0xff
    const startCode = (encoded >> 4) & 0xf
    const endCode = encoded & 0xf
    const start = startCode === 12 ? "FRACTION" as const : unitOfCode(startCode)
    const end = unitOfCode(endCode)
    if (start === undefined || end === undefined) return undefined
    if (start === "FRACTION" ? endCode < 11 : endCode < startCode) return undefined
    if (start !== "FRACTION" && startCode >= 11) return undefined
    const leadingPrecision = digits - (endCode - startCode)
    if (leadingPrecision < 1 || leadingPrecision > 9) return undefined
    // YEAR/MONTH starts that run past MONTH exist only as DATETIME, whose leading precision is fixed.
    if (startCode <= 2 && endCode > 2 && leadingPrecision !== defaultLeadingPrecision(start)) return undefined
    return new Qualifier(start, end, {
      leadingPrecision,
      fractionDigits: end === "FRACTION" ? endCode - 10 : 0
    })
  }

  /**
   * Parses qualifier text such as `YEAR TO FRACTION(3)`, `DAY(3) TO SECOND`, `HOUR TO HOUR` or a single unit
   * `SECOND` (meaning `SECOND TO SECOND`). Case-insensitive.
   */
  static parse(text: string): Option.Option<Qualifier> {
    const match = /^\s*([A-Za-z]+)\s*(?:\(\s*(\d)\s*\))?(?:\s+TO\s+([A-Za-z]+)\s*(?:\(\s*(\d)\s*\))?)?\s*$/i.exec(text)
    if (match === null) return Option.none()
    const start = match[1]!.toUpperCase()
    const end = (match[3] ?? match[1]!).toUpperCase()
    const startPrecision = match[2] === undefined ? undefined : Number(match[2])
    const endPrecision = match[3] === undefined
      ? startPrecision
      : (match[4] === undefined ? undefined : Number(match[4]))
    if (!(start in unitCodes) || !(end in unitCodes)) return Option.none()
    const startUnit = start as TimeUnit
    const endUnit = end as TimeUnit
    let fractionDigits = 0
    if (endUnit === "FRACTION") {
      fractionDigits = endPrecision ?? 3
      if (fractionDigits < 1 || fractionDigits > 5) return Option.none()
    } else if (match[3] !== undefined && match[4] !== undefined) return Option.none()
    const endCode = endUnit === "FRACTION" ? 10 + fractionDigits : unitCodes[endUnit]
    if (startUnit === "FRACTION" ? endUnit !== "FRACTION" : endCode < unitCodes[startUnit]) return Option.none()
    const leadingPrecision = startUnit === "FRACTION" || match[3] === undefined && endUnit === "FRACTION"
      ? 2
      : startPrecision ?? defaultLeadingPrecision(startUnit)
    if (leadingPrecision < 1 || leadingPrecision > 9) return Option.none()
    if (unitCodes[startUnit] <= 2 && endCode > 2 && leadingPrecision !== defaultLeadingPrecision(startUnit)) {
      return Option.none()
    }
    return Option.some(new Qualifier(startUnit, endUnit, { leadingPrecision, fractionDigits }))
  }
}

const defaultLeadingPrecision = (start: TimeUnit): number => (start === "YEAR" ? 4 : 2)

/**
 * Makes a qualifier: `qualifier("YEAR", "FRACTION", { fractionDigits: 3 })`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const qualifier = (
  start: TimeUnit,
  end: TimeUnit,
  options?: { readonly leadingPrecision?: number; readonly fractionDigits?: number }
): Qualifier => new Qualifier(start, end, options)

/**
 * Parses qualifier text (`"YEAR TO FRACTION(3)"`, `"DAY(3) TO SECOND"`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseQualifier = (text: string): Option.Option<Qualifier> => Qualifier.parse(text)

// ---------------------------------------------------------------------------------------------------------------
// DATE
// ---------------------------------------------------------------------------------------------------------------

/**
 * An Informix DATE: a calendar day of the proleptic Gregorian calendar, years 1..9999, no time zone.
 * On the wire it is the day count since 1899-12-31 (1900-01-01 is day 1).
 *
 * @since 0.1.0
 * @category models
 */
export class LocalDate {
  readonly year: number
  readonly month: number
  readonly day: number

  constructor(year: number, month: number, day: number) {
    this.year = year
    this.month = month
    this.day = day
  }

  /** The Informix day number (days since 1899-12-31). */
  toDayNumber(): number {
    return Calendar.daysFromCivil(this.year, this.month, this.day) - Calendar.INFORMIX_EPOCH_DAYS
  }

  /** True when year/month/day form a real date within Informix's range 0001-01-01..9999-12-31. */
  get isValid(): boolean {
    return Number.isInteger(this.year) && Number.isInteger(this.month) && Number.isInteger(this.day) &&
      this.year >= 1 && this.year <= 9999 && this.month >= 1 && this.month <= 12 && this.day >= 1 &&
      this.day <= Calendar.daysInMonth(this.year, this.month)
  }

  /** Midnight UTC of this day as a JS `Date`. */
  toDate(): Date {
    return new Date(Calendar.daysFromCivil(this.year, this.month, this.day) * 86_400_000)
  }

  /** ISO form `YYYY-MM-DD`. */
  toString(): string {
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`
  }

  toJSON(): string {
    return this.toString()
  }

  /** Structural equality (same qualifier and fields), so values compare with `Equal.equals`. */
  [Equal.symbol](that: unknown): boolean {
    return that instanceof LocalDate && equalityKey(that) === equalityKey(this)
  }

  [Hash.symbol](): number {
    return Hash.string(equalityKey(this))
  }

  /** The date with the given Informix day number (days since 1899-12-31). */
  static fromDayNumber(dayNumber: number): LocalDate {
    const civil = Calendar.civilFromDays(dayNumber + Calendar.INFORMIX_EPOCH_DAYS)
    return new LocalDate(civil.year, civil.month, civil.day)
  }

  /** The UTC calendar day of a JS `Date`. */
  static fromDate(date: Date): LocalDate {
    return new LocalDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())
  }

  /** Parses `YYYY-MM-DD` (a valid date only). */
  static parse(text: string): Option.Option<LocalDate> {
    const match = /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text)
    if (match === null) return Option.none()
    const date = new LocalDate(Number(match[1]), Number(match[2]), Number(match[3]))
    return date.isValid ? Option.some(date) : Option.none()
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** The text that identifies a value: its literal plus, for qualified values, the packed qualifier. */
const equalityKey = (value: Qualifier | LocalDate | DateTime | IntervalYearMonth | IntervalDayTime): string =>
  value instanceof Qualifier || value instanceof LocalDate
    ? value.toString() + (value instanceof Qualifier ? `/${value.encoded}` : "")
    : `${value.qualifier.encoded}/${value.toString()}`

// ---------------------------------------------------------------------------------------------------------------
// DATETIME
// ---------------------------------------------------------------------------------------------------------------

/**
 * Field values of a DATETIME or INTERVAL. `fraction` counts units of 10^-5 s (so FRACTION(3) `.120` is 12000).
 *
 * @since 0.1.0
 * @category models
 */
export interface TimeFields {
  readonly year?: number
  readonly month?: number
  readonly day?: number
  readonly hour?: number
  readonly minute?: number
  readonly second?: number
  readonly fraction?: number
}

/**
 * An Informix DATETIME value with its qualifier. Fields outside the qualifier are 0 and carry no meaning.
 * `fraction` is in units of 10^-5 s, truncated to the qualifier's FRACTION(n) digits on the wire.
 * There is no time zone: Informix DATETIME is a wall-clock reading.
 *
 * @since 0.1.0
 * @category models
 */
export class DateTime {
  readonly qualifier: Qualifier
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** Units of 10^-5 second (0..99999). */
  readonly fraction: number

  constructor(qualifier: Qualifier, fields: TimeFields) {
    this.qualifier = qualifier
    if (fields === decodedTimeFields) {
      // The row decoder's fields, already 0 outside the qualifier and truncated to its FRACTION digits: the same
      // properties in the same order as below (one hidden class), 9 ns less per DATETIME value (issue #17).
      this.year = decodedTimeFields.year
      this.month = decodedTimeFields.month
      this.day = decodedTimeFields.day
      this.hour = decodedTimeFields.hour
      this.minute = decodedTimeFields.minute
      this.second = decodedTimeFields.second
      this.fraction = decodedTimeFields.fraction
      return
    }
    const s = qualifier.startCode
    const e = qualifier.endCode
    this.year = keepField(0, s, e, fields.year)
    this.month = keepField(2, s, e, fields.month)
    this.day = keepField(4, s, e, fields.day)
    this.hour = keepField(6, s, e, fields.hour)
    this.minute = keepField(8, s, e, fields.minute)
    this.second = keepField(10, s, e, fields.second)
    this.fraction = e > 10 ? truncateFraction(fields.fraction ?? 0, qualifier.fractionDigits) : 0
  }

  /** The Informix literal text, e.g. `2026-08-31 12:30:15.120` for YEAR TO FRACTION(3), `12:30` for HOUR TO MINUTE. */
  toString(): string {
    return formatFields(this.qualifier, this, false)
  }

  toJSON(): string {
    return this.toString()
  }

  /**
   * The instant with these fields read as UTC. Missing leading fields take 1970-01-01's; missing trailing ones are 0.
   * Only meaningful for qualifiers that start at YEAR.
   */
  toDate(): Date {
    const s = this.qualifier.startCode
    const year = s <= 0 ? this.year : 1970
    const month = s <= 2 ? this.month : 1
    const day = s <= 4 ? this.day : 1
    const ms = Calendar.daysFromCivil(year, month, day) * 86_400_000 +
      ((this.hour * 60 + this.minute) * 60 + this.second) * 1000 + Math.floor(this.fraction / 100)
    return new Date(ms)
  }

  /** Structural equality (same qualifier and fields), so values compare with `Equal.equals`. */
  [Equal.symbol](that: unknown): boolean {
    return that instanceof DateTime && equalityKey(that) === equalityKey(this)
  }

  [Hash.symbol](): number {
    return Hash.string(equalityKey(this))
  }

  /** A DATETIME from a JS `Date`'s UTC fields; default qualifier YEAR TO FRACTION(3) (millisecond precision). */
  static fromDate(date: Date, qualifier: Qualifier = yearToFraction3): DateTime {
    return new DateTime(qualifier, {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      fraction: date.getUTCMilliseconds() * 100
    })
  }

  /** Parses Informix literal text for the given qualifier, e.g. `2026-08-31 12:30:15.12` with YEAR TO FRACTION(5). */
  static parse(text: string, qualifier: Qualifier): Option.Option<DateTime> {
    const fields = parseFields(text, qualifier)
    return fields === undefined ? Option.none() : Option.some(new DateTime(qualifier, fields))
  }
}

const yearToFraction3 = new Qualifier("YEAR", "FRACTION", { fractionDigits: 3 })

/** A field's value when its unit code is within the qualifier's `start..end`, else 0 (a plain function, not a
 * per-construction closure: row decoding constructs a DateTime per value). */
const keepField = (code: number, start: number, end: number, value: number | undefined): number =>
  code >= start && code <= end ? value ?? 0 : 0

/** 10^(5 − digits) for FRACTION(0..5). */
const fractionUnits: ReadonlyArray<number> = [100000, 10000, 1000, 100, 10, 1]

const truncateFraction = (fraction: number, digits: number): number => {
  const unit = digits >= 0 && digits <= 5 ? fractionUnits[digits]! : 10 ** (5 - digits)
  return Math.floor(fraction / unit) * unit
}

// ---------------------------------------------------------------------------------------------------------------
// INTERVAL
// ---------------------------------------------------------------------------------------------------------------

/**
 * An INTERVAL of the YEAR–MONTH family (`YEAR(n) TO MONTH`, `MONTH(n) TO MONTH`, `YEAR(n) TO YEAR`).
 * `years`/`months` are magnitudes; the sign is `negative`. A leading field may exceed its usual range
 * (e.g. MONTH(3) TO MONTH 365).
 *
 * @since 0.1.0
 * @category models
 */
export class IntervalYearMonth {
  readonly _tag = "IntervalYearMonth"
  readonly qualifier: Qualifier
  readonly negative: boolean
  readonly years: number
  readonly months: number

  constructor(
    qualifier: Qualifier,
    fields: { readonly negative?: boolean; readonly years?: number; readonly months?: number }
  ) {
    this.qualifier = qualifier
    this.years = qualifier.startCode <= 0 ? fields.years ?? 0 : 0
    this.months = qualifier.endCode >= 2 ? fields.months ?? 0 : 0
    this.negative = (fields.negative ?? false) && (this.years !== 0 || this.months !== 0)
  }

  /** Total signed months. */
  get totalMonths(): number {
    const total = this.years * 12 + this.months
    return this.negative ? -total : total
  }

  /** Informix literal text, e.g. `5-03`, `-5-03`, `365` (MONTH(3) TO MONTH). */
  toString(): string {
    return (this.negative ? "-" : "") + formatFields(this.qualifier, this, true)
  }

  toJSON(): string {
    return this.toString()
  }

  /** Structural equality (same qualifier and fields), so values compare with `Equal.equals`. */
  [Equal.symbol](that: unknown): boolean {
    return that instanceof IntervalYearMonth && equalityKey(that) === equalityKey(this)
  }

  [Hash.symbol](): number {
    return Hash.string(equalityKey(this))
  }

  /** A YEAR(9) TO MONTH interval (or the given qualifier's family) of a signed number of months. */
  static fromTotalMonths(total: number, qualifier: Qualifier = yearToMonth9): IntervalYearMonth {
    const negative = total < 0
    const magnitude = Math.abs(total)
    return qualifier.startCode === 0
      ? new IntervalYearMonth(qualifier, { negative, years: Math.floor(magnitude / 12), months: magnitude % 12 })
      : new IntervalYearMonth(qualifier, { negative, months: magnitude })
  }

  /** Parses Informix literal text (`-5-03`) for the qualifier. */
  static parse(text: string, qualifier: Qualifier): Option.Option<IntervalYearMonth> {
    const trimmed = text.trim()
    const negative = trimmed.startsWith("-")
    const fields = parseFields(negative ? trimmed.slice(1) : trimmed, qualifier)
    if (fields === undefined) return Option.none()
    return Option.some(
      new IntervalYearMonth(qualifier, { negative, years: fields.year ?? 0, months: fields.month ?? 0 })
    )
  }
}

/**
 * An INTERVAL of the DAY–FRACTION family (`DAY(n) TO SECOND`, `HOUR TO MINUTE`, `MINUTE(5) TO FRACTION(5)`, …).
 * Fields are magnitudes, the sign is `negative`, `fraction` counts units of 10^-5 s. No floating point anywhere.
 *
 * @since 0.1.0
 * @category models
 */
export class IntervalDayTime {
  readonly _tag = "IntervalDayTime"
  readonly qualifier: Qualifier
  readonly negative: boolean
  readonly days: number
  readonly hours: number
  readonly minutes: number
  readonly seconds: number
  /** Units of 10^-5 second. */
  readonly fraction: number

  constructor(
    qualifier: Qualifier,
    fields: {
      readonly negative?: boolean
      readonly days?: number
      readonly hours?: number
      readonly minutes?: number
      readonly seconds?: number
      readonly fraction?: number
    }
  ) {
    this.qualifier = qualifier
    const s = qualifier.startCode
    const e = qualifier.endCode
    const keep = (code: number, value: number | undefined) => (code >= s && code <= e ? value ?? 0 : 0)
    this.days = keep(4, fields.days)
    this.hours = keep(6, fields.hours)
    this.minutes = keep(8, fields.minutes)
    this.seconds = keep(10, fields.seconds)
    this.fraction = e > 10 ? truncateFraction(fields.fraction ?? 0, qualifier.fractionDigits) : 0
    this.negative = (fields.negative ?? false) &&
      (this.days !== 0 || this.hours !== 0 || this.minutes !== 0 || this.seconds !== 0 || this.fraction !== 0)
  }

  /** Total signed length in units of 10^-5 s (exact). */
  get totalFractions(): bigint {
    const seconds = ((BigInt(this.days) * 24n + BigInt(this.hours)) * 60n + BigInt(this.minutes)) * 60n +
      BigInt(this.seconds)
    const total = seconds * 100000n + BigInt(this.fraction)
    return this.negative ? -total : total
  }

  /** Informix literal text, e.g. `3 04:05:06`, `-0 00:00:45.00000`. */
  toString(): string {
    return (this.negative ? "-" : "") + formatFields(this.qualifier, this, true)
  }

  toJSON(): string {
    return this.toString()
  }

  /** Structural equality (same qualifier and fields), so values compare with `Equal.equals`. */
  [Equal.symbol](that: unknown): boolean {
    return that instanceof IntervalDayTime && equalityKey(that) === equalityKey(this)
  }

  [Hash.symbol](): number {
    return Hash.string(equalityKey(this))
  }

  /** Parses Informix literal text (`-3 04:05:06.5`) for the qualifier. */
  static parse(text: string, qualifier: Qualifier): Option.Option<IntervalDayTime> {
    const trimmed = text.trim()
    const negative = trimmed.startsWith("-")
    const fields = parseFields(negative ? trimmed.slice(1) : trimmed, qualifier)
    if (fields === undefined) return Option.none()
    return Option.some(
      new IntervalDayTime(qualifier, {
        negative,
        days: fields.day ?? 0,
        hours: fields.hour ?? 0,
        minutes: fields.minute ?? 0,
        seconds: fields.second ?? 0,
        fraction: fields.fraction ?? 0
      })
    )
  }

  /** A DAY(9) TO FRACTION(5) interval of an exact signed number of 10^-5 s units. */
  static fromTotalFractions(total: bigint, qualifier: Qualifier = dayToFraction5): IntervalDayTime {
    const negative = total < 0n
    let rest = negative ? -total : total
    const fraction = Number(rest % 100000n)
    rest /= 100000n
    const seconds = Number(rest % 60n)
    rest /= 60n
    const minutes = Number(rest % 60n)
    rest /= 60n
    const hours = Number(rest % 24n)
    const days = Number(rest / 24n)
    return new IntervalDayTime(qualifier, { negative, days, hours, minutes, seconds, fraction })
  }
}

const yearToMonth9 = new Qualifier("YEAR", "MONTH", { leadingPrecision: 9 })
const dayToFraction5 = new Qualifier("DAY", "FRACTION", { leadingPrecision: 9, fractionDigits: 5 })

// ---------------------------------------------------------------------------------------------------------------
// Literal text of DATETIME / INTERVAL fields
// ---------------------------------------------------------------------------------------------------------------

interface FieldSource {
  readonly year?: number
  readonly month?: number
  readonly day?: number
  readonly hour?: number
  readonly minute?: number
  readonly second?: number
  readonly fraction?: number
  readonly years?: number
  readonly months?: number
  readonly days?: number
  readonly hours?: number
  readonly minutes?: number
  readonly seconds?: number
}

const units: ReadonlyArray<
  { readonly code: number; readonly separatorBefore: string; readonly get: (f: FieldSource) => number }
> = [
  { code: 0, separatorBefore: "", get: (f) => f.year ?? f.years ?? 0 },
  { code: 2, separatorBefore: "-", get: (f) => f.month ?? f.months ?? 0 },
  { code: 4, separatorBefore: "-", get: (f) => f.day ?? f.days ?? 0 },
  { code: 6, separatorBefore: " ", get: (f) => f.hour ?? f.hours ?? 0 },
  { code: 8, separatorBefore: ":", get: (f) => f.minute ?? f.minutes ?? 0 },
  { code: 10, separatorBefore: ":", get: (f) => f.second ?? f.seconds ?? 0 }
]

const formatFields = (q: Qualifier, f: FieldSource, interval: boolean): string => {
  const s = q.startCode
  const e = q.endCode
  let out = ""
  for (const unit of units) {
    if (unit.code < s || unit.code > e) continue
    const width = unit.code === s ? (interval ? 1 : q.leadingPrecision) : 2
    out += (unit.code === s ? "" : unit.separatorBefore) + pad(unit.get(f), width)
  }
  if (e > 10) {
    const digits = q.fractionDigits
    out += "." + pad(f.fraction ?? 0, 5).slice(0, digits)
  }
  return out
}

const parseFields = (text: string, q: Qualifier): TimeFields | undefined => {
  const s = q.startCode
  const e = q.endCode
  let rest = text.trim()
  const out: Record<string, number> = {}
  const names = ["year", "month", "day", "hour", "minute", "second"]
  for (const unit of units) {
    if (unit.code < s || unit.code > e) continue
    if (unit.code !== s) {
      if (!rest.startsWith(unit.separatorBefore === " " ? " " : unit.separatorBefore)) return undefined
      rest = unit.separatorBefore === " " ? rest.trimStart() : rest.slice(1)
    }
    const maxDigits = unit.code === s ? q.leadingPrecision : 2
    const match = new RegExp(`^\\d{1,${maxDigits}}`).exec(rest)
    if (match === null) return undefined
    out[names[unit.code / 2]!] = Number(match[0])
    rest = rest.slice(match[0].length)
  }
  if (e > 10) {
    if (s <= 10) {
      if (!rest.startsWith(".")) return rest === "" ? out as TimeFields : undefined
      rest = rest.slice(1)
    } else if (rest.startsWith(".")) rest = rest.slice(1)
    const match = /^\d{0,5}/.exec(rest)!
    out.fraction = Number(match[0].padEnd(5, "0"))
    rest = rest.slice(match[0].length)
  }
  return rest === "" ? out as TimeFields : undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Large objects and opaque values
// ---------------------------------------------------------------------------------------------------------------

/**
 * The 56-byte in-row descriptor of a BYTE or TEXT column. The content is not in the row: the connection fetches it
 * with SQ_FETCHBLOB (sending `bytes` back) while the cursor is open.
 *
 * @since 0.1.0
 * @category models
 */
export class BlobDescriptor {
  readonly _tag = "BlobDescriptor"
  /** 11 = BYTE, 12 = TEXT. */
  readonly type: number
  /** The descriptor exactly as received (56 bytes). */
  readonly bytes: Uint8Array

  constructor(type: number, bytes: Uint8Array) {
    this.type = type
    this.bytes = bytes
  }

  /** Byte 39 = 1 marks a NULL value (VALUES.md §8.15). */
  get isNull(): boolean {
    return this.bytes[39] === 1
  }

  /** Content size from offset 16..19 (i32). */
  get size(): number {
    const b = this.bytes
    return ((b[16]! << 24) | (b[17]! << 16) | (b[18]! << 8) | b[19]!) >>> 0
  }
}

/**
 * A smart large object (BLOB or CLOB) locator: 72 opaque bytes the server gave in the row (as hex text), or that
 * `Connection.createSmartLob` returned. Read the content with `Connection.readSmartLob` / `readClobText`; bind it as a
 * parameter to store it in a BLOB/CLOB column.
 *
 * @since 0.1.0
 * @category models
 */
export class SmartLobLocator {
  readonly _tag = "SmartLobLocator"
  readonly kind: "BLOB" | "CLOB"
  /** The locator as the row carried it (ASCII hex, normally 144 characters). */
  readonly hex: string

  constructor(kind: "BLOB" | "CLOB", hex: string) {
    this.kind = kind
    this.hex = hex
  }
}

/**
 * A value of a type this driver does not interpret (opaque UDTs, ROWREF, COLLECTION): the body bytes as sent, with
 * the type's name from the describe (`typeName`, e.g. `"point"`). Register a codec for the name with the `types`
 * connection option ({@link TypeCodecs}) to receive decoded values instead. Bind one back as it came (same type
 * name, same bytes).
 *
 * @since 0.1.0
 * @category models
 */
export class OpaqueValue {
  readonly _tag = "OpaqueValue"
  readonly typeCode: number
  readonly typeName: string
  readonly bytes: Uint8Array

  constructor(typeCode: number, typeName: string, bytes: Uint8Array) {
    this.typeCode = typeCode
    this.typeName = typeName
    this.bytes = bytes
  }
}

/**
 * Any decoded Informix value. BYTE/TEXT columns decode to a {@link BlobDescriptor} in the row codec; the connection
 * replaces it with the content (`Uint8Array` for BYTE, `string` for TEXT) after SQ_FETCHBLOB. SET, MULTISET and
 * LIST decode to arrays of their typed elements, ROW (named or unnamed) to a plain object keyed by field name.
 *
 * @since 0.1.0
 * @category models
 */
export type Value =
  | null
  | number
  | bigint
  | string
  | boolean
  | Uint8Array
  | BigDecimal.BigDecimal
  | LocalDate
  | DateTime
  | IntervalYearMonth
  | IntervalDayTime
  | BlobDescriptor
  | SmartLobLocator
  | OpaqueValue
  | ReadonlyArray<Value>
  | { readonly [field: string]: Value }

// ---------------------------------------------------------------------------------------------------------------
// Typed parameters
// ---------------------------------------------------------------------------------------------------------------

/**
 * Informix type names a parameter can be explicitly bound as.
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterType =
  | "CHAR"
  | "NCHAR"
  | "VARCHAR"
  | "NVARCHAR"
  | "LVARCHAR"
  | "SMALLINT"
  | "INTEGER"
  | "INT8"
  | "BIGINT"
  | "SMALLFLOAT"
  | "FLOAT"
  | "DECIMAL"
  | "MONEY"
  | "DATE"
  | "DATETIME"
  | "INTERVAL"
  | "BOOLEAN"
  | "BYTE"
  | "TEXT"

/**
 * A bind parameter with an explicit Informix type; overrides inference from the JS value. Validation happens when
 * the parameter is encoded (an out-of-range value fails the statement with a clear message, it never throws here).
 *
 * @since 0.1.0
 * @category models
 */
export class TypedParameter {
  readonly _tag = "TypedParameter"
  readonly type: ParameterType
  /** The value, or `null` for a typed NULL. */
  readonly value: unknown
  /** DECIMAL/MONEY: declared precision and scale for the bind's `prec` word. */
  readonly precision: number | undefined
  readonly scale: number | undefined

  constructor(type: ParameterType, value: unknown, options?: { readonly precision?: number; readonly scale?: number }) {
    this.type = type
    this.value = value
    this.precision = options?.precision
    this.scale = options?.scale
  }
}

/**
 * Bind as DECIMAL. Accepts a decimal string (`"1.10"`, exact), a `BigDecimal`, a bigint or a number (converted via
 * its shortest decimal text). Optional precision/scale become the bind's `prec` word.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decimal = (
  value: string | BigDecimal.BigDecimal | bigint | number,
  options?: { readonly precision?: number; readonly scale?: number }
): TypedParameter => new TypedParameter("DECIMAL", value, options)

/**
 * Bind as MONEY (same bytes as DECIMAL, type code 8).
 *
 * @since 0.1.0
 * @category constructors
 */
export const money = (
  value: string | BigDecimal.BigDecimal | bigint | number,
  options?: { readonly precision?: number; readonly scale?: number }
): TypedParameter => new TypedParameter("MONEY", value, options)

/**
 * Bind as SMALLINT (−32767..32767).
 *
 * @since 0.1.0
 * @category constructors
 */
export const smallint = (value: number): TypedParameter => new TypedParameter("SMALLINT", value)

/**
 * Bind as INTEGER (−2147483647..2147483647).
 *
 * @since 0.1.0
 * @category constructors
 */
export const integer = (value: number): TypedParameter => new TypedParameter("INTEGER", value)

/**
 * Bind as INT8 (the 10-byte form; no peer binds it, so prefer {@link bigint} unless the column demands INT8).
 *
 * @since 0.1.0
 * @category constructors
 */
export const int8 = (value: bigint | number): TypedParameter => new TypedParameter("INT8", value)

/**
 * Bind as BIGINT (±(2^63−1)).
 *
 * @since 0.1.0
 * @category constructors
 */
export const bigint = (value: bigint | number): TypedParameter => new TypedParameter("BIGINT", value)

/**
 * Bind as SMALLFLOAT (4-byte IEEE).
 *
 * @since 0.1.0
 * @category constructors
 */
export const smallfloat = (value: number): TypedParameter => new TypedParameter("SMALLFLOAT", value)

/**
 * Bind as FLOAT (8-byte IEEE).
 *
 * @since 0.1.0
 * @category constructors
 */
export const float = (value: number): TypedParameter => new TypedParameter("FLOAT", value)

/**
 * Bind as DATE. Accepts a {@link LocalDate}, a `YYYY-MM-DD` string or a JS `Date` (its UTC day).
 *
 * @since 0.1.0
 * @category constructors
 */
export const date = (value: LocalDate | string | Date): TypedParameter => new TypedParameter("DATE", value)

/**
 * Bind as DATETIME. Accepts a {@link DateTime} (its own qualifier) or a JS `Date` (YEAR TO FRACTION(3), UTC fields).
 *
 * @since 0.1.0
 * @category constructors
 */
export const datetime = (value: DateTime | Date): TypedParameter => new TypedParameter("DATETIME", value)

/**
 * Bind as INTERVAL.
 *
 * @since 0.1.0
 * @category constructors
 */
export const interval = (value: IntervalYearMonth | IntervalDayTime): TypedParameter =>
  new TypedParameter("INTERVAL", value)

/**
 * Bind as CHAR (type 0, the form IBM JDBC and informix-driver use for every string).
 *
 * @since 0.1.0
 * @category constructors
 */
export const char = (value: string): TypedParameter => new TypedParameter("CHAR", value)

/**
 * Bind as NCHAR (type 15).
 *
 * @since 0.1.0
 * @category constructors
 */
export const nchar = (value: string): TypedParameter => new TypedParameter("NCHAR", value)

/**
 * Bind as VARCHAR (type 13).
 *
 * @since 0.1.0
 * @category constructors
 */
export const varchar = (value: string): TypedParameter => new TypedParameter("VARCHAR", value)

/**
 * Bind as NVARCHAR (type 16).
 *
 * @since 0.1.0
 * @category constructors
 */
export const nvarchar = (value: string): TypedParameter => new TypedParameter("NVARCHAR", value)

/**
 * Bind as LVARCHAR (type 43 with an empty owner/type name and a u32 length, as IBM JDBC does).
 *
 * @since 0.1.0
 * @category constructors
 */
export const lvarchar = (value: string): TypedParameter => new TypedParameter("LVARCHAR", value)

/**
 * Bind as a real BOOLEAN (type 45 with the type name `boolean`, IBM JDBC's form). A plain JS boolean is bound as
 * CHAR `'t'`/`'f'` instead, the form informix-driver verified on real servers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const boolean = (value: boolean): TypedParameter => new TypedParameter("BOOLEAN", value)

/**
 * Bind as BYTE (content streamed after the bind).
 *
 * @since 0.1.0
 * @category constructors
 */
export const byte = (value: Uint8Array): TypedParameter => new TypedParameter("BYTE", value)

/**
 * Bind as TEXT (content streamed after the bind, in the database code set).
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (value: string): TypedParameter => new TypedParameter("TEXT", value)

/**
 * A BYTE or TEXT parameter whose content comes from a Stream (`byteStream`, `textStream`): sent in SQ_BLOB chunks
 * as the stream produces it, never held whole. See `byteStream` for where it can be bound.
 *
 * @since 0.1.0
 * @category models
 */
export class BlobStreamParameter {
  readonly _tag = "BlobStreamParameter"
  readonly type: "BYTE" | "TEXT"
  /** Bytes for BYTE; strings (encoded in the connection's code set) for TEXT. */
  readonly content: Stream.Stream<Uint8Array | string, unknown>

  constructor(type: "BYTE" | "TEXT", content: Stream.Stream<Uint8Array | string, unknown>) {
    this.type = type
    this.content = content
  }
}

/**
 * Bind a BYTE from a Stream of bytes, sent as it is pulled (1024-byte SQ_BLOB chunks after SQ_BBIND, as IBM JDBC
 * streams `setBinaryStream`), so a value of any size needs only the chunk in hand. Bindable with `execute`, `query`
 * and the other single-statement calls (one use: a stream is consumed once), not with `executeMany`. A stream that
 * fails part-way fails the statement with `ParameterError` (its error as `cause`); the server is told (SQ_FERR),
 * runs nothing, and the session stays usable. A statement `timeout` counts from the end of the stream. The stream
 * is pulled once: a cached statement the server reports stale (−710) is not retried with it (the error is returned).
 *
 * @since 0.1.0
 * @category constructors
 */
export const byteStream = <E>(content: Stream.Stream<Uint8Array, E>): BlobStreamParameter =>
  new BlobStreamParameter("BYTE", content)

/**
 * Bind a TEXT from a Stream of strings, each encoded in the connection's code set as it is pulled (a surrogate pair
 * split between two strings is kept whole). Otherwise as `byteStream`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const textStream = <E>(content: Stream.Stream<string, E>): BlobStreamParameter =>
  new BlobStreamParameter("TEXT", content)

/**
 * A NULL that declares its type (the bind carries the type code, as IBM JDBC's `setNull` does).
 *
 * @since 0.1.0
 * @category constructors
 */
export const typedNull = (type: ParameterType): TypedParameter => new TypedParameter(type, null)

/**
 * True for a {@link TypedParameter}.
 *
 * @since 0.1.0
 * @category guards
 */
export const isTypedParameter = (u: unknown): u is TypedParameter => u instanceof TypedParameter

/**
 * A collection or ROW parameter: the value and the SQL text of its type (`set(integer not null)`,
 * `list(varchar(20) not null)`, `row(a int, b varchar(10))`, nested). It binds as IBM JDBC binds a typed
 * collection or Struct: type 44 with the type text and the value's in-band type records.
 *
 * @since 0.1.0
 * @category models
 */
export class ComplexParameter {
  readonly _tag = "ComplexParameter"
  readonly typeText: string
  /** An array for SET/MULTISET/LIST, an object for ROW, or `null`. */
  readonly value: Value

  constructor(typeText: string, value: Value) {
    this.typeText = typeText
    this.value = value
  }
}

/**
 * Bind a SET, MULTISET or LIST: `collection("set(integer not null)", [1, 2])`. Elements must match the element type
 * and be non-NULL (Informix collection elements are NOT NULL); a mismatch fails the statement with a typed error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collection = (typeText: string, elements: ReadonlyArray<Value> | null): ComplexParameter =>
  new ComplexParameter(typeText, elements)

/**
 * Bind a ROW: `row("row(a int, b varchar(10))", { a: 1, b: "x" })`. Missing fields bind as NULL; a field the type
 * does not have is an error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const row = (typeText: string, fields: { readonly [field: string]: Value } | null): ComplexParameter =>
  new ComplexParameter(typeText, fields)

/**
 * A value of a named extended type: JSON, BSON, an opaque UDT or any type registered in {@link TypeCodecs}. Build it
 * with {@link json}, {@link bson} or {@link namedType}.
 *
 * @since 0.1.0
 * @category models
 */
export class NamedTypeParameter {
  readonly _tag = "NamedTypeParameter"
  /** The type's name as the catalog has it (`json`, `bson`, `point`), compared case-insensitively. */
  readonly typeName: string
  /** The value; `null` binds a NULL of the type. */
  readonly value: unknown

  constructor(typeName: string, value: unknown) {
    this.typeName = typeName
    this.value = value
  }
}

/**
 * Bind a JSON value (Informix 12.10+ `JSON` column): the value is serialised with `JSON.stringify` and bound as
 * LVARCHAR text, as IBM JDBC binds a string to a JSON parameter. A plain JS string binds as the JSON text itself
 * would with {@link lvarchar}; `json("x")` binds the JSON string `"x"`. A value `JSON.stringify` cannot write (a
 * bigint, a cycle, `undefined`) fails the statement with a typed error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = (value: unknown): NamedTypeParameter => new NamedTypeParameter("json", value)

/**
 * Bind a BSON document (Informix `BSON` column): the object is serialised with the `bson` package (MongoDB's BSON
 * library) and bound as IBM JDBC binds an `IfxBSONObject` (type 44 named `bson`); a `Uint8Array` is taken as an
 * already serialised document. A value BSON cannot hold (not an object, a function, a cycle) fails the statement with
 * a typed error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const bson = (document: object | Uint8Array | null): NamedTypeParameter =>
  new NamedTypeParameter("bson", document)

/**
 * Bind a value of a named extended type (an opaque UDT such as `point`): encoded with the codec registered for the
 * name in the `types` option ({@link TypeCodecs}), or, without a codec, taken as the type's raw bytes (a
 * `Uint8Array` or an {@link OpaqueValue}). A value that is neither fails the statement with a typed error naming the
 * type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const namedType = (typeName: string, value: unknown): NamedTypeParameter =>
  new NamedTypeParameter(typeName, value)

/**
 * The `types` connection option: a codec per extended type name (opaque UDTs, DISTINCT types over them) between
 * the type's bytes on the wire and the value you want. A column of a registered type decodes through
 * `Schema.decodeUnknown…(codec)(bytes)`; {@link namedType} parameters of the type encode through it. A value the
 * codec rejects fails the query with a ResultDecodeError naming the type (the bytes are never quoted; the session
 * stays usable), one it cannot encode fails the statement with a ParameterError. Names are matched
 * case-insensitively.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import * as SchemaGetter from "effect/SchemaGetter"
 * const Point = Schema.Uint8Array.pipe(Schema.decodeTo(Schema.Struct({ x: Schema.Number, y: Schema.Number }), {
 *   decode: SchemaGetter.transform((b) => { const v = new DataView(b.buffer, b.byteOffset); return { x: v.getFloat64(0), y: v.getFloat64(8) } }),
 *   encode: SchemaGetter.transform(({ x, y }) => { const b = new Uint8Array(16); const v = new DataView(b.buffer); v.setFloat64(0, x); v.setFloat64(8, y); return b })
 * }))
 * Connection.make({ url, types: { point: Point } })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TypeCodecs {
  readonly [typeName: string]: Schema.Codec<unknown, Uint8Array>
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

/**
 * Schema for a decoded value of an opaque type without a registered codec.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpaqueValueFromSelf = Schema.instanceOf(OpaqueValue, { title: "OpaqueValue" })

/**
 * Schema for a decoded DATE value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LocalDateFromSelf = Schema.instanceOf(LocalDate, { title: "LocalDate" })

/**
 * Schema for a decoded DATETIME value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DateTimeFromSelf = Schema.instanceOf(DateTime, { title: "DateTime" })

/**
 * Schema for a decoded INTERVAL YEAR TO MONTH value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IntervalYearMonthFromSelf = Schema.instanceOf(IntervalYearMonth, { title: "IntervalYearMonth" })

/**
 * Schema for a decoded INTERVAL DAY TO FRACTION value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IntervalDayTimeFromSelf = Schema.instanceOf(IntervalDayTime, { title: "IntervalDayTime" })

/**
 * Schema for a decoded BYTE/TEXT descriptor.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BlobDescriptorFromSelf = Schema.instanceOf(BlobDescriptor, { title: "BlobDescriptor" })

/**
 * Schema for a decoded BLOB/CLOB locator.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SmartLobLocatorFromSelf = Schema.instanceOf(SmartLobLocator, { title: "SmartLobLocator" })

/**
 * Schema for a decoded SET or MULTISET column: an array of elements (Informix gives no order) decoded into a
 * `ReadonlySet`. Use `Schema.Array(element)` when duplicates of a MULTISET matter.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SetFromArray = <S extends Schema.Top>(element: S) =>
  Schema.Array(element).pipe(
    Schema.decodeTo(Schema.ReadonlySet(Schema.toType(element)), {
      decode: SchemaGetter.transform((items: ReadonlyArray<S["Type"]>) => new Set(items)),
      encode: SchemaGetter.transform((set: ReadonlySet<S["Type"]>) => Array.from(set))
    })
  )

/**
 * Schema for a decoded LIST column: the elements in order.
 *
 * @since 0.1.0
 * @category schemas
 */
export const List = <S extends Schema.Top>(element: S) => Schema.Array(element)

/**
 * Schema for a decoded ROW column (named or unnamed): an object with one property per field.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Row = <Fields extends Schema.Struct.Fields>(fields: Fields) => Schema.Struct(fields)
