/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The socket-owning core of one SQLI session: the serial executor ("wire lock"), the reply dispatcher and the
 * session lifecycle (idle → busy → draining → dead).
 *
 * Design (sql-pg style, DESIGN.md §2):
 * - One synchronous `data` handler feeds the incremental decoder and hands every decoded message to the exchange in
 *   flight. SQLI has one response group per client batch, ended by SQ_EOT (SQLI.md §1.3), so an "exchange" is
 *   exactly: write one batch, collect messages up to the group's end marker.
 * - Every exchange runs under `wire` (a `Permit`, permit.ts). The permit is held until the reply is complete, even when
 *   the waiting caller is interrupted: then a detached fiber keeps the permit, asks the server to stop the
 *   statement (urgent byte 0x42, SQLI.md §8.12) and drains the reply to its end with a deadline. Nobody can send a
 *   new batch before the old reply is consumed, so no caller ever reads a stale reply.
 * - Anything that makes the byte stream untrustworthy (decode error, unexpected message, socket error or close,
 *   a drain past its deadline) retires the session: the socket is destroyed, the state becomes `dead`, the
 *   exchange in flight fails and the retire hooks run (the pool invalidates the session).
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as Net from "node:net"
import { ConnectionError, type InformixError, ProtocolError } from "../../InformixError.ts"
import type { ConnectResponse, Framing, ServerMessage } from "../protocol/messages.ts"
import { pamExpectsAnswer } from "../protocol/pam.ts"
import type { UrgentSendResult } from "../urgent.ts"
import { Permit, releaseAll } from "./permit.ts"
import { onChunks } from "./socketReads.ts"

/** What the decoder yields: the connect-phase PDU first, then bare SQLI messages. */
export type Incoming = ServerMessage | ConnectResponse

/** The incremental decoder as the session needs it (implemented by the protocol module; see protocol/codec.ts). */
export interface SessionDecoder {
  /**
   * Decodes every complete message in `chunk` (plus bytes held from earlier chunks) into `out[0]`, `out[1]`, … and
   * returns how many, or reports a fatal error (messages decoded before it are then dropped: the session retires on
   * the error anyway). `out` is reused for every chunk: entries past the count are stale.
   */
  readonly push: (
    chunk: Uint8Array,
    out: Array<Incoming | undefined>
  ) => number | { readonly _tag: "ProtocolCodecError"; readonly message: string }
  readonly setFraming: (framing: Framing) => void
}

/** Asks the server to interrupt the statement in flight. Synchronous by type (see `requestServerInterrupt`). */
export interface UrgentSender {
  readonly supported: boolean
  /** Sends one urgent byte 0x42 on the socket now, or says why not (`sendUrgentByteNow`). */
  readonly send: (socket: Net.Socket) => UrgentSendResult
}

/** Which message ends the reply of an exchange (`PamTurn`: see `isEnd`). */
export type ReplyEnd = "Eot" | "ConnectResponse" | "Exit" | "PamTurn"

/** Lifecycle state (mirrors `Connection.State`). */
export type SessionState = "idle" | "busy" | "draining" | "dead"

/**
 * One round trip in flight. Identified by `generation` so an interrupt request can be tied to exactly this request
 * and never leak onto the next one.
 */
export class Exchange {
  readonly generation: number
  readonly end: ReplyEnd
  readonly messages: Array<Incoming> = []
  /** The batch has been handed to the kernel (Node's write callback ran). */
  flushed = false
  /** The reply's end marker was read (or the session died). Once true, no interrupt may be sent for it. */
  complete = false
  /** Set when the session died while this exchange was in flight. */
  failure: InformixError | undefined = undefined
  /** An urgent byte was requested for this exchange (at most one per exchange). */
  interruptRequested = false
  /**
   * The urgent byte waits to be sent: the batch is still in Node's write queue (urgent data would overtake it), or
   * deferred batches written in front of it are unanswered (the server would interrupt those instead).
   */
  interruptPending = false
  /** Replies of deferred batches written in front of this request still to be read (and ignored) first. */
  deferredReplies = 0
  /** Called with the complete reply, whoever waits for it (used for transaction-state tracking). */
  onReply: ((messages: ReadonlyArray<Incoming>) => void) | undefined = undefined
  /**
   * Sees each message of the reply as it is read; a message it returns `true` for is handed over instead of kept in
   * `messages` (a BYTE/TEXT stream's SQ_BLOB chunks: the reply then never holds the whole value).
   */
  onMessage: ((message: Incoming) => boolean) | undefined = undefined
  /** A request written in parts (`Session.exchange`'s `body`) whose end (tail or abort) is not written yet. */
  unfinished: RequestBody<unknown> | undefined = undefined
  /** Called once the reply is complete (or the session died), for the fiber waiting for it, if any. */
  waiter: (() => void) | undefined = undefined

  constructor(generation: number, end: ReplyEnd) {
    this.generation = generation
    this.end = end
  }
}

export interface SessionOptions {
  readonly host: string
  readonly port: number
  readonly decoder: SessionDecoder
  readonly urgent: UrgentSender
  /** Deadline for reading the rest of an interrupted statement's reply before the session is retired. */
  readonly drainTimeout: Duration.Duration
  /** How long a session must stay unused before its deferred batches go on their own (default 1 ms). */
  readonly deferredIdleMillis?: number | undefined
}

/**
 * Whether `message` (already appended to `exchange.messages`) ends the reply. A PAM turn ends at the EOT after a
 * prompt, an accept or an error, or at SQ_EXIT (which may come without an EOT): the server sends error and info
 * messages back to back with the next prompt and waits for no answer to them (JDBC, `handlePAMAuthentication`).
 */
const isEnd = (message: Incoming, exchange: Exchange): boolean => {
  if (exchange.end !== "PamTurn") return message._tag === exchange.end
  if (message._tag === "Exit") return true
  if (message._tag !== "Eot") return false
  const before = exchange.messages[exchange.messages.length - 2]
  return before === undefined || before._tag !== "PamChallenge" || pamExpectsAnswer(before.style)
}

/** How long a session must stay unused before its deferred batches are sent on their own (see `deferred`). */
const DEFERRED_IDLE_MILLIS = 1

/** The session core. Mutable by design: it is driven from socket callbacks. */
export class Session {
  readonly socket: Net.Socket
  /** The TCP socket under TLS (urgent data travels on it, outside the TLS records). */
  readonly rawSocket: Net.Socket
  readonly host: string
  readonly port: number
  readonly decoder: SessionDecoder
  readonly urgent: UrgentSender
  readonly drainTimeout: Duration.Duration
  /** The wire lock: one exchange on the wire at a time, held until its reply is fully read. */
  readonly wire = new Permit()
  /** Ownership for multi-exchange operations and transactions (see statements.ts). */
  readonly owner = new Permit()

  private currentState: SessionState = "idle"
  /**
   * Fibers waiting for the session to settle (see `awaitSettled`). Notified from the state setter, so every
   * transition — a drain finishing, a retirement from any path — wakes them without polling.
   */
  private readonly settleWaiters = new Set<() => void>()

  get state(): SessionState {
    return this.currentState
  }

  set state(next: SessionState) {
    this.currentState = next
    if ((next === "idle" || next === "dead") && this.settleWaiters.size > 0) {
      const waiters = Array.from(this.settleWaiters)
      this.settleWaiters.clear()
      for (const waiter of waiters) waiter()
    }
  }

  /**
   * Completes once nothing is on the wire any more: immediately when idle or dead, otherwise at the next transition
   * to either (a drain finishing, or the session being retired). Interruptible; the waiter is removed on interrupt.
   */
  readonly awaitSettled: Effect.Effect<void> = Effect.callback<void>((resume) => {
    if (this.currentState === "idle" || this.currentState === "dead") return resume(Effect.void)
    const waiter = () => resume(Effect.void)
    this.settleWaiters.add(waiter)
    return Effect.sync(() => {
      this.settleWaiters.delete(waiter)
    })
  })

  deadWith: InformixError | undefined = undefined
  /** Incremented for every exchange; an interrupt is only valid for the current generation. */
  generation = 0
  current: Exchange | undefined = undefined
  private readonly retireHooks = new Set<(cause: InformixError) => void>()
  /** Counts urgent bytes sent (observability for tests). */
  interruptsSent = 0
  /** SQ_EXIT was sent: whatever trails the server's SQ_EXIT (its EOT) is expected and ignored. */
  private closing = false
  /**
   * Complete batches (e.g. `ID RELEASE EOT` for a statement nobody owns any more) to run before the next exchange,
   * under the same wire permit. Their replies (including errors) are read and ignored.
   */
  private readonly cleanup: Array<Uint8Array> = []
  /**
   * Complete batches that need no round trip of their own (`ID CLOSE EOT` of a cursor whose rows were all read, see
   * `Connection.closeExhausted`): written in front of the next request, in the same socket write; their replies are
   * read and ignored before that request's reply. A session left without a next request sends them on their own
   * once it has been unused for `deferredIdleMillis` (an open cursor keeps its table in use on the server, e.g.
   * against another session's ALTER or DROP). Dropped if the session dies first (the server drops its cursors).
   */
  private readonly deferred: Array<Uint8Array> = []
  /** Made once and re-armed with `refresh()`: a busy session arms it about once per `deferredIdleMillis`. */
  private deferredTimer: ReturnType<typeof setTimeout> | undefined = undefined
  private deferredTimerArmed = false
  private readonly deferredIdleMillis: number
  /** `generation` when the idle timer was armed: a session used since then is not idle yet. */
  private deferredTimerGeneration = 0
  /**
   * Set while a streamed reply's consumer has fallen behind (`pauseReading`): the socket is paused, so the kernel's
   * receive window fills and TCP flow control holds the server back. SQLI has no flow control of its own inside a
   * reply (a FETCHBLOB reply is the whole value, JDBC-LOB.md §3.3): the socket is the only brake there is.
   */
  private readPause: object | undefined = undefined

  constructor(socket: Net.Socket, rawSocket: Net.Socket, options: SessionOptions) {
    this.socket = socket
    this.rawSocket = rawSocket
    this.host = options.host
    this.port = options.port
    this.decoder = options.decoder
    this.urgent = options.urgent
    this.drainTimeout = options.drainTimeout
    this.deferredIdleMillis = options.deferredIdleMillis ?? DEFERRED_IDLE_MILLIS
    onChunks(socket, (chunk) => this.onData(chunk))
    socket.on("error", (error: Error) => this.fatal(socketError(error, this.host, this.port)))
    socket.on("close", () =>
      this.fatal(
        new ConnectionError({
          reason: "Closed",
          host: this.host,
          port: this.port,
          message: `The server closed the connection to ${this.host}:${this.port}`
        })
      ))
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------------------------

  private onData(chunk: Uint8Array): void {
    if (this.deadWith !== undefined) return
    // One array serves every chunk: chunks come from the event loop's reads, never from inside a dispatch.
    const messages = this.incoming
    const decoded = this.decoder.push(chunk, messages)
    if (typeof decoded !== "number") {
      messages.fill(undefined)
      this.fatal(new ProtocolError({ message: `Undecodable reply from the server: ${decoded.message}` }))
      return
    }
    for (let i = 0; i < decoded; i++) {
      if (this.deadWith === undefined) this.dispatch(messages[i]!)
      // Not kept past its dispatch (a row's payload is a view of a whole socket chunk).
      messages[i] = undefined
    }
  }

  /**
   * The messages of the chunk being dispatched (`onData`), reused for the next: emptied entry by entry, as setting
   * its length to 0 would give its storage up and each chunk would grow it again (measured ~250 B per query).
   */
  private readonly incoming: Array<Incoming | undefined> = []

  private dispatch(message: Incoming): void {
    const exchange = this.current
    if (exchange === undefined) {
      if (this.closing) return
      // Nothing was asked: the stream is out of step with our requests and cannot be trusted any more.
      this.fatal(
        new ProtocolError({
          message: `Unexpected ${message._tag} message from the server while no request was in flight`
        })
      )
      return
    }
    if (exchange.deferredReplies > 0) {
      // A reply to a deferred batch written in front of this request (errors included): read and dropped.
      if (message._tag === "Eot" && --exchange.deferredReplies === 0 && exchange.interruptPending) {
        this.sendPendingInterrupt(exchange)
      }
      return
    }
    if (exchange.onMessage !== undefined && exchange.failure === undefined && exchange.onMessage(message)) return
    exchange.messages.push(message)
    if (isEnd(message, exchange)) this.completeExchange(exchange)
  }

  private completeExchange(exchange: Exchange): void {
    exchange.complete = true
    if (this.current === exchange) this.current = undefined
    if (exchange.failure === undefined && exchange.onReply !== undefined) exchange.onReply(exchange.messages)
    const waiter = exchange.waiter
    exchange.waiter = undefined
    if (waiter !== undefined) waiter()
  }

  /**
   * Stops reading the socket until `resumeReading` is called with the token returned (or the reply is abandoned,
   * times out or ends: `resumeAllReading`). Only while an exchange is in flight; `undefined` otherwise.
   */
  pauseReading(): object | undefined {
    if (this.current === undefined || this.deadWith !== undefined) return undefined
    if (this.readPause === undefined) {
      this.readPause = {}
      this.socket.pause()
    }
    return this.readPause
  }

  /** Reads the socket again if `token` is the pause in force (a stale token, from a pause lifted since, is ignored). */
  resumeReading(token: object | undefined): void {
    if (token !== undefined && token === this.readPause) this.resumeAllReading()
  }

  /** Lifts any pause: a reply being drained, or a new exchange, must be read whatever a consumer asked. */
  private resumeAllReading(): void {
    if (this.readPause === undefined) return
    this.readPause = undefined
    this.socket.resume()
  }

  // -------------------------------------------------------------------------------------------------------------
  // Retirement
  // -------------------------------------------------------------------------------------------------------------

  /** Retires the session: destroys the socket, fails the exchange in flight, runs the retire hooks. Idempotent. */
  fatal(error: InformixError): void {
    if (this.deadWith !== undefined) return
    this.deadWith = error
    this.state = "dead"
    if (this.deferredTimer !== undefined) clearTimeout(this.deferredTimer)
    this.deferredTimerArmed = false
    this.deferred.length = 0
    this.socket.destroy()
    if (this.rawSocket !== this.socket) this.rawSocket.destroy()
    const exchange = this.current
    if (exchange !== undefined) {
      exchange.failure = error
      this.completeExchange(exchange)
    }
    for (const hook of Array.from(this.retireHooks)) hook(error)
    this.retireHooks.clear()
  }

  onRetire(hook: (cause: InformixError) => void): () => void {
    if (this.deadWith !== undefined) {
      hook(this.deadWith)
      return () => {}
    }
    this.retireHooks.add(hook)
    return () => {
      this.retireHooks.delete(hook)
    }
  }

  /** Queues a cleanup batch for the next time the wire is taken (see `cleanup`). */
  addCleanup(bytes: Uint8Array): void {
    if (this.deadWith === undefined) this.cleanup.push(bytes)
  }

  /** Queues a batch to travel in front of the next request, without a round trip of its own (see `deferred`). */
  addDeferred(bytes: Uint8Array): void {
    if (this.deadWith !== undefined) return
    this.deferred.push(bytes)
    if (!this.deferredTimerArmed) this.armDeferredTimer()
  }

  private armDeferredTimer(): void {
    this.deferredTimerGeneration = this.generation
    this.deferredTimerArmed = true
    if (this.deferredTimer !== undefined) {
      this.deferredTimer.refresh()
      return
    }
    this.deferredTimer = setTimeout(() => this.onDeferredTimer(), this.deferredIdleMillis)
    this.deferredTimer.unref()
  }

  private onDeferredTimer(): void {
    this.deferredTimerArmed = false
    if (this.deferred.length === 0 || this.deadWith !== undefined || this.closing) return
    // Still in use: the deferred batches will most likely ride on its next request; look again later.
    if (this.generation !== this.deferredTimerGeneration || this.currentState !== "idle") {
      return this.armDeferredTimer()
    }
    Effect.runFork(this.sendDeferred)
  }

  /** Sends the deferred batches as an exchange of their own (the session stayed idle), under the wire permit. */
  private readonly sendDeferred: Effect.Effect<void> = Effect.uninterruptible(
    Effect.andThen(
      this.wire.take,
      Effect.suspend(() => {
        if (this.deferred.length === 0 || this.deadWith !== undefined) return Effect.void
        // The last batch is the request; `start` writes the others in front of it.
        const exchange = this.start(this.deferred.pop()!, "Eot")
        return this.drain(exchange)
      }).pipe(Effect.ensuring(Effect.suspend(() => this.finish())))
    )
  )

  /**
   * Runs the queued cleanup batches; the caller holds the wire permit. Never fails; a reply that does not end
   * within `drainTimeout` retires the session.
   */
  private readonly flushCleanup: Effect.Effect<void> = Effect.suspend(() => {
    if (this.cleanup.length === 0 || this.deadWith !== undefined) return Effect.void
    const batches = this.cleanup.splice(0)
    return Effect.forEach(batches, (bytes) =>
      Effect.suspend(() => {
        if (this.deadWith !== undefined) return Effect.void
        const exchange = this.start(bytes, "Eot")
        return this.drain(exchange)
      }), { discard: true })
  })

  closedError(): ConnectionError {
    const dead = this.deadWith
    return new ConnectionError({
      reason: "Closed",
      host: this.host,
      port: this.port,
      message: `The connection to ${this.host}:${this.port} is closed` +
        (dead === undefined ? "" : ` (${dead._tag}: ${dead.message})`)
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Exchanges
  // -------------------------------------------------------------------------------------------------------------

  /** Writes `bytes` as the request of a new exchange (`complete`: all of it, else `writeBody` writes the rest). */
  private start(bytes: Uint8Array, end: ReplyEnd, complete = true): Exchange {
    const exchange = new Exchange(++this.generation, end)
    this.current = exchange
    this.state = "busy"
    let request = bytes
    if (this.deferred.length > 0) {
      // One write: the server answers each batch in order, so their replies come first (see `dispatch`).
      exchange.deferredReplies = this.deferred.length
      this.deferred.push(bytes)
      request = Buffer.concat(this.deferred)
      this.deferred.length = 0
    }
    if (complete) this.writeLast(exchange, request)
    else this.socket.write(request)
    return exchange
  }

  /**
   * Writes the last bytes of `exchange`'s request and notes when they have reached the kernel. Node hands a write to
   * the kernel at once when it can, and then its write callback would only run on a later tick (a tick, a closure and
   * its bookkeeping per request, measured ~1 µs of CPU per query: docs/benchmarks.md "Round 5"): nothing left in its
   * queue after the call means the request is there already. Otherwise an empty write after it calls back once
   * everything in front of it has been handed over.
   */
  private writeLast(exchange: Exchange, bytes: Uint8Array): void {
    this.socket.write(bytes)
    if (this.socket.writableLength === 0) exchange.flushed = true
    else this.socket.write(NOTHING, () => this.requestFlushed(exchange))
  }

  /** The last bytes of `exchange`'s request reached the kernel: an urgent byte can no longer overtake them. */
  private requestFlushed(exchange: Exchange): void {
    exchange.flushed = true
    if (exchange.interruptPending) this.sendPendingInterrupt(exchange)
  }

  /**
   * Writes the rest of a request started with `start(…, false)`: `body` as it is pulled (waiting for the socket to
   * drain when Node's buffer is full, so a body of any size is never buffered whole), then `tail`. If the body fails
   * (see `exchange`) or the caller is interrupted (when the exchange ends), `abort` is written instead of the tail (it
   * must end the batch, e.g. `FERR EOT`), so the server always receives a whole batch and answers it.
   */
  private writeBody<E>(exchange: Exchange, body: RequestBody<E>): Effect.Effect<void, E | InformixError> {
    return Effect.andThen(
      Stream.runForEach(body.stream, (bytes) => this.writeMore(bytes)),
      Effect.sync(() => this.endRequest(exchange, true))
    )
  }

  /** Writes the end of a request written in parts, once: its tail, or (`complete` false) its abort. */
  private endRequest(exchange: Exchange, complete: boolean): void {
    const body = exchange.unfinished
    if (body === undefined || this.deadWith !== undefined) return
    exchange.unfinished = undefined
    // The abort ends the statement by itself: the server answers it at once, no urgent byte is needed.
    if (!complete) exchange.interruptRequested = true
    this.writeLast(exchange, complete ? body.tail : body.abort)
  }

  /** One part of a request body; completes once Node accepts more (its `drain`), fails if the session died. */
  private writeMore(bytes: Uint8Array): Effect.Effect<void, InformixError> {
    return Effect.callback<void, InformixError>((resume) => {
      if (this.deadWith !== undefined) return resume(Effect.fail(this.closedError()))
      if (this.socket.write(bytes)) return resume(Effect.void)
      const stop = () => {
        this.socket.off("drain", go)
        this.socket.off("close", go)
      }
      // Both listeners go on whichever fires first (the canceler below runs only on interruption).
      const go = () => {
        stop()
        resume(this.deadWith === undefined ? Effect.void : Effect.fail(this.closedError()))
      }
      this.socket.on("drain", go)
      this.socket.on("close", go)
      return Effect.sync(stop)
    })
  }

  private awaitReply(exchange: Exchange): Effect.Effect<ReadonlyArray<Incoming>, InformixError> {
    return Effect.callback<ReadonlyArray<Incoming>, InformixError>((resume) => {
      if (exchange.complete) {
        resume(replyOf(exchange))
        return
      }
      const waiter = () => resume(replyOf(exchange))
      exchange.waiter = waiter
      return Effect.sync(() => {
        if (exchange.waiter === waiter) exchange.waiter = undefined
      })
    })
  }

  /**
   * Asks the server to stop `exchange`'s statement. Only valid while that exchange is the one on the wire and its
   * reply is not complete: the check and the send happen in one synchronous step, so the byte can never be sent
   * after the reply's end marker was read (which would interrupt the *next* caller's statement).
   */
  requestServerInterrupt(exchange: Exchange): boolean {
    if (!this.urgent.supported || exchange.interruptRequested) return false
    if (!this.isInFlight(exchange)) return false
    exchange.interruptRequested = true
    if (!exchange.flushed || exchange.deferredReplies > 0) {
      // The request is still in Node's write queue (urgent data would overtake it), or the server is still answering
      // deferred batches in front of it (it interrupts the oldest unanswered batch): send once both are past.
      exchange.interruptPending = true
      return true
    }
    return this.sendInterruptNow(exchange)
  }

  private sendPendingInterrupt(exchange: Exchange): void {
    if (!exchange.flushed || exchange.deferredReplies > 0) return
    exchange.interruptPending = false
    this.sendInterruptNow(exchange)
  }

  /**
   * `exchange` is the one on the wire and its reply is not complete. `current` alone decides that: `start` sets it
   * (with a new generation); `completeExchange` clears it in the same synchronous step that marks the exchange
   * complete, on the reply's end marker and when `fatal` retires the session. So a complete exchange, one of an
   * earlier generation, or that of a retired session is never `current` (checking those separately would be dead
   * code, which mutation testing reports as surviving mutants: docs/mutation.md).
   */
  private isInFlight(exchange: Exchange): boolean {
    return this.current === exchange
  }

  /**
   * Sends the urgent byte for `exchange` if it is still in flight: the check and the send are one synchronous step.
   * When Node still buffers bytes on the socket beneath (under TLS the request's write callback can run while the
   * encrypted records still wait in the TCP socket's buffer), the byte would overtake them and land inside a message:
   * it is tried again on the next turns of the event loop until the buffer is empty, re-checking each time that the
   * exchange is still in flight. (No write of ours is left to call back, and Node's `drain` event is no substitute:
   * it fires only after a write exceeded the high-water mark.)
   */
  private sendInterruptNow(exchange: Exchange): boolean {
    if (!this.isInFlight(exchange)) return false
    const result = this.urgent.send(this.rawSocket)
    if (result === "sent") this.interruptsSent++
    else if (result === "queued") setImmediate(() => this.sendInterruptNow(exchange))
    return result === "sent" || result === "queued"
  }

  /**
   * One round trip: take the wire, write `bytes`, wait for the reply up to its end marker.
   *
   * `timeout` (optional) bounds the wait: when it passes, the server is asked to interrupt the statement and the
   * reply is drained (bounded by `drainTimeout`); the reply — typically SQ_ERR -213 — is then returned as usual
   * with `timedOut` set, and the statement layer reports it. If the caller is interrupted, the reply is drained by
   * a detached fiber that keeps the wire permit (see the module comment).
   */
  exchange<E = never>(
    bytes: Uint8Array,
    options: ExchangeOptions<E> = {}
  ): Effect.Effect<Reply, InformixError | E> {
    if (options.timeout === undefined && options.body === undefined) {
      return this.exchangeNow(bytes, options.end ?? "Eot", options.onReply, options.onMessage)
    }
    return this.exchangeQueued(bytes, options)
  }

  /**
   * An exchange without a deadline or a request body — nearly every one — as one `Effect.callback`: when the wire is
   * free and no cleanup batch waits for it, the permit is taken, the request written and the waiter registered in one
   * synchronous step, and the reply's end marker gives the permit up and resumes the caller in another. Otherwise
   * the exchange queues for the wire (`exchangeQueued`). An interrupted caller's reply is drained by a detached fiber
   * that keeps the permit, as there (`abandon`).
   */
  private exchangeNow(
    bytes: Uint8Array,
    end: ReplyEnd,
    onReply: ((messages: ReadonlyArray<Incoming>) => void) | undefined,
    onMessage: ((message: Incoming) => boolean) | undefined
  ): Effect.Effect<Reply, InformixError> {
    return Effect.callback<Reply, InformixError>((resume) => {
      if (this.cleanup.length > 0 || !this.wire.tryTake()) {
        return resume(this.exchangeQueued(bytes, { end, onReply, onMessage }))
      }
      if (this.deadWith !== undefined) {
        this.wire.releaseNow()
        return resume(Effect.fail(this.closedError()))
      }
      const exchange = this.start(bytes, end)
      exchange.onReply = onReply
      exchange.onMessage = onMessage
      return this.replyTo(exchange, resume, noPermits, undefined)
    })
  }

  /**
   * `exchangeNow` for a caller that needs `held` (the session owner, a statement's lock) for the exchange and maybe
   * after it: only when the wire and every one of them are free and no cleanup batch waits are they all taken with
   * the wire, in the same synchronous step; otherwise nothing is taken and the result is `undefined` (the caller goes
   * the general way, waiting in line). With the reply the wire is given up and `held` kept, for the caller to give up
   * (`Permit.releaseNow`); if the session dies or the caller is interrupted first, `held` is given up here (the reply
   * of an interrupted caller is drained under the wire, as `abandon` does, and `abandoned` — the CLOSE of the cursor
   * the request opened — runs right after it, under the same permit). A `statement` released meanwhile (evicted from
   * the cache, its scope closed) is not used either: the server may have given its id to another statement since.
   */
  exchangeHolding(
    bytes: Uint8Array,
    onReply: (messages: ReadonlyArray<Incoming>) => void,
    held: ReadonlyArray<Permit>,
    abandoned: Uint8Array | undefined,
    statement: { readonly released: boolean }
  ): Effect.Effect<Reply | undefined, InformixError> {
    return Effect.callback<Reply | undefined, InformixError>((resume) => {
      if (this.deadWith !== undefined || this.cleanup.length > 0 || this.wire.taken || statement.released) {
        return resume(noReply)
      }
      for (let i = 0; i < held.length; i++) if (held[i]!.taken) return resume(noReply)
      for (let i = 0; i < held.length; i++) held[i]!.tryTake()
      this.wire.tryTake()
      const exchange = this.start(bytes, "Eot")
      exchange.onReply = onReply
      return this.replyTo(exchange, resume, held, abandoned)
    })
  }

  /**
   * The rest of an exchange started inside an `Effect.callback` (`exchangeNow`, `exchangeHolding`): the reply's end
   * marker gives the wire up and resumes the caller (the session dying gives `held` up too); cleanup queued while the
   * wire was held runs under it first (`finish`). Returns the callback's canceller: the caller was interrupted before
   * the reply's end (a complete reply has resumed it already), so `held` is given up, `abandoned` queued as cleanup
   * and the reply drained by a detached fiber that keeps the wire (`abandon`).
   */
  private replyTo(
    exchange: Exchange,
    resume: (effect: Effect.Effect<Reply, InformixError>) => void,
    held: ReadonlyArray<Permit>,
    abandoned: Uint8Array | undefined
  ): Effect.Effect<void> {
    // Set when the caller was interrupted first: the drain fiber has the wire and the reply then.
    let gaveUp = false
    // Dropped once the reply is handed over: effect keeps the canceller (below) reachable for a while after the
    // callback resumed, and a completed exchange holds its whole reply. Measured: a 200k-row stream promoted ~40 MB
    // of replies to the old generation between full GCs (GC time ×3) while the canceller referred to the exchange.
    let pending: Exchange | undefined = exchange
    exchange.waiter = () => {
      if (gaveUp) return
      const done = pending!
      pending = undefined
      if (done.failure !== undefined) {
        this.settle()
        releaseAll(held)
        return resume(Effect.fail(done.failure))
      }
      if (this.cleanup.length > 0 && this.deadWith === undefined) {
        return resume(Effect.andThen(Effect.uninterruptible(this.finish()), replyOfExchange(done)))
      }
      this.settle()
      resume(replyOfExchange(done))
    }
    return Effect.suspend(() => {
      gaveUp = true
      const open = pending!
      open.waiter = undefined
      releaseAll(held)
      if (abandoned !== undefined) this.addCleanup(abandoned)
      return this.abandon(open)
    })
  }

  /** An exchange that waits for the wire in line, with a deadline or a request body if it has them. */
  private exchangeQueued<E>(
    bytes: Uint8Array,
    options: ExchangeOptions<E>
  ): Effect.Effect<Reply, InformixError | E> {
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.andThen(restore(this.wire.take), this.flushCleanup), () => {
        if (this.deadWith !== undefined) {
          return Effect.andThen(this.wire.release, Effect.fail(this.closedError()))
        }
        const body = options.body
        const exchange = this.start(bytes, options.end ?? "Eot", body === undefined)
        exchange.onReply = options.onReply
        exchange.onMessage = options.onMessage
        exchange.unfinished = body
        const reply = options.timeout === undefined
          ? Effect.map(this.awaitReply(exchange), (messages): Reply => ({ messages, timedOut: false }))
          : this.awaitWithTimeout(exchange, options.timeout)
        // A body that failed was replaced by `abort`: its reply (the server's error) is read, the body's error kept.
        const wait: Effect.Effect<Reply, InformixError | E> = body === undefined ? reply : Effect.andThen(
          Effect.catch(this.writeBody(exchange, body), (error) => {
            this.endRequest(exchange, false)
            return Effect.andThen(this.drain(exchange), Effect.fail(error))
          }),
          reply
        )
        return restore(wait).pipe(
          Effect.onExit((exit) =>
            Effect.suspend(() => {
              // A request still unfinished (its caller was interrupted while or before its body was written) ends as
              // aborted.
              this.endRequest(exchange, false)
              return Exit.hasInterrupts(exit) && !exchange.complete && this.deadWith === undefined
                ? this.abandon(exchange)
                : this.finish()
            })
          )
        )
      })
    )
  }

  private awaitWithTimeout(exchange: Exchange, timeout: Duration.Duration): Effect.Effect<Reply, InformixError> {
    return Effect.flatMap(Effect.timeoutOption(this.awaitReply(exchange), timeout), (first) => {
      if (Option.isSome(first)) return Effect.succeed<Reply>({ messages: first.value, timedOut: false })
      return Effect.suspend(() => {
        this.state = "draining"
        this.resumeAllReading()
        this.requestServerInterrupt(exchange)
        return Effect.flatMap(Effect.timeoutOption(this.awaitReply(exchange), this.drainTimeout), (rest) => {
          if (Option.isSome(rest)) return Effect.succeed<Reply>({ messages: rest.value, timedOut: true })
          const error = this.drainTimeoutError()
          this.fatal(error)
          return Effect.fail(error)
        })
      })
    })
  }

  /** Reads `exchange`'s reply to its end within `drainTimeout`, else retires the session. Never fails. */
  private drain(exchange: Exchange): Effect.Effect<void> {
    return Effect.timeoutOption(this.awaitReply(exchange), this.drainTimeout).pipe(
      Effect.flatMap((reply) =>
        Option.isSome(reply) ? Effect.void : Effect.sync(() => this.fatal(this.drainTimeoutError()))
      ),
      Effect.ignore
    )
  }

  /** The caller gave up on `exchange`: keep the permit in a detached fiber until the reply is drained. */
  private abandon(exchange: Exchange): Effect.Effect<void> {
    return Effect.suspend(() => {
      this.state = "draining"
      this.resumeAllReading()
      this.requestServerInterrupt(exchange)
      // After the drain, still under the permit: the cleanup the interrupted caller queued (CLOSE, RELEASE).
      const drain = this.drain(exchange).pipe(
        // Let the interrupted caller's finalizers queue their CLOSE/RELEASE; `finish` runs them under the permit.
        Effect.andThen(Effect.yieldNow),
        Effect.ensuring(this.finish())
      )
      return Effect.asVoid(Effect.forkDetach(drain))
    })
  }

  private drainTimeoutError(): ConnectionError {
    return new ConnectionError({
      reason: "Timeout",
      host: this.host,
      port: this.port,
      message: `An interrupted statement's reply did not end within ${
        Duration.format(this.drainTimeout)
      }; the session was retired`
    })
  }

  private finish(): Effect.Effect<void> {
    return Effect.suspend(() => {
      // Cleanup queued while the permit was held (by an interrupted caller) runs before the permit is given up.
      if (this.cleanup.length > 0 && this.deadWith === undefined) {
        return Effect.andThen(this.flushCleanup, this.finish())
      }
      this.settle()
      return Effect.void
    })
  }

  /** The exchange is over (the caller holds the wire permit and no cleanup waits): the session is idle again. */
  private settle(): void {
    if (this.deadWith === undefined) this.state = "idle"
    this.resumeAllReading()
    this.wire.releaseNow()
  }

  /** Used by the login sequence: expect the next exchange's reply to end with `end`. */
  exchangeUntil(bytes: Uint8Array, end: ReplyEnd): Effect.Effect<ReadonlyArray<Incoming>, InformixError> {
    return Effect.map(this.exchange(bytes, { end }), (reply) => reply.messages)
  }

  /**
   * Ends the session: waits briefly for the wire (a drain in progress may hold it), sends SQ_EXIT, waits up to
   * `exitWait` for the server's SQ_EXIT, then destroys the socket and retires the session.
   */
  close(exitBytes: Uint8Array, exitWait: Duration.Duration): Effect.Effect<void> {
    return Effect.uninterruptible(Effect.suspend(() => {
      if (this.deadWith !== undefined) return Effect.void
      const polite = Effect.timeoutOption(
        Effect.andThen(Effect.sync(() => (this.closing = true)), this.exchange(exitBytes, { end: "Exit" })),
        exitWait
      )
      return polite.pipe(
        Effect.ignore,
        Effect.ensuring(Effect.sync(() => this.fatal(this.closedByClient())))
      )
    }))
  }

  private closedByClient(): ConnectionError {
    return new ConnectionError({
      reason: "Closed",
      host: this.host,
      port: this.port,
      message: `The connection to ${this.host}:${this.port} was closed by the client`
    })
  }
}

/** How an exchange ends, is bounded, observes its reply, and what follows its first bytes (see `exchange`). */
export interface ExchangeOptions<E> {
  readonly end?: ReplyEnd
  readonly timeout?: Duration.Duration | undefined
  readonly onReply?: ((messages: ReadonlyArray<Incoming>) => void) | undefined
  readonly onMessage?: ((message: Incoming) => boolean) | undefined
  /** The rest of the request after `bytes`, written as pulled (see `writeBody`); its failure is the exchange's. */
  readonly body?: RequestBody<E> | undefined
}

/** The parts of a request written after its first bytes (`Session.exchange`'s `body`). */
export interface RequestBody<E> {
  readonly stream: Stream.Stream<Uint8Array, E>
  /** Ends the request when the stream ended. */
  readonly tail: Uint8Array
  /** Ends the request instead when the stream failed or the caller was interrupted. */
  readonly abort: Uint8Array
}

/** A complete reply; `timedOut` when the statement timeout fired and the server was asked to interrupt it. */
export interface Reply {
  readonly messages: ReadonlyArray<Incoming>
  readonly timedOut: boolean
}

const replyOf = (exchange: Exchange): Effect.Effect<ReadonlyArray<Incoming>, InformixError> =>
  exchange.failure === undefined ? Effect.succeed(exchange.messages) : Effect.fail(exchange.failure)

const noReply: Effect.Effect<undefined> = Effect.succeed(undefined)

/** The empty write whose callback says that everything written before it reached the kernel (`writeLast`). */
const NOTHING = new Uint8Array(0)

const noPermits: ReadonlyArray<Permit> = []

const replyOfExchange = (exchange: Exchange): Effect.Effect<Reply, InformixError> =>
  exchange.failure === undefined
    ? Effect.succeed({ messages: exchange.messages, timedOut: false })
    : Effect.fail(exchange.failure)

/** Maps a Node socket error to a `ConnectionError` (never includes credentials: socket errors carry none). */
export const socketError = (error: Error, host: string, port: number): ConnectionError => {
  const code = (error as NodeJS.ErrnoException).code
  const reason = code === "ECONNREFUSED"
    ? "Refused"
    : code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED"
    ? "Reset"
    : code === "ENOTFOUND" || code === "EAI_AGAIN"
    ? "Dns"
    : code === "ETIMEDOUT"
    ? "Timeout"
    : isTlsError(error)
    ? "Tls"
    : "Unknown"
  return new ConnectionError({
    reason,
    host,
    port,
    message: `${reasonText(reason)} (${host}:${port}): ${error.message}`,
    cause: error
  })
}

const isTlsError = (error: Error): boolean => {
  const code = (error as NodeJS.ErrnoException).code ?? ""
  return code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || code.includes("CERT") ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
}

const reasonText = (reason: string): string => {
  switch (reason) {
    case "Refused":
      return "Connection refused"
    case "Reset":
      return "Connection reset"
    case "Dns":
      return "Host name could not be resolved"
    case "Timeout":
      return "Connection timed out"
    case "Tls":
      return "TLS handshake failed"
    default:
      return "Socket error"
  }
}
