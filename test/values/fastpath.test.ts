/**
 * The in-place row decoder against the pre-optimisation decoder kept in `reference.ts`: on valid rows, on rows with
 * random bytes spliced in, and on truncated or extended payloads, both give the same values (same DECIMAL scale, same
 * DATETIME fields) or the same CodecFailure message. Plus the two packed fast paths on their own, at random offsets.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import * as fc from "fast-check"
import * as IV from "../../src/InformixValue.ts"
import { decodeDecimalAt, packedWidth } from "../../src/internal/values/decimal.ts"
import { decodedTimeFields } from "../../src/internal/values/decodedTimeFields.ts"
import { CodecFailure, type ColumnInfo, decodeRow, encodeRow, type Value } from "../../src/internal/values/index.ts"
import {
  dateTimeLayout,
  dateTimeReader,
  decodeDateTime,
  decodeDateTimeAt
} from "../../src/internal/values/timeValue.ts"
import { referenceDecimal, referenceDecodeRow } from "./reference.ts"
import { column, latin1Ctx, utf8Ctx } from "./support.ts"

/** A comparable text of a decoded value, exact about DECIMAL scale, DATETIME qualifier and every field. */
const canon = (v: unknown): string => {
  if (v instanceof CodecFailure) return `failure:${v.message}`
  if (v === null) return "null"
  if (typeof v === "bigint") return `bigint:${v}`
  if (typeof v === "number") return Object.is(v, -0) ? "number:-0" : `number:${v}`
  if (typeof v === "string" || typeof v === "boolean") return `${typeof v}:${v}`
  if (BigDecimal.isBigDecimal(v)) return `decimal:${v.value}e-${v.scale}`
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString("hex")}`
  if (Array.isArray(v)) return `[${v.map(canon).join(", ")}]`
  if (typeof v === "object") {
    const fields = Object.entries(v).map(([k, x]) => `${k}=${x instanceof IV.Qualifier ? x.encoded : canon(x)}`)
    return `${v.constructor.name}{${fields.join(",")}}`
  }
  return String(v)
}

const q3 = new IV.Qualifier("YEAR", "FRACTION", { fractionDigits: 3 })
const hourToSecond = new IV.Qualifier("HOUR", "SECOND")
const yearToDay = new IV.Qualifier("YEAR", "DAY")
const monthToMinute = new IV.Qualifier("MONTH", "MINUTE")
const dayToFraction5 = new IV.Qualifier("DAY", "FRACTION", { fractionDigits: 5 })
const yearToSecond = new IV.Qualifier("YEAR", "SECOND")
const yearToFraction5 = new IV.Qualifier("YEAR", "FRACTION", { fractionDigits: 5 })
const yearToFraction1 = new IV.Qualifier("YEAR", "FRACTION", { fractionDigits: 1 })
const yearToFraction = (k: number) => new IV.Qualifier("YEAR", "FRACTION", { fractionDigits: k })

const columns: ReadonlyArray<ColumnInfo> = [
  column(0, 10), // CHAR(10)
  column(1, 2), // SMALLINT
  column(2, 4), // INTEGER
  column(7, 4), // DATE
  column(4, 4), // SMALLFLOAT
  column(3, 8), // FLOAT
  column(52, 8), // BIGINT
  column(17, 10), // INT8
  column(5, (16 << 8) | 2), // DECIMAL(16,2)
  column(5, (16 << 8) | 255), // DECIMAL(16)
  column(5, (32 << 8) | 10), // DECIMAL(32,10)
  column(8, (12 << 8) | 2), // MONEY(12,2)
  column(10, q3.encoded),
  column(10, hourToSecond.encoded),
  column(10, yearToDay.encoded),
  column(10, monthToMinute.encoded),
  column(10, dayToFraction5.encoded),
  column(14, new IV.Qualifier("DAY", "SECOND", { leadingPrecision: 3 }).encoded), // INTERVAL DAY(3) TO SECOND
  column(13, 40), // VARCHAR(40)
  column(43, 0), // bare LVARCHAR
  column(41, 1, 5, "boolean"),
  column(40, 100, 1, "lvarchar"),
  column(41, 72, 10, "blob"),
  column(40, 0, 300, "mytype"), // opaque envelope
  column(11, 56) // BYTE descriptor
]

const text = (max: number) =>
  fc.string({ maxLength: max, unit: fc.integer({ min: 1, max: 0x7e }).map((c) => String.fromCharCode(c)) })

const dateArb = fc.date({
  min: new Date(Date.UTC(1, 0, 1)),
  max: new Date(Date.UTC(9999, 11, 31)),
  noInvalidDate: true
})

/** A valid value for column `i` (or null). */
const valueFor = (c: ColumnInfo): fc.Arbitrary<Value> => {
  const orNull = (a: fc.Arbitrary<Value>) =>
    fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: a })
  switch (c.columnType) {
    case 0:
      return orNull(text(10))
    case 1:
      return orNull(fc.integer({ min: -32767, max: 32767 }))
    case 2:
      return orNull(fc.integer({ min: -2147483647, max: 2147483647 }))
    case 7:
      return orNull(fc.integer({ min: -693594, max: 2958464 }).map((n) => IV.LocalDate.fromDayNumber(n)))
    case 4:
      return orNull(fc.float({ noNaN: true }))
    case 3:
      return orNull(fc.double({ noNaN: true }))
    case 52:
    case 17:
      return orNull(fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }))
    case 5:
    case 8: {
      const digits = (c.encodedLength >> 8) - 2
      return orNull(
        fc.tuple(fc.bigInt({ min: -(10n ** BigInt(digits)) + 1n, max: 10n ** BigInt(digits) - 1n }), fc.nat(6))
          .map(([v, s]) => BigDecimal.make(v, s))
      )
    }
    case 10: {
      const q = IV.Qualifier.fromEncoded(c.encodedLength)!
      return orNull(dateArb.map((d) => IV.DateTime.fromDate(d, q)))
    }
    case 13:
      return orNull(text(40))
    case 43:
      return text(60)
    case 41:
      return c.extendedId === 5 ? orNull(fc.boolean()) : fc.constant(null)
    case 40:
      return c.extendedId === 1 ? orNull(text(100)) : fc.constant(null)
    default:
      return fc.constant(null)
  }
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Each column's bytes: a valid encoding, or (sometimes) random bytes of a plausible width. */
const segmentFor = (c: ColumnInfo): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 4, arbitrary: valueFor(c).map((v) => encodeRow([c], [v], latin1Ctx)) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => b as Uint8Array | CodecFailure)
    }
  ).map((b) => (b instanceof CodecFailure ? new Uint8Array(0) : b))

const rowArb = fc.shuffledSubarray(columns.map((_, i) => i), { minLength: 1 }).chain((indices) => {
  const cols = indices.map((i) => columns[i]!)
  return fc.tuple(fc.constant(cols), fc.tuple(...cols.map(segmentFor)).map(concat))
})

const mutate = (payload: Uint8Array, at: number, byte: number, cut: number): Uint8Array => {
  const out = payload.slice(0, Math.max(0, payload.length - cut))
  if (out.length > 0) out[at % out.length] = byte
  return out
}

describe("in-place row decoder ≡ reference decoder", () => {
  it("valid, spliced, mutated and truncated rows: same values or the same CodecFailure", () => {
    fc.assert(
      fc.property(rowArb, fc.nat(), fc.nat(255), fc.nat(3), fc.boolean(), ([cols, payload], at, byte, cut, ascii) => {
        const ctx = ascii ? latin1Ctx : utf8Ctx
        for (const p of [payload, mutate(payload, at, byte, cut), concat([payload, Uint8Array.of(byte)])]) {
          assert.strictEqual(canon(decodeRow(p, cols, ctx)), canon(referenceDecodeRow(p, cols, ctx)))
        }
      }),
      { numRuns: 3000 }
    )
  })

  it("valid rows decode without failures (the generator reaches the fast paths)", () => {
    const cols = [columns[8]!, columns[9]!, columns[12]!, columns[13]!, columns[3]!]
    const row: ReadonlyArray<Value> = [
      BigDecimal.fromStringUnsafe("-12345.67"),
      BigDecimal.fromStringUnsafe("0.000123"),
      IV.DateTime.fromDate(new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)), q3),
      IV.DateTime.fromDate(new Date(Date.UTC(2024, 1, 29, 7, 8, 9)), hourToSecond),
      IV.LocalDate.fromDayNumber(45000)
    ]
    const payload = encodeRow(cols, row, latin1Ctx)
    assert.notInstanceOf(payload, CodecFailure)
    const decoded = decodeRow(payload as Uint8Array, cols, latin1Ctx)
    assert.strictEqual(canon(decoded), canon(referenceDecodeRow(payload as Uint8Array, cols, latin1Ctx)))
    assert.strictEqual(
      (decoded as Array<Value>).map(String).join(" | "),
      "BigDecimal(-12345.67) | BigDecimal(0.000123) | 2024-02-29 23:59:58.123 | 07:08:09 | 2023-03-16"
    )
  })
})

describe("the row loop's per-column readers and inline paths ≡ reference decoder, at their edges", () => {
  const same = (cols: ReadonlyArray<ColumnInfo>, bytes: ReadonlyArray<number>, ctx = latin1Ctx) => {
    const payload = Uint8Array.from(bytes)
    const decoded = decodeRow(payload, cols, ctx)
    assert.strictEqual(canon(decoded), canon(referenceDecodeRow(payload, cols, ctx)))
    return decoded
  }
  const int = column(2, 4)

  it("VARCHAR: empty, one byte, NUL (NULL), 255 bytes, non-ASCII, truncated length or body", () => {
    const varchar = column(13, 255)
    assert.deepStrictEqual(same([varchar, int], [0, 0, 0, 0, 7]), ["", 7])
    assert.deepStrictEqual(same([varchar, int], [1, 0x41, 0, 0, 0, 7]), ["A", 7])
    assert.deepStrictEqual(same([varchar, int], [1, 0, 0, 0, 0, 7]), [null, 7])
    assert.deepStrictEqual(same([varchar], [255, ...Array.from({ length: 255 }, () => 0x7a)]), ["z".repeat(255)])
    assert.deepStrictEqual(same([varchar], [3, 0xe9, 0x74, 0xe9]), ["été"])
    assert.deepStrictEqual(same([varchar], [5, 0x63, 0x61, 0x66, 0xc3, 0xa9], utf8Ctx), ["café"])
    assert.instanceOf(same([int, varchar], [0, 0, 0, 7]), CodecFailure)
    assert.instanceOf(same([int, varchar], [0, 0, 0, 7, 3, 0x41, 0x42]), CodecFailure)
    assert.instanceOf(same([varchar, int], [2, 0x41, 0x42, 0, 0, 0]), CodecFailure)
  })

  it("BOOLEAN: every body byte, NULL, another body length, a truncated envelope", () => {
    const bool = column(41, 1, 5, "boolean")
    for (const b of [0x74, 0x54, 0x01, 0x66, 0x46, 0x00, 0x02, 0x78, 0xff]) {
      const decoded = same([bool, int], [0, 0, 0, 0, 1, b, 0, 0, 0, 9])
      if (!(decoded instanceof CodecFailure)) assert.strictEqual(decoded[0], b === 0x74 || b === 0x54 || b === 0x01)
      else assert.include(decoded.message, "is not 't' or 'f'")
    }
    assert.deepStrictEqual(same([bool, int], [1, 0, 0, 0, 0, 0, 0, 0, 9]), [null, 9])
    assert.instanceOf(same([bool], [0, 0, 0, 0, 2, 0x74, 0x74]), CodecFailure)
    assert.instanceOf(same([bool], [0, 0, 0, 0, 1]), CodecFailure)
    assert.instanceOf(same([int, bool], [0, 0, 0, 9, 0, 0, 0]), CodecFailure)
  })

  it("FLOAT / SMALLFLOAT: NULL (all 0xFF), -0, infinities, NaN patterns other than NULL, extremes", () => {
    const float = column(3, 8)
    const small = column(4, 4)
    assert.deepStrictEqual(same([float, small], Array.from({ length: 12 }, () => 0xff)), [null, null])
    const f64 = (x: number) => {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setFloat64(0, x)
      return [...b]
    }
    const f32 = (x: number) => {
      const b = new Uint8Array(4)
      new DataView(b.buffer).setFloat32(0, x)
      return [...b]
    }
    for (const x of [-0, 0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, -1.5e-300, 1 / 3]) {
      const decoded = same([float, small], [...f64(x), ...f32(x)])
      assert.isTrue(Object.is((decoded as Array<Value>)[0], x))
      assert.isTrue(Object.is((decoded as Array<Value>)[1], Math.fround(x)))
    }
    // A NaN that is not the NULL pattern (0xFF in every byte but the last) decodes as NaN.
    const nan = same([float, small], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfe])
    assert.isTrue((nan as Array<Value>).every((v) => Number.isNaN(v)))
  })

  it("BIGINT and INT8: NULL, zero, ±1, the 53-bit edge, ±(2^63 − 1), and an INT8 magnitude past int64", () => {
    const bigint = column(52, 8)
    const int8 = column(17, 10)
    const be = (n: bigint) => {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setBigInt64(0, n)
      return [...b]
    }
    const int8Bytes = (sign: number, magnitude: bigint) => {
      const b = new Uint8Array(10)
      const view = new DataView(b.buffer)
      view.setInt16(0, sign)
      view.setUint32(2, Number(magnitude & 0xffffffffn))
      view.setUint32(6, Number(magnitude >> 32n))
      return [...b]
    }
    // ±2^31 is where the inline int32 BigInt conversion gives way to `BigInt(number)`.
    const int32Edges = [2n ** 31n - 1n, 2n ** 31n, -(2n ** 31n), -(2n ** 31n) - 1n, 2n ** 32n, -(2n ** 32n) + 1n]
    const edges = [
      0n,
      1n,
      -1n,
      ...int32Edges,
      2n ** 53n - 1n,
      -(2n ** 53n - 1n),
      2n ** 53n,
      -(2n ** 53n) - 7n,
      2n ** 63n - 1n
    ]
    for (const n of [...edges, -(2n ** 63n - 1n)]) {
      const magnitude = n < 0n ? -n : n
      assert.deepStrictEqual(same([bigint, int8], [...be(n), ...int8Bytes(n < 0n ? -1 : 1, magnitude)]), [n, n])
    }
    assert.deepStrictEqual(same([bigint, int8], [0x80, 0, 0, 0, 0, 0, 0, 0, ...int8Bytes(0, 0n)]), [null, null])
    assert.deepStrictEqual(same([int8], int8Bytes(-1, 2n ** 64n - 1n)), [-(2n ** 64n - 1n)])
    assert.deepStrictEqual(same([int8], int8Bytes(1, 2n ** 63n)), [2n ** 63n])
  })
})

describe("DECIMAL coefficients at the int32 edge of the inline BigInt conversion", () => {
  it("±(2^31 − 1), ±2^31, 2^31 + 1, zero and negative zero digits, at scales 0, 2 and floating", () => {
    for (const text of ["2147483647", "2147483648", "2147483649", "-2147483647", "-2147483648", "-2147483649", "0"]) {
      for (const [collen, scaled] of [[(16 << 8) | 0, text], [(16 << 8) | 2, `${text}.00`], [(16 << 8) | 255, text]]) {
        const cols = [column(5, collen as number)]
        const payload = encodeRow(cols, [BigDecimal.fromStringUnsafe(scaled as string)], latin1Ctx)
        assert.notInstanceOf(payload, CodecFailure)
        const decoded = decodeRow(payload as Uint8Array, cols, latin1Ctx) as Array<Value>
        assert.strictEqual(canon(decoded), canon(referenceDecodeRow(payload as Uint8Array, cols, latin1Ctx)))
        assert.strictEqual(canon(decoded[0]), canon(BigDecimal.fromStringUnsafe(scaled as string)))
      }
    }
  })
})

describe("packed fast paths at random offsets", () => {
  const digitByte = fc.oneof({ weight: 12, arbitrary: fc.nat(99) }, { weight: 1, arbitrary: fc.nat(255) })

  it("decodeDecimalAt ≡ unpack → digit array → exact, for every width and scale", () => {
    fc.assert(
      fc.property(
        fc.nat(255),
        fc.array(digitByte, { maxLength: 16 }),
        fc.oneof(fc.nat(32), fc.constant(255)),
        fc.nat(5),
        (head, digits, scale, offset) => {
          const bytes = Uint8Array.from([head, ...digits])
          const buffer = new Uint8Array(offset + bytes.length + 3).fill(0x55)
          buffer.set(bytes, offset)
          assert.strictEqual(
            canon(decodeDecimalAt(buffer, offset, bytes.length, scale)),
            canon(referenceDecimal(bytes, scale))
          )
        }
      ),
      { numRuns: 5000 }
    )
  })

  it("a column's dateTimeReader rejects each unit just out of range as decodeDateTime does", () => {
    // Positional bytes of YEAR TO FRACTION(3) / MONTH TO MINUTE / DAY TO FRACTION(5) with one unit replaced.
    const cases: Array<[IV.Qualifier, ReadonlyArray<number>, number, ReadonlyArray<number>]> = [
      // [qualifier, valid unit bytes after the head, index of the unit to change, bad values]
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 2, [0, 13]], // month
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 3, [0, 30]], // 2024-02-30
      [q3, [20, 23, 2, 28, 23, 59, 58, 12, 30], 3, [29]], // 2023-02-29
      [q3, [20, 24, 4, 30, 23, 59, 58, 12, 30], 3, [31]], // April 31
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 4, [24]], // hour
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 5, [60]], // minute
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 6, [60]], // second
      [q3, [0, 1, 1, 1, 0, 0, 0, 0, 0], 1, [0]], // year 0
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 0, [100, 255]], // a year byte above 99
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 1, [100]],
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 7, [100]], // a fraction byte above 99
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 30], 8, [100]],
      [q3, [20, 24, 2, 28, 23, 59, 58, 12, 35], 8, [100]], // FRACTION(3) drops the 4th digit (5)
      // YEAR TO SECOND, YEAR TO FRACTION(5) and (1): the literal-offset reader, every unit and fraction byte
      [yearToSecond, [19, 0, 2, 28, 0, 0, 0], 3, [29]], // 1900 is no leap year
      [yearToSecond, [20, 0, 2, 29, 0, 0, 0], 3, [30]], // 2000 is
      [yearToSecond, [99, 99, 12, 31, 23, 59, 59], 2, [0, 13, 99]],
      [yearToSecond, [99, 99, 12, 31, 23, 59, 59], 4, [24, 99]],
      [yearToSecond, [99, 99, 12, 31, 23, 59, 59], 6, [60, 100]],
      [yearToSecond, [0, 1, 1, 1, 0, 0, 0], 3, [0, 32]],
      [yearToFraction5, [20, 24, 6, 30, 12, 0, 0, 12, 34, 57], 9, [100]], // the 6th digit (7) is dropped
      [yearToFraction5, [20, 24, 6, 30, 12, 0, 0, 12, 34, 50], 7, [100]],
      [yearToFraction1, [20, 24, 6, 30, 12, 0, 0, 95], 7, [100]], // FRACTION(1) drops the 2nd digit (5)
      [yearToFraction(2), [20, 24, 6, 30, 12, 0, 0, 95], 7, [100]],
      [yearToFraction(4), [20, 24, 6, 30, 12, 0, 0, 95, 43], 8, [100]],
      [monthToMinute, [2, 29, 23, 59], 1, [30, 0]], // MONTH TO MINUTE: Feb 29 is valid, 30 is not (year 2000)
      [monthToMinute, [12, 31, 23, 59], 0, [13]],
      // Qualifiers ending before SECOND: values narrower than their positional digits, read at the same offsets
      [new IV.Qualifier("YEAR", "MINUTE"), [20, 24, 2, 29, 23, 59], 3, [30, 0]],
      [new IV.Qualifier("YEAR", "MINUTE"), [20, 24, 2, 29, 23, 59], 5, [60, 100]],
      [yearToDay, [19, 0, 2, 28], 3, [29]],
      [yearToDay, [99, 99, 12, 31], 1, [100]],
      [new IV.Qualifier("HOUR", "MINUTE"), [23, 59], 0, [24]],
      [IV.Qualifier.fromEncoded(0x600)!, [0, 99, 99], 0, [1]], // YEAR(6) TO YEAR: 19999 is out of range
      [dayToFraction5, [31, 23, 59, 59, 99, 99, 90], 0, [32, 0]], // DAY TO FRACTION(5): day 1..31
      [dayToFraction5, [31, 23, 59, 59, 99, 99, 90], 3, [60]]
    ]
    for (const [q, valid, unit, bad] of cases) {
      const layout = dateTimeLayout(q)
      const width = packedWidth(q.encoded)
      const reader = dateTimeReader(layout, width)
      for (const value of [valid[unit]!, ...bad]) {
        const bytes = Uint8Array.of(0x80 | (64 + layout.exponent), ...valid.map((b, i) => (i === unit ? value : b)))
        assert.strictEqual(bytes.length, width)
        const expected = decodeDateTime(bytes, q)
        assert.strictEqual(canon(reader(bytes, 0)), canon(expected))
        if (value !== valid[unit] && !(expected instanceof CodecFailure)) {
          assert.fail(`${q} ${bytes.join(" ")}: ${expected}`)
        }
      }
    }
  })

  it("a decoded YEAR TO SECOND / FRACTION(k) value is the object the public constructor makes", () => {
    // The literal-offset reader builds its DateTime through the decoder's trusted fields object: same own keys in
    // the same order, same fields, equal and same hash as `new DateTime` / `DateTime.fromDate`.
    const date = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 987))
    for (const k of [0, 1, 2, 3, 4, 5]) {
      const q = k === 0 ? yearToSecond : yearToFraction(k)
      const made = IV.DateTime.fromDate(date, q)
      const cols = [column(10, q.encoded)]
      const decoded = (decodeRow(encodeRow(cols, [made], latin1Ctx) as Uint8Array, cols, latin1Ctx) as Array<Value>)[0]
      assert.instanceOf(decoded, IV.DateTime)
      assert.deepStrictEqual(Object.keys(decoded as object), Object.keys(made))
      assert.strictEqual(canon(decoded), canon(made))
      assert.isTrue(Equal.equals(decoded, made))
      assert.strictEqual(Hash.hash(decoded), Hash.hash(made))
    }
    // The public constructor still masks units outside the qualifier and truncates FRACTION for any other object.
    const masked = new IV.DateTime(yearToFraction(1), { ...decodedTimeFields, year: 2024, month: 2, fraction: 98765 })
    assert.strictEqual(masked.fraction, 90000)
    assert.strictEqual(new IV.DateTime(hourToSecond, { year: 2024, hour: 7 }).year, 0)
  })

  it("decodeDateTimeAt and a column's dateTimeReader ≡ decodeDateTime for every qualifier, positional or not", () => {
    const qualifiers: Array<IV.Qualifier> = []
    for (let encoded = 0; encoded < 0x2000; encoded++) {
      const q = IV.Qualifier.fromEncoded(encoded)
      if (q !== undefined && q.isValid && q.startCode <= q.endCode) qualifiers.push(q)
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...qualifiers),
        fc.oneof(dateArb.map((d) => ({ date: d })), fc.uint8Array({ maxLength: 12 }).map((b) => ({ bytes: b }))),
        fc.nat(5),
        fc.boolean(),
        (q, source, offset, positionalHead) => {
          const layout = dateTimeLayout(q)
          let bytes: Uint8Array
          if ("date" in source) {
            const encoded = encodeRow([column(10, q.encoded)], [IV.DateTime.fromDate(source.date, q)], latin1Ctx)
            if (encoded instanceof CodecFailure) return
            bytes = encoded
          } else {
            bytes = source.bytes.slice(0, packedWidth(q.encoded))
            if (positionalHead && bytes.length > 0) bytes[0] = 0x80 | (64 + layout.exponent)
          }
          const buffer = new Uint8Array(offset + bytes.length + 2).fill(0x63)
          buffer.set(bytes, offset)
          const expected = canon(decodeDateTime(bytes, q))
          assert.strictEqual(canon(decodeDateTimeAt(buffer, offset, bytes.length, layout)), expected)
          assert.strictEqual(canon(dateTimeReader(layout, bytes.length)(buffer, offset)), expected)
        }
      ),
      { numRuns: 5000 }
    )
  })
})
