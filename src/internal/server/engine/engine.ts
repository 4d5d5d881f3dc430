/**
 * The engine: owns the per-database configuration. Every database is a SQLite file in WAL mode, so readers never
 * block writers (Informix's COMMITTED READ holds no read locks; transactionsLocks.ts `beginImplicit`). "In-memory" databases
 * are files in a private temporary directory (synchronous = OFF) removed when the engine closes: SQLite's real
 * in-memory databases need a shared cache to be seen by several connections, and shared-cache table locks make a
 * reader's open transaction block other sessions' writes and DDL.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { LocalDate } from "../../../InformixValue.ts"
import { charsetForLocale, latin1Charset } from "../../values/charset.ts"
import type { Charset } from "../../values/charset.ts"
import {
  type EngineError,
  type EngineOptions,
  type EngineSession,
  type InstanceStatement,
  isEngineError
} from "./api.ts"
import { bootstrapCatalog } from "./catalog.ts"
import { ChangeCapture } from "./changeCapture.ts"
import { connectDenied, recordDatabaseCreator } from "./databasePrivileges.ts"
import { engineError } from "./engineErrors.ts"
import { type DatabaseConfig, Session } from "./engineSession.ts"
import { parseInstanceStatement } from "./instance.ts"
import { TableLocks } from "./locks.ts"
import { bootstrapMetadataCatalog } from "./metadataCatalog.ts"
import { PushData } from "./pushData.ts"
import { forgetSequences, hasSequenceCounters, persistSequences } from "./sequences.ts"
import {
  bootstrapSysmaster,
  type DatabaseRecord,
  deleteDatabaseRecord,
  type LiveSession,
  readDatabaseRecords,
  systemDatabases,
  writeDatabaseRecord,
  writeEnvironment,
  writeSessions
} from "./sysmaster.ts"
import { bootstrapUserTypes } from "./userTypes.ts"

let engineIds = 0

/**
 * Scratch directories not yet removed: an engine that is never closed (a crashed test, a process that exits
 * without closing its scope) still leaves nothing behind, via one synchronous exit hook per process.
 */
const liveScratch = new Set<string>()
let exitHookInstalled = false
const removeScratch = (directory: string) => {
  liveScratch.delete(directory)
  rmSync(directory, { recursive: true, force: true })
}
const trackScratch = (directory: string) => {
  liveScratch.add(directory)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const d of Array.from(liveScratch)) removeScratch(d)
  })
}

/**
 * The catalog's spelling of a locale: language_territory.<code-set number> (`en_US.8859-1` → `en_US.819`,
 * `en_US.utf8` → `en_US.57372`), the form JDBC 15 reads from ' GL_CTYPE' (golden/README.md).
 */
const catalogSite = (locale: string): string => {
  const dot = locale.indexOf(".")
  const codeSet = charsetForLocale(locale)?.codeSet
  return dot < 0 || codeSet === undefined ? locale : `${locale.slice(0, dot)}.${codeSet}`
}

/** Database names are identifiers: letters, digits, underscores, starting with a letter or underscore (IBM 128 max). */
const validName = (name: string) => /^[A-Za-z_][A-Za-z0-9_$]{0,127}$/.test(name)

/** What the session layer and the SQL statements of the instance need to know of one database. */
export interface DatabaseInfo {
  readonly name: string
  readonly owner: string
  readonly logged: boolean
  readonly buffered: boolean
  readonly ansi: boolean
  readonly locale: string
  readonly charset: Charset
}

/** How CREATE DATABASE asks for a database. */
export interface CreateDatabase {
  readonly logged: boolean
  readonly buffered: boolean
  readonly ansi: boolean
  readonly locale: string
  readonly owner: string
}

/** IBM: -330 "Cannot create or rename the database." (ISAM -100: it exists already). */
const SQL_CANNOT_CREATE = -330
/** IBM: -329 "Database not found or no system permission." (ISAM -111 "No record found"). */
const SQL_NO_DATABASE = -329
/** IBM: -425 "Database is currently opened by another user." (ISAM -107 "Record is locked"). */
const SQL_DATABASE_IN_USE = -425

export class Engine {
  private readonly databases = new Map<string, DatabaseConfig>()
  private readonly records = new Map<string, DatabaseRecord>()
  /** The private directory of the "in-memory" databases, removed by close(). */
  private readonly scratchDirectory: string | undefined
  private readonly directory: string
  private readonly sessions = new Set<Session>()
  /** Sessions that opened their database EXCLUSIVE. */
  private readonly exclusive = new Map<string, Session>()
  private readonly serverVersion: string
  private readonly hostName: string
  private readonly serverName: string
  private readonly defaultSite: string
  private readonly now: () => Date
  /** The engine's own connection to sysmaster (registry writes, syssessions refresh). */
  private readonly master: DatabaseSync
  private sessionSource: () => ReadonlyArray<LiveSession> = () => []
  /** CDC sessions and the change logs' readers (changeCapture.ts). */
  private readonly capture: ChangeCapture
  /** Push-data sessions (smart triggers, pushData.ts), fed by the same change logs at commit. */
  private readonly push: PushData

  private constructor(options: EngineOptions & { readonly now?: () => Date }) {
    this.serverVersion = options.serverVersion ?? "15.0.1.0.3"
    this.hostName = options.hostName ?? "localhost"
    this.serverName = options.serverName ?? "ol_test"
    // A clock hook for tests (TODAY / CURRENT); the server uses the wall clock.
    this.now = options.now ?? (() => new Date())
    this.defaultSite = options.locale ?? "en_US.819"
    if (options.directory !== undefined) mkdirSync(options.directory, { recursive: true })
    this.scratchDirectory = options.directory === undefined
      ? mkdtempSync(join(tmpdir(), `ifx-testserver-${++engineIds}-`))
      : undefined
    if (this.scratchDirectory !== undefined) trackScratch(this.scratchDirectory)
    this.directory = options.directory ?? this.scratchDirectory!
    this.capture = new ChangeCapture({
      database: (name) => this.databases.get(name.toLowerCase()),
      serverName: this.serverName
    })
    this.push = new PushData({
      database: (name) => this.databases.get(name.toLowerCase()),
      openSession: (database, user) => {
        const s = this.openSession(database, user)
        return s instanceof Session ? s : isEngineError(s) ? s : engineError(-329, { parameter: database })
      }
    }, this.capture)
    this.master = this.openFile("sysmaster", undefined)
    bootstrapSysmaster(this.master, this.today())
    writeEnvironment(this.master, this.serverName)
    const known = new Map(readDatabaseRecords(this.master).map((r) => [r.name.toLowerCase(), r]))
    const wanted: Array<DatabaseRecord> = systemDatabases.map((name) =>
      known.get(name) ??
        this.newRecord(name, { logged: true, buffered: false, ansi: false, locale: "", owner: "informix" })
    )
    // Databases created earlier in this directory persist; the ones the options declare are (re)declared as asked.
    for (const r of known.values()) if (!systemDatabases.includes(r.name.toLowerCase())) wanted.push(r)
    for (const d of options.databases) {
      const record = this.newRecord(d.name, {
        logged: d.logged ?? d.ansi ?? false,
        buffered: false,
        ansi: d.ansi ?? false,
        locale: d.locale ?? "",
        owner: known.get(d.name.toLowerCase())?.owner ?? options.owner ?? "informix"
      }, known.get(d.name.toLowerCase())?.created)
      const at = wanted.findIndex((w) => w.name.toLowerCase() === d.name.toLowerCase())
      if (at >= 0) wanted[at] = record
      else wanted.push(record)
    }
    for (const r of wanted) this.register(r)
    // The creator of a database is its DBA (databasePrivileges.ts).
    for (const d of options.databases) {
      recordDatabaseCreator(this.location(d.name), this.records.get(d.name.toLowerCase())!.owner)
    }
  }

  static make(options: EngineOptions & { readonly now?: () => Date }): Engine {
    return new Engine(options)
  }

  private today(): number {
    const today = this.now()
    return new LocalDate(today.getFullYear(), today.getMonth() + 1, today.getDate()).toDayNumber()
  }

  private newRecord(
    name: string,
    c: Omit<CreateDatabase, "locale"> & { readonly locale: string },
    created?: number
  ): DatabaseRecord {
    return {
      name,
      owner: c.owner,
      created: created ?? this.today(),
      logged: c.logged || c.ansi,
      buffered: c.buffered,
      ansi: c.ansi,
      locale: c.locale === "" ? "en_US.8859-1" : c.locale
    }
  }

  private location(name: string): string {
    return join(this.directory, `${name.toLowerCase().replace(/[^a-z0-9_.-]/g, "_")}.sqlite3`)
  }

  /** Opens (creating) a database file with its catalog. */
  private openFile(name: string, locale: string | undefined): DatabaseSync {
    const keeper = new DatabaseSync(this.location(name), { timeout: 5000 })
    keeper.exec("PRAGMA journal_mode = WAL")
    if (this.scratchDirectory !== undefined) keeper.exec("PRAGMA synchronous = OFF")
    bootstrapCatalog(keeper, name, locale === undefined ? this.defaultSite : catalogSite(locale), this.today())
    bootstrapMetadataCatalog(keeper, name, this.today())
    bootstrapUserTypes(keeper, name, this.today())
    return keeper
  }

  /** Makes a database known: its file and catalog, its registry rows, its configuration. */
  private register(r: DatabaseRecord): void {
    if (r.name.toLowerCase() !== "sysmaster") {
      const file = this.openFile(r.name, r.locale === "en_US.8859-1" ? undefined : r.locale)
      this.capture.seed(file)
      file.close()
    }
    writeDatabaseRecord(this.master, r)
    this.records.set(r.name.toLowerCase(), r)
    this.databases.set(r.name.toLowerCase(), {
      name: r.name,
      logged: r.logged,
      ansi: r.ansi,
      location: this.location(r.name),
      wal: true,
      scratch: this.scratchDirectory !== undefined,
      locks: new TableLocks(),
      charset: charsetForLocale(r.locale) ?? latin1Charset,
      readOnly: r.name.toLowerCase() === "sysmaster"
    })
  }

  /** Where syssessions' rows come from (the server's live sessions). */
  setSessionSource(source: () => ReadonlyArray<LiveSession>): void {
    this.sessionSource = source
  }

  isLogged(name: string): boolean {
    return this.databases.get(name.toLowerCase())?.logged ?? false
  }

  isAnsi(name: string): boolean {
    return this.databases.get(name.toLowerCase())?.ansi ?? false
  }

  database(name: string): DatabaseInfo | undefined {
    const r = this.records.get(name.toLowerCase())
    const config = this.databases.get(name.toLowerCase())
    if (r === undefined || config === undefined) return undefined
    return {
      name: r.name,
      owner: r.owner,
      logged: r.logged,
      buffered: r.buffered,
      ansi: r.ansi,
      locale: r.locale,
      charset: config.charset
    }
  }

  databaseNames(): Array<string> {
    return Array.from(this.records.values(), (r) => r.name)
  }

  /** CREATE DATABASE: -330 when the name is taken (or not a name), the locale unknown, or the file cannot be made. */
  createDatabase(name: string, request: CreateDatabase): DatabaseInfo | EngineError {
    if (!validName(name)) return engineError(SQL_CANNOT_CREATE, { parameter: name })
    if (this.databases.has(name.toLowerCase())) {
      return engineError(SQL_CANNOT_CREATE, { isamCode: -100, parameter: name })
    }
    if (charsetForLocale(request.locale) === undefined) {
      // IBM: -23101 "Unable to load locale categories." (the database locale names no known code set).
      return engineError(-23101, { parameter: request.locale })
    }
    try {
      this.register(this.newRecord(name.toLowerCase(), request))
      recordDatabaseCreator(this.location(name), request.owner)
    } catch (error) {
      return engineError(SQL_CANNOT_CREATE, { parameter: error instanceof Error ? error.message : name })
    }
    return this.database(name)!
  }

  /**
   * DROP DATABASE: -329 when it does not exist, -359 while the caller has it open, -425 while another session has it
   * open (or attached in a transaction); the system databases cannot be dropped.
   */
  dropDatabase(name: string, caller?: EngineSession): EngineError | undefined {
    const key = name.toLowerCase()
    const config = this.databases.get(key)
    if (config === undefined) return engineError(SQL_NO_DATABASE, { isamCode: -111, parameter: name })
    for (const s of this.sessions) {
      if (!s.releaseDatabase(key)) {
        // IBM: -359 "Cannot drop or rename the current database or any open database." for the caller's own.
        return engineError(s === caller ? -359 : SQL_DATABASE_IN_USE, { isamCode: -107, parameter: name })
      }
    }
    // The system databases are always in use by the server itself.
    if (systemDatabases.includes(key)) return engineError(SQL_DATABASE_IN_USE, { isamCode: -107, parameter: name })
    deleteDatabaseRecord(this.master, this.records.get(key)?.name ?? name)
    this.capture.forget(key)
    this.databases.delete(key)
    this.records.delete(key)
    forgetSequences(config.location)
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${config.location}${suffix}`, { force: true })
    return undefined
  }

  /**
   * The instance statement `sql` is (undefined: an ordinary statement), or its syntax error (instance.ts);
   * `serverName`: the DBSERVERNAME of the session's server (a cluster member), default the engine's.
   */
  instanceStatement(sql: string, serverName?: string): InstanceStatement | EngineError | undefined {
    return parseInstanceStatement(sql, serverName ?? this.serverName)
  }

  /** Rewrites sysmaster:syssessions from the live sessions. */
  refreshSessions(): void {
    writeSessions(this.master, this.sessionSource())
  }

  openSession(
    database: string,
    user: string,
    options?: {
      readonly exclusive?: boolean
      readonly delimident?: boolean
      /** Asked per statement: the session's server is a read-only secondary right now (a TestServer cluster). */
      readonly secondary?: (() => boolean) | undefined
      /** The DBSERVERNAME of the session's server (a cluster member: DBSERVERNAME, `db@server`), default the engine's. */
      readonly serverName?: string | undefined
    }
  ): EngineSession | EngineError {
    const key = database.toLowerCase()
    const config = this.databases.get(key)
    // IBM: -329 "Database not found or no system permission." (SQLI.md §9.1)
    if (config === undefined) return engineError(SQL_NO_DATABASE, { isamCode: -111, parameter: database })
    const holder = this.exclusive.get(key)
    if (holder !== undefined && this.sessions.has(holder)) {
      return engineError(SQL_DATABASE_IN_USE, { isamCode: -107, parameter: database })
    }
    if (options?.exclusive === true) {
      for (const s of this.sessions) {
        // IBM: -702 "Cannot open database in exclusive mode." (another session has it open).
        if (s.uses(key)) return engineError(-702, { isamCode: -107, parameter: database })
      }
    }
    let session: Session
    try {
      session = new Session(config, user, {
        serverVersion: this.serverVersion,
        hostName: this.hostName,
        serverName: options?.serverName ?? this.serverName,
        now: this.now,
        // The other databases a statement names (`db:table`, crossDatabase.ts).
        database: (name) => this.databases.get(name.toLowerCase()),
        refreshSessions: () => this.refreshSessions(),
        instanceDatabases: () => Array.from(this.databases.keys()).filter((name) => !systemDatabases.includes(name)),
        capture: this.capture,
        push: this.push
      }, (s) => {
        this.sessions.delete(s)
        this.capture.closeOwnedBy(s)
        this.push.closeOwnedBy(s)
        if (this.exclusive.get(key) === s) this.exclusive.delete(key)
      })
    } catch (error) {
      // The database file cannot be opened (permissions, corruption): the database is not available.
      return engineError(SQL_NO_DATABASE, {
        isamCode: -111,
        parameter: error instanceof Error ? error.message : database
      })
    }
    // IBM -387 "No connect permission." (databasePrivileges.ts).
    const denied = connectDenied(session.db, user, database)
    if (denied !== undefined) {
      session.close()
      return denied
    }
    session.delimident = options?.delimident === true
    if (options?.secondary !== undefined) session.secondary = options.secondary
    this.sessions.add(session)
    if (options?.exclusive === true) this.exclusive.set(key, session)
    return session
  }

  close(): void {
    for (const s of Array.from(this.sessions)) s.close()
    this.push.close()
    this.capture.close()
    // Sequence counters live in memory while the engine runs (sequences.ts): write them back.
    for (const config of this.databases.values()) {
      if (config.scratch || !hasSequenceCounters(config.location)) {
        forgetSequences(config.location)
        continue
      }
      const db = new DatabaseSync(config.location, { timeout: 5000 })
      try {
        persistSequences(db, config.location)
      } finally {
        db.close()
      }
    }
    this.master.close()
    if (this.scratchDirectory !== undefined) removeScratch(this.scratchDirectory)
  }
}
