/**
 * DISTINCT, named ROW, opaque, JSON and BSON types through the wire against the TestServer: DDL and catalog, the
 * describe a real server sends (flags, extended id/name, sourceType), decoding and binding, casts, the `types` codec
 * registry, and the typed errors of bad input.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Connection from "../src/Connection.ts"
import * as Informix from "../src/InformixValue.ts"
import * as TestServer from "../src/TestServer.ts"

const setup = (options?: Partial<Connection.ConnectionConfig>) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make()
    const conn = yield* Connection.make({ url: server.url, ...options })
    return { server, conn }
  })

describe("DISTINCT types", () => {
  it.live("columns describe as base | 0x0800 with the type's own xid and name, and decode/bind as the base", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup()
      yield* conn.execute("CREATE DISTINCT TYPE dollars AS DECIMAL(10,2)")
      yield* conn.execute("CREATE DISTINCT TYPE flag AS BOOLEAN")
      yield* conn.execute("CREATE TABLE acct (id INT, bal dollars, ok flag)")
      yield* conn.execute("INSERT INTO acct VALUES (1, 12.5::dollars, 't')")
      yield* conn.execute("INSERT INTO acct VALUES (?, ?, ?)", [2, BigDecimal.fromStringUnsafe("3.25"), Informix.boolean(false)])
      const rows = yield* conn.query("SELECT bal, ok FROM acct ORDER BY id")
      assert.deepStrictEqual(rows, [
        { bal: BigDecimal.fromStringUnsafe("12.50"), ok: true },
        { bal: BigDecimal.fromStringUnsafe("3.25"), ok: false }
      ])
      const { columns } = yield* conn.queryWithColumns("SELECT bal, ok FROM acct")
      const xtd = yield* conn.query("SELECT extended_id, mode, name, type, source FROM sysxtdtypes WHERE name IN ('dollars', 'flag') ORDER BY name")
      assert.deepStrictEqual(xtd.map((r) => [r.mode, r.name, r.type, r.source]), [["D", "dollars", 5, 0], ["D", "flag", 41, 5]])
      assert.deepStrictEqual(columns.map((c) => [c.type, c.distinct, c.extendedId, c.extendedName]), [
        [5, true, xtd[0]!.extended_id, "dollars"],
        [41, true, xtd[1]!.extended_id, "flag"]
      ])
      const [sum] = yield* conn.query("SELECT sum(bal::DECIMAL(10,2)) AS s FROM acct")
      assert.deepStrictEqual(sum, { s: BigDecimal.fromStringUnsafe("15.75") })
    }).pipe(Effect.scoped))
})
