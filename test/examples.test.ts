import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { ClientLive, program } from "../examples/first-program.ts"

describe("README first program", () => {
  it.live("queries, streams and reports a typed unique violation", () =>
    Effect.gen(function*() {
      const result = yield* program
      assert.deepStrictEqual(result.rows, [{ id: 1, customer: "Ada" }])
      assert.strictEqual(result.streamed, 1)
      assert.strictEqual(result.rejected, "rejected: UniqueViolation")
    }).pipe(Effect.provide(ClientLive)))
})
