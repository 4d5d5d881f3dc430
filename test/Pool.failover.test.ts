/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged error unions */
/**
 * Failover through the pool (issue #20), against scripted servers: when a server dies, its sessions fail typed and
 * the pool drops them at once, opens new ones through the server group, and never retries a statement by itself;
 * `InformixClient.retryReads` retries (opt-in) on a connection loss.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as SqlErrors from "effect/sql/SqlError"
import type * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import * as InformixError from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import { acceptCommands, type FakeServer, makeFakeServer } from "./connection/fakeServer.ts"
import { eventually } from "./eventually.ts"

const member = (server: FakeServer) => ({ host: "127.0.0.1", port: server.port, server: "ol_fake" })

const config = (servers: ReadonlyArray<FakeServer>) => ({
  user: "tester",
  password: Redacted.make("secret"),
  database: "fakedb",
  servers: servers.map(member)
})

/** A server whose first statement kills it: the session's socket and the listener go away mid-request. */
const dying = Effect.gen(function*() {
  let self: FakeServer | undefined
  self = yield* makeFakeServer(() => Effect.runFork(self!.stop))
  return self
})

describe("pool failover", () => {
  it.live("a dead server's idle sessions are dropped and new ones open on the next member of the group", () =>
    Effect.gen(function*() {
      const [a, b] = [yield* makeFakeServer(acceptCommands), yield* makeFakeServer(acceptCommands)]
      const pool = yield* Pool.make({ ...config([a, b]), maxConnections: 3 })
      const ports = yield* Effect.scoped(
        Effect.forEach([1, 2, 3], () => Effect.map(pool.get, (c) => c.port), { concurrency: 3 })
      )
      assert.deepStrictEqual(ports, [a.port, a.port, a.port])
      yield* a.stop
      const stats = yield* eventually(pool.stats, (s) => s.retired === 3)
      assert.deepStrictEqual([stats.retired, stats.open], [3, 0])
      // Every later lease is a live session on b: nothing dead is handed out.
      for (let i = 0; i < 6; i++) {
        const result = yield* pool.use((c) =>
          Effect.map(c.execute("UPDATE t SET x = 1"), (r) => [c.port, r.rowsAffected])
        )
        assert.deepStrictEqual(result, [b.port, 1])
      }
    }).pipe(Effect.scoped))

  it.live("a statement on a session whose server dies fails typed and is not retried anywhere", () =>
    Effect.gen(function*() {
      const a = yield* dying
      const b = yield* makeFakeServer(acceptCommands)
      const pool = yield* Pool.make(config([a, b]))
      const error = yield* Effect.flip(pool.use((c) => c.execute("UPDATE t SET x = 1")))
      assert.instanceOf(error, InformixError.ConnectionError)
      assert.isTrue(InformixClient.isConnectionLoss(error))
      assert.strictEqual(b.batches.length, 0, "the write was not run again on b")
      assert.strictEqual(yield* pool.use((c) => Effect.succeed(c.port)), b.port)
    }).pipe(Effect.scoped))

  it.live("retryReads retries a connection loss on a new session, through the group", () =>
    Effect.gen(function*() {
      const a = yield* dying
      const b = yield* makeFakeServer(acceptCommands)
      const pool = yield* Pool.make(config([a, b]))
      const read = pool.use((c: Connection.Connection) => Effect.map(c.execute("SELECT 1 FROM t"), () => c.port))
      const port = yield* read.pipe(InformixClient.retryReads(Schedule.recurs(3)))
      assert.strictEqual(port, b.port)
      assert.strictEqual(a.batches.length, 1)
      assert.strictEqual(b.batches.length, 1)
    }).pipe(Effect.scoped))

  it.live("retryReads leaves other failures alone; isConnectionLoss reads effect/sql errors too", () =>
    Effect.gen(function*() {
      let runs = 0
      const failing = Effect.suspend(() => {
        runs++
        return Effect.fail(new InformixError.UsageError({ message: "no", sql: "SELECT 1" }))
      })
      yield* Effect.flip(failing.pipe(InformixClient.retryReads(Schedule.recurs(3))))
      assert.strictEqual(runs, 1)
      const lost = new InformixError.ConnectionError({ reason: "Closed", host: "h", port: 1, message: "gone" })
      const wrapped = new SqlErrors.SqlError({
        reason: new SqlErrors.ConnectionError({ cause: lost, message: "gone" })
      })
      assert.isTrue(InformixClient.isConnectionLoss(wrapped))
      const tls = new InformixError.ConnectionError({ reason: "Tls", host: "h", port: 1, message: "cert" })
      assert.isFalse(InformixClient.isConnectionLoss(tls))
      assert.isFalse(InformixClient.isConnectionLoss(new Error("x")))
    }))
})
