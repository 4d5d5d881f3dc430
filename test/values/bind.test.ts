/**
 * Bind inference (VALUES.md §7.2) and explicit typed parameters: exact type/prec/data per JS value, failures with
 * clear messages, and decodeBind (server side) inverting encodeBind.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as IV from "../../src/InformixValue.ts"
import {
  bindLengthPrefix,
  CodecFailure,
  decodeBind,
  encodeBind,
  isExtendedBindType
} from "../../src/internal/values/index.ts"
import { latin1Ctx, plainBind, toHex, utf8Ctx } from "./support.ts"

const bind = (value: unknown, ctx = latin1Ctx) => {
  const b = encodeBind(value, ctx)
  if (b instanceof CodecFailure) assert.fail(b.message)
  return b
}
const failure = (value: unknown) => {
  const b = encodeBind(value, latin1Ctx)
  assert.instanceOf(b, CodecFailure)
  return (b as CodecFailure).message
}

describe("inference", () => {
  it("numbers: i32 → INTEGER 0x0a00, wider safe integers → BIGINT 0x1300, others → FLOAT", () => {
    assert.deepStrictEqual(plainBind(bind(42)), { type: 2, indicator: 0, prec: 0x0a00, data: "0000002a" })
    assert.deepStrictEqual(plainBind(bind(-2147483647)), { type: 2, indicator: 0, prec: 0x0a00, data: "80000001" })
    // -2^31 is INTEGER's NULL pattern: it must travel as BIGINT.
    assert.deepStrictEqual(plainBind(bind(-2147483648)), {
      type: 52,
      indicator: 0,
      prec: 0x1300,
      data: "ffffffff80000000"
    })
    assert.deepStrictEqual(plainBind(bind(5_000_000_000)), {
      type: 52,
      indicator: 0,
      prec: 0x1300,
      data: "000000012a05f200"
    })
    assert.deepStrictEqual(plainBind(bind(1.0)), { type: 2, indicator: 0, prec: 0x0a00, data: "00000001" })
    assert.deepStrictEqual(plainBind(bind(0.5)), { type: 3, indicator: 0, prec: 0, data: "3fe0000000000000" })
    assert.deepStrictEqual(plainBind(bind(2 ** 60)), { type: 3, indicator: 0, prec: 0, data: "43b0000000000000" })
    assert.deepStrictEqual(plainBind(bind(-0)), { type: 2, indicator: 0, prec: 0x0a00, data: "00000000" })
    assert.include(failure(Number.NaN), "NaN")
    assert.include(failure(Infinity), "Infinity")
  })
  it("bigint → BIGINT, range ±(2^63−1)", () => {
    assert.deepStrictEqual(plainBind(bind(9007199254740993n)), {
      type: 52,
      indicator: 0,
      prec: 0x1300,
      data: "0020000000000001"
    })
    assert.include(failure(-(2n ** 63n)), "BIGINT cannot hold")
    assert.include(failure(2n ** 63n), "BIGINT cannot hold")
  })
  it("string → CHAR prec 0 in the session code set; boolean → CHAR 't'/'f'", () => {
    assert.deepStrictEqual(plainBind(bind("é")), { type: 0, indicator: 0, prec: 0, data: "e9" })
    assert.deepStrictEqual(plainBind(bind("é", utf8Ctx)), { type: 0, indicator: 0, prec: 0, data: "c3a9" })
    assert.deepStrictEqual(plainBind(bind(true)), { type: 0, indicator: 0, prec: 0, data: "74" })
    assert.deepStrictEqual(plainBind(bind(false)), { type: 0, indicator: 0, prec: 0, data: "66" })
    assert.include(failure("x".repeat(70000)), "65535")
  })
  it("null / undefined → NULL type 0, indicator -1, no data", () => {
    assert.deepStrictEqual(plainBind(bind(null)), { type: 0, indicator: -1, prec: 0, data: "" })
    assert.deepStrictEqual(plainBind(bind(undefined)), { type: 0, indicator: -1, prec: 0, data: "" })
  })
  it("Uint8Array → BYTE descriptor + blob", () => {
    const b = bind(Uint8Array.of(1, 2, 3, 4, 5))
    assert.strictEqual(b.type, 11)
    assert.strictEqual(toHex(b.data), "00".repeat(16) + "00000005" + "00".repeat(36))
    assert.strictEqual(toHex(b.blob!), "0102030405")
  })
  it("BigDecimal → DECIMAL with (p<<8)|s", () => {
    assert.deepStrictEqual(plainBind(bind(BigDecimal.fromStringUnsafe("1234.56"))), {
      type: 5,
      indicator: 0,
      prec: 0x0602,
      data: "c20c2238"
    })
    assert.deepStrictEqual(plainBind(bind(BigDecimal.fromStringUnsafe("-99.99"))), {
      type: 5,
      indicator: 0,
      prec: 0x0402,
      data: "3e0001"
    })
    assert.deepStrictEqual(plainBind(bind(BigDecimal.fromStringUnsafe("0.5"))), {
      type: 5,
      indicator: 0,
      prec: 0x0201,
      data: "c032"
    })
    assert.include(failure(BigDecimal.fromStringUnsafe("1" + "0".repeat(32) + ".5")), "32 significant digits")
  })
  it("LocalDate → DATE, DateTime → its qualifier, JS Date → YEAR TO FRACTION(3) UTC, intervals", () => {
    assert.deepStrictEqual(plainBind(bind(new IV.LocalDate(2026, 8, 31))), {
      type: 7,
      indicator: 0,
      prec: 0,
      data: "0000b4b8"
    })
    assert.deepStrictEqual(plainBind(bind(new Date(Date.UTC(2026, 7, 31, 12, 30, 15, 120)))), {
      type: 10,
      indicator: 0,
      prec: 0x110d,
      data: "c7141a081f0c1e0f0c00"
    })
    const ys = IV.Qualifier.fromEncoded(0x0e0a)!
    assert.deepStrictEqual(
      plainBind(bind(new IV.DateTime(ys, { year: 2026, month: 8, day: 31, hour: 12, minute: 30, second: 15 }))),
      { type: 10, indicator: 0, prec: 0x0e0a, data: "c7141a081f0c1e0f" }
    )
    const d9f5 = IV.Qualifier.fromEncoded(0x144f)!
    assert.deepStrictEqual(
      plainBind(bind(new IV.IntervalDayTime(d9f5, { days: 3, hours: 4, minutes: 5, seconds: 6 }))),
      {
        type: 14,
        indicator: 0,
        prec: 0x144f,
        data: "c80000000003040506000000"
      }
    )
    assert.include(failure(new Date(Number.NaN)), "invalid JS Date")
    assert.include(failure(new IV.LocalDate(2023, 2, 29)), "not a valid date")
  })
  it("anything else → CodecFailure naming the JS type", () => {
    assert.include(failure({ a: 1 }), "object")
    assert.include(failure(Symbol("s")), "symbol")
    assert.include(failure(new Map()), "Map")
    assert.include(failure(() => 1), "function")
  })
})

describe("typed parameters", () => {
  it("override inference", () => {
    assert.deepStrictEqual(plainBind(bind(IV.smallint(-2))), { type: 1, indicator: 0, prec: 0x0500, data: "fffe" })
    assert.deepStrictEqual(plainBind(bind(IV.integer(7))), { type: 2, indicator: 0, prec: 0x0a00, data: "00000007" })
    assert.deepStrictEqual(plainBind(bind(IV.bigint(7))), {
      type: 52,
      indicator: 0,
      prec: 0x1300,
      data: "0000000000000007"
    })
    assert.deepStrictEqual(plainBind(bind(IV.int8(-42n))), {
      type: 17,
      indicator: 0,
      prec: 0x1300,
      data: "ffff0000002a00000000"
    })
    assert.deepStrictEqual(plainBind(bind(IV.float(1))), { type: 3, indicator: 0, prec: 0, data: "3ff0000000000000" })
    assert.deepStrictEqual(plainBind(bind(IV.smallfloat(2.5))), { type: 4, indicator: 0, prec: 0, data: "40200000" })
    assert.deepStrictEqual(plainBind(bind(IV.decimal("1.10"))), { type: 5, indicator: 0, prec: 0x0402, data: "c1010a" })
    assert.deepStrictEqual(plainBind(bind(IV.decimal("1.10", { precision: 10, scale: 2 }))), {
      type: 5,
      indicator: 0,
      prec: 0x0a02,
      data: "c1010a"
    })
    assert.deepStrictEqual(plainBind(bind(IV.money("1234.56"))), {
      type: 8,
      indicator: 0,
      prec: 0x0602,
      data: "c20c2238"
    })
    assert.deepStrictEqual(plainBind(bind(IV.date("2024-02-29"))), { type: 7, indicator: 0, prec: 0, data: "0000b126" })
    assert.deepStrictEqual(plainBind(bind(IV.char("ab"))), { type: 0, indicator: 0, prec: 0, data: "6162" })
    assert.deepStrictEqual(plainBind(bind(IV.nchar("ab"))), { type: 15, indicator: 0, prec: 0, data: "6162" })
    assert.deepStrictEqual(plainBind(bind(IV.varchar("ab"))), { type: 13, indicator: 0, prec: 2, data: "6162" })
    assert.deepStrictEqual(plainBind(bind(IV.nvarchar("ab"))), { type: 16, indicator: 0, prec: 0, data: "6162" })
    assert.deepStrictEqual(plainBind(bind(IV.lvarchar("lv"))), {
      type: 43,
      indicator: 0,
      prec: 0,
      data: "6c76",
      ownerName: "",
      extendedName: ""
    })
    assert.deepStrictEqual(plainBind(bind(IV.boolean(false))), {
      type: 45,
      indicator: 0,
      prec: 1,
      data: "00",
      ownerName: "",
      extendedName: "boolean"
    })
    assert.deepStrictEqual(plainBind(bind(IV.typedNull("DATE"))), { type: 7, indicator: -1, prec: 0, data: "" })
    assert.deepStrictEqual(plainBind(bind(IV.typedNull("BOOLEAN"))), {
      type: 45,
      indicator: -1,
      prec: 0,
      data: "",
      ownerName: "",
      extendedName: "boolean"
    })
  })
  it("out-of-range values fail with clear messages", () => {
    assert.include(failure(IV.smallint(40000)), "SMALLINT cannot hold the value (range -32767..32767")
    assert.include(failure(IV.smallint(-32768)), "NULL")
    assert.include(failure(IV.integer(-2147483648)), "INTEGER cannot hold the value")
    assert.include(failure(IV.integer(1.5)), "non-integer")
    assert.include(failure(IV.decimal("abc")), "not a decimal number")
    assert.include(failure(IV.decimal("1.5", { precision: 40, scale: 2 })), "precision")
    assert.include(failure(IV.date("2023-02-29")), "not a valid date")
  })
})

describe("length prefix classes for the message layer", () => {
  it("u16 for character/packed types, u32 + names for extended types, none for fixed", () => {
    assert.deepStrictEqual([0, 13, 15, 16, 5, 8, 10, 14].map(bindLengthPrefix), [2, 2, 2, 2, 2, 2, 2, 2])
    assert.deepStrictEqual([1, 2, 3, 4, 7, 17, 52, 53, 11, 12].map(bindLengthPrefix), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    assert.deepStrictEqual([43, 45, 40, 41, 19].map(bindLengthPrefix), [4, 4, 4, 4, 4])
    assert.deepStrictEqual([18, 43, 45, 52, 53].map(isExtendedBindType), [false, true, true, false, false])
  })
})

describe("decodeBind inverts encodeBind", () => {
  const values: ReadonlyArray<unknown> = [
    42,
    -7n,
    1.5,
    "héllo",
    new IV.LocalDate(1, 1, 1),
    BigDecimal.fromStringUnsafe("-0.001"),
    IV.smallint(3),
    IV.int8(1n << 40n),
    IV.smallfloat(0.25),
    IV.boolean(true),
    IV.lvarchar("x"),
    IV.text("t")
  ]
  const expected: ReadonlyArray<unknown> = [
    42,
    -7n,
    1.5,
    "héllo",
    new IV.LocalDate(1, 1, 1),
    BigDecimal.make(-1n, 3),
    3,
    1n << 40n,
    0.25,
    true,
    "x",
    "t"
  ]
  values.forEach((v, i) => {
    it(`${String(expected[i])}`, () => {
      const decoded = decodeBind(bind(v), latin1Ctx)
      if (BigDecimal.isBigDecimal(expected[i])) {
        assert.isTrue(BigDecimal.equals(decoded as BigDecimal.BigDecimal, expected[i] as BigDecimal.BigDecimal))
      } else assert.deepStrictEqual(decoded, expected[i])
    })
  })
  it("rejects malformed widths", () => {
    assert.instanceOf(decodeBind({ type: 2, indicator: 0, prec: 0, data: Uint8Array.of(1) }, latin1Ctx), CodecFailure)
    assert.instanceOf(
      decodeBind({ type: 10, indicator: 0, prec: 0x0201, data: Uint8Array.of(1) }, latin1Ctx),
      CodecFailure
    )
  })
})
