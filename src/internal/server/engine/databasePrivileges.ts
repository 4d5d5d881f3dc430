/**
 * Database-level privileges, ownership of schema objects and EXECUTE on routines (IBM "GRANT": Database-Level
 * Privileges, "Routine-Level Privileges"; "DROP TABLE", "ALTER TABLE", "RENAME TABLE" who may run them).
 *
 * - CONNECT opens the database (-387 "No connect permission." at login or DATABASE); PUBLIC holds it unless a DBA
 *   revokes it. RESOURCE creates permanent tables, sequences and SPL routines (-388 "No resource permission.");
 *   DBA creates DBA routines and roles and grants database-level privileges (-389 "No DBA permission."). The
 *   creator of a database is its DBA (CREATE DATABASE's user; for the TestServer's declared databases its first
 *   configured user), `informix` is the DBA of every database.
 * - Only an object's owner or a DBA drops or renames it: tables and views -313 "Not owner of table.", indexes -320
 *   "Not owner of index.", sequences -8321 "Not owner of sequence object.", synonyms -579 "Not owner of synonym.".
 *   ALTER TABLE / ALTER SEQUENCE also for holders of the ALTER privilege (-541 "User does not have ALTER
 *   privilege."), CREATE INDEX for holders of the INDEX privilege (-315 "No create index permission.").
 * - EXECUTE on a routine: its owner and DBAs always; others by GRANT EXECUTE (to them, PUBLIC or their role). An
 *   owner-privileged routine created in a database that is not ANSI grants EXECUTE to PUBLIC (IBM's default unless
 *   NODEFDAC is set); DBA routines and ANSI databases grant it to no one. Denied: -706 "Execute privilege denied on
 *   procedure (%s).".
 * The codes are IBM's catalogue meanings (com/informix/msg/sql_en_US.properties in the JDBC jar); which code a real
 * server picks for each statement is not captured. Statements run by routines and triggers are not checked (they
 * run with their owner's privileges, as privileges.ts).
 */
import { DatabaseSync } from "node:sqlite"
import type { EngineError, Prepared } from "./api.ts"
import { engineError } from "./engineErrors.ts"
import { effectiveRole, holdsTablePrivilege, isDba, ownerOf } from "./privileges.ts"
import { type Token, tokenize } from "./tokenizer.ts"

type Level = "D" | "R" | "C"

const hasCatalog = (db: DatabaseSync, table: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined

/** The user's database-level privilege: its own, else PUBLIC's (DBA, RESOURCE, CONNECT), or none. */
const databaseLevel = (db: DatabaseSync, user: string): Level | undefined => {
  if (isDba(db, user)) return "D"
  const rows = db.prepare(
    "SELECT usertype FROM sysusers WHERE lower(trim(username)) IN (lower(?), 'public') AND usertype IN ('D', 'R', 'C')"
  ).all(user) as Array<{ usertype: string }>
  const types = new Set(rows.map((r) => r.usertype))
  return types.has("D") ? "D" : types.has("R") ? "R" : types.has("C") ? "C" : undefined
}

/** CONNECT: the user may open the database. */
export const connectDenied = (db: DatabaseSync, user: string, database: string): EngineError | undefined =>
  !hasCatalog(db, "sysusers") || databaseLevel(db, user) !== undefined
    ? undefined
    : engineError(-387, { parameter: database })

/** The creator of a database (CREATE DATABASE, or the engine's declared databases) is its DBA; idempotent. */
export const recordDatabaseCreator = (location: string, owner: string) => {
  if (owner.toLowerCase() === "informix") return
  const db = new DatabaseSync(location, { timeout: 5000 })
  if (!isDba(db, owner)) {
    db.prepare("DELETE FROM sysusers WHERE lower(trim(username)) = lower(?) AND usertype IN ('R', 'C')").run(owner)
    db.prepare("INSERT INTO sysusers (username, usertype, priority, password, defrole) VALUES (?, 'D', 9, NULL, NULL)")
      .run(owner.toLowerCase())
  }
  db.close()
}

/** A new routine's default EXECUTE grant: PUBLIC for owner-privileged routines outside ANSI databases. */
export const grantExecuteDefault = (db: DatabaseSync, procid: number, owner: string, dba: boolean, ansi: boolean) => {
  if (dba || ansi) return
  db.prepare("INSERT INTO sysprocauth (grantor, grantee, procid, procauth) VALUES (?, 'public', ?, 'e')").run(
    owner,
    procid
  )
}

/** EXECUTE on routine `procid` (owned by `owner`) for `user` with its current role. */
export const executeDenied = (
  db: DatabaseSync,
  user: string,
  role: string | undefined,
  routine: { readonly procid: number; readonly owner: string; readonly name: string }
): EngineError | undefined => {
  if (routine.owner.toLowerCase() === user.toLowerCase() || isDba(db, user)) return undefined
  const current = effectiveRole(db, user, role)
  const grantees = ["public", user.toLowerCase(), ...(current === undefined ? [] : [current.toLowerCase()])]
  const held = db.prepare(
    `SELECT 1 FROM sysprocauth WHERE procid = ? AND lower(procauth) LIKE '%e%' AND lower(trim(grantee)) IN (${
      grantees.map(() => "?").join(", ")
    })`
  ).get(routine.procid, ...grantees)
  return held === undefined ? engineError(-706, { parameter: routine.name }) : undefined
}

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w

/** The object name after the first of `words` (IF [NOT] EXISTS skipped, `owner.name` read as name). */
const nameAfter = (tokens: ReadonlyArray<Token>, words: ReadonlyArray<string>): Token | undefined => {
  let i = tokens.findIndex((t) => t.kind === "ident" && words.includes(t.upper))
  if (i < 0) return undefined
  i++
  if (isWord(tokens[i], "IF")) i += isWord(tokens[i + 1], "NOT") ? 3 : 2
  if (tokens[i]?.kind !== "ident") return undefined
  if (tokens[i + 1]?.text === "." && tokens[i + 2]?.kind === "ident" && !words.includes("COLUMN")) i += 2
  return tokens[i]
}

const objectOf = (db: DatabaseSync, name: string): { tabid: number; owner: string } | undefined => {
  const row = db.prepare("SELECT tabid FROM systables WHERE lower(tabname) = lower(?)").get(name) as
    | { tabid: number | bigint }
    | undefined
  if (row === undefined) return undefined
  return { tabid: Number(row.tabid), owner: ownerOf(db, Number(row.tabid)) ?? "" }
}

const indexOwner = (db: DatabaseSync, name: string): string | undefined =>
  (db.prepare("SELECT owner FROM sysindexes WHERE lower(idxname) = lower(?)").get(name) as
    | { owner: string }
    | undefined)?.owner.trim().toLowerCase()

const at = (code: number, t: Token | undefined) => engineError(code, { offset: t?.offset ?? 0 })

/** Statement types (SQLI.md §8.4) whose privileges this module checks. */
const checked = new Set([14, 15, 16, 17, 18, 19, 20, 21, 29, 41, 44, 47, 53, 83, 84, 116, 124, 125, 126, 127])

export interface PrivilegeSubject {
  readonly db: DatabaseSync
  readonly user: string
  /** The role of SET ROLE (undefined: the default role). */
  readonly role: string | undefined
  /** Statements of routines and triggers run with their owner's privileges: not checked. */
  readonly inRoutine: boolean
  readonly delimident: boolean
}

/** The privilege error of a DDL / GRANT statement about to run, or undefined when the user may run it. */
export const statementDenied = (s: PrivilegeSubject, prepared: Prepared): EngineError | undefined => {
  const type = prepared.statementType
  if (!checked.has(type) || s.inRoutine || s.user.toLowerCase() === "informix") return undefined
  const level = databaseLevel(s.db, s.user)
  if (level === "D") return undefined
  const tokens = tokenize(prepared.sql, { delimident: s.delimident })
  if (!Array.isArray(tokens)) return undefined
  const user = s.user.toLowerCase()
  const named = (words: ReadonlyArray<string>) => {
    const t = nameAfter(tokens, words)
    return t === undefined ? undefined : { token: t, object: objectOf(s.db, t.text) }
  }
  switch (type) {
    case 14:
    case 124:
      return level === "R" ? undefined : at(-388, tokens[0])
    case 53:
      if (isWord(tokens[1], "DBA")) return at(-389, tokens[1])
      return level === "R" ? undefined : at(-388, tokens[0])
    case 83:
    case 84:
      return at(-389, tokens[0])
    case 18:
    case 19:
      return ["DBA", "RESOURCE", "CONNECT"].includes(tokens[1]?.upper ?? "") ? at(-389, tokens[1]) : undefined
    case 15:
    case 41:
    case 20:
    case 21: {
      const n = named(type === 21 ? ["COLUMN"] : ["TABLE", "VIEW"])
      if (n?.object === undefined || n.object.owner === user) return undefined
      return at(-313, n.token)
    }
    case 29:
    case 126: {
      const n = named(type === 29 ? ["TABLE"] : ["SEQUENCE"])
      if (n?.object === undefined || n.object.owner === user) return undefined
      return holdsTablePrivilege(s.db, s.user, s.role, n.object.tabid, "a") ? undefined : at(-541, n.token)
    }
    case 125:
    case 127: {
      const n = named(["SEQUENCE"])
      if (n?.object === undefined || n.object.owner === user) return undefined
      return at(-8321, n.token)
    }
    case 44: {
      const n = named(["SYNONYM"])
      if (n?.object === undefined || n.object.owner === user) return undefined
      return at(-579, n.token)
    }
    case 16: {
      const n = named(["ON"])
      if (n?.object === undefined || n.object.owner === user) return undefined
      return holdsTablePrivilege(s.db, s.user, s.role, n.object.tabid, "x") ? undefined : at(-315, n.token)
    }
    default: {
      // DROP INDEX, RENAME INDEX, ALTER INDEX
      const t = nameAfter(tokens, ["INDEX"])
      const owner = t === undefined ? undefined : indexOwner(s.db, t.text)
      return owner === undefined || owner === user ? undefined : at(-320, t)
    }
  }
}
