/**
 * Replay mode: results served from memory at wire speed, without SQLite.
 *
 * Benchmarks must measure the client, not the embedded engine. A replay entry names an SQL text and a column shape;
 * its rows are generated and encoded into SQ_TUPLE payloads once, when the server starts. A PREPARE of that exact text
 * (surrounding blanks and a trailing `;` ignored) gets a SELECT statement whose cursor hands out the pre-encoded
 * payloads, honouring the NFETCH byte budget like any other cursor.
 *
 * @internal
 */
import type { Charset } from "../values/index.ts"
import { encodeRow, isCodecFailure } from "../values/index.ts"
import type { ColumnDescription, Value } from "./engine/api.ts"

/** What the caller provides. */
export interface ReplaySpec {
  readonly sql: string
  readonly columns: ReadonlyArray<ColumnDescription>
  /** Either the rows themselves, or a count and a generator called once per row at startup. */
  readonly rows: ReadonlyArray<ReadonlyArray<Value>> | {
    readonly count: number
    readonly row: (index: number) => ReadonlyArray<Value>
  }
}

/** What the session serves. */
export interface ReplayResult {
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly payloads: ReadonlyArray<Uint8Array>
}

/** Pre-encodes every replay entry; a value that does not fit its column is reported with the entry's SQL. */
export const buildReplayTable = (
  specs: ReadonlyArray<ReplaySpec>,
  charset: Charset,
  normalise: (sql: string) => string
): Map<string, ReplayResult> | string => {
  const table = new Map<string, ReplayResult>()
  for (const spec of specs) {
    const count = "count" in spec.rows ? spec.rows.count : spec.rows.length
    const payloads: Array<Uint8Array> = []
    for (let i = 0; i < count; i++) {
      const row = "count" in spec.rows ? spec.rows.row(i) : spec.rows[i]!
      const payload = encodeRow(spec.columns, row as ReadonlyArray<never>, { charset })
      if (isCodecFailure(payload)) return `replay "${spec.sql}", row ${i}: ${payload.message}`
      payloads.push(payload)
    }
    table.set(normalise(spec.sql), { columns: spec.columns, payloads })
  }
  return table
}
