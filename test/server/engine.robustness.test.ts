import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Engine, isEngineError } from "../../src/internal/server/engine/index.ts"

// Fragments of Informix SQL (valid and not) glued together at random: the engine must answer every text with a
// prepared statement or an EngineError, and executing whatever prepares must not throw either.
const fragments = [
  "SELECT",
  "FIRST",
  "SKIP",
  "LIMIT",
  "1",
  "2.5",
  "'x'",
  "\"y\"",
  "?",
  "*",
  ",",
  "(",
  ")",
  "FROM",
  "t",
  "systables",
  "WHERE",
  "a",
  "=",
  "<>",
  "AND",
  "OR",
  "::",
  "INT",
  "DATE",
  "DATETIME",
  "(2024-01-02)",
  "YEAR",
  "TO",
  "DAY",
  "INTERVAL",
  "CAST",
  "AS",
  "TODAY",
  "CURRENT",
  "DBINFO",
  "('sqlca.sqlerrd1')",
  "NVL",
  "DECODE",
  "MDY",
  "/",
  "+",
  "-",
  "||",
  "TABLE",
  "SET",
  "{1}",
  "INSERT",
  "INTO",
  "VALUES",
  "UPDATE",
  "DELETE",
  "CREATE",
  "TEMP",
  "INDEX",
  "ON",
  "DROP",
  "ALTER",
  "ADD",
  "BEGIN",
  "WORK",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT",
  "UNION",
  "ORDER",
  "BY",
  "GROUP",
  "HAVING",
  "COUNT(*)",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "EXTEND",
  "SUBSTRING",
  "TRIM",
  "MATCHES",
  "--c\n",
  "{c}",
  ";",
  "informix.",
  "SERIAL",
  "CHAR(3)",
  "DECIMAL(5,2)",
  "NOT",
  "NULL",
  "PRIMARY",
  "KEY",
  "'",
  "\\"
]

describe("engine robustness", () => {
  it("never throws on arbitrary statement text", () => {
    const engine = Engine.make({ databases: [{ name: "db", logged: true }] })
    const s = engine.openSession("db", "informix")
    if (isEngineError(s)) throw new Error("open")
    const setup = s.prepare("CREATE TABLE t (a INT, d DATE, c CHAR(3))")
    if (!isEngineError(setup)) s.execute(setup, [])
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 14 }), (words) => {
        const sql = words.join(" ")
        const p = s.prepare(sql)
        if (isEngineError(p)) {
          assert.isBelow(p.sqlcode, 0)
          return
        }
        const params = Array.from({ length: p.paramCount }, () => 1)
        if (p.statementType === 2) {
          const c = s.openCursor(p, params)
          if (!isEngineError(c)) {
            c.next(10)
            c.close()
          }
        } else {
          s.execute(p, params)
        }
      }),
      { numRuns: 3000, seed: 42 }
    )
    if (s.inTransaction) s.rollback()
    engine.close()
  })

  it("another session's open DDL transaction gives lock conflicts, not exceptions", () => {
    const engine = Engine.make({ databases: [{ name: "db", logged: true }] })
    const a = engine.openSession("db", "informix")
    const b = engine.openSession("db", "informix")
    if (isEngineError(a) || isEngineError(b)) throw new Error("open")
    const create = a.prepare("CREATE TABLE t (x INT)")
    if (isEngineError(create)) throw new Error("prepare")
    a.execute(create, [])
    assert.strictEqual(a.begin(), undefined)
    const other = a.prepare("CREATE TABLE u (x INT)")
    if (isEngineError(other)) throw new Error("prepare")
    a.execute(other, [])
    // Reading a table the transaction did not touch needs no lock (COMMITTED READ holds none).
    const read = b.prepare("SELECT * FROM t")
    assert.isFalse(isEngineError(read))
    if (!isEngineError(read)) assert.isFalse(isEngineError(b.execute(read, [])))
    // Writers conflict with the open transaction; the table it created is locked, not missing (never -999).
    for (
      const [sql, code] of [
        ["INSERT INTO t VALUES (1)", -271],
        ["CREATE TABLE v (x INT)", -242],
        ["DROP TABLE t", -242],
        ["SELECT * FROM u", -244],
        ["INSERT INTO u VALUES (1)", -271]
      ] as const
    ) {
      const p = b.prepare(sql)
      const result = isEngineError(p) ? p : b.execute(p, [])
      assert.isTrue(isEngineError(result), sql)
      if (isEngineError(result)) {
        assert.deepStrictEqual([result.sqlcode, result.isamCode, result.lockConflict], [code, -107, true], sql)
      }
    }
    assert.strictEqual(a.commit(), undefined)
    const p = b.prepare("SELECT * FROM u")
    assert.isFalse(isEngineError(p))
    engine.close()
  })
})
