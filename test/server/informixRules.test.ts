/**
 * Informix's own rules where SQLite's differ, through the wire: unquoted names fold to lower case everywhere (the
 * catalog, DESCRIBE's column names, error parameters), and a bound parameter is converted to the type of the column
 * it is compared with, as it is to the column it is assigned to.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../../src/Connection.ts"
import { JDBC_DEFAULT_LOGIN_ENV } from "../../src/internal/protocol/loginPdu.ts"
import * as TestServer from "../../src/TestServer.ts"
import { command, errOf, prepare, session } from "./wire.ts"

const trimmed = (rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
  rows.map((r) => r.map((v) => (typeof v === "string" ? v.trimEnd() : v)))

describe("Informix naming and conversion rules", () => {
  it.live("unquoted names are lower case in the catalog and in DESCRIBE", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.execute(
        "CREATE TABLE People (personId INTEGER PRIMARY KEY CONSTRAINT PeoplePK, firstName VARCHAR(20))"
      )
      yield* conn.execute("CREATE INDEX ByFirstName ON PEOPLE (FirstName)")
      yield* conn.execute("INSERT INTO PEOPLE (PersonId, FIRSTNAME) VALUES (1, 'Ada')")
      const described = yield* conn.queryWithColumns("SELECT firstName, PersonID AS TheId FROM people")
      assert.deepStrictEqual(described.columns.map((c) => c.name), ["firstname", "theid"])
      assert.deepStrictEqual(described.rows, [["Ada", 1]])
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT tabname FROM systables WHERE tabid >= 100")),
        [["people"]]
      )
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT colname FROM syscolumns WHERE tabid = (SELECT tabid FROM systables WHERE tabname = 'people') " +
            "ORDER BY colno"
        ),
        [["personid"], ["firstname"]]
      )
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT idxname FROM sysindexes WHERE idxname = 'byfirstname'")),
        [["byfirstname"]]
      )
      const duplicate = yield* Effect.flip(conn.execute("INSERT INTO people VALUES (1, 'Bob')"))
      assert.include(duplicate.message, "peoplepk")
    }).pipe(Effect.scoped))

  it.live("a bound double compared with a DECIMAL / SMALLFLOAT column is converted to the column's type", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url })
      yield* conn.execute("CREATE TABLE prices (p DECIMAL(10,2), f SMALLFLOAT)")
      yield* conn.execute("INSERT INTO prices VALUES (?, ?)", [19.999, 0.1])
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM prices WHERE p = ?", [19.999]), [[1]])
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM prices WHERE f = ?", [0.1]), [[1]])
      yield* conn.execute("UPDATE prices SET p = 1 WHERE p = ?", [19.999])
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM prices WHERE p = 1"), [[1]])
      // Out of the column's range: compared as given (no overflow error for a comparison).
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM prices WHERE p < ?", [1e20]), [[1]])
    }).pipe(Effect.scoped))

  it.live("under DELIMIDENT a double-quoted name keeps its case; without it, it is a string", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const delimited = yield* session(server.port, {
        login: { env: [...JDBC_DEFAULT_LOGIN_ENV, ["DELIMIDENT", "y"]] }
      })
      assert.isUndefined(
        errOf(yield* command(delimited, "CREATE TABLE \"MixedCase\" (\"Col One\" INTEGER, Plain INTEGER)"))
      )
      assert.isUndefined(errOf(yield* command(delimited, "INSERT INTO \"MixedCase\" VALUES (1, 2)")))
      const described = (yield* prepare(delimited, "SELECT \"Col One\", Plain FROM \"MixedCase\"")).find((m) =>
        m._tag === "Describe"
      )
      assert.deepStrictEqual(described?._tag === "Describe" ? described.fields.map((f) => f.name) : [], [
        "Col One",
        "plain"
      ])
      const conn = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual(
        trimmed(yield* conn.values("SELECT tabname FROM systables WHERE tabid >= 100")),
        [["MixedCase"]]
      )
      // Without DELIMIDENT the same quotes make a string literal.
      assert.deepStrictEqual(yield* conn.values("SELECT \"Col One\" FROM systables WHERE tabid = 1"), [["Col One"]])
    }).pipe(Effect.scoped))
})
