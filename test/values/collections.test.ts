/**
 * SET / MULTISET / LIST / ROW values in the type-44 form IBM JDBC reads and binds (JDBC-COMPLEX-TYPES.md §4–§7):
 * hand-built byte vectors (header, 414-byte type records, trailer, data, offset tables, nested headers), the type
 * text parser, typed failures for bad input, and encode/decode round trips.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import * as IV from "../../src/InformixValue.ts"
import {
  type ComplexValue,
  type CompositeType,
  decodeComplexBody,
  describeType,
  encodeComplexValue
} from "../../src/internal/values/collections.ts"
import { parseComplexType } from "../../src/internal/values/complexTypeText.ts"
import { CodecFailure, latin1Charset } from "../../src/internal/values/index.ts"

const ctx = { charset: latin1Charset }

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.replace(/\s+/g, "").match(/../g)!.map((h) => parseInt(h, 16)))
const cat = (...parts: Array<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) out.set(p, (at += p.length) - p.length)
  return out
}
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff)
const i32 = (n: number) => Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
const slot = (text: string) => cat(u16(text.length), new TextEncoder().encode(text), new Uint8Array(128 - text.length))

/** One 414-byte type record, laid out field by field as §4.3 lists them. */
const record = (
  seq: number,
  level: number,
  parent: number,
  field: string,
  fieldNo: number,
  word: number,
  collen: number,
  xid = 0,
  name = ""
) =>
  cat(
    u16(seq),
    u16(level),
    u16(parent),
    slot(field),
    u16(fieldNo),
    u16(word),
    u16(collen),
    i32(xid),
    u16(0),
    slot(name),
    slot(""),
    u16(0),
    i32(0)
  )

/** The N bytes: 136-byte header ending in the record count, the records, the trailer, the data. */
const body = (records: Array<Uint8Array>, data: Uint8Array, flags = 1) =>
  cat(new Uint8Array(134), u16(records.length), ...records, i32(0), i32(data.length), i32(flags), data)

const decode = (bytes: Uint8Array): ComplexValue => {
  const decoded = decodeComplexBody(bytes, ctx)
  if (decoded instanceof CodecFailure) throw new Error(decoded.message)
  return decoded.value
}

const typeOf = (text: string) => {
  const t = parseComplexType(text)
  if (t instanceof CodecFailure) throw new Error(t.message)
  return t
}

const setOfInt = [record(1, 0, 0, "", 0, 0x13, 0), record(2, 1, 1, "", 0, 0x0102, 4)]

describe("complex values: hand-built vectors", () => {
  it("SET(INTEGER NOT NULL) {1,2,3}: the worked value of §6 (988 bytes after N)", () => {
    const bytes = body(setOfInt, hex("00000001 00000002 00000003"))
    assert.strictEqual(bytes.length, 988)
    assert.deepStrictEqual(decode(bytes), [1, 2, 3])
    const encoded = encodeComplexValue(typeOf("set(integer not null)"), [1, 2, 3], ctx)
    assert.deepStrictEqual(encoded, cat(i32(988), bytes))
  })

  it("NULL and empty collections", () => {
    assert.strictEqual(decode(body(setOfInt, new Uint8Array(0), 0x80000000)), null)
    assert.deepStrictEqual(decode(body(setOfInt, new Uint8Array(0))), [])
    assert.deepStrictEqual(decode(body(setOfInt, new Uint8Array(0), 0)), [])
  })

  it("LIST(VARCHAR(20)) reads elements through the trailing offset table", () => {
    const records = [record(1, 0, 0, "", 0, 0x15, 0), record(2, 1, 1, "", 0, 0x010d, 20)]
    // "ab" at 0, "c" at 3; table: -1, offset[1]=3, offset[0]=0.
    const data = hex("02 6162 01 63 ffffffff 00000003 00000000")
    assert.deepStrictEqual(decode(body(records, data)), ["ab", "c"])
    const encoded = encodeComplexValue(typeOf("list(varchar(20) not null)"), ["ab", "c"], ctx)
    assert.deepStrictEqual(encoded, cat(i32(136 + 2 * 414 + 12 + data.length), body(records, data)))
  })

  it("JDBC's untyped String list: elements recorded as LVARCHAR 43, written `u8 0, i32 len, bytes` (§7.2)", () => {
    const records = [record(1, 0, 0, "", 0, 0x15, 0), record(2, 1, 1, "", 0, 0x012b, 0x7fe3)]
    const data = hex("00 00000001 63 00 00000002 6465 ffffffff 00000006 00000000")
    assert.deepStrictEqual(decode(body(records, data)), ["c", "de"])
  })

  it("a VARCHAR collection without its offset table is a failure, not a guess", () => {
    const records = [record(1, 0, 0, "", 0, 0x15, 0), record(2, 1, 1, "", 0, 0x010d, 20)]
    const decoded = decodeComplexBody(body(records, hex("02 6162 01 63")), ctx)
    assert.instanceOf(decoded, CodecFailure)
  })

  it("unnamed ROW(a INT, b VARCHAR(10)) decodes to an object; NULL fields in-band", () => {
    const records = [
      record(1, 0, 0, "", 0, 0x16, 0),
      record(2, 1, 1, "a", 1, 0x02, 4),
      record(3, 1, 1, "b", 2, 0x0d, 10)
    ]
    assert.deepStrictEqual(decode(body(records, hex("00000007 02 7879"))), { a: 7, b: "xy" })
    assert.deepStrictEqual(decode(body(records, hex("80000000 01 00"))), { a: null, b: null })
    // JDBC's ROW writer appends an offset table; readers take the fields in order and ignore it.
    assert.deepStrictEqual(decode(body(records, hex("00000007 02 7879 ffffffff 00000004 00000000"))), { a: 7, b: "xy" })
  })

  it("named ROW keeps its type name from the level-0 record", () => {
    const records = [
      record(1, 0, 0, "", 0, 0x1016, 0, 2048, "person_t"),
      record(2, 1, 1, "age", 1, 0x02, 4)
    ]
    const decoded = decodeComplexBody(body(records, hex("0000002a")), ctx)
    assert.notInstanceOf(decoded, CodecFailure)
    if (decoded instanceof CodecFailure) return
    assert.deepStrictEqual(decoded.value, { age: 42 })
    assert.strictEqual(decoded.type._tag === "Row" ? decoded.type.name : undefined, "person_t")
  })

  it("ROW(a INT, s SET(INT)) = (9, {4}): the nested header of harness P2", () => {
    const records = [
      record(1, 0, 0, "", 0, 0x16, 0),
      record(2, 1, 1, "a", 1, 0x02, 4),
      record(3, 1, 1, "s", 2, 0x13, 0),
      record(4, 2, 3, "", 0, 0x0102, 4)
    ]
    const data = hex("00000009 000e 0000 00000001 00000000 00000004")
    assert.deepStrictEqual(decode(body(records, data)), { a: 9, s: [4] })
    const encoded = encodeComplexValue(typeOf("row(a int, s set(int not null))"), { a: 9, s: [4] }, ctx)
    assert.deepStrictEqual(encoded, cat(i32(136 + 4 * 414 + 12 + data.length), body(records, data)))
    // A NULL nested value is `00 01 01`.
    assert.deepStrictEqual(decode(body(records, hex("00000009 000101"))), { a: 9, s: null })
  })

  it("SET(ROW(a INT)) {ROW(5), ROW(6)}: nested rows at 0 and 28, each with its table, then the outer table", () => {
    const records = [
      record(1, 0, 0, "", 0, 0x13, 0),
      record(2, 1, 1, "", 0, 0x0116, 0),
      record(3, 2, 2, "a", 1, 0x02, 4)
    ]
    const data = hex(
      "0016 000000000000 00000001 00000000 00000005 ffffffff 00000000" + // s=0, o=8
        "0012 0000 00000001 00000000 00000006 ffffffff 00000000" + // s=28, o=4
        "ffffffff 0000001c 00000000"
    )
    assert.deepStrictEqual(decode(body(records, data)), [{ a: 5 }, { a: 6 }])
  })

  it("BOOLEAN elements take 6 bytes, NULL too", () => {
    const records = [
      record(1, 0, 0, "", 0, 0x16, 0),
      record(2, 1, 1, "f", 1, 0x29, 1, 5, "boolean"),
      record(3, 1, 1, "g", 2, 0x29, 1, 5, "boolean")
    ]
    assert.deepStrictEqual(decode(body(records, hex("000000000101 010000000000"))), { f: true, g: null })
  })
})

describe("complex values: bad input is a typed failure", () => {
  const fails = (type: string, value: ComplexValue, pattern: RegExp) => {
    const result = encodeComplexValue(typeOf(type), value, ctx)
    assert.instanceOf(result, CodecFailure)
    if (result instanceof CodecFailure) assert.match(result.message, pattern)
  }
  it("wrong element type, NULL element, unknown field, shape mismatch", () => {
    fails("set(integer not null)", [1, "x"], /element 2: .*INTEGER/)
    fails("list(varchar(5) not null)", ["a", null], /element 2: NULL in a LIST/)
    fails("row(a int)", { a: 1, b: 2 }, /no field b/)
    fails("row(a int)", [1], /expects an object/)
    fails("set(int not null)", { a: 1 }, /expects an array/)
    fails("list(set(int not null) not null)", [[1], 2], /element 2: .*expects an array/)
  })
  it("unsupported or malformed type text", () => {
    assert.instanceOf(parseComplexType("set(blob not null)"), CodecFailure)
    assert.instanceOf(parseComplexType("integer"), CodecFailure)
    assert.instanceOf(parseComplexType("row(a int"), CodecFailure)
    assert.instanceOf(parseComplexType("set(datetime year to banana not null)"), CodecFailure)
    assert.instanceOf(parseComplexType("list(interval second to day not null)"), CodecFailure)
  })
  it("DATETIME and INTERVAL element qualifiers parse to their collen and describe back to the same text", () => {
    for (
      const text of [
        "list(datetime year to fraction(3) not null)",
        "set(datetime hour to minute not null)",
        "multiset(interval day(3) to second not null)",
        "row(a interval year(4) to month, b datetime year to day)"
      ]
    ) {
      assert.strictEqual(describeType(typeOf(text)), text)
    }
    const element = typeOf("list(datetime year to fraction(3) not null)")
    assert.deepStrictEqual(
      element._tag === "Collection" ? element.element : undefined,
      {
        _tag: "Scalar",
        code: 10,
        length: IV.qualifier("YEAR", "FRACTION", { fractionDigits: 3 }).encoded,
        extendedId: 0,
        name: ""
      }
    )
  })
  it("truncated or inconsistent bodies", () => {
    assert.instanceOf(decodeComplexBody(new Uint8Array(10), ctx), CodecFailure)
    assert.instanceOf(decodeComplexBody(body([], new Uint8Array(0)), ctx), CodecFailure)
    const ok = body(setOfInt, hex("00000001"))
    assert.instanceOf(decodeComplexBody(ok.subarray(0, ok.length - 1), ctx), CodecFailure)
  })
})

describe("complex values: round trips", () => {
  const roundTrip = (type: CompositeType, value: ComplexValue) => {
    const encoded = encodeComplexValue(type, value, ctx)
    if (encoded instanceof CodecFailure) throw new Error(encoded.message)
    return decode(encoded.subarray(4))
  }
  it("nested ROW and collections of every supported scalar kind", () => {
    const type = typeOf(
      "row(n smallint, i int8, b bigint, f float, d date, c char(3), v varchar(10), l lvarchar, ok boolean," +
        " tags list(varchar(20) not null), inner row(x int, ys multiset(lvarchar not null)))"
    )
    const value = {
      n: 1,
      i: 2n,
      b: 3n,
      f: 1.5,
      d: null,
      c: "abc",
      v: "héllo",
      l: "long",
      ok: false,
      tags: ["a", "", "b"],
      inner: { x: -1, ys: ["p", "q"] }
    }
    assert.deepStrictEqual(roundTrip(type, value), value)
  })
  it("property: LIST(LIST(INT)) and SET(ROW(s VARCHAR, n INT)) survive encode → decode", () => {
    const lists = typeOf("list(list(integer not null) not null)")
    const rows = typeOf("set(row(s varchar(30), n int) not null)")
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: -2147483647 }), { maxLength: 5 }), { maxLength: 6 }), (v) => {
        assert.deepStrictEqual(roundTrip(lists, v), v)
      })
    )
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            s: fc.option(fc.string({ minLength: 0, maxLength: 30, unit: "grapheme-ascii" }).filter((s) => s !== "\0"), {
              nil: null
            }),
            n: fc.option(fc.integer({ min: -2147483647 }), { nil: null })
          }),
          { maxLength: 6 }
        ),
        (v) => {
          assert.deepStrictEqual(roundTrip(rows, v), v)
        }
      )
    )
  })
})

describe("complex values: schemas", () => {
  it("SetFromArray, List and Row decode what the driver returns", () => {
    const schema = IV.Row({
      tags: IV.SetFromArray(Schema.String),
      steps: IV.List(Schema.Number),
      pos: IV.Row({ x: Schema.Number, y: Schema.NullOr(Schema.Number) })
    })
    const decoded = Schema.decodeUnknownSync(schema)({ tags: ["a", "b", "a"], steps: [1, 2], pos: { x: 1, y: null } })
    assert.deepStrictEqual(decoded.tags, new Set(["a", "b"]))
    assert.deepStrictEqual(decoded.steps, [1, 2])
    assert.deepStrictEqual(decoded.pos, { x: 1, y: null })
    assert.deepStrictEqual(Schema.encodeSync(IV.SetFromArray(Schema.Number))(new Set([1, 2])), [1, 2])
    assert.throws(() => Schema.decodeUnknownSync(IV.SetFromArray(Schema.Number))(["x"]))
  })
})
