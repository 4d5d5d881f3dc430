/**
 * The value layer: type codes, row (SQ_TUPLE) and bind (SQ_BIND) codecs for every Informix type, code sets.
 * Pure functions; failures are returned as {@link CodecFailure} values, never thrown.
 */
export type { Value } from "../../InformixValue.ts"
export { type BindValue, decodeBind, encodeBind } from "./bindValues.ts"
export {
  type Charset,
  charsetForCodeSet,
  charsetForLocale,
  DEFAULT_LOCALE,
  encodeText,
  latin1Charset
} from "./charset.ts"
export { CodecFailure, isCodecFailure } from "./CodecFailure.ts"
export { packedWidth } from "./decimal.ts"
export { decodeInt8, encodeInt8 } from "./int8.ts"
export {
  BLOB_DESCRIPTOR_SIZE,
  type ColumnInfo,
  type ColumnKind,
  columnKind,
  decodeRow,
  decodeRowValues,
  describeColumn,
  encodeRow,
  encodeRowValues,
  makeBlobDescriptorBytes,
  prepareColumns,
  type PreparedColumn,
  rowValueWidth,
  type ValueContext
} from "./row.ts"
export { decodeDateTime, decodeInterval, encodeDateTime, encodeInterval } from "./timeValue.ts"
export {
  baseType,
  bindLengthPrefix,
  DISTINCT_FLAG,
  ExtendedId,
  isExtendedBindType,
  NAMED_ROW_FLAG,
  NOT_NULL_FLAG,
  TypeCode,
  typeName
} from "./typeCodes.ts"
