/**
 * RENAME, TRUNCATE, ALTER TABLE (ADD / DROP / MODIFY / constraints), ALTER INDEX, CREATE TABLE ... AS SELECT and
 * synonyms through the wire: the data, the constraints and the catalog (systables, syscolumns, sysindexes) stay true
 * after each.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

const columnsOf = (table: string) =>
  `SELECT colname, coltype, collength FROM syscolumns c, systables t WHERE c.tabid = t.tabid AND t.tabname = '${table}' ORDER BY colno`

describe("table DDL", () => {
  it.live("RENAME TABLE / COLUMN / INDEX keep data, serials, indexes and the catalog", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE items (id SERIAL, name VARCHAR(20), price DECIMAL(8,2))")
      yield* conn.execute("CREATE INDEX ix_items_name ON items (name)")
      yield* conn.execute("INSERT INTO items (name, price) VALUES ('a', 1.5)")
      yield* conn.execute("RENAME TABLE items TO goods")
      yield* conn.execute("RENAME COLUMN goods.name TO title")
      yield* conn.execute("RENAME INDEX ix_items_name TO ix_goods_title")
      const inserted = yield* conn.execute("INSERT INTO goods (title, price) VALUES ('b', 2)")
      assert.strictEqual(inserted.serial, 2)
      assert.deepStrictEqual(yield* conn.values("SELECT id, title FROM goods ORDER BY id"), [[1, "a"], [2, "b"]])
      assert.strictEqual(yield* failure(conn.values("SELECT * FROM items")), -206)
      assert.deepStrictEqual(yield* conn.values(columnsOf("goods")), [["id", 262, 4], ["title", 13, 20], [
        "price",
        5,
        2050
      ]])
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT idxname FROM sysindexes i, systables t WHERE i.tabid = t.tabid AND tabname = 'goods'"
        ),
        [["ix_goods_title"]]
      )
      yield* conn.execute("ALTER INDEX ix_goods_title TO CLUSTER")
      assert.strictEqual(yield* failure(conn.execute("ALTER INDEX nosuch TO NOT CLUSTER")), -319)
      assert.strictEqual(yield* failure(conn.execute("RENAME COLUMN goods.nosuch TO x")), -217)
      assert.strictEqual(yield* failure(conn.execute("RENAME TABLE goods TO systables")), -310)
      // TRUNCATE empties the table and keeps the serial counter going.
      yield* conn.execute("TRUNCATE TABLE goods REUSE STORAGE")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM goods"), [[0]])
      assert.strictEqual((yield* conn.execute("INSERT INTO goods (title) VALUES ('c')")).serial, 3)
      yield* conn.execute("TRUNCATE goods DROP STORAGE")
    }).pipe(Effect.scoped))

  it.live("ALTER TABLE ADD / MODIFY / DROP columns and constraints rebuild the table faithfully", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE parent (id INT PRIMARY KEY)")
      yield* conn.execute("INSERT INTO parent VALUES (1)")
      yield* conn.execute(
        "CREATE TABLE child (id SERIAL, pid INT REFERENCES parent (id) CONSTRAINT fk_parent, qty SMALLINT, " +
          "CHECK (qty > 0) CONSTRAINT ck_qty)"
      )
      yield* conn.execute("CREATE INDEX ix_qty ON child (qty)")
      yield* conn.execute("INSERT INTO child (pid, qty) VALUES (1, 5)")
      // MODIFY converts the stored values; ADD with a default fills existing rows.
      yield* conn.execute("ALTER TABLE child MODIFY (qty DECIMAL(6,1) NOT NULL), ADD note CHAR(3) DEFAULT 'new'")
      assert.deepStrictEqual(yield* conn.values(columnsOf("child")), [
        ["id", 262, 4],
        ["pid", 2, 4],
        ["qty", 261, 1537],
        ["note", 0, 3]
      ])
      const [[qty, note]] = (yield* conn.values("SELECT qty, note FROM child")) as Array<Array<unknown>>
      assert.strictEqual(BigDecimal.format(qty as BigDecimal.BigDecimal), "5")
      assert.strictEqual(note, "new")
      assert.strictEqual(yield* failure(conn.execute("INSERT INTO child (pid, qty) VALUES (1, NULL)")), -391)
      // The constraints of the original table survive the rebuild, and the serial keeps counting.
      assert.strictEqual(yield* failure(conn.execute("INSERT INTO child (pid, qty) VALUES (1, -1)")), -530)
      assert.strictEqual(yield* failure(conn.execute("INSERT INTO child (pid, qty) VALUES (9, 1)")), -691)
      // Rebuilding the parent keeps the children's references.
      yield* conn.execute("ALTER TABLE parent ADD label VARCHAR(10), ADD CONSTRAINT CHECK (id > 0) CONSTRAINT ck_id")
      assert.strictEqual(yield* failure(conn.execute("DELETE FROM parent")), -692)
      assert.strictEqual((yield* conn.execute("INSERT INTO child (pid, qty) VALUES (1, 2)")).serial, 2)
      // Constraints added by name are enforced (and refused when existing rows break them); dropped ones are gone.
      assert.strictEqual(
        yield* failure(conn.execute("ALTER TABLE child ADD CONSTRAINT CHECK (qty > 3) CONSTRAINT ck_big")),
        -530
      )
      yield* conn.execute("ALTER TABLE child ADD CONSTRAINT UNIQUE (qty) CONSTRAINT u_qty")
      assert.strictEqual(yield* failure(conn.execute("INSERT INTO child (pid, qty) VALUES (1, 2)")), -268)
      yield* conn.execute("ALTER TABLE child DROP CONSTRAINT (ck_qty, fk_parent)")
      yield* conn.execute("INSERT INTO child (pid, qty) VALUES (42, -3)")
      assert.strictEqual(yield* failure(conn.execute("ALTER TABLE child DROP CONSTRAINT ck_qty")), -623)
      // DROP removes the column, the indexes on it and the constraints naming it.
      yield* conn.execute("ALTER TABLE child DROP (qty, note)")
      assert.deepStrictEqual(yield* conn.values(columnsOf("child")), [["id", 262, 4], ["pid", 2, 4]])
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT count(*) FROM sysindexes i, systables t WHERE i.tabid = t.tabid AND tabname = 'child'"
        ),
        [[0]]
      )
      assert.deepStrictEqual(yield* conn.values("SELECT ncols FROM systables WHERE tabname = 'child'"), [[2]])
      assert.deepStrictEqual(yield* conn.values("SELECT pid FROM child ORDER BY id"), [[1], [1], [42]])
      assert.strictEqual(yield* failure(conn.execute("ALTER TABLE child MODIFY nosuch INT")), -217)
      assert.strictEqual(yield* failure(conn.execute("ALTER TABLE child ADD pid INT")), -328)
    }).pipe(Effect.scoped))

  it.live("CREATE TABLE ... AS SELECT and SELECT ... INTO TEMP", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE src (k INT, v VARCHAR(10))")
      yield* conn.execute("INSERT INTO src VALUES (1, 'one')")
      yield* conn.execute("INSERT INTO src VALUES (2, 'two')")
      yield* conn.execute("CREATE TABLE copy AS SELECT k, v FROM src WHERE k > 1")
      assert.deepStrictEqual(yield* conn.values("SELECT * FROM copy"), [[2, "two"]])
      assert.deepStrictEqual(yield* conn.values(columnsOf("copy")), [["k", 2, 4], ["v", 13, 10]])
      assert.strictEqual(yield* failure(conn.execute("CREATE TABLE copy AS SELECT k FROM src")), -310)
      yield* conn.execute("SELECT k * 10 AS big FROM src INTO TEMP tens WITH NO LOG")
      assert.deepStrictEqual(yield* conn.values("SELECT big FROM tens ORDER BY big"), [[10], [20]])
      // Temp tables are not in the catalog.
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM systables WHERE tabname = 'tens'"), [[0]])
    }).pipe(Effect.scoped))

  it.live("synonyms stand for their table in queries and DML; syssyntable records them", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE TABLE customer_master (id INT, name VARCHAR(20))")
      yield* conn.execute("CREATE PUBLIC SYNONYM cust FOR customer_master")
      yield* conn.execute("CREATE PRIVATE SYNONYM c2 FOR informix.customer_master")
      yield* conn.execute("INSERT INTO cust (id, name) VALUES (1, 'ann')")
      yield* conn.execute("INSERT INTO c2 VALUES (2, 'bob')")
      yield* conn.execute("UPDATE cust SET name = 'ANN' WHERE cust.id = 1")
      const described = yield* conn.queryWithColumns(
        "SELECT c.id, c.name FROM cust c, c2 WHERE c.id = c2.id ORDER BY 1"
      )
      assert.deepStrictEqual(described.rows, [[1, "ANN"], [2, "bob"]])
      assert.deepStrictEqual(described.columns.map((c) => [c.type, c.encodedLength]), [[2, 4], [13, 20]])
      yield* conn.execute("DELETE FROM c2 WHERE id = 2")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM customer_master"), [[1]])
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT s.tabname, s.tabtype, b.tabname FROM systables s, syssyntable y, systables b " +
            "WHERE s.tabid = y.tabid AND y.btabid = b.tabid ORDER BY 1"
        ),
        [["c2", "P", "customer_master"], ["cust", "S", "customer_master"]]
      )
      // Without a keyword a synonym is public outside MODE ANSI (IBM "CREATE SYNONYM").
      yield* conn.execute("CREATE SYNONYM c3 FOR customer_master")
      assert.deepStrictEqual(yield* conn.values("SELECT tabtype FROM systables WHERE tabname = 'c3'"), [["S"]])
      yield* conn.execute("DROP SYNONYM c3")
      assert.strictEqual(yield* failure(conn.execute("CREATE SYNONYM cust FOR customer_master")), -310)
      assert.strictEqual(yield* failure(conn.execute("CREATE SYNONYM s3 FOR nosuch")), -206)
      // Another server's table: Informix's -908 (no connection to that server).
      assert.strictEqual(yield* failure(conn.execute("CREATE SYNONYM s4 FOR otherdb@remote:t")), -908)
      // DROP TABLE and RENAME TABLE do not reach the table through a synonym.
      assert.strictEqual(yield* failure(conn.execute("DROP TABLE cust")), -206)
      assert.strictEqual(yield* failure(conn.execute("RENAME TABLE cust TO gone")), -206)
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM customer_master"), [[1]])
      yield* conn.execute("DROP SYNONYM cust")
      assert.strictEqual(yield* failure(conn.values("SELECT * FROM cust")), -206)
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM syssynonyms"), [[1]])
      // Dropping the table drops its synonyms.
      yield* conn.execute("DROP TABLE customer_master")
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM syssyntable"), [[0]])
      assert.deepStrictEqual(yield* conn.values("SELECT count(*) FROM systables WHERE tabname = 'c2'"), [[0]])
    }).pipe(Effect.scoped))

  it.live("in a MODE ANSI database every synonym is private and PUBLIC / PRIVATE are a syntax error", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith({ databases: [{ name: "testdb", ansi: true }] })
      yield* conn.execute("CREATE TABLE t (id INT)")
      yield* conn.execute("CREATE SYNONYM s FOR t")
      assert.deepStrictEqual(yield* conn.values("SELECT tabtype FROM systables WHERE tabname = 's'"), [["P"]])
      assert.strictEqual(yield* failure(conn.execute("CREATE PUBLIC SYNONYM s2 FOR t")), -201)
      assert.strictEqual(yield* failure(conn.execute("CREATE PRIVATE SYNONYM s3 FOR t")), -201)
    }).pipe(Effect.scoped))
})
