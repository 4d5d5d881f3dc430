/**
 * Transactions and the fibers around them, against the TestServer: nested `transaction()` calls of sibling fibers
 * (own savepoint names, one after another), and fibers forked inside a transaction that outlive it (they lose the
 * transaction's ownership of the session, and their own `transaction()` opens a transaction, not a savepoint).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Connection from "../src/Connection.ts"
import * as TestServer from "../src/TestServer.ts"

/** A TestServer whose batches are recorded as "Tag Tag …", savepoint messages with their name. */
const tracedServer = Effect.gen(function*() {
  const batches: Array<string> = []
  const server = yield* TestServer.make({
    protocolTrace: (event) => {
      if (event._tag !== "Batch") return
      batches.push(
        event.messages.map((m) =>
          m._tag === "SetSavepoint" || m._tag === "ReleaseSavepoint" || m._tag === "RollbackSavepoint"
            ? `${m._tag}(${m.name})`
            : m._tag
        ).join(" ")
      )
    }
  })
  return { server, batches }
})

const numbers = (conn: Connection.Connection) =>
  Effect.map(conn.values("SELECT n FROM t ORDER BY n"), (rows) => rows.map((row) => row[0]))

describe("Connection.transaction and fibers", () => {
  it.live("nested calls of sibling fibers get savepoints of their own and run one after another", () =>
    Effect.gen(function*() {
      const { server, batches } = yield* tracedServer
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE t (n INTEGER)")
      // Two siblings at the same level: one fails after a pause, the other succeeds meanwhile. Interleaved, the
      // first one's ROLLBACK TO SAVEPOINT would also undo the second one's row.
      const failing = conn.transaction(
        conn.execute("INSERT INTO t VALUES (1)").pipe(
          Effect.andThen(Effect.sleep("50 millis")),
          Effect.andThen(Effect.fail("boom" as const))
        )
      )
      const succeeding = conn.transaction(
        Effect.andThen(Effect.sleep("10 millis"), conn.execute("INSERT INTO t VALUES (2)"))
      )
      yield* conn.transaction(
        Effect.all([Effect.exit(failing), succeeding], { concurrency: 2 })
      )
      assert.deepStrictEqual(yield* numbers(conn), [2])
      const savepoints = batches.filter((b) => b.includes("Savepoint"))
      const names = new Set(savepoints.map((b) => /\((\w+)\)/.exec(b)![1]))
      assert.strictEqual(names.size, 2, `two distinct savepoint names: ${savepoints.join(" | ")}`)
      // Each savepoint is set, then ended, before the other one is set.
      let depth = 0
      for (const b of savepoints) {
        if (b.startsWith("SetSavepoint")) depth++
        else if (b.startsWith("ReleaseSavepoint")) depth--
        assert.isAtMost(depth, 1, `savepoints never overlap: ${savepoints.join(" | ")}`)
      }
    }).pipe(Effect.scoped))

  it.live("a fiber forked in a transaction that outlives it waits for the session like any other fiber", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE t (n INTEGER)")
      const go = yield* Deferred.make<void>()
      // Forked inside the first transaction, runs its statement only after that transaction ended.
      const stray = yield* conn.transaction(
        Effect.forkDetach(Effect.andThen(Deferred.await(go), conn.execute("INSERT INTO t VALUES (99)")))
      )
      // A second transaction lets the stray fiber go, then rolls back. Had the stray fiber kept the first
      // transaction's ownership, its INSERT would run inside this transaction and be rolled back with it.
      const second = yield* Effect.exit(conn.transaction(
        conn.execute("INSERT INTO t VALUES (1)").pipe(
          Effect.andThen(Deferred.succeed(go, undefined)),
          Effect.andThen(Effect.sleep("50 millis")),
          Effect.andThen(Effect.fail("roll back" as const))
        )
      ))
      assert.isTrue(Exit.isFailure(second))
      yield* Fiber.join(stray)
      assert.deepStrictEqual(yield* numbers(conn), [99])
    }).pipe(Effect.scoped))

  it.live("a fiber forked in a transaction that outlives it opens a transaction of its own, not a savepoint", () =>
    Effect.gen(function*() {
      const { server, batches } = yield* tracedServer
      const conn = yield* Connection.make(server.url)
      yield* conn.execute("CREATE TABLE t (n INTEGER)")
      const go = yield* Deferred.make<void>()
      const stray = yield* conn.transaction(
        Effect.forkDetach(
          Effect.andThen(Deferred.await(go), conn.transaction(conn.execute("INSERT INTO t VALUES (7)")))
        )
      )
      const mark = batches.length
      yield* Deferred.succeed(go, undefined)
      yield* Fiber.join(stray)
      assert.deepStrictEqual(yield* numbers(conn), [7])
      const tags = batches.slice(mark).map((b) => b.split(" ")[0])
      assert.include(tags, "Begin")
      assert.notInclude(tags.join(" "), "SetSavepoint")
      assert.isFalse(conn.inTransaction)
    }).pipe(Effect.scoped))
})
