/**
 * The README's first program: a Layer, a query decoded with Schema, a Stream over a server cursor, and a typed error.
 *
 * Run it: `npx node examples/first-program.ts`
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as SqlClient from "effect/sql/SqlClient"
import * as Stream from "effect/Stream"
import { InformixClient } from "../src/index.ts"
import * as TestServer from "../src/TestServer.ts"

const Order = Schema.Struct({ id: Schema.Number, customer: Schema.String })

export const program = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE orders (id SERIAL PRIMARY KEY, customer VARCHAR(40) NOT NULL UNIQUE)`
  yield* sql`INSERT INTO orders (customer) VALUES (${"Ada"})`

  // Rows decoded with Schema
  const rows = yield* sql`SELECT id, customer FROM orders`.pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(Schema.Array(Order)))
  )

  // A Stream over a server cursor (fetched batch by batch, cursor closed when the stream ends or is interrupted)
  const streamed = yield* sql`SELECT id, customer FROM orders ORDER BY id`.stream.pipe(Stream.runCollect)

  // Typed errors: a duplicate key is an effect/sql SqlError with reason UniqueViolation; the Informix error
  // (sqlcode -268, ISAM -100) is its cause
  const rejected = yield* sql`INSERT INTO orders (customer) VALUES (${"Ada"})`.pipe(
    Effect.as("inserted"),
    Effect.catchTag("SqlError", (error) => Effect.succeed(`rejected: ${error.reason._tag}`))
  )
  return { rows, streamed: streamed.length, rejected }
})

// An embedded server for this example; in production use InformixClient.layer({ url: "informix://..." })
export const ClientLive = Layer.unwrap(Effect.gen(function*() {
  const server = yield* TestServer.TestServerService
  return InformixClient.layer({ url: server.url })
})).pipe(Layer.provide(TestServer.layer()))

// NodeRuntime.runMain: Ctrl+C interrupts the program (the server and the pool close), a failure is logged and sets
// the exit code.
if (import.meta.main) {
  NodeRuntime.runMain(program.pipe(Effect.tap(Console.log), Effect.provide(ClientLive)))
}
