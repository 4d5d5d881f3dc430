/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the error union */
/**
 * SPL routines and triggers of the TestServer engine, through the wire with our Connection: CREATE PROCEDURE /
 * FUNCTION with every SPL statement the engine supports, EXECUTE PROCEDURE / FUNCTION (a function returning rows is
 * read as a cursor), functions in SELECT, RAISE EXCEPTION reaching the client as SqlError, ON EXCEPTION, the
 * routine and trigger catalog, triggers around INSERT / UPDATE [OF] / DELETE, and the -201s for what is refused.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Connection from "../../src/Connection.ts"
import type { InformixError } from "../../src/InformixError.ts"
import { serverAndConnection } from "../connectionSupport.ts"

const setup = serverAndConnection

const sqlError = <A>(exit: Exit.Exit<A, InformixError>) => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Cause.squash((exit as Exit.Failure<A, InformixError>).cause) as InformixError
  assert.strictEqual(error._tag, "SqlError", `expected SqlError, got ${error._tag}: ${error.message}`)
  return error as Extract<InformixError, { _tag: "SqlError" }>
}

describe("SPL procedures and functions", () => {
  it.live("parameters with DEFAULT, RETURNING several named values, EXECUTE FUNCTION with bound parameters", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute(`
        CREATE FUNCTION scale(x INT, factor INT DEFAULT 10, label VARCHAR(20) DEFAULT 'n')
          RETURNING INT AS scaled, VARCHAR(40) AS tag;
          DEFINE r INT;
          LET r = x * factor;
          RETURN r, label || ':' || r;
        END FUNCTION`)
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION scale(?)", [4]), [{ scaled: 40, tag: "n:40" }])
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION scale(?, ?, ?)", [4, 3, "k"]), [{
        scaled: 12,
        tag: "k:12"
      }])
      // Too many arguments: the routine cannot be resolved.
      assert.strictEqual(sqlError(yield* Effect.exit(conn.query("EXECUTE FUNCTION scale(1, 2, 'a', 4)"))).sqlcode, -674)
      assert.strictEqual(sqlError(yield* Effect.exit(conn.query("EXECUTE FUNCTION nosuch(1)"))).sqlcode, -674)
    }).pipe(Effect.scoped))

  it.live("LET with several targets, LET a, b = (SELECT ...), IF/ELIF/ELSE, FOR ranges and lists, WHILE, EXIT, CONTINUE", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE kv (k INT, v VARCHAR(10))")
      yield* conn.execute("INSERT INTO kv VALUES (1, 'one')")
      yield* conn.execute(`
        CREATE FUNCTION flow(n INT) RETURNING INT AS total, VARCHAR(10) AS size, INT AS listed, INT AS looped, VARCHAR(10) AS name;
          DEFINE i, total, listed, looped INT;
          DEFINE key LIKE kv.k;
          DEFINE size, name LIKE kv.v;
          LET total, listed = 0, 0;
          FOR i = 1 TO n STEP 2
            IF i = 5 THEN CONTINUE FOR; END IF;
            LET total = total + i;
          END FOR;
          FOR i IN (10, 20 TO 22, 100)
            IF i = 100 THEN EXIT FOR; END IF;
            LET listed = listed + i;
          END FOR;
          LET looped = 0;
          WHILE looped < 1000
            LET looped = looped + 7;
            IF looped > 20 THEN EXIT WHILE; END IF;
          END WHILE;
          IF total > 100 THEN LET size = 'big';
          ELIF total > 10 THEN LET size = 'medium';
          ELSE LET size = 'small';
          END IF;
          LET key, name = (SELECT k, v FROM kv WHERE k = 1);
          RETURN total, size, listed, looped, name;
        END FUNCTION`)
      // 1 + 3 + 7 + 9 (5 skipped) = 20; 10 + 20 + 21 + 22 = 73; 7, 14, 21.
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION flow(10)"), [{
        total: 20,
        size: "medium",
        listed: 73,
        looped: 21,
        name: "one"
      }])
      assert.deepStrictEqual((yield* conn.query("EXECUTE FUNCTION flow(1)"))[0]!.size, "small")
      yield* conn.execute(`
        CREATE FUNCTION fact(n INT) RETURNING INT;
          IF n <= 1 THEN RETURN 1; END IF;
          RETURN n * fact(n - 1);
        END FUNCTION`)
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION fact(6)"), [[720]])
      // The FOR statement declares its variable when no DEFINE did.
      yield* conn.execute(`
        CREATE FUNCTION sum_to(n INT) RETURNING INT;
          DEFINE s INT;
          LET s = 0;
          FOR k = 1 TO n LET s = s + k; END FOR;
          RETURN s;
        END FUNCTION`)
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION sum_to(4)"), [[10]])
    }).pipe(Effect.scoped))

  it.live("FOREACH over a SELECT (WHERE CURRENT OF) and EXECUTE FUNCTION; RETURN WITH RESUME is read as a cursor; CALL RETURNING", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE item (id SERIAL, name VARCHAR(20), price DECIMAL(8,2))")
      for (const [name, price] of [["pen", "1.50"], ["book", "12.00"], ["lamp", "30.25"]]) {
        yield* conn.execute("INSERT INTO item (name, price) VALUES (?, ?)", [name, price])
      }
      yield* conn.execute(`
        CREATE FUNCTION pricey(floor DECIMAL(8,2)) RETURNING INT AS id, VARCHAR(20) AS name;
          DEFINE i INT; DEFINE n VARCHAR(20);
          FOREACH cur WITH HOLD FOR SELECT id, name INTO i, n FROM item WHERE price >= floor ORDER BY id
            RETURN i, n WITH RESUME;
          END FOREACH;
        END FUNCTION`)
      yield* conn.execute(`
        CREATE PROCEDURE discount(pct INT)
          DEFINE p DECIMAL(8,2);
          FOREACH upd FOR SELECT price INTO p FROM item i WHERE price > 10 FOR UPDATE
            UPDATE item SET price = p - p * pct / 100 WHERE CURRENT OF upd;
          END FOREACH;
        END PROCEDURE`)
      yield* conn.execute(`
        CREATE FUNCTION names(floor DECIMAL(8,2)) RETURNING VARCHAR(200) AS joined, INT AS n;
          DEFINE i, k INT; DEFINE n, all VARCHAR(200);
          LET all = ''; LET k = 0;
          FOREACH EXECUTE FUNCTION pricey(floor) INTO i, n
            LET all = all || n || ';';
            LET k = k + 1;
          END FOREACH;
          RETURN all, k;
        END FUNCTION`)
      yield* conn.execute(`
        CREATE PROCEDURE counted() RETURNING INT;
          DEFINE j INT; DEFINE s VARCHAR(200);
          CALL names(0) RETURNING s, j;
          RETURN j;
        END PROCEDURE`)
      const streamed = yield* Stream.runCollect(conn.stream("EXECUTE FUNCTION pricey(?)", ["10"]))
      assert.deepStrictEqual(Array.from(streamed), [{ id: 2, name: "book" }, { id: 3, name: "lamp" }])
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION pricey(100)"), [])
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION names(2)"), [{ joined: "book;lamp;", n: 2 }])
      assert.deepStrictEqual(yield* conn.values("EXECUTE PROCEDURE counted()"), [[3]])
      // WHERE CURRENT OF the FOREACH cursor updates the row it is on.
      yield* conn.execute("EXECUTE PROCEDURE discount(10)")
      assert.deepStrictEqual(
        (yield* conn.values("SELECT price FROM item ORDER BY id")).map((r) =>
          BigDecimal.format(r[0] as BigDecimal.BigDecimal)
        ),
        ["1.5", "10.8", "27.23"]
      )
    }).pipe(Effect.scoped))

  it.live("DEFINE GLOBAL keeps its value across calls of one session, not across sessions", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup
      yield* conn.execute(`
        CREATE FUNCTION tick() RETURNING INT;
          DEFINE GLOBAL counter INT DEFAULT 100;
          LET counter = counter + 1;
          RETURN counter;
        END FUNCTION`)
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION tick()"), [[101]])
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION tick()"), [[102]])
      const other = yield* Connection.make(server.url)
      assert.deepStrictEqual(yield* other.values("EXECUTE FUNCTION tick()"), [[101]])
    }).pipe(Effect.scoped))

  it.live("RAISE EXCEPTION reaches the client as SqlError with its sqlcode, isam code and text", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute(`
        CREATE PROCEDURE check_qty(q INT)
          IF q < 0 THEN RAISE EXCEPTION -746, -120, 'negative quantity ' || q; END IF;
          IF q > 1000 THEN RAISE EXCEPTION -1214; END IF;
        END PROCEDURE`)
      const raised = sqlError(yield* Effect.exit(conn.execute("EXECUTE PROCEDURE check_qty(?)", [-3])))
      assert.strictEqual(raised.sqlcode, -746)
      assert.strictEqual(raised.isamCode, -120)
      assert.strictEqual(raised.parameter, "negative quantity -3")
      assert.strictEqual(sqlError(yield* Effect.exit(conn.execute("EXECUTE PROCEDURE check_qty(5000)"))).sqlcode, -1214)
      yield* conn.execute("EXECUTE PROCEDURE check_qty(5)")
    }).pipe(Effect.scoped))

  it.live("ON EXCEPTION [IN (...)] SET ... handles errors; WITH RESUME continues after the failing statement", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE u (id INT PRIMARY KEY)")
      yield* conn.execute(`
        CREATE FUNCTION guarded(x INT) RETURNING INT AS code, VARCHAR(80) AS text, INT AS after;
          DEFINE code, isam, after INT; DEFINE text VARCHAR(80);
          LET after = 0;
          ON EXCEPTION IN (-268, -239) SET code, isam, text
            RETURN code, 'duplicate', after;
          END EXCEPTION;
          INSERT INTO u VALUES (x);
          LET after = 1;
          RETURN 0, 'inserted', after;
        END FUNCTION`)
      yield* conn.execute(`
        CREATE FUNCTION resumed() RETURNING INT AS steps;
          DEFINE steps INT;
          LET steps = 0;
          ON EXCEPTION
            LET steps = steps + 100;
          END EXCEPTION WITH RESUME;
          LET steps = steps + 1;
          RAISE EXCEPTION -999;
          LET steps = steps + 1;
          RETURN steps;
        END FUNCTION`)
      yield* conn.execute(`
        CREATE PROCEDURE unhandled()
          ON EXCEPTION IN (-100) END EXCEPTION;
          RAISE EXCEPTION -746, 0, 'not handled';
        END PROCEDURE`)
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION guarded(1)"), [{
        code: 0,
        text: "inserted",
        after: 1
      }])
      const dup = yield* conn.query("EXECUTE FUNCTION guarded(1)")
      assert.include([-268, -239], dup[0]!.code)
      assert.deepStrictEqual([dup[0]!.text, dup[0]!.after], ["duplicate", 0])
      assert.deepStrictEqual(yield* conn.query("EXECUTE FUNCTION resumed()"), [{ steps: 102 }])
      assert.strictEqual(sqlError(yield* Effect.exit(conn.execute("EXECUTE PROCEDURE unhandled()"))).sqlcode, -746)
    }).pipe(Effect.scoped))

  it.live("SQL inside a routine runs in the session's transaction", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE TABLE ledger (amount INT)")
      yield* conn.execute(`
        CREATE PROCEDURE book(a INT)
          INSERT INTO ledger VALUES (a);
        END PROCEDURE`)
      yield* conn.execute("BEGIN WORK")
      yield* conn.execute("EXECUTE PROCEDURE book(5)")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM ledger"), [[1]])
      yield* conn.execute("ROLLBACK WORK")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM ledger"), [[0]])
      yield* conn.execute("CALL book(7)")
      assert.deepStrictEqual(yield* conn.values("SELECT amount FROM ledger"), [[7]])
    }).pipe(Effect.scoped))

  it.live("functions are usable in SELECT, also by sessions opened before they were created", () =>
    Effect.gen(function*() {
      const { conn, server } = yield* setup
      const early = yield* Connection.make(server.url)
      yield* early.values("SELECT count(*) FROM systables")
      yield* conn.execute("CREATE TABLE nums (n INT)")
      yield* conn.execute("INSERT INTO nums VALUES (3)")
      yield* conn.execute("INSERT INTO nums VALUES (4)")
      yield* conn.execute(`
        CREATE FUNCTION square(x INT) RETURNING INT;
          RETURN x * x;
        END FUNCTION`)
      assert.deepStrictEqual(yield* conn.values("SELECT n, square(n) FROM nums ORDER BY n"), [[3, 9], [4, 16]])
      assert.deepStrictEqual(yield* early.values("SELECT square(n) + 1 FROM nums WHERE n = 4"), [[17]])
      // Described from the RETURNING type, so a bound argument still gives an INTEGER column.
      assert.deepStrictEqual(yield* conn.values("SELECT square(?) FROM nums WHERE n = 3", [5]), [[25]])
    }).pipe(Effect.scoped))

  it.live("DROP PROCEDURE / FUNCTION / ROUTINE; sysprocedures, sysprocbody and sysprocplan rows", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute("CREATE DBA PROCEDURE p1(a INT) END PROCEDURE")
      yield* conn.execute("CREATE FUNCTION f1() RETURNING INT; RETURN 1; END FUNCTION")
      const rows = yield* conn.query(
        "SELECT procname, mode, numargs, isproc, retsize FROM sysprocedures ORDER BY procname"
      )
      assert.deepStrictEqual(rows, [
        { procname: "f1", mode: "O", numargs: 0, isproc: "f", retsize: 1 },
        { procname: "p1", mode: "D", numargs: 1, isproc: "t", retsize: 0 }
      ])
      const body = yield* conn.values(
        "SELECT b.data FROM sysprocbody b, sysprocedures p WHERE b.procid = p.procid AND p.procname = 'f1' " +
          "AND b.datakey = 'T'"
      )
      assert.match(String(body[0]![0]), /^CREATE FUNCTION f1\(\) RETURNING INT; RETURN 1; END FUNCTION/)
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM sysprocplan"), [[2]])
      yield* conn.execute("DROP PROCEDURE p1")
      yield* conn.execute("DROP ROUTINE f1")
      yield* conn.execute("DROP FUNCTION IF EXISTS f1")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM sysprocedures"), [[0]])
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM sysprocbody"), [[0]])
      assert.strictEqual(sqlError(yield* Effect.exit(conn.execute("EXECUTE PROCEDURE p1(1)"))).sqlcode, -674)
      assert.strictEqual(sqlError(yield* Effect.exit(conn.execute("DROP PROCEDURE p1"))).sqlcode, -674)
    }).pipe(Effect.scoped))

  it.live("refused: SYSTEM at run time (-668), OUT parameters of a procedure (-9715) and bad SPL syntax (-201 at the token); TRACE is accepted", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      yield* conn.execute(`
        CREATE PROCEDURE shell()
          TRACE ON;
          SYSTEM 'rm -rf /tmp/x';
        END PROCEDURE`)
      assert.strictEqual(sqlError(yield* Effect.exit(conn.execute("EXECUTE PROCEDURE shell()"))).sqlcode, -668)
      const outParam = "CREATE PROCEDURE o(OUT x INT) END PROCEDURE"
      const out = sqlError(yield* Effect.exit(conn.execute(outParam)))
      assert.deepStrictEqual([out.sqlcode, out.offset], [-9715, outParam.indexOf("OUT")])
      const badText = "CREATE PROCEDURE b() LET x 1; END PROCEDURE"
      const bad = sqlError(yield* Effect.exit(conn.execute(badText)))
      assert.deepStrictEqual([bad.sqlcode, bad.offset], [-201, badText.indexOf("1;")])
      const noEnd = sqlError(yield* Effect.exit(conn.execute("CREATE PROCEDURE b() LET x = 1;")))
      assert.strictEqual(noEnd.sqlcode, -201)
    }).pipe(Effect.scoped))
})

describe("triggers", () => {
  const schema = [
    "CREATE TABLE account (id SERIAL PRIMARY KEY, owner VARCHAR(20), balance INT, note VARCHAR(20))",
    "CREATE TABLE audit (seq SERIAL, op CHAR(1), account INT, old_balance INT, new_balance INT)",
    "CREATE TABLE stats (statements INT)",
    "INSERT INTO stats VALUES (0)",
    `CREATE PROCEDURE guard(b INT)
       IF b < 0 THEN RAISE EXCEPTION -746, 0, 'overdrawn'; END IF;
     END PROCEDURE`,
    `CREATE TRIGGER account_ins INSERT ON account REFERENCING NEW AS n
       FOR EACH ROW (INSERT INTO audit (op, account, new_balance) VALUES ('I', n.id, n.balance))`,
    `CREATE TRIGGER account_upd UPDATE OF balance ON account REFERENCING OLD AS o NEW AS n
       BEFORE (UPDATE stats SET statements = statements + 1)
       FOR EACH ROW WHEN (n.balance <> o.balance)
         (EXECUTE PROCEDURE guard(n.balance),
          INSERT INTO audit (op, account, old_balance, new_balance) VALUES ('U', o.id, o.balance, n.balance))
       AFTER (UPDATE stats SET statements = statements + 10)`,
    `CREATE TRIGGER account_del DELETE ON account REFERENCING OLD AS o
       FOR EACH ROW WHEN (o.balance > 0) (INSERT INTO audit (op, account, old_balance) VALUES ('D', o.id, o.balance))`
  ]

  it.live("INSERT / UPDATE OF / DELETE triggers with BEFORE, FOR EACH ROW (WHEN, OLD/NEW) and AFTER actions", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      for (const s of schema) yield* conn.execute(s)
      yield* conn.execute("INSERT INTO account (owner, balance) VALUES ('ann', 10)")
      yield* conn.execute("INSERT INTO account (owner, balance) VALUES ('bob', 0)")
      // Both rows change, one keeps its balance (WHEN false for it); the note column does not fire the trigger.
      yield* conn.execute("UPDATE account SET balance = balance + 5 WHERE owner = 'ann'")
      yield* conn.execute("UPDATE account SET balance = balance WHERE owner = 'bob'")
      yield* conn.execute("UPDATE account SET note = 'x'")
      yield* conn.execute("DELETE FROM account")
      assert.deepStrictEqual(
        yield* conn.values("SELECT op, account, old_balance, new_balance FROM audit ORDER BY seq"),
        [["I", 1, null, 10], ["I", 2, null, 0], ["U", 1, 10, 15], ["D", 1, 15, null]]
      )
      // Two UPDATEs of balance: BEFORE (+1) and AFTER (+10) each, whether or not rows matched the WHEN.
      assert.deepStrictEqual(yield* conn.values("SELECT statements FROM stats"), [[22]])
      const rows = yield* conn.query("SELECT trigname, event, old, new FROM systriggers ORDER BY trigid")
      assert.deepStrictEqual(rows.map((r) => [r.trigname, r.event, r.old, r.new]), [
        ["account_ins", "I", null, "n"],
        ["account_upd", "U", "o", "n"],
        ["account_del", "D", "o", null]
      ])
    }).pipe(Effect.scoped))

  it.live("a failing action (RAISE EXCEPTION in a procedure) rolls back the statement and its actions", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      for (const s of schema) yield* conn.execute(s)
      yield* conn.execute("INSERT INTO account (owner, balance) VALUES ('ann', 10)")
      const failed = sqlError(yield* Effect.exit(conn.execute("UPDATE account SET balance = -1")))
      assert.deepStrictEqual([failed.sqlcode, failed.parameter], [-746, "overdrawn"])
      assert.deepStrictEqual(yield* conn.values("SELECT balance FROM account"), [[10]])
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM audit"), [[1]])
      assert.deepStrictEqual(yield* conn.values("SELECT statements FROM stats"), [[0]])
      // Inside a transaction the failed statement is undone and the transaction goes on.
      yield* conn.execute("BEGIN WORK")
      yield* conn.execute("INSERT INTO account (owner, balance) VALUES ('cy', 1)")
      sqlError(yield* Effect.exit(conn.execute("UPDATE account SET balance = -5 WHERE owner = 'cy'")))
      yield* conn.execute("COMMIT WORK")
      assert.deepStrictEqual(yield* conn.values("SELECT owner, balance FROM account ORDER BY id"), [["ann", 10], [
        "cy",
        1
      ]])
    }).pipe(Effect.scoped))

  it.live("DROP TRIGGER stops it; DROP TABLE drops its triggers; a bad trigger event is -201 at its token", () =>
    Effect.gen(function*() {
      const { conn } = yield* setup
      for (const s of schema) yield* conn.execute(s)
      yield* conn.execute("DROP TRIGGER account_ins")
      yield* conn.execute("INSERT INTO account (owner, balance) VALUES ('ann', 10)")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM audit"), [[0]])
      assert.strictEqual(sqlError(yield* Effect.exit(conn.execute("DROP TRIGGER account_ins"))).sqlcode, -206)
      yield* conn.execute("DROP TABLE account")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM systriggers"), [[0]])
      const text = "CREATE TRIGGER s MERGE ON audit FOR EACH ROW (INSERT INTO stats VALUES (1))"
      const refused = sqlError(yield* Effect.exit(conn.execute(text)))
      assert.deepStrictEqual([refused.sqlcode, refused.offset], [-201, text.indexOf("MERGE")])
    }).pipe(Effect.scoped))
})
