/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the trace events and messages */
/**
 * Session state never reaches the next borrower: for each thing a borrower can change on its session (SET
 * ISOLATION, SET LOCK MODE, SET EXPLAIN, SET ROLE, SET ENVIRONMENT, other SETs, DATABASE switches, temp tables, a
 * transaction's isolation), two borrowers in turn on a pool of one session against the TestServer. The second gets
 * either the same session reset to the configured defaults (the reset statements are seen on the server) or a new
 * session (the first one retired). Where the TestServer makes the setting observable (isolation and lock mode by
 * how a read of a locked table behaves, temp tables by their name being free again) the second borrower checks it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Connection from "../src/Connection.ts"
import { type InformixError, SqlError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"
import * as TestServer from "../src/TestServer.ts"

const latin1 = new TextDecoder("latin1")

/** A TestServer that records the SQL text of every SQ_COMMAND / SQ_PREPARE it receives. */
const tracedServer = Effect.gen(function*() {
  const statements: Array<string> = []
  const server = yield* TestServer.make({
    protocolTrace: (event) => {
      if (event._tag !== "Batch") return
      for (const message of event.messages) {
        if ((message._tag === "Command" || message._tag === "Prepare") && "sql" in message) {
          statements.push(latin1.decode(message.sql as Uint8Array))
        }
      }
    }
  })
  return { server, statements }
})

/** Borrower 1 runs `change`; borrower 2 takes the (only) session. */
const twoBorrowers = (
  pool: Pool.Pool,
  change: (conn: Connection.Connection) => Effect.Effect<unknown, InformixError>
) =>
  Effect.gen(function*() {
    const first = yield* pool.use((conn) => Effect.as(change(conn), conn))
    const second = yield* pool.use((conn) => Effect.succeed(conn))
    return { first, second, sameSession: first === second, retired: (yield* pool.stats).retired }
  })

interface Leak {
  readonly name: string
  readonly change: (conn: Connection.Connection) => Effect.Effect<unknown, InformixError>
  /** The statements a reset sends, or "retire". */
  readonly expect: ReadonlyArray<string> | "retire"
}

const execute = (sql: string) => (conn: Connection.Connection) => conn.execute(sql)

// The pool is configured with isolation committedRead, so an isolation change can be reset; lockWait is not, so
// SET LOCK MODE is reset to Informix's default NOT WAIT.
const leaks: ReadonlyArray<Leak> = [
  {
    name: "SET ISOLATION",
    change: execute("SET ISOLATION TO DIRTY READ"),
    expect: ["SET ISOLATION TO COMMITTED READ"]
  },
  {
    name: "SET ISOLATION inside a transaction",
    change: (conn) => conn.transaction(conn.execute("SET ISOLATION TO REPEATABLE READ")),
    expect: ["SET ISOLATION TO COMMITTED READ"]
  },
  { name: "SET LOCK MODE", change: execute("SET LOCK MODE TO WAIT 3"), expect: ["SET LOCK MODE TO NOT WAIT"] },
  { name: "SET EXPLAIN", change: execute("SET EXPLAIN ON"), expect: ["SET EXPLAIN OFF"] },
  {
    name: "several settings at once",
    change: (conn) => Effect.andThen(conn.execute("SET EXPLAIN ON"), conn.execute("SET LOCK MODE TO WAIT")),
    expect: ["SET EXPLAIN OFF", "SET LOCK MODE TO NOT WAIT"]
  },
  {
    name: "SET EXPLAIN through a prepared statement",
    change: (conn) => Effect.scoped(Effect.flatMap(conn.prepare("SET EXPLAIN ON"), (statement) => statement.execute())),
    expect: ["SET EXPLAIN OFF"]
  },
  {
    name: "SET ROLE",
    change: (conn) =>
      conn.execute("CREATE ROLE auditor").pipe(
        Effect.andThen(conn.execute("GRANT auditor TO informix")),
        Effect.andThen(conn.execute("SET ROLE auditor"))
      ),
    expect: "retire"
  },
  { name: "SET ENVIRONMENT", change: execute("SET ENVIRONMENT OPTCOMPIND '0'"), expect: "retire" },
  { name: "another session-wide SET", change: execute("SET PDQPRIORITY 50"), expect: "retire" },
  { name: "CREATE TEMP TABLE", change: execute("CREATE TEMP TABLE scratch (n INTEGER)"), expect: "retire" },
  {
    name: "SELECT … INTO TEMP",
    change: execute("SELECT tabid FROM systables WHERE tabid = 1 INTO TEMP picked"),
    expect: "retire"
  },
  {
    name: "a reset that fails (SET ISOLATION plus a temp table)",
    change: (conn) =>
      Effect.andThen(conn.execute("SET ISOLATION TO DIRTY READ"), conn.execute("CREATE TEMP TABLE t2 (n INTEGER)")),
    expect: "retire"
  }
]

describe("Pool: nothing a borrower changed on its session reaches the next borrower", () => {
  for (const leak of leaks) {
    it.live(`${leak.name}: ${leak.expect === "retire" ? "the session is retired" : "the session is reset"}`, () =>
      Effect.gen(function*() {
        const { server, statements } = yield* tracedServer
        const pool = yield* Pool.make({ url: server.url, maxConnections: 1, isolation: "committedRead" })
        yield* pool.use(execute("CREATE TABLE t (n INTEGER)"))
        const result = yield* twoBorrowers(
          pool,
          (conn) =>
            Effect.tap(
              leak.change(conn),
              () => Effect.sync(() => assert.isAbove(conn.changedSettings.size, 0, "the change was noted"))
            )
        )
        assert.strictEqual(result.second.changedSettings.size, 0)
        if (leak.expect === "retire") {
          assert.isFalse(result.sameSession, "the second borrower got a new session")
          assert.strictEqual(result.first.state, "dead")
          assert.strictEqual(result.retired, 1)
        } else {
          assert.isTrue(result.sameSession, "the session was kept")
          assert.strictEqual(result.retired, 0)
          for (const sql of leak.expect) assert.include(statements, sql, `the reset sent ${sql}`)
        }
      }))
  }

  it.live("the second borrower does not read with the first one's DIRTY READ, nor wait with its lock mode", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1, isolation: "committedRead" })
      yield* pool.use(execute("CREATE TABLE t (n INTEGER)"))
      // Another session holds a write lock on t.
      const locker = yield* Pool.make({ url: server.url, maxConnections: 1 })
      const locked = yield* Deferred.make<void>()
      const holder = yield* Effect.forkChild(locker.use((conn) =>
        conn.transaction(
          conn.execute("INSERT INTO t VALUES (1)").pipe(
            Effect.andThen(Deferred.succeed(locked, undefined)),
            Effect.andThen(Effect.never)
          )
        )
      ))
      yield* Effect.gen(function*() {
        yield* Deferred.await(locked)
        // Borrower 1 reads through the lock with DIRTY READ.
        const dirty = yield* pool.use((conn) =>
          Effect.andThen(conn.execute("SET ISOLATION TO DIRTY READ"), conn.query("SELECT n FROM t"))
        )
        assert.deepStrictEqual(dirty, [])
        // Borrower 2 reads with COMMITTED READ again: the lock stops it at once (NOT WAIT).
        const error = yield* pool.use((conn) => Effect.flip(conn.query("SELECT n FROM t")))
        assert.instanceOf(error, SqlError)
        assert.strictEqual((error as SqlError).isamCode, -107, "a lock conflict under NOT WAIT")
        // Borrower 3 after a SET LOCK MODE TO WAIT 1: borrower 4 still does not wait (ISAM -107, not -154).
        yield* pool.use((conn) => conn.execute("SET LOCK MODE TO WAIT 1"))
        const again = yield* pool.use((conn) => Effect.flip(conn.query("SELECT n FROM t")))
        assert.strictEqual((again as SqlError).isamCode, -107)
        assert.strictEqual((yield* pool.stats).retired, 0)
      }).pipe(Effect.ensuring(Fiber.interrupt(holder)))
    }))

  it.live("DATABASE switches: the second borrower is back in the configured database (on a new session)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: ["testdb", "otherdb"] })
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1 })
      yield* pool.use(execute("CREATE TABLE only_in_testdb (n INTEGER)"))
      for (const sql of ["DATABASE otherdb", "CLOSE DATABASE", "CREATE DATABASE newdb WITH LOG"]) {
        const result = yield* twoBorrowers(pool, execute(sql))
        assert.isFalse(result.sameSession, `${sql}: the second borrower got a new session`)
        // The table of the configured database is visible again.
        yield* pool.use((conn) => conn.values("SELECT COUNT(*) FROM only_in_testdb"))
      }
      assert.strictEqual((yield* pool.stats).retired, 3)
    }))

  it.live("a temp table of the first borrower is gone for the second (its name is free)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1 })
      yield* pool.use(execute("CREATE TEMP TABLE scratch (n INTEGER)"))
      // On the same session this would fail with -310 (table exists).
      yield* pool.use(execute("CREATE TEMP TABLE scratch (n INTEGER)"))
      assert.strictEqual((yield* pool.stats).retired, 2, "each borrower's session was retired")
    }))

  it.live("a transaction's isolation ends with it: cursor stability is restored to the configured level", () =>
    Effect.gen(function*() {
      const { server, statements } = yield* tracedServer
      const pool = yield* Pool.make({ url: server.url, maxConnections: 1, isolation: "committedRead" })
      const result = yield* twoBorrowers(
        pool,
        (conn) => conn.transaction(Effect.void, { isolation: "cursorStability" })
      )
      assert.isTrue(result.sameSession)
      assert.deepStrictEqual(statements.slice(-2), [
        "SET ISOLATION TO CURSOR STABILITY",
        "SET ISOLATION TO COMMITTED READ"
      ])
      // Without a configured level it cannot be restored: the session is retired.
      const unconfigured = yield* Pool.make({ url: server.url, maxConnections: 1 })
      const next = yield* twoBorrowers(
        unconfigured,
        (conn) => conn.transaction(Effect.void, { isolation: "lastCommitted" })
      )
      assert.isFalse(next.sameSession)
      assert.strictEqual(next.retired, 1)
      // SET TRANSACTION levels end with the transaction on the server: nothing to reset.
      const scoped = yield* twoBorrowers(
        unconfigured,
        (conn) => conn.transaction(Effect.void, { isolation: "dirtyRead" })
      )
      assert.isTrue(scoped.sameSession)
    }))
})
