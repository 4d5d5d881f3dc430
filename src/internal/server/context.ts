/**
 * What every session of one TestServer shares: configuration, the engine, the fault state and the replay table.
 *
 * @internal
 */
import type { Charset } from "../values/charset.ts"
import type { EngineError, EngineSession } from "./engine/api.ts"
import type { FaultState } from "./faults.ts"
import type { ReplayResult } from "./replay.ts"

/** What the session layer knows of one database. */
export interface DatabaseProperties {
  readonly logged: boolean
  /** MODE ANSI (implies logged); absent = false. */
  readonly ansi?: boolean
  /** The database locale (`en_US.8859-1` unless created otherwise). */
  readonly locale: string
  /** Its code set: text is stored and sent in it, whatever the client's locales say (VALUES.md §11.1). */
  readonly charset: Charset
}

export interface ServerConfig {
  /** user → password. */
  readonly users: ReadonlyMap<string, string>
  /** database name → properties. */
  readonly databases: ReadonlyMap<string, DatabaseProperties>
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
}

/** The part of the engine the session layer uses (engine/index.ts `Engine`). */
export interface SessionEngine {
  openSession(database: string, user: string): EngineSession | EngineError
}

export interface ServerContext {
  readonly config: ServerConfig
  readonly engine: SessionEngine
  readonly faults: FaultState
  readonly replay: ReadonlyMap<string, ReplayResult>
}
