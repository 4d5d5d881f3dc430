/**
 * `sql.insert([...rows])` through InformixClient runs as one batch (`Connection.executeMany`): every row inserted,
 * `.raw` gives one result per row with its SERIAL, a rejected row becomes the effect/sql reason of its `SqlError`
 * with the `BatchError` (failing row index) as cause, and a statement mixing rows and other parameters is refused.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Sql from "effect/sql/SqlError"
import * as InformixClient from "../src/InformixClient.ts"
import type { BatchError } from "../src/InformixError.ts"
import * as TestServer from "../src/TestServer.ts"

const setup = Effect.gen(function*() {
  const server = yield* TestServer.make()
  return yield* InformixClient.make({ url: server.url, maxConnections: 2 }).pipe(Effect.provide(Reactivity.layer))
})

describe("InformixClient sql.insert of many rows", () => {
  it.live("inserts every row as one batch; raw gives a result per row", () =>
    Effect.gen(function*() {
      const sql = yield* setup
      yield* sql`CREATE TABLE people (id SERIAL, name VARCHAR(20), age INTEGER)`
      const people = [{ name: "ann", age: 31 }, { name: "bob", age: 42 }, { name: "cy", age: null }] as const
      assert.deepStrictEqual(yield* sql`INSERT INTO people ${sql.insert(people)}`, [])
      const raw = yield* sql`INSERT INTO people ${sql.insert([{ name: "dee", age: 5 }, { name: "eve", age: 6 }])}`.raw
      assert.deepStrictEqual(raw, [{ rowsAffected: 1, serial: 4 }, { rowsAffected: 1, serial: 5 }])
      assert.deepStrictEqual(yield* sql`SELECT id, name, age FROM people ORDER BY id`, [
        { id: 1, name: "ann", age: 31 },
        { id: 2, name: "bob", age: 42 },
        { id: 3, name: "cy", age: null },
        { id: 4, name: "dee", age: 5 },
        { id: 5, name: "eve", age: 6 }
      ])
    }).pipe(Effect.scoped))

  it.live("a rejected row fails with its reason; the BatchError names the row", () =>
    Effect.gen(function*() {
      const sql = yield* setup
      yield* sql`CREATE TABLE uniq (id INTEGER PRIMARY KEY)`
      const error = yield* Effect.flip(sql`INSERT INTO uniq ${sql.insert([{ id: 1 }, { id: 2 }, { id: 1 }])}`)
      assert.instanceOf(error.reason, Sql.UniqueViolation)
      const cause = error.reason.cause as BatchError
      assert.strictEqual(cause._tag, "BatchError")
      assert.strictEqual(cause.index, 2)
      assert.deepStrictEqual(yield* sql`SELECT id FROM uniq ORDER BY id`, [{ id: 1 }, { id: 2 }])
    }).pipe(Effect.scoped))

  it.live("rows and other parameters in one statement are refused before anything runs", () =>
    Effect.gen(function*() {
      const sql = yield* setup
      yield* sql`CREATE TABLE mixed (a INTEGER, b INTEGER)`
      // What a multi-row insert next to another parameter would compile to: 2 rows of 1 value, plus one more.
      const error = yield* Effect.flip(
        sql.unsafe("INSERT INTO mixed (a, b) VALUES {effect-informix batch: 2 rows of 1}(?, ?)", [1, 2, 3])
      )
      assert.instanceOf(error.reason, Sql.UnknownError)
      assert.match(error.message, /cannot have other parameters/)
      assert.deepStrictEqual(yield* sql`SELECT COUNT(*) AS n FROM mixed`, [{ n: 0 }])
    }).pipe(Effect.scoped))
})
