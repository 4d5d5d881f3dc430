/**
 * Informix's names for tables of other databases of the same instance (IBM "Database Object Name" segment):
 * `db:table`, `db:owner.table` and `db@server:table`, where `server` must be this instance's DBSERVERNAME.
 *
 * The engine attaches every other database a session names to that session's SQLite connection under the schema
 * `ifx_<db>` (crossDatabase `schemaOf`), so one SQLite statement can join them and one SQLite transaction covers
 * them all. Before planning, such a name collapses into one identifier token `ifx_<db>.table`: the translator emits
 * identifiers as written (SQLite reads `schema.table`) and looks tables up through the session, which reads that
 * schema's own catalog. A name of the current database loses its prefix. Owners are not modelled: `owner.` is
 * dropped, as `informix.` always was.
 *
 * Errors (IBM's catalogue, as JDBC 15 ships it in com/informix/msg/sql_en_US.properties):
 *   -329 Database (%s) not found or no system permission.   (ISAM -111)
 *   -908 Socket connection to server (%s) failed.            (another server than ours)
 */
import type { DatabaseSync } from "node:sqlite"
import type { EngineError } from "./api.ts"
import { engineError } from "./engineErrors.ts"
import type { Token } from "./tokenizer.ts"

/** The SQLite schema a database is attached under (a plain identifier whatever the database's name). */
export const schemaOf = (database: string) => `ifx_${database.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`

/** The database of a schema-qualified table name `ifx_<db>.table`, or undefined for a plain name. */
export const splitQualified = (name: string): { readonly schema: string; readonly table: string } | undefined => {
  const dot = name.indexOf(".")
  return dot < 0 ? undefined : { schema: name.slice(0, dot), table: name.slice(dot + 1) }
}

export interface CrossDatabaseContext {
  readonly current: string
  readonly serverName: string
  readonly exists: (database: string) => boolean
}

export interface Rewritten {
  readonly tokens: ReadonlyArray<Token>
  /** Other databases the statement names (lower case), to attach before planning. */
  readonly databases: ReadonlyArray<string>
}

const isPunct = (t: Token | undefined, text: string) => t?.kind === "punct" && t.text === text

const ident = (text: string, offset: number, end: number): Token => ({
  kind: "ident",
  text,
  upper: text.toUpperCase(),
  offset,
  end
})

/** Collapses every `db[@server]:[owner.]table` into one identifier (see the module comment). */
export const rewriteDatabaseNames = (
  tokens: ReadonlyArray<Token>,
  ctx: CrossDatabaseContext
): Rewritten | EngineError => {
  if (!tokens.some((t) => isPunct(t, ":"))) return { tokens, databases: [] }
  const out: Array<Token> = []
  const databases = new Set<string>()
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    let colon = -1
    let server: Token | undefined
    if (t.kind === "ident" && !isPunct(tokens[i - 1], ".")) {
      if (isPunct(tokens[i + 1], ":")) colon = i + 1
      else if (isPunct(tokens[i + 1], "@") && tokens[i + 2]?.kind === "ident" && isPunct(tokens[i + 3], ":")) {
        server = tokens[i + 2]
        colon = i + 3
      }
    }
    let j = colon + 1
    // An owner (`owner.` or `"owner".`) before the table name.
    if (
      colon >= 0 && (tokens[j]?.kind === "ident" || tokens[j]?.kind === "string") && isPunct(tokens[j + 1], ".")
    ) j += 2
    const table = colon >= 0 ? tokens[j] : undefined
    if (table?.kind !== "ident") {
      out.push(t)
      continue
    }
    if (server !== undefined && server.text.toLowerCase() !== ctx.serverName.toLowerCase()) {
      return engineError(-908, { offset: server.offset, parameter: server.text })
    }
    const database = t.text.toLowerCase()
    if (!ctx.exists(database)) return engineError(-329, { isamCode: -111, offset: t.offset, parameter: t.text })
    if (database === ctx.current.toLowerCase()) {
      out.push(ident(table.text, t.offset, table.end))
    } else {
      databases.add(database)
      out.push(ident(`${schemaOf(database)}.${table.text}`, t.offset, table.end))
    }
    i = j
  }
  return { tokens: out, databases: Array.from(databases) }
}

/** What attaching needs to know of a database (session.ts DatabaseConfig). */
export interface Attachable {
  readonly name: string
  readonly location: string
}

/**
 * Attaches the databases a statement names. SQLite refuses ATTACH inside a transaction: a session attaches every
 * other database it may write before its SQLite transaction starts (session.ts `beginImplicit`), so only a database
 * created after that point cannot be named until COMMIT/ROLLBACK (-329, ISAM -107 "record is locked").
 */
export const attachDatabases = (
  db: DatabaseSync,
  attached: Set<string>,
  names: ReadonlyArray<string>,
  configOf: (name: string) => Attachable | undefined
): EngineError | undefined => {
  for (const name of names) {
    if (attached.has(name)) continue
    const config = configOf(name)
    if (config === undefined) return engineError(-329, { isamCode: -111, parameter: name })
    if (db.isTransaction) return engineError(-329, { isamCode: -107, parameter: name })
    db.prepare("ATTACH DATABASE ? AS " + schemaOf(name)).run(config.location)
    attached.add(name)
  }
  return undefined
}

/** Detaches a database (DROP DATABASE): false while a transaction may still write it. */
export const detachDatabase = (db: DatabaseSync, attached: Set<string>, name: string): boolean => {
  if (!attached.has(name)) return true
  if (db.isTransaction) return false
  db.exec(`DETACH DATABASE ${schemaOf(name)}`)
  attached.delete(name)
  return true
}
