import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import { describe, expect, it } from "tstyche"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import type * as InformixValue from "../src/InformixValue.ts"

declare const connection: Connection.Connection

const pamHandler = (challenge: Connection.PamChallenge) =>
  challenge.echo ? Effect.succeed("123456") : Effect.fail(new Error("no secret here"))
const notAnEffect = (challenge: Connection.PamChallenge) => challenge.prompt

describe("Connection constructors and layers", () => {
  it("make is scoped and fails with InformixError; it takes options or a URL", () => {
    expect(Connection.make({ host: "db", user: "u" })).type.toBe<
      Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
    >()
    expect(Connection.make("informix://u:p@db:9088/stores?server=ol")).type.toBe<
      Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
    >()
  })

  it("the pam option answers each challenge with an Effect of a string (which may fail)", () => {
    expect(Connection.make({ user: "u", pam: pamHandler })).type.toBe<
      Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
    >()
    expect<Connection.PamChallenge["style"]>().type.toBe<Connection.PamStyle>()
    expect(Connection.make).type.not.toBeCallableWith({ user: "u", pam: notAnEffect })
    expect(Connection.make).type.not.toBeCallableWith({ user: "u", pam: "secret" })
  })

  it("layer and layerConfig", () => {
    expect(Connection.layer({ user: "u" })).type.toBe<Layer.Layer<Connection.Connection, InformixError>>()
    expect(Connection.layerConfig()).type.toBe<
      Layer.Layer<Connection.Connection, InformixError | Config.ConfigError>
    >()
  })
})

describe("Connection statements", () => {
  it("query, values and execute", () => {
    expect(connection.query("SELECT 1 FROM systables", [1])).type.toBe<
      Effect.Effect<ReadonlyArray<Connection.Row>, InformixError>
    >()
    expect(connection.values("SELECT 1 FROM systables")).type.toBe<
      Effect.Effect<ReadonlyArray<ReadonlyArray<InformixValue.Value>>, InformixError>
    >()
    expect(connection.execute("DELETE FROM t")).type.toBe<Effect.Effect<Connection.ExecuteResult, InformixError>>()
  })

  it("streams rows", () => {
    expect(connection.stream("SELECT * FROM t", [], { fetchSize: 8192 })).type.toBe<
      Stream.Stream<Connection.Row, InformixError>
    >()
  })

  it("transaction keeps the body's types and adds InformixError", () => {
    const body = null as unknown as Effect.Effect<number, "E", "R">
    expect(connection.transaction(body, { isolation: "repeatableRead" })).type.toBe<
      Effect.Effect<number, "E" | InformixError, "R">
    >()
  })

  it("prepare is scoped", () => {
    expect(connection.prepare("SELECT * FROM t WHERE id = ?")).type.toBe<
      Effect.Effect<Connection.PreparedStatement, InformixError, Scope.Scope>
    >()
  })

  it("state is a closed union", () => {
    expect(connection.state).type.toBe<"idle" | "busy" | "draining" | "dead">()
  })
})
