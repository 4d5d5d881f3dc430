/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message and error unions */
/**
 * Interruption at every point of a round trip, against a scripted server that controls reply timing exactly
 * (test/connection/fakeServer.ts). Every statement is `ECHO <n> <delayMs>`: the server answers with rows = n after
 * the delay, or with SQ_ERR -213 when the client's urgent byte arrives first — so each answer identifies the
 * statement it belongs to, and a stale reply would show up as a wrong number.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import type { ConnectionImpl } from "../src/internal/connection/connectionImpl.ts"
import type { ClientMessage } from "../src/internal/protocol/messages.ts"
import {
  describeNoColumns,
  describeWith,
  done,
  encode,
  EOT,
  err,
  type FakeSession,
  intRow,
  makeFakeServer,
  sqlOf
} from "./connection/fakeServer.ts"
import { itUrgent, urgentAvailable } from "./urgentSupport.ts"

/** Handles `ECHO n delay [split]`: reply after `delay` ms unless an urgent byte comes first (then -213). */
const echoHandler = (batch: ReadonlyArray<ClientMessage>, session: FakeSession): void => {
  const sql = sqlOf(batch[0]!) ?? ""
  const [, n, delay, split] = sql.split(" ")
  const rows = Number(n)
  const wait = Number(delay ?? 0)
  const reply = encode([describeNoColumns(6), done(rows), { _tag: "Cost", estimatedRows: 0, estimatedCost: 0 }, EOT])
  if (split === "split") {
    // Half the reply now, the rest after `wait` ms: the client is interrupted mid-reply.
    session.write(reply.subarray(0, 7))
    setTimeout(() => session.write(reply.subarray(7)), wait)
    return
  }
  if (wait === 0) {
    session.write(reply)
    return
  }
  let answered = false
  const timer = setTimeout(() => {
    if (answered) return
    answered = true
    session.write(reply)
  }, wait)
  void session.waitForUrgent(wait).then((urgent) => {
    if (!urgent || answered) return
    answered = true
    clearTimeout(timer)
    session.reply([err(-213), EOT])
  })
}

const echo = (conn: Connection.Connection, n: number, delay = 0, extra = "") =>
  Effect.map(conn.execute(`ECHO ${n} ${delay}${extra}`), (result) => result.rowsAffected)

const internals = (conn: Connection.Connection) => conn as unknown as ConnectionImpl

describe("Connection interruption", () => {
  it.live("interrupted while waiting for the wire: nothing is sent, the next statement is correct", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make(server.url)
      const slow = yield* Effect.forkChild(echo(conn, 1, 300))
      yield* Effect.sleep(Duration.millis(50))
      const waiting = yield* Effect.forkChild(echo(conn, 2))
      yield* Effect.sleep(Duration.millis(20))
      yield* Fiber.interrupt(waiting)
      assert.strictEqual(yield* Fiber.join(slow), 1)
      assert.strictEqual(yield* echo(conn, 3), 3)
      const sent = server.batches.map((b) => sqlOf(b[0]!))
      assert.deepStrictEqual(sent, ["ECHO 1 300", "ECHO 3 0"])
    }).pipe(Effect.scoped))

  itUrgent(
    "interrupted after the write: urgent byte, -213 drained, session idle, next statement correct",
    () =>
      Effect.gen(function*() {
        const server = yield* makeFakeServer(echoHandler)
        const conn = yield* Connection.make(server.url)
        assert.isTrue(conn.serverInterruptSupported)
        const fiber = yield* Effect.forkChild(echo(conn, 1, 10_000))
        yield* Effect.sleep(Duration.millis(50))
        yield* Fiber.interrupt(fiber)
        // The stale statement ran for 10 s on the server: answering 7 within the test's time limit needs the byte.
        assert.strictEqual(yield* echo(conn, 7), 7)
        assert.strictEqual(server.urgentSeen(), 1)
        assert.strictEqual(conn.state, "idle")
      }).pipe(Effect.scoped)
  )

  it.live("the interrupted caller returns at once; the session shows `draining` until the reply is read", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false })
      const fiber = yield* Effect.forkChild(echo(conn, 1, 400))
      yield* Effect.sleep(Duration.millis(50))
      yield* Fiber.interrupt(fiber)
      // Back before the reply was read: the session is still draining it.
      assert.strictEqual(conn.state, "draining")
      // Issued while the stale reply is still on its way: must get its own answer, not the stale one.
      assert.strictEqual(yield* echo(conn, 9), 9)
      assert.strictEqual(conn.state, "idle")
      assert.strictEqual(server.urgentSeen(), 0)
    }).pipe(Effect.scoped))

  it.live("awaitSettled completes when the drain ends (idle) and when the session is retired (dead), not before", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false, drainTimeout: "500 millis" })
      // Idle: at once.
      yield* conn.awaitSettled
      // Draining: after the stale reply (sent at ~250 ms) is read, not at once.
      const first = yield* Effect.forkChild(echo(conn, 1, 250))
      yield* Effect.sleep(Duration.millis(50))
      yield* Fiber.interrupt(first)
      assert.strictEqual(conn.state, "draining")
      yield* conn.awaitSettled
      // Not before the drain ended (it would still be draining), and by the drain, not by its deadline (which retires).
      assert.strictEqual(conn.state, "idle")
      // A drain that never ends: woken by the retirement at drainTimeout.
      const second = yield* Effect.forkChild(echo(conn, 2, 10_000))
      yield* Effect.sleep(Duration.millis(50))
      yield* Fiber.interrupt(second)
      yield* conn.awaitSettled.pipe(Effect.timeout("5 seconds"))
      assert.strictEqual(conn.state, "dead")
      yield* conn.awaitSettled
    }).pipe(Effect.scoped))

  it.live("a drain past drainTimeout retires the session (fallback path without urgent support)", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false, drainTimeout: "300 millis" })
      assert.isFalse(conn.serverInterruptSupported)
      const retired = yield* Deferred.make<InformixError>()
      conn.onRetire((cause) => Deferred.doneUnsafe(retired, Effect.succeed(cause)))
      const fiber = yield* Effect.forkChild(echo(conn, 1, 10_000))
      yield* Effect.sleep(Duration.millis(50))
      yield* Fiber.interrupt(fiber)
      const cause = yield* Deferred.await(retired)
      assert.strictEqual(cause._tag, "ConnectionError")
      assert.strictEqual(conn.state, "dead")
      const next = yield* Effect.exit(echo(conn, 2))
      assert.isTrue(Exit.isFailure(next))
      const error = Exit.isFailure(next) ? Cause.squash(next.cause) : undefined
      assert.strictEqual((error as InformixError)._tag, "ConnectionError")
    }).pipe(Effect.scoped))

  it.live("interrupted mid-reply: the rest of the reply is drained, the next statement is correct", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make(server.url)
      const fiber = yield* Effect.forkChild(echo(conn, 1, 300, " split"))
      yield* Effect.sleep(Duration.millis(80))
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(yield* echo(conn, 4), 4)
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  itUrgent("per-statement timeout interrupts the server statement and fails with -213", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make(server.url)
      // The statement would run 10 s: it ends within the test's time limit only because the server was interrupted.
      const exit = yield* Effect.exit(conn.execute("ECHO 1 10000", [], { timeout: "100 millis" }))
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) as InformixError : undefined
      assert.strictEqual(error?._tag, "SqlError")
      if (error?._tag === "SqlError") {
        assert.strictEqual(error.sqlcode, -213)
        assert.match(error.message, /timed out/)
      }
      assert.strictEqual(yield* echo(conn, 5), 5)
    }).pipe(Effect.scoped))

  itUrgent(
    "an urgent byte waits until the deferred CLOSE written in front of its request has been answered",
    () =>
      Effect.gen(function*() {
        // A one-row SELECT whose CLOSE (deferred: the fetch exhausted the cursor) the server answers only after 300 ms;
        // everything else is ECHO. The server interrupts the oldest unanswered batch, so an urgent byte sent while the
        // CLOSE is unanswered would hit the CLOSE and leave the ECHO running.
        const server = yield* makeFakeServer((batch, session) => {
          const first = batch[0]!
          if (first._tag === "Prepare" && sqlOf(first) === "SELECT a FROM t") {
            return session.reply([describeWith(2, 4, ["a"]), done(0), EOT])
          }
          if (batch.some((m) => m._tag === "Open")) return session.reply([intRow(7), done(1), EOT])
          if (batch.some((m) => m._tag === "Close")) {
            setTimeout(() => session.reply([EOT]), 300)
            return
          }
          echoHandler(batch, session)
        })
        const conn = yield* Connection.make(server.url)
        assert.deepStrictEqual(yield* conn.values("SELECT a FROM t"), [[7]])
        const exit = yield* Effect.exit(conn.execute("ECHO 1 10000", [], { timeout: "100 millis" }))
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) as InformixError : undefined
        assert.strictEqual(error?._tag === "SqlError" ? error.sqlcode : undefined, -213)
        assert.strictEqual(internals(conn).session.interruptsSent, 1)
        assert.strictEqual(yield* echo(conn, 5), 5)
        assert.strictEqual(conn.state, "idle")
      }).pipe(Effect.scoped)
  )

  itUrgent("connection-level queryTimeout applies to every statement", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make({ url: server.url, queryTimeout: "100 millis" })
      const exit = yield* Effect.exit(echo(conn, 1, 10_000))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(yield* echo(conn, 6, 10), 6)
    }).pipe(Effect.scoped))

  it.live("an urgent byte is never sent for an exchange whose reply is complete", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer(echoHandler)
      const conn = yield* Connection.make(server.url)
      const session = internals(conn).session
      const fiber = yield* Effect.forkChild(echo(conn, 1, 150))
      yield* Effect.sleep(Duration.millis(50))
      const exchange = session.current
      assert.isDefined(exchange)
      assert.isTrue(exchange!.flushed)
      // The race point: the reply's EOT has been decoded (the exchange is complete) and the session is about to
      // hand the reply to the waiting caller, who has not seen it yet. An interrupt requested there — by the caller
      // giving up, or directly — must send nothing.
      const handOver = exchange!.waiter!
      const raced = yield* Deferred.make<{ readonly complete: boolean; readonly requested: boolean }>()
      exchange!.waiter = () => {
        const complete = exchange!.complete
        fiber.interruptUnsafe()
        const requested = session.requestServerInterrupt(exchange!)
        handOver()
        Deferred.doneUnsafe(raced, Effect.succeed({ complete, requested }))
      }
      assert.deepStrictEqual(yield* Deferred.await(raced), { complete: true, requested: false })
      // The caller did give up at that point (it never took the reply).
      assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(fiber)))
      // A byte sent at the race point would be pending on the server when the next batch arrives.
      assert.strictEqual(yield* echo(conn, 2), 2)
      assert.strictEqual(server.ignoredUrgent(), 0)
      assert.strictEqual(server.urgentSeen(), 0)
      assert.strictEqual(session.interruptsSent, 0)
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live(
    "storm: 2,000 random interrupts racing completing statements never alter another statement",
    () =>
      Effect.gen(function*() {
        const server = yield* makeFakeServer(echoHandler)
        const conn = yield* Connection.make({ url: server.url, drainTimeout: "5 seconds" })
        let completed = 0
        let interrupted = 0
        for (let i = 0; i < 2000; i++) {
          const n = i + 10
          const delay = Math.random() < 0.5 ? 0 : Math.floor(Math.random() * 3)
          const fiber = yield* Effect.forkChild(echo(conn, n, delay))
          // Interrupt anywhere: before the write, in flight, at the moment the reply lands, or after completion.
          const wait = Math.random() * 3
          if (wait > 0.3) yield* Effect.sleep(Duration.millis(wait))
          const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
          if (Exit.isSuccess(exit)) {
            // A statement that completed must carry its own answer.
            assert.strictEqual(exit.value, n)
            completed++
          } else {
            assert.isTrue(Cause.hasInterruptsOnly(exit.cause), `statement ${n} failed: ${Cause.pretty(exit.cause)}`)
            interrupted++
          }
          if (i % 100 === 99) {
            // Periodically prove the session answers correctly right after the storm so far.
            assert.strictEqual(yield* echo(conn, -i), -i)
          }
        }
        assert.notStrictEqual(conn.state, "dead")
        assert.strictEqual(yield* echo(conn, 424242), 424242)
        // Both outcomes happened, and urgent bytes were really sent and honoured along the way (where this process
        // can send them; elsewhere every interrupted reply was drained and no byte went out).
        assert.isAbove(completed, 100)
        assert.isAbove(interrupted, 100)
        assert.strictEqual(internals(conn).interruptsSent > 0, urgentAvailable)
      }).pipe(Effect.scoped),
    120_000
  )

  it.live("an interrupted BEGIN WORK that still ran on the server is rolled back", () =>
    Effect.gen(function*() {
      // BEGIN is answered late (and not interruptible on this server); everything else at once.
      const server = yield* makeFakeServer((batch, session) => {
        if (batch[0]!._tag === "Begin") setTimeout(() => session.reply([EOT]), 200)
        else session.reply([EOT])
      })
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false })
      const fiber = yield* Effect.forkChild(conn.transaction(Effect.never))
      yield* Effect.sleep(Duration.millis(50))
      yield* Fiber.interrupt(fiber)
      const tags = server.batches.map((b) => b[0]!._tag)
      assert.deepStrictEqual(tags, ["Begin", "RollbackWork"])
      assert.isFalse(conn.inTransaction)
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))

  it.live("a PREPARE interrupted in flight: the statement it still allocated is released before the next batch", () =>
    Effect.gen(function*() {
      const server = yield* makeFakeServer((batch, session) => {
        const first = batch[0]!
        if (first._tag === "Prepare") {
          setTimeout(() => session.reply([describeNoColumns(6, 9), done(0), EOT]), 200)
        } else session.reply([describeNoColumns(14), done(0), EOT])
      })
      const conn = yield* Connection.make({ url: server.url, serverInterrupt: false })
      const fiber = yield* Effect.forkChild(conn.execute("INSERT INTO t VALUES (?)", [1]))
      yield* Effect.sleep(Duration.millis(50))
      yield* Fiber.interrupt(fiber)
      yield* conn.execute("CREATE TABLE x (a INTEGER)")
      const shapes = server.batches.map((b) =>
        b.map((m) => m._tag === "Id" ? `Id(${m.statementId})` : m._tag).join(" ")
      )
      assert.deepStrictEqual(shapes, [
        "Prepare NDescribe WantDone Eot",
        "Id(9) Release Eot",
        "Command NDescribe Execute Release Eot"
      ])
    }).pipe(Effect.scoped))
})
