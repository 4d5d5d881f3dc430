import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Reactivity from "effect/reactivity/Reactivity"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as SqlClient from "effect/sql/SqlClient"
import type * as SqlConnection from "effect/sql/SqlConnection"
import type { SqlError } from "effect/sql/SqlError"
import * as SqlSchema from "effect/sql/SqlSchema"
import type * as Statement from "effect/sql/Statement"
import type * as Stream from "effect/Stream"
import { describe, expect, it } from "tstyche"
import * as InformixClient from "../src/InformixClient.ts"
import type * as Pool from "../src/Pool.ts"

declare const sql: InformixClient.InformixClient

describe("InformixClient layers", () => {
  it("layer provides both services and fails only with SqlError", () => {
    expect(InformixClient.layer({ url: "informix://u:p@h:9088/db?server=s" })).type.toBe<
      Layer.Layer<InformixClient.InformixClient | SqlClient.SqlClient, SqlError>
    >()
  })

  it("layerConfig adds Config.ConfigError", () => {
    expect(InformixClient.layerConfig({} as Config.Wrap<InformixClient.InformixPoolConfig>)).type.toBe<
      Layer.Layer<InformixClient.InformixClient | SqlClient.SqlClient, Config.ConfigError | SqlError>
    >()
  })

  it("layerFrom removes Scope and Reactivity from the requirements", () => {
    expect(InformixClient.layerFrom(InformixClient.make({ user: "u" }))).type.toBe<
      Layer.Layer<InformixClient.InformixClient | SqlClient.SqlClient, SqlError>
    >()
    const withService = null as unknown as Effect.Effect<InformixClient.InformixClient, "E", "Svc" | Scope.Scope>
    expect(InformixClient.layerFrom(withService)).type.toBe<
      Layer.Layer<InformixClient.InformixClient | SqlClient.SqlClient, "E", "Svc">
    >()
  })

  it("make and makeClient need Scope and Reactivity", () => {
    expect(InformixClient.make({ user: "u", maxConnections: 5 })).type.toBe<
      Effect.Effect<InformixClient.InformixClient, SqlError, Scope.Scope | Reactivity.Reactivity>
    >()
    expect(InformixClient.makeClient({ user: "u" })).type.toBe<
      Effect.Effect<InformixClient.InformixClient, SqlError, Scope.Scope | Reactivity.Reactivity>
    >()
  })

  it("fromPool builds a client over an existing pool", () => {
    expect(InformixClient.fromPool(null as unknown as Pool.Pool, { user: "u" })).type.toBe<
      Effect.Effect<InformixClient.InformixClient, SqlError, Reactivity.Reactivity>
    >()
  })

  it("layerReadOnly provides ReadOnly only, never SqlClient", () => {
    expect(InformixClient.layerReadOnly({ url: "informix://u@cm1:9000,cm2:9000/db?server=report" })).type.toBe<
      Layer.Layer<InformixClient.ReadOnly, SqlError>
    >()
    expect(Effect.gen(function*() {
      return yield* InformixClient.ReadOnly
    })).type.toBe<Effect.Effect<InformixClient.InformixClient, never, InformixClient.ReadOnly>>()
  })

  it("retryReads keeps the effect's types and adds the schedule's", () => {
    const read = null as unknown as Effect.Effect<number, SqlError, "Svc">
    expect(read.pipe(InformixClient.retryReads(Schedule.recurs(3)))).type.toBe<Effect.Effect<number, SqlError, "Svc">>()
    // The README's form: backoff for at most 5 retries.
    const backoff = Schedule.max([Schedule.exponential("100 millis"), Schedule.recurs(5)])
    expect(read.pipe(InformixClient.retryReads(backoff))).type.toBe<Effect.Effect<number, SqlError, "Svc">>()
    expect(InformixClient.isConnectionLoss).type.toBe<(error: unknown) => boolean>()
  })

  it("server group options", () => {
    expect(InformixClient.layer).type.toBeCallableWith({
      user: "u",
      servers: [{ host: "db1", port: 9088, server: "ol_a" }, { host: "db2" }],
      randomStart: true,
      maxRedirects: 3,
      targetServerType: "primary"
    })
    expect(InformixClient.layer).type.toBeCallableWith({ user: "u", sqlhosts: "g group - -", server: "g" })
    expect(InformixClient.layer).type.not.toBeCallableWith({ user: "u", targetServerType: "master" })
  })

  it("pool options are only accepted where there is a pool", () => {
    // @ts-expect-error Object literal may only specify known properties
    InformixClient.makeClient({ user: "u", maxConnections: 5 })
  })
})

describe("InformixClient statements", () => {
  it("is a SqlClient", () => {
    expect(sql).type.toBeAssignableTo<SqlClient.SqlClient>()
  })

  it("types rows from the type argument", () => {
    expect(sql<{ readonly id: number }>`SELECT id FROM t`).type.toBe<Statement.Statement<{ readonly id: number }>>()
    expect(sql<{ readonly id: number }>`SELECT id FROM t`.stream).type.toBe<
      Stream.Stream<{ readonly id: number }, SqlError>
    >()
  })

  it("cast builds a fragment", () => {
    expect(sql.cast("1.10", "DECIMAL(10,2)")).type.toBe<Statement.Fragment>()
  })

  it("decodes rows with SqlSchema", () => {
    const Person = Schema.Struct({ id: Schema.Number, name: Schema.String })
    const findAll = SqlSchema.findAll({
      Request: Schema.String,
      Result: Person,
      execute: (name) => sql`SELECT id, name FROM person WHERE name = ${name}`
    })
    expect(findAll("Ann")).type.toBe<
      Effect.Effect<Array<{ readonly id: number; readonly name: string }>, SqlError | Schema.SchemaError>
    >()
  })

  it("the SqlClient service is what the layer provides", () => {
    const program = Effect.flatMap(SqlClient.SqlClient, (client) => client`SELECT 1 AS one FROM systables`)
    expect(Effect.provide(program, InformixClient.layer({ user: "u" }))).type.toBe<
      Effect.Effect<ReadonlyArray<SqlConnection.Row>, SqlError>
    >()
  })
})
