/**
 * Keeps parameter values out of `ParameterError` messages.
 *
 * The value codecs describe why a value cannot be bound and, to help debugging, sometimes quote it (an out-of-range
 * number, a decimal that does not fit, a character the code set lacks). Parameter values can be secrets or personal
 * data, and errors end up in logs and traces, so the connection replaces the value itself by a neutral phrase and
 * keeps the rest of the explanation (type, range, size, code set). Redaction works from the value, not from the
 * codec's wording, so it keeps working when a codec message changes.
 *
 * @internal
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Option from "effect/Option"
import { TypedParameter } from "../../InformixValue.ts"

const NUMERIC_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/

/** Numbers a codec message may quote for `value`. NaN and ±Infinity are not data, so they stay readable. */
const numbersOf = (value: unknown): ReadonlyArray<string> => {
  if (value instanceof TypedParameter) return numbersOf(value.value)
  if (typeof value === "number") return Number.isFinite(value) ? [String(value)] : []
  if (typeof value === "bigint") return [String(value)]
  if (typeof value === "string") {
    // A typed numeric parameter may be given as text (`InformixValue.decimal("1.5")`); the codec quotes it parsed.
    const parsed = NUMERIC_TEXT.test(value) ? Option.getOrUndefined(BigDecimal.fromString(value.trim())) : undefined
    return parsed === undefined ? [] : numbersOf(parsed)
  }
  if (BigDecimal.isBigDecimal(value)) {
    return [BigDecimal.format(value), BigDecimal.format(BigDecimal.normalize(value))]
  }
  return []
}

/** The charset encoder names the character and its code point: both are part of the value. */
const QUOTED_CHARACTER = /character "[^"]*" \(U\+[0-9A-Fa-f]+\)/g

/**
 * `message` with every quotation of `value` replaced. A number is only replaced where it stands alone, so the same
 * digits inside a type or range (`DECIMAL(5,2)`, `2^63-1`) stay. No pattern is ever built from a string value (it
 * can be megabytes long): strings are matched as plain text, and only when the message contains them.
 */
export const withoutValue = (message: string, value: unknown): string => {
  let out = message.replace(QUOTED_CHARACTER, "a character")
  const raw = value instanceof TypedParameter ? value.value : value
  if (typeof raw === "string" && raw.length > 0 && out.includes(raw)) out = out.split(raw).join("the value")
  for (const text of numbersOf(value)) {
    if (!out.includes(text)) continue
    const pattern = new RegExp(`(?<![\\w.(,^+-])${text.replace(/[.+-]/g, "\\$&")}(?![\\w.,)^])`, "g")
    out = out.replace(pattern, "the value")
  }
  return out
}
