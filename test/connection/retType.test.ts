/**
 * The SQ_RET_TYPE the driver sends before fetching a result with collection/ROW columns, byte for byte against what
 * IBM JDBC's `IfxSqli.sendType` produced for the same columns (JDBC-COMPLEX-TYPES.md §3, harness CtRetType).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Result from "effect/Result"
import type * as Connection from "../../src/Connection.ts"
import { fetchRequest, retTypeFor } from "../../src/internal/connection/retType.ts"
import * as Protocol from "../../src/Protocol.ts"

const column = (type: number, extendedName: string, encodedLength: number): Connection.Column => ({
  name: "c",
  key: "c",
  type,
  notNull: false,
  encodedLength,
  extendedName,
  extendedId: 0,
  distinct: false,
  sourceType: 0
})

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const text = (s: string) => Buffer.from(s, "latin1").toString("hex")

describe("SQ_RET_TYPE", () => {
  it("asks for 44 for a SET, 45 for BOOLEAN, 43 with empty names for LVARCHAR, base codes otherwise", () => {
    const columns = [
      column(2, "", 4),
      column(19, "set(integer not null)", 0),
      column(41, "boolean", 1),
      column(40, "lvarchar", 2048)
    ]
    const retType = retTypeFor(columns)!
    const bytes = Result.getOrThrow(Protocol.encodeClientBatch([retType], Protocol.WIDE_FRAMING))
    assert.strictEqual(
      hex(bytes),
      [
        "0064 0001 0004", // RET_TYPE, fetch, 4 columns
        "0002 00000004", // INTEGER
        `002c 0000 0015 ${text("set(integer not null)")} 00 00000000`, // SET -> 44, owner "", name (+pad), encLen 0
        `002d 0000 0007 ${text("boolean")} 00 00000001`, // BOOLEAN -> 45
        "002b 0000 0000 00000800" // LVARCHAR -> 43, two empty names
      ].join("").replace(/ /g, "")
    )
  })

  it("asks for DISTINCT columns as JDBC's sendType does: base code, or by the sourceType of an opaque base", () => {
    const distinct = (type: number, name: string, encodedLength: number, sourceType: number): Connection.Column => ({
      ...column(type, name, encodedLength),
      distinct: true,
      extendedId: 2050,
      sourceType
    })
    const retType = retTypeFor([
      column(19, "set(integer not null)", 0),
      distinct(2, "dint", 4, 0),
      distinct(40, "dlvc", 2048, 1),
      distinct(41, "dbool", 1, 5)
    ])!
    const bytes = Result.getOrThrow(Protocol.encodeClientBatch([retType], Protocol.WIDE_FRAMING))
    assert.strictEqual(
      hex(bytes),
      [
        "0064 0001 0004",
        `002c 0000 0015 ${text("set(integer not null)")} 00 00000000`,
        "0002 00000004", // DISTINCT of INT -> plain 2
        "002b 0000 0000 00000800", // DISTINCT of LVARCHAR (source 1) -> 43, empty names
        `002d 0000 0005 ${text("dbool")} 00 00000001` // DISTINCT of BOOLEAN (source 5) -> 45, its own name
      ].join("").replace(/ /g, "")
    )
  })

  it("is sent only for results with a collection or ROW column", () => {
    assert.strictEqual(retTypeFor([column(2, "", 4), column(41, "boolean", 1)]), undefined)
    assert.deepStrictEqual(fetchRequest([column(2, "", 4)], 4096).map((m) => m._tag), ["NFetch"])
    assert.deepStrictEqual(fetchRequest([column(22, "row(a integer)", 0)], 4096).map((m) => m._tag), [
      "RetType",
      "NFetch"
    ])
  })
})
