/**
 * JSON and BSON columns in the engine (docs/sql-subset.md "Extended types"): JSON is stored as its text, BSON as the
 * document's bytes. A value stored into either is checked and converted as a cast to the type converts it: JSON text
 * must parse, a BSON value must be a document; text goes to BSON through MongoDB's Extended JSON (relaxed) and BSON
 * comes back to JSON text the same way, so `'{"a":1}'::json::bson::json` round-trips. Invalid documents fail with
 * IBM's −9660 "The database server operation failed due to an invalid JSON document".
 */
import { BSON, EJSON } from "bson"
import * as Result from "effect/Result"
import type { Value } from "../../../InformixValue.ts"
import { CodecFailure } from "../../values/CodecFailure.ts"
import { decodeBson, encodeBson, jsonText, parseJson } from "../../values/extendedValues.ts"
import { ExtendedId, TypeCode } from "../../values/typeCodes.ts"
import { type IfxType, storageXid, Types } from "./types.ts"

const invalidDocument = { sqlcode: -9660 } as const

const isOpaque = (t: IfxType) => t.code === TypeCode.UDTVAR || t.code === TypeCode.UDTFIXED

/** JSON column (or a DISTINCT type over JSON). */
export const isJsonType = (t: IfxType): boolean => isOpaque(t) && storageXid(t) === ExtendedId.JSON

/** BSON column (or a DISTINCT type over BSON). */
export const isBsonType = (t: IfxType): boolean => isOpaque(t) && storageXid(t) === ExtendedId.BSON

/** JSON or BSON. */
export const isDocumentType = (t: IfxType): boolean => isJsonType(t) || isBsonType(t)

const utf8 = new TextDecoder()

/** A BSON document's bytes as relaxed Extended JSON text (what a cast BSON → JSON gives). */
const bsonToJsonText = (bytes: Uint8Array): string | undefined => {
  const text = Result.try(() => EJSON.stringify(BSON.deserialize(bytes), { relaxed: true }))
  return Result.isSuccess(text) ? text.success : undefined
}

/** The stored text of a value assigned to a JSON column. */
export const jsonToStorage = (v: Value): string | { readonly sqlcode: number } => {
  if (typeof v === "string") return parseJson(v) instanceof CodecFailure ? invalidDocument : v
  if (v instanceof Uint8Array) {
    // A BSON document (a BSON column or parameter cast to JSON), else text bytes.
    const fromBson = bsonToJsonText(v)
    if (fromBson !== undefined) return fromBson
    return jsonToStorage(utf8.decode(v))
  }
  const text = jsonText(v)
  return text instanceof CodecFailure ? invalidDocument : text
}

/** The stored bytes of a value assigned to a BSON column. */
export const bsonToStorage = (v: Value): Uint8Array | { readonly sqlcode: number } => {
  if (typeof v === "string") {
    const document = Result.try(() => EJSON.parse(v, { relaxed: true }) as unknown)
    if (Result.isFailure(document)) return invalidDocument
    const bytes = encodeBson(document.success)
    return bytes instanceof CodecFailure ? invalidDocument : bytes
  }
  if (v instanceof Uint8Array) return decodeBson(v) instanceof CodecFailure ? invalidDocument : v
  const bytes = encodeBson(v)
  return bytes instanceof CodecFailure ? invalidDocument : bytes
}

// ---------------------------------------------------------------------------------------------------------------
// BSON functions
// ---------------------------------------------------------------------------------------------------------------

/** A stored BSON (bytes) or JSON (text) value as a document, else undefined. */
const documentOf = (v: unknown): Record<string, unknown> | undefined => {
  const parsed = v instanceof Uint8Array
    ? Result.try(() => BSON.deserialize(v, { useBigInt64: true }))
    : typeof v === "string"
    ? Result.try(() => EJSON.parse(v, { relaxed: true }) as unknown)
    : undefined
  if (parsed === undefined || Result.isFailure(parsed)) return undefined
  const doc = parsed.success
  return typeof doc === "object" && doc !== null && !Array.isArray(doc) ? doc as Record<string, unknown> : undefined
}

/** The value at a dotted path (`a.b.0`), or undefined. */
const atPath = (doc: Record<string, unknown>, path: string): unknown => {
  let node: unknown = doc
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

const scalarText = (v: unknown): string | null => {
  if (v === undefined || v === null) return null
  if (typeof v === "string") return v
  const text = Result.try(() => EJSON.stringify(v as never, { relaxed: true }))
  return Result.isSuccess(text) ? text.success : String(v)
}

const toNumber = (v: unknown): number | null => {
  if (typeof v === "number") return v
  if (typeof v === "bigint") return Number(v)
  if (typeof v === "object" && v !== null && "valueOf" in v) {
    const n = Number((v as { valueOf(): unknown }).valueOf())
    return Number.isNaN(n) ? null : n
  }
  return null
}

/**
 * The BSON value functions (IBM "BSON processing functions"): `bson_value_int / bigint / double / lvarchar / varchar
 * / boolean(doc, 'path')` read the field at a dotted path as that SQL type (NULL when it is missing or not of a
 * convertible type), `bson_get(doc, 'path')` gives a BSON document holding just that field. `doc` is a BSON or JSON
 * column. Storage forms as values.ts keeps them.
 */
export const documentFunctions: ReadonlyArray<readonly [string, (doc: unknown, path: unknown) => unknown]> = [
  ["bson_value_int", (doc, path) => {
    const n = toNumber(field(doc, path))
    return n === null || !Number.isInteger(n) || Math.abs(n) > 2147483647 ? null : n
  }],
  ["bson_value_bigint", (doc, path) => {
    const v = field(doc, path)
    if (typeof v === "bigint") return v
    const n = toNumber(v)
    return n === null || !Number.isInteger(n) ? null : BigInt(n)
  }],
  ["bson_value_double", (doc, path) => toNumber(field(doc, path))],
  ["bson_value_lvarchar", (doc, path) => scalarText(field(doc, path))],
  ["bson_value_varchar", (doc, path) => scalarText(field(doc, path))?.slice(0, 255) ?? null],
  ["bson_value_boolean", (doc, path) => {
    const v = field(doc, path)
    return typeof v === "boolean" ? (v ? "t" : "f") : null
  }],
  ["bson_get", (doc, path) => {
    const v = field(doc, path)
    if (v === undefined || typeof path !== "string") return null
    const key = path.split(".").at(-1)!
    const bytes = Result.try(() => BSON.serialize({ [key]: v }))
    return Result.isSuccess(bytes) ? bytes.success : null
  }]
]

const field = (doc: unknown, path: unknown): unknown => {
  const document = documentOf(doc)
  return document === undefined || typeof path !== "string" ? undefined : atPath(document, path)
}

/** Describe types of the BSON functions (undefined: not one of them). */
export const documentFunctionType = (fn: string): IfxType | undefined => {
  switch (fn) {
    case "BSON_VALUE_INT":
      return Types.integer
    case "BSON_VALUE_BIGINT":
      return Types.bigint
    case "BSON_VALUE_DOUBLE":
      return Types.float
    case "BSON_VALUE_LVARCHAR":
      return Types.lvarchar(2048)
    case "BSON_VALUE_VARCHAR":
      return Types.varchar(255)
    case "BSON_VALUE_BOOLEAN":
      return Types.boolean
    case "BSON_GET":
      return Types.bson
    default:
      return undefined
  }
}
