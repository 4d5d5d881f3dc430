/**
 * Roles and table privileges through the wire, as an application's grant script sets them up: the app user can
 * insert into and read the audit table through its role, but gets Informix's permission errors for the rest.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

const users = { informix: "in4mix", app: "app-pw", auditor: "aud-pw" }

describe("privileges", () => {
  it.live("app user cannot DELETE from the audit table; INSERT and SELECT come from its role", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users })
      yield* conn.execute("CREATE TABLE audit_log (id SERIAL, msg VARCHAR(40))")
      yield* conn.execute("CREATE TABLE notes (n INT)")
      yield* conn.execute("CREATE ROLE app_role")
      yield* conn.execute("REVOKE ALL ON audit_log FROM PUBLIC")
      yield* conn.execute("GRANT SELECT, INSERT ON audit_log TO app_role")
      yield* conn.execute("GRANT CONNECT TO app")
      yield* conn.execute("GRANT app_role TO app")
      const app = yield* connect("app")
      // Before SET ROLE the role's privileges are not in effect.
      assert.strictEqual(yield* failure(app.execute("INSERT INTO audit_log (msg) VALUES ('x')")), -275)
      yield* app.execute("SET ROLE app_role")
      yield* app.execute("INSERT INTO audit_log (msg) VALUES (?)", ["login"])
      assert.deepStrictEqual(yield* app.values("SELECT msg FROM audit_log"), [["login"]])
      assert.strictEqual(yield* failure(app.execute("DELETE FROM audit_log")), -274)
      assert.strictEqual(yield* failure(app.execute("UPDATE audit_log SET msg = 'forged'")), -273)
      assert.strictEqual(yield* failure(app.execute("TRUNCATE TABLE audit_log")), -274)
      // PUBLIC keeps the default privileges on other tables (not an ANSI database).
      yield* app.execute("INSERT INTO notes VALUES (1)")
      yield* app.execute("DELETE FROM notes")
      // A user without the role reads nothing; its default role, once granted, applies at once.
      const auditor = yield* connect("auditor")
      assert.strictEqual(yield* failure(auditor.values("SELECT * FROM audit_log")), -272)
      assert.strictEqual(yield* failure(auditor.execute("SET ROLE app_role")), -19805)
      yield* conn.execute("GRANT DEFAULT ROLE app_role TO auditor")
      assert.deepStrictEqual(yield* auditor.values("SELECT count(*) FROM audit_log"), [[1]])
      // The catalog says what was granted.
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT trim(grantee), tabauth FROM systabauth a, systables t WHERE a.tabid = t.tabid AND t.tabname = 'audit_log'"
        ),
        [["app_role", "s--i-----"]]
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT trim(rolename), trim(grantee) FROM sysroleauth ORDER BY 2"),
        [["app_role", "app"], ["app_role", "auditor"]]
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT trim(username), usertype, trim(defrole) FROM sysusers ORDER BY 1"),
        [["app", "C", null], ["app_role", "G", null], ["auditor", "C", "app_role"], ["informix", "D", null], [
          "public",
          "C",
          null
        ]]
      )
      // DBA privilege lifts every table check; dropping the role takes its grants away.
      yield* conn.execute("GRANT DBA TO app")
      yield* app.execute("DELETE FROM audit_log")
      yield* conn.execute("DROP ROLE app_role")
      assert.strictEqual(yield* failure(auditor.values("SELECT * FROM audit_log")), -272)
      assert.strictEqual(yield* failure(conn.execute("GRANT nosuchrole TO app")), -19801)
      assert.strictEqual(yield* failure(conn.execute("GRANT EXECUTE ON PROCEDURE nosuch TO app")), -674)
    }).pipe(Effect.scoped))

  it.live("the owner keeps every privilege on its table; an ANSI database grants nothing to PUBLIC", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users, databases: [{ name: "ansidb", ansi: true }] })
      // Creating a permanent table takes RESOURCE (databasePrivileges.test.ts).
      yield* conn.execute("GRANT RESOURCE TO app")
      yield* conn.execute("COMMIT WORK")
      const app = yield* connect("app")
      const auditor = yield* connect("auditor")
      yield* app.execute("CREATE TABLE mine (k INT)")
      yield* app.execute("INSERT INTO mine VALUES (1)")
      yield* app.execute("COMMIT WORK")
      assert.strictEqual(yield* failure(auditor.values("SELECT k FROM mine")), -272)
      yield* app.execute("GRANT SELECT ON mine TO auditor")
      yield* app.execute("COMMIT WORK")
      assert.deepStrictEqual(yield* auditor.values("SELECT k FROM mine"), [[1]])
      assert.strictEqual(yield* failure(auditor.execute("INSERT INTO mine VALUES (2)")), -275)
      // Column-level grants are recorded in syscolauth and marked '*' in systabauth.
      yield* app.execute("GRANT UPDATE (k) ON mine TO auditor")
      yield* app.execute("COMMIT WORK")
      yield* auditor.execute("UPDATE mine SET k = 3")
      yield* auditor.execute("COMMIT WORK")
      assert.deepStrictEqual(
        yield* app.values("SELECT trim(grantee), colno, colauth FROM syscolauth"),
        [["auditor", 1, "-u-"]]
      )
      assert.deepStrictEqual(
        yield* app.values("SELECT tabauth FROM systabauth WHERE grantee = 'auditor'"),
        [["s-*------"]]
      )
      assert.strictEqual(yield* failure(app.execute("GRANT SELECT (nosuch) ON mine TO auditor")), -217)
    }).pipe(Effect.scoped))

  it.live("a trigger writes the audit table for a user who may not; GRANT EXECUTE is recorded", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users })
      yield* conn.execute("CREATE TABLE account (id INT, balance INT)")
      yield* conn.execute("CREATE TABLE account_audit (id INT, who VARCHAR(32) DEFAULT USER)")
      yield* conn.execute("REVOKE ALL ON account_audit FROM PUBLIC")
      yield* conn.execute(
        "CREATE TRIGGER account_ins INSERT ON account REFERENCING NEW AS n FOR EACH ROW " +
          "(INSERT INTO account_audit (id) VALUES (n.id))"
      )
      yield* conn.execute("CREATE PROCEDURE open_account(i INT) INSERT INTO account VALUES (i, 0); END PROCEDURE")
      yield* conn.execute("GRANT EXECUTE ON PROCEDURE open_account TO app")
      const app = yield* connect("app")
      // The triggered action and the procedure's statements run with their owner's privileges, not app's.
      yield* app.execute("INSERT INTO account VALUES (1, 10)")
      yield* app.execute("EXECUTE PROCEDURE open_account(2)")
      assert.deepStrictEqual(yield* conn.values("SELECT id, who FROM account_audit ORDER BY id"), [[1, "app"], [
        2,
        "app"
      ]])
      assert.strictEqual(yield* failure(app.values("SELECT * FROM account_audit")), -272)
      // PUBLIC's EXECUTE is the default of an owner-privileged routine outside ANSI databases.
      assert.deepStrictEqual(yield* conn.values("SELECT trim(grantee), procauth FROM sysprocauth ORDER BY 1"), [
        ["app", "e"],
        ["public", "e"]
      ])
    }).pipe(Effect.scoped))
})
