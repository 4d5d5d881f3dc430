/**
 * Database-level privileges (CONNECT, RESOURCE, DBA), ownership for DDL and EXECUTE on routines, enforced for
 * users other than owners and DBAs, through the wire (IBM "GRANT", database-level and routine-level privileges).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { codes, failure, serverWith } from "./harness.ts"

const users = { informix: "in4mix", ann: "a", bob: "b" }

describe("database-level privileges", () => {
  it.live("CONNECT opens the database; RESOURCE creates tables, sequences and routines; DBA the rest", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users })
      // PUBLIC holds CONNECT: a new user opens the database and may create what CONNECT allows.
      const ann = yield* connect("ann")
      yield* ann.execute("CREATE TEMP TABLE scratch (k INT)")
      yield* ann.execute("CREATE VIEW tabs AS SELECT tabname FROM systables")
      assert.strictEqual(yield* failure(ann.execute("CREATE TABLE t (k INT)")), -388)
      assert.strictEqual(yield* failure(ann.execute("CREATE SEQUENCE s")), -388)
      assert.strictEqual(
        yield* failure(ann.execute("CREATE PROCEDURE p() DEFINE x INT; END PROCEDURE")),
        -388
      )
      assert.strictEqual(yield* failure(ann.execute("CREATE ROLE r")), -389)
      assert.strictEqual(yield* failure(ann.execute("GRANT RESOURCE TO ann")), -389)
      yield* conn.execute("GRANT RESOURCE TO ann")
      yield* ann.execute("CREATE TABLE t (k INT)")
      yield* ann.execute("CREATE PROCEDURE p() DEFINE x INT; END PROCEDURE")
      assert.strictEqual(
        yield* failure(ann.execute("CREATE DBA PROCEDURE q() DEFINE x INT; END PROCEDURE")),
        -389
      )
      yield* conn.execute("GRANT DBA TO ann")
      yield* ann.execute("CREATE ROLE r")
      // Without CONNECT (revoked from PUBLIC) a user cannot open the database: -387.
      yield* conn.execute("REVOKE CONNECT FROM PUBLIC")
      const refused = yield* Effect.flip(connect("bob"))
      assert.strictEqual(codes(refused)[0], -387)
      yield* conn.execute("GRANT CONNECT TO bob")
      yield* connect("bob")
    }).pipe(Effect.scoped))

  it.live("the creator of a database is its DBA", () =>
    Effect.gen(function*() {
      const { connect } = yield* serverWith({ users })
      const ann = yield* connect("ann")
      yield* ann.execute("CREATE DATABASE anns")
      yield* ann.execute("CREATE TABLE mine (k INT)")
      yield* ann.execute("CREATE ROLE helpers")
      assert.deepStrictEqual(yield* ann.values("SELECT usertype FROM sysusers WHERE username = 'ann'"), [["D"]])
    }).pipe(Effect.scoped))

  it.live("a TestServer's first user created its declared databases: an application user alone loads its schema", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith({ users: { app: "secret", other: "x" } })
      yield* conn.execute("CREATE TABLE app_table (k INT)")
      yield* conn.execute("CREATE ROLE app_role")
      assert.deepStrictEqual(yield* conn.values("SELECT TRIM(owner) FROM systables WHERE tabname = 'app_table'"), [[
        "app"
      ]])
    }).pipe(Effect.scoped))
})

describe("ownership for DDL", () => {
  it.live("only owners and DBAs drop, rename or alter objects; ALTER / INDEX privileges allow ALTER / CREATE INDEX", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users })
      yield* conn.execute("CREATE TABLE owned (k INT, v INT)")
      yield* conn.execute("CREATE INDEX owned_k ON owned (k)")
      yield* conn.execute("CREATE SEQUENCE owned_seq")
      yield* conn.execute("CREATE SYNONYM owned_syn FOR owned")
      yield* conn.execute("GRANT RESOURCE TO ann")
      // PUBLIC's default privileges include INDEX (su-idx---).
      yield* conn.execute("REVOKE INDEX ON owned FROM PUBLIC")
      const ann = yield* connect("ann")
      assert.strictEqual(yield* failure(ann.execute("DROP TABLE owned")), -313)
      assert.strictEqual(yield* failure(ann.execute("RENAME TABLE owned TO other")), -313)
      assert.strictEqual(yield* failure(ann.execute("RENAME COLUMN owned.v TO w")), -313)
      assert.strictEqual(yield* failure(ann.execute("ALTER TABLE owned ADD (w INT)")), -541)
      assert.strictEqual(yield* failure(ann.execute("CREATE INDEX mine ON owned (v)")), -315)
      assert.strictEqual(yield* failure(ann.execute("DROP INDEX owned_k")), -320)
      assert.strictEqual(yield* failure(ann.execute("DROP SEQUENCE owned_seq")), -8321)
      assert.strictEqual(yield* failure(ann.execute("DROP SYNONYM owned_syn")), -579)
      yield* conn.execute("GRANT ALTER, INDEX ON owned TO ann")
      yield* ann.execute("ALTER TABLE owned ADD (w INT)")
      yield* ann.execute("CREATE INDEX mine ON owned (v)")
      // Her own objects are hers to drop.
      yield* ann.execute("CREATE TABLE hers (k INT)")
      yield* ann.execute("DROP TABLE hers")
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM owned"), [[0]])
    }).pipe(Effect.scoped))
})

describe("EXECUTE on routines", () => {
  it.live("PUBLIC may run owner-privileged routines until revoked; GRANT EXECUTE gives it back", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users })
      yield* conn.execute("CREATE FUNCTION answer() RETURNING INT; RETURN 42; END FUNCTION")
      yield* conn.execute("CREATE DBA FUNCTION secret() RETURNING INT; RETURN 7; END FUNCTION")
      const ann = yield* connect("ann")
      assert.deepStrictEqual(yield* ann.values("EXECUTE FUNCTION answer()"), [[42]])
      assert.strictEqual(yield* failure(ann.values("EXECUTE FUNCTION secret()")), -706)
      yield* conn.execute("REVOKE EXECUTE ON FUNCTION answer FROM PUBLIC")
      assert.strictEqual(yield* failure(ann.values("EXECUTE FUNCTION answer()")), -706)
      assert.strictEqual(yield* failure(ann.values("SELECT answer() FROM systables WHERE tabid = 1")), -706)
      yield* conn.execute("GRANT EXECUTE ON FUNCTION answer TO ann")
      assert.deepStrictEqual(yield* ann.values("EXECUTE FUNCTION answer()"), [[42]])
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT TRIM(grantee), procauth FROM sysprocauth a, sysprocedures p " +
            "WHERE a.procid = p.procid AND p.procname = 'answer'"
        ),
        [["ann", "e"]]
      )
    }).pipe(Effect.scoped))
})
