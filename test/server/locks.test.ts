/**
 * Lock behaviour between sessions through the wire: an open transaction's uncommitted DDL makes other sessions wait
 * for it (and fail with an Informix lock error after their lock wait) — never −999 "database schema is locked".
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Connection from "../../src/Connection.ts"
import type { InformixError } from "../../src/InformixError.ts"
import * as TestServer from "../../src/TestServer.ts"
import { measure } from "../testClockSteps.ts"

const codes = (error: InformixError) =>
  error._tag === "SqlError" ? [error.sqlcode, error.isamCode] : [error._tag, error.message]

describe("TestServer locks between sessions", () => {
  it.effect(
    "an uncommitted CREATE TABLE: other tables stay usable; the new one is locked, after the lock wait",
    () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make()
        const a = yield* Connection.make({ url: server.url })
        const b = yield* Connection.make({ url: server.url })
        yield* a.execute("CREATE TABLE old_t (k INTEGER)")
        yield* a.execute("INSERT INTO old_t VALUES (1)")
        yield* a.execute("BEGIN WORK")
        yield* a.execute("CREATE TABLE new_t (k INTEGER)")
        yield* a.execute("INSERT INTO new_t VALUES (1)")
        yield* b.execute("SET LOCK MODE TO WAIT 1")
        // Another table: prepared and read without waiting.
        assert.deepStrictEqual(yield* b.values("SELECT k FROM old_t"), [[1]])
        // The new table: an Informix lock error after the one second of WAIT 1 (ISAM -154 under WAIT n), not -206 or
        // -999. The test clock measures the wait.
        const read = yield* measure(Effect.flip(b.values("SELECT k FROM new_t")))
        assert.deepStrictEqual(codes(read.value), [-244, -154])
        assert.isAtLeast(read.millis, 1000)
        const insert = yield* measure(Effect.flip(b.execute("INSERT INTO new_t VALUES (2)")))
        assert.deepStrictEqual(codes(insert.value), [-271, -154])
        assert.isAtLeast(insert.millis, 1000)
        // A writer of any table waits for the open transaction's write lock.
        const write = yield* measure(Effect.flip(b.execute("INSERT INTO old_t VALUES (2)")))
        assert.deepStrictEqual(codes(write.value), [-271, -154])
        assert.isAtLeast(write.millis, 1000)
        yield* a.execute("COMMIT WORK")
        assert.deepStrictEqual(yield* b.values("SELECT k FROM new_t"), [[1]])
        yield* b.execute("INSERT INTO old_t VALUES (2)")
      }).pipe(Effect.scoped),
    { timeout: 20_000 }
  )

  it.live("a waiting reader proceeds as soon as the writer commits", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const a = yield* Connection.make({ url: server.url })
      const b = yield* Connection.make({ url: server.url })
      yield* a.execute("CREATE TABLE w (k INTEGER)")
      yield* a.execute("BEGIN WORK")
      yield* a.execute("INSERT INTO w VALUES (1)")
      yield* b.execute("SET LOCK MODE TO WAIT 10")
      const reader = yield* Effect.forkChild(b.values("SELECT COUNT(*) FROM w"))
      yield* Effect.sleep("300 millis")
      yield* a.execute("COMMIT WORK")
      assert.deepStrictEqual(yield* Fiber.join(reader), [[1]])
    }).pipe(Effect.scoped), { timeout: 20_000 })
})
