/**
 * The replies and error codes the server session sends: SQ_ERR codes, the batch failure that aborts a batch, engine
 * errors as SQ_ERR, SQ_DONE / SQ_COST / SQ_XACTSTAT, and byte helpers.
 */
import type { Err, ServerMessage } from "../protocol/messages.ts"
import type { EngineError } from "./engine/api.ts"

// SQLCODEs the layer itself produces (SQLI.md §9.1).
export const SQL_INTERRUPTED = -213
/** OPEN of a statement that returns no rows (IBM −400 "Fetch attempted on unopen cursor" is close; unverified). */
export const SQL_NOT_A_CURSOR = -400
export const SQL_BAD_STATEMENT_ID = -258
export const SQL_CURSOR_NOT_OPEN = -259
/** SQLCODE 100 NOT FOUND (ANSI databases; SQLI.md §9.1). */
export const SQL_NOT_FOUND = 100
/** IBM −267: a cursor used after the transaction it was opened in was rolled back (ROLLBACK closes every cursor). */
export const SQL_CURSOR_ROLLED_BACK = -267
export const SQL_CURSOR_NAME_IN_USE = -260
export const SQL_WRONG_PARAM_COUNT = -254
export const SQL_DATABASE_NOT_FOUND = -329
export const SQL_NO_DATABASE = -349
export const SQL_BAD_PASSWORD = -951
export const SQL_WRONG_SERVER = -761
export const ISAM_NOT_FOUND = -111

export const err = (sqlcode: number, isamCode = 0, parameter = "", offset = 0): Err => ({
  _tag: "Err",
  sqlcode,
  isamCode,
  offset,
  parameter,
  form: "standard"
})

/** IBM: −23197 "Database locale information mismatch" (VALUES.md §11.1, §14 Q12: number unverified). */
export const SQL_LOCALE_MISMATCH = -23197

export const fromEngine = (e: EngineError): Err => err(e.sqlcode, e.isamCode, e.parameter, e.offset)

/** A failure that ends the batch with SQ_ERR. */
export class BatchFailure {
  readonly err: Err
  constructor(error: Err) {
    this.err = error
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Message helpers
// ---------------------------------------------------------------------------------------------------------------

export const done = (rows: number, serial: number): ServerMessage => ({
  _tag: "Done",
  warnings: 0,
  rows,
  rowid: 0,
  serial
})

export const cost = (): ServerMessage => ({ _tag: "Cost", estimatedRows: 0, estimatedCost: 0 })

/**
 * SQ_XACTSTAT values are not understood (SQLI.md §13 Q7; JDBC does not check them): event 1/2/3 for begin, commit and
 * rollback, levels 1 inside and 0 outside a transaction, as the spec suggests as placeholders.
 */
export const xactStat = (kind: "begin" | "commit" | "rollback"): ServerMessage =>
  kind === "begin"
    ? { _tag: "XactStat", event: 1, newLevel: 1, oldLevel: 0 }
    : { _tag: "XactStat", event: kind === "commit" ? 2 : 3, newLevel: 0, oldLevel: 1 }

export const bytes = (text: string, width: number): Uint8Array => {
  const out = new Uint8Array(width)
  for (let i = 0; i < text.length && i < width; i++) out[i] = text.charCodeAt(i)
  return out
}

export const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
