/**
 * Building SQ_DESCRIBE / SQ_IDESCRIBE bodies from engine column descriptions.
 *
 * DESCRIBE carries, per column, the column's byte offset in the "fixed layout" tuple and the sum of all widths
 * (tupleSize). Clients use the widths to size buffers (JDBC's default fetch buffer is max(row size, 4096)), so they
 * must follow VALUES.md §5: the golden INT + VARCHAR(128) describe has tupleSize 132 (VARCHAR counts its maximum).
 *
 * @internal
 */
import type { DescribeBody, DescribeField, IDescribe, IDescribeParam } from "../protocol/messages.ts"
import type { ColumnDescription } from "./engine/api.ts"

/** Fixed-layout width of one column (VALUES.md §5). */
export const columnWidth = (column: ColumnDescription): number => {
  const code = column.columnType & 0xff
  const len = column.encodedLength
  switch (code) {
    case 0: // CHAR
    case 15: // NCHAR
      return len
    case 1: // SMALLINT
      return 2
    case 2: // INTEGER
    case 6: // SERIAL
    case 7: // DATE
    case 4: // SMALLFLOAT
      return 4
    case 3: // FLOAT
    case 52: // BIGINT
    case 53: // BIGSERIAL
      return 8
    case 17: // INT8
    case 18: // SERIAL8
      return 10
    case 5: // DECIMAL
    case 8: // MONEY
    case 10: // DATETIME
    case 14: // INTERVAL
      return Math.floor((((len >> 8) & 0xff) + (len & 1) + 3) / 2)
    case 13: // VARCHAR
    case 16: // NVARCHAR
      return len & 0xff
    case 11: // BYTE
    case 12: // TEXT
      return 56
    default:
      return len
  }
}

/** NUL-terminated names back to back, with each field's offset in that table. */
export const describeFields = (columns: ReadonlyArray<ColumnDescription>): {
  readonly fields: ReadonlyArray<DescribeField>
  readonly tupleSize: number
} => {
  let nameOffset = 0
  let start = 0
  const fields: Array<DescribeField> = []
  for (const column of columns) {
    fields.push({
      name: column.name,
      fieldIndex: nameOffset,
      columnStartPos: start,
      columnType: column.columnType,
      extendedId: column.extendedId,
      ownerName: "",
      extendedName: column.extendedName,
      reference: 0,
      alignment: 0,
      sourceType: 0,
      encodedLength: column.encodedLength
    })
    // Column names are protocol strings (Latin-1, one char per byte): the NUL adds one byte.
    nameOffset += column.name.length + 1
    start += columnWidth(column)
  }
  return { fields, tupleSize: start }
}

export const describeBody = (
  statementType: number,
  statementId: number,
  columns: ReadonlyArray<ColumnDescription>
): DescribeBody => {
  const { fields, tupleSize } = describeFields(columns)
  return { statementType, statementId, estimatedCost: 0, tupleSize, fields }
}

/** SQ_IDESCRIBE for the statement's placeholders; the u16 after the count is 0 (SQLI.md §7.24: odd values break JDBC). */
export const idescribe = (params: ReadonlyArray<ColumnDescription>): IDescribe => ({
  _tag: "IDescribe",
  unknown: 0,
  params: params.map((p): IDescribeParam => ({
    type: p.columnType,
    extendedId: p.extendedId,
    ownerName: "",
    extendedName: p.extendedName,
    reference: 0,
    alignment: 0,
    sourceType: 0,
    encodedLength: p.encodedLength
  }))
})
