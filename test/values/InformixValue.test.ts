/**
 * The public value model: qualifier text and packing, literal text of DATE/DATETIME/INTERVAL, JS Date conversions,
 * equality, schemas.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as IV from "../../src/InformixValue.ts"

const q = (text: string) => Option.getOrThrow(IV.parseQualifier(text))

describe("Qualifier", () => {
  it("parses text and packs (digits << 8) | (start << 4) | end", () => {
    assert.strictEqual(q("YEAR TO FRACTION(3)").encoded, 0x110d)
    assert.strictEqual(q("year to second").encoded, 0x0e0a)
    assert.strictEqual(q("DAY(3) TO SECOND").encoded, 0x094a)
    assert.strictEqual(q("YEAR(9) TO MONTH").encoded, 0x0b02)
    assert.strictEqual(q("DAY(9) TO FRACTION(5)").encoded, 0x144f)
    assert.strictEqual(q("FRACTION TO FRACTION(3)").encoded, 0x03cd)
    assert.strictEqual(q("YEAR TO FRACTION").encoded, 0x110d)
    assert.strictEqual(q("SECOND").encoded, 0x02aa)
    assert.strictEqual(q("HOUR TO MINUTE").encoded, 0x0468)
  })
  it("formats DATETIME and INTERVAL text", () => {
    assert.strictEqual(q("YEAR TO FRACTION(3)").toString(), "YEAR TO FRACTION(3)")
    assert.strictEqual(q("DAY(3) TO SECOND").toIntervalString(), "DAY(3) TO SECOND")
    assert.strictEqual(IV.Qualifier.fromEncoded(0x094a)?.toIntervalString(), "DAY(3) TO SECOND")
    assert.strictEqual(IV.Qualifier.fromEncoded(0x130f)?.toString(), "YEAR TO FRACTION(5)")
    assert.strictEqual(IV.Qualifier.fromEncoded(0x03cd)?.toString(), "FRACTION TO FRACTION(3)")
  })
  it("rejects invalid text and packings", () => {
    for (
      const bad of [
        "SECOND TO YEAR",
        "YEAR TO FRACTION(6)",
        "DAY(10) TO SECOND",
        "WEEK",
        "HOUR TO MINUTE(2)",
        "",
        "YEAR(2) TO DAY"
      ]
    ) {
      assert.isTrue(Option.isNone(IV.parseQualifier(bad)), bad)
    }
    for (const bad of [0x0201, 0x02a0, 0x00aa, 0x0e0c, 0x1c0a]) {
      assert.isUndefined(IV.Qualifier.fromEncoded(bad), bad.toString(16))
    }
  })
  it("isValid", () => {
    assert.isTrue(q("DAY(9) TO FRACTION(5)").isValid)
    assert.isFalse(IV.qualifier("SECOND", "YEAR").isValid)
    assert.isFalse(IV.qualifier("DAY", "SECOND", { leadingPrecision: 10 }).isValid)
    assert.isFalse(IV.qualifier("YEAR", "DAY", { leadingPrecision: 2 }).isValid)
  })
  it("equality by packing", () => {
    assert.isTrue(Equal.equals(q("YEAR TO SECOND"), IV.qualifier("YEAR", "SECOND")))
    assert.isFalse(Equal.equals(q("DAY(3) TO SECOND"), q("DAY TO SECOND")))
  })
})

describe("LocalDate", () => {
  it("day numbers since 1899-12-31", () => {
    assert.strictEqual(new IV.LocalDate(1900, 1, 1).toDayNumber(), 1)
    assert.strictEqual(new IV.LocalDate(1899, 12, 31).toDayNumber(), 0)
    assert.strictEqual(new IV.LocalDate(2024, 1, 1).toDayNumber(), 45291)
    assert.strictEqual(IV.LocalDate.fromDayNumber(45350).toString(), "2024-02-29")
    assert.strictEqual(IV.LocalDate.fromDayNumber(-693594).toString(), "0001-01-01")
  })
  it("parse, JS Date conversion, equality, schema", () => {
    const d = Option.getOrThrow(IV.LocalDate.parse("2024-02-29"))
    assert.isTrue(Option.isNone(IV.LocalDate.parse("2023-02-29")))
    assert.strictEqual(d.toDate().toISOString(), "2024-02-29T00:00:00.000Z")
    assert.isTrue(Equal.equals(IV.LocalDate.fromDate(new Date(Date.UTC(2024, 1, 29, 23, 59))), d))
    assert.strictEqual(JSON.stringify({ d }), "{\"d\":\"2024-02-29\"}")
    assert.strictEqual(Schema.decodeUnknownSync(IV.LocalDateFromSelf)(d), d)
    assert.throws(() => Schema.decodeUnknownSync(IV.LocalDateFromSelf)("2024-02-29"))
  })
})

describe("DateTime", () => {
  it("literal text per qualifier", () => {
    const fields = { year: 2026, month: 8, day: 31, hour: 9, minute: 5, second: 7, fraction: 12345 }
    assert.strictEqual(new IV.DateTime(q("YEAR TO FRACTION(3)"), fields).toString(), "2026-08-31 09:05:07.123")
    assert.strictEqual(new IV.DateTime(q("YEAR TO DAY"), fields).toString(), "2026-08-31")
    assert.strictEqual(new IV.DateTime(q("MONTH TO DAY"), fields).toString(), "08-31")
    assert.strictEqual(new IV.DateTime(q("HOUR TO MINUTE"), fields).toString(), "09:05")
    assert.strictEqual(new IV.DateTime(q("DAY TO HOUR"), fields).toString(), "31 09")
    assert.strictEqual(new IV.DateTime(q("FRACTION TO FRACTION(5)"), fields).toString(), ".12345")
    assert.strictEqual(new IV.DateTime(q("YEAR TO FRACTION(1)"), fields).fraction, 10000)
  })
  it("fields outside the qualifier are zero; equality; schema", () => {
    const a = new IV.DateTime(q("HOUR TO MINUTE"), { year: 2026, hour: 1, minute: 2, second: 3 })
    assert.strictEqual(a.year, 0)
    assert.strictEqual(a.second, 0)
    assert.isTrue(Equal.equals(a, new IV.DateTime(q("HOUR TO MINUTE"), { hour: 1, minute: 2 })))
    assert.isFalse(Equal.equals(a, new IV.DateTime(q("HOUR TO SECOND"), { hour: 1, minute: 2 })))
    assert.strictEqual(Schema.decodeUnknownSync(IV.DateTimeFromSelf)(a), a)
  })
  it("parses literals", () => {
    const dt = Option.getOrThrow(IV.DateTime.parse("2026-08-31 12:30:15.12", q("YEAR TO FRACTION(5)")))
    assert.strictEqual(dt.fraction, 12000)
    assert.strictEqual(dt.toString(), "2026-08-31 12:30:15.12000")
    assert.isTrue(Option.isNone(IV.DateTime.parse("2026-08-31", q("YEAR TO SECOND"))))
  })
})

describe("intervals", () => {
  it("year-month and day-time literals and totals", () => {
    const ym = new IV.IntervalYearMonth(q("YEAR(4) TO MONTH"), { negative: true, years: 5, months: 3 })
    assert.strictEqual(ym.toString(), "-5-03")
    assert.strictEqual(ym.totalMonths, -63)
    assert.strictEqual(IV.IntervalYearMonth.fromTotalMonths(-63).toString(), "-5-03")
    assert.strictEqual(IV.IntervalYearMonth.fromTotalMonths(-63).qualifier.encoded, 0x0b02)
    assert.strictEqual(IV.IntervalYearMonth.fromTotalMonths(365, q("MONTH(3) TO MONTH")).toString(), "365")
    const dt = new IV.IntervalDayTime(q("DAY(3) TO FRACTION(5)"), {
      days: 1,
      hours: 2,
      minutes: 3,
      seconds: 4,
      fraction: 5
    })
    assert.strictEqual(dt.toString(), "1 02:03:04.00005")
    assert.strictEqual(dt.totalFractions, ((1n * 24n + 2n) * 60n + 3n) * 60n * 100000n + 4n * 100000n + 5n)
    assert.strictEqual(IV.IntervalDayTime.fromTotalFractions(-100000n).toString(), "-0 00:00:01.00000")
  })
  it("negative zero is zero; schemas", () => {
    const zero = new IV.IntervalDayTime(q("DAY(2) TO SECOND"), { negative: true })
    assert.isFalse(zero.negative)
    assert.strictEqual(Schema.decodeUnknownSync(IV.IntervalDayTimeFromSelf)(zero), zero)
    assert.throws(() => Schema.decodeUnknownSync(IV.IntervalYearMonthFromSelf)(zero))
  })
})

describe("typed parameters", () => {
  it("carry their type and value", () => {
    const p = IV.decimal("1.10", { precision: 5, scale: 2 })
    assert.isTrue(IV.isTypedParameter(p))
    assert.strictEqual(p.type, "DECIMAL")
    assert.strictEqual(p.value, "1.10")
    assert.strictEqual(p.precision, 5)
    assert.strictEqual(IV.typedNull("DATE").value, null)
    assert.isFalse(IV.isTypedParameter("x"))
  })
})
