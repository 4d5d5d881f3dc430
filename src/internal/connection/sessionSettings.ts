/**
 * Session state a statement can leave behind for the session's next user: settings changed with SET, a different
 * current database, temporary tables. The connection notes each statement that may change one (by its SQL text,
 * before it runs: a failed attempt is noted too, which at worst costs a needless reset), so a pool can reset or
 * retire the session before lending it again.
 *
 * Not seen: SET statements run inside a stored procedure (`EXECUTE PROCEDURE`), which Informix also keeps for the
 * session; the text of the call does not say what the routine does.
 *
 * @internal
 */
import type { IsolationLevel, LockWait } from "../config/parse.ts"
import { isolationStatement, lockWaitStatement } from "../config/parse.ts"

/**
 * What a borrower changed: `isolation` (SET ISOLATION), `lockMode` (SET LOCK MODE), `explain` (SET EXPLAIN),
 * `role` (SET ROLE), `environment` (SET ENVIRONMENT), `database` (DATABASE, CLOSE DATABASE, CREATE DATABASE),
 * `tempTable` (CREATE TEMP/SCRATCH TABLE, SELECT … INTO TEMP/SCRATCH), `other` (any other session-wide SET).
 */
export type SessionSetting =
  | "isolation"
  | "lockMode"
  | "explain"
  | "role"
  | "environment"
  | "database"
  | "tempTable"
  | "other"

// Comments Informix accepts before a statement: `-- …` to the end of the line, `{ … }` and `/* … */`.
const leadingNoise = /^(?:\s+|--[^\n]*(?:\n|$)|\{[^}]*\}|\/\*[\s\S]*?\*\/)*/

/** The first `count` words of the statement, upper-cased (comments and blanks skipped). */
const leadingWords = (sql: string, count: number): Array<string> => {
  const rest = sql.slice(leadingNoise.exec(sql)?.[0].length ?? 0)
  const words = /[A-Za-z_][A-Za-z0-9_]*/y
  const out: Array<string> = []
  let at = 0
  while (out.length < count) {
    while (at < rest.length && /\s/.test(rest[at]!)) at++
    words.lastIndex = at
    const match = words.exec(rest)
    if (match === null) break
    out.push(match[0].toUpperCase())
    at = words.lastIndex
  }
  return out
}

// String literals and comments removed, so `INTO TEMP` inside them does not count.
const withoutLiteralsAndComments = (sql: string): string =>
  sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\{[^}]*\}|\/\*[\s\S]*?\*\//g, " ")

const intoTemp = /\bINTO\s+(?:TEMP|SCRATCH)\s/i

/** The session state `sql` may change, or `undefined` for statements whose effects are not session state. */
export const sessionSettingOf = (sql: string): SessionSetting | undefined => {
  const [first, second, third] = leadingWords(sql, 3)
  switch (first) {
    case "SET":
      switch (second) {
        // SET TRANSACTION lasts for the transaction; SET CONSTRAINTS (DEFERRED/IMMEDIATE) likewise, and its
        // ENABLED/DISABLED forms change objects, not the session; SET LOG changes the database's logging.
        case "TRANSACTION":
        case "CONSTRAINTS":
        case "LOG":
        case undefined:
          return undefined
        case "ISOLATION":
          return "isolation"
        case "LOCK":
          return "lockMode"
        case "EXPLAIN":
          return "explain"
        case "ROLE":
          return "role"
        case "ENVIRONMENT":
          return "environment"
        default:
          return "other"
      }
    case "DATABASE":
      return "database"
    case "CLOSE":
      return second === "DATABASE" ? "database" : undefined
    case "CREATE":
      if (second === "DATABASE") return "database"
      return (second === "TEMP" || second === "SCRATCH") && third === "TABLE" ? "tempTable" : undefined
    case "SELECT":
    case "WITH":
      return intoTemp.test(withoutLiteralsAndComments(sql)) ? "tempTable" : undefined
    default:
      return undefined
  }
}

/** What a reset sends, per setting, given the configured defaults; `undefined` = cannot be reset (retire). */
export const resetStatement = (
  setting: SessionSetting,
  defaults: { readonly isolation: IsolationLevel | undefined; readonly lockWait: LockWait | undefined }
): string | undefined => {
  switch (setting) {
    case "isolation":
      // Without a configured level the session's starting level is the server's choice (database logging mode,
      // USELASTCOMMITTED, a database's own default), which the client cannot know.
      return defaults.isolation === undefined ? undefined : isolationStatement(defaults.isolation)
    case "lockMode":
      // Informix's default lock mode is NOT WAIT.
      return lockWaitStatement(defaults.lockWait ?? "notWait")
    case "explain":
      return "SET EXPLAIN OFF"
    default:
      return undefined
  }
}
