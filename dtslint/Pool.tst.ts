import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { describe, expect, it } from "tstyche"
import type { Connection } from "../src/Connection.ts"
import type { ConfigError, InformixError } from "../src/InformixError.ts"
import * as Pool from "../src/Pool.ts"

declare const acquire: Effect.Effect<Connection, InformixError, Scope.Scope>
declare const pool: Pool.Pool

describe("Pool", () => {
  it("makeWith needs only a Scope and fails only on invalid options", () => {
    expect(Pool.makeWith({ acquire, maxConnections: 4 })).type.toBe<
      Effect.Effect<Pool.Pool, ConfigError, Scope.Scope>
    >()
  })

  it("make opens sessions with Connection.make and only fails on invalid pool options", () => {
    expect(Pool.make({ url: "informix://u:p@h:9088/db?server=s", maxConnections: 4, idleTimeout: "1 minute" })).type
      .toBe<Effect.Effect<Pool.Pool, ConfigError, Scope.Scope>>()
    expect(Pool.layer({ host: "db", user: "u" })).type.toBe<Layer.Layer<Pool.Pool, ConfigError>>()
  })

  it("layerWith has no requirements left", () => {
    expect(Pool.layerWith({ acquire })).type.toBe<Layer.Layer<Pool.Pool, ConfigError>>()
  })

  it("get and reserve lease into a Scope", () => {
    expect(pool.get).type.toBe<Effect.Effect<Connection, InformixError, Scope.Scope>>()
    expect(pool.reserve).type.toBe<Effect.Effect<Connection, InformixError, Scope.Scope>>()
  })

  it("use keeps the callback's types and adds the pool's errors", () => {
    class Boom {
      readonly _tag = "Boom"
    }
    expect(pool.use((_connection) => null as unknown as Effect.Effect<number, Boom, "R">)).type.toBe<
      Effect.Effect<number, Boom | InformixError, "R">
    >()
  })

  it("rejects unknown options", () => {
    // @ts-expect-error Object literal may only specify known properties
    Pool.makeWith({ acquire, maxConnection: 4 })
  })
})
