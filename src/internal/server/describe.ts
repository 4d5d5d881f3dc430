/**
 * Building SQ_DESCRIBE / SQ_IDESCRIBE bodies from engine column descriptions.
 *
 * DESCRIBE carries, per column, the column's byte offset in the "fixed layout" tuple and the sum of all widths
 * (tupleSize). Clients use the widths to size buffers (JDBC's default fetch buffer is max(row size, 4096)), so they
 * must follow VALUES.md §5: the golden INT + VARCHAR(128) describe has tupleSize 132 (VARCHAR counts its maximum).
 *
 * @internal
 */
import { fixedBindWidth } from "../protocol/bindFraming.ts"
import type { DescribeBody, DescribeField, IDescribe, IDescribeParam } from "../protocol/messages.ts"
import { packedWidth } from "../values/decimal.ts"
import { baseType, TypeCode } from "../values/typeCodes.ts"
import type { ColumnDescription } from "./engine/api.ts"

/**
 * Fixed-layout width of one column (VALUES.md §5). The fixed-width codes (numerics, DATE, the 56-byte BYTE/TEXT
 * descriptor) are as wide as their bind values; the others take their width from the encoded length.
 */
export const columnWidth = (column: ColumnDescription): number => {
  const len = column.encodedLength
  switch (baseType(column.columnType)) {
    case TypeCode.DECIMAL:
    case TypeCode.MONEY:
    case TypeCode.DATETIME:
    case TypeCode.INTERVAL:
      return packedWidth(len)
    case TypeCode.VARCHAR:
    case TypeCode.NVARCHAR:
      return len & 0xff
    default:
      return fixedBindWidth(column.columnType) ?? len
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
      sourceType: column.sourceType ?? 0,
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
    sourceType: p.sourceType ?? 0,
    encodedLength: p.encodedLength
  }))
})
