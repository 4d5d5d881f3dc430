/**
 * A `?` inside arithmetic takes its type from the other operands (IBM: the server infers a parameter's type from its
 * context): the result is a number described with a numeric type, never an untyped CHAR expression.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Connection from "../../src/Connection.ts"
import { isEngineError } from "../../src/internal/server/engine/api.ts"
import { Engine } from "../../src/internal/server/engine/index.ts"
import * as TestServer from "../../src/TestServer.ts"

describe("bound parameters in arithmetic", () => {
  it("describes tabid + ? as INTEGER and types the parameter INTEGER", () => {
    const engine = Engine.make({ databases: [{ name: "db", logged: true }] })
    const session = engine.openSession("db", "informix")
    if (isEngineError(session)) throw new Error("open")
    const p = session.prepare("SELECT tabid + ? FROM systables WHERE tabid = 1")
    if (isEngineError(p)) throw new Error("prepare")
    assert.deepStrictEqual([p.columns[0]!.columnType & 0xff, p.paramTypes[0]!.columnType & 0xff], [2, 2])
    const both = session.prepare("SELECT ? * ? FROM systables WHERE tabid = 1")
    if (isEngineError(both)) throw new Error("prepare")
    assert.strictEqual(both.columns[0]!.columnType & 0xff, 5)
    engine.close()
  })

  it.live("the sum arrives as a number", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const conn = yield* Connection.make({ url: server.url })
      assert.deepStrictEqual(yield* conn.values("SELECT tabid + ? FROM systables WHERE tabid = 1", [41]), [[42]])
      assert.deepStrictEqual(yield* conn.values("SELECT ? * 2 FROM systables WHERE tabid = 1", [21]), [[42]])
      const [[product]] = (yield* conn.values("SELECT ? * ? FROM systables WHERE tabid = 1", [6, 7])) as Array<
        Array<unknown>
      >
      assert.isTrue(BigDecimal.isBigDecimal(product))
      assert.isTrue(BigDecimal.equals(product as BigDecimal.BigDecimal, BigDecimal.fromNumberUnsafe(42)))
      // Date arithmetic keeps its meaning: DATE + ? is a DATE, the parameter a day count.
      yield* conn.execute("CREATE TABLE pd (d DATE)")
      yield* conn.execute("INSERT INTO pd VALUES (MDY(1, 1, 2026))")
      const [[later]] = (yield* conn.values("SELECT d + ? FROM pd", [31])) as Array<Array<unknown>>
      assert.strictEqual(String(later), "2026-02-01")
    }).pipe(Effect.scoped))
})
