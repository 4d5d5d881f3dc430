/**
 * Proleptic Gregorian calendar arithmetic on plain integers.
 *
 * Informix DATE is a day count from 1899-12-31 (day 0) over the proleptic Gregorian calendar for years 1..9999
 * (VALUES.md §8.8). JS `Date` would work only through a time zone and milliseconds, so the conversion is done with
 * the classic "days from civil" integer algorithm (era = 400-year cycle), which is exact for every year.
 */

/** Days from 1970-01-01 to y-m-d (negative before). */
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Inverse of {@link daysFromCivil}: {@link civilPacked}'s table lookup for years 1..9999, the arithmetic elsewhere. */
export const civilFromDays = (days: number): { year: number; month: number; day: number } => {
  const packed = civilPacked(days)
  return packed >= 0
    ? { year: packed >> 9, month: (packed >> 5) & 15, day: packed & 31 }
    : civilFromDaysArithmetic(days)
}

/**
 * `year << 9 | month << 5 | day` of a day of years 1..9999 (Informix's range, so every DATE a row carries), or -1
 * for any other day or a non-integer. Looked up: the year in a table of year starts (estimated from the mean year,
 * then corrected by one), month and day in a table of the year's days; 15 ns less per DATE value than the
 * arithmetic (Node 26). One small integer, so the row decoder builds a LocalDate from it with no intermediate
 * object even where this is not inlined. The tables (41 KB) are built on first use.
 */
export const civilPacked = (days: number): number => {
  const tables = calendarTables ?? buildCalendarTables()
  const sinceYearOne = days - tables.firstDay
  // `| 0` keeps non-integers (a caller's, never the wire's) out.
  if (!(sinceYearOne >= 0 && sinceYearOne < tables.dayCount && (sinceYearOne | 0) === sinceYearOne)) return -1
  const starts = tables.yearStarts
  // The mean Gregorian year puts the estimate within one year of the answer (by a multiplication, not a division;
  // `| 0` floors the non-negative quotient). A year of 366 days is a leap year: no modulo arithmetic.
  let index = (sinceYearOne * (1 / 365.2425)) | 0
  if (starts[index]! > days) index--
  else if (starts[index + 1]! <= days) index++
  const start = starts[index]!
  return ((index + 1) << 9) |
    (starts[index + 1]! - start === 366 ? tables.leapMonthDays : tables.monthDays)[days - start]!
}

interface CalendarTables {
  /** Day number (from 1970-01-01) of 0001-01-01. */
  readonly firstDay: number
  /** Days of years 1..9999. */
  readonly dayCount: number
  /** Day number of January 1 of years 1..10000 (index = year − 1). */
  readonly yearStarts: Int32Array
  /** `month << 5 | day` of each day of a common year, and of a leap year. */
  readonly monthDays: Uint16Array
  readonly leapMonthDays: Uint16Array
}

let calendarTables: CalendarTables | undefined

/** `month << 5 | day` of each day of a common or a leap year. */
const monthDaysOf = (leap: boolean): Uint16Array => {
  const out = new Uint16Array(366)
  let dayOfYear = 0
  for (let month = 1; month <= 12; month++) {
    const n = month === 2 ? (leap ? 29 : 28) : daysInMonth(2001, month)
    for (let day = 1; day <= n; day++) out[dayOfYear++] = (month << 5) | day
  }
  return out
}

const buildCalendarTables = (): CalendarTables => {
  const yearStarts = new Int32Array(10000)
  for (let i = 0; i < 10000; i++) yearStarts[i] = daysFromCivil(i + 1, 1, 1)
  calendarTables = {
    firstDay: yearStarts[0]!,
    dayCount: yearStarts[9999]! - yearStarts[0]!,
    yearStarts,
    monthDays: monthDaysOf(false),
    leapMonthDays: monthDaysOf(true)
  }
  return calendarTables
}

/** {@link civilFromDays} by Howard Hinnant's integer algorithm (era = 400-year cycle), for any day number. */
export const civilFromDaysArithmetic = (days: number): { year: number; month: number; day: number } => {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  // From here every quantity is a non-negative integer below 2^31, so `| 0` is floor division (integer truncation
  // is cheaper than Math.floor on doubles).
  const doe = z - era * 146097
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0))
  const mp = ((5 * doy + 2) / 153) | 0
  const day = doy - (((153 * mp + 2) / 5) | 0) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  return { year, month, day }
}

/** Day number of 1899-12-31 counted from 1970-01-01 (Informix DATE 0). */
export const INFORMIX_EPOCH_DAYS = daysFromCivil(1899, 12, 31)

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31

/** Informix DATE range (VALUES.md §8.8): 0001-01-01 .. 9999-12-31. */
export const MIN_DAY_NUMBER = -693594
export const MAX_DAY_NUMBER = 2958464
