/**
 * SQL-level stalls for peers that can only send SQL (JDBC's setQueryTimeout, informix-driver's timeouts).
 *
 * `EXECUTE PROCEDURE sysproc_sleep(n)` (also `EXECUTE FUNCTION`, `CALL`, and JDBC's `{call sysproc_sleep(n)}`
 * rewrite) is answered by the session layer, not the engine: the EXECUTE sleeps `n` seconds (fractions allowed)
 * without blocking the event loop, and the urgent byte interrupts it like any running request (reply −213).
 * A `?` argument takes its value from the bound parameter. The procedure name is not an Informix built-in; it exists
 * only in this server.
 *
 * @internal
 */

/** The parsed call: a literal duration in seconds, or the index of the bound parameter that holds it. */
export type SleepCall = { readonly _tag: "Literal"; readonly seconds: number } | { readonly _tag: "Parameter" }

const SLEEP_PATTERN =
  /^\s*(?:execute\s+(?:procedure|function)|call)\s+(?:informix\s*\.\s*)?sysproc_sleep\s*\(\s*(\?|\d+(?:\.\d+)?)\s*\)\s*;?\s*$/i

export const parseSleep = (sql: string): SleepCall | undefined => {
  const match = SLEEP_PATTERN.exec(sql)
  if (match === null) return undefined
  const arg = match[1]!
  if (arg === "?") return { _tag: "Parameter" }
  return { _tag: "Literal", seconds: Number(arg) }
}

/** Seconds from a bound value (number, bigint or numeric string); undefined when it is not a number. */
export const secondsFromValue = (value: unknown): number | undefined => {
  if (typeof value === "number" && Number.isFinite(value)) return value
  if (typeof value === "bigint") return Number(value)
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value)
  if (typeof value === "object" && value !== null && "toString" in value) {
    const n = Number(String(value))
    if (Number.isFinite(n)) return n
  }
  return undefined
}
