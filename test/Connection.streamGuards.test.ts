/**
 * The BYTE/TEXT streaming lines of the session core (src/internal/connection/wireSession.ts), one by one, on a
 * scripted socket (test/scriptedSession.ts): reading paused for a slow consumer and resumed by its own token only,
 * by the end of the reply, or when the reply is abandoned; and a request body written in parts — the request counts
 * as flushed only with its last part, a full buffer holds the next part until `drain`, a session that dies stops
 * the body, and an upload that fails or is interrupted ends with its abort, for which no urgent byte is sent. The
 * end-to-end tests (test/Connection.byteStream*.test.ts) check the outcomes; these check what the socket sees.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { ConnectionError } from "../src/InformixError.ts"
import type { Incoming, RequestBody, Session } from "../src/internal/connection/wireSession.ts"
import { END, MIDDLE, nextTurn, rig, type ScriptedSocket, writtenBeyond } from "./scriptedSession.ts"

const HEAD = 0x50
const TAIL = 0x5e
const ABORT = 0x5a

const writesOf = (socket: ScriptedSocket): Array<Array<number>> => socket.writes.map((bytes) => Array.from(bytes))

/** Starts an exchange whose reply's consumer pauses reading at each message inside the reply (and takes it). */
const pausingExchange = (session: Session, socket: ScriptedSocket) =>
  Effect.gen(function*() {
    const tokens: Array<object | undefined> = []
    const onMessage = (message: Incoming) => {
      if (message._tag === "Eot") return false
      tokens.push(session.pauseReading())
      return true
    }
    const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(HEAD), { onMessage }))
    yield* writtenBeyond(socket, 0)
    return { fiber, tokens }
  })

/** Starts an exchange whose request body is pulled from `parts` (end it: the tail; fail it: the abort). */
const uploadExchange = (session: Session, socket: ScriptedSocket) =>
  Effect.gen(function*() {
    const parts = yield* Queue.unbounded<Uint8Array, string | Cause.Done>()
    const body: RequestBody<string> = {
      stream: Stream.fromQueue(parts),
      tail: Uint8Array.of(TAIL),
      abort: Uint8Array.of(ABORT)
    }
    const written = socket.writes.length
    const fiber = yield* Effect.forkChild(session.exchange(Uint8Array.of(HEAD), { body }))
    yield* writtenBeyond(socket, written)
    return { parts, fiber, exchange: session.current! }
  })

describe("reading paused for a slow consumer (session core)", () => {
  it.effect("a pause holds reading until its token lifts it; a second pause while paused is the same pause", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig()
      const { exchange, fiber } = yield* begin
      const first = session.pauseReading()
      assert.isDefined(first)
      assert.strictEqual(session.pauseReading(), first)
      assert.deepStrictEqual(socket.flow, ["pause"])
      socket.flush()
      socket.receive(MIDDLE, END)
      yield* nextTurn
      assert.isFalse(exchange.complete)
      session.resumeReading(first)
      assert.deepStrictEqual(socket.flow, ["pause", "resume"])
      yield* Fiber.join(fiber)
      assert.strictEqual(session.state, "idle")
      // Nothing else to lift: the end of the exchange resumes nothing more.
      assert.deepStrictEqual(socket.flow, ["pause", "resume"])
    }))

  it.effect("no pause while nothing is in flight, nor once the session is retired", () =>
    Effect.sync(() => {
      const { socket, session } = rig()
      assert.isUndefined(session.pauseReading())
      socket.emit("close")
      assert.strictEqual(session.state, "dead")
      assert.isUndefined(session.pauseReading())
      assert.deepStrictEqual(socket.flow, [])
    }))

  it.effect("a stale token, or none, does not lift a later pause", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig()
      const { fiber } = yield* begin
      const first = session.pauseReading()
      session.resumeReading(first)
      const second = session.pauseReading()
      assert.notStrictEqual(second, first)
      session.resumeReading(first)
      session.resumeReading(undefined)
      assert.isTrue(socket.paused)
      assert.deepStrictEqual(socket.flow, ["pause", "resume", "pause"])
      session.resumeReading(second)
      assert.isFalse(socket.paused)
      socket.flush()
      socket.receive(END)
      yield* Fiber.join(fiber)
    }))

  it.effect("a reply that ends while its consumer paused reading leaves the socket reading for the next request", () =>
    Effect.gen(function*() {
      const { socket, session, begin } = rig()
      const { fiber, tokens } = yield* pausingExchange(session, socket)
      socket.flush()
      // One chunk: the message that makes the consumer pause and the reply's end are decoded together.
      socket.receive(MIDDLE, END)
      yield* Fiber.join(fiber)
      assert.lengthOf(tokens, 1)
      assert.isFalse(socket.paused)
      assert.deepStrictEqual(socket.flow, ["pause", "resume"])
      // The consumer's token is stale now: lifting it changes nothing.
      session.resumeReading(tokens[0])
      assert.deepStrictEqual(socket.flow, ["pause", "resume"])
      const next = yield* begin
      socket.flush()
      socket.receive(END)
      yield* Fiber.join(next.fiber)
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("a consumer that gives up while reading is paused: the rest of the reply is read and drained", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      const { fiber } = yield* pausingExchange(session, socket)
      socket.flush()
      socket.receive(MIDDLE)
      assert.isTrue(socket.paused)
      socket.receive(MIDDLE, END)
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(session.state, "draining")
      assert.isFalse(socket.paused)
      yield* session.awaitSettled
      assert.strictEqual(session.state, "idle")
      assert.lengthOf(sends, 1)
    }))
})

describe("request bodies written in parts (session core)", () => {
  it.effect("the request counts as flushed only with its tail: an urgent byte waits for the whole request", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      socket.acceptsMore = true
      const { parts, fiber, exchange } = yield* uploadExchange(session, socket)
      // The head reached the kernel, the body did not: a byte now would land inside the request.
      socket.flush()
      assert.isTrue(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 0)
      yield* Queue.offer(parts, Uint8Array.of(1, 2))
      yield* writtenBeyond(socket, 1)
      socket.flush()
      assert.lengthOf(sends, 0)
      yield* Queue.end(parts)
      yield* writtenBeyond(socket, 2)
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1, 2], [TAIL]])
      assert.lengthOf(sends, 0)
      socket.flush()
      assert.lengthOf(sends, 1)
      socket.receive(END)
      yield* Fiber.join(fiber)
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("a full buffer holds the next part until Node drains it; no listener is left behind", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const { parts, fiber } = yield* uploadExchange(session, socket)
      yield* Queue.offerAll(parts, [Uint8Array.of(1), Uint8Array.of(2)])
      yield* writtenBeyond(socket, 1)
      for (let i = 0; i < 10; i++) yield* Effect.yieldNow
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1]])
      assert.strictEqual(socket.listenerCount("drain"), 1)
      socket.acceptsMore = true
      socket.emit("drain")
      yield* writtenBeyond(socket, 2)
      yield* Queue.end(parts)
      yield* writtenBeyond(socket, 3)
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1], [2], [TAIL]])
      assert.strictEqual(socket.listenerCount("drain"), 0)
      // The session's own `close` listener only.
      assert.strictEqual(socket.listenerCount("close"), 1)
      socket.flush()
      socket.receive(END)
      yield* Fiber.join(fiber)
      assert.strictEqual(session.state, "idle")
    }))

  it.live("a socket that closes while a part waits for drain fails the exchange at once; nothing more is written", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      const { parts, fiber } = yield* uploadExchange(session, socket)
      // No next part is ready: the exchange must not wait for one on a dead socket.
      yield* Queue.offer(parts, Uint8Array.of(1))
      yield* writtenBeyond(socket, 1)
      socket.emit("close")
      const exit = yield* Fiber.await(fiber).pipe(Effect.timeout("5 seconds"))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(session.state, "dead")
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1]])
    }))

  it.effect("after its tail, an upload's statement can be interrupted like any other", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      socket.acceptsMore = true
      const { parts, fiber } = yield* uploadExchange(session, socket)
      yield* Queue.end(parts)
      yield* writtenBeyond(socket, 1)
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [TAIL]])
      socket.flush()
      yield* Fiber.interrupt(fiber)
      assert.lengthOf(sends, 1)
      socket.receive(END)
      yield* session.awaitSettled
      assert.strictEqual(session.state, "idle")
    }))

  it.effect("a part pulled after the session died is not written, nor is the abort; the exchange fails as closed", () =>
    Effect.gen(function*() {
      const { socket, session } = rig()
      socket.acceptsMore = true
      const { parts, fiber } = yield* uploadExchange(session, socket)
      yield* Queue.offer(parts, Uint8Array.of(1))
      yield* writtenBeyond(socket, 1)
      socket.emit("error", Object.assign(new Error("reset"), { code: "ECONNRESET" }))
      assert.strictEqual(session.state, "dead")
      yield* Queue.offer(parts, Uint8Array.of(2))
      yield* Queue.end(parts)
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.instanceOf(error, ConnectionError)
      assert.include(error.message, "is closed")
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1]])
    }))

  it.effect("an interrupted upload ends with the abort, not the tail, and sends no urgent byte for it", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      socket.acceptsMore = true
      const { parts, fiber } = yield* uploadExchange(session, socket)
      yield* Queue.offer(parts, Uint8Array.of(1))
      yield* writtenBeyond(socket, 1)
      socket.flush()
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1], [ABORT]])
      assert.strictEqual(session.state, "draining")
      // The abort ends the statement by itself: once it reached the kernel, no byte follows it.
      socket.flush()
      yield* nextTurn
      assert.lengthOf(sends, 0)
      socket.receive(END)
      yield* session.awaitSettled
      assert.strictEqual(session.state, "idle")
      assert.lengthOf(sends, 0)
    }))

  it.effect("a body that fails: the abort ends the request, its reply is read, the body's error is the exchange's", () =>
    Effect.gen(function*() {
      const { socket, session, sends } = rig()
      socket.acceptsMore = true
      const { parts, fiber, exchange } = yield* uploadExchange(session, socket)
      yield* Queue.offer(parts, Uint8Array.of(1))
      yield* writtenBeyond(socket, 1)
      yield* Queue.fail(parts, "disk gone")
      yield* writtenBeyond(socket, 2)
      assert.deepStrictEqual(writesOf(socket), [[HEAD], [1], [ABORT]])
      socket.flush()
      // No byte for a request its abort already ends.
      assert.isFalse(session.requestServerInterrupt(exchange))
      assert.lengthOf(sends, 0)
      socket.receive(MIDDLE, END)
      assert.strictEqual(yield* Effect.flip(Fiber.join(fiber)), "disk gone")
      assert.isTrue(exchange.complete)
      assert.strictEqual(session.state, "idle")
    }))
})
