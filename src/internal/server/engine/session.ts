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
  type ColumnDescription,
  type EngineCursor,
  type EngineError,
  type EngineSession,
  type ExecResult,
  isEngineError,
  type Prepared,
  type Value
} from "./api.ts"
import {
  addColumns,
  nextTabid,
  readTable,
  registerIndex,
  registerTable,
  registerUniques,
  type TableInfo,
  unregisterTable
} from "./catalog.ts"
import { engineError, type ErrorContext, fromTranslateError, lockError, mapSqliteError } from "./errors.ts"
import { registerFunctions } from "./functions.ts"
import type { TableLocks } from "./locks.ts"
import { type ColumnDef, type Plan, plan } from "./statement.ts"
import { quoteIdent, type Token, tokenize } from "./tokenizer.ts"
import { isTranslateError, type TranslateContext } from "./translate.ts"
import { family, type IfxType, isSerial, Types } from "./types.ts"
import { fitToColumn, fromStorage, isConversionError, type Stored, toStorage, toStorageUntyped } from "./values.ts"

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
}

export interface SessionEnvironment {
  readonly serverVersion: string
  readonly hostName: string
  readonly now: () => Date
}

class PreparedStatement implements Prepared {
  readonly statementType: number
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly paramCount: number
  readonly paramTypes: ReadonlyArray<ColumnDescription>
  readonly insertsSerial: "serial" | "serial8" | "bigserial" | undefined
  readonly sql: string
  readonly plan: Plan
  readonly tokens: ReadonlyArray<Token>
  /** Informix type per result column (drives the value conversion). */
  readonly columnTypes: ReadonlyArray<IfxType>
  readonly session: Session

  constructor(
    session: Session,
    sql: string,
    tokens: ReadonlyArray<Token>,
    p: Plan,
    columns: ReadonlyArray<ColumnDescription>,
    columnTypes: ReadonlyArray<IfxType>,
    paramCount: number
  ) {
    this.session = session
    this.sql = sql
    this.tokens = tokens
    this.plan = p
    this.statementType = p.statementType
    this.columns = columns
    this.columnTypes = columnTypes
    this.paramCount = paramCount
    const params = p.kind === "select" || p.kind === "dml" ? p.params : []
    this.paramTypes = Array.from({ length: paramCount }, (_, i) => describe("", params[i] ?? Types.varchar(255), false))
    let serial: "serial" | "serial8" | "bigserial" | undefined
    if (p.kind === "dml" && p.verb === "insert" && p.table !== undefined) {
      for (const c of p.table.columns) {
        if (c.type.code === TypeCode.SERIAL8) serial = "serial8"
        else if (c.type.code === TypeCode.BIGSERIAL) serial = "bigserial"
        else if (c.type.code === TypeCode.SERIAL && serial === undefined) serial = "serial"
      }
    }
    this.insertsSerial = serial
  }
}

const describe = (name: string, type: IfxType, notNull: boolean): ColumnDescription => ({
  name,
  columnType: type.code | (notNull ? 0x100 : 0),
  extendedId: type.xid,
  extendedName: type.xname,
  encodedLength: type.length
})

/** Type of a value SQLite produced for an expression the translator could not type (docs: "Result types"). */
const runtimeType = (v: unknown): IfxType => {
  if (typeof v === "bigint") return v >= -2147483647n && v <= 2147483647n ? Types.integer : Types.int8
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) <= 2147483647 ? Types.integer : Types.float
  if (v instanceof Uint8Array) return Types.byte
  if (typeof v === "string" && v.length > 255) return Types.lvarchar(Math.max(2048, v.length))
  return Types.varchar(255)
}

let tempIds = 0

const verbOf = (tokens: ReadonlyArray<Token>): ErrorContext["verb"] => {
  const first = tokens[0]?.upper
  return first === "INSERT" ? "insert" : first === "UPDATE" ? "update" : first === "DELETE" ?
    "delete" :
    first === "SELECT" || first === "WITH"
    ? "select"
    : "ddl"
}

/** Permanent tables a statement changes (held until the end of the transaction, locks.ts). */
const writtenTables = (p: Plan): ReadonlyArray<string> => {
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
    default:
      return []
  }
}

export class Session implements EngineSession {
  readonly database: string
  readonly user: string
  readonly config: DatabaseConfig
  readonly env: SessionEnvironment
  readonly db: DatabaseSync
  private readonly temps = new Map<string, TableInfo>()
  private readonly permanent = new Map<string, TableInfo | null>()
  private schemaVersion = -1
  private readonly idle = new Map<string, Array<StatementSync>>()
  /** An Informix transaction is open (BEGIN WORK, or an ANSI database's first statement since COMMIT/ROLLBACK). */
  private openTransaction = false
  private closed = false
  lockWaitSeconds = 0
  /** From SET ISOLATION: lasts for the session. */
  private sessionIsolation = "committed read"
  /** From SET TRANSACTION ISOLATION LEVEL: lasts until COMMIT/ROLLBACK. */
  private transactionIsolation: string | undefined = undefined
  /** A statement other than SET TRANSACTION ran in the open transaction (then SET TRANSACTION is refused). */
  private transactionStarted = false
  private lastSerial = 0
  private lastSerial8 = 0n
  private lastBigserial = 0n
  private lastRows = 0
  private readonly translateContext: TranslateContext
  private readonly onClose: (s: Session) => void

  constructor(config: DatabaseConfig, user: string, env: SessionEnvironment, onClose: (s: Session) => void) {
    this.config = config
    this.database = config.name
    this.user = user
    this.env = env
    this.onClose = onClose
    // busy timeout 0: lock conflicts come back at once; the async session layer waits (SET LOCK MODE) itself.
    this.db = new DatabaseSync(config.location, { timeout: 0, enableForeignKeyConstraints: true })
    if (config.scratch) this.db.exec("PRAGMA synchronous = OFF")
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
          default:
            return 1
        }
      }
    })
    this.translateContext = {
      table: (name) => this.table(name),
      user,
      dbname: config.name,
      serverVersion: env.serverVersion,
      hostName: env.hostName
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

  private refreshCatalog() {
    const row = this.statement("PRAGMA schema_version", (s) => s.get()) as { schema_version: number | bigint }
    const version = Number(row.schema_version)
    if (version !== this.schemaVersion) {
      this.permanent.clear()
      this.schemaVersion = version
    }
  }

  table(name: string): TableInfo | undefined {
    const lower = name.toLowerCase()
    const temp = this.temps.get(lower)
    if (temp !== undefined) return temp
    let cached = this.permanent.get(lower)
    if (cached === undefined) {
      cached = readTable(this.db, name) ?? null
      this.permanent.set(lower, cached)
    }
    return cached ?? undefined
  }

  // ---------------------------------------------------------------------------------------------------------
  // SQLite statement cache
  // ---------------------------------------------------------------------------------------------------------

  private acquire(sql: string): StatementSync {
    const pool = this.idle.get(sql)
    const cached = pool?.pop()
    if (cached !== undefined) return cached
    const stmt = this.db.prepare(sql)
    stmt.setReadBigInts(true)
    return stmt
  }

  private release(sql: string, stmt: StatementSync) {
    let pool = this.idle.get(sql)
    if (pool === undefined) {
      // Bound the cache: clients that inline literals produce endless distinct texts (oldest text goes first).
      if (this.idle.size >= 512) this.idle.delete(this.idle.keys().next().value!)
      pool = []
      this.idle.set(sql, pool)
    }
    if (pool.length < 4) pool.push(stmt)
  }

  private statement<A>(sql: string, use: (s: StatementSync) => A): A {
    const stmt = this.acquire(sql)
    try {
      return use(stmt)
    } finally {
      this.release(sql, stmt)
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // prepare
  // ---------------------------------------------------------------------------------------------------------

  prepare(sql: string): Prepared | EngineError {
    // IBM: -349 "Database not selected yet." — the session was closed.
    if (this.closed) return engineError(-349)
    const tokens = tokenize(sql)
    if (!Array.isArray(tokens)) return engineError(-201, { offset: tokens.offset })
    try {
      const prepared = this.prepareTokens(sql, tokens)
      // A table another session created in its open transaction: Informix's catalog row is locked (a lock
      // error after the lock wait), not missing; SQLite shows the last committed schema, hence the registry.
      if (
        isEngineError(prepared) && prepared.sqlcode === -206 &&
        this.config.locks.heldByOther(this, prepared.parameter)
      ) {
        return lockError(verbOf(tokens), this.lockWaitSeconds, prepared.parameter)
      }
      return prepared
    } catch (error) {
      // Reading the catalog can meet another session's lock (its DDL transaction holds the schema): a retryable
      // lock conflict, reported like a read of the catalog tables.
      return mapSqliteError(error, {
        verb: verbOf(tokens),
        table: undefined,
        tokens,
        lockWaitSeconds: this.lockWaitSeconds
      })
    }
  }

  private prepareTokens(sql: string, tokens: ReadonlyArray<Token>): Prepared | EngineError {
    this.refreshCatalog()
    const p = plan(tokens, sql, this.translateContext)
    if (isTranslateError(p)) return fromTranslateError(p)
    const errorContext = this.errorContext(p, tokens)
    if (p.kind === "dml") {
      try {
        const stmt = this.acquire(p.sql)
        this.release(p.sql, stmt)
        return new PreparedStatement(this, sql, tokens, p, [], [], p.params.length)
      } catch (error) {
        return mapSqliteError(error, errorContext)
      }
    }
    if (p.kind === "select") {
      try {
        const stmt = this.acquire(p.sql)
        try {
          const described = this.describeSelect(p, stmt)
          return new PreparedStatement(this, sql, tokens, p, described.columns, described.types, p.params.length)
        } finally {
          this.release(p.sql, stmt)
        }
      } catch (error) {
        return mapSqliteError(error, errorContext)
      }
    }
    return new PreparedStatement(this, sql, tokens, p, [], [], 0)
  }

  private describeSelect(
    p: Extract<Plan, { kind: "select" }>,
    stmt: StatementSync
  ): { columns: Array<ColumnDescription>; types: Array<IfxType> } {
    const meta = stmt.columns()
    const columns: Array<ColumnDescription> = []
    const types: Array<IfxType> = []
    const unknown: Array<number> = []
    let itemIndex = 0
    meta.forEach((col, n) => {
      let item = p.items[itemIndex]
      const nextItem = p.items[itemIndex + 1]
      if (item?.star === true && nextItem !== undefined && !nextItem.star && nextItem.alias === col.name) {
        itemIndex++
        item = nextItem
      }
      const ownItem = item !== undefined && !item.star && item.alias === col.name ? item : undefined
      if (ownItem !== undefined) itemIndex++
      const name = ownItem?.name ?? col.name
      if (col.table !== null && col.column !== null) {
        const table = col.database === "temp"
          ? this.temps.get(col.table.toLowerCase())
          : this.table(col.table)
        const column = table?.columns.find((c) => c.name.toLowerCase() === col.column!.toLowerCase())
        if (column !== undefined) {
          // An explicit cast in the select list wins over the column's own type.
          const type = ownItem?.type !== undefined && ownItem.name === "(expression)" ? ownItem.type : column.type
          columns.push(describe(name, type, type === column.type && column.notNull))
          types.push(type)
          return
        }
      }
      if (ownItem?.type !== undefined) {
        columns.push(describe(name, ownItem.type, false))
        types.push(ownItem.type)
        return
      }
      if (ownItem === undefined) {
        // A `*` column SQLite cannot trace to a base column (a view's expression): the view's catalog knows it.
        const lower = col.name.toLowerCase()
        const column = p.tables.flatMap((t) => t.columns).find((c) => c.name.toLowerCase() === lower)
        if (column !== undefined) {
          columns.push(describe(name, column.type, column.notNull))
          types.push(column.type)
          return
        }
      }
      unknown.push(n)
      columns.push(describe(name, Types.varchar(255), false))
      types.push(Types.varchar(255))
    })
    if (unknown.length > 0 && p.params.length === 0) {
      // Types SQLite alone knows: look at the first row (a SELECT has no side effects).
      try {
        stmt.setReturnArrays(true)
        const row = stmt.get() as Array<unknown> | undefined
        stmt.setReturnArrays(false)
        if (row !== undefined) {
          for (const n of unknown) {
            const type = runtimeType(row[n])
            types[n] = type
            columns[n] = describe(columns[n]!.name, type, false)
          }
        }
      } catch {
        stmt.setReturnArrays(false)
      }
    }
    return { columns, types }
  }

  private errorContext(p: Plan, tokens: ReadonlyArray<Token>): ErrorContext {
    return {
      verb: p.kind === "select" ? "select" : p.kind === "dml" ? p.verb : "ddl",
      table: p.kind === "dml" ? p.table : p.kind === "createIndex" ? p.table : undefined,
      tokens,
      lockWaitSeconds: this.lockWaitSeconds
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // binding
  // ---------------------------------------------------------------------------------------------------------

  private bind(p: PreparedStatement, params: ReadonlyArray<Value>): Array<SQLInputValue> | EngineError {
    if (params.length !== p.paramCount) {
      // IBM: -254 "Too many or too few host variables given."
      return engineError(-254)
    }
    const types = p.plan.kind === "select" || p.plan.kind === "dml" ? p.plan.params : []
    const strict = p.plan.kind === "dml" ? p.plan.strictParams : undefined
    const out: Array<SQLInputValue> = []
    for (let i = 0; i < params.length; i++) {
      const type = types[i]
      const value = params[i]!
      // A parameter compared with a numeric column keeps its value (no truncation or range error); one that is
      // assigned to a column (INSERT/UPDATE SET) is converted like Informix converts host variables.
      const lenient = type !== undefined && strict?.has(i) !== true && typeof value !== "string" &&
        ["int", "bigint", "float", "decimal"].includes(family(type))
      const stored = type === undefined || lenient ? toStorageUntyped(value) : toStorage(value, type)
      if (isConversionError(stored)) return engineError(stored.sqlcode)
      out.push(type !== undefined && strict?.has(i) === true ? fitToColumn(stored, type) : stored)
    }
    return out
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
  private beginImplicit(writes: "permanent" | "temp" | "none") {
    // ANSI databases are always in a transaction (IBM: "In an ANSI-compliant database ... a transaction is
    // always in effect"); it starts with the first statement after COMMIT/ROLLBACK.
    if (this.config.ansi) this.openTransaction = true
    if (!this.openTransaction || this.db.isTransaction) return
    if (writes === "permanent") this.db.exec("BEGIN IMMEDIATE")
    else if (writes === "temp" || this.isolation === "repeatable read" || this.isolation === "serializable") {
      this.db.exec("BEGIN")
    }
  }

  /** What a statement writes: nothing, only this session's temp tables, or permanent tables. */
  private writeTarget(p: Plan): "permanent" | "temp" | "none" {
    switch (p.kind) {
      case "select":
        return p.intoTemp === undefined ? "none" : "temp"
      case "dml":
        return p.table?.temp === true ? "temp" : "permanent"
      case "createTable":
        return p.temp ? "temp" : "permanent"
      case "dropTable":
        return this.temps.has(p.name.toLowerCase()) ? "temp" : "permanent"
      case "createIndex":
      case "alterAdd":
        return p.table.temp ? "temp" : "permanent"
      default:
        return "permanent"
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // execute
  // ---------------------------------------------------------------------------------------------------------

  execute(prepared: Prepared, params: ReadonlyArray<Value>): ExecResult | EngineError {
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
    const values = p.kind === "select" || p.kind === "dml" ? this.bind(prepared, params) : []
    if (!Array.isArray(values)) return values
    this.noteStatementInTransaction()
    const blocked = this.readBlocked(p)
    if (blocked !== undefined) return blocked
    try {
      this.beginImplicit(this.writeTarget(p))
      const result = this.run(prepared, p, values, ctx)
      if (this.db.isTransaction && !isEngineError(result)) {
        for (const table of writtenTables(p)) this.config.locks.hold(this, table)
      }
      return result
    } catch (error) {
      return mapSqliteError(error, ctx)
    }
  }

  /**
   * A read of a table another session's open transaction has written waits for that transaction (locks.ts), except
   * under DIRTY READ, which reads without waiting (and here sees the last committed rows: separate SQLite
   * connections cannot see each other's uncommitted changes).
   */
  private readBlocked(p: Plan): EngineError | undefined {
    if (p.kind !== "select" || this.isolation === "dirty read" || this.isolation === "read uncommitted") return
    for (const table of p.tables) {
      if (!table.temp && this.config.locks.heldByOther(this, table.name)) {
        return lockError("select", this.lockWaitSeconds, table.name)
      }
    }
    return undefined
  }

  private run(
    prepared: PreparedStatement,
    p: Plan,
    values: Array<SQLInputValue>,
    ctx: ErrorContext
  ): ExecResult | EngineError {
    switch (p.kind) {
      case "dml":
        return this.runDml(p, values)
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

  private runDml(p: Extract<Plan, { kind: "dml" }>, values: Array<SQLInputValue>): ExecResult {
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

  private selectIntoTemp(
    prepared: PreparedStatement,
    name: string,
    values: Array<SQLInputValue>
  ): ExecResult | EngineError {
    if (this.table(name) !== undefined) return engineError(-310, { parameter: name })
    const p = prepared.plan as Extract<Plan, { kind: "select" }>
    const seen = new Set<string>()
    const columns = prepared.columns.map((c, i) => {
      let colName = /^\(.*\)$/.test(c.name) || c.name === "" ? `expr${i + 1}` : c.name
      while (seen.has(colName.toLowerCase())) colName = `${colName}_${i + 1}`
      seen.add(colName.toLowerCase())
      return { name: colName, colno: i + 1, type: prepared.columnTypes[i]!, notNull: false }
    })
    const tempTable: TableInfo = { name, tabid: -(++tempIds), temp: true, columns, uniques: [] }
    this.db.exec(
      `CREATE TEMP TABLE ${quoteIdent(name)} (${
        columns.map((c) => `${quoteIdent(c.name)} ${declarationOf(c.type)}`).join(", ")
      })`
    )
    const result = this.db.prepare(`INSERT INTO temp.${quoteIdent(name)} SELECT * FROM (${p.sql})`).run(...values)
    this.temps.set(name.toLowerCase(), tempTable)
    this.lastRows = Number(result.changes)
    return { rowsAffected: Number(result.changes), serial: 0 }
  }

  private transactionStatement(p: Extract<Plan, { kind: "tx" }>): ExecResult | EngineError {
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

  private inStatementSavepoint<A>(body: () => A): A {
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

  private today() {
    const d = this.env.now()
    return new LocalDate(d.getFullYear(), d.getMonth() + 1, d.getDate()).toDayNumber()
  }

  private ddl(p: Plan, ctx: ErrorContext): ExecResult | EngineError {
    const ok: ExecResult = { rowsAffected: 0, serial: 0 }
    switch (p.kind) {
      case "createTable": {
        if (this.table(p.name) !== undefined) {
          return p.ifNotExists ? ok : engineError(-310, { parameter: p.name, offset: p.nameOffset })
        }
        const tabid = p.temp ? -(++tempIds) : nextTabid(this.db)
        const table: TableInfo = {
          name: p.name,
          tabid,
          temp: p.temp,
          columns: p.columns.map(({ colno, name, notNull, type }) => ({ colno, name, notNull, type })),
          uniques: p.uniques
        }
        this.inStatementSavepoint(() => {
          const body = [...p.columns.map((c) => `${quoteIdent(c.name)} ${c.sqlite}`), ...p.constraints].join(", ")
          this.db.exec(`CREATE ${p.temp ? "TEMP " : ""}TABLE ${quoteIdent(p.name)} (${body})`)
          this.createSerialTriggers(table, p.columns)
          if (!p.temp) {
            registerTable(this.db, table, this.user, this.database, this.today())
            registerUniques(this.db, tabid, p.uniques)
          }
        })
        if (p.temp) this.temps.set(p.name.toLowerCase(), table)
        this.permanent.clear()
        return ok
      }
      case "dropTable": {
        const table = this.table(p.name)
        if (table === undefined) {
          return p.ifExists ? ok : engineError(-206, { isamCode: -111, parameter: p.name, offset: p.nameOffset })
        }
        this.inStatementSavepoint(() => {
          this.db.exec(`DROP TABLE ${table.temp ? "temp." : ""}${quoteIdent(table.name)}`)
          if (table.temp) this.db.prepare("DELETE FROM temp._ifx_tserial WHERE tabid = ?").run(table.tabid)
          else unregisterTable(this.db, table.tabid)
        })
        if (table.temp) this.temps.delete(p.name.toLowerCase())
        this.permanent.clear()
        return ok
      }
      case "createIndex": {
        const table = p.table
        this.inStatementSavepoint(() => {
          this.db.exec(p.sql)
          if (!table.temp) {
            const colnos = p.columns.map((c) =>
              table.columns.find((x) => x.name.toLowerCase() === c.toLowerCase())!.colno
            )
            registerIndex(this.db, p.name, this.user, table.tabid, p.unique, colnos)
            if (p.unique) registerUniques(this.db, table.tabid, [{ name: p.name, kind: "index", columns: p.columns }])
          }
        })
        if (table.temp && p.unique) {
          this.temps.set(table.name.toLowerCase(), {
            ...table,
            uniques: [...table.uniques, { name: p.name, kind: "index", columns: p.columns }]
          })
        }
        this.permanent.clear()
        return ok
      }
      case "dropIndex": {
        this.inStatementSavepoint(() => {
          this.db.exec(`DROP INDEX ${quoteIdent(p.name)}`)
          const row = this.db.prepare("SELECT tabid FROM sysindexes WHERE lower(idxname) = lower(?)").get(p.name) as
            | { tabid: number | bigint }
            | undefined
          this.db.prepare("DELETE FROM sysindexes WHERE lower(idxname) = lower(?)").run(p.name)
          this.db.prepare("DELETE FROM _ifx_unique WHERE lower(name) = lower(?) AND kind = 'index'").run(p.name)
          if (row !== undefined) {
            this.db.prepare("UPDATE systables SET nindexes = nindexes - 1 WHERE tabid = ?").run(row.tabid)
          }
        })
        this.permanent.clear()
        return ok
      }
      case "alterAdd": {
        const table = p.table
        this.inStatementSavepoint(() => {
          for (const c of p.columns) {
            this.db.exec(
              `ALTER TABLE ${table.temp ? "temp." : ""}${quoteIdent(table.name)} ADD COLUMN ${
                quoteIdent(c.name)
              } ${c.sqlite}`
            )
          }
          if (!table.temp) addColumns(this.db, table, p.columns)
        })
        if (table.temp) {
          this.temps.set(table.name.toLowerCase(), {
            ...table,
            columns: [
              ...table.columns,
              ...p.columns.map(({ colno, name, notNull, type }) => ({ colno, name, notNull, type }))
            ]
          })
        }
        this.permanent.clear()
        return ok
      }
      case "createView": {
        if (this.table(p.name) !== undefined) return engineError(-310, { parameter: p.name, offset: p.nameOffset })
        const select = p.select
        const stmt = this.db.prepare(select.sql)
        const described = this.describeSelect(select, stmt)
        if (p.columnNames !== undefined && p.columnNames.length !== described.columns.length) {
          // Column list and select list differ in length: reported as a syntax error (real code not pinned).
          return engineError(-201, { parameter: p.name, offset: p.nameOffset })
        }
        const names = described.columns.map((c, i) => p.columnNames?.[i] ?? c.name)
        const view: TableInfo = {
          name: p.name,
          tabid: nextTabid(this.db),
          temp: false,
          columns: names.map((name, i) => ({ name, colno: i + 1, type: described.types[i]!, notNull: false })),
          uniques: []
        }
        this.inStatementSavepoint(() => {
          this.db.exec(
            `CREATE VIEW ${quoteIdent(p.name)} (${names.map(quoteIdent).join(", ")}) AS ${select.sql}`
          )
          registerTable(this.db, view, this.user, this.database, this.today(), "V")
        })
        this.permanent.clear()
        return ok
      }
      case "dropView": {
        const view = this.table(p.name)
        if (view === undefined || view.temp) {
          return engineError(-206, { isamCode: -111, parameter: p.name, offset: p.nameOffset })
        }
        this.inStatementSavepoint(() => {
          this.db.exec(`DROP VIEW ${quoteIdent(view.name)}`)
          unregisterTable(this.db, view.tabid)
        })
        this.permanent.clear()
        return ok
      }
      default:
        return engineError(-201, { offset: ctx.tokens[0]?.offset ?? 0 })
    }
  }

  /**
   * SERIAL semantics (IBM "SERIAL data type"): inserting 0 (or NULL) assigns the next value; inserting a
   * positive value uses it and advances the counter if it is larger. An AFTER INSERT trigger keeps the counter
   * in _ifx_serial (temp tables: temp._ifx_tserial) inside the inserting statement's transaction.
   */
  private createSerialTriggers(table: TableInfo, columns: ReadonlyArray<ColumnDef>) {
    const serials = columns.filter((c) => isSerial(c.type))
    if (serials.length === 0) return
    const counter = table.temp ? "_ifx_tserial" : "_ifx_serial"
    if (table.temp) {
      this.db.exec(
        "CREATE TEMP TABLE IF NOT EXISTS _ifx_tserial (tabid INTEGER PRIMARY KEY, last INTEGER NOT NULL, last8 INTEGER NOT NULL)"
      )
    }
    const start = (code: number) =>
      (serials.find((c) => (code === TypeCode.SERIAL ? c.type.code === code : c.type.code !== TypeCode.SERIAL))?.type
        .serialStart ?? 1) - 1
    this.db.prepare(`INSERT INTO ${table.temp ? "temp." : ""}${counter} (tabid, last, last8) VALUES (?, ?, ?)`).run(
      table.tabid,
      start(TypeCode.SERIAL),
      start(TypeCode.SERIAL8)
    )
    for (const c of serials) {
      const field = c.type.code === TypeCode.SERIAL ? "last" : "last8"
      const col = `NEW.${quoteIdent(c.name)}`
      this.db.exec(
        `CREATE ${table.temp ? "TEMP " : ""}TRIGGER ${quoteIdent(`_ifx_serial_${table.tabid}_${c.name}`)} ` +
          `AFTER INSERT ON ${quoteIdent(table.name)} FOR EACH ROW BEGIN ` +
          `UPDATE ${counter} SET ${field} = CASE WHEN coalesce(${col}, 0) = 0 THEN ${field} + 1 ` +
          `WHEN ${col} > ${field} THEN ${col} ELSE ${field} END WHERE tabid = ${table.tabid}; ` +
          `UPDATE ${quoteIdent(table.name)} SET ${
            quoteIdent(c.name)
          } = (SELECT ${field} FROM ${counter} WHERE tabid = ${table.tabid}) ` +
          `WHERE rowid = NEW.rowid AND coalesce(${col}, 0) = 0; END`
      )
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // cursors
  // ---------------------------------------------------------------------------------------------------------

  openCursor(
    prepared: Prepared,
    params: ReadonlyArray<Value>,
    options?: { readonly scroll?: boolean }
  ): EngineCursor | EngineError {
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
    const ctx = this.errorContext(p, prepared.tokens)
    const blocked = this.readBlocked(p)
    if (blocked !== undefined) return blocked
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

  // ---------------------------------------------------------------------------------------------------------
  // transactions (SQLI.md §8.10)
  // ---------------------------------------------------------------------------------------------------------

  /**
   * SET TRANSACTION ISOLATION LEVEL, with Informix's rules (HCL Informix SQL syntax, "SET TRANSACTION"): outside a
   * transaction it fails with -255 (not in transaction; an ANSI database is always in one), once any other
   * statement ran in the transaction, or a second time, with -876; the level ends with the transaction.
   */
  private setTransactionIsolation(level: string): ExecResult | EngineError {
    if (!this.config.logged) return engineError(-201)
    if (this.config.ansi) this.openTransaction = true
    if (!this.openTransaction) return engineError(-255)
    if (this.transactionStarted || this.transactionIsolation !== undefined) return engineError(-876)
    this.transactionIsolation = level
    return { rowsAffected: 0, serial: 0 }
  }

  private noteStatementInTransaction(): void {
    if (this.openTransaction || this.config.ansi) this.transactionStarted = true
  }

  /** COMMIT or ROLLBACK ended the transaction: so does its SET TRANSACTION level. */
  private endTransaction(): void {
    this.openTransaction = false
    this.transactionStarted = false
    this.transactionIsolation = undefined
  }

  begin(): EngineError | undefined {
    // Unlogged database: BEGIN fails. The code follows informix-driver, verified on live unlogged databases,
    // which recognises "no transactions" by sqlcode -201 (SQLI.md §8.10, §13 Q10; docs/protocol-evidence.md).
    if (!this.config.logged) return engineError(-201)
    if (this.openTransaction) return engineError(-535)
    // The SQLite transaction starts with the first write (beginImplicit).
    this.endTransaction()
    this.openTransaction = true
    return undefined
  }

  commit(): EngineError | undefined {
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

  rollback(): EngineError | undefined {
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
  private forgetRolledBackTemps() {
    for (const [key, t] of this.temps) {
      const exists = this.statement(
        "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND lower(name) = ?",
        (stmt) => stmt.get(t.name.toLowerCase())
      )
      if (exists === undefined) this.temps.delete(key)
    }
  }

  savepoint(name: string): EngineError | undefined {
    if (!this.inTransaction) return engineError(-255)
    // A savepoint needs the SQLite transaction (a bare SAVEPOINT would open a deferred one that pins a snapshot).
    if (!this.db.isTransaction) {
      const failed = this.txExec("BEGIN IMMEDIATE")
      if (failed !== undefined) return failed
    }
    return this.txExec(`SAVEPOINT ${quoteIdent(name)}`)
  }

  rollbackToSavepoint(name: string): EngineError | undefined {
    if (!this.inTransaction) return engineError(-255)
    const failed = this.txExec(`ROLLBACK TO ${quoteIdent(name)}`)
    if (failed === undefined) this.forgetRolledBackTemps()
    return failed
  }

  releaseSavepoint(name: string): EngineError | undefined {
    if (!this.inTransaction) return engineError(-255)
    return this.txExec(`RELEASE ${quoteIdent(name)}`)
  }

  private txExec(sql: string): EngineError | undefined {
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

  private txContext(): ErrorContext {
    return { verb: "ddl", table: undefined, tokens: [], lockWaitSeconds: this.lockWaitSeconds }
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
}

const declarationOf = (t: IfxType) => {
  const f = family(t)
  return f === "int" || f === "bigint" || f === "date" || f === "interval"
    ? "INT"
    : f === "float"
    ? "REAL"
    : f === "decimal"
    ? ""
    : f === "char"
    ? "TEXT COLLATE RTRIM"
    : f === "bytes"
    ? "BLOB"
    : "TEXT"
}

class StreamCursor implements EngineCursor {
  readonly columns: ReadonlyArray<ColumnDescription>
  rowsFetched = 0
  private pending: IteratorResult<unknown> | undefined
  private readonly iterator: Iterator<unknown>
  private readonly convert: (row: Array<unknown>) => Array<Value>
  private readonly finish: () => void
  private readonly mapError: (e: unknown) => EngineError
  private done = false

  constructor(
    columns: ReadonlyArray<ColumnDescription>,
    first: IteratorResult<unknown>,
    iterator: Iterator<unknown>,
    convert: (row: Array<unknown>) => Array<Value>,
    finish: () => void,
    mapError: (e: unknown) => EngineError
  ) {
    this.columns = columns
    this.pending = first
    this.iterator = iterator
    this.convert = convert
    this.finish = finish
    this.mapError = mapError
  }

  next(maxRows: number): Array<Array<Value>> | EngineError {
    const out: Array<Array<Value>> = []
    if (this.done) return out
    try {
      while (out.length < Math.max(1, maxRows)) {
        const r = this.pending ?? this.iterator.next()
        this.pending = undefined
        if (r.done === true) {
          this.close()
          break
        }
        out.push(this.convert(r.value as Array<unknown>))
      }
    } catch (error) {
      this.close()
      return this.mapError(error)
    }
    this.rowsFetched += out.length
    return out
  }

  close(): void {
    if (this.done) return
    this.done = true
    this.finish()
  }
}

class ScrollCursor implements EngineCursor {
  readonly columns: ReadonlyArray<ColumnDescription>
  rowsFetched = 0
  private readonly rows: ReadonlyArray<Array<Value>>

  constructor(columns: ReadonlyArray<ColumnDescription>, rows: ReadonlyArray<Array<Value>>) {
    this.columns = columns
    this.rows = rows
  }

  get count() {
    return this.rows.length
  }

  row(index: number): Array<Value> | undefined {
    return this.rows[index]
  }

  next(maxRows: number): Array<Array<Value>> {
    const out = this.rows.slice(this.rowsFetched, this.rowsFetched + Math.max(1, maxRows))
    this.rowsFetched += out.length
    return out
  }

  close(): void {}
}
