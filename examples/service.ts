/**
 * A small Effect service on Informix: a `Customers` repository built from `SqlClient`, with
 *
 * - `SqlSchema` for typed single queries (request encoded, rows decoded),
 * - `SqlResolver` for batched lookups by id (concurrent `findById` calls become one `IN (...)` query),
 * - `Stream` over a server cursor for an export that never holds the whole table in memory,
 * - `InformixMigrator` creating the schema when the layer starts,
 *
 * all wired with layers against an embedded TestServer (swap `ServerLayer` for a real server's URL in production:
 * `InformixClient.layer({ url: "informix://user:pw@host:9088/db?server=ol_informix" })`).
 *
 * Run it: `npx node examples/service.ts`
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SqlClient from "effect/sql/SqlClient"
import * as SqlResolver from "effect/sql/SqlResolver"
import * as SqlSchema from "effect/sql/SqlSchema"
import * as Stream from "effect/Stream"
import * as InformixClient from "../src/InformixClient.ts"
import * as InformixMigrator from "../src/InformixMigrator.ts"
import * as TestServer from "../src/TestServer.ts"

export const Customer = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  email: Schema.String
})
export type Customer = typeof Customer.Type

export const NewCustomer = Schema.Struct({ name: Schema.String, email: Schema.String })
export type NewCustomer = typeof NewCustomer.Type

const migrations = InformixMigrator.fromRecord({
  "1_create_customer": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE customer (
      id SERIAL PRIMARY KEY,
      name VARCHAR(80) NOT NULL,
      email VARCHAR(120) NOT NULL UNIQUE
    )`
  })
})

const makeCustomers = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const insert = SqlSchema.void({
    Request: NewCustomer,
    execute: (customer) => sql`INSERT INTO customer ${sql.insert(customer)}`
  })

  const byEmail = SqlSchema.findOneOption({
    Request: Schema.String,
    Result: Customer,
    execute: (email) => sql`SELECT id, name, email FROM customer WHERE email = ${email}`
  })

  const byId = SqlResolver.findById({
    Id: Schema.Number,
    Result: Customer,
    ResultId: (customer) => customer.id,
    execute: (ids) => sql`SELECT id, name, email FROM customer WHERE ${sql.in("id", ids)}`
  })

  const decodeCustomer = Schema.decodeUnknownEffect(Customer)

  return {
    /** Inserts a customer and returns the SERIAL the server generated (no RETURNING in Informix). */
    create: (customer: NewCustomer) =>
      sql.withTransaction(Effect.gen(function*() {
        yield* insert(customer)
        const [row] = yield* sql<{ readonly id: number }>`SELECT DBINFO('sqlca.sqlerrd1') AS id
          FROM systables WHERE tabid = 1`
        return row!.id
      })),
    findByEmail: byEmail,
    findById: (id: number) => SqlResolver.request(id, byId),
    /** Every customer, read from a server cursor batch by batch. */
    exportAll: sql`SELECT id, name, email FROM customer ORDER BY id`.stream.pipe(
      Stream.mapEffect((row) => decodeCustomer(row))
    )
  } as const
})

/**
 * The repository service.
 */
export class Customers extends Context.Service<Customers, Effect.Success<typeof makeCustomers>>()(
  "examples/Customers"
) {
  static readonly layer = Layer.effect(Customers, makeCustomers).pipe(
    Layer.provide(InformixMigrator.layer({ loader: migrations }))
  )
}

/** An embedded server and a pooled client connected to it. */
export const ServerLayer = Layer.unwrap(
  Effect.gen(function*() {
    const server = yield* TestServer.TestServerService
    return InformixClient.layer({ url: server.url, maxConnections: 4 })
  })
).pipe(Layer.provide(TestServer.layer()))

export const MainLayer = Customers.layer.pipe(Layer.provideMerge(ServerLayer))

/** Creates a few customers, reads them back three ways, and reports what it saw. */
export const program = Effect.gen(function*() {
  const customers = yield* Customers
  const ids = yield* Effect.forEach(
    [
      { name: "Ada", email: "ada@example.com" },
      { name: "Grace", email: "grace@example.com" },
      { name: "Barbara", email: "barbara@example.com" }
    ],
    customers.create
  )
  // Three concurrent lookups, one query (SqlResolver batches them).
  const found = yield* Effect.forEach(ids, customers.findById, { concurrency: "unbounded" })
  const grace = yield* customers.findByEmail("grace@example.com")
  const exported = yield* Stream.runCollect(customers.exportAll)
  return {
    ids,
    found: found.map((customer) => customer.name),
    grace: Option.getOrUndefined(Option.map(grace, (customer) => customer.id)),
    exported: exported.map((customer) => customer.email)
  }
})

// NodeRuntime.runMain: Ctrl+C interrupts the program (layers torn down: pool and server closed), a failure is logged
// and sets the exit code.
if (import.meta.main) {
  NodeRuntime.runMain(
    program.pipe(
      Effect.flatMap((summary) => Console.log(JSON.stringify(summary, null, 2))),
      Effect.provide(MainLayer)
    )
  )
}
