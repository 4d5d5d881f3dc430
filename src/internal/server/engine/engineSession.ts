/**
 * One engine session: one SQLite connection (so transactions and locks are per client session, like Informix),
 * the session's temp tables, its transaction state, lock-wait mode and isolation, and a cache of SQLite prepared
 * statements.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite"
import { LocalDate } from "../../../InformixValue.ts"
import type { Charset } from "../../values/charset.ts"
import { TypeCode } from "../../values/typeCodes.ts"
import {
  type EngineCursor,
  type EngineError,
  type EngineSession,
  type ExecResult,
  isEngineError,
  type Prepared,
  type Value
} from "./api.ts"
import { BuiltinCallPrepared } from "./builtinCall.ts"
import { registerBuiltins } from "./builtins.ts"
import { readTable, type TableInfo } from "./catalog.ts"
import { type ChangeCapture, registerChangeLogFunctions } from "./changeCapture.ts"
import { splitQualified } from "./crossDatabase.ts"
import { executeDenied, statementDenied } from "./databasePrivileges.ts"
import { createSerialTriggers, ddl, selectIntoTemp } from "./ddlExecution.ts"
import { engineError, type ErrorContext, mapSqliteError } from "./engineErrors.ts"
import type { ExtensionHost } from "./extension.ts"
import { registerFunctions } from "./functions.ts"
import { accessError, secondaryWriteError } from "./instance.ts"
import type { TableLocks } from "./locks.ts"
import { registerMetadataFunctions } from "./metadataCatalog.ts"
import type { Plan } from "./planner.ts"
import { PreparedStatement } from "./prepared.ts"
import { bind, describeSelect, errorContext, prepare, prepareTokens } from "./prepareDescribe.ts"
import { planPrivileges } from "./privileges.ts"
import type { PushData } from "./pushData.ts"
import { SessionSequences } from "./sequences.ts"
import { RoutinePrepared, Routines } from "./spl/routines.ts"
import { updatedColumns } from "./spl/triggerParse.ts"
import { ScrollCursor, StreamCursor } from "./sqliteCursors.ts"
import { synonymTarget } from "./synonyms.ts"
import { quoteIdent } from "./tokenizer.ts"
import {
  attachForTransaction,
  begin,
  beginImplicit,
  beginWriting,
  commit,
  endTransaction,
  forgetRolledBackTemps,
  inStatementSavepoint,
  noteStatementInTransaction,
  readBlocked,
  releaseDatabase,
  releaseSavepoint,
  rollback,
  rollbackToSavepoint,
  savepoint,
  setTransactionIsolation,
  transactionStatement,
  txContext,
  txExec,
  uses,
  writeTarget,
  writtenTables
} from "./transactionsLocks.ts"
import type { TranslateContext } from "./translate.ts"
import { isSerial } from "./types.ts"
import { userTypeResolver } from "./userTypes.ts"
import { fromStorage, type Stored } from "./values.ts"

export interface DatabaseConfig {
  readonly name: string
  readonly logged: boolean
  readonly ansi: boolean
  /** Path or URI given to DatabaseSync. */
  readonly location: string
  readonly wal: boolean
  /** A throwaway file (the "in-memory" databases): no fsync (synchronous = OFF). */
  readonly scratch: boolean
  /** Tables written by open transactions of this database's sessions (locks.ts). */
  readonly locks: TableLocks
  /** The database code set: text values are strings of its characters; LENGTH counts its bytes. */
  readonly charset: Charset
  /** sysmaster: SELECT only (instance.ts `accessError`). */
  readonly readOnly: boolean
}

export interface SessionEnvironment {
  readonly serverVersion: string
  readonly hostName: string
  readonly now: () => Date
  /** DBSERVERNAME (`db@server:table`, DBSERVERNAME / SITENAME). */
  readonly serverName: string
  /** The other databases of the instance (cross-database names, crossDatabase.ts). */
  readonly database: (name: string) => DatabaseConfig | undefined
  /** Rewrites sysmaster:syssessions before a statement reads it. */
  readonly refreshSessions: () => void
  /** The instance's user databases (lower case), attached before a transaction starts. */
  readonly instanceDatabases: () => ReadonlyArray<string>
  /** The instance's change capture (changeCapture.ts). */
  readonly capture: ChangeCapture
  /** The instance's push-data sessions (pushData.ts). */
  readonly push: PushData
}

let sessionIds = 0

export class Session implements EngineSession {
  readonly database: string
  readonly user: string
  readonly config: DatabaseConfig
  readonly env: SessionEnvironment
  readonly db: DatabaseSync
  readonly temps = new Map<string, TableInfo>()
  readonly permanent = new Map<string, TableInfo | null>()
  schemaVersion = -1
  readonly idle = new Map<string, Array<StatementSync>>()
  /** An Informix transaction is open (BEGIN WORK, or an ANSI database's first statement since COMMIT/ROLLBACK). */
  openTransaction = false
  closed = false
  lockWaitSeconds = 0
  /** From SET ISOLATION: lasts for the session. */
  sessionIsolation = "committed read"
  /** From SET TRANSACTION ISOLATION LEVEL: lasts until COMMIT/ROLLBACK. */
  transactionIsolation: string | undefined = undefined
  /** A statement other than SET TRANSACTION ran in the open transaction (then SET TRANSACTION is refused). */
  transactionStarted = false
  lastSerial = 0
  lastSerial8 = 0n
  lastBigserial = 0n
  lastRows = 0
  readonly translateContext: TranslateContext
  readonly onClose: (s: Session) => void
  /** DBINFO('sessionid'). */
  readonly id = ++sessionIds
  readonly sequences: SessionSequences
  /** What extension statements (extension.ts) use of the session. */
  readonly host: ExtensionHost
  /** SPL routines and triggers (spl/): their statements, the interpreter, the triggers fired around DML. */
  readonly routines: Routines
  /** Statements reading sysmaster:syssessions, rewritten from the live sessions before each run. */
  readonly sessionReaders = new WeakSet<Prepared>()
  /** Other databases attached to this connection (lower-case names; crossDatabase.ts). */
  readonly attached = new Set<string>()
  /** The client runs with DELIMIDENT: `"Name"` is an identifier that keeps its case (tokenizer.ts). */
  delimident = false
  /** The transaction id the capture triggers logged this transaction's changes with (changeLog.ts), if any. */
  captureTx: number | undefined = undefined
  /**
   * The session runs on a read-only secondary of a TestServer cluster (it is asked per statement: a promotion makes
   * the server primary): permanent writes are refused (instance.ts `secondaryWriteError`) and reads never wait for
   * the primary's locks (a secondary reads the committed rows on the shared disk).
   */
  secondary: () => boolean = () => false

  constructor(config: DatabaseConfig, user: string, env: SessionEnvironment, onClose: (s: Session) => void) {
    this.config = config
    this.database = config.name
    this.user = user
    this.env = env
    this.onClose = onClose
    // busy timeout 0: lock conflicts come back at once; the async session layer waits (SET LOCK MODE) itself.
    this.db = new DatabaseSync(config.location, { timeout: 0, enableForeignKeyConstraints: true })
    if (config.scratch) this.db.exec("PRAGMA synchronous = OFF")
    registerMetadataFunctions(this.db)
    registerFunctions(this.db, {
      now: env.now,
      byteLength: (text) => config.charset.name === "8859-1" ? text.length : config.charset.encode(text).length,
      dbinfo: (name) => {
        switch (name) {
          case "sqlca.sqlerrd1":
            return this.lastSerial
          case "sqlca.sqlerrd2":
            return this.lastRows
          case "serial8":
            return this.lastSerial8
          case "bigserial":
            return this.lastBigserial
          case "utc_current":
            return Math.floor(env.now().getTime() / 1000)
          case "sessionid":
            return this.id
          default:
            return 1
        }
      }
    })
    registerBuiltins(this.db, user)
    registerChangeLogFunctions(this.db, () => (this.captureTx ??= env.capture.nextTransactionId()))
    this.sequences = new SessionSequences(this.db, config.location)
    this.translateContext = {
      table: (name) => this.table(name),
      user,
      dbname: config.name,
      serverVersion: env.serverVersion,
      hostName: env.hostName,
      serverName: env.serverName,
      sequence: (name) => this.sequences.lookup(name),
      // Only a synonym of this database's catalog (a name table() resolves to another table may be another
      // database's, crossDatabase.ts).
      synonym: (name) => (this.temps.has(name.toLowerCase()) ? undefined : synonymTarget(this.db, name)),
      routineType: (name) => this.routines.routine(name)?.returning[0]?.type,
      userType: userTypeResolver(this.db)
    }
    this.host = {
      db: this.db,
      user,
      database: config.name,
      ansi: config.ansi,
      location: config.location,
      role: undefined,
      table: (name) => this.table(name),
      today: () => this.today(),
      inStatementSavepoint: (body) => this.inStatementSavepoint(body),
      catalogChanged: () => this.permanent.clear(),
      setTemp: (name, table) => {
        if (table === undefined) this.temps.delete(name.toLowerCase())
        else this.temps.set(name.toLowerCase(), table)
      },
      run: (sql, values) => ({ changes: Number(this.db.prepare(sql).run(...values).changes) }),
      setRowCount: (rows) => {
        this.lastRows = rows
      },
      withTriggers: (verb, table, set, run) => this.routines.triggers.around(verb, table, set, run, true)
    }
    this.routines = new Routines({
      db: this.db,
      user,
      database: config.name,
      prepare: (sql) => this.prepare(sql),
      // Statements of routines and triggers run with their owner's privileges, not the caller's (privileges.ts).
      execute: (p, params) => this.asRoutine(() => this.execute(p, params)),
      openCursor: (p, params) => this.asRoutine(() => this.openCursor(p, params)),
      table: (name) => this.table(name),
      write: (body) => {
        try {
          this.beginImplicit("permanent")
          this.inStatementSavepoint(body)
          return undefined
        } catch (error) {
          return mapSqliteError(error, this.txContext())
        }
      },
      settle: () => {
        if (!this.db.isTransaction) this.config.locks.releaseAll(this)
      },
      ansi: config.ansi,
      executeDenied: (routine) =>
        this.routineDepth > 0 ? undefined : executeDenied(this.db, this.user, this.host.role, routine),
      today: () => this.today()
    })
  }

  fastPathRoutine(routine: number | { readonly name: string; readonly numargs: number }) {
    this.refreshCatalog()
    return this.routines.fastPathRoutine(routine)
  }

  callFastPath(procid: number, args: ReadonlyArray<Value>) {
    this.refreshCatalog()
    return this.routines.callFastPath(procid, args)
  }

  /** Depth of SPL routine / trigger statements being run (their privileges are not the caller's). */
  routineDepth = 0

  asRoutine<A>(body: () => A): A {
    this.routineDepth++
    try {
      return body()
    } finally {
      this.routineDepth--
    }
  }

  /** The isolation in effect: the transaction's own level (SET TRANSACTION), else the session's (SET ISOLATION). */
  get isolation(): string {
    return this.transactionIsolation ?? this.sessionIsolation
  }

  get inTransaction(): boolean {
    return this.openTransaction
  }

  // ---------------------------------------------------------------------------------------------------------
  // catalog access
  // ---------------------------------------------------------------------------------------------------------

  refreshCatalog() {
    const row = this.statement("PRAGMA schema_version", (s) => s.get()) as { schema_version: number | bigint }
    const version = Number(row.schema_version)
    if (version !== this.schemaVersion) {
      this.permanent.clear()
      // Cached SQLite statements describe the old schema (a renamed or rebuilt table's columns).
      if (this.schemaVersion !== -1) this.idle.clear()
      this.schemaVersion = version
      this.routines.invalidate()
    }
  }

  table(name: string): TableInfo | undefined {
    // `ifx_<db>.table` (crossDatabase.ts): read from that database's own catalog, uncached (its schema version is
    // not this connection's).
    const qualified = splitQualified(name)
    if (qualified !== undefined) return readTable(this.db, qualified.table, qualified.schema)
    const lower = name.toLowerCase()
    const temp = this.temps.get(lower)
    if (temp !== undefined) return temp
    let cached = this.permanent.get(lower)
    if (cached === undefined) {
      // A synonym stands for its base table (synonyms.ts).
      const own = readTable(this.db, name)
      const base = own === undefined ? synonymTarget(this.db, name) : undefined
      cached = own ?? (base === undefined ? undefined : readTable(this.db, base)) ?? null
      this.permanent.set(lower, cached)
    }
    return cached ?? undefined
  }

  // ---------------------------------------------------------------------------------------------------------
  // SQLite statement cache
  // ---------------------------------------------------------------------------------------------------------

  acquire(sql: string): StatementSync {
    const pool = this.idle.get(sql)
    const cached = pool?.pop()
    if (cached !== undefined) return cached
    const stmt = this.db.prepare(sql)
    stmt.setReadBigInts(true)
    return stmt
  }

  release(sql: string, stmt: StatementSync) {
    let pool = this.idle.get(sql)
    if (pool === undefined) {
      // Bound the cache: clients that inline literals produce endless distinct texts (oldest text goes first).
      if (this.idle.size >= 512) this.idle.delete(this.idle.keys().next().value!)
      pool = []
      this.idle.set(sql, pool)
    }
    if (pool.length < 4) pool.push(stmt)
  }

  statement<A>(sql: string, use: (s: StatementSync) => A): A {
    const stmt = this.acquire(sql)
    try {
      return use(stmt)
    } finally {
      this.release(sql, stmt)
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // execute
  // ---------------------------------------------------------------------------------------------------------

  execute(prepared: Prepared, params: ReadonlyArray<Value>): ExecResult | EngineError {
    // Database-level privileges and ownership for DDL and GRANT (databasePrivileges.ts).
    const ddlDenied = statementDenied({
      db: this.db,
      user: this.user,
      role: this.host.role,
      inRoutine: this.routineDepth > 0,
      delimident: this.delimident
    }, prepared)
    if (ddlDenied !== undefined) return ddlDenied
    if (prepared instanceof BuiltinCallPrepared) {
      return prepared.owner === this ? prepared.execute(params) : engineError(-258)
    }
    if (prepared instanceof RoutinePrepared && prepared.owner === this.routines) {
      if (prepared.paramCount !== params.length) return engineError(-254)
      return this.routines.execute(prepared, params)
    }
    if (!(prepared instanceof PreparedStatement) || prepared.session !== this) return engineError(-258)
    const p = prepared.plan
    const ctx = this.errorContext(p, prepared.tokens)
    switch (p.kind) {
      case "tx":
        return this.transactionStatement(p)
      case "setLockMode":
        this.lockWaitSeconds = p.seconds
        return { rowsAffected: 0, serial: 0 }
      case "setIsolation":
        // The level drives readBlocked (DIRTY READ does not wait) and beginImplicit (REPEATABLE READ pins a
        // snapshot); SQLite's read_uncommitted would only matter for a shared cache, which the engine does not use.
        if (p.scope === "transaction") return this.setTransactionIsolation(p.level)
        this.sessionIsolation = p.level
        return { rowsAffected: 0, serial: 0 }
      case "noop":
        return { rowsAffected: 0, serial: 0 }
      default:
        break
    }
    const readOnly = accessError(p, this.config.readOnly)
    if (readOnly !== undefined) return readOnly
    if (this.secondary()) {
      const refused = secondaryWriteError(p, this.writeTarget(p))
      if (refused !== undefined) return refused
    }
    if (this.sessionReaders.has(prepared)) this.env.refreshSessions()
    const values = p.kind === "select" || p.kind === "dml" || p.kind === "extension" ? this.bind(prepared, params) : []
    if (!Array.isArray(values)) return values
    this.noteStatementInTransaction()
    const blocked = this.readBlocked(p)
    if (blocked !== undefined) return blocked
    const denied = planPrivileges(this, p, prepared.tokens)
    if (denied !== undefined) return denied
    try {
      this.beginImplicit(this.writeTarget(p))
      const result = this.run(prepared, p, values, ctx)
      if (this.db.isTransaction && !isEngineError(result)) {
        for (const table of writtenTables(p)) this.config.locks.hold(this, table)
      }
      return result
    } catch (error) {
      return mapSqliteError(error, ctx)
    } finally {
      // An autocommit statement is its own transaction: it has committed (or rolled back) by now.
      if (!this.db.isTransaction) this.settleCapture()
    }
  }

  /** The transaction ended: its captured changes (if any) are readable now (rolled back ones are simply gone). */
  settleCapture(): void {
    if (this.captureTx === undefined) return
    this.captureTx = undefined
    this.env.capture.committed()
  }

  captureReader(fd: number) {
    return this.env.capture.session(this, fd)
  }

  pushReader(fd: number) {
    return this.env.push.reader(this, fd)
  }

  run(
    prepared: PreparedStatement,
    p: Plan,
    values: Array<SQLInputValue>,
    ctx: ErrorContext
  ): ExecResult | EngineError {
    switch (p.kind) {
      case "extension":
        return p.run(this.host, values)
      case "dml":
        return this.routines.triggers.around(
          p.verb,
          p.table,
          p.verb === "update" ? updatedColumns(prepared.tokens) : new Set(),
          () => this.runDml(p, values)
        )
      case "select": {
        if (p.intoTemp !== undefined) return this.selectIntoTemp(prepared, p.intoTemp, values)
        const count = this.statement(p.sql, (s) => {
          let n = 0
          for (const _ of s.iterate(...values)) n++
          return n
        })
        this.lastRows = count
        return { rowsAffected: count, serial: 0 }
      }
      default:
        return this.ddl(p, ctx)
    }
  }

  runDml(p: Extract<Plan, { kind: "dml" }>, values: Array<SQLInputValue>): ExecResult {
    const result = this.statement(p.sql, (s) => s.run(...values))
    const rows = Number(result.changes)
    this.lastRows = rows
    const out: { rowsAffected: number; serial: number; serial8?: bigint; bigserial?: bigint; notFound?: boolean } = {
      rowsAffected: rows,
      serial: 0
    }
    if (this.config.ansi && rows === 0 && (p.verb !== "insert" || p.fromSelect)) out.notFound = true
    if (p.verb === "insert" && p.table !== undefined && rows > 0) {
      const serials = p.table.columns.filter((c) => isSerial(c.type))
      if (serials.length > 0) {
        const schema = p.table.temp ? "temp." : ""
        const row = this.statement(
          `SELECT ${serials.map((c) => quoteIdent(c.name)).join(", ")} FROM ${schema}${
            quoteIdent(p.table.name)
          } WHERE rowid = ?`,
          (s) => {
            s.setReturnArrays(true)
            return s.get(result.lastInsertRowid) as Array<bigint | number | null> | undefined
          }
        )
        serials.forEach((c, i) => {
          const v = row?.[i]
          if (v === null || v === undefined) return
          if (c.type.code === TypeCode.SERIAL) {
            this.lastSerial = Number(v)
            out.serial = Number(v)
          } else if (c.type.code === TypeCode.SERIAL8) {
            this.lastSerial8 = BigInt(v)
            out.serial8 = BigInt(v)
          } else {
            this.lastBigserial = BigInt(v)
            out.bigserial = BigInt(v)
          }
        })
      }
    }
    return out
  }

  today() {
    const d = this.env.now()
    return new LocalDate(d.getFullYear(), d.getMonth() + 1, d.getDate()).toDayNumber()
  }

  // ---------------------------------------------------------------------------------------------------------
  // cursors
  // ---------------------------------------------------------------------------------------------------------

  openCursor(
    prepared: Prepared,
    params: ReadonlyArray<Value>,
    options?: { readonly scroll?: boolean }
  ): EngineCursor | EngineError {
    if (prepared instanceof BuiltinCallPrepared) {
      return prepared.owner === this ? prepared.openCursor(params) : engineError(-258)
    }
    if (prepared instanceof RoutinePrepared && prepared.owner === this.routines) {
      if (prepared.paramCount !== params.length) return engineError(-254)
      return this.routines.openCursor(prepared, params)
    }
    if (!(prepared instanceof PreparedStatement) || prepared.session !== this) return engineError(-258)
    const p = prepared.plan
    if (p.kind !== "select" || p.intoTemp !== undefined) {
      // IBM: -481 "Invalid statement name or statement was not prepared" is close; the statement exists but is
      // not a SELECT. A real server reports the cursor as not a SELECT cursor: -400-range codes are not pinned.
      return engineError(-201, { parameter: "not a SELECT statement" })
    }
    const values = this.bind(prepared, params)
    if (!Array.isArray(values)) return values
    this.noteStatementInTransaction()
    if (this.sessionReaders.has(prepared)) this.env.refreshSessions()
    const ctx = this.errorContext(p, prepared.tokens)
    const blocked = this.readBlocked(p)
    if (blocked !== undefined) return blocked
    const denied = planPrivileges(this, p, prepared.tokens)
    if (denied !== undefined) return denied
    // SELECT triggers of the tables this query reads (spl/selectTriggers.ts) fire before its rows are read.
    const triggered = this.routines.triggers.beforeQuery(
      prepared.sql,
      prepared.tokens,
      params,
      options?.scroll === true
    )
    if (triggered !== undefined) return triggered
    const types = prepared.columnTypes
    const convert = (row: Array<unknown>): Array<Value> => row.map((v, i) => fromStorage(v as Stored, types[i]!))
    let stmt: StatementSync
    let iterator: Iterator<unknown>
    let first: IteratorResult<unknown>
    try {
      this.beginImplicit("none")
      stmt = this.acquire(p.sql)
      stmt.setReturnArrays(true)
      iterator = stmt.iterate(...values)
      // Step once now so a lock conflict is reported at OPEN, where the session layer can retry.
      first = iterator.next()
    } catch (error) {
      return mapSqliteError(error, ctx)
    }
    const finish = () => {
      iterator.return?.()
      stmt.setReturnArrays(false)
      this.release(p.sql, stmt)
    }
    if (options?.scroll === true) {
      const rows: Array<Array<Value>> = []
      try {
        let r = first
        while (r.done !== true) {
          rows.push(convert(r.value as Array<unknown>))
          r = iterator.next()
        }
      } catch (error) {
        finish()
        return mapSqliteError(error, ctx)
      }
      finish()
      return new ScrollCursor(prepared.columns, rows)
    }
    return new StreamCursor(prepared.columns, first, iterator, convert, finish, (e) => mapSqliteError(e, ctx))
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      if (this.db.isTransaction) this.db.exec("ROLLBACK")
    } catch {
      // The connection is closing anyway; SQLite rolls back on close.
    }
    this.config.locks.releaseAll(this)
    this.idle.clear()
    this.db.close()
    this.onClose(this)
  }

  // The methods of each concern live in their own file (prepareDescribe.ts, transactionsLocks.ts, ddlExecution.ts) as
  // functions of `this: Session`; installed on the prototype below (non-enumerable, like class methods).
  declare readonly prepare: typeof prepare
  declare readonly prepareTokens: typeof prepareTokens
  declare readonly describeSelect: typeof describeSelect
  declare readonly errorContext: typeof errorContext
  declare readonly bind: typeof bind
  declare readonly beginImplicit: typeof beginImplicit
  declare readonly writeTarget: typeof writeTarget
  declare readonly readBlocked: typeof readBlocked
  declare readonly selectIntoTemp: typeof selectIntoTemp
  declare readonly transactionStatement: typeof transactionStatement
  declare readonly inStatementSavepoint: typeof inStatementSavepoint
  declare readonly ddl: typeof ddl
  declare readonly createSerialTriggers: typeof createSerialTriggers
  declare readonly setTransactionIsolation: typeof setTransactionIsolation
  declare readonly noteStatementInTransaction: typeof noteStatementInTransaction
  declare readonly endTransaction: typeof endTransaction
  declare readonly begin: typeof begin
  declare readonly commit: typeof commit
  declare readonly rollback: typeof rollback
  declare readonly forgetRolledBackTemps: typeof forgetRolledBackTemps
  declare readonly savepoint: typeof savepoint
  declare readonly rollbackToSavepoint: typeof rollbackToSavepoint
  declare readonly releaseSavepoint: typeof releaseSavepoint
  declare readonly txExec: typeof txExec
  declare readonly txContext: typeof txContext
  declare readonly beginWriting: typeof beginWriting
  declare readonly attachForTransaction: typeof attachForTransaction
  declare readonly uses: typeof uses
  declare readonly releaseDatabase: typeof releaseDatabase
}

const methods = {
  prepare,
  prepareTokens,
  describeSelect,
  errorContext,
  bind,
  beginImplicit,
  writeTarget,
  readBlocked,
  selectIntoTemp,
  transactionStatement,
  inStatementSavepoint,
  ddl,
  createSerialTriggers,
  setTransactionIsolation,
  noteStatementInTransaction,
  endTransaction,
  begin,
  commit,
  rollback,
  forgetRolledBackTemps,
  savepoint,
  rollbackToSavepoint,
  releaseSavepoint,
  txExec,
  txContext,
  beginWriting,
  attachForTransaction,
  uses,
  releaseDatabase
}
for (const [name, method] of Object.entries(methods)) {
  Object.defineProperty(Session.prototype, name, { value: method, writable: true, configurable: true })
}
