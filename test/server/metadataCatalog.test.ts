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

  it.live("sysproccolumns lists a routine's return values and parameters for getProcedureColumns", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.execute(
        "CREATE FUNCTION split(total INT, OUT half INT, label VARCHAR(20)) RETURNING INT AS rest, DECIMAL(8,2); " +
          "LET half = total / 2; RETURN total - half, 0; END FUNCTION"
      )
      yield* conn.execute("CREATE PROCEDURE touch(at DATETIME YEAR TO SECOND) END PROCEDURE")
      // Return values first (paramid from 0, paramattr 3 = one of several), then the parameters (1 IN, 4 OUT).
      assert.deepStrictEqual(
        trimmed(
          yield* conn.values(
            "SELECT p.procname, p.langid, c.paramid, c.paramname, c.paramtype, c.paramlen, c.paramattr " +
              "FROM sysprocedures p, sysproccolumns c WHERE p.procid = c.procid ORDER BY p.procid, c.paramid"
          )
        ),
        [
          ["split", 2, 0, "rest", 2, 4, 3],
          ["split", 2, 1, null, 5, 2050, 3],
          ["split", 2, 2, "total", 2, 4, 1],
          ["split", 2, 3, "half", 2, 4, 4],
          ["split", 2, 4, "label", 13, 20, 1],
          ["touch", 2, 1, "at", 10, 3594, 1]
        ]
      )
      // The functions JDBC's query calls, database-qualified as it sends them.
      assert.deepStrictEqual(
        trimmed(
          yield* conn.values(
            "SELECT testdb:ifx_param_types(procid), testdb:ifx_ret_types(procid), " +
              "schema_bufflen(5, 2050), schema_bufflen(13, 20), schema_bufflen(2, 4) " +
              "FROM sysprocedures ORDER BY procid"
          )
        ),
        [
          ["integer,integer,varchar(20,0)", "integer,decimal(8,2)", 10, 20, 4],
          ["datetime year to second", "", 10, 20, 4]
        ]
      )
      // A single return value is paramattr 5; DROP takes the rows along.
      yield* conn.execute("CREATE FUNCTION one() RETURNING INT; RETURN 1; END FUNCTION")
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT paramid, paramattr FROM sysproccolumns c, sysprocedures p " +
            "WHERE p.procid = c.procid AND p.procname = 'one'"
        ),
        [[0, 5]]
      )
      yield* conn.execute("DROP FUNCTION split")
      assert.deepStrictEqual(
        yield* conn.values("SELECT count(*) FROM sysproccolumns WHERE procid = 1"),
        [[0]]
      )
    }).pipe(Effect.scoped))
})
