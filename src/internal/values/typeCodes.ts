/**
 * Informix type codes and type-word flag bits (VALUES.md §2–§4, IBM sqltypes.h).
 *
 * The DESCRIBE "type word" is 16 bits: the low byte is the type code, the high byte carries flags (NOT NULL,
 * DISTINCT, named ROW, …). Decoders must mask with 0xFF before dispatching.
 */

export const TypeCode = {
  CHAR: 0,
  SMALLINT: 1,
  INTEGER: 2,
  FLOAT: 3,
  SMALLFLOAT: 4,
  DECIMAL: 5,
  SERIAL: 6,
  DATE: 7,
  MONEY: 8,
  NULL: 9,
  DATETIME: 10,
  BYTE: 11,
  TEXT: 12,
  VARCHAR: 13,
  INTERVAL: 14,
  NCHAR: 15,
  NVARCHAR: 16,
  INT8: 17,
  SERIAL8: 18,
  SET: 19,
  MULTISET: 20,
  LIST: 21,
  ROW: 22,
  COLLECTION: 23,
  ROWREF: 24,
  UDTVAR: 40,
  UDTFIXED: 41,
  REFSER8: 42,
  LVARCHAR: 43,
  SENDRECV: 44,
  BOOLEAN: 45,
  IMPEXP: 46,
  IMPEXPBIN: 47,
  UDRDEFAULT: 48,
  DBSENDRECV: 49,
  SRVSENDRECV: 50,
  UNKNOWN: 51,
  BIGINT: 52,
  BIGSERIAL: 53
} as const

/** Extended ids of the built-in opaque types (IBM sqltypes.h XID_*, frozen because SQLI depends on them). */
export const ExtendedId = {
  LVARCHAR: 1,
  BOOLEAN: 5,
  BLOB: 10,
  CLOB: 11,
  /** Informix 12.10+ JSON (JDBC's IfxTypes, JDBC-COMPLEX-TYPES.md §1). */
  JSON: 25,
  /** Informix 12.10+ BSON. */
  BSON: 26
} as const

/** Type code of a type word (`word & 0xff`). */
export const baseType = (word: number): number => word & 0xff

/** Column does not accept NULL (NOT NULL, SERIALs). */
export const NOT_NULL_FLAG = 0x0100
/** DISTINCT type over a built-in: decodes like its base type. */
export const DISTINCT_FLAG = 0x0800
/** Named ROW type. */
export const NAMED_ROW_FLAG = 0x1000

const names: Array<string | undefined> = []
for (const [name, value] of Object.entries(TypeCode)) names[value] = name

/** Name of a type code, for messages ("DECIMAL", "type 99"). */
export const typeName = (code: number): string => names[code] ?? `type ${code}`

/**
 * Length prefix a bind value carries in SQ_BIND (VALUES.md §7): variable-width built-ins (character types,
 * DECIMAL/MONEY, DATETIME/INTERVAL) have a u16 length; extended types (codes above 18 other than BIGINT/BIGSERIAL:
 * LVARCHAR 43, BOOLEAN 45, UDTs) have a u32 length and an owner/type-name block before the indicator; fixed-width
 * numerics, DATE, INT8 and the 56-byte BYTE/TEXT descriptor have none.
 */
export const bindLengthPrefix = (type: number): 0 | 2 | 4 => {
  switch (type) {
    case TypeCode.CHAR:
    case TypeCode.VARCHAR:
    case TypeCode.NCHAR:
    case TypeCode.NVARCHAR:
    case TypeCode.DECIMAL:
    case TypeCode.MONEY:
    case TypeCode.DATETIME:
    case TypeCode.INTERVAL:
      return 2
    default:
      return isExtendedBindType(type) ? 4 : 0
  }
}

/**
 * True when an SQ_BIND item of this type carries the owner/type-name block (`type, owner, name, indicator, prec,
 * len:u32, data`). JDBC does this for 43 and 45 (golden/jdbc-prep-21); IFXPY's comment says "> 18". We follow
 * "> 18" (no peer binds SERIAL8 18, so the boundary case is untested — VALUES.md §14 Q9).
 */
export const isExtendedBindType = (type: number): boolean =>
  type > TypeCode.SERIAL8 && type !== TypeCode.BIGINT && type !== TypeCode.BIGSERIAL
