/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (clientSession.ts) */
/**
 * Login and database messages of the server session: the connection request and its CONACC answer (server name,
 * credentials), the SQ_PROTOCOLS framing, SQ_DBOPEN / SQ_DBCLOSE (and the opening and closing of databases the
 * DATABASE statements share, instanceStatements.ts).
 */
import * as Effect from "effect/Effect"
import { DEFAULT_SERVER_REPLY, framingFromMasks, INFORMIX15_SERVER_REPLY } from "../protocol/framing.ts"
import { makeConnectResponse, makeRedirectResponse } from "../protocol/helpers.ts"
import type { ConnectResponse, Framing, LoginRequest, ServerMessage } from "../protocol/messages.ts"
import { charsetForLocale, DEFAULT_LOCALE, latin1Charset } from "../values/charset.ts"
import type { BatchState, Session } from "./clientSession.ts"
import type { DatabaseProperties } from "./context.ts"
import type { EngineSession } from "./engine/api.ts"
import { isEngineError } from "./engine/api.ts"
import type { Statement } from "./prepareExecute.ts"
import { replyCharset } from "./rowCodec.ts"
import {
  BatchFailure,
  err,
  fromEngine,
  ISAM_NOT_FOUND,
  SQL_BAD_PASSWORD,
  SQL_DATABASE_NOT_FOUND,
  SQL_LOCALE_MISMATCH,
  SQL_NO_DATABASE,
  SQL_NO_SERVER,
  SQL_TRANSACTION_OPEN,
  SQL_WRONG_SERVER
} from "./sessionReplies.ts"

export interface OpenDatabase {
  readonly name: string
  readonly logged: boolean
  readonly ansi: boolean
  readonly engine: EngineSession
}

// -------------------------------------------------------------------------------------------------------------
// Login and capabilities
// -------------------------------------------------------------------------------------------------------------

export function login(
  this: Session,
  request: LoginRequest
): { messages: undefined; connect: ConnectResponse; close: boolean } {
  const config = this.ctx.config
  for (const [name, value] of request.env) this.env.set(name, value)
  const identity = { serverName: config.serverName, serverVersion: config.serverVersion, cap1: request.cap1 }
  let svcError = 0
  // The listener checks the server name first (nmap retries with the CONACC's applid after −761), then credentials.
  if (request.serverName !== undefined && request.serverName !== config.serverName) {
    svcError = SQL_WRONG_SERVER
  } else if (this.ctx.redirect !== undefined) {
    // A Connection Manager knows no users: it sends every login on (connectionManager.ts).
    const detail = this.ctx.redirect()
    this.phase = "closed"
    const connect = detail === undefined
      ? makeConnectResponse(identity, SQL_NO_SERVER)
      : makeRedirectResponse(identity, detail)
    return { messages: undefined, connect, close: true }
  } else {
    const expected = request.user === undefined ? undefined : config.users.get(request.user)
    // A PAM user's password is asked for in the PAM loop (pamConversation.ts); the PDU's is not checked.
    const pam = request.user !== undefined && config.pam.has(request.user)
    if (expected === undefined || (!pam && expected !== (request.password ?? ""))) svcError = SQL_BAD_PASSWORD
  }
  // The tail JDBC reads field by field (JDBC-READING.md §1), written in one PDU (the server writes it at once).
  // A cluster's secondary says so in the login warnings: JDBC's isReadOnly() (JDBC-READING.md §1).
  const response = makeConnectResponse(
    identity,
    svcError,
    0,
    svcError === 0 && this.ctx.secondary?.() === true ? LOGIN_READ_ONLY : 0
  )
  if (svcError !== 0) {
    this.phase = "closed"
    return { messages: undefined, connect: response, close: true }
  }
  this.user = request.user
  this.phase = "awaitProtocols"
  return { messages: undefined, connect: response, close: false }
}

/** Framing for the client's SQ_PROTOCOLS offer (called by the decoder side as soon as the offer is decoded). */
export function framingFor(this: Session, offer: Uint8Array): Framing {
  return framingFromMasks(offer, this.replyMask())
}

export function replyMask(this: Session): Uint8Array {
  return this.ctx.config.grantExtendedFraming ? INFORMIX15_SERVER_REPLY : DEFAULT_SERVER_REPLY
}

// -------------------------------------------------------------------------------------------------------------
// Databases and transactions
// -------------------------------------------------------------------------------------------------------------

/** Opens a database (SQ_DBOPEN, DATABASE, CREATE DATABASE), closing the current one first. */
export function dbOpen(
  this: Session,
  name: string,
  exclusive: boolean
): Effect.Effect<DatabaseProperties, BatchFailure> {
  // Database names are case-insensitive identifiers.
  const known = this.ctx.engine.database(name)
  if (known === undefined) {
    return Effect.fail(new BatchFailure(err(SQL_DATABASE_NOT_FOUND, ISAM_NOT_FOUND, name)))
  }
  // The client's DB_LOCALE declares the code set it will convert to; one the database was not created with is
  // refused rather than converted (VALUES.md §11.1, IBM-DOC JDBC "Unicode to database code set": "Database locale
  // information mismatch"; the code −23197 is believed, not captured — §14 Q12). CLIENT_LOCALE alone is never
  // checked: both peers send only it and expect to work on an 8859-1 database (client_locale_utf8 scenario).
  const declared = this.env.get("DB_LOCALE")
  if (declared !== undefined && charsetForLocale(declared)?.name !== known.charset.name) {
    return Effect.fail(new BatchFailure(err(SQL_LOCALE_MISMATCH, 0, declared)))
  }
  // Informix's DATABASE statement closes the current database first; SQ_DBOPEN on an open session does the same,
  // never with a transaction open (in an ANSI database: any work since the last COMMIT / ROLLBACK).
  if (this.database?.engine.inTransaction === true) {
    return Effect.fail(new BatchFailure(err(SQL_TRANSACTION_OPEN)))
  }
  this.closeDatabase(this.current?.kind._tag === "Instance" ? this.current : undefined)
  // DELIMIDENT=y (the client's environment, as JDBC's URL property sends it) makes `"Name"` an identifier.
  const delimident = /^[yY]/.test(this.env.get("DELIMIDENT") ?? "")
  const opened = this.ctx.engine.openSession(known.name, this.user ?? "informix", {
    exclusive,
    delimident,
    secondary: this.ctx.secondary,
    serverName: this.ctx.config.serverName
  })
  if (isEngineError(opened)) return Effect.fail(new BatchFailure(fromEngine(opened)))
  this.database = { name: known.name, logged: known.logged, ansi: known.ansi, engine: opened }
  // Text is decoded and encoded in the database's code set whatever the client declared (VALUES.md §11.1).
  this.charset = replyCharset(known.charset)
  return Effect.succeed(known)
}

/** SQ_DBOPEN: the database opened, then (JDBC needs it for logged databases) its DONE with the open warnings. */
export function dbOpenMessage(this: Session, name: string, state: BatchState): Effect.Effect<void, BatchFailure> {
  return Effect.map(this.dbOpen(name, false), (known) => {
    if (this.ctx.config.dbOpenReply === "done") state.out.push(this.openedDone(known))
  })
}

/**
 * The DONE after a database was opened (SQ_DBOPEN, and the DATABASE / CREATE DATABASE statements, whose DONE JDBC
 * reads the same way): its warnings are the database-open bits (dbOpenWarnings).
 */
export function openedDone(this: Session, known: DatabaseProperties): ServerMessage {
  const warnings = dbOpenWarnings(known, known.ansi, this.env.get("DB_LOCALE")) |
    (this.ctx.secondary?.() === true ? DBOPEN_SECONDARY : 0)
  return { _tag: "Done", warnings, rows: 0, rowid: 0, serial: 0 }
}

/**
 * Frees every statement (but `keep`, the DATABASE statement being run) and the engine session; text is read as
 * 8859-1 again until the next database.
 */
export function closeDatabase(this: Session, keep?: Statement): void {
  for (const stmt of Array.from(this.statements.values())) if (stmt !== keep) this.release(stmt)
  if (keep === undefined) this.current = undefined
  const db = this.database
  this.database = undefined
  if (db !== undefined) db.engine.close()
  this.charset = replyCharset(latin1Charset)
}

export function requireDb(this: Session): OpenDatabase | BatchFailure {
  return this.database ?? new BatchFailure(err(SQL_NO_DATABASE))
}

/** CONACC warning 0x20: the server is read-only (an HDR/RSS/SDS secondary; JDBC's `isReadOnly()`). */
const LOGIN_READ_ONLY = 0x20
/** DBOPEN DONE warning 0x20: "Database server running in secondary mode" (JDBC-READING.md §2). */
const DBOPEN_SECONDARY = 0x20

/**
 * The DONE warnings of a DBOPEN reply, as IBM's JDBC reads them bit by bit (`IfxSqli.receiveDone`, JDBC-READING.md
 * §2): 0x01 logged, 0x02 ANSI, 0x04 an Informix server (always), 0x40 the client's DB_LOCALE (en_US.8859-1 when it
 * sends none) is not the database's. So 0x0005 logged, 0x0007 ANSI, 0x0004 unlogged — inferred from IBM's sqlwarn
 * settings after DATABASE, not captured.
 */
const dbOpenWarnings = (known: DatabaseProperties, ansi: boolean, declared: string | undefined): number =>
  (known.logged ? 0x01 : 0) | (ansi ? 0x02 : 0) | 0x04 | (sameLocale(declared ?? DEFAULT_LOCALE, known) ? 0 : 0x40)

/** Same language/territory and the same code set, however it is spelled (`en_US.819` is `en_US.8859-1`). */
const sameLocale = (locale: string, known: DatabaseProperties): boolean =>
  locale.split(".")[0]!.toLowerCase() === known.locale.split(".")[0]!.toLowerCase() &&
  charsetForLocale(locale)?.name === known.charset.name
