/**
 * The engine: owns the per-database configuration and, for in-memory databases, one "keeper" connection per
 * database so the shared-cache database lives as long as the engine (SQLite drops an in-memory database when its
 * last connection closes).
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { LocalDate } from "../../../InformixValue.ts"
import { charsetForLocale, latin1Charset } from "../../values/charset.ts"
import type { EngineError, EngineOptions, EngineSession } from "./api.ts"
import { bootstrapCatalog } from "./catalog.ts"
import { engineError } from "./errors.ts"
import { type DatabaseConfig, Session } from "./session.ts"

let engineIds = 0

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
  private readonly keepers: Array<DatabaseSync> = []
  private readonly sessions = new Set<Session>()
  private readonly serverVersion: string
  private readonly hostName: string
  private readonly now: () => Date

  private constructor(options: EngineOptions & { readonly now?: () => Date }) {
    this.serverVersion = options.serverVersion ?? "15.0.1.0.3"
    this.hostName = options.hostName ?? "localhost"
    // A clock hook for tests (TODAY / CURRENT); the server uses the wall clock.
    this.now = options.now ?? (() => new Date())
    const id = ++engineIds
    const locale = options.locale ?? "en_US.819"
    if (options.directory !== undefined) mkdirSync(options.directory, { recursive: true })
    for (const d of options.databases) {
      const fileName = d.name.replace(/[^A-Za-z0-9_.-]/g, "_")
      const location = options.directory === undefined
        ? `file:ifx_${process.pid}_${id}_${fileName}?mode=memory&cache=shared`
        : join(options.directory, `${fileName}.sqlite3`)
      const config: DatabaseConfig = {
        name: d.name,
        logged: d.logged ?? d.ansi ?? false,
        ansi: d.ansi ?? false,
        location,
        wal: options.directory !== undefined,
        charset: charsetForLocale(d.locale ?? "en_US.8859-1") ?? latin1Charset
      }
      const keeper = new DatabaseSync(location, { timeout: 5000 })
      if (config.wal) keeper.exec("PRAGMA journal_mode = WAL")
      const today = this.now()
      bootstrapCatalog(
        keeper,
        d.name,
        d.locale === undefined ? locale : catalogSite(d.locale),
        new LocalDate(today.getFullYear(), today.getMonth() + 1, today.getDate()).toDayNumber()
      )
      if (options.directory === undefined) this.keepers.push(keeper)
      else keeper.close()
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
    for (const k of this.keepers) k.close()
    this.keepers.length = 0
  }
}
