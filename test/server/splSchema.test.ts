/**
 * End to end: an application's schema script with constraints, a trigger that writes an audit table, SPL
 * routines (a procedure that raises an error, a function returning rows WITH RESUME, a function used in SELECT, an
 * overloaded procedure) and a view whose INSTEAD OF trigger places orders is loaded into the TestServer and used
 * through InformixClient the way the application would use a real Informix.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Stream from "effect/Stream"
import * as InformixClient from "../../src/InformixClient.ts"
import * as TestServer from "../../src/TestServer.ts"

const script = `
CREATE TABLE customer (
  id SERIAL PRIMARY KEY,
  name VARCHAR(40) NOT NULL UNIQUE,
  credit DECIMAL(10,2) DEFAULT 0 CHECK (credit >= 0)
);
CREATE TABLE product (
  code CHAR(8) PRIMARY KEY,
  title VARCHAR(60) NOT NULL,
  price MONEY(8,2) NOT NULL CHECK (price > 0),
  stock INTEGER NOT NULL
);
CREATE TABLE orders (
  id SERIAL PRIMARY KEY,
  customer INTEGER NOT NULL REFERENCES customer (id),
  placed DATE DEFAULT TODAY,
  status CHAR(1) DEFAULT 'N'
);
CREATE TABLE order_line (
  order_id INTEGER NOT NULL REFERENCES orders (id),
  code CHAR(8) NOT NULL REFERENCES product (code),
  qty INTEGER NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, code)
);
CREATE TABLE stock_audit (
  seq SERIAL,
  code CHAR(8),
  old_stock INTEGER,
  new_stock INTEGER,
  changed_by CHAR(32),
  changed DATE
);
CREATE INDEX ix_orders_customer ON orders (customer);

CREATE TRIGGER product_stock UPDATE OF stock ON product
  REFERENCING OLD AS pre NEW AS post
  FOR EACH ROW WHEN (post.stock <> pre.stock)
    (INSERT INTO stock_audit (code, old_stock, new_stock, changed_by, changed)
       VALUES (post.code, pre.stock, post.stock, USER, TODAY));

CREATE FUNCTION place_order(cust INT, pcode CHAR(8), quantity INT)
  RETURNING INT AS order_id;
  DEFINE available INT;
  DEFINE new_id INT;
  LET available = NULL;
  SELECT stock INTO available FROM product WHERE code = pcode;
  IF available IS NULL THEN
    RAISE EXCEPTION -746, 0, 'unknown product ' || pcode;
  ELIF available < quantity THEN
    RAISE EXCEPTION -746, 0, 'only ' || available || ' left of ' || TRIM(pcode);
  END IF;
  INSERT INTO orders (customer) VALUES (cust);
  LET new_id = DBINFO('sqlca.sqlerrd1');
  INSERT INTO order_line VALUES (new_id, pcode, quantity);
  UPDATE product SET stock = stock - quantity WHERE code = pcode;
  RETURN new_id;
END FUNCTION;

CREATE FUNCTION order_total(oid INT) RETURNING MONEY(10,2);
  DEFINE total MONEY(10,2);
  SELECT SUM(l.qty * p.price) INTO total FROM order_line l, product p WHERE l.order_id = oid AND p.code = l.code;
  RETURN NVL(total, 0);
END FUNCTION;

CREATE FUNCTION customer_orders(cust INT)
  RETURNING INT AS order_id, CHAR(8) AS code, INT AS qty;
  DEFINE o INT; DEFINE c CHAR(8); DEFINE q INT;
  FOREACH SELECT l.order_id, l.code, l.qty INTO o, c, q
            FROM orders r, order_line l WHERE r.customer = cust AND l.order_id = r.id ORDER BY l.order_id
    RETURN o, c, q WITH RESUME;
  END FOREACH;
END FUNCTION;

CREATE PROCEDURE restock(pcode CHAR(8), quantity INT)
  IF quantity <= 0 THEN RAISE EXCEPTION -746, 0, 'restock needs a positive quantity'; END IF;
  UPDATE product SET stock = stock + quantity WHERE code = pcode;
END PROCEDURE;

CREATE PROCEDURE restock(pcode CHAR(8))
  CALL restock(pcode, 10);
END PROCEDURE;

CREATE VIEW open_orders (customer_name, code, qty) AS
  SELECT c.name, l.code, l.qty FROM customer c, orders r, order_line l
   WHERE r.customer = c.id AND l.order_id = r.id AND r.status = 'N';

CREATE TRIGGER open_orders_ins INSTEAD OF INSERT ON open_orders REFERENCING NEW AS n
  FOR EACH ROW (EXECUTE FUNCTION place_order((SELECT id FROM customer WHERE name = n.customer_name), n.code, n.qty));
`

/**
 * Splits a schema script like dbaccess does: at top-level `;`, except inside CREATE PROCEDURE/FUNCTION ... END
 * PROCEDURE/FUNCTION (whose statements end with `;` too).
 */
const statements = (text: string): Array<string> => {
  const out: Array<string> = []
  let current = ""
  let inRoutine = false
  for (const line of text.split("\n")) {
    if (/^\s*CREATE\s+(DBA\s+)?(PROCEDURE|FUNCTION)\b/i.test(line)) inRoutine = true
    current += `${line}\n`
    const endsRoutine = /^\s*END\s+(PROCEDURE|FUNCTION)\s*;\s*$/i.test(line)
    if ((inRoutine && endsRoutine) || (!inRoutine && /;\s*$/.test(line))) {
      out.push(current.trim().replace(/;$/, ""))
      current = ""
      inRoutine = false
    }
  }
  return out
}

describe("an application's schema with triggers and SPL", () => {
  it.live("loads and behaves like Informix: orders, audit trail, raised errors, rows WITH RESUME, functions in SELECT", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const sql = yield* InformixClient.make({ url: server.url, maxConnections: 2 }).pipe(
        Effect.provide(Reactivity.layer)
      )
      const parts = statements(script)
      assert.strictEqual(parts.length, 14)
      for (const statement of parts) yield* sql.unsafe(statement)

      yield* sql`INSERT INTO customer (name, credit) VALUES ('Acme', 100)`
      yield* sql`INSERT INTO customer (name) VALUES ('Globex')`
      yield* sql`INSERT INTO product VALUES ('PEN', 'Ballpoint pen', 1.25, 100)`
      yield* sql`INSERT INTO product VALUES ('LAMP', 'Desk lamp', 30.00, 2)`

      const first = yield* sql<{ order_id: number }>`EXECUTE FUNCTION place_order(${1}, ${"PEN"}, ${10})`
      const second = yield* sql<{ order_id: number }>`EXECUTE FUNCTION place_order(${1}, ${"LAMP"}, ${2})`
      assert.deepStrictEqual([first, second], [[{ order_id: 1 }], [{ order_id: 2 }]])

      // Not enough lamps left: the procedure's RAISE EXCEPTION reaches the application with its code and text.
      const refused = yield* Effect.flip(sql`EXECUTE FUNCTION place_order(${2}, ${"LAMP"}, ${1})`)
      const cause = refused.reason.cause as { readonly sqlcode: number; readonly parameter: string }
      assert.deepStrictEqual([cause.sqlcode, cause.parameter], [-746, "only 0 left of LAMP"])
      // Foreign keys still hold inside routines: an unknown customer fails the INSERT INTO orders.
      const orphan = yield* Effect.flip(sql`EXECUTE FUNCTION place_order(${99}, ${"PEN"}, ${1})`)
      assert.strictEqual((orphan.reason.cause as { readonly sqlcode: number }).sqlcode, -691)

      // A transaction the application rolls back takes the routine's writes and the trigger's audit rows with it.
      yield* Effect.ignore(sql.withTransaction(Effect.andThen(
        sql`EXECUTE PROCEDURE restock(${"LAMP"}, ${5})`,
        Effect.fail("cancelled" as const)
      )))
      yield* sql`EXECUTE PROCEDURE restock(${"PEN"}, ${3})`

      const audit = yield* sql<{ code: string; old_stock: number; new_stock: number; changed_by: string }>`
        SELECT code, old_stock, new_stock, changed_by FROM stock_audit ORDER BY seq`
      assert.deepStrictEqual(audit.map((r) => [r.code.trim(), r.old_stock, r.new_stock, r.changed_by.trim()]), [
        ["PEN", 100, 90, server.user],
        ["LAMP", 2, 0, server.user],
        ["PEN", 90, 93, server.user]
      ])

      const lines = yield* Stream.runCollect(
        sql<{ order_id: number; code: string; qty: number }>`
        EXECUTE FUNCTION customer_orders(${1})`.stream
      )
      assert.deepStrictEqual(Array.from(lines).map((r) => [r.order_id, r.code.trim(), r.qty]), [[1, "PEN", 10], [
        2,
        "LAMP",
        2
      ]])
      // order_total is MONEY(10,2): described from its RETURNING clause, read as a decimal.
      const totals = yield* sql<{ id: number; total: BigDecimal.BigDecimal }>`
        SELECT id, order_total(id) AS total FROM orders ORDER BY id`
      assert.deepStrictEqual(totals.map((r) => [r.id, BigDecimal.format(r.total)]), [[1, "12.5"], [2, "60"]])
      assert.deepStrictEqual(
        yield* sql`SELECT procname FROM sysprocedures ORDER BY procname`,
        [
          { procname: "customer_orders" },
          { procname: "order_total" },
          { procname: "place_order" },
          { procname: "restock" },
          { procname: "restock" }
        ]
      )
      // An order placed through the view: its INSTEAD OF trigger calls place_order (whose stock update fires the
      // audit trigger in turn); the one-argument restock overload restocks by 10.
      const placed = yield* sql`INSERT INTO open_orders VALUES (${"Globex"}, ${"PEN"}, ${5})`.raw
      assert.strictEqual((placed as { rowsAffected: number }).rowsAffected, 1)
      assert.deepStrictEqual(yield* sql`SELECT code, qty FROM open_orders WHERE customer_name = ${"Globex"}`, [
        { code: "PEN     ", qty: 5 }
      ])
      yield* sql`EXECUTE PROCEDURE restock(${"LAMP"})`
      assert.deepStrictEqual(yield* sql`SELECT code, stock FROM product ORDER BY code`, [
        { code: "LAMP    ", stock: 10 },
        { code: "PEN     ", stock: 88 }
      ])
    }).pipe(Effect.scoped))
})
