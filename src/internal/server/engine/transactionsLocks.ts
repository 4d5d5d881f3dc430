/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (engineSession.ts) */
/**
 * Transactions and locks of an engine session: implicit and explicit BEGIN / COMMIT / ROLLBACK on the session's
 * SQLite connection, savepoints (also per statement), the tables a statement writes (held in locks.ts until the
 * end of the transaction) and reads blocked by another session's writes.
 */
import type { EngineError, ExecResult } from "./api.ts"
import { attachDatabases, detachDatabase } from "./crossDatabase.ts"
import { engineError, type ErrorContext, lockError, mapSqliteError } from "./engineErrors.ts"
import type { Session } from "./engineSession.ts"
import type { Plan } from "./planner.ts"
import { quoteIdent } from "./tokenizer.ts"

/** Permanent tables a statement changes (held until the end of the transaction, locks.ts). */
export const writtenTables = (p: Plan): ReadonlyArray<string> => {
  switch (p.kind) {
    case "dml":
      return p.table === undefined || p.table.temp ? [] : [p.table.name]
    case "createTable":
      return p.temp ? [] : [p.name]
    case "dropTable":
    case "createView":
    case "dropView":
      return [p.name]
    case "createIndex":
    case "alterAdd":
      return [p.table.name]
    case "extension":
      return p.tables
    case "select":
      return p.intoPermanent === true && p.intoTemp !== undefined ? [p.intoTemp] : []
    default:
      return []
  }
}

/**
 * Opens the SQLite transaction behind an Informix one lazily, so that reads keep COMMITTED READ semantics.
 *
 * Informix's default isolation on a logged database (COMMITTED READ) holds no read locks and each read sees the
 * latest committed data. The databases are SQLite files in WAL mode, where readers never block writers; a SQLite
 * transaction, however, pins its read snapshot from its first read to its end. So an Informix transaction that
 * has only read runs its statements in SQLite autocommit mode (each sees the latest commit, never uncommitted
 * data), and its SQLite transaction starts at its first write with BEGIN IMMEDIATE: from then on it holds the
 * database's write lock (writers conflict, as Informix's exclusive locks do, reported after the lock wait), and
 * its reads see the latest commit plus its own changes, because nobody else can commit meanwhile. REPEATABLE
 * READ starts the SQLite transaction at the first read instead (a stable snapshot; a later write fails as a lock
 * conflict if another session committed in between — where Informix would have blocked that other writer).
 * A write to temp tables only (session-private, in SQLite's per-connection temp database) starts a deferred
 * transaction instead, so it takes no database-wide write lock (Informix temp tables lock nothing shared); such a
 * transaction's later reads keep the snapshot of their first read, and a later write to a permanent table after
 * another session's commit is a lock conflict.
 */
export function beginImplicit(this: Session, writes: "permanent" | "temp" | "none") {
  // ANSI databases are always in a transaction (IBM: "In an ANSI-compliant database ... a transaction is
  // always in effect"); it starts with the first statement after COMMIT/ROLLBACK.
  if (this.config.ansi) this.openTransaction = true
  if (!this.openTransaction || this.db.isTransaction) return
  this.attachForTransaction()
  if (writes === "permanent") this.beginWriting()
  else if (writes === "temp" || this.isolation === "repeatable read" || this.isolation === "serializable") {
    this.db.exec("BEGIN")
  }
}

/** What a statement writes: nothing, only this session's temp tables, or permanent tables. */
export function writeTarget(this: Session, p: Plan): "permanent" | "temp" | "none" {
  switch (p.kind) {
    case "select":
      return p.intoTemp === undefined ? "none" : p.intoPermanent === true ? "permanent" : "temp"
    case "dml":
      return p.table?.temp === true ? "temp" : "permanent"
    case "createTable":
      return p.temp ? "temp" : "permanent"
    case "dropTable":
      return this.temps.has(p.name.toLowerCase()) ? "temp" : "permanent"
    case "createIndex":
    case "alterAdd":
      return p.table.temp ? "temp" : "permanent"
    case "extension":
      return p.writes
    default:
      return "permanent"
  }
}

/**
 * A read of a table another session's open transaction has written waits for that transaction (locks.ts), except
 * under DIRTY READ, which reads without waiting (and here sees the last committed rows: separate SQLite
 * connections cannot see each other's uncommitted changes).
 */
export function readBlocked(this: Session, p: Plan): EngineError | undefined {
  if (p.kind !== "select" || this.isolation === "dirty read" || this.isolation === "read uncommitted") return
  // A secondary reads the committed rows on the shared disk; the primary's locks are not its own.
  if (this.secondary()) return
  for (const table of p.tables) {
    if (!table.temp && this.config.locks.heldByOther(this, table.name)) {
      return lockError("select", this.lockWaitSeconds, table.name)
    }
  }
  return undefined
}

export function transactionStatement(this: Session, p: Extract<Plan, { kind: "tx" }>): ExecResult | EngineError {
  const r = p.op === "begin"
    ? this.begin()
    : p.op === "commit"
    ? this.commit()
    : p.op === "rollback"
    ? this.rollback()
    : p.op === "savepoint"
    ? this.savepoint(p.name)
    : p.op === "rollbackTo"
    ? this.rollbackToSavepoint(p.name)
    : this.releaseSavepoint(p.name)
  if (r !== undefined) return r
  const changed = p.op === "begin"
    ? "begin"
    : p.op === "commit"
    ? "commit"
    : p.op === "rollback"
    ? "rollback"
    : undefined
  return changed !== undefined && this.config.logged
    ? { rowsAffected: 0, serial: 0, transactionChanged: changed }
    : { rowsAffected: 0, serial: 0 }
}

// ---------------------------------------------------------------------------------------------------------
// DDL
// ---------------------------------------------------------------------------------------------------------

export function inStatementSavepoint<A>(this: Session, body: () => A): A {
  this.db.exec("SAVEPOINT _ifx_ddl")
  try {
    const a = body()
    this.db.exec("RELEASE _ifx_ddl")
    return a
  } catch (error) {
    this.db.exec("ROLLBACK TO _ifx_ddl")
    this.db.exec("RELEASE _ifx_ddl")
    throw error
  }
}

// ---------------------------------------------------------------------------------------------------------
// transactions (SQLI.md §8.10)
// ---------------------------------------------------------------------------------------------------------

/**
 * SET TRANSACTION ISOLATION LEVEL, with Informix's rules (HCL Informix SQL syntax, "SET TRANSACTION"): outside a
 * transaction it fails with -255 (not in transaction; an ANSI database is always in one), once any other statement
 * ran in the transaction, or a second time, with -876; the level ends with the transaction.
 */
export function setTransactionIsolation(this: Session, level: string): ExecResult | EngineError {
  if (!this.config.logged) return engineError(-201)
  if (this.config.ansi) this.openTransaction = true
  if (!this.openTransaction) return engineError(-255)
  if (this.transactionStarted || this.transactionIsolation !== undefined) return engineError(-876)
  this.transactionIsolation = level
  return { rowsAffected: 0, serial: 0 }
}

export function noteStatementInTransaction(this: Session): void {
  if (this.openTransaction || this.config.ansi) this.transactionStarted = true
}

/** COMMIT or ROLLBACK ended the transaction: so does its SET TRANSACTION level. */
export function endTransaction(this: Session): void {
  this.settleCapture()
  this.openTransaction = false
  this.transactionStarted = false
  this.transactionIsolation = undefined
}

export function begin(this: Session): EngineError | undefined {
  // Unlogged database: BEGIN fails. The code follows informix-driver, verified on live unlogged databases,
  // which recognises "no transactions" by sqlcode -201 (SQLI.md §8.10, §13 Q10; docs/protocol-evidence.md).
  if (!this.config.logged) return engineError(-201)
  if (this.openTransaction) return engineError(-535)
  // The SQLite transaction starts with the first write (beginImplicit).
  this.endTransaction()
  this.openTransaction = true
  return undefined
}

export function commit(this: Session): EngineError | undefined {
  if (!this.config.logged) return undefined
  // ANSI: a transaction is always in effect, so ending an empty one is not an error.
  if (this.config.ansi && !this.openTransaction) return undefined
  if (!this.openTransaction) return engineError(-255)
  try {
    if (this.db.isTransaction) this.db.exec("COMMIT")
  } catch (error) {
    return mapSqliteError(error, this.txContext())
  }
  this.endTransaction()
  this.config.locks.releaseAll(this)
  return undefined
}

export function rollback(this: Session): EngineError | undefined {
  if (!this.config.logged) return undefined
  // ANSI: a transaction is always in effect, so ending an empty one is not an error.
  if (this.config.ansi && !this.openTransaction) return undefined
  if (!this.openTransaction) return engineError(-255)
  try {
    if (this.db.isTransaction) this.db.exec("ROLLBACK")
  } catch (error) {
    return mapSqliteError(error, this.txContext())
  }
  this.endTransaction()
  this.config.locks.releaseAll(this)
  this.forgetRolledBackTemps()
  return undefined
}

/** Temp tables created in a rolled-back transaction are gone in SQLite; forget them here too. */
export function forgetRolledBackTemps(this: Session) {
  for (const [key, t] of this.temps) {
    const exists = this.statement(
      "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND lower(name) = ?",
      (stmt) => stmt.get(t.name.toLowerCase())
    )
    if (exists === undefined) this.temps.delete(key)
  }
}

export function savepoint(this: Session, name: string): EngineError | undefined {
  if (!this.inTransaction) return engineError(-255)
  // A savepoint needs the SQLite transaction (a bare SAVEPOINT would open a deferred one that pins a snapshot).
  if (!this.db.isTransaction) {
    this.attachForTransaction()
    try {
      this.beginWriting()
    } catch (error) {
      return mapSqliteError(error, this.txContext())
    }
  }
  return this.txExec(`SAVEPOINT ${quoteIdent(name)}`)
}

export function rollbackToSavepoint(this: Session, name: string): EngineError | undefined {
  if (!this.inTransaction) return engineError(-255)
  const failed = this.txExec(`ROLLBACK TO ${quoteIdent(name)}`)
  if (failed === undefined) this.forgetRolledBackTemps()
  return failed
}

export function releaseSavepoint(this: Session, name: string): EngineError | undefined {
  if (!this.inTransaction) return engineError(-255)
  return this.txExec(`RELEASE ${quoteIdent(name)}`)
}

/**
 * Starts the SQLite transaction holding this database's write lock only. BEGIN IMMEDIATE would lock every attached
 * database too (so a writer here would block writers of every other database); a no-op write to the catalog takes
 * the lock of `main` alone, and the other databases are locked when the transaction writes them.
 */
export function beginWriting(this: Session) {
  this.db.exec("BEGIN")
  try {
    this.db.exec("DELETE FROM main._ifx_serial WHERE 0")
  } catch (error) {
    this.db.exec("ROLLBACK")
    throw error
  }
}

/**
 * Attaches the instance's other logged databases before a transaction starts (SQLite cannot attach inside one), so
 * the transaction can name any of them (crossDatabase.ts `attachDatabases`). Unlogged databases have no
 * transactions to join; the system databases are read alone.
 */
export function attachForTransaction(this: Session) {
  if (!this.config.logged) return
  const others = this.env.instanceDatabases().filter((name) =>
    name !== this.database.toLowerCase() && this.env.database(name)?.logged === true
  )
  attachDatabases(this.db, this.attached, others, this.env.database)
}

/** This session has `database` open or attached (DROP DATABASE, DATABASE ... EXCLUSIVE). */
export function uses(this: Session, database: string): boolean {
  return this.database.toLowerCase() === database || this.attached.has(database)
}

/** Lets go of an attached database (DROP DATABASE): false while the session has it open or in a transaction. */
export function releaseDatabase(this: Session, database: string): boolean {
  if (this.database.toLowerCase() === database) return false
  return detachDatabase(this.db, this.attached, database)
}

export function txExec(this: Session, sql: string): EngineError | undefined {
  try {
    this.db.exec(sql)
    return undefined
  } catch (error) {
    const message = error instanceof Error ? error.message : ""
    // No such savepoint: reported as a syntax-level error naming the savepoint.
    if (/no such savepoint: (.*)/.test(message)) {
      return engineError(-201, { parameter: /no such savepoint: (.*)/.exec(message)![1]! })
    }
    return mapSqliteError(error, this.txContext())
  }
}

export function txContext(this: Session): ErrorContext {
  return { verb: "ddl", table: undefined, tokens: [], lockWaitSeconds: this.lockWaitSeconds }
}
