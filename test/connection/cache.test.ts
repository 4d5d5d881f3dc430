import { assert, describe, it } from "@effect/vitest"
import { StatementCache } from "../../src/internal/connection/cache.ts"

interface Entry {
  readonly name: string
  inUse: boolean
  released: boolean
}

const entry = (name: string): Entry => ({ name, inUse: false, released: false })

describe("StatementCache", () => {
  it("hands out a cached statement once, and again after it is freed", () => {
    const cache = new StatementCache<Entry>(2)
    const a = entry("a")
    assert.deepStrictEqual(cache.put("a", a), { cached: true, evicted: [] })
    const taken = cache.take("a")
    assert.strictEqual(taken, a)
    a.inUse = true
    assert.isUndefined(cache.take("a"))
    a.inUse = false
    assert.strictEqual(cache.take("a"), a)
  })

  it("evicts the least recently used free entry and returns it for release", () => {
    const cache = new StatementCache<Entry>(2)
    const a = entry("a")
    const b = entry("b")
    const c = entry("c")
    cache.put("a", a)
    cache.put("b", b)
    cache.take("a") // a is now the most recently used
    const { cached, evicted } = cache.put("c", c)
    assert.isTrue(cached)
    assert.deepStrictEqual(evicted, [b])
    assert.isTrue(cache.holds("a", a))
    assert.isTrue(cache.holds("c", c))
  })

  it("the most recently used entry is whichever was put or taken last, also after the last one was removed", () => {
    const cache = new StatementCache<Entry>(2)
    const a = entry("a")
    const b = entry("b")
    const b2 = entry("b")
    cache.put("a", a)
    cache.take("a")
    cache.put("b", b)
    cache.take("a") // a is the most recently used again
    assert.deepStrictEqual(cache.put("c", entry("c")).evicted, [b])
    cache.remove("c", cache.take("c")!)
    cache.put("b", b2)
    cache.take("a")
    assert.deepStrictEqual(cache.put("d", entry("d")).evicted, [b2])
  })

  it("never evicts an entry in use; without room the new statement is not cached", () => {
    const cache = new StatementCache<Entry>(1)
    const a = entry("a")
    cache.put("a", a)
    a.inUse = true
    const b = entry("b")
    assert.deepStrictEqual(cache.put("b", b), { cached: false, evicted: [] })
    assert.isTrue(cache.holds("a", a))
  })

  it("capacity 0 disables caching; released entries are not handed out", () => {
    const off = new StatementCache<Entry>(0)
    assert.deepStrictEqual(off.put("a", entry("a")), { cached: false, evicted: [] })
    const cache = new StatementCache<Entry>(4)
    const a = entry("a")
    cache.put("a", a)
    a.released = true
    assert.isUndefined(cache.take("a"))
    cache.remove("a", a)
    assert.strictEqual(cache.size, 0)
  })
})
