/**
 * SELECT triggers, INSTEAD OF triggers on views, trigger modes (DISABLED, SET TRIGGERS) and EXECUTE PROCEDURE ...
 * INTO in triggered actions, through the wire (IBM "CREATE TRIGGER", "SET Database Object Mode").
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../../src/TestServer.ts"
import { command, session, tags } from "../wire.ts"
import { failure, serverWith } from "./harness.ts"

describe("SELECT triggers", () => {
  it.live("fire once per row a stand-alone SELECT retrieves, when it projects a trigger column", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE salary (emp INT, amount INT, dept CHAR(2))")
      yield* conn.execute("CREATE TABLE hits (emp INT, amount INT, who VARCHAR(32))")
      yield* conn.execute("CREATE TABLE counts (n INT)")
      yield* conn.execute("INSERT INTO counts VALUES (0)")
      for (const [e, a, d] of [[1, 100, "a"], [2, 200, "a"], [3, 300, "b"]] as const) {
        yield* conn.execute("INSERT INTO salary VALUES (?, ?, ?)", [e, a, d])
      }
      yield* conn.execute(
        `CREATE TRIGGER salary_read SELECT OF amount ON salary REFERENCING OLD AS o
           BEFORE (UPDATE counts SET n = n + 100)
           FOR EACH ROW (INSERT INTO hits VALUES (o.emp, o.amount, USER))
           AFTER (UPDATE counts SET n = n + 1)`
      )
      const hits = "SELECT emp, amount FROM hits ORDER BY emp"
      // The rows the query retrieves, with their OLD values, and the BEFORE / AFTER actions once.
      assert.deepStrictEqual(yield* conn.values("SELECT emp, amount FROM salary WHERE dept = ?", ["a"]), [
        [1, 100],
        [2, 200]
      ])
      assert.deepStrictEqual(yield* conn.values(hits), [[1, 100], [2, 200]])
      assert.deepStrictEqual(yield* conn.values("SELECT n FROM counts"), [[101]])
      // `*` projects every column; an alias qualifies them; FIRST limits the rows retrieved.
      yield* conn.execute("DELETE FROM hits")
      yield* conn.values("SELECT FIRST 1 s.* FROM salary s ORDER BY s.emp DESC")
      assert.deepStrictEqual(yield* conn.values(hits), [[3, 300]])
      // Queries that activate no Select trigger (IBM): the column only in WHERE, aggregates, DISTINCT, UNION,
      // GROUP BY, a subquery, INSERT ... SELECT.
      yield* conn.execute("DELETE FROM hits")
      yield* conn.values("SELECT emp FROM salary WHERE amount > 0")
      yield* conn.values("SELECT SUM(amount) FROM salary")
      yield* conn.values("SELECT DISTINCT amount FROM salary")
      yield* conn.values("SELECT amount FROM salary UNION SELECT 1 FROM systables WHERE tabid = 1")
      yield* conn.values("SELECT dept, MAX(amount) FROM salary GROUP BY dept")
      yield* conn.values("SELECT emp FROM counts, salary WHERE emp IN (SELECT emp FROM salary WHERE amount > 1)")
      yield* conn.execute("CREATE TABLE copy (amount INT)")
      yield* conn.execute("INSERT INTO copy SELECT amount FROM salary")
      assert.deepStrictEqual(yield* conn.values(hits), [])
      assert.deepStrictEqual(yield* conn.values("SELECT n FROM counts"), [[202]])
      // The actions belong to the transaction of the query that fired them.
      yield* conn.execute("BEGIN WORK")
      yield* conn.values("SELECT amount FROM salary WHERE emp = 1")
      assert.deepStrictEqual(yield* conn.values(hits), [[1, 100]])
      yield* conn.execute("ROLLBACK WORK")
      assert.deepStrictEqual(yield* conn.values(hits), [])
    }).pipe(Effect.scoped))

  it.live("a failing action fails the query and undoes the others", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE secret (k INT)")
      yield* conn.execute("CREATE TABLE log (k INT NOT NULL)")
      yield* conn.execute("INSERT INTO secret VALUES (1)")
      yield* conn.execute("INSERT INTO secret VALUES (NULL)")
      yield* conn.execute(
        "CREATE TRIGGER secret_read SELECT ON secret REFERENCING OLD AS o FOR EACH ROW (INSERT INTO log VALUES (o.k))"
      )
      assert.strictEqual(yield* failure(conn.values("SELECT k FROM secret")), -391)
      assert.deepStrictEqual(yield* conn.values("SELECT k FROM log"), [])
      assert.deepStrictEqual(yield* conn.values("SELECT k FROM secret WHERE k = 1"), [[1]])
      assert.deepStrictEqual(yield* conn.values("SELECT k FROM log"), [[1]])
    }).pipe(Effect.scoped))
})

describe("INSTEAD OF triggers", () => {
  const schema = [
    "CREATE TABLE dept (dno INT PRIMARY KEY, dname VARCHAR(20))",
    "CREATE TABLE emp (eno INT PRIMARY KEY, ename VARCHAR(20), dno INT)",
    "INSERT INTO dept VALUES (1, 'sales')",
    "CREATE VIEW staff (eno, ename, dname) AS SELECT e.eno, e.ename, d.dname FROM emp e, dept d WHERE e.dno = d.dno",
    `CREATE TRIGGER staff_ins INSTEAD OF INSERT ON staff REFERENCING NEW AS n
       FOR EACH ROW (INSERT INTO emp VALUES (n.eno, n.ename, (SELECT dno FROM dept WHERE dname = n.dname)))`,
    `CREATE TRIGGER staff_upd INSTEAD OF UPDATE ON staff REFERENCING OLD AS o NEW AS n
       FOR EACH ROW (UPDATE emp SET ename = n.ename WHERE eno = o.eno)`,
    `CREATE TRIGGER staff_del INSTEAD OF DELETE ON staff REFERENCING OLD AS o
       FOR EACH ROW (DELETE FROM emp WHERE eno = o.eno)`
  ]

  it.live("INSERT / UPDATE / DELETE on a view run the trigger's action instead", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      for (const s of schema) yield* conn.execute(s)
      const inserted = yield* conn.execute("INSERT INTO staff VALUES (?, ?, ?)", [10, "ann", "sales"])
      assert.strictEqual(inserted.rowsAffected, 1)
      yield* conn.execute("INSERT INTO staff VALUES (11, 'bob', 'sales')")
      assert.deepStrictEqual(yield* conn.values("SELECT eno, ename, dno FROM emp ORDER BY eno"), [
        [10, "ann", 1],
        [11, "bob", 1]
      ])
      const updated = yield* conn.execute("UPDATE staff SET ename = 'ANN' WHERE eno = 10")
      assert.strictEqual(updated.rowsAffected, 1)
      const deleted = yield* conn.execute("DELETE FROM staff WHERE dname = 'sales' AND eno > 10")
      assert.strictEqual(deleted.rowsAffected, 1)
      assert.deepStrictEqual(yield* conn.values("SELECT eno, ename, dname FROM staff"), [[10, "ANN", "sales"]])
      // IBM -26096: not as the target of MERGE.
      assert.strictEqual(
        yield* failure(conn.execute(
          "MERGE INTO staff s USING dept d ON s.dname = d.dname WHEN MATCHED THEN UPDATE SET ename = 'x'"
        )),
        -26096
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT trigname, event FROM systriggers ORDER BY trigname"),
        [["staff_del", "d"], ["staff_ins", "i"], ["staff_upd", "u"]]
      )
    }).pipe(Effect.scoped))

  it.live("refuses what Informix refuses, with its codes", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      for (const s of schema.slice(0, 4)) yield* conn.execute(s)
      const create = (text: string) => failure(conn.execute(text))
      assert.strictEqual(
        yield* create("CREATE TRIGGER x INSTEAD OF SELECT ON staff FOR EACH ROW (DELETE FROM emp)"),
        -19826
      )
      assert.strictEqual(
        yield* create("CREATE TRIGGER x INSTEAD OF DELETE ON emp FOR EACH ROW (DELETE FROM dept)"),
        -19827
      )
      assert.strictEqual(yield* create("CREATE TRIGGER x INSTEAD OF DELETE ON staff BEFORE (DELETE FROM emp)"), -19824)
      assert.strictEqual(
        yield* create("CREATE TRIGGER x INSTEAD OF DELETE ON staff FOR EACH ROW WHEN (1 = 1) (DELETE FROM emp)"),
        -19825
      )
      assert.strictEqual(
        yield* create("CREATE TRIGGER x INSTEAD OF INSERT ON staff FOR EACH ROW (EXECUTE PROCEDURE p() INTO eno)"),
        -19823
      )
      assert.strictEqual(yield* create("CREATE TRIGGER x INSERT ON staff FOR EACH ROW (DELETE FROM emp)"), -201)
    }).pipe(Effect.scoped))

  it.live("in an ANSI database a view UPDATE the trigger ran for is no NOT FOUND (SQLCODE 100)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ databases: [{ name: "ansidb", ansi: true }] })
      const client = yield* session(server.port, { database: "ansidb" })
      for (const s of schema) yield* command(client, s)
      yield* command(client, "INSERT INTO staff VALUES (1, 'ann', 'sales')")
      assert.strictEqual(
        tags(yield* command(client, "UPDATE staff SET ename = 'x' WHERE eno = 1")),
        "Describe Done Cost Eot"
      )
      assert.strictEqual(
        tags(yield* command(client, "UPDATE staff SET ename = 'x' WHERE eno = 2")),
        "Describe Done Cost Err Eot"
      )
    }))
})

describe("trigger modes", () => {
  it.live("DISABLED triggers fire for nothing until SET TRIGGERS ... ENABLED; sysobjstate records the mode", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE t (k INT)")
      yield* conn.execute("CREATE TABLE log (k INT)")
      yield* conn.execute(
        "CREATE TRIGGER t_ins INSERT ON t REFERENCING NEW AS n BEFORE (INSERT INTO log VALUES (0)) " +
          "FOR EACH ROW (INSERT INTO log VALUES (n.k)) DISABLED"
      )
      yield* conn.execute("INSERT INTO t VALUES (1)")
      assert.deepStrictEqual(yield* conn.values("SELECT k FROM log"), [])
      assert.deepStrictEqual(yield* conn.values("SELECT objtype, name, state FROM sysobjstate"), [["T", "t_ins", "D"]])
      yield* conn.execute("SET TRIGGERS t_ins ENABLED")
      yield* conn.execute("INSERT INTO t VALUES (2)")
      assert.deepStrictEqual(yield* conn.values("SELECT k FROM log ORDER BY k"), [[0], [2]])
      yield* conn.execute("SET TRIGGERS FOR t DISABLED")
      yield* conn.execute("INSERT INTO t VALUES (3)")
      assert.deepStrictEqual(yield* conn.values("SELECT k FROM log ORDER BY k"), [[0], [2]])
      assert.deepStrictEqual(yield* conn.values("SELECT state FROM sysobjstate"), [["D"]])
      assert.strictEqual(yield* failure(conn.execute("SET TRIGGERS nosuch ENABLED")), -206)
      yield* conn.execute("DROP TRIGGER t_ins")
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM sysobjstate"), [[0]])
    }).pipe(Effect.scoped))
})

describe("EXECUTE PROCEDURE ... INTO in a triggered action", () => {
  it.live("sets columns of the new row (FOR EACH ROW of INSERT / UPDATE triggers)", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE item (k INT, price DECIMAL(8,2), tax DECIMAL(8,2), label VARCHAR(20))")
      yield* conn.execute(
        `CREATE FUNCTION taxes(p DECIMAL(8,2), k INT) RETURNING DECIMAL(8,2), VARCHAR(20);
           RETURN p * 0.2, 'item ' || k;
         END FUNCTION`
      )
      yield* conn.execute(
        `CREATE TRIGGER item_tax INSERT ON item REFERENCING NEW AS n
           FOR EACH ROW (EXECUTE FUNCTION taxes(n.price, n.k) INTO tax, label)`
      )
      yield* conn.execute(
        `CREATE TRIGGER item_retax UPDATE OF price ON item REFERENCING NEW AS n
           FOR EACH ROW (EXECUTE PROCEDURE taxes(n.price, n.k) INTO tax)`
      )
      yield* conn.execute("INSERT INTO item (k, price) VALUES (1, 10)")
      yield* conn.execute("INSERT INTO item (k, price) VALUES (2, 20)")
      yield* conn.execute("UPDATE item SET price = 50 WHERE k = 2")
      assert.deepStrictEqual(
        yield* conn.values("SELECT k, tax::FLOAT, label FROM item ORDER BY k"),
        [[1, 2, "item 1"], [2, 10, "item 2"]]
      )
      // INTO only in FOR EACH ROW of INSERT / UPDATE triggers.
      assert.strictEqual(
        yield* failure(conn.execute("CREATE TRIGGER x DELETE ON item AFTER (EXECUTE PROCEDURE taxes(1, 1) INTO tax)")),
        -201
      )
    }).pipe(Effect.scoped))
})
