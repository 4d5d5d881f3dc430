/**
 * Coercions of JS values to the exact forms the encoders need, shared by the row encoder (test server) and the
 * bind encoder (client). Each returns a CodecFailure naming the value instead of throwing.
 */
import * as BigDecimal from "effect/BigDecimal"
import { LocalDate } from "../../InformixValue.ts"
import { CodecFailure } from "./CodecFailure.ts"
import { type Exact, fromBigDecimal, parseExact } from "./decimal.ts"

/** A message label; an object whose text is computed only when a failure message is built. */
export type Label = string | { toString(): string }

export const describeJs = (value: unknown): string => {
  if (value === null) return "null"
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: string } }).constructor?.name
    return name !== undefined && name !== "Object" ? name : "object"
  }
  return typeof value
}

/** Integer in [−limit, limit] from a number or bigint. */
export const toInteger = (value: unknown, limit: bigint, typeLabel: Label): bigint | CodecFailure => {
  let n: bigint
  if (typeof value === "bigint") n = value
  else if (typeof value === "number" && Number.isInteger(value)) n = BigInt(value)
  else if (typeof value === "number") return new CodecFailure(`${typeLabel} cannot hold a non-integer`)
  else return new CodecFailure(`${typeLabel} expects an integer, got ${describeJs(value)}`)
  if (n > limit || n < -limit) {
    return new CodecFailure(
      `${typeLabel} cannot hold the value (range -${limit}..${limit}; -${limit + 1n} is the NULL value)`
    )
  }
  return n
}

export const toExactDecimal = (value: unknown, typeLabel: Label): Exact | CodecFailure => {
  if (BigDecimal.isBigDecimal(value)) return fromBigDecimal(value)
  if (typeof value === "bigint") return { negative: value < 0n, coefficient: value < 0n ? -value : value, scale: 0 }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return new CodecFailure(`${typeLabel} cannot hold ${value}`)
    // The shortest round-trip text of the double: what the user wrote, not its binary expansion.
    const exact = parseExact(String(value))
    return exact ?? new CodecFailure(`${typeLabel} cannot hold the value`)
  }
  if (typeof value === "string") {
    const exact = parseExact(value)
    return exact ?? new CodecFailure(`${typeLabel}: the text is not a decimal number`)
  }
  return new CodecFailure(
    `${typeLabel} expects a BigDecimal, number, bigint or decimal string, got ${describeJs(value)}`
  )
}

export const toLocalDate = (value: unknown): LocalDate | CodecFailure => {
  if (value instanceof LocalDate) return value
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? new CodecFailure("DATE: invalid JS Date") : LocalDate.fromDate(value)
  }
  if (typeof value === "string") {
    const match = /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$/.exec(value)
    if (match === null) return new CodecFailure("DATE: the text is not YYYY-MM-DD")
    return new LocalDate(Number(match[1]), Number(match[2]), Number(match[3]))
  }
  return new CodecFailure(`DATE expects a LocalDate, got ${describeJs(value)}`)
}

/** DATE value → day number, validated against Informix's range. */
export const toDayNumber = (value: unknown): number | CodecFailure => {
  const date = toLocalDate(value)
  if (date instanceof CodecFailure) return date
  if (!date.isValid) return new CodecFailure("DATE: not a valid date in 0001-01-01..9999-12-31")
  return date.toDayNumber()
}
