/**
 * Runs examples/service.ts (the Customers service: SqlSchema, SqlResolver, Stream, migrator) against its embedded
 * TestServer, and checks what it reports.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { MainLayer, program } from "../examples/service.ts"

describe("examples/service.ts", () => {
  it.live("creates, batches lookups, finds by email and streams the export", () =>
    Effect.gen(function*() {
      const summary = yield* program.pipe(Effect.provide(MainLayer))
      assert.deepStrictEqual(summary.ids, [1, 2, 3])
      assert.deepStrictEqual(summary.found, ["Ada", "Grace", "Barbara"])
      assert.strictEqual(summary.grace, 2)
      assert.deepStrictEqual(summary.exported, ["ada@example.com", "grace@example.com", "barbara@example.com"])
    }))
})
