/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The TestServer's listeners: a plain TCP listener and an optional TLS listener (TLS from byte 0 on a separate port,
 * SQLI.md §2.2), each accepted socket wired to a Session through a Connection.
 *
 * Every connection runs as a fiber in a FiberSet owned by the server's scope; closing the scope interrupts them,
 * which closes every session (rolling back open transactions) and destroys every socket.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as net from "node:net"
import { Duplex } from "node:stream"
import * as tls from "node:tls"
import { ClientMessageDecoder, encodeConnectResponse, encodeServerMessages } from "../protocol/codec.ts"
import type { ServerMessage } from "../protocol/messages.ts"
import { enableOobInline } from "../urgent.ts"
import type { Inbound } from "./clientSession.ts"
import { Session } from "./clientSession.ts"
import type { ServerContext } from "./context.ts"
import type { ConnectionHandler, Reply, TraceEvent, Transport } from "./socketLoop.ts"
import { makeConnection } from "./socketLoop.ts"
import { TlsRecordFilter } from "./tlsRecords.ts"

/**
 * A TLS handshake that has not finished by then is abandoned: a client that connects and never completes one (sends
 * nothing, or stalls) does not hold a socket forever. A plaintext client fails sooner, on its first bytes.
 */
const TLS_HANDSHAKE_TIMEOUT = "5 seconds"

export interface ListenOptions {
  readonly host: string
  readonly port: number
  readonly tls?:
    | { readonly key: string | Uint8Array; readonly cert: string | Uint8Array; readonly port: number }
    | undefined
  readonly trace?: ((sessionId: number, event: TraceEvent<Inbound>) => Effect.Effect<void>) | undefined
}

export interface Listening {
  readonly port: number
  readonly tlsPort: number | undefined
  /** Live sessions (for statistics and leak checks). */
  readonly sessions: ReadonlySet<Session>
  /** Sessions ever accepted, and the most that were open at once. */
  readonly counters: { totalSessions: number; peakSessions: number }
  /** Destroys every client socket (their sessions close and roll back). */
  readonly dropAll: () => void
}

export class ListenError {
  readonly _tag = "ListenError"
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

export const listen = (
  ctx: ServerContext,
  options: ListenOptions
): Effect.Effect<Listening, ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    const fibers = yield* FiberSet.make<void, never>()
    const run = yield* FiberSet.runtime(fibers)<never>()
    const sessions = new Set<Session>()
    const sockets = new Set<net.Socket>()
    const counters = { totalSessions: 0, peakSessions: 0 }
    let nextSessionId = 1

    const startSession = (transport: Transport, tcp: net.Socket, isTls: boolean) => {
      const session = new Session(ctx, nextSessionId++)
      sessions.add(session)
      counters.totalSessions++
      counters.peakSessions = Math.max(counters.peakSessions, sessions.size)
      const handler = makeHandler(session, options.trace)
      const connection = makeConnection({ transport, handler, faults: ctx.faults, inlineUrgent: !isTls })
      const fiber = run(
        Effect.gen(function*() {
          const inline = yield* enableOobInline(tcp)
          if (!inline) yield* Effect.logDebug("TestServer: SO_OOBINLINE unavailable; interrupts are not detected")
          yield* connection.run
        }).pipe(Effect.ensuring(Effect.sync(() => sessions.delete(session))))
      )
      void fiber
      return connection
    }

    // On the Effect clock of the server's scope (not a Node timer), so a test clock decides when it fires.
    const handshakeDeadline = (onTimeout: () => void) => {
      const fiber = run(Effect.sleep(TLS_HANDSHAKE_TIMEOUT).pipe(Effect.andThen(Effect.sync(onTimeout))))
      return () => fiber.interruptUnsafe()
    }

    const track = (socket: net.Socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => socket.destroy())
      socket.setNoDelay(true)
    }

    const plain = net.createServer((socket) => {
      track(socket)
      const transport: Transport = { socket, destroy: () => socket.destroy() }
      const connection = startSession(transport, socket, false)
      socket.on("data", (chunk: Uint8Array) => connection.push(chunk))
      socket.on("close", () => connection.ended())
    })
    const port = yield* listenOn(plain, options.host, options.port)

    let tlsPort: number | undefined
    const tlsOptions = options.tls
    if (tlsOptions !== undefined) {
      const secureContext = yield* Effect.try({
        try: () => tls.createSecureContext({ key: toKey(tlsOptions.key), cert: toKey(tlsOptions.cert) }),
        catch: (cause) => new ListenError(`invalid TLS key/certificate: ${String(cause)}`)
      })
      const secure = net.createServer((raw) => {
        track(raw)
        acceptTls(raw, secureContext, handshakeDeadline, (tlsSocket, filter) => {
          const transport: Transport = {
            socket: tlsSocket,
            destroy: () => {
              tlsSocket.destroy()
              raw.destroy()
            }
          }
          const connection = startSession(transport, raw, true)
          filter.onUrgent = () => connection.urgent()
          tlsSocket.on("data", (chunk: Uint8Array) => connection.push(chunk))
          tlsSocket.on("close", () => connection.ended())
        })
      })
      tlsPort = yield* listenOn(secure, options.host, tlsOptions.port)
      yield* Effect.addFinalizer(() => closeServer(secure))
    }

    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        for (const socket of sockets) socket.destroy()
        yield* closeServer(plain)
      })
    )

    return {
      port,
      tlsPort,
      sessions,
      counters,
      dropAll: () => {
        for (const socket of sockets) socket.destroy()
      }
    }
  })

/** Wires a session's encoders/decoder to the connection machinery. */
const makeHandler = (
  session: Session,
  trace: ListenOptions["trace"]
): ConnectionHandler<Inbound> => {
  const decoder = new ClientMessageDecoder()
  const encode = (messages: ReadonlyArray<ServerMessage>, close: boolean): Effect.Effect<Reply> => {
    const encoded = encodeServerMessages(messages, session.framing)
    if (Result.isSuccess(encoded)) return Effect.succeed({ bytes: encoded.success, close })
    // A reply we cannot encode is a server bug; the client would hang waiting for it, so close instead.
    return Effect.as(
      Effect.logError(`TestServer: cannot encode a reply: ${encoded.failure.message}`),
      { bytes: new Uint8Array(0), close: true }
    )
  }
  return {
    decoder: {
      push: (chunk) => {
        const result = decoder.push(chunk)
        for (const message of result.messages) {
          // Switch the client-side widths as soon as the offer is decoded: later messages may already be buffered.
          if (message._tag === "Protocols") decoder.setFraming(session.framingFor(message.mask))
        }
        return { messages: result.messages, error: result.error?.message }
      },
      bufferedBytes: () => decoder.bufferedBytes
    },
    endsBatch: (m) => m._tag === "Eot" || m._tag === "Exit" || m._tag === "LoginRequest",
    handle: (batch) =>
      Effect.flatMap(session.handle(batch), (outcome) => {
        if (outcome.connect !== undefined) {
          const encoded = encodeConnectResponse(outcome.connect)
          if (Result.isSuccess(encoded)) return Effect.succeed({ bytes: encoded.success, close: outcome.close })
          return Effect.as(Effect.logError(`TestServer: cannot encode CONACC: ${encoded.failure.message}`), {
            bytes: new Uint8Array(0),
            close: true
          })
        }
        return encode(outcome.messages ?? [], outcome.close)
      }),
    interruptedReply: () => {
      const encoded = encodeServerMessages(session.interruptedReply(), session.framing)
      return Result.isSuccess(encoded) ? encoded.success : new Uint8Array(0)
    },
    acceptsInterrupts: () => session.phase !== "awaitLogin" && session.phase !== "closed",
    close: Effect.sync(() => session.close()),
    trace: trace === undefined ? undefined : (event) => trace(session.id, event)
  }
}

/**
 * TLS over a filtered raw socket: the urgent byte travels on the TCP connection outside the TLS records, so it is
 * taken out before the bytes reach the TLS layer (tlsRecords.ts).
 */
const acceptTls = (
  raw: net.Socket,
  secureContext: tls.SecureContext,
  handshakeDeadline: (onTimeout: () => void) => () => void,
  onSecure: (socket: tls.TLSSocket, filter: { onUrgent: () => void }) => void
) => {
  const hook = { onUrgent: () => {} }
  const filter = new TlsRecordFilter(() => hook.onUrgent())
  const duplex = new Duplex({
    read() {
      raw.resume()
    },
    write(chunk: Uint8Array, _encoding, callback) {
      if (raw.destroyed) callback()
      else raw.write(chunk, () => callback())
    },
    final(callback) {
      raw.end()
      callback()
    },
    destroy(error, callback) {
      raw.destroy()
      callback(error)
    }
  })
  raw.on("data", (chunk: Uint8Array) => {
    const data = filter.filter(chunk)
    if (data.length > 0 && !duplex.push(data)) raw.pause()
  })
  raw.on("end", () => duplex.push(null))
  raw.on("close", () => duplex.destroy())
  const socket = new tls.TLSSocket(duplex, { isServer: true, secureContext })
  const cancelDeadline = handshakeDeadline(() => socket.destroy())
  socket.on("error", () => {
    cancelDeadline()
    socket.destroy()
    raw.destroy()
  })
  socket.once("secure", () => {
    cancelDeadline()
    onSecure(socket, hook)
  })
  socket.on("close", () => {
    cancelDeadline()
    raw.destroy()
  })
}

const toKey = (value: string | Uint8Array): string | Buffer =>
  typeof value === "string" ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)

const listenOn = (server: net.Server, host: string, port: number): Effect.Effect<number, ListenError> =>
  Effect.callback<number, ListenError>((resume) => {
    const onError = (error: Error) =>
      resume(Effect.fail(new ListenError(`cannot listen on ${host}:${port}: ${error.message}`)))
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })

const closeServer = (server: net.Server): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (!server.listening) {
      resume(Effect.void)
      return
    }
    server.close(() => resume(Effect.void))
  })
