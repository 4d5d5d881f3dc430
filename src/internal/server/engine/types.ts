/**
 * Informix column types as the engine's catalog keeps them: type code, collen (VALUES.md §5), extended id/name
 * (VALUES.md §4). Also parses type declarations from tokens (CREATE TABLE, CAST, `::`) and says how a type is
 * stored in SQLite (see docs/sql-subset.md "Storage").
 */
import * as Option from "effect/Option"
import { Qualifier } from "../../../InformixValue.ts"
import type { CompositeType } from "../../values/collections.ts"
import { DISTINCT_FLAG, ExtendedId, TypeCode, typeName as typeCodeName } from "../../values/typeCodes.ts"
import { parseComplexDeclaration } from "./complexTypes.ts"
import type { Token } from "./tokenizer.ts"

export interface IfxType {
  /** Base type code (low byte of the type word). */
  readonly code: number
  /** collen of VALUES.md §5. */
  readonly length: number
  readonly xid: number
  readonly xname: string
  /** SERIAL start value (SERIAL(n)), default 1. */
  readonly serialStart?: number
  /** SET/MULTISET/LIST/ROW: the element/field types (complexTypes.ts). */
  readonly complex?: CompositeType
  /**
   * Type-word flags of a user type (userTypes.ts): 0x0800 DISTINCT (code and length are the base's, xid and xname
   * the distinct type's own), 0x1000 named ROW.
   */
  readonly flags?: number
  /** DISTINCT: the base type's extended id (0 for a built-in base), the describe's sourceType. */
  readonly source?: number
}

/** The extended id that says how a value of `t` is stored: a DISTINCT type's base's, else its own. */
export const storageXid = (t: IfxType): number => ((t.flags ?? 0) & DISTINCT_FLAG) !== 0 ? t.source ?? 0 : t.xid

/** First extended id of user-defined types (IBM's USER_XTDTYPEID_START, VALUES.md §4). */
export const FIRST_USER_XID = 2048

/** Names of the built-in extended types (VALUES.md §4, JDBC-COMPLEX-TYPES.md §1), "" for other ids. */
export const builtinXname = (xid: number): string => {
  switch (xid) {
    case ExtendedId.LVARCHAR:
      return "lvarchar"
    case ExtendedId.BOOLEAN:
      return "boolean"
    case ExtendedId.BLOB:
      return "blob"
    case ExtendedId.CLOB:
      return "clob"
    case ExtendedId.JSON:
      return "json"
    case ExtendedId.BSON:
      return "bson"
    default:
      return ""
  }
}

/** Resolves a type name that is not built in (DISTINCT, named ROW, opaque types: userTypes.ts). */
export type UserTypeResolver = (name: string) => IfxType | undefined

const simple = (code: number, length: number, xid = 0, xname = ""): IfxType => ({ code, length, xid, xname })

export const Types = {
  smallint: simple(TypeCode.SMALLINT, 2),
  integer: simple(TypeCode.INTEGER, 4),
  int8: simple(TypeCode.INT8, 10),
  bigint: simple(TypeCode.BIGINT, 8),
  float: simple(TypeCode.FLOAT, 8),
  smallfloat: simple(TypeCode.SMALLFLOAT, 4),
  date: simple(TypeCode.DATE, 4),
  boolean: simple(TypeCode.UDTFIXED, 1, ExtendedId.BOOLEAN, "boolean"),
  byte: simple(TypeCode.BYTE, 56),
  text: simple(TypeCode.TEXT, 56),
  blob: simple(TypeCode.UDTFIXED, 72, ExtendedId.BLOB, "blob"),
  // JSON and BSON are variable-length opaque types; 4096 is the encoded length IBM JDBC's RET_TYPE dump carries for
  // both (JDBC-COMPLEX-TYPES.md §3).
  json: simple(TypeCode.UDTVAR, 4096, ExtendedId.JSON, "json"),
  bson: simple(TypeCode.UDTVAR, 4096, ExtendedId.BSON, "bson"),
  clob: simple(TypeCode.UDTFIXED, 72, ExtendedId.CLOB, "clob"),
  char: (n: number) => simple(TypeCode.CHAR, n),
  varchar: (max: number, reserve = 0) => simple(TypeCode.VARCHAR, (reserve << 8) | max),
  lvarchar: (n = 2048) => simple(TypeCode.UDTVAR, n, ExtendedId.LVARCHAR, "lvarchar"),
  decimal: (precision: number, scale: number | undefined) =>
    simple(TypeCode.DECIMAL, (precision << 8) | (scale === undefined ? 255 : scale)),
  money: (precision: number, scale: number) => simple(TypeCode.MONEY, (precision << 8) | scale),
  datetime: (q: Qualifier) => simple(TypeCode.DATETIME, q.encoded),
  interval: (q: Qualifier) => simple(TypeCode.INTERVAL, q.encoded)
} as const

/** DATETIME YEAR TO FRACTION(3): the type of CURRENT (IBM datetime.h default qualifier 0x110D). */
export const currentQualifier = new Qualifier("YEAR", "FRACTION", { fractionDigits: 3 })

export type Family =
  | "int"
  | "bigint"
  | "float"
  | "decimal"
  | "date"
  | "datetime"
  | "interval"
  | "char"
  | "string"
  | "boolean"
  | "bytes"
  | "null"

export const family = (t: IfxType): Family => {
  switch (t.code) {
    case TypeCode.SMALLINT:
    case TypeCode.INTEGER:
    case TypeCode.SERIAL:
      return "int"
    case TypeCode.INT8:
    case TypeCode.SERIAL8:
    case TypeCode.BIGINT:
    case TypeCode.BIGSERIAL:
      return "bigint"
    case TypeCode.FLOAT:
    case TypeCode.SMALLFLOAT:
      return "float"
    case TypeCode.DECIMAL:
    case TypeCode.MONEY:
      return "decimal"
    case TypeCode.DATE:
      return "date"
    case TypeCode.DATETIME:
      return "datetime"
    case TypeCode.INTERVAL:
      return "interval"
    case TypeCode.CHAR:
    case TypeCode.NCHAR:
      return "char"
    case TypeCode.BYTE:
      return "bytes"
    case TypeCode.NULL:
      return "null"
    case TypeCode.UDTFIXED:
    case TypeCode.UDTVAR: {
      const xid = storageXid(t)
      if (xid === ExtendedId.BOOLEAN) return "boolean"
      // BSON documents and user opaque types are bytes; LVARCHAR, CLOB (text or a locator) and JSON are text.
      if (xid === ExtendedId.BLOB || xid === ExtendedId.BSON || xid >= FIRST_USER_XID) return "bytes"
      return "string"
    }
    default:
      return "string"
  }
}

export const isSerial = (t: IfxType) =>
  t.code === TypeCode.SERIAL || t.code === TypeCode.SERIAL8 || t.code === TypeCode.BIGSERIAL

export const decimalPrecision = (t: IfxType) => (t.length >> 8) & 0xff
/** Scale, or undefined for floating DECIMAL(p) (scale byte 255). */
export const decimalScale = (t: IfxType) => ((t.length & 0xff) === 255 ? undefined : t.length & 0xff)
export const qualifierOf = (t: IfxType): Qualifier => Qualifier.fromEncoded(t.length) ?? currentQualifier

/** Column declaration for SQLite: affinity and collation that give Informix comparison semantics. */
export const sqliteDeclaration = (t: IfxType): string => {
  switch (family(t)) {
    // "INT", not "INTEGER": a single-column INTEGER PRIMARY KEY would become SQLite's rowid alias and invent
    // values for NULL, where Informix reports -391.
    case "int":
    case "bigint":
    case "date":
    case "interval":
      return "INT"
    case "float":
      return "REAL"
    // No affinity: values with at most 15 significant digits are stored as numbers (so they compare and sum
    // numerically), longer ones as exact canonical text (docs/sql-subset.md, "DECIMAL").
    // (An empty declared type: "ANY" would give NUMERIC affinity, which rounds long digit strings to REAL.)
    case "decimal":
      return ""
    // Informix ignores trailing blanks when comparing CHAR values; SQLite's RTRIM collation does the same.
    case "char":
      return "TEXT COLLATE RTRIM"
    case "bytes":
      return "BLOB"
    default:
      return "TEXT"
  }
}

/** SQL text of a type (syscolumns-independent, used in docs/errors and CAST round trips). */
export const typeName = (t: IfxType): string => {
  switch (t.code) {
    case TypeCode.CHAR:
      return `CHAR(${t.length})`
    case TypeCode.NCHAR:
      return `NCHAR(${t.length})`
    case TypeCode.VARCHAR:
      return `VARCHAR(${t.length & 0xff},${t.length >> 8})`
    case TypeCode.NVARCHAR:
      return `NVARCHAR(${t.length & 0xff},${t.length >> 8})`
    case TypeCode.DECIMAL: {
      const s = decimalScale(t)
      return s === undefined ? `DECIMAL(${decimalPrecision(t)})` : `DECIMAL(${decimalPrecision(t)},${s})`
    }
    case TypeCode.MONEY:
      return `MONEY(${decimalPrecision(t)},${decimalScale(t) ?? 2})`
    case TypeCode.DATETIME:
      return `DATETIME ${qualifierOf(t).toString()}`
    case TypeCode.INTERVAL:
      return `INTERVAL ${qualifierOf(t).toIntervalString()}`
    default:
      return t.xname !== "" ? t.xname.toUpperCase() : typeCodeName(t.code)
  }
}

export interface TypeParseResult {
  readonly type: IfxType
  readonly next: number
}

export interface TypeParseError {
  readonly offset: number
}

const unitNames = new Set(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "FRACTION"])

/** Parses `q1[(n)] TO q2[(n)]` at tokens[i]. */
export const parseQualifierTokens = (
  tokens: ReadonlyArray<Token>,
  i: number
): { qualifier: Qualifier; next: number } | TypeParseError => {
  let text = ""
  let j = i
  const unit = () => {
    const t = tokens[j]!
    if (t.kind !== "ident" || !unitNames.has(t.upper)) return false
    text += t.upper
    j++
    if (tokens[j]?.text === "(" && tokens[j + 1]?.kind === "number" && tokens[j + 2]?.text === ")") {
      text += `(${tokens[j + 1]!.text})`
      j += 3
    }
    return true
  }
  if (!unit()) return { offset: tokens[j]!.offset }
  if (tokens[j]?.upper === "TO") {
    text += " TO "
    j++
    if (!unit()) return { offset: tokens[j]!.offset }
  }
  const parsed = Qualifier.parse(text)
  if (Option.isNone(parsed)) return { offset: tokens[i]!.offset }
  return { qualifier: parsed.value, next: j }
}

const numberArgs = (tokens: ReadonlyArray<Token>, i: number): { args: Array<number>; next: number } => {
  if (tokens[i]?.text !== "(") return { args: [], next: i }
  const args: Array<number> = []
  let j = i + 1
  while (tokens[j]?.kind === "number") {
    args.push(Number(tokens[j]!.text))
    j++
    if (tokens[j]?.text === ",") j++
  }
  if (tokens[j]?.text !== ")") return { args: [NaN], next: j }
  return { args, next: j + 1 }
}

/**
 * Parses an Informix type name at tokens[i]; a name that is not built in is looked up with `userType` (a DISTINCT,
 * named ROW or opaque type of the database).
 */
export const parseType = (
  tokens: ReadonlyArray<Token>,
  i: number,
  userType?: UserTypeResolver
): TypeParseResult | TypeParseError => {
  const t = tokens[i]!
  if (t.kind !== "ident") return { offset: t.offset }
  if (t.upper === "SET" || t.upper === "MULTISET" || t.upper === "LIST" || t.upper === "ROW") {
    return parseComplexDeclaration(tokens, i)
  }
  const { args, next } = numberArgs(tokens, i + 1)
  const bad = args.some((a) => !Number.isInteger(a))
  if (bad) return { offset: tokens[i + 1]!.offset }
  const ok = (type: IfxType, n = next): TypeParseResult => ({ type, next: n })
  const noArgs = (type: IfxType): TypeParseResult | TypeParseError =>
    args.length === 0 ? ok(type) : { offset: tokens[i + 1]!.offset }
  switch (t.upper) {
    case "CHAR":
    case "CHARACTER": {
      if (tokens[i + 1]?.upper === "VARYING") {
        const v = numberArgs(tokens, i + 2)
        return ok(Types.varchar(v.args[0] ?? 1, v.args[1] ?? 0), v.next)
      }
      const n = args[0] ?? 1
      return n >= 1 && n <= 32767 ? ok(Types.char(n)) : { offset: tokens[i + 1]!.offset }
    }
    case "NCHAR":
      return ok({ ...Types.char(args[0] ?? 1), code: TypeCode.NCHAR })
    case "VARCHAR":
    case "NVARCHAR": {
      const max = args[0]
      if (max === undefined || max < 1 || max > 255 || (args[1] ?? 0) > max) {
        return { offset: tokens[i + 1]?.offset ?? t.offset }
      }
      const v = Types.varchar(max, args[1] ?? 0)
      return ok(t.upper === "NVARCHAR" ? { ...v, code: TypeCode.NVARCHAR } : v)
    }
    case "LVARCHAR":
      return ok(Types.lvarchar(args[0] ?? 2048))
    case "SMALLINT":
      return noArgs(Types.smallint)
    case "INT":
    case "INTEGER":
      return noArgs(Types.integer)
    case "INT8":
      return noArgs(Types.int8)
    case "BIGINT":
      return noArgs(Types.bigint)
    case "SERIAL":
      return ok({ ...simple(TypeCode.SERIAL, 4), serialStart: args[0] ?? 1 })
    case "SERIAL8":
      return ok({ ...simple(TypeCode.SERIAL8, 10), serialStart: args[0] ?? 1 })
    case "BIGSERIAL":
      return ok({ ...simple(TypeCode.BIGSERIAL, 8), serialStart: args[0] ?? 1 })
    case "SMALLFLOAT":
    case "REAL":
      return noArgs(Types.smallfloat)
    case "FLOAT":
      return ok(Types.float)
    case "DOUBLE":
      return tokens[i + 1]?.upper === "PRECISION" ? ok(Types.float, i + 2) : { offset: tokens[i + 1]!.offset }
    case "DECIMAL":
    case "DEC":
    case "NUMERIC": {
      const p = args[0] ?? 16
      const s = args[1] ?? (t.upper === "NUMERIC" && args.length === 1 ? 0 : undefined)
      if (p < 1 || p > 32 || (s !== undefined && (s < 0 || s > p))) return { offset: tokens[i + 1]!.offset }
      return ok(Types.decimal(p, s))
    }
    case "MONEY": {
      const p = args[0] ?? 16
      const s = args[1] ?? 2
      if (p < 1 || p > 32 || s < 0 || s > p) return { offset: tokens[i + 1]!.offset }
      return ok(Types.money(p, s))
    }
    case "DATE":
      return noArgs(Types.date)
    case "DATETIME":
    case "INTERVAL": {
      const q = parseQualifierTokens(tokens, i + 1)
      if ("offset" in q) return q
      return ok(t.upper === "DATETIME" ? Types.datetime(q.qualifier) : Types.interval(q.qualifier), q.next)
    }
    case "BOOLEAN":
      return noArgs(Types.boolean)
    case "BYTE":
      return ok(Types.byte, skipStorage(tokens, i + 1))
    case "TEXT":
      return ok(Types.text, skipStorage(tokens, i + 1))
    case "BLOB":
      return noArgs(Types.blob)
    case "CLOB":
      return noArgs(Types.clob)
    case "JSON":
      return noArgs(Types.json)
    case "BSON":
      return noArgs(Types.bson)
    default: {
      // `owner.name` or `name` of a user type.
      const qualified = tokens[i + 1]?.text === "." && tokens[i + 2]?.kind === "ident"
      const found = userType?.(qualified ? tokens[i + 2]!.text : t.text)
      return found === undefined ? { offset: t.offset } : ok(found, qualified ? i + 3 : i + 1)
    }
  }
}

/** BYTE/TEXT may be followed by `IN TABLE` / `IN dbspace`; the storage location means nothing here. */
const skipStorage = (tokens: ReadonlyArray<Token>, i: number) =>
  tokens[i]?.upper === "IN" && tokens[i + 1]?.kind === "ident" ? i + 2 : i
