/**
 * JSON, BSON, DISTINCT-over-opaque and named opaque values in the row and bind codecs, against the bytes IBM JDBC
 * reads and writes (JDBC-COMPLEX-TYPES.md §8–§10: harness K, L and the setIfxBSONObject dump).
 */
import { assert, describe, it } from "@effect/vitest"
import { BSON } from "bson"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as IV from "../../src/InformixValue.ts"
import { encodeClientBatch } from "../../src/internal/protocol/codec.ts"
import { WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import { CodecFailure, type ColumnInfo, decodeRow, encodeBind, encodeRow } from "../../src/internal/values/index.ts"
import { fromHex, latin1Ctx, toHex } from "./support.ts"

const column = (columnType: number, extendedId: number, extendedName: string, sourceType = 0): ColumnInfo => ({
  columnType,
  extendedId,
  extendedName,
  encodedLength: 4096,
  sourceType
})
const json = column(40, 25, "json")
const text = (s: string) => toHex(Buffer.from(s, "latin1"))
const hex = (...parts: ReadonlyArray<string>) => parts.join("").replace(/ /g, "")
const bson = column(40, 26, "bson")

const bindHex = (value: unknown, ctx = latin1Ctx): string => {
  const bind = encodeBind(value, ctx)
  if (bind instanceof CodecFailure) throw new Error(bind.message)
  const batch = encodeClientBatch([{ _tag: "Bind", params: [bind] }], WIDE_FRAMING)
  if (batch._tag !== "Success") throw new Error("bind did not encode")
  return toHex(batch.success)
}

describe("BSON", () => {
  it("decodes the envelope around a raw document (harness K) and NULL (K′)", () => {
    assert.deepStrictEqual(decodeRow(fromHex("00 0000000c 0c000000 10 6100 01000000 00"), [bson], latin1Ctx), [{
      a: 1
    }])
    assert.deepStrictEqual(decodeRow(fromHex("01 00000000"), [bson], latin1Ctx), [null])
  })

  it("binds as IBM JDBC binds an IfxBSONObject: type 44, owner informix, name bson, the document bytes", () => {
    assert.strictEqual(
      bindHex(IV.bson({ a: 1 })),
      hex(
        "0005 0001", // SQ_BIND, one parameter
        `002c 0008 ${text("informix")} 0004 ${text("bson")}`, // type 44, owner, name
        "0000 0000 0000000c", // indicator, prec 0, length
        "0c000000 10 6100 01000000 00" // the document
      )
    )
  })

  it("a Binary field is a copy, not a view of the row's bytes (which may be a view of a socket's chunk)", () => {
    const document = { b: new BSON.Binary(Uint8Array.of(1, 2, 3)) } as unknown as IV.Value
    const payload = encodeRow([bson], [document], latin1Ctx)
    if (payload instanceof CodecFailure) throw new Error(payload.message)
    const received = new Uint8Array(payload.length + 64)
    received.set(payload, 32)
    const row = decodeRow(received.subarray(32, 32 + payload.length), [bson], latin1Ctx)
    if (row instanceof CodecFailure) throw new Error(row.message)
    const binary = (row[0] as unknown as { readonly b: BSON.Binary }).b
    assert.deepStrictEqual(Array.from(binary.buffer), [1, 2, 3])
    assert.notStrictEqual(binary.buffer.buffer, received.buffer)
  })

  it("a document that is not BSON is a CodecFailure, in a row and in a bind", () => {
    assert.instanceOf(decodeRow(fromHex("00 00000003 010203"), [bson], latin1Ctx), CodecFailure)
    assert.instanceOf(encodeBind(IV.bson(Uint8Array.of(1, 2, 3)), latin1Ctx), CodecFailure)
    assert.instanceOf(encodeBind(IV.bson("text" as never), latin1Ctx), CodecFailure)
  })
})

describe("JSON", () => {
  it("decodes the text envelope, dropping a trailing NUL as IfxLvarchar does (harness L)", () => {
    const text = toHex(Buffer.from(`{"a":[1,"é"]}`, "latin1"))
    const length = (text.length / 2 + 1).toString(16).padStart(8, "0")
    assert.deepStrictEqual(decodeRow(fromHex(`00 ${length} ${text} 00`), [json], latin1Ctx), [{ a: [1, "é"] }])
    assert.instanceOf(decodeRow(fromHex("00 00000001 7b"), [json], latin1Ctx), CodecFailure)
  })

  it("binds as JDBC's setString on a JSON parameter: LVARCHAR 43 with empty names", () => {
    assert.strictEqual(
      bindHex(IV.json({ a: 1 })),
      hex("0005 0001", "002b 0000 0000", "0000 0000 00000007", `${text(`{"a":1}`)} 00`)
    )
  })

  it("encodes stored text and JS values in a row", () => {
    const row = encodeRow([json, json], [`{"b":2}`, { c: [3] }], latin1Ctx)
    assert.notInstanceOf(row, CodecFailure)
    assert.deepStrictEqual(decodeRow(row as Uint8Array, [json, json], latin1Ctx), [{ b: 2 }, { c: [3] }])
  })
})

describe("DISTINCT over opaque bases and named opaque types", () => {
  it("a DISTINCT column decodes as the base its sourceType names", () => {
    const distinctBool = column(41 | 0x800, 2050, "dbool", 5)
    const distinctJson = column(40 | 0x800, 2051, "djson", 25)
    assert.deepStrictEqual(
      decodeRow(fromHex("00 00000001 01  00 00000002 5b5d"), [distinctBool, distinctJson], latin1Ctx),
      [true, []]
    )
  })

  it("an opaque value is an OpaqueValue unless a codec is registered for its name", () => {
    const point = column(41, 2060, "point")
    const [value] = decodeRow(fromHex("00 00000002 0102"), [point], latin1Ctx) as Array<IV.Value>
    assert.instanceOf(value, IV.OpaqueValue)
    assert.deepStrictEqual([(value as IV.OpaqueValue).typeName, Array.from((value as IV.OpaqueValue).bytes)], [
      "point",
      [1, 2]
    ])
    const Sum = Schema.Uint8Array.pipe(Schema.decodeTo(Schema.Number, {
      decode: SchemaGetter.transform((b: Uint8Array) => b.reduce((a, x) => a + x, 0)),
      encode: SchemaGetter.transform((n: number) => Uint8Array.of(n))
    }))
    const ctx = { ...latin1Ctx, types: { Point: Sum } }
    assert.deepStrictEqual(decodeRow(fromHex("00 00000002 0102"), [point], ctx), [3])
    assert.strictEqual(
      bindHex(IV.namedType("point", 9), ctx),
      hex("0005 0001", `002c 0000 0005 ${text("point")} 00`, "0000 0000 00000001", "09 00")
    )
    assert.instanceOf(encodeBind(IV.namedType("point", 9), latin1Ctx), CodecFailure)
  })
})
