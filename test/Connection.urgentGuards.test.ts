/**
 * The guards around the urgent byte, one by one, on the session core itself (src/internal/connection/wireSession.ts)
 * with a scripted socket: the test decides when Node "flushes" a write and when reply bytes arrive, and a
 * recording urgent sender counts what would have gone out. These are the guards the end-to-end tests cannot see
 * individually (a byte sent too early or too late mostly looks like a slow statement), so each is broken here on its
 * own: the byte waits for the request's flush, goes out only while its exchange is in flight, at most once, never
 * when unsupported, and is counted only when the kernel took it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { EventEmitter } from "node:events"
import type * as Net from "node:net"
import { type Exchange, type Incoming, Session, type UrgentSender } from "../src/internal/connection/wireSession.ts"
import { done, EOT } from "./connection/fakeServer.ts"

/** A socket whose writes are "flushed" (their callbacks run) only when the test says so. */
class ScriptedSocket extends EventEmitter {
  readonly writes: Array<Uint8Array> = []
  private readonly unflushed: Array<() => void> = []
  destroyed = false

  write(bytes: Uint8Array, callback: () => void): boolean {
    this.writes.push(bytes)
    this.unflushed.push(callback)
    return false
  }

  /** Node hands everything written so far to the kernel: the write callbacks run. */
  flush(): void {
    for (const callback of this.unflushed.splice(0)) callback()
  }

  destroy(): this {
    this.destroyed = true
    return this
  }
}

// Reply bytes as the scripted decoder reads them: 0 = a message inside the reply, 1 = the reply's end (EOT).
const MIDDLE = 0
const END = 1
const decodeScripted = (chunk: Uint8Array): ReadonlyArray<Incoming> =>
  Array.from(chunk, (byte) => (byte === END ? EOT : done(0)))

interface Rig {
  readonly socket: ScriptedSocket
  readonly session: Session
  /** Sockets the urgent sender was asked to send on, in order. */
  readonly sends: Array<Net.Socket>
  /** Starts an exchange in a child fiber; returns once its request was written (not flushed). */
  readonly begin: Effect.Effect<{ readonly exchange: Exchange; readonly fiber: Fiber.Fiber<unknown, unknown> }>
}

const rig = (options: { readonly supported?: boolean; readonly kernelAccepts?: boolean } = {}): Rig => {
  const socket = new ScriptedSocket()
  const sends: Array<Net.Socket> = []
  const urgent: UrgentSender = {
    supported: options.supported ?? true,
    send: (target) => {
      sends.push(target)
      return options.kernelAccepts ?? true
    }
  }
  const asNet = socket as unknown as Net.Socket
  const session = new Session(asNet, asNet, {
    host: "127.0.0.1",
    port: 1,
    decoder: { push: decodeScripted, setFraming: () => {} },
    urgent,
    drainTimeout: Duration.seconds(5)
  })
  const begin = Effect.gen(function*() {
    const written = socket.writes.length
    const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(0x42)))
    while (socket.writes.length === written) yield* Effect.yieldNow
    return { exchange: session.current!, fiber }
  })
  return { socket, session, sends, begin }
}

describe("urgent-byte guards (session core)", () => {
  it.effect("a byte requested before the request is flushed waits for the flush, then goes out once", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      assert.isFalse(exchange.flushed)
      // Accepted, but sending now would put the byte ahead of the request still in Node's write queue.
      assert.isTrue(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 0)
      socket.flush()
      assert.lengthOf(sends, 1)
      assert.strictEqual(sends[0], socket as unknown as Net.Socket)
      assert.strictEqual(session.interruptsSent, 1)
      socket.emit("data", Uint8Array.of(MIDDLE, END))
      yield* Fiber.join(fiber)
      assert.lengthOf(sends, 1)
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("a byte requested after the flush goes out at once", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      socket.flush()
      assert.isTrue(exchange.flushed)
      assert.isTrue(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 1)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
    }))

  it.effect("at most one byte per exchange", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      assert.isTrue(session.requestServerInterrupt(exchange))
      // A second request before the flush (e.g. timeout, then the caller gives up) adds nothing.
      assert.isFalse(session.requestServerInterrupt(exchange))
      socket.flush()
      assert.isFalse(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 1)
      assert.strictEqual(session.interruptsSent, 1)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
    }))

  it.effect("no byte for an exchange whose reply is complete, nor for an earlier exchange once the next started", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const first = yield* begin
      socket.flush()
      socket.emit("data", Uint8Array.of(MIDDLE, END))
      yield* Fiber.join(first.fiber)
      assert.isTrue(first.exchange.complete)
      assert.isFalse(session.requestServerInterrupt(first.exchange))
      // The next exchange is on the wire: a late request for the first one must not hit it.
      const second = yield* begin
      socket.flush()
      assert.isFalse(session.requestServerInterrupt(first.exchange))
      assert.lengthOf(sends, 0)
      assert.isTrue(session.requestServerInterrupt(second.exchange))
      assert.lengthOf(sends, 1)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(second.fiber)
    }))

  it.effect("a byte deferred to the flush is dropped when the reply ended first", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      assert.isTrue(session.requestServerInterrupt(exchange))
      // The reply's end is read before Node reports the flush: at flush time the exchange is no longer in flight.
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
      socket.flush()
      assert.lengthOf(sends, 0)
      assert.strictEqual(session.interruptsSent, 0)
    }))

  it.effect("a request for an exchange that ended before its flush is refused at once", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
      assert.isFalse(exchange.flushed)
      // Not "accepted, deferred to the flush": nothing is in flight any more, so nothing will be sent.
      assert.isFalse(session.requestServerInterrupt(exchange))
      socket.flush()
      assert.lengthOf(sends, 0)
    }))

  it.effect("a byte deferred to the flush is dropped when the session died first", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      assert.isTrue(session.requestServerInterrupt(exchange))
      socket.emit("error", Object.assign(new Error("reset"), { code: "ECONNRESET" }))
      assert.strictEqual(session.state, "dead")
      assert.isTrue(Exit.isFailure(yield* Fiber.await(fiber)))
      socket.flush()
      assert.lengthOf(sends, 0)
    }))

  it.effect("never a byte where urgent data is unsupported", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig({ supported: false })
      const { exchange, fiber } = yield* begin
      assert.isFalse(session.requestServerInterrupt(exchange))
      socket.flush()
      assert.isFalse(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 0)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
    }))

  it.effect("a byte the kernel refused is reported and not counted", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig({ kernelAccepts: false })
      const { exchange, fiber } = yield* begin
      socket.flush()
      assert.isFalse(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 1)
      assert.strictEqual(session.interruptsSent, 0)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
    }))

  it.effect("an interrupted caller leaves the session draining; the byte waits for the flush; the reply is drained", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(session.state, "draining")
      assert.isTrue(exchange.interruptRequested)
      assert.lengthOf(sends, 0)
      socket.flush()
      assert.lengthOf(sends, 1)
      // The next caller waits for the wire until the interrupted reply has been read to its end.
      const next = yield* Effect.forkChild(session.exchange(Uint8Array.of(0x43)))
      yield* Effect.yieldNow
      assert.lengthOf(socket.writes, 1)
      socket.emit("data", Uint8Array.of(MIDDLE, END))
      while (socket.writes.length === 1) yield* Effect.yieldNow
      socket.flush()
      socket.emit("data", Uint8Array.of(END))
      const reply = yield* Fiber.join(next)
      assert.deepStrictEqual(reply.messages, [EOT])
      assert.strictEqual(session.state, "idle")
      assert.lengthOf(sends, 1)
    }))
})
