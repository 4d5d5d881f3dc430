/**
 * SPL routine overloading (same name, other parameter lists; SPECIFIC names; DROP with a signature) and OUT /
 * INOUT parameters, through the wire (IBM "Routine resolution", "CREATE FUNCTION" OUT parameters).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { failure, serverWith } from "./harness.ts"

const overloads = [
  `CREATE FUNCTION area(side INT) RETURNING VARCHAR(20);
     RETURN 'square ' || side;
   END FUNCTION`,
  `CREATE FUNCTION area(w INT, h INT) RETURNING VARCHAR(20) SPECIFIC area_rect;
     RETURN 'rect ' || w || 'x' || h;
   END FUNCTION`,
  `CREATE FUNCTION area(name VARCHAR(10)) RETURNING VARCHAR(20);
     RETURN 'named ' || name;
   END FUNCTION`
]

describe("routine overloading", () => {
  it.live("resolves by argument count and type; one sysprocedures row per overload", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      for (const s of overloads) yield* conn.execute(s)
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION area(3)"), [["square 3"]])
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION area(2, 5)"), [["rect 2x5"]])
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION area('lot')"), [["named lot"]])
      // In expressions too, by the values' types.
      assert.deepStrictEqual(
        yield* conn.values("SELECT area(4), area(1, 2), area('x') FROM systables WHERE tabid = 1"),
        [["square 4", "rect 1x2", "named x"]]
      )
      assert.deepStrictEqual(
        yield* conn.values(
          "SELECT procname, numargs, paramtypes, specificname FROM sysprocedures WHERE procname = 'area' ORDER BY procid"
        ),
        [["area", 1, "integer", null], ["area", 2, "integer,integer", "area_rect"], ["area", 1, "varchar(10,0)", null]]
      )
      // A bound parameter: resolved by the bound value's type when the call runs.
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION area(?)", [5]), [["square 5"]])
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION area(?)", ["yard"]), [["named yard"]])
      // Ambiguous by the values too (a NULL fits both): -9700.
      assert.strictEqual(yield* failure(conn.values("EXECUTE FUNCTION area(?)", [null])), -9700)
      // Described by the first overload at PREPARE; another result type at EXECUTE is IBM's -9750.
      yield* conn.execute("CREATE FUNCTION twice(x INT) RETURNING INT; RETURN x * 2; END FUNCTION")
      yield* conn.execute("CREATE FUNCTION twice(x VARCHAR(5)) RETURNING VARCHAR(10); RETURN x || x; END FUNCTION")
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION twice(?)", [4]), [[8]])
      assert.strictEqual(yield* failure(conn.values("EXECUTE FUNCTION twice(?)", ["ab"])), -9750)
      assert.strictEqual(yield* failure(conn.values("EXECUTE FUNCTION area(1, 2, 3)")), -674)
      // The same type beats the same family: an INTEGER argument picks the INT overload over SMALLINT and INT8.
      for (const t of ["SMALLINT", "INT", "INT8"]) {
        yield* conn.execute(`CREATE FUNCTION kind(x ${t}) RETURNING VARCHAR(8); RETURN '${t}'; END FUNCTION`)
      }
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION kind(3)"), [["INT"]])
      // A prepared call outlives a DROP and CREATE of its routine (under another procid): resolved again when it runs.
      yield* conn.execute("CREATE FUNCTION solo(x INT) RETURNING VARCHAR(8); RETURN 'first'; END FUNCTION")
      const call = yield* conn.prepare("EXECUTE FUNCTION solo(?)")
      yield* conn.execute("CREATE PROCEDURE later() END PROCEDURE")
      yield* conn.execute("DROP FUNCTION solo")
      yield* conn.execute("CREATE FUNCTION solo(x INT) RETURNING VARCHAR(8); RETURN 'again'; END FUNCTION")
      assert.deepStrictEqual(yield* call.values([1]), [["again"]])
    }).pipe(Effect.scoped))

  it.live("CREATE refuses a repeated signature or SPECIFIC name; DROP needs a signature or a SPECIFIC name", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      for (const s of overloads) yield* conn.execute(s)
      assert.strictEqual(
        yield* failure(conn.execute("CREATE FUNCTION area(x INT) RETURNING INT; RETURN 1; END FUNCTION")),
        -673
      )
      assert.strictEqual(
        yield* failure(
          conn.execute("CREATE FUNCTION other(x INT) RETURNING INT SPECIFIC area_rect; RETURN 1; END FUNCTION")
        ),
        -9716
      )
      assert.strictEqual(yield* failure(conn.execute("DROP FUNCTION area")), -9700)
      yield* conn.execute("DROP FUNCTION area(VARCHAR(10))")
      yield* conn.execute("DROP SPECIFIC FUNCTION area_rect")
      assert.strictEqual(yield* failure(conn.execute("DROP FUNCTION area(INT, INT)")), -674)
      assert.deepStrictEqual(yield* conn.values("SELECT paramtypes FROM sysprocedures WHERE procname = 'area'"), [[
        "integer"
      ]])
      // One left: DROP without a signature takes it.
      yield* conn.execute("DROP FUNCTION area")
      assert.deepStrictEqual(yield* conn.values("SELECT COUNT(*) FROM sysprocedures WHERE procname = 'area'"), [[0]])
    }).pipe(Effect.scoped))
})

describe("OUT and INOUT parameters", () => {
  it.live("hand their values back to the calling SPL variables; a client's direct call is -9752", () =>
    Effect.gen(function*() {
      const { conn } = yield* serverWith()
      yield* conn.execute(
        `CREATE FUNCTION divide(a INT, b INT, OUT remainder INT, INOUT calls INT) RETURNING INT;
           LET remainder = MOD(a, b);
           LET calls = calls + 1;
           RETURN a / b;
         END FUNCTION`
      )
      yield* conn.execute(
        `CREATE FUNCTION use_divide(a INT, b INT) RETURNING INT, INT, INT;
           DEFINE q, r, n INT;
           LET n = 10;
           LET q = divide(a, b, r, n);
           CALL divide(a + 1, b, r, n) RETURNING q;
           RETURN q, r, n;
         END FUNCTION`
      )
      assert.deepStrictEqual(yield* conn.values("EXECUTE FUNCTION use_divide(7, 2)"), [[4, 0, 12]])
      assert.strictEqual(yield* failure(conn.values("EXECUTE FUNCTION divide(7, 2, ?, ?)", [0, 0])), -9752)
      // IBM -9715: a procedure cannot have OUT parameters.
      assert.strictEqual(yield* failure(conn.execute("CREATE PROCEDURE p(OUT x INT) LET x = 1; END PROCEDURE")), -9715)
    }).pipe(Effect.scoped))
})
