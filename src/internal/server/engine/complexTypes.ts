/**
 * SET, MULTISET, LIST and ROW columns in the engine (docs/sql-subset.md "Collections and ROW types"):
 *
 * - Declarations `SET(INTEGER NOT NULL)`, `LIST(VARCHAR(20) NOT NULL)`, `ROW(a INT, b VARCHAR(10))`, nested, parse to
 *   an {@link IfxType} with code 19–22 whose extended name is the type text (what a server describes such a column
 *   with, VALUES.md §8.17) and whose `complex` holds the element/field types.
 * - Literals `SET{1,2}`, `MULTISET{}`, `LIST{'a'}`, `ROW(1,'x')` are rewritten, before planning, into one string
 *   token holding the value as JSON; the column's type gives it meaning when it is stored.
 * - Storage is TEXT: JSON arrays (collections, and ROWs positionally) whose leaves are canonical text or null, so a
 *   value is typed only by its column. A SET keeps one copy of equal elements, as Informix does.
 * - The catalog keeps each column's type text in `_ifx_xtdtypes` under an extended id from 2048 (user types start
 *   there, VALUES.md §4); syscolumns.extended_id points at it.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { DatabaseSync } from "node:sqlite"
import type { Value } from "../../../InformixValue.ts"
import { CodecFailure } from "../../values/CodecFailure.ts"
import { type ComplexType, type CompositeType, describeType } from "../../values/collections.ts"
import { parseComplexType } from "../../values/complexTypeText.ts"
import { ExtendedId, TypeCode } from "../../values/typeCodes.ts"
import type { Token } from "./tokenizer.ts"
import { FIRST_USER_XID, type IfxType, type TypeParseError, type TypeParseResult } from "./types.ts"
import { fromStorage, isConversionError, toStorage } from "./values.ts"

/** A column type that is a collection or ROW. */
export type ComplexIfxType = IfxType & { readonly complex: CompositeType }

export const isComplexType = (t: IfxType): t is ComplexIfxType => t.complex !== undefined

/** The type code of a collection/ROW type. */
export const compositeCode = (c: CompositeType): number =>
  c._tag === "Row"
    ? TypeCode.ROW
    : c.kind === "SET"
    ? TypeCode.SET
    : c.kind === "MULTISET"
    ? TypeCode.MULTISET
    : TypeCode.LIST

/** The engine type of a parsed collection/ROW type. */
export const complexIfxType = (complex: CompositeType, xid = 0): ComplexIfxType => ({
  code: compositeCode(complex),
  length: 0,
  xid,
  xname: describeType(complex),
  complex
})

/** Index after the parenthesis that closes the one at `open`, or -1. */
const closeOf = (tokens: ReadonlyArray<Token>, open: number, openText: string, closeText: string): number => {
  let depth = 0
  for (let j = open; j < tokens.length; j++) {
    const text = tokens[j]!.text
    if (tokens[j]!.kind === "string") continue
    if (text === openText) depth++
    else if (text === closeText && --depth === 0) return j
  }
  return -1
}

/** Parses `SET(...)`, `MULTISET(...)`, `LIST(...)` or `ROW(...)` at tokens[i] (a type declaration). */
export const parseComplexDeclaration = (
  tokens: ReadonlyArray<Token>,
  i: number
): TypeParseResult | TypeParseError => {
  if (tokens[i + 1]?.text !== "(") return { offset: tokens[i + 1]?.offset ?? tokens[i]!.offset }
  const close = closeOf(tokens, i + 1, "(", ")")
  if (close < 0) return { offset: tokens[i]!.offset }
  const text = tokens.slice(i, close + 1).map((t) => t.text).join(" ")
  const parsed = parseComplexType(text)
  if (parsed instanceof CodecFailure) return { offset: tokens[i]!.offset }
  return { type: complexIfxType(parsed), next: close + 1 }
}

// ---------------------------------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------------------------------

type Tree = string | null | ReadonlyArray<Tree>

const isCollectionWord = (t: Token | undefined) =>
  t?.kind === "ident" && (t.upper === "SET" || t.upper === "MULTISET" || t.upper === "LIST")

/** True when `ROW(` at i starts a literal (its first item is a value), not a type (`ROW(a INT, …)`). */
const isRowLiteral = (tokens: ReadonlyArray<Token>, i: number): boolean => {
  if (tokens[i]?.upper !== "ROW" || tokens[i + 1]?.text !== "(") return false
  const first = tokens[i + 2]
  if (first === undefined) return false
  if (first.kind === "number" || first.kind === "string" || first.text === "-") return true
  if (first.upper === "NULL") return true
  if (isCollectionWord(first) && tokens[i + 3]?.text === "{") return true
  return isRowLiteral(tokens, i + 2)
}

/** Reads one literal value at tokens[i]; the value and the index after it, or the offset of a syntax error. */
const readItem = (tokens: ReadonlyArray<Token>, i: number): { tree: Tree; next: number } | { offset: number } => {
  const t = tokens[i]
  if (t === undefined) return { offset: tokens[tokens.length - 1]?.end ?? 0 }
  if (t.kind === "number" || t.kind === "string") return { tree: t.text, next: i + 1 }
  if (t.text === "-" && tokens[i + 1]?.kind === "number") return { tree: `-${tokens[i + 1]!.text}`, next: i + 2 }
  if (t.kind === "ident" && t.upper === "NULL") return { tree: null, next: i + 1 }
  if (isCollectionWord(t) && tokens[i + 1]?.text === "{") return readList(tokens, i + 2, "}")
  if (isRowLiteral(tokens, i)) return readList(tokens, i + 2, ")")
  return { offset: t.offset }
}

const readList = (
  tokens: ReadonlyArray<Token>,
  i: number,
  close: string
): { tree: Tree; next: number } | { offset: number } => {
  const items: Array<Tree> = []
  let j = i
  if (tokens[j]?.text === close) return { tree: items, next: j + 1 }
  for (;;) {
    const item = readItem(tokens, j)
    if ("offset" in item) return item
    items.push(item.tree)
    j = item.next
    if (tokens[j]?.text === ",") j++
    else if (tokens[j]?.text === close) return { tree: items, next: j + 1 }
    else return { offset: tokens[j]?.offset ?? tokens[j - 1]!.end }
  }
}

/**
 * Replaces each collection or ROW literal with one string token whose text is the value as JSON (leaves as text).
 * Returns the offset of a malformed literal (reported as -201).
 */
export const rewriteComplexLiterals = (
  tokens: ReadonlyArray<Token>
): ReadonlyArray<Token> | { readonly offset: number } => {
  if (!tokens.some((t) => t.text === "{" || t.upper === "ROW")) return tokens
  const out: Array<Token> = []
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i]!
    if ((isCollectionWord(t) && tokens[i + 1]?.text === "{") || isRowLiteral(tokens, i)) {
      const item = readItem(tokens, i)
      if ("offset" in item) return item
      const end = tokens[item.next - 1]!.end
      const text = JSON.stringify(item.tree)
      out.push({ kind: "string", text, upper: text, offset: t.offset, end })
      i = item.next
    } else {
      out.push(t)
      i++
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------------------------

/** IBM -1213 "A character to numeric conversion process failed"; -9634 "No cast from …" for a wrong shape. */
const conversion = { sqlcode: -1213 } as const
const noCast = { sqlcode: -9634 } as const

type Failure = { readonly sqlcode: number }
const isFailure = (u: unknown): u is Failure => typeof u === "object" && u !== null && "sqlcode" in u

const isBoolean = (t: Extract<ComplexType, { _tag: "Scalar" }>) =>
  t.code === TypeCode.BOOLEAN || (t.code === TypeCode.UDTFIXED && t.extendedId === ExtendedId.BOOLEAN)

/** A leaf value (or its literal text) as canonical text for its scalar type. */
const leafText = (v: Value, t: Extract<ComplexType, { _tag: "Scalar" }>): string | Failure => {
  if (isBoolean(t)) {
    if (typeof v === "boolean") return v ? "t" : "f"
    if (typeof v === "string" && /^[tf]$/i.test(v.trim())) return v.trim().toLowerCase()
    return conversion
  }
  switch (t.code) {
    case TypeCode.SMALLINT:
    case TypeCode.INTEGER:
    case TypeCode.INT8:
    case TypeCode.BIGINT: {
      const text = typeof v === "string" ? v.trim() : typeof v === "number" || typeof v === "bigint" ? String(v) : ""
      if (!/^-?\d+$/.test(text)) return conversion
      const n = BigInt(text)
      const limit = t.code === TypeCode.SMALLINT ? 32767n : t.code === TypeCode.INTEGER ? 2147483647n : (1n << 63n) - 1n
      return n > limit || n < -limit ? { sqlcode: t.code === TypeCode.SMALLINT ? -1214 : -1215 } : n.toString()
    }
    case TypeCode.FLOAT:
    case TypeCode.SMALLFLOAT: {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN
      return Number.isFinite(n) ? String(n) : conversion
    }
    case TypeCode.DECIMAL:
    case TypeCode.MONEY: {
      const d = BigDecimal.isBigDecimal(v)
        ? v
        : typeof v === "number" || typeof v === "bigint" || typeof v === "string"
        ? Option.getOrUndefined(BigDecimal.fromString(String(v).trim()))
        : undefined
      if (d === undefined) return conversion
      return BigDecimal.format(BigDecimal.normalize(d))
    }
    case TypeCode.CHAR:
    case TypeCode.NCHAR:
    case TypeCode.VARCHAR:
    case TypeCode.NVARCHAR:
    case TypeCode.UDTVAR:
      return typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : conversion
    case TypeCode.DATE:
    case TypeCode.DATETIME:
    case TypeCode.INTERVAL: {
      // Converted as for a column of the element's type (values.ts): the day number, the DATETIME's canonical text
      // in its qualifier, the INTERVAL's total in months or 1e-5 seconds — as text, so equal values compare equal.
      const stored = toStorage(v, scalarIfxType(t))
      return isConversionError(stored) ? stored : String(stored)
    }
    default:
      return noCast
  }
}

const scalarIfxType = (t: Extract<ComplexType, { _tag: "Scalar" }>): IfxType => ({
  code: t.code,
  length: t.length,
  xid: t.extendedId,
  xname: t.name
})

const leafValue = (text: string, t: Extract<ComplexType, { _tag: "Scalar" }>): Value => {
  if (isBoolean(t)) return text === "t"
  switch (t.code) {
    case TypeCode.SMALLINT:
    case TypeCode.INTEGER:
    case TypeCode.FLOAT:
    case TypeCode.SMALLFLOAT:
      return Number(text)
    case TypeCode.INT8:
    case TypeCode.BIGINT:
      return BigInt(text)
    case TypeCode.DECIMAL:
    case TypeCode.MONEY:
      return BigDecimal.fromStringUnsafe(text)
    case TypeCode.CHAR:
    case TypeCode.NCHAR:
      return text.length >= t.length ? text.slice(0, t.length) : text.padEnd(t.length, " ")
    case TypeCode.VARCHAR:
    case TypeCode.NVARCHAR:
      return text.slice(0, t.length & 0xff)
    case TypeCode.DATE:
      return fromStorage(Number(text), scalarIfxType(t))
    case TypeCode.DATETIME:
    case TypeCode.INTERVAL:
      return fromStorage(text, scalarIfxType(t))
    default:
      return text
  }
}

/** A ROW's fields by name: a plain object (not a value object such as a LocalDate, a DateTime or a BigDecimal). */
const isObject = (v: unknown): v is { readonly [field: string]: Value } => {
  if (typeof v !== "object" || v === null) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** A value (from a bind) or a literal tree (from rewritten SQL) → the canonical stored tree, checked against the type. */
const toTree = (v: Value | Tree, t: ComplexType): Tree | Failure => {
  if (t._tag === "Scalar") {
    if (v === null) return null
    if (Array.isArray(v) || isObject(v)) return noCast
    return leafText(v as Value, t)
  }
  if (v === null) return null
  if (t._tag === "Collection") {
    if (!Array.isArray(v)) return noCast
    const out: Array<Tree> = []
    const seen = new Set<string>()
    for (const element of v as ReadonlyArray<Value | Tree>) {
      // Collection elements are NOT NULL (IBM -9816 "A null value cannot be inserted into a collection").
      if (element === null) return { sqlcode: -9816 }
      const tree = toTree(element, t.element)
      if (isFailure(tree)) return tree
      if (t.kind === "SET") {
        const key = JSON.stringify(tree)
        if (seen.has(key)) continue
        seen.add(key)
      }
      out.push(tree)
    }
    return out
  }
  // ROW: positional (a literal's items) or by field name (an object from a bind).
  const items: ReadonlyArray<Value | Tree> | undefined = Array.isArray(v)
    ? v as ReadonlyArray<Value | Tree>
    : isObject(v)
    ? t.fields.map((f) => (v as { readonly [field: string]: Value })[f.name] ?? null)
    : undefined
  if (items === undefined || items.length !== t.fields.length) return noCast
  // A ROW of another structure (a field this type lacks) has no cast to it (-9634).
  if (isObject(v) && Object.keys(v).some((key) => !t.fields.some((f) => f.name === key))) return noCast
  const out: Array<Tree> = []
  for (let i = 0; i < items.length; i++) {
    const tree = toTree(items[i]!, t.fields[i]!.type)
    if (isFailure(tree)) return tree
    out.push(tree)
  }
  return out
}

/** JSON text of a literal tree (what {@link rewriteComplexLiterals} produced); other text is not a collection value. */
const TreeSchema: Schema.Codec<Tree> = Schema.Union([
  Schema.String,
  Schema.Null,
  Schema.Array(Schema.suspend((): Schema.Codec<Tree> => TreeSchema))
])
const parseTree = Schema.decodeUnknownOption(Schema.fromJsonString(TreeSchema))

const fromTree = (tree: Tree, t: ComplexType): Value => {
  if (tree === null) return null
  if (t._tag === "Scalar") return typeof tree === "string" ? leafValue(tree, t) : null
  if (!Array.isArray(tree)) return null
  if (t._tag === "Collection") return tree.map((e) => fromTree(e, t.element))
  const out: Record<string, Value> = {}
  t.fields.forEach((f, i) => {
    out[f.name] = fromTree(tree[i] ?? null, f.type)
  })
  return out
}

/** The stored text of a value assigned to a collection/ROW column (a literal's JSON text, or a bound value). */
export const complexToStorage = (v: Value, t: ComplexIfxType): string | null | Failure => {
  if (v === null) return null
  let input: Value | Tree = v
  if (typeof v === "string") {
    const parsed = parseTree(v)
    if (Option.isNone(parsed)) return noCast
    input = parsed.value
  }
  const tree = toTree(input, t.complex)
  return isFailure(tree) ? tree : tree === null ? null : JSON.stringify(tree)
}

/** The value of a stored collection/ROW. */
export const complexFromStorage = (stored: unknown, t: ComplexIfxType): Value => {
  if (typeof stored !== "string") return null
  const tree = parseTree(stored)
  return Option.isSome(tree) ? fromTree(tree.value, t.complex) : null
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------------------------

const ensureTable = (db: DatabaseSync) =>
  db.exec(
    "CREATE TABLE IF NOT EXISTS _ifx_xtdtypes (extended_id INTEGER PRIMARY KEY, type INTEGER NOT NULL, name TEXT NOT NULL)"
  )

/** The next free extended id: above every collection/ROW column type and every user type (userTypes.ts). */
export const nextExtendedId = (db: DatabaseSync): number => {
  const max = (sql: string) => Number((db.prepare(sql).get() as { m: number | bigint | null } | undefined)?.m ?? 0)
  ensureTable(db)
  const catalog = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sysxtdtypes'").get()
  return Math.max(
    FIRST_USER_XID,
    max("SELECT max(extended_id) AS m FROM _ifx_xtdtypes") + 1,
    catalog === undefined ? 0 : max("SELECT max(extended_id) AS m FROM sysxtdtypes") + 1
  )
}

/**
 * The extended id syscolumns records for a column of type `t`: a new one per collection/ROW column, a named ROW's
 * own (userTypes.ts).
 */
export const extendedIdFor = (db: DatabaseSync, t: IfxType): number => {
  if (!isComplexType(t) || t.flags !== undefined) return t.xid
  const xid = nextExtendedId(db)
  db.prepare("INSERT INTO _ifx_xtdtypes (extended_id, type, name) VALUES (?, ?, ?)").run(xid, t.code, t.xname)
  return xid
}

/** The engine type of a catalog column with a collection/ROW code, or undefined for other codes. */
export const complexTypeFromCatalog = (db: DatabaseSync, code: number, xid: number): IfxType | undefined => {
  if (code < TypeCode.SET || code > TypeCode.ROW) return undefined
  ensureTable(db)
  const row = db.prepare("SELECT name FROM _ifx_xtdtypes WHERE extended_id = ?").get(xid) as
    | { name: string }
    | undefined
  const parsed = row === undefined ? undefined : parseComplexType(row.name)
  return parsed === undefined || parsed instanceof CodecFailure ? undefined : complexIfxType(parsed, xid)
}
