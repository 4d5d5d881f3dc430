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
import { type IfxType, storageXid } from "./types.ts"

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
