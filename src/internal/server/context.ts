/**
 * What every session of one TestServer shares: configuration, the engine, the fault state and the replay table.
 *
 * @internal
 */
import type { Charset } from "../values/charset.ts"
import type { EngineError, EngineSession, InstanceStatement } from "./engine/api.ts"
import type { FaultState } from "./faults.ts"
import type { ReplayResult } from "./replay.ts"

/** What the session layer knows of one database (engine.ts `DatabaseInfo`). */
export interface DatabaseProperties {
  readonly name: string
  readonly logged: boolean
  /** MODE ANSI (implies logged). */
  readonly ansi: boolean
  /** The database locale (`en_US.8859-1` unless created otherwise). */
  readonly locale: string
  /** Its code set: text is stored and sent in it, whatever the client's locales say (VALUES.md §11.1). */
  readonly charset: Charset
}

/** A user's PAM conversation (TestServer `pam` option; pamConversation.ts). */
export type PamMode =
  | { readonly mode: "password" }
  | { readonly mode: "passwordAndCode"; readonly code: string }
  | { readonly mode: "refuse" }

export interface ServerConfig {
  /** user → password. */
  readonly users: ReadonlyMap<string, string>
  /** user → PAM conversation; those users log in through the PAM loop instead of the login PDU's password. */
  readonly pam: ReadonlyMap<string, PamMode>
  /** The locale of databases created without a client DB_LOCALE (IBM: the server's default, en_US.8859-1). */
  readonly defaultLocale: string
  /** DBSERVERNAME: what the client must send as INFORMIXSERVER (else −761); the CONACC's applid. */
  readonly serverName: string
  /** Version string of CONACC and SQ_VERSION (JDBC reports it as the product version). */
  readonly serverVersion: string
  /** Grant capability bits 69/70 (9th reply-mask byte ff) like a real Informix 15 (SQLI.md §4.1). */
  readonly grantExtendedFraming: boolean
  /** Reply to SQ_DBOPEN with `SQ_DONE(flags) EOT` ("done", JDBC needs it for logged DBs) or a bare EOT ("eot", nmap). */
  readonly dbOpenReply: "done" | "eot"
  /** Serve `EXECUTE PROCEDURE sysproc_sleep(n)` in the session layer (sqlStall.ts). */
  readonly sqlSleep: boolean
  /** Close a forward cursor at its last row when the session's environment has OPTOFC=1 (fetchScroll.ts `nfetch`). */
  readonly honourOptofc: boolean
}

/** The part of the engine the session layer uses (engine/index.ts `Engine`): the instance and its databases. */
export interface SessionEngine {
  openSession(
    database: string,
    user: string,
    options?: {
      readonly exclusive?: boolean
      readonly delimident?: boolean
      readonly secondary?: (() => boolean) | undefined
      readonly serverName?: string | undefined
    }
  ): EngineSession | EngineError
  /** A database of the instance (case-insensitive name). */
  database(name: string): DatabaseProperties | undefined
  databaseNames(): ReadonlyArray<string>
  createDatabase(
    name: string,
    request: {
      readonly logged: boolean
      readonly buffered: boolean
      readonly ansi: boolean
      readonly locale: string
      readonly owner: string
    }
  ): DatabaseProperties | EngineError
  /** The instance statement (CREATE/DROP DATABASE, DATABASE, CLOSE DATABASE) `sql` is, if any. */
  instanceStatement(sql: string, serverName?: string): InstanceStatement | EngineError | undefined
  /** `caller`: the session asking (its own open database gives -359 rather than -425). */
  dropDatabase(name: string, caller?: EngineSession): EngineError | undefined
}

export interface ServerContext {
  readonly config: ServerConfig
  readonly engine: SessionEngine
  readonly faults: FaultState
  readonly replay: ReadonlyMap<string, ReplayResult>
  /**
   * A member of a TestServer cluster (cluster.ts): whether it is a read-only secondary right now. Its logins carry
   * warning 0x20, its DBOPEN replies 0x20, and its engine sessions refuse writes.
   */
  readonly secondary?: (() => boolean) | undefined
  /**
   * A Connection Manager service level (connectionManager.ts): every login is answered with a redirect to this
   * detail (`server:host:port`), or refused when it returns undefined (no server fits the service level).
   */
  readonly redirect?: (() => string | undefined) | undefined
}
