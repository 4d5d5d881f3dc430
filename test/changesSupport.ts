/**
 * Shared by the change-stream tests (CDC and smart triggers): a server with a logged `shop` database and an unlogged
 * `scratch` one, its `orders` table, and one workload of every kind of change with rolled-back and failed work mixed
 * in.
 */
import * as Effect from "effect/Effect"
import * as Connection from "../src/Connection.ts"
import * as TestServer from "../src/TestServer.ts"

export const shopServer = (events?: Array<TestServer.ProtocolTraceEvent>) =>
  TestServer.make({
    databases: [{ name: "shop", logged: true }, { name: "scratch", logged: false }],
    ...(events === undefined ? {} : { protocolTrace: (event) => events.push(event) })
  })

/** A session on `shop` with the empty `orders` table. */
export const setup = (url: string) =>
  Effect.gen(function*() {
    const conn = yield* Connection.make({ url, database: "shop" })
    yield* conn.execute("CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, item VARCHAR(20), qty SMALLINT)")
    return conn
  })

/**
 * Commits: insert 1; insert 2 + update 1 (qty 3 → 5) in one transaction with a rolled-back savepoint inside; delete
 * 2. Never committed: a rolled-back transaction (insert 3), a failed statement (duplicate key 1).
 */
export const mixedChanges = (conn: Connection.Connection) =>
  Effect.gen(function*() {
    yield* conn.execute("INSERT INTO orders VALUES (1, 'apple', 3)")
    yield* conn.transaction(Effect.gen(function*() {
      yield* conn.execute("INSERT INTO orders VALUES (2, 'pear', 1)")
      yield* conn.execute("UPDATE orders SET qty = 5 WHERE id = 1")
      // A savepoint rolled back inside a committed transaction: its insert is not a change.
      yield* Effect.exit(conn.transaction(Effect.andThen(
        conn.execute("INSERT INTO orders VALUES (9, 'nested', 9)"),
        Effect.fail("undo nested")
      )))
    }))
    // A rolled-back transaction: never seen.
    yield* Effect.exit(conn.transaction(Effect.andThen(
      conn.execute("INSERT INTO orders VALUES (3, 'plum', 9)"),
      Effect.fail("undo")
    )))
    // A failed autocommit statement (duplicate key): nothing.
    yield* Effect.exit(conn.execute("INSERT INTO orders VALUES (1, 'again', 1)"))
    yield* conn.execute("DELETE FROM orders WHERE id = 2")
  })
