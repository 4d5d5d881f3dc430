import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Statement from "effect/sql/Statement"
import * as fc from "fast-check"
import { escapeIdentifier, informixCast, makeCompiler } from "../src/internal/client/compiler.ts"

const constructor = (options?: Parameters<typeof makeCompiler>[0]) =>
  Statement.make(Effect.die("no connection in compiler tests"), makeCompiler(options), [], undefined)

describe("Informix Statement compiler", () => {
  it("uses ? placeholders and keeps the bound values in order", () => {
    const sql = constructor()
    const [text, params] = sql`SELECT a FROM t WHERE b = ${1} AND c = ${"x"} AND d IN ${sql.in([1n, 2n])}`.compile()
    assert.strictEqual(text, "SELECT a FROM t WHERE b = ? AND c = ? AND d IN (?,?)")
    assert.deepStrictEqual(params, [1, "x", 1n, 2n])
  })

  it("leaves plain lowercase identifiers unquoted in both DELIMIDENT modes", () => {
    assert.strictEqual(constructor()`SELECT ${constructor()("my_col")} FROM t`.compile()[0], "SELECT my_col FROM t")
    const delimited = constructor({ delimident: true })
    assert.strictEqual(delimited`SELECT ${delimited("my_col")} FROM t`.compile()[0], "SELECT my_col FROM t")
  })

  it("quotes other identifiers only with DELIMIDENT", () => {
    assert.strictEqual(escapeIdentifier("MyTable", true), "\"MyTable\"")
    assert.strictEqual(escapeIdentifier("a \"b\"", true), "\"a \"\"b\"\"\"")
    assert.strictEqual(escapeIdentifier("MyTable", false), "MyTable")
    assert.strictEqual(escapeIdentifier("owner.MyTable", true), "owner.\"MyTable\"")
    assert.strictEqual(escapeIdentifier("stores@ol_informix:customer", false), "stores@ol_informix:customer")
    assert.throws(() => escapeIdentifier("has space", false), /DELIMIDENT/)
  })

  it("applies the query-name transform unless compiled without transforms", () => {
    const sql = constructor({ transformQueryNames: (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) })
    const statement = sql`SELECT ${sql("firstName")} FROM t`
    assert.strictEqual(statement.compile()[0], "SELECT first_name FROM t")
    assert.strictEqual(statement.compile(true)[0], "SELECT firstName FROM t")
  })

  it("renders single-row inserts and updates", () => {
    const sql = constructor()
    const insert = sql`INSERT INTO t ${sql.insert({ a: 1, b: "two" })}`.compile()
    assert.deepStrictEqual(insert, ["INSERT INTO t (a,b) VALUES (?,?)", [1, "two"]])
    const update = sql`UPDATE t SET ${sql.update({ a: 1, b: null }, ["a"])} WHERE id = ${7}`.compile()
    assert.deepStrictEqual(update, ["UPDATE t SET b = ? WHERE id = ?", [null, 7]])
  })

  it("renders a multi-row insert as one row's placeholders, every row's values and the batch marker", () => {
    const sql = constructor()
    const insert = sql`INSERT INTO t ${sql.insert([{ a: 1, b: "x" }, { a: 2, b: "y" }, { a: 3, b: null }])}`.compile()
    assert.deepStrictEqual(insert, [
      "INSERT INTO t (a,b) VALUES {effect-informix batch: 3 rows of 2}(?,?)",
      [1, "x", 2, "y", 3, null]
    ])
  })

  it("rejects what Informix cannot express, with a message that says what to do", () => {
    const sql = constructor()
    assert.throws(() => sql`INSERT INTO t ${sql.insert({ a: 1 }).returning("*")}`.compile(), /no RETURNING/)
    assert.throws(() => sql`UPDATE t SET ${sql.update({ a: 1 }).returning("*")}`.compile(), /no RETURNING/)
    assert.throws(
      () => sql`UPDATE t SET a = x.a FROM ${sql.updateValues([{ a: 1 }], "x")}`.compile(),
      /updateValues is not supported/
    )
  })

  it("renders an empty IN list as an always-false subquery with a FROM clause", () => {
    const sql = constructor()
    assert.strictEqual(
      sql`SELECT a FROM t WHERE a IN ${sql.in([])}`.compile()[0],
      "SELECT a FROM t WHERE a IN (SELECT NULL FROM systables WHERE 1=0)"
    )
    assert.strictEqual(
      sql`SELECT a FROM t WHERE a NOT IN ${sql.in([])}`.compile()[0],
      "SELECT a FROM t WHERE a NOT IN (SELECT NULL FROM systables WHERE 1=0)"
    )
    assert.strictEqual(sql`SELECT a FROM t WHERE ${sql.in("a", [])}`.compile()[0], "SELECT a FROM t WHERE 1=0")
  })

  it("renders casts as ?::TYPE and refuses type names that are not type names", () => {
    const sql = constructor()
    const cast = Statement.fragment([informixCast("1.10", "DECIMAL(10, 2)")])
    assert.deepStrictEqual(sql`SELECT ${cast} FROM t`.compile(), ["SELECT ?::DECIMAL(10, 2) FROM t", ["1.10"]])
    const bad = Statement.fragment([informixCast(1, "INT; DROP TABLE t")])
    assert.throws(() => sql`SELECT ${bad} FROM t`.compile(), /Not an Informix type name/)
  })

  it("compiles statements of literal text and values as effect's own compiler does", () => {
    // The plain path (compilePlain) must render exactly what effect's compiler renders for these two segments.
    const unused = () => {
      throw new Error("not a plain statement")
    }
    const reference = Statement.makeCompiler({
      dialect: "sqlite",
      placeholder: () => "?",
      onIdentifier: (s) => s,
      onRecordUpdate: unused,
      onCustom: unused
    })
    const informix = makeCompiler()
    const value = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.bigInt(), fc.boolean())
    const segment = fc.oneof(
      fc.string().map((text) => Statement.literal(text)),
      fc.tuple(fc.string(), fc.array(value, { maxLength: 3 })).map(([text, params]) => Statement.literal(text, params)),
      value.map((v) => Statement.parameter(v))
    )
    fc.assert(fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
      const statement = Statement.fragment(segments)
      assert.deepStrictEqual(informix.compile(statement, false), reference.compile(statement, false))
      assert.deepStrictEqual(informix.withoutTransform.compile(statement, true), reference.compile(statement, true))
    }))
    const sql = constructor()
    const nested = sql`SELECT a FROM t WHERE ${sql`b = ${1}`} AND ${sql.unsafe("c = ?", ["x"])} AND d = ${2}`
    assert.deepStrictEqual(nested.compile(), ["SELECT a FROM t WHERE b = ? AND c = ? AND d = ?", [1, "x", 2]])
    // As before the plain path: a literal that spells effect's generic empty-IN subquery is rewritten too.
    assert.strictEqual(
      sql.unsafe("SELECT a FROM t WHERE a IN (SELECT NULL WHERE 1=0)").compile()[0],
      "SELECT a FROM t WHERE a IN (SELECT NULL FROM systables WHERE 1=0)"
    )
  })

  it("reports the sqlite dialect so onDialect callers take a ?-placeholder branch", () => {
    const sql = constructor()
    assert.strictEqual(
      sql.onDialectOrElse({ sqlite: () => "sqlite", orElse: () => "other" }),
      "sqlite"
    )
  })
})
