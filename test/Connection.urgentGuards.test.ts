/**
 * The guards around the urgent byte, one by one, on the session core itself (src/internal/connection/wireSession.ts)
 * with a scripted socket: the test decides when Node "flushes" a write and when reply bytes arrive, and a
 * recording urgent sender counts what would have gone out. These are the guards the end-to-end tests cannot see
 * individually (a byte sent too early or too late mostly looks like a slow statement), so each is broken here on its
 * own: the byte waits for the request's flush, goes out only while its exchange is in flight, at most once, never
 * when unsupported, and is counted only when the kernel took it. The second group does the same for the rest of
 * the core that `npm run mutate` mutates: a stream out of step retires the session, retirement is final and runs
 * its hooks once, settling waits for the drain, the statement timeout's drain, and cleanup under the wire permit.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Net from "node:net"
import { Permit } from "../src/internal/connection/permit.ts"
import type { Reply } from "../src/internal/connection/wireSession.ts"
import { EOT } from "./connection/fakeServer.ts"
import { eventually } from "./eventually.ts"
import { END, EXIT, MIDDLE, nextTurn, rig, ScriptedSocket, UNDECODABLE } from "./scriptedSession.ts"

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

  it.effect("a request Node hands to the kernel at once counts as flushed before its write callback runs", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      socket.handsOverAtOnce = true
      const { exchange, fiber } = yield* begin
      // Nothing is left in Node's queue, so the byte cannot overtake the request: it goes at once.
      assert.isTrue(exchange.flushed)
      assert.isTrue(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 1)
      socket.flush()
      assert.lengthOf(sends, 1)
      assert.lengthOf(socket.writes, 1)
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
      // Refused is final: not tried again on later turns (only a byte Node's buffer held back is).
      yield* nextTurn
      assert.lengthOf(sends, 1)
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

describe("session core guards: reading, retirement, settling, timeouts", () => {
  it.effect("a message while nothing was asked retires the session: the stream is out of step", () =>
    Effect.sync(() => {
      const { socket, session } = rig()
      socket.emit("data", Uint8Array.of(END))
      assert.strictEqual(session.state, "dead")
      assert.strictEqual(session.deadWith?._tag, "ProtocolError")
      assert.include(session.deadWith!.message, "Unexpected Eot message from the server while no request was in flight")
      assert.isTrue(socket.destroyed)
    }))

  it.effect("an undecodable reply retires the session and fails the exchange in flight", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig()
      const { fiber } = yield* begin
      socket.emit("data", Uint8Array.of(UNDECODABLE))
      assert.strictEqual(session.state, "dead")
      assert.strictEqual(session.deadWith?._tag, "ProtocolError")
      assert.strictEqual(session.deadWith!.message, "Undecodable reply from the server: scripted garbage")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("retirement keeps its first cause, destroys the socket beneath TLS too, and runs each hook once", () =>
    Effect.sync(() => {
      const raw = new ScriptedSocket()
      const { socket, session } = rig({ raw })
      const causes: Array<string> = []
      session.onRetire((cause) => causes.push(cause.message))
      const unregistered: Array<string> = []
      const unregister = session.onRetire((cause) => unregistered.push(cause.message))
      unregister()
      socket.emit("error", Object.assign(new Error("reset by peer"), { code: "ECONNRESET" }))
      // Node follows an error with close: the session stays retired for the first reason.
      socket.emit("close")
      assert.strictEqual(session.deadWith?._tag, "ConnectionError")
      assert.include(session.deadWith!.message, "reset by peer")
      assert.isTrue(socket.destroyed)
      assert.isTrue(raw.destroyed)
      assert.lengthOf(causes, 1)
      assert.lengthOf(unregistered, 0)
      // A hook registered after the retirement learns about it at once.
      const late: Array<string> = []
      session.onRetire((cause) => late.push(cause.message))
      assert.deepStrictEqual(late, [causes[0]!])
    }))

  it.effect("awaitSettled waits through busy and draining, and wakes at idle", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig()
      yield* session.awaitSettled
      const { fiber } = yield* begin
      let woke = false
      const settled = yield* Effect.forkChild(Effect.andThen(session.awaitSettled, Effect.sync(() => (woke = true))))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(session.state, "draining")
      for (let i = 0; i < 10; i++) yield* Effect.yieldNow
      assert.isFalse(woke)
      socket.flush()
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(settled)
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("a reply within the statement timeout is an ordinary reply: no byte, not timed out", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(1), { timeout: Duration.seconds(30) }))
      while (socket.writes.length === 0) yield* Effect.yieldNow
      socket.flush()
      socket.emit("data", Uint8Array.of(MIDDLE, END))
      const reply = yield* Fiber.join(fiber)
      assert.isFalse(reply.timedOut)
      assert.lengthOf(reply.messages, 2)
      assert.lengthOf(sends, 0)
      assert.strictEqual(session.state, "idle")
    }))

  it.live("past the statement timeout: the byte goes out, the session drains, the reply comes back timed out", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(1), { timeout: Duration.millis(20) }))
      while (socket.writes.length === 0) yield* Effect.yieldNow
      socket.flush()
      while (sends.length === 0) yield* Effect.sleep(Duration.millis(5))
      assert.strictEqual(session.state, "draining")
      socket.emit("data", Uint8Array.of(END))
      const reply = yield* Fiber.join(fiber)
      assert.isTrue(reply.timedOut)
      assert.strictEqual(session.state, "idle")
    }))

  it.live("a timed-out statement whose reply does not end within drainTimeout retires the session", () =>
    Effect.gen(function*() {
      const { socket, session } = rig({ drainTimeout: Duration.millis(30) })
      const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(1), { timeout: Duration.millis(10) }))
      while (socket.writes.length === 0) yield* Effect.yieldNow
      socket.flush()
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(session.state, "dead")
      assert.strictEqual(session.deadWith?._tag, "ConnectionError")
    }))

  it.live("a drain that runs out with cleanup queued retires the session and still gives up the wire", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig({ drainTimeout: Duration.millis(20) })
      const { fiber } = yield* begin
      yield* Fiber.interrupt(fiber)
      session.addCleanup(Uint8Array.of(0x99))
      socket.flush()
      // No reply: the drain deadline retires the session with the cleanup batch still queued.
      yield* session.awaitSettled
      assert.strictEqual(session.state, "dead")
      // The permit was given up: the next caller fails at once as closed instead of waiting for the wire forever.
      const error = yield* Effect.flip(session.exchange(Uint8Array.of(0x43)).pipe(Effect.timeout("5 seconds")))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.lengthOf(socket.writes, 1)
    }))

  it.effect("cleanup queued by an interrupted caller is sent before the session goes idle, not at its next use", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig()
      const { fiber } = yield* begin
      yield* Fiber.interrupt(fiber)
      // What an interrupted statement's finalizer does: queue its CLOSE/RELEASE for the permit holder.
      session.addCleanup(Uint8Array.of(0x99))
      socket.flush()
      socket.emit("data", Uint8Array.of(END))
      while (socket.writes.length === 1) yield* Effect.yieldNow
      assert.deepStrictEqual(Array.from(socket.writes[1]!), [0x99])
      assert.strictEqual(session.state, "busy")
      socket.flush()
      socket.emit("data", Uint8Array.of(END))
      yield* session.awaitSettled
      assert.strictEqual(session.state, "idle")
      assert.lengthOf(socket.writes, 2)
    }))
})

describe("urgent byte while Node still buffers, and deferred batches", () => {
  it.effect("a byte that finds Node still buffering goes out once the buffer is empty, while in flight", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      socket.flush()
      socket.writableLength = 3
      // Accepted: sending now would land inside the buffered bytes, so it is tried again on later turns.
      assert.isTrue(session.requestServerInterrupt(exchange))
      yield* nextTurn
      assert.lengthOf(sends, 0)
      socket.writableLength = 0
      yield* nextTurn
      assert.lengthOf(sends, 1)
      assert.strictEqual(session.interruptsSent, 1)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
      yield* nextTurn
      assert.lengthOf(sends, 1)
    }))

  it.effect("a byte waiting for Node's buffer is dropped when the reply ends first", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig()
      const { exchange, fiber } = yield* begin
      socket.flush()
      socket.writableLength = 3
      assert.isTrue(session.requestServerInterrupt(exchange))
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
      socket.writableLength = 0
      yield* nextTurn
      yield* nextTurn
      assert.lengthOf(sends, 0)
      assert.strictEqual(session.interruptsSent, 0)
    }))

  it.effect("deferred batches ride in the next request's write; their replies are read and dropped", () =>
    Effect.gen(function*() {
      // The idle timer far away: the batches can only go with the request.
      const { socket, session, begin } = rig({ deferredIdleMillis: 60_000 })
      session.addDeferred(Uint8Array.of(0x10))
      session.addDeferred(Uint8Array.of(0x11))
      const { fiber } = yield* begin
      assert.lengthOf(socket.writes, 1)
      assert.deepStrictEqual(Array.from(socket.writes[0]!), [0x10, 0x11, 0x42])
      socket.flush()
      // Each deferred batch's reply (an error among them changes nothing), then the request's own.
      socket.emit("data", Uint8Array.of(MIDDLE, END, END, MIDDLE, MIDDLE, END))
      const reply = (yield* Fiber.join(fiber)) as Reply
      assert.lengthOf(reply.messages, 3)
      assert.isFalse(reply.timedOut)
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("an interrupt requested while the server still answers deferred batches waits for their end", () =>
    Effect.gen(function*() {
      const { socket, session, sends, begin } = rig({ deferredIdleMillis: 60_000 })
      session.addDeferred(Uint8Array.of(0x10))
      const { exchange, fiber } = yield* begin
      assert.isTrue(session.requestServerInterrupt(exchange))
      socket.flush()
      // Flushed, but the server is still on the deferred batch: a byte now would interrupt that one instead.
      assert.lengthOf(sends, 0)
      socket.emit("data", Uint8Array.of(MIDDLE))
      assert.lengthOf(sends, 0)
      socket.emit("data", Uint8Array.of(END))
      assert.lengthOf(sends, 1)
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(fiber)
      assert.lengthOf(sends, 1)
    }))

  it.live("a deferred batch with no next request goes alone once the session stayed idle", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      session.addDeferred(Uint8Array.of(0x10))
      assert.lengthOf(socket.writes, 0)
      yield* eventually(Effect.sync(() => socket.writes.length), (n) => n > 0)
      assert.deepStrictEqual(socket.writes.map((bytes) => Array.from(bytes)), [[0x10]])
      assert.strictEqual(session.state, "busy")
      socket.flush()
      socket.emit("data", Uint8Array.of(END))
      yield* session.awaitSettled
      assert.strictEqual(session.state, "idle")
      // Sent once: nothing more goes out later.
      yield* Effect.sleep("20 millis")
      assert.lengthOf(socket.writes, 1)
    }))

  it.live("a deferred batch that rode on a request is not sent again by the idle timer", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      // A request has the wire (as one does between taking the permit and writing); the timer finds the session
      // idle and queues its own send behind it.
      yield* session.wire.take
      // Started at once, so it queues for the wire before the timer can.
      const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(0x42)), { startImmediately: true })
      session.addDeferred(Uint8Array.of(0x10))
      yield* Effect.sleep("20 millis")
      yield* session.wire.release
      yield* eventually(Effect.sync(() => socket.writes.length), (n) => n > 0)
      assert.deepStrictEqual(Array.from(socket.writes[0]!), [0x10, 0x42])
      socket.flush()
      socket.emit("data", Uint8Array.of(END, END))
      yield* Fiber.join(fiber)
      yield* Effect.sleep("20 millis")
      assert.lengthOf(socket.writes, 1)
      assert.strictEqual(session.state, "idle")
    }))

  it.live("a session that dies with deferred batches drops them: nothing is written later", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      session.addDeferred(Uint8Array.of(0x10))
      socket.emit("close")
      assert.strictEqual(session.state, "dead")
      yield* Effect.sleep("20 millis")
      assert.lengthOf(socket.writes, 0)
      // Nor does a batch added afterwards.
      session.addDeferred(Uint8Array.of(0x11))
      yield* Effect.sleep("20 millis")
      assert.lengthOf(socket.writes, 0)
    }))

  it.live("a deferred batch sent alone whose reply does not end within drainTimeout retires the session", () =>
    Effect.gen(function*() {
      const { socket, session } = rig({ drainTimeout: Duration.millis(50) })
      session.addDeferred(Uint8Array.of(0x10))
      yield* eventually(Effect.sync(() => socket.writes.length), (n) => n > 0)
      socket.flush()
      yield* session.awaitSettled
      assert.strictEqual(session.state, "dead")
      assert.strictEqual(session.deadWith?._tag, "ConnectionError")
      assert.include(session.deadWith!.message, "did not end within")
    }))
})

describe("replies, failures and the polite close", () => {
  it.effect("a reply's onReply runs for a complete reply, never for an exchange the session's death ended", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const seen: Array<number> = []
      const ok = yield* Effect.forkChild(
        session.exchange(Uint8Array.of(0x42), { onReply: (messages) => seen.push(messages.length) })
      )
      while (socket.writes.length === 0) yield* Effect.yieldNow
      socket.flush()
      socket.emit("data", Uint8Array.of(MIDDLE, END))
      yield* Fiber.join(ok)
      assert.deepStrictEqual(seen, [2])
      const dying = yield* Effect.forkChild(
        session.exchange(Uint8Array.of(0x43), { onReply: (messages) => seen.push(messages.length) })
      )
      while (socket.writes.length === 1) yield* Effect.yieldNow
      socket.emit("data", Uint8Array.of(MIDDLE))
      socket.emit("close")
      assert.isTrue(Exit.isFailure(yield* Fiber.await(dying)))
      assert.deepStrictEqual(seen, [2])
    }))

  it.effect("a polite close ends the session as closed by the client, whatever trails the server's SQ_EXIT", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const closing = yield* Effect.forkChild(session.close(Uint8Array.of(0x38), Duration.seconds(5)))
      while (socket.writes.length === 0) yield* Effect.yieldNow
      socket.flush()
      socket.emit("data", Uint8Array.of(EXIT))
      socket.emit("data", Uint8Array.of(END))
      yield* Fiber.join(closing)
      assert.strictEqual(session.state, "dead")
      assert.include(session.deadWith!.message, "was closed by the client")
    }))

  it.live("cleanup whose reply does not end within drainTimeout retires the session before the next request", () =>
    Effect.gen(function*() {
      const { socket, session } = rig({ drainTimeout: Duration.millis(50) })
      session.addCleanup(Uint8Array.of(0x99))
      const next = yield* Effect.forkChild(session.exchange(Uint8Array.of(0x42)))
      yield* eventually(Effect.sync(() => socket.writes.length), (n) => n > 0)
      assert.deepStrictEqual(Array.from(socket.writes[0]!), [0x99])
      socket.flush()
      const exit = yield* Fiber.await(next)
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(session.state, "dead")
      assert.include(session.deadWith!.message, "did not end within")
      // The request itself never went out.
      assert.lengthOf(socket.writes, 1)
    }))
})

describe("an exchange holding the statement's permits (exchangeHolding, the one-step query)", () => {
  const statement = { released: false }

  it.effect("takes nothing and writes nothing when the wire, a permit or the statement is not free", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const owner = new Permit()
      owner.tryTake()
      assert.isUndefined(yield* session.exchangeHolding(Uint8Array.of(0x42), () => {}, [owner], undefined, statement))
      owner.releaseNow()
      assert.isUndefined(
        yield* session.exchangeHolding(Uint8Array.of(0x42), () => {}, [owner], undefined, { released: true })
      )
      session.wire.tryTake()
      assert.isUndefined(yield* session.exchangeHolding(Uint8Array.of(0x42), () => {}, [owner], undefined, statement))
      session.wire.releaseNow()
      assert.lengthOf(socket.writes, 0)
      assert.isFalse(owner.taken)
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("gives the wire up with the reply and keeps the held permits for the caller", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const owner = new Permit()
      const fiber = yield* Effect.forkChild(
        session.exchangeHolding(Uint8Array.of(0x42), () => {}, [owner], undefined, statement),
        { startImmediately: true }
      )
      assert.lengthOf(socket.writes, 1)
      assert.isTrue(owner.taken && session.wire.taken)
      socket.flush()
      socket.emit("data", Uint8Array.of(0x00, END))
      const reply = yield* Fiber.join(fiber)
      assert.strictEqual(reply?.messages.length, 2)
      assert.isFalse(session.wire.taken)
      assert.isTrue(owner.taken)
      assert.strictEqual(session.state, "idle")
    }))

  it.live("an interrupted caller gives the permits up; the reply is drained, then its CLOSE goes under the wire", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const owner = new Permit()
      const fiber = yield* Effect.forkChild(
        session.exchangeHolding(Uint8Array.of(0x42), () => {}, [owner], Uint8Array.of(0x10), statement),
        { startImmediately: true }
      )
      socket.flush()
      yield* Fiber.interrupt(fiber)
      assert.isFalse(owner.taken)
      assert.strictEqual(session.state, "draining")
      assert.isTrue(session.wire.taken)
      socket.emit("data", Uint8Array.of(END))
      // After the drain, still under the wire: the CLOSE, then the session is idle.
      yield* eventually(Effect.sync(() => socket.writes.length), (n) => n === 2)
      assert.deepStrictEqual(Array.from(socket.writes[1]!), [0x10])
      socket.flush()
      socket.emit("data", Uint8Array.of(END))
      yield* session.awaitSettled
      assert.strictEqual(session.state, "idle")
      assert.isFalse(session.wire.taken)
    }))
})
