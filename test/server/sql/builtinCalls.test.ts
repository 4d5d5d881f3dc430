/**
 * The routines the engine answers itself (syscdcv1's `cdc_*`, sysadmin's `task`): how their calls are parsed and
 * bound — −201 for an argument that is no `?`/literal, −674 for a wrong argument count or type, −254 for a wrong
 * number of bound values — and that a literal, a negative number and a bound `?` reach the routine alike.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Connection from "../../../src/Connection.ts"
import { failure, serverWith } from "./harness.ts"

describe("built-in routine calls", () => {
  it.live("cdc_* and task: arguments parsed and bound, errors typed", () =>
    Effect.gen(function*() {
      const { server } = yield* serverWith()
      const cdc = yield* Connection.make({ url: server.url, database: "syscdcv1" })
      // Unknown CDC session: the same CDC error code, whether the id is a literal, negative or a bound `?`.
      const literal = yield* cdc.values("EXECUTE FUNCTION informix.cdc_closesess(12345)")
      const bound = yield* cdc.values("EXECUTE FUNCTION cdc_closesess(?)", [12345])
      assert.deepStrictEqual(bound, literal)
      // A negative literal stays negative: a timeout of −5 is refused (CDC_E_ARG), one of 5 opens a session.
      const open = (timeout: string) =>
        cdc.values(`EXECUTE FUNCTION informix.cdc_opensess('${server.serverName}', 0, ${timeout}, 1, 1, 1)`)
      const refused = (yield* open("-5"))[0]![0] as number
      const opened = (yield* open("5"))[0]![0] as number
      assert.isBelow(refused, 0)
      assert.isAbove(opened, 0)
      assert.isBelow(literal[0]![0] as number, 0)
      assert.strictEqual(yield* failure(cdc.values("EXECUTE FUNCTION informix.cdc_closesess(1, 2)")), -674)
      assert.strictEqual(yield* failure(cdc.values("EXECUTE FUNCTION informix.cdc_closesess(abc)")), -201)
      assert.strictEqual(yield* failure(cdc.values("EXECUTE FUNCTION informix.cdc_closesess(1")), -201)

      const sysadmin = yield* Connection.make({ url: server.url, database: "sysadmin" })
      // task takes strings only: a number is a syntax error here, a wrong count unresolvable.
      assert.strictEqual(yield* failure(sysadmin.values("EXECUTE FUNCTION task(1)")), -201)
      assert.strictEqual(yield* failure(sysadmin.values("EXECUTE FUNCTION task(-1)")), -201)
      assert.strictEqual(yield* failure(sysadmin.values("EXECUTE FUNCTION task()")), -674)
      assert.strictEqual(yield* failure(sysadmin.values("EXECUTE FUNCTION task(?)", [1])), -674)
      const fd = yield* sysadmin.values("EXECUTE FUNCTION informix.task(?)", ["pushdata open"])
      assert.match(String(fd[0]![0]), /^\d+$/)
    }).pipe(Effect.scoped))
})
