/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Opening a session (SQLI.md §2–§4, §8.1): TCP or TLS socket, CONREQ login PDU → CONACC/CONREJ, SQ_PROTOCOLS
 * (framing = offered ∧ granted), the PAM challenge loop when the server requires it, SQ_INFO environment,
 * SQ_DBOPEN, then the session settings (isolation, lock wait).
 *
 * The password is read from its `Redacted` only to build the login PDU; it never reaches an error, a log or a span.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Tls from "node:tls"
import type { DatabaseInfo } from "../../Connection.ts"
import {
  authenticationFailed,
  ConnectionError,
  fromServerError,
  type InformixError,
  ProtocolError
} from "../../InformixError.ts"
import { isolationStatement, lockWaitStatement, type ResolvedConfig } from "../config/resolve.ts"
import { encodeLoginRequest } from "../protocol/codec.ts"
import { CapabilityBit, DEFAULT_CLIENT_OFFER, framingFromMasks, hasBit } from "../protocol/framing.ts"
import { JDBC_INFO_ENV } from "../protocol/helpers.ts"
import { LOGIN_DEFAULTS, parseRedirect } from "../protocol/loginPdu.ts"
import type { ClientMessage, ConnectResponse, EnvPair, Framing, LoginRequest } from "../protocol/messages.ts"
import { SlType } from "../protocol/opcodes.ts"
import { charsetForLocale, DEFAULT_LOCALE, latin1Charset } from "../values/charset.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { encodeBatch, makeDecoder } from "./codecView.ts"
import { ConnectionImpl } from "./connectionImpl.ts"
import { authenticate } from "./pamLogin.ts"
import { EOT, INFO_ENV } from "./prebuiltMessages.ts"
import { connectPlain } from "./socketReads.ts"
import { type Incoming, Session, socketError, type UrgentSender } from "./wireSession.ts"

export interface OpenOptions {
  readonly urgent: UrgentSender
  readonly statementCacheSize: number
}

/** Opens the TCP (or TLS) socket; interruption destroys it. */
export const openSocket = (config: ResolvedConfig): Effect.Effect<Net.Socket, ConnectionError> =>
  Effect.callback<Net.Socket, ConnectionError>((resume) => {
    const { host, port } = config
    let socket: Net.Socket
    const onError = (error: Error) => {
      cleanup()
      socket.destroy()
      resume(Effect.fail(socketError(error, host, port)))
    }
    const onConnected = () => {
      cleanup()
      // Set on the socket that is actually used (the TLS one when TLS is on). Keep-alive lets an idle pooled
      // session notice a vanished peer (the OS then reports the socket as reset and the session retires).
      socket.setNoDelay(true)
      socket.setKeepAlive(true, 60_000)
      resume(Effect.succeed(socket))
    }
    const cleanup = () => {
      socket.off("error", onError)
      socket.off("connect", onConnected)
      socket.off("secureConnect", onConnected)
    }
    if (config.tls !== undefined) {
      // Certificate verification stays on unless the caller's options turn it off explicitly (SQLI.md §2.2).
      const options: Tls.ConnectionOptions = {
        host,
        port,
        rejectUnauthorized: true,
        ...(Net.isIP(host) === 0 ? { servername: host } : {}),
        ...config.tls
      }
      socket = Tls.connect(options)
      socket.once("secureConnect", onConnected)
    } else {
      socket = connectPlain(host, port)
      socket.once("connect", onConnected)
    }
    socket.once("error", onError)
    return Effect.sync(() => {
      cleanup()
      socket.destroy()
    })
  })

/**
 * The login env block exactly as JDBC 15 builds it (SQLI.md §3.2, golden/jdbc-login-*): with the default locales
 * the six pairs including `DBDATE=Y4MD-`; with a non-default CLIENT_LOCALE no DBDATE; DB_LOCALE, when it is not the
 * default, inserted between IFX_UPDDESC and NODEFDAC. (Peer behaviour decides; see docs/protocol-evidence.md.)
 */
const loginEnv = (config: ResolvedConfig): ReadonlyArray<EnvPair> => {
  const defaultClient = sameLocale(config.clientLocale, DEFAULT_LOCALE)
  const defaultDb = sameLocale(config.dbLocale, DEFAULT_LOCALE)
  const env: Array<EnvPair> = [["DBPATH", "."], ["CLIENT_LOCALE", config.clientLocale], ["CLNT_PAM_CAPABLE", "1"]]
  if (defaultClient && defaultDb) env.push(["DBDATE", "Y4MD-"])
  env.push(["IFX_UPDDESC", "1"])
  if (!defaultDb) env.push(["DB_LOCALE", config.dbLocale])
  env.push(["NODEFDAC", "no"])
  return env
}

const sameLocale = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

const loginRequest = (config: ResolvedConfig): LoginRequest => ({
  _tag: "LoginRequest",
  ...LOGIN_DEFAULTS,
  user: config.user,
  password: config.password === undefined ? undefined : Redacted.value(config.password),
  serverName: config.server,
  env: loginEnv(config),
  processInfo: {
    reserved: 0,
    pid: process.pid,
    tid: 0,
    hostname: Os.hostname(),
    reserved2: 0,
    cwd: process.cwd()
  },
  applicationName: config.appName
})

/** sqlcodes of a CONREJ that mean "who you are" was refused (wrong password, unknown user, server name, trust). */
const AUTH_CODES = new Set([-951, -952, -761, -956, -1809, -11033])

const rejection = (response: ConnectResponse, config: ResolvedConfig): InformixError => {
  const code = response.svcError
  if (response.slType === SlType.REDIRECT) {
    // JDBC turns a REDIRECT into −79998 carrying the detail and logs in again at the target (JDBC-READING.md §5);
    // so does connectGroup.ts, from the target given here.
    const target = response.redirect === undefined ? undefined : parseRedirect(response.redirect.detail)
    return new ConnectionError({
      reason: "Redirected",
      host: config.host,
      port: config.port,
      message: target === undefined
        ? "The server redirected the connection without a usable target (server, host and port)"
        : `The server redirected the connection to server ${target.server} at ${target.host}:${target.port}`,
      ...(target === undefined ? {} : { redirect: target })
    })
  }
  if (AUTH_CODES.has(code)) {
    return authenticationFailed(
      { sqlcode: code, isamCode: response.osError, parameter: config.user },
      { user: config.user, server: config.server }
    )
  }
  if (code === 0) {
    // A CONREJ without an error code: JDBC reports −408 (Connection.recvConnectionResponse), a protocol failure.
    return new ProtocolError({ message: "The server rejected the session (SL type 3) without an error code" })
  }
  const text = response.errors.length > 0 ? `: ${response.errors[response.errors.length - 1]!.text}` : ""
  return new ConnectionError({
    reason: "Rejected",
    host: config.host,
    port: config.port,
    message: `The server rejected the session (sqlcode ${code}, os error ${response.osError})${text}`
  })
}

const unexpected = (session: Session, message: string): Effect.Effect<never, ProtocolError> =>
  Effect.suspend(() => {
    const error = new ProtocolError({ message })
    session.fatal(error)
    return Effect.fail(error)
  })

const request = (
  session: Session,
  messages: ReadonlyArray<ClientMessage>,
  framing: Framing
): Effect.Effect<ReadonlyArray<Incoming>, InformixError> => {
  const bytes = encodeBatch([...messages, EOT], framing)
  if (bytes instanceof CodecFailure) {
    return Effect.fail(new ProtocolError({ message: `The request could not be encoded: ${bytes.message}` }))
  }
  return session.exchangeUntil(bytes, "Eot")
}

/** Login + SQ_PROTOCOLS + SQ_INFO + SQ_DBOPEN on an open session. */
const initialize = (
  session: Session,
  config: ResolvedConfig,
  options: OpenOptions
): Effect.Effect<ConnectionImpl, InformixError> =>
  Effect.gen(function*() {
    const login = encodeLoginRequest(loginRequest(config))
    if (Result.isFailure(login)) {
      // Only lengths can fail here (user, server, locale names); never include the PDU or the password.
      return yield* new ConnectionError({
        reason: "Unknown",
        host: config.host,
        port: config.port,
        message: `The login request could not be encoded (a name is too long): ${
          login.failure.message.replace(/password/gi, "field")
        }`
      })
    }
    const accept = yield* session.exchangeUntil(login.success, "ConnectResponse")
    const response = accept.find((m): m is ConnectResponse => m._tag === "ConnectResponse")
    if (response === undefined) return yield* unexpected(session, "The server did not answer the login request")
    // A CONACC is accepted whatever its svcError (JDBC never looks at it there) and whichever of the markers 102, 103
    // or 127 follows (a 103 in a CONACC is accepted as well: JDBC only follows a redirect in SL type 13).
    if (response.slType !== SlType.CONACC) {
      const error = rejection(response, config)
      session.fatal(error)
      return yield* error
    }

    // Capabilities: offer the 8-byte mask; every width switch is offered ∧ granted (SQLI.md §4.1, §5.1).
    const offer = DEFAULT_CLIENT_OFFER
    const provisional = framingFromMasks(offer, offer)
    const protocols = yield* request(session, [{ _tag: "Protocols", mask: offer }], provisional)
    const granted = protocols.find((m) => m._tag === "Protocols")
    if (granted === undefined || granted._tag !== "Protocols") {
      return yield* unexpected(session, "The server did not answer SQ_PROTOCOLS with its capability mask")
    }
    const framing = framingFromMasks(offer, granted.mask)
    session.decoder.setFraming(framing)

    // PAM: only when the server's reply requires it (bit 44), before SQ_INFO as IBM's JDBC runs it (pamLogin.ts).
    if (hasBit(offer, CapabilityBit.PAM) && hasBit(granted.mask, CapabilityBit.PAM)) {
      yield* authenticate(session, config, framing)
    }

    const info = yield* request(session, [config.optofc ? INFO_ENV : JDBC_INFO_ENV], framing)
    const infoError = info.find((m) => m._tag === "Err")
    if (infoError !== undefined && infoError._tag === "Err") return yield* fromServerError(infoError)

    let openWarnings = 0
    if (config.database !== undefined) {
      const opened = yield* request(session, [{ _tag: "DbOpen", name: config.database, mode: 0 }], framing)
      for (const m of opened) {
        if (m._tag === "Err" && m.sqlcode !== 0 && m.sqlcode !== 100) {
          return yield* fromServerError(m, `DATABASE ${config.database}`)
        }
        if (m._tag === "Done") openWarnings = m.warnings
      }
    }

    const connection = new ConnectionImpl(session, {
      config,
      framing,
      values: {
        charset: charsetForLocale(config.dbLocale) ?? latin1Charset,
        trimChar: config.trimChar,
        types: config.types
      },
      serverVersion: response.serverVersion,
      databaseInfo: databaseInfo(config.database, openWarnings, response.warnings),
      statementCacheSize: options.statementCacheSize
    })
    if (config.isolation !== undefined) yield* connection.runSetup(isolationStatement(config.isolation))
    if (config.lockWait !== undefined) yield* connection.runSetup(lockWaitStatement(config.lockWait))
    // ANSI: the settings may have opened the server's implicit transaction; a new session starts outside one (IBM's
    // JDBC, in autocommit, commits after each such statement too).
    if (connection.inTransaction && connection.databaseInfo.ansi) yield* connection.runSetup("COMMIT WORK")
    return connection
  })

/**
 * The DBOPEN reply's DONE warnings read bit by bit as IBM's JDBC does (`IfxSqli.receiveDone`, JDBC-READING.md §2):
 * 0x01 logged, 0x02 ANSI, 0x40 the database's locale differs from the client's; the login accept's 0x20 is a
 * read-only secondary (`IfxSqliConnect`: `readOnly`). JDBC only turns DBOPEN's 0x20 ("Database server running in
 * secondary mode") into a warning; it is taken as read-only too, so that a secondary which reports itself only
 * there is not handed writes (issue #20). A server that sends no DONE leaves every bit clear.
 */
const databaseInfo = (database: string | undefined, openWarnings: number, loginWarnings: number): DatabaseInfo => ({
  database,
  logged: (openWarnings & 0x01) !== 0,
  ansi: (openWarnings & 0x02) !== 0,
  readOnly: ((loginWarnings | openWarnings) & 0x20) !== 0,
  localeMismatch: (openWarnings & 0x40) !== 0,
  openWarnings,
  loginWarnings
})

/**
 * Opens a session. If anything fails (or the caller interrupts, e.g. the connect timeout), the socket is destroyed.
 */
export const open = (config: ResolvedConfig, options: OpenOptions): Effect.Effect<ConnectionImpl, InformixError> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(restore(openSocket(config)), (socket) => {
      const session = new Session(socket, socket, {
        host: config.host,
        port: config.port,
        decoder: makeDecoder(config.maxMessageSize),
        urgent: options.urgent,
        drainTimeout: config.drainTimeout
      })
      return restore(initialize(session, config, options)).pipe(
        Effect.onExit((exit) =>
          Exit.isSuccess(exit) ? Effect.void : Effect.sync(() =>
            session.fatal(
              new ConnectionError({
                reason: "Closed",
                host: config.host,
                port: config.port,
                message: "The session was closed because connecting did not complete"
              })
            )
          )
        )
      )
    })
  )
