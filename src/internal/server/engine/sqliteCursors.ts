/**
 * The engine's cursors over a SQLite statement: a forward stream that reads one row ahead, and a scroll cursor over
 * the materialized rows.
 */
import type { ColumnDescription, EngineCursor, EngineError, Value } from "./api.ts"

export class StreamCursor implements EngineCursor {
  readonly columns: ReadonlyArray<ColumnDescription>
  rowsFetched = 0
  private pending: IteratorResult<unknown> | undefined
  private readonly iterator: Iterator<unknown>
  private readonly convert: (row: Array<unknown>) => Array<Value>
  private readonly finish: () => void
  private readonly mapError: (e: unknown) => EngineError
  private done = false

  constructor(
    columns: ReadonlyArray<ColumnDescription>,
    first: IteratorResult<unknown>,
    iterator: Iterator<unknown>,
    convert: (row: Array<unknown>) => Array<Value>,
    finish: () => void,
    mapError: (e: unknown) => EngineError
  ) {
    this.columns = columns
    this.pending = first
    this.iterator = iterator
    this.convert = convert
    this.finish = finish
    this.mapError = mapError
  }

  next(maxRows: number): Array<Array<Value>> | EngineError {
    const out: Array<Array<Value>> = []
    if (this.done) return out
    try {
      while (out.length < Math.max(1, maxRows)) {
        const r = this.pending ?? this.iterator.next()
        this.pending = undefined
        if (r.done === true) {
          this.close()
          break
        }
        out.push(this.convert(r.value as Array<unknown>))
      }
    } catch (error) {
      this.close()
      return this.mapError(error)
    }
    this.rowsFetched += out.length
    return out
  }

  close(): void {
    if (this.done) return
    this.done = true
    this.finish()
  }
}

export class ScrollCursor implements EngineCursor {
  readonly columns: ReadonlyArray<ColumnDescription>
  rowsFetched = 0
  private readonly rows: ReadonlyArray<Array<Value>>

  constructor(columns: ReadonlyArray<ColumnDescription>, rows: ReadonlyArray<Array<Value>>) {
    this.columns = columns
    this.rows = rows
  }

  get count() {
    return this.rows.length
  }

  row(index: number): Array<Value> | undefined {
    return this.rows[index]
  }

  next(maxRows: number): Array<Array<Value>> {
    const out = this.rows.slice(this.rowsFetched, this.rowsFetched + Math.max(1, maxRows))
    this.rowsFetched += out.length
    return out
  }

  close(): void {}
}
