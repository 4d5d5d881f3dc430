/**
 * An application's schema script replayed against the TestServer as its own test suite would: tables with
 * constraints, a sequence for keys, synonyms, an audit table the application role may only append to, grants for
 * that role; then the application's statements as its (non-DBA) user. (Triggers and SPL are not part of this
 * script.)
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

const schema = [
  "CREATE TABLE customer (cust_id INT8 PRIMARY KEY, name VARCHAR(40) NOT NULL, created DATE DEFAULT TODAY)",
  "CREATE TABLE orders (order_id INT8 PRIMARY KEY, cust_id INT8 NOT NULL REFERENCES customer (cust_id) " +
  "CONSTRAINT fk_orders_cust, amount DECIMAL(10,2) CHECK (amount >= 0) CONSTRAINT ck_amount, status CHAR(1) DEFAULT 'N')",
  "CREATE INDEX ix_orders_cust ON orders (cust_id)",
  "CREATE SEQUENCE customer_seq START WITH 1000 INCREMENT BY 1 NOCYCLE CACHE 20",
  "CREATE SEQUENCE order_seq START WITH 1",
  "CREATE TABLE audit_log (audit_id SERIAL, who VARCHAR(32) DEFAULT USER, what VARCHAR(80), at DATETIME YEAR TO SECOND DEFAULT CURRENT YEAR TO SECOND)",
  "CREATE PUBLIC SYNONYM cust FOR customer",
  "CREATE ROLE app_role",
  "REVOKE ALL ON audit_log FROM PUBLIC",
  "REVOKE ALL ON customer FROM PUBLIC",
  "REVOKE ALL ON orders FROM PUBLIC",
  "GRANT SELECT, INSERT, UPDATE ON customer TO app_role",
  "GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO app_role",
  "GRANT INSERT, SELECT ON audit_log TO app_role",
  "GRANT CONNECT TO appuser",
  "GRANT app_role TO appuser",
  "GRANT DEFAULT ROLE app_role TO appuser"
]

describe("an application schema", () => {
  it.live("loads, and the application works within its grants", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith({ users: { informix: "in4mix", appuser: "secret" } })
      for (const statement of schema) yield* conn.execute(statement)
      const app = yield* connect("appuser")
      // New customer and order with sequence keys, through the synonym; the audit row records the user.
      yield* app.execute("INSERT INTO cust (cust_id, name) VALUES (customer_seq.NEXTVAL, ?)", ["Acme"])
      const [[custId]] = yield* app.values("SELECT customer_seq.CURRVAL FROM systables WHERE tabid = 1")
      assert.strictEqual(custId, 1000n)
      yield* app.execute("INSERT INTO orders (order_id, cust_id, amount) VALUES (order_seq.NEXTVAL, ?, ?)", [
        custId,
        "12.50"
      ])
      yield* app.execute("INSERT INTO audit_log (what) VALUES ('order created')")
      assert.deepStrictEqual(
        yield* app.values(
          "SELECT c.name, o.order_id, o.status FROM cust c, orders o WHERE o.cust_id = c.cust_id AND c.cust_id = ?",
          [custId]
        ),
        [["Acme", 1n, "N"]]
      )
      assert.deepStrictEqual(yield* app.values("SELECT who, what FROM audit_log"), [["appuser", "order created"]])
      // Constraints hold; the audit table is append-only for the application; an upsert through MERGE works.
      assert.strictEqual(
        yield* failure(app.execute("INSERT INTO orders (order_id, cust_id, amount) VALUES (99, 1, 1)")),
        -691
      )
      assert.strictEqual(yield* failure(app.execute("UPDATE orders SET amount = -1")), -530)
      assert.strictEqual(yield* failure(app.execute("DELETE FROM audit_log")), -274)
      assert.strictEqual(yield* failure(app.execute("UPDATE audit_log SET what = 'nothing happened'")), -273)
      assert.strictEqual(yield* failure(app.execute("DELETE FROM customer")), -274)
      yield* app.execute(
        "MERGE INTO orders o USING (SELECT ? AS id, ? AS st FROM systables WHERE tabid = 1) n ON o.order_id = n.id " +
          "WHEN MATCHED THEN UPDATE SET status = n.st",
        [1, "S"]
      )
      assert.deepStrictEqual(yield* app.values("SELECT status FROM orders WHERE order_id = 1"), [["S"]])
      // The schema is in the catalog.
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT tabname, tabtype FROM systables WHERE tabid >= 100 ORDER BY tabid"
        ),
        [["customer", "T"], ["orders", "T"], ["customer_seq", "Q"], ["order_seq", "Q"], ["audit_log", "T"], [
          "cust",
          "S"
        ]]
      )
    }).pipe(Effect.scoped))
})
