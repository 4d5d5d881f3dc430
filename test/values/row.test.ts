/**
 * Row codec per type: VALUES.md §8 / §12 examples (observed and derived), NULL sentinels both ways, framing.
 */
import { assert, describe, it } from "@effect/vitest"
import * as IV from "../../src/InformixValue.ts"
import {
  CodecFailure,
  type ColumnInfo,
  decodeRow,
  decodeRowValues,
  encodeRow,
  encodeRowValues,
  prepareColumns,
  rowValueWidth,
  type Value
} from "../../src/internal/values/index.ts"
import { column, fromHex, latin1Ctx, toHex, utf8Ctx } from "./support.ts"

const ok = <A>(a: A | CodecFailure): A => {
  if (a instanceof CodecFailure) assert.fail(a.message)
  return a as A
}

/** Value ↔ bytes in both directions for one column. */
const both = (col: ColumnInfo, value: Value, hex: string, ctx = latin1Ctx) => {
  assert.strictEqual(toHex(ok(encodeRow([col], [value], ctx))), hex, `encode ${String(value)}`)
  assert.deepStrictEqual(ok(decodeRow(fromHex(hex), [col], ctx)), [value], `decode ${hex}`)
}

describe("integers", () => {
  it("SMALLINT §8.1", () => {
    const c = column(1, 2)
    both(c, 1, "0001")
    both(c, -1, "ffff")
    both(c, 32767, "7fff")
    both(c, -32767, "8001")
    both(c, -2, "fffe")
    both(c, null, "8000")
    assert.instanceOf(encodeRow([c], [-32768], latin1Ctx), CodecFailure)
    assert.instanceOf(encodeRow([c], [40000], latin1Ctx), CodecFailure)
    assert.instanceOf(encodeRow([c], [1.5], latin1Ctx), CodecFailure)
  })
  it("INTEGER / SERIAL (with NOT NULL flag) §8.2", () => {
    both(column(2, 4), 111111, "0001b207")
    both(column(2, 4), 222222, "0003640e")
    both(column(2, 4), -1, "ffffffff")
    both(column(2, 4), 2147483647, "7fffffff")
    both(column(2, 4), null, "80000000")
    both(column(6 | 0x0100, 4), 7, "00000007")
    const failure = encodeRow([column(2, 4)], [-2147483648], latin1Ctx)
    assert.instanceOf(failure, CodecFailure)
    assert.include((failure as CodecFailure).message, "NULL")
  })
  it("INT8 / SERIAL8 10-byte sign-magnitude §8.3 (observed vectors)", () => {
    const c = column(17, 10)
    both(c, 123456789012n, "0001be991a140000001c")
    both(c, -123456789012n, "ffffbe991a140000001c")
    both(c, 42n, "00010000002a00000000")
    both(c, -42n, "ffff0000002a00000000")
    both(c, 0n, "00010000000000000000")
    both(c, 1n, "00010000000100000000")
    both(c, 4294967296n, "00010000000000000001")
    both(c, null, "00000000000000000000")
    both(c, 9223372036854775807n, "0001ffffffff7fffffff")
    both(column(18 | 0x0100, 10), 2001n, "0001000007d100000000")
    assert.instanceOf(decodeRow(fromHex("00050000000100000000"), [c], latin1Ctx), CodecFailure)
  })
  it("BIGINT / BIGSERIAL §8.4", () => {
    const c = column(52, 8)
    both(c, 1n << 62n, "4000000000000000")
    both(c, -1n, "ffffffffffffffff")
    both(c, 123456789012n, "0000001cbe991a14")
    both(c, null, "8000000000000000")
    both(column(53, 8), 1n, "0000000000000001")
    assert.instanceOf(encodeRow([c], [-(1n << 63n)], latin1Ctx), CodecFailure)
  })
})

describe("floats", () => {
  it("SMALLFLOAT §8.5", () => {
    const c = column(4, 4)
    both(c, 2.5, "40200000")
    both(c, -1.5, "bfc00000")
    both(c, 0, "00000000")
    both(c, 1.25, "3fa00000")
    both(c, null, "ffffffff")
  })
  it("FLOAT §8.6, including negative zero and infinities", () => {
    const c = column(3, 8)
    both(c, Math.PI, "400921fb54442d18")
    both(c, -1.5, "bff8000000000000")
    both(c, 3.5, "400c000000000000")
    both(c, null, "ffffffffffffffff")
    both(c, -0, "8000000000000000")
    assert.isTrue(Object.is((ok(decodeRow(fromHex("8000000000000000"), [c], latin1Ctx)))[0], -0))
    both(c, Infinity, "7ff0000000000000")
    assert.instanceOf(encodeRow([c], [Number.NaN], latin1Ctx), CodecFailure)
  })
})

describe("DATE §8.8", () => {
  const c = column(7, 4)
  it("derived and accepted examples", () => {
    both(c, new IV.LocalDate(1899, 12, 31), "00000000")
    both(c, new IV.LocalDate(1900, 1, 1), "00000001")
    both(c, new IV.LocalDate(1899, 12, 30), "ffffffff")
    both(c, new IV.LocalDate(1970, 1, 1), "000063e0")
    both(c, new IV.LocalDate(2000, 1, 1), "00008ead")
    both(c, new IV.LocalDate(2026, 8, 31), "0000b4b8")
    both(c, new IV.LocalDate(1, 1, 1), "fff56aa6")
    both(c, new IV.LocalDate(9999, 12, 31), "002d2480")
    both(c, new IV.LocalDate(2024, 1, 31), "0000b109")
    both(c, null, "80000000")
  })
  it("rejects invalid dates", () => {
    for (const d of [new IV.LocalDate(1900, 2, 29), new IV.LocalDate(2023, 2, 29), new IV.LocalDate(0, 1, 1)]) {
      assert.instanceOf(encodeRow([c], [d], latin1Ctx), CodecFailure)
    }
    both(c, new IV.LocalDate(2000, 2, 29), "00008ee8")
  })
})

describe("character types", () => {
  it("CHAR(6) / NCHAR §8.11 observed", () => {
    both(column(0, 6), "ab    ", "616220202020")
    both(column(0, 6), "      ", "202020202020")
    both(column(0, 6), null, "002020202020")
    both(column(15, 10), "nch       ", "6e636820202020202020")
    both(column(15, 6), null, "002020202020")
    // Shorter strings are space padded by the encoder; trimChar strips trailing blanks on decode.
    assert.strictEqual(toHex(ok(encodeRow([column(0, 6)], ["ab"], latin1Ctx))), "616220202020")
    assert.deepStrictEqual(ok(decodeRow(fromHex("616220202020"), [column(0, 6)], { ...latin1Ctx, trimChar: true })), [
      "ab"
    ])
    assert.instanceOf(encodeRow([column(0, 2)], ["abc"], latin1Ctx), CodecFailure)
  })
  it("CHAR(4) in UTF-8 holding 'é' (§11.3)", () => both(column(0, 4), "é  ", "c3a92020", utf8Ctx))
  it("VARCHAR / NVARCHAR §8.12", () => {
    both(column(13, 20), "systables", "097379737461626c6573")
    both(column(13, 20), "tail", "047461696c")
    both(column(13, 20), "", "00")
    both(column(13, 20), null, "0100")
    both(column(16, 20), "nvc", "036e7663")
    both(column(13, 20), "héllo", "0568e96c6c6f")
    both(column(13, 20), "日本", "06e697a5e69cac", utf8Ctx)
    assert.instanceOf(encodeRow([column(13, 3)], ["abcd"], latin1Ctx), CodecFailure)
  })
  it("LVARCHAR (40 / xid 1) envelope §8.13 observed, with INT8 neighbours", () => {
    const c = column(40, 2048, 1, "lvarchar")
    both(c, "odd", "00000000036f6464")
    both(c, null, "0100000000")
    both(c, "", "0000000000")
    const columns = [column(17, 10), c, column(17, 10)]
    const row = ["0001000007d10000000000", "0000000b5061636b616765526f6f74", "00010000000a00000000"].join("")
    assert.deepStrictEqual(ok(decodeRow(fromHex(row), columns, latin1Ctx)), [2001n, "PackageRoot", 10n])
    assert.strictEqual(toHex(ok(encodeRow(columns, [2001n, "PackageRoot", 10n], latin1Ctx))), row)
  })
})

describe("BOOLEAN, large objects, composites", () => {
  it("BOOLEAN (41 / xid 5) §8.14: decodes the observed 't' row; encodes 01/00 (the form JDBC and IFXPY both read)", () => {
    const columns = [column(2, 4), column(41, 1, 5, "boolean"), column(2, 4), column(13, 20)]
    const observed = ["0001b207", "000000000174", "0003640e", "047461696c"].join("")
    assert.deepStrictEqual(ok(decodeRow(fromHex(observed), columns, latin1Ctx)), [111111, true, 222222, "tail"])
    assert.strictEqual(
      toHex(ok(encodeRow(columns, [111111, true, 222222, "tail"], latin1Ctx))),
      ["0001b207", "000000000101", "0003640e", "047461696c"].join("")
    )
    assert.deepStrictEqual(ok(decodeRow(fromHex("000000000166"), [columns[1]!], latin1Ctx)), [false])
    both(columns[1]!, false, "000000000100")
    both(columns[1]!, null, "0100000000")
  })
  it("BYTE / TEXT 56-byte descriptor §8.15", () => {
    const c = column(11, 56)
    const nullHex = "00".repeat(39) + "01" + "00".repeat(16)
    const [decoded] = ok(decodeRow(fromHex(nullHex), [c], latin1Ctx))
    assert.instanceOf(decoded, IV.BlobDescriptor)
    assert.isTrue((decoded as IV.BlobDescriptor).isNull)
    assert.strictEqual(toHex(ok(encodeRow([c], [null], latin1Ctx))), nullHex)
    const sized = ok(encodeRow([column(12, 56)], ["hello"], latin1Ctx))
    const [descriptor] = ok(decodeRow(sized, [column(12, 56)], latin1Ctx))
    assert.strictEqual((descriptor as IV.BlobDescriptor).size, 5)
    assert.strictEqual((descriptor as IV.BlobDescriptor).type, 12)
    assert.isFalse((descriptor as IV.BlobDescriptor).isNull)
    assert.strictEqual(toHex(ok(encodeRow([column(12, 56)], [descriptor!], latin1Ctx))), toHex(sized))
  })
  it("BLOB / CLOB locator as 144 hex characters §8.16", () => {
    const hex = "0123456789abcdef".repeat(9)
    const body = toHex(new TextEncoder().encode(hex))
    const c = column(41, 72, 10, "blob")
    both(c, new IV.SmartLobLocator("BLOB", hex), "0000000090" + body)
    both(column(41, 72, 11, "clob"), new IV.SmartLobLocator("CLOB", hex), "0000000090" + body)
    both(c, null, "0100000000")
  })
  it("SET NULL between INT 8 and VARCHAR 'xyz', in the type-44 form the driver asks for with SQ_RET_TYPE", () => {
    // §8.17 observed `01 00000000` (a UDT envelope) from a client that sends no RET_TYPE; this driver sends one for
    // results with collection/ROW columns (connection/retType.ts), so those columns are `i32 N` + the 44 body:
    // header (134 zero bytes, u16 count), type records, trailer (flags 0x80000000 = NULL), no data.
    const columns = [column(2, 4), column(19, 0, 0, "set(integer not null)"), column(13, 20)]
    const u16 = (n: number) => n.toString(16).padStart(4, "0")
    const zeros = (n: number) => "00".repeat(n)
    const record = (seq: number, level: number, word: number, collen: number) =>
      [u16(seq), u16(level), u16(level === 0 ? 0 : 1), u16(0), zeros(128), u16(0), u16(word), u16(collen)]
        .concat([zeros(4), u16(0), u16(0), zeros(128), u16(0), zeros(128), u16(0), zeros(4)]).join("")
    const body = [zeros(134), u16(2), record(1, 0, 0x13, 0), record(2, 1, 0x0102, 4), zeros(8), "80000000"].join("")
    const n = (body.length / 2).toString(16).padStart(8, "0")
    assert.deepStrictEqual(
      ok(decodeRow(fromHex(["00000008", n, body, "0378797a"].join("")), columns, latin1Ctx)),
      [8, null, "xyz"]
    )
  })
  it("DISTINCT flag 0x0800 decodes like the base type", () => both(column(0x0800 | 13, 20), "x", "0178"))
})

describe("DATETIME / INTERVAL columns", () => {
  it("accept a JS Date (UTC fields, truncated to the column's qualifier)", () => {
    const date = new Date(Date.UTC(2026, 7, 31, 12, 30, 15, 129))
    assert.strictEqual(toHex(ok(encodeRow([column(10, 0x0e0a)], [date], latin1Ctx))), "c7141a081f0c1e0f")
    assert.strictEqual(toHex(ok(encodeRow([column(10, 0x0f0b)], [date], latin1Ctx))), "c7141a081f0c1e0f0a")
  })
  it("re-express a value in the column's qualifier", () => {
    const dt = new IV.DateTime(IV.Qualifier.fromEncoded(0x130f)!, { year: 2026, month: 5, day: 4, hour: 12 })
    assert.strictEqual(toHex(ok(encodeRow([column(10, 0x0804)], [dt], latin1Ctx))), "c7141a0504")
    const iv = IV.IntervalDayTime.fromTotalFractions(-(90n * 60n * 100000n))
    assert.strictEqual(toHex(ok(encodeRow([column(14, 0x0468)], [iv], latin1Ctx))), "3c6246")
    assert.instanceOf(encodeRow([column(14, 0x0602)], [iv], latin1Ctx), CodecFailure)
  })
})

describe("framing (§6.1)", () => {
  it("rejects a payload that is longer than the columns", () => {
    const failure = decodeRow(fromHex("000100"), [column(1, 2)], latin1Ctx)
    assert.instanceOf(failure, CodecFailure)
    assert.include((failure as CodecFailure).message, "consumed 2")
  })
  it("rejects a payload that ends inside a value", () => {
    const failure = decodeRow(fromHex("05616263"), [column(13, 20)], latin1Ctx)
    assert.instanceOf(failure, CodecFailure)
    assert.include((failure as CodecFailure).message, "column 1 (VARCHAR(20))")
  })
  it("rejects unknown types and invalid qualifiers with clear messages", () => {
    assert.include((decodeRow(fromHex("00"), [column(99, 1)], latin1Ctx) as CodecFailure).message, "type 99")
    assert.instanceOf(decodeRow(fromHex("0000"), [column(10, 0x0201)], latin1Ctx), CodecFailure)
    assert.include(
      (encodeRow([column(5, 0x0502)], [12345.678], latin1Ctx) as CodecFailure).message,
      "DECIMAL(5,2) cannot hold the value"
    )
  })
  it("prepared columns: encodeRowValues / decodeRowValues match the one-shot functions", () => {
    const columns = [column(2, 4), column(13, 20), column(5, 0x0a02), column(0, 3)]
    const prepared = ok(prepareColumns(columns))
    const values: Array<Value> = [7, "abc", null, "xy "]
    const bytes = ok(encodeRowValues(prepared, values, latin1Ctx))
    assert.strictEqual(toHex(bytes), toHex(ok(encodeRow(columns, values, latin1Ctx))))
    const out: Array<Value> = []
    assert.strictEqual(decodeRowValues(bytes, prepared, latin1Ctx, out), out)
    assert.deepStrictEqual(out, values)
    assert.instanceOf(encodeRowValues(prepared, [1], latin1Ctx), CodecFailure)
  })
  it("rowValueWidth reads in-band lengths", () => {
    assert.strictEqual(rowValueWidth(fromHex("03616263"), 0, column(13, 20)), 4)
    assert.strictEqual(rowValueWidth(fromHex("0000000003616263"), 0, column(40, 2048, 1, "lvarchar")), 8)
    assert.strictEqual(rowValueWidth(fromHex("0100000000"), 0, column(41, 1, 5, "boolean")), 5)
    assert.strictEqual(rowValueWidth(fromHex(""), 0, column(5, 0x10ff)), 10)
  })
  it("DECIMAL rounds half away from zero to the column scale (as an INSERT stores it)", () => {
    const c = column(5, 0x0502)
    assert.strictEqual(toHex(ok(encodeRow([c], ["1.235"], latin1Ctx))), toHex(ok(encodeRow([c], ["1.24"], latin1Ctx))))
    assert.strictEqual(
      toHex(ok(encodeRow([c], ["-1.235"], latin1Ctx))),
      toHex(ok(encodeRow([c], ["-1.24"], latin1Ctx)))
    )
  })
})
