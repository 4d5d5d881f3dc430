/**
 * Parsers for configuration values that arrive as text (URL query parameters, environment variables).
 * Each returns a `Result` whose failure is a short reason; the caller adds the field name.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Result from "effect/Result"

/**
 * `SET ISOLATION` levels Informix offers. `lastCommitted` is COMMITTED READ LAST COMMITTED.
 */
export type IsolationLevel = "dirtyRead" | "committedRead" | "lastCommitted" | "cursorStability" | "repeatableRead"

export const isolationLevels: ReadonlyArray<IsolationLevel> = [
  "dirtyRead",
  "committedRead",
  "lastCommitted",
  "cursorStability",
  "repeatableRead"
]

/**
 * Which servers a session may stay on: `"any"` (IBM's clients: the first that logs in), `"primary"` (not a read-only
 * secondary: the login accept's warning 0x20 clear), `"secondary"` (a read-only one). A server of the wrong kind is
 * logged out and the next member of the group is tried.
 */
export type TargetServerType = "any" | "primary" | "secondary"

export const targetServerTypes: ReadonlyArray<TargetServerType> = ["any", "primary", "secondary"]

export const parseTargetServerType = (text: string): Result.Result<TargetServerType, string> => {
  const type = targetServerTypes.find((t) => t === text.trim().toLowerCase())
  return type === undefined
    ? Result.fail(`"${text}" is not one of ${targetServerTypes.join(", ")}`)
    : Result.succeed(type)
}

/**
 * `SET LOCK MODE`: fail at once on a held lock (`"notWait"`, the server default), wait forever (`"wait"`), or wait
 * up to a number of whole seconds.
 */
export type LockWait = "notWait" | "wait" | { readonly seconds: number }

// "5s", "500ms", "2m", "1h", "5 seconds", "1.5 minutes", or a bare number of milliseconds.
const shortDuration =
  /^(\d+(?:\.\d+)?)\s*(ms|msec|millis?|milliseconds?|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$/i

const unitFor = (unit: string): "millis" | "seconds" | "minutes" | "hours" => {
  const u = unit.toLowerCase()
  if (u.startsWith("ms") || u.startsWith("mil")) return "millis"
  if (u.startsWith("s")) return "seconds"
  if (u.startsWith("m")) return "minutes"
  return "hours"
}

/** Parses a duration written in text. Negative or non-finite values are rejected. */
export const parseDuration = (text: string): Result.Result<Duration.Duration, string> => {
  const match = shortDuration.exec(text.trim())
  if (match === null) {
    return Result.fail(`"${text}" is not a duration (use e.g. "5s", "500ms", "2 minutes")`)
  }
  const amount = Number(match[1])
  const unit = match[2] === undefined ? "millis" : unitFor(match[2])
  return Result.succeed(Duration.fromInputUnsafe(`${amount} ${unit}`))
}

/** Accepts any `Duration.Input` from code; rejects negative or invalid values. */
export const checkDurationInput = (input: Duration.Input): Result.Result<Duration.Duration, string> => {
  const decoded = Duration.fromInput(input)
  if (Option.isNone(decoded)) return Result.fail("is not a valid duration")
  if (Duration.isNegative(decoded.value)) return Result.fail("must not be negative")
  return Result.succeed(decoded.value)
}

export const parseBoolean = (text: string): Result.Result<boolean, string> => {
  switch (text.trim().toLowerCase()) {
    case "true":
    case "1":
    case "yes":
    case "on":
      return Result.succeed(true)
    case "false":
    case "0":
    case "no":
    case "off":
      return Result.succeed(false)
    default:
      return Result.fail(`"${text}" is not a boolean (use true or false)`)
  }
}

/** Integer within [min, max]. */
export const parseInteger = (text: string, min: number, max: number): Result.Result<number, string> => {
  const trimmed = text.trim()
  if (!/^-?\d+$/.test(trimmed)) return Result.fail(`"${text}" is not an integer`)
  return checkInteger(Number(trimmed), min, max)
}

export const checkInteger = (value: number, min: number, max: number): Result.Result<number, string> =>
  Number.isSafeInteger(value) && value >= min && value <= max
    ? Result.succeed(value)
    : Result.fail(`${value} is not an integer between ${min} and ${max}`)

const isolationByName: ReadonlyMap<string, IsolationLevel> = new Map<string, IsolationLevel>([
  ["dirtyread", "dirtyRead"],
  ["committedread", "committedRead"],
  ["lastcommitted", "lastCommitted"],
  ["committedreadlastcommitted", "lastCommitted"],
  ["cursorstability", "cursorStability"],
  ["repeatableread", "repeatableRead"]
])

/** Accepts `dirtyRead`, `dirty read`, `DIRTY_READ`, `dirty-read` … */
export const parseIsolation = (text: string): Result.Result<IsolationLevel, string> => {
  const level = isolationByName.get(text.toLowerCase().replace(/[\s_-]+/g, ""))
  return level === undefined
    ? Result.fail(`"${text}" is not an isolation level (one of ${isolationLevels.join(", ")})`)
    : Result.succeed(level)
}

/** `notWait` / `nowait`, `wait`, or a number of seconds. */
export const parseLockWait = (text: string): Result.Result<LockWait, string> => {
  const normalized = text.trim().toLowerCase().replace(/[\s_-]+/g, "")
  if (normalized === "notwait" || normalized === "nowait") return Result.succeed("notWait")
  if (normalized === "wait") return Result.succeed("wait")
  return Result.map(parseInteger(text, 0, 0x7fff_ffff), (seconds): LockWait => ({ seconds }))
}

export const checkLockWait = (value: LockWait): Result.Result<LockWait, string> =>
  typeof value === "string"
    ? value === "notWait" || value === "wait"
      ? Result.succeed(value)
      : Result.fail(`"${String(value)}" is not a lock mode (notWait, wait or { seconds })`)
    : Result.map(checkInteger(value.seconds, 0, 0x7fff_ffff), (): LockWait => value)

// Informix locale names: language_territory.codeset[@modifier], e.g. en_US.8859-1, en_us.utf8, de_DE.819.
const localeShape = /^[A-Za-z]{2,3}_[A-Za-z]{2}\.[A-Za-z0-9][A-Za-z0-9-]*(@[A-Za-z0-9]+)?$/

/** Checks the shape of a locale name (the code set itself is checked by the value codecs' locale table). */
export const checkLocaleShape = (text: string): Result.Result<string, string> =>
  localeShape.test(text)
    ? Result.succeed(text)
    : Result.fail(`"${text}" is not an Informix locale (expected language_territory.codeset, e.g. en_US.8859-1)`)

/** The SQL a session runs to apply an isolation level. */
export const isolationStatement = (level: IsolationLevel): string => {
  switch (level) {
    case "dirtyRead":
      return "SET ISOLATION TO DIRTY READ"
    case "committedRead":
      return "SET ISOLATION TO COMMITTED READ"
    case "lastCommitted":
      return "SET ISOLATION TO COMMITTED READ LAST COMMITTED"
    case "cursorStability":
      return "SET ISOLATION TO CURSOR STABILITY"
    case "repeatableRead":
      return "SET ISOLATION TO REPEATABLE READ"
  }
}

/** The SQL a session runs to apply a lock-wait mode. */
export const lockWaitStatement = (mode: LockWait): string =>
  mode === "notWait"
    ? "SET LOCK MODE TO NOT WAIT"
    : mode === "wait"
    ? "SET LOCK MODE TO WAIT"
    : `SET LOCK MODE TO WAIT ${mode.seconds}`

/**
 * `SET TRANSACTION ISOLATION LEVEL …` for a level that statement has (Informix keeps it for the current transaction
 * only); `undefined` for cursor stability and last committed, which only `SET ISOLATION` (session-wide) can set.
 */
export const transactionIsolationStatement = (level: IsolationLevel): string | undefined => {
  switch (level) {
    case "dirtyRead":
      return "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"
    case "committedRead":
      return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
    case "repeatableRead":
      return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
    case "cursorStability":
    case "lastCommitted":
      return undefined
  }
}
