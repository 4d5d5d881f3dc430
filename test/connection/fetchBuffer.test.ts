import { assert, describe, it } from "@effect/vitest"
import { fetchBufferFor } from "../../src/internal/connection/statements.ts"

describe("NFETCH buffer size (JDBC 15's rule, captured by the conformance proxy)", () => {
  it("is 4096 up to 2048-byte rows, 8192 up to 4096, then the row size", () => {
    assert.strictEqual(fetchBufferFor(4, 4096), 4096)
    assert.strictEqual(fetchBufferFor(2048, 4096), 4096)
    assert.strictEqual(fetchBufferFor(2049, 4096), 8192)
    assert.strictEqual(fetchBufferFor(4096, 4096), 8192)
    assert.strictEqual(fetchBufferFor(4097, 4096), 4097)
    assert.strictEqual(fetchBufferFor(30_000, 4096), 30_000)
  })

  it("a larger configured fetchBufferSize wins", () => {
    assert.strictEqual(fetchBufferFor(100, 65_536), 65_536)
    assert.strictEqual(fetchBufferFor(3000, 65_536), 65_536)
  })
})
