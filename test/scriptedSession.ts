/**
 * The session core (src/internal/connection/wireSession.ts) on a scripted socket, for the tests that check its
 * guards one by one: the test decides when Node "flushes" a write, whether Node's buffer takes more, when reply
 * bytes arrive and what they decode to, and a recording urgent sender counts what would have gone out.
 */
import { assert } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import { EventEmitter } from "node:events"
import type * as Net from "node:net"
import { type Exchange, type Incoming, Session, type UrgentSender } from "../src/internal/connection/wireSession.ts"
import { done, EOT } from "./connection/fakeServer.ts"

/**
 * A socket whose writes are "flushed" (their callbacks run) only when the test says so, and whose reading can be
 * paused: bytes the server sends meanwhile wait, as in the kernel's receive buffer, until reading resumes.
 */
export class ScriptedSocket extends EventEmitter {
  readonly writes: Array<Uint8Array> = []
  private readonly unflushed: Array<() => void> = []
  destroyed = false
  /** Bytes written and not flushed yet: Node still queues them, as its `writableLength` says. */
  private unflushedBytes = 0
  /** Bytes buffered beneath (set by the test, e.g. TLS records in the TCP socket): urgent data would overtake them. */
  private beneath = 0
  /** What `write` answers: `false` says Node's buffer is full (more should wait for `drain`). */
  acceptsMore = false
  /**
   * Node hands each write to the kernel at once (`writableLength` stays 0), as it does when the kernel takes it whole;
   * the write callbacks still wait for `flush()`, as Node runs them on a later tick.
   */
  handsOverAtOnce = false
  /** Reading is paused (`pause()` until `resume()`). */
  paused = false
  /** Every `pause()` and `resume()` call, in order. */
  readonly flow: Array<"pause" | "resume"> = []
  private readonly held: Array<Uint8Array> = []

  /** What Node still buffers: the writes not flushed yet, and what the test says lies beneath. */
  get writableLength(): number {
    return this.unflushedBytes + this.beneath
  }

  set writableLength(bytes: number) {
    this.beneath = bytes
  }

  write(bytes: Uint8Array, callback?: () => void): boolean {
    // An empty write carries nothing; the session writes one only for its callback (the flush of what came before).
    if (bytes.length > 0) this.writes.push(bytes)
    if (!this.handsOverAtOnce) this.unflushedBytes += bytes.length
    if (callback !== undefined) this.unflushed.push(callback)
    return this.acceptsMore
  }

  /** Node hands everything written so far to the kernel: the write callbacks run. */
  flush(): void {
    this.unflushedBytes = 0
    for (const callback of this.unflushed.splice(0)) callback()
  }

  destroy(): this {
    this.destroyed = true
    return this
  }

  pause(): this {
    this.flow.push("pause")
    this.paused = true
    return this
  }

  resume(): this {
    this.flow.push("resume")
    this.paused = false
    // As Node's: what arrived while paused is read on a later tick, not inside `resume()`.
    process.nextTick(() => {
      while (!this.paused && this.held.length > 0) this.emit("data", this.held.shift()!)
    })
    return this
  }

  /** Reply bytes from the server: read now, or held while reading is paused. */
  receive(...bytes: ReadonlyArray<number>): void {
    const chunk = Uint8Array.from(bytes)
    if (this.paused) this.held.push(chunk)
    else this.emit("data", chunk)
  }
}

// Reply bytes as the scripted decoder reads them: 0 = a message inside the reply, 1 = the reply's end (EOT).
export const MIDDLE = 0
export const END = 1
/** A chunk the scripted decoder cannot decode. */
export const UNDECODABLE = 0xff
/** The server's SQ_EXIT, the answer to a polite close. */
export const EXIT = 2
const decodeScripted = (chunk: Uint8Array): ReadonlyArray<Incoming> =>
  Array.from(chunk, (byte): Incoming => (byte === END ? EOT : byte === EXIT ? { _tag: "Exit" } : done(0)))

export interface Rig {
  readonly socket: ScriptedSocket
  readonly session: Session
  /** Sockets the urgent sender was asked to send on, in order. */
  readonly sends: Array<Net.Socket>
  /** Starts an exchange in a child fiber; returns once its request was written (not flushed). */
  readonly begin: Effect.Effect<{ readonly exchange: Exchange; readonly fiber: Fiber.Fiber<unknown, unknown> }>
}

export const rig = (
  options: {
    readonly supported?: boolean
    readonly kernelAccepts?: boolean
    readonly drainTimeout?: Duration.Duration
    /** TLS layered over an existing socket: urgent data goes on this one, underneath. */
    readonly raw?: ScriptedSocket
    /** How long the session waits, unused, before sending deferred batches on their own (default 1 ms). */
    readonly deferredIdleMillis?: number
  } = {}
): Rig => {
  const socket = new ScriptedSocket()
  const sends: Array<Net.Socket> = []
  const urgent: UrgentSender = {
    supported: options.supported ?? true,
    send: (target) => {
      // As `sendUrgentByteNow`: nothing is sent while Node still buffers bytes on that socket.
      if ((target as unknown as ScriptedSocket).writableLength > 0) return "queued"
      sends.push(target)
      return (options.kernelAccepts ?? true) ? "sent" : "failed"
    }
  }
  const asNet = socket as unknown as Net.Socket
  const session = new Session(asNet, (options.raw ?? socket) as unknown as Net.Socket, {
    host: "127.0.0.1",
    port: 1,
    decoder: {
      push: (chunk, out) => {
        if (chunk[0] === UNDECODABLE) return { _tag: "ProtocolCodecError", message: "scripted garbage" }
        const messages = decodeScripted(chunk)
        for (let i = 0; i < messages.length; i++) out[i] = messages[i]
        return messages.length
      },
      setFraming: () => {}
    },
    urgent,
    drainTimeout: options.drainTimeout ?? Duration.seconds(5),
    deferredIdleMillis: options.deferredIdleMillis
  })
  const begin = Effect.gen(function*() {
    const written = socket.writes.length
    const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(0x42)))
    yield* writtenBeyond(socket, written)
    assert.strictEqual(session.state, "busy")
    return { exchange: session.current!, fiber }
  })
  return { socket, session, sends, begin }
}

/** Lets other fibers run until the socket holds more than `count` writes. */
export const writtenBeyond = (socket: ScriptedSocket, count: number): Effect.Effect<void> =>
  Effect.whileLoop({
    while: () => socket.writes.length <= count,
    body: () => Effect.yieldNow,
    step: () => {}
  })

/** One turn of Node's event loop (the session retries a queued urgent byte with `setImmediate`). */
export const nextTurn = Effect.callback<void>((resume) => void setImmediate(() => resume(Effect.void)))
