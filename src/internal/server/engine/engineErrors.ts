/**
 * EngineError construction and the mapping of SQLite's failures to Informix sqlcodes.
 *
 * Codes and their IBM message texts (IBM Informix Error Messages; SQLI.md §9.1 lists the ones peers have seen):
 *   -201 A syntax error has occurred.                    -206 The specified table (%s) is not in the database. (ISAM -111)
 *   -217 Column (%s) not found in any table in the query. -239 Could not insert new row - duplicate value in a UNIQUE INDEX column (%s).
 *   -268 Unique constraint (%s) violated. (ISAM -100)     -391 Cannot insert a null into column (%s).
 *   -310 Table (%s) already exists in database.           -316 Index (%s) already exists in database.
 *   -319 Index (%s) does not exist.                       -324 Ambiguous column (%s).
 *   -530 Check constraint (%s) failed.                    -674 Routine (%s) can not be resolved.
 *   -691 Missing key in referenced table for referential constraint (%s).
 *   -692 Key value for constraint (%s) is still being referenced.
 *   -1202 An attempt was made to divide by zero.
 * Lock conflicts (IBM: the statement-level code says what could not be done, the ISAM code why):
 *   -244 Could not do a physical-order read to fetch next row (SELECT)   -271 Could not insert new row into the table
 *   -346 Could not update a row in the table                             -240 Could not delete a row
 *   -242 Could not open database table (DDL)
 *   ISAM -107 "Record is locked" (SET LOCK MODE TO NOT WAIT, the default) or -154 "Lock timeout expired" (WAIT n).
 */
import type { EngineError } from "./api.ts"
import type { TableInfo } from "./catalog.ts"
import type { Token } from "./tokenizer.ts"
import type { TranslateError } from "./translate.ts"

export const engineError = (
  sqlcode: number,
  options?: {
    readonly isamCode?: number
    readonly offset?: number
    readonly parameter?: string
    readonly lockConflict?: boolean
  }
): EngineError => ({
  _tag: "EngineError",
  sqlcode,
  isamCode: options?.isamCode ?? 0,
  offset: options?.offset ?? 0,
  parameter: options?.parameter ?? "",
  ...(options?.lockConflict === true ? { lockConflict: true } : {})
})

export const fromTranslateError = (e: TranslateError): EngineError =>
  engineError(e.sqlcode, { isamCode: e.isamCode, offset: e.offset, parameter: e.parameter })

/** Thrown by the engine's SQLite functions (functions.ts) to carry an Informix code through SQLite. */
export const udfFailure = (sqlcode: number, parameter = "") => new Error(`ifx:${sqlcode}:${parameter}`)

export interface ErrorContext {
  readonly verb: "select" | "insert" | "update" | "delete" | "ddl"
  readonly table: TableInfo | undefined
  readonly tokens: ReadonlyArray<Token>
  readonly lockWaitSeconds: number
}

const lockCode = { select: -244, insert: -271, update: -346, delete: -240, ddl: -242 } as const

/** A retryable lock conflict of `verb` under the session's lock mode. */
export const lockError = (verb: ErrorContext["verb"], lockWaitSeconds: number, table = ""): EngineError =>
  engineError(lockCode[verb], { isamCode: lockWaitSeconds === 0 ? -107 : -154, parameter: table, lockConflict: true })

export const mapSqliteError = (error: unknown, ctx: ErrorContext): EngineError => {
  const message = error instanceof Error ? error.message : String(error)
  const errcode = typeof error === "object" && error !== null && "errcode" in error ? Number(error.errcode) : 0
  const primary = errcode & 0xff
  const udf = /ifx:(-?\d+):(.*)$/s.exec(message)
  if (udf !== null) return engineError(Number(udf[1]), { parameter: udf[2] ?? "" })
  if (primary === 5 || primary === 6 || /database (table |schema )?is locked/.test(message)) {
    return lockError(ctx.verb, ctx.lockWaitSeconds, ctx.table?.name ?? "")
  }
  let m: RegExpExecArray | null
  if ((m = /no such table: (?:\w+\.)?(.+)$/.exec(message)) !== null) {
    return engineError(-206, { isamCode: -111, parameter: m[1]!, offset: offsetOf(ctx.tokens, m[1]!) })
  }
  if ((m = /no such column: (.+)$/.exec(message)) !== null) {
    const name = m[1]!
    return engineError(-217, { parameter: name, offset: offsetOf(ctx.tokens, name.split(".").pop()!) })
  }
  if ((m = /ambiguous column name: (.+)$/.exec(message)) !== null) {
    return engineError(-324, { parameter: m[1]!, offset: offsetOf(ctx.tokens, m[1]!) })
  }
  if ((m = /UNIQUE constraint failed: (.+)$/.exec(message)) !== null || /PRIMARY KEY must be unique/.test(message)) {
    const columns = (m?.[1] ?? "").split(",").map((c) => c.trim().split(".").pop()!.toLowerCase())
    const unique = ctx.table?.uniques.find((u) =>
      u.columns.length === columns.length && u.columns.every((c) => columns.includes(c.toLowerCase()))
    )
    if (unique !== undefined && unique.kind === "index") {
      return engineError(-239, { isamCode: -100, parameter: unique.name })
    }
    return engineError(-268, { isamCode: -100, parameter: unique === undefined ? "" : `informix.${unique.name}` })
  }
  if ((m = /NOT NULL constraint failed: (.+)$/.exec(message)) !== null) {
    return engineError(-391, { parameter: m[1]! })
  }
  if ((m = /CHECK constraint failed: (.+)$/.exec(message)) !== null) {
    const name = m[1]!.trim()
    const range = /^ifx(\d+)_(.*)$/.exec(name)
    if (range !== null) return engineError(-Number(range[1]), { parameter: range[2]! })
    return engineError(-530, { parameter: `informix.${name}` })
  }
  if (/FOREIGN KEY constraint failed/.test(message)) {
    return engineError(ctx.verb === "delete" || ctx.verb === "update" ? -692 : -691)
  }
  if ((m = /near "(.*)": syntax error/.exec(message)) !== null) {
    return engineError(-201, { offset: offsetOf(ctx.tokens, m[1]!) })
  }
  if (/incomplete input/.test(message)) {
    return engineError(-201, { offset: ctx.tokens[ctx.tokens.length - 1]?.offset ?? 0 })
  }
  if ((m = /table "?([^"\s]+)"? already exists/.exec(message)) !== null) return engineError(-310, { parameter: m[1]! })
  if ((m = /index "?([^"\s]+)"? already exists/.exec(message)) !== null) return engineError(-316, { parameter: m[1]! })
  if ((m = /no such index: (.+)$/.exec(message)) !== null) return engineError(-319, { parameter: m[1]! })
  if ((m = /(?:no such function|wrong number of arguments to function) ?:? ?(\w+)/.exec(message)) !== null) {
    return engineError(-674, { parameter: m[1]!, offset: offsetOf(ctx.tokens, m[1]!) })
  }
  if (/cannot start a transaction within a transaction/.test(message)) return engineError(-535)
  if (/no transaction is active/.test(message)) return engineError(-255)
  if (/integer overflow/.test(message)) return engineError(-1215)
  // Anything else SQLite rejects is outside the documented subset: a syntax error, with SQLite's words as the
  // message parameter to help whoever reads the log.
  return engineError(-201, { parameter: message })
}

const offsetOf = (tokens: ReadonlyArray<Token>, text: string): number => {
  const lower = text.toLowerCase()
  return tokens.find((t) => t.text.toLowerCase() === lower)?.offset ?? 0
}
