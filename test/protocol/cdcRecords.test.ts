/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the record union */
/**
 * The CDC record codec (src/internal/protocol/cdcRecords.ts) and the row-image codec (src/internal/values/cdcRow.ts)
 * against hand-written bytes in the layout IBM JDBC's CDCRecordBuilder reads (JDBC-PAM-TRIGGERS-CDC.md §3.4–§3.5).
 */
import { assert, describe, it } from "@effect/vitest"
import {
  CdcRecordType,
  decodeCdcRecord,
  decodeCdcRecords,
  encodeCdcRecord
} from "../../src/internal/protocol/cdcRecords.ts"
import { decodeCdcRow, encodeCdcRow, parseCdcColumns } from "../../src/internal/values/cdcRow.ts"
import { latin1Charset } from "../../src/internal/values/charset.ts"
import { CodecFailure } from "../../src/internal/values/CodecFailure.ts"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
/** Hex fields written one per argument, so each field of the layout stands apart. */
const hexOf = (...fields: ReadonlyArray<string>) => fields.join("")
const ctx = { charset: latin1Charset }

describe("CDC records", () => {
  it("BEGIN: 16-byte common header (sizes, scheme 66, type 1), then seq, txid, time, user", () => {
    const bytes = encodeCdcRecord({ _tag: "Begin", seq: 8n, txid: 2, time: 1_700_000_000n, userId: 0 })
    assert.strictEqual(
      hex(bytes),
      hexOf(
        "00000028",
        "00000000",
        "00000042",
        "00000001",
        "0000000000000008",
        "00000002",
        "000000006553f100",
        "00000000"
      )
    )
    assert.deepStrictEqual(decodeCdcRecord(bytes), {
      _tag: "Begin",
      seq: 8n,
      txid: 2,
      time: 1_700_000_000n,
      userId: 0
    })
  })

  it("a row record: seq, txid, label, flags, a size per variable column in the header; the image as payload", () => {
    const columns = parseCdcColumns("id integer, item varchar(20,0), ok boolean, note lvarchar(100)")
    assert.notInstanceOf(columns, CodecFailure)
    const image = encodeCdcRow(columns as never, [7, "ab", true, "hi"], ctx)
    assert.notInstanceOf(image, CodecFailure)
    const { payload, varSizes } = image as { payload: Uint8Array; varSizes: Array<number> }
    // INTEGER 7; VARCHAR u8 length + bytes; BOOLEAN indicator + value; LVARCHAR u16 (1 + length), flag, bytes.
    assert.strictEqual(hex(payload), hexOf("00000007", "026162", "0001", "0003", "00", "6869"))
    assert.deepStrictEqual(varSizes, [3, 5])
    const bytes = encodeCdcRecord({ _tag: "Row", type: 40, seq: 9n, txid: 2, label: 1, varSizes, payload })
    assert.strictEqual(
      hex(bytes.subarray(0, 44)),
      hexOf(
        "0000002c",
        "0000000e",
        "00000042",
        "00000028",
        "0000000000000009",
        "00000002",
        "00000001",
        "00000000",
        "00000003",
        "00000005"
      )
    )
    const decoded = decodeCdcRecord(bytes)
    assert.deepStrictEqual(decoded, { _tag: "Row", type: 40, seq: 9n, txid: 2, label: 1, varSizes, payload })
    assert.deepStrictEqual(decodeCdcRow(payload, columns as never, ctx), [7, "ab", true, "hi"])
  })

  it("NULLs in the row image: VARCHAR 01 00, BOOLEAN 01 ff, LVARCHAR 0001 01, fixed types their sentinels", () => {
    const columns = parseCdcColumns("i integer, v varchar(5), b boolean, l lvarchar") as never
    const image = encodeCdcRow(columns, [null, null, null, null], ctx) as { payload: Uint8Array }
    assert.strictEqual(hex(image.payload), hexOf("80000000", "0100", "01ff", "000101"))
    assert.deepStrictEqual(decodeCdcRow(image.payload, columns, ctx), [null, null, null, null])
    // An empty LVARCHAR is not NULL: length 1, flag 0.
    const empty = encodeCdcRow(parseCdcColumns("l lvarchar") as never, [""], ctx) as { payload: Uint8Array }
    assert.strictEqual(hex(empty.payload), "000100")
  })

  it("TABSCHEMA text: JDBC's type names, qualifiers, NOT NULL; unsupported types are refused", () => {
    const columns = parseCdcColumns("a datetime year to second not null, b decimal(8,2), c char(4), d money(10,2)")
    assert.deepStrictEqual(
      (columns as ReadonlyArray<{ name: string; columnType: number; encodedLength: number }>).map((c) => [
        c.name,
        c.columnType,
        c.encodedLength
      ]),
      [["a", 10, 0x0e0a], ["b", 5, 0x0802], ["c", 0, 4], ["d", 8, 0x0a02]]
    )
    assert.instanceOf(parseCdcColumns("x interval day to second"), CodecFailure)
    assert.instanceOf(parseCdcColumns("x blob"), CodecFailure)
    assert.instanceOf(parseCdcColumns("x set(integer not null)"), CodecFailure)
    assert.instanceOf(parseCdcColumns("x integer default 0"), CodecFailure)
  })

  it("TABSCHEMA text: a serial type keeps its own code; VARCHAR and NVARCHAR lengths are taken as written", () => {
    const columns = parseCdcColumns(
      "a serial, b serial8, c bigserial, d int8, e bigint, f varchar(255,10), g nvarchar, h double precision, i float"
    )
    assert.deepStrictEqual(
      (columns as ReadonlyArray<{ columnType: number; encodedLength: number }>).map((c) => [
        c.columnType,
        c.encodedLength
      ]),
      [[6, 4], [18, 10], [53, 8], [17, 10], [52, 8], [13, 0x0aff], [16, 1], [3, 8], [3, 8]]
    )
  })

  it("several whole records in one read (max_records > 1); an unknown type or a short read is an error", () => {
    const one = encodeCdcRecord({ _tag: "Commit", seq: 14n, txid: 2, time: 0n })
    const two = encodeCdcRecord({ _tag: "Timeout", seq: 14n })
    const both = new Uint8Array([...one, ...two])
    assert.deepStrictEqual(decodeCdcRecords(both), [
      { _tag: "Commit", seq: 14n, txid: 2, time: 0n },
      { _tag: "Timeout", seq: 14n }
    ])
    // JDBC reads the first record of a read and ignores the rest: so does decodeCdcRecord.
    assert.deepStrictEqual(decodeCdcRecord(both), { _tag: "Commit", seq: 14n, txid: 2, time: 0n })
    const unknown = encodeCdcRecord({ _tag: "Timeout", seq: 1n })
    new DataView(unknown.buffer).setInt32(12, 77)
    assert.strictEqual(decodeCdcRecord(unknown)._tag, "ProtocolCodecError")
    assert.strictEqual(decodeCdcRecord(one.subarray(0, 20))._tag, "ProtocolCodecError")
    assert.strictEqual(CdcRecordType.TABSCHEMA, 200)
  })
})
