/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message and error unions */
/**
 * A scripted SQLI server for session-level tests that need exact control over reply timing (hold a reply, send half
 * of it, answer late), which the TestServer's fault hooks only approximate. It logs in any client (password
 * "secret"), answers SQ_PROTOCOLS / SQ_INFO / SQ_DBOPEN, and hands every later batch to the test's handler.
 *
 * Urgent data: SO_OOBINLINE stays off; while a reply is held the server polls for the urgent byte and reports it.
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Net from "node:net"
import { ClientMessageDecoder, encodeConnectResponse, encodeServerMessages } from "../../src/internal/protocol/codec.ts"
import { DEFAULT_SERVER_REPLY, framingFromMasks, WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import { layoutDescribeFields, makeConnectResponse } from "../../src/internal/protocol/helpers.ts"
import type { ClientMessage, LoginRequest, ServerMessage } from "../../src/internal/protocol/messages.ts"
import { readUrgentByte } from "../../src/internal/urgent.ts"

export interface FakeSession {
  /** Writes server messages (a response group must end with an explicit Eot). */
  readonly reply: (messages: ReadonlyArray<ServerMessage>) => void
  /** Writes raw bytes. */
  readonly write: (bytes: Uint8Array) => void
  /** Resolves with true when an urgent byte arrives within `ms`, false otherwise. */
  readonly waitForUrgent: (ms: number) => Promise<boolean>
  readonly socket: Net.Socket
}

export type BatchHandler = (batch: ReadonlyArray<ClientMessage>, session: FakeSession) => void

export interface FakeServer {
  readonly port: number
  readonly url: string
  /** Every post-login batch received, in order. */
  readonly batches: Array<ReadonlyArray<ClientMessage>>
  /** Every login request received, in order (e.g. the INFORMIXSERVER a redirected client sends: `serverName`). */
  readonly logins: Array<LoginRequest>
  /** Stops listening and destroys every open socket (a server that dies). */
  readonly stop: Effect.Effect<void>
  /** Urgent bytes noticed (only while a handler waits for one). */
  readonly urgentSeen: () => number
  /** Urgent bytes found pending when a new batch arrived (sent too late for the request they were meant for). */
  readonly ignoredUrgent: () => number
}

export const EOT: ServerMessage = { _tag: "Eot" }

export const done = (rows: number, serial = 0): ServerMessage => ({
  _tag: "Done",
  warnings: 0,
  rows,
  rowid: 0,
  serial
})

export const err = (sqlcode: number, parameter = ""): ServerMessage => ({
  _tag: "Err",
  sqlcode,
  isamCode: 0,
  offset: 0,
  parameter,
  form: "standard"
})

export const describeNoColumns = (statementType: number, statementId = 0): ServerMessage => ({
  _tag: "Describe",
  statementType,
  statementId,
  estimatedCost: 0,
  tupleSize: 0,
  fields: []
})

const intField = (name: string) => ({
  name,
  columnStartPos: 0,
  columnType: 2,
  extendedId: 0,
  ownerName: "",
  extendedName: "",
  reference: 0,
  alignment: 0,
  sourceType: 0,
  encodedLength: 4
})

/** A DESCRIBE of INTEGER columns named `names`. */
export const describeWith = (
  statementType: number,
  statementId: number,
  names: ReadonlyArray<string>
): ServerMessage => ({
  _tag: "Describe",
  statementType,
  statementId,
  estimatedCost: 0,
  tupleSize: 4 * names.length,
  fields: layoutDescribeFields(names.map(intField))
})

/** An SQ_TUPLE of INTEGER values. */
export const intRow = (...values: ReadonlyArray<number>): ServerMessage => {
  const payload = new Uint8Array(4 * values.length)
  const view = new DataView(payload.buffer)
  values.forEach((v, i) => view.setInt32(4 * i, v))
  return { _tag: "Tuple", warnings: 0, payload }
}

export const encode = (messages: ReadonlyArray<ServerMessage>): Uint8Array => {
  const result = encodeServerMessages(messages, WIDE_FRAMING)
  if (Result.isFailure(result)) throw new Error(result.failure.message)
  return result.success
}

/** The SQL text of a Command/Prepare message (Latin-1). */
export const sqlOf = (message: ClientMessage): string | undefined =>
  message._tag === "Command" || message._tag === "Prepare" ? new TextDecoder("latin1").decode(message.sql) : undefined

/** A handler answering every SQ_COMMAND as a one-row INSERT (DESCRIBE, DONE 1) and anything else with EOT alone. */
export const acceptCommands: BatchHandler = (batch, session) =>
  session.reply(batch[0]!._tag === "Command" ? [describeNoColumns(6), done(1), EOT] : [EOT])

/** A port nothing listens on (bound once, then closed): connecting to it is refused. */
export const deadPort: Effect.Effect<number> = Effect.callback<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as Net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

export interface FakeServerOptions {
  /** The capability mask answered to SQ_PROTOCOLS (default: `DEFAULT_SERVER_REPLY`), e.g. to deny 4-byte SQL lengths. */
  readonly protocolsMask?: Uint8Array
  /**
   * Raw bytes answered to the login PDU instead of the default CONACC (the socket stays open); a function may choose
   * per login (`undefined`: the default CONACC).
   */
  readonly connectResponse?: Uint8Array | ((login: LoginRequest) => Uint8Array | undefined)
  /** The DONE warnings of the SQ_DBOPEN reply (default 0x0005, a logged database). */
  readonly dbOpenWarnings?: number
}

export const makeFakeServer = (
  handler: BatchHandler,
  options: FakeServerOptions = {}
): Effect.Effect<FakeServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const batches: Array<ReadonlyArray<ClientMessage>> = []
    const logins: Array<LoginRequest> = []
    let urgentSeen = 0
    let ignoredUrgent = 0
    const sockets = new Set<Net.Socket>()
    const server = Net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => {})
      const decoder = new ClientMessageDecoder({})
      let pending: Array<ClientMessage> = []
      const session: FakeSession = {
        socket,
        reply: (messages) => {
          if (!socket.destroyed) socket.write(encode(messages))
        },
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes)
        },
        waitForUrgent: (ms) =>
          new Promise((resolve) => {
            const started = performance.now()
            const poll = () => {
              if (socket.destroyed) return resolve(false)
              const byte = Effect.runSync(readUrgentByte(socket))
              if (byte !== undefined) {
                urgentSeen++
                return resolve(true)
              }
              if (performance.now() - started >= ms) return resolve(false)
              setTimeout(poll, 2)
            }
            poll()
          })
      }
      socket.on("data", (chunk: Uint8Array) => {
        const { messages, error } = decoder.push(chunk)
        if (error !== undefined) {
          socket.destroy()
          return
        }
        for (const message of messages) {
          if (message._tag === "LoginRequest") {
            const login = message as LoginRequest
            logins.push(login)
            const scripted = typeof options.connectResponse === "function"
              ? options.connectResponse(login)
              : options.connectResponse
            if (scripted !== undefined) {
              socket.write(scripted)
              continue
            }
            const ok = login.password === "secret"
            const response = makeConnectResponse(
              { serverVersion: "15.0.1.0.3", serverName: "ol_fake", cap1: login.cap1 },
              ok ? 0 : -951
            )
            const bytes = encodeConnectResponse(response)
            if (Result.isSuccess(bytes)) socket.write(bytes.success)
            if (!ok) socket.end()
            continue
          }
          const m = message as ClientMessage
          if (m._tag === "Exit") {
            session.reply([{ _tag: "Exit" }, EOT])
            socket.end()
            continue
          }
          pending.push(m)
          if (m._tag !== "Eot") continue
          const batch = pending
          pending = []
          const first = batch[0]!
          if (first._tag === "Protocols") {
            const mask = options.protocolsMask ?? DEFAULT_SERVER_REPLY
            session.reply([{ _tag: "Protocols", mask }, EOT])
            // Read the client's later messages with the widths both sides now use.
            decoder.setFraming(framingFromMasks(first.mask, mask))
          } else if (first._tag === "Info") {
            session.reply([EOT])
          } else if (first._tag === "DbOpen") {
            session.reply([{ _tag: "Done", warnings: options.dbOpenWarnings ?? 5, rows: 0, rowid: 0, serial: 0 }, EOT])
          } else {
            // An urgent byte that arrived between requests belongs to an earlier, finished request: a server must
            // ignore it (SQLI.md §8.12). TCP delivers it before this batch's bytes, so it is pending by now.
            if (Effect.runSync(readUrgentByte(socket)) !== undefined) ignoredUrgent++
            batches.push(batch)
            handler(batch, session)
          }
        }
      })
    })
    const stop = Effect.callback<void>((resume) => {
      for (const socket of sockets) socket.destroy()
      if (!server.listening) return resume(Effect.void)
      server.close(() => resume(Effect.void))
    })
    yield* Effect.acquireRelease(
      Effect.callback<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () => stop
    )
    const port = (server.address() as Net.AddressInfo).port
    return {
      port,
      url: `informix://tester:secret@127.0.0.1:${port}/fakedb?server=ol_fake`,
      batches,
      logins,
      stop,
      urgentSeen: () => urgentSeen,
      ignoredUrgent: () => ignoredUrgent
    }
  })
