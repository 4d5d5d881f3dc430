/**
 * MERGE through the wire: matched rows updated or deleted, unmatched ones inserted, with bound parameters in the
 * source query, and the syntax Informix refuses answered with -201.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

describe("MERGE", () => {
  it.live("updates matched rows and inserts the others; DELETE removes matched rows", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE stock (sku INT PRIMARY KEY, qty INT, note VARCHAR(10))")
      yield* conn.execute("CREATE TABLE delivery (sku INT, qty INT)")
      yield* conn.execute("INSERT INTO stock VALUES (1, 10, 'old')")
      yield* conn.execute("INSERT INTO delivery VALUES (1, 5)")
      yield* conn.execute("INSERT INTO delivery VALUES (2, 7)")
      const merged = yield* conn.execute(
        "MERGE INTO stock s USING delivery d ON s.sku = d.sku " +
          "WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty, note = 'upd' " +
          "WHEN NOT MATCHED THEN INSERT (sku, qty, note) VALUES (d.sku, d.qty, 'new')"
      )
      assert.strictEqual(merged.rowsAffected, 2)
      assert.deepStrictEqual(yield* conn.values("SELECT sku, qty, note FROM stock ORDER BY sku"), [
        [1, 15, "upd"],
        [2, 7, "new"]
      ])
      // A parameterised source (an application's upsert), then DELETE of matched rows.
      yield* conn.execute(
        "MERGE INTO stock USING (SELECT ? AS sku, ? AS qty FROM systables WHERE tabid = 1) n ON stock.sku = n.sku " +
          "WHEN MATCHED THEN UPDATE SET qty = n.qty WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (n.sku, n.qty)",
        [3, 1]
      )
      yield* conn.execute(
        "MERGE INTO stock USING delivery d ON stock.sku = d.sku AND d.qty > 6 WHEN MATCHED THEN DELETE"
      )
      assert.deepStrictEqual(yield* conn.values("SELECT sku, qty FROM stock ORDER BY sku"), [[1, 15], [3, 1]])
      assert.strictEqual(
        yield* failure(conn.execute("MERGE INTO stock USING delivery d ON stock.sku = d.sku WHEN MATCHED THEN UPSERT")),
        -201
      )
      assert.strictEqual(
        yield* failure(
          conn.execute("MERGE INTO stock USING nosuch d ON stock.sku = d.sku WHEN MATCHED THEN DELETE")
        ),
        -206
      )
      // A unique violation in the INSERT step undoes the UPDATE step too.
      yield* conn.execute("INSERT INTO delivery VALUES (9, 1)")
      yield* conn.execute("INSERT INTO delivery VALUES (9, 2)")
      assert.strictEqual(
        yield* failure(
          conn.execute(
            "MERGE INTO stock s USING delivery d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET qty = 0 " +
              "WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.qty)"
          )
        ),
        -268
      )
      assert.deepStrictEqual(yield* conn.values("SELECT sku, qty FROM stock ORDER BY sku"), [[1, 15], [3, 1]])
    }).pipe(Effect.scoped))
})
