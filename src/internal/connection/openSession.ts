/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Opening a session (SQLI.md §2–§4, §8.1): TCP or TLS socket, CONREQ login PDU → CONACC/CONREJ, SQ_PROTOCOLS
 * (framing = offered ∧ granted), SQ_INFO environment, SQ_DBOPEN, then the session settings (isolation, lock wait).
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
import {
  authenticationFailed,
  ConnectionError,
  fromServerError,
  type InformixError,
  ProtocolError
} from "../../InformixError.ts"
import { isolationStatement, lockWaitStatement, type ResolvedConfig } from "../config/resolve.ts"
import { encodeLoginRequest } from "../protocol/codec.ts"
import { DEFAULT_CLIENT_OFFER, framingFromMasks } from "../protocol/framing.ts"
import { LOGIN_DEFAULTS } from "../protocol/loginPdu.ts"
import type { ClientMessage, ConnectResponse, EnvPair, Framing, LoginRequest } from "../protocol/messages.ts"
import { charsetForLocale, DEFAULT_LOCALE, latin1Charset } from "../values/charset.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { encodeBatch, makeDecoder } from "./codecView.ts"
import { ConnectionImpl } from "./connectionImpl.ts"
import { EOT, INFO_ENV } from "./prebuiltMessages.ts"
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
      socket = Net.connect({ host, port, noDelay: true })
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
  if (AUTH_CODES.has(code)) {
    return authenticationFailed(
      { sqlcode: code, isamCode: response.osError, parameter: config.user },
      { user: config.user, server: config.server }
    )
  }
  if (response.slType === 13) {
    return new ConnectionError({
      reason: "Rejected",
      host: config.host,
      port: config.port,
      message: "The server redirected the connection (SL type 13), which is not supported"
    })
  }
  return new ConnectionError({
    reason: "Rejected",
    host: config.host,
    port: config.port,
    message: `The server rejected the session (sqlcode ${code}, os error ${response.osError})`
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
    if (response.slType !== 2 || response.svcError !== 0) {
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

    const info = yield* request(session, [INFO_ENV], framing)
    const infoError = info.find((m) => m._tag === "Err")
    if (infoError !== undefined && infoError._tag === "Err") return yield* fromServerError(infoError)

    let loggedDatabase = false
    if (config.database !== undefined) {
      const opened = yield* request(session, [{ _tag: "DbOpen", name: config.database, mode: 0 }], framing)
      for (const m of opened) {
        if (m._tag === "Err") return yield* fromServerError(m, `DATABASE ${config.database}`)
        // JDBC 15 reads warnings 0x0001 in the DBOPEN reply's DONE as "logged database" (SQLI.md §9.3).
        if (m._tag === "Done" && (m.warnings & 0x0001) !== 0) loggedDatabase = true
      }
    }

    const connection = new ConnectionImpl(session, {
      config,
      framing,
      values: { charset: charsetForLocale(config.dbLocale) ?? latin1Charset, trimChar: config.trimChar },
      serverVersion: response.serverVersion,
      loggedDatabase,
      statementCacheSize: options.statementCacheSize
    })
    if (config.isolation !== undefined) yield* connection.runSetup(isolationStatement(config.isolation))
    if (config.lockWait !== undefined) yield* connection.runSetup(lockWaitStatement(config.lockWait))
    return connection
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
