/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * A byte-level SQLI client for the TestServer tests: it speaks through the protocol codec only (never our
 * Connection), so the server is tested independently of the driver.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as net from "node:net"
import * as tls from "node:tls"
import { encodeClientBatch, encodeLoginRequest, ServerMessageDecoder } from "../../src/internal/protocol/codec.ts"
import { framingFromMasks, JDBC15_CLIENT_OFFER } from "../../src/internal/protocol/framing.ts"
import { WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import { infoEnv } from "../../src/internal/protocol/helpers.ts"
import { JDBC_DEFAULT_LOGIN_ENV, LOGIN_DEFAULTS } from "../../src/internal/protocol/loginPdu.ts"
import type {
  ClientMessage,
  ConnectResponse,
  Framing,
  LoginRequest,
  ServerMessage
} from "../../src/internal/protocol/messages.ts"
import { goldenVector, toHex } from "../protocol/golden.ts"

/** The bytes of a golden vector. */
export const golden = (name: string): Uint8Array => goldenVector(name).bytes

export const hex = toHex

export const loginRequest = (options: {
  readonly user?: string
  readonly password?: string | undefined
  readonly serverName?: string
  readonly env?: ReadonlyArray<readonly [string, string]>
} = {}): LoginRequest => ({
  _tag: "LoginRequest",
  ...LOGIN_DEFAULTS,
  reserved: [...LOGIN_DEFAULTS.reserved],
  user: options.user ?? "informix",
  password: "password" in options ? options.password : "in4mix",
  serverName: options.serverName ?? "ol_test",
  env: options.env ?? JDBC_DEFAULT_LOGIN_ENV,
  processInfo: { reserved: 0, pid: 4242, tid: 7, hostname: "host1", reserved2: 0, cwd: "/app" },
  applicationName: "server-test"
})

const unwrap = <A>(result: Result.Result<A, { readonly message: string }>): A => {
  if (Result.isFailure(result)) throw new Error(result.failure.message)
  return result.success
}

export const encode = (messages: ReadonlyArray<ClientMessage>, framing: Framing = WIDE_FRAMING): Uint8Array =>
  unwrap(encodeClientBatch(messages, framing))

export const sql = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "latin1"))

/** A raw client socket with an incremental server-message decoder. */
export interface WireClient {
  readonly socket: net.Socket
  framing: Framing
  /** Switches both the encoder and the reply decoder to `framing` (after SQ_PROTOCOLS). */
  readonly setFraming: (framing: Framing) => void
  /** Writes raw bytes. */
  readonly write: (bytes: Uint8Array) => Effect.Effect<void>
  /** Encodes and writes messages (append `Eot` yourself). */
  readonly send: (messages: ReadonlyArray<ClientMessage>) => Effect.Effect<void>
  /** The CONACC/CONREJ. */
  readonly connectResponse: Effect.Effect<ConnectResponse>
  /** The next response group (messages up to and including SQ_EOT, or SQ_EXIT + EOT). */
  readonly group: Effect.Effect<ReadonlyArray<ServerMessage>>
  /** Raw bytes received so far (all of them, for byte-exact comparisons). */
  readonly received: () => Uint8Array
  /** Resolves when the server closes the connection. */
  readonly closed: Effect.Effect<void>
  readonly isClosed: () => boolean
  /** A decoder/protocol error seen on the reply stream, if any. */
  readonly decodeError: () => string | undefined
}

export const connect = (
  port: number,
  options: { readonly tls?: { readonly ca: string | Uint8Array } } = {}
): Effect.Effect<WireClient, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<net.Socket>((resume) => {
      const socket: net.Socket = options.tls === undefined
        ? net.connect({ port, host: "127.0.0.1", noDelay: true }, () => resume(Effect.succeed(socket)))
        : tls.connect({ port, host: "127.0.0.1", ca: toBuffer(options.tls.ca), servername: "localhost" }, () =>
          resume(Effect.succeed(socket)))
      // A refused connection fails the test instead of hanging it; later errors surface as a closed socket.
      socket.once("error", (error) =>
        resume(Effect.die(error)))
      socket.on("error", () => {})
    }).pipe(Effect.map((socket) => makeClient(socket))),
    (client) => Effect.sync(() => client.socket.destroy())
  )

const toBuffer = (v: string | Uint8Array) => (typeof v === "string" ? v : Buffer.from(v))

export const makeClient = (socket: net.Socket): WireClient => {
  const decoder = new ServerMessageDecoder()
  const chunks: Array<Uint8Array> = []
  const messages: Array<ConnectResponse | ServerMessage> = []
  let waiter: Deferred.Deferred<void> | undefined
  let closed = false
  let error: string | undefined
  const closedSignal = Deferred.makeUnsafe<void>()
  const wake = () => {
    // Clear first: completing the Deferred may resume the waiting fiber synchronously, which installs a new waiter.
    const current = waiter
    waiter = undefined
    if (current !== undefined) Deferred.doneUnsafe(current, Exit.void)
  }
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk)
    const result = decoder.push(chunk)
    messages.push(...result.messages)
    if (result.error !== undefined) error = result.error.message
    wake()
  })
  socket.on("close", () => {
    closed = true
    Deferred.doneUnsafe(closedSignal, Exit.void)
    wake()
  })
  const next: Effect.Effect<ConnectResponse | ServerMessage> = Effect.suspend(() => {
    const m = messages.shift()
    if (m !== undefined) return Effect.succeed(m)
    if (closed || error !== undefined) return Effect.die(new Error(`connection closed (${error ?? "eof"})`))
    const d = Deferred.makeUnsafe<void>()
    waiter = d
    return Effect.flatMap(Deferred.await(d), () => next)
  })
  const client: WireClient = {
    socket,
    framing: WIDE_FRAMING,
    setFraming: (framing) => {
      client.framing = framing
      decoder.setFraming(framing)
    },
    write: (bytes) =>
      Effect.callback<void>((resume) => {
        socket.write(bytes, () => resume(Effect.void))
      }),
    send: (msgs) => client.write(encode(msgs, client.framing)),
    connectResponse: Effect.flatMap(
      next,
      (m) => m._tag === "ConnectResponse" ? Effect.succeed(m) : Effect.die(new Error(`expected CONACC, got ${m._tag}`))
    ),
    group: Effect.gen(function*() {
      const out: Array<ServerMessage> = []
      while (true) {
        const m = yield* next
        if (m._tag === "ConnectResponse") return yield* Effect.die(new Error("unexpected CONACC"))
        out.push(m)
        if (m._tag === "Eot") return out
      }
    }),
    received: () => Uint8Array.from(Buffer.concat(chunks)),
    closed: Deferred.await(closedSignal),
    isClosed: () => closed,
    decodeError: () => error
  }
  return client
}

/** Logs in, exchanges SQ_PROTOCOLS (JDBC 15's 9-byte offer by default) and SQ_INFO, optionally opens a database. */
export const session = (
  port: number,
  options: {
    readonly login?: Parameters<typeof loginRequest>[0]
    readonly database?: string | undefined
    readonly offer?: Uint8Array
    readonly tls?: { readonly ca: string | Uint8Array }
    /** Session environment pairs sent after JDBC's DBTEMP and SUBQCACHESZ (e.g. `["OPTOFC", "1"]`). */
    readonly env?: ReadonlyArray<readonly [string, string]>
  } = {}
) =>
  Effect.gen(function*() {
    const client = yield* connect(port, options.tls === undefined ? {} : { tls: options.tls })
    yield* client.write(unwrap(encodeLoginRequest(loginRequest(options.login ?? {}))))
    const accept = yield* client.connectResponse
    if (accept.slType !== 2) return yield* Effect.die(new Error(`login rejected: ${accept.svcError}`))
    const offer = options.offer ?? JDBC15_CLIENT_OFFER
    yield* client.send([{ _tag: "Protocols", mask: offer }, { _tag: "Eot" }])
    const protocols = yield* client.group
    const reply = protocols[0]
    if (reply?._tag === "Protocols") client.setFraming(framingFromMasks(offer, reply.mask))
    yield* client.send([infoEnv([["DBTEMP", "/tmp"], ["SUBQCACHESZ", "10"], ...(options.env ?? [])]), { _tag: "Eot" }])
    yield* client.group
    const database = "database" in options ? options.database : "testdb"
    if (database !== undefined) {
      yield* client.send([{ _tag: "DbOpen", name: database, mode: 0 }, { _tag: "Eot" }])
      const opened = yield* client.group
      if (opened.some((m) => m._tag === "Err")) return yield* Effect.die(new Error(`DBOPEN failed`))
    }
    return client
  })

/** PREPARE + NDESCRIBE + WANTDONE; returns the reply group. */
export const prepare = (client: WireClient, text: string, numQmarks = 0) =>
  Effect.flatMap(
    client.send([{ _tag: "Prepare", numQmarks, sql: sql(text) }, { _tag: "NDescribe" }, { _tag: "WantDone" }, {
      _tag: "Eot"
    }]),
    () => client.group
  )

/** One COMMAND round trip (JDBC executeUpdate form). */
export const command = (client: WireClient, text: string) =>
  Effect.flatMap(
    client.send([{ _tag: "Command", numQmarks: 0, sql: sql(text) }, { _tag: "NDescribe" }, { _tag: "Execute" }, {
      _tag: "Release"
    }, { _tag: "Eot" }]),
    () => client.group
  )

/** ID CURNAME OPEN ID NFETCH in one batch (the first fetch as JDBC and ifxdrv send it); returns the reply group. */
export const openAndFetch = (client: WireClient, statementId: number, cursorName: string) =>
  Effect.andThen(
    client.send([
      { _tag: "Id", statementId },
      { _tag: "CurName", name: cursorName },
      { _tag: "Open" },
      { _tag: "Id", statementId },
      { _tag: "NFetch", bufferSize: 4096, fetchArraySize: 0 },
      { _tag: "Eot" }
    ]),
    client.group
  )

export const tags = (group: ReadonlyArray<ServerMessage>): string => group.map((m) => m._tag).join(" ")

export const errOf = (group: ReadonlyArray<ServerMessage>) => {
  const e = group.find((m) => m._tag === "Err")
  return e?._tag === "Err" ? e : undefined
}

/** `session` with other credentials. */
export const sessionAs = (port: number, user: string, password: string) => session(port, { login: { user, password } })
