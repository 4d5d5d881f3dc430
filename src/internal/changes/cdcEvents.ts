/**
 * CDC records → change events. The column list of each captured table arrives in a TABSCHEMA record before any row
 * of it (JDBC-PAM-TRIGGERS-CDC.md §3.5) and is kept per label; row images are decoded with it; a BEFORE_UPDATE image
 * waits for its AFTER_UPDATE and both become one `Update` event; TIMEOUT records (the server's idle heartbeat)
 * become `Idle` events only when asked for; an ERROR record fails the stream with the server's code.
 *
 * @internal
 */
import type { ChangeEvent } from "../../InformixChanges.ts"
import type { Value } from "../../InformixValue.ts"
import type { CdcRecord } from "../protocol/cdcRecords.ts"
import { type CdcColumn, decodeCdcRow, parseCdcColumns } from "../values/cdcRow.ts"
import { isCodecFailure } from "../values/CodecFailure.ts"
import type { ValueContext } from "../values/row.ts"

type Row = Record<string, Value>

/** Why a record cannot become an event: `code` is the server's CDC error (ERROR record), 0 for a decoding failure. */
export interface AssemblyFailure {
  readonly _tag: "AssemblyFailure"
  readonly code: number
  readonly message: string
}

const failure = (code: number, message: string): AssemblyFailure => ({ _tag: "AssemblyFailure", code, message })

export class EventAssembler {
  private readonly tables: ReadonlyMap<number, string>
  private readonly ctx: ValueContext
  private readonly columns = new Map<number, ReadonlyArray<CdcColumn>>()
  private before: { readonly seq: bigint; readonly row: Row } | undefined = undefined

  private readonly idle: boolean

  /** `tables`: the table name of each label given to cdc_startcapture; `idle`: TIMEOUT records become events. */
  constructor(tables: ReadonlyMap<number, string>, ctx: ValueContext, idle: boolean) {
    this.tables = tables
    this.ctx = ctx
    this.idle = idle
  }

  /** The event a record completes, undefined when it completes none, or why it cannot be read. */
  apply(record: CdcRecord): ChangeEvent | undefined | AssemblyFailure {
    switch (record._tag) {
      case "TabSchema": {
        const columns = parseCdcColumns(record.columns)
        if (isCodecFailure(columns)) return failure(0, columns.message)
        this.columns.set(record.label, columns)
        return undefined
      }
      case "Timeout":
        return this.idle ? { _tag: "Idle", position: record.seq } : undefined
      case "Error":
        return failure(record.code, `the CDC session reported error ${record.code}`)
      case "Begin":
      case "Commit":
        return {
          _tag: record._tag,
          position: record.seq,
          transactionId: record.txid,
          time: new Date(Number(record.time) * 1000)
        }
      case "Rollback":
      case "Discard":
        return { _tag: record._tag, position: record.seq, transactionId: record.txid }
      case "Truncate":
        return {
          _tag: "Truncate",
          position: record.seq,
          transactionId: record.txid,
          table: this.tables.get(record.label) ?? String(record.label)
        }
      case "Row": {
        const columns = this.columns.get(record.label)
        const table = this.tables.get(record.label)
        if (columns === undefined || table === undefined) {
          return failure(0, `a row of label ${record.label} arrived before its TABSCHEMA record`)
        }
        const values = decodeCdcRow(record.payload, columns, this.ctx)
        if (isCodecFailure(values)) return failure(0, `${table}: ${values.message}`)
        const row: Row = {}
        columns.forEach((c, i) => {
          row[c.name] = values[i]!
        })
        const base = { position: record.seq, transactionId: record.txid, table }
        switch (record.type) {
          case 40:
            return { _tag: "Insert", ...base, row }
          case 41:
            return { _tag: "Delete", ...base, row }
          case 42:
            this.before = { seq: record.seq, row }
            return undefined
          case 43: {
            const before = this.before
            this.before = undefined
            if (before === undefined) return failure(0, `${table}: an after-update image without its before image`)
            return { _tag: "Update", ...base, before: before.row, after: row }
          }
        }
      }
    }
  }
}
