/**
 * The catalog rows DDL leaves for tools (JDBC's DatabaseMetaData joins them, metadataCatalog.ts): sysconstraints
 * with their sysindexes rows, sysreferences naming the referenced key, sysdefaults, and the catalog functions of
 * getColumns — read through the wire with our client.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../../src/Connection.ts"
import * as TestServer from "../../src/TestServer.ts"

const trimmed = (rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
  rows.map((r) => r.map((v) => (typeof v === "string" ? v.trimEnd() : v)))

describe("metadata catalog", () => {
  it.live("constraints, their indexes, references and defaults as DDL creates them", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.execute(
        "CREATE TABLE owner (id SERIAL PRIMARY KEY, code CHAR(4) UNIQUE CONSTRAINT owner_code, " +
          "since DATE DEFAULT TODAY, note VARCHAR(10) DEFAULT 'none')"
      )
      yield* conn.execute("CREATE TABLE pet (id INTEGER, owner_id INTEGER REFERENCES owner (id), PRIMARY KEY (id))")
      // One constraint per key, each with its index (` <tabid>_<constrid>`); unnamed ones are u/r<tabid>_<constrid>.
      const constraints = trimmed(
        yield* conn.values(
          "SELECT t.tabname, c.constrname, c.constrtype, c.idxname, i.idxtype, i.part1 FROM sysconstraints c, " +
            "systables t, sysindexes i WHERE t.tabid = c.tabid AND i.idxname = c.idxname ORDER BY c.constrid"
        )
      )
      assert.deepStrictEqual(constraints, [
        ["owner", "u100_1", "P", " 100_1", "U", 1],
        ["owner", "owner_code", "U", " 100_2", "U", 2],
        ["pet", "u101_3", "P", " 101_3", "U", 1],
        ["pet", "r101_4", "R", " 101_4", "D", 2]
      ])
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT r.constrid, r.primary, r.ptabid, r.delrule FROM sysreferences r")),
        [[4, 1, 100, "R"]]
      )
      assert.deepStrictEqual(
        trimmed(
          yield* conn.values(
            "SELECT d.colno, d.type, d.default FROM sysdefaults d WHERE d.tabid = 100 ORDER BY d.colno"
          )
        ),
        [[3, "T", null], [4, "L", "none"]]
      )
      // What getColumns reads through the catalog functions (owner-qualified, as JDBC calls them).
      const columns = yield* conn.values(
        "SELECT c.colname, informix.get_data_type(c.coltype, c.extended_id, 0), " +
          "informix.schema_coltypename(c.coltype, c.extended_id), " +
          "informix.schema_precision(c.coltype, c.extended_id, c.collength), " +
          "informix.schema_isnullable(c.coltype), informix.schema_isautoincr(c.coltype) " +
          "FROM syscolumns c WHERE c.tabid = 100 ORDER BY c.colno"
      )
      assert.deepStrictEqual(trimmed(columns), [
        ["id", 4, "SERIAL", 10, 0, "YES"],
        ["code", 1, "CHAR", 4, 1, "NO"],
        ["since", 91, "DATE", 10, 1, "NO"],
        ["note", 12, "VARCHAR", 10, 1, "NO"]
      ])
      // DROP TABLE takes its rows along.
      yield* conn.execute("DROP TABLE pet")
      assert.deepStrictEqual(
        yield* conn.values("SELECT count(*) FROM sysconstraints WHERE tabid = 101"),
        [[0]]
      )
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM sysreferences"), [[0]])
      // The catalog tables are described in systables with Informix's tabids.
      assert.deepStrictEqual(
        trimmed(
          yield* conn.values(
            "SELECT tabid, tabname FROM systables WHERE tabname IN ('sysconstraints', 'sysreferences', " +
              "'sysdefaults', 'sysprocedures', 'syssyntable') ORDER BY tabid"
          )
        ),
        [[10, "syssyntable"], [11, "sysconstraints"], [12, "sysreferences"], [14, "sysdefaults"], [16, "sysprocedures"]]
      )
    }).pipe(Effect.scoped))
})
