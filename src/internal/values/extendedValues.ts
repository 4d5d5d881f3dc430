/**
 * JSON, BSON and other named extended types (JDBC-COMPLEX-TYPES.md §9–§10): their bodies inside the UDT envelope of
 * a row, and their binds.
 *
 * - JSON (xid 25, `json`): the body is the document's text in the database code set; a trailing NUL inside the length
 *   is dropped, as IBM JDBC's IfxLvarchar.fromIfx drops it. It decodes to the parsed JS value and binds as LVARCHAR
 *   text (type 43, empty names), what JDBC's setString sends to a JSON parameter.
 * - BSON (xid 26, `bson`): the body is the raw BSON document (its own little-endian length first), read and written
 *   with the `bson` package; it binds as type 44 owner `informix` name `bson`, IBM JDBC's IfxBSONObject form.
 * - Any other named type: a codec from the `types` option ({@link TypeCodecs}) when one is registered for the name,
 *   else the bytes as an {@link OpaqueValue}.
 *
 * Every failure is a CodecFailure that names the type, never the value.
 */
import { BSON } from "bson"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { OpaqueValue, type TypeCodecs, type Value } from "../../InformixValue.ts"
import type { BindValue } from "./bindValues.ts"
import { encodeText } from "./charset.ts"
import { CodecFailure, ValueRejected } from "./CodecFailure.ts"
import { describeJs } from "./coerce.ts"
import type { ValueContext } from "./row.ts"
import { TypeCode } from "./typeCodes.ts"

const EMPTY = new Uint8Array(0)

/** The codec registered for a type name (names compare case-insensitively), if any. */
export const codecFor = (types: TypeCodecs | undefined, typeName: string): TypeCodecs[string] | undefined => {
  if (types === undefined) return undefined
  const exact = types[typeName]
  if (exact !== undefined) return exact
  const lower = typeName.toLowerCase()
  for (const name of Object.keys(types)) if (name.toLowerCase() === lower) return types[name]
  return undefined
}

const parseJsonText = Schema.decodeUnknownExit(Schema.fromJsonString(Schema.Unknown))

/** JSON text → the JS value. */
export const parseJson = (text: string): Value | CodecFailure => {
  const parsed = parseJsonText(text)
  return Exit.isSuccess(parsed) ? parsed.value as Value : new CodecFailure("JSON value is not valid JSON text")
}

/** A JSON column's body (text in the database code set, an optional trailing NUL) → the JS value. */
export const decodeJsonBody = (body: Uint8Array, ctx: ValueContext): Value | CodecFailure => {
  const end = body.length > 0 && body[body.length - 1] === 0 ? body.length - 1 : body.length
  return parseJson(ctx.charset.decode(body.subarray(0, end)))
}

/** JSON text of a JS value; a failure for what JSON.stringify cannot write (bigint, cycles, undefined, functions). */
export const jsonText = (value: unknown): string | CodecFailure => {
  const text = Result.try(() => JSON.stringify(value) as string | undefined)
  if (Result.isFailure(text)) return new CodecFailure(`JSON cannot hold the value (${describeJs(value)})`)
  if (text.success === undefined) return new CodecFailure(`JSON cannot hold a value of JS type ${typeof value}`)
  return text.success
}

/**
 * A BSON body → the document as a JS object. 64-bit integers become bigint (no precision lost); other BSON types
 * come back as the `bson` package's classes (ObjectId, Decimal128, Binary, Timestamp) or a JS Date.
 */
export const decodeBson = (body: Uint8Array): Value | CodecFailure => {
  // The bson package's Binary values are views of its input: a copy of the body keeps them from pinning (and
  // sharing) the received bytes, which a connection's row payload is a view of (codec.ts `keepChunks`).
  const document = Result.try(() => BSON.deserialize(body.slice(), { useBigInt64: true }))
  return Result.isSuccess(document)
    ? document.success as Value
    : new CodecFailure(`BSON value of ${body.length} bytes is not a valid BSON document`)
}

/** A JS object (or already serialised bytes) → a BSON document's bytes. */
export const encodeBson = (value: unknown): Uint8Array | CodecFailure => {
  if (value instanceof Uint8Array) {
    const checked = decodeBson(value)
    return checked instanceof CodecFailure ? checked : value
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return new CodecFailure(`BSON expects a document (a plain object), got ${describeJs(value)}`)
  }
  const bytes = Result.try(() => BSON.serialize(value as BSON.Document))
  return Result.isSuccess(bytes)
    ? bytes.success
    : new CodecFailure(`BSON cannot serialise the document (a value BSON has no type for, or a cycle)`)
}

/** The body of an opaque type's value: through the registered codec, else an OpaqueValue. */
export const decodeNamedBody = (
  typeCode: number,
  typeName: string,
  body: Uint8Array,
  ctx: ValueContext
): Value | CodecFailure => {
  const codec = codecFor(ctx.types, typeName)
  if (codec === undefined) return new OpaqueValue(typeCode, typeName, body.slice())
  const decoded = Schema.decodeUnknownExit(codec)(body.slice())
  return Exit.isSuccess(decoded)
    ? decoded.value as Value
    : new ValueRejected(`the codec registered for type ${typeName} rejected a ${body.length}-byte value`)
}

/** The bytes of a named type's value (OpaqueValue, Uint8Array, or anything the type's registered codec encodes). */
export const encodeNamedBody = (typeName: string, value: unknown, ctx: ValueContext): Uint8Array | CodecFailure => {
  const codec = codecFor(ctx.types, typeName)
  if (codec !== undefined) {
    const encoded = Schema.encodeUnknownExit(codec)(value)
    if (Exit.isSuccess(encoded)) return encoded.value
    return new CodecFailure(`the codec registered for type ${typeName} cannot encode a ${describeJs(value)}`)
  }
  if (value instanceof OpaqueValue) return value.bytes
  if (value instanceof Uint8Array) return value
  return new CodecFailure(
    `no codec is registered for type ${typeName} (the \`types\` option) and a ${describeJs(value)} is not its bytes`
  )
}

/** SQ_BIND of a {@link NamedTypeParameter}: JSON as LVARCHAR text, BSON and other types as type 44 with the name. */
export const bindNamed = (typeName: string, value: unknown, ctx: ValueContext): BindValue | CodecFailure => {
  const lower = typeName.toLowerCase()
  if (lower === "json") {
    const named = { type: TypeCode.LVARCHAR, ownerName: "", extendedName: "", prec: 0 }
    if (value === null || value === undefined) return { ...named, indicator: -1, data: EMPTY }
    const text = jsonText(value)
    if (text instanceof CodecFailure) return text
    const data = encodeText(ctx.charset, text)
    return data instanceof CodecFailure ? data : { ...named, indicator: 0, data }
  }
  // JDBC binds an IfxBSONObject with the owner the catalog gives (`informix`, JDBC-COMPLEX-TYPES.md §10); other
  // named types go out with an empty owner, which a server resolves by name as it does for JDBC's 44 binds.
  const named = { type: TypeCode.SENDRECV, ownerName: lower === "bson" ? "informix" : "", extendedName: lower, prec: 0 }
  if (value === null || value === undefined) return { ...named, indicator: -1, data: EMPTY }
  const data = lower === "bson" && codecFor(ctx.types, lower) === undefined
    ? encodeBson(value)
    : encodeNamedBody(typeName, value, ctx)
  return data instanceof CodecFailure ? data : { ...named, indicator: 0, data }
}
