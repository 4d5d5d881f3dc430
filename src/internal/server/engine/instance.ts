/**
 * The statements that work on the instance rather than inside one database, and the instance's access rules.
 *
 * Parsed here, run by the session layer (they open and close the session's database, which the engine session
 * cannot do to itself):
 *   CREATE DATABASE [IF NOT EXISTS] name[@server] [IN dbspace] [WITH [BUFFERED] LOG | WITH LOG MODE ANSI]  (sqlstype 12)
 *   DROP DATABASE [IF EXISTS] name[@server]                                                                (13)
 *   DATABASE name[@server] [EXCLUSIVE]                                                                     (1)
 *   CLOSE DATABASE                                                                                         (31)
 * (IBM "CREATE DATABASE statement": without WITH ... LOG the database is unlogged; MODE ANSI implies unbuffered
 * logging. The dbspace is accepted and not used: one SQLite file per database.)
 *
 * Codes (IBM's catalogue, as JDBC 15 ships it in com/informix/msg/sql_en_US.properties):
 *   -201 A syntax error has occurred.
 *   -273 No UPDATE permission for %s.  -274 No DELETE permission for %s.  -275 The Insert privilege is required ...
 *   -388 No resource permission.  (DDL in sysmaster: "standard users cannot run statements other than SELECT")
 *   -556 Cannot create, drop, or modify an object that is external to current database.
 *   -908 Socket connection to server (%s) failed.  (a `db@server` naming another server)
 *   -271 Could not insert new row into the table.  -346 Could not update a row in the table.
 *   -240 Could not delete a row.  with ISAM -140 "operation illegal on a DR Secondary" (a write on a secondary)
 *   -26097 Operation is not valid on a secondary server.  (DDL and other writes on a secondary)
 */
import type { EngineError, InstanceStatement } from "./api.ts"
import { engineError } from "./engineErrors.ts"
import type { Plan } from "./planner.ts"
import { type Token, tokenize } from "./tokenizer.ts"

const isWord = (t: Token | undefined, word: string) => t?.kind === "ident" && t.upper === word

/**
 * The instance statement `sql` is, undefined when it is none (an ordinary statement for the open database), or its
 * syntax error (-201 at the offending token).
 */
export const parseInstanceStatement = (
  sql: string,
  serverName: string
): InstanceStatement | EngineError | undefined => {
  const scanned = tokenize(sql)
  if (!Array.isArray(scanned)) return undefined
  const tokens = scanned.filter((t) => !(t.kind === "punct" && t.text === ";"))
  let i = 0
  const w = (k = 0) => tokens[i + k]
  const syntax = (): EngineError => engineError(-201, { offset: w()?.offset ?? sql.length })
  const at = (...words: ReadonlyArray<string>) => words.every((word, k) => isWord(w(k), word))
  /** `name[@server]`: the database name, or the error. */
  const databaseName = (): string | EngineError => {
    const name = w()
    if (name?.kind !== "ident") return syntax()
    i++
    if (w()?.kind === "punct" && w()!.text === "@") {
      const server = w(1)
      if (server?.kind !== "ident") {
        i++
        return syntax()
      }
      if (server.text.toLowerCase() !== serverName.toLowerCase()) {
        return engineError(-908, { offset: server.offset, parameter: server.text })
      }
      i += 2
    }
    return name.text
  }
  const finished = <A>(statement: A): A | EngineError => (w()?.kind === "end" ? statement : syntax())
  if (at("CREATE", "DATABASE")) {
    i = 2
    const ifNotExists = at("IF", "NOT", "EXISTS")
    if (ifNotExists) i += 3
    const name = databaseName()
    if (typeof name !== "string") return name
    if (isWord(w(), "IN")) {
      if (w(1)?.kind !== "ident") {
        i++
        return syntax()
      }
      i += 2
    }
    let logged = false
    let buffered = false
    let ansi = false
    if (isWord(w(), "WITH")) {
      i++
      if (isWord(w(), "BUFFERED")) {
        buffered = true
        i++
      }
      if (!isWord(w(), "LOG")) return syntax()
      logged = true
      i++
      if (at("MODE", "ANSI")) {
        // ANSI databases log unbuffered (IBM: "WITH LOG MODE ANSI").
        if (buffered) return syntax()
        ansi = true
        i += 2
      }
    }
    // NLSCASE SENSITIVE is the default; INSENSITIVE is not modelled.
    if (at("NLSCASE", "SENSITIVE")) i += 2
    return finished({ kind: "createDatabase", statementType: 12, name, ifNotExists, logged, buffered, ansi } as const)
  }
  if (at("DROP", "DATABASE")) {
    i = 2
    const ifExists = at("IF", "EXISTS")
    if (ifExists) i += 2
    const name = databaseName()
    if (typeof name !== "string") return name
    return finished({ kind: "dropDatabase", statementType: 13, name, ifExists } as const)
  }
  if (at("DATABASE")) {
    i = 1
    const name = databaseName()
    if (typeof name !== "string") return name
    const exclusive = isWord(w(), "EXCLUSIVE")
    if (exclusive) i++
    return finished({ kind: "database", statementType: 1, name, exclusive } as const)
  }
  if (at("CLOSE", "DATABASE")) {
    i = 2
    return finished({ kind: "closeDatabase", statementType: 31 } as const)
  }
  return undefined
}

const external = (name: string) => name.includes(".")

/**
 * What the instance forbids a planned statement: any change in the read-only sysmaster (the current database, or a
 * `sysmaster:` table), and DDL on another database's objects (IBM -556).
 */
export const accessError = (p: Plan, readOnly: boolean): EngineError | undefined => {
  switch (p.kind) {
    case "dml": {
      const table = p.table
      if (table === undefined || table.temp) return undefined
      const inSysmaster = table.schema === undefined ? readOnly : table.schema === "ifx_sysmaster"
      if (!inSysmaster) return undefined
      return p.verb === "insert"
        ? engineError(-275)
        : engineError(p.verb === "update" ? -273 : -274, { parameter: table.name })
    }
    case "createTable":
      if (external(p.name)) return engineError(-556, { offset: p.nameOffset })
      return readOnly && !p.temp ? engineError(-388) : undefined
    case "dropTable":
    case "createView":
    case "dropView":
    case "dropIndex":
      if (external(p.name)) return engineError(-556, { offset: p.nameOffset })
      return readOnly ? engineError(-388) : undefined
    case "createIndex":
    case "alterAdd":
      if (p.table.schema !== undefined) return engineError(-556)
      return readOnly && !p.table.temp ? engineError(-388) : undefined
    default:
      return undefined
  }
}

/** ISAM -140: "ISAM error: operation illegal on a DR Secondary" (IBM's catalogue, isam_en_US.properties). */
export const ISAM_SECONDARY = -140
/** -26097: "Operation is not valid on a secondary server." (IBM's catalogue, sql_en_US.properties). */
export const SQL_SECONDARY_OPERATION = -26097

/**
 * What a read-only secondary (an Informix shared-disk secondary without UPDATABLE_SECONDARY) refuses: a statement
 * that writes a permanent object. DML fails the way a real secondary's ISAM layer makes it fail, the verb's
 * "could not" code with ISAM -140; DDL and other writes with -26097. Temporary tables stay writable (a secondary
 * keeps them in its own temp dbspace). Guessed from IBM's catalogue texts, not captured (docs/protocol-evidence.md).
 */
export const secondaryWriteError = (
  p: Plan,
  target: "permanent" | "temp" | "none"
): EngineError | undefined => {
  if (target !== "permanent") return undefined
  if (p.kind === "dml") {
    const code = p.verb === "insert" ? -271 : p.verb === "update" ? -346 : -240
    return engineError(code, { isamCode: ISAM_SECONDARY })
  }
  return engineError(SQL_SECONDARY_OPERATION)
}
