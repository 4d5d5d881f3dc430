/**
 * Routing reads and writes (issue #20): `InformixClient.layer` provides the `SqlClient` for the primary and
 * `InformixClient.layerReadOnly` a separate client under `InformixClient.ReadOnly`, each with its own pool and
 * configuration; a server group in the URL serves the `SqlClient` as well.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as SqlClient from "effect/sql/SqlClient"
import * as InformixClient from "../src/InformixClient.ts"
import * as TestServer from "../src/TestServer.ts"
import { deadPort } from "./connection/fakeServer.ts"

describe("read/write routing", () => {
  it.live("SqlClient goes to the writer's servers, ReadOnly to the reader's", () =>
    Effect.gen(function*() {
      const primary = yield* TestServer.make()
      const replica = yield* TestServer.make()
      // The writer's URL is a group whose first member is down: the SqlClient connects through the group.
      const dead = yield* deadPort
      const url = primary.url.replace("@127.0.0.1:", `@127.0.0.1:${dead},127.0.0.1:`)
      assert.include(url, `${dead},`)
      const layer = Layer.mergeAll(
        InformixClient.layer({ url, maxConnections: 2 }),
        InformixClient.layerReadOnly({ url: replica.url, maxConnections: 2 })
      )
      const [written, read] = yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const reads = yield* InformixClient.ReadOnly
        yield* sql`CREATE TABLE t (id INTEGER)`
        yield* sql`INSERT INTO t VALUES (1)`
        yield* reads`CREATE TABLE t (id INTEGER)`
        yield* reads`INSERT INTO t VALUES (2)`
        return [
          yield* sql<{ id: number }>`SELECT id FROM t`,
          yield* reads<{ id: number }>`SELECT id FROM t`
        ] as const
      }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(written, [{ id: 1 }])
      assert.deepStrictEqual(read, [{ id: 2 }])
    }).pipe(Effect.scoped))
})
