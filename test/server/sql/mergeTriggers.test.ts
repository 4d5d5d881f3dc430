/**
 * MERGE fires the target table's triggers through the wire: INSERT triggers for the NOT MATCHED rows it inserts,
 * UPDATE (and UPDATE OF the assigned columns) for the MATCHED rows it updates, DELETE for the rows it deletes, with
 * BEFORE / FOR EACH ROW (REFERENCING OLD/NEW, WHEN) / AFTER actions; a failing action undoes the whole MERGE.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

const schema = [
  "CREATE TABLE stock (sku INT PRIMARY KEY, qty INT, note VARCHAR(10))",
  "CREATE TABLE delivery (sku INT, qty INT)",
  "CREATE TABLE audit (seq SERIAL, op VARCHAR(2), sku INT, old_qty INT, new_qty INT)",
  "CREATE TABLE stats (n INT)",
  "INSERT INTO stats VALUES (0)",
  `CREATE TRIGGER stock_ins INSERT ON stock REFERENCING NEW AS n
     BEFORE (UPDATE stats SET n = n + 1)
     FOR EACH ROW (INSERT INTO audit (op, sku, new_qty) VALUES ('I', n.sku, n.qty))
     AFTER (UPDATE stats SET n = n + 10)`,
  `CREATE TRIGGER stock_upd UPDATE OF qty ON stock REFERENCING OLD AS o NEW AS n
     BEFORE (UPDATE stats SET n = n + 100)
     FOR EACH ROW WHEN (n.qty <> o.qty) (INSERT INTO audit (op, sku, old_qty, new_qty) VALUES ('U', o.sku, o.qty, n.qty))
     AFTER (UPDATE stats SET n = n + 1000)`,
  `CREATE TRIGGER stock_note UPDATE OF note ON stock REFERENCING NEW AS n
     FOR EACH ROW (INSERT INTO audit (op, sku) VALUES ('UN', n.sku))`,
  `CREATE TRIGGER stock_del DELETE ON stock REFERENCING OLD AS o
     FOR EACH ROW (INSERT INTO audit (op, sku, old_qty) VALUES ('D', o.sku, o.qty))`
]

const audit = "SELECT op, sku, old_qty, new_qty FROM audit ORDER BY seq"

describe("MERGE fires triggers", () => {
  it.live("INSERT triggers for NOT MATCHED rows, UPDATE [OF] triggers for MATCHED UPDATE rows", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      for (const s of schema) yield* conn.execute(s)
      yield* conn.execute("INSERT INTO stock VALUES (1, 10, 'a')")
      yield* conn.execute("INSERT INTO stock VALUES (2, 20, 'b')")
      yield* conn.execute("DELETE FROM audit")
      yield* conn.execute("UPDATE stats SET n = 0")
      yield* conn.execute("INSERT INTO delivery VALUES (1, 5)")
      yield* conn.execute("INSERT INTO delivery VALUES (2, 0)")
      yield* conn.execute("INSERT INTO delivery VALUES (3, 7)")
      const merged = yield* conn.execute(
        "MERGE INTO stock s USING delivery d ON s.sku = d.sku " +
          "WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty " +
          "WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.qty)"
      )
      assert.strictEqual(merged.rowsAffected, 3)
      // sku 2 keeps its qty (the WHEN is false for it); the note trigger is not fired (note not assigned).
      assert.deepStrictEqual(yield* conn.values(audit), [["U", 1, 10, 15], ["I", 3, null, 7]])
      // One BEFORE and one AFTER per event: update (+100, +1000), insert (+1, +10).
      assert.deepStrictEqual(yield* conn.values("SELECT n FROM stats"), [[1111]])
      // UPDATE OF note fires only the note trigger.
      yield* conn.execute(
        "MERGE INTO stock s USING delivery d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET note = 'x'"
      )
      assert.deepStrictEqual(
        yield* conn.values("SELECT op, sku FROM audit WHERE op = 'UN' ORDER BY sku"),
        [["UN", 1], ["UN", 2], ["UN", 3]]
      )
      assert.deepStrictEqual(yield* conn.values("SELECT n FROM stats"), [[1111]])
    }).pipe(Effect.scoped))

  it.live("DELETE triggers for MATCHED DELETE rows; a failing action undoes the whole MERGE", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      for (const s of schema) yield* conn.execute(s)
      yield* conn.execute("INSERT INTO stock VALUES (1, 10, 'a')")
      yield* conn.execute("INSERT INTO stock VALUES (2, 20, 'b')")
      yield* conn.execute("INSERT INTO delivery VALUES (2, 1)")
      yield* conn.execute("DELETE FROM audit")
      yield* conn.execute("MERGE INTO stock s USING delivery d ON s.sku = d.sku WHEN MATCHED THEN DELETE")
      assert.deepStrictEqual(yield* conn.values(audit), [["D", 2, 20, null]])
      assert.deepStrictEqual(yield* conn.values("SELECT sku FROM stock"), [[1]])
      // An INSERT trigger action that fails (a NULL into a NOT NULL column)
      // rolls back the MERGE's update step too.
      yield* conn.execute("CREATE TABLE refuse (x INT NOT NULL)")
      yield* conn.execute("DROP TRIGGER stock_ins")
      yield* conn.execute(
        "CREATE TRIGGER stock_ins INSERT ON stock FOR EACH ROW (INSERT INTO refuse (x) VALUES (NULL))"
      )
      yield* conn.execute("INSERT INTO delivery VALUES (1, 3)")
      assert.strictEqual(
        yield* failure(
          conn.execute(
            "MERGE INTO stock s USING delivery d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET qty = 0 " +
              "WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.qty)"
          )
        ),
        -391
      )
      assert.deepStrictEqual(yield* conn.values("SELECT sku, qty FROM stock ORDER BY sku"), [[1, 10]])
      assert.deepStrictEqual(yield* conn.values(audit), [["D", 2, 20, null]])
    }).pipe(Effect.scoped))
})
