/**
 * A statement prepared in an engine session: its plan, its result and parameter descriptions, whether an INSERT
 * fills a serial column, and the type of a value SQLite produced for an untyped expression.
 */
import { TypeCode } from "../../values/typeCodes.ts"
import type { ColumnDescription, Prepared } from "./api.ts"
import type { Session } from "./engineSession.ts"
import type { Plan } from "./planner.ts"
import type { Token } from "./tokenizer.ts"
import { type IfxType, Types } from "./types.ts"

export class PreparedStatement implements Prepared {
  readonly statementType: number
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly paramCount: number
  readonly paramTypes: ReadonlyArray<ColumnDescription>
  readonly insertsSerial: "serial" | "serial8" | "bigserial" | undefined
  readonly sql: string
  readonly plan: Plan
  readonly tokens: ReadonlyArray<Token>
  /** Informix type per result column (drives the value conversion). */
  readonly columnTypes: ReadonlyArray<IfxType>
  readonly session: Session

  constructor(
    session: Session,
    sql: string,
    tokens: ReadonlyArray<Token>,
    p: Plan,
    columns: ReadonlyArray<ColumnDescription>,
    columnTypes: ReadonlyArray<IfxType>,
    paramCount: number
  ) {
    this.session = session
    this.sql = sql
    this.tokens = tokens
    this.plan = p
    this.statementType = p.statementType
    this.columns = columns
    this.columnTypes = columnTypes
    this.paramCount = paramCount
    const params = p.kind === "select" || p.kind === "dml" ? p.params : p.kind === "extension" ? p.params ?? [] : []
    this.paramTypes = Array.from({ length: paramCount }, (_, i) => describe("", params[i] ?? Types.varchar(255), false))
    let serial: "serial" | "serial8" | "bigserial" | undefined
    if (p.kind === "dml" && p.verb === "insert" && p.table !== undefined) {
      for (const c of p.table.columns) {
        if (c.type.code === TypeCode.SERIAL8) serial = "serial8"
        else if (c.type.code === TypeCode.BIGSERIAL) serial = "bigserial"
        else if (c.type.code === TypeCode.SERIAL && serial === undefined) serial = "serial"
      }
    }
    this.insertsSerial = serial
  }
}

export const describe = (name: string, type: IfxType, notNull: boolean): ColumnDescription => ({
  name,
  columnType: type.code | (type.flags ?? 0) | (notNull ? 0x100 : 0),
  extendedId: type.xid,
  extendedName: type.xname,
  encodedLength: type.length,
  ...(type.source === undefined ? {} : { sourceType: type.source }),
  // A named ROW's name is not type text: the row encoder needs its fields from here.
  ...(type.complex === undefined || type.flags === undefined ? {} : { complexType: type.complex })
})

/** Type of a value SQLite produced for an expression the translator could not type (docs: "Result types"). */
export const runtimeType = (v: unknown): IfxType => {
  if (typeof v === "bigint") return v >= -2147483647n && v <= 2147483647n ? Types.integer : Types.int8
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) <= 2147483647 ? Types.integer : Types.float
  if (v instanceof Uint8Array) return Types.byte
  if (typeof v === "string" && v.length > 255) return Types.lvarchar(Math.max(2048, v.length))
  return Types.varchar(255)
}
