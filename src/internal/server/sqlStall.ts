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

/**
 * The parsed call: the duration (a literal, or the bound parameter), and whether it returns a row. `EXECUTE FUNCTION`
 * returns one INTEGER row (0) so clients that need a result set (JDBC executeQuery) can use it; the sleep then happens
 * at OPEN. `EXECUTE PROCEDURE` and `CALL` return nothing and sleep at EXECUTE.
 */
export interface SleepCall {
  readonly seconds: number | "parameter"
  readonly returnsRow: boolean
}

const SLEEP_PATTERN =
  /^\s*(execute\s+procedure|execute\s+function|call)\s+(?:informix\s*\.\s*)?sysproc_sleep\s*\(\s*(\?|\d+(?:\.\d+)?)\s*\)\s*;?\s*$/i

export const parseSleep = (sql: string): SleepCall | undefined => {
  const match = SLEEP_PATTERN.exec(sql)
  if (match === null) return undefined
  const returnsRow = /function/i.test(match[1]!)
  const arg = match[2]!
  return { seconds: arg === "?" ? "parameter" : Number(arg), returnsRow }
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
