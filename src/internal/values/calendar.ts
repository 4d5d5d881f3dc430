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

/** Inverse of {@link daysFromCivil}. */
export const civilFromDays = (days: number): { year: number; month: number; day: number } => {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  // From here every quantity is a non-negative integer below 2^31, so `| 0` is floor division (the row decoder
  // calls this for every DATE value; integer truncation is cheaper than Math.floor on doubles).
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
