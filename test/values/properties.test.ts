/**
 * Property round trips over the full range of every codec, with the edges named in the brief: min/max, NULL, 0,
 * negative zero, DECIMAL(32) and floating decimals, leap days, years 1 and 9999, FRACTION(5), negative/zero intervals,
 * and the normalized DATETIME/INTERVAL forms a decoder must also accept.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import * as IV from "../../src/InformixValue.ts"
import {
  civilFromDays,
  civilFromDaysArithmetic,
  INFORMIX_EPOCH_DAYS,
  MAX_DAY_NUMBER,
  MIN_DAY_NUMBER
} from "../../src/internal/values/calendar.ts"
import { pack, unpack } from "../../src/internal/values/decimal.ts"
import {
  CodecFailure,
  decodeBind,
  decodeDateTime,
  decodeInterval,
  decodeRow,
  encodeBind,
  encodeDateTime,
  encodeInterval,
  encodeRow,
  packedWidth,
  type Value
} from "../../src/internal/values/index.ts"
import { column, latin1Ctx, toHex, utf8Ctx } from "./support.ts"

const ok = <A>(a: A | CodecFailure | null): A => {
  if (a instanceof CodecFailure) throw new Error(a.message)
  if (a === null) throw new Error("unexpected NULL")
  return a as A
}

const roundTrip = (columnType: number, collen: number, value: Value, ctx = latin1Ctx): Value => {
  const columns = [columnType === 40 ? column(40, collen, 1, "lvarchar") : column(columnType, collen)]
  const bytes = ok(encodeRow(columns, [value], ctx))
  return ok(decodeRow(bytes, columns, ctx))[0]!
}

const runs = { numRuns: 500 }

describe("integers and floats", () => {
  it("SMALLINT, INTEGER full range and NULL", () => {
    fc.assert(fc.property(fc.integer({ min: -32767, max: 32767 }), (n) => roundTrip(1, 2, n) === n), runs)
    fc.assert(fc.property(fc.integer({ min: -2147483647, max: 2147483647 }), (n) => roundTrip(2, 4, n) === n), runs)
    assert.strictEqual(roundTrip(1, 2, null), null)
    assert.strictEqual(roundTrip(2, 4, null), null)
  })
  it("BIGINT and INT8 over ±(2^63−1)", () => {
    const big = fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n })
    fc.assert(fc.property(big, (n) => roundTrip(52, 8, n) === n), runs)
    fc.assert(fc.property(big, (n) => roundTrip(17, 10, n) === n), runs)
    for (const edge of [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n) + 1n, 2n ** 32n, 2n ** 32n - 1n]) {
      assert.strictEqual(roundTrip(52, 8, edge), edge)
      assert.strictEqual(roundTrip(17, 10, edge), edge)
    }
  })
  it("FLOAT every double (incl. -0, ±Infinity, subnormals); SMALLFLOAT every single", () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (d) => Object.is(roundTrip(3, 8, d), d)), runs)
    fc.assert(fc.property(fc.float({ noNaN: true }), (f) => Object.is(roundTrip(4, 4, f), f)), runs)
    assert.isTrue(Object.is(roundTrip(3, 8, -0), -0))
    assert.isTrue(Object.is(roundTrip(4, 4, -0), -0))
  })
  it("binds of numbers decode to the same number", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.maxSafeInteger()),
        (n) => {
          const decoded = ok(decodeBind(ok(encodeBind(n, latin1Ctx)), latin1Ctx))
          return Object.is(typeof decoded === "bigint" ? Number(decoded) : decoded, n === 0 ? 0 : n) ||
            (Object.is(n, -0) && decoded === 0)
        }
      ),
      runs
    )
  })
})

/** A decimal with at most `digits` significant digits and the given scale. */
const decimalArb = (digits: number, scale: fc.Arbitrary<number>) =>
  fc.tuple(fc.bigInt({ min: -(10n ** BigInt(digits)) + 1n, max: 10n ** BigInt(digits) - 1n }), scale).map((
    [value, s]
  ) => BigDecimal.make(value, s))

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return a.length - b.length
}

describe("DECIMAL / MONEY", () => {
  const shape = fc.integer({ min: 1, max: 32 }).chain((p) => fc.tuple(fc.constant(p), fc.integer({ min: 0, max: p })))
  it("DECIMAL(p,s) for every p ≤ 32: exact round trip with scale s", () => {
    fc.assert(
      fc.property(shape.chain(([p, s]) => fc.tuple(fc.constant(p), fc.constant(s), decimalArb(p, fc.constant(s)))), ([
        p,
        s,
        value
      ]) => {
        const back = roundTrip(5, (p << 8) | s, value) as BigDecimal.BigDecimal
        return BigDecimal.equals(back, value) && back.scale === s
      }),
      runs
    )
  })
  it("floating DECIMAL(p): exact round trip of p significant digits at any exponent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }).chain((p) =>
          fc.tuple(fc.constant(p), decimalArb(p, fc.integer({ min: -60, max: 90 })))
        ),
        ([p, value]) => BigDecimal.equals(roundTrip(5, (p << 8) | 0xff, value) as BigDecimal.BigDecimal, value)
      ),
      runs
    )
  })
  it("max precision DECIMAL(32,0) / (32,32) / MONEY(32,2) edges", () => {
    for (
      const [collen, text] of [[0x2000, "9".repeat(32)], [0x2000, "-" + "9".repeat(32)], [
        0x2020,
        "0." + "9".repeat(32)
      ], [0x2002, "-0.01"]] as const
    ) {
      const value = BigDecimal.fromStringUnsafe(text)
      assert.isTrue(BigDecimal.equals(roundTrip(8, collen, value) as BigDecimal.BigDecimal, value), text)
    }
    assert.instanceOf(
      encodeRow([column(5, 0x2000)], [BigDecimal.fromStringUnsafe("1" + "0".repeat(32))], latin1Ctx),
      CodecFailure
    )
  })
  it("packed bytes sort like the values (IBM's design goal): NULL < negatives < zero < positives", () => {
    const collen = 0x10ff
    const arb = decimalArb(16, fc.integer({ min: -20, max: 20 }))
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const ea = ok(encodeRow([column(5, collen)], [a], latin1Ctx))
        const eb = ok(encodeRow([column(5, collen)], [b], latin1Ctx))
        return Math.sign(compareBytes(ea, eb)) === BigDecimal.Order(a, b)
      }),
      runs
    )
    const nul = ok(encodeRow([column(5, collen)], [null], latin1Ctx))
    const neg = ok(encodeRow([column(5, collen)], [BigDecimal.fromStringUnsafe("-1e100")], latin1Ctx))
    assert.isTrue(compareBytes(nul, neg) < 0)
  })
  it("binds: encodeBind → decodeBind is exact for up to 32 significant digits", () => {
    fc.assert(
      fc.property(
        decimalArb(32, fc.integer({ min: -40, max: 60 })),
        (value) =>
          BigDecimal.equals(ok(decodeBind(ok(encodeBind(value, latin1Ctx)), latin1Ctx)) as BigDecimal.BigDecimal, value)
      ),
      runs
    )
  })
})

describe("DATE", () => {
  it("every day number 0001-01-01..9999-12-31 round-trips and agrees with JS Date", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_DAY_NUMBER, max: MAX_DAY_NUMBER }), (day) => {
        const date = IV.LocalDate.fromDayNumber(day)
        const js = new Date(Date.UTC(2000, 0, 1))
        js.setUTCFullYear(date.year, date.month - 1, date.day)
        const epoch = Date.UTC(1899, 11, 31)
        return date.isValid && date.toDayNumber() === day && Math.round((js.getTime() - epoch) / 86_400_000) === day &&
          (roundTrip(7, 4, date) as IV.LocalDate).toDayNumber() === day
      }),
      runs
    )
  })
  it("the calendar tables give the arithmetic's fields for every day of years 1..9999, and the arithmetic outside", () => {
    const same = (days: number): boolean => {
      const a = civilFromDays(days)
      const b = civilFromDaysArithmetic(days)
      return a.year === b.year && a.month === b.month && a.day === b.day
    }
    let mismatches = 0
    for (let day = MIN_DAY_NUMBER - 800; day <= MAX_DAY_NUMBER + 800; day++) {
      if (!same(day + INFORMIX_EPOCH_DAYS)) mismatches++
    }
    assert.strictEqual(mismatches, 0)
    for (const days of [-1e7, 1e7, 0.5, -693594.25, 2958464.75]) assert.isTrue(same(days + INFORMIX_EPOCH_DAYS))
    assert.deepStrictEqual(civilFromDays(MIN_DAY_NUMBER + INFORMIX_EPOCH_DAYS), { year: 1, month: 1, day: 1 })
    assert.deepStrictEqual(civilFromDays(MAX_DAY_NUMBER + INFORMIX_EPOCH_DAYS), { year: 9999, month: 12, day: 31 })
    assert.deepStrictEqual(civilFromDays(MAX_DAY_NUMBER + 1 + INFORMIX_EPOCH_DAYS), { year: 10000, month: 1, day: 1 })
  })
  it("edges: year 1, year 9999, leap days (2000-02-29 yes, 1900-02-29 no)", () => {
    assert.strictEqual(new IV.LocalDate(1, 1, 1).toDayNumber(), MIN_DAY_NUMBER)
    assert.strictEqual(new IV.LocalDate(9999, 12, 31).toDayNumber(), MAX_DAY_NUMBER)
    assert.isTrue(new IV.LocalDate(2000, 2, 29).isValid)
    assert.isFalse(new IV.LocalDate(1900, 2, 29).isValid)
    assert.strictEqual(
      IV.LocalDate.fromDayNumber(new IV.LocalDate(1900, 3, 1).toDayNumber() - 1).toString(),
      "1900-02-28"
    )
  })
})

// ---- DATETIME / INTERVAL ----

const units = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "FRACTION"] as const

const datetimeQualifier = fc.tuple(
  fc.integer({ min: 0, max: 6 }),
  fc.integer({ min: 0, max: 6 }),
  fc.integer({ min: 1, max: 5 })
)
  .filter(([a, b]) => a <= b)
  .map(([a, b, f]) => new IV.Qualifier(units[a]!, units[b]!, { fractionDigits: f }))

const datetimeFields = fc.record({
  year: fc.integer({ min: 1, max: 9999 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  fraction: fc.integer({ min: 0, max: 99999 })
})

/** The normalized alternative of a positional value: leading zero pairs dropped, exponent lowered. */
const normalized = (bytes: Uint8Array): Uint8Array => {
  if (bytes[0] === 0 && bytes[1] === 0) return bytes
  const u = unpack(bytes)
  if (u instanceof CodecFailure) throw new Error(u.message)
  let lead = 0
  while (lead < u.digits.length && u.digits[lead] === 0) lead++
  if (lead === u.digits.length) return bytes
  const digits = [...u.digits.slice(lead), ...Array.from({ length: lead }, () => 0)]
  return pack(u.negative, u.exponent - lead, digits)
}

describe("DATETIME", () => {
  it("every qualifier and valid fields round-trip, positional and normalized", () => {
    fc.assert(
      fc.property(datetimeQualifier, datetimeFields, (q, fields) => {
        const dt = new IV.DateTime(q, fields)
        const bytes = ok(encodeDateTime(dt))
        assert.strictEqual(bytes.length, packedWidth(q.encoded))
        assert.deepStrictEqual(ok(decodeDateTime(bytes, q)), dt)
        assert.deepStrictEqual(ok(decodeDateTime(normalized(bytes), q)), dt)
        const text = IV.DateTime.parse(dt.toString(), q)
        assert.deepStrictEqual(Option.getOrUndefined(text), dt)
      }),
      runs
    )
  })
  it("leap day 2000-02-29 accepted, 1900-02-29 rejected; FRACTION(5) and Date conversion", () => {
    const q = IV.Qualifier.fromEncoded(0x130f)!
    const leap = new IV.DateTime(q, {
      year: 2000,
      month: 2,
      day: 29,
      hour: 23,
      minute: 59,
      second: 59,
      fraction: 99999
    })
    assert.strictEqual(toHex(ok(encodeDateTime(leap))), "c71400021d173b3b63635a")
    assert.instanceOf(encodeDateTime(new IV.DateTime(q, { year: 1900, month: 2, day: 29 })), CodecFailure)
    const date = new Date(Date.UTC(2026, 7, 31, 12, 30, 15, 120))
    assert.strictEqual(IV.DateTime.fromDate(date).toString(), "2026-08-31 12:30:15.120")
    assert.strictEqual(IV.DateTime.fromDate(date).toDate().getTime(), date.getTime())
  })
})

const intervalQualifier = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 9 })).filter((
    [a, b]
  ) => a <= b).map(([a, b, n]) => new IV.Qualifier(units[a]!, units[b]!, { leadingPrecision: n })),
  fc.tuple(
    fc.integer({ min: 2, max: 6 }),
    fc.integer({ min: 2, max: 6 }),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 5 })
  ).filter(([a, b]) => a <= b).map(([a, b, n, f]) =>
    new IV.Qualifier(units[a]!, units[b]!, { leadingPrecision: units[a] === "FRACTION" ? 2 : n, fractionDigits: f })
  )
)

describe("INTERVAL", () => {
  it("both families, leading precision 1..9, negative and zero: round trip, positional and normalized", () => {
    fc.assert(
      fc.property(
        intervalQualifier,
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 99999 }),
        (q, negative, lead, month, hour, minute, second, fraction) => {
          const leading = lead % 10 ** q.leadingPrecision
          const value = q.isYearMonth
            ? new IV.IntervalYearMonth(q, {
              negative,
              years: leading,
              months: q.start === "MONTH" ? leading : month
            })
            : new IV.IntervalDayTime(q, {
              negative,
              days: leading,
              hours: q.start === "HOUR" ? leading : hour,
              minutes: q.start === "MINUTE" ? leading : minute,
              seconds: q.start === "SECOND" ? leading : second,
              fraction
            })
          const bytes = ok(encodeInterval(value))
          assert.strictEqual(bytes.length, packedWidth(q.encoded))
          assert.deepStrictEqual(ok(decodeInterval(bytes, q)), value)
          assert.deepStrictEqual(ok(decodeInterval(normalized(bytes), q)), value)
        }
      ),
      runs
    )
  })
  it("re-expresses a day-time interval in another qualifier exactly (leading field absorbs larger units)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (total) => {
        const value = IV.IntervalDayTime.fromTotalFractions(total)
        const q = IV.Qualifier.fromEncoded(0x0f6f)! // HOUR(6) TO FRACTION(5)
        const back = ok(decodeInterval(ok(encodeInterval(value, q)), q)) as IV.IntervalDayTime
        return back.totalFractions === total
      }),
      runs
    )
  })
  it("overflow of the leading precision fails", () => {
    const q = IV.Qualifier.fromEncoded(0x084a)! // DAY(2) TO SECOND
    assert.instanceOf(encodeInterval(new IV.IntervalDayTime(q, { days: 100 })), CodecFailure)
  })
})

describe("character data", () => {
  it("VARCHAR / LVARCHAR / CHAR round-trip any UTF-8 text without NUL; '' and NULL stay distinct", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !s.includes("\u0000"))
    fc.assert(
      fc.property(text, (s) => {
        const bytes = new TextEncoder().encode(s).length
        return (bytes <= 255 ? roundTrip(13, 255, s, utf8Ctx) === s : true) &&
          roundTrip(40, 0, s, utf8Ctx) === s
      }),
      runs
    )
    assert.strictEqual(roundTrip(13, 20, ""), "")
    assert.strictEqual(roundTrip(13, 20, null), null)
    assert.strictEqual(roundTrip(0, 3, "   "), "   ")
    assert.strictEqual(roundTrip(0, 3, null), null)
  })
})
