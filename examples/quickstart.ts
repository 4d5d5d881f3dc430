/**
 * effect-informix quickstart (`npm start`).
 *
 * Starts the embedded Informix test server, connects to it over SQLI, creates a table, inserts rows with bound
 * parameters, queries them back, streams them through a server cursor, runs a transaction, and shows what a typed
 * error looks like. Point `Connection.make` at a real server (e.g. `informix://informix:in4mix@localhost:9088/
 * stores?server=informix`) and the same code runs unchanged.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as BigDecimal from "effect/BigDecimal"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Connection from "../src/Connection.ts"
import * as Informix from "../src/InformixValue.ts"
import * as TestServer from "../src/TestServer.ts"

/** An exact DECIMAL(…,2) as text with two decimals (BigDecimal.format drops trailing zeros). */
const money = (value: BigDecimal.BigDecimal): string => {
  const cents = BigDecimal.scale(value, 2).value
  const sign = cents < 0n ? "-" : ""
  const digits = (cents < 0n ? -cents : cents).toString().padStart(3, "0")
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

const program = Effect.gen(function*() {
  // 1. An embedded SQLI server (node:sqlite underneath) on a free port.
  const server = yield* TestServer.make()
  yield* Console.log(`TestServer listening at ${server.host}:${server.port} (INFORMIXSERVER=${server.serverName})`)

  // 2. One session: TCP, login, capability exchange, DATABASE — closed (SQ_EXIT) when the scope ends.
  const conn = yield* Connection.make(server.url)
  yield* Console.log(
    `Connected to database "${conn.database}" (server version ${conn.serverVersion}); ` +
      `server-side interrupt ${conn.serverInterruptSupported ? "available" : "not available"}`
  )

  // 3. DDL without parameters: one round trip.
  yield* conn.execute(`
    CREATE TABLE orders (
      id       SERIAL PRIMARY KEY,
      customer VARCHAR(40) NOT NULL,
      amount   DECIMAL(10,2),
      placed   DATE
    )`)

  // 4. Inserts with bound parameters (types inferred from the JS values, or explicit).
  const orders: ReadonlyArray<readonly [string, string, Informix.LocalDate]> = [
    ["Ada", "19.99", new Informix.LocalDate(2026, 11, 1)],
    ["Grace", "250.00", new Informix.LocalDate(2026, 11, 12)],
    ["Linus", "7.50", new Informix.LocalDate(2026, 11, 24)]
  ]
  for (const [customer, amount, placed] of orders) {
    const result = yield* conn.execute(
      "INSERT INTO orders (customer, amount, placed) VALUES (?, ?, ?)",
      [customer, Informix.decimal(amount), placed]
    )
    yield* Console.log(`Inserted order #${result.serial} for ${customer}`)
  }

  // 5. A query: rows keyed by column name; DECIMAL arrives as an exact BigDecimal.
  const big = yield* conn.query("SELECT id, customer, amount FROM orders WHERE amount > ? ORDER BY id", [
    Informix.decimal("10")
  ])
  yield* Console.log("\nOrders over 10.00:")
  for (const row of big) {
    yield* Console.log(
      `  #${row.id}  ${String(row.customer).padEnd(6)}  ${money(row.amount as BigDecimal.BigDecimal)}`
    )
  }

  // 6. A stream over a server cursor: rows are fetched batch by batch as the consumer pulls.
  yield* Console.log("\nStreaming every order:")
  yield* conn.stream("SELECT id, customer, placed FROM orders ORDER BY placed").pipe(
    Stream.runForEach((row) => Console.log(`  #${row.id}  ${row.customer}  placed ${String(row.placed)}`))
  )

  // 7. A transaction: rolled back because the effect fails.
  const attempt = yield* Effect.exit(conn.transaction(Effect.gen(function*() {
    yield* conn.execute("DELETE FROM orders")
    return yield* Effect.fail("changed my mind")
  })))
  const [[count]] = yield* conn.values("SELECT COUNT(*) FROM orders")
  yield* Console.log(
    `\nTransaction ${Exit.isFailure(attempt) ? "rolled back" : "committed"}; ${count} orders remain`
  )

  // 8. Typed errors: each carries the Informix sqlcode, ISAM code and the statement text (never parameter values).
  yield* conn.execute("INSERT INTO orders (id, customer) VALUES (?, ?)", [1, "Duplicate"]).pipe(
    Effect.catchTag("SqlError", (error) =>
      Console.log(
        `\nTyped error: SqlError ${error.sqlcode} (unique violation: ${error.isUniqueViolation})\n  ${error.message}`
      ))
  )
  yield* conn.query("SELECT nosuchcolumn FROM orders").pipe(
    Effect.catchTag("SqlError", (error) => Console.log(`Typed error: SqlError ${error.sqlcode}: ${error.message}`))
  )
  yield* Console.log("\nDone.")
})

// NodeRuntime.runMain: Ctrl+C interrupts the program (scope closed: connection and server shut down), a failure is
// logged and sets the exit code.
NodeRuntime.runMain(Effect.scoped(program))
