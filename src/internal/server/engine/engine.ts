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
import type { EngineError, EngineOptions, EngineSession } from "./api.ts"
import { bootstrapCatalog } from "./catalog.ts"
import { engineError } from "./engineErrors.ts"
import { type DatabaseConfig, Session } from "./engineSession.ts"
import { TableLocks } from "./locks.ts"

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

export class Engine {
  private readonly databases = new Map<string, DatabaseConfig>()
  /** The private directory of the "in-memory" databases, removed by close(). */
  private readonly scratchDirectory: string | undefined
  private readonly sessions = new Set<Session>()
  private readonly serverVersion: string
  private readonly hostName: string
  private readonly now: () => Date

  private constructor(options: EngineOptions & { readonly now?: () => Date }) {
    this.serverVersion = options.serverVersion ?? "15.0.1.0.3"
    this.hostName = options.hostName ?? "localhost"
    // A clock hook for tests (TODAY / CURRENT); the server uses the wall clock.
    this.now = options.now ?? (() => new Date())
    const locale = options.locale ?? "en_US.819"
    if (options.directory !== undefined) mkdirSync(options.directory, { recursive: true })
    this.scratchDirectory = options.directory === undefined
      ? mkdtempSync(join(tmpdir(), `ifx-testserver-${++engineIds}-`))
      : undefined
    if (this.scratchDirectory !== undefined) trackScratch(this.scratchDirectory)
    const directory = options.directory ?? this.scratchDirectory!
    for (const d of options.databases) {
      const fileName = d.name.replace(/[^A-Za-z0-9_.-]/g, "_")
      const location = join(directory, `${fileName}.sqlite3`)
      const config: DatabaseConfig = {
        name: d.name,
        logged: d.logged ?? d.ansi ?? false,
        ansi: d.ansi ?? false,
        location,
        wal: true,
        scratch: options.directory === undefined,
        locks: new TableLocks(),
        charset: charsetForLocale(d.locale ?? "en_US.8859-1") ?? latin1Charset
      }
      const keeper = new DatabaseSync(location, { timeout: 5000 })
      keeper.exec("PRAGMA journal_mode = WAL")
      if (config.scratch) keeper.exec("PRAGMA synchronous = OFF")
      const today = this.now()
      bootstrapCatalog(
        keeper,
        d.name,
        d.locale === undefined ? locale : catalogSite(d.locale),
        new LocalDate(today.getFullYear(), today.getMonth() + 1, today.getDate()).toDayNumber()
      )
      keeper.close()
      this.databases.set(d.name.toLowerCase(), config)
    }
  }

  static make(options: EngineOptions & { readonly now?: () => Date }): Engine {
    return new Engine(options)
  }

  databaseExists(name: string): boolean {
    return this.databases.has(name.toLowerCase())
  }

  isLogged(name: string): boolean {
    return this.databases.get(name.toLowerCase())?.logged ?? false
  }

  isAnsi(name: string): boolean {
    return this.databases.get(name.toLowerCase())?.ansi ?? false
  }

  openSession(database: string, user: string): EngineSession | EngineError {
    const config = this.databases.get(database.toLowerCase())
    // IBM: -329 "Database not found or no system permission." (SQLI.md §9.1)
    if (config === undefined) return engineError(-329, { isamCode: -111, parameter: database })
    let session: Session
    try {
      session = new Session(config, user, {
        serverVersion: this.serverVersion,
        hostName: this.hostName,
        now: this.now
      }, (s) => this.sessions.delete(s))
    } catch (error) {
      // The database file cannot be opened (permissions, corruption): the database is not available.
      return engineError(-329, { isamCode: -111, parameter: error instanceof Error ? error.message : database })
    }
    this.sessions.add(session)
    return session
  }

  close(): void {
    for (const s of Array.from(this.sessions)) s.close()
    if (this.scratchDirectory !== undefined) removeScratch(this.scratchDirectory)
  }
}
