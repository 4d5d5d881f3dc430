/**
 * Rows as objects (`toObjects`): every column an own, enumerable property in column order, whatever its name —
 * including names an assignment would treat specially (`__proto__` would set the prototype and lose the value) —
 * and every row an independent plain object.
 */
import { assert, describe, it } from "@effect/vitest"
import { toObjects } from "../../src/internal/connection/results.ts"

describe("toObjects", () => {
  it("a column named __proto__ (or constructor, or a number) is an own property like any other", () => {
    const keys = ["id", "__proto__", "constructor", "7", "name"]
    const rows = toObjects([[1, "p", "c", 7.5, "x"], [2, null, null, null, "y"]], keys)
    assert.strictEqual(rows.length, 2)
    const [first, second] = rows as [Record<string, unknown>, Record<string, unknown>]
    assert.strictEqual(Object.getPrototypeOf(first), Object.prototype)
    assert.deepStrictEqual(Object.getOwnPropertyNames(first).toSorted(), keys.toSorted())
    assert.deepStrictEqual(keys.map((k) => Object.getOwnPropertyDescriptor(first, k)?.value), [1, "p", "c", 7.5, "x"])
    assert.deepStrictEqual(keys.map((k) => Object.getOwnPropertyDescriptor(second, k)?.value), [
      2,
      null,
      null,
      null,
      "y"
    ])
    assert.isTrue(keys.every((k) => Object.getOwnPropertyDescriptor(first, k)?.enumerable === true))
  })

  it("rows are independent objects, in column order, and later calls with the same keys start clean", () => {
    const keys = ["b", "a", "c"]
    const rows = toObjects([[1, 2, 3], [4, 5, 6]], keys)
    assert.deepStrictEqual(Object.keys(rows[0]!), keys)
    ;(rows[0] as Record<string, unknown>)["a"] = 99
    assert.deepStrictEqual(rows[1], { b: 4, a: 5, c: 6 })
    assert.deepStrictEqual(toObjects([[7, 8, 9]], keys), [{ b: 7, a: 8, c: 9 }])
    assert.deepStrictEqual(toObjects([], keys), [])
  })

  it("every width up to 20 columns (the unrolled stores and the loop past 16) puts each value under its key", () => {
    for (let width = 0; width <= 20; width++) {
      const keys = Array.from({ length: width }, (_, i) => `c${i}`)
      const rows = [keys.map((_, i) => i * 10), keys.map((_, i) => `v${i}`)]
      const objects = toObjects(rows, keys)
      assert.deepStrictEqual(objects.map((o) => Object.entries(o)), rows.map((r) => r.map((v, i) => [keys[i]!, v])))
    }
  })
})
