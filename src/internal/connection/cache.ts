/**
 * A small LRU of prepared statements keyed by SQL text.
 *
 * Informix binds parameter values with their own types at execution (SQ_BIND carries a type per value), so one
 * PREPARE serves every parameter type combination and the SQL text alone is the key. Entries in use (a cursor
 * open on them) are never handed out twice nor evicted; eviction returns the entry so the caller can send its
 * SQ_RELEASE.
 *
 * @internal
 */

export interface Cacheable {
  /** True while a caller uses the statement (cursor open / execute in flight). */
  inUse: boolean
  /** True once SQ_RELEASE was sent (or the statement is otherwise gone). */
  released: boolean
}

export class StatementCache<S extends Cacheable> {
  private readonly entries = new Map<string, S>()
  /**
   * The key inserted last, when it is still there: the most recently used entry, which `take` need not move. A Map
   * re-insertion leaves a deleted slot behind, and V8 rebuilds the table once they pile up: one statement taken over
   * and over (a pooled session's usual query) cost ~150 B of table per query (docs/benchmarks.md "Round 5").
   */
  private newest: string | undefined = undefined
  readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
  }

  get size(): number {
    return this.entries.size
  }

  /** The cached statement for `sql` if it is free; marks it most recently used. */
  take(sql: string): S | undefined {
    const entry = this.entries.get(sql)
    if (entry === undefined || entry.inUse || entry.released) return undefined
    if (sql !== this.newest) {
      this.entries.delete(sql)
      this.entries.set(sql, entry)
      this.newest = sql
    }
    return entry
  }

  /**
   * Adds `statement` (if the cache is enabled and `sql` is not already cached) and returns the statements evicted
   * to make room — the caller releases them on the server. `cached: false` when the statement was not cached (the
   * caller then releases it after use).
   */
  put(sql: string, statement: S): { readonly cached: boolean; readonly evicted: ReadonlyArray<S> } {
    if (this.capacity <= 0 || this.entries.has(sql)) return { cached: false, evicted: [] }
    const evicted: Array<S> = []
    if (this.entries.size >= this.capacity) {
      for (const [key, entry] of this.entries) {
        if (this.entries.size < this.capacity) break
        if (entry.inUse) continue
        this.entries.delete(key)
        evicted.push(entry)
      }
    }
    if (this.entries.size >= this.capacity) return { cached: false, evicted }
    this.entries.set(sql, statement)
    this.newest = sql
    return { cached: true, evicted }
  }

  /** Removes `sql`'s entry if it is `statement` (e.g. the server invalidated it). */
  remove(sql: string, statement: S): void {
    if (this.entries.get(sql) === statement) this.entries.delete(sql)
  }

  /** Whether `statement` is the cached entry for `sql`. */
  holds(sql: string, statement: S): boolean {
    return this.entries.get(sql) === statement
  }

  /** Empties the cache and returns what was in it. */
  clear(): ReadonlyArray<S> {
    const all = Array.from(this.entries.values())
    this.entries.clear()
    return all
  }
}
