/**
 * The replies and error codes the server session sends: SQ_ERR codes, the batch failure that aborts a batch, engine
 * errors as SQ_ERR, SQ_DONE / SQ_COST / SQ_XACTSTAT, and byte helpers.
 */
import type { Err, ServerMessage } from "../protocol/messages.ts"
import type { EngineError } from "./engine/api.ts"
import type { OpenDatabase } from "./login.ts"

// SQLCODEs the layer itself produces (SQLI.md §9.1).
export const SQL_INTERRUPTED = -213
/** A blob error has occurred in the front-end application (the client's SQ_FERR). */
export const SQL_FRONT_END_BLOB_ERROR = -619
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
/** IBM −377 "Must terminate transaction before closing database." (DATABASE, CREATE/CLOSE DATABASE, DBOPEN/DBCLOSE). */
export const SQL_TRANSACTION_OPEN = -377
export const SQL_BAD_PASSWORD = -951
export const SQL_WRONG_SERVER = -761
/**
 * -908 "Socket connection to server (%s) failed.": a Connection Manager with no server for the service level refuses
 * the login with it (guessed; JDBC's secondarySwitch treats -908 as "try elsewhere", docs/protocol-evidence.md).
 */
export const SQL_NO_SERVER = -908
/** -26097 "Operation is not valid on a secondary server." (CREATE/DROP DATABASE on a secondary; engine/instance.ts). */
export const SQL_SECONDARY_OPERATION = -26097
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
 * SQ_XACTSTAT: JDBC reads only the new level, 1 = a transaction is now open, 0 = none (JDBC-READING.md §3). The event
 * codes 1/2/3 for begin, commit and rollback are placeholders nobody reads (SQLI.md §13 Q7).
 */
export const xactStat = (kind: "begin" | "commit" | "rollback"): ServerMessage =>
  kind === "begin"
    ? { _tag: "XactStat", event: 1, newLevel: 1, oldLevel: 0 }
    : { _tag: "XactStat", event: kind === "commit" ? 2 : 3, newLevel: 0, oldLevel: 1 }

/**
 * An ANSI database opens a transaction with the first statement after COMMIT/ROLLBACK by itself; the client is told as
 * for BEGIN WORK (JDBC-READING.md §3: a server can report implicit transactions this way).
 */
export const implicitBegin = (db: OpenDatabase, wasOpen: boolean, out: Array<ServerMessage>): void => {
  if (db.ansi && !wasOpen && db.engine.inTransaction) out.push(xactStat("begin"))
}

export { concat } from "../wire/concat.ts"
