/**
 * Sequences through the wire: CREATE/ALTER/RENAME/DROP SEQUENCE, NEXTVAL/CURRVAL in SELECT and INSERT, the
 * syssequences catalog, and the counter surviving an engine restart of a file database.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { failure, serverWith } from "./harness.ts"

describe("sequences", () => {
  it.live("NEXTVAL / CURRVAL follow START, INCREMENT, MAXVALUE and CYCLE; described as INT8", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute("CREATE SEQUENCE seq_a START WITH 10 INCREMENT BY 5 MINVALUE 1 MAXVALUE 20 CYCLE CACHE 10")
      const first = yield* conn.queryWithColumns("SELECT seq_a.NEXTVAL, seq_a.CURRVAL FROM systables WHERE tabid = 1")
      assert.deepStrictEqual(first.rows, [[10n, 10n]])
      assert.deepStrictEqual(first.columns.map((c) => c.type), [17, 17])
      assert.deepStrictEqual(yield* conn.values("SELECT seq_a.nextval FROM systables WHERE tabid IN (1, 2, 3)"), [
        [15n],
        [20n],
        [1n]
      ])
      // Several rows of one INSERT ... SELECT each get a value; the owner prefix is accepted.
      yield* conn.execute("CREATE TABLE orders (id INT8, note CHAR(4))")
      yield* conn.execute("INSERT INTO orders VALUES (informix.seq_a.NEXTVAL, 'one')")
      yield* conn.execute("INSERT INTO orders VALUES (seq_a.NEXTVAL + 100, ?)", ["two"])
      assert.deepStrictEqual(yield* conn.values("SELECT id FROM orders ORDER BY id"), [[6n], [111n]])
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT start_val, inc_val, min_val, max_val, cycle FROM syssequences s, systables t " +
            "WHERE s.tabid = t.tabid AND t.tabname = 'seq_a' AND t.tabtype = 'Q'"
        ),
        [[10n, 5n, 1n, 20n, "1"]]
      )
      yield* conn.execute("ALTER SEQUENCE seq_a RESTART WITH 3 NOCYCLE")
      assert.deepStrictEqual(yield* conn.values("SELECT seq_a.NEXTVAL FROM systables WHERE tabid = 1"), [[3n]])
      yield* conn.execute("RENAME SEQUENCE seq_a TO seq_b")
      assert.deepStrictEqual(yield* conn.values("SELECT seq_b.NEXTVAL FROM systables WHERE tabid = 1"), [[8n]])
      yield* conn.execute("DROP SEQUENCE seq_b")
      // A prepared statement that still names the dropped sequence: -206, as for a dropped table.
      assert.strictEqual(yield* failure(conn.values("SELECT seq_b.NEXTVAL FROM systables WHERE tabid = 1")), -206)
    }).pipe(Effect.scoped))

  it.live("CURRVAL before NEXTVAL in the session, NOCYCLE exhausted, name clashes", () =>
    Effect.gen(function*() {
      const { conn, connect } = yield* serverWith()
      yield* conn.execute("CREATE SEQUENCE down INCREMENT BY -1 MAXVALUE 2 MINVALUE 1")
      const other = yield* connect()
      assert.strictEqual(yield* failure(other.values("SELECT down.CURRVAL FROM systables WHERE tabid = 1")), -8315)
      assert.deepStrictEqual(yield* conn.values("SELECT down.NEXTVAL FROM systables WHERE tabid IN (1, 2)"), [
        [2n],
        [1n]
      ])
      // Another session continues the same counter, and has its own CURRVAL.
      assert.strictEqual(yield* failure(other.values("SELECT down.NEXTVAL FROM systables WHERE tabid = 1")), -8316)
      assert.strictEqual(yield* failure(conn.execute("CREATE SEQUENCE down")), -310)
      // Sequences share the table namespace.
      assert.strictEqual(yield* failure(conn.execute("CREATE TABLE down (k INT)")), -310)
      assert.strictEqual(yield* failure(conn.execute("CREATE SEQUENCE bad INCREMENT BY 0")), -8301)
      yield* conn.execute("CREATE SEQUENCE IF NOT EXISTS down")
      // Values handed out in a rolled-back transaction are gone with its sequence; a new one starts afresh.
      yield* conn.execute("BEGIN WORK")
      yield* conn.execute("CREATE SEQUENCE gone")
      yield* conn.values("SELECT gone.NEXTVAL FROM systables WHERE tabid IN (1, 2)")
      yield* conn.execute("ROLLBACK WORK")
      yield* conn.execute("CREATE SEQUENCE fresh")
      assert.deepStrictEqual(yield* conn.values("SELECT fresh.NEXTVAL FROM systables WHERE tabid = 1"), [[1n]])
    }).pipe(Effect.scoped))

  it.live("a file database continues its sequences after a restart", () =>
    Effect.gen(function*() {
      const directory = mkdtempSync(join(tmpdir(), "ifx-seq-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
      yield* Effect.scoped(Effect.gen(function*() {
        const { conn } = yield* serverWith({ directory })
        yield* conn.execute("CREATE SEQUENCE kept")
        assert.deepStrictEqual(yield* conn.values("SELECT kept.NEXTVAL FROM systables WHERE tabid IN (1, 2)"), [
          [1n],
          [2n]
        ])
      }))
      const { conn } = yield* serverWith({ directory })
      assert.deepStrictEqual(yield* conn.values("SELECT kept.NEXTVAL FROM systables WHERE tabid = 1"), [[3n]])
    }).pipe(Effect.scoped))
})
